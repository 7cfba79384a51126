"""Every report's downloads: a `Table` written as CSV or as formatted XLSX, streamed, neutralised.

One module for every export (docs/reports.md, "Exports"), so each report gets the same safety and
the same formatting:
- every cell goes through `neutralise` first: HR opens these files in Excel, which runs a cell that
  starts like a formula (OWASP "CSV injection"); a leading quote keeps such text as text;
- CSV is UTF-8 with a byte-order mark when it is a file (a download or `-o FILE`), since Excel
  reads a CSV without one in the machine's legacy code page and garbles Chinese names; the text
  for a pipe (`csv_chunks(..., bom=False)`) has none;
- XLSX uses openpyxl's write-only mode (each row goes to a temporary file as it is appended), one
  sheet per table, a bold filled header row frozen in place, a number format and width per column.
Rows are any iterable and are read once, so a generator streams: memory stays flat at any size
(bench/exports.py measures it).

For another report: build `Table`s, then `write(tables, fmt, path)` for the command line,
`xlsx_file(tables)` / `csv_chunks(table)` for a web response (qa_app/views/downloads.py does it).
"""
from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import IO, Iterable, Iterator, Optional, Sequence, Union

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMATS = ("csv", "xlsx")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
#: OWASP's list: a spreadsheet treats text starting with these as a formula (tab and carriage
#: return because some spreadsheets strip them and then see the next character)
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: kind -> Excel number format; "percent" values are points 0-100 as the product shows them (85.0),
#: which XLSX stores as the fraction (0.85) so that Excel's arithmetic on them is right. Whole
#: numbers show as they are in General, and a cell without a style costs openpyxl ~40 % less time.
KINDS = {"text": "General", "integer": "General", "score": "0.0", "percent": "0.0%",
         "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
# characters XML 1.0 cannot hold at all (openpyxl refuses them); CSV keeps them as they are
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CSV_CHUNK_ROWS = 500  # rows per yielded chunk: small enough to stream, large enough to be cheap
Value = Union[None, str, int, float, Decimal, date, datetime]


class ExportError(ValueError):
    """A table that cannot be written as asked (bad title, row of the wrong length, bad format)."""


@dataclass(frozen=True)
class Column:
    """One column: its header text, its kind (a key of KINDS) and its width in characters
    (None: the header's length, at least 10)."""

    name: str
    kind: str = "text"
    width: Optional[float] = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ExportError(f"column {self.name!r}: kind {self.kind!r} is not one of {', '.join(KINDS)}")

    @property
    def number_format(self) -> str:
        return KINDS[self.kind]


@dataclass(frozen=True)
class Table:
    """A titled table: the title names its XLSX sheet (at most 31 characters, none of []:*?/\\),
    `rows` is any iterable of sequences as long as `columns`, read once (a generator streams)."""

    title: str
    columns: tuple[Column, ...]
    rows: Iterable[Sequence[Value]]

    def __post_init__(self) -> None:
        if not self.title or len(self.title) > 31 or _SHEET_TITLE_BAD.search(self.title):
            raise ExportError(f"table title {self.title!r}: a sheet name needs 1-31 characters and none of []:*?/\\")
        if not self.columns:
            raise ExportError(f"table {self.title!r} has no columns")

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def checked_rows(self) -> Iterator[Sequence[Value]]:
        """The rows, each checked for length (the error names the table and the row, header = row 1)."""
        width = len(self.columns)
        for number, row in enumerate(self.rows, 2):
            if len(row) != width:
                raise ExportError(f"table {self.title!r}, row {number}: {len(row)} cells, the header has {width}")
            yield row


def neutralise(cell: Value) -> Value:
    """The cell made safe for a spreadsheet: text starting with = + - @, a tab or a carriage return
    gets a leading "'" so that it stays text; numbers (negative ones too), dates, None and other
    text are returned as they are. Any other type is written as its str()."""
    if cell is None or isinstance(cell, (int, float, Decimal, date)):  # bool is an int; datetime a date
        return cell
    text = cell if isinstance(cell, str) else str(cell)
    return "'" + text if text.startswith(DANGEROUS_PREFIXES) else text


# ---------------------------------------------------------------- CSV

def csv_chunks(table: Table, bom: bool = True) -> Iterator[str]:
    """The table as CSV text in chunks (header first, then a chunk per few hundred rows), every
    cell neutralised, None as an empty cell, lines ending in CRLF (RFC 4180). With `bom` the first
    chunk starts with the byte-order mark, for a file Excel will open."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(name) for name in table.header])
    yield (BOM if bom else "") + _drain(buffer)
    for number, row in enumerate(table.checked_rows(), 1):
        writer.writerow([neutralise(value) for value in row])
        if number % _CSV_CHUNK_ROWS == 0:
            yield _drain(buffer)
    rest = _drain(buffer)
    if rest:
        yield rest


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def write_csv(table: Table, target: Union[Path, IO[str]], bom: bool = True) -> None:
    """Write the table as CSV to a path (UTF-8, with the BOM unless told not to) or a text stream."""
    if isinstance(target, (str, Path)):
        with open(target, "w", encoding="utf-8", newline="") as out:
            write_csv(table, out, bom)
        return
    for chunk in csv_chunks(table, bom):
        target.write(chunk)


# ---------------------------------------------------------------- XLSX

def write_xlsx(tables: Sequence[Table], target: Union[Path, IO[bytes]]) -> None:
    """Write the tables as one workbook, a sheet per table in order, to a path or a binary file
    (openpyxl write-only mode: rows stream to temporary files, then the workbook is zipped)."""
    titles = [t.title for t in tables]
    if not tables:
        raise ExportError("an XLSX workbook needs at least one table")
    repeated = sorted({t for t in titles if titles.count(t) > 1})
    if repeated:
        raise ExportError(f"two tables with the same title: {', '.join(repeated)}")
    workbook = Workbook(write_only=True)
    try:
        for table in tables:
            _write_sheet(workbook, table)
    except BaseException:
        _discard(workbook)
        raise
    workbook.save(target)


def _discard(workbook: Workbook) -> None:
    """After a failed row: end each sheet's stream and delete openpyxl's temporary file for it
    (save would have; without this they stay in /tmp until the process exits)."""
    for sheet in workbook.worksheets:
        writer = sheet._writer  # openpyxl keeps no public handle on a write-only sheet's file
        if writer is None:
            continue
        with contextlib.suppress(Exception):
            sheet.close()
        with contextlib.suppress(OSError, ValueError):
            writer.cleanup()


def xlsx_file(tables: Sequence[Table]) -> IO[bytes]:
    """The workbook in an anonymous temporary file, rewound, for a web response to stream and close
    (the file has no name on disk, so it disappears when closed, even if the download is cut)."""
    out = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        write_xlsx(tables, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def _write_sheet(workbook: Workbook, table: Table) -> None:
    sheet = workbook.create_sheet(table.title)
    # write-only sheets take widths and the frozen pane before the first row
    for index, column in enumerate(table.columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width or max(10, len(column.name) + 2)
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, name) for name in table.header])
    # One styled cell per column, reused: openpyxl serialises an appended row at once, setting the
    # cell's row and column, so reusing keeps the per-cell cost to setting a value (bench/exports.py).
    templates = [_styled(sheet, column) for column in table.columns]
    for row in table.checked_rows():
        sheet.append([_xlsx_cell(template, column.kind, value)
                      for template, column, value in zip(templates, table.columns, row)])


def _header_cell(sheet, name: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=_xml_safe(neutralise(name)))
    cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    cell.alignment = Alignment(vertical="top", wrap_text=True)
    return cell


def _styled(sheet, column: Column) -> Optional[WriteOnlyCell]:
    """A cell carrying the column's number format (None when the default style, General, suffices)."""
    if column.number_format == "General":
        return None
    cell = WriteOnlyCell(sheet)
    cell.number_format = column.number_format
    return cell


def _xlsx_cell(template: Optional[WriteOnlyCell], kind: str, value: Value):
    value = _xml_safe(neutralise(value))
    if value is None:
        return None
    if kind == "percent" and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        value = value / 100
    elif isinstance(value, datetime) and value.tzinfo is not None:  # Excel has no time zones: UTC
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    if template is None or isinstance(value, str):
        return value  # text in a number column keeps the default style rather than a number format
    template.value = value
    return template


def _xml_safe(value: Value) -> Value:
    """Text without the control characters XML cannot hold (each becomes U+FFFD, so the loss shows)."""
    return _XML_ILLEGAL.sub("\ufffd", value) if isinstance(value, str) else value


# ---------------------------------------------------------------- one call for a command

def write(tables: Sequence[Table], fmt: str, target: Path) -> None:
    """Write `tables` to the file `target` as `fmt`: "csv" takes exactly one table, "xlsx" writes a
    sheet per table. The file appears whole or not at all (written beside it, then renamed), so a
    failure half-way leaves no truncated report. What `qadesk report ... -o FILE` calls."""
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    table = only_table(tables, fmt) if fmt == "csv" else None
    target = Path(target)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", delete=False) as out:
        partial = Path(out.name)
    try:
        write_csv(table, partial) if table is not None else write_xlsx(tables, partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def only_table(tables: Sequence[Table], fmt: str = "csv") -> Table:
    """The one table of `tables`; an error naming them when there are several (CSV has no sheets)."""
    if len(tables) != 1:
        raise ExportError(f"{fmt.upper()} holds one table; this report has {len(tables)} "
                          f"({', '.join(t.title for t in tables)}): use xlsx")
    return tables[0]
