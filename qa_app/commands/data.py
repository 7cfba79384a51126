"""qadesk ingest / score / show."""
from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager

import click

from qa_app.commands.common import emit, fail, progress_bar
from qa_app.services import NotFound, ServiceError, conversations, scoring, scoring_jobs, transcription
from qa_app.services import ingest as service


def register(main: click.Group) -> None:
    main.add_command(ingest)
    main.add_command(score)
    main.add_command(show)
    main.add_command(transcribe)


FORMAT_CHOICES = ["auto", "json", "ndjson", "jsonl", "csv", "txt", "vtt", "srt", "audio"]


def _stereo_map(ctx, param, value: str | None):
    if value is None:
        return None
    parts = tuple(p.strip() for p in value.split(","))
    allowed = {"agent", "customer"}
    if len(parts) != 2 or set(parts) != allowed:
        raise click.BadParameter("must be agent,customer or customer,agent")
    return parts


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", default="auto", show_default=True, type=click.Choice(FORMAT_CHOICES))
@click.option("--agent", default=None, help="Agent login for files that do not name one (txt, vtt, srt, audio).")
@click.option("--channel", default=None, type=click.Choice(["chat", "call", "email", "social"]))
@click.option("--stereo-map", default=None, callback=_stereo_map, metavar="LEFT,RIGHT",
              help="Speakers of a stereo call's channels (default agent,customer).")
@click.option("--create-agents", is_flag=True,
              help="Create agents for logins not known yet (otherwise their records fail, naming the login).")
@click.option("--no-redact", is_flag=True, help="Store text without PII redaction (not recommended).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def ingest(obj, paths, fmt, agent, channel, stereo_map, create_agents, no_redact, as_json: bool) -> None:
    """Ingest conversation files: canonical JSON/NDJSON, CSV, plain text, WebVTT, SRT, or call audio.

    Directories are searched recursively. Audio is transcribed (in this process, with a progress
    bar on a terminal). A record whose id is stored with different content is a conflict and is
    not stored. Exit status 0 when nothing failed or conflicted, 1 otherwise.
    """
    with obj.app.app_context():
        options = service.IngestOptions(fmt=fmt, agent=agent, channel=channel,
                                        stereo_map=stereo_map or transcription.default_stereo_map(),
                                        redaction=None if no_redact else transcription.redaction_config(),
                                        create_agents=create_agents)
        with progress_bar(None, "ingest", as_json) as tick:
            summary = service.ingest_paths(paths, options, progress=tick)
        if summary.job_ids:
            with progress_bar(len(summary.job_ids), "transcribe", as_json) as tick:
                transcription.run_jobs(summary.job_ids, summary, progress=tick)
    emit(summary.as_dict(), as_json, _summary_text(summary))
    sys.exit(0 if summary.ok else 1)


def _summary_text(summary, prefix: str = "") -> str:
    lines = [f"{prefix}ingested {summary.ingested}, duplicates {summary.duplicates}, "
             f"conflicts {summary.conflicts}, failed {summary.failed}"]
    lines += [f"  {e['source']}: {e['error']}" for e in summary.errors]
    return "\n".join(lines)


@click.command()
@click.option("--all", "rescore_all", is_flag=True, help="Rescore every conversation.")
@click.option("--queue", "queue_it", is_flag=True,
              help="Queue the run for the distributed workers (`qadesk worker`, QADESK_BROKER_URL) "
                   "instead of scoring here; its status is on the Jobs page.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def score(obj, rescore_all: bool, queue_it: bool, as_json: bool) -> None:
    """Auto-score conversations without an automatic evaluation under the active scorecard.

    Work is committed every few hundred conversations, so the web app can save reviews meanwhile
    and a run stopped with Ctrl-C keeps what it finished; run it again to score the rest.
    Large runs are scored by worker processes, one per CPU (setting QADESK_SCORING_WORKERS).
    """
    if queue_it:
        _queue_score(obj.app, rescore_all, as_json)
        return
    summary = scoring.ScoreSummary()
    try:
        with obj.app_without_pages.app_context():
            total = scoring.count_conversations()
            with progress_bar(total, "score", as_json) as tick, _stop_on_ctrl_c(tick) as progress:
                scoring.score_pending(rescore_all=rescore_all, progress=progress, commit_batches=True,
                                      summary=summary, total=total)
    except KeyboardInterrupt:
        click.echo(f"stopped: kept {summary.scored} scored conversations; {_rest(rescore_all)}", err=True)
        sys.exit(130)
    except scoring.ScoringFailed as exc:  # the details are in the log (and on stderr with --debug)
        click.echo(f"error: {exc}; kept {summary.scored} scored conversations; {_rest(rescore_all)}", err=True)
        sys.exit(1)
    emit(summary.as_dict(), as_json, f"scored {summary.scored}"
         + (f" ({summary.no_scorecard} without a matching scorecard)" if summary.no_scorecard else ""))


def _queue_score(app, rescore_all: bool, as_json: bool) -> None:
    try:
        with app.app_context():
            job, created = scoring_jobs.queue_run(app, rescore_all)
            found = {"job": job.id, "key": job.key, "status": job.status, "created": created}
    except ServiceError as exc:
        fail(str(exc))
    emit(found, as_json, f"queued job {found['key']} for the workers" if created
         else f"job {found['key']} was already asked for: {found['status']}")


def _rest(rescore_all: bool) -> str:
    return ("`qadesk score --all` rescores every conversation again" if rescore_all
            else "run `qadesk score` again to score the rest")


@contextmanager
def _stop_on_ctrl_c(tick):
    """A progress callback that raises KeyboardInterrupt at the next conversation after Ctrl-C.

    Python may deliver a signal's KeyboardInterrupt inside a finaliser, which swallows it; the flag
    makes the stop certain and puts it between conversations. A second Ctrl-C interrupts at once.
    """
    pressed = []

    def on_ctrl_c(signum, frame):
        pressed.append(signum)
        signal.signal(signal.SIGINT, previous)

    def progress(n: int) -> None:
        if tick:
            tick(n)
        if pressed:
            raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield tick
        return
    previous = signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        yield progress
    finally:
        signal.signal(signal.SIGINT, previous)


@click.command()
@click.argument("external_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def show(obj, external_id: str, as_json: bool) -> None:
    """Show a conversation with its turns and evaluations."""
    with obj.app.app_context():
        try:
            doc = conversations.conversation_document(conversations.by_external_id(external_id))
        except NotFound as exc:
            fail(str(exc))
    emit(doc, as_json, _as_text(doc))


def _as_text(doc: dict) -> str:
    lines = [f"{doc['id']}  {doc['channel']}  agent {doc['agent']}  {doc['language'] or ''}  "
             f"{doc['started_at'] or ''}"]
    lines += [f"  [{i}] {t['speaker']}: {t['text']}" for i, t in enumerate(doc["turns"])]
    for ev in doc["evaluations"]:
        flag = " FINAL" if ev["final"] else ""
        lines.append(f"{ev['kind']} {ev['scorecard']} v{ev['version']}: {ev['score']}"
                     f"{' AUTO-FAIL' if ev['auto_fail'] else ''}{flag}")
        lines += [f"  {c['id']}: {c['result']}  {c['explanation']}" for c in ev["criteria"]]
    return "\n".join(lines)


@click.command()
@click.option("--retry-failed", is_flag=True, help="Run failed transcription jobs again.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def transcribe(obj, retry_failed: bool, as_json: bool) -> None:
    """Run queued transcription jobs (and, with --retry-failed, the failed ones) now."""
    with obj.app.app_context():
        ids = transcription.pending_job_ids(include_failed=retry_failed)
        summary = service.IngestSummary()
        with progress_bar(len(ids), "transcribe", as_json) as tick:
            transcription.run_jobs(ids, summary, progress=tick)
    doc = {"jobs": len(ids), **summary.as_dict()}
    emit(doc, as_json, _summary_text(summary, f"jobs {len(ids)}: "))
    sys.exit(0 if summary.ok else 1)
