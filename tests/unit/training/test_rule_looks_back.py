"""rules.looks_back says exactly when deciding an evaluation reads the agent's earlier ones: when it
is false, `decide` gives the same decisions whatever `recent` holds (apply_rules then reads no window)."""
from __future__ import annotations

import itertools

from training.rule_files import default_rules
from training.rules import EvaluationFacts, TrainingRule, decide, looks_back


def ev(n, failed=(), score=85.0, auto_fail=False, language="en"):
    return EvaluationFacts(n, "alex", language, score, auto_fail, tuple(failed), f"chat-{n}", evaluation_id=100 + n)


HABIT = TrainingRule("greet-3-of-5", "Greeting habit", "criterion_failed", "etiquette", 14,
                     criterion_id="greeting", count=3, window=5, language="en")
ONCE = TrainingRule("low", "Low score", "score_below", "basics", 7, threshold=70.0)


def test_an_evaluation_no_windowed_rule_holds_on_does_not_look_back():
    assert not looks_back(ev(1, failed=("closing",), score=50.0), [HABIT, ONCE])
    assert not looks_back(ev(1, failed=("greeting",), language="zh"), [HABIT, ONCE])
    assert not looks_back(ev(1, failed=("greeting",)), [HABIT.__class__(**{**HABIT.__dict__, "active": False})])


def test_an_evaluation_a_windowed_rule_holds_on_looks_back():
    assert looks_back(ev(1, failed=("greeting",)), [ONCE, HABIT])
    assert looks_back(ev(1, failed=("greeting",), language=None), [HABIT], fallback_language="en")


def test_when_it_does_not_look_back_the_decisions_ignore_the_earlier_evaluations():
    rules = list(default_rules()) + [HABIT, ONCE]
    criteria = sorted({r.criterion_id for r in rules if r.criterion_id})
    earlier = [ev(n, failed=criteria, score=10.0) for n in range(2, 8)]
    checked = 0
    for failed, score, language in itertools.product([(), *((c,) for c in criteria)], (50.0, 90.0), ("en", "zh")):
        facts = ev(1, failed=failed, score=score, language=language)
        if not looks_back(facts, rules):
            checked += 1
            assert decide(facts, rules, recent=[facts, *earlier]) == decide(facts, rules, recent=())
    assert checked > 4
