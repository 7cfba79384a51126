"""When an open training assignment is reminded, and who hears of it: one notice per stage, ever.

Stages, each at its own moment (UTC):
- "due_soon" to the agent, `before_days` before the due moment (only when that is after the
  assignment was made: a course due tomorrow gets no "due in two days");
- "due_today" to the agent, at the start of the due date (likewise);
- "overdue" to the agent, at the due moment;
- "escalated" to the agent's leads, `escalate_after_days` after the due moment.

`notices_due` is a pure function of the assignment, `now` and the stages already recorded, so a
job that runs twice records nothing new the second time, and a job that missed runs (the machine
was off over a weekend) catches up on the next one: every stage whose moment has passed is
recorded once. Of the agent's stages that fell due together, only the latest is sent; the earlier
ones are recorded as superseded (a "due in two days" that arrives after the due date would be
wrong), so none is ever sent later either.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Iterable

from training.due import as_utc

AGENT_STAGES = ("due_soon", "due_today", "overdue")
LEAD_STAGE = "escalated"
STAGES = AGENT_STAGES + (LEAD_STAGE,)


@dataclass(frozen=True)
class ReminderPolicy:
    """How far ahead the agent is reminded and how long after the due moment leads are told."""

    before_days: int = 2
    escalate_after_days: int = 1

    def __post_init__(self) -> None:
        for name in ("before_days", "escalate_after_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number of days >= 0, not {value!r}")


@dataclass(frozen=True)
class OpenAssignment:
    """What reminding needs of an assignment that is assigned or overdue."""

    id: int
    assigned_at: datetime
    due_at: datetime


@dataclass(frozen=True)
class Notice:
    """One stage of one assignment to record: sent (`send`) or superseded by a later stage."""

    assignment_id: int
    stage: str
    at: datetime  # the stage's moment
    send: bool


def stage_moments(assignment: OpenAssignment, policy: ReminderPolicy = ReminderPolicy()) -> dict[str, datetime]:
    """The moment of each stage that applies to the assignment (aware UTC)."""
    assigned, due = as_utc(assignment.assigned_at), as_utc(assignment.due_at)
    moments = {
        "due_soon": due - timedelta(days=policy.before_days),
        "due_today": datetime.combine(due.date(), time(0), tzinfo=due.tzinfo),
        "overdue": due,
        LEAD_STAGE: due + timedelta(days=policy.escalate_after_days),
    }
    # A reminder ahead of the due moment only when it comes after the assignment was made.
    return {stage: at for stage, at in moments.items() if stage in ("overdue", LEAD_STAGE) or at > assigned}


def notices_due(assignment: OpenAssignment, now: datetime, recorded: Iterable[str] = (),
                policy: ReminderPolicy = ReminderPolicy()) -> list[Notice]:
    """The stages to record at `now` (in stage order): those whose moment has come and that are not
    in `recorded`. Of the agent's, only the latest is sent; the escalation is sent when due."""
    at, done = as_utc(now), set(recorded)
    due = [(stage, moment) for stage, moment in stage_moments(assignment, policy).items()
           if moment <= at and stage not in done]
    agent = [stage for stage, _ in due if stage in AGENT_STAGES]
    latest = agent[-1] if agent else None
    # An agent stage already recorded later than a pending one also supersedes it.
    later_recorded = max((AGENT_STAGES.index(s) for s in done if s in AGENT_STAGES), default=-1)
    return [Notice(assignment.id, stage, moment,
                   send=stage == LEAD_STAGE or (stage == latest and AGENT_STAGES.index(stage) > later_recorded))
            for stage, moment in due]
