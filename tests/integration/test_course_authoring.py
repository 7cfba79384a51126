"""Courses written in the instance: imported as new courses or as the next version of one, refused
whole when invalid, audited, and left alone by `qadesk init` afterwards."""
from __future__ import annotations

import pytest

from qa_app.extensions import db
from qa_app.models import AuditEntry, Course, CourseModule, ModuleRead
from qa_app.services import course_authoring, course_store, coursework, training
from training import catalog


@pytest.fixture
def courses(app):
    training.ensure_courses()
    db.session.commit()


def _row(code: str) -> Course:
    db.session.expire_all()
    return db.session.scalar(db.select(Course).where(Course.code == code))


def _edited(code: str, old: str, new: str) -> str:
    text = course_authoring.export_yaml(code)
    assert old in text
    return text.replace(old, new, 1)


def test_shipped_courses_are_stored_at_version_one_with_their_topics(courses):
    row = _row("empathy-en")
    assert (row.version, row.source) == (1, "shipped")
    assert row.topics == list(catalog.course_by_code("empathy-en").topics)
    training.ensure_courses()  # unchanged: no new version
    db.session.commit()
    assert _row("empathy-en").version == 1


def test_an_exported_course_imports_back_as_the_same_course_at_the_next_version(courses, make_user):
    admin = make_user("boss", "admin")
    before = course_store.course_of(_row("compliance-en"))
    done = course_authoring.import_course(course_authoring.export_yaml("compliance-en"), "compliance-en.yaml", admin)
    assert (done.created, done.version, done.modules, done.questions) == (False, 2, 5, 15)
    row = _row("compliance-en")
    assert course_store.course_of(row) == before
    assert (row.source, row.updated_at is not None) == ("edited", True)
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.entity == "course"))
    assert (entry.action, entry.user_id, entry.before["version"], entry.after["version"]) == ("update", admin.id, 1, 2)


def test_a_new_course_is_created_at_version_one_and_audited(courses):
    text = _edited("qa-basics-en", "code: qa-basics-en", "code: greeting-refresher-en")
    done = course_authoring.import_course(text, "greeting-refresher-en.yaml")
    assert (done.created, done.version) == (True, 1)
    assert _row("greeting-refresher-en").title == _row("qa-basics-en").title
    assert db.session.scalar(db.select(AuditEntry.action).where(AuditEntry.entity == "course")) == "create"


def test_an_edit_updates_modules_by_position_so_what_agents_read_stays_recorded(courses, make_user):
    agent = make_user("ann", "agent")
    a = training.assign_course(None, "ann", "empathy-en")
    coursework.read_module(agent, a.id, 1)
    first = db.session.scalar(db.select(CourseModule.id).where(CourseModule.course_id == a.course_id,
                                                               CourseModule.position == 1))
    text = _edited("empathy-en", "title: Why empathy matters and what it sounds like",
                   "title: Why empathy matters to customers")
    course_authoring.import_course(text, "empathy-en.yaml")
    row = _row("empathy-en")
    assert row.modules[0].id == first and row.modules[0].title == "Why empathy matters to customers"
    assert db.session.scalar(db.select(ModuleRead.module_id)) == first


def test_an_attempt_started_before_an_edit_keeps_the_questions_it_asked(courses, make_user):
    agent = make_user("ann", "agent")
    a = training.assign_course(None, "ann", "empathy-en")
    attempt = coursework.start_quiz(agent, a.id)
    asked = course_store.attempt_quiz(attempt, a.course).ids()
    course = course_store.course_of(_row("empathy-en"))
    kept = [q for q in course.quiz.questions if q.id not in asked][:course.quiz.draw or 8]
    lean = catalog.course_yaml(catalog.Course(**{**course.__dict__, "quiz": type(course.quiz)(
        tuple(kept), course.quiz.pass_mark, draw=None, shuffle=True)}))
    course_authoring.import_course(lean, "empathy-en.yaml")
    db.session.expire_all()
    assert course_store.attempt_quiz(attempt, _row("empathy-en")).ids() == asked


@pytest.mark.parametrize("old, new, message", [
    ("pass_mark: 75", "pass_mark: 175", "empathy-en.yaml: pass_mark: must be a whole percentage 0..100"),
    ("    answer: ", "    answr: ", "empathy-en.yaml: quiz.questions[0].answr: unknown field"),
    ("title: Why empathy matters", "titel: Why empathy matters", "empathy-en.yaml: modules[0].titel: unknown field"),
    ("code: empathy-en", "code: empathy-en\n  bad: [", "empathy-en.yaml: line 2: invalid YAML"),
])
def test_an_invalid_course_is_refused_whole_with_the_field_path_and_nothing_changes(courses, old, new, message):
    before = course_store.course_of(_row("empathy-en"))
    entries = db.session.scalar(db.select(db.func.count(AuditEntry.id)))
    with pytest.raises(course_authoring.InvalidCourse) as caught:
        course_authoring.import_course(_edited("empathy-en", old, new), "empathy-en.yaml")
    assert caught.value.errors[0].startswith(message)
    db.session.rollback()
    row = _row("empathy-en")
    assert (course_store.course_of(row), row.version) == (before, 1)
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == entries


def test_an_edit_page_refuses_another_code_and_a_new_course_refuses_an_existing_one(courses):
    text = course_authoring.export_yaml("empathy-en")
    with pytest.raises(course_authoring.InvalidCourse, match="is not the course being edited"):
        course_authoring.import_course(text, "x.yaml", code="empathy-zh")
    with pytest.raises(course_authoring.InvalidCourse, match="exists already; edit it instead"):
        course_authoring.import_course(text, "x.yaml", new_only=True)


def test_init_leaves_an_edited_course_alone_and_updates_a_changed_shipped_one(courses):
    course_authoring.import_course(_edited("empathy-en", "pass_mark: 75", "pass_mark: 85"), "empathy-en.yaml")
    changed = catalog.Course(**{**catalog.course_by_code("qa-basics-en").__dict__, "summary": "A new summary."})
    course_store.sync_catalogue(catalog.load_courses())
    course_store.sync_catalogue([changed])
    db.session.commit()
    assert (_row("empathy-en").pass_mark, _row("empathy-en").version) == (85, 2)
    assert (_row("qa-basics-en").summary, _row("qa-basics-en").version) == ("A new summary.", 2)


def test_the_course_list_counts_modules_questions_and_open_assignments(courses, make_user):
    make_user("ann", "agent")
    training.assign_course(None, "ann", "empathy-en")
    rows = {r["code"]: r for r in course_authoring.summaries()}
    assert set(rows) == {c.code for c in catalog.load_courses()}
    assert {k: rows["empathy-en"][k] for k in ("modules", "questions", "draw", "open_assignments", "version")} == \
        {"modules": 4, "questions": 14, "draw": 8, "open_assignments": 1, "version": 1}


def test_a_save_over_a_version_someone_else_saved_since_is_refused_and_nothing_changes(courses):
    first = _edited("empathy-en", "pass_mark: 75", "pass_mark: 80")
    second = _edited("empathy-en", "pass_mark: 75", "pass_mark: 70")
    assert course_authoring.import_course(first, "empathy-en.yaml", code="empathy-en", base_version=1).version == 2
    with pytest.raises(course_authoring.InvalidCourse, match="saved as version 2 by someone else after you opened "
                                                             "version 1"):
        course_authoring.import_course(second, "empathy-en.yaml", code="empathy-en", base_version=1)
    row = _row("empathy-en")
    assert (row.pass_mark, row.version) == (80, 2)
