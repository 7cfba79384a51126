"""Property tests: no input makes the text, WebVTT, SRT or CSV parser raise anything but ParseError."""
from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts.errors import ParseError, RecordError
from transcripts.formats import parse_text_as
from transcripts.model import Conversation

# Pieces that steer random text towards the parsers' interesting paths.
FRAGMENTS = st.sampled_from([
    "Agent:", "Customer: ", "客服：", "买家:", "[00:00:01] ", "12:61:00 ", "[99:99]", "WEBVTT", "WEBVTT\n",
    "NOTE", "1\n", "00:01.000 --> 00:02.000", "00:00:01,000 --> 00:00:02,000", " --> ", "-->", "<v Agent>",
    "<v.x Caller>", "<v>", "</v>", "<b>", "&amp;", "&#xD800;", "Speaker 1: ", "：", ":", "\n", "\n\n", "\r\n",
    "\r", "\ufeff", "\ud800", ",", '"', "conversation_id,speaker,text,timestamp\n", "c-1,agent,hi,",
    "2026-01-05T10:00:00Z", "[2026-01-05 10:00:00] ", "2026-13-45 25:61 ", "\x00", "\u2028", "99999:00:00.000",
])
NOISY_TEXT = st.lists(FRAGMENTS | st.text(max_size=12), max_size=30).map("".join)
INPUTS = NOISY_TEXT | st.text() | st.binary() | NOISY_TEXT.map(lambda s: s.encode("utf-8", "surrogatepass"))
SETTINGS = settings(max_examples=300, deadline=None)


def outcome(content, fmt: str, **options) -> list:
    """Everything the parser yields, or [] when it raised its ParseError."""
    try:
        items = list(parse_text_as(content, f"upload.{fmt}", agent="amy", options=options or None))
    except ParseError:
        return []
    assert all(isinstance(item, (Conversation, RecordError)) for item in items)
    return items


@SETTINGS
@given(INPUTS)
def test_any_plain_text_yields_exactly_one_conversation_or_record_error(content):
    assert len(outcome(content, "txt")) == 1


@SETTINGS
@given(INPUTS, st.sampled_from([None, "customer"]))
def test_any_webvtt_text_yields_exactly_one_conversation_or_record_error(content, fallback):
    assert len(outcome(content, "vtt", default_speaker=fallback)) == 1


@SETTINGS
@given(INPUTS, st.sampled_from([None, "agent"]))
def test_any_srt_text_yields_exactly_one_conversation_or_record_error(content, fallback):
    assert len(outcome(content, "srt", default_speaker=fallback)) == 1


@SETTINGS
@given(INPUTS, st.booleans())
def test_any_csv_text_yields_conversations_and_record_errors_or_a_parse_error(content, contiguous):
    outcome(content, "csv", contiguous=contiguous)


TEXTS = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=20).map(
    str.strip).filter(lambda t: t and "<" not in t and "&" not in t and ":" not in t and "：" not in t
                      and "-->" not in t)
SPEAKERS = st.sampled_from(["agent", "customer"])
CUES = st.lists(st.tuples(SPEAKERS, TEXTS, st.integers(0, 10_000), st.integers(0, 5_000)), min_size=1, max_size=6)


def clock(ms: int, comma: bool) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{',' if comma else '.'}{millis:03d}"


def merged(cues) -> list[tuple[str, list[str], float, float]]:
    """What a parser should make of cues: consecutive cues of one speaker become one turn
    from the earliest start to the latest end."""
    turns: list[tuple[str, list[str], float, float]] = []
    for speaker, text, start, length in cues:
        begin, end = start * 10 / 1000, (start * 10 + length) / 1000
        if turns and turns[-1][0] == speaker:
            _, texts, first, last = turns[-1]
            turns[-1] = (speaker, texts + [text], min(first, begin), max(last, end))
        else:
            turns.append((speaker, [text], begin, end))
    return turns


@SETTINGS
@given(CUES, st.booleans())
def test_generated_subtitles_parse_back_to_their_speakers_texts_and_times(cues, srt):
    blocks = []
    for number, (speaker, text, start, length) in enumerate(cues, start=1):
        timing = f"{clock(start * 10, srt)} --> {clock(start * 10 + length, srt)}"
        payload = f"{speaker.title()}: {text}" if srt else f"<v {speaker.title()}>{text}</v>"
        blocks.append(f"{number}\n{timing}\n{payload}")
    content = ("" if srt else "WEBVTT\n\n") + "\n\n".join(blocks) + "\n"
    [conversation] = outcome(content, "srt" if srt else "vtt")
    expected = merged(cues)
    assert [(t.speaker, t.start, t.end) for t in conversation.turns] == [
        (speaker, start, end) for speaker, _texts, start, end in expected]
    for turn, (_speaker, texts, _start, _end) in zip(conversation.turns, expected):
        assert all(text in turn.text for text in texts)


@SETTINGS
@given(st.lists(st.tuples(SPEAKERS, TEXTS, st.none() | st.integers(0, 86_399)), min_size=1, max_size=8))
def test_generated_plain_text_parses_back_to_its_turns(turns):
    lines = []
    for speaker, text, second in turns:
        stamp = "" if second is None else f"[{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}] "
        lines.append(f"{stamp}{'客服' if speaker == 'agent' else 'Customer'}: {text}")
    [conversation] = outcome("\n".join(lines), "txt")
    assert [(t.speaker, t.text, t.start) for t in conversation.turns] == [
        (speaker, text, None if second is None else float(second)) for speaker, text, second in turns]


CSV_TEXTS = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=20).map(
    str.strip)
ROWS = st.lists(st.tuples(st.sampled_from(["a", "b", "c-3", "工单4"]), SPEAKERS, CSV_TEXTS), max_size=12)


@SETTINGS
@given(ROWS, st.booleans())
def test_generated_csv_rows_group_into_conversations_in_order_of_first_appearance(rows, contiguous):
    if contiguous:  # sorted by id, keeping each conversation's row order
        rows = sorted(rows, key=lambda row: [r[0] for r in rows].index(row[0]))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["conversation_id", "speaker", "text", "timestamp"])
    writer.writerows((cid, speaker, text, "2026-01-05 10:00:00") for cid, speaker, text in rows)
    items = outcome(out.getvalue(), "csv", contiguous=contiguous)
    expected: dict[str, list[tuple[str, str]]] = {}
    for cid, speaker, text in rows:
        expected.setdefault(cid, []).append((speaker, text))
    assert [(c.external_id, [(t.speaker, t.text) for t in c.turns]) for c in items] == list(expected.items())
