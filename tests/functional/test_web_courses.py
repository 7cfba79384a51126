"""An agent opens an assigned course in the browser's place (the Flask test client, CSRF on), reads its
modules in order and submits a quiz attempt whose questions the server drew."""
from __future__ import annotations


import pytest

from qa_app.extensions import db
from qa_app.models import Assignment, ModuleRead, QuizAttempt
from qa_app.services import course_store, training
from tests.conftest import PASSWORD
from tests.pages import text_of, token
from training.quiz import MultipleChoice, Ordering, Question, TrueFalse, example_response


@pytest.fixture
def course_web(app, client, make_user):
    """empathy-en assigned to agent ann; CSRF protection on, as in production; ann logged in."""
    training.ensure_courses()
    db.session.commit()
    make_user("ann", "agent")
    make_user("bob", "agent")
    make_user("rita", "reviewer")
    assignment_id = training.assign_course(None, "ann", "empathy-en").id
    app.config["WTF_CSRF_ENABLED"] = True
    login_page = text_of(client.get("/login"))
    client.post("/login", data={"login": "ann", "password": PASSWORD, "csrf_token": token(login_page)})
    return assignment_id


def form_fields(question, right: bool = True) -> dict:
    """The form fields a person would fill in to answer `question` (right or wrong)."""
    response = example_response(question, right)
    name = f"answer__{question.id}"
    if isinstance(question, Ordering):
        return {f"{name}__{item}": str(place + 1) for place, item in enumerate(response)}
    if isinstance(question, MultipleChoice):
        return {name: [str(i) for i in sorted(response)]}
    if isinstance(question, TrueFalse):
        return {name: "true" if response else "false"}
    return {name: str(response) if isinstance(question, Question) else response}


def test_an_agent_reads_every_module_in_order_then_passes_a_drawn_quiz(client, course_web):
    aid = course_web
    listing = text_of(client.get("/training/"))
    assert "Empathy: upset customers" in listing and "0 of 4" in listing

    page = text_of(client.get(f"/training/{aid}"))
    assert "Module 1: Why empathy matters" in page and "<h3>1. What empathy sounds like</h3>" in page
    assert client.post(f"/training/{aid}/modules/1/read").status_code == 400  # no CSRF token
    skipped = client.post(f"/training/{aid}/modules/2/read", data={"csrf_token": token(page)})
    assert skipped.status_code == 400 and "read module 1 first" in text_of(skipped)
    for position in (1, 2, 3, 4):
        page = text_of(client.get(f"/training/{aid}?module={position}"))
        done = client.post(f"/training/{aid}/modules/{position}/read", data={"csrf_token": token(page)})
        assert done.status_code == 302
    assert db.session.scalar(db.select(db.func.count(ModuleRead.id))) == 4
    page = text_of(client.get(f"/training/{aid}"))
    assert "4 of 4" in page and "Attempts: 0 of 3 used" in page and "Time limit: 20 minutes" in page

    started = client.post(f"/training/{aid}/quiz/start", data={"csrf_token": token(page)})
    assert started.status_code == 302 and started.location.endswith(f"/training/{aid}/quiz")
    quiz_page = text_of(client.get(f"/training/{aid}/quiz"))
    attempt = db.session.scalar(db.select(QuizAttempt))
    asked = course_store.attempt_quiz(attempt, db.session.get(Assignment, aid).course)
    assert quiz_page.count('<fieldset class="question') == 8 and "Submit by" in quiz_page
    assert all(q.prompt in quiz_page for q in asked.quiz.questions)

    answers = {"csrf_token": token(quiz_page)}
    for q in asked.quiz.questions:
        answers.update(form_fields(q))
    result = text_of(client.post(f"/training/{aid}/quiz", data=answers))
    assert "Score: 100.0%" in result and "Passed. The assignment is completed." in result
    assert result.count('class="q-correct"') == 8

    a = db.session.get(Assignment, aid)
    assert a.status == "completed" and a.best_score == 100.0 and len(a.attempts) == 1
    review = client.get(f"/training/{aid}/attempts/{attempt.id}")
    assert review.status_code == 200 and text_of(review).count('class="q-correct"') == 8


def test_a_wrong_attempt_shows_the_right_answer_and_explanation_for_each_question(client, course_web):
    aid = course_web
    page = text_of(client.get(f"/training/{aid}"))
    client.post(f"/training/{aid}/quiz/start", data={"csrf_token": token(page)})
    quiz_page = text_of(client.get(f"/training/{aid}/quiz"))
    attempt = db.session.scalar(db.select(QuizAttempt))
    asked = course_store.attempt_quiz(attempt, db.session.get(Assignment, aid).course)
    answers = {"csrf_token": token(quiz_page)}
    for q in asked.quiz.questions:
        answers.update(form_fields(q, right=False))
    result = text_of(client.post(f"/training/{aid}/quiz", data=answers))
    assert "Score: 0.0%" in result and result.count("Right answer") == 8
    assert all(q.explanation in result for q in asked.quiz.questions)


def test_an_ordering_answer_with_a_place_given_twice_is_refused_and_nothing_is_graded(client, course_web):
    from qa_app.services import coursework, users
    from training import quiz_attempt
    aid = course_web
    full = course_store.course_quiz(db.session.get(Assignment, aid).course)
    seed = next(s for s in range(200) if "q12" in {a.id for a in quiz_attempt.draw(full, s)})
    coursework.start_quiz(users.get_user("ann"), aid, seed=seed)  # an attempt that asks the ordering question
    quiz_page = text_of(client.get(f"/training/{aid}/quiz"))
    assert 'name="answer__q12__0"' in quiz_page
    response = client.post(f"/training/{aid}/quiz", data={"csrf_token": token(quiz_page), "answer__q12__0": "1",
                                                          "answer__q12__1": "1"})
    assert response.status_code == 400 and "question 'q12'" in text_of(response)
    assert db.session.scalar(db.select(QuizAttempt)).submitted_at is None


def test_the_quiz_pages_are_for_the_assigned_agent_and_attempts_for_those_who_see_the_assignment(
        app, client, course_web):
    aid = course_web
    page = text_of(client.get(f"/training/{aid}"))
    client.post(f"/training/{aid}/quiz/start", data={"csrf_token": token(page)})
    attempt_id = db.session.scalar(db.select(QuizAttempt.id))
    assert client.get(f"/training/{aid}/attempts/{attempt_id}").status_code == 404  # not submitted yet
    client.post("/logout", data={"csrf_token": token(page)})
    for login, quiz_status in (("rita", 403), ("bob", 404)):
        login_page = text_of(client.get("/login"))
        client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token(login_page)})
        assert client.get(f"/training/{aid}/quiz").status_code == quiz_status
        home = text_of(client.get("/"))
        client.post("/logout", data={"csrf_token": token(home)})
