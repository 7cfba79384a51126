"""WebVTT and SRT transcripts: cues, voice tags, name prefixes, speaker mapping, and bad input."""
from __future__ import annotations

import pytest

from transcripts.errors import ParseError, RecordError
from transcripts.formats import parse_text_as
from transcripts.model import Conversation, Turn

VTT = """WEBVTT - call 881

NOTE exported by the phone system
with two lines

1
00:00:01.000 --> 00:00:03.500 align:start
<v Agent Li>Thank you for calling, this is Li.</v>

00:04.000 --> 00:06.250
<v.loud Caller>My refund has not arrived &amp; I am upset.

00:06.250 --> 00:07.000
<v Caller>It has been two weeks.
"""

SRT = """1
00:00:01,000 --> 00:00:03,000
客服：您好，请问有什么可以帮您？

2
00:00:03,500 --> 00:00:05,000
买家：我的快递
三天没动了

3
00:00:05,000 --> 00:00:06,000
<i>Support:</i> 我帮您查一下。
"""


def parse(text: str | bytes, name: str, **kwargs) -> list:
    kwargs.setdefault("agent", "amy")
    return list(parse_text_as(text, name, **kwargs))


def only_conversation(text: str | bytes, name: str = "call-1.vtt", **kwargs) -> Conversation:
    items = parse(text, name, **kwargs)
    assert len(items) == 1 and isinstance(items[0], Conversation), items
    return items[0]


def only_error(text: str | bytes, name: str = "call-1.vtt", **kwargs) -> str:
    items = parse(text, name, **kwargs)
    assert len(items) == 1 and isinstance(items[0], RecordError), items
    return str(items[0])


def vtt(*cues: str) -> str:
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def test_vtt_voice_tags_name_the_speakers_and_cues_give_start_and_end_seconds():
    conversation = only_conversation(VTT)
    assert (conversation.external_id, conversation.agent, conversation.channel) == ("call-1", "amy", "call")
    assert conversation.turns == (
        Turn("agent", "Thank you for calling, this is Li.", start=1.0, end=3.5),
        Turn("customer", "My refund has not arrived & I am upset. It has been two weeks.", start=4.0, end=7.0),
    )


def test_srt_name_prefixes_in_chinese_name_the_speakers_and_lines_join_without_spaces():
    conversation = only_conversation(SRT, "call-2.srt")
    assert conversation.turns == (
        Turn("agent", "您好，请问有什么可以帮您？", start=1.0, end=3.0),
        Turn("customer", "我的快递三天没动了", start=3.5, end=5.0),
        Turn("agent", "我帮您查一下。", start=5.0, end=6.0),
    )


def test_two_voices_in_one_cue_become_two_turns_with_the_cues_times():
    text = vtt("00:01.000 --> 00:02.000\n<v Customer>Hello?</v>\n<v Agent>Hi, I'm here.</v>")
    assert only_conversation(text).turns == (Turn("customer", "Hello?", start=1.0, end=2.0),
                                              Turn("agent", "Hi, I'm here.", start=1.0, end=2.0))


def test_a_cue_without_a_name_continues_the_previous_speaker():
    text = vtt("00:01.000 --> 00:02.000\nAgent: Your order", "00:02.000 --> 00:03.000\nships <b>today</b>.")
    assert only_conversation(text).turns == (Turn("agent", "Your order ships today.", start=1.0, end=3.0),)


@pytest.mark.parametrize("name, speaker", [
    ("Agent", "agent"), ("Support Desk", "agent"), ("客服小王", "agent"), ("CUSTOMER", "customer"),
    ("Caller 1", "customer"), ("顾客", "customer"), ("客户", "customer"), ("买家", "customer"),
    ("bot", "bot"), ("System", "system"),
])
def test_names_map_to_speakers_by_default_hints(name, speaker):
    assert only_conversation(vtt(f"00:01.000 --> 00:02.000\n<v {name}>hi")).turns[0].speaker == speaker


def test_the_speakers_option_maps_other_names_and_wins_over_the_hints():
    text = vtt("00:01.000 --> 00:02.000\n<v Li Na>hi", "00:02.000 --> 00:03.000\nAgent Smith: hello")
    speakers = {"LI NA": "agent", "agent smith": "customer"}
    turns = only_conversation(text, options={"speakers": speakers}).turns
    assert [t.speaker for t in turns] == ["agent", "customer"]


def test_unmapped_names_and_unnamed_cues_take_the_default_speaker_when_one_is_given():
    text = vtt("00:01.000 --> 00:02.000\nhello", "00:02.000 --> 00:03.000\n<v Speaker 2>hi",
               "00:03.000 --> 00:04.000\n<v Agent>hey")
    turns = only_conversation(text, options={"default_speaker": "customer"}).turns
    assert [(t.speaker, t.text) for t in turns] == [("customer", "hello hi"), ("agent", "hey")]


def test_a_cue_with_no_text_is_skipped():
    text = vtt("00:01.000 --> 00:02.000\n<v Agent></v>", "00:02.000 --> 00:03.000\n<v Customer>hi")
    assert only_conversation(text).turns == (Turn("customer", "hi", start=2.0, end=3.0),)


@pytest.mark.parametrize("line", ["See https://example.com/track", "Meet at 10:30 tomorrow"])
def test_a_colon_that_is_not_a_name_prefix_stays_in_the_text(line):
    turns = only_conversation(vtt(f"00:01.000 --> 00:02.000\n<v Agent>{line}")).turns
    assert turns[0].text == line


def test_crlf_line_ends_and_a_byte_order_mark_are_accepted_in_both_formats():
    assert only_conversation(("\ufeff" + VTT).replace("\n", "\r\n").encode()).turns[0].start == 1.0
    assert only_conversation(("\ufeff" + SRT).replace("\n", "\r\n").encode(), "c.srt").turns[1].text == "我的快递三天没动了"


def test_srt_accepts_a_cue_without_its_counter_line():
    text = "00:00:01,000 --> 00:00:02,000\nCustomer: hi\n"
    assert only_conversation(text, "c.srt").turns == (Turn("customer", "hi", start=1.0, end=2.0),)


@pytest.mark.parametrize("text, error", [
    ("", "call-1.vtt:1: not a WebVTT file: the first line must be WEBVTT"),
    ("\nWEBVTT\n", "call-1.vtt:1: not a WebVTT file"),
    ("WEBVTTX\n", "call-1.vtt:1: not a WebVTT file"),
    ("WEBVTT\n00:01.000 --> 00:02.000\nhi\n", "call-1.vtt:2: a blank line must separate the WEBVTT header"),
    ("WEBVTT\n", "call-1.vtt:1: no cues with text"),
    (vtt("00:01.000 --> 00:02.000\n<v Agent>hi", "00:03.000 -> 00:04.000\nhello"),
     "call-1.vtt:6: expected a WebVTT cue timing line"),
    (vtt("00:01.000 --> 00:02.000\n<v Agent>hi", "id-2\n00:03.000 --> 00:04,0\nhello"),
     "call-1.vtt:7: malformed cue timing '00:03.000 --> 00:04,0'"),
    (vtt("00:61.000 --> 00:62.000\n<v Agent>hi"), "call-1.vtt:3: cue time out of range"),
    (vtt("00:01.00 --> 00:02.000\n<v Agent>hi"), "call-1.vtt:3: malformed cue timing"),
    (vtt("00:00:70.000 --> 00:01:00.000\n<v Agent>hi"), "call-1.vtt:3: cue time out of range"),
    (vtt("00:05.000 --> 00:04.000\n<v Agent>hi"), "call-1.vtt:3: cue ends before it starts"),
    (vtt("00:01.000 --> 00:02.000\n<v Speaker 2>hi"), "call-1.vtt:3: cue speaker 'Speaker 2' is not mapped"),
    (vtt("00:01.000 --> 00:02.000\nhello"), "call-1.vtt:3: the first cue names no speaker"),
    (vtt("00:01.000 --> 00:02.000\nNote: hi"), "call-1.vtt:3: cue speaker 'Note' is not mapped"),
    (b"WEBVTT\n\n00:01.000 --> 00:02.000\n<v Agent>\xff\n", "call-1.vtt:4: not valid UTF-8 text"),
    ("\x00garbage\n\x01", "call-1.vtt:1: not a WebVTT file"),
])
def test_bad_vtt_yields_one_record_error_with_its_line_and_no_conversation(text, error):
    assert only_error(text).startswith(error)


@pytest.mark.parametrize("text, error", [
    ("", "call-1.srt:1: no cues with text"),
    ("1\n00:00:01,000 --> 00:00:02,000\n\n", "call-1.srt:1: no cues with text"),
    ("1\nhello there\n", "call-1.srt:1: expected a SRT cue timing line"),
    ("1\n", "call-1.srt:1: expected a SRT cue timing line"),
    ("1\n00:00:01 --> 00:00:02\nAgent: hi\n", "call-1.srt:2: malformed cue timing"),
    ("1\n00:00:01,000 --> 00:00:02,000\nAgent: hi\n\n2\n00:00:09,000 --> 00:00:08,000\nAgent: x\n",
     "call-1.srt:6: cue ends before it starts"),
    ("1\n00:00:01,000 --> 00:00:02,000\n- Hello\n", "call-1.srt:2: the first cue names no speaker"),
    ("garbage\x00\x7f", "call-1.srt:1: expected a SRT cue timing line"),
])
def test_bad_srt_yields_one_record_error_with_its_line_and_no_conversation(text, error):
    assert only_error(text, "call-1.srt").startswith(error)


@pytest.mark.parametrize("options, message", [
    ({"default_speaker": "unknown"}, "option default_speaker must be one of agent, customer, bot, system"),
    ({"speakers": ["Agent"]}, "option speakers must be a mapping"),
    ({"speakers": {"": "agent"}}, "option speakers: names must be non-empty strings"),
    ({"columns": {}}, "unknown option 'columns': the vtt format takes speakers, default_speaker"),
])
def test_bad_options_raise_a_parse_error_naming_the_option(options, message):
    with pytest.raises(ParseError) as raised:
        parse_text_as(VTT, "call-1.vtt", agent="amy", options=options)
    assert raised.value.message.startswith(message)
