"""A lead writes courses on the course pages (the Flask test client, CSRF on): edits a course as its
YAML file, sees the problems of an invalid one with the text kept, creates a new one from an
uploaded file and exports one; agents and reviewers are kept out."""
from __future__ import annotations

import io
import re

import pytest

from qa_app.extensions import db
from qa_app.models import Course
from tests.conftest import PASSWORD
from tests.pages import text_of, token
from training import catalog


def textarea(page: str) -> str:
    return re.search(r'<textarea id="definition"[^>]*>(.*?)</textarea>', page, re.S).group(1)


@pytest.fixture
def lead(app, client, make_user):
    """Lead lena logged in, CSRF protection on as in production."""
    make_user("lena", "lead")
    make_user("ann", "agent")
    make_user("rita", "reviewer")
    app.config["WTF_CSRF_ENABLED"] = True
    client.post("/login", data={"login": "lena", "password": PASSWORD, "csrf_token": token(text_of(client.get("/login")))})
    return client


def stored(code: str):
    db.session.expire_all()
    return db.session.scalar(db.select(Course).where(Course.code == code))


def test_a_lead_edits_a_course_and_agents_read_the_new_version(lead):
    listing = text_of(lead.get("/courses/"))
    assert "empathy-en" in listing and "8 drawn of 14" in listing
    page = text_of(lead.get("/courses/empathy-en/edit"))
    text = textarea(page).replace("- title: Handling an angry customer", "- title: Calming an angry customer")
    response = lead.post("/courses/empathy-en/edit", data={"definition": text, "csrf_token": token(page)})
    assert response.status_code == 302 and response.location.endswith("/courses/empathy-en/preview")
    preview = text_of(lead.get("/courses/empathy-en/preview"))
    assert "Saved empathy-en as version 2." in preview and "Module 2: Calming an angry customer" in preview
    row = stored("empathy-en")
    assert (row.version, row.source, row.modules[1].title) == (2, "edited", "Calming an angry customer")


def test_the_preview_shows_every_question_of_the_pool_with_its_right_answer(lead):
    preview = text_of(lead.get("/courses/compliance-en/preview"))
    course = catalog.course_by_code("compliance-en")
    assert all(q.prompt in preview for q in course.quiz.questions)
    assert preview.count("Right answer") == len(course.quiz.questions)


def test_an_invalid_edit_shows_the_field_path_keeps_the_text_and_stores_nothing(lead):
    page = text_of(lead.get("/courses/empathy-en/edit"))
    text = textarea(page).replace("pass_mark: 75", "pass_mark: 175")
    response = lead.post("/courses/empathy-en/edit", data={"definition": text, "csrf_token": token(page)})
    body = text_of(response)
    assert response.status_code == 400
    assert "Not saved" in body and "empathy-en.yaml: pass_mark: must be a whole percentage 0..100" in body
    assert "pass_mark: 175" in textarea(body)
    assert (stored("empathy-en").pass_mark, stored("empathy-en").version) == (75, 1)


def test_a_post_without_the_csrf_token_is_refused(lead):
    text = lead.get("/courses/empathy-en/export").get_data(as_text=True)
    assert lead.post("/courses/empathy-en/edit", data={"definition": text}).status_code == 400
    assert stored("empathy-en").version == 1


def test_a_new_course_comes_from_an_uploaded_file_and_an_existing_code_is_refused(lead):
    exported = lead.get("/courses/qa-basics-zh/export")
    assert exported.headers["Content-Disposition"] == 'attachment; filename="qa-basics-zh.yaml"'
    new_text = exported.get_data(as_text=True).replace("code: qa-basics-zh", "code: greeting-zh")
    page = text_of(lead.get("/courses/new"))
    assert "code: new-course-en" in textarea(page)  # a starting point with every required field
    upload = {"definition": "", "csrf_token": token(page),
              "upload": (io.BytesIO(new_text.encode("utf-8")), "greeting-zh.yaml")}
    response = lead.post("/courses/new", data=upload, content_type="multipart/form-data")
    assert response.status_code == 302 and stored("greeting-zh").version == 1
    again = {"definition": new_text, "csrf_token": token(page)}
    refused = lead.post("/courses/new", data=again)
    assert refused.status_code == 400 and "a course 'greeting-zh' exists already" in text_of(refused)


def test_an_empty_or_non_utf8_upload_is_named_and_nothing_is_stored(lead):
    page = text_of(lead.get("/courses/new"))
    count = db.session.scalar(db.select(db.func.count(Course.id)))
    bad = lead.post("/courses/new", content_type="multipart/form-data", data={
        "definition": "", "csrf_token": token(page), "upload": (io.BytesIO(b"\xff\xfe\x00x"), "c.yaml")})
    assert bad.status_code == 400 and "c.yaml: not a UTF-8 text file." in text_of(bad)
    empty = lead.post("/courses/new", data={"definition": "  ", "csrf_token": token(page)})
    assert empty.status_code == 400 and "the course file is empty" in text_of(empty)
    assert db.session.scalar(db.select(db.func.count(Course.id))) == count


@pytest.mark.parametrize("login", ["ann", "rita"])
def test_agents_and_reviewers_cannot_open_or_post_the_course_pages(app, client, make_user, login):
    make_user(login, "agent" if login == "ann" else "reviewer")
    client.post("/login", data={"login": login, "password": PASSWORD})
    for url in ("/courses/", "/courses/empathy-en/edit", "/courses/empathy-en/export", "/courses/new"):
        assert client.get(url).status_code == 403, url
    assert client.post("/courses/empathy-en/edit", data={"definition": "x"}).status_code == 403
    assert stored("empathy-en").version == 1


def test_an_unknown_course_answers_404(lead):
    assert lead.get("/courses/no-such/edit").status_code == 404
    assert lead.get("/courses/no-such/preview").status_code == 404


def test_two_leads_editing_at_once_the_second_save_is_refused_with_its_text_kept(lead, app, make_user):
    make_user("lou", "lead")
    other = app.test_client()
    other.post("/login", data={"login": "lou", "password": PASSWORD, "csrf_token": token(text_of(other.get("/login")))})
    mine, theirs = text_of(lead.get("/courses/empathy-en/edit")), text_of(other.get("/courses/empathy-en/edit"))
    assert 'name="base_version" type="hidden" value="1"' in mine or 'value="1"' in mine
    saved = other.post("/courses/empathy-en/edit", data={
        "definition": textarea(theirs).replace("pass_mark: 75", "pass_mark: 80"), "csrf_token": token(theirs),
        "base_version": "1"})
    assert saved.status_code == 302
    refused = lead.post("/courses/empathy-en/edit", data={
        "definition": textarea(mine).replace("pass_mark: 75", "pass_mark: 70"), "csrf_token": token(mine),
        "base_version": "1"})
    body = text_of(refused)
    assert refused.status_code == 400 and "by someone else after you opened version 1" in body
    assert "pass_mark: 70" in textarea(body)
    assert (stored("empathy-en").pass_mark, stored("empathy-en").version) == (80, 2)
