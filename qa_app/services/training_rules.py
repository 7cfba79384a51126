"""The instance's training rules as versioned rule sets: show, export, validate, save and restore.

The command line (`qadesk rules ...`) and the admin Rules pages both use these. Saving stores the
next version, which is in force at once, and audits the change with the rules before and after;
earlier versions stay readable and can be saved again. A rule set is checked whole against the
instance (its courses, and the criteria and sections of the active scorecards) before anything
is stored.
"""
from __future__ import annotations

from typing import Optional, Sequence

from flask_babel import gettext as _

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Course, TrainingRuleSet, User
from qa_app.services import NotFound, ServiceError, audit
from qa_app.settings import settings as instance_settings
from training import rule_files, rules


class InvalidRules(ServiceError):
    """The rule text is refused; `errors` name the file and the field path. Nothing was stored."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


class StaleRules(ServiceError):
    """The rules changed since the editor opened them; the save was refused so no change is lost."""


def ensure_rules(actor: Optional[User] = None) -> int:
    """Store the shipped rules as version 1 when the instance has none (no commit); how many rules."""
    if current() is not None:
        return 0
    shipped = rule_files.default_rules(due_days=instance_settings().training_due_days)
    _store(shipped, actor, "shipped rules")
    return len(shipped)


def current() -> Optional[TrainingRuleSet]:
    """The rule set in force: the highest version (None before `qadesk init`)."""
    return db.session.scalar(db.select(TrainingRuleSet).order_by(TrainingRuleSet.version.desc()).limit(1))


def rules_of(row: Optional[TrainingRuleSet]) -> tuple[rules.TrainingRule, ...]:
    """The rules of a stored version (none for None)."""
    return rule_files.parse_rules(row.rules) if row is not None else ()


def current_rules() -> tuple[rules.TrainingRule, ...]:
    return rules_of(current())


def versions() -> list[TrainingRuleSet]:
    """Every stored version, newest first."""
    return list(db.session.scalars(db.select(TrainingRuleSet).order_by(TrainingRuleSet.version.desc())))


def get_version(version: int) -> TrainingRuleSet:
    row = db.session.scalar(db.select(TrainingRuleSet).where(TrainingRuleSet.version == version))
    if row is None:
        raise NotFound(_("no rule set version %(version)s", version=version))
    return row


def export_yaml(version: Optional[int] = None) -> str:
    """The rules of `version` (default: in force) as a rule file."""
    row = get_version(version) if version is not None else current()
    return rule_files.rules_yaml(rules_of(row))


def check(text: str, source: str) -> tuple[rules.TrainingRule, ...]:
    """The rules of a rule file's text, checked against this instance; InvalidRules otherwise."""
    try:
        parsed = rule_files.parse_rules_yaml(text, source)
    except rules.RuleError as exc:
        raise InvalidRules([str(exc)]) from None
    errors = _instance_errors(parsed, source)
    if errors:
        raise InvalidRules(errors)
    return parsed


def _instance_errors(parsed: Sequence[rules.TrainingRule], source: str) -> list[str]:
    """A rule naming a course, criterion or section this instance does not have would never assign."""
    from qa_app.services import scorecards
    courses = set(db.session.scalars(db.select(Course.code)))
    criteria, sections = set(), set()
    for _row, card in scorecards.active_versions():
        for section in card.sections:
            sections.add(section.id)
            criteria.update(c.id for c in section.criteria)
    errors = []
    for i, rule in enumerate(parsed):
        where = f"{source}: rules[{i}]"
        if rule.course_code not in courses:
            errors.append(_("%(where)s.course_code: no course %(code)r in this instance", where=where, code=rule.course_code))
        if rule.criterion_id is not None and rule.criterion_id not in criteria:
            errors.append(_("%(where)s.criterion_id: no active scorecard has a criterion %(criterion)r", where=where,
                             criterion=rule.criterion_id))
        if rule.section_id is not None and rule.section_id not in sections:
            errors.append(_("%(where)s.section_id: no active scorecard has a section %(section)r (sections: %(sections)s)",
                             where=where, section=rule.section_id, sections=", ".join(sorted(sections))))
    return errors


def save(text: str, *, actor: Optional[User], source: str = "rules.yaml", base_version: Optional[int] = None,
         note: str = "") -> TrainingRuleSet:
    """Store the rules of `text` as the next version, in force at once, audited, with one commit.

    `base_version` is the version the editor started from: when another save came in since,
    StaleRules refuses this one (the caller keeps the text). Identical rules store nothing and
    return the version in force.
    """
    parsed = check(text, source)
    row = current()
    if base_version is not None and row is not None and row.version != base_version:
        raise StaleRules(_("the rules were changed (now version %(now)s) since you opened version %(opened)s; reload "
                           "them and make your change again", now=row.version, opened=base_version))
    if row is not None and rules_of(row) == parsed:
        return row
    stored = _store(parsed, actor, note.strip())
    db.session.commit()
    return stored


def _store(parsed: Sequence[rules.TrainingRule], actor: Optional[User], note: str) -> TrainingRuleSet:
    before = current()
    row = TrainingRuleSet(version=(before.version + 1) if before else 1,
                          rules=[rule_files.rule_to_mapping(r) for r in parsed], note=note,
                          created_at=clock.now(), created_by_id=actor.id if actor else None)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "save", "training_rules", row.version,
                 before={"version": before.version, "rules": before.rules} if before else None,
                 after={"version": row.version, "rules": row.rules, "note": note})
    return row


def version_document(row: TrainingRuleSet) -> dict:
    return {"version": row.version, "note": row.note, "created_at": row.created_at.isoformat(),
            "created_by": row.created_by.login if row.created_by else None, "rules": row.rules}
