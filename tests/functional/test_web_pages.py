"""What each page shows and how it answers bad input (upload, review, quiz, report, users, language)."""
from __future__ import annotations

import html
import io
import json
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from tests.conftest import PASSWORD, FROZEN_AT

NOW = FROZEN_AT  # these tests run on the frozen clock (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("frozen_clock")
RUDE = [("customer", "My parcel is late, this is ridiculous."), ("agent", "Calm down, that's not my problem."),
        ("customer", "Unacceptable.")]
POLITE = [("customer", "Hello, where is my order?"),
          ("agent", "Hello, thank you for contacting us. I'm sorry for the wait: I can see your order and "
                    "I'll make sure it arrives tomorrow."),
          ("customer", "Great, thank you."), ("agent", "Is there anything else? Have a great day.")]


def chat(external_id: str, agent: str, lines, language: str = "en") -> dict:
    return {"id": external_id, "agent": agent, "language": language, "started_at": NOW.isoformat(),
            "turns": [{"speaker": s, "text": t, "at": (NOW + timedelta(seconds=30 * i)).isoformat()}
                      for i, (s, t) in enumerate(lines)]}


def store(*records, score: bool = True) -> list[int]:
    """Ingest the records as one NDJSON upload (and score them); their conversation ids."""
    from qa_app.services import ingest, scoring
    summary = ingest.ingest_text("".join(json.dumps(r) + "\n" for r in records), "seed.ndjson",
                                 ingest.IngestOptions(create_agents=True))
    if score:
        scoring.score_pending(conversation_ids=summary.conversation_ids)
    return summary.conversation_ids


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def upload(client, *files):
    return client.post("/conversations/upload", content_type="multipart/form-data",
                       data={"files": [(io.BytesIO(body), name) for name, body in files]})


@pytest.fixture
def reviewer(client, auth, make_user, fake_sentiment):
    make_user("rev1", "reviewer")
    make_user("agent1", "agent", team="team-a")
    auth.login("rev1", PASSWORD)
    return client


# ---------------------------------------------------------------- upload

@pytest.mark.parametrize("files, status, message", [
    ([], 400, "Choose at least one file."),
    ([("", b"")], 400, "Choose at least one file."),
    ([("notes.docx", b"{}")], 200, "notes.docx: unsupported file type '.docx'"),
    ([("notes.txt", b"Customer: hi")], 200, "notes.txt: an agent login is required for txt files"),
    ([("bad.ndjson", b'{"id": "u1", "agent": "a", "turns": [{"speaker": "boss", "text": "x", '
                     b'"at": "2026-01-01T10:00:00Z"}]}\n')],
     200, "bad.ndjson:1: turns[0].speaker: must be one of agent, customer, bot, system, not 'boss'"),
    ([("bytes.ndjson", b"\xff\xfe\n")], 200, "bytes.ndjson:1: not valid UTF-8"),
    ([("empty.json", b"")], 200, "empty.json:1: invalid JSON: the file is empty"),
    ([("C:\\Users\\me\\chat.jsonl", b"[1]\n")], 200, "chat.jsonl:1: record: must be a JSON object"),
])
def test_upload_reports_each_bad_file_or_record_by_file_and_line(reviewer, files, status, message):
    response = upload(reviewer, *files)
    assert response.status_code == status
    assert message in text_of(response)


def test_upload_counts_duplicates_and_scores_only_new_conversations(reviewer):
    body = (json.dumps(chat("dup-1", "agent1", POLITE)) + "\n").encode()
    first = text_of(upload(reviewer, ("a.ndjson", body)))
    assert "Scored: 1." in first
    again = upload(reviewer, ("a.ndjson", body), ("b.jsonl", body))
    cells = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>\d+</td></tr>",
                       text_of(again))
    assert cells == [("a.ndjson", "0", "1", "0", "0"), ("b.jsonl", "0", "1", "0", "0")]
    assert "Scored:" not in text_of(again)


# ---------------------------------------------------------------- conversations

def test_the_conversation_list_filters_by_agent_and_language(reviewer, make_user):
    make_user("agent2", "agent")
    store(chat("en-1", "agent1", POLITE), chat("zh-1", "agent2", [("customer", "你好"), ("agent", "您好")], "zh"))
    assert {"en-1", "zh-1"} <= set(re.findall(r">(\w\w-1)</a>", text_of(reviewer.get("/conversations/"))))
    by_agent = text_of(reviewer.get("/conversations/?agent=agent2"))
    assert "zh-1" in by_agent and "en-1" not in by_agent
    by_language = text_of(reviewer.get("/conversations/?language=en"))
    assert "en-1" in by_language and "zh-1" not in by_language


def test_the_conversation_page_shows_each_criterion_and_highlights_only_evidence_turns(reviewer):
    [conv_id] = store(chat("rude-1", "agent1", RUDE))
    page = text_of(reviewer.get(f"/conversations/{conv_id}"))
    assert re.findall(r'id="turn-(\d)" class="turn speaker-(\w+)( evidence)?"', page) == [
        ("0", "customer", " evidence"), ("1", "agent", " evidence"), ("2", "customer", " evidence")]
    for criterion in ("greeting", "empathy", "forbidden_phrases", "closing", "not_abandoned"):
        assert f"<code>{criterion}</code>" in page
    # the customer's mood is shown, not graded: the customer's, not the agent's
    assert re.search(r'<dt>Customer mood at the end</dt><dd class="mood mood-negative">negative \(-\d\.\d\d\)</dd>', page)
    assert "Critical failure: the score is 0." in page
    assert '<span class="score score-fail">0.0</span>' in page


def test_a_polite_conversation_has_no_failure_banner(reviewer):
    [conv_id] = store(chat("nice-1", "agent1", POLITE))
    page = text_of(reviewer.get(f"/conversations/{conv_id}"))
    assert "Critical failure" not in page
    assert '<span class="score score-high">100.0</span>' in page


def test_an_unknown_conversation_is_404_even_for_the_admin(client, auth):
    auth.login("admin", PASSWORD)
    assert client.get("/conversations/424242").status_code == 404
    assert client.get("/review/424242").status_code == 404


# ---------------------------------------------------------------- review

def test_a_conversation_not_yet_scored_cannot_be_reviewed(reviewer):
    [conv_id] = store(chat("raw-1", "agent1", POLITE), score=False)
    assert reviewer.get(f"/review/{conv_id}").status_code == 404
    assert "not been scored yet" in text_of(reviewer.get(f"/conversations/{conv_id}"))


@pytest.mark.parametrize("data, message", [
    ({"result__closing": "maybe"}, "closing: result must be pass, fail or na, not 'maybe'"),
    ({"result__greeting": "pass", "comment__greeting": "   "},
     "greeting: a comment is required to override the result"),
])
def test_a_refused_review_answers_400_and_stores_nothing(reviewer, data, message):
    from qa_app.services import conversations
    [conv_id] = store(chat("rude-2", "agent1", RUDE))
    response = reviewer.post(f"/review/{conv_id}", data=data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert [e.kind for e in conversations.evaluations_of(conv_id)] == ["auto"]


def test_a_refused_review_shows_the_form_again_with_the_reviewers_entries(reviewer):
    [conv_id] = store(chat("rude-5", "agent1", RUDE))
    page = text_of(reviewer.post(f"/review/{conv_id}", data={
        "result__greeting": "pass", "result__closing": "na", "comment__empathy": "keep this note"}))
    greeting = page.split('name="result__greeting"')[1].split("</select>")[0]
    closing = page.split('name="result__closing"')[1].split("</select>")[0]
    assert '<option value="pass" selected>' in greeting and '<option value="na" selected>' in closing
    assert ">keep this note</textarea>" in page


def test_agreeing_with_every_criterion_keeps_the_score_and_leaves_the_queue(reviewer):
    from qa_app.services import conversations
    [conv_id] = store(chat("rude-3", "agent1", RUDE))
    assert reviewer.post(f"/review/{conv_id}", data={}).status_code == 302
    final = conversations.final_evaluation(conv_id)
    assert (final.kind, final.score, final.auto_fail) == ("human", 0.0, True)
    assert f"/review/{conv_id}" not in text_of(reviewer.get("/review/"))
    home = text_of(reviewer.get("/"))
    assert "rude-3" in home.split("My recent reviews")[1]


def test_nobody_reviews_their_own_conversation(client, auth, make_user, fake_sentiment):
    from qa_app.extensions import db
    from qa_app.models import User
    make_user("lead1", "agent")
    [conv_id] = store(chat("own-1", "lead1", RUDE))  # taken while an agent, then promoted to lead
    db.session.execute(db.update(User).where(User.login == "lead1").values(role="lead"))
    db.session.commit()
    auth.login("lead1", PASSWORD)
    response = client.post(f"/review/{conv_id}", data={})
    assert response.status_code == 400
    assert "nobody reviews their own conversations" in text_of(response)


# ---------------------------------------------------------------- training

@pytest.fixture
def agent_with_course(client, auth, make_user, fake_sentiment):
    from qa_app.services import training, users
    make_user("agent1", "agent")
    store(chat("rude-4", "agent1", RUDE))
    agent = users.get_user("agent1")
    assignment = next(a for a in training.visible_assignments(agent) if a.course.code == "compliance-en")
    auth.login("agent1", PASSWORD)
    return SimpleNamespace(client=client, agent=agent, assignment=assignment)


def asked_ids(agent_with_course) -> list[str]:
    """Start the compliance quiz (a drawn pool) and return the ids of the questions it asks."""
    from qa_app.extensions import db
    from qa_app.models import QuizAttempt
    from qa_app.services import course_store
    a = agent_with_course.assignment
    agent_with_course.client.post(f"/training/{a.id}/quiz/start")
    attempt = db.session.scalar(db.select(QuizAttempt).where(QuizAttempt.assignment_id == a.id))
    return [q.id for q in course_store.attempt_quiz(attempt, a.course).quiz.questions]


def test_an_unanswered_quiz_fails_with_every_question_not_answered(agent_with_course):
    a = agent_with_course.assignment
    asked = asked_ids(agent_with_course)
    page = text_of(agent_with_course.client.post(f"/training/{a.id}/quiz", data={}))
    assert "Score: 0.0%" in page
    assert page.count('class="q-unanswered"') == len(asked) == 10


@pytest.mark.parametrize("value", ["x", "-1", "99"])
def test_an_answer_that_is_not_an_option_is_refused_and_not_recorded(agent_with_course, value):
    a = agent_with_course.assignment
    single = {q["id"] for q in a.course.quiz if q.get("type", "single") == "single"}
    first = next(i for i in asked_ids(agent_with_course) if i in single)
    response = agent_with_course.client.post(f"/training/{a.id}/quiz", data={f"answer__{first}": value})
    assert response.status_code == 400
    assert f"question '{first}': answer" in text_of(response)
    assert "is not an option index" in text_of(response)
    from qa_app.extensions import db
    db.session.expire_all()
    assert [t.score for t in a.attempts] == [None]  # the started attempt stays open, ungraded


def test_the_home_page_reminds_an_agent_of_overdue_training(agent_with_course):
    from qa_app.services import training
    home = text_of(agent_with_course.client.get("/"))
    assert "Training due soon" not in home  # compliance is due in 7 days
    training.mark_overdue(now=NOW + timedelta(days=8))
    home = text_of(agent_with_course.client.get("/"))
    assert "Training overdue:" in home and "overdue since" in home
    assert "Training due soon" not in home  # an overdue course is never "due soon"


@pytest.mark.parametrize("status, due_in_days, reminded", [
    ("assigned", 1, True), ("assigned", 2, True), ("assigned", 3, False),
    ("assigned", -1, True), ("overdue", 10, True), ("completed", 1, False), ("cancelled", -5, False),
])
def test_the_reminder_banner_lists_open_assignments_due_within_two_days(status, due_in_days, reminded):
    from qa_app.services import dashboard
    a = SimpleNamespace(status=status, due_at=NOW + timedelta(days=due_in_days))
    assert dashboard.needs_reminder([a], now=NOW) == ([a] if reminded else [])


def test_others_see_the_training_overview_filtered_by_agent_and_status(agent_with_course, auth, make_user):
    make_user("lead1", "lead")
    client = agent_with_course.client
    auth.logout()
    auth.login("lead1", PASSWORD)
    assert "agent1" in text_of(client.get("/training/?agent=agent1&status=assigned"))
    assert "No assignments." in text_of(client.get("/training/?agent=agent1&status=completed"))
    page = text_of(client.get(f"/training/{agent_with_course.assignment.id}"))
    assert "Only the assigned agent can take the quiz." in page and 'type="radio"' not in page


# ---------------------------------------------------------------- reports

@pytest.mark.parametrize("period, message", [
    ("2026-13", "period '2026-13': month 13 is not between 1 and 12"),
    ("last month", "period 'last month' is not valid; expected a month (2026-11), a quarter (2026-Q4) or a year"),
    ("1969", "period '1969': year must be between 1970 and 9998"),
])
def test_a_bad_period_is_explained_with_400(client, auth, period, message):
    auth.login("admin", PASSWORD)
    page = client.get("/reports/appraisal", query_string={"period": period})
    assert page.status_code == 400
    assert message in text_of(page)
    assert client.get("/reports/appraisal.csv", query_string={"period": period}).status_code == 400


def test_the_report_accepts_quarters_and_years(client, auth):
    auth.login("admin", PASSWORD)
    quarter = client.get("/reports/appraisal?period=2026-q4")
    assert quarter.status_code == 200 and "Appraisal report · 2026-Q4" in text_of(quarter)
    csv_text = client.get("/reports/appraisal.csv?period=2026").get_data().decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Agent,Login,Team,QA average")


# ---------------------------------------------------------------- admin

def test_the_admin_adds_a_user_who_logs_in_with_the_password_shown_once_and_must_then_choose_their_own(client, auth):
    auth.login("admin", PASSWORD)
    page = text_of(client.post("/admin/users", data={"login": "newrev", "role": "reviewer", "covers": "a, b"}))
    password = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    assert "They choose their own password at their next sign-in." in page
    assert "newrev" in text_of(client.get("/admin/users")) and password not in text_of(client.get("/admin/users"))
    auth.logout()
    assert auth.login("newrev", password).status_code == 302
    assert client.get("/review/").headers["Location"].startswith("/password")
    own = "newrev-chose-this-one"
    assert client.post("/password", data={"current": password, "new": own, "confirm": own}).status_code == 302
    assert client.get("/review/").status_code == 200


@pytest.mark.parametrize("data, message", [
    ({"login": "admin", "role": "agent"}, "login 'admin' already exists"),
    ({"login": "x1", "role": "agent", "password": "short"}, "password: must be at least 12 characters (this one has 5)"),
    ({"login": "x1", "role": "agent", "password": "Q1w2e3r4t5y6"}, "password: is one of the most common passwords"),
    ({"login": "x1", "role": "boss"}, "Not a valid choice"),
    ({"login": "", "role": "agent"}, "This field is required."),
])
def test_a_bad_new_user_is_refused_with_the_reason(client, auth, data, message):
    from qa_app.services import users
    auth.login("admin", PASSWORD)
    response = client.post("/admin/users", data=data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert users.find_user("x1") is None


def test_the_admin_pages_show_scorecards_rules_jobs_and_the_audit_trail(client, auth):
    from qa_app.services import jobs
    jobs.enqueue("mark_overdue", "mark_overdue:test")
    auth.login("admin", PASSWORD)
    client.post("/admin/users", data={"login": "audited", "role": "hr", "password": "long-enough-1"})
    assert "- id: forbidden_phrases\n" in text_of(client.get("/admin/scorecards"))
    assert "compliance-en" in text_of(client.get("/admin/rules"))
    assert "mark_overdue:test" in text_of(client.get("/admin/jobs"))
    audit = text_of(client.get("/admin/audit"))
    assert "<dt>login</dt><dd>audited</dd>" in audit  # details as a definition list, not raw JSON
    assert '<td>Administrator <span class="meta">admin</span></td>' in audit
    assert '"login"' not in audit


def test_the_admin_home_page_counts_the_instance(client, auth, make_user, fake_sentiment):
    make_user("agent1", "agent")
    store(chat("c-1", "agent1", RUDE), chat("c-2", "agent1", POLITE))
    auth.login("admin", PASSWORD)
    counts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(?:<a [^>]+>)?(\d+)", text_of(client.get("/"))))
    assert counts["Users"] == "2" and counts["Conversations"] == "2" and counts["Not yet reviewed"] == "2"


# ---------------------------------------------------------------- language

def test_the_language_switch_stores_the_choice_and_returns_to_the_page(client, auth):
    from qa_app.services import users
    auth.login("admin", PASSWORD)
    response = client.post("/language", data={"locale": "zh", "next": "/admin/rules?x=1"})
    assert response.status_code == 302 and response.location == "/admin/rules?x=1"
    assert users.get_user("admin").locale == "zh"
    assert '<html lang="zh">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("data, status, location", [
    ({"locale": "fr"}, 400, None),
    ({}, 400, None),
    ({"locale": "en", "next": "https://evil.example/"}, 302, "/"),
    ({"locale": "en", "next": "//evil.example/"}, 302, "/"),
])
def test_the_language_switch_refuses_unknown_languages_and_foreign_redirects(client, auth, data, status, location):
    auth.login("admin", PASSWORD)
    response = client.post("/language", data=data)
    assert response.status_code == status
    assert response.location == location
