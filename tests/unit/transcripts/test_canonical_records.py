"""conversation_from_dict: what a valid canonical record becomes, and the error for each bad field."""
from __future__ import annotations

import copy
import pickle
from datetime import datetime, timedelta, timezone

import pytest

from transcripts.canonical import RecordInvalid, conversation_from_dict
from transcripts.model import Conversation, Turn

CST = timezone(timedelta(hours=8))
VALID = {
    "id": "chat-000123",
    "channel": "chat",
    "agent": "li.na",
    "started_at": "2026-11-02T09:14:00+08:00",
    "language": "zh",
    "queue": "returns",
    "customer": "c-88",
    "csat": 4,
    "turns": [
        {"speaker": "customer", "text": "我想退货", "at": "2026-11-02T09:14:00+08:00"},
        {"speaker": "agent", "text": "好的，请提供订单号", "at": "2026-11-02T09:14:21+08:00"},
        {"speaker": "customer", "text": "12345", "at": "2026-11-02T09:15:02+08:00"},
        {"speaker": "agent", "text": "已为您办理", "at": "2026-11-02T09:16:40+08:00"},
    ],
}
MINIMAL = {"id": "c-1", "agent": "amy", "turns": [{"speaker": "agent", "text": "Hi", "at": "2026-01-05T10:00:00Z"}]}
DELETE = object()


def changed(turn: int | None = None, **changes: object) -> dict:
    """VALID with top-level keys (or the keys of turn number `turn`) changed; DELETE removes one."""
    record = copy.deepcopy(VALID)
    target = record if turn is None else record["turns"][turn]
    for key, value in changes.items():
        if value is DELETE:
            del target[key]
        else:
            target[key] = value
    return record


# ---------------------------------------------------------------- valid records


def test_a_record_with_every_field_maps_each_field_onto_the_conversation():
    conv = conversation_from_dict(VALID)
    assert conv == Conversation(
        external_id="chat-000123", agent="li.na", channel="chat",
        started_at=datetime(2026, 11, 2, 9, 14, tzinfo=CST), language="zh", queue="returns",
        customer="c-88", csat=4, metadata={},
        turns=(
            Turn("customer", "我想退货", at=datetime(2026, 11, 2, 9, 14, tzinfo=CST)),
            Turn("agent", "好的，请提供订单号", at=datetime(2026, 11, 2, 9, 14, 21, tzinfo=CST)),
            Turn("customer", "12345", at=datetime(2026, 11, 2, 9, 15, 2, tzinfo=CST)),
            Turn("agent", "已为您办理", at=datetime(2026, 11, 2, 9, 16, 40, tzinfo=CST)),
        ),
    )


def test_a_minimal_record_gets_the_defaults_and_no_language_is_guessed():
    conv = conversation_from_dict(MINIMAL)
    assert (conv.channel, conv.started_at, conv.language, conv.queue, conv.customer, conv.csat) == (
        "chat", None, None, None, None, None)
    assert conv.metadata == {}
    assert conv.turns == (Turn("agent", "Hi", at=datetime(2026, 1, 5, 10, tzinfo=timezone.utc)),)


def test_call_turns_with_start_and_end_seconds_become_floats():
    record = {"id": "call-7", "agent": "bo", "channel": "call", "turns": [
        {"speaker": "customer", "text": "hello", "start": 0, "end": 2.5},
        {"speaker": "agent", "text": "hi there", "start": 2.5, "end": 2.5},
        {"speaker": "bot", "text": "please hold", "start": 3, "end": 1e4},
    ]}
    turns = conversation_from_dict(record).turns
    assert [(t.start, t.end, t.at) for t in turns] == [(0.0, 2.5, None), (2.5, 2.5, None), (3.0, 1e4, None)]
    assert all(type(t.start) is float and type(t.end) is float for t in turns)


def test_a_turn_may_carry_both_a_timestamp_and_seconds():
    turn = conversation_from_dict(changed(0, start=1, end=2)).turns[0]
    assert (turn.at, turn.start, turn.end) == (datetime(2026, 11, 2, 9, 14, tzinfo=CST), 1.0, 2.0)


@pytest.mark.parametrize("speaker", ["agent", "customer", "bot", "system"])
def test_every_documented_speaker_is_accepted(speaker):
    assert conversation_from_dict(changed(0, speaker=speaker)).turns[0].speaker == speaker


@pytest.mark.parametrize("channel", ["chat", "call", "email", "social"])
def test_every_documented_channel_is_accepted(channel):
    assert conversation_from_dict(changed(channel=channel)).channel == channel


@pytest.mark.parametrize("csat", [1, 5])
def test_csat_accepts_both_ends_of_the_scale(csat):
    assert conversation_from_dict(changed(csat=csat)).csat == csat


@pytest.mark.parametrize("text, expected", [
    ("2026-11-02T09:14:00+08:00", datetime(2026, 11, 2, 9, 14, tzinfo=CST)),
    ("2026-11-02T01:14:00Z", datetime(2026, 11, 2, 1, 14, tzinfo=timezone.utc)),
    ("2026-11-02t01:14:00z", datetime(2026, 11, 2, 1, 14, tzinfo=timezone.utc)),
    ("2026-11-02 09:14:00+0800", datetime(2026, 11, 2, 9, 14, tzinfo=CST)),
    ("2026-11-02T09:14+08", datetime(2026, 11, 2, 9, 14, tzinfo=CST)),
    ("2026-11-01T20:14:00-05:00", datetime(2026, 11, 1, 20, 14, tzinfo=timezone(timedelta(hours=-5)))),
    ("2026-11-02T09:14:00.5+08:00", datetime(2026, 11, 2, 9, 14, 0, 500000, tzinfo=CST)),
    ("2026-11-02T09:14:00,123456789+08:00", datetime(2026, 11, 2, 9, 14, 0, 123456, tzinfo=CST)),
])
def test_iso_8601_timestamps_keep_their_utc_offset(text, expected):
    at = conversation_from_dict(changed(0, at=text)).turns[0].at
    assert at == expected and at.utcoffset() == expected.utcoffset()


def test_a_timestamp_without_an_offset_is_taken_as_utc():
    record = changed(started_at="2026-11-02T09:14")
    record["turns"][0]["at"] = "2026-11-02T09:14:00"
    conv = conversation_from_dict(record)
    assert conv.turns[0].at == datetime(2026, 11, 2, 9, 14, tzinfo=timezone.utc)
    assert conv.started_at == datetime(2026, 11, 2, 9, 14, tzinfo=timezone.utc)


def test_id_and_agent_are_stripped_of_surrounding_space():
    conv = conversation_from_dict(changed(id="  chat-9 ", agent="\tli.na\n"))
    assert (conv.external_id, conv.agent) == ("chat-9", "li.na")


@pytest.mark.parametrize("key", ["channel", "started_at", "language", "queue", "customer", "csat"])
def test_an_optional_field_that_is_null_counts_as_absent(key):
    assert conversation_from_dict(changed(**{key: None})) == conversation_from_dict(changed(**{key: DELETE}))


@pytest.mark.parametrize("key", ["queue", "customer"])
def test_a_blank_queue_or_customer_becomes_none(key):
    assert getattr(conversation_from_dict(changed(**{key: "  "})), key) is None


@pytest.mark.parametrize("given, expected", [
    ("zh", "zh"), ("en", "en"), ("zh-CN", "zh"), ("zh_Hans", "zh"), ("EN-gb", "en"), (" en ", "en"), ("", None),
])
def test_a_language_tag_is_cut_to_en_or_zh(given, expected):
    assert conversation_from_dict(changed(language=given)).language == expected


def test_unknown_top_level_keys_are_kept_in_metadata():
    conv = conversation_from_dict(changed(order_id="A-1", tags=["vip", 2, None, True, 1.5], extra={"nested": {"k": []}}))
    assert conv.metadata == {"order_id": "A-1", "tags": ["vip", 2, None, True, 1.5], "extra": {"nested": {"k": []}}}


def test_metadata_is_a_copy_that_later_changes_to_the_input_cannot_reach():
    record = changed(tags=["vip"], extra={"k": (1, 2)})
    conv = conversation_from_dict(record)
    record["tags"].append("changed")
    record["extra"]["k"] = None
    assert conv.metadata == {"tags": ["vip"], "extra": {"k": [1, 2]}}


def test_unknown_keys_inside_a_turn_are_dropped():
    turn = conversation_from_dict(changed(0, sentiment="negative", speaker_name="Ann")).turns[0]
    assert turn == Turn("customer", "我想退货", at=datetime(2026, 11, 2, 9, 14, tzinfo=CST))


def test_an_empty_turn_text_is_allowed():
    assert conversation_from_dict(changed(1, text="")).turns[1].text == ""


# ---------------------------------------------------------------- invalid records

LONG = "x" * 100

BAD = [
    # the record itself
    ("record is an array", [VALID], "record: must be a JSON object, not an array"),
    ("record is a number", 5, "record: must be a JSON object, not 5"),
    ("record is a string", "chat-1", "record: must be a JSON object, not 'chat-1'"),
    ("record is null", None, "record: must be a JSON object, not null"),
    ("record key is not a string", {**VALID, 1: "x"}, "record: keys must be strings, not 1"),
    # id and agent
    ("id missing", changed(id=DELETE), "id: required"),
    ("id null", changed(id=None), "id: required"),
    ("id a number", changed(id=123), "id: must be a string, not 123"),
    ("id empty", changed(id=""), "id: must not be empty"),
    ("id blank", changed(id="  \t"), "id: must not be empty"),
    ("agent missing", changed(agent=DELETE), "agent: required"),
    ("agent empty", changed(agent=""), "agent: must not be empty"),
    ("agent an array", changed(agent=["li.na"]), "agent: must be a string, not an array"),
    ("agent a lone surrogate", changed(agent="li\ud800"), "agent: contains an unpaired surrogate U+D800"),
    # turns
    ("turns missing", changed(turns=DELETE), "turns: required"),
    ("turns empty", changed(turns=[]), "turns: must be a non-empty list"),
    ("turns an object", changed(turns={"0": {}}), "turns: must be a non-empty list, not an object"),
    ("turns a string", changed(turns="hello"), "turns: must be a non-empty list, not 'hello'"),
    ("turn a string", changed(turns=["hello"]), "turns[0]: must be a JSON object, not 'hello'"),
    ("turn a number", changed(turns=[VALID["turns"][0], 7]), "turns[1]: must be a JSON object, not 7"),
    ("speaker unknown", changed(3, speaker="boss"),
     "turns[3].speaker: must be one of agent, customer, bot, system, not 'boss'"),
    ("speaker capitalised", changed(0, speaker="Agent"),
     "turns[0].speaker: must be one of agent, customer, bot, system, not 'Agent'"),
    ("speaker 'unknown' from the model", changed(0, speaker="unknown"),
     "turns[0].speaker: must be one of agent, customer, bot, system, not 'unknown'"),
    ("speaker a number", changed(0, speaker=1),
     "turns[0].speaker: must be one of agent, customer, bot, system, not 1"),
    ("speaker missing", changed(2, speaker=DELETE), "turns[2].speaker: required"),
    ("text missing", changed(0, text=DELETE), "turns[0].text: required"),
    ("text a number", changed(0, text=5), "turns[0].text: must be a string, not 5"),
    ("text an array", changed(0, text=["a"]), "turns[0].text: must be a string, not an array"),
    ("text a lone surrogate", changed(1, text="ok \udc80"), "turns[1].text: contains an unpaired surrogate U+DC80"),
    # timestamps
    ("at a word", changed(0, at="yesterday"), "turns[0].at: not an ISO-8601 timestamp: 'yesterday'"),
    ("at epoch seconds", changed(0, at=1793580840), "turns[0].at: not an ISO-8601 timestamp: 1793580840"),
    ("at a date only", changed(0, at="2026-11-02"), "turns[0].at: not an ISO-8601 timestamp: '2026-11-02'"),
    ("at month 13", changed(0, at="2026-13-02T09:14:00"),
     "turns[0].at: not an ISO-8601 timestamp: '2026-13-02T09:14:00'"),
    ("at hour 24", changed(0, at="2026-11-02T24:00:00"),
     "turns[0].at: not an ISO-8601 timestamp: '2026-11-02T24:00:00'"),
    ("at offset minutes 75", changed(0, at="2026-11-02T09:14:00+08:75"),
     "turns[0].at: not an ISO-8601 timestamp: '2026-11-02T09:14:00+08:75'"),
    ("at offset 24 hours", changed(0, at="2026-11-02T09:14:00+24:00"),
     "turns[0].at: not an ISO-8601 timestamp: '2026-11-02T09:14:00+24:00'"),
    ("at with non-ASCII digits", changed(0, at="２０２６-11-02T09:14:00"),
     "turns[0].at: not an ISO-8601 timestamp: '２０２６-11-02T09:14:00'"),
    ("at with trailing text", changed(0, at="2026-11-02T09:14:00+08:00 CST"),
     "turns[0].at: not an ISO-8601 timestamp: '2026-11-02T09:14:00+08:00 CST'"),
    ("started_at a word", changed(started_at="yesterday"), "started_at: not an ISO-8601 timestamp: 'yesterday'"),
    ("neither at nor start/end", changed(1, at=DELETE), "turns[1]: needs either at, or start and end"),
    ("at null and no start/end", changed(1, at=None), "turns[1]: needs either at, or start and end"),
    # call seconds
    ("start without end", changed(0, at=DELETE, start=1), "turns[0].end: required when start is given"),
    ("end without start", changed(0, at=DELETE, end=1), "turns[0].start: required when end is given"),
    ("start after end", changed(0, start=5, end=3), "turns[0].start: must not be after end (5 > 3)"),
    ("negative start", changed(0, start=-1, end=3),
     "turns[0].start: must be a non-negative number of seconds, not -1"),
    ("start a numeric string", changed(0, start="1.5", end=3),
     "turns[0].start: must be a non-negative number of seconds, not '1.5'"),
    ("start a boolean", changed(0, start=True, end=3),
     "turns[0].start: must be a non-negative number of seconds, not true"),
    ("end not a number", changed(0, start=0, end=float("nan")),
     "turns[0].end: must be a non-negative number of seconds, not nan"),
    ("end infinite", changed(0, start=0, end=float("inf")),
     "turns[0].end: must be a non-negative number of seconds, not inf"),
    ("end too big for a float", changed(0, start=0, end=10**400),
     "turns[0].end: must be a non-negative number of seconds, not " + repr(10**400)[:37] + "..."),
    # channel, csat, language, queue, customer
    ("channel unknown", changed(channel="sms"), "channel: must be one of chat, call, email, social, not 'sms'"),
    ("channel capitalised", changed(channel="Chat"), "channel: must be one of chat, call, email, social, not 'Chat'"),
    ("channel a number", changed(channel=1), "channel: must be one of chat, call, email, social, not 1"),
    ("csat 0", changed(csat=0), "csat: must be an integer 1-5, not 0"),
    ("csat 6", changed(csat=6), "csat: must be an integer 1-5, not 6"),
    ("csat a string", changed(csat="4"), "csat: must be an integer 1-5, not '4'"),
    ("csat a float", changed(csat=4.0), "csat: must be an integer 1-5, not 4.0"),
    ("csat a boolean", changed(csat=True), "csat: must be an integer 1-5, not true"),
    ("language unsupported", changed(language="fr"), "language: must be en or zh (or a tag such as zh-CN), not 'fr'"),
    ("language a number", changed(language=5), "language: must be a string, not 5"),
    ("queue a number", changed(queue=5), "queue: must be a string, not 5"),
    ("customer an object", changed(customer={"id": 1}), "customer: must be a string, not an object"),
    # metadata
    ("metadata NaN", changed(score=float("nan")), "score: must be a finite number, not nan"),
    ("metadata nested infinity", changed(extra={"a": [1, float("-inf")]}), "extra.a[1]: must be a finite number, not -inf"),
    ("metadata a non-JSON value", changed(extra={1, 2}), "extra: must be a JSON value, not set"),
    ("metadata a non-string key", changed(extra={1: "x"}), "extra: keys must be strings, not 1"),
    ("metadata a lone surrogate", changed(note="\ud83d"), "note: contains an unpaired surrogate U+D83D"),
    ("metadata under an empty key", changed(**{"": float("nan")}), '[""]: must be a finite number, not nan'),
    ("metadata under keys with dots and spaces", changed(**{"a b": {"c.d": [float("inf")]}}),
     '["a b"]["c.d"][0]: must be a finite number, not inf'),
    ("a long bad value is shortened", changed(channel=LONG),
     "channel: must be one of chat, call, email, social, not '" + "x" * 38 + "...'"),
]


@pytest.mark.parametrize("record, message", [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_a_bad_record_is_rejected_with_the_field_path_and_the_reason(record, message):
    with pytest.raises(RecordInvalid) as caught:
        conversation_from_dict(record)
    assert str(caught.value) == message


def test_metadata_nested_deeper_than_the_limit_is_rejected():
    deep: object = "bottom"
    for _ in range(150):
        deep = [deep]
    with pytest.raises(RecordInvalid, match=r"nested more than 100 levels deep"):
        conversation_from_dict(changed(extra=deep))


def test_the_first_bad_field_in_document_order_is_the_one_reported():
    with pytest.raises(RecordInvalid, match="^id: required$"):
        conversation_from_dict(changed(id=DELETE, csat=9, turns=[]))


def test_record_invalid_is_a_value_error_with_its_path_and_reason_and_survives_pickling():
    with pytest.raises(ValueError) as caught:
        conversation_from_dict(changed(3, speaker="boss"))
    error = pickle.loads(pickle.dumps(caught.value))
    assert isinstance(error, RecordInvalid)
    assert (error.path, error.reason) == ("turns[3].speaker", "must be one of agent, customer, bot, system, not 'boss'")
    assert str(error) == str(caught.value)


def test_validation_leaves_the_input_unchanged():
    record = changed(id=" x ", tags=[1])
    before = copy.deepcopy(record)
    conversation_from_dict(record)
    assert record == before
