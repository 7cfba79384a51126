"""Export speed and memory: N generated appraisal-like rows written as XLSX and as CSV (qa_app.exports).

Each (size, format) runs in a fresh subprocess so that its peak RSS (resource.getrusage ru_maxrss)
is its own; "rows only" is the same process iterating the rows without writing them, the floor
that Python, the app's modules and the generator cost. The rows go through the appraisal report's
own export table (services.reports.appraisal_table) from a generator, so nothing holds them all;
the written file goes to a temporary directory and is deleted.
Target (issue #11): an XLSX export of the quarter <= 10 s with peak RSS <= 300 MB; the ratios are
printed, never asserted. The quarter's appraisal of the target data set has 500 agents, so the
500-row line is the export part of that target; the larger sizes show that memory stays flat.
Wall time is shown beside CPU time: on a shared machine the CPU time is the steadier figure.
Run: .venv/bin/python bench/exports.py [--sizes 500,10000,100000,500000] [--formats xlsx,csv]
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 10.0
TARGET_RSS_MB = 300.0
NAMES = ("ann", "bob", "张伟", "王芳", "li.na", "=HYPERLINK(\"x\")", "sam.new", "-rita", "陈静", "@joe")
TEAMS = ("London", "上海售后", "Manila", None)


def rows(n: int, seed: int = 7):
    """n AppraisalRows with believable figures: scores with one decimal, counts, None gaps, Chinese
    names and teams, and names that start like formulas (neutralised on the way out)."""
    from training.appraisal import AppraisalRow
    rng = random.Random(seed)
    for i in range(n):
        evaluations = rng.randint(0, 60)
        qa = round(rng.uniform(40, 100), 1) if evaluations else None
        low = None if qa is None else round(max(0.0, qa - rng.uniform(1, 15)), 1)
        high = None if qa is None else round(min(100.0, qa + rng.uniform(1, 15)), 1)
        yield AppraisalRow(
            agent=f"{rng.choice(NAMES)}{i}", team=rng.choice(TEAMS), qa_average=qa, evaluations=evaluations,
            critical_failures=rng.randint(0, 3), courses_assigned=rng.randint(0, 5),
            courses_completed=rng.randint(0, 5), courses_overdue=rng.randint(0, 2),
            csat_percent=round(rng.uniform(50, 100), 1) if rng.random() < 0.8 else None,
            rating=None if qa is None else "ABCD"[min(3, int((100 - qa) // 10))], qa_score=qa, qa_n=evaluations,
            qa_ci_low=low, qa_ci_high=high, reviews_needed=rng.randint(0, 40) if qa is not None else None)


def table(n: int):
    """The appraisal export table (services.reports.appraisal_table) over n generated rows, streamed."""
    from qa_app.services.reports import AppraisalReport, appraisal_table
    from training.periods import parse_period
    return appraisal_table(AppraisalReport(parse_period("2026-Q4"), rows(n)))  # type: ignore[arg-type]


def child(fmt: str, n: int) -> dict:
    """Write n rows as fmt in this process; seconds (imports excluded), peak RSS and file size."""
    from qa_app import exports
    rows_table = table(n)  # imports Flask and the services too, as the app has them loaded
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"bench.{fmt}"
        started, cpu_started = time.perf_counter(), _cpu()
        if fmt == "none":
            for _ in rows_table.checked_rows():
                pass
        else:
            exports.write([rows_table], fmt, out)
        seconds, cpu = time.perf_counter() - started, _cpu() - cpu_started
        size = out.stat().st_size if out.exists() else 0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return {"format": fmt, "rows": n, "seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peak_kb / 1024, "file_mb": size / 2**20}


def _cpu() -> float:
    """This process's CPU seconds (user + system): steadier than wall time on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(fmt: str, n: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", fmt, str(n)], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,10000,100000,500000")
    parser.add_argument("--formats", default="xlsx,csv")
    parser.add_argument("--child", nargs=2, metavar=("FORMAT", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]))))
        return
    print(f"{'format':<10}{'rows':>9}{'seconds':>10}{'CPU s':>8}{'rows/s':>10}{'peak RSS MB':>13}{'file MB':>9}"
          f"{'time/10 s':>11}{'RSS/300 MB':>12}")
    for n in (int(s) for s in args.sizes.split(",")):
        for fmt in ["none"] + args.formats.split(","):
            r = measure(fmt, n)
            label = "rows only" if fmt == "none" else fmt
            print(f"{label:<10}{n:>9,}{r['seconds']:>10.2f}{r['cpu_seconds']:>8.2f}{n / max(r['seconds'], 1e-9):>10,.0f}"
                  f"{r['peak_rss_mb']:>13.1f}{r['file_mb']:>9.1f}{r['seconds'] / TARGET_SECONDS:>11.2f}"
                  f"{r['peak_rss_mb'] / TARGET_RSS_MB:>12.2f}", flush=True)


if __name__ == "__main__":
    main()
