"""Property tests: no input makes the canonical parser raise anything but its documented errors."""
from __future__ import annotations

import json
import re
import tempfile
from datetime import timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transcripts.canonical import RecordInvalid, conversation_from_dict, iter_records, parse_text
from transcripts.errors import RecordError
from transcripts.model import Conversation

# any character a record may hold: not NUL, which is refused (PostgreSQL text cannot store it)
STORABLE = st.characters(exclude_characters="\x00")
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(STORABLE, max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(STORABLE, max_size=8), inner, max_size=4),
    max_leaves=20,
)
FINITE_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(STORABLE, max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(STORABLE, max_size=8), inner, max_size=4),
    max_leaves=20,
)
ZONES = st.sampled_from([None, timezone.utc, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5))])
TIMESTAMPS = st.datetimes(timezones=ZONES).map(lambda d: d.isoformat())
ODD_TIMESTAMPS = st.from_regex(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}([.,]\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?", fullmatch=True)
SECONDS = st.floats(0, 1e6) | st.integers(0, 10**6)
NAMES = st.text(STORABLE, max_size=10).filter(str.strip)
SPEAKERS = st.sampled_from(["agent", "customer", "bot", "system"])


@st.composite
def valid_turns(draw):
    kind = draw(st.sampled_from(["at", "span", "both"]))
    turn = {"speaker": draw(SPEAKERS), "text": draw(st.text(STORABLE, max_size=30))}
    if kind != "span":
        turn["at"] = draw(TIMESTAMPS)
    if kind != "at":
        turn["start"], turn["end"] = sorted([draw(SECONDS), draw(SECONDS)])
    return turn


VALID_RECORDS = st.fixed_dictionaries(
    {"id": NAMES, "agent": NAMES, "turns": st.lists(valid_turns(), min_size=1, max_size=4)},
    optional={"channel": st.sampled_from(["chat", "call", "email", "social"]),
              "csat": st.integers(1, 5), "started_at": TIMESTAMPS,
              "language": st.sampled_from(["en", "zh", "zh-CN", "EN"]),
              "queue": st.text(STORABLE, max_size=10), "customer": st.text(STORABLE, max_size=10), "notes": FINITE_JSON_VALUES},
)


def maybe(values: st.SearchStrategy) -> st.SearchStrategy:
    """Usually a plausible value; one time in ten any JSON value at all."""
    return st.integers(0, 9).flatmap(lambda n: JSON_VALUES if n == 0 else values)


TURNS = st.fixed_dictionaries(
    {"speaker": maybe(SPEAKERS | st.just("boss")), "text": maybe(st.text(max_size=30))},
    optional={"at": maybe(TIMESTAMPS | ODD_TIMESTAMPS), "start": maybe(SECONDS | st.floats()),
              "end": maybe(SECONDS | st.floats()), "extra": JSON_VALUES},
)
RECORD_LIKE = st.one_of(VALID_RECORDS, st.fixed_dictionaries(
    {"id": maybe(NAMES), "agent": maybe(NAMES), "turns": maybe(st.lists(maybe(TURNS), max_size=4))},
    optional={"channel": maybe(st.sampled_from(["chat", "call", "email", "social", "sms"])),
              "csat": maybe(st.integers(-1, 7)), "started_at": maybe(TIMESTAMPS | ODD_TIMESTAMPS),
              "language": maybe(st.sampled_from(["en", "zh", "zh-CN", "fr", ""])),
              "queue": maybe(st.text(max_size=10)), "customer": maybe(st.text(max_size=10)),
              "notes": JSON_VALUES},
))
LINES = st.lists(
    st.one_of(st.text(max_size=60), RECORD_LIKE.map(json.dumps), JSON_VALUES.map(json.dumps)),
    max_size=8,
)


# Python callers can pass strings no JSON decoder would produce, such as lone surrogates.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=10)
PYTHON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT | st.binary(max_size=4),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(ANY_TEXT | st.integers(), inner, max_size=4),
    max_leaves=20,
)


@given(st.one_of(JSON_VALUES, RECORD_LIKE, PYTHON_VALUES,
                 st.fixed_dictionaries({"id": ANY_TEXT, "agent": ANY_TEXT, "turns": st.just(
                     [{"speaker": "agent", "text": "hi", "at": "2026-01-01T00:00:00"}])},
                     optional={"x": PYTHON_VALUES})))
def test_any_json_value_either_becomes_a_conversation_or_raises_record_invalid(value):
    try:
        result = conversation_from_dict(value)
    except RecordInvalid as exc:
        assert str(exc)
    else:
        assert isinstance(result, Conversation) and result.turns


@given(VALID_RECORDS)
def test_a_record_built_from_valid_parts_always_parses_and_keeps_its_values(record):
    conv = conversation_from_dict(record)
    assert (conv.external_id, conv.agent) == (record["id"].strip(), record["agent"].strip())
    assert [(t.speaker, t.text) for t in conv.turns] == [(t["speaker"], t["text"]) for t in record["turns"]]
    assert [(t.start, t.end) for t in conv.turns] == [(t.get("start"), t.get("end")) for t in record["turns"]]
    assert all(t.at is None or t.at.utcoffset() is not None for t in conv.turns)
    assert conv.metadata == ({"notes": record["notes"]} if "notes" in record else {})


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(LINES)
def test_arbitrary_text_lines_in_an_ndjson_file_yield_only_conversations_or_record_errors(lines):
    content = "\n".join(line.replace("\n", " ") for line in lines)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.ndjson"
        path.write_text(content, encoding="utf-8")
        items = list(iter_records(path))
    # a byte order mark opening the file is dropped, so a first line of only that is blank too
    non_blank = [n for n, line in enumerate(content.removeprefix("\ufeff").split("\n"), 1)
                 if line.strip(" \t\r")]
    assert len(items) == len(non_blank)
    for item, number in zip(items, non_blank):
        assert isinstance(item, (Conversation, RecordError))
        if isinstance(item, RecordError):
            assert item.source == f"{path}:{number}" and item.message


@given(st.binary(max_size=300), st.sampled_from(["json", "ndjson"]))
def test_arbitrary_bytes_yield_only_conversations_or_record_errors(content, fmt):
    items = list(parse_text(content, "fuzz", fmt))
    assert all(isinstance(item, (Conversation, RecordError)) for item in items)
    for item in items:
        if isinstance(item, RecordError):
            assert re.fullmatch(r"fuzz:\d+", item.source) and item.message


@given(st.lists(RECORD_LIKE, max_size=4), st.booleans())
def test_a_json_array_yields_one_item_per_element(records, indent):
    items = list(parse_text(json.dumps(records, indent=1 if indent else None), "fuzz.json", "json"))
    assert len(items) == len(records)
    for item, record in zip(items, records):
        if isinstance(item, Conversation):
            assert item.external_id == record["id"].strip()


@given(st.lists(RECORD_LIKE.map(json.dumps), max_size=5))
def test_an_upload_parses_like_a_file(lines):
    content = "\n".join(lines)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "same.ndjson"
        path.write_text(content, encoding="utf-8")
        assert list(parse_text(content, str(path), "ndjson")) == list(iter_records(path))
