"""`qadesk score` end to end: demo-composed conversations ingested into SQLite, then scored by the real command.

Targets (issue #8): >= 1,000 conversations/s end to end (load, score with the real sentiment
engines, store evaluations and criterion rows, apply the training rules, commit in batches),
cost linear in the number of conversations (rate at the large size / rate at the small size
close to 1) and memory flat (peak RSS and tracemalloc peak about the same at both sizes).
Conversations come from the demo composer (English and Chinese chats and calls over four
queues, some with forbidden phrases, so training rules fire), renumbered to be distinct, and
are stored by the real `qadesk ingest` bulk path. Each size is scored twice on copies of the
same instance: once timed (peak RSS from the child's rusage), once under tracemalloc.
The target is for English conversations (the default): Chinese customer turns go through
SnowNLP, which alone allows about 90 Chinese conversations/s on one core (bench/scoring.py), so
`--languages en,zh` measures the storing path under a mixed load rather than the target.
Runs of 1,000 conversations or more are scored by worker processes, one per CPU
(QADESK_SCORING_WORKERS, 0 to compare with one process); the whole command is timed, Python's
and the workers' start-up (about 1 s each since a8f555c: the workers import no Flask) included, so the rate grows with the size.
Other work on the machine slows the run: the load average at the end of each run is printed, and
the CPU time of the command and its workers, which does not depend on that load.
Run: .venv/bin/python bench/scoring_e2e.py [--sizes 2000,10000] [--languages en] [--no-tracemalloc]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # the repository root, not bench/

from qa_app.demo.conversations import build_conversations  # noqa: E402
from qa_app.demo.people import demo_agents  # noqa: E402

ENV = dict(os.environ, QADESK_ADMIN_PASSWORD="bench-password-1")
TRACED = ("import json, sys, tracemalloc; tracemalloc.start(); from qa_app.cli import main\n"
          "try:\n    main(sys.argv[1:], standalone_mode=False)\n"
          "finally:\n    print(json.dumps({'traced_peak': tracemalloc.get_traced_memory()[1]}), file=sys.stderr)")


def write_conversations(path: Path, n: int, languages: tuple[str, ...]) -> None:
    """n demo conversations in `languages` (distinct ids), one canonical JSON object a line."""
    written, seed = 0, 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < n:
            for record, plan, _ in build_conversations(demo_agents(), date(2026, 11, 30), random.Random(seed)):
                if written == n:
                    break
                if plan.agent.language not in languages:
                    continue
                record["id"] = f"bench-{written}"
                fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
                written += 1
            seed += 1


def qadesk(instance: Path) -> list[str]:
    return [sys.executable, "-m", "qa_app", "--instance", str(instance)]


def prepare(folder: Path, n: int, languages: tuple[str, ...]) -> Path:
    data, instance = folder / "conversations.ndjson", folder / "instance"
    write_conversations(data, n, languages)
    subprocess.run(qadesk(instance) + ["init"], env=ENV, check=True, capture_output=True)
    help_text = subprocess.run(qadesk(instance) + ["ingest", "--help"], env=ENV, capture_output=True,
                               text=True).stdout
    extra = ["--create-agents"] if "--create-agents" in help_text else []
    subprocess.run(qadesk(instance) + ["ingest", str(data), "--json", *extra], env=ENV, check=True,
                   capture_output=True)
    return instance


def tree_usage(pid: int, cpu: dict[int, float]) -> float:
    """Resident memory (MB) of a process and all its descendants (its scoring workers and the
    server they are forked from), from /proc; records each one's own CPU seconds so far in `cpu`."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    ticks: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        ticks[int(entry.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        cpu[current] = max(cpu.get(current, 0.0), ticks.get(current, 0.0))
        todo.extend(children.get(current, []))
    return total / 2**20


def watch_tree(pid: int, peak: list[float], cpu: dict[int, float], stop: threading.Event) -> None:
    while not stop.wait(0.1):
        peak[0] = max(peak[0], tree_usage(pid, cpu))


def run_score(instance: Path, traced: bool) -> dict:
    """`qadesk score --json` in a child; wait4 gives that child's own peak RSS (getrusage of
    children would be the maximum over every child, the ingest included), and /proc, sampled every
    0.1 s, the peak of the child and its worker processes together."""
    args = ["--instance", str(instance), "score", "--json"]
    command = [sys.executable, "-c", TRACED, *args] if traced else [sys.executable, "-m", "qa_app", *args]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, env=ENV, stdout=out, stderr=err, text=True)
        peak, cpu, stop = [0.0], {}, threading.Event()
        watcher = threading.Thread(target=watch_tree, args=(child.pid, peak, cpu, stop), daemon=True)
        watcher.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - t0
        stop.set()
        watcher.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode:
        raise SystemExit(f"qadesk score failed ({child.returncode}):\n{stderr}")
    # CPU time does not depend on what else the machine runs, so it compares runs made on a busy
    # machine: the child's own from wait4, each descendant's as last sampled (workers are forked by
    # a server process the child never waits for, so wait4 would not count them).
    own = usage.ru_utime + usage.ru_stime
    result = {"seconds": seconds, "cpu_s": own + sum(v for p, v in cpu.items() if p != child.pid),
              "rss_mb": usage.ru_maxrss / 1024,
              "tree_mb": peak[0], **json.loads(stdout)}
    if traced:
        result["traced_peak_mb"] = json.loads(stderr.strip().splitlines()[-1])["traced_peak"] / 1e6
    return result


def measure(n: int, traced: bool, languages: tuple[str, ...]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        instance = prepare(Path(tmp), n, languages)
        copy = Path(tmp) / "copy"
        shutil.copytree(instance, copy)
        timed = run_score(instance, traced=False)
        row = {"n": n, "scored": timed["scored"], "seconds": timed["seconds"],
               "per_s": timed["scored"] / timed["seconds"], "cpu_s": timed["cpu_s"], "rss_mb": timed["rss_mb"], "tree_mb": timed["tree_mb"],
               "load": os.getloadavg()[0]}
        if traced:
            row["traced_peak_mb"] = run_score(copy, traced=True)["traced_peak_mb"]
        return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,10000", help="comma-separated conversation counts")
    parser.add_argument("--languages", default="en", help="en, zh or en,zh (default en; see the docstring)")
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the tracemalloc runs")
    args = parser.parse_args()
    languages = tuple(args.languages.split(","))
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        row = measure(n, not args.no_tracemalloc, languages)
        rows.append(row)
        traced = f", tracemalloc peak {row['traced_peak_mb']:.0f} MB" if "traced_peak_mb" in row else ""
        print(f"{n} {'+'.join(languages)} conversations: scored {row['scored']} in {row['seconds']:.1f} s = "
              f"{row['per_s']:.0f}/s (target >= 1000/s), CPU {row['cpu_s']:.1f} s over all processes "
              f"({row['scored'] / row['cpu_s']:.0f} per CPU second), peak RSS {row['rss_mb']:.0f} MB (with the worker processes "
              f"{row['tree_mb']:.0f} MB){traced}; load average {row['load']:.2f}", flush=True)
    if len(rows) > 1:
        small, large = rows[0], rows[-1]
        print(f"rate at {large['n']} / rate at {small['n']}: {large['per_s'] / small['per_s']:.2f} "
              f"(linear cost: about 1.0, less the workers' start-up of about 1 s); peak RSS "
              f"{small['rss_mb']:.0f} -> {large['rss_mb']:.0f} MB, with the workers "
              f"{small['tree_mb']:.0f} -> {large['tree_mb']:.0f} MB")


if __name__ == "__main__":
    main()
