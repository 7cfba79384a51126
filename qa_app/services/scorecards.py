"""Scorecard versions in the database: the shipped defaults, and the active set the scorer uses."""
from __future__ import annotations

from typing import Optional

from qa_app.extensions import db
from qa_app.models import ScorecardVersion, User
from qa_app.services import audit
from scoring.catalog import shipped_scorecards
from scoring.scorecard import Scorecard, parse_scorecard, scorecard_to_dict


def ensure_shipped(actor: Optional[User] = None) -> int:
    """Store each shipped scorecard as version 1, active, unless a scorecard of that name exists."""
    added = 0
    for card in shipped_scorecards():
        if db.session.scalar(db.select(ScorecardVersion.id).where(ScorecardVersion.name == card.name)):
            continue
        row = ScorecardVersion(name=card.name, version=1, title=card.title, language=card.language,
                               definition=scorecard_to_dict(card), active=True)
        db.session.add(row)
        db.session.flush()
        audit.record(actor, "create", "scorecard_version", row.id, after={"name": card.name, "version": 1})
        added += 1
    return added


def active_versions() -> list[tuple[ScorecardVersion, Scorecard]]:
    """Active scorecard versions with their parsed definitions, ordered by name."""
    rows = db.session.scalars(db.select(ScorecardVersion).where(ScorecardVersion.active.is_(True))
                              .order_by(ScorecardVersion.name))
    return [(row, parse_scorecard(row.definition, version=row.version)) for row in rows]


def all_versions() -> list[ScorecardVersion]:
    return list(db.session.scalars(db.select(ScorecardVersion)
                                   .order_by(ScorecardVersion.name, ScorecardVersion.version.desc())))


def get_version(version_id: int) -> ScorecardVersion:
    from qa_app.services import NotFound
    row = db.session.get(ScorecardVersion, version_id)
    if row is None:
        raise NotFound("scorecard version not found")
    return row
