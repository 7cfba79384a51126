"""Disputes: who may open one and when, who gets it, and how accepting, partly accepting or rejecting it ends."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Assignment, AuditEntry, Dispute, Evaluation
from qa_app.services import (
    NotFound,
    ServiceError,
    conversations,
    disputes,
    ingest,
    review,
    scoring,
)

RUDE = [("customer", "Where is my parcel? This is ridiculous."), ("agent", "That's not my problem."),
        ("customer", "Unacceptable.")]


def conversation_record(external_id: str, agent: str) -> dict:
    start = clock.now().replace(microsecond=0)
    return {"id": external_id, "agent": agent, "language": "en", "started_at": start.isoformat(),
            "turns": [{"speaker": s, "text": t, "at": (start + timedelta(seconds=20 * i)).isoformat()}
                      for i, (s, t) in enumerate(RUDE)]}


def add_conversation(external_id: str, agent: str) -> int:
    summary = ingest.ingest_text(json.dumps(conversation_record(external_id, agent)), f"{external_id}.json")
    scoring.score_pending(conversation_ids=summary.conversation_ids)
    return summary.conversation_ids[0]


@pytest.fixture
def people(app, fake_sentiment, make_user):
    """Agents ann and bob (team-a), cat (team-b); leads lee (team-a) and lou (team-b);
    reviewer rae (team-a); HR hal; ann owns conversation c-1, scored automatically."""
    users = {login: make_user(login, role, team=team, covers=covers) for login, role, team, covers in [
        ("ann", "agent", "team-a", ()), ("bob", "agent", "team-a", ()), ("cat", "agent", "team-b", ()),
        ("lee", "lead", None, ["team-a"]), ("lou", "lead", None, ["team-b"]),
        ("rae", "reviewer", None, ["team-a"]), ("hal", "hr", None, ())]}
    users["conv"] = add_conversation("c-1", "ann")
    return users


def final(conv_id: int) -> Evaluation:
    return conversations.final_evaluation(conv_id)


def failed(ev: Evaluation) -> list[str]:
    return [c.criterion_id for c in ev.criteria if c.result == "fail"]


def passes(*criteria: str) -> dict:
    return {c: {"result": "pass", "comment": "the agent was right"} for c in criteria}


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count(model.id)))


def test_an_agent_opens_a_dispute_on_the_final_evaluation_and_it_goes_to_the_covering_lead(people):
    ev = final(people["conv"])
    d = disputes.open_dispute(people["ann"], ev.id, "  I was polite later on  ", [failed(ev)[0]])
    assert (d.status, d.assignee.login, d.comment, d.criteria) == ("open", "lee", "I was polite later on",
                                                                   [failed(ev)[0]])
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "dispute_open")).one()
    assert (entry.user_id, entry.entity, entry.entity_id) == (people["ann"].id, "dispute", d.id)


@pytest.mark.parametrize("days_later, window, allowed", [(0, 7, True), (6, 7, True), (8, 7, False),
                                                        (2, 1, False), (20, 30, True)])
def test_a_dispute_is_accepted_only_within_the_configured_window(app, people, days_later, window, allowed):
    app.config["QADESK_DISPUTE_DAYS"] = window
    ev = final(people["conv"])
    when = ev.created_at + timedelta(days=days_later)
    if allowed:
        assert disputes.open_dispute(people["ann"], ev.id, "unfair", now=when).status == "open"
    else:
        with pytest.raises(ServiceError, match=f"more than {window} days old"):
            disputes.open_dispute(people["ann"], ev.id, "unfair", now=when)
        assert count(Dispute) == 0


def test_another_agent_and_hr_cannot_find_the_evaluation(people):
    ev = final(people["conv"])
    for login in ("bob", "hal"):
        with pytest.raises(NotFound):
            disputes.open_dispute(people[login], ev.id, "unfair")
    with pytest.raises(NotFound):
        disputes.open_dispute(people["ann"], 999999, "unfair")


def test_only_the_conversations_own_agent_may_dispute_even_for_those_who_see_it(people):
    with pytest.raises(ServiceError, match="only the conversation's agent"):
        disputes.open_dispute(people["lee"], final(people["conv"]).id, "unfair")


def test_an_evaluation_that_is_no_longer_final_cannot_be_disputed(people):
    auto = final(people["conv"])
    review.submit_review(people["rae"], people["conv"], {})
    with pytest.raises(ServiceError, match="only the current final evaluation"):
        disputes.open_dispute(people["ann"], auto.id, "unfair")


@pytest.mark.parametrize("comment, criteria, message", [
    ("", [], "a comment is required"),
    ("   ", [], "a comment is required"),
    ("unfair", ["nope", "greeting"], "unknown criterion: nope"),
])
def test_a_dispute_needs_a_comment_and_known_criteria(people, comment, criteria, message):
    with pytest.raises(ServiceError, match=message):
        disputes.open_dispute(people["ann"], final(people["conv"]).id, comment, criteria)
    assert count(Dispute) == 0


def test_an_evaluation_has_at_most_one_open_dispute(people):
    ev = final(people["conv"])
    first = disputes.open_dispute(people["ann"], ev.id, "unfair")
    with pytest.raises(ServiceError, match="already has an open dispute"):
        disputes.open_dispute(people["ann"], ev.id, "still unfair")
    disputes.resolve_dispute(people["lee"], first.id, "reject", "the phrase is forbidden")
    assert disputes.open_dispute(people["ann"], ev.id, "please look again").status == "open"


def test_a_dispute_never_goes_to_the_reviewer_of_the_disputed_evaluation(people):
    reviewed = review.submit_review(people["lee"], people["conv"], {})
    d = disputes.open_dispute(people["ann"], reviewed.id, "the lead was too strict")
    assert d.assignee.login == "rae"


def test_disputes_are_spread_over_the_leads_least_loaded_first(people, make_user):
    make_user("liz", "lead", covers=["team-a"])
    first = disputes.open_dispute(people["ann"], final(people["conv"]).id, "unfair")
    second = disputes.open_dispute(people["bob"], final(add_conversation("c-2", "bob")).id, "unfair")
    assert {first.assignee.login, second.assignee.login} == {"lee", "liz"}


def test_with_nobody_eligible_the_dispute_stays_unassigned_for_any_lead_or_admin(people, make_user):
    dan = make_user("dan", "agent", team="team-c")
    d = disputes.open_dispute(dan, final(add_conversation("c-3", "dan")).id, "unfair")
    assert d.assignee is None
    with pytest.raises(NotFound):
        disputes.get_dispute(people["lee"], d.id)
    admin = _user("admin")
    assert disputes.resolve_dispute(admin, d.id, "reject", "correct as scored").status == "rejected"


def test_accepting_republishes_a_new_final_score_audits_it_and_reruns_training_rules(people):
    auto = final(people["conv"])
    assert auto.auto_fail
    d = disputes.open_dispute(people["ann"], auto.id, "I did not say that")
    resolved = disputes.resolve_dispute(people["lee"], d.id, "accept", "transcription error",
                                        passes(*failed(auto)))
    new = final(people["conv"])
    assert (new.kind, new.source, new.reviewer.login, new.based_on_id) == ("human", "dispute", "lee", auto.id)
    assert new.score == 100 and not new.auto_fail and resolved.resulting_evaluation_id == new.id
    assert (resolved.status, resolved.outcome_reason) == ("accepted", "transcription error")
    change = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "dispute")).one()
    assert change.before["score"] == auto.score and change.after["score"] == 100
    assert change.entity_id == people["conv"] and change.user_id == people["lee"].id
    outcome = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "dispute_resolve")).one()
    assert (outcome.before["status"], outcome.after["status"]) == ("open", "accepted")
    statuses = {a.course.code: a.status for a in db.session.scalars(db.select(Assignment))}
    assert statuses["compliance-en"] == "cancelled"


def test_partly_accepting_changes_only_some_of_the_disputed_criteria(people):
    auto = final(people["conv"])
    first, second = failed(auto)[:2]
    d = disputes.open_dispute(people["ann"], auto.id, "two mistakes", [first, second])
    resolved = disputes.resolve_dispute(people["rae"] if d.assignee.login == "rae" else people["lee"], d.id,
                                        "partly_accept", "one of two", passes(first))
    new = final(people["conv"])
    results = {c.criterion_id: (c.result, c.comment) for c in new.criteria}
    assert resolved.status == "partly_accepted"
    assert results[first] == ("pass", "the agent was right") and results[second][0] == "fail"


def test_criteria_that_were_not_disputed_cannot_change(people):
    auto = final(people["conv"])
    first, second = failed(auto)[:2]
    d = disputes.open_dispute(people["ann"], auto.id, "one mistake", [first])
    with pytest.raises(ServiceError, match=f"criteria not disputed cannot change: {second}"):
        disputes.resolve_dispute(people["lee"], d.id, "accept", "x", passes(first, second))
    assert final(people["conv"]).id == auto.id and d.status == "open"


def test_rejecting_keeps_the_score_and_records_the_reason(people):
    auto = final(people["conv"])
    d = disputes.open_dispute(people["ann"], auto.id, "unfair")
    before = count(Evaluation)
    resolved = disputes.resolve_dispute(people["lee"], d.id, "reject", "the phrase is on the forbidden list")
    assert final(people["conv"]).id == auto.id and count(Evaluation) == before
    assert (resolved.status, resolved.resulting_evaluation_id) == ("rejected", None)
    assert resolved.outcome_reason == "the phrase is on the forbidden list" and resolved.resolved_at


@pytest.mark.parametrize("outcome, reason, use_changes, message", [
    ("reject", "no", True, "a rejected dispute keeps the evaluation"),
    ("accept", "yes", False, "needs at least one changed criterion"),
    ("accept", "  ", True, "a reason is required"),
    ("maybe", "x", False, "outcome must be accept, partly_accept or reject"),
])
def test_outcomes_that_contradict_the_decisions_are_refused_and_nothing_changes(people, outcome, reason,
                                                                               use_changes, message):
    auto = final(people["conv"])
    d = disputes.open_dispute(people["ann"], auto.id, "unfair")
    with pytest.raises(ServiceError, match=message):
        disputes.resolve_dispute(people["lee"], d.id, outcome, reason, passes(*failed(auto)) if use_changes else {})
    db.session.rollback()
    assert final(people["conv"]).id == auto.id and db.session.get(Dispute, d.id).status == "open"


def test_an_override_without_a_comment_is_refused_as_on_the_review_page(people):
    auto = final(people["conv"])
    d = disputes.open_dispute(people["ann"], auto.id, "unfair")
    with pytest.raises(ServiceError, match="a comment is required to override"):
        disputes.resolve_dispute(people["lee"], d.id, "accept", "ok", {failed(auto)[0]: {"result": "pass"}})


def test_who_may_resolve_a_dispute(people, make_user):
    make_user("rob", "reviewer", covers=["team-a"])
    reviewed = review.submit_review(people["lee"], people["conv"], {})
    d = disputes.open_dispute(people["ann"], reviewed.id, "too strict")
    assert d.assignee.login == "rae"
    with pytest.raises(ServiceError, match="only the assignee"):
        disputes.resolve_dispute(people["lee"], d.id, "reject", "I stand by it")  # the original reviewer
    with pytest.raises(ServiceError, match="only the assignee"):
        disputes.resolve_dispute(people["ann"], d.id, "reject", "fine")  # the agent
    for login in ("rob", "hal", "bob", "lou"):  # an unassigned reviewer, HR, another agent, another team's lead
        with pytest.raises(NotFound):
            disputes.resolve_dispute(people.get(login) or _user(login), d.id, "reject", "x")
    make_user("lia", "lead", covers=["team-a"])
    assert disputes.resolve_dispute(_user("lia"), d.id, "reject", "fair score").assignee.login == "lia"
    with pytest.raises(ServiceError, match="already resolved"):
        disputes.resolve_dispute(people["lee"], d.id, "reject", "again")


def test_the_assignee_resolves_and_is_credited(people):
    reviewed = review.submit_review(people["lee"], people["conv"], {})
    d = disputes.open_dispute(people["ann"], reviewed.id, "too strict")
    resolved = disputes.resolve_dispute(people["rae"], d.id, "accept", "agreed", passes(*failed(reviewed)))
    assert resolved.assignee.login == "rae" and final(people["conv"]).reviewer.login == "rae"


def test_a_dispute_on_an_evaluation_reviewed_again_meanwhile_can_only_be_rejected(people):
    auto = final(people["conv"])
    d = disputes.open_dispute(people["ann"], auto.id, "unfair")
    review.submit_review(people["rae"], people["conv"], {})
    with pytest.raises(ServiceError, match="no longer the final one"):
        disputes.resolve_dispute(people["lee"], d.id, "accept", "ok", passes(*failed(auto)))
    db.session.rollback()
    assert disputes.resolve_dispute(people["lee"], d.id, "reject", "superseded").status == "rejected"


def test_each_role_sees_its_own_disputes(people):
    mine = disputes.open_dispute(people["ann"], final(people["conv"]).id, "unfair")
    other = disputes.open_dispute(people["cat"], final(add_conversation("c-9", "cat")).id, "unfair")
    admin = _user("admin")
    seen = {login: {d.id for d in disputes.list_disputes(people.get(login) or admin)}
            for login in ("ann", "bob", "cat", "lee", "lou", "rae", "hal", "admin")}
    assert seen == {"ann": {mine.id}, "bob": set(), "cat": {other.id}, "lee": {mine.id}, "lou": {other.id},
                    "rae": set(), "hal": set(), "admin": {mine.id, other.id}}
    assert [d.id for d in disputes.list_disputes(admin, status="open", conversation_id=people["conv"])] == [mine.id]
    with pytest.raises(NotFound):
        disputes.get_dispute(people["bob"], mine.id)


def test_statistics_count_outcomes_and_the_median_hours_to_resolve_per_resolver(frozen_clock, people):
    """A dispute counts in the period of the conversation it is about (all of them from November here)."""
    t0 = datetime(2026, 11, 10, 9, 0, tzinfo=timezone.utc)
    ids = [people["conv"], add_conversation("c-2", "bob"), add_conversation("c-4", "ann")]
    owners = [people["ann"], people["bob"], people["ann"]]
    opened = [disputes.open_dispute(owner, final(cid).id, "unfair", now=final(cid).created_at)
              for owner, cid in zip(owners, ids)]
    for d in opened:  # backdate so the hours are exact
        d.created_at = t0
    db.session.commit()
    disputes.resolve_dispute(people["lee"], opened[0].id, "reject", "fine", now=t0 + timedelta(hours=2))
    disputes.resolve_dispute(people["lee"], opened[1].id, "accept", "yes",
                             passes(*failed(final(ids[1]))), now=t0 + timedelta(hours=6))
    label, stats = disputes.stats()
    assert (label, stats.volume, stats.open) == (None, 3, 1)
    assert stats.outcomes == {"accepted": 1, "partly_accepted": 0, "rejected": 1}
    assert [(r.resolver, r.resolved, r.median_hours) for r in stats.resolvers] == [("lee", 2, 4.0)]
    assert disputes.stats("2026-11")[1].volume == 3 and disputes.stats("2026-10")[1].volume == 0
    with pytest.raises(ServiceError, match="period '2026-13': month 13"):
        disputes.stats("2026-13")


def _user(login):
    from qa_app.services import users
    return users.get_user(login)
