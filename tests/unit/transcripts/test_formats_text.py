"""Plain-text transcripts: labels, Chinese labels, stamps, continuation lines, and every bad input."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from transcripts.errors import ParseError, RecordError
from transcripts.formats import parse_text_as
from transcripts.model import Conversation, Turn


def parse(text: str | bytes, name: str = "chat-7.txt", **kwargs) -> list:
    kwargs.setdefault("agent", "amy")
    return list(parse_text_as(text, name, **kwargs))


def only_conversation(text: str | bytes, **kwargs) -> Conversation:
    items = parse(text, **kwargs)
    assert len(items) == 1 and isinstance(items[0], Conversation), items
    return items[0]


def only_error(text: str | bytes, **kwargs) -> str:
    items = parse(text, **kwargs)
    assert len(items) == 1 and isinstance(items[0], RecordError), items
    return str(items[0])


def test_agent_and_customer_lines_become_turns_of_one_conversation_named_after_the_file():
    conversation = only_conversation("Agent: Hello, how can I help?\nCustomer: My parcel is late.\n")
    assert conversation.external_id == "chat-7" and conversation.agent == "amy"
    assert conversation.channel == "chat"
    assert conversation.turns == (Turn("agent", "Hello, how can I help?"),
                                  Turn("customer", "My parcel is late."))


@pytest.mark.parametrize("line, speaker", [
    ("客服：您好", "agent"), ("客服: 您好", "agent"), ("客户：您好", "customer"),
    ("顾客：您好", "customer"), ("买家 ： 您好", "customer"), ("AGENT: 您好", "agent"),
    ("customer : 您好", "customer"), ("Bot: 您好", "bot"), ("系统：您好", "system"),
])
def test_english_and_chinese_labels_with_ascii_or_full_width_colons_name_the_speaker(line, speaker):
    assert only_conversation(line).turns == (Turn(speaker, "您好"),)


@pytest.mark.parametrize("stamp, seconds", [
    ("[00:00:05]", 5.0), ("[01:02:03]", 3723.0), ("00:10:00", 600.0), ("[02:30]", 150.0),
    ("9:05:00", 32700.0),
])
def test_a_stamp_at_the_start_of_a_line_becomes_the_turns_start_and_end_seconds(stamp, seconds):
    turn = only_conversation(f"{stamp} Agent: hi").turns[0]
    assert (turn.speaker, turn.text, turn.start, turn.end, turn.at) == ("agent", "hi", seconds, seconds, None)


@pytest.mark.parametrize("stamp", ["[2026-11-02 09:14:21]", "2026-11-02 09:14:21", "[2026-11-02T09:14:21]"])
def test_a_date_and_time_stamp_becomes_the_turns_time_in_utc(stamp):
    turn = only_conversation(f"{stamp} 客服：您好").turns[0]
    assert (turn.speaker, turn.text, turn.start) == ("agent", "您好", None)
    assert turn.at == datetime(2026, 11, 2, 9, 14, 21, tzinfo=timezone.utc)


def test_stamped_and_unstamped_turns_may_mix():
    turns = only_conversation("[00:00:01] Customer: hi\nAgent: hello\n").turns
    assert [(t.start, t.end) for t in turns] == [(1.0, 1.0), (None, None)]


def test_a_line_without_a_label_continues_the_previous_turn_on_a_new_line():
    text = "Customer: I want to return\nthe blue shoes\n\n  order 12345  \nAgent: Sure."
    assert only_conversation(text).turns == (Turn("customer", "I want to return\nthe blue shoes\norder 12345"),
                                              Turn("agent", "Sure."))


@pytest.mark.parametrize("line", [
    "Note: keep the box", "Order 12:30: shipped", "10:30:00 Note: call back", "https://shop.example/track",
])
def test_a_line_whose_prefix_is_not_a_known_label_is_a_continuation(line):
    assert only_conversation(f"Agent: hi\n{line}").turns == (Turn("agent", f"hi\n{line}"),)


def test_an_empty_label_line_takes_its_text_from_the_continuation_lines():
    assert only_conversation("客服：\n您好，请问有什么可以帮您？").turns == (Turn("agent", "您好，请问有什么可以帮您？"),)


def test_the_speakers_option_adds_labels_such_as_agent_names():
    text = "Li Na: 您好\nbuyer42: 我要退款\n"
    conversation = only_conversation(text, options={"speakers": {"li na": "agent", "Buyer42": "customer"}})
    assert [t.speaker for t in conversation.turns] == ["agent", "customer"]


def test_crlf_line_ends_and_a_byte_order_mark_are_accepted():
    data = "\ufeffAgent: hi\r\nCustomer: hello\r\n".encode("utf-8")
    assert [t.text for t in only_conversation(data).turns] == ["hi", "hello"]


def test_external_id_and_channel_given_by_the_caller_are_used():
    conversation = only_conversation("Agent: hi", external_id="T-9", channel="email")
    assert (conversation.external_id, conversation.channel) == ("T-9", "email")


@pytest.mark.parametrize("text, error", [
    ("Hello there\nAgent: hi", "chat-7.txt:1: text before the first speaker label"),
    ("\n\n  \nwhat is this\nAgent: hi", "chat-7.txt:4: text before the first speaker label"),
    ("", "chat-7.txt:1: no turns: the file holds no line such as 'Agent: ...'"),
    ("\n \r\n", "chat-7.txt:1: no turns"),
    ("Agent: hi\n[00:61:00] Customer: hello", "chat-7.txt:2: timestamp '00:61:00' is out of range"),
    ("[75:00] Agent: hi", "chat-7.txt:1: timestamp '75:00' is out of range"),
    ("Agent: hi\n[2026-13-02 09:14] Customer: hello",
     "chat-7.txt:2: timestamp: not an ISO-8601 timestamp: '2026-13-02 09:14'"),
    (b"Agent: hi\nCustomer: \xff\xfe\n", "chat-7.txt:2: not valid UTF-8 text"),
    ("Agent: hi\nCustomer: \ud800", "chat-7.txt:2: not valid UTF-8 text"),
    ("\x00\x01garbage\x02", "chat-7.txt:1: text before the first speaker label"),
])
def test_bad_text_yields_one_record_error_with_its_line_and_no_conversation(text, error):
    assert only_error(text).startswith(error)


def test_a_blank_external_id_is_a_record_error_naming_the_id():
    assert only_error("Agent: hi", external_id="  ") == "chat-7.txt:1: id: must not be empty"


@pytest.mark.parametrize("kwargs, message", [
    ({"agent": None}, "an agent login is required for txt files"),
    ({"agent": " "}, "an agent login is required for txt files"),
    ({"channel": "fax"}, "channel must be one of chat, call, email, social, not 'fax'"),
    ({"options": {"speakers": {"Li": "boss"}}}, "option speakers: 'Li' must map to one of"),
    ({"options": {"default_speaker": "agent"}}, "unknown option 'default_speaker': the txt format takes speakers"),
])
def test_bad_arguments_raise_a_parse_error_before_anything_is_read(kwargs, message):
    with pytest.raises(ParseError) as raised:
        parse_text_as("Agent: hi", "chat-7.txt", **{"agent": "amy", **kwargs})
    assert raised.value.source == "chat-7.txt" and raised.value.message.startswith(message)
