"""Scorecard versions in the database: shipped defaults, validated new versions, activation and listings."""
from __future__ import annotations

from typing import Optional

from flask_babel import gettext as _

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Evaluation, ScorecardVersion, User
from qa_app.services import NotFound, ServiceError, audit
from scoring.catalog import shipped_scorecards
from scoring.checks import check_types
from scoring.scorecard import (
    Scorecard,
    ScorecardError,
    dump_scorecard_yaml,
    load_scorecard_yaml,
    parse_scorecard,
    scorecard_to_dict,
)
from transcripts.model import CHANNELS


class InvalidScorecard(ServiceError):
    """A definition that cannot be stored or activated; `errors` holds every "field.path: message"."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


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
    row = db.session.get(ScorecardVersion, version_id)
    if row is None:
        raise NotFound(_("scorecard version not found"))
    return row


def parse_text(text: str) -> Scorecard:
    """A validated Scorecard from YAML (or JSON, which is YAML); InvalidScorecard lists every problem."""
    try:
        return load_scorecard_yaml(text)
    except ScorecardError as exc:
        raise InvalidScorecard(exc.errors) from None


def validation_errors(text: str) -> list[str]:
    """Every problem of a YAML/JSON definition with its field path (or line); empty when valid."""
    try:
        parse_text(text)
    except InvalidScorecard as exc:
        return exc.errors
    return []


def data_errors(data: object) -> list[str]:
    """Every problem of a definition given as plain data (the form editor's); empty when valid."""
    try:
        parse_scorecard(data)
    except ScorecardError as exc:
        return exc.errors
    return []


def check_type_names() -> list[str]:
    """The check types a criterion may use (built-ins, then installed plugins), for the form editor."""
    return list(check_types())


def versions_of(name: str) -> list[ScorecardVersion]:
    """The versions of one scorecard, newest first; NotFound when there is none."""
    rows = list(db.session.scalars(db.select(ScorecardVersion).where(ScorecardVersion.name == name)
                                   .order_by(ScorecardVersion.version.desc())))
    if not rows:
        raise NotFound(_("no scorecard called %(name)r (known: %(known)s)", name=name,
                         known=", ".join(names()) or _("none")))
    return rows


def names() -> list[str]:
    return list(db.session.scalars(db.select(ScorecardVersion.name).distinct().order_by(ScorecardVersion.name)))


def find_version(name: str, version: Optional[int] = None) -> ScorecardVersion:
    """Version `version` of `name`, or its active version (else its newest) when no version is given."""
    rows = versions_of(name)
    if version is None:
        return next((r for r in rows if r.active), rows[0])
    for row in rows:
        if row.version == version:
            return row
    known = ", ".join(str(r.version) for r in reversed(rows))
    raise NotFound(_("scorecard %(name)r has no version %(version)s (versions: %(known)s)", name=name, version=version,
                     known=known))


def active_version(name: str) -> Optional[ScorecardVersion]:
    return db.session.scalar(db.select(ScorecardVersion).where(
        ScorecardVersion.name == name, ScorecardVersion.active.is_(True)))


def scorecard_of(row: ScorecardVersion) -> Scorecard:
    """The parsed definition of a stored version; InvalidScorecard when it no longer validates
    (for example a plugin check type was uninstalled)."""
    try:
        return parse_scorecard(row.definition, version=row.version)
    except ScorecardError as exc:
        raise InvalidScorecard(exc.errors) from None


def definition_yaml(row: ScorecardVersion) -> str:
    """The stored definition as YAML, in the order of the scorecard format."""
    try:
        return dump_scorecard_yaml(scorecard_of(row))
    except InvalidScorecard:  # still show what is stored, so the admin can fix it
        import yaml
        return yaml.safe_dump(row.definition, allow_unicode=True, sort_keys=False, width=100)


def create_version(text: str, actor: Optional[User] = None, activate: bool = False,
                   expected_name: Optional[str] = None, commit: bool = True) -> ScorecardVersion:
    """Validate a YAML/JSON definition and store it as the next version of the scorecard it names
    (version 1 for a new name), as a draft unless `activate`. Nothing is stored when it is invalid;
    `expected_name` refuses a definition that names another scorecard."""
    return store_version(parse_text(text), actor, activate, expected_name, commit)


def create_version_from_data(data: object, actor: Optional[User] = None,
                             expected_name: Optional[str] = None) -> ScorecardVersion:
    """Like create_version, from plain data (the form editor's), validated by the same parser, so
    the errors name the same field paths as for YAML; stored as a draft, committed."""
    try:
        card = parse_scorecard(data)
    except ScorecardError as exc:
        raise InvalidScorecard(exc.errors) from None
    return store_version(card, actor, False, expected_name, True)


def store_version(card: Scorecard, actor: Optional[User], activate: bool, expected_name: Optional[str],
                  commit: bool) -> ScorecardVersion:
    """Store a validated scorecard as the next version of its name (see create_version)."""
    if expected_name is not None and card.name != expected_name:
        raise InvalidScorecard([_("name: must stay %(name)r (this is a new version of %(plain)s)", name=expected_name,
                                  plain=expected_name)])
    latest = db.session.scalar(db.select(db.func.max(ScorecardVersion.version))
                               .where(ScorecardVersion.name == card.name)) or 0
    row = ScorecardVersion(name=card.name, version=latest + 1, title=card.title, language=card.language,
                           definition=scorecard_to_dict(card), active=False,
                           created_by_id=actor.id if actor else None)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "create", "scorecard_version", row.id,
                 after={"name": row.name, "version": row.version})
    if activate:
        _activate(row, actor)
    if commit:
        db.session.commit()
    return row


def activate(name: str, version: int, actor: Optional[User] = None) -> ScorecardVersion:
    """Make `version` the active version of `name` (the previous active one is deactivated).
    A definition that no longer validates is never activated."""
    row = find_version(name, version)
    _activate(row, actor)
    db.session.commit()
    return row


class NotPreviewed(ServiceError):
    """A draft that was never previewed, or whose activation was not confirmed: not activated."""


def record_preview(row: ScorecardVersion, actor: Optional[User], summary: dict) -> None:
    """Note that `actor` previewed `row` now (audited with the preview's figures); commits."""
    row.previewed_at = clock.now()
    audit.record(actor, "preview", "scorecard_version", row.id, after={"name": row.name, "version": row.version,
                                                                     **summary})
    db.session.commit()


def activate_previewed(version_id: int, actor: Optional[User], confirmed: bool) -> ScorecardVersion:
    """Activate a version from the web: only once it has been previewed and the admin confirmed
    it (NotPreviewed otherwise, nothing changed); invalid definitions are refused as in activate."""
    row = get_version(version_id)
    if not row.active and row.previewed_at is None:
        raise NotPreviewed(_("Preview version %(version)s before activating it.", version=row.version))
    if not confirmed:
        raise NotPreviewed(_("Tick the confirmation to activate version %(version)s.", version=row.version))
    _activate(row, actor)
    db.session.commit()
    return row


def _activate(row: ScorecardVersion, actor: Optional[User]) -> None:
    scorecard_of(row)
    previous = active_version(row.name)
    if previous is not None and previous.id == row.id:
        return
    if previous is not None:
        previous.active = False
        db.session.flush()  # one active version per name at every moment
    row.active = True
    audit.record(actor, "activate", "scorecard_version", row.id,
                 before={"name": row.name, "active_version": previous.version if previous else None},
                 after={"name": row.name, "active_version": row.version})


def evaluation_counts() -> dict[int, int]:
    """Number of evaluations (automatic and human) per scorecard version id."""
    rows = db.session.execute(db.select(Evaluation.scorecard_version_id, db.func.count())
                              .group_by(Evaluation.scorecard_version_id))
    return {version_id: count for version_id, count in rows}


def summaries() -> list[dict]:
    """One entry per scorecard name: its active version's scope, version count and evaluations."""
    counts = evaluation_counts()
    grouped: dict[str, list[ScorecardVersion]] = {}
    for row in all_versions():
        grouped.setdefault(row.name, []).append(row)
    out = []
    for name, rows in grouped.items():
        shown = next((r for r in rows if r.active), rows[0])
        definition = shown.definition or {}
        out.append({
            "name": name, "title": shown.title,
            "active_version": next((r.version for r in rows if r.active), None),
            "latest_version": rows[0].version, "versions": len(rows),
            "language": shown.language, "channels": list(definition.get("channels") or []),
            "queues": list(definition.get("queues") or []),
            "evaluations": sum(counts.get(r.id, 0) for r in rows),
        })
    return out


def version_document(row: ScorecardVersion) -> dict:
    """A stored version as plain data (the CLI's --json)."""
    return {"name": row.name, "version": row.version, "title": row.title, "language": row.language,
            "active": row.active, "created_at": row.created_at.isoformat() if row.created_at else None,
            "created_by": row.created_by_id, "definition": row.definition}
