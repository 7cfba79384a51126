"""The content hash of a conversation: what tells a duplicate from a conflict of the same id."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Optional

from transcripts.model import Conversation

__all__ = ["content_hash"]


def content_hash(conv: Conversation) -> str:
    """SHA-256 (hex) of the conversation in a canonical JSON form, as it was read.

    Every field counts: id, agent, channel, start, language, queue, customer, csat, metadata
    and each turn's speaker, text and times. Timestamps count by the instant (UTC), so the same
    record written with another UTC offset, or read from another format, hashes the same.
    """
    doc = {
        "id": conv.external_id, "agent": conv.agent, "channel": conv.channel,
        "started_at": _instant(conv.started_at), "language": conv.language, "queue": conv.queue,
        "customer": conv.customer, "csat": conv.csat, "metadata": conv.metadata,
        "turns": [[t.speaker, t.text, _instant(t.at), t.start, t.end] for t in conv.turns],
    }
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _instant(when: Optional[datetime]) -> Optional[str]:
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat()
