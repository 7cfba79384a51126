"""Appraisals drafted per period from stored data, frozen when HR finalises, "changed since" computed
live, reopened with a reason, acknowledged or contested by the agent, all audited."""
from __future__ import annotations

import pytest

from qa_app.extensions import db
from qa_app.models import Appraisal, AuditEntry, Conversation, Notification
from qa_app.services import NotFound, ServiceError, appraisal_templates, appraisal_workflow as flow, appraisals, review
from tests.conftest import FIXTURES
from training.appraisal_templates import SHIPPED_FILE


def low_minimum_templates() -> str:
    """The shipped templates with every KPI rated from one data point (the fixture has two chats)."""
    from importlib import resources
    text = resources.files("training").joinpath(SHIPPED_FILE).read_text(encoding="utf-8")
    return text.replace("    bands:\n", "    min_n: 1\n    bands:\n")


@pytest.fixture
def people(app, make_user, fake_sentiment):
    """sam.new (team London, two scored November chats: CSAT 5 and 1), lead1 covering London, hr1, agent2."""
    from qa_app.services import ingest, scoring
    ingest.ingest_paths([FIXTURES / "new_agent.ndjson"], ingest.IngestOptions(create_agents=True))
    scoring.score_pending()
    from qa_app.services import users
    sam = users.get_user("sam.new")
    make_user("other", "agent", team="London")
    sam.team_id = users.get_user("other").team_id
    db.session.commit()
    appraisal_templates.import_yaml(None, low_minimum_templates(), "low.yaml")
    return {"sam": sam, "lead": make_user("lead1", "lead", covers=["London"]), "hr": make_user("hr1", "hr"),
            "far": make_user("far.lead", "lead", covers=["Shanghai"]), "other": users.get_user("other"),
            "admin": users.get_user("admin")}


def sams(period="2026-11") -> Appraisal:
    return db.session.scalar(db.select(Appraisal).join(Appraisal.agent).where(
        Appraisal.period == period, Appraisal.agent.has(login="sam.new")))


def kpi(row: Appraisal, kind: str) -> dict:
    return next(k for k in row.snapshot["kpis"] if k["kind"] == kind)


def test_drafting_a_period_gives_every_active_agent_an_appraisal_from_the_stored_figures(people):
    summary = appraisals.draft_period("2026-11", people["admin"])
    assert (summary.created, summary.updated, summary.kept_final) == (2, 0, 0)
    row = sams()
    assert (row.state, row.template_version.code, row.template_version.version) == ("draft", "agents-en", 2)
    csat = kpi(row, "csat")
    assert (csat["value"], csat["n"], csat["details"]["mean"], csat["rating"]) == (50.0, 2, 3.0, 1)
    chats = kpi(row, "first_response")  # first replies after 12 s and 90 s
    assert (chats["value"], chats["n"]) == (50.0, 2)
    assert {tuple(e) for e in csat["evidence"]} == {("conversation", c.id) for c in db.session.scalars(
        db.select(Conversation).where(Conversation.agent_id == people["sam"].id))}
    assert kpi(row, "nps")["status"] == "too_little_data"  # no NPS answers imported
    assert kpi(row, "complaint_time_limits")["status"] == "too_little_data"  # no case times recorded
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id)).where(AuditEntry.entity == "appraisal")) == 2


def test_drafting_again_is_idempotent_and_keeps_comments(people):
    appraisals.draft_period("2026-11")
    flow.self_assess(people["sam"], sams().id, "A good month.")
    again = appraisals.draft_period("2026-11")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert sams().self_assessment == "A good month."


def test_a_finalised_appraisal_is_frozen_and_later_reviews_show_as_changed_since_finalised(people):
    appraisals.draft_period("2026-11")
    row = flow.finalise(people["hr"], sams().id)
    frozen = dict(row.snapshot)
    assert (row.state, row.final_rating, row.finalised_by.login) == ("final", row.snapshot["band"], "hr1")
    assert appraisals.changed_since_final(row) == []
    conv = db.session.scalar(db.select(Conversation).where(Conversation.external_id == "t-good-1"))
    reviewed = review.submit_review(people["lead"], conv.id, {"greeting": {"result": "fail", "comment": "no"}})
    assert appraisals.draft_period("2026-11").kept_final == 1
    row = sams()
    assert row.snapshot == frozen
    moved = {(c.kind, c.field): c for c in appraisals.changed_since_final(row)}
    # a fresh instance trusts no automatic criterion, so the QA score had nothing to count until the review
    qa = moved["qa_score", "value"]
    assert (qa.before, qa.after, qa.evidence_added) == (None, round(reviewed.score, 1), (("evaluation", reviewed.id),))


def test_finalising_tells_the_agent_and_a_final_appraisal_cannot_be_finalised_again(people):
    appraisals.draft_period("2026-11")
    flow.finalise(people["hr"], sams().id)
    kinds = db.session.scalars(db.select(Notification.kind).where(Notification.user_id == people["sam"].id)).all()
    assert "appraisal_final" in kinds
    with pytest.raises(ServiceError, match="the appraisal is final"):
        flow.finalise(people["hr"], sams().id)


def test_only_hr_finalises_and_the_rating_must_be_a_band_of_the_template(people):
    appraisals.draft_period("2026-11")
    with pytest.raises(ServiceError, match="only HR"):
        flow.finalise(people["lead"], sams().id)
    with pytest.raises(ServiceError, match="final_rating: must be one of Exceeds, Meets, Below"):
        flow.finalise(people["hr"], sams().id, "Superb")


def test_the_lead_proposes_a_rating_which_moves_it_to_review_and_becomes_the_default_final(people):
    appraisals.draft_period("2026-11")
    flow.propose(people["lead"], sams().id, "Solid work; greet every customer.", "Exceeds")
    assert (sams().state, sams().proposed_rating) == ("review", "Exceeds")
    assert flow.finalise(people["hr"], sams().id).final_rating == "Exceeds"


def test_reopening_needs_a_reason_is_audited_and_lets_drafting_update_it_again(people):
    appraisals.draft_period("2026-11")
    flow.finalise(people["hr"], sams().id)
    with pytest.raises(ServiceError, match="reason: is required"):
        flow.reopen(people["hr"], sams().id, " ")
    row = flow.reopen(people["hr"], sams().id, "The agent contested the CSAT figure.")
    assert (row.state, row.final_rating, row.finalised_at) == ("review", None, None)
    reasons = db.session.scalars(db.select(AuditEntry.after).where(AuditEntry.action == "reopen_reason")).all()
    assert reasons[0]["reason"] == "The agent contested the CSAT figure."
    assert appraisals.draft_period("2026-11").kept_final == 0


def test_the_agent_acknowledges_or_contests_only_their_own_finalised_appraisal(people):
    appraisals.draft_period("2026-11")
    with pytest.raises(ServiceError, match="needs it final"):
        flow.acknowledge(people["sam"], sams().id)
    flow.finalise(people["hr"], sams().id)
    with pytest.raises(NotFound):
        flow.acknowledge(people["other"], sams().id)
    row = flow.contest(people["sam"], sams().id, "The angry customer was about the courier.")
    assert row.contested and row.acknowledged_at and row.contest_reason.startswith("The angry")
    with pytest.raises(ServiceError, match="reason: is required"):
        flow.contest(people["sam"], sams().id, "")


def test_each_role_sees_its_own_appraisals(people):
    appraisals.draft_period("2026-11")
    seen = lambda who: sorted(a.agent.login for a in appraisals.visible(people[who], "2026-11"))  # noqa: E731
    assert seen("hr") == seen("admin") == seen("lead") == ["other", "sam.new"]
    assert seen("sam") == ["sam.new"]
    assert seen("far") == []
    with pytest.raises(NotFound):
        appraisals.get_for(people["far"], sams().id)


def test_the_list_reads_each_appraisals_overall_score_and_band_from_its_snapshot_for_what_each_role_sees(people):
    appraisals.draft_period("2026-11")
    flow.finalise(people["hr"], sams().id, None)
    for who in ("hr", "admin", "lead", "sam", "far"):
        for state in (None, "final", "draft"):
            listed = appraisals.listing(people[who], "2026-11", state)
            db.session.expire_all()  # the snapshot read afresh, as the next request would
            assert [(line.appraisal.id, line.overall, line.band) for line in listed] == [
                (a.id, a.snapshot.get("overall"), a.snapshot.get("band"))
                for a in appraisals.visible(people[who], "2026-11", state)]
    assert any(line.overall is not None and line.band for line in appraisals.listing(people["hr"], "2026-11"))


def test_a_bad_template_file_stores_nothing_and_names_the_field(people):
    before = appraisal_templates.in_force()
    with pytest.raises(appraisal_templates.InvalidTemplates, match=r"bad.yaml: templates\[0\].kpis\[0\].weight"):
        appraisal_templates.import_yaml(None, low_minimum_templates().replace("weight: 30", "weight: -1", 1), "bad.yaml")
    assert [r.version for r, _ in appraisal_templates.in_force()] == [r.version for r, _ in before]
    assert appraisal_templates.import_yaml(None, low_minimum_templates(), "same.yaml") == []


def test_the_nps_kpi_reads_imported_nps_answers_about_the_periods_conversations(people):
    from qa_app.services import surveys
    convs = db.session.scalars(db.select(Conversation).where(Conversation.agent_id == people["sam"].id)
                               .order_by(Conversation.id)).all()
    rows = "\n".join(f"N-{i},{c.external_id},nps,{rating},2026-11-28T10:00:00+00:00"
                     for i, (c, rating) in enumerate(zip(convs * 2, (10, 3, 9, 8))))
    report = surveys.import_text("survey_id,conversation_id,kind,rating,responded_at\n" + rows, "nps.csv")
    assert len(report.imported) == 4 and not report.bad
    appraisals.draft_period("2026-11")
    nps = kpi(sams(), "nps")  # promoters 10 and 9, detractor 3, passive 8: (2 - 1) / 4
    assert (nps["value"], nps["n"]) == (25.0, 4)
    assert {tuple(e) for e in nps["evidence"]} == {("conversation", c.id) for c in convs}
