"""At volume (issue #13): the figures of an instance bench/gen.py filled, through the app's own code.

Prints, never asserts:
- database size, and per million conversations;
- every list page's response time through the Flask test client, signed in as a role that uses the
  page (the first of PAGE_ROLES the page allows), and as admin (who sees everything) when admin
  may: the first request and a second one; pages that paginate (they link `?page=2`) also at a
  deep page. The report pages and dashboards also over the last full quarter;
- CSV/XLSX/JSON downloads: time and the process's peak RSS before and during the request with its
  whole body read. Each page runs in its own process, stopped past --page-timeout seconds or
  --page-memory-mb of RSS (the line then says so);
- ingest rate (after a warm-up batch): --sample new conversations of the instance's agents as
  NDJSON through services.ingest.ingest_paths (what `qadesk ingest` runs), twice;
- scoring rate of those two batches, one with 1 and one with 2 scoring workers (services.scoring,
  QADESK_SCORING_WORKERS), and the ratio, with the CPU seconds of this process (it stores the
  batches and applies the training rules) and of each worker process, which explain the ratio;
- transcription (after a warm-up call) of the committed stereo call repeated --calls times by 1 and
  by 2 worker processes (each given WHISPER_THREADS = cores / workers, as a deployment with that
  many workers would be), and the ratio.
The ingested sample stays in the instance (ids scale-<time>-N): it grows by 2 x --sample + WARM_UP.
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
import resource
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
# measured again over the last full quarter (the default period, the current month, may hold a few days)
OVER_A_QUARTER = ("/reports/appraisal", "/dashboards/qa", "/reports/appraisal.csv", "/reports/appraisal.xlsx",
                  "/dashboards/qa.json")
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


def last_quarter() -> str:
    """The label of the last full quarter, e.g. 2026-Q3."""
    from qa_app import clock
    today = clock.today()
    quarter = (today.month - 1) // 3  # the current one, 0-based; the one before is `quarter - 1`
    year, previous = (today.year, quarter) if quarter else (today.year - 1, 4)
    return f"{year}-Q{previous}"


def with_quarters(paths: tuple[str, ...]) -> list[str]:
    quarter = last_quarter()
    return [p for path in paths for p in ([path, f"{path}?period={quarter}"] if path in OVER_A_QUARTER else [path])]


def page_figures(app, args) -> None:
    print(f"{'page':<36}{'as':<18}{'status':>7}{'first s':>9}{'again s':>9}{'KB':>8}{'RSS MB':>8}  deep page",
          flush=True)
    for path in with_quarters(LIST_PAGES):
        for role in roles_for(app, path):
            r = isolated_get(args, role, path)
            if isinstance(r, str):
                print(f"{path:<36}{role:<18}  {r}", flush=True)
                continue
            deep = f"?page={DEEP_PAGE}: {r['deep']:.2f} s ({r['deep_status']})" if "deep" in r else "no pagination"
            print(f"{path:<36}{r['login']:<18}{r['status']:>7}{r['first']:>9.2f}{r['again']:>9.2f}{r['kb']:>8.0f}"
                  f"{r['rss_peak_mb']:>8.0f}  {deep}", flush=True)


def conversations_in(path: str) -> int:
    """How many conversations started in the period a download asks for (?period=, else the current
    month): the rows its figures are made from, so that the RSS growth reads against them."""
    from urllib.parse import parse_qs, urlsplit
    from qa_app import clock
    from qa_app.extensions import db
    from qa_app.models import Conversation
    from training import periods
    label = (parse_qs(urlsplit(path).query).get("period") or [clock.now().strftime("%Y-%m")])[0]
    period = periods.parse_period(label)
    return db.session.scalar(db.select(db.func.count(Conversation.id)).where(
        Conversation.started_at >= period.start, Conversation.started_at < period.end)) or 0


def download_figures(app, args) -> None:
    """Each download in its own process: time, RSS before and at its peak, against the conversations
    of its period (a streamed export keeps the growth flat as they grow)."""
    print(f"{'download':<40}{'as':<8}{'status':>7}{'seconds':>9}{'RSS before':>11}{'RSS peak':>9}{'growth MB':>10}"
          f"{'KB':>9}{'conversations':>14}", flush=True)
    for path in with_quarters(DOWNLOADS):
        with app.app_context():
            rows = conversations_in(path)
        r = isolated_get(args, "hr", path, again=False)
        if isinstance(r, str):
            print(f"{path:<40}{'hr':<8}  {r}", flush=True)
            continue
        print(f"{path:<40}{r['login']:<8}{r['status']:>7}{r['first']:>9.2f}{r['rss_before_mb']:>11.0f}"
              f"{r['rss_peak_mb']:>9.0f}{r['rss_peak_mb'] - r['rss_before_mb']:>10.0f}{r['kb']:>9.0f}{rows:>14,}",
              flush=True)


def isolated_get(args, role: str, path: str, again: bool = True):
    """One page in a child process (its own peak RSS; a page that runs too long or takes too much
    memory is stopped): the child's figures, or why it was stopped."""
    command = [sys.executable, __file__, "--instance", str(args.instance), "--get", role, path,
               *(["--database-url", args.database_url] if args.database_url else []), *([] if again else ["--once"])]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)))
    started, stopped = time.perf_counter(), None
    while child.poll() is None and stopped is None:
        time.sleep(0.2)
        if time.perf_counter() - started > args.page_timeout:
            stopped = f"stopped after {args.page_timeout:.0f} s"
        elif _rss_mb(child.pid) > args.page_memory_mb:
            stopped = f"stopped at {args.page_memory_mb:,.0f} MB RSS after {time.perf_counter() - started:.0f} s"
    if stopped:
        child.kill()
        child.communicate()
        return stopped
    out, err = child.communicate()
    if child.returncode:
        return "failed: " + (err.strip().splitlines() or ["?"])[-1][:120]
    return json.loads(out.strip().splitlines()[-1])


def _rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0.0)


def get_child(args) -> None:
    """The --get child: sign in, GET the page (twice unless --once, and a deep page when it
    paginates); JSON with the times, sizes and this process's RSS before and at its peak."""
    role, path = args.get
    app = open_app(args.instance, args.database_url)
    client, login = signed_in(app, role)
    client.get("/")  # the first request's one-off work (templates, translations) is not the page's
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    first, status, body = timed_get(client, path)
    doc = {"login": login, "status": status, "first": first, "kb": len(body) / 1024, "rss_before_mb": before}
    if not args.once:
        doc["again"] = timed_get(client, path)[0]
        if b"page=2" in body:
            doc["deep"], doc["deep_status"], _ = timed_get(client, f"{path}{'&' if '?' in path else '?'}page={DEEP_PAGE}")
    doc["rss_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(doc))


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
        done, main_cpu, others = cpu_split(lambda: scoring.score_pending(conversation_ids=ids, commit_batches=True,
                                                                         workers=workers))
        seconds = time.perf_counter() - started
        rates.append(done.scored / seconds)
        per = 1000 / max(done.scored, 1)
        print(f"scoring with {workers} worker{'s' if workers > 1 else ''}: {done.scored:,} conversations in "
              f"{seconds:.1f} s: {rates[-1]:,.0f} conversations/s; CPU: this process {main_cpu:.1f} s "
              f"({main_cpu * per:.2f} ms per conversation: storing, training rules, the first chunk), "
              f"worker processes {' + '.join(f'{c:.1f}' for c in others)} s "
              f"({sum(others) * per:.2f} ms per conversation); load average {os.getloadavg()[0]:.2f}", flush=True)
    print(f"scoring, 2 workers / 1 worker: {rates[1] / rates[0]:.2f} x (on 2 cores the ratio is at most about "
          f"2 x worker CPU / (worker CPU + this process's CPU), whatever the load)", flush=True)


def cpu_split(run):
    """(run(), CPU seconds this process spent in it, CPU seconds of each other process below this one
    during it, largest first). The scoring workers are children of the forkserver, which this
    process does not wait for, so they are read from /proc every 50 ms while they run (the last
    moments of a worker can be missed; the watching thread's own CPU is left out)."""
    import threading
    from bench.scoring_e2e import tree_usage
    before: dict[int, float] = {}
    tree_usage(os.getpid(), before)
    seen, stop, watcher_cpu = dict(before), threading.Event(), [0.0]

    def watch() -> None:
        while not stop.wait(0.05):
            tree_usage(os.getpid(), seen)
        tree_usage(os.getpid(), seen)
        watcher_cpu[0] = time.thread_time()

    watcher = threading.Thread(target=watch, daemon=True)
    own = time.process_time()
    watcher.start()
    try:
        result = run()
    finally:
        stop.set()
        watcher.join()
    own = time.process_time() - own - watcher_cpu[0]
    others = sorted((cpu - before.get(pid, 0.0) for pid, cpu in seen.items() if pid != os.getpid()), reverse=True)
    return result, own, [c for c in others if c >= 0.05]


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
    parser.add_argument("--page-timeout", type=float, default=300, help="seconds before a page is stopped")
    parser.add_argument("--page-memory-mb", type=float, default=4000, help="RSS at which a page is stopped")
    parser.add_argument("--transcribe-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--get", nargs=2, metavar=("ROLE", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.transcribe_child:
        return transcribe_child(args.transcribe_child)
    if args.get:
        return get_child(args)
    if args.instance is None:
        parser.error("--instance is required")
    skip = set(filter(None, args.skip.split(",")))
    app = open_app(args.instance, args.database_url)
    with app.app_context():
        size_figures()
    if "pages" not in skip:
        page_figures(app, args)
    if "exports" not in skip:
        download_figures(app, args)
    if "ingest" not in skip:
        with app.app_context():
            ingest_and_score(args.sample)
    if "transcription" not in skip:
        transcription_figures(args.calls)


if __name__ == "__main__":
    main()
