"""Courses authored in the instance: list, show, export as one YAML file, validate, and import a
new course or a new version of one. The command line (`qadesk course ...`) and the course pages
(leads and admins) both use these; each import is one transaction, audited.

A course imported or edited here is the instance's own from then on: `qadesk init` no longer
overwrites it with the shipped file of the same code (course_store.sync_catalogue)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Assignment, Course, User
from qa_app.services import NotFound, ServiceError, audit, course_store
from training import catalog


class InvalidCourse(ServiceError):
    """The course text is refused; `errors` name the file and the field path. Nothing was stored."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Imported:
    """What an import stored: the course's code, whether it is new, and its version now."""

    code: str
    created: bool
    version: int
    modules: int
    questions: int

    def as_dict(self) -> dict:
        return {"code": self.code, "created": self.created, "version": self.version,
                "modules": self.modules, "questions": self.questions}


def find(code: str) -> Course:
    """The stored course with this code; NotFound otherwise."""
    row = db.session.scalar(db.select(Course).where(Course.code == code))
    if row is None:
        raise NotFound(_("no course with code %(code)r", code=code))
    return row


def export_yaml(code: str) -> str:
    """The stored course as one YAML course file (Markdown bodies as blocks), which imports back unchanged."""
    return catalog.course_yaml(course_store.course_of(find(code)))


def parsed(text: str, source: str) -> catalog.Course:
    """The course in `text` (YAML); InvalidCourse naming `source` and the field path otherwise."""
    try:
        return catalog.parse_course_yaml(text, source)
    except catalog.CourseError as exc:
        raise InvalidCourse([str(exc)]) from None


def validation_errors(text: str, source: str) -> list[str]:
    """The problems of a course file (empty when it is valid); nothing is read from or written to the database."""
    try:
        parsed(text, source)
    except InvalidCourse as exc:
        return exc.errors
    return []


def import_course(text: str, source: str, actor: Optional[User] = None, code: Optional[str] = None,
                  new_only: bool = False, base_version: Optional[int] = None) -> Imported:
    """Store the course in `text`: a new course, or the next version of the stored one with its code
    (modules updated by position, so what agents have read stays recorded; attempts already made
    keep the questions they asked). `code`: the text must be that course (an edit page); `new_only`:
    refuse a code that exists; `base_version`: the version the editor started from, refused when
    someone saved another since (so two editors never overwrite each other unknowingly). The
    version is raised by a conditional update, so two saves at the same moment cannot both win.
    Commits once; InvalidCourse (nothing stored) otherwise."""
    course = parsed(text, source)
    if code is not None and course.code != code:
        raise InvalidCourse([_("%(source)s: code: %(code)r is not the course being edited (%(edited)r); to copy a "
                               "course, create a new one", source=source, code=course.code, edited=code)])
    row = db.session.scalar(db.select(Course).where(Course.code == course.code))
    if row is not None and new_only:
        raise InvalidCourse([_("%(source)s: code: a course %(code)r exists already; edit it instead",
                               source=source, code=course.code)])
    created = row is None
    before = None if created else {"version": row.version, "title": row.title}
    if created:
        row = Course(code=course.code, version=1)
        db.session.add(row)
    else:
        _raise_version(row, source, row.version if base_version is None else base_version)
    course_store.write_course(row, course)
    row.source, row.updated_at = course_store.EDITED, clock.now()
    db.session.flush()
    audit.record(actor, "create" if created else "update", "course", row.id, before=before,
                 after={"code": row.code, "version": row.version, "title": row.title,
                        "modules": len(course.modules), "questions": len(course.quiz.questions)})
    db.session.commit()
    return Imported(row.code, created, row.version, len(course.modules), len(course.quiz.questions))


def _raise_version(row: Course, source: str, expected: int) -> None:
    """Version + 1 where the stored version is still `expected`; InvalidCourse (rolled back) otherwise."""
    raised = db.session.execute(db.update(Course).where(Course.id == row.id, Course.version == expected)
                                .values(version=Course.version + 1)).rowcount
    if not raised:
        db.session.rollback()
        now = db.session.scalar(db.select(Course.version).where(Course.id == row.id))
        raise InvalidCourse([_("%(source)s: version: the course was saved as version %(now)s by someone else after "
                               "you opened version %(expected)s; open it again to see their change",
                               source=source, now=now, expected=expected)])
    db.session.refresh(row, ["version"])


def summaries() -> list[dict]:
    """Every stored course, by code: what the course list and `qadesk course list` show."""
    rows = list(db.session.scalars(db.select(Course).order_by(Course.code).options(selectinload(Course.modules))))
    open_counts = dict(db.session.execute(
        db.select(Assignment.course_id, db.func.count(Assignment.id))
        .where(Assignment.status.in_(("assigned", "overdue"))).group_by(Assignment.course_id)).all())
    return [summary(row, open_counts.get(row.id, 0)) for row in rows]


def summary(row: Course, open_assignments: int = 0) -> dict:
    return {"code": row.code, "title": row.title, "language": row.language, "version": row.version,
            "source": row.source, "modules": len(row.modules), "questions": len(row.quiz or ()),
            "draw": row.quiz_draw, "pass_mark": row.pass_mark, "max_attempts": row.max_attempts,
            "time_limit_minutes": row.time_limit_minutes, "certificate_valid_months": row.certificate_months,
            "open_assignments": open_assignments,
            "updated_at": row.updated_at.isoformat() if row.updated_at else None}


def document(code: str) -> dict:
    """The stored course whole (its summary plus the course file's fields), for `qadesk course show --json`."""
    row = find(code)
    return {**summary(row), "definition": catalog.course_to_mapping(course_store.course_of(row))}
