"""Plain-text transcripts: one conversation per file, one "Agent: ..." or "客服：..." line per turn."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Iterable, Iterator, Optional

from transcripts.assembly import NOT_UTF8, Item, bad_text, build, speaker_map
from transcripts.errors import RecordError

# Labels that open a turn, case-insensitive; the caller's `speakers` mapping adds more.
TEXT_LABELS: Mapping[str, str] = {
    "agent": "agent", "customer": "customer", "bot": "bot", "system": "system",
    "客服": "agent", "客户": "customer", "顾客": "customer", "买家": "customer",
    "机器人": "bot", "系统": "system",
}
MAX_LABEL_CHARS = 40

# An optional stamp, a date and time "[YYYY-MM-DD hh:mm[:ss]]" or a clock "[hh:mm:ss]" (hours
# optional), in brackets or not, then a label and an ASCII or full-width colon. Whether the label
# is a known one is decided after matching.
_DATE_TIME = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?"
_CLOCK = r"(?:\d{1,2}:)?\d{1,2}:\d{1,2}"
_TURN_LINE = re.compile(
    rf"\s*(?:\[(?P<date>{_DATE_TIME})\]|\[(?P<clock>{_CLOCK})\]|(?P<bare_date>{_DATE_TIME})(?=\s)"
    rf"|(?P<bare_clock>{_CLOCK})(?=\s))?"
    rf"\s*(?P<label>[^:：\s][^:：]{{0,{MAX_LABEL_CHARS - 1}}}?)\s*[:：](?P<text>.*)",
    re.ASCII,
)


def parse_plain_text(
    lines: Iterable[tuple[int, str]],
    source: str,
    *,
    external_id: str,
    agent: str,
    channel: Optional[str] = None,
    speakers: Optional[Mapping[str, str]] = None,
) -> Iterator[Item]:
    """Yield the one conversation of a plain-text transcript, or one RecordError.

    `lines` are (line number, text without line end) pairs. A line opening with a label
    (Agent, Customer, Bot, System, 客服, 客户, 顾客, 买家, 机器人, 系统, any case, or a name in
    `speakers`, which maps names to agent|customer|bot|system) and a colon (":" or "："),
    optionally after a stamp, starts a turn; any other non-blank line continues the previous
    turn, joined with a newline; blank lines are skipped. A clock stamp "[hh:mm:ss]",
    "hh:mm:ss" or "[mm:ss]" gives the turn start = end = its seconds (the file does not say when
    a turn ends); a date stamp "[YYYY-MM-DD hh:mm:ss]" (brackets optional, seconds optional,
    UTC) gives its `at`; turns without a stamp have no time. The RecordError cites
    "source:line" for text before the first label, a stamp out of range (minutes or seconds
    over 59, month 13 ...), undecodable text, or a file without any turn (line 1), and
    "source:1" for a bad external_id, agent or channel.
    Raises ParseError only for a bad `speakers` mapping.
    """
    labels = {**TEXT_LABELS, **speaker_map(speakers, source)}
    turns: list[dict] = []
    turn_lines: list[int] = []
    for number, line in lines:
        if bad_text(line):
            yield RecordError(f"{source}:{number}", NOT_UTF8)
            return
        if not line.strip():
            continue
        turn = _turn_from_line(line, labels)
        if isinstance(turn, str):
            yield RecordError(f"{source}:{number}", turn)
            return
        if turn is not None:
            turns.append(turn)
            turn_lines.append(number)
        elif turns:
            turns[-1]["text"] = f"{turns[-1]['text']}\n{line.strip()}".lstrip("\n")
        else:
            yield RecordError(f"{source}:{number}", "text before the first speaker label; "
                                                    "expected a line such as 'Agent: ...' or '客服：...'")
            return
    if not turns:
        yield RecordError(f"{source}:1", "no turns: the file holds no line such as 'Agent: ...'")
        return
    record = {"id": external_id, "agent": agent, "channel": channel, "turns": turns}
    yield build(record, source, 1, turn_lines, require_timing=False,
                rename=lambda field: "timestamp" if field == "at" else field)


def _turn_from_line(line: str, labels: Mapping[str, str]) -> Optional[dict] | str:
    """The turn a labelled line starts, None for a continuation line, or a problem to report."""
    match = _TURN_LINE.match(line)
    if match is None:
        return None
    speaker = labels.get(match["label"].casefold())
    if speaker is None:
        return None
    turn: dict = {"speaker": speaker, "text": match["text"].strip()}
    clock = match["clock"] or match["bare_clock"]
    if clock:
        seconds = stamp_seconds(clock)
        if seconds is None:
            return f"timestamp {clock!r} is out of range: minutes and seconds must be 00-59"
        turn["start"] = turn["end"] = seconds
    turn["at"] = match["date"] or match["bare_date"]  # checked by the canonical validator
    return turn


def stamp_seconds(stamp: str) -> Optional[float]:
    """Seconds of "h:mm:ss" or "mm:ss" (digits checked by the caller); None if a part is over 59."""
    parts = [int(part) for part in stamp.split(":")]
    if any(part > 59 for part in parts[1:]) or (len(parts) == 2 and parts[0] > 59):
        return None
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    return float(seconds)
