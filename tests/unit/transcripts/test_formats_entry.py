"""parse_file and parse_text_as: choosing the format, reading files, and the canonical module's names."""
from __future__ import annotations

import json
import pathlib

import pytest

from transcripts import canonical, records
from transcripts.errors import ParseError, RecordError
from transcripts.formats import FORMATS, format_of, parse_file, parse_text_as
from transcripts.model import Conversation, Turn

RECORD = {"id": "c-1", "agent": "amy", "turns": [{"speaker": "agent", "text": "hi", "at": "2026-01-05T10:00:00Z"}]}
CONTENT = {
    "json": json.dumps(RECORD),
    "ndjson": json.dumps(RECORD) + "\n",
    "jsonl": json.dumps(RECORD) + "\n",
    "csv": "conversation_id,speaker,text,timestamp\nc-1,agent,hi,2026-01-05T10:00:00Z\n",
    "txt": "Agent: hi\n",
    "vtt": "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Agent>hi\n",
    "srt": "1\n00:00:01,000 --> 00:00:02,000\nAgent: hi\n",
}


def write(tmp_path: pathlib.Path, name: str, content: str) -> pathlib.Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize("name, fmt", [
    ("a.json", "json"), ("a.NDJSON", "ndjson"), ("a.jsonl", "jsonl"), ("dir/a.Csv", "csv"),
    ("a.txt", "txt"), ("a.vtt", "vtt"), ("a.SRT", "srt"),
])
def test_the_format_comes_from_the_extension_in_any_case(name, fmt):
    assert format_of(name) == fmt


@pytest.mark.parametrize("name", ["a.xlsx", "a", "a.json.gz", ".txt"])
def test_an_unsupported_extension_is_a_parse_error_naming_the_file(name):
    with pytest.raises(ParseError) as raised:
        format_of(name)
    assert raised.value.source == name and raised.value.message.startswith("unsupported file type")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_read_from_a_file_and_from_an_upload_alike(tmp_path, fmt):
    path = write(tmp_path, f"c-1.{fmt}", CONTENT[fmt])
    from_file = list(parse_file(path, agent="amy"))
    from_upload = list(parse_text_as(CONTENT[fmt].encode(), f"c-1.{fmt}", agent="amy"))
    assert from_file == from_upload
    assert [(c.external_id, c.agent, [t.speaker for t in c.turns]) for c in from_file] == [("c-1", "amy", ["agent"])]


def test_an_explicit_format_wins_over_the_extension(tmp_path):
    path = write(tmp_path, "export.dat", CONTENT["vtt"])
    [conversation] = parse_file(path, "VTT", agent="amy")
    assert conversation.external_id == "export" and conversation.turns == (Turn("agent", "hi", start=1.0, end=2.0),)
    [record] = parse_file(write(tmp_path, "records.txt", CONTENT["ndjson"]), "jsonl")
    assert record.external_id == "c-1"


def test_canonical_files_ignore_external_id_agent_and_channel(tmp_path):
    path = write(tmp_path, "a.ndjson", CONTENT["ndjson"])
    [conversation] = parse_file(path, external_id="x", agent="bob", channel="call")
    assert (conversation.external_id, conversation.agent, conversation.channel) == ("c-1", "amy", "chat")


@pytest.mark.parametrize("fmt, options, message", [
    ("json", {"speakers": {}}, "unknown option 'speakers': the json format takes no options"),
    ("txt", "speakers", "options must be a mapping"),
    ("docx", None, "unsupported format 'docx'; expected auto or json"),
])
def test_bad_formats_and_options_are_parse_errors_at_call_time(tmp_path, fmt, options, message):
    path = write(tmp_path, "a.txt", "Agent: hi")
    with pytest.raises(ParseError) as raised:
        parse_file(path, fmt, agent="amy", options=options)
    assert raised.value.message.startswith(message)


def test_options_set_to_none_take_their_defaults():
    [conversation] = parse_text_as("Agent: hi", "a.txt", agent="amy", options={"speakers": None})
    assert conversation.turns == (Turn("agent", "hi"),)


@pytest.mark.parametrize("name", ["missing.txt", "missing.csv", "missing.ndjson"])
def test_a_missing_file_is_a_parse_error_at_call_time(tmp_path, name):
    with pytest.raises(ParseError, match="no such file"):
        parse_file(tmp_path / name, agent="amy")


def test_a_directory_is_a_parse_error_at_call_time(tmp_path):
    (tmp_path / "d.vtt").mkdir()
    with pytest.raises(ParseError, match="not a regular file"):
        parse_file(tmp_path / "d.vtt", agent="amy")


def test_a_file_that_cannot_be_read_is_a_parse_error_while_iterating(tmp_path, monkeypatch):
    path = write(tmp_path, "a.srt", CONTENT["srt"])
    items = parse_file(path, agent="amy")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr("builtins.open", refuse)
    with pytest.raises(ParseError) as raised:
        list(items)
    assert (raised.value.source, raised.value.message) == (str(path), "cannot read file: Permission denied")


def test_an_empty_single_conversation_file_is_one_record_error(tmp_path):
    items = list(parse_file(write(tmp_path, "empty.txt", ""), agent="amy"))
    assert items == [RecordError(f"{tmp_path / 'empty.txt'}:1",
                                 "no turns: the file holds no line such as 'Agent: ...'")]


def test_the_canonical_module_still_offers_every_name_it_had():
    names = ["conversation_from_dict", "iter_records", "parse_text", "format_for", "RecordInvalid",
             "TURN_SPEAKERS", "LANGUAGES", "FORMATS", "MAX_LINE_BYTES", "MAX_METADATA_DEPTH"]
    assert all(hasattr(canonical, name) for name in names)
    assert canonical.conversation_from_dict is records.conversation_from_dict
    assert canonical.TURN_SPEAKERS == ("agent", "customer", "bot", "system")


def test_conversation_from_dict_accepts_untimed_turns_only_when_asked():
    record = {"id": "c-1", "agent": "amy", "turns": [{"speaker": "agent", "text": "hi"}]}
    with pytest.raises(records.RecordInvalid, match="turns\\[0\\]: needs either at, or start and end"):
        records.conversation_from_dict(record)
    conversation = records.conversation_from_dict(record, require_timing=False)
    assert isinstance(conversation, Conversation) and conversation.turns == (Turn("agent", "hi"),)
