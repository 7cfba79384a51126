"""The pure parts of telling duplicates from conflicts: the content hash, where each parsed record
starts, and the reserved metadata keys."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from transcripts import formats
from transcripts.errors import RecordError, RecordInvalid
from transcripts.fingerprint import content_hash
from transcripts.records import RESERVED_KEYS, conversation_from_dict


def record(**extra) -> dict:
    return {"id": "c-1", "agent": "ann", **extra,
            "turns": [{"speaker": "customer", "text": "Hi", "at": "2026-11-02T10:00:00Z"},
                      {"speaker": "agent", "text": "Hello", "at": "2026-11-02T10:00:05Z"}]}


def test_the_same_conversation_in_another_utc_offset_hashes_the_same():
    a = conversation_from_dict(record())
    b = conversation_from_dict({**record(), "turns": [{"speaker": "customer", "text": "Hi", "at": "2026-11-02T18:00:00+08:00"},
                                                      {"speaker": "agent", "text": "Hello", "at": "2026-11-02T10:00:05Z"}]})
    assert content_hash(a) == content_hash(b)


@pytest.mark.parametrize("change", [
    {"agent": "bob"}, {"channel": "call"}, {"csat": 3}, {"queue": "returns"}, {"metadata": {"crm": "x"}},
])
def test_any_field_changes_the_hash(change):
    base = conversation_from_dict(record())
    assert content_hash(replace(base, **change)) != content_hash(base)


def test_a_turns_text_changes_the_hash():
    base = conversation_from_dict(record())
    changed = replace(base, turns=(base.turns[0], replace(base.turns[1], text="Hello!")))
    assert content_hash(changed) != content_hash(base)


@pytest.mark.parametrize("key", sorted(RESERVED_KEYS))
def test_a_record_may_not_set_a_reserved_key(key):
    with pytest.raises(RecordInvalid) as caught:
        conversation_from_dict(record(**{key: "../secret_key"}))
    assert caught.value.path == key and "reserved" in caught.value.reason


def test_each_ndjson_record_is_located_at_its_line():
    text = "\n".join([json.dumps(record()), "", "not json", json.dumps({**record(), "id": "c-2"})]) + "\n"
    located = list(formats.parse_text_located(text.encode(), "day.ndjson"))
    assert [where for where, _item in located] == ["day.ndjson:1", "day.ndjson:3", "day.ndjson:4"]
    assert isinstance(located[1][1], RecordError)


def test_each_element_of_a_json_array_is_located_where_it_starts():
    text = "[\n" + ",\n".join(json.dumps({**record(), "id": f"c-{i}"}) for i in range(3)) + "\n]\n"
    assert [w for w, _ in formats.parse_text_located(text, "all.json")] == ["all.json:2", "all.json:3", "all.json:4"]


def test_a_plain_text_file_is_one_conversation_at_its_first_line():
    [(where, conv)] = formats.parse_text_located("Customer: hi\nAgent: hello\n", "chat-0042.txt", agent="ann")
    assert where == "chat-0042.txt:1" and conv.external_id == "chat-0042"
