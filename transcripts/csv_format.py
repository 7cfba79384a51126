"""CSV transcripts: one row per turn, grouped into conversations by a conversation id column."""
from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterator, Optional, TextIO, Union

from transcripts.assembly import NOT_UTF8, Item, bad_text, build, speaker_for, speaker_map
from transcripts.errors import ParseError, RecordError, RecordInvalid
from transcripts.records import check_field

REQUIRED_COLUMNS = ("conversation_id", "speaker", "text", "timestamp")
OPTIONAL_COLUMNS = ("agent", "channel", "language", "queue", "customer", "csat", "started_at")
_TURN_FIELDS = {"speaker": "speaker", "text": "text", "at": "timestamp"}
_WHOLE_NUMBER = re.compile(r"\s*\d{1,3}\s*", re.ASCII)


@dataclass
class _Group:
    """The rows of one conversation read so far, or the error that sank it."""

    conversation_id: str
    line: int
    last_line: int = 0
    turns: list[dict] = field(default_factory=list)
    turn_lines: list[int] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    value_lines: dict[str, int] = field(default_factory=dict)
    error: Optional[RecordError] = None


@dataclass(frozen=True)
class _Layout:
    """Where each field's column is, and how to read the values."""

    source: str
    index: Mapping[str, int]
    names: Mapping[str, str]  # field -> the column's name in the file, for messages
    width: int
    speakers: Mapping[str, str]
    time_format: Optional[str]


def parse_csv(
    stream: TextIO,
    source: str,
    *,
    agent: Optional[str] = None,
    channel: Optional[str] = None,
    columns: Optional[Mapping[str, str]] = None,
    speakers: Optional[Mapping[str, str]] = None,
    time_format: Optional[str] = None,
    delimiter: str = ",",
    contiguous: bool = False,
) -> Iterator[Item]:
    """Yield each conversation of a CSV file (one row per turn) or a RecordError, in the order
    in which the conversations first appear.

    The first non-blank row is the header. Columns are found by name, ignoring case and
    surrounding spaces: conversation_id, speaker, text, timestamp are required; agent, channel,
    language, queue, customer, csat, started_at are optional (blank cells count as absent, and
    must agree across a conversation's rows); other columns are ignored. `columns` maps these
    field names to the file's own column names, e.g. {"conversation_id": "Ticket ID"}.
    Speaker values map through `speakers` ({"Visitor": "customer"}), then as in
    transcripts.assembly.speaker_for. Timestamps are ISO-8601, or read with `time_format`
    (a datetime.strptime format) when given; without a zone they are UTC. `agent` and
    `channel` are the defaults for conversations without those values.

    Any bad row (unknown speaker, bad timestamp or value, more cells than the header,
    undecodable text) makes its whole conversation one RecordError citing "source:line" of
    that row; rows with a blank conversation id are RecordErrors of their own. Memory: all
    rows are held until the end of the file, since a conversation's rows may be anywhere; with
    contiguous=True each conversation is yielded once its rows end, and an id that comes back
    after other rows is a RecordError at the line where it comes back.
    Raises ParseError (while iterating) for an empty file, a missing column (named), bad
    options or text the csv module cannot read (e.g. a field over its size limit).
    """
    for _, item in parse_csv_located(stream, source, agent=agent, channel=channel, columns=columns,
                                     speakers=speakers, time_format=time_format, delimiter=delimiter,
                                     contiguous=contiguous):
        yield item


def parse_csv_located(stream: TextIO, source: str, *, agent: Optional[str] = None,
                      channel: Optional[str] = None, columns: Optional[Mapping[str, str]] = None,
                      speakers: Optional[Mapping[str, str]] = None, time_format: Optional[str] = None,
                      delimiter: str = ",", contiguous: bool = False) -> Iterator[tuple[str, Item]]:
    """parse_csv, each item with where it starts: a conversation at "source:line" of its first
    row (so a conflict or a failure of the whole conversation can name it), a RecordError at its
    own source."""
    names = speaker_map(speakers, source)
    reader = _reader(stream, source, delimiter)
    layout = _layout(reader, source, columns, names, time_format)
    groups = _contiguous_groups if contiguous else _all_groups
    for slot in groups(csv_rows(reader, source), layout):
        if isinstance(slot, RecordError):
            yield slot.source, slot
        else:
            item = _finish(slot, layout, agent, channel)
            yield (item.source if isinstance(item, RecordError) else f"{source}:{slot.line}"), item


def _reader(stream: TextIO, source: str, delimiter: object):
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\"\r\n":
        raise ParseError(source, f"option delimiter must be one character, not {delimiter!r}")
    return csv.reader(stream, delimiter=delimiter)


def csv_rows(reader, source: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, cells) for each non-blank row after the header."""
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ParseError(f"{source}:{line}", f"not valid CSV: {exc}") from None
        if any(cell.strip() for cell in cells):
            yield line, cells


def _layout(reader, source: str, columns: Optional[Mapping], names: Mapping[str, str],
            time_format: Optional[str]) -> _Layout:
    wanted = column_names(columns, source)
    header = next(csv_rows(reader, source), None)
    if header is None:
        raise ParseError(source, "the file is empty; expected a header row naming the columns "
                                 + ", ".join(REQUIRED_COLUMNS))
    found = {cell.strip().casefold(): i for i, cell in reversed(list(enumerate(header[1])))}
    index = {}
    for name, column in wanted.items():
        if column.strip().casefold() in found:
            index[name] = found[column.strip().casefold()]
        elif name in REQUIRED_COLUMNS or (columns and name in columns):
            raise ParseError(f"{source}:{header[0]}", f"missing column {column!r}"
                                                      + (f" (for {name})" if column != name else ""))
    if time_format is not None and not isinstance(time_format, str):
        raise ParseError(source, f"option time_format must be a string, not {time_format!r}")
    return _Layout(source, index, wanted, len(header[1]), names, time_format)


def column_names(columns: Optional[Mapping], source: str) -> dict[str, str]:
    """Field name -> the column name to look for, from the `columns` option.

    Raises ParseError for a field name that is not a column above or a blank column name.
    """
    if columns is not None and not isinstance(columns, Mapping):
        raise ParseError(source, "option columns must be a mapping of field names to column names")
    wanted = {name: name for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
    for name, column in (columns or {}).items():
        if name not in wanted:
            raise ParseError(source, f"option columns: unknown field {name!r}; expected one of "
                                     + ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS))
        if not isinstance(column, str) or not column.strip():
            raise ParseError(source, f"option columns: {name} must name a column, not {column!r}")
        wanted[name] = column
    return wanted


# ---------------------------------------------------------------- grouping rows


Slot = Union[_Group, RecordError]


def _all_groups(rows: Iterator[tuple[int, list[str]]], layout: _Layout) -> list[Slot]:
    """Every conversation, in order of first appearance, after reading all rows."""
    slots: list[Slot] = []
    groups: dict[str, _Group] = {}
    for line, cells in rows:
        conversation_id = _cell(cells, layout, "conversation_id").strip()
        if not conversation_id:
            slots.append(_no_id(layout, line))
            continue
        if conversation_id not in groups:
            groups[conversation_id] = _Group(conversation_id, line)
            slots.append(groups[conversation_id])
        _add_row(groups[conversation_id], line, cells, layout)
    return slots


def _contiguous_groups(rows: Iterator[tuple[int, list[str]]], layout: _Layout) -> Iterator[Slot]:
    """Each conversation as soon as a row of another one starts (or the file ends)."""
    ended: dict[str, int] = {}  # id -> the line its rows ended on
    current: Optional[_Group] = None
    for line, cells in rows:
        conversation_id = _cell(cells, layout, "conversation_id").strip()
        if current is not None and conversation_id != current.conversation_id:
            ended[current.conversation_id] = current.last_line
            yield current
            current = None
        if not conversation_id:
            yield _no_id(layout, line)
            continue
        if current is None:
            current = _Group(conversation_id, line)
            if conversation_id in ended:
                current.error = RecordError(
                    f"{layout.source}:{line}", f"{layout.names['conversation_id']}: rows of "
                    f"{conversation_id!r} are not contiguous: its earlier rows ended on line "
                    f"{ended[conversation_id]}")
        _add_row(current, line, cells, layout)
    if current is not None:
        yield current


def _no_id(layout: _Layout, line: int) -> RecordError:
    return RecordError(f"{layout.source}:{line}", f"{layout.names['conversation_id']}: required")


def _cell(cells: list[str], layout: _Layout, name: str) -> str:
    index = layout.index.get(name)
    return cells[index] if index is not None and index < len(cells) else ""


class _BadRow(Exception):
    """A row that sinks its conversation; the message names the column."""


def _add_row(group: _Group, line: int, cells: list[str], layout: _Layout) -> None:
    """Add one row's turn and values to its group, or sink the group at this row."""
    group.last_line = line
    if group.error is not None:
        return
    try:
        _read_row(group, line, cells, layout)
    except _BadRow as problem:
        group.error = RecordError(f"{layout.source}:{line}", str(problem))
        group.turns, group.turn_lines, group.values = [], [], {}  # free what will not be used


def _read_row(group: _Group, line: int, cells: list[str], layout: _Layout) -> None:
    if any(cell.strip() for cell in cells[layout.width:]):
        raise _BadRow(f"the row has {len(cells)} cells but the header has {layout.width}")
    if any(bad_text(cell) for cell in cells):
        raise _BadRow(NOT_UTF8)
    turn = {"speaker": _speaker(_cell(cells, layout, "speaker"), layout),
            "text": _cell(cells, layout, "text").strip(),
            "at": _timestamp(_cell(cells, layout, "timestamp"), layout)}
    values = {name: _cell(cells, layout, name).strip() for name in OPTIONAL_COLUMNS}
    values = {name: value for name, value in values.items() if value}  # blank cells say nothing
    for name, value in values.items():
        if name not in group.values:
            _check(name, _csat_number(value) if name == "csat" else value, layout.names[name])
        elif group.values[name] != value:
            raise _BadRow(f"{layout.names[name]}: {value[:40]!r} differs from "
                          f"{group.values[name][:40]!r} on line {group.value_lines[name]}")
    for name, value in values.items():  # only once the whole row is known to be good
        group.value_lines.setdefault(name, line)
        group.values[name] = value
    group.turns.append(turn)
    group.turn_lines.append(line)


def _speaker(value: str, layout: _Layout) -> str:
    column = layout.names["speaker"]
    if not value.strip():
        raise _BadRow(f"{column}: required")
    speaker = speaker_for(value, layout.speakers)
    if speaker is None:
        raise _BadRow(f"{column}: {value.strip()[:40]!r} is not a known speaker; map it to agent, "
                      "customer, bot or system with the speakers option")
    return speaker


def _timestamp(value: str, layout: _Layout) -> str:
    """The cell as ISO-8601 text, checked."""
    column, value = layout.names["timestamp"], value.strip()
    if not value:
        raise _BadRow(f"{column}: required")
    if layout.time_format is not None:
        try:
            value = datetime.strptime(value, layout.time_format).isoformat()
        except ValueError:
            raise _BadRow(f"{column}: {value[:40]!r} does not match the time format "
                          f"{layout.time_format!r}") from None
    _check("at", value, column)
    return value


def _check(field: str, value: object, column: str) -> None:
    """Check a value by the canonical rules now, so the first bad row in the file is reported."""
    try:
        check_field(field, value)
    except RecordInvalid as exc:
        raise _BadRow(f"{column}: {exc.reason}") from None


def _csat_number(value: str) -> object:
    """A csat cell as an integer when it is one, else as text for the validator to refuse."""
    return int(value) if _WHOLE_NUMBER.fullmatch(value) else value


def _finish(group: _Group, layout: _Layout, agent: Optional[str], channel: Optional[str]) -> Item:
    """The group's Conversation, validated, or its RecordError."""
    if group.error is not None:
        return group.error
    values = group.values
    if not values.get("agent", agent):
        return RecordError(f"{layout.source}:{group.line}", f"{layout.names['agent']}: required; no "
                                                            "row has a value and no agent was given")
    record = {**values, "id": group.conversation_id, "agent": values.get("agent", agent),
              "channel": values.get("channel", channel), "turns": group.turns,
              "csat": _csat_number(values["csat"]) if "csat" in values else None}
    names = {**layout.names, "id": layout.names["conversation_id"],
             **{key: layout.names[column] for key, column in _TURN_FIELDS.items()}}
    return build(record, layout.source, group.line, group.turn_lines,
                 rename=lambda name: names.get(name, name), field_lines=group.value_lines)
