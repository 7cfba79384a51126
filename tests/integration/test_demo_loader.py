"""`qadesk demo` builds a believable instance: people, scored and reviewed history, training in every state."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from qa_app.extensions import db
from qa_app.models import Assignment, Conversation, Evaluation, User
from qa_app.services import demo, reports

TODAY = date(2026, 11, 23)


def _count(model, *where):
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def test_the_demo_has_the_people_conversations_reviews_and_training_states(app):
    summary = demo.load_demo(TODAY)
    assert summary["conversations"] >= 80 and summary["scored"] == summary["conversations"]
    roles = dict(db.session.execute(db.select(User.role, db.func.count()).group_by(User.role)).all())
    assert roles["agent"] == 6 and roles["reviewer"] == 2 and roles["lead"] == 1 and roles["hr"] == 1
    assert {l for (l,) in db.session.execute(db.select(Conversation.language).distinct())} == {"en", "zh"}
    assert _count(Evaluation, Evaluation.kind == "human") >= 20
    assert _count(Evaluation, Evaluation.is_final.is_(True)) == summary["conversations"]
    states = {s for (s,) in db.session.execute(db.select(Assignment.status).distinct())}
    assert {"assigned", "overdue", "completed", "cancelled"} <= states
    from qa_app.models import ReviewPick
    assert summary["sampled"] > 0 and _count(ReviewPick) == summary["sampled"]
    from qa_app.models import Notification  # reminders went out over the replayed months, overdue ones to the lead
    kinds = dict(db.session.execute(db.select(Notification.kind, db.func.count()).where(Notification.shown.is_(True))
                                    .group_by(Notification.kind)).all())
    assert summary["reminders"] > 0 and {"assigned", "due_soon", "overdue", "escalated"} <= set(kinds)
    from qa_app.models import Certificate  # passed courses hold certificates; last year's data protection expires soon
    from qa_app.services import certificates
    held = list(db.session.scalars(db.select(Certificate)))
    states = [certificates.state_of(c, datetime.combine(TODAY, time(12), timezone.utc)) for c in held]
    assert len(held) > 1 and "expiring" in states
    expiring = held[states.index("expiring")]
    assert expiring.renewal_id is not None and summary["renewals"] >= 1
    lead = db.session.scalar(db.select(User).where(User.login == "lead.liu"))
    assert _count(Notification, Notification.user_id == lead.id, Notification.kind == "escalated") > 0
    from qa_app.services import coaching  # coaching: acknowledged, waiting, an overdue follow-up told to the lead
    sessions = coaching.visible_sessions(None)
    assert summary["coaching_sessions"] == len(sessions) == 3 and all(s.links for s in sessions)
    assert sorted(s.acknowledged_at is not None for s in sessions) == [False, True, True]
    states = {coaching.state_of(a, TODAY) for s in sessions for a in s.actions}
    assert {"done", "overdue", "due_soon"} <= states
    assert _count(Notification, Notification.user_id == lead.id, Notification.kind == "follow_up_escalated") == 1
    from qa_app.models import Exemplar, Onboarding  # examples in the empathy courses; priya is onboarding
    kinds = dict(db.session.execute(db.select(Exemplar.kind, db.func.count()).group_by(Exemplar.kind)).all())
    assert summary["exemplars"] == 4 and kinds == {"good": 2, "bad": 2}
    enrolment = db.session.scalar(db.select(Onboarding))
    assert enrolment.agent.login == "priya.patel" and _count(Assignment, Assignment.onboarding_id == enrolment.id) == 1
    from qa_app.models import Survey  # CSAT and NPS answers, comments redacted and read in both languages
    kinds = dict(db.session.execute(db.select(Survey.kind, db.func.count()).group_by(Survey.kind)).all())
    assert summary["surveys"] == kinds["csat"] + kinds["nps"] and kinds["nps"] > 0
    assert kinds["csat"] == _count(Conversation, Conversation.csat.is_not(None))
    comments = list(db.session.scalars(db.select(Survey).where(Survey.comment.is_not(None))))
    assert {c.conversation.language for c in comments} == {"en", "zh"}
    assert all(c.comment_sentiment is not None for c in comments) and any("[PHONE]" in c.comment for c in comments)


def test_loading_the_demo_twice_adds_nothing(app):
    demo.load_demo(TODAY)
    counts = (_count(Conversation), _count(Evaluation), _count(Assignment), _count(User))
    again = demo.load_demo(TODAY)
    assert again["already_loaded"] is True
    assert (_count(Conversation), _count(Evaluation), _count(Assignment), _count(User)) == counts


def test_the_demo_agents_differ_in_the_appraisal_report(app):
    demo.load_demo(TODAY)
    rows = {r.agent: r for r in reports.appraisal_report("2026-Q4", now=None).rows}
    assert rows["emma.jones"].qa_average > rows["priya.patel"].qa_average
    assert rows["li.na"].qa_average > rows["zhang.min"].qa_average
    assert rows["zhang.min"].critical_failures > 0


def test_the_demo_has_one_finalised_appraisal_per_agent_for_the_last_complete_quarter_one_contested(app):
    from qa_app.models import Appraisal
    from qa_app.services import appraisals
    summary = demo.load_demo(TODAY)
    every = list(db.session.scalars(db.select(Appraisal)))
    rows = [a for a in every if a.period == "2026-Q3"]  # TODAY is in Q4
    assert summary["appraisals"] == len(rows) == 6 and {a.state for a in rows} == {"final"}
    month = sorted((a.state, a.agent.login) for a in every if a.period == "2026-10")  # last month: in review, for HR
    assert len(month) == 6 and [login for state, login in month if state == "review"] == [
        "david.smith", "emma.jones", "li.na"] and summary["appraisals_in_review"] == 3
    from qa_app.models import CalibrationSession, Dispute  # open business for the lead's and reviewers' homes
    assert sorted(d.status for d in db.session.scalars(db.select(Dispute))) == ["open", "rejected"]
    assert [s.status for s in db.session.scalars(db.select(CalibrationSession))] == ["open"]
    assert [a.agent.login for a in rows if a.contested] == ["zhang.min"]
    by_agent = {a.agent.login: a for a in rows}
    assert by_agent["emma.jones"].snapshot["overall"] > by_agent["priya.patel"].snapshot["overall"]
    assert sum(a.acknowledged_at is None for a in rows) == 1  # wang.wei has not read it yet
    moved = appraisals.changed_since_final(by_agent["david.smith"])  # a review after HR signed
    assert {(c.kind, c.field) for c in moved} >= {("qa_score", "n")}
