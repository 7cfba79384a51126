"""CSV transcripts: rows grouped into conversations, column and speaker mapping, and bad rows."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from transcripts.errors import ParseError
from transcripts.formats import parse_file, parse_text_as
from transcripts.model import Conversation, Turn

HEADER = "conversation_id,speaker,text,timestamp"
T0 = "2026-11-02T09:14:00Z"


def at(second: int) -> str:
    return f"2026-11-02T09:14:{second:02d}Z"


def parse(text: str | bytes, **kwargs) -> list:
    return list(parse_text_as(text, "chats.csv", **{"agent": "amy", **kwargs}))


def summary(items) -> list[str]:
    """Each item as "id: speaker speaker ..." for a conversation or "source: message" for an error."""
    return [f"{item.external_id}: {' '.join(t.speaker for t in item.turns)}"
            if isinstance(item, Conversation) else str(item) for item in items]


def test_rows_become_turns_of_their_conversation_in_row_order():
    text = f"{HEADER}\nc-1,customer,where is my parcel,{at(0)}\nc-1,agent,\"Let me check, one moment\",{at(20)}\n"
    [conversation] = parse(text)
    assert conversation.external_id == "c-1" and conversation.agent == "amy" and conversation.channel == "chat"
    assert conversation.turns == (
        Turn("customer", "where is my parcel", at=datetime(2026, 11, 2, 9, 14, tzinfo=timezone.utc)),
        Turn("agent", "Let me check, one moment", at=datetime(2026, 11, 2, 9, 14, 20, tzinfo=timezone.utc)),
    )


def test_interleaved_conversations_are_grouped_in_order_of_first_appearance():
    rows = [("b", "customer"), ("a", "customer"), ("b", "agent"), ("a", "agent"), ("c", "bot"), ("b", "customer")]
    text = HEADER + "\n" + "\n".join(f"{cid},{who},x,{T0}" for cid, who in rows)
    assert summary(parse(text)) == ["b: customer agent customer", "a: customer agent", "c: bot"]


def test_optional_conversation_columns_fill_the_conversation_and_may_be_blank_on_later_rows():
    text = ("conversation_id,speaker,text,timestamp,agent,channel,language,queue,customer,csat,started_at\n"
            f"c-1,customer,我要退货,{at(0)},li.na,social,zh-CN,returns,c-88,4,{T0}\n"
            f"c-1,agent,好的,{at(9)},,,,,,,\n")
    [conversation] = parse(text, agent=None)
    assert (conversation.agent, conversation.channel, conversation.language, conversation.queue,
            conversation.customer, conversation.csat, conversation.started_at) == (
        "li.na", "social", "zh", "returns", "c-88", 4, datetime(2026, 11, 2, 9, 14, tzinfo=timezone.utc))


def test_the_agent_and_channel_arguments_are_defaults_that_a_column_overrides():
    text = f"{HEADER},agent\nc-1,agent,hi,{T0},bob\nc-2,agent,hi,{T0},\n"
    items = parse(text, agent="amy", channel="email")
    assert [(c.external_id, c.agent, c.channel) for c in items] == [("c-1", "bob", "email"), ("c-2", "amy", "email")]


def test_header_names_match_in_any_case_and_order_and_extra_columns_are_ignored():
    text = f" Timestamp ,NOTES,Text,SPEAKER,Conversation_ID\n{T0},ignored,hi,Customer,c-1\n"
    assert summary(parse(text)) == ["c-1: customer"]


def test_the_column_mapping_reads_another_systems_export():
    text = ("Ticket ID,Author,Message,Created,Assignee\n"
            "T-1,Visitor,My order is late,2026/11/02 09:14,\n"
            "T-1,Agent,Sorry to hear that,2026/11/02 09:15,li.na\n")
    options = {"columns": {"conversation_id": "Ticket ID", "speaker": "Author", "text": "Message",
                           "timestamp": "Created", "agent": "Assignee"},
               "speakers": {"Visitor": "customer"}, "time_format": "%Y/%m/%d %H:%M"}
    [conversation] = parse(text, agent=None, options=options)
    assert conversation.agent == "li.na"
    assert [(t.speaker, t.at.minute) for t in conversation.turns] == [("customer", 14), ("agent", 15)]


@pytest.mark.parametrize("value, speaker", [
    ("agent", "agent"), ("Agent", "agent"), ("客服", "agent"), ("Support team", "agent"), ("Agent 7", "agent"),
    ("Customer Service", "agent"), ("客户服务", "agent"), ("CUSTOMER", "customer"), ("customers", "customer"),
    ("买家", "customer"), ("Bot", "bot"), ("system", "system"),
])
def test_speaker_values_map_by_default_hints(value, speaker):
    assert summary(parse(f"{HEADER}\nc-1,{value},hi,{T0}\n")) == [f"c-1: {speaker}"]


@pytest.mark.parametrize("value", ["Management", "Visitor", "the boss", "客"])
def test_speaker_values_that_match_no_hint_are_errors(value):
    assert summary(parse(f"{HEADER}\nc-1,{value},hi,{T0}\n")) == [
        f"chats.csv:2: speaker: {value!r} is not a known speaker; map it to agent, customer, bot or system "
        "with the speakers option"]


@pytest.mark.parametrize("contiguous", [False, True])
def test_a_bad_row_sinks_its_conversation_in_either_mode_and_later_rows_of_it_change_nothing(contiguous):
    text = (f"{HEADER}\nc-1,customer,hi,{T0}\nc-1,agent,hi,later\nc-1,boss,hi,{T0}\n"
            f",agent,hi,{T0}\nc-2,agent,hi,{T0}\n")
    assert summary(parse(text, options={"contiguous": contiguous})) == [
        "chats.csv:3: timestamp: not an ISO-8601 timestamp: 'later'",
        "chats.csv:5: conversation_id: required",
        "c-2: agent",
    ]


def test_a_bad_row_makes_its_whole_conversation_one_error_at_that_row_and_others_still_parse():
    text = (f"{HEADER}\nc-1,customer,hi,{T0}\nc-2,customer,hi,{T0}\n"
            f"c-1,boss,hi,{T0}\nc-1,agent,hello,not-a-time\nc-2,agent,hello,{at(5)}\n")
    assert summary(parse(text)) == [
        "chats.csv:4: speaker: 'boss' is not a known speaker; map it to agent, customer, bot or system "
        "with the speakers option",
        "c-2: customer agent",
    ]


@pytest.mark.parametrize("rows, error", [
    (f"c-1,agent,hi,{T0}\nc-1,agent,hi,yesterday", "chats.csv:3: timestamp: not an ISO-8601 timestamp: 'yesterday'"),
    (f"c-1,agent,hi,{T0}\nc-1,agent,hi,", "chats.csv:3: timestamp: required"),
    (f"c-1,agent,hi,{T0}\nc-1,,hi,{T0}", "chats.csv:3: speaker: required"),
    (f"c-1,agent,hi,2026-13-01T00:00:00Z", "chats.csv:2: timestamp: not an ISO-8601 timestamp: '2026-13-01T00:00:00Z'"),
    (f"c-1,agent,hi,{T0},extra", "chats.csv:2: the row has 5 cells but the header has 4"),
])
def test_bad_turn_cells_are_errors_at_their_row_naming_the_column(rows, error):
    assert summary(parse(f"{HEADER}\n{rows}\n")) == [error]


@pytest.mark.parametrize("cells, error", [
    ("9,", "chats.csv:3: csat: must be an integer 1-5, not 9"),
    ("four,", "chats.csv:3: csat: must be an integer 1-5, not 'four'"),
    (",fax", "chats.csv:3: channel: must be one of chat, call, email, social, not 'fax'"),
])
def test_bad_conversation_values_are_errors_at_the_row_that_gave_them(cells, error):
    text = f"{HEADER},csat,channel\nc-1,agent,hi,{T0},,\nc-1,agent,hi,{T0},{cells}\n"
    assert summary(parse(text)) == [error]


def test_the_first_bad_row_in_the_file_is_the_one_reported():
    text = f"{HEADER},csat\nc-1,agent,hi,{T0},\nc-1,agent,hi,{T0},0\nc-1,boss,hi,{T0},\nc-1,agent,hi,soon,\n"
    assert summary(parse(text)) == ["chats.csv:3: csat: must be an integer 1-5, not 0"]


def test_conflicting_conversation_values_are_an_error_at_the_second_row():
    text = f"{HEADER},agent\nc-1,agent,hi,{T0},amy\nc-1,agent,hi,{T0},\nc-1,agent,hi,{T0},bob\n"
    assert summary(parse(text)) == ["chats.csv:4: agent: 'bob' differs from 'amy' on line 2"]


def test_a_conversation_without_any_agent_is_an_error_at_its_first_row():
    text = f"{HEADER}\nc-1,agent,hi,{T0}\n"
    assert summary(parse(text, agent=None)) == [
        "chats.csv:2: agent: required; no row has a value and no agent was given"]


def test_errors_name_the_files_own_columns_when_a_mapping_is_used():
    text = "Ticket,Who,Body,When\nT-1,agent,hi,soon\n"
    options = {"columns": {"conversation_id": "Ticket", "speaker": "Who", "text": "Body", "timestamp": "When"}}
    assert summary(parse(text, options=options)) == ["chats.csv:2: When: not an ISO-8601 timestamp: 'soon'"]


def test_a_row_without_a_conversation_id_is_an_error_of_its_own():
    text = f"{HEADER}\nc-1,agent,hi,{T0}\n  ,agent,hi,{T0}\nc-1,customer,hi,{T0}\n"
    assert summary(parse(text)) == ["c-1: agent customer", "chats.csv:3: conversation_id: required"]


def test_line_numbers_count_blank_lines_and_lines_inside_quoted_cells():
    text = f'{HEADER}\n\nc-1,agent,"two\nlines",{T0}\n,,,\nc-1,boss,hi,{T0}\n'
    assert summary(parse(text)) == ["chats.csv:6: speaker: 'boss' is not a known speaker; map it to agent, "
                                    "customer, bot or system with the speakers option"]
    [conversation] = parse(f'{HEADER}\nc-1,agent,"two\r\nlines",{T0}\n')
    assert conversation.turns[0].text == "two\r\nlines"


def test_crlf_a_byte_order_mark_a_semicolon_delimiter_and_undecodable_bytes():
    data = (f"\ufeffconversation_id;speaker;text;timestamp\r\nc-1;agent;hi;{T0}\r\n".encode()
            + b"c-2;agent;\xff;" + T0.encode())
    assert summary(parse(data, options={"delimiter": ";"})) == ["c-1: agent", "chats.csv:3: not valid UTF-8 text"]


def test_a_header_only_file_yields_nothing():
    assert parse(f"{HEADER}\n") == []


def test_contiguous_mode_yields_each_conversation_when_its_rows_end():
    text = HEADER + "".join(f"\n{cid},agent,x,{T0}" for cid in ["a", "a", "b", "a", "a", "c"])
    items = parse_text_as(text, "chats.csv", agent="amy", options={"contiguous": True})
    assert summary([next(items)]) == ["a: agent agent"]  # yielded before the rest is read
    assert summary(items) == [
        "b: agent",
        "chats.csv:5: conversation_id: rows of 'a' are not contiguous: its earlier rows ended on line 3",
        "c: agent",
    ]


@pytest.mark.parametrize("text, message", [
    ("", "chats.csv: the file is empty; expected a header row naming the columns conversation_id, speaker"),
    ("\n\n", "chats.csv: the file is empty"),
    ("conversation_id,speaker,text\nc-1,agent,hi\n", "chats.csv:1: missing column 'timestamp'"),
    ("id,speaker,text,timestamp\n", "chats.csv:1: missing column 'conversation_id'"),
    ("\x00\x01garbage,\xff\n", "chats.csv:1: missing column 'conversation_id'"),
])
def test_an_empty_file_or_a_missing_column_is_a_parse_error_naming_it(text, message):
    with pytest.raises(ParseError) as raised:
        parse(text)
    assert str(raised.value).startswith(message)


def test_a_mapped_optional_column_that_is_missing_is_a_parse_error():
    with pytest.raises(ParseError, match=r"missing column 'Assignee' \(for agent\)"):
        parse(f"{HEADER}\n", options={"columns": {"agent": "Assignee"}})


def test_a_field_over_the_csv_size_limit_is_a_parse_error_at_its_line():
    text = f'{HEADER}\nc-1,agent,hi,{T0}\nc-1,agent,"{"x" * 200_000}",{T0}\n'
    with pytest.raises(ParseError, match=r"^chats.csv:3: not valid CSV: field larger than field limit"):
        parse(text)


@pytest.mark.parametrize("options, message", [
    ({"columns": {"ticket": "Ticket ID"}}, "option columns: unknown field 'ticket'; expected one of conversation_id"),
    ({"columns": {"speaker": " "}}, "option columns: speaker must name a column, not ' '"),
    ({"columns": ["speaker"]}, "option columns must be a mapping"),
    ({"speakers": {"Visitor": "visitor"}}, "option speakers: 'Visitor' must map to one of agent, customer"),
    ({"time_format": 5}, "option time_format must be a str, not 5"),
    ({"contiguous": "yes"}, "option contiguous must be a bool"),
    ({"delimiter": ";;"}, "option delimiter must be one character, not ';;'"),
    ({"default_speaker": "agent"}, "unknown option 'default_speaker': the csv format takes columns"),
])
def test_bad_options_raise_a_parse_error_naming_the_option(options, message):
    with pytest.raises(ParseError) as raised:
        parse(f"{HEADER}\n", options=options)
    assert raised.value.message.startswith(message)


def test_a_csv_file_is_read_from_disk_with_the_same_results(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(f"{HEADER}\r\nc-1,agent,hi,{T0}\r\nc-1,boss,hi,{T0}\r\nc-2,customer,hi,{T0}\r\n".encode())
    assert summary(parse_file(path, agent="amy")) == [
        f"{path}:3: speaker: 'boss' is not a known speaker; map it to agent, customer, bot or system "
        "with the speakers option", "c-2: customer"]
