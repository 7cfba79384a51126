"""One attempt at a quiz: which questions it asks, in which order, and whether it is still in time.

The draw is a pure function of the quiz and a seed, so the shell stores the seed and the drawn
questions when the attempt starts, and grading and review later read what was stored, never
what the browser sends back.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from training.quiz import Ordering, Quiz, TrueFalse, ShortAnswer

# A submission this long after the time limit still counts: the network and a slow click should
# not cost an agent an attempt. Later than that it is refused and recorded as late.
GRACE = timedelta(seconds=30)


@dataclass(frozen=True)
class AskedQuestion:
    """A question of an attempt and the order its options (or items) are shown in.

    `order` lists option indices as written in the course; it is empty for true/false and
    short-answer questions, which have no options.
    """

    id: str
    order: tuple[int, ...]


def _order(rng: random.Random, question, shuffle: bool) -> tuple[int, ...]:
    if isinstance(question, (TrueFalse, ShortAnswer)):
        return ()
    order = list(range(len(question.options)))
    if shuffle or isinstance(question, Ordering):
        rng.shuffle(order)
    if isinstance(question, Ordering) and order == sorted(order):
        order = order[1:] + order[:1]  # never show the answer as the starting order
    return tuple(order)


def draw(quiz: Quiz, seed: int) -> tuple[AskedQuestion, ...]:
    """The questions one attempt asks: `quiz.draw` of the pool (all when None), each with its
    option order. The same quiz and seed always give the same draw.

    Without shuffle the drawn questions keep the pool's order and options keep theirs (ordering
    questions are shuffled all the same, or they would give their answer away).
    """
    rng = random.Random(seed)
    pool = list(range(len(quiz.questions)))
    if quiz.draw is not None and quiz.draw < len(pool):
        pool = rng.sample(pool, quiz.draw)
        if not quiz.shuffle:
            pool.sort()
    elif quiz.shuffle:
        rng.shuffle(pool)
    return tuple(AskedQuestion(quiz.questions[i].id, _order(rng, quiz.questions[i], quiz.shuffle)) for i in pool)


def deadline(quiz: Quiz, started_at: datetime) -> Optional[datetime]:
    """When an attempt started at `started_at` must be submitted by; None without a time limit."""
    if quiz.time_limit_minutes is None:
        return None
    return started_at + timedelta(minutes=quiz.time_limit_minutes)


def is_late(deadline_at: Optional[datetime], submitted_at: datetime, grace: timedelta = GRACE) -> bool:
    """True when a submission at `submitted_at` comes after the deadline plus the grace."""
    return deadline_at is not None and submitted_at > deadline_at + grace


def attempts_left(quiz: Quiz, used: int) -> Optional[int]:
    """How many more attempts may start after `used` (late ones count); None when unlimited."""
    if quiz.max_attempts is None:
        return None
    return max(quiz.max_attempts - used, 0)
