"""The whole QA loop through the browser-facing pages: upload, auto-score, review, training, appraisal."""
from __future__ import annotations

import csv
import html
import io
import json
from datetime import timedelta

import pytest

from tests.conftest import PASSWORD, FROZEN_AT

NOW = FROZEN_AT  # these tests run on the frozen clock (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("frozen_clock")

BAD_CHAT = [
    ("customer", "My parcel still hasn't arrived, this is ridiculous."),
    ("agent", "Order number?"),
    ("customer", "12345. I ordered two weeks ago."),
    ("agent", "The courier lost it, that's not my problem."),
    ("customer", "Unacceptable. I want a refund."),
    ("agent", "Fine, refund requested. Anything else?"),
    ("customer", "No."),
]


def chat(external_id: str, agent: str, lines) -> dict:
    return {"id": external_id, "agent": agent, "language": "en", "started_at": NOW.isoformat(), "csat": 1,
            "turns": [{"speaker": s, "text": t, "at": (NOW + timedelta(seconds=30 * i)).isoformat()}
                      for i, (s, t) in enumerate(lines)]}


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_upload_score_review_train_and_appraise_through_the_web(client, auth, make_user, fake_sentiment):
    from qa_app.services import conversations, training, users
    make_user("rev1", "reviewer")
    make_user("agent7", "agent", team="returns")
    make_user("hr1", "hr")

    # 1. A reviewer uploads two files: a good record and a broken one.
    auth.login("rev1", PASSWORD)
    good = json.dumps(chat("loop-1", "agent7", BAD_CHAT)) + "\n"
    broken = '{"id": "loop-2", "agent": "agent7", "turns": []}\n'
    page = client.post("/conversations/upload", content_type="multipart/form-data", data={
        "files": [(io.BytesIO(good.encode()), "batch.ndjson"), (io.BytesIO(broken.encode()), "broken.jsonl")]})
    assert page.status_code == 200
    assert "broken.jsonl:1: turns: must be a non-empty list" in text_of(page)
    assert "Scored: 1." in text_of(page)

    # 2. It was scored at once: the forbidden phrase is a critical failure.
    conv = conversations.by_external_id("loop-1")
    auto = conversations.final_evaluation(conv.id)
    assert (auto.kind, auto.auto_fail, auto.score) == ("auto", True, 0.0)
    detail = text_of(client.get(f"/conversations/{conv.id}"))
    assert "Critical failure: the score is 0." in detail
    assert 'id="turn-3" class="turn speaker-agent evidence"' in detail  # the "not my problem" turn
    queue = client.get("/review/").get_data(as_text=True)
    assert queue.count(f"/review/{conv.id}") == 2  # once in the queue, once as "Start reviewing"
    assert f'class="button primary start-reviewing" href="/review/{conv.id}"' in queue

    # 3. Overriding without a comment is refused and stores nothing; with one it becomes final.
    override = {"result__empathy": "pass", "comment__empathy": ""}
    refused = client.post(f"/review/{conv.id}", data=override)
    assert refused.status_code == 400
    assert "empathy: a comment is required to override the result" in text_of(refused)
    assert len(conversations.evaluations_of(conv.id)) == 1
    override["comment__empathy"] = "Apologised twice on the phone follow-up."
    saved = client.post(f"/review/{conv.id}", data=override)
    assert saved.status_code == 302 and saved.location == f"/conversations/{conv.id}"
    final = conversations.final_evaluation(conv.id)
    assert (final.kind, final.reviewer.login, final.auto_fail) == ("human", "rev1", True)
    assert {c.criterion_id: c.result for c in final.criteria}["empathy"] == "pass"
    assert "Apologised twice" in text_of(client.get(f"/conversations/{conv.id}"))
    auth.logout()

    # 4. The agent sees the compliance course (the empathy one was cancelled by the review).
    auth.login("agent7", PASSWORD)
    agent = users.get_user("agent7")
    open_ones = [a for a in training.visible_assignments(agent) if a.status in training.OPEN]
    assert [a.course.code for a in open_ones] == ["compliance-en"]
    assignment = open_ones[0]
    listing = text_of(client.get("/training/"))
    assert assignment.course.title in listing
    course_page = text_of(client.get(f"/training/{assignment.id}"))
    assert "Module 1: Forbidden phrases" in course_page and "<h3>Why this course</h3>" in course_page
    client.post(f"/training/{assignment.id}/quiz/start", data={})  # the server draws the questions
    quiz_page = text_of(client.get(f"/training/{assignment.id}/quiz"))
    from qa_app.extensions import db
    from qa_app.models import QuizAttempt
    from qa_app.services import course_store
    from tests.functional.test_web_courses import form_fields
    attempt = db.session.scalar(db.select(QuizAttempt).where(QuizAttempt.assignment_id == assignment.id))
    asked = course_store.attempt_quiz(attempt, assignment.course).quiz.questions
    assert quiz_page.count('<fieldset class="question') == len(asked) == 10  # drawn from a pool of 15
    assert all(q.prompt in quiz_page for q in asked)

    # 5. A wrong attempt fails and names the wrong questions; the right answers pass.
    wrong = {k: v for q in asked for k, v in form_fields(q, right=False).items()}
    failed = text_of(client.post(f"/training/{assignment.id}/quiz", data=wrong))
    assert "Score: 0.0%" in failed and "Not passed yet" in failed
    assert failed.count('class="q-wrong"') == len(asked)
    client.post(f"/training/{assignment.id}/quiz/start", data={})  # a second attempt, drawn afresh
    attempt = db.session.scalars(db.select(QuizAttempt).where(QuizAttempt.assignment_id == assignment.id)
                                 .order_by(QuizAttempt.id.desc())).first()
    asked = course_store.attempt_quiz(attempt, assignment.course).quiz.questions
    right = {k: v for q in asked for k, v in form_fields(q).items()}
    passed = text_of(client.post(f"/training/{assignment.id}/quiz", data=right))
    assert "Score: 100.0%" in passed and "Passed. The assignment is completed." in passed
    assert training.get_assignment_for(agent, assignment.id).status == "completed"
    assert client.post(f"/training/{assignment.id}/quiz", data=right).status_code == 400  # closed now
    auth.logout()

    # 6. HR reads the appraisal for this month and downloads it.
    auth.login("hr1", PASSWORD)
    report = text_of(client.get("/reports/appraisal"))
    assert "agent7" in report and NOW.strftime("%Y-%m") in report
    download = client.get(f"/reports/appraisal.csv?period={NOW:%Y-%m}")
    assert download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"] == f'attachment; filename="appraisal-{NOW:%Y-%m}.csv"'
    rows = {r["Login"]: r for r in csv.DictReader(io.StringIO(download.get_data().decode("utf-8-sig")))}
    assert rows["agent7"]["Critical failures"] == "1"
    assert rows["agent7"]["Completed"] == "1"
    assert rows["agent7"]["QA average"] == "0.0"
