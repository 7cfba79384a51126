"""iter_records and parse_text: reading canonical JSON, NDJSON and JSON Lines files and uploads."""
from __future__ import annotations

import json
import pathlib
import pickle
import tracemalloc
from dataclasses import FrozenInstanceError

import pytest

from transcripts import canonical
from transcripts.canonical import format_for, iter_records, parse_text
from transcripts.errors import ParseError, RecordError
from transcripts.model import Conversation


def rec(conv_id: str, agent: str = "amy", **extra: object) -> dict:
    return {"id": conv_id, "agent": agent,
            "turns": [{"speaker": "customer", "text": "where is my parcel", "at": "2026-01-05T10:00:00Z"}],
            **extra}


def line(conv_id: str, **extra: object) -> str:
    return json.dumps(rec(conv_id, **extra), ensure_ascii=False)


def write(tmp_path: pathlib.Path, name: str, content: str | bytes) -> pathlib.Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def summary(items) -> list[str]:
    """Each item as "id" for a conversation or "source: message" for an error."""
    return [item.external_id if isinstance(item, Conversation) else str(item) for item in items]


# ---------------------------------------------------------------- NDJSON and JSON Lines


@pytest.mark.parametrize("name", ["a.ndjson", "a.jsonl", "A.NDJSON", "a.JsonL"])
def test_ndjson_and_json_lines_files_yield_one_conversation_per_line_in_order(tmp_path, name):
    path = write(tmp_path, name, "\n".join(line(f"c-{i}") for i in range(5)) + "\n")
    assert summary(iter_records(path)) == ["c-0", "c-1", "c-2", "c-3", "c-4"]


def test_blank_lines_are_skipped_but_still_counted_for_line_numbers(tmp_path):
    path = write(tmp_path, "a.ndjson", f"\n{line('c-1')}\n   \n\t\r\n{line('c-2', csat=9)}\n\n")
    assert summary(iter_records(path)) == ["c-1", f"{path}:5: csat: must be an integer 1-5, not 9"]


def test_crlf_line_endings_and_a_missing_final_newline_are_accepted(tmp_path):
    path = write(tmp_path, "a.ndjson", f"{line('c-1')}\r\n{line('c-2')}")
    assert summary(iter_records(path)) == ["c-1", "c-2"]


def test_an_empty_or_blank_ndjson_file_yields_nothing(tmp_path):
    assert list(iter_records(write(tmp_path, "a.ndjson", ""))) == []
    assert list(iter_records(write(tmp_path, "b.ndjson", "\n \n\r\n"))) == []


def test_a_utf8_byte_order_mark_at_the_start_is_accepted(tmp_path):
    path = write(tmp_path, "a.ndjson", b"\xef\xbb\xbf" + f"{line('c-1')}\n{line('c-2')}\n".encode())
    assert summary(iter_records(path)) == ["c-1", "c-2"]


def test_a_byte_order_mark_on_a_later_line_is_an_error_on_that_line(tmp_path):
    path = write(tmp_path, "a.ndjson", f"{line('c-1')}\n\ufeff{line('c-2')}\n")
    items = list(iter_records(path))
    assert isinstance(items[1], RecordError)
    assert items[1].source == f"{path}:2" and items[1].message.startswith("invalid JSON: Unexpected UTF-8 BOM")


@pytest.mark.parametrize("bad_line, message", [
    ("{bad", "invalid JSON: Expecting property name enclosed in double quotes at column 2"),
    ('{"id": "c-9", "agent": "amy"', "invalid JSON: Expecting ',' delimiter at column 29"),
    ("[" + line("c-9") + "]", "record: must be a JSON object, not an array"),
    ("42", "record: must be a JSON object, not 42"),
    ('"chat-9"', "record: must be a JSON object, not 'chat-9'"),
    ("null", "record: must be a JSON object, not null"),
    ("[" * 100_000, "invalid JSON: nested too deeply"),
    ("9" * 5000, "invalid JSON: Exceeds the limit (4300 digits) for integer string conversion"),
    (line("c-9", turns=[]), "turns: must be a non-empty list"),
])
def test_each_bad_line_yields_an_error_naming_its_line_and_the_next_line_is_still_read(tmp_path, bad_line, message):
    path = write(tmp_path, "a.ndjson", f"{line('c-1')}\n{bad_line}\n{line('c-3')}\n")
    assert summary(iter_records(path)) == ["c-1", f"{path}:2: {message}", "c-3"]


def test_undecodable_bytes_are_an_error_on_their_line_only(tmp_path):
    content = f"{line('c-1')}\n".encode() + b'{"id": "c-\xff"}\n' + f"{line('c-3')}\n".encode()
    path = write(tmp_path, "a.ndjson", content)
    assert summary(iter_records(path)) == [
        "c-1", f"{path}:2: not valid UTF-8: byte 0xff at byte 11 of the line", "c-3"]


def test_a_line_longer_than_the_limit_is_reported_and_skipped_without_being_buffered(tmp_path, monkeypatch):
    monkeypatch.setattr(canonical, "MAX_LINE_BYTES", 200)
    long_line = line("c-2", note="x" * 100_000)
    path = write(tmp_path, "a.ndjson", f"{line('c-1')}\n{long_line}\n{line('c-3')}\n")
    assert summary(iter_records(path)) == ["c-1", f"{path}:2: line longer than 200 bytes; skipped", "c-3"]


def test_a_line_exactly_at_the_limit_is_read(tmp_path, monkeypatch):
    text = line("c-1")
    monkeypatch.setattr(canonical, "MAX_LINE_BYTES", len(text.encode()) + 1)  # the newline included
    assert summary(iter_records(write(tmp_path, "a.ndjson", text + "\n"))) == ["c-1"]


def test_good_and_bad_lines_mixed_come_out_in_file_order(tmp_path):
    lines = [line("c-1"), "oops", line("c-3", csat="4"), line("c-4"), "[]", line("c-6", channel="fax"), line("c-7")]
    path = write(tmp_path, "mixed.jsonl", "\n".join(lines))
    assert summary(iter_records(path)) == [
        "c-1",
        f"{path}:2: invalid JSON: Expecting value at column 1",
        f"{path}:3: csat: must be an integer 1-5, not '4'",
        "c-4",
        f"{path}:5: record: must be a JSON object, not an array",
        f"{path}:6: channel: must be one of chat, call, email, social, not 'fax'",
        "c-7",
    ]


def test_duplicate_ids_within_a_file_are_all_yielded(tmp_path):
    path = write(tmp_path, "a.ndjson", f"{line('c-1')}\n{line('c-1', agent='bo')}\n")
    items = list(iter_records(path))
    assert [(c.external_id, c.agent) for c in items] == [("c-1", "amy"), ("c-1", "bo")]


def test_reading_a_large_ndjson_file_holds_only_a_few_records_in_memory(tmp_path):
    note = "padding " * 120  # about 1 KB per record, 4 MB in all
    with (tmp_path / "big.ndjson").open("w", encoding="utf-8") as out:
        for i in range(4000):
            out.write(line(f"c-{i}", note=note) + "\n")
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_records(tmp_path / "big.ndjson"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 4000
    assert peak < 1_000_000


# ---------------------------------------------------------------- .json documents


def test_a_json_file_with_one_object_yields_one_conversation(tmp_path):
    assert summary(iter_records(write(tmp_path, "one.json", json.dumps(rec("c-1"), indent=2)))) == ["c-1"]


def test_a_json_array_yields_its_elements_in_order_with_errors_at_the_line_where_each_starts(tmp_path):
    turns = json.dumps(rec("x")["turns"])
    path = write(tmp_path, "many.json", "\n".join([
        "[",
        f"  {line('c-0')},",
        "  {",  # line 3: element 1 starts here
        '    "id": "c-1", "agent": "amy", "csat": 0,',
        f'    "turns": {turns}',
        "  },",
        "",
        "  5,",  # line 8: element 2
        f"  {line('c-3')}",
        "]",
    ]))
    assert summary(iter_records(path)) == [
        "c-0",
        f"{path}:3: [1].csat: must be an integer 1-5, not 0",
        f"{path}:8: [2]: must be a JSON object, not 5",
        "c-3",
    ]


def test_a_minified_json_array_tells_its_elements_apart_by_index(tmp_path):
    path = write(tmp_path, "min.json", json.dumps([rec("c-0", csat=7), rec("", csat=1)]))
    assert summary(iter_records(path)) == [
        f"{path}:1: [0].csat: must be an integer 1-5, not 7",
        f"{path}:1: [1].id: must not be empty",
    ]


def test_an_error_in_a_single_object_json_file_has_no_index(tmp_path):
    path = write(tmp_path, "one.json", "\n\n" + json.dumps(rec("c-1", channel="sms")))
    assert summary(iter_records(path)) == [f"{path}:3: channel: must be one of chat, call, email, social, not 'sms'"]


@pytest.mark.parametrize("content, message", [
    ("[\n" + line("c-1") + ",\n" + line("c-2") + ",\n]", "4: invalid JSON: Expecting value at column 1"),
    ("[\n" + line("c-1") + "\n" + line("c-2") + "]", "3: invalid JSON: Expecting ',' delimiter at column 1"),
    ("[\n" + line("c-1") + ",\n{oops}]", "3: invalid JSON: Expecting property name enclosed in double quotes at column 2"),
    (line("c-1") + "\n" + line("c-2"), "2: invalid JSON: Extra data at column 1"),
    ("[" + line("c-1") + "] []", "1: invalid JSON: Extra data at column " + str(len(line("c-1")) + 4)),
    ("[\n" + line("c-1"), "2: invalid JSON: Expecting ',' delimiter at column " + str(len(line("c-1")) + 1)),
    ("", "1: invalid JSON: the file is empty"),
    ("  \n\n", "1: invalid JSON: the file is empty"),
    ("[" * 100_000, "1: invalid JSON: nested too deeply"),
    ("[" + "9" * 5000 + "]", "1: invalid JSON: Exceeds the limit (4300 digits) for integer string conversion"),
])
def test_an_invalid_json_file_yields_one_error_at_the_json_errors_line_and_no_records(tmp_path, content, message):
    path = write(tmp_path, "bad.json", content)
    assert summary(iter_records(path)) == [f"{path}:{message}"]


@pytest.mark.parametrize("content, expected", [
    ("[]", []),
    (" [ \n ] \n", []),
    ("42", ["record: must be a JSON object, not 42"]),
    ('"c-1"', ["record: must be a JSON object, not 'c-1'"]),
    ("[[]]", ["[0]: must be a JSON object, not an array"]),
])
def test_json_documents_that_are_not_objects_or_arrays_of_objects(tmp_path, content, expected):
    path = write(tmp_path, "odd.json", content)
    assert summary(iter_records(path)) == [f"{path}:1: {message}" for message in expected]


def test_a_json_file_with_a_byte_order_mark_is_accepted(tmp_path):
    path = write(tmp_path, "bom.json", b"\xef\xbb\xbf" + json.dumps([rec("c-1")]).encode())
    assert summary(iter_records(path)) == ["c-1"]


def test_undecodable_bytes_in_a_json_file_yield_one_error_at_their_line(tmp_path):
    content = ("[\n" + line("c-1") + ",\n").encode() + b'{"id": "\xc3\x28"}]'
    path = write(tmp_path, "bad.json", content)
    assert summary(iter_records(path)) == [f"{path}:3: not valid UTF-8: byte 0xc3 at byte 9 of the line"]


def test_chinese_text_survives_a_round_trip_through_a_file(tmp_path):
    path = write(tmp_path, "zh.json", json.dumps([rec("c-1", queue="退货")], ensure_ascii=False))
    (conv,) = iter_records(path)
    assert (conv.queue, conv.turns[0].text) == ("退货", "where is my parcel")


# ---------------------------------------------------------------- file-level failures


@pytest.mark.parametrize("name", ["a.csv", "a.txt", "a", "a.json.gz", "a.yaml"])
def test_an_unsupported_extension_raises_a_parse_error_naming_the_file_at_call_time(tmp_path, name):
    path = write(tmp_path, name, line("c-1"))
    with pytest.raises(ParseError) as caught:
        iter_records(path)
    assert caught.value.source == str(path)
    assert "expected .json, .ndjson or .jsonl" in caught.value.message


def test_a_missing_file_raises_a_parse_error_at_call_time(tmp_path):
    with pytest.raises(ParseError, match=r"missing\.ndjson: no such file$"):
        iter_records(tmp_path / "missing.ndjson")


def test_a_directory_with_a_json_name_raises_a_parse_error(tmp_path):
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(ParseError, match=r"folder\.json: not a regular file$"):
        iter_records(tmp_path / "folder.json")


def test_a_file_that_cannot_be_opened_raises_a_parse_error_while_iterating(tmp_path, monkeypatch):
    path = write(tmp_path, "locked.ndjson", line("c-1"))

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pathlib.Path, "open", refuse)
    records = iter_records(path)
    with pytest.raises(ParseError) as caught:
        next(records)
    assert (caught.value.source, caught.value.message) == (str(path), "cannot read file: Permission denied")


@pytest.mark.parametrize("name, fmt", [
    ("a.json", "json"), ("a.ndjson", "ndjson"), ("a.jsonl", "ndjson"), ("dir/B.JSON", "json"),
])
def test_format_for_maps_an_extension_to_a_format(name, fmt):
    assert format_for(name) == fmt


def test_errors_read_as_source_then_message_and_cannot_be_changed():
    error = RecordError("a.ndjson:3", "id: required")
    assert str(error) == "a.ndjson:3: id: required"
    with pytest.raises(FrozenInstanceError):
        error.message = "other"  # type: ignore[misc]


def test_a_parse_error_keeps_its_source_and_message_through_pickling():
    error = pickle.loads(pickle.dumps(ParseError("a.csv", "unsupported")))
    assert (error.source, error.message, str(error)) == ("a.csv", "unsupported", "a.csv: unsupported")


# ---------------------------------------------------------------- uploads


UPLOADS = [
    ("ndjson", b"\xef\xbb\xbf" + f"{line('c-1')}\n\noops\n{line('c-4', csat=6)}\r\n".encode() + b"\xff\n" + line("c-6").encode()),
    ("jsonl", f"{line('c-1')}\n{line('c-1')}".encode()),
    ("json", json.dumps([rec("c-1"), rec("c-2", turns=[])], indent=1).encode()),
    ("json", b'[{"id": "c-1",\n'),
    ("json", b"[\n" + line("c-1").encode() + b",\n\xfe]"),
    ("json", b""),
]


@pytest.mark.parametrize("fmt, content", UPLOADS)
def test_an_upload_parses_exactly_like_a_file_with_the_same_bytes(tmp_path, fmt, content):
    path = write(tmp_path, f"upload.{fmt}", content)
    from_file = list(iter_records(path))
    assert list(parse_text(content, str(path), fmt)) == from_file
    assert from_file  # every sample yields something, so the comparison is not vacuous


@pytest.mark.parametrize("fmt, content", [
    ("ndjson", f"\ufeff{line('c-1')}\n\noops\n".encode()),
    ("json", json.dumps([rec("c-1"), rec("c-2", turns=[])], indent=1).encode()),
])
def test_an_upload_given_as_text_parses_like_the_same_upload_given_as_bytes(fmt, content):
    assert list(parse_text(content.decode("utf-8"), "up", fmt)) == list(parse_text(content, "up", fmt))


def test_the_upload_format_is_case_insensitive():
    assert summary(parse_text(line("c-1"), "up", "NDJSON")) == ["c-1"]


def test_upload_errors_name_the_upload_instead_of_a_file():
    items = list(parse_text(f"{line('c-1')}\n{{bad\n", "returns-week-45.ndjson", "ndjson"))
    assert summary(items)[1].startswith("returns-week-45.ndjson:2: invalid JSON")


def test_a_lone_surrogate_in_uploaded_text_is_an_error_on_its_line():
    items = list(parse_text(f"{line('c-1')}\n\ud800\n{line('c-3')}", "up", "ndjson"))
    assert summary(items) == ["c-1", "up:2: not valid UTF-8: byte 0xed at byte 1 of the line", "c-3"]


@pytest.mark.parametrize("fmt", ["csv", "", ".json", "xml"])
def test_an_upload_in_an_unsupported_format_raises_a_parse_error(fmt):
    with pytest.raises(ParseError) as caught:
        parse_text(line("c-1"), "up.x", fmt)
    assert caught.value.source == "up.x" and "expected json, ndjson or jsonl" in caught.value.message
