"""qa_app.exports: neutralised cells, CSV and XLSX written and read back with csv and openpyxl."""
from __future__ import annotations

import csv
import io
import itertools
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import openpyxl
import pytest

from qa_app import exports
from qa_app.exports import Column, ExportError, Table, neutralise

COLUMNS = (Column("agent", width=20), Column("team"), Column("qa_average", "score"), Column("evaluations", "integer"),
           Column("csat_percent", "percent"))
ROWS = [("=HYPERLINK(\"http://evil\")", "+44 London", 87.5, 12, 85.0),
        ("张伟", "上海售后", None, 0, None),
        ("@SUM(A1)", "-夜班", -2.5, -1, 100)]


def table(title: str = "Appraisal 2026-Q4", rows=ROWS) -> Table:
    return Table(title, COLUMNS, iter(rows))


@pytest.mark.parametrize("cell, expected", [
    ("=1+1", "'=1+1"),
    ("+44 20 7946 0000", "'+44 20 7946 0000"),
    ("-night shift", "'-night shift"),
    ("@SUM(A1:A3)", "'@SUM(A1:A3)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("张伟", "张伟"),
    ("-", "'-"),
    ("a=b", "a=b"),
    ("", ""),
    (None, None),
    (0, 0),
    (42, 42),
    (-5, -5),
    (-2.5, -2.5),
    (Decimal("-1.5"), Decimal("-1.5")),
    (True, True),
    (date(2026, 11, 30), date(2026, 11, 30)),
])
def test_neutralise_quotes_text_that_starts_like_a_formula_and_leaves_numbers_alone(cell, expected):
    assert neutralise(cell) == expected
    assert type(neutralise(cell)) is type(expected)


def test_neutralise_writes_any_other_value_as_its_text_and_neutralises_that_too():
    class Odd:
        def __str__(self):
            return "=odd"
    assert neutralise(Odd()) == "'=odd"


def _read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_starts_with_a_byte_order_mark_and_reads_back_neutralised():
    text = "".join(exports.csv_chunks(table()))
    assert text.startswith(exports.BOM) and "\r\n" in text
    rows = _read_csv(text.removeprefix(exports.BOM))
    assert rows[0] == ["agent", "team", "qa_average", "evaluations", "csat_percent"]
    assert rows[1] == ["'=HYPERLINK(\"http://evil\")", "'+44 London", "87.5", "12", "85.0"]
    assert rows[2] == ["张伟", "上海售后", "", "0", ""]
    assert rows[3] == ["'@SUM(A1)", "'-夜班", "-2.5", "-1", "100"]


def test_csv_for_a_pipe_has_no_byte_order_mark():
    assert "".join(exports.csv_chunks(table(), bom=False)).startswith("agent,team")


def test_csv_streams_chunks_before_the_rows_run_out():
    endless = ((f"agent{i}", "t", 50.0, i, 90.0) for i in itertools.count())
    chunks = exports.csv_chunks(Table("Endless", COLUMNS, endless))
    header, first, second = next(chunks), next(chunks), next(chunks)
    assert header.startswith(exports.BOM + "agent")
    assert len(_read_csv(first)) == len(_read_csv(second)) == 500


def test_write_csv_to_a_path_is_utf8_with_a_byte_order_mark(tmp_path):
    out = tmp_path / "report.csv"
    exports.write([table()], "csv", out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert _read_csv(out.read_text(encoding="utf-8-sig"))[2][0] == "张伟"


def test_a_row_of_the_wrong_length_is_an_error_naming_the_table_and_row():
    bad = Table("Appraisal 2026-Q4", COLUMNS, iter([ROWS[0], ("only", "two")]))
    with pytest.raises(ExportError, match=r"table 'Appraisal 2026-Q4', row 3: 2 cells, the header has 5"):
        list(exports.csv_chunks(bad))


@pytest.mark.parametrize("title", ["", "x" * 32, "Q4/2026", "a:b", "[x]"])
def test_a_title_excel_cannot_name_a_sheet_with_is_refused(title):
    with pytest.raises(ExportError, match="sheet name"):
        Table(title, COLUMNS, [])


def test_an_unknown_column_kind_is_refused():
    with pytest.raises(ExportError, match="kind 'money'"):
        Column("pay", "money")


def test_csv_holds_one_table_and_says_to_use_xlsx_for_more(tmp_path):
    with pytest.raises(ExportError, match=r"CSV holds one table; this report has 2 \(A, B\): use xlsx"):
        exports.write([table("A"), table("B")], "csv", tmp_path / "x.csv")
    with pytest.raises(ExportError, match="format 'pdf'"):
        exports.write([table()], "pdf", tmp_path / "x.pdf")


# ---------------------------------------------------------------- XLSX

@pytest.fixture
def workbook(tmp_path):
    second = Table("Teams", (Column("team"), Column("agents", "integer")), iter([("=evil", 3)]))
    out = tmp_path / "report.xlsx"
    exports.write([table(), second], "xlsx", out)
    return openpyxl.load_workbook(out)


def test_xlsx_has_one_sheet_per_table_in_order(workbook):
    assert workbook.sheetnames == ["Appraisal 2026-Q4", "Teams"]


def test_xlsx_header_is_bold_filled_and_frozen_on_every_sheet(workbook):
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        for cell in sheet[1]:
            assert cell.font.b is True
            assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb.endswith("DDE5F0")
    assert [c.value for c in workbook["Teams"][1]] == ["team", "agents"]


def test_xlsx_columns_carry_their_number_format_and_width(workbook):
    sheet = workbook["Appraisal 2026-Q4"]
    first = [c for c in sheet[2]]
    assert (first[2].value, first[2].number_format) == (87.5, "0.0")
    assert (first[3].value, first[3].number_format) == (12, "General")
    # percentages are stored as the fraction Excel expects, shown as 85.0 %
    assert (first[4].value, first[4].number_format) == (0.85, "0.0%")
    assert sheet.column_dimensions["A"].width == 20
    assert sheet.column_dimensions["C"].width == len("qa_average") + 2


def test_xlsx_cells_are_neutralised_and_numbers_stay_numbers(workbook):
    sheet = workbook["Appraisal 2026-Q4"]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values[0][:2] == ["'=HYPERLINK(\"http://evil\")", "'+44 London"]
    assert values[1] == ["张伟", "上海售后", None, 0, None]
    assert values[2] == ["'@SUM(A1)", "'-夜班", -2.5, -1, 1]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert workbook["Teams"]["A2"].value == "'=evil"


def test_xlsx_replaces_characters_xml_cannot_hold_and_writes_aware_times_in_utc(tmp_path):
    at = datetime(2026, 11, 30, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    odd = Table("Odd", (Column("text"), Column("at", "datetime")), [("bell\x07here", at)])
    out = tmp_path / "odd.xlsx"
    exports.write_xlsx([odd], out)
    sheet = openpyxl.load_workbook(out)["Odd"]
    assert sheet["A2"].value == "bell\ufffdhere"
    assert sheet["B2"].value == datetime(2026, 11, 30, 1, 0)
    assert sheet["B2"].number_format == "yyyy-mm-dd hh:mm"


def test_xlsx_file_is_a_rewound_temporary_workbook():
    with exports.xlsx_file([table()]) as out:
        assert openpyxl.load_workbook(out).sheetnames == ["Appraisal 2026-Q4"]


def test_two_sheets_with_one_title_or_none_at_all_are_refused(tmp_path):
    with pytest.raises(ExportError, match="same title: A"):
        exports.write_xlsx([table("A"), table("A")], tmp_path / "x.xlsx")
    with pytest.raises(ExportError, match="at least one table"):
        exports.write_xlsx([], tmp_path / "x.xlsx")


def test_a_failed_write_leaves_no_file_behind(tmp_path):
    out = tmp_path / "report.xlsx"
    bad = Table("Appraisal 2026-Q4", COLUMNS, iter([ROWS[0], ("short",)]))
    with pytest.raises(ExportError, match="row 3"):
        exports.write([bad], "xlsx", out)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_workbook_removes_openpyxl_temporary_files():
    from openpyxl.worksheet import _writer
    before = list(_writer.ALL_TEMP_FILES)
    bad = Table("Appraisal 2026-Q4", COLUMNS, iter([ROWS[0], ("short",)]))
    with pytest.raises(ExportError):
        exports.xlsx_file([table("First"), bad])
    assert _writer.ALL_TEMP_FILES == before
