"""Calibration through the web: the blind holds on every page for every role until close, then results show."""
from __future__ import annotations

import html
import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from qa_app import clock
from tests.conftest import FIXTURES, PASSWORD

CARD = FIXTURES / "calibration"  # greeting, forbidden (critical), closing
CRITERIA = ("greeting", "forbidden", "closing")
REV1_GOOD = {"greeting": "pass", "forbidden": "pass", "closing": "pass"}
REV2_BAD = {"greeting": "pass", "forbidden": "na", "closing": "na"}  # unlike the automatic answers
RESULT_MARKERS = ("Agreement per criterion", "Krippendorff", "ICC(2,1)", "Alignment and leniency",
                  'class="criteria answers"', "Consensus", "badge result-")


@pytest.fixture
def open_session(app, make_user, fake_sentiment):
    """Session "Blind test" on cal-good and cal-bad by lead1, raters rev1 and rev2 (rev1 answered
    cal-good, rev2 answered cal-bad); lead2 and rev3 take no part."""
    from qa_app.services import (
        calibration_sessions,
        conversations,
        ingest,
        scorecards,
        scoring,
    )
    scorecards.create_version((CARD / "scorecard.yaml").read_text(encoding="utf-8"), activate=True)
    make_user("cal.agent", "agent")  # the agent of both conversations
    ingest.ingest_paths([CARD / "conversations.ndjson"])
    scoring.score_pending()
    users = {login: make_user(login, role) for login, role in (
        ("lead1", "lead"), ("lead2", "lead"), ("rev1", "reviewer"), ("rev2", "reviewer"), ("rev3", "reviewer"),
        ("agent1", "agent"), ("hr1", "hr"))}
    good = conversations.by_external_id("cal-good").id
    bad = conversations.by_external_id("cal-bad").id
    session = calibration_sessions.create_session(users["lead1"], "Blind test", [good, bad], ["rev1", "rev2"],
                                         clock.now() + timedelta(days=1))
    calibration_sessions.submit_answers(users["rev1"], session.id, good, REV1_GOOD)
    calibration_sessions.submit_answers(users["rev2"], session.id, bad, REV2_BAD)
    return {"id": session.id, "good": good, "bad": bad}


def login(auth, who: str):
    assert auth.login(who, PASSWORD).status_code == 302


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def chosen(page: str) -> dict[int, dict[str, str]]:
    """Per conversation section on the session page: the criterion answers selected in its forms."""
    out = {}
    for conv_id, body in re.findall(r'<section class="card" id="item-(\d+)">(.*?)</section>', page, re.S):
        picks = {}
        for name, options in re.findall(r'<select name="answer__(\w+)"[^>]*>(.*?)</select>', body, re.S):
            value = re.search(r'<option value="(\w*)" selected>', options)
            if value and value.group(1):
                picks[name] = value.group(1)
        out[int(conv_id)] = picks
    return out


def session_pages(s) -> list[str]:
    return ["/calibration/", f"/calibration/{s['id']}", "/calibration/trend",
            "/calibration/trend?reviewer=rev2", "/calibration/new"]


@pytest.mark.parametrize("who", ["admin", "lead1", "lead2", "rev1", "rev2", "rev3"])
def test_before_close_no_page_shows_anyone_elses_answers_or_results(client, auth, open_session, who):
    s = open_session
    login(auth, who)
    own = {"rev1": {s["good"]: REV1_GOOD, s["bad"]: {}}, "rev2": {s["good"]: {}, s["bad"]: REV2_BAD}}
    for url in session_pages(s):
        response = client.get(url)
        if response.status_code != 200:
            continue  # refusals are checked in their own tests
        page = text_of(response)
        # the create form lists candidates with their final score, as the conversation pages do
        markers = RESULT_MARKERS[:-1] if url == "/calibration/new" else RESULT_MARKERS
        for marker in markers:
            assert marker not in page, f"{who} {url}: {marker}"
        picks = chosen(page)
        if url == f"/calibration/{s['id']}" and who in own:
            assert picks == own[who], who
        else:
            assert all(not p for p in picks.values()), f"{who} {url}"


@pytest.mark.parametrize("who, status", [("admin", 200), ("lead1", 200), ("lead2", 200), ("rev1", 200),
                                         ("rev2", 200), ("rev3", 404), ("agent1", 403), ("hr1", 403)])
def test_the_session_page_opens_for_raters_leads_and_admins_only(client, auth, open_session, who, status):
    login(auth, who)
    assert client.get(f"/calibration/{open_session['id']}").status_code == status


@pytest.mark.parametrize("who", ["agent1", "hr1"])
def test_agents_and_hr_are_refused_every_calibration_page_and_action(client, auth, open_session, who):
    s = open_session
    login(auth, who)
    for url in session_pages(s):
        assert client.get(url).status_code == 403, url
    for url in (f"/calibration/{s['id']}/answer/{s['good']}", f"/calibration/{s['id']}/close",
                f"/calibration/{s['id']}/calibrate/{s['good']}", "/calibration/new"):
        assert client.post(url, data={}).status_code == 403, url
    nav = client.get("/").get_data(as_text=True)
    assert ">Calibration</a>" not in nav


def test_the_lead_sees_who_has_answered_but_not_the_answers(client, auth, open_session):
    login(auth, "lead1")
    page = text_of(client.get(f"/calibration/{open_session['id']}"))
    assert "Who has answered" in page
    assert re.search(r"<td>rev1</td><td>1 / 2</td>", page) and re.search(r"<td>rev2</td><td>1 / 2</td>", page)
    assert "Close the session now" in page and 'name="answer__' not in page


def test_a_rater_sees_only_their_own_progress_and_no_one_elses(client, auth, open_session):
    login(auth, "rev1")
    page = text_of(client.get(f"/calibration/{open_session['id']}"))
    assert "Who has answered" not in page and "Close the session now" not in page
    listing = text_of(client.get("/calibration/"))
    assert "Blind test" in listing and "1 / 2" in listing


def test_a_refused_answer_shows_the_error_and_only_what_the_rater_entered(client, auth, open_session):
    s = open_session
    login(auth, "rev1")
    posted = {"item": str(s["bad"]), "answer__greeting": "fail"}
    response = client.post(f"/calibration/{s['id']}/answer/{s['bad']}", data=posted)
    page = text_of(response)
    assert response.status_code == 400 and "answer every criterion; missing: forbidden, closing" in page
    assert chosen(page) == {s["good"]: REV1_GOOD, s["bad"]: {"greeting": "fail"}}
    for marker in RESULT_MARKERS:
        assert marker not in page


def test_a_rater_not_listed_cannot_answer(client, auth, open_session):
    s = open_session
    login(auth, "rev3")
    data = {f"answer__{c}": v for c, v in REV1_GOOD.items()}
    assert client.post(f"/calibration/{s['id']}/answer/{s['good']}", data=data).status_code == 404


def test_after_close_everyone_in_the_session_sees_the_results_and_all_answers(client, auth, open_session):
    s = open_session
    login(auth, "lead1")
    assert client.post(f"/calibration/{s['id']}/close").status_code == 302
    auth.logout()
    for who in ("admin", "lead1", "lead2", "rev1", "rev2"):
        login(auth, who)
        page = text_of(client.get(f"/calibration/{s['id']}"))
        assert "Agreement per criterion" in page and "ICC(2,1)" in page and "Alignment and leniency" in page, who
        assert "automatic" in page and 'class="criteria answers"' in page
        answers = page.split(f'id="item-{s["bad"]}"')[1]
        assert answers.count("badge result-na") == 2  # rev2's N/As are visible now
        assert 'name="answer__' not in page.split('class="calibrate-form"')[0]  # no more rater forms
        assert ('class="calibrate-form"' in page) == (who in ("admin", "lead1", "lead2")), who
        auth.logout()


def test_the_lead_creates_a_session_and_calibrates_through_the_web(client, auth, open_session):
    from qa_app.services import conversations
    s = open_session
    login(auth, "lead1")
    form = client.get("/calibration/new")
    assert form.status_code == 200 and "cal-good" in text_of(form)
    deadline = (clock.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post("/calibration/new", data={"name": "Web", "deadline": deadline, "rater": ["rev1"],
                                                    "external_ids": "nope-1"})
    assert refused.status_code == 400 and "no conversation with id 'nope-1'" in text_of(refused)
    created = client.post("/calibration/new", data={"name": "Web", "deadline": deadline, "rater": ["rev1", "rev2"],
                                                    "benchmark": "rev2", "external_ids": "cal-good",
                                                    "conversation": [str(s["bad"])]})
    assert created.status_code == 302
    new_id = int(created.location.rstrip("/").split("/")[-1])
    assert client.post(f"/calibration/{new_id}/close").status_code == 302
    page = text_of(client.get(f"/calibration/{new_id}"))
    assert "benchmark reviewer rev2" in page
    data = {f"answer__{c}": v for c, v in REV1_GOOD.items()} | {"item": str(s["good"])}
    saved = client.post(f"/calibration/{new_id}/calibrate/{s['good']}", data=data)
    assert saved.status_code == 302
    final = conversations.final_evaluation(s["good"])
    assert (final.source, final.reviewer.login, final.score) == ("calibration", "lead1", 100.0)


@pytest.mark.parametrize("field, value, message", [
    ("deadline", "tomorrow", "Enter the deadline as a date and time."),
    ("rater", "agent1", "agent1: raters must be active reviewers or leads"),
    ("name", "", "a session needs a name"),
])
def test_bad_create_forms_are_refused_with_a_message(client, auth, open_session, field, value, message):
    login(auth, "lead1")
    deadline = (clock.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    data = {"name": "X", "deadline": deadline, "rater": "rev1", "external_ids": "cal-good"} | {field: value}
    response = client.post("/calibration/new", data=data)
    assert response.status_code == 400 and message in text_of(response)


def test_reviewers_cannot_create_or_close_sessions(client, auth, open_session):
    login(auth, "rev1")
    assert client.get("/calibration/new").status_code == 403
    assert client.post(f"/calibration/{open_session['id']}/close").status_code == 403


def test_the_trend_page_shows_closed_sessions_and_refuses_other_reviewers_trends(client, auth, open_session):
    s = open_session
    login(auth, "lead1")
    client.post(f"/calibration/{s['id']}/close")
    page = text_of(client.get("/calibration/trend?reviewer=rev1"))
    assert "Blind test" in page and "Alignment trend of rev1" in page
    spec = json.loads(page.split('id="chart-data">')[1].split("</script>")[0])["alignment_trend"]
    assert [d["label"] for d in spec["datasets"]] == ["Alignment", "Leniency (points)"]
    assert len(spec["labels"]) == 1 and spec["links"] == [f"/calibration/{s['id']}"]
    assert 'data-chart="alignment_trend"' in page and "/static/vendor/chartjs/chart.umd.js" in page
    auth.logout()
    login(auth, "rev1")
    assert "Blind test" in text_of(client.get("/calibration/trend"))
    assert client.get("/calibration/trend?reviewer=rev2").status_code == 404


@pytest.mark.parametrize("who", ["rev1", "lead1", "admin"])
def test_the_navigation_offers_calibration_to_reviewers_leads_and_admins(client, auth, open_session, who):
    login(auth, who)
    assert ">Calibration</a>" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("who", ["admin"])  # a lead's audit log shows their own actions only (docs/access.md)
def test_the_audit_log_records_answers_without_their_content_before_close(client, auth, open_session, who):
    login(auth, who)
    table = text_of(client.get("/admin/audit")).split("<tbody>", 1)[1]  # not the filter's lists of actions
    rows = [r for r in table.split("<tr") if "calibration_" in r]
    assert sum("calibration_answer" in r for r in rows) == 2
    for criterion in CRITERIA:
        assert not any(criterion in r for r in rows), criterion


@pytest.mark.parametrize("text, expected", [
    ("2026-12-01T09:30", datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)),
    ("2026-12-01 09:30", datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)),
    ("2026-12-01T09:30+08:00", datetime(2026, 12, 1, 1, 30, tzinfo=timezone.utc)),
    ("tomorrow", None),
    ("", None),
])
def test_the_deadline_field_is_read_as_utc_and_unreadable_text_gives_none(text, expected):
    from qa_app.views.calibration import parse_deadline
    assert parse_deadline(text) == expected


