"""qadesk ingest / score / show."""
from __future__ import annotations

import sys

import click

from qa_app.cli import emit, fail, progress_bar
from qa_app.services import NotFound


def register(main: click.Group) -> None:
    main.add_command(ingest)
    main.add_command(score)
    main.add_command(show)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def ingest(obj, paths, as_json: bool) -> None:
    """Ingest canonical JSON/NDJSON conversation files (directories are searched recursively).

    Exit status 0 when nothing failed, 1 otherwise.
    """
    from qa_app.services import ingest as service
    with obj.app.app_context(), progress_bar(None, "ingest", as_json) as tick:
        summary = service.ingest_paths(paths, progress=tick)
    lines = [f"ingested {summary.ingested}, duplicates {summary.duplicates}, failed {summary.failed}"]
    lines += [f"  {e['source']}: {e['error']}" for e in summary.errors]
    emit(summary.as_dict(), as_json, "\n".join(lines))
    sys.exit(1 if summary.failed else 0)


@click.command()
@click.option("--all", "rescore_all", is_flag=True, help="Rescore every conversation.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def score(obj, rescore_all: bool, as_json: bool) -> None:
    """Auto-score conversations without an automatic evaluation under the active scorecard."""
    from qa_app.services import scoring
    with obj.app.app_context(), progress_bar(None, "score", as_json) as tick:
        summary = scoring.score_pending(rescore_all=rescore_all, progress=tick)
    emit(summary.as_dict(), as_json, f"scored {summary.scored}"
         + (f" ({summary.no_scorecard} without a matching scorecard)" if summary.no_scorecard else ""))


@click.command()
@click.argument("external_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def show(obj, external_id: str, as_json: bool) -> None:
    """Show a conversation with its turns and evaluations."""
    from qa_app.services import conversations
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
