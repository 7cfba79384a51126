"""Weekly sampling stores reviewer queues once per week, with reasons, due dates and no self-review."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from qa_app import jobs as job_table
from qa_app.extensions import db
from qa_app.models import AuditEntry, Job, ReviewPick
from qa_app.services import ServiceError, review, sampling
from tests.sampling_seed import MONDAY_W47, ingest_and_score, record, seed_week


@pytest.fixture
def week(app, fake_sentiment, make_user):
    make_user("r1", "reviewer")
    make_user("r2", "reviewer")
    make_user("lead1", "lead")
    return seed_week()


def _rows():
    return list(db.session.scalars(db.select(ReviewPick).order_by(ReviewPick.id)))


def test_sampling_a_week_twice_adds_nothing_the_second_time(week):
    first = sampling.sample_week("2026-W47")
    again = sampling.sample_week("2026-W47")
    assert first.created and not again.created
    assert len(first.picks) == 10  # quota 5 for each of the two agents
    assert [p.id for p in again.picks] == [p.id for p in first.picks] == [p.id for p in _rows()]
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "sample")) == 1


def test_picks_are_due_two_days_after_the_week_ends_and_start_pending(week):
    picks = sampling.sample_week("2026-W47").picks
    assert {p.due_at.replace(tzinfo=timezone.utc) for p in picks} == {datetime(2026, 11, 25, tzinfo=timezone.utc)}
    assert {p.status for p in picks} == {"pending"} and {p.week for p in picks} == {"2026-W47"}


def test_risk_picks_store_every_reason_and_random_picks_say_random(week, app):
    app.config["QADESK_SAMPLE_RANDOM_SHARE"] = "0"
    picks = sampling.sample_week("2026-W47").picks
    bad = {cid for ext, cid in week.items() if ext.endswith(("-0", "-3"))}
    risky = [p for p in picks if not p.random_pick]
    assert {p.conversation_id for p in risky} == bad
    for p in risky:
        assert {"negative_end_sentiment", "low_csat"} <= set(p.reasons), p.reasons
        assert set(p.reasons) <= set(sampling.PICK_REASONS) - {"random"}
    assert all(p.reasons == ["random"] for p in picks if p.random_pick)
    assert {p.stratum for p in picks} <= {"chat/returns", "chat/refunds"}


def test_nobody_is_given_their_own_conversations(app, fake_sentiment, make_user):
    from qa_app.extensions import db
    from qa_app.models import User
    make_user("r1", "agent")
    make_user("r2", "reviewer")
    seed_week(agents=("r1", "a1"))  # r1 took chats this week as an agent, then became a reviewer
    db.session.execute(db.update(User).where(User.login == "r1").values(role="reviewer"))
    db.session.commit()
    picks = sampling.sample_week("2026-W47").picks
    assert {p.conversation.agent.login for p in picks} == {"r1", "a1"}
    assert all(p.reviewer.login != p.conversation.agent.login for p in picks)
    assert {p.reviewer.login for p in picks if p.conversation.agent.login == "r1"} == {"r2"}


def test_only_reviewers_get_picks_spread_by_their_weights(week, app):
    app.config["QADESK_REVIEWER_WEIGHTS"] = "r1:4, r2:1"
    picks = sampling.sample_week("2026-W47").picks
    assert sorted(p.reviewer.login for p in picks) == ["r1"] * 8 + ["r2"] * 2


def test_other_weeks_and_human_reviewed_conversations_are_not_candidates(week, make_user):
    later = ingest_and_score([record("next-week", "a1", MONDAY_W47 + timedelta(days=7), bad=True)])
    review.submit_review(make_user("lead2", "lead"), week["a1-0"], {})
    start, end = sampling.week_bounds("2026-W47")
    candidates = {c.conversation_id for c in sampling.load_candidates(start, end)}
    assert later[0] not in candidates and week["a1-0"] not in candidates
    assert candidates == set(week.values()) - {week["a1-0"]}


def test_candidates_carry_the_sentiment_at_the_end_and_the_longest_wait(week):
    start, end = sampling.week_bounds("2026-W47")
    bad = next(c for c in sampling.load_candidates(start, end) if c.conversation_id == week["a1-0"])
    assert (bad.end_sentiment, bad.longest_silence, bad.csat, bad.channel, bad.queue) == \
        (-0.6, 20.0, 1, "chat", "returns")


@pytest.mark.parametrize("metrics, expected", [
    ({"kind": "call", "silence": {"longest": 41.5}}, 41.5),
    ({"kind": "chat", "response_times": {"max": 12}}, 12.0),
    ({"kind": "chat", "response_times": {"max": None}}, None),
    ({"kind": "none", "turns": 3}, None),
    ({}, None),
])
def test_the_longest_silence_comes_from_the_stored_metrics(metrics, expected):
    assert sampling.longest_silence(metrics) == expected


def test_a_week_without_reviewers_is_refused_clearly_and_stores_nothing(app, fake_sentiment):
    seed_week()
    with pytest.raises(ServiceError, match="there are no reviewers"):
        sampling.sample_week("2026-W47")
    assert _rows() == []


def test_a_week_without_conversations_has_no_picks(week):
    result = sampling.sample_week("2026-W40")
    assert result.created and result.picks == []


@pytest.mark.parametrize("setting, value, message", [
    ("QADESK_REVIEWER_WEIGHTS", "r1=2", "'r1=2' is not login:weight"),
    ("QADESK_REVIEWER_WEIGHTS", "r1:-1", "'r1:-1' is not login:weight"),
    ("QADESK_REVIEWER_WEIGHTS", "r1:lots", "'r1:lots' is not login:weight"),
    ("QADESK_SAMPLE_QUOTA", "five", "QADESK_SAMPLE_QUOTA"),
    ("QADESK_SAMPLE_RANDOM_SHARE", "2", "QADESK_SAMPLE_RANDOM_SHARE=.2. .test configuration.: must be a number from 0 to 1"),
])
def test_bad_sampling_settings_are_refused_naming_the_setting(week, app, setting, value, message):
    app.config[setting] = value
    with pytest.raises(ServiceError, match=message):
        sampling.sample_week("2026-W47")
    assert _rows() == []


@pytest.mark.parametrize("bad_week", ["2026-47", "W47", "2025-W53"])
def test_a_malformed_week_is_refused(week, bad_week):
    with pytest.raises(ServiceError, match="2026-W47|has no week"):
        sampling.sample_week(bad_week)


def test_a_submitted_review_marks_the_conversations_pick_done(week):
    pick = sampling.sample_week("2026-W47").picks[0]
    reviewer = pick.reviewer
    assert sampling.progress(reviewer, "2026-W47")[0] == 0
    review.submit_review(reviewer, pick.conversation_id, {})
    assert pick.status == "done"
    done, total = sampling.progress(reviewer, "2026-W47")
    assert done == 1 and total == len([p for p in _rows() if p.reviewer_id == reviewer.id])
    assert [p.id for p in sampling.reviewer_picks(reviewer, "2026-W47", status="done")] == [pick.id]


def test_reviewer_picks_filter_by_reason_and_refuse_unknown_filters(week, app):
    app.config["QADESK_SAMPLE_RANDOM_SHARE"] = "0"
    picks = sampling.sample_week("2026-W47").picks
    reviewer = picks[0].reviewer
    low = sampling.reviewer_picks(reviewer, "2026-W47", reason="low_csat")
    assert low and all("low_csat" in p.reasons for p in low)
    with pytest.raises(ServiceError, match="reason: must be one of"):
        sampling.reviewer_picks(reviewer, "2026-W47", reason="bored")
    with pytest.raises(ServiceError, match="status: must be pending or done"):
        sampling.reviewer_picks(reviewer, "2026-W47", status="later")


def test_the_weekly_job_samples_the_week_just_ended_once(week):
    monday = datetime(2026, 11, 23, 0, 5, tzinfo=timezone.utc)
    assert "sample:2026-W47" in job_table.run_due(monday)
    assert "sample:2026-W47" not in job_table.run_due(monday + timedelta(days=3))
    job = db.session.scalar(db.select(Job).where(Job.key == "sample:2026-W47"))
    assert job.status == "done" and job.result == {"week": "2026-W47", "picks": 10, "created": True}
    assert len(_rows()) == 10
