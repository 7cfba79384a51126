"""Coaching sessions: recorded by a lead for an agent they cover, linked to the agent's evaluations,
seen by the agent, their leads, QA, HR and admins (never another agent), acknowledged once, actions
marked done, and follow-ups reminded like courses, once each, catching up after missed runs."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from qa_app.extensions import db
from qa_app.models import AuditEntry, CoachingSession, Evaluation, Notification, User
from qa_app.services import NotFound, ServiceError, coaching, coaching_reminders, ingest, scoring
from qa_app.services.notification_texts import text_of
from training.coaching import ActionDraft, SessionDraft

HELD = date(2026, 11, 20)
AT = datetime(2026, 11, 20, 15, tzinfo=timezone.utc)


@pytest.fixture
def people(app, make_user, fake_sentiment):
    """amy (returns) with one scored conversation, dan (billing); lee leads returns; rita reviews
    returns, bill reviews billing; hr.hana; the admin."""
    make_user("amy.agent", "agent", team="returns")
    make_user("dan.agent", "agent", team="billing")
    make_user("lee.lead", "lead", covers=["returns"])
    make_user("rita", "reviewer", covers=["returns"])
    make_user("bill", "reviewer", covers=["billing"])
    make_user("hr.hana", "hr")
    start = "2026-11-19T10:00:00+00:00"
    record = {"id": "c-1", "agent": "amy.agent", "language": "en", "started_at": start, "turns": [
        {"speaker": "customer", "text": "Where is my parcel?", "at": start},
        {"speaker": "agent", "text": "That's not my problem.", "at": "2026-11-19T10:00:20+00:00"}]}
    ids = ingest.ingest_text(json.dumps(record), "seed.json").conversation_ids
    scoring.score_pending(conversation_ids=ids)
    db.session.commit()
    return {u.login: u for u in db.session.scalars(db.select(User))}


def session_for(people, actions=(), links=()) -> CoachingSession:
    draft = SessionDraft(HELD, "Ownership: never say it is not your problem.", tuple(actions))
    return coaching.record_session(people["lee.lead"], "amy.agent", draft, links, now=AT)


def evaluation_of_amy() -> Evaluation:
    return db.session.scalar(db.select(Evaluation).where(Evaluation.is_final.is_(True)))


def test_a_lead_records_a_session_linked_to_a_failed_criterion_and_the_agent_is_told(people):
    ev = evaluation_of_amy()
    failed = next(c.criterion_id for c in ev.criteria if c.result == "fail")
    s = session_for(people, [ActionDraft("Re-read the ownership module", "agent", date(2026, 11, 27))],
                    [(ev.id, None), (ev.id, failed), (ev.id, failed)])
    db.session.expire_all()
    s = db.session.get(CoachingSession, s.id)
    assert [(link.evaluation_id, link.criterion_id) for link in s.links] == [(ev.id, None), (ev.id, failed)]
    assert [(a.text, a.owner.login, a.due_on) for a in s.actions] == [
        ("Re-read the ownership module", "amy.agent", date(2026, 11, 27))]
    note = db.session.scalar(db.select(Notification).where(Notification.kind == "coaching_new"))
    assert note.user.login == "amy.agent" and text_of(note.kind, note.params, "en").link == f"/coaching/{s.id}"
    assert "辅导" in text_of(note.kind, note.params, "zh").subject
    assert db.session.scalar(db.select(AuditEntry.action).where(AuditEntry.entity == "coaching_session")) == "create"


@pytest.mark.parametrize("who, agent, links, message", [
    ("lee.lead", "dan.agent", [], "no active agent 'dan.agent' that you coach"),
    ("rita", "amy.agent", [], "only leads and admins record coaching sessions"),
    ("lee.lead", "amy.agent", [(999, None)], "evaluations[0]: evaluation 999 is not one of amy.agent's"),
    ("lee.lead", "amy.agent", ["criterion"], "evaluations[0].criterion: 'no_such' is not a criterion"),
])
def test_a_session_that_cannot_be_recorded_names_why_and_nothing_is_stored(people, who, agent, links, message):
    if links == ["criterion"]:
        links = [(evaluation_of_amy().id, "no_such")]
    draft = SessionDraft(HELD, "Notes.", ())
    with pytest.raises(ServiceError) as caught:
        coaching.record_session(people[who], agent, draft, links, now=AT)
    assert str(caught.value).startswith(message)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(CoachingSession.id))) == 0


def test_an_invalid_draft_is_a_service_error_naming_the_field(people):
    with pytest.raises(ServiceError, match=r"actions\[0\].due_on: 2026-11-19 is before the session"):
        session_for(people, [ActionDraft("x", "agent", date(2026, 11, 19))])


@pytest.mark.parametrize("login, sees", [
    ("amy.agent", True), ("dan.agent", False), ("lee.lead", True), ("rita", True), ("bill", False),
    ("hr.hana", True), ("admin", True),
])
def test_who_sees_a_coaching_session(people, login, sees):
    s = session_for(people)
    user = people[login]
    assert ([x.id for x in coaching.visible_sessions(user)] == [s.id]) is sees
    if sees:
        assert coaching.get_for(user, s.id).id == s.id
    else:
        with pytest.raises(NotFound):
            coaching.get_for(user, s.id)


def test_only_the_agent_acknowledges_once_with_a_comment_and_the_coach_is_told(people):
    s = session_for(people)
    with pytest.raises(ServiceError, match="only the coached agent"):
        coaching.acknowledge(people["lee.lead"], s.id, "x")
    coaching.acknowledge(people["amy.agent"], s.id, "  Agreed, I will use the macro.  ", now=AT + timedelta(hours=1))
    with pytest.raises(ServiceError, match="already acknowledged"):
        coaching.acknowledge(people["amy.agent"], s.id)
    db.session.expire_all()
    s = db.session.get(CoachingSession, s.id)
    assert s.agent_comment == "Agreed, I will use the macro." and s.acknowledged_at is not None
    note = db.session.scalar(db.select(Notification).where(Notification.kind == "coaching_acknowledged"))
    assert note.user.login == "lee.lead" and "Agreed, I will use the macro." in text_of(note.kind, note.params, "en").body
    with pytest.raises(NotFound):
        coaching.acknowledge(people["dan.agent"], s.id)


def test_an_action_is_marked_done_by_its_owner_or_a_coach_not_by_qa_or_hr(people):
    s = session_for(people, [ActionDraft("Use the macro", "agent", date(2026, 11, 27)),
                             ActionDraft("Send the macro list", "coach", date(2026, 11, 22))])
    first, second = (a.id for a in s.actions)
    for login in ("rita", "hr.hana"):
        with pytest.raises(ServiceError, match="only the action's owner or a coach"):
            coaching.mark_done(people[login], first)
    with pytest.raises(NotFound):
        coaching.mark_done(people["dan.agent"], first)
    assert coaching.mark_done(people["amy.agent"], first).done_at is not None
    assert coaching.mark_done(people["lee.lead"], second).done_by_id == people["lee.lead"].id


def test_the_homes_list_follow_ups_due_soon_today_or_overdue_for_the_agent_and_their_coach(people):
    session_for(people, [ActionDraft("Soon", "agent", date(2026, 11, 23)),
                         ActionDraft("Later", "agent", date(2026, 12, 20)),
                         ActionDraft("Late", "coach", date(2026, 11, 20))])
    today = date(2026, 11, 22)
    for login in ("amy.agent", "lee.lead", "admin"):
        assert [(a.text, state) for a, state in coaching.follow_ups(people[login], today)] == [
            ("Late", "overdue"), ("Soon", "due_soon")], login
    assert coaching.follow_ups(people["dan.agent"], today) == []


def sent(kind: str) -> list[str]:
    db.session.expire_all()
    return [n.user.login for n in db.session.scalars(db.select(Notification).where(
        Notification.kind == kind, Notification.shown.is_(True)).order_by(Notification.id))]


def test_follow_ups_are_reminded_once_each_and_the_coach_hears_of_an_overdue_agent_action(people):
    session_for(people, [ActionDraft("Use the macro", "agent", date(2026, 11, 25)),
                         ActionDraft("Send the list", "coach", date(2026, 11, 25))])
    assert coaching_reminders.send_due(datetime(2026, 11, 24, 9, tzinfo=timezone.utc))["due_soon"] == 2
    assert coaching_reminders.send_due(datetime(2026, 11, 24, 10, tzinfo=timezone.utc))["due_soon"] == 0  # again
    assert sent("follow_up_due_soon") == ["amy.agent", "lee.lead"]
    coaching_reminders.send_due(datetime(2026, 11, 27, 9, tzinfo=timezone.utc))  # due today was missed
    assert sent("follow_up_due_today") == [] and sent("follow_up_overdue") == ["amy.agent", "lee.lead"]
    assert sent("follow_up_escalated") == ["lee.lead"]  # only for the agent's action


def test_a_done_action_is_not_reminded(people):
    s = session_for(people, [ActionDraft("Use the macro", "agent", date(2026, 11, 25))])
    coaching.mark_done(people["amy.agent"], s.actions[0].id)
    assert coaching_reminders.send_due(datetime(2026, 11, 30, tzinfo=timezone.utc)) == \
        {"due_soon": 0, "due_today": 0, "overdue": 0, "escalated": 0}
