"""Course effectiveness against hand-worked figures: paired before/after, the t interval, the flag."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from training.effectiveness import Completion, Scored, course_effect, pair_of, pass_rate, spread

T0 = datetime(2026, 10, 1, tzinfo=timezone.utc)
CRITERIA = tuple(f"c{i}" for i in range(10))


def scored(day: int, score: float, passes: int) -> Scored:
    """An evaluation on day `day` where the first `passes` of the ten criteria pass, the rest fail."""
    return Scored(T0 + timedelta(days=day), score, {c: "pass" if i < passes else "fail" for i, c in enumerate(CRITERIA)})


def completion(n: int, before: int, after: int, score_after: float = 70.0, late: bool = False) -> Completion:
    """Assigned on day 10, completed on day 15 (due day 20, or day 12 when late); one evaluation on each side."""
    return Completion(n, f"agent{n}", T0 + timedelta(days=10), T0 + timedelta(days=15),
                      T0 + timedelta(days=12 if late else 20), CRITERIA,
                      (scored(5, 60.0, before), scored(12, 99.0, 0), scored(20, score_after, after)))


def test_the_pass_rate_counts_pass_and_fail_of_the_criteria_and_leaves_out_na():
    ev = Scored(T0, 80, {"greeting": "pass", "empathy": "fail", "closing": "na", "other": "fail"})
    assert pass_rate([ev], ["greeting", "empathy", "closing"]) == 50.0
    assert pass_rate([ev], ["closing"]) is None


def test_a_pair_takes_the_last_k_before_the_assignment_and_the_first_k_after_completion():
    c = Completion(1, "ann", T0 + timedelta(days=10), T0 + timedelta(days=15), T0 + timedelta(days=20), ("c0",),
                   tuple(scored(d, s, p) for d, s, p in [(1, 10, 0), (8, 50, 0), (9, 70, 1), (12, 0, 0),
                                                          (16, 80, 1), (30, 90, 1), (40, 0, 0)]))
    p = pair_of(c, 2)
    assert (p.score_before, p.score_after, p.rate_before, p.rate_after) == (60.0, 85.0, 50.0, 100.0)
    assert pair_of(c, 4) is None  # only three evaluations before


def test_a_course_that_moved_its_criteria_is_not_flagged_hand_worked():
    # pass-rate changes 10, 20, 0, 30, 40 points: mean 20, sd sqrt(250) = 15.811, se 7.0711,
    # t(0.975, 4) = 2.776445, half-width 19.632: interval [0.368, 39.632], which excludes 0
    done = [completion(i, 5, 5 + d) for i, d in enumerate([1, 2, 0, 3, 4])]
    effect = course_effect("empathy-en", done, [], k=1, min_n=5)
    assert effect.criteria.n == 5 and effect.criteria.mean == pytest.approx(20.0)
    assert (effect.criteria.low, effect.criteria.high) == (pytest.approx(0.368, abs=1e-3), pytest.approx(39.632, abs=1e-3))
    assert effect.flagged is False and effect.score.mean == pytest.approx(10.0)


def test_a_course_whose_criteria_did_not_move_is_flagged_hand_worked():
    # changes -10, 20, 0, 10, 0 points: mean 4, sd sqrt(130) = 11.402, se 5.0990, t(0.975, 4) = 2.776445,
    # half-width 14.157: interval [-10.157, 18.157], which includes 0
    done = [completion(i, 5, 5 + d) for i, d in enumerate([-1, 2, 0, 1, 0])]
    never_after = Completion(9, "agent9", T0 + timedelta(days=10), T0 + timedelta(days=40), T0 + timedelta(days=50),
                             CRITERIA, (scored(5, 60.0, 5),))  # completed, no evaluation since: waiting
    effect = course_effect("empathy-en", done + [never_after], [], k=1, min_n=5)
    assert [p.rate_change for p in effect.pairs] == [-10.0, 20.0, 0.0, 10.0, 0.0]
    assert effect.criteria.mean == pytest.approx(4.0)
    assert (effect.criteria.low, effect.criteria.high) == (pytest.approx(-10.157, abs=1e-3), pytest.approx(18.157, abs=1e-3))
    assert effect.flagged is True and (effect.completed, effect.waiting) == (6, 1)


def test_fewer_pairs_than_the_minimum_are_never_flagged_and_no_change_at_all_is():
    unchanged = [completion(i, 5, 5) for i in range(4)]
    assert course_effect("x", unchanged, [], k=1, min_n=5).flagged is False
    assert course_effect("x", unchanged, [], k=1, min_n=4).flagged is True  # interval [0, 0]


def test_completion_on_time_and_the_quiz_spread():
    effect = course_effect("x", [completion(1, 5, 6), completion(2, 5, 6, late=True)], [40, 80, 90, 100, 70], k=1)
    assert (effect.completed, effect.on_time) == (2, 1)
    q = effect.quiz
    assert (q.n, q.minimum, q.q1, q.median, q.q3, q.maximum, q.mean) == (5, 40, 70, 80, 90, 100, 76)
    assert spread([]).n == 0 and spread([55]).median == 55


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="k must be >= 1"):
        course_effect("x", [], [], k=0)
