"""Chart specifications for qa_app/static/charts.js, built from named tables (scoring.dashboard.Table).

A spec is plain JSON: kind, x labels, datasets (label and values) and, per x label, the URL of
the conversations behind it (None when the viewer may not open conversations). The page puts the
specs in a JSON data element; the same tables are shown as data tables beside each chart.
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence

from flask_babel import lazy_gettext as _l

from scoring.dashboard import Row, Table

Link = Optional[Callable[[dict], str]]


def column(table: Table, name: str) -> list:
    i = table.header.index(name)
    return [r.cells[i] for r in table.rows]


def bars(table: Table, x: str, ys: Sequence[tuple[str, str]], link: Link = None, kind: str = "bar",
         lines: Sequence[tuple[str, str]] = ()) -> dict:
    """One bar per row: x from column `x`, a dataset per (column, label) in `ys`; `lines` are
    drawn as lines on a second 0-100 axis (the Pareto's cumulative %)."""
    datasets = [{"label": label, "data": column(table, y)} for y, label in ys]
    datasets += [{"label": label, "data": column(table, y), "type": "line", "yAxisID": "pct"} for y, label in lines]
    return {"kind": kind, "labels": [str(v) if v is not None else "—" for v in column(table, x)],
            "datasets": datasets, "links": [link(dict(r.filters)) if link else None for r in table.rows]}


def series(table: Table, by: str, x: str, y: str, link: Link = None) -> dict:
    """A line per value of column `by` over the sorted x values (gaps where a series has no point);
    links[s][i] is the URL behind series s at x i."""
    xs = sorted(set(column(table, x)))
    names = sorted({str(v) if v is not None else "—" for v in column(table, by)})
    values = {n: [None] * len(xs) for n in names}
    links = {n: [None] * len(xs) for n in names}
    bi, xi, yi = table.header.index(by), table.header.index(x), table.header.index(y)
    for r in table.rows:
        name, at = str(r.cells[bi]) if r.cells[bi] is not None else "—", xs.index(r.cells[xi])
        values[name][at] = r.cells[yi]
        links[name][at] = link(dict(r.filters)) if link else None
    return {"kind": "line", "labels": xs, "datasets": [{"label": n, "data": values[n]} for n in names],
            "series_links": [links[n] for n in names]}


def course_effects(figures) -> dict:
    """Mean change per course after completion: total score and the triggering criteria (points);
    None where a course has no completion with evaluations on both sides."""
    return {"kind": "bar", "labels": [f.effect.code for f in figures],
            "datasets": [{"label": str(_l("Score change")), "data": [f.effect.score.mean for f in figures]},
                         {"label": str(_l("Criteria change (points)")), "data": [f.effect.criteria.mean for f in figures]}],
            "links": [None] * len(figures)}


STATUSES = ("assigned", "overdue", "completed", "cancelled")


def assignment_statuses(assignments) -> tuple[Table, dict]:
    """Assignments per course and status (the training overview's chart and its data table)."""
    counts: dict[str, dict[str, int]] = {}
    for a in assignments:
        per = counts.setdefault(a.course.code, dict.fromkeys(STATUSES, 0))
        per[a.status] = per.get(a.status, 0) + 1
    table = Table("assignments_by_course", ("course", *STATUSES),
                  tuple(Row((code, *(per[s] for s in STATUSES))) for code, per in sorted(counts.items())))
    labels = {"assigned": _l("assigned"), "overdue": _l("overdue"), "completed": _l("completed"),
              "cancelled": _l("cancelled")}
    spec = bars(table, "course", [(s, str(labels[s])) for s in STATUSES])
    spec["stacked"] = True
    return table, spec
