"""Input and output values of the agreement statistics: a ratings table and an estimate with its reason."""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from numbers import Real
from typing import Optional, Sequence, Union

import numpy as np

Value = Union[str, int, float]
LEVELS = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class Estimate:
    """A statistic's value, or None with a plain-English `reason` when it is undefined for the data.

    `n_items` is how many items the value was computed on (after dropping what the method cannot use).
    """

    value: Optional[float]
    n_items: int = 0
    reason: str = ""

    def as_dict(self) -> dict:
        return {"value": self.value, "n_items": self.n_items, "reason": self.reason or None}


def undefined(reason: str, n_items: int = 0) -> Estimate:
    return Estimate(None, n_items, reason)


@dataclass(frozen=True)
class Ratings:
    """An items x raters table: `values[i][r]` is rater r's rating of item i, None when missing.

    Ratings are category labels (any string) or numbers. Ids default to "1", "2", ... and
    "rater 1", "rater 2", ...; the table must be rectangular and ids unique.
    """

    values: tuple[tuple[Optional[Value], ...], ...]
    item_ids: tuple[str, ...] = ()
    rater_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        width = len(self.values[0]) if self.values else len(self.rater_ids)
        for i, row in enumerate(self.values):
            if len(row) != width:
                raise ValueError(f"item {i + 1} has {len(row)} ratings, expected {width}")
            for r, value in enumerate(row):
                _check_value(value, i, r)
        if not self.item_ids:
            object.__setattr__(self, "item_ids", tuple(str(i + 1) for i in range(len(self.values))))
        if not self.rater_ids:
            object.__setattr__(self, "rater_ids", tuple(f"rater {r + 1}" for r in range(width)))
        _check_ids(self.item_ids, len(self.values), "item")
        _check_ids(self.rater_ids, width, "rater")

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[Optional[Value]]], item_ids: Sequence[str] = (),
                  rater_ids: Sequence[str] = ()) -> "Ratings":
        """Build from any nested sequences (lists, numpy rows); NaN counts as missing, numpy scalars
        become Python numbers."""
        values = tuple(tuple(_plain(v) for v in row) for row in rows)
        return cls(values, tuple(item_ids), tuple(rater_ids))

    @property
    def n_items(self) -> int:
        return len(self.values)

    @property
    def n_raters(self) -> int:
        return len(self.rater_ids)

    @cached_property
    def n_ratings(self) -> int:
        return sum(v is not None for row in self.values for v in row)

    def column(self, rater_id: str) -> tuple[Optional[Value], ...]:
        """One rater's ratings, item by item."""
        if rater_id not in self.rater_ids:
            raise ValueError(f"no rater {rater_id!r}; raters are {', '.join(self.rater_ids)}")
        index = self.rater_ids.index(rater_id)
        return tuple(row[index] for row in self.values)

    @cached_property
    def coded(self) -> tuple[np.ndarray, tuple[Value, ...]]:
        """(items x raters int array of category indexes, -1 = missing; the categories, sorted)."""
        categories = tuple(sorted({v for row in self.values for v in row if v is not None}, key=_sort_key))
        index = {c: k for k, c in enumerate(categories)}
        codes = np.array([[-1 if v is None else index[v] for v in row] for row in self.values], dtype=np.int64)
        return codes.reshape(self.n_items, self.n_raters), categories

    @cached_property
    def numeric(self) -> np.ndarray:
        """Items x raters float array, NaN = missing; ValueError naming the cell for a non-number."""
        for i, row in enumerate(self.values):
            for r, v in enumerate(row):
                if v is not None and not isinstance(v, Real):
                    raise ValueError(f"item {self.item_ids[i]}, rater {self.rater_ids[r]}: "
                                     f"{v!r} is not a number")
        data = [[math.nan if v is None else float(v) for v in row] for row in self.values]
        return np.array(data, dtype=float).reshape(self.n_items, self.n_raters)


def _plain(value) -> Optional[Value]:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)  # refused by the table's check: True is no rating label or score
    if isinstance(value, (np.integer, int)):
        return int(value)
    number = float(value)
    return None if math.isnan(number) else number


def _check_value(value, item: int, rater: int) -> None:
    if value is None or isinstance(value, str):
        return
    if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(value) or math.isinf(value):
        raise ValueError(f"item {item + 1}, rater {rater + 1}: {value!r} is not a category or a finite number")


def _check_ids(ids: tuple[str, ...], expected: int, what: str) -> None:
    if len(ids) != expected:
        raise ValueError(f"{len(ids)} {what} ids for {expected} {what}s")
    if len(set(ids)) != len(ids):
        raise ValueError(f"{what} ids must be unique")


def _sort_key(value: Value) -> tuple:
    """Numbers first in numeric order, then strings; so ordinal numbers keep their order."""
    return (0, value, "") if isinstance(value, Real) else (1, 0, value)
