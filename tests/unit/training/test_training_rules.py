"""Assignment rules: which courses an evaluation triggers, and how bad rule definitions are reported."""
from __future__ import annotations

import pytest

from training.catalog import load_courses
from training.rule_files import default_rules, parse_rule, parse_rules
from training.rules import AssignmentDecision, EvaluationFacts, RuleError, TrainingRule, decide


def facts(score=85.0, auto_fail=False, failed=(), language="en", external_id="chat-000123"):
    return EvaluationFacts(123, "alex", language, score, auto_fail, tuple(failed), external_id)


def courses(decisions):
    return [d.course_code for d in decisions]


@pytest.mark.parametrize(
    "evaluation, expected",
    [
        (facts(score=85.0), []),
        (facts(score=70.0), []),
        (facts(score=69.9), ["qa-basics-en"]),
        (facts(score=55.0, language="zh"), ["qa-basics-zh"]),
        (facts(score=0.0, auto_fail=True, failed=("forbidden_phrases",)), ["compliance-en"]),
        (facts(score=0.0, auto_fail=True, failed=("forbidden_phrases", "empathy")), ["compliance-en", "empathy-en"]),
        (facts(score=90.0, failed=("empathy",)), ["empathy-en"]),
        (facts(score=60.0, failed=("empathy", "greeting")), ["qa-basics-en", "empathy-en"]),
        (facts(score=80.0, failed=("sancha_sanhe",), language="zh"), ["aftersales-zh"]),
        (facts(score=80.0, failed=("greeting", "closing")), []),
        (facts(score=80.0, failed=("customer_sentiment_end",)), []),
        (facts(score=75.0, failed=("escalation",)), ["complaints-en"]),
        (facts(score=75.0, failed=("escalation",), language="zh"), ["complaints-zh"]),
    ],
)
def test_default_rules_assign_the_expected_courses(evaluation, expected):
    assert courses(decide(evaluation, default_rules())) == expected


def test_a_low_score_reason_is_one_readable_sentence():
    [decision] = decide(facts(score=55.0), default_rules())
    assert decision == AssignmentDecision("qa-basics-en", "score 55.0 below 70 on conversation chat-000123", 14,
                                          "basics-en")


@pytest.mark.parametrize(
    "evaluation, reason",
    [
        (facts(score=0.0, auto_fail=True, failed=("forbidden_phrases",)),
         "critical failure on conversation chat-000123 (failed: forbidden_phrases)"),
        (facts(score=0.0, auto_fail=True, external_id=None), "critical failure on conversation #123"),
    ],
)
def test_a_critical_failure_reason_names_the_conversation_and_failed_criteria(evaluation, reason):
    decision = decide(evaluation, default_rules())[0]
    assert (decision.course_code, decision.reason) == ("compliance-en", reason)


def test_a_failed_criterion_reason_names_the_criterion():
    [decision] = decide(facts(failed=("empathy",)), default_rules())
    assert decision.reason == "criterion empathy failed on conversation chat-000123"


def test_an_auto_failed_score_of_zero_does_not_also_assign_the_basics_course():
    assert "qa-basics-en" not in courses(decide(facts(score=0.0, auto_fail=True), default_rules()))


def test_a_critical_failure_and_a_forbidden_phrase_give_one_compliance_decision():
    decisions = decide(facts(score=0.0, auto_fail=True, failed=("forbidden_phrases",)), default_rules())
    assert courses(decisions).count("compliance-en") == 1


def test_the_shortest_due_date_wins_when_two_rules_ask_for_one_course():
    rules = [
        TrainingRule("slow", "Slow", "score_below", "qa-basics-en", 14, threshold=70),
        TrainingRule("fast", "Fast", "score_below", "qa-basics-en", 5, threshold=60),
    ]
    assert [(d.rule_id, d.due_days) for d in decide(facts(score=50.0), rules)] == [("fast", 5)]


def test_the_earlier_rule_wins_a_tie_on_due_days():
    rules = [
        TrainingRule("first", "First", "score_below", "qa-basics-en", 7, threshold=70),
        TrainingRule("second", "Second", "criterion_failed", "qa-basics-en", 7, criterion_id="greeting"),
    ]
    assert [d.rule_id for d in decide(facts(score=50.0, failed=("greeting",)), rules)] == ["first"]


@pytest.mark.parametrize(
    "language, fallback, expected",
    [
        ("zh-CN", None, ["qa-basics-zh"]),
        ("ZH_hans", None, ["qa-basics-zh"]),
        ("en-GB", None, ["qa-basics-en"]),
        (None, "zh", ["qa-basics-zh"]),
        ("en", "zh", ["qa-basics-en"]),
        (None, None, []),
        ("fr", None, []),
    ],
)
def test_language_specific_rules_match_the_primary_language(language, fallback, expected):
    decisions = decide(facts(score=50.0, language=language), default_rules(), fallback_language=fallback)
    assert courses(decisions) == expected


def test_a_rule_without_a_language_applies_to_every_conversation():
    rule = TrainingRule("any", "Any", "score_below", "qa-basics-en", 7, threshold=70)
    for language in ("en", "zh", None):
        assert courses(decide(facts(score=50.0, language=language), [rule])) == ["qa-basics-en"]


def test_every_default_rule_points_at_a_shipped_course():
    codes = {c.code for c in load_courses()}
    assert {r.course_code for r in default_rules()} <= codes


def test_default_rule_ids_are_unique():
    ids = [r.id for r in default_rules()]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"id": ""}, "id"),
        ({"name": "  "}, "name"),
        ({"course_code": ""}, "course_code"),
        ({"kind": "score_above"}, "kind"),
        ({"due_days": 0}, "due_days"),
        ({"due_days": 3.5}, "due_days"),
        ({"due_days": True}, "due_days"),
        ({"threshold": None}, "threshold"),
        ({"threshold": 120.0}, "threshold"),
        ({"threshold": -1.0}, "threshold"),
        ({"threshold": "70"}, "threshold"),
        ({"criterion_id": "empathy"}, "criterion_id"),
        ({"language": ""}, "language"),
    ],
)
def test_an_invalid_score_rule_names_the_field(changes, field):
    values = dict(id="r1", name="Low", kind="score_below", course_code="qa-basics-en", due_days=7, threshold=70.0)
    values.update(changes)
    with pytest.raises(RuleError, match=rf"^rule .*\.{field}: "):
        TrainingRule(**values)


@pytest.mark.parametrize(
    "values, field",
    [
        (dict(kind="criterion_failed"), "criterion_id"),
        (dict(kind="criterion_failed", criterion_id="  "), "criterion_id"),
        (dict(kind="critical_failure", threshold=50.0), "threshold"),
        (dict(kind="critical_failure", criterion_id="empathy"), "criterion_id"),
    ],
)
def test_kind_specific_fields_are_required_or_refused(values, field):
    with pytest.raises(RuleError, match=rf"\.{field}: "):
        TrainingRule("r1", "Rule", course_code="empathy-en", due_days=7, **values)


GOOD = {"id": "low", "name": "Low score", "kind": "score_below", "course_code": "qa-basics-en",
        "due_days": 14, "threshold": 65}


def test_parse_rule_builds_a_rule_from_plain_data():
    assert parse_rule(GOOD) == TrainingRule("low", "Low score", "score_below", "qa-basics-en", 14, threshold=65.0)


@pytest.mark.parametrize(
    "data, message",
    [
        ("low", r"^rules\[0\]: must be a mapping"),
        ({**GOOD, "colour": "red"}, r"^rules\[0\]\.colour: unknown field"),
        ({k: v for k, v in GOOD.items() if k != "course_code"}, r"^rules\[0\]\.course_code: is required"),
        ({**GOOD, "due_days": None}, r"^rules\[0\]\.due_days: is required"),
        ({**GOOD, "due_days": "14"}, r"^rules\[0\]\.due_days: must be a whole number"),
        ({**GOOD, "threshold": 101}, r"^rules\[0\]\.threshold: must be a number from 0 to 100"),
        ({**GOOD, "kind": "low"}, r"^rules\[0\]\.kind: must be one of"),
        ({**GOOD, "kind": "criterion_failed", "threshold": None}, r"^rules\[0\]\.criterion_id: must name"),
    ],
)
def test_parse_rule_errors_name_the_field_path(data, message):
    with pytest.raises(RuleError, match=message):
        parse_rule(data, "rules[0]")


def test_parse_rule_error_path_is_not_confused_by_dots_in_the_id():
    with pytest.raises(RuleError, match=r"^rule\.threshold: "):
        parse_rule({**GOOD, "id": "a.b.c", "threshold": 500})


@pytest.mark.parametrize(
    "items, message",
    [
        ("rules", r"^rules: must be a list"),
        ({"id": "x"}, r"^rules: must be a list"),
        ([GOOD, {**GOOD, "due_days": 0}], r"^rules\[1\]\.due_days: "),
        ([GOOD, GOOD], r"^rules\[1\]\.id: duplicate rule id 'low'"),
    ],
)
def test_parse_rules_reports_the_item_at_fault(items, message):
    with pytest.raises(RuleError, match=message):
        parse_rules(items)


def test_parse_rules_keeps_the_order_of_the_list():
    second = {**GOOD, "id": "crit", "kind": "critical_failure", "threshold": None, "course_code": "compliance-en"}
    assert [r.id for r in parse_rules([GOOD, second])] == ["low", "crit"]


def test_the_shipped_rules_take_the_instances_due_period_and_compliance_gets_half():
    due = {r.id: r.due_days for r in default_rules(("en",), due_days=21)}
    assert due == {"basics-en": 21, "compliance-en": 10, "forbidden-en": 10, "empathy-en": 21, "aftersales-en": 21,
                   "complaints-en": 21, "greeting-en": 21, "closing-en": 21}
    assert {r.due_days for r in default_rules(("zh",), due_days=1)} == {1}


def _history(missed: str, pattern: str, language: str = "en") -> list[EvaluationFacts]:
    """The agent's evaluations newest first; 'x' in `pattern` = `missed` failed on that one."""
    return [EvaluationFacts(100 - i, "alex", language, 85.0, False, (missed,) if c == "x" else (),
                            f"chat-{100 - i}", evaluation_id=500 - i) for i, c in enumerate(pattern)]


@pytest.mark.parametrize("missed", ["greeting", "closing"])
@pytest.mark.parametrize("pattern, assigned", [
    ("x....", False),   # one slip is for coaching
    ("x.x..", False),   # 2 of the last 5
    ("x.x.x", True),    # 3 of the last 5
    ("xx..x", True),
    ("x...xx", False),  # the third is outside the last 5
])
def test_the_shipped_etiquette_rule_fires_on_a_habit_of_missed_greetings_or_closings(missed, pattern, assigned):
    history = _history(missed, pattern)
    decisions = decide(history[0], default_rules(), recent=history)
    assert ("etiquette-en" in courses(decisions)) is assigned


def test_an_etiquette_assignment_names_the_evaluations_it_counted():
    history = _history("greeting", "xx.x.", language="zh")
    [decision] = decide(history[0], default_rules(), recent=history)
    assert decision.course_code == "etiquette-zh" and decision.evaluation_ids == (500, 499, 497)
    assert decision.reason.endswith("3 of the last 5 evaluations (chat-100, chat-99, chat-97)")
