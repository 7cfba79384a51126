"""The QA overview's figures from tallies of final evaluations (docs/reports.md, "Dashboards").

Pure: the shell groups final evaluations in SQL and hands over one `Tally` per group (a day of an
agent, a channel/queue/weekday/shift cell, a score, a failed criterion); this module owns what the
groups mean (weeks start on Monday, shifts by the team's local hour, 10-point score bins, the
Pareto's cumulative share) and turns them into named tables: a name, a header and rows, each row
with the filters that select the conversations behind it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Mapping, Optional, Sequence

#: Shifts by the local hour a conversation starts in: (name, first hour, hour after the last).
SHIFTS = (("early", 6, 14), ("late", 14, 22), ("night", 22, 6))
#: ISO weekdays 1..7; 6 and 7 are the weekend.
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKEND = (6, 7)
#: Width of a score-distribution bin in points; the last bin holds 100 too.
BIN_WIDTH = 10
MOODS = ("positive", "neutral", "negative")
#: CSAT ratings that count as satisfied (the domain's CSAT % is the share of 4 and 5).
SATISFIED_FROM = 4


def shift_of(hour: int) -> str:
    """The shift of a local hour 0..23 (ValueError outside)."""
    if not 0 <= hour <= 23:
        raise ValueError(f"hour {hour} is not between 0 and 23")
    for name, first, after in SHIFTS:
        if (first <= hour < after) if first < after else (hour >= first or hour < after):
            return name
    raise AssertionError("SHIFTS cover every hour")


def shift_hours(name: str) -> tuple[int, ...]:
    """The local hours of a shift, for filtering conversations by it (ValueError for an unknown name)."""
    hours = tuple(h for h in range(24) if shift_of(h) == name)
    if not hours:
        raise ValueError(f"unknown shift {name!r}; expected one of {', '.join(s for s, _, _ in SHIFTS)}")
    return hours


def week_start(day: date) -> date:
    """The Monday of the ISO week holding `day`."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Tally:
    """Sums over a group of final evaluations: `n` evaluations, their scores, critical failures
    (auto-fails), and the CSAT ratings of the same conversations (`csat_good`: ratings 4-5)."""

    n: int = 0
    score_sum: float = 0.0
    critical: int = 0
    csat_n: int = 0
    csat_sum: int = 0
    csat_good: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.n + other.n, self.score_sum + other.score_sum, self.critical + other.critical,
                     self.csat_n + other.csat_n, self.csat_sum + other.csat_sum, self.csat_good + other.csat_good)

    @property
    def mean(self) -> Optional[float]:
        return round(self.score_sum / self.n, 1) if self.n else None

    @property
    def critical_pct(self) -> Optional[float]:
        return round(100 * self.critical / self.n, 1) if self.n else None

    @property
    def csat_mean(self) -> Optional[float]:
        return round(self.csat_sum / self.csat_n, 2) if self.csat_n else None

    @property
    def csat_pct(self) -> Optional[float]:
        return round(100 * self.csat_good / self.csat_n, 1) if self.csat_n else None

    def cells(self) -> list:
        """The tally's columns in TALLY_HEADER order."""
        return [self.n, self.mean, self.critical, self.critical_pct, self.csat_n, self.csat_mean, self.csat_pct]


TALLY_HEADER = ("evaluations", "mean_score", "critical_failures", "critical_pct", "csat_ratings", "csat_mean",
                "csat_pct")
NOTHING = Tally()


def total(tallies: Iterable[Tally]) -> Tally:
    out = NOTHING
    for t in tallies:
        out = out + t
    return out


@dataclass(frozen=True)
class AgentDay:
    """One agent's final evaluations of conversations started on one UTC day (or in the week
    starting on that Monday: weekly trends fold days into weeks either way)."""

    agent: str
    team: Optional[str]
    day: date
    tally: Tally


@dataclass(frozen=True)
class Cell:
    """Final evaluations of one channel, queue, local ISO weekday (1..7) and local hour (0..23),
    or of a whole shift (`shift` named, `hour` None: the daily rollup keeps shifts, not hours)."""

    channel: str
    queue: Optional[str]
    weekday: int
    hour: Optional[int]
    tally: Tally
    shift: Optional[str] = None

    def __post_init__(self):
        if (self.hour is None) == (self.shift is None):
            raise ValueError("a cell has an hour or a shift, not both and not neither")

    @property
    def shift_name(self) -> str:
        return self.shift if self.shift is not None else shift_of(self.hour)


@dataclass(frozen=True)
class Row:
    """One table row: its cells and the conversation-list filters that select what it counts."""

    cells: tuple
    filters: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    """A named table (what the page's data tables, the JSON endpoint and `qadesk report qa` show)."""

    name: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]

    def as_dict(self) -> dict:
        return {"name": self.name, "header": list(self.header), "rows": [list(r.cells) for r in self.rows],
                "filters": [dict(r.filters) for r in self.rows]}


def _span(first: date, last: date) -> dict[str, str]:
    return {"from": first.isoformat(), "to": last.isoformat()}


def trend(days: Sequence[AgentDay], by: str, start: date, end: date, step: str = "week") -> Table:
    """Score per `by` ("team" or "agent") and week (or day) over [start, end): one row per series
    and point that has evaluations; a point's filters select its days, clipped to the period."""
    if by not in ("team", "agent"):
        raise ValueError(f"trend by {by!r}: expected team or agent")
    if step not in ("week", "day"):
        raise ValueError(f"step {step!r}: expected week or day")
    sums: dict[tuple[str, date], Tally] = {}
    for d in days:
        key = ((d.team if by == "team" else d.agent) or "", week_start(d.day) if step == "week" else d.day)
        sums[key] = sums.get(key, NOTHING) + d.tally
    rows = []
    for (series, point), tally in sorted(sums.items()):
        last = min(point + timedelta(days=6 if step == "week" else 0), end - timedelta(days=1))
        filters = {by: series, **_span(max(point, start), last)} if series else _span(max(point, start), last)
        rows.append(Row((series or None, point.isoformat(), *tally.cells()), filters))
    return Table(f"trend_by_{by}", (by, step, *TALLY_HEADER), tuple(rows))


def by_group(days: Sequence[AgentDay], by: str) -> Table:
    """Totals per team or agent (the summary beside the trend)."""
    sums: dict[str, Tally] = {}
    for d in days:
        key = (d.team if by == "team" else d.agent) or ""
        sums[key] = sums.get(key, NOTHING) + d.tally
    rows = tuple(Row((k or None, *t.cells()), {by: k} if k else {}) for k, t in sorted(sums.items()))
    return Table(f"by_{by}", (by, *TALLY_HEADER), rows)


def median(values: Iterable[float]) -> Optional[float]:
    ordered = sorted(values)
    if not ordered:
        return None
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def agent_against_team(days: Sequence[AgentDay], agent: str, step: str = "week") -> Table:
    """The agent's mean score per week beside the median of their team's agents' means that week
    (agents with evaluations that week, the agent included)."""
    team = next((d.team for d in days if d.agent == agent), None)
    per: dict[date, dict[str, Tally]] = {}
    for d in days:
        if d.team == team or d.agent == agent:
            point = week_start(d.day) if step == "week" else d.day
            agents = per.setdefault(point, {})
            agents[d.agent] = agents.get(d.agent, NOTHING) + d.tally
    rows = []
    for point, agents in sorted(per.items()):
        own = agents.get(agent, NOTHING)
        team_median = median(t.mean for t in agents.values() if t.n)
        rows.append(Row((point.isoformat(), own.n, own.mean, round(team_median, 1) if team_median is not None else None,
                         len(agents))))
    return Table("agent_against_team", (step, "evaluations", "mean_score", "team_median", "team_agents"), tuple(rows))


def histogram(scores: Iterable[tuple[int, int]]) -> Table:
    """Evaluations per 10-point score bin from (whole score 0..100, count) pairs; every bin shows."""
    counts = [0] * (100 // BIN_WIDTH)
    for score, n in scores:
        if not 0 <= score <= 100:
            raise ValueError(f"score {score} is not between 0 and 100")
        counts[min(score // BIN_WIDTH, len(counts) - 1)] += n
    rows = []
    for i, n in enumerate(counts):
        low, high = i * BIN_WIDTH, (i + 1) * BIN_WIDTH
        label = f"{low}-{high}" if high < 100 else f"{low}-100"
        rows.append(Row((label, n), {"score_min": str(low), "score_below": str(high) if high < 100 else "101"}))
    return Table("score_distribution", ("score", "evaluations"), tuple(rows))


def pareto(failures: Iterable[tuple[str, int]], critical: Iterable[str] = ()) -> Table:
    """Criteria by times failed, most first, with each one's share of all failures and the
    cumulative share (%); ties keep criterion-id order so the table is stable."""
    ordered = sorted(((c, n) for c, n in failures if n), key=lambda p: (-p[1], p[0]))
    whole = sum(n for _, n in ordered)
    critical = set(critical)
    rows, running = [], 0
    for criterion, n in ordered:
        running += n
        rows.append(Row((criterion, criterion in critical, n, round(100 * n / whole, 1), round(100 * running / whole, 1)),
                        {"failed": criterion}))
    return Table("criteria_failed", ("criterion", "critical", "failures", "pct", "cumulative_pct"), tuple(rows))


def moods(counts: Mapping[Optional[str], Tally]) -> Table:
    """Evaluations by the customer's mood at the end (positive / neutral / negative / not read),
    with score and CSAT of each group."""
    whole = sum(t.n for t in counts.values())
    rows = []
    for label in (*MOODS, None):
        t = counts.get(label, NOTHING)
        share = round(100 * t.n / whole, 1) if whole else None
        rows.append(Row((label or "unknown", share, *t.cells()), {"mood": label or "unknown"}))
    return Table("end_sentiment", ("mood", "share_pct", *TALLY_HEADER), tuple(rows))


def breakdowns(cells: Sequence[Cell]) -> list[Table]:
    """Score, critical failures and CSAT by channel, queue, weekday, day type and shift."""
    def fold(name: str, key, order=None, filters=None) -> Table:
        sums: dict = {}
        for c in cells:
            k = key(c)
            sums[k] = sums.get(k, NOTHING) + c.tally
        keys = order if order is not None else sorted(sums, key=lambda k: (k is None, k or ""))
        rows = tuple(Row((_label(name, k), *sums.get(k, NOTHING).cells()), filters(k) if filters else {name: k or ""})
                     for k in keys)
        return Table(f"by_{name}", (name, *TALLY_HEADER), rows)

    return [fold("channel", lambda c: c.channel),
            fold("queue", lambda c: c.queue),
            fold("weekday", lambda c: c.weekday, range(1, 8), lambda k: {"weekday": str(k)}),
            fold("day_type", lambda c: "weekend" if c.weekday in WEEKEND else "weekday", ("weekday", "weekend"),
                 lambda k: {"day_type": k}),
            fold("shift", lambda c: c.shift_name, tuple(s for s, _, _ in SHIFTS), lambda k: {"shift": k})]


def _label(name: str, key) -> object:
    if name == "weekday":
        return WEEKDAYS[key - 1]
    return key if key is not None else None


def csat_beside_score(days: Sequence[AgentDay]) -> Table:
    """Per agent: QA mean score beside CSAT mean and % satisfied (4-5) of the same conversations."""
    sums: dict[str, tuple[Optional[str], Tally]] = {}
    for d in days:
        team, t = sums.get(d.agent, (d.team, NOTHING))
        sums[d.agent] = (team, t + d.tally)
    rows = tuple(Row((agent, team, t.n, t.mean, t.csat_n, t.csat_mean, t.csat_pct), {"agent": agent})
                 for agent, (team, t) in sorted(sums.items()))
    return Table("csat_beside_score", ("agent", "team", "evaluations", "mean_score", "csat_ratings", "csat_mean",
                                       "csat_pct"), rows)
