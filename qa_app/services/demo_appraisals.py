"""The demo's appraisals: every agent's for the last complete quarter before the demo's `today`,
drafted, self-assessed, proposed by the lead and finalised by HR, then acknowledged or contested as
qa_app/demo/appraisal_plan.py says; a late review of one finalised quarter's conversation shows as
"changed since finalised". All through the real services, on the demo's clock."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from qa_app.extensions import db
from qa_app.models import Conversation, Evaluation
from qa_app.services import appraisal_templates, appraisal_workflow as flow, appraisals, review, users
from training import appraisal_templates as templates, periods


def last_complete_quarter(today: date) -> periods.Period:
    quarter = periods.period_of(datetime.combine(today, time(0), timezone.utc), "quarter")
    return periods.period_of(quarter.start - timedelta(days=1), "quarter")


def _demo_templates(admin) -> None:
    """The shipped templates with a minimum n the demo's small teams reach, as the instance's version 2."""
    from qa_app.demo.appraisal_plan import DEMO_MIN_N
    shipped = templates.default_templates()
    mappings = [dict(templates.template_to_mapping(t), min_n=DEMO_MIN_N) for t in shipped]
    text = templates.templates_yaml(templates.parse_templates(mappings))
    appraisal_templates.import_yaml(admin, text, "demo", note=f"small demo teams: a KPI is rated from {DEMO_MIN_N} data points")


def finalise_last_quarter(today: date) -> int:
    """Run the quarter's appraisal workflow for every demo agent; how many were finalised."""
    from qa_app.demo.appraisal_plan import APPRAISALS
    quarter = last_complete_quarter(today)
    morning = datetime.combine(today, time(8), timezone.utc) - timedelta(days=3)
    lead, hr = users.get_user("lead.liu"), users.get_user("hr.zhao")
    _demo_templates(users.get_user("admin") if users.find_user("admin") else None)
    appraisals.draft_period(quarter.label, now=morning)
    rows = {a.agent.login: a for a in appraisals.visible(hr, quarter.label)}
    for plan in APPRAISALS:
        row, agent = rows[plan.agent], users.get_user(plan.agent)
        if plan.self_assessment:
            flow.self_assess(agent, row.id, plan.self_assessment)
        flow.propose(lead, row.id, plan.lead_comment, plan.proposed or row.snapshot.get("band") or "Meets")
        flow.finalise(hr, row.id, now=morning + timedelta(hours=2))
        answered = morning + timedelta(days=1)
        if plan.answer == "acknowledge":
            flow.acknowledge(agent, row.id, plan.comment, now=answered)
        elif plan.answer == "contest":
            flow.contest(agent, row.id, plan.comment, now=answered)
    _late_review(quarter, "david.smith", morning + timedelta(days=2))
    return len(APPRAISALS)


def _late_review(quarter: periods.Period, login: str, at: datetime) -> None:
    """qa.taylor reviews one of the agent's unreviewed conversations of the quarter after HR signed."""
    conv_id = db.session.scalar(
        db.select(Conversation.id).join(Evaluation, Evaluation.conversation_id == Conversation.id)
        .where(Conversation.agent.has(login=login), Evaluation.is_final.is_(True), Evaluation.kind == "auto",
               Conversation.started_at >= quarter.start, Conversation.started_at < quarter.end)
        .order_by(Conversation.started_at).limit(1))
    if conv_id is not None:
        review.submit_review(users.get_user("qa.taylor"), conv_id, {}, now=at)
