"""Bulk ingest: 100,000 canonical 20-turn conversations from NDJSON into SQLite through `qadesk ingest`.

Targets (issue #3): >= 2,000 conversations/s and peak RSS <= 300 MB whatever the file size.
The whole command is measured in a child process (parse, PII redaction, metrics, storage).
Run: .venv/bin/python bench/ingest.py [--n 100000]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

LINES = ["Hello, thank you for contacting us, how can I help?", "My order {o} has not arrived yet.",
         "I'm sorry about that, let me check the tracking number SF{t}.", "It was due on Monday.",
         "The courier scanned it yesterday in the depot; it will arrive tomorrow.", "OK, thanks.",
         "您好，很高兴为您服务", "我的订单{o}还没到", "非常理解您的心情，我帮您查询物流", "好的谢谢"]


def write_ndjson(path: Path, n: int, seed: int = 1) -> None:
    """n conversations of 20 turns, written line by line (the file may be larger than memory)."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            t0 = start + timedelta(minutes=i)
            turns = [{"speaker": "customer" if k % 2 == 0 else "agent",
                      "text": rng.choice(LINES).format(o=rng.randint(10**9, 10**10), t=rng.randint(10**11, 10**12)),
                      "at": (t0 + timedelta(seconds=20 * k)).isoformat()} for k in range(20)]
            fh.write(json.dumps({"id": f"bench-{i}", "agent": f"agent.{i % 50}", "queue": "logistics",
                                 "channel": "chat", "turns": turns}, ensure_ascii=False) + "\n")


def run(n: int, redact: bool = True) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        data, instance = Path(tmp) / "bench.ndjson", Path(tmp) / "instance"
        write_ndjson(data, n)
        env = dict(os.environ, QADESK_ADMIN_PASSWORD="bench-password-1")
        qadesk = [sys.executable, "-m", "qa_app", "--instance", str(instance)]
        subprocess.run(qadesk + ["init"], env=env, check=True, capture_output=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        flags = ["--create-agents"] + ([] if redact else ["--no-redact"])
        out = subprocess.run(qadesk + ["ingest", str(data), "--json", *flags], env=env, check=True,
                             capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        rss_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        summary = json.loads(out.stdout)
        return {"n": n, "seconds": seconds, "per_s": summary["ingested"] / seconds, "rss_mb": rss_mb,
                "file_mb": data.stat().st_size / 1e6, **summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    for redact in (True, False):
        r = run(args.n, redact)
        label = "PII redaction on (default)" if redact else "PII redaction off"
        print(f"{label}: ingested {r['ingested']} of {r['n']} conversations ({r['file_mb']:.0f} MB NDJSON) in "
              f"{r['seconds']:.1f} s: {r['per_s']:.0f} conversations/s (target >= 2000, ratio {r['per_s'] / 2000:.2f}); "
              f"peak RSS {r['rss_mb']:.0f} MB (target <= 300, ratio {r['rss_mb'] / 300:.2f})")


if __name__ == "__main__":
    main()
