"""Offset pagination of list queries with the true total, so no list stops silently at a limit."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import func

from qa_app.extensions import db

PER_PAGE = 50
MAX_PER_PAGE = 200  # one page never loads more rows than this, whatever ?per_page= asks


@dataclass(frozen=True)
class Page:
    """One page of a list: its `items`, 1-based `page`, `per_page` and the `total` over all pages."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """1-based position of the first item shown (0 when the list is empty)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0


def page_args(args: Mapping[str, Any], default: int = PER_PAGE) -> tuple[int, int]:
    """`page` (>= 1) and `per_page` (1..MAX_PER_PAGE) from request arguments; junk means the defaults."""
    def number(key: str, fallback: int) -> int:
        try:
            return int(args.get(key) or fallback)
        except (TypeError, ValueError):
            return fallback
    return max(1, number("page", 1)), min(MAX_PER_PAGE, max(1, number("per_page", default)))


def count(query) -> int:
    """The number of rows `query` selects, without its ordering, limit or offset."""
    inner = query.order_by(None).limit(None).offset(None).subquery()
    return db.session.scalar(db.select(func.count()).select_from(inner)) or 0


def paginate(query, page: int = 1, per_page: int = PER_PAGE, *, rows: bool = False) -> Page:
    """The `page`-th slice of `query` (which must order deterministically) with the true total.

    Scalars (the first selected entity) unless `rows`, then tuples. A page past the end is empty.
    """
    per_page = min(MAX_PER_PAGE, max(1, per_page))
    page = max(1, page)
    sliced = query.limit(per_page).offset((page - 1) * per_page)
    items = [tuple(r) for r in db.session.execute(sliced)] if rows else list(db.session.scalars(sliced))
    return Page(items=items, page=page, per_page=per_page, total=count(query))
