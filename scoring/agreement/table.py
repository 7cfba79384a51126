"""Reading a ratings table (item id, then one column per rater; empty = missing) from CSV or TSV text."""
from __future__ import annotations

import csv
import io
import math
from typing import Optional

from scoring.agreement.model import LEVELS, Ratings, Value


class RatingsTableError(ValueError):
    """A ratings table that cannot be read; the message names the source, line and column."""


def parse_ratings_table(text: str, source: str = "ratings table", level: str = "nominal",
                        delimiter: str = ",") -> Ratings:
    """Parse a header row (first cell: the item id column; then rater names) and one row per item.

    Cells are stripped; an empty cell is a missing rating. Nominal ratings stay strings (any label,
    e.g. pass/fail/na); the other levels need finite numbers. Blank lines are skipped. Raises
    RatingsTableError for: no header, fewer than two raters, empty or repeated rater names, ragged
    rows, empty or repeated item ids, non-numeric values at a numeric level, and no items.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    header = _header(reader, source)
    rows, item_ids = [], []
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        where = f"{source}, line {reader.line_num}"
        if len(record) != len(header):
            raise RatingsTableError(f"{where}: {len(record)} fields, expected {len(header)} "
                                    f"(the item id and {len(header) - 1} raters)")
        item_id = record[0].strip()
        if not item_id:
            raise RatingsTableError(f"{where}, column 1 ({header[0]!r}): the item id is empty")
        if item_id in item_ids:
            raise RatingsTableError(f"{where}, column 1 ({header[0]!r}): item {item_id!r} appears twice")
        item_ids.append(item_id)
        rows.append(tuple(_cell(cell, level, f"{where}, column {c + 2} ({header[c + 1]!r})")
                          for c, cell in enumerate(record[1:])))
    if not rows:
        raise RatingsTableError(f"{source}: no items (a header row and then one row per item are needed)")
    return Ratings(tuple(rows), tuple(item_ids), tuple(header[1:]))


def _header(reader, source: str) -> list[str]:
    for record in reader:
        if any(cell.strip() for cell in record):
            header = [cell.strip() for cell in record]
            break
    else:
        raise RatingsTableError(f"{source}: empty file (expected a header row: item id, then one column per rater)")
    where = f"{source}, line {reader.line_num}"
    if len(header) < 3:
        raise RatingsTableError(f"{where}: the header names {len(header) - 1} rater(s); "
                                "agreement needs an item id column and two or more rater columns")
    for c, name in enumerate(header[1:], start=2):
        if not name:
            raise RatingsTableError(f"{where}, column {c}: the rater name is empty")
        if header.index(name) != c - 1:
            raise RatingsTableError(f"{where}, column {c}: rater {name!r} appears twice")
    return header


def _cell(cell: str, level: str, where: str) -> Optional[Value]:
    value = cell.strip()
    if not value:
        return None
    if level == "nominal":
        return value
    try:
        number = float(value)
    except ValueError:
        raise RatingsTableError(f"{where}: {value!r} is not a number (the {level} level needs numbers)") from None
    if math.isnan(number) or math.isinf(number):
        raise RatingsTableError(f"{where}: {value!r} is not a finite number")
    return number
