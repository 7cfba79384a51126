"""Which results of an evaluation a person changed, by whom and why: read from its chain of evaluations."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence


@dataclass(frozen=True)
class Decided:
    """One evaluation of a chain: who decided it (None for automatic scoring) and, per criterion
    id, its (result, comment)."""

    by: Optional[str]
    results: Mapping[str, tuple[str, str]]


@dataclass(frozen=True)
class Override:
    """A criterion whose result differs from the automatic one: the automatic result it replaced,
    who first set the result it has now, and the comment they gave."""

    criterion_id: str
    automatic: str
    by: str
    reason: str


def overrides(chain: Sequence[Decided]) -> dict[str, Override]:
    """The changed criteria of chain[0], the newest evaluation, by criterion id.

    `chain` runs from the newest evaluation back through what each was based on to the automatic
    one (the last). A result counts as overridden when it differs from the last evaluation's; the
    override is credited to the oldest evaluation of the unbroken run that has had that result
    since, so a later reviewer who only agreed does not take the first one's place.
    """
    if len(chain) < 2:
        return {}
    automatic = chain[-1].results
    found = {}
    for criterion_id, (result, comment) in chain[0].results.items():
        if criterion_id not in automatic or automatic[criterion_id][0] == result:
            continue
        by, reason = chain[0].by, comment
        for older in chain[1:-1]:
            if older.results.get(criterion_id, ("", ""))[0] != result:
                break
            by, reason = older.by, older.results[criterion_id][1] or reason
        found[criterion_id] = Override(criterion_id, automatic[criterion_id][0], by or "", reason)
    return found
