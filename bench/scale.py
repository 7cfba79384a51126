"""At volume (issue #13): the figures of an instance bench/gen.py filled, through the app's own code.

Prints, never asserts:
- database size, and per million conversations;
- every list page's response time through the Flask test client, signed in as a role that uses the
  page (the first of PAGE_ROLES the page allows), and also as admin (who sees everything) when
  admin may: the first request (cold caches) and a second one; pages that paginate (their page
  links `?page=`) also at a deep page;
- CSV/XLSX downloads: time and tracemalloc peak of the request with its whole body read
  (tracemalloc slows Python down: the times here are for comparison only);
- ingest rate (after a warm-up batch): --sample new conversations of the instance's agents written as NDJSON and ingested
  with services.ingest.ingest_paths (what `qadesk ingest` runs), twice;
- scoring rate of each of those two batches with 1 and with 2 scoring workers (services.scoring,
  QADESK_SCORING_WORKERS) and the ratio;
- transcription (after a warm-up call) of the committed stereo call repeated --calls times by 1 and by 2 worker processes
  (each given WHISPER_THREADS = cores / workers, as a deployment with that many workers would be)
  and the ratio.
The ingested sample stays in the instance (ids scale-<time>-N), so the instance grows by 2 x --sample + WARM_UP.
Run: .venv/bin/python bench/scale.py --instance /tmp/big [--database-url URL] [--sample 3000] [--calls 4]
     [--skip ingest,transcription,pages,exports]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # run as a script, this folder would shadow the `scoring` package
    sys.path[0] = str(ROOT)

STEREO = ROOT / "tests" / "fixtures" / "audio" / "call_stereo.ogg"
LIST_PAGES = ("/", "/conversations/", "/review/", "/calibration/", "/calibration/trend", "/training/", "/courses/",
              "/coaching/", "/training/effectiveness", "/dashboards/qa", "/dashboards/me", "/reports/appraisal",
              "/appraisals/", "/trust/", "/admin/users", "/admin/scorecards", "/admin/rules", "/admin/jobs",
              "/admin/audit", "/disputes/", "/disputes/stats", "/notifications/", "/surveys/")
DOWNLOADS = ("/reports/appraisal.csv", "/reports/appraisal.xlsx", "/training/effectiveness.csv",
             "/training/effectiveness.xlsx", "/dashboards/qa.json")
PAGE_ROLES = ("reviewer", "lead", "hr", "agent", "admin")
DEEP_PAGE = 200
WARM_UP = 200  # conversations ingested and scored before the measured batches


def open_app(instance: Path, database_url: str | None):
    from qa_app import create_app
    config = {"WTF_CSRF_ENABLED": False, **({"QADESK_DATABASE_URL": database_url} if database_url else {})}
    return create_app(config, instance_path=str(instance))


def size_figures() -> None:
    from bench.gen import database_bytes
    from qa_app.extensions import db
    from qa_app.models import Conversation, Evaluation, Turn
    count = db.session.scalar(db.select(db.func.count(Conversation.id)))
    turns = db.session.scalar(db.select(db.func.count(Turn.id)))
    evaluations = db.session.scalar(db.select(db.func.count(Evaluation.id)))
    size = database_bytes()
    print(f"database: {size / 2**20:,.0f} MB for {count:,} conversations ({turns:,} turns, {evaluations:,} "
          f"evaluations): {size / 2**30 / max(count, 1) * 1e6:.2f} GB per million conversations", flush=True)


def signed_in(app, role: str):
    """A test client signed in as the first user with `role` (admin: admin), with the demo password."""
    from qa_app.demo import DEMO_PASSWORD
    from qa_app.extensions import db
    from qa_app.models import User
    with app.app_context():
        login = "admin" if role == "admin" else db.session.scalar(
            db.select(User.login).where(User.role == role, User.active.is_(True)).order_by(User.id).limit(1))
    client = app.test_client()
    response = client.post("/login", data={"login": login, "password": DEMO_PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"scale: could not sign in as {login} ({role}) with the demo password")
    return client, login


def roles_for(app, path: str) -> list[str]:
    """The roles a page is measured as: the first of PAGE_ROLES it allows, and admin too when allowed."""
    adapter = app.url_map.bind("localhost")
    endpoint, _ = adapter.match(path.split("?")[0], method="GET")
    allowed = set(getattr(app.view_functions[endpoint], "allowed_roles", ()) or ())
    first = [r for r in PAGE_ROLES if r in allowed][:1]
    return first + (["admin"] if "admin" in allowed and first != ["admin"] else [])


def timed_get(client, path: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    response = client.get(path)
    body = response.get_data()
    return time.perf_counter() - started, response.status_code, body


def page_figures(app) -> None:
    clients: dict[str, tuple] = {}
    print(f"{'page':<28}{'as':<18}{'status':>7}{'first s':>9}{'again s':>9}{'KB':>8}  deep page", flush=True)
    for path in LIST_PAGES:
        for role in roles_for(app, path):
            client, login = clients.get(role) or clients.setdefault(role, signed_in(app, role))
            first, status, body = timed_get(client, path)
            again, _, _ = timed_get(client, path)
            deep = ""
            if b"page=2" in body:
                seconds, deep_status, _ = timed_get(client, f"{path}?page={DEEP_PAGE}")
                deep = f"?page={DEEP_PAGE}: {seconds:.2f} s ({deep_status})"
            print(f"{path:<28}{login:<18}{status:>7}{first:>9.2f}{again:>9.2f}{len(body) / 1024:>8.0f}  "
                  f"{deep or 'no pagination'}", flush=True)


def download_figures(app) -> None:
    client, login = signed_in(app, "hr")
    print(f"{'download':<32}{'as':<8}{'status':>7}{'seconds':>9}{'peak MB':>9}{'KB':>9}", flush=True)
    for path in DOWNLOADS:
        tracemalloc.start()
        seconds, status, body = timed_get(client, path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{path:<32}{login:<8}{status:>7}{seconds:>9.2f}{peak / 2**20:>9.1f}{len(body) / 1024:>9.0f}", flush=True)


def sample_records(n: int, stamp: str, rng: random.Random) -> list[dict]:
    """n canonical records of the instance's agents (bench.gen_content's after-sales conversations)."""
    from qa_app import clock
    from qa_app.demo.compose import compose
    from qa_app.demo.conversations import plan_agent, render
    from qa_app.demo.people import PROFILES, Agent
    from qa_app.extensions import db
    from qa_app.models import Team, User
    rows = db.session.execute(db.select(User.login, Team.language, Team.name).join(Team, User.team_id == Team.id)
                              .where(User.role == "agent").order_by(User.id).limit(50)).all()
    agents = [Agent(login, login.split(".")[0].title(), team, language or "en", PROFILES["average"])
              for login, language, team in rows]
    out = []
    while len(out) < n:
        agent = rng.choice(agents)
        for plan in plan_agent(agent, clock.today(), rng)[:4]:
            record = render(plan, compose(plan, rng), len(out), rng)
            out.append({**record, "id": f"scale-{stamp}-{len(out)}"})
    return out[:n]


def ingest_and_score(sample: int) -> None:
    """A small warm-up batch (ingested, then scored by one worker: imports, engines, the forkserver),
    then two batches of `sample`, each ingested and timed, the first scored by 1 worker, the second by 2."""
    from qa_app.services import ingest, scoring, transcription
    stamp = str(int(time.time()))
    records = sample_records(2 * sample + WARM_UP, stamp, random.Random(stamp))
    options = ingest.IngestOptions(redaction=transcription.redaction_config())
    batches = []
    with tempfile.TemporaryDirectory() as folder:
        for k, part in enumerate((records[:WARM_UP], records[WARM_UP:WARM_UP + sample], records[WARM_UP + sample:])):
            path = Path(folder) / f"sample-{k}.ndjson"
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part), encoding="utf-8")
            started = time.perf_counter()
            summary = ingest.ingest_paths([path], options)
            seconds = time.perf_counter() - started
            batches.append(summary.conversation_ids)
            if k:
                print(f"ingest (services.ingest.ingest_paths, redaction on): {summary.ingested:,} conversations in "
                      f"{seconds:.1f} s: {summary.ingested / seconds:,.0f} conversations/s", flush=True)
    scoring.score_pending(conversation_ids=batches[0], commit_batches=True, workers=1)
    rates = []
    for workers, ids in zip((1, 2), batches[1:]):
        started = time.perf_counter()
        done = scoring.score_pending(conversation_ids=ids, commit_batches=True, workers=workers)
        seconds = time.perf_counter() - started
        rates.append(done.scored / seconds)
        print(f"scoring with {workers} worker{'s' if workers > 1 else ''}: {done.scored:,} conversations in "
              f"{seconds:.1f} s: {rates[-1]:,.0f} conversations/s", flush=True)
    print(f"scoring, 2 workers / 1 worker: {rates[1] / rates[0]:.2f} x", flush=True)


def transcribe_child(calls: int) -> None:
    """Transcribe the stereo call `calls` times in this process (the job's pipeline); JSON on stdout."""
    from transcripts.audio import FasterWhisperTranscriber, WhisperSettings, load_audio, transcribe_call
    settings = WhisperSettings.from_mapping({"WHISPER_MODEL": "tiny.en", "WHISPER_LANGUAGE": "en", **os.environ})
    engine = FasterWhisperTranscriber(settings)
    started = time.perf_counter()
    for _ in range(calls):
        transcribe_call(STEREO, engine)
    print(json.dumps({"seconds": time.perf_counter() - started, "cpu": time.process_time(),
                      "audio": load_audio(STEREO).duration * calls}))


def transcription_figures(calls: int) -> None:
    cores, rates = os.cpu_count() or 1, []
    subprocess.run([sys.executable, __file__, "--transcribe-child", "1"], env=dict(os.environ, PYTHONPATH=str(ROOT)),
                   check=True, capture_output=True, cwd=ROOT)  # warm-up: the model files read once
    for workers in (1, 2):
        threads = max(1, cores // workers)
        env = dict(os.environ, WHISPER_THREADS=str(threads), PYTHONPATH=str(ROOT))
        started = time.perf_counter()
        children = [subprocess.Popen([sys.executable, __file__, "--transcribe-child", str(calls // workers)],
                                     env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT) for _ in range(workers)]
        results = [json.loads(child.communicate()[0]) for child in children]
        seconds = time.perf_counter() - started  # model loading included, as a worker pays it
        audio = sum(r["audio"] for r in results)
        rates.append(audio / seconds)
        print(f"transcription, {workers} worker{'s' if workers > 1 else ''} x {threads} thread"
              f"{'s' if threads > 1 else ''}: {calls // workers * workers} calls ({audio:.0f} s of audio) in "
              f"{seconds:.1f} s (CPU {sum(r['cpu'] for r in results):.1f} s, model loading included): "
              f"{rates[-1]:.1f} s of audio per second", flush=True)
    print(f"transcription, 2 workers / 1 worker: {rates[1] / rates[0]:.2f} x", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", type=Path)
    parser.add_argument("--database-url")
    parser.add_argument("--sample", type=int, default=3000, help="conversations per ingest / scoring batch")
    parser.add_argument("--calls", type=int, default=4, help="transcriptions of the stereo call per run")
    parser.add_argument("--skip", default="", help="comma-separated: pages, exports, ingest, transcription")
    parser.add_argument("--transcribe-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.transcribe_child:
        return transcribe_child(args.transcribe_child)
    if args.instance is None:
        parser.error("--instance is required")
    skip = set(filter(None, args.skip.split(",")))
    app = open_app(args.instance, args.database_url)
    with app.app_context():
        size_figures()
    if "pages" not in skip:
        page_figures(app)
    if "exports" not in skip:
        download_figures(app)
    if "ingest" not in skip:
        with app.app_context():
            ingest_and_score(args.sample)
    if "transcription" not in skip:
        transcription_figures(args.calls)


if __name__ == "__main__":
    main()
