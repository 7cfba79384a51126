"""Property tests: no input makes the canonical parser raise anything but its documented errors."""
from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transcripts.canonical import RecordInvalid, conversation_from_dict, iter_records, parse_text
from transcripts.errors import RecordError
from transcripts.model import Conversation

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
TIMESTAMPS = st.datetimes().map(lambda d: d.isoformat()) | st.from_regex(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?", fullmatch=True)
SECONDS = st.integers(-5, 10**6) | st.floats(allow_nan=True, allow_infinity=True)


def maybe(values: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly plausible values, sometimes any JSON value at all."""
    return st.one_of(values, values, JSON_VALUES)


TURNS = st.fixed_dictionaries(
    {"speaker": maybe(st.sampled_from(["agent", "customer", "bot", "system", "boss"])),
     "text": maybe(st.text(max_size=30))},
    optional={"at": maybe(TIMESTAMPS), "start": maybe(SECONDS), "end": maybe(SECONDS),
              "extra": JSON_VALUES},
)
RECORD_LIKE = st.fixed_dictionaries(
    {"id": maybe(st.text(max_size=10)), "agent": maybe(st.text(max_size=10)),
     "turns": maybe(st.lists(maybe(TURNS), max_size=4))},
    optional={"channel": maybe(st.sampled_from(["chat", "call", "email", "social", "sms"])),
              "csat": maybe(st.integers(-1, 7)), "started_at": maybe(TIMESTAMPS),
              "language": maybe(st.sampled_from(["en", "zh", "zh-CN", "fr", ""])),
              "queue": maybe(st.text(max_size=10)), "customer": maybe(st.text(max_size=10)),
              "notes": JSON_VALUES},
)
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
