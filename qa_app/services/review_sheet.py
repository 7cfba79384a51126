"""What a page shows of an evaluation's criteria: titles in the reader's language, weights, and who
overrode which automatic result and why (read only; the review, conversation and dispute pages)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from flask_babel import gettext

from qa_app.extensions import db
from qa_app.models import Evaluation, ScorecardVersion
from scoring.overrides import Decided, Override, overrides

#: how far back through based_on a chain is followed (a guard against a damaged, looping chain)
MAX_CHAIN = 50


@dataclass(frozen=True)
class CriterionInfo:
    """One criterion as the page names it: its title and its section's (translated through the
    catalogue, so the shipped English scorecards read in Chinese; a title written in Chinese stays
    as written), and the override of its automatic result, if any."""

    title: str
    section: str
    override: Optional[Override] = None


def translated(title: str) -> str:
    """A scorecard title in the request's language: the catalogue's entry for it (the shipped
    scorecards' titles are extracted into the catalogue), else the title as written."""
    return gettext(title) if title else title


def criterion_titles(version_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    """(scorecard version id, criterion id) -> the criterion's title in the reader's language, for the
    given versions (read from the stored definitions, not parsed: a version that no longer
    validates still names its criteria; a criterion without a title is left out, its id shows)."""
    ids = [i for i in version_ids if i is not None]
    if not ids:
        return {}
    out = {}
    for version_id, definition in db.session.execute(db.select(ScorecardVersion.id, ScorecardVersion.definition)
                                                     .where(ScorecardVersion.id.in_(ids))):
        out.update({(version_id, c): title for c, title in _definition_titles(definition)[0].items() if title})
    return out


def _definition_titles(definition: Optional[dict]) -> tuple[dict[str, str], dict[str, str]]:
    """(criterion id -> title, section id -> title) of a stored scorecard definition, translated."""
    criteria, sections = {}, {}
    for section in (definition or {}).get("sections") or ():
        sections[section.get("id")] = translated(section.get("title") or "")
        for criterion in section.get("criteria") or ():
            criteria[criterion.get("id")] = translated(criterion.get("title") or "")
    return criteria, sections


def titles(ev: Evaluation) -> tuple[dict[str, str], dict[str, str]]:
    """(criterion id -> title, section id -> title) of the scorecard version the evaluation used."""
    return _definition_titles(ev.scorecard_version.definition)


def criterion_names(ev: Optional[Evaluation]) -> dict[str, str]:
    """Criterion id -> its title in the request's language (for the transcript's evidence marks)."""
    return titles(ev)[0] if ev is not None else {}


def chain_of(ev: Evaluation) -> list[Evaluation]:
    """`ev`, then what it was based on, and so on back to the first (the automatic evaluation)."""
    chain, seen = [ev], {ev.id}
    while chain[-1].based_on_id is not None and len(chain) < MAX_CHAIN:
        older = db.session.get(Evaluation, chain[-1].based_on_id)
        if older is None or older.id in seen:
            break
        chain.append(older)
        seen.add(older.id)
    return chain


def _decided(ev: Evaluation) -> Decided:
    who = (ev.reviewer.name or ev.reviewer.login) if ev.reviewer else None
    return Decided(who, {c.criterion_id: (c.result, c.comment or "") for c in ev.criteria})


def overrides_of(ev: Optional[Evaluation]) -> dict[str, Override]:
    """The criteria of `ev` whose result a person changed from the automatic one (scoring.overrides)."""
    if ev is None or ev.kind == "auto":
        return {}
    return overrides([_decided(e) for e in chain_of(ev)])


def criteria_info(ev: Optional[Evaluation]) -> dict[str, CriterionInfo]:
    """Criterion id -> CriterionInfo for every criterion of `ev` (ids stand in for missing titles)."""
    if ev is None:
        return {}
    criteria, sections = titles(ev)
    changed = overrides_of(ev)
    return {c.criterion_id: CriterionInfo(criteria.get(c.criterion_id) or c.criterion_id,
                                          sections.get(c.section_id) or c.section_id,
                                          changed.get(c.criterion_id))
            for c in ev.criteria}
