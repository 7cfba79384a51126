"""Calibration respects team coverage: a lead who covers London neither sees nor changes a Shanghai session."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import (
    Assignment,
    AuditEntry,
    CalibrationAnswer,
    CalibrationSession,
    Evaluation,
)
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
from tests.conftest import FIXTURES

CARD = FIXTURES / "calibration"
GOOD = {"greeting": "pass", "forbidden": "pass", "closing": "pass"}


def soon(hours: int = 24) -> datetime:
    return clock.now() + timedelta(hours=hours)


@pytest.fixture
def teams(app, fake_sentiment, make_user):
    """cal.agent works in Shanghai; sh.lead and sh.rev cover Shanghai, ldn.lead and ldn.rev London."""
    scorecards.create_version((CARD / "scorecard.yaml").read_text(encoding="utf-8"), activate=True)
    make_user("cal.agent", "agent", team="Shanghai")
    ingest.ingest_paths([CARD / "conversations.ndjson"])
    scoring.score_pending()
    people = {login: make_user(login, role, team=team) for login, role, team in (
        ("sh.lead", "lead", "Shanghai"), ("sh.lead2", "lead", "Shanghai"), ("sh.rev", "reviewer", "Shanghai"),
        ("ldn.lead", "lead", "London"), ("ldn.rev", "reviewer", "London"))}
    people["good"] = conversations.by_external_id("cal-good").id
    people["bad"] = conversations.by_external_id("cal-bad").id
    return people


def _shanghai_session(teams, close: bool = False) -> int:
    session = calibration_sessions.create_session(teams["sh.lead"], "Shanghai", [teams["good"], teams["bad"]],
                                                  ["sh.rev"], soon())
    calibration_sessions.submit_answers(teams["sh.rev"], session.id, teams["good"], GOOD)
    if close:
        calibration_sessions.close_session(teams["sh.lead"], session.id)
    return session.id


def _snapshot() -> dict:
    """What a change would show in a fresh read of the database."""
    db.session.expire_all()
    count = lambda model: db.session.scalar(db.select(db.func.count()).select_from(model))  # noqa: E731
    return {"audit": count(AuditEntry), "evaluations": count(Evaluation), "assignments": count(Assignment),
            "answers": count(CalibrationAnswer), "sessions": count(CalibrationSession),
            "statuses": db.session.scalars(db.select(CalibrationSession.status).order_by(CalibrationSession.id)).all(),
            "finals": db.session.scalars(db.select(Evaluation.id).where(Evaluation.is_final.is_(True))
                                         .order_by(Evaluation.id)).all()}


def test_a_london_lead_cannot_create_a_session_on_shanghai_conversations(teams):
    before = _snapshot()
    with pytest.raises(NotFound, match="no conversation with id 'cal-good'"):
        calibration_sessions.conversation_ids_for(teams["ldn.lead"], ["cal-good"])
    with pytest.raises(NotFound):
        calibration_sessions.create_session(teams["ldn.lead"], "Mine", [teams["good"]], ["ldn.rev"], soon())
    assert _snapshot() == before


def test_raters_must_cover_every_conversation_of_the_session(teams):
    before = _snapshot()
    with pytest.raises(ServiceError, match="ldn.rev: does not cover the team of conversation cal-good, cal-bad"):
        calibration_sessions.create_session(teams["sh.lead"], "S", [teams["good"], teams["bad"]],
                                            ["sh.rev", "ldn.rev"], soon())
    assert _snapshot() == before


def test_a_london_lead_neither_lists_nor_opens_a_shanghai_session(teams):
    session_id = _shanghai_session(teams)
    assert calibration_sessions.list_sessions(teams["ldn.lead"]) == []
    assert [s.id for s in calibration_sessions.list_sessions(teams["sh.lead2"])] == [session_id]
    for call in (lambda: calibration_sessions.get_visible(teams["ldn.lead"], session_id),
                 lambda: calibration_results.session_page(teams["ldn.lead"], session_id),
                 lambda: calibration_sessions.item_criteria(teams["ldn.lead"], session_id, teams["good"])):
        with pytest.raises(NotFound):
            call()


def test_a_london_lead_can_neither_close_nor_calibrate_a_shanghai_session(teams):
    open_id = _shanghai_session(teams)
    closed_id = _shanghai_session(teams, close=True)
    before = _snapshot()
    with pytest.raises(NotFound):
        calibration_sessions.close_session(teams["ldn.lead"], open_id)
    with pytest.raises(NotFound):
        calibration_sessions.set_calibrated(teams["ldn.lead"], closed_id, teams["bad"], GOOD)
    assert _snapshot() == before


def test_a_rater_whose_coverage_no_longer_includes_the_team_loses_the_session(teams):
    from qa_app.services import users
    session_id = _shanghai_session(teams)
    rater = teams["sh.rev"]
    rater.team = users.ensure_team("London")
    db.session.commit()
    with pytest.raises(NotFound):
        calibration_sessions.submit_answers(rater, session_id, teams["bad"], GOOD)


def test_only_the_lead_who_created_the_session_or_an_admin_closes_it(teams):
    from qa_app.models import User
    session_id = _shanghai_session(teams)
    with pytest.raises(calibration_sessions.NotAllowed):
        calibration_sessions.close_session(teams["sh.lead2"], session_id)
    admin = db.session.scalar(db.select(User).where(User.login == "admin"))
    assert calibration_sessions.close_session(admin, session_id).status == "closed"


def test_a_covering_lead_sets_the_calibrated_answer(teams):
    session_id = _shanghai_session(teams, close=True)
    ev = calibration_sessions.set_calibrated(teams["sh.lead2"], session_id, teams["bad"], GOOD)
    assert conversations.final_evaluation(teams["bad"]).id == ev.id and ev.reviewer.login == "sh.lead2"


def test_the_alignment_trend_lists_only_sessions_the_viewer_may_open(teams):
    session_id = _shanghai_session(teams, close=True)
    assert [p.session_id for p in calibration_results.trend_for(teams["sh.lead"], "sh.rev")[1]] == [session_id]
    assert calibration_results.trend_for(teams["ldn.lead"], "sh.rev")[1] == []
