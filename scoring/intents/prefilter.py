"""Necessary literals of a regular expression: strings of which every match contains at least one.

A rule's regex costs about 100 us on an English turn (it is tried at every position); checking a
handful of literals with `in` costs well under a microsecond, so the rules only run a regex on the
turns that hold one of its literals. Derived from the parsed pattern, so it never drifts from the
rules: a pattern part that the analysis does not understand (a lookaround, a wide character class)
simply gives no literal, and a rule without necessary literals always runs.
"""
from __future__ import annotations

from typing import Callable, Iterable, Optional

try:  # Python 3.11+
    from re import _constants as _c, _parser as _p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

Literals = Optional[frozenset[str]]
Weight = Callable[[str], float]  # how often a literal occurs in ordinary turns (lower: more selective)
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | ({_c.POSSESSIVE_REPEAT} if hasattr(_c, "POSSESSIVE_REPEAT") else set())


def by_length(literal: str) -> float:
    """The default weight: shorter literals are taken to be commoner."""
    return 1.0 / max(1, len(literal.strip()))


def necessary_literals(pattern: str, weight: Weight = by_length) -> Literals:
    """Strings of which every match of `pattern` contains one, or None when none can be told. Of
    a concatenation's mandatory parts, the one whose literals weigh least in total is kept."""
    try:
        return _sequence(list(_p.parse(pattern)), weight)
    except Exception:  # an odd pattern: no literals, so the rule always runs
        return None


def union(sets: Iterable[Literals]) -> Literals:
    """The literals of an alternation: None as soon as one branch has none."""
    out: set[str] = set()
    for found in sets:
        if found is None:
            return None
        out |= found
    return frozenset(out)


_ZERO_WIDTH = {_c.ASSERT, _c.ASSERT_NOT, _c.AT}


def _sequence(items: list, weight: Weight) -> Literals:
    """Of a concatenation: the mandatory part with the lightest literals."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    before = ""  # the literal run just before, looking past zero-width parts such as (?<=^ )
    for op, arg in items:
        if op is _c.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            before = "".join(run)
            candidates.append(frozenset([before]))
            run = []
        if op in _ZERO_WIDTH:
            continue
        # A run followed by a part that starts with known strings: their joins are rarer still
        # (" " + "anything" finds a word start, which "anything" alone does not).
        starts = _leading(op, arg) if before else None
        if starts:
            candidates.append(frozenset(before + start for start in starts))
        before = ""
        found = _node(op, arg, weight)
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset(["".join(run)]))
    if not candidates:
        return None
    return min(candidates, key=lambda s: (sum(map(weight, s)), len(s)))


def _node(op, arg, weight: Weight) -> Literals:
    if op is _c.SUBPATTERN:
        return _sequence(list(arg[-1]), weight)
    if op is _c.BRANCH:
        return union(_sequence(list(branch), weight) for branch in arg[1])
    if op in _REPEATS:
        low, _high, item = arg
        return _sequence(list(item), weight) if low >= 1 else None
    if op is _c.IN and all(kind is _c.LITERAL for kind, _ in arg) and len(arg) <= 4:
        return frozenset(chr(value) for _, value in arg)
    return None


def _leading(op, arg) -> Literals:
    """The strings every match of one pattern part starts with (one of them), or None."""
    if op is _c.LITERAL:
        return frozenset([chr(arg)])
    if op is _c.SUBPATTERN:
        return _leading_of(list(arg[-1]))
    if op is _c.BRANCH:
        return union(_leading_of(list(branch)) for branch in arg[1])
    if op is _c.IN and all(kind is _c.LITERAL for kind, _ in arg) and len(arg) <= 4:
        return frozenset(chr(value) for _, value in arg)
    return None


def _leading_of(items: list) -> Literals:
    """Of a concatenation: its leading literal run, or the leading strings of its first part."""
    run = []
    for op, arg in items:
        if op is not _c.LITERAL:
            break
        run.append(chr(arg))
    if run:
        return frozenset(["".join(run)])
    return _leading(*items[0]) if items else None

