"""Conversations as users see them: visibility by role, detail documents, and the domain view of rows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Optional

from flask_babel import gettext as _
from sqlalchemy import or_

from qa_app.permissions import can
from qa_app.extensions import db
from qa_app.models import Conversation, CriterionScore, Evaluation, Team, User
from qa_app.models.base import as_utc
from qa_app.services import NotFound, ServiceError, pagination, text_search
from qa_app.services.scoring_rows import domain_conversation
from scoring.mood import MOOD_LABELS as MOODS
from training import periods
from transcripts import model


def to_domain(row: Conversation) -> model.Conversation:
    """The pure-domain conversation of a stored row (what the scorer reads)."""
    return domain_conversation(row, row.agent.login, [(t.speaker, t.text, t.at, t.start, t.end) for t in row.turns])


def visibility_filter(user: User, agent_column=None):
    """A WHERE clause limiting conversations to what `user` may see (on `agent_column`, default
    Conversation.agent_id: the rule depends on the agent alone, so a rollup keyed by agent uses it too).

    Admins see everything; agents only their own; reviewers and leads the teams they cover
    (all teams when they cover none), plus agents in no team so nothing goes unreviewed;
    HR sees no transcripts, only reports.
    """
    agent = Conversation.agent_id if agent_column is None else agent_column
    if can(user, "sees_everything"):
        return db.true()
    if can(user, "own_data_only"):
        return agent == user.id
    if can(user, "sees_covered_teams"):
        teams = user.covered_team_ids()
        if not teams:
            return db.true()
        return agent.in_(db.select(User.id).where(covered_agents(user)))
    return db.false()


def covered_agents(user: User):
    """A WHERE clause on User: the people in the teams a reviewer or lead covers, and those in no
    team (all when they cover none); no limit for anyone else (reports scope by role first)."""
    teams = user.covered_team_ids() if can(user, "sees_covered_teams") else []
    if not teams:
        return db.true()
    return or_(User.team_id.in_(teams), User.team_id.is_(None))


def covers_agent(user: User, agent: User) -> bool:
    """Whether `user` may see (and so file) conversations of `agent`: visibility_filter's rule."""
    if can(user, "sees_everything"):
        return True
    if can(user, "own_data_only"):
        return agent.id == user.id
    if can(user, "sees_covered_teams"):
        teams = user.covered_team_ids()
        return not teams or agent.team_id is None or agent.team_id in teams
    return False


def get_visible(user: User, conversation_id: int) -> Conversation:
    """The conversation if `user` may see it; NotFound otherwise (no hint that it exists)."""
    row = db.session.scalar(db.select(Conversation).where(
        Conversation.id == conversation_id, visibility_filter(user)))
    if row is None:
        raise NotFound(_("conversation not found"))
    return row


@dataclass(frozen=True)
class ListFilters:
    """Filters of the conversation list (the dashboards link here with them); None: any.

    `date_from`/`date_to` are inclusive UTC days of the start; `failed` a criterion failed in the
    final evaluation; `weekday` (ISO 1..7), `day_type` and `shift` are in the team's local time;
    `score_min` <= final score < `score_below`; `mood` the customer's mood at the end
    (positive | neutral | negative | unknown); `review` the review state (REVIEW_STATES); `text`
    a search over the id, agent login, customer and turns.
    """

    agent: Optional[str] = None
    language: Optional[str] = None
    team: Optional[str] = None
    channel: Optional[str] = None
    queue: Optional[str] = None
    date_from: Optional[date] = None
    date_to: Optional[date] = None
    failed: Optional[str] = None
    weekday: Optional[int] = None
    day_type: Optional[str] = None
    shift: Optional[str] = None
    score_min: Optional[float] = None
    score_below: Optional[float] = None
    mood: Optional[str] = None
    review: Optional[str] = None
    text: Optional[str] = None


# unscored: no final evaluation yet; waiting: the final one is automatic (in the review queue);
# reviewed: a person has reviewed it
REVIEW_STATES = ("unscored", "waiting", "reviewed")


# Newest first; conversations without a start after all others, then by id: a total order on every
# engine (NULLs sort first on PostgreSQL, last on SQLite), so every row falls on exactly one page.
LIST_ORDER = (pagination.Key(Conversation.started_at, nullable=True), pagination.Key(Conversation.id))


def page_visible(user: User, filters: Optional[ListFilters] = None,
                 req: pagination.PageRequest = pagination.PageRequest()) -> pagination.Page:
    """One page (keyset, LIST_ORDER) of the conversations `user` may see matching `filters`, with
    their true total."""
    return pagination.paginate_keyset(_list_query(user, filters or ListFilters()), LIST_ORDER, req)


def _list_query(user: User, filters: ListFilters):
    query = (db.select(Conversation).join(User, Conversation.agent_id == User.id)
             .where(_visible_agents(user)))
    return _searched(_filtered(query, filters), filters.text)


def _visible_agents(user: User):
    """visibility_filter's rule on the joined agent (User) of a list query: the same rows, but the
    team test on the joined row lets the database walk the start-time index in list order and stop
    after a page, where `agent_id IN (...)` makes it sort every visible conversation first."""
    if can(user, "sees_everything") or can(user, "own_data_only") or not can(user, "sees_covered_teams"):
        return visibility_filter(user)
    teams = user.covered_team_ids()
    if not teams:
        return visibility_filter(user)
    return or_(User.team_id.in_(teams), User.team_id.is_(None))


def _searched(query, text: Optional[str]):
    """Conversations whose id, agent login or customer contains `text` (any case), or whose turns
    do (by the full-text index, text_search)."""
    if not text:
        return query
    return query.where(or_(*(column.icontains(text, autoescape=True)
                             for column in (Conversation.external_id, User.login, Conversation.customer)),
                           Conversation.id.in_(text_search.conversations_saying(text))))


def _filtered(query, f: ListFilters):
    from qa_app.services import local_clock
    for column, value in ((User.login, f.agent), (Conversation.language, f.language),
                          (Conversation.channel, f.channel), (Conversation.queue, f.queue)):
        if value:
            query = query.where(column == value)
    if f.team:
        query = query.where(User.team_id == db.select(Team.id).where(Team.name == f.team).scalar_subquery())
    start = datetime.combine(f.date_from or date(1970, 1, 1), time(0), timezone.utc)
    end = datetime.combine((f.date_to or date(9998, 12, 30)) + timedelta(days=1), time(0), timezone.utc)
    if f.date_from or f.date_to:
        query = query.where(Conversation.started_at >= start, Conversation.started_at < end)
    if f.weekday is not None or f.shift or f.day_type:
        if not (f.date_from and f.date_to):
            raise ServiceError("a weekday, day type or shift filter needs a from and a to date")
        if (f.date_to - f.date_from).days > LOCAL_SPAN_DAYS:
            raise ServiceError(f"a weekday, day type or shift filter covers at most {LOCAL_SPAN_DAYS // 366} years")
        query = local_clock.weekday_or_shift_filter(query, start, end, f.weekday, f.shift, f.day_type)
    if f.failed or f.score_min is not None or f.score_below is not None or f.mood:
        query = query.join(Evaluation, (Evaluation.conversation_id == Conversation.id) & Evaluation.is_final.is_(True))
    if f.failed:
        query = query.where(db.select(CriterionScore.id).where(
            CriterionScore.evaluation_id == Evaluation.id, CriterionScore.criterion_id == f.failed,
            CriterionScore.result == "fail").exists())
    if f.score_min is not None:
        query = query.where(Evaluation.score >= f.score_min)
    if f.score_below is not None:
        query = query.where(Evaluation.score < f.score_below)
    if f.mood:
        label = Conversation.meta["sentiment"]["label"].as_string()
        query = query.where(label.is_(None) | label.not_in(MOODS) if f.mood == "unknown" else label == f.mood)
    return _in_review_state(query, f.review) if f.review else query


def _in_review_state(query, state: str):
    final = db.select(Evaluation.id).where(Evaluation.conversation_id == Conversation.id, Evaluation.is_final.is_(True))
    if state == "unscored":
        return query.where(~final.exists())
    kind = Evaluation.kind == "auto" if state == "waiting" else Evaluation.kind != "auto"
    return query.where(final.where(kind).exists())


def by_external_id(external_id: str) -> Conversation:
    row = db.session.scalar(db.select(Conversation).where(Conversation.external_id == external_id))
    if row is None:
        raise NotFound(_("no conversation with id %(id)r", id=external_id))
    return row


def final_evaluation(conversation_id: int) -> Optional[Evaluation]:
    return db.session.scalar(db.select(Evaluation).where(
        Evaluation.conversation_id == conversation_id, Evaluation.is_final.is_(True)))


def evaluations_of(conversation_id: int) -> list[Evaluation]:
    return list(db.session.scalars(db.select(Evaluation).where(
        Evaluation.conversation_id == conversation_id).order_by(Evaluation.created_at, Evaluation.id)))


def evaluation_document(ev: Evaluation) -> dict:
    """The JSON shape of an evaluation used by `qadesk show` and the API."""
    return {
        "id": ev.id, "kind": ev.kind, "scorecard": ev.scorecard_version.name,
        "version": ev.scorecard_version.version, "score": ev.score, "auto_fail": ev.auto_fail,
        "final": ev.is_final, "fail_reasons": list(ev.fail_reasons or []),
        "reviewer": ev.reviewer.login if ev.reviewer else None,
        "created_at": as_utc(ev.created_at).isoformat(),
        "criteria": [{"id": c.criterion_id, "section": c.section_id, "result": c.result,
                      "score": c.score, "weight": c.weight, "critical": c.critical,
                      "evidence": list(c.evidence or []), "explanation": c.explanation,
                      "comment": c.comment} for c in ev.criteria],
    }


def conversation_document(row: Conversation) -> dict:
    """The conversation with its turns and evaluations, as `qadesk show --json` prints it."""
    def when(t):
        return as_utc(t).isoformat() if t else None
    return {
        "id": row.external_id, "channel": row.channel, "agent": row.agent.login,
        "started_at": when(row.started_at), "language": row.language, "queue": row.queue,
        "customer": row.customer, "csat": row.csat, "metadata": dict(row.meta or {}),
        "turns": [{"speaker": t.speaker, "text": t.text, "at": when(t.at), "start": t.start,
                   "end": t.end} for t in row.turns],
        "evaluations": [evaluation_document(e) for e in evaluations_of(row.id)],
    }


LOCAL_SPAN_DAYS = 10 * 366  # local time is worked out per year of the range
LIST_FIELDS = ("agent", "language", "team", "channel", "queue", "from", "to", "failed", "weekday", "day_type",
               "shift", "score_min", "score_below", "mood", "review", "period", "q")


def parse_list_filters(args) -> ListFilters:
    """ListFilters from query arguments (LIST_FIELDS); ServiceError names the field that is wrong."""
    from scoring.dashboard import shift_hours
    raw = {k: (args.get(k) or "").strip() or None for k in LIST_FIELDS}

    def convert(name, parse, expected):
        if raw[name] is None:
            return None
        try:
            return parse(raw[name])
        except ValueError:
            raise ServiceError(f"{name}: {raw[name]!r} is not {expected}") from None
    weekday = convert("weekday", int, "a weekday number 1 (Monday) to 7 (Sunday)")
    if weekday is not None and not 1 <= weekday <= 7:
        raise ServiceError(f"weekday: {weekday} is not between 1 (Monday) and 7 (Sunday)")
    if raw["shift"]:
        convert("shift", shift_hours, "a shift (early, late or night)")
    if raw["day_type"] not in (None, "weekday", "weekend"):
        raise ServiceError(f"day_type: {raw['day_type']!r} is not weekday or weekend")
    if raw["mood"] not in (None, "unknown", *MOODS):
        raise ServiceError(f"mood: {raw['mood']!r} is not positive, neutral, negative or unknown")
    if raw["review"] not in (None, *REVIEW_STATES):
        raise ServiceError(_("review: %(value)r is not unscored, waiting or reviewed", value=raw["review"]))
    date_from, date_to = _period_days(raw["period"])
    return ListFilters(
        agent=raw["agent"], language=raw["language"], team=raw["team"], channel=raw["channel"], queue=raw["queue"],
        date_from=convert("from", date.fromisoformat, "a date (YYYY-MM-DD)") or date_from,
        date_to=convert("to", date.fromisoformat, "a date (YYYY-MM-DD)") or date_to, failed=raw["failed"],
        weekday=weekday, review=raw["review"], text=raw["q"],
        day_type=raw["day_type"], shift=raw["shift"], score_min=convert("score_min", float, "a number"),
        score_below=convert("score_below", float, "a number"), mood=raw["mood"])


def _period_days(label: Optional[str]) -> tuple[Optional[date], Optional[date]]:
    """The first and last UTC day of a period label (2026-11, 2026-Q4, 2026); (None, None) for none."""
    if not label:
        return None, None
    try:
        period = periods.parse_period(label)
    except periods.PeriodError as exc:
        raise ServiceError(_("period: %(error)s", error=str(exc))) from exc
    return period.start.date(), (period.end - timedelta(days=1)).date()
