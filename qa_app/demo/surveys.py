"""The demo's survey export: the CSAT answers the demo conversations carry, some NPS answers and comments,
as the CSV a survey tool would export (docs/surveys.md); `qadesk demo` imports it like any file."""
from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, time, timedelta, timezone
from typing import Sequence

HEADER = ("survey_id", "conversation_id", "customer", "agent", "kind", "rating", "comment", "responded_at")
COMMENT_CHANCE = 0.45
NPS_CHANCE = 0.35
BY_CUSTOMER_EVERY = 9  # every 9th answer names the customer and agent instead of the conversation
NPS_FROM_CSAT = {5: (9, 10, 10), 4: (7, 8, 9), 3: (5, 6, 7), 2: (2, 3, 4), 1: (0, 1, 2)}

COMMENTS = {
    "en": {
        "good": ("Quick and friendly, thank you!", "Sorted in minutes, really helpful.",
                 "The agent explained everything clearly. Great service.", "Very patient and polite, thanks."),
        "mid": ("Got there in the end, but it took a while.", "OK, though I had to explain my order twice.",
                "Fine, but I'm still waiting for the refund."),
        "bad": ("Nobody actually solved my problem.", "Rude and unhelpful, very disappointed.",
                "Please ring me back on 07911 123456, nobody has called me.",
                "Terrible. I want my money back."),
    },
    "zh": {
        "good": ("客服很耐心，问题很快解决了，谢谢！", "态度很好，非常满意。", "处理得很及时，点赞。",
                 "解释得很清楚，服务很好。"),
        "mid": ("还行，就是等得有点久。", "问题解决了，但是要重复说好几遍。", "一般吧，退款还没到账。"),
        "bad": ("问题根本没解决，太失望了。", "态度很差，我要投诉。", "请回电 13800138000，到现在还没人联系我。",
                "太差了，以后不会再买了。"),
    },
}


def build_survey_csv(conversations: Sequence[dict], today: date, seed: int = 2026) -> str:
    """The CSV text: a CSAT answer for every conversation with a `csat` (the same rating, so the
    demo's CSAT figures stand), an NPS answer for about a third of them, comments in the
    conversation's language on about half, and a few rows matched by customer + agent + date.
    Every answer comes 10 minutes to 20 hours after its conversation started, before `today`."""
    rng = random.Random(f"qadesk-demo-surveys|{seed}|{today.isoformat()}")
    limit = datetime.combine(today, time(0), timezone.utc) - timedelta(minutes=1)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    rated = [r for r in conversations if r.get("csat") is not None]
    for number, record in enumerate(rated, start=1):
        started = datetime.fromisoformat(record["started_at"])
        latest = max(10, min(20 * 60, int((limit - started).total_seconds() // 60)))  # yesterday's: before midnight
        answered = (started + timedelta(minutes=rng.randint(min(10, latest), latest))).astimezone(timezone.utc)
        by_customer = number % BY_CUSTOMER_EVERY == 0 and _alone(record, conversations)
        where = ("", record["customer"], record["agent"]) if by_customer else (record["id"], "", "")
        comment = _comment(record, rng) if rng.random() < COMMENT_CHANCE else ""
        writer.writerow((f"CS-{number:05d}", *where, "csat", record["csat"], comment, answered.isoformat()))
        if rng.random() < NPS_CHANCE:
            nps = rng.choice(NPS_FROM_CSAT[record["csat"]])
            writer.writerow((f"NP-{number:05d}", record["id"], "", "", "nps", nps, "", answered.isoformat()))
    return out.getvalue()


def _alone(record: dict, conversations: Sequence[dict]) -> bool:
    """Whether no other conversation of the agent with the customer is within four days (so that
    customer + agent + date find this one)."""
    started = datetime.fromisoformat(record["started_at"])
    return not any(other is not record and other["agent"] == record["agent"]
                   and other.get("customer") == record.get("customer")
                   and abs(datetime.fromisoformat(other["started_at"]) - started) < timedelta(days=4)
                   for other in conversations)


def _comment(record: dict, rng: random.Random) -> str:
    band = "good" if record["csat"] >= 4 else ("mid" if record["csat"] == 3 else "bad")
    return rng.choice(COMMENTS[record.get("language") or "en"][band])
