"""Demo training: assignments in every state, and how agents do on quizzes of assignments the app creates."""
from __future__ import annotations

import random
from datetime import date, timedelta

from qa_app.demo.people import AGENTS
from qa_app.demo.values import DemoAssignment, DemoQuizOutcome

DUE_DAYS = 14
# Per agent quality: (course stem, days ago assigned, attempts as (passed, days after assignment)).
# Together they give every state: passed first time, passed after failing, failed and still open,
# open within the due date, and open past it.
SCHEDULE = {
    "excellent": [("qa-basics", 84, ((True, 3),)), ("compliance", 56, ((True, 6),))],
    "average": [("qa-basics", 84, ((False, 4), (True, 7))), ("compliance", 35, ((True, 12),)),
                ("aftersales", 25, ((True, 9),)), ("empathy", 6, ())],
    "weak": [("qa-basics", 84, ((False, 5), (True, 13))), ("compliance", 40, ()), ("empathy", 10, ((False, 4),)),
             ("aftersales", 3, ())],
}
PASS_CHANCE = {"excellent": 0.85, "average": 0.6, "weak": 0.35}
FAIL_FIRST_CHANCE = {"excellent": 0.1, "average": 0.3, "weak": 0.5}


def build_assignments(today: date, rng: random.Random) -> tuple[DemoAssignment, ...]:
    """Each agent's assignments, dates nudged by up to two days so agents don't move in lockstep."""
    result = []
    for login, _, _, team, quality in AGENTS:
        language = "zh" if team == "Shanghai" else "en"
        for stem, days_ago, attempts in SCHEDULE[quality]:
            course = f"{stem}-{language}"
            assigned = today - timedelta(days=days_ago + rng.randint(0, 2))
            tries = tuple(DemoQuizOutcome(login, course, passed, day) for passed, day in attempts)
            result.append(DemoAssignment(login, course, assigned, assigned + timedelta(days=DUE_DAYS), tries))
    return tuple(result)


def quiz_plan(agent: str, course_code: str, assigned_on: date, today: date,
              seed: int = 2026) -> tuple[DemoQuizOutcome, ...]:
    """Quiz attempts to replay for an assignment the app itself created (e.g. by a low-score rule).

    Deterministic for the same arguments. Returns the attempts in order, each no later than `today`;
    an empty tuple leaves the assignment open (overdue once its due date passes). Assignments less
    than three days old stay open; older ones are passed (some after a failed attempt), failed once,
    or left alone, with chances that follow the agent's profile (unknown logins count as average).
    """
    age = (today - assigned_on).days
    if age < 3:
        return ()
    rng = random.Random(f"{seed}|{agent}|{course_code}|{assigned_on.isoformat()}")
    quality = next((q for login, _, _, _, q in AGENTS if login == agent), "average")
    roll = rng.random()
    first = rng.randint(1, min(age - 1, 10))
    if roll < PASS_CHANCE[quality]:
        if rng.random() < FAIL_FIRST_CHANCE[quality]:
            second = rng.randint(first + 1, min(age, first + 7))
            return (DemoQuizOutcome(agent, course_code, False, first),
                    DemoQuizOutcome(agent, course_code, True, second))
        return (DemoQuizOutcome(agent, course_code, True, first),)
    if roll < PASS_CHANCE[quality] + 0.15:
        return (DemoQuizOutcome(agent, course_code, False, first),)
    return ()
