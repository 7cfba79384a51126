"""Training rules as data: the shipped rule set, and rules read from and written to YAML.

A rule file is a mapping with one key, `rules`, holding a list of rule mappings whose fields
are those of `training.rules.TrainingRule`. Errors name the file and the field path
(`rules.yaml: rules[2].threshold: ...`); nothing is half-read.
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Mapping, Sequence

import yaml

from training.rules import BASICS_THRESHOLD, RuleError, TrainingRule, is_number, rule_problem
from training.yaml_source import load_yaml

FIELDS = ("id", "name", "kind", "course_code", "due_days", "threshold", "criterion_id", "section_id",
          "language", "count", "window", "cooldown_days", "active")
_REQUIRED = ("id", "name", "kind", "course_code", "due_days")
_DEFAULTS = {"count": 1, "window": 1, "cooldown_days": 0, "active": True}
HABIT = (3, 5)  # a shipped habit rule fires when a criterion failed in 3 of the agent's last 5 evaluations
SHIPPED_COOLDOWN_DAYS = 0  # why_not's "answered" already keeps an answered evaluation from assigning again


def default_rules(languages: Sequence[str] = ("en", "zh"), due_days: int = 14) -> tuple[TrainingRule, ...]:
    """The shipped rule set, per language: basics below 70, compliance on any critical failure
    or forbidden phrase, empathy when the empathy criterion fails, after-sales (三查三核) when
    sancha_sanhe fails, complaint handling when a customer asking for a manager or to complain
    was not offered escalation, and etiquette when greetings or closings are a habit (missed in
    3 of the agent's last 5 final evaluations). CSAT rules are the instance's to add: see
    docs/courses.md for examples.

    Courses are due in `due_days` (the instance's QADESK_TRAINING_DUE_DAYS); compliance courses,
    which follow a critical failure, in half that time (at least a day). No shipped rule has a
    cooldown (SHIPPED_COOLDOWN_DAYS): an evaluation that the agent's last course of the kind came
    after never assigns it again, and a new failure after the course is a reason to take it
    again; an instance sets cooldown_days where it wants a rest between courses.

    A single missed greeting or closing assigns nothing on its own: one slip is coaching.
    """
    rules: list[TrainingRule] = []
    days, urgent, rest = due_days, max(1, due_days // 2), SHIPPED_COOLDOWN_DAYS
    for lang in languages:
        rules += [
            TrainingRule(f"basics-{lang}", "Score below 70", "score_below", f"qa-basics-{lang}", days,
                         threshold=BASICS_THRESHOLD, language=lang, cooldown_days=rest),
            TrainingRule(f"compliance-{lang}", "Critical failure", "critical_failure", f"compliance-{lang}", urgent,
                         language=lang, cooldown_days=rest),
            TrainingRule(f"forbidden-{lang}", "Forbidden phrase used", "criterion_failed", f"compliance-{lang}", urgent,
                         criterion_id="forbidden_phrases", language=lang, cooldown_days=rest),
            TrainingRule(f"empathy-{lang}", "Empathy missing", "criterion_failed", f"empathy-{lang}", days,
                         criterion_id="empathy", language=lang, cooldown_days=rest),
            TrainingRule(f"aftersales-{lang}", "Order, logistics and problem not verified", "criterion_failed",
                         f"aftersales-{lang}", days, criterion_id="sancha_sanhe", language=lang, cooldown_days=rest),
            TrainingRule(f"complaints-{lang}", "Escalation not offered", "criterion_failed", f"complaints-{lang}",
                         days, criterion_id="escalation", language=lang, cooldown_days=rest),
        ]
        rules += [TrainingRule(f"{criterion}-{lang}", f"{title} missed in {HABIT[0]} of the last {HABIT[1]}",
                               "criterion_failed", f"etiquette-{lang}", days, criterion_id=criterion, count=HABIT[0],
                               window=HABIT[1], language=lang, cooldown_days=rest)
                  for criterion, title in (("greeting", "Greeting"), ("closing", "Closing"))]
    return tuple(rules)


def parse_rule(data: Any, path: str = "rule") -> TrainingRule:
    """A TrainingRule from a plain mapping (YAML/JSON/form data); RuleError names `path.field`."""
    if not isinstance(data, Mapping):
        raise RuleError(f"{path}: must be a mapping of rule fields, not {type(data).__name__}")
    unknown = sorted(str(k) for k in data if k not in FIELDS)
    if unknown:
        raise RuleError(f"{path}.{unknown[0]}: unknown field (known: {', '.join(FIELDS)})")
    missing = [k for k in _REQUIRED if data.get(k) is None]
    if missing:
        raise RuleError(f"{path}.{missing[0]}: is required")
    values = {k: data.get(k, _DEFAULTS.get(k)) for k in FIELDS}
    if is_number(values["threshold"]):
        values["threshold"] = float(values["threshold"])
    # Checked before construction so the error names the caller's path, not the rule id.
    problem = rule_problem(SimpleNamespace(**values))
    if problem:
        raise RuleError(f"{path}.{problem[0]}: {problem[1]}")
    return TrainingRule(**values)


def parse_rules(items: Any, path: str = "rules") -> tuple[TrainingRule, ...]:
    """Rules from a list of mappings; ids must be unique."""
    if not isinstance(items, Sequence) or isinstance(items, (str, bytes)):
        raise RuleError(f"{path}: must be a list of rules")
    rules = tuple(parse_rule(item, f"{path}[{i}]") for i, item in enumerate(items))
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        if rule.id in seen:
            raise RuleError(f"{path}[{i}].id: duplicate rule id {rule.id!r}")
        seen.add(rule.id)
    return rules


def parse_rules_yaml(text: str, source: str) -> tuple[TrainingRule, ...]:
    """The rules of a rule file's text; errors start with `source` (and the line for bad YAML)."""
    data = load_yaml(text, source, RuleError)
    if not isinstance(data, Mapping) or set(data) != {"rules"}:
        raise RuleError(f"{source}: must be a mapping with one key, rules, holding the list of rules")
    try:
        return parse_rules(data["rules"])
    except RuleError as exc:
        raise RuleError(f"{source}: {exc}") from None


def rule_to_mapping(rule: TrainingRule) -> dict:
    """The rule's fields in file order, leaving out empty ones and those at their default."""
    out = {}
    for name in FIELDS:
        value = getattr(rule, name)
        if value is None or (name in _DEFAULTS and value == _DEFAULTS[name]):
            continue
        out[name] = int(value) if name == "threshold" and float(value).is_integer() else value
    return out


def rules_yaml(rules: Sequence[TrainingRule]) -> str:
    """A rule file that `parse_rules_yaml` reads back as `rules`."""
    return yaml.safe_dump({"rules": [rule_to_mapping(r) for r in rules]}, allow_unicode=True, sort_keys=False,
                          width=100)
