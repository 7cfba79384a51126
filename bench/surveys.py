"""Survey import speed: a generated CSV of N answers (a third matched by customer + agent + date, half
with comments in English and Chinese) imported into a fresh instance, then imported again. Figures only.
Run: .venv/bin/python bench/surveys.py [--rows 5000] [--conversations 2000]
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa_app import create_app  # noqa: E402

START = datetime(2026, 9, 1, 8, tzinfo=timezone.utc)
COMMENTS = ["Quick and friendly, thank you!", "Nobody solved my problem, call me on 07911 123456",
            "Fine, but it took a while.", "客服很耐心，谢谢", "太差了，我要投诉", "还行，就是等得有点久。"]


def conversations(n: int) -> list[dict]:
    """n two-turn chats, one an hour over agents a0..a19, each with its own customer."""
    out = []
    for i in range(n):
        at = START + timedelta(hours=i)
        out.append({"id": f"b-{i}", "agent": f"a{i % 20}", "customer": f"cust-{i}", "started_at": at.isoformat(),
                    "language": "zh" if i % 2 else "en",
                    "turns": [{"speaker": "customer", "text": "Where is my parcel?", "at": at.isoformat()},
                              {"speaker": "agent", "text": "Let me check.", "at": (at + timedelta(seconds=20)).isoformat()}]})
    return out


def survey_csv(records: list[dict], rows: int, seed: int = 3) -> str:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["survey_id", "conversation_id", "customer", "agent", "kind", "rating", "comment", "responded_at"])
    for i in range(rows):
        r = records[i % len(records)]
        answered = (datetime.fromisoformat(r["started_at"]) + timedelta(hours=rng.randint(1, 48))).isoformat()
        kind, rating = ("csat", rng.randint(1, 5)) if rng.random() < 0.7 else ("nps", rng.randint(0, 10))
        where = ("", r["customer"], r["agent"]) if i % 3 == 0 else (r["id"], "", "")
        comment = rng.choice(COMMENTS) if rng.random() < 0.5 else ""
        writer.writerow([f"S-{i}", *where, kind, rating, comment, answered])
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--conversations", type=int, default=2000)
    args = parser.parse_args()
    from qa_app.services import ingest, instance, scoring, surveys
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True}, instance_path=folder)
        with app.app_context():
            instance.init_instance(admin_password="bench-pass-1")
            records = conversations(args.conversations)
            ingest.ingest_dicts(records, "bench", ingest.IngestOptions(create_agents=True))
            body = survey_csv(records, args.rows)
            t0 = time.perf_counter()
            scoring.default_sentiment().polarity(["warm up", "预热"], "zh")
            scoring.default_sentiment().polarity(["warm up"], "en")
            warm = time.perf_counter() - t0
            t0 = time.perf_counter()
            first = surveys.import_text(body, "bench.csv")
            took = time.perf_counter() - t0
            t0 = time.perf_counter()
            again = surveys.import_text(body, "bench.csv")
            retook = time.perf_counter() - t0
    print(f"sentiment engines loaded in {warm:.2f} s (once per process)")
    print(f"import of {args.rows} rows: {took:.2f} s ({args.rows / took:.0f} rows/s; stored {len(first.imported)}, "
          f"bad {len(first.bad)}, csat updated {first.csat_updated})")
    print(f"re-import: {retook:.2f} s (already imported {len(again.already)}, stored {len(again.imported)})")


if __name__ == "__main__":
    main()
