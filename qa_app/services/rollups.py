"""The dashboards' daily rollup (models.rollups), kept on write: an agent's day is re-summed from the raw rows
in the transaction that changed it.

Whatever changes a figure of a conversation (its final evaluation: scoring, a review, a calibration
answer, a dispute, a rescore; its CSAT; its end mood; its agent's team zone) marks the conversation's
(agent, UTC day) in the session (`mark`, `mark_ids`, `mark_agents`). Just before the session
commits, every marked agent-day is deleted from the rollup and inserted again from the raw rows
(`refresh`), so a rollup row is always a function of the committed raw rows of its day: refreshing
more than needed is harmless, missing a mark is the only way to go wrong. `rebuild` (`qadesk
rollups rebuild`) does the same for every day, idempotently, after bulk loads (bench/gen.py) or
to repair. The SQL is written once through SQLAlchemy and runs on SQLite and PostgreSQL.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable, Optional

from sqlalchemy import and_, case, event, func, literal, or_
from sqlalchemy.orm import Session

from qa_app.extensions import db
from qa_app.models import Conversation, CriterionScore, DailyFailure, DailyRollup, Evaluation, User
from qa_app.models.base import as_utc
from qa_app.models.rollups import BINS, MOOD_COLUMNS, TALLY_SUMS
from qa_app.services import local_clock
from qa_app.sql import day_of, hour_of, iso_weekday
from scoring import dashboard as figures

_KEYS = "rollup_keys"  # session.info: {(agent id, day)} to refresh at commit
_AGENTS = "rollup_agents"  # session.info: {agent id} whose every day to refresh
GROUP = ("day", "agent_id", "scorecard_version_id", "channel", "queue", "language")


def mark(conversations: Iterable[Conversation], session: Optional[Session] = None) -> None:
    """Refresh these conversations' agent-days when the session commits (no query)."""
    keys = (session or db.session).info.setdefault(_KEYS, set())
    keys.update((c.agent_id, as_utc(c.started_at).date()) for c in conversations if c.started_at is not None)


def mark_ids(conversation_ids: Iterable[int]) -> None:
    """As `mark`, by id: the agent-days are read now, so a conversation deleted later still counts."""
    ids = list(conversation_ids)
    keys = db.session.info.setdefault(_KEYS, set())
    for start in range(0, len(ids), 500):
        rows = db.session.execute(db.select(Conversation.agent_id, Conversation.started_at).where(
            Conversation.id.in_(ids[start:start + 500]), Conversation.started_at.is_not(None)))
        keys.update((agent_id, as_utc(at).date()) for agent_id, at in rows)


def mark_agents(agent_ids: Iterable[int]) -> None:
    """Refresh every day of these agents at commit (their team's time zone changed)."""
    db.session.info.setdefault(_AGENTS, set()).update(agent_ids)


@event.listens_for(Session, "before_commit")
def _refresh_marked(session: Session) -> None:
    keys, agents = session.info.pop(_KEYS, set()), session.info.pop(_AGENTS, set())
    if keys or agents:
        session.flush()
        refresh(session, keys, agents)


@event.listens_for(Session, "after_rollback")
def _forget_marks(session: Session) -> None:
    session.info.pop(_KEYS, None)
    session.info.pop(_AGENTS, None)


def refresh(session: Session, keys: set[tuple[int, date]], agents: Iterable[int] = ()) -> None:
    """Re-sum the agent-days `keys` and every day of `agents` from the raw rows (no commit). The
    agents' rows are locked first (PostgreSQL; SQLite has one writer), so two transactions that
    refresh the same day run one after the other and neither leaves the other's rows twice."""
    agents = set(agents)
    keys = {k for k in keys if k[0] not in agents}
    if not keys and not agents:
        return
    session.execute(db.select(User.id).where(User.id.in_({a for a, _ in keys} | agents))
                    .order_by(User.id).with_for_update())
    for chunk in _chunks(sorted(keys), 400):
        _replace(session, _conversation_keys(chunk), _rollup_keys(DailyRollup, chunk),
                 _rollup_keys(DailyFailure, chunk), _span(d for _, d in chunk))
    for chunk in _chunks(sorted(agents), 400):
        _replace(session, Conversation.agent_id.in_(chunk), DailyRollup.agent_id.in_(chunk),
                 DailyFailure.agent_id.in_(chunk), _full_span(session))


def rebuild(commit: bool = True) -> dict[str, int]:
    """Every rollup row again from the raw rows, in one transaction (idempotent: a second run
    makes the same rows); the row counts and the final evaluations summed."""
    session = db.session
    _replace(session, None, db.true(), db.true(), _full_span(session))
    counts = {"rollup_rows": session.scalar(db.select(func.count(DailyRollup.id))) or 0,
              "failure_rows": session.scalar(db.select(func.count(DailyFailure.id))) or 0,
              "evaluations": int(session.scalar(db.select(func.sum(DailyRollup.n))) or 0)}
    if commit:
        session.commit()
    return counts


def fill_if_missing() -> bool:
    """Rebuild (no commit) when the rollup is empty but final evaluations exist: an instance upgraded
    past the rollup's migration, whose rows came before it. Whether it rebuilt."""
    if db.session.scalar(db.select(DailyRollup.id).limit(1)) is not None:
        return False
    if db.session.scalar(db.select(Evaluation.id).where(Evaluation.is_final.is_(True)).limit(1)) is None:
        return False
    rebuild(commit=False)
    return True


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def _span(days: Iterable[date]) -> tuple[datetime, datetime]:
    days = list(days)
    return _day_start(min(days)), _day_start(max(days) + timedelta(days=1))


def _full_span(session: Session) -> tuple[datetime, datetime]:
    first, last = session.execute(db.select(func.min(Conversation.started_at), func.max(Conversation.started_at))).one()
    if first is None:
        return _span([date(2000, 1, 1)])
    return _span([as_utc(first).date(), as_utc(last).date()])


def _by_day(keys: list[tuple[int, date]]) -> dict[date, list[int]]:
    out: dict[date, list[int]] = defaultdict(list)
    for agent_id, day in keys:
        out[day].append(agent_id)
    return out


def _conversation_keys(keys: list[tuple[int, date]]):
    """Conversations of the agent-days: a start range per day (the period index) and its agents."""
    return or_(*(and_(Conversation.started_at >= _day_start(d), Conversation.started_at < _day_start(d + timedelta(days=1)),
                      Conversation.agent_id.in_(agents)) for d, agents in _by_day(keys).items()))


def _rollup_keys(model, keys: list[tuple[int, date]]):
    return or_(*(and_(model.day == d, model.agent_id.in_(agents)) for d, agents in _by_day(keys).items()))


def _replace(session: Session, conversations, rollup_rows, failure_rows, span: tuple[datetime, datetime]) -> None:
    session.execute(db.delete(DailyRollup).where(rollup_rows), execution_options={"synchronize_session": False})
    session.execute(db.delete(DailyFailure).where(failure_rows), execution_options={"synchronize_session": False})
    summed = _summed(conversations, local_clock.modifier(*span))
    session.execute(db.insert(DailyRollup).from_select([c.name for c in summed.selected_columns], summed))
    failed = _failed(conversations)
    session.execute(db.insert(DailyFailure).from_select([c.name for c in failed.selected_columns], failed))


def _finals(conversations, *extra):
    """Final evaluations of the started conversations matching `conversations` (None: all), with
    GROUP's columns."""
    query = (db.select(day_of(Conversation.started_at).label("day"), Conversation.agent_id,
                       Evaluation.scorecard_version_id, Conversation.channel, Conversation.queue,
                       Conversation.language, *extra)
             .select_from(Evaluation).join(Conversation, Conversation.id == Evaluation.conversation_id)
             .where(Evaluation.is_final.is_(True), Conversation.started_at.is_not(None)))
    if conversations is None:
        return query
    # named by id too, so the plan starts from the agent-days' conversations (the index on agent and
    # start) and not from every final evaluation (the is_final index)
    return query.where(conversations, Evaluation.conversation_id.in_(db.select(Conversation.id).where(conversations)))


def _shift(hour):
    return case(*((hour.in_(figures.shift_hours(name)), literal(name)) for name, _, _ in figures.SHIFTS[:-1]),
                else_=literal(figures.SHIFTS[-1][0]))


def _bin(score):
    width = figures.BIN_WIDTH
    return case(*((score < width * (k + 1), k) for k in range(len(BINS) - 1)), else_=len(BINS) - 1)


def _summed(conversations, mod):
    """The rollup rows of the matching conversations: a subquery of one row per final evaluation
    (local weekday and shift, mood, bin worked out once), grouped by GROUP, weekday and shift."""
    known = [m for m in MOOD_COLUMNS if m in figures.MOODS]
    label = Conversation.meta["sentiment"]["label"].as_string()
    per = _finals(conversations, iso_weekday(Conversation.started_at, mod).label("weekday"),
                  _shift(hour_of(Conversation.started_at, mod)).label("shift"),
                  Evaluation.score, case((Evaluation.auto_fail.is_(True), 1), else_=0).label("fail"),
                  Conversation.csat, case((label.in_(known), label), else_=literal("unknown")).label("mood"),
                  _bin(Evaluation.score).label("bin")).subquery()
    keys = [per.c[name] for name in (*GROUP, "weekday", "shift")]
    sums = _tally_sums(per, None, "")
    for mood in MOOD_COLUMNS:
        sums += _tally_sums(per, per.c.mood == mood, f"{mood}_")
    sums += [func.sum(case((per.c.bin == k, 1), else_=0)).label(name) for k, name in enumerate(BINS)]
    return db.select(*keys, *sums).group_by(*keys)


def _tally_sums(per, when, prefix: str) -> list:
    """TALLY_SUMS over the rows of `per` (those where `when`, or all), labelled with `prefix`."""
    def only(value, otherwise=0):
        return value if when is None else case((when, value), else_=otherwise)
    good = case((per.c.csat >= figures.SATISFIED_FROM, 1), else_=0)
    values = (func.sum(only(literal(1))), func.coalesce(func.sum(only(per.c.score, 0.0)), 0.0),
              func.sum(only(per.c.fail)), func.count(only(per.c.csat, None)),
              func.coalesce(func.sum(only(per.c.csat, None)), 0), func.sum(only(good)))
    return [v.label(prefix + name) for v, name in zip(values, TALLY_SUMS)]


def _failed(conversations):
    """The failure rows: failed criteria of the matching final evaluations per GROUP and criterion."""
    per = (_finals(conversations, CriterionScore.criterion_id,
                   case((CriterionScore.critical.is_(True), 1), else_=0).label("critical"))
           .join(CriterionScore, CriterionScore.evaluation_id == Evaluation.id)
           .where(CriterionScore.result == "fail")).subquery()
    keys = [per.c[name] for name in (*GROUP, "criterion_id")]
    return db.select(*keys, (func.max(per.c.critical) == 1).label("critical"),
                     func.count().label("failures")).group_by(*keys)
