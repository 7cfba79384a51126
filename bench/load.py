"""Load (issue #12, "Faults and load"): simulated users against a real `qadesk serve`.

Prints, never asserts. For --duration seconds, --users simulated users work at once over HTTP, each
signed in through the login form with its own cookies and CSRF tokens, as a browser would:
- reviewers (half of the users): open their review queue, open a conversation from it, and save
  the review form as it is (agreeing with the automatic result);
- agents (a third): open their training, open a quiz when one is open and answer it, else open
  their conversations;
- HR (the rest, at least one): open the appraisal report and download its CSV;
while one `qadesk ingest` of --ingest new conversations runs beside them. After each answer a user
waits --think MIN,MAX seconds (uniform; default 1-5 s, as Locust's usual `between(1, 5)`), as a
person reads a page before the next click; the users sign in 0.02 s apart. Printed: per action the
count, errors (status >= 400 other than an intended 404/409, or a failed connection) and the p50,
p95 and p99 latency; overall; and whether the p95 meets the 300 ms target.
Users, by role, are read from the instance's database; every one has the demo password.
The server is one `qadesk serve` (waitress threads, one Python process), or with --workers N
gunicorn with N processes and one `qadesk scheduler`, as deploy/ runs a production site.
Run: .venv/bin/python bench/load.py --instance PATH [--users 50] [--duration 300] [--ingest 2000]
     [--workers N] [--threads T]
     .venv/bin/python bench/load.py --demo   (a new demo instance in a temporary folder)
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # run as a script, this folder would shadow the `scoring` package
    sys.path[0] = str(ROOT)

import requests  # noqa: E402  (a dependency of the test tools already installed)

PASSWORD = "qadesk-demo-2026"
TARGET_P95_MS = 300


class Forms(HTMLParser):
    """The POST forms of a page: [(action, {field: value})], a browser's defaults filled in (the
    first option of each radio group and select, checked boxes, text kept)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict]] = []
        self.links: list[str] = []
        self._radio_seen: set[str] = set()
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append((a.get("action") or "", {}) if (a.get("method") or "").lower() == "post" else ("", None))
        elif self.forms and self.forms[-1][1] is not None:
            self._field(tag, a, self.forms[-1][1])

    def _field(self, tag: str, a: dict, fields: dict) -> None:
        name = a.get("name")
        if tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and (self._select not in fields or "selected" in a):
            fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            fields.setdefault(name, "")
        elif tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            kind = a.get("type", "text")
            if kind == "radio":
                if name not in self._radio_seen or "checked" in a:
                    fields[name] = a.get("value", "on")
                    self._radio_seen.add(name)
            elif kind != "checkbox" or "checked" in a:
                fields[name] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def parse(html: str) -> Forms:
    forms = Forms()
    forms.feed(html)
    return forms


class User:
    """One simulated user: a session of its own, timing every request into `stats`."""

    def __init__(self, base: str, login: str, role: str, stats: "Stats",
                 think: tuple[float, float] = (0.0, 0.0)) -> None:
        self.base, self.login, self.role, self.stats, self.think = base, login, role, stats, think
        self.http = requests.Session()

    def get(self, action: str, path: str, ok=(200,)):
        return self._timed(action, ok, lambda: self.http.get(urljoin(self.base, path), timeout=120))

    def post(self, action: str, path: str, data: dict, ok=(200, 302)):
        return self._timed(action, ok, lambda: self.http.post(urljoin(self.base, path), data=data,
                                                              allow_redirects=False, timeout=120))

    def _timed(self, action: str, ok, call):
        start = time.perf_counter()
        try:
            response = call()
        except requests.RequestException as exc:
            self.stats.add(action, time.perf_counter() - start, f"{type(exc).__name__}: {str(exc)[-90:]}")
            return None
        self.stats.add(action, time.perf_counter() - start, None if response.status_code in ok
                       else f"HTTP {response.status_code}")
        time.sleep(random.uniform(*self.think))  # a person reads the page before the next click
        return response

    def sign_in(self) -> bool:
        page = self.get("login page", "/login")
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.text if page else "")
        if not token:
            return False
        done = self.post("sign in", "/login", {"login": self.login, "password": PASSWORD,
                                               "csrf_token": token.group(1)}, ok=(302,))
        return done is not None and done.status_code == 302


def reviewer_round(user: User) -> None:
    queue = user.get("review queue", "/review/")
    if queue is None:
        return
    links = [h for h in parse(queue.text).links if re.fullmatch(r"/review/\d+", h)]
    if not links:
        return
    path = random.choice(links[:20])
    page = user.get("review page", path)
    forms = [f for f in parse(page.text).forms if f[1] and "based_on" in f[1]] if page is not None else []
    if forms:
        user.post("save review", forms[0][0] or path, forms[0][1], ok=(200, 302, 409))


def agent_round(user: User) -> None:
    training = user.get("my training", "/training/")
    if training is None:
        return
    quizzes = [h for h in parse(training.text).links if "/quiz" in h]
    if not quizzes:
        user.get("my conversations", "/conversations/")
        return
    path = random.choice(quizzes)
    page = user.get("quiz page", path, ok=(200, 404, 409))
    forms = [f for f in parse(page.text).forms if f[1] and "csrf_token" in f[1]] if page is not None else []
    if forms and page.status_code == 200:
        user.post("answer quiz", forms[0][0] or path, forms[0][1], ok=(200, 302, 409))


def hr_round(user: User) -> None:
    report = user.get("appraisal report", "/reports/appraisal")
    if report is None:
        return
    csv_links = [h for h in parse(report.text).links if ".csv" in h or "csv" in h.split("/")[-1]]
    if csv_links:
        user.get("appraisal CSV", csv_links[0])


ROUNDS = {"reviewer": reviewer_round, "agent": agent_round, "hr": hr_round}


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)

    def add(self, action: str, seconds: float, error: str | None) -> None:
        with self._lock:
            self.times[action].append(seconds)
            if error:
                self.errors[action].append(error)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else 0.0


def print_figures(stats: Stats, users: int, duration: float, ingest: dict | None) -> None:
    print(f"{users} users for {duration:.0f} s")
    print(f"{'action':<20} {'n':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    every: list[float] = []
    for action in sorted(stats.times):
        t = stats.times[action]
        every += t
        print(f"{action:<20} {len(t):>6} {len(stats.errors[action]):>6} {percentile(t, 50) * 1000:>8.0f} "
              f"{percentile(t, 95) * 1000:>8.0f} {percentile(t, 99) * 1000:>8.0f}")
    errors = sum(len(e) for e in stats.errors.values())
    p95 = percentile(every, 95) * 1000
    print(f"{'all':<20} {len(every):>6} {errors:>6} {percentile(every, 50) * 1000:>8.0f} {p95:>8.0f} "
          f"{percentile(every, 99) * 1000:>8.0f}")
    print(f"throughput: {len(every) / duration:.1f} requests/s; p95 {p95:.0f} ms "
          f"({'meets' if p95 < TARGET_P95_MS else 'misses'} the {TARGET_P95_MS} ms target); errors {errors}")
    for action, found in sorted(stats.errors.items()):
        if found:
            kinds = defaultdict(int)
            for e in found:
                kinds[e] += 1
            print(f"  errors of {action}: {dict(kinds)}")
    if ingest is not None:
        print(f"bulk ingest beside them: {json.dumps(ingest)}")


def users_by_role(instance: Path, database_url: str | None) -> dict[str, list[str]]:
    env = {**os.environ, **({"QADESK_DATABASE_URL": database_url} if database_url else {})}
    script = ("import json, os\nfrom qa_app import create_app\nfrom qa_app.extensions import db\n"
              "from qa_app.models import User\napp = create_app()\nwith app.app_context():\n"
              "    rows = db.session.execute(db.select(User.login, User.role).where(User.active.is_(True))).all()\n"
              "print(json.dumps([list(r) for r in rows]))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          env={**env, "QADESK_INSTANCE": str(instance)}, check=True)
    found: dict[str, list[str]] = defaultdict(list)
    for login, role in json.loads(done.stdout.strip().splitlines()[-1]):
        found[role].append(login)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qadesk(instance: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "qa_app", "--instance", str(instance), *args]


def serve(instance: Path, port: int, threads: int, workers: int) -> list[subprocess.Popen]:
    """The web server, answering on `port`: `qadesk serve` (one process, waitress threads) when
    `workers` is 0, else gunicorn with that many processes and `qadesk scheduler` beside them, as
    deploy/ runs a production site (QADESK_SCHEDULER=external: no web process runs jobs), with its
    --timeout, and an idle connection kept longer than a user thinks (gunicorn's default, 2 s,
    closed connections the next click was being sent on: ConnectionError, which a browser retries)."""
    if workers:
        env = dict(os.environ, QADESK_INSTANCE=str(instance), QADESK_SCHEDULER="external")
        web = [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads),
               "--timeout", "120", "--keep-alive", "10", "-b", f"127.0.0.1:{port}", "qa_app.wsgi:app"]
        processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True)
                     for command in (web, qadesk(instance, "scheduler"))]
    else:
        processes = [subprocess.Popen(qadesk(instance, "serve", "--port", str(port), "--threads", str(threads)),
                                      cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/login", timeout=5)
            return processes
        except requests.RequestException:
            time.sleep(0.5)
    for process in processes:
        process.kill()
    raise SystemExit(f"the web server did not answer on port {port}: {processes[0].stderr.read()[-2000:]}")


def start_ingest(instance: Path, n: int, folder: Path) -> subprocess.Popen | None:
    if n <= 0:
        return None
    from qa_app.demo.conversations import build_conversations
    from qa_app.demo.people import demo_agents
    stamp, records, seed = int(time.time()), [], 0
    while len(records) < n:
        for record, _plan, _ in build_conversations(demo_agents(), date(2026, 11, 20), random.Random(seed)):
            if len(records) < n:
                records.append({**record, "id": f"load-{stamp}-{len(records)}"})
        seed += 1
    data = folder / "load.ndjson"
    data.write_text("".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in records), encoding="utf-8")
    return subprocess.Popen(qadesk(instance, "ingest", str(data), "--create-agents", "--json"), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def cast(found: dict[str, list[str]], users: int) -> list[tuple[str, str]]:
    """(login, role) for each simulated user: half reviewers, a third agents, the rest HR (at least one)."""
    wanted = {"reviewer": users // 2, "agent": users // 3}
    wanted["hr"] = max(1, users - sum(wanted.values()))
    cast_list = []
    for role, n in wanted.items():
        logins = found.get(role) or (found.get("lead") if role == "reviewer" else None) or []
        if not logins:
            print(f"no {role} in this instance: their share is left out")
            continue
        cast_list += [(logins[i % len(logins)], role) for i in range(n)]
    return cast_list


def run(base: str, cast_list: list[tuple[str, str]], duration: float, stats: Stats,
        think: tuple[float, float]) -> None:
    """Each user signs in, then does its role's rounds until `duration` is over, waiting a random
    `think` (min, max) seconds after every answer."""
    stop = time.monotonic() + duration

    def work(login: str, role: str) -> None:
        user = User(base, login, role, stats, think)
        if not user.sign_in():
            return
        while time.monotonic() < stop:
            ROUNDS[role](user)

    threads = [threading.Thread(target=work, args=who, daemon=True) for who in cast_list]
    for t in threads:
        t.start()
        time.sleep(0.02)
    for t in threads:
        t.join(timeout=duration + 180)


def demo_instance(folder: Path) -> Path:
    instance = folder / "instance"
    for args in (("init",), ("demo",)):  # demo users all have the demo password
        subprocess.run(qadesk(instance, *args), cwd=ROOT, check=True, capture_output=True)
    return instance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instance", type=Path)
    parser.add_argument("--demo", action="store_true", help="a new demo instance in a temporary folder")
    parser.add_argument("--database-url")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=300)
    parser.add_argument("--ingest", type=int, default=2000, help="conversations one bulk ingest stores meanwhile")
    parser.add_argument("--threads", type=int, default=8, help="threads per web process (qadesk serve --threads)")
    parser.add_argument("--think", default="1,5",
                        help="MIN,MAX seconds a user waits after each answer before the next click (default 1,5)")
    parser.add_argument("--workers", type=int, default=0,
                        help="web processes: 0 = one `qadesk serve`; N = gunicorn -w N with `qadesk scheduler`")
    args = parser.parse_args()
    if not args.instance and not args.demo:
        parser.error("give --instance PATH or --demo")
    think = tuple(float(v) for v in args.think.split(","))
    if len(think) != 2 or not 0 <= think[0] <= think[1]:
        parser.error("--think takes MIN,MAX seconds, 0 <= MIN <= MAX")
    with tempfile.TemporaryDirectory(prefix="qadesk-load-") as tmp:
        instance = args.instance or demo_instance(Path(tmp))
        found = users_by_role(instance, args.database_url)
        port = free_port()
        servers = serve(instance, port, args.threads, args.workers)
        stats, ingest = Stats(), None
        try:
            bulk = start_ingest(instance, args.ingest, Path(tmp))
            run(f"http://127.0.0.1:{port}", cast(found, args.users), args.duration, stats, think)
            if bulk is not None:
                out, _ = bulk.communicate(timeout=3600)
                ingest = json.loads(out) if bulk.returncode == 0 else {"failed": bulk.returncode}
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=60)
        server = (f"gunicorn -w {args.workers} --threads {args.threads} and qadesk scheduler" if args.workers
                  else f"qadesk serve --threads {args.threads}")
        print(f"think time {think[0]:g}-{think[1]:g} s after each answer; server: {server}")
        print_figures(stats, args.users, args.duration, ingest)


if __name__ == "__main__":
    main()
