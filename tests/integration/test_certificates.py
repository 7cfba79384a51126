"""Certificates through the services with a frozen clock: a passed quiz issues one (a failed one
does not), a data-protection certificate expires after 12 months, its renewal is assigned 30 days
before and only once however often the job runs, and a code verifies what it should."""
from datetime import datetime, timedelta, timezone

import pytest

from qa_app import jobs as job_table
from qa_app.extensions import db
from qa_app.models import Assignment, Certificate
from qa_app.services import certificates, course_store, coursework, training
from training.quiz import example_response

UTC = timezone.utc
PASSED_AT = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


def take_quiz(agent, a: Assignment, right: bool, at: datetime) -> None:
    attempt = coursework.start_quiz(agent, a.id, now=at, seed=7)
    asked = course_store.attempt_quiz(attempt, a.course).quiz.questions
    coursework.submit_quiz(agent, a.id, {q.id: example_response(q, right) for q in asked}, now=at)


@pytest.fixture
def agent(make_user):
    return make_user("amy.agent", "agent", team="returns")


def passed(agent, course: str = "compliance-en", at: datetime = PASSED_AT) -> Certificate:
    a = training.assign_course(None, agent.login, course, due_days=14, now=at - timedelta(days=1))
    take_quiz(agent, a, right=True, at=at)
    db.session.expire_all()
    return db.session.scalar(db.select(Certificate).where(Certificate.assignment_id == a.id))


def test_passing_a_course_issues_one_certificate_and_failing_issues_none(app, agent):
    a = training.assign_course(None, agent.login, "empathy-en", due_days=14, now=PASSED_AT)
    take_quiz(agent, a, right=False, at=PASSED_AT + timedelta(hours=1))
    assert db.session.scalar(db.select(db.func.count(Certificate.id))) == 0
    take_quiz(agent, a, right=True, at=PASSED_AT + timedelta(hours=2))
    c = db.session.scalar(db.select(Certificate))
    assert (c.agent_id, c.assignment_id, c.score, c.expires_at) == (agent.id, a.id, 100.0, None)  # empathy never expires
    assert certificates.issue(a, 100.0) is c  # once per assignment


def test_a_data_protection_certificate_expires_after_twelve_months(app, agent):
    c = passed(agent)
    assert c.expires_at.replace(tzinfo=UTC) == datetime(2027, 1, 15, 10, 0, tzinfo=UTC)
    assert [certificates.state_of(c, moment) for moment in
            (PASSED_AT, datetime(2026, 12, 20, tzinfo=UTC), datetime(2027, 1, 16, tzinfo=UTC))] == \
        ["valid", "expiring", "expired"]


def test_the_renewal_is_assigned_thirty_days_before_expiry_once_however_often_the_job_runs(app, agent):
    c = passed(agent)
    assert certificates.renew_due(datetime(2026, 12, 15, 9, tzinfo=UTC)) == {"renewals": 0}  # 31 days before
    due_moment = datetime(2026, 12, 16, 11, tzinfo=UTC)
    assert certificates.renew_due(due_moment) == {"renewals": 1}
    assert certificates.renew_due(due_moment + timedelta(days=1)) == {"renewals": 0}
    db.session.expire_all()
    renewal = db.session.get(Assignment, db.session.get(Certificate, c.id).renewal_id)
    assert (renewal.course.code, renewal.status) == ("compliance-en", "assigned")
    assert renewal.due_at.replace(tzinfo=UTC) <= c.expires_at.replace(tzinfo=UTC)
    assert c.code in renewal.reason


def test_the_daily_job_renews_and_a_course_already_open_counts_as_the_renewal(app, agent):
    c = passed(agent)
    open_one = training.assign_course(None, agent.login, "compliance-en", due_days=30,
                                      now=datetime(2026, 12, 1, tzinfo=UTC))
    import time_machine
    with time_machine.travel(datetime(2026, 12, 20, 6, tzinfo=UTC), tick=False):
        assert "certificate_renewals:2026-12-20" in job_table.run_due()
    db.session.expire_all()
    assert db.session.get(Certificate, c.id).renewal_id == open_one.id
    assert db.session.scalar(db.select(db.func.count(Assignment.id)).where(Assignment.status == "assigned")) == 1


def test_a_code_verifies_its_certificate_in_any_spelling_and_nothing_else(app, agent):
    c = passed(agent)
    found = certificates.verify(c.code.lower().replace("-", " "), now=PASSED_AT)
    assert (found["holder"], found["state"], found["code"]) == ("amy.agent", "valid", c.code)
    assert certificates.verify("0000-0000-0000") is None and certificates.verify("../../etc/passwd") is None
    assert certificates.verify(c.code, now=datetime(2027, 2, 1, tzinfo=UTC))["state"] == "expired"
