"""Small composable validators for check parameters; each returns (relative path, message) problems."""
from __future__ import annotations

import math
import re
from typing import Callable, Iterable, Mapping, Optional

from scoring.checks.base import Problems
from scoring.text import PhraseMatcher, normalise

Rule = Callable[[object], Problems]  # paths returned are "" or start with "." or "["


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def positive_int(value: object) -> Problems:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return []
    return [("", "must be a positive integer")]


def boolean(value: object) -> Problems:
    return [] if isinstance(value, bool) else [("", "must be true or false")]


def text(value: object) -> Problems:
    if isinstance(value, str) and value.strip():
        return []
    return [("", "must be a non-empty string")]


def non_negative_int(value: object) -> Problems:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return []
    return [("", "must be a whole number, 0 or more")]


def number(low: Optional[float] = None, high: Optional[float] = None, positive: bool = False) -> Rule:
    """A finite number, optionally within low..high (inclusive; either bound alone is allowed too)
    or strictly above zero."""

    def rule(value: object) -> Problems:
        if not _is_number(value):
            return [("", "must be a number")]
        if positive and value <= 0:
            return [("", "must be a positive number")]
        if low is not None and high is not None and not low <= value <= high:
            return [("", f"must be between {low:g} and {high:g}")]
        if low is not None and high is None and value < low:
            return [("", f"must be at least {low:g}")]
        if high is not None and low is None and value > high:
            return [("", f"must be at most {high:g}")]
        return []

    return rule


def choice(*options: str) -> Rule:
    def rule(value: object) -> Problems:
        if value in options:
            return []
        return [("", f"must be one of {', '.join(options)}")]

    return rule


def names(*options: str) -> Rule:
    """A non-empty list of distinct names, each one of `options`."""

    def rule(value: object) -> Problems:
        if not isinstance(value, (list, tuple)) or not value:
            return [("", f"must be a non-empty list of: {', '.join(options)}")]
        problems: Problems = []
        for i, item in enumerate(value):
            if item not in options:
                problems.append((f"[{i}]", f"must be one of {', '.join(options)}"))
            elif item in value[:i]:
                problems.append((f"[{i}]", f"{item} is listed twice"))
        return problems

    return rule


def texts(value: object) -> Problems:
    """A non-empty list of non-empty strings (names, not phrases: no normalisation)."""
    if not isinstance(value, (list, tuple)) or not value:
        return [("", "must be a non-empty list of strings")]
    return [(f"[{i}]", msg) for i, item in enumerate(value) for _, msg in text(item)]


def mapping_of(value_rule: Rule) -> Rule:
    """A non-empty mapping from non-empty string keys to values that follow `value_rule`."""

    def rule(value: object) -> Problems:
        if not isinstance(value, Mapping) or not value:
            return [("", "must be a non-empty mapping")]
        problems: Problems = []
        for key, item in value.items():
            if not isinstance(key, str) or not key.strip():
                problems.append(("", f"key {key!r} must be a non-empty string"))
            else:
                problems.extend((f".{key}{path}", msg) for path, msg in value_rule(item))
        return problems

    return rule


def phrases(value: object) -> Problems:
    """A non-empty list of strings, each with letters or digits left after normalisation."""
    if not isinstance(value, (list, tuple)) or not value:
        return [("", "must be a non-empty list of phrases")]
    problems: Problems = []
    for i, item in enumerate(value):
        if not isinstance(item, str):
            problems.append((f"[{i}]", "must be a string (quote numbers and yes/no in YAML)"))
        elif not normalise(item):
            problems.append((f"[{i}]", "has no letters or digits"))
    return problems


def regexes(value: object) -> Problems:
    """A list of regular expressions that compile (as they will be combined by the matcher)."""
    if not isinstance(value, (list, tuple)):
        return [("", "must be a list of regular expressions")]
    problems: Problems = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item:
            problems.append((f"[{i}]", "must be a non-empty string"))
            continue
        try:
            PhraseMatcher((), (item,))
        except re.error as exc:
            problems.append((f"[{i}]", f"is not a valid regular expression ({exc})"))
    return problems


def fields(spec: Mapping[str, Rule], required: Iterable[str] = (), value: object = None) -> Problems:
    """Problems of a parameter mapping: unknown keys, missing required keys, each value's rule."""
    if not isinstance(value, Mapping):
        return [("", "must be a mapping")]
    problems: Problems = []
    for key in value:
        if key not in spec:
            problems.append((f".{key}", f"unknown parameter (expected one of: {', '.join(spec)})"))
    for key in required:
        if key not in value:
            problems.append((f".{key}", "is required"))
    for key, rule in spec.items():
        if key in value:
            problems.extend((f".{key}{path}", msg) for path, msg in rule(value[key]))
    return problems


def record(spec: Mapping[str, Rule], required: Iterable[str] = (), any_of: Iterable[str] = ()) -> Rule:
    """A nested mapping parameter; `any_of` lists keys of which at least one must be present."""
    required, any_of = tuple(required), tuple(any_of)

    def rule(value: object) -> Problems:
        problems = fields(spec, required, value)
        if isinstance(value, Mapping) and any_of and not any(k in value for k in any_of):
            problems.append(("", f"needs at least one of: {', '.join(any_of)}"))
        return problems

    return rule


def list_of(item_rule: Rule) -> Rule:
    def rule(value: object) -> Problems:
        if not isinstance(value, (list, tuple)) or not value:
            return [("", "must be a non-empty list")]
        problems: Problems = []
        for i, item in enumerate(value):
            problems.extend((f"[{i}]{path}", msg) for path, msg in item_rule(item))
        return problems

    return rule


def schema(
    spec: Mapping[str, Rule],
    required: Iterable[str] = (),
    exclusive: Iterable[tuple[str, str]] = (),
    extra: Optional[Callable[[Mapping[str, object]], Problems]] = None,
) -> Callable[[Mapping[str, object]], Problems]:
    """A check type's validator: paths come back without the leading dot (e.g. "phrases[2]")."""
    required, exclusive = tuple(required), tuple(exclusive)

    def validate(params: Mapping[str, object]) -> Problems:
        problems = fields(spec, required, params)
        for a, b in exclusive:
            if a in params and b in params:
                problems.append((f".{b}", f"cannot be used together with {a}"))
        if extra is not None and not problems:
            problems.extend(extra(params))
        return [(path.lstrip("."), msg) for path, msg in problems]

    return validate
