"""Demo data set for `qadesk demo`, as pure data (no Flask, no database); every demo user's password is "qadesk-demo-2026"."""
from __future__ import annotations

import random
from datetime import date

from qa_app.demo.conversations import build_conversations
from qa_app.demo.people import TEAMS, demo_agents, demo_users
from qa_app.demo.reviews import build_reviews
from qa_app.demo.training_plan import DUE_DAYS, build_assignments, quiz_plan
from qa_app.demo.values import (COURSES, DEMO_PASSWORD, DemoAssignment, DemoData, DemoQuizOutcome, DemoReview,
                                DemoUser, Team)

__all__ = ["build_demo", "quiz_plan", "DemoData", "Team", "DemoUser", "DemoReview", "DemoQuizOutcome",
           "DemoAssignment", "DEMO_PASSWORD", "COURSES", "DUE_DAYS"]


def build_demo(today: date, seed: int = 2026) -> DemoData:
    """The demo data set as of `today`; equal data for equal (today, seed). A datetime counts as its day.

    - teams: London (en) and Shanghai (zh).
    - users: per team an excellent, an average and a weak agent (emma.jones, david.smith, priya.patel;
      li.na, wang.wei, zhang.min), reviewers qa.chen and qa.taylor, lead lead.liu, HR hr.zhao, all
      with password DEMO_PASSWORD. Agents have a team and cover nothing; the others have no team
      and cover both teams.
    - conversations: 96 dicts in the canonical JSON format, each started 1 to 89 days before `today`
      (so none is in the future), over the four queues, mostly chats with some calls. Handling
      follows each agent's profile; 12 of them hold a forbidden phrase in an agent turn.
    - reviews: about 25, dated no later than the day before `today`; empty `overrides` means the
      reviewer agreed. Overrides fall on conversations the automatic checks misjudge (empathy in
      other words, a bot-only greeting, a sarcastic goodbye, a customer who left, a quoted phrase).
    - assignments: courses with the quiz attempts to replay, covering every state (passed, passed
      after failing, failed and open, open, overdue). For assignments the app creates itself from
      low scores, `quiz_plan(...)` gives the attempts to replay.
    """
    if not isinstance(today, date):
        raise TypeError(f"today must be a datetime.date, not {type(today).__name__}")
    if hasattr(today, "date"):  # a datetime is a date too; only its day matters
        today = today.date()
    rng = random.Random(f"qadesk-demo|{seed}|{today.isoformat()}")
    built = build_conversations(demo_agents(), today, rng)
    return DemoData(
        today=today, teams=TEAMS, users=demo_users(), conversations=tuple(record for record, _, _ in built),
        reviews=build_reviews(built, today, rng), assignments=build_assignments(today, rng))
