"""The instance's appraisal templates as versions: list, export, validate and import (docs/appraisals.md).

Each template code keeps every version; the highest is in force for new drafts, while an appraisal
keeps the version it was drafted with. Importing stores a new version of each template whose
definition changed (nothing when none did) and audits it; a file is checked whole first, so a bad
one stores nothing.
"""
from __future__ import annotations

from typing import Optional

from qa_app.extensions import db
from qa_app.models import AppraisalTemplateVersion, User
from qa_app.services import NotFound, ServiceError, audit
from training import appraisal_templates as templates


class InvalidTemplates(ServiceError):
    """A template file is refused; the message names the file and the field path. Nothing was stored."""


def _latest_rows() -> list[AppraisalTemplateVersion]:
    newest = (db.select(AppraisalTemplateVersion.code, db.func.max(AppraisalTemplateVersion.version).label("v"))
              .group_by(AppraisalTemplateVersion.code).subquery())
    return list(db.session.scalars(
        db.select(AppraisalTemplateVersion).join(newest, (newest.c.code == AppraisalTemplateVersion.code)
                                                 & (newest.c.v == AppraisalTemplateVersion.version))
        .order_by(AppraisalTemplateVersion.code)))


def ensure_templates(actor: Optional[User] = None) -> int:
    """Store the shipped templates as version 1 when the instance has none (no commit); how many."""
    if db.session.scalar(db.select(AppraisalTemplateVersion.id).limit(1)) is not None:
        return 0
    shipped = templates.default_templates()
    for t in shipped:
        _store(t, 1, actor, "shipped template")
    return len(shipped)


def _store(t: templates.AppraisalTemplate, version: int, actor: Optional[User], note: str) -> AppraisalTemplateVersion:
    row = AppraisalTemplateVersion(code=t.code, version=version, title=t.title,
                                   definition=templates.template_to_mapping(t), note=note,
                                   created_by_id=actor.id if actor else None)
    db.session.add(row)
    return row


def parsed(row: AppraisalTemplateVersion) -> templates.AppraisalTemplate:
    """The template a stored version holds."""
    return templates.parse_template(row.definition, f"template {row.code} v{row.version}")


def in_force() -> list[tuple[AppraisalTemplateVersion, templates.AppraisalTemplate]]:
    """(row, template) of the newest version of every code, by code; the shipped ones are stored first."""
    if ensure_templates():
        db.session.commit()
    return [(row, parsed(row)) for row in _latest_rows()]


def version_document(row: AppraisalTemplateVersion) -> dict:
    return {"id": row.id, "code": row.code, "version": row.version, "title": row.title, "note": row.note,
            "created_at": row.created_at.isoformat() if row.created_at else None,
            "created_by": row.created_by.login if row.created_by else None, "definition": row.definition}


def export_yaml(code: Optional[str] = None) -> str:
    """The templates in force (or the one with `code`) as a file that import reads back."""
    found = [t for _, t in in_force() if code is None or t.code == code]
    if code is not None and not found:
        raise NotFound(f"no appraisal template {code!r}")
    return templates.templates_yaml(found)


def validate_yaml(text: str, source: str) -> tuple[templates.AppraisalTemplate, ...]:
    """The templates of a file, or InvalidTemplates naming the file and field path."""
    try:
        return templates.parse_templates_yaml(text, source)
    except templates.TemplateError as exc:
        raise InvalidTemplates(str(exc)) from None


def import_yaml(actor: Optional[User], text: str, source: str, note: str = "") -> list[AppraisalTemplateVersion]:
    """Store a new version of each template in the file whose definition differs from the one in
    force (new codes start at 1); audit each; commit once. Returns the versions stored."""
    checked = validate_yaml(text, source)
    current = {row.code: row for row, _ in in_force()}
    stored = []
    for t in checked:
        before = current.get(t.code)
        if before is not None and before.definition == templates.template_to_mapping(t):
            continue
        row = _store(t, (before.version + 1) if before else 1, actor, note or f"imported from {source}")
        db.session.flush()
        audit.record(actor, "import", "appraisal_template", row.id,
                     before={"version": before.version, "definition": before.definition} if before else None,
                     after={"code": t.code, "version": row.version, "definition": row.definition})
        stored.append(row)
    db.session.commit()
    return stored
