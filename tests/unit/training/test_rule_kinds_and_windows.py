"""Rule kinds beyond the first three, windows (k of the last n), cooldowns, and rule files."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from training.rule_files import default_rules, parse_rule, parse_rules_yaml, rule_to_mapping, rules_yaml
from training.rules import (AssignmentDecision, EvaluationFacts, RuleError, TrainingRule, decide, describe,
                            longest_window, why_not)

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


def ev(n=1, score=85.0, auto_fail=False, failed=(), sections=(), sentiment=None, csat=None, language="en"):
    return EvaluationFacts(n, "alex", language, score, auto_fail, tuple(failed), f"chat-{n}", evaluation_id=100 + n,
                           sections=tuple(sections), sentiment=sentiment, csat=csat)


def rule(kind, **fields):
    values = dict(id="r", name="Rule", kind=kind, course_code="course-x", due_days=7)
    values.update(fields)
    return TrainingRule(**values)


@pytest.mark.parametrize(
    "the_rule, facts, fires",
    [
        (rule("section_below", section_id="opening", threshold=60), ev(sections=[("opening", 59.9)]), True),
        (rule("section_below", section_id="opening", threshold=60), ev(sections=[("opening", 60.0)]), False),
        (rule("section_below", section_id="opening", threshold=60), ev(sections=[("opening", None)]), False),
        (rule("section_below", section_id="opening", threshold=60), ev(sections=[("closing", 10.0)]), False),
        (rule("section_below", section_id="opening", threshold=60),
         ev(auto_fail=True, score=0.0, sections=[("opening", 0.0)]), False),
        (rule("sentiment_below", threshold=-0.2), ev(sentiment=-0.5), True),
        (rule("sentiment_below", threshold=-0.2), ev(sentiment=-0.2), False),
        (rule("sentiment_below", threshold=-0.2), ev(sentiment=None), False),
        (rule("csat_below", threshold=4), ev(csat=3), True),
        (rule("csat_below", threshold=4), ev(csat=4), False),
        (rule("csat_below", threshold=4), ev(csat=None), False),
        (rule("score_below", threshold=70), ev(score=69.0), True),
        (rule("critical_failure"), ev(auto_fail=True, score=0.0), True),
        (rule("criterion_failed", criterion_id="greeting"), ev(failed=["greeting"]), True),
        (rule("score_below", threshold=70, active=False), ev(score=10.0), False),
    ],
)
def test_each_rule_kind_fires_only_when_its_condition_holds(the_rule, facts, fires):
    assert bool(decide(facts, [the_rule])) is fires


@pytest.mark.parametrize(
    "the_rule, facts, reason",
    [
        (rule("section_below", section_id="opening", threshold=60), ev(sections=[("opening", 44.6)]),
         "section opening 44.6 below 60 on conversation chat-1"),
        (rule("sentiment_below", threshold=-0.2), ev(sentiment=-0.55), "customer sentiment -0.55 below -0.2 on conversation chat-1"),
        (rule("csat_below", threshold=4), ev(csat=2), "CSAT 2 below 4 on conversation chat-1"),
    ],
)
def test_the_reason_names_the_value_and_the_threshold(the_rule, facts, reason):
    [decision] = decide(facts, [the_rule])
    assert decision.reason == reason and decision.evaluation_ids == (101,)


GREETING_3_OF_5 = rule("criterion_failed", criterion_id="greeting", count=3, window=5, cooldown_days=10)


def newest(*failed_flags):
    """The agent's newest evaluations, newest first: True means greeting failed on it."""
    return [ev(n, failed=["greeting"] if flag else []) for n, flag in enumerate(failed_flags, start=1)]


@pytest.mark.parametrize(
    "flags, fires",
    [
        ((True, True, True, False, False), True),
        ((True, False, True, False, True), True),
        ((True, True, False, False, False), False),
        ((False, True, True, True, False), False),  # the newest passed: nothing new to answer
        ((True, True, False, False, False, True, True), False),  # the 6th and 7th are outside the window
        ((True, True, True), True),  # fewer evaluations than the window: count them all
        ((True, True), False),
    ],
)
def test_a_windowed_rule_fires_when_the_condition_holds_in_count_of_the_last_window(flags, fires):
    recent = newest(*flags)
    assert bool(decide(recent[0], [GREETING_3_OF_5], recent=recent)) is fires


def test_a_windowed_decision_records_every_evaluation_it_counted_and_says_so():
    recent = newest(True, False, True, True, False)
    [decision] = decide(recent[0], [GREETING_3_OF_5], recent=recent)
    assert decision.evaluation_ids == (101, 103, 104)
    assert decision.reason == ("criterion greeting failed on conversation chat-1; 3 of the last 5 evaluations "
                               "(chat-1, chat-3, chat-4)")
    assert decision.cooldown_days == 10


def test_a_windowed_rule_counts_an_evaluation_and_the_ones_before_it_not_after():
    recent = newest(True, True, True, True, True, True)
    assert decide(recent[3], [GREETING_3_OF_5], recent=recent) != []  # it and the two before it
    assert decide(recent[4], [GREETING_3_OF_5], recent=recent) == []  # only one before it
    assert decide(ev(99, failed=["greeting"]), [GREETING_3_OF_5], recent=recent) == []  # not among them: alone


def test_the_longest_window_counts_active_rules_only():
    assert longest_window([rule("critical_failure"), GREETING_3_OF_5]) == 5
    assert longest_window([rule("critical_failure"), rule("csat_below", threshold=4, window=9, active=False)]) == 1


DECISION = AssignmentDecision("course-x", "why", 7, "r", (101,), cooldown_days=7)


@pytest.mark.parametrize(
    "course_open, last, evaluated, expected",
    [
        (True, None, NOW, "open"),
        (False, None, NOW, None),
        (False, NOW - timedelta(days=6, hours=23), NOW, "cooldown"),
        (False, NOW - timedelta(days=7), NOW, None),
        (False, NOW - timedelta(days=8), NOW - timedelta(days=9), "answered"),  # that assignment answered it
        (False, NOW - timedelta(days=8), NOW - timedelta(days=8), "answered"),
        (False, NOW - timedelta(days=8), NOW - timedelta(days=1), None),
    ],
)
def test_why_not_holds_back_open_courses_cooldowns_and_answered_evaluations(course_open, last, evaluated, expected):
    assert why_not(DECISION, course_open=course_open, last_assigned_at=last, evaluated_at=evaluated, now=NOW) == expected


def test_a_rule_without_cooldown_may_assign_again_right_after_the_last_one():
    decision = AssignmentDecision("course-x", "why", 7, "r", (101,), cooldown_days=0)
    assert why_not(decision, course_open=False, last_assigned_at=NOW - timedelta(minutes=1),
                   evaluated_at=NOW, now=NOW) is None


GOOD = {"id": "low", "name": "Low", "kind": "score_below", "course_code": "qa-basics-en", "due_days": 14,
        "threshold": 65}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"kind": "section_below", "section_id": "opening", "threshold": None}, r"\.threshold: must be a number from 0 to 100"),
        ({"kind": "section_below", "threshold": 50}, r"\.section_id: must name the section"),
        ({"section_id": "opening"}, r"\.section_id: is only used by section_below rules"),
        ({"kind": "sentiment_below", "threshold": 2}, r"\.threshold: must be a number from -1 to 1"),
        ({"kind": "csat_below", "threshold": 0}, r"\.threshold: must be a number from 1 to 5"),
        ({"kind": "critical_failure"}, r"\.threshold: is not used by critical_failure rules"),
        ({"window": 0}, r"\.window: must be a whole number of evaluations from 1 to 50"),
        ({"window": 51}, r"\.window: "),
        ({"count": 3, "window": 2}, r"\.count: must be a whole number from 1 to the window \(2\)"),
        ({"count": 0}, r"\.count: "),
        ({"cooldown_days": -1}, r"\.cooldown_days: must be a whole number of days >= 0"),
        ({"cooldown_days": "7"}, r"\.cooldown_days: "),
        ({"active": "yes"}, r"\.active: must be true or false"),
    ],
)
def test_bad_new_fields_are_refused_with_their_path(changes, message):
    with pytest.raises(RuleError, match=r"^rules\[3\]" + message):
        parse_rule({**GOOD, **changes}, "rules[3]")


def test_a_rule_file_reads_back_as_the_rules_it_was_written_from():
    rules = default_rules() + (rule("section_below", section_id="opening", threshold=55.5, language="zh"),
                               rule("sentiment_below", id="mood", threshold=-0.25, count=2, window=4, active=False))
    assert parse_rules_yaml(rules_yaml(rules), "rules.yaml") == rules


def test_a_mapping_leaves_out_defaults_so_exported_files_stay_short():
    assert rule_to_mapping(parse_rule(GOOD)) == GOOD


@pytest.mark.parametrize(
    "text, message",
    [
        ("rules: [\n  {id: x\n", r"^rules\.yaml: line \d+: invalid YAML"),
        ("- id: x\n", r"^rules\.yaml: must be a mapping with one key, rules"),
        ("rules: []\nextra: 1\n", r"^rules\.yaml: must be a mapping with one key, rules"),
        ("rules:\n- id: x\n  name: X\n  kind: score_below\n  course_code: c\n  due_days: 3\n",
         r"^rules\.yaml: rules\[0\]\.threshold: "),
    ],
)
def test_a_bad_rule_file_names_the_file_and_the_line_or_field(text, message):
    with pytest.raises(RuleError, match=message):
        parse_rules_yaml(text, "rules.yaml")


@pytest.mark.parametrize(
    "the_rule, text",
    [
        (rule("score_below", threshold=70), "score below 70"),
        (rule("section_below", section_id="opening", threshold=60), "section opening below 60"),
        (rule("sentiment_below", threshold=-0.2), "customer sentiment below -0.2"),
        (GREETING_3_OF_5, "criterion greeting failed in 3 of the last 5"),
    ],
)
def test_describe_says_the_condition_in_a_few_words(the_rule, text):
    assert describe(the_rule) == text


CSAT_3_OF_5 = rule("csat_below", threshold=4.0, count=3, window=5, course_code="empathy-en")


def test_a_csat_rule_asks_for_three_unsatisfied_ratings_in_five():
    recent = [ev(n, csat=c) for n, c in enumerate((3, 5, 2, 4, 1), start=1)]
    assert [d.course_code for d in decide(recent[0], [CSAT_3_OF_5], recent=recent)] == ["empathy-en"]
    assert decide(recent[1], [CSAT_3_OF_5], recent=recent) == []  # a satisfied rating does not trigger it
