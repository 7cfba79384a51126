"""Assignment rules: which training courses an agent's final evaluations trigger, and why.

A rule looks at one condition on a final evaluation (a total or section score below a
threshold, any critical failure, a criterion failed, customer sentiment or CSAT below a
threshold) and fires when the condition holds on the newest evaluation and on at least
`count` of the agent's last `window` final evaluations (that one included). Rules are data:
`training.rule_files` reads and writes them as YAML.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Iterable, Optional, Sequence

from training import reasons as say

KINDS = ("score_below", "section_below", "critical_failure", "criterion_failed", "sentiment_below", "csat_below")
# The range each threshold is read in: scores 0-100, customer sentiment -1..1, CSAT ratings 1-5.
THRESHOLD_RANGE = {"score_below": (0.0, 100.0), "section_below": (0.0, 100.0),
                   "sentiment_below": (-1.0, 1.0), "csat_below": (1.0, 5.0)}
MAX_WINDOW = 50  # the most final evaluations a rule may look back over
BASICS_THRESHOLD = 70.0


class RuleError(ValueError):
    """A rule definition is invalid; the message starts with the field path (e.g. `rules[2].threshold`)."""


@dataclass(frozen=True)
class TrainingRule:
    """When `kind` holds in `count` of an agent's last `window` final evaluations in `language`
    (None: any language), assign `course_code`, due in `due_days`, unless the agent was assigned
    the course less than `cooldown_days` ago. An inactive rule is kept but never fires.

    Kinds with a threshold: score_below, section_below (with `section_id`), sentiment_below,
    csat_below; criterion_failed needs `criterion_id`; critical_failure needs neither.
    """

    id: str
    name: str
    kind: str
    course_code: str
    due_days: int
    threshold: Optional[float] = None
    criterion_id: Optional[str] = None
    language: Optional[str] = None
    section_id: Optional[str] = None
    count: int = 1
    window: int = 1
    cooldown_days: int = 0
    active: bool = True

    def __post_init__(self) -> None:
        problem = rule_problem(self)
        if problem:
            field_name, message = problem
            raise RuleError(f"rule {self.id!r}.{field_name}: {message}")


@dataclass(frozen=True)
class EvaluationFacts:
    """What the rules look at in one final evaluation. `external_id` only makes reasons readable;
    `sections` holds (section id, score or None) pairs; `sentiment` is the customer's (-1..1)."""

    conversation_id: int
    agent: str
    language: Optional[str]
    score: float
    auto_fail: bool
    failed_criteria: tuple[str, ...] = ()
    external_id: Optional[str] = None
    evaluation_id: Optional[int] = None
    sections: tuple[tuple[str, Optional[float]], ...] = ()
    sentiment: Optional[float] = None
    csat: Optional[int] = None

    @property
    def conversation_label(self) -> str:
        return self.external_id or f"#{self.conversation_id}"

    def section_score(self, section_id: str) -> Optional[float]:
        return dict(self.sections).get(section_id)


@dataclass(frozen=True)
class AssignmentDecision:
    """One course to assign, with a one-sentence reason, the rule that decided it and the
    evaluations on which its condition held (newest first)."""

    course_code: str
    reason: str
    due_days: int
    rule_id: str
    evaluation_ids: tuple[int, ...] = ()
    cooldown_days: int = 0


def rule_problem(rule: Any) -> Optional[tuple[str, str]]:
    """(field, message) of the first thing wrong with `rule` (anything with a rule's fields), or None."""
    for check in (_text_problem, _kind_problem, _numbers_problem, _threshold_problem, _target_problem):
        problem = check(rule)
        if problem:
            return problem
    return None


def _text_problem(rule: Any) -> Optional[tuple[str, str]]:
    for name in ("id", "name", "course_code"):
        value = getattr(rule, name)
        if not isinstance(value, str) or not value.strip():
            return name, "must be a non-empty text"
    if rule.language is not None and (not isinstance(rule.language, str) or not rule.language.strip()):
        return "language", "must be a language code such as 'en' or 'zh', or absent for any language"
    if not isinstance(rule.active, bool):
        return "active", f"must be true or false, not {rule.active!r}"
    return None


def _kind_problem(rule: Any) -> Optional[tuple[str, str]]:
    if rule.kind not in KINDS:
        return "kind", f"must be one of {', '.join(KINDS)}, not {rule.kind!r}"
    return None


def _is_whole(value: object, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _numbers_problem(rule: Any) -> Optional[tuple[str, str]]:
    if not _is_whole(rule.due_days, 1):
        return "due_days", f"must be a whole number of days >= 1, not {rule.due_days!r}"
    if not _is_whole(rule.cooldown_days, 0):
        return "cooldown_days", f"must be a whole number of days >= 0, not {rule.cooldown_days!r}"
    if not _is_whole(rule.window, 1) or rule.window > MAX_WINDOW:
        return "window", f"must be a whole number of evaluations from 1 to {MAX_WINDOW}, not {rule.window!r}"
    if not _is_whole(rule.count, 1) or rule.count > rule.window:
        return "count", f"must be a whole number from 1 to the window ({rule.window}), not {rule.count!r}"
    return None


def _threshold_problem(rule: Any) -> Optional[tuple[str, str]]:
    bounds = THRESHOLD_RANGE.get(rule.kind)
    if bounds is None:
        if rule.threshold is not None:
            return "threshold", f"is not used by {rule.kind} rules"
        return None
    low, high = bounds
    if not is_number(rule.threshold) or not low <= rule.threshold <= high:
        return "threshold", f"must be a number from {low:g} to {high:g} for a {rule.kind} rule, not {rule.threshold!r}"
    return None


def _target_problem(rule: Any) -> Optional[tuple[str, str]]:
    for name, kind, what in (("criterion_id", "criterion_failed", "criterion"), ("section_id", "section_below", "section")):
        value = getattr(rule, name)
        if rule.kind == kind and not (isinstance(value, str) and value.strip()):
            return name, f"must name the {what} for a {kind} rule"
        if rule.kind != kind and value is not None:
            return name, f"is only used by {kind} rules, not {rule.kind}"
    return None


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


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


def holds(rule: TrainingRule, facts: EvaluationFacts) -> bool:
    """Whether the rule's condition holds on one evaluation (its window aside)."""
    if rule.kind == "score_below":
        # An auto-failed evaluation scores 0 because of the critical failure, not because of the
        # basics; critical_failure rules handle it, so a 0 here would only add a misleading course.
        return not facts.auto_fail and facts.score < rule.threshold
    if rule.kind == "section_below":
        section = facts.section_score(rule.section_id)
        return not facts.auto_fail and section is not None and section < rule.threshold
    if rule.kind == "critical_failure":
        return facts.auto_fail
    if rule.kind == "sentiment_below":
        return facts.sentiment is not None and facts.sentiment < rule.threshold
    if rule.kind == "csat_below":
        return facts.csat is not None and facts.csat < rule.threshold
    return rule.criterion_id in facts.failed_criteria


def _condition(rule: TrainingRule, facts: EvaluationFacts) -> str:
    """The condition as a sentence about the conversation, with the values `facts` had for it."""
    where = say.ON_CONVERSATION.format(conversation=facts.conversation_label)
    if rule.kind == "critical_failure":
        if facts.failed_criteria:
            return say.CRITICAL_FAILURE_NAMED.format(where=where, criteria=", ".join(facts.failed_criteria))
        return say.CRITICAL_FAILURE.format(where=where)
    return say.CONDITION_ON.format(phrase=_phrase(rule, facts), where=where)


def _phrase(rule: TrainingRule, facts: EvaluationFacts) -> str:
    if rule.kind == "score_below":
        return say.SCORE_BELOW.format(score=facts.score, threshold=rule.threshold)
    if rule.kind == "section_below":
        return say.SECTION_BELOW.format(section=rule.section_id, score=facts.section_score(rule.section_id),
                                        threshold=rule.threshold)
    if rule.kind == "sentiment_below":
        return say.SENTIMENT_BELOW.format(sentiment=facts.sentiment, threshold=rule.threshold)
    if rule.kind == "csat_below":
        return say.CSAT_BELOW.format(csat=facts.csat, threshold=rule.threshold)
    return say.CRITERION_FAILED.format(criterion=rule.criterion_id)


def _fires(rule: TrainingRule, facts: EvaluationFacts,
           recent: Sequence[EvaluationFacts]) -> Optional[tuple[str, tuple[int, ...]]]:
    """(reason, evaluation ids the condition held on) when `rule` fires for `facts`, else None.

    A rule with a window of one fires on any evaluation it holds on. A windowed rule counts
    `facts` and the `window - 1` final evaluations before it in `recent` (the agent's newest ones,
    newest first); an evaluation that is not in `recent` counts alone.
    """
    if not holds(rule, facts):
        return None
    if rule.window == 1:
        return _condition(rule, facts), _ids([facts])
    ids = [f.conversation_id for f in recent]
    start = ids.index(facts.conversation_id) if facts.conversation_id in ids else None
    newest = list(recent[start:start + rule.window]) if start is not None else [facts]
    held = [f for f in newest if holds(rule, f)]
    if len(held) < rule.count:
        return None
    labels = ", ".join(f.conversation_label for f in held)
    return (say.IN_WINDOW.format(condition=_condition(rule, facts), held=len(held), window=len(newest),
                                 conversations=labels), _ids(held))


def _ids(facts: Iterable[EvaluationFacts]) -> tuple[int, ...]:
    return tuple(f.evaluation_id for f in facts if f.evaluation_id is not None)


def decide(
    facts: EvaluationFacts,
    rules: Iterable[TrainingRule],
    *,
    fallback_language: Optional[str] = None,
    recent: Sequence[EvaluationFacts] = (),
) -> list[AssignmentDecision]:
    """Every course the firing active rules ask for, at most one decision per course.

    A rule with a language applies to conversations in that language ("zh" matches "zh-CN");
    a conversation without a language is matched as `fallback_language`. `recent` is the
    agent's newest final evaluations, newest first (what windowed rules count; see `_fires`).
    When several rules ask for the same course the shortest due date wins, ties going to the
    earlier rule. Decisions come in the order their course first fired.
    """
    language = facts.language or fallback_language
    chosen: dict[str, AssignmentDecision] = {}
    for rule in rules:
        if not rule.active or not _language_matches(rule, language):
            continue
        fired = _fires(rule, facts, recent)
        if fired is None:
            continue
        current = chosen.get(rule.course_code)
        if current is None or rule.due_days < current.due_days:
            chosen[rule.course_code] = AssignmentDecision(rule.course_code, fired[0], rule.due_days, rule.id,
                                                          fired[1], rule.cooldown_days)
    return list(chosen.values())


def looks_back(facts: EvaluationFacts, rules: Iterable[TrainingRule], *,
               fallback_language: Optional[str] = None) -> bool:
    """Whether deciding `facts` reads the agent's earlier evaluations (`decide`'s `recent`): only
    when an active windowed rule for its language holds on it. The others decide the same with
    any `recent`, so a batch needs the windows of these evaluations only."""
    language = facts.language or fallback_language
    return any(rule.active and rule.window > 1 and _language_matches(rule, language) and holds(rule, facts)
               for rule in rules)


def longest_window(rules: Iterable[TrainingRule]) -> int:
    """How many final evaluations per agent (the newest included) the active rules look at."""
    return max((r.window for r in rules if r.active), default=1)


def why_not(decision: AssignmentDecision, *, course_open: bool, last_assigned_at: Optional[datetime],
            evaluated_at: Optional[datetime], now: datetime) -> Optional[str]:
    """Why a decision must not become an assignment, or None when it may.

    "open": the agent has the course open (never twice). "cooldown": the agent's last assignment
    of the course (cancelled ones aside) is more recent than the rule's cooldown. "answered": that
    assignment came after the evaluation, so it already answered it; a nightly run over the same
    evaluations therefore assigns nothing twice, while a new evaluation, or a rule added since,
    can assign again.
    """
    if course_open:
        return "open"
    if last_assigned_at is None:
        return None
    if decision.cooldown_days > 0 and now - last_assigned_at < timedelta(days=decision.cooldown_days):
        return "cooldown"
    if evaluated_at is not None and evaluated_at <= last_assigned_at:
        return "answered"
    return None


def describe(rule: TrainingRule) -> str:
    """The rule's condition in a few English words (the command line's listing)."""
    what = {"score_below": lambda r: f"score below {r.threshold:g}",
            "section_below": lambda r: f"section {r.section_id} below {r.threshold:g}",
            "critical_failure": lambda r: "any critical failure",
            "criterion_failed": lambda r: f"criterion {r.criterion_id} failed",
            "sentiment_below": lambda r: f"customer sentiment below {r.threshold:+g}",
            "csat_below": lambda r: f"CSAT below {r.threshold:g}"}[rule.kind](rule)
    if rule.window > 1:
        what += f" in {rule.count} of the last {rule.window}"
    return what
