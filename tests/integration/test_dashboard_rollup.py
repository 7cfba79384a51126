"""The dashboards read the daily rollup (services.rollups): every figure equals the one worked out from
the raw rows, after each thing that changes a final evaluation, a CSAT, an end mood or a team's zone."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from qa_app.extensions import db
from qa_app.models import Conversation, DailyFailure, DailyRollup, Evaluation, User
from qa_app.models.base import as_utc
from scoring import dashboard as figures
from training import periods

HAPPY = [("customer", "My parcel is late."), ("agent", "Hello, I am sorry, let me check your order."),
         ("customer", "Thank you, that was helpful."), ("agent", "Is there anything else? Have a great day.")]
ANGRY = [("customer", "Where is my parcel? This is ridiculous."), ("agent", "That's not my problem."),
         ("customer", "Unacceptable.")]
# (id, agent, UTC start, channel, queue, language, lines, csat, customer). London leaves summer time on
# 25 October 2026; b1 works in Shanghai (Friday 20:00 UTC is Saturday 04:00 there); c1's team has no zone.
CONVERSATIONS = [
    ("r-1", "a1", "2026-10-24T23:30:00", "chat", "returns", "en", HAPPY, 5, "dora"),  # London Sunday 00:30 (BST)
    ("r-2", "a1", "2026-10-26T23:30:00", "chat", "refunds", "en", ANGRY, 1, "dora"),  # London Monday 23:30 (GMT)
    ("r-3", "a2", "2026-11-02T09:00:00", "call", "returns", "en", HAPPY, 4, "eve"),
    ("r-4", "a2", "2026-11-02T15:00:00", "chat", "returns", "en", ANGRY, None, "finn"),
    ("r-5", "b1", "2026-11-06T20:00:00", "chat", "refunds", "zh", ANGRY, 2, "gao"),
    ("r-6", "b1", "2026-11-10T01:00:00", "call", None, "zh", HAPPY, 5, "hu"),
    ("r-7", "c1", "2026-11-15T12:00:00", "email", "logistics", "en", HAPPY, 3, "ivy"),
    ("r-8", "c1", "2026-11-30T23:59:00", "chat", "logistics", "en", ANGRY, None, "dora"),
    ("r-9", "a1", "2026-12-01T09:00:00", "chat", "returns", "en", HAPPY, 5, "jo"),
]
FILTERS = [dict(period="2026-11"), dict(period="2026-Q4"), dict(period="2026-Q4", step="day"),
           dict(period="2026-Q4", team="team-a"), dict(period="2026-Q4", channel="chat"),
           dict(period="2026-Q4", queue="returns"), dict(period="2026-Q4", language="zh"),
           dict(period="2026-10", team="team-a", channel="chat")]


def _record(external_id, agent, start, channel, queue, language, lines, csat, customer) -> dict:
    at = datetime.fromisoformat(start + "+00:00")
    record = {"id": external_id, "agent": agent, "language": language, "channel": channel, "started_at": at.isoformat(),
              "customer": customer, "turns": [{"speaker": s, "text": t, "at": (at + timedelta(seconds=20 * i)).isoformat()}
                                              for i, (s, t) in enumerate(lines)]}
    if queue:
        record["queue"] = queue
    if csat is not None:
        record["csat"] = csat
    return record


@pytest.fixture
def world(app, make_user, fake_sentiment):
    from qa_app.services import ingest, scoring, users
    for login, team in (("a1", "team-a"), ("a2", "team-a"), ("b1", "team-b"), ("c1", "team-c")):
        make_user(login, "agent", team=team)
    users.get_team("team-a").timezone = "Europe/London"
    users.get_team("team-b").timezone = "Asia/Shanghai"
    db.session.commit()
    people = {"lead": make_user("lead-a", "lead", covers=["team-a"]), "rev": make_user("rev1", "reviewer"),
              "admin": db.session.scalar(db.select(User).where(User.login == "admin")), "hr": make_user("hr1", "hr")}
    summary = ingest.ingest_text("\n".join(json.dumps(_record(*c)) for c in CONVERSATIONS), "rollup.ndjson")
    scoring.score_pending(conversation_ids=summary.conversation_ids)
    return people


def _raw(user, f: dict) -> dict:
    """The overview worked out from the raw rows in Python (the oracle): each final evaluation as
    its own tally, local times by zoneinfo, then the same pure figures the service uses."""
    from qa_app.services import qa_overview
    filters = qa_overview.parse(**f)
    period = periods.parse_period(filters.period)
    rows = db.session.execute(db.select(Evaluation, Conversation).join(Conversation, Conversation.id == Evaluation.conversation_id)
                              .where(Evaluation.is_final.is_(True), Conversation.started_at >= period.start,
                                     Conversation.started_at < period.end,
                                     qa_overview.scope_filter(user, Conversation.agent_id))).all()
    days, cells, scores, failures, critical, moods = [], [], [], Counter(), set(), {}
    for ev, conv in rows:
        team = conv.agent.team
        if any(want and have != want for want, have in ((filters.team, team and team.name), (filters.channel, conv.channel),
                                                         (filters.queue, conv.queue), (filters.language, conv.language))):
            continue
        csat = conv.csat
        tally = figures.Tally(1, ev.score, int(ev.auto_fail), int(csat is not None), csat or 0, int((csat or 0) >= 4))
        start = as_utc(conv.started_at)
        day = start.date() if filters.step == "day" else figures.week_start(start.date())
        days.append(figures.AgentDay(conv.agent.login, team and team.name, day, tally))
        local = start.astimezone(ZoneInfo(team.timezone) if team and team.timezone else timezone.utc)
        cells.append(figures.Cell(conv.channel, conv.queue, local.isoweekday(), local.hour, tally))
        scores.append((max(0, min(100, int(ev.score))), 1))
        for c in ev.criteria:
            if c.result == "fail":
                failures[c.criterion_id] += 1
                critical |= {c.criterion_id} if c.critical else set()
        label = ((conv.meta or {}).get("sentiment") or {}).get("label")
        key = label if label in figures.MOODS else None
        moods[key] = moods.get(key, figures.NOTHING) + tally
    start, end = period.start.date(), period.end.date()
    agents = {d.agent for d in days}
    tables = [figures.trend(days, "team", start, end, filters.step), figures.by_group(days, "team")]
    if filters.team or len(agents) <= qa_overview.AGENT_TREND_LIMIT:
        tables.append(figures.trend(days, "agent", start, end, filters.step))
    tables += [figures.histogram(scores), figures.pareto(failures.items(), critical), figures.moods(moods),
               figures.csat_beside_score(days), *figures.breakdowns(cells)]
    view = qa_overview.Overview(filters, period, figures.total(d.tally for d in days), tuple(tables), len(agents))
    return {**view.as_dict(), "agents_in_scope": view.agents_in_scope}


def _served(user, f: dict) -> dict:
    from qa_app.services import qa_overview
    db.session.expire_all()  # read as the next request would
    view = qa_overview.overview(user, qa_overview.parse(**f))
    return {**view.as_dict(), "agents_in_scope": view.agents_in_scope}


def _check_every_view(people) -> dict:
    """Assert the served figures equal the raw ones for every filter and viewer; the served figures."""
    out = {}
    for who in ("admin", "lead", "hr"):
        for f in FILTERS:
            served = _served(people[who], f)
            assert served == _raw(people[who], f), (who, f)
            out[(who, json.dumps(f))] = served
    return out


def _conv(external_id: str) -> Conversation:
    return db.session.scalar(db.select(Conversation).where(Conversation.external_id == external_id))


def _final(external_id: str) -> Evaluation:
    return db.session.scalar(db.select(Evaluation).where(Evaluation.conversation_id == _conv(external_id).id,
                                                         Evaluation.is_final.is_(True)))


def _rollup_rows() -> set:
    columns = [c for c in DailyRollup.__table__.columns if c.name != "id"]
    failure_columns = [c for c in DailyFailure.__table__.columns if c.name != "id"]
    return ({tuple(r) for r in db.session.execute(db.select(*columns))},
            {tuple(r) for r in db.session.execute(db.select(*failure_columns))})


def test_the_scored_conversations_figures_from_the_rollup_equal_those_from_the_raw_rows(world):
    figures_now = _check_every_view(world)
    assert figures_now[("admin", json.dumps(FILTERS[0]))]["totals"]["evaluations"] == 6  # November: r-3 to r-8
    assert figures_now[("lead", json.dumps(FILTERS[1]))]["totals"]["evaluations"] == 5  # team-a's, c1 in no covered team
    assert db.session.scalar(db.select(db.func.sum(DailyRollup.n))) == 9


def test_reviews_overrides_disputes_calibration_and_rescoring_keep_the_rollup_equal_to_the_raw_rows(world):
    from qa_app import clock
    from qa_app.services import calibration_sessions, disputes, review, scoring
    before = _check_every_view(world)
    happy = _final("r-3")
    passed = [c.criterion_id for c in happy.criteria if c.result == "pass"]
    review.submit_review(world["rev"], _conv("r-3").id, {passed[0]: {"result": "fail", "comment": "overruled"}},
                         based_on_id=happy.id)
    reviewed = _check_every_view(world)
    assert reviewed != before
    angry = _final("r-2")
    failed = [c.criterion_id for c in angry.criteria if c.result == "fail"]
    dispute = disputes.open_dispute(db.session.get(User, _conv("r-2").agent_id), angry.id, "unfair", failed[:1])
    disputes.resolve_dispute(world["lead"], dispute.id, "accept", "the agent was right",
                             {failed[0]: {"result": "pass", "comment": "the agent was right"}})
    disputed = _check_every_view(world)
    assert disputed != reviewed
    calibrated = _final("r-1")
    answers = {c.criterion_id: c.result for c in calibrated.criteria}
    answers[next(c for c, r in answers.items() if r == "pass")] = "fail"
    session = calibration_sessions.create_session(world["lead"], "week 45", [_conv("r-1").id], ["rev1"],
                                                  deadline=clock.now() + timedelta(days=1))
    calibration_sessions.close_session(world["lead"], session.id)
    calibration_sessions.set_calibrated(world["lead"], session.id, _conv("r-1").id, answers)
    assert _check_every_view(world) != disputed
    scoring.score_pending(rescore_all=True)  # reviewed ones keep their human final; the rest are rescored
    _check_every_view(world)


def test_csat_answers_an_erased_customer_and_a_team_zone_change_keep_the_rollup_equal_to_the_raw_rows(world):
    from qa_app.services import erasure, surveys, users
    before = _check_every_view(world)
    surveys.import_text("survey_id,conversation_id,customer,agent,kind,rating,comment,responded_at\n"
                        "s-1,r-4,,,csat,5,,2026-11-03T10:00:00+00:00\ns-2,r-1,,,csat,1,,2026-10-26T10:00:00+00:00\n",
                        "answers.csv", now=datetime(2026, 11, 27, tzinfo=timezone.utc))
    answered = _check_every_view(world)
    assert answered != before
    erasure.erase_customer("dora")  # the end mood goes with the metadata
    db.session.commit()
    erased = _check_every_view(world)
    assert erased != answered
    users.set_team_timezone("team-a", "America/New_York")
    zoned = _check_every_view(world)
    assert zoned != erased
    users.update_user("a2", name="A2", role="agent", team="team-b", covers=(), email=None)
    db.session.commit()
    moved = _check_every_view(world)
    assert moved != zoned


def test_a_rebuild_makes_the_same_rows_the_writes_kept_and_repairs_rows_changed_around_the_services(world, cli):
    kept = _rollup_rows()
    db.session.execute(db.update(Conversation).where(Conversation.external_id == "r-3").values(csat=1))
    db.session.execute(db.delete(DailyFailure))
    db.session.commit()
    assert _rollup_rows() != kept
    result = cli("rollups", "rebuild", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["evaluations"] == 9
    db.session.expire_all()
    _check_every_view(world)
    db.session.execute(db.update(Conversation).where(Conversation.external_id == "r-3").values(csat=4))
    db.session.commit()
    assert cli("rollups", "rebuild").exit_code == 0
    assert _rollup_rows() == kept and cli("rollups", "rebuild").exit_code == 0 and _rollup_rows() == kept


def test_an_agents_own_page_from_the_rollup_equals_the_one_from_the_raw_rows(world):
    from qa_app.services import qa_overview
    agent = db.session.scalar(db.select(User).where(User.login == "a1"))
    table = qa_overview.my_trend(agent, "2026-Q4")
    team = {u.id for u in db.session.scalars(db.select(User).where(User.team_id == agent.team_id))}
    days = [figures.AgentDay("me" if conv.agent_id == agent.id else f"agent-{conv.agent_id}", "team",
                             figures.week_start(as_utc(conv.started_at).date()),
                             figures.Tally(1, ev.score, int(ev.auto_fail)))
            for ev, conv in db.session.execute(db.select(Evaluation, Conversation).join(Conversation).where(
                Evaluation.is_final.is_(True), Conversation.agent_id.in_(team),
                Conversation.started_at >= datetime(2026, 10, 1, tzinfo=timezone.utc),
                Conversation.started_at < datetime(2027, 1, 1, tzinfo=timezone.utc)))]
    assert table.as_dict() == figures.agent_against_team(days, "me", "week").as_dict()
    assert [r.cells[1] for r in table.rows] == [1, 1, 0, 1]  # r-1, r-2, a2 alone (2 November), r-9
