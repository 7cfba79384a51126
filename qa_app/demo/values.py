"""Frozen values the demo data set is made of; the loader turns them into database rows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Mapping, Optional

DEMO_PASSWORD = "qadesk-demo-2026"
QUEUES = ("returns", "refunds", "logistics", "complaints")
COURSES = {
    "en": ("qa-basics-en", "compliance-en", "empathy-en", "aftersales-en"),
    "zh": ("qa-basics-zh", "compliance-zh", "empathy-zh", "aftersales-zh"),
}


@dataclass(frozen=True)
class Team:
    """A team of agents working in one language ("en" or "zh")."""

    name: str
    language: str
    timezone: Optional[str] = None  # IANA zone: weekdays and shifts in reports are the team's local time


@dataclass(frozen=True)
class DemoUser:
    """A demo login. Agents have a `team` and cover nothing; everyone else covers teams instead."""

    login: str
    name: str
    role: str
    team: Optional[str]
    covers: tuple[str, ...]
    password: str = DEMO_PASSWORD


@dataclass(frozen=True)
class DemoReview:
    """A reviewer's review of one conversation's automatic evaluation.

    `days_after` is how many whole days after the conversation started the review happened (never
    later than the day the data set was built for). `overrides` maps a criterion id to the
    reviewer's (result, comment), result being "pass", "fail" or "na"; empty means the reviewer
    agreed with every automatic verdict.
    """

    external_id: str
    reviewer: str
    days_after: int
    overrides: Mapping[str, tuple[str, str]]


@dataclass(frozen=True)
class DemoQuizOutcome:
    """One quiz attempt: the agent passed or failed `course_code` `days_after_assignment` days in."""

    agent: str
    course_code: str
    passed: bool
    days_after_assignment: int


@dataclass(frozen=True)
class DemoAssignment:
    """A course assigned to an agent, with the quiz attempts to replay in order (maybe none)."""

    agent: str
    course_code: str
    assigned_on: date
    due_on: date
    attempts: tuple[DemoQuizOutcome, ...]

    def expected_status(self, today: date) -> str:
        """The status the app should show: "completed", "overdue" or "assigned"."""
        if any(a.passed for a in self.attempts):
            return "completed"
        return "overdue" if self.due_on < today else "assigned"


@dataclass(frozen=True)
class DemoData:
    """The whole demo data set for one day; `conversations` are dicts in the canonical JSON format."""

    today: date
    teams: tuple[Team, ...]
    users: tuple[DemoUser, ...]
    conversations: tuple[dict, ...]
    reviews: tuple[DemoReview, ...]
    assignments: tuple[DemoAssignment, ...]

    @property
    def quiz_outcomes(self) -> tuple[DemoQuizOutcome, ...]:
        """Every quiz attempt of every assignment, assignment by assignment, in replay order."""
        return tuple(a for assignment in self.assignments for a in assignment.attempts)

    def users_with_role(self, role: str) -> tuple[DemoUser, ...]:
        return tuple(u for u in self.users if u.role == role)
