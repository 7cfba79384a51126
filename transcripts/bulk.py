"""Parsing and preparing NDJSON lines in worker processes, passing plain tuples back (cheap to pickle)."""
from __future__ import annotations

from typing import Optional, Sequence, Union

from transcripts.canonical import item_from_line
from transcripts.errors import RecordError
from transcripts.fingerprint import content_hash
from transcripts.model import Conversation, Turn
from transcripts.pii import RedactionConfig
from transcripts.preparation import prepare

Packed = tuple


def prepare_lines(lines: Sequence[tuple[int, Optional[bytes]]], source: str,
                  redaction: Optional[RedactionConfig]) -> list[Packed]:
    """Each non-blank line parsed and prepared, packed as a tuple with its "file:line" and its
    content hash (of the record as read, before redaction); runs in a worker process."""
    out = []
    for number, raw in lines:
        item = item_from_line(number, raw, source)
        if item is None:
            continue
        out.append(("error", item.source, item.message) if isinstance(item, RecordError)
                   else pack(prepare(item, redaction), f"{source}:{number}", content_hash(item)))
    return out


def pack(c: Conversation, where: str = "", sha: str = "") -> Packed:
    turns = tuple((t.speaker, t.text, t.at, t.start, t.end) for t in c.turns)
    return ("conv", c.external_id, c.agent, turns, c.channel, c.started_at, c.language, c.queue,
            c.customer, c.csat, dict(c.metadata), where, sha)


def unpack(packed: Packed) -> Union[Conversation, RecordError]:
    """The Conversation (or RecordError) that `pack`/`prepare_lines` packed."""
    if packed[0] == "error":
        return RecordError(packed[1], packed[2])
    _, ext, agent, turns, channel, started, language, queue, customer, csat, meta, _w, _s = packed
    return Conversation(external_id=ext, agent=agent, turns=tuple(Turn(*t) for t in turns), channel=channel,
                        started_at=started, language=language, queue=queue, customer=customer, csat=csat,
                        metadata=meta)


def origin(packed: Packed) -> tuple[str, str]:
    """("file:line", content hash) of a packed conversation."""
    return packed[11], packed[12]
