"""The appraisal downloads are streamed (CSV by a generator, XLSX from a temporary file) and hold
exactly the report's header and rows, the ones the report page shows."""
from __future__ import annotations

import csv
import io

import openpyxl

from qa_app import exports
from tests.conftest import PASSWORD
from tests.functional.test_web_exports import scored

__all__ = ["scored"]  # the fixture, used by name below


def report_table(app, period: str) -> tuple[tuple, list[tuple]]:
    """The header and rows the report service gives, as the CSV writes them (neutralised text)."""
    from qa_app.services import reports
    with app.app_context():
        table = reports.appraisal_table(reports.appraisal_report(period), titled=True)  # as the web downloads
        rows = [tuple("" if v is None else str(exports.neutralise(v)) for v in row) for row in table.rows]
    return table.header, rows


def test_the_csv_download_is_streamed_and_holds_the_reports_rows(app, client, auth, scored):
    auth.login("hr1", PASSWORD)
    response = client.get("/reports/appraisal.csv?period=2026-11")
    assert response.status_code == 200 and response.is_streamed
    lines = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))
    header, rows = report_table(app, "2026-11")
    assert tuple(lines[0]) == header and [tuple(line) for line in lines[1:]] == rows
    assert len(rows) == 2


def test_the_xlsx_download_is_streamed_from_a_file_and_holds_the_reports_rows(app, client, auth, scored):
    auth.login("hr1", PASSWORD)
    response = client.get("/reports/appraisal.xlsx?period=2026-11")
    assert response.status_code == 200 and response.is_streamed
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    cells = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    header, rows = report_table(app, "2026-11")
    assert cells[0] == header
    percent = header.index("CSAT satisfied %")  # XLSX keeps a percentage as its fraction
    read = [tuple(same(v * 100 if k == percent and v is not None else v) for k, v in enumerate(row))
            for row in cells[1:]]
    assert read == [tuple(same(v) for v in row) for row in rows]


def same(value) -> object:
    """A cell as compared across CSV text and XLSX values: numbers as numbers (83 == 83.0), None as ""."""
    if value is None or value == "":
        return ""
    try:
        return round(float(value), 6)
    except ValueError:
        return value
