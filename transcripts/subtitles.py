"""WebVTT and SRT transcripts: timed cues of one call become turns with start and end seconds."""
from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

from transcripts.assembly import (NOT_UTF8, Item, bad_text, build, check_default_speaker,
                                  join_text, speaker_for, speaker_map)
from transcripts.errors import RecordError

_TIME = r"(?:(\d{1,4}):)?(\d{2}):(\d{2})[.,](\d{3})"
_TIMING = re.compile(rf"\s*{_TIME}[ \t]*-->[ \t]*{_TIME}(?:[ \t].*)?", re.ASCII)
_VTT_HEADER = re.compile(r"WEBVTT(?:[ \t].*)?")
_VTT_SKIPPED = re.compile(r"(?:NOTE|STYLE|REGION)(?:[ \t].*)?")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>")
_TAG = re.compile(r"<[^>]*>")
# "Name: text": a short name of letters, digits, spaces and . _ ' - and a colon followed by a space
# or the end; "https://" or "10:30" is not a name prefix.
_NAME_PREFIX = re.compile(r"\s*([^\W\d][\w .'-]{0,29}?)\s*(?::(?=\s|$)|：)\s*(.*)", re.DOTALL)
_TIMING_EXAMPLE = {"WebVTT": "00:01.000 --> 00:04.000", "SRT": "00:00:01,000 --> 00:00:04,000"}


@dataclass(frozen=True)
class Cue:
    """One cue: where its timing line is, its span in seconds and its payload lines."""

    line: int
    start: float
    end: float
    payload: tuple[str, ...]


class CueProblem(Exception):
    """A problem at one line that makes the whole file a RecordError."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(line, message)
        self.line = line
        self.message = message


def parse_vtt(lines: Iterable[tuple[int, str]], source: str, **fields) -> Iterator[Item]:
    """Yield the one conversation of a WebVTT file, or one RecordError; see parse_cues."""
    return parse_cues(_vtt_cues(lines), source, **fields)


def parse_srt(lines: Iterable[tuple[int, str]], source: str, **fields) -> Iterator[Item]:
    """Yield the one conversation of an SRT file, or one RecordError; see parse_cues."""
    return parse_cues(_srt_cues(lines), source, **fields)


def parse_cues(
    cues: Iterator[Cue],
    source: str,
    *,
    external_id: str,
    agent: str,
    channel: Optional[str] = "call",
    speakers: Optional[Mapping[str, str]] = None,
    default_speaker: Optional[str] = None,
) -> Iterator[Item]:
    """Turn cues into one Conversation (channel "call" unless given), or yield one RecordError.

    The speaker of a cue comes from a voice tag "<v Name>" or a "Name:" prefix (a short name,
    then ":" and a space, or "："). A name maps to a speaker through `speakers` (exact, any case),
    then through the defaults of transcripts.assembly.speaker_for: names containing agent,
    support or 客服 are the agent, names containing customer, caller, 客户, 顾客 or 买家 the
    customer ("customer service" is the agent). A name that maps to nothing takes
    `default_speaker`; without one it is a RecordError at the cue's timing line. A cue with no
    name continues the previous speaker (the first one takes `default_speaker`, or is an
    error). Consecutive cues of one speaker become one turn from the earliest start to the
    latest end. Other tags are dropped and entities such as &amp; decoded; cues without text
    are skipped. RecordError lines: malformed timing or header, a cue ending before it starts,
    undecodable text; "source:1" for a file with no cues or a bad external_id/agent/channel.
    Raises ParseError only for a bad `speakers` mapping or `default_speaker`.
    """
    names = speaker_map(speakers, source)
    fallback = check_default_speaker(default_speaker, source)
    try:
        turns, turn_lines = _turns(cues, names, fallback)
    except CueProblem as problem:
        yield RecordError(f"{source}:{problem.line}", problem.message)
        return
    if not turns:
        yield RecordError(f"{source}:1", "no cues with text")
        return
    record = {"id": external_id, "agent": agent, "channel": channel, "turns": turns}
    yield build(record, source, 1, turn_lines)


# ---------------------------------------------------------------- cues into turns


def _turns(cues: Iterator[Cue], names: Mapping[str, str],
           fallback: Optional[str]) -> tuple[list[dict], list[int]]:
    turns: list[dict] = []
    turn_lines: list[int] = []
    for cue in cues:
        for name, text in _voices(cue.payload):
            if not text:
                continue
            speaker = _speaker(cue, name, names, fallback, turns)
            last = turns[-1] if turns else None
            if last is not None and last["speaker"] == speaker:
                last["text"] = join_text(last["text"], text)
                last["start"], last["end"] = min(last["start"], cue.start), max(last["end"], cue.end)
            else:
                turns.append({"speaker": speaker, "text": text, "start": cue.start, "end": cue.end})
                turn_lines.append(cue.line)
    return turns, turn_lines


def _speaker(cue: Cue, name: Optional[str], names: Mapping[str, str], fallback: Optional[str],
             turns: list[dict]) -> str:
    if name is not None:
        speaker = speaker_for(name, names) or fallback
        if speaker is None:
            raise CueProblem(cue.line, f"cue speaker {name!r} is not mapped to a speaker; map it "
                                       "with the speakers option or give a default_speaker")
        return speaker
    if turns:
        return turns[-1]["speaker"]
    if fallback is None:
        raise CueProblem(cue.line, "the first cue names no speaker (no <v Name> tag or 'Name:' "
                                   "prefix); give a default_speaker")
    return fallback


def _voices(payload: tuple[str, ...]) -> list[tuple[Optional[str], str]]:
    """(speaker name or None, plain text) for each voice span of a cue's payload, in order."""
    raw = "\n".join(payload)
    spans: list[tuple[Optional[str], str]] = []
    marks = list(_VOICE.finditer(raw))
    head = raw[:marks[0].start()] if marks else raw
    if head.strip() or not marks:
        spans.append(_prefixed(_plain(head)))
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(raw)
        name = (mark.group(1) or "").strip() or None
        text = _plain(raw[mark.end():end])
        spans.append((name, text) if name else _prefixed(text))
    return spans


def _prefixed(text: str) -> tuple[Optional[str], str]:
    match = _NAME_PREFIX.fullmatch(text)
    return (match.group(1), match.group(2)) if match else (None, text)


def _plain(markup: str) -> str:
    """Cue text without tags, with entities decoded and its lines joined."""
    text = ""
    for line in _TAG.sub("", markup).split("\n"):
        text = join_text(text, html.unescape(line).strip())
    return text


# ---------------------------------------------------------------- reading the files


def _blocks(lines: Iterable[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """Runs of non-blank lines; raises CueProblem on undecodable text."""
    block: list[tuple[int, str]] = []
    for number, line in lines:
        if bad_text(line):
            raise CueProblem(number, NOT_UTF8)
        if line.strip():
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _vtt_cues(lines: Iterable[tuple[int, str]]) -> Iterator[Cue]:
    blocks = _blocks(lines)
    header = next(blocks, None)
    if header is None or header[0][0] != 1 or not _VTT_HEADER.fullmatch(header[0][1]):
        raise CueProblem(1, "not a WebVTT file: the first line must be WEBVTT")
    for number, line in header:
        if "-->" in line:
            raise CueProblem(number, "a blank line must separate the WEBVTT header from the cues")
    for block in blocks:
        if _VTT_SKIPPED.fullmatch(block[0][1]) and "-->" not in block[0][1]:
            continue
        yield _cue(block, "WebVTT")


def _srt_cues(lines: Iterable[tuple[int, str]]) -> Iterator[Cue]:
    for block in _blocks(lines):
        yield _cue(block, "SRT")


def _cue(block: list[tuple[int, str]], kind: str) -> Cue:
    """A cue from its block: an optional identifier (an SRT counter) line, a timing line, text."""
    timing_at = 0 if "-->" in block[0][1] else 1
    if timing_at >= len(block) or "-->" not in block[timing_at][1]:
        raise CueProblem(block[0][0], f"expected a {kind} cue timing line such as "
                                      f"'{_TIMING_EXAMPLE[kind]}'")
    number, timing = block[timing_at]
    match = _TIMING.fullmatch(timing)
    if match is None:
        raise CueProblem(number, f"malformed cue timing {timing.strip()[:60]!r}; "
                                 f"expected e.g. '{_TIMING_EXAMPLE[kind]}'")
    start, end = _seconds(match.groups()[:4]), _seconds(match.groups()[4:])
    if start is None or end is None:
        raise CueProblem(number, f"cue time out of range in {timing.strip()[:60]!r}")
    if end < start:
        raise CueProblem(number, f"cue ends before it starts: {timing.strip()[:60]!r}")
    return Cue(number, start, end, tuple(line for _, line in block[timing_at + 1:]))


def _seconds(parts: tuple[Optional[str], ...]) -> Optional[float]:
    hours, minutes, seconds, millis = parts
    if int(minutes) > 59 or int(seconds) > 59:
        return None
    # counted in whole milliseconds first, so 00:02.986 is the float nearest 2.986
    return ((int(hours or 0) * 60 + int(minutes)) * 60_000 + int(seconds) * 1000 + int(millis)) / 1000
