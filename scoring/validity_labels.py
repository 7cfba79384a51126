"""Reviewer labels of conversations and the mapping of label criteria to scorecard criteria.

The label format is the one of the QA Desk development set (../shared/data/qa_dev/README.md): a
JSON object `{conversation id: label}`, each label with any of `verdict`, `expected_score_band`,
`auto_fail`, `criteria` and `why`. Parsing never guesses: a bad value raises LabelsError naming
the file, the line of the label and the field.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from numbers import Real
from typing import Mapping, Optional

import yaml

from scoring.mood import MOOD_LABELS

VERDICTS = ("good", "average", "bad")
CRITERION_VALUES = ("pass", "fail", "na")
#: the label criterion compared with the conversation's stored end mood, not with a scorecard criterion
SENTIMENT_CRITERION = "customer_sentiment_end"
#: label criterion -> the scorecard criteria that decide it (a failed one fails it; none present = "na")
DEFAULT_MAPPING: Mapping[str, tuple[str, ...]] = {
    "greeting": ("greeting",),
    "empathy": ("empathy",),
    "forbidden_language": ("forbidden_phrases",),
    "data_handling": ("data_handling",),
    "escalation": ("escalation",),
    "closing": ("closing",),
    "three_checks": ("sancha_sanhe",),
    "return_policy": ("return_policy",),
}
LABEL_FIELDS = ("verdict", "expected_score_band", "auto_fail", "criteria", "why")


class LabelsError(ValueError):
    """A labels or mapping file that cannot be used; the message names the file, line and field."""


@dataclass(frozen=True)
class Label:
    """One reviewer's judgement of one conversation; a field left out of the file is None (or empty)
    and that conversation is then left out of the figures that need it."""

    conversation_id: str
    verdict: Optional[str] = None
    band: Optional[tuple[float, float]] = None
    auto_fail: Optional[bool] = None
    criteria: Mapping[str, str] = field(default_factory=dict)
    why: str = ""


def parse_labels(text: str, source: str = "labels",
                 mapping: Mapping[str, tuple[str, ...]] = DEFAULT_MAPPING) -> dict[str, Label]:
    """Labels by conversation id from the JSON text of a labels file.

    Criteria must be keys of `mapping` (pass/fail/na) or customer_sentiment_end
    (positive/neutral/negative); any other criterion, value or field is an error, so a typo
    is never silently ignored.
    """
    try:
        document = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise LabelsError(f"{source}, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})") from None
    if not isinstance(document, dict):
        raise LabelsError(f"{source}: expected a JSON object {{conversation id: label}}, "
                          f"not a {type(document).__name__}")
    if not document:
        raise LabelsError(f"{source}: no labels")
    lines = _key_lines(text, document)
    return {cid: _label(cid, raw, f"{source}, line {lines[cid]} (label {cid!r})", mapping)
            for cid, raw in document.items()}


def _key_lines(text: str, document: dict) -> dict[str, int]:
    """The line on which each top-level key first appears (good enough to point a person at it)."""
    lines, position = {}, 0
    for key in document:
        found = text.find(json.dumps(key), position)
        if found < 0:
            found = text.find(json.dumps(key, ensure_ascii=False), position)
        position = max(position, found)
        lines[key] = text.count("\n", 0, max(found, 0)) + 1
    return lines


def _label(cid: str, raw: object, where: str, mapping: Mapping[str, tuple[str, ...]]) -> Label:
    if not isinstance(raw, dict):
        raise LabelsError(f"{where}: a label must be a JSON object, not {json.dumps(raw)[:40]}")
    unknown = sorted(set(raw) - set(LABEL_FIELDS))
    if unknown:
        raise LabelsError(f"{where}, field {unknown[0]!r}: unknown field (a label has {', '.join(LABEL_FIELDS)})")
    if not any(raw.get(name) is not None for name in LABEL_FIELDS[:4]):
        raise LabelsError(f"{where}: nothing to compare (give a verdict, expected_score_band, auto_fail or criteria)")
    why = raw.get("why", "")
    if not isinstance(why, str):
        raise LabelsError(f"{where}, field 'why': must be text")
    return Label(cid, _choice(raw.get("verdict"), VERDICTS, f"{where}, field 'verdict'"),
                 _band(raw.get("expected_score_band"), f"{where}, field 'expected_score_band'"),
                 _flag(raw.get("auto_fail"), f"{where}, field 'auto_fail'"),
                 _criteria(raw.get("criteria"), where, mapping), why)


def _choice(value: object, allowed: tuple[str, ...], where: str) -> Optional[str]:
    if value is None or value in allowed:
        return value
    raise LabelsError(f"{where}: {json.dumps(value, ensure_ascii=False)} is not one of {', '.join(allowed)}")


def _band(value: object, where: str) -> Optional[tuple[float, float]]:
    if value is None:
        return None
    numbers = isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value)
    if not numbers or not 0 <= value[0] <= value[1] <= 100:
        raise LabelsError(f"{where}: {json.dumps(value)} is not [lo, hi] with 0 <= lo <= hi <= 100")
    return float(value[0]), float(value[1])


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _flag(value: object, where: str) -> Optional[bool]:
    if value is None or isinstance(value, bool):
        return value
    raise LabelsError(f"{where}: {json.dumps(value)} is not true or false")


def _criteria(value: object, where: str, mapping: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise LabelsError(f"{where}, field 'criteria': must be an object {{criterion: value}}")
    criteria = {}
    for name, given in value.items():
        here = f"{where}, field 'criteria.{name}'"
        if name == SENTIMENT_CRITERION:
            allowed = MOOD_LABELS
        elif name in mapping:
            allowed = CRITERION_VALUES
        else:
            known = ", ".join([*mapping, SENTIMENT_CRITERION])
            raise LabelsError(f"{here}: unknown criterion (known: {known}; map others with --mapping)")
        criteria[name] = _choice(given, allowed, here)
    return criteria


def parse_mapping(text: str, source: str = "mapping") -> dict[str, tuple[str, ...]]:
    """A mapping file (YAML or JSON): `label criterion: scorecard criterion id` or a list of ids.

    The file replaces the default mapping as a whole, so a criterion left out of it is unknown.
    """
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise LabelsError(f"{source}{line}: not valid YAML or JSON ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(document, dict) or not document:
        raise LabelsError(f"{source}: expected a mapping {{label criterion: scorecard criterion id or list of ids}}")
    mapping = {}
    for name, target in document.items():
        ids = [target] if isinstance(target, str) else target
        if not isinstance(name, str) or name == SENTIMENT_CRITERION or not isinstance(ids, list) or not ids \
                or not all(isinstance(i, str) and i.strip() for i in ids):
            raise LabelsError(f"{source}, criterion {name!r}: map a label criterion to a scorecard criterion id "
                              f"or a list of ids ({SENTIMENT_CRITERION} always reads the stored mood)")
        mapping[name] = tuple(i.strip() for i in ids)
    return mapping
