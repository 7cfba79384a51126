"""The demo's open business on its last morning, so every role's home has something to act on:
disputes (one waiting for a decision, one answered), a blind calibration session the reviewers and
the lead are invited to, and last month's appraisals in review (self-assessed, proposed, waiting
for HR to sign). All through the real services, on the demo's clock."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Optional

from qa_app.extensions import db
from qa_app.models import Conversation, Evaluation, User
from qa_app.services import (ServiceError, appraisal_workflow as flow, appraisals, calibration_sessions, disputes,
                             homes, users)

#: (agent, their comment, the lead's answer or None to leave the dispute open)
DISPUTES = (
    ("david.smith", "The customer hung up before I could close the call; I did offer further help earlier.", None),
    ("wang.wei", "我已经核对了订单号和收货地址，只是没有逐项复述，请复核“三查三核”这一项。",
     "录音中没有核对收货地址，这一项维持不合格。"),
)
#: (agent, self-assessment, the lead's comment and proposed rating) for last month's appraisals
MONTH_PROPOSALS = (
    ("emma.jones", "A steady month; I mentored Priya on refund calls.", "Consistently excellent.", "Exceeds"),
    ("david.smith", "", "Refund closings improved after coaching.", "Meets"),
    ("li.na", "本月投诉处理全部按时完成。", "表现稳定，服务礼仪规范。", "Exceeds"),
)


def load(today: date) -> dict:
    morning = datetime.combine(today, time(7, 45), timezone.utc)
    return {"disputes": _disputes(morning), "calibration_sessions": _calibration(morning),
            "appraisals_in_review": _month_in_review(today)}


def _lowest_recent(login: str, since: datetime) -> Optional[int]:
    """The agent's lowest final evaluation made since `since` (still inside the dispute window)."""
    return db.session.scalar(
        db.select(Evaluation.id).join(Conversation, Conversation.id == Evaluation.conversation_id)
        .join(User, User.id == Conversation.agent_id)
        .where(User.login == login, Evaluation.is_final.is_(True), Evaluation.created_at >= since)
        .order_by(Evaluation.score, Evaluation.id).limit(1))


def _disputes(morning: datetime) -> int:
    lead, opened = users.get_user("lead.liu"), 0
    for login, comment, answer in DISPUTES:
        evaluation_id = _lowest_recent(login, morning - timedelta(days=disputes.window_days() - 1))
        if evaluation_id is None:
            continue
        d = disputes.open_dispute(users.get_user(login), evaluation_id, comment, now=morning - timedelta(hours=14))
        opened += 1
        if answer:
            disputes.resolve_dispute(lead, d.id, "reject", answer, now=morning - timedelta(hours=1))
    return opened


def _calibration(morning: datetime) -> int:
    """lead.liu's session on three recent reviewed English conversations, due in three days; qa.taylor
    has answered the first."""
    lead = users.get_user("lead.liu")
    ids = list(db.session.scalars(
        db.select(Conversation.id).join(Evaluation, Evaluation.conversation_id == Conversation.id)
        .where(Evaluation.is_final.is_(True), Evaluation.kind == "human", Conversation.language == "en")
        .order_by(Conversation.started_at.desc()).limit(3)))
    if not ids:
        return 0
    session = calibration_sessions.create_session(
        lead, "Refund calls: closing and empathy", ids, ["qa.taylor", "qa.chen", "lead.liu"],
        morning + timedelta(days=3), now=morning)
    rater = users.get_user("qa.taylor")
    criteria = calibration_sessions.criteria_of(ids[0])
    calibration_sessions.submit_answers(rater, session.id, ids[0], {c.id: "pass" for c in criteria},
                                        now=morning + timedelta(minutes=20))
    return 1


def _month_in_review(today: date) -> int:
    """Last month drafted; three appraisals self-assessed and proposed by the lead, waiting for HR."""
    month = homes.last_complete_month(datetime.combine(today, time(7), timezone.utc))
    appraisals.draft_period(month, now=datetime.combine(today, time(7), timezone.utc))
    lead, hr = users.get_user("lead.liu"), users.get_user("hr.zhao")
    rows = {a.agent.login: a for a in appraisals.visible(hr, month)}
    proposed = 0
    for login, assessment, comment, rating in MONTH_PROPOSALS:
        row = rows.get(login)
        if row is None:
            continue
        if assessment:
            flow.self_assess(users.get_user(login), row.id, assessment)
        try:
            flow.propose(lead, row.id, comment, rating)
        except ServiceError:  # a band name the agent's template lacks: its own band instead
            flow.propose(lead, row.id, comment, row.snapshot.get("band"))
        proposed += 1
    return proposed
