"""A report's tables as a download response: CSV streamed as it is written, XLSX from a temporary file."""
from __future__ import annotations

from typing import Sequence

from flask import Response, send_file

from qa_app import exports


def table_download(tables: Sequence[exports.Table], fmt: str, basename: str) -> Response:
    """An attachment named `basename`.csv or .xlsx: CSV (one table, UTF-8 with BOM) streams row
    chunks to the client; XLSX (a sheet per table) is written to an anonymous temporary file first,
    which the response streams and closes. Build the tables before calling, so that a bad request
    fails before the download starts; CSV rows are read after the view returns, outside the request
    and its database session, so give rows already loaded (a list, or a generator over loaded objects)."""
    if fmt == "xlsx":
        return send_file(exports.xlsx_file(tables), mimetype=exports.XLSX_MIMETYPE, as_attachment=True,
                         download_name=f"{basename}.xlsx")
    chunks = exports.csv_chunks(exports.only_table(tables))
    return Response(chunks, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{basename}.csv"'})
