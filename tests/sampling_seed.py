"""Conversations for the sampling tests: a week of good and bad chats for a few agents."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

MONDAY_W47 = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)  # 2026-W47 runs 16-22 November
GOOD = [("customer", "Hi, I would like to return a jacket."),
        ("agent", "Hello, thank you for contacting us! I have emailed you a free return label."),
        ("customer", "Great, thank you so much.")]
BAD = [("customer", "Where is my parcel? This is ridiculous."),
       ("agent", "That's not my problem."), ("customer", "Unacceptable.")]


def record(external_id: str, agent: str, start: datetime, bad: bool = False, channel: str = "chat",
           queue: str = "returns", csat: int | None = None) -> dict:
    lines = BAD if bad else GOOD
    doc = {"id": external_id, "agent": agent, "language": "en", "channel": channel, "queue": queue,
           "started_at": start.isoformat(),
           "turns": [{"speaker": s, "text": t, "at": (start + timedelta(seconds=20 * i)).isoformat()}
                     for i, (s, t) in enumerate(lines)]}
    if csat is not None:
        doc["csat"] = csat
    return doc


def ingest_and_score(records: list[dict]) -> list[int]:
    """Ingest the records as one NDJSON upload and score them; their conversation ids in order."""
    from qa_app.services import ingest, scoring
    text = "\n".join(json.dumps(r) for r in records)
    summary = ingest.ingest_text(text, "week.ndjson", ingest.IngestOptions(create_agents=True))
    assert not summary.errors, summary.errors
    scoring.score_pending(conversation_ids=summary.conversation_ids)
    return list(summary.conversation_ids)


def seed_week(agents=("a1", "a2"), per_agent: int = 6, bad_every: int = 3) -> dict[str, int]:
    """`per_agent` chats a day apart in 2026-W47 for each agent (every `bad_every`-th one bad, CSAT 1)."""
    records = []
    for agent in agents:
        for i in range(per_agent):
            bad = i % bad_every == 0
            records.append(record(f"{agent}-{i}", agent, MONDAY_W47 + timedelta(hours=20 * i), bad=bad,
                                  queue=("returns", "refunds")[i % 2], csat=1 if bad else 5))
    ids = ingest_and_score(records)
    return {r["id"]: cid for r, cid in zip(records, ids)}
