"""Loads the demo data set by replaying three months of history through the real services."""
from __future__ import annotations

import heapq
from datetime import date, datetime, time, timedelta, timezone
from typing import Optional

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Assignment, Conversation
from qa_app.services import (ServiceError, certificates, coaching, coaching_reminders, conversations, course_store,
                             coursework, demo_activity, demo_appraisals, exemplars, ingest, jobs, onboarding, reminders, review,
                             scoring, surveys, training, users)
from training.coaching import ActionDraft, SessionDraft
from training.quiz import example_response

DEMO_JOB = "demo:v1"


def load_demo(today: Optional[date] = None, sentiment=None) -> dict:
    """Create the demo teams, users and conversations, then score, review and train as it happened.

    Runs once per instance (recorded as the job `demo:v1`); running it again adds nothing and
    returns the first run's summary.
    """
    from qa_app.demo import DEMO_PASSWORD, build_demo
    today = today or clock.today()
    job, created = jobs.enqueue("demo", DEMO_JOB, {"today": today.isoformat()})
    if not created and job.status == "done":
        return dict(job.result, already_loaded=True)
    data = build_demo(today)
    job = jobs.run(job, lambda payload: _load(data, today, sentiment))
    if job.status != "done":
        raise RuntimeError(f"loading the demo data failed: {job.error}")
    return dict(job.result, already_loaded=False, password=DEMO_PASSWORD)


def _load(data, today: date, sentiment) -> dict:
    for team in data.teams:
        users.ensure_team(team.name, team.language).timezone = team.timezone
    for u in data.users:
        if users.find_user(u.login) is None:
            users.add_user(u.login, u.role, team=u.team, password=u.password, name=u.name,
                           covers=u.covers, commit=False)
    db.session.commit()
    summary = ingest.ingest_dicts(data.conversations, "demo")
    if summary.failed:
        raise ValueError(f"demo data invalid: {summary.errors[:3]}")
    imported = _surveys(data, today, sentiment)
    _last_years_certificate(today)
    counts = _replay(data, today, sentiment)
    counts["surveys"] = imported
    counts["overdue"] = training.mark_overdue(datetime.combine(today, time(6), timezone.utc))
    counts["coaching_sessions"] = _coaching(today)
    counts["sampled"] = _sample_recent_weeks(today)
    counts["exemplars"] = _exemplars(today)
    counts["onboarding"] = _onboarding(today)
    counts["appraisals"] = demo_appraisals.finalise_last_quarter(today)
    counts.update(demo_activity.load(today))
    from qa_app.demo import DEMO_PASSWORD
    return {"conversations": summary.ingested, **counts, "password": DEMO_PASSWORD,
            "logins": sorted(u.login for u in data.users)}


def _surveys(data, today: date, sentiment) -> int:
    """The survey tool's export of the demo conversations' answers (qa_app.demo.surveys), imported
    through the import service as an uploaded file would be, the morning of `today`."""
    from qa_app.demo.surveys import build_survey_csv
    report = surveys.import_text(build_survey_csv(data.conversations, today), "demo-surveys.csv",
                                 now=datetime.combine(today, time(6), timezone.utc), sentiment=sentiment)
    if report.bad:
        raise ValueError(f"demo surveys invalid: {report.bad[:3]}")
    return len(report.imported)


def _exemplars(today: date) -> int:
    """The reviewers pin their best and their worst reviewed conversation in each language to the
    empathy course, as a good and a bad example."""
    from qa_app.demo.people import REVIEWER_BY_LANGUAGE
    from qa_app.models import Evaluation
    at, pinned = datetime.combine(today, time(7), timezone.utc), 0
    for language, login in sorted(REVIEWER_BY_LANGUAGE.items()):
        reviewed = db.session.execute(db.select(Evaluation.conversation_id, Evaluation.score).join(Conversation)
                                      .where(Evaluation.is_final.is_(True), Evaluation.kind == "human",
                                             Conversation.language == language)
                                      .order_by(Evaluation.score, Evaluation.id)).all()
        if len(reviewed) < 2:
            continue
        reviewer = users.get_user(login)
        for (conv_id, _score), kind, note in ((reviewed[-1], "good", _EXAMPLE_NOTES[language][0]),
                                              (reviewed[0], "bad", _EXAMPLE_NOTES[language][1])):
            exemplars.pin(reviewer, conv_id, f"empathy-{language}:1", kind, note, now=at)
            pinned += 1
    return pinned


_EXAMPLE_NOTES = {
    "en": ("Names the customer's problem and feeling, then says what happens next and when.",
           "Read what went wrong here: the customer's feeling is never answered."),
    "zh": ("先回应客户的情绪和问题，再说明下一步和完成时间。", "看看这里哪里出了问题：客户的情绪始终没有得到回应。"),
}


def _onboarding(today: date) -> int:
    """lead.liu starts the English onboarding path for priya.patel, the newest English agent."""
    lead = users.get_user("lead.liu")
    onboarding.start(lead, "priya.patel", "new-agent-en", now=datetime.combine(today, time(7, 30), timezone.utc))
    return 1


def _sample_recent_weeks(today: date) -> int:
    """Reviewer queues for the last two weeks, as the weekly job would have built them."""
    from qa_app.services import sampling
    from scoring.sampling import week_of
    weeks = {week_of(today - timedelta(days=days)) for days in (7, 14)}
    return sum(len(sampling.sample_week(week).picks) for week in sorted(weeks))


def _replay(data, today: date, sentiment) -> dict:
    """Process scoring, reviews and quiz attempts in time order, as the team would have."""
    events: list[tuple[datetime, int, str, object]] = []
    seq = 0
    for conv in db.session.scalars(db.select(Conversation).where(Conversation.source == "demo")):
        events.append((conv.started_at + timedelta(minutes=30), seq, "score", conv.id))
        seq += 1
    for r in data.reviews:
        conv = conversations.by_external_id(r.external_id)
        events.append((conv.started_at + timedelta(days=r.days_after, hours=2), seq, "review", r))
        seq += 1
    for plan in data.assignments:
        at = datetime.combine(plan.assigned_on, time(9), timezone.utc)
        events.append((at, seq, "assign", plan))
        seq += 1
    limit = datetime.combine(today, time(0), timezone.utc)
    seq = _daily_reminders(events, seq, limit)
    heapq.heapify(events)
    counts = {"scored": 0, "reviewed": 0, "quiz_attempts": 0, "assigned_by_lead": 0, "reminders": 0, "renewals": 0}
    while events:
        at, _, kind, item = heapq.heappop(events)
        if at >= limit:
            continue
        seq = _handle(kind, item, at, today, events, seq, counts, sentiment)
    return counts


# Who passed data protection a year ago, and how long ago: their certificate (valid 12 months) is about
# to expire, so the replay's daily renewal run assigns the course again.
LAST_YEAR = ("priya.patel", "compliance-en", 350)


def _last_years_certificate(today: date) -> None:
    """A data-protection course the agent passed before the demo's history starts, with its certificate."""
    login, code, days_ago = LAST_YEAR
    passed = datetime.combine(today, time(10), timezone.utc) - timedelta(days=days_ago)
    a = training.assign_course(None, login, code, due_days=14, reason="annual data protection",
                               now=passed - timedelta(days=3), commit=False)
    a.status, a.completed_at, a.best_score = "completed", passed, 95.0
    certificates.issue(a, 95.0, passed)
    db.session.commit()


def _coaching(today: date) -> int:
    """The lead's coaching sessions (qa_app.demo.coaching_plan), each linked to the agent's lowest
    final evaluation and its failed criteria, acknowledged and done as planned; then this
    morning's follow-up reminders (an overdue one reaches the lead)."""
    from qa_app.demo.coaching_plan import SESSIONS
    lead = users.get_user("lead.liu")
    for plan in SESSIONS:
        held = datetime.combine(today - timedelta(days=plan.days_ago), time(16), timezone.utc)
        agent = users.get_user(plan.agent)
        lowest = min(coaching.recent_evaluations(agent), key=lambda ev: (ev.score, ev.id))
        links = [(lowest.id, None)] + [(lowest.id, c.criterion_id) for c in lowest.criteria if c.result == "fail"][:2]
        draft = SessionDraft(held.date(), plan.notes, tuple(
            ActionDraft(a.text, a.owner, held.date() + timedelta(days=a.due_in_days)) for a in plan.actions))
        s = coaching.record_session(lead, plan.agent, draft, links, now=held)
        for action, planned in zip(s.actions, plan.actions):
            if planned.done_after_days is not None:
                who = agent if planned.owner == "agent" else lead
                coaching.mark_done(who, action.id, now=held + timedelta(days=planned.done_after_days))
        if plan.acknowledged_after_days is not None:
            coaching.acknowledge(agent, s.id, plan.comment, now=held + timedelta(days=plan.acknowledged_after_days))
    coaching_reminders.send_due(datetime.combine(today, time(8), timezone.utc))
    return len(SESSIONS)


def _daily_reminders(events: list, seq: int, limit: datetime) -> int:
    """The scheduler's reminder run each morning from the first event on (the product runs it hourly;
    once a day tells the same stages, as a later run catches up on earlier ones)."""
    if not events:
        return seq
    day = datetime.combine(min(e[0] for e in events).date(), time(8), timezone.utc)
    while day < limit:
        events.append((day, seq, "remind", None))
        seq, day = seq + 1, day + timedelta(days=1)
    return seq


def _handle(kind, item, at, today, events, seq, counts, sentiment) -> int:
    before = db.session.scalar(db.select(db.func.max(Assignment.id))) or 0
    if kind == "score":
        counts["scored"] += scoring.score_pending(conversation_ids=[item], now=at, sentiment=sentiment).scored
    elif kind == "review":
        review.submit_review(users.get_user(item.reviewer), conversations.by_external_id(item.external_id).id,
                             {cid: {"result": res, "comment": c} for cid, (res, c) in item.overrides.items()},
                             now=at)
        counts["reviewed"] += 1
    elif kind == "quiz":
        counts["quiz_attempts"] += _attempt(*item, at)
    elif kind == "assign":
        return _assign_by_lead(item, at, events, seq, counts)
    elif kind == "remind":
        counts["reminders"] += sum(reminders.send_due(at).values())
        counts["renewals"] += certificates.renew_due(at)["renewals"]
        return seq
    for a in db.session.scalars(db.select(Assignment).where(Assignment.id > before)):
        seq = _plan_quizzes(a, today, events, seq)
    return seq


def _assign_by_lead(plan, at: datetime, events, seq: int, counts: dict) -> int:
    """A refresher the team lead assigned by hand, with its planned quiz attempts.

    When the agent already has the planned course open (a low score assigned it), the lead
    picks the next course of the agent's language instead.
    """
    from qa_app.demo import COURSES
    language = plan.course_code.rsplit("-", 1)[-1]
    choices = [plan.course_code] + [c for c in COURSES.get(language, ()) if c != plan.course_code]
    a = None
    for code in choices:
        try:
            a = training.assign_course(users.get_user("lead.liu"), plan.agent, code,
                                       (plan.due_on - plan.assigned_on).days, "refresher assigned by the team lead", at)
            break
        except ServiceError:
            continue
    if a is None:
        return seq
    counts["assigned_by_lead"] += 1
    for outcome in plan.attempts:
        heapq.heappush(events, (at + timedelta(days=outcome.days_after_assignment), seq, "quiz", (a.id, outcome.passed)))
        seq += 1
    return seq


def _plan_quizzes(a: Assignment, today: date, events, seq: int) -> int:
    from qa_app.demo import quiz_plan
    for outcome in quiz_plan(a.agent.login, a.course.code, a.assigned_at.date(), today):
        at = a.assigned_at + timedelta(days=outcome.days_after_assignment)
        heapq.heappush(events, (at, seq, "quiz", (a.id, outcome.passed)))
        seq += 1
    return seq


def _attempt(assignment_id: int, passed: bool, at: datetime) -> int:
    """Replay one quiz attempt with right (or deliberately wrong) answers; 0 if the quiz is closed."""
    a = db.session.get(Assignment, assignment_id)
    if a.status not in training.OPEN:
        return 0
    attempt = coursework.start_quiz(a.agent, a.id, now=at, seed=a.id * 100 + len(a.attempts))
    asked = course_store.attempt_quiz(attempt, a.course).quiz.questions
    coursework.submit_quiz(a.agent, a.id, {q.id: example_response(q, passed) for q in asked}, now=at)
    return 1
