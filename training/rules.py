"""Assignment rules: which training courses an evaluation's outcome triggers, and why."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, Iterable, Mapping, Optional, Sequence

KINDS = ("score_below", "critical_failure", "criterion_failed")
BASICS_THRESHOLD = 70.0


class RuleError(ValueError):
    """A rule definition is invalid; the message starts with the field path (e.g. `rules[2].threshold`)."""


@dataclass(frozen=True)
class TrainingRule:
    """When `kind` fires for a conversation in `language` (None: any language), assign `course_code`.

    kind "score_below" needs `threshold` (0-100); kind "criterion_failed" needs `criterion_id`.
    """

    id: str
    name: str
    kind: str
    course_code: str
    due_days: int
    threshold: Optional[float] = None
    criterion_id: Optional[str] = None
    language: Optional[str] = None

    def __post_init__(self) -> None:
        problem = _rule_problem(self)
        if problem:
            field_name, message = problem
            raise RuleError(f"rule {self.id!r}.{field_name}: {message}")


@dataclass(frozen=True)
class EvaluationFacts:
    """What the rules look at in one final evaluation. `external_id` only makes reasons readable."""

    conversation_id: int
    agent: str
    language: Optional[str]
    score: float
    auto_fail: bool
    failed_criteria: tuple[str, ...] = ()
    external_id: Optional[str] = None

    @property
    def conversation_label(self) -> str:
        return self.external_id or f"#{self.conversation_id}"


@dataclass(frozen=True)
class AssignmentDecision:
    """One course to assign, with a one-sentence reason and the rule that decided it."""

    course_code: str
    reason: str
    due_days: int
    rule_id: str


def _rule_problem(rule: Any) -> Optional[tuple[str, str]]:
    """(field, message) of the first thing wrong with `rule`, or None."""
    for name in ("id", "name", "course_code"):
        value = getattr(rule, name)
        if not isinstance(value, str) or not value.strip():
            return name, "must be a non-empty text"
    if rule.kind not in KINDS:
        return "kind", f"must be one of {', '.join(KINDS)}, not {rule.kind!r}"
    if isinstance(rule.due_days, bool) or not isinstance(rule.due_days, int) or rule.due_days < 1:
        return "due_days", f"must be a whole number of days >= 1, not {rule.due_days!r}"
    if rule.kind == "score_below" and not _is_score(rule.threshold):
        return "threshold", f"must be a number between 0 and 100 for a score_below rule, not {rule.threshold!r}"
    if rule.kind != "score_below" and rule.threshold is not None:
        return "threshold", f"is only used by score_below rules, not {rule.kind}"
    if rule.kind == "criterion_failed" and not (isinstance(rule.criterion_id, str) and rule.criterion_id.strip()):
        return "criterion_id", "must name the criterion for a criterion_failed rule"
    if rule.kind != "criterion_failed" and rule.criterion_id is not None:
        return "criterion_id", f"is only used by criterion_failed rules, not {rule.kind}"
    if rule.language is not None and (not isinstance(rule.language, str) or not rule.language.strip()):
        return "language", "must be a language code such as 'en' or 'zh', or absent for any language"
    return None


def _is_score(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 100


@lru_cache(maxsize=256)  # a scoring batch asks this for every rule of every conversation
def _primary_language(code: Optional[str]) -> Optional[str]:
    """'zh-CN' and 'zh_Hans' both match a rule for 'zh'."""
    if not code:
        return None
    return code.replace("_", "-").split("-")[0].strip().lower() or None


def _language_matches(rule: TrainingRule, language: Optional[str]) -> bool:
    if rule.language is None:
        return True
    return _primary_language(rule.language) == _primary_language(language)


def _fires(rule: TrainingRule, facts: EvaluationFacts) -> Optional[str]:
    """The reason `rule` fires for `facts`, or None when it does not."""
    where = f"on conversation {facts.conversation_label}"
    if rule.kind == "score_below":
        # An auto-failed evaluation scores 0 because of the critical failure, not because of the
        # basics; critical_failure rules handle it, so a 0 here would only add a misleading course.
        if not facts.auto_fail and facts.score < rule.threshold:
            return f"score {facts.score:.1f} below {rule.threshold:g} {where}"
        return None
    if rule.kind == "critical_failure":
        if not facts.auto_fail:
            return None
        failed = f" (failed: {', '.join(facts.failed_criteria)})" if facts.failed_criteria else ""
        return f"critical failure {where}{failed}"
    if rule.criterion_id in facts.failed_criteria:
        return f"criterion {rule.criterion_id} failed {where}"
    return None


def decide(
    facts: EvaluationFacts,
    rules: Iterable[TrainingRule],
    *,
    fallback_language: Optional[str] = None,
) -> list[AssignmentDecision]:
    """Every course the firing rules ask for, at most one decision per course.

    A rule with a language applies to conversations in that language ("zh" matches "zh-CN");
    a conversation without a language is matched as `fallback_language`. When several rules
    ask for the same course the shortest due date wins, ties going to the earlier rule.
    Decisions come in the order their course first fired.
    """
    language = facts.language or fallback_language
    chosen: dict[str, AssignmentDecision] = {}
    for rule in rules:
        if not _language_matches(rule, language):
            continue
        reason = _fires(rule, facts)
        if reason is None:
            continue
        current = chosen.get(rule.course_code)
        if current is None or rule.due_days < current.due_days:
            chosen[rule.course_code] = AssignmentDecision(rule.course_code, reason, rule.due_days, rule.id)
    return list(chosen.values())


def default_rules(languages: Sequence[str] = ("en", "zh"), due_days: int = 14) -> tuple[TrainingRule, ...]:
    """The shipped rule set, per language: basics below 70, compliance on any critical failure,
    empathy when the empathy criterion fails, and after-sales (三查三核) when sancha_sanhe fails.

    Courses are due in `due_days` (the instance's QADESK_TRAINING_DUE_DAYS); compliance courses,
    which follow a critical failure, in half that time (at least a day).

    Single missed greetings or closings assign nothing on their own: one slip is coaching, and
    a pattern of them pulls the score under 70, which assigns the basics course anyway.
    """
    rules: list[TrainingRule] = []
    days, urgent = due_days, max(1, due_days // 2)
    for lang in languages:
        rules += [
            TrainingRule(f"basics-{lang}", "Score below 70", "score_below", f"qa-basics-{lang}", days,
                         threshold=BASICS_THRESHOLD, language=lang),
            TrainingRule(f"compliance-{lang}", "Critical failure", "critical_failure", f"compliance-{lang}", urgent,
                         language=lang),
            TrainingRule(f"forbidden-{lang}", "Forbidden phrase used", "criterion_failed", f"compliance-{lang}", urgent,
                         criterion_id="forbidden_phrases", language=lang),
            TrainingRule(f"empathy-{lang}", "Empathy missing", "criterion_failed", f"empathy-{lang}", days,
                         criterion_id="empathy", language=lang),
            TrainingRule(f"aftersales-{lang}", "Order, logistics and problem not verified", "criterion_failed",
                         f"aftersales-{lang}", days, criterion_id="sancha_sanhe", language=lang),
        ]
    return tuple(rules)


_FIELDS = ("id", "name", "kind", "course_code", "due_days", "threshold", "criterion_id", "language")
_REQUIRED = ("id", "name", "kind", "course_code", "due_days")


def parse_rule(data: Any, path: str = "rule") -> TrainingRule:
    """A TrainingRule from a plain mapping (YAML/JSON/form data); RuleError names `path.field`."""
    if not isinstance(data, Mapping):
        raise RuleError(f"{path}: must be a mapping of rule fields, not {type(data).__name__}")
    unknown = sorted(str(k) for k in data if k not in _FIELDS)
    if unknown:
        raise RuleError(f"{path}.{unknown[0]}: unknown field (known: {', '.join(_FIELDS)})")
    missing = [k for k in _REQUIRED if data.get(k) is None]
    if missing:
        raise RuleError(f"{path}.{missing[0]}: is required")
    values = {k: data.get(k) for k in _FIELDS}
    if _is_score(values["threshold"]):
        values["threshold"] = float(values["threshold"])
    # Checked before construction so the error names the caller's path, not the rule id.
    problem = _rule_problem(SimpleNamespace(**values))
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
