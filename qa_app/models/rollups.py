"""The dashboards' daily rollup: final evaluations summed per UTC day, agent, scorecard version,
channel, queue, language, local weekday and shift (services.rollups keeps it; docs/reports.md)."""
from __future__ import annotations

from datetime import date
from typing import Optional

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from qa_app.extensions import db

#: the customer's mood at the end, as the columns name it ("unknown": not read or another label)
MOOD_COLUMNS = ("positive", "neutral", "negative", "unknown")
#: the sums of one Tally (scoring.dashboard), in its field order
TALLY_SUMS = ("n", "score_sum", "critical", "csat_n", "csat_sum", "csat_good")
#: 10-point score bins (scoring.dashboard.BIN_WIDTH): bin_0 holds 0-10, ..., bin_9 90-100
BINS = tuple(f"bin_{k}" for k in range(10))


def _sums(prefix: str = "") -> dict:
    return {f"{prefix}{name}": mapped_column(Float if name == "score_sum" else Integer, default=0, nullable=False)
            for name in TALLY_SUMS}


class _Group:
    """The columns a rollup row is grouped by (both tables)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    agent_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    scorecard_version_id: Mapped[int] = mapped_column(ForeignKey("scorecard_version.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    queue: Mapped[Optional[str]] = mapped_column(String(80))
    language: Mapped[Optional[str]] = mapped_column(String(8))


class DailyRollup(_Group, db.Model):
    """One group of final evaluations of conversations that started on `day` (UTC): its Tally, the
    same per end mood, and its score bins. A row is a pure function of the raw rows of its (agent,
    day): services.rollups deletes and re-inserts an agent's day whenever something in it changes."""

    __tablename__ = "daily_rollup"
    # periods are scanned by day; a team or an agent's page by agent
    __table_args__ = (Index("ix_daily_rollup_day", "day", "agent_id"),
                      Index("ix_daily_rollup_agent", "agent_id", "day"))
    weekday: Mapped[int]  # local ISO weekday 1..7, in the agent's team's zone when the row was made
    shift: Mapped[str] = mapped_column(String(8))  # scoring.dashboard.SHIFTS, by the local start hour
    # 6 + 24 + 10 integer/float columns of the same shape: declared from the name tuples above, so the
    # writer (services.rollups) and the readers build their expressions from the same names
    locals().update(_sums())
    for _mood in MOOD_COLUMNS:
        locals().update(_sums(f"{_mood}_"))
    del _mood
    locals().update({b: mapped_column(Integer, default=0, nullable=False) for b in BINS})


class DailyFailure(_Group, db.Model):
    """Failed criteria of the same groups (without weekday and shift): how many final evaluations
    failed `criterion_id`, and whether it was critical in any of them."""

    __tablename__ = "daily_rollup_failure"
    __table_args__ = (Index("ix_daily_rollup_failure_day", "day", "agent_id"),
                      Index("ix_daily_rollup_failure_agent", "agent_id", "day"))
    criterion_id: Mapped[str] = mapped_column(String(120))
    critical: Mapped[bool] = mapped_column(default=False)
    failures: Mapped[int] = mapped_column(default=0)
