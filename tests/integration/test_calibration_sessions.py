"""Calibration sessions: creation rules, blind answers, closing, hand-checked results, calibrated answers, trend."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import AuditEntry, CalibrationAnswer, CalibrationSession
from qa_app.services import (
    NotFound,
    ServiceError,
    calibration_results,
    calibration_sessions,
    conversations,
    ingest,
    scorecards,
    scoring,
)
from qa_app.services.calibration_results import alignment_trend, results, trend_for
from tests.conftest import FIXTURES

CARD = FIXTURES / "calibration"
# The test card: greeting (10 points), forbidden (20, critical), closing (10).
# What the automatic scorer answers on its two conversations:
GOOD = {"greeting": "pass", "forbidden": "pass", "closing": "pass"}  # total 100
BAD = {"greeting": "fail", "forbidden": "fail", "closing": "fail"}   # critical fail: total 0
BAD_REV2 = BAD | {"forbidden": "pass"}                               # 20 of 40 points: 50


def soon(hours: int = 24) -> datetime:
    return clock.now() + timedelta(hours=hours)


@pytest.fixture
def world(app, fake_sentiment, make_user):
    scorecards.create_version((CARD / "scorecard.yaml").read_text(encoding="utf-8"), activate=True)
    make_user("cal.agent", "agent")  # the agent of both conversations
    ingest.ingest_paths([CARD / "conversations.ndjson"])
    scoring.score_pending()
    users = {login: make_user(login, role) for login, role in
             (("lead1", "lead"), ("rev1", "reviewer"), ("rev2", "reviewer"), ("rev3", "reviewer"),
              ("agent9", "agent"), ("hr9", "hr"))}
    users["good"] = conversations.by_external_id("cal-good").id
    users["bad"] = conversations.by_external_id("cal-bad").id
    return users


def _session(world, raters=("rev1", "rev2"), benchmark=None, deadline=None):
    return calibration_sessions.create_session(world["lead1"], "November", [world["good"], world["bad"]], list(raters),
                                      deadline or soon(), benchmark)


def test_creating_a_session_stores_the_automatic_answers_at_once(world):
    session = _session(world)
    auto = {i.conversation.external_id: a for i in session.items for a in i.answers}
    assert {k: (a.is_auto, a.rater_id, a.answers, a.score) for k, a in auto.items()} == {
        "cal-good": (True, None, GOOD, 100.0), "cal-bad": (True, None, BAD, 0.0)}
    assert [r.login for r in session.raters] == ["rev1", "rev2"] and session.status == "open"
    assert db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "calibration_create")).one()


@pytest.mark.parametrize("who, kwargs, message", [
    ("rev1", {}, "only leads and admins"),
    ("lead1", {"name": "  "}, "needs a name"),
    ("lead1", {"deadline": "past"}, "deadline must be in the future"),
    ("lead1", {"raters": []}, "at least one rater"),
    ("lead1", {"raters": ["agent9"]}, "agent9: raters must be active reviewers or leads"),
    ("lead1", {"raters": ["hr9"]}, "hr9: raters must be active reviewers or leads"),
    ("lead1", {"conversations": []}, "at least one conversation"),
])
def test_bad_session_requests_are_refused(world, who, kwargs, message):
    deadline = soon(-1) if kwargs.get("deadline") == "past" else soon()
    with pytest.raises(ServiceError, match=message):
        calibration_sessions.create_session(world[who], kwargs.get("name", "S"),
                                   kwargs.get("conversations", [world["good"]]),
                                   kwargs.get("raters", ["rev1"]), deadline)


def test_unknown_raters_and_conversations_are_not_found(world):
    with pytest.raises(NotFound, match="nobody"):
        calibration_sessions.create_session(world["lead1"], "S", [world["good"]], ["nobody"], soon())
    with pytest.raises(NotFound, match="no conversation with id 'nope'"):
        calibration_sessions.conversation_ids_for(world["lead1"], ["cal-good", "nope"])
    with pytest.raises(NotFound):
        calibration_sessions.create_session(world["lead1"], "S", [99999], ["rev1"], soon())


def test_the_benchmark_is_added_to_the_raters(world):
    session = _session(world, raters=("rev2",), benchmark="rev1")
    assert sorted(r.login for r in session.raters) == ["rev1", "rev2"] and session.benchmark.login == "rev1"


def test_someone_not_listed_as_a_rater_cannot_answer(world):
    session = _session(world)
    with pytest.raises(NotFound):  # a reviewer who does not rate it does not see the session at all
        calibration_sessions.submit_answers(world["rev3"], session.id, world["good"], GOOD)
    with pytest.raises(ServiceError, match="not a rater"):
        calibration_sessions.submit_answers(world["lead1"], session.id, world["good"], GOOD)


@pytest.mark.parametrize("answers, message", [
    (GOOD | {"nope": "pass"}, "unknown criterion: nope"),
    ({k: v for k, v in GOOD.items() if k != "closing"}, "missing: closing"),
    (GOOD | {"closing": "maybe"}, "closing: the answer must be pass, fail or na"),
])
def test_incomplete_or_invalid_answers_are_refused_and_nothing_is_stored(world, answers, message):
    session = _session(world)
    with pytest.raises(ServiceError, match=message):
        calibration_sessions.submit_answers(world["rev1"], session.id, world["good"], answers)
    assert db.session.scalars(db.select(CalibrationAnswer).where(CalibrationAnswer.is_auto.is_(False))).all() == []


def test_a_conversation_outside_the_session_is_not_found(world):
    session = calibration_sessions.create_session(world["lead1"], "S", [world["good"]], ["rev1"], soon())
    with pytest.raises(NotFound):
        calibration_sessions.submit_answers(world["rev1"], session.id, world["bad"], BAD)


def test_resubmitting_before_close_replaces_the_answer_and_is_audited_without_its_content(world):
    session = _session(world)
    calibration_sessions.submit_answers(world["rev1"], session.id, world["good"], GOOD)
    row = calibration_sessions.submit_answers(world["rev1"], session.id, world["good"], GOOD | {"closing": "fail"})
    mine = [a for i in session.items for a in i.answers if a.rater_id == world["rev1"].id]
    assert mine == [row] and row.answers["closing"] == "fail" and row.score == 75.0  # 30 of 40 points
    entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "calibration_answer")
                                 .order_by(AuditEntry.id)).all()
    assert [e.after["replaced"] for e in entries] == [False, True]
    assert all("closing" not in str(e.after) for e in entries)  # the audit log cannot break the blind


def _stored(session_id: int) -> tuple[str, int]:
    """(stored status, audit entries) as a fresh read of the database sees them."""
    db.session.expire_all()
    status = db.session.get(CalibrationSession, session_id).status
    return status, db.session.scalar(db.select(db.func.count()).select_from(AuditEntry))


def test_answers_after_the_deadline_are_refused_and_change_nothing(world):
    session = _session(world, deadline=soon(1))
    before = _stored(session.id)
    with pytest.raises(ServiceError, match="closed"):
        calibration_sessions.submit_answers(world["rev1"], session.id, world["good"], GOOD, now=soon(2))
    assert _stored(session.id) == before == ("open", before[1])
    assert db.session.scalars(db.select(CalibrationAnswer).where(CalibrationAnswer.is_auto.is_(False))).all() == []


def test_a_session_past_its_deadline_reads_as_closed_without_being_written(world):
    session = _session(world, deadline=soon(1))
    before = _stored(session.id)
    page = calibration_results.session_page(world["rev1"], session.id, now=soon(2))
    assert page.closed and page.results is not None and not page.can_answer
    assert page.closed_at == db.session.get(CalibrationSession, session.id).deadline.replace(tzinfo=timezone.utc)
    calibration_sessions.list_sessions(world["lead1"])
    assert _stored(session.id) == before


def test_the_job_closes_each_overdue_session_once_as_of_its_deadline_and_audited(world):
    overdue = _session(world, deadline=soon(1))
    running = _session(world, deadline=soon(48))
    assert calibration_sessions.close_overdue(now=soon(2)) == 1
    assert calibration_sessions.close_overdue(now=soon(3)) == 0
    db.session.expire_all()
    closed, still_open = db.session.get(CalibrationSession, overdue.id), db.session.get(CalibrationSession, running.id)
    assert (closed.status, closed.closed_at) == ("closed", closed.deadline) and still_open.status == "open"
    entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "calibration_close")).all()
    assert [(e.entity_id, e.user_id, e.after["by_deadline"]) for e in entries] == [(overdue.id, None, True)]


def test_the_scheduled_job_table_closes_overdue_sessions_once_per_day(world, frozen_clock):
    from qa_app import jobs as job_table
    from qa_app.models import Job
    session = _session(world, deadline=soon(1))
    frozen_clock.shift(timedelta(hours=2))
    assert f"close_calibration:{soon(0).date().isoformat()}" in job_table.run_due()
    assert not any(k.startswith("close_calibration") for k in job_table.run_due())
    db.session.expire_all()
    assert db.session.get(CalibrationSession, session.id).status == "closed"
    job = db.session.scalars(db.select(Job).where(Job.kind == "close_calibration")).one()
    assert (job.status, job.result) == ("done", {"closed": 1})
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "calibration_close")) == 1


def test_closing_needs_the_sessions_lead_and_happens_once(world, make_user):
    session = _session(world)
    with pytest.raises(ServiceError, match="only leads and admins"):
        calibration_sessions.close_session(world["rev1"], session.id)
    with pytest.raises(calibration_sessions.NotAllowed, match="only the lead who created this session"):
        calibration_sessions.close_session(make_user("lead2", "lead"), session.id)
    assert _stored(session.id)[0] == "open"
    calibration_sessions.close_session(world["lead1"], session.id)
    with pytest.raises(ServiceError, match="already closed"):
        calibration_sessions.close_session(world["lead1"], session.id)
    with pytest.raises(ServiceError, match="closed"):
        calibration_sessions.submit_answers(world["rev1"], session.id, world["good"], GOOD)


def test_results_are_refused_for_an_open_session(world):
    session = _session(world)
    with pytest.raises(ServiceError, match="only once the session is closed"):
        results(session)
    assert calibration_results.session_page(world["lead1"], session.id).results is None


def _answered_and_closed(world, benchmark="rev1"):
    session = _session(world, benchmark=benchmark)
    calibration_sessions.submit_answers(world["rev1"], session.id, world["good"], GOOD)
    calibration_sessions.submit_answers(world["rev1"], session.id, world["bad"], BAD)
    calibration_sessions.submit_answers(world["rev2"], session.id, world["good"], GOOD)
    calibration_sessions.submit_answers(world["rev2"], session.id, world["bad"], BAD_REV2)
    return calibration_sessions.close_session(world["lead1"], session.id)


def test_the_results_match_the_hand_computed_example(world):
    """Raters rev1, rev2, automatic on two conversations; totals good 100/100/100, bad 0/50/0.

    forbidden: good pass x3; bad fail, pass, fail. P_1 = 1, P_2 = 1/3, mean 2/3; shares pass 4/6,
    fail 2/6, P_e = 5/9; Fleiss = (2/3 - 5/9) / (4/9) = 1/4. Alpha nominal: observed 2 (the bad
    item: (9 - 5) / 2), expected 36 - 20 = 16, n = 6: 1 - 5 * 2 / 16 = 3/8.
    Totals: grand mean 350/6; SS total 12083.33, rows 10416.67, columns 833.33, error 833.33;
    BMS 10416.67, JMS = EMS = 416.67: ICC = 10000 / 11250 = 8/9. Alpha interval: observed
    2 * 3 * 1666.67 / 2 = 5000, expected 2 * 6 * 12083.33 = 145000: 1 - 5 * 5000 / 145000 = 24/29.
    Against the benchmark rev1, rev2 agrees on all 40 points of the good item and on 20 of the
    bad one (greeting, closing): 60 / 80 = 3/4; leniency (0 + 50) / 2 = 25. The automatic scorer
    answered as rev1 did: alignment 1, leniency 0.
    """
    session = _answered_and_closed(world)
    res = results(session)
    a = res.agreement
    assert res.raters == ("rev1", "rev2", "automatic") and a.reference == "rev1"
    forbidden = a.criteria["forbidden"]
    assert forbidden.percent_agreement.value == pytest.approx(2 / 3)
    assert forbidden.fleiss_kappa.value == pytest.approx(0.25)
    assert forbidden.krippendorff_alpha.value == pytest.approx(3 / 8)
    assert forbidden.cohen_kappa is None  # three raters
    assert a.criteria["greeting"].percent_agreement.value == pytest.approx(1.0)
    assert res.totals[_item_id(session, world["good"])] == {"rev1": 100, "rev2": 100, "automatic": 100}
    assert res.totals[_item_id(session, world["bad"])] == {"rev1": 0, "rev2": 50, "automatic": 0}
    assert a.total.percent_agreement.value == pytest.approx(2 / 3)
    assert a.total.icc.value == pytest.approx(8 / 9)
    assert a.total.krippendorff_alpha.value == pytest.approx(24 / 29)
    by_rater = {r.rater: r for r in a.reviewers}
    assert set(by_rater) == {"rev2", "automatic"}
    assert by_rater["rev2"].alignment == pytest.approx(3 / 4)
    assert by_rater["rev2"].leniency.value == pytest.approx(25)
    assert by_rater["automatic"].alignment == pytest.approx(1.0)
    assert by_rater["automatic"].leniency.value == pytest.approx(0)
    assert res.points == {"greeting": 10, "forbidden": 20, "closing": 10}


def test_two_raters_get_cohens_kappa(world):
    session = calibration_sessions.create_session(world["lead1"], "Pair", [world["good"], world["bad"]], ["rev1"], soon())
    calibration_sessions.submit_answers(world["rev1"], session.id, world["good"], GOOD)
    calibration_sessions.submit_answers(world["rev1"], session.id, world["bad"], BAD | {"greeting": "pass"})
    calibration_sessions.close_session(world["lead1"], session.id)
    greeting = results(session).agreement.criteria["greeting"]
    # rev1 pass/pass, automatic pass/fail: p_o = 1/2, p_e = 1 * 1/2 = 1/2, kappa = 0
    assert greeting.cohen_kappa.value == pytest.approx(0.0)
    assert greeting.percent_agreement.value == pytest.approx(0.5)


def test_without_a_benchmark_everyone_is_compared_with_the_consensus(world):
    session = _answered_and_closed(world, benchmark=None)
    res = results(session)
    assert res.agreement.reference == "consensus"
    assert {r.rater for r in res.agreement.reviewers} == {"rev1", "rev2", "automatic"}
    bad = _item_id(session, world["bad"])
    assert res.consensus[bad] == BAD  # forbidden: fail, pass, fail


def _item_id(session, conversation_id: int) -> int:
    return next(i.id for i in session.items if i.conversation_id == conversation_id)


def test_setting_the_calibrated_answer_makes_the_final_evaluation_and_is_audited(world):
    session = _answered_and_closed(world)
    ev = calibration_sessions.set_calibrated(world["lead1"], session.id, world["bad"], BAD_REV2)
    assert ev.is_final and ev.kind == "human" and ev.source == "calibration" and ev.reviewer.login == "lead1"
    assert ev.score == 50.0 and not ev.auto_fail
    assert conversations.final_evaluation(world["bad"]).id == ev.id
    item = next(i for i in session.items if i.conversation_id == world["bad"])
    assert item.calibrated_evaluation_id == ev.id
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "calibration")).one()
    assert entry.user_id == world["lead1"].id and entry.before["score"] == 0.0 and entry.after["score"] == 50.0
    assert entry.after["criteria"]["forbidden"] == "pass"


def test_a_calibrated_critical_failure_scores_zero(world):
    session = _answered_and_closed(world)
    ev = calibration_sessions.set_calibrated(world["lead1"], session.id, world["good"], GOOD | {"forbidden": "fail"})
    assert ev.score == 0.0 and ev.auto_fail and ev.fail_reasons == ["forbidden: calibrated in session November"]


def test_the_calibrated_answer_needs_a_closed_session_and_a_lead(world):
    session = _session(world)
    with pytest.raises(ServiceError, match="close the session"):
        calibration_sessions.set_calibrated(world["lead1"], session.id, world["good"], GOOD)
    calibration_sessions.close_session(world["lead1"], session.id)
    with pytest.raises(ServiceError, match="only leads and admins"):
        calibration_sessions.set_calibrated(world["rev1"], session.id, world["good"], GOOD)


def test_the_alignment_trend_lists_closed_sessions_in_order(world):
    _answered_and_closed(world)
    open_one = _session(world)
    trend = alignment_trend(world["rev2"])
    assert [(p.name, round(p.alignment, 4), p.leniency, p.benchmark) for p in trend] == [
        ("November", 0.75, 25.0, False)]
    assert open_one.id not in [p.session_id for p in trend]
    assert [(p.alignment, p.benchmark) for p in alignment_trend(world["rev1"])] == [(None, True)]


def test_reviewers_see_only_their_own_trend_and_leads_anyones(world):
    assert trend_for(world["lead1"], "rev2")[0].login == "rev2"
    assert trend_for(world["rev2"], "rev2")[0].login == "rev2"
    with pytest.raises(NotFound):
        trend_for(world["rev1"], "rev2")


def test_sessions_are_listed_for_their_raters_and_all_leads(world):
    session = _session(world)
    assert [s.id for s in calibration_sessions.list_sessions(world["rev1"])] == [session.id]
    assert calibration_sessions.list_sessions(world["rev3"]) == []
    assert [s.id for s in calibration_sessions.list_sessions(world["lead1"])] == [session.id]
    with pytest.raises(NotFound):
        calibration_sessions.get_visible(world["rev3"], session.id)


def test_the_session_page_shows_a_rater_only_their_own_answers_before_close(world):
    session = _session(world)
    calibration_sessions.submit_answers(world["rev1"], session.id, world["good"], GOOD)
    calibration_sessions.submit_answers(world["rev2"], session.id, world["good"], GOOD | {"closing": "fail"})
    page = calibration_results.session_page(world["rev1"], session.id)
    assert list(page.own.values()) == [GOOD] and page.progress is None and page.results is None
    lead_page = calibration_results.session_page(world["lead1"], session.id)
    assert lead_page.own == {} and lead_page.progress == {"rev1": 1, "rev2": 1} and lead_page.results is None


def test_the_sessions_module_does_not_import_its_results_module():
    import ast
    source = calibration_sessions.__file__
    tree = ast.parse(open(source, encoding="utf-8").read())
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "calibration_results" not in imported and "qa_app.services.calibration_results" not in imported
