"""Pagination of list queries with the true total, so no list stops silently at a limit.

Two ways through a list, both giving a `Page`:
- `paginate`: offset pages (?page=N), for lists of modest size;
- `paginate_keyset`: for the big lists; ?after= / ?before= carry the sort key of the row next to
  the page, so the database seeks by index instead of counting past every earlier row, and a row
  inserted meanwhile never makes another appear twice. A plain ?page=N still works (by offset), so
  numbered links and a typed-in page number lead somewhere.
Out-of-range requests never fail: a page below 1 or junk is page 1, one past the end is the last.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, Optional, Sequence

from sqlalchemy import and_, false, func, or_

from qa_app.extensions import db

PER_PAGE = 50
MAX_PER_PAGE = 200  # one page never loads more rows than this, whatever ?per_page= asks


@dataclass(frozen=True)
class Page:
    """One page of a list: its `items`, 1-based `page`, `per_page`, the `total` over all pages and
    the `offset` of its first item; keyset pages also carry the cursors of their neighbours."""

    items: list
    page: int
    per_page: int
    total: int
    offset: int = -1  # -1: (page - 1) * per_page
    after: Optional[str] = None  # cursor of the next page, None on the last
    before: Optional[str] = None  # cursor of the previous page, None on the first

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """1-based position of the first item shown (0 when the page is empty)."""
        start = self.offset if self.offset >= 0 else (self.page - 1) * self.per_page
        return start + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    @property
    def prev_args(self) -> Optional[dict]:
        """The query arguments of the previous page (by cursor when there is one); None on the first."""
        if self.before:
            return {"page": max(1, self.page - 1), "before": self.before}
        return {"page": self.page - 1} if self.offset < 0 and self.page > 1 else None

    @property
    def next_args(self) -> Optional[dict]:
        """The query arguments of the next page (by cursor when there is one); None on the last."""
        if self.after:
            return {"page": self.page + 1, "after": self.after}
        return {"page": self.page + 1} if self.offset < 0 and self.page < self.pages else None


def empty(per_page: int = PER_PAGE) -> Page:
    return Page([], 1, per_page, 0)


@dataclass(frozen=True)
class PageRequest:
    """What the request asked for: a page number and size, and at most one cursor."""

    page: int = 1
    per_page: int = PER_PAGE
    after: Optional[str] = None
    before: Optional[str] = None


def page_args(args: Mapping[str, Any], default: int = PER_PAGE) -> tuple[int, int]:
    """`page` (>= 1) and `per_page` (1..MAX_PER_PAGE) from request arguments; junk means the defaults."""
    def number(key: str, fallback: int) -> int:
        try:
            return int(str(args.get(key) or fallback).strip())
        except (TypeError, ValueError):
            return fallback
    return max(1, number("page", 1)), min(MAX_PER_PAGE, max(1, number("per_page", default)))


def request_args(args: Mapping[str, Any], default: int = PER_PAGE) -> PageRequest:
    """A PageRequest from request arguments (page, per_page, after, before); junk means the defaults."""
    page, per_page = page_args(args, default)
    after, before = (args.get("after") or "").strip() or None, (args.get("before") or "").strip() or None
    return PageRequest(page, per_page, after, None if after else before)


def where_given(query, *pairs):
    """`query` limited to `column == value` for each (column, value) pair whose value is given (a
    list filter left empty does not filter)."""
    for column, value in pairs:
        if value:
            query = query.where(column == value)
    return query


def count(query) -> int:
    """The number of rows `query` selects, without its ordering, limit or offset."""
    inner = query.order_by(None).limit(None).offset(None).subquery()
    return db.session.scalar(db.select(func.count()).select_from(inner)) or 0


def _fetch(query, rows: bool) -> list:
    return [tuple(r) for r in db.session.execute(query)] if rows else list(db.session.scalars(query))


def paginate(query, page: int = 1, per_page: int = PER_PAGE, *, rows: bool = False) -> Page:
    """The `page`-th slice of `query` (which must order deterministically) with the true total.

    Scalars (the first selected entity) unless `rows`, then tuples. A page past the end is the last.
    """
    per_page = min(MAX_PER_PAGE, max(1, per_page))
    total = count(query)
    page = min(max(1, page), max(1, -(-total // per_page)))
    items = _fetch(query.limit(per_page).offset((page - 1) * per_page), rows) if total else []
    return Page(items=items, page=page, per_page=per_page, total=total)


@dataclass(frozen=True)
class Key:
    """One column of a keyset order. Rows where a `nullable` column is NULL sort after all others
    (in both directions, on every engine); the last key of an order must be unique (an id)."""

    column: Any
    descending: bool = True
    nullable: bool = False

    @property
    def name(self) -> str:
        return self.column.key


def order_by(keys: Sequence[Key], reverse: bool = False) -> list:
    """ORDER BY clauses of `keys` (or their exact reverse)."""
    clauses = []
    for k in keys:
        clause = k.column.asc() if k.descending == reverse else k.column.desc()
        if k.nullable:  # NULLS FIRST/LAST rather than a CASE first, so that an index on the column serves the order
            clause = clause.nulls_first() if reverse else clause.nulls_last()
        clauses.append(clause)
    return clauses


def _beyond(keys: Sequence[Key], values: Sequence, forward: bool):
    """WHERE clause: rows strictly after (`forward`) or before the row whose sort key is `values`."""
    terms, equal = [], []
    for k, v in zip(keys, values):
        if v is None:
            beyond = false() if forward else k.column.is_not(None)
            same = k.column.is_(None)
        else:
            beyond = k.column < v if k.descending == forward else k.column > v
            if k.nullable and forward:
                beyond = or_(beyond, k.column.is_(None))
            same = k.column == v
        terms.append(and_(*equal, beyond))
        equal.append(same)
    return or_(*terms)


def encode_cursor(values: Sequence) -> str:
    plain = [{"t": v.isoformat()} if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> Optional[list]:
    """The sort key a cursor carries, or None when it is not one of ours (then the list starts over)."""
    try:
        plain = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(plain, list) or len(plain) != width:
            return None
        return [datetime.fromisoformat(v["t"]) if isinstance(v, dict) else v for v in plain]
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
        return None


def paginate_keyset(query, keys: Sequence[Key], req: PageRequest, *, rows: bool = False) -> Page:
    """A page of `query` ordered by `keys`: after/before the cursor in `req`, else `req.page` by offset.

    Items are scalars (the first selected entity) unless `rows`; the key values are read from the
    item (the first element of a row) by column name.
    """
    per_page = min(MAX_PER_PAGE, max(1, req.per_page))
    cursor, forward = (req.after, True) if req.after else (req.before, False)
    values = decode_cursor(cursor, len(keys)) if cursor else None
    if values is None:
        return _with_cursors(paginate(query.order_by(*order_by(keys)), req.page, per_page, rows=rows), keys, rows)
    seek = query.where(_beyond(keys, values, forward)).order_by(*order_by(keys, reverse=not forward))
    items = _fetch(seek.limit(per_page), rows)
    if not forward:
        items.reverse()
    total = count(query)
    offset = count(query.where(_beyond(keys, _key_of(items[0], keys, rows), False))) if items else total
    page = Page(items, offset // per_page + 1, per_page, total, offset)
    return _with_cursors(page, keys, rows)


def _key_of(item, keys: Sequence[Key], rows: bool) -> list:
    entity = item[0] if rows else item
    return [getattr(entity, k.name) for k in keys]


def _with_cursors(page: Page, keys: Sequence[Key], rows: bool) -> Page:
    if not page.items:
        return page
    start = page.first - 1
    after = encode_cursor(_key_of(page.items[-1], keys, rows)) if start + len(page.items) < page.total else None
    before = encode_cursor(_key_of(page.items[0], keys, rows)) if start > 0 else None
    return Page(page.items, page.page, page.per_page, page.total, start, after, before)
