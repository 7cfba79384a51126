"""Appraisals: drafted per agent and period from the KPI figures, self-assessed by the agent,
commented with a proposed rating by the lead, finalised by HR as a frozen snapshot, reopened by HR
with a reason, acknowledged (or contested) by the agent. Every change is audited; each use case
commits once (docs/appraisals.md).

Who sees an appraisal: HR and admins all, a lead the agents of the teams they cover, an agent
their own (the rule of training.visible_to); reviewers none.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy.orm import defer, selectinload

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Appraisal, AppraisalTemplateVersion, User
from qa_app.permissions import can
from qa_app.services import NotFound, ServiceError, appraisal_facts, appraisal_templates, audit, training
from training import appraisal_snapshot, kpis, periods
from training.appraisal_templates import AppraisalTemplate, template_for

STATES = ("draft", "review", "final")
TEXT_LIMIT = 5000  # characters of a comment or self-assessment


@dataclass(frozen=True)
class DraftSummary:
    period: str
    created: int
    updated: int
    unchanged: int
    kept_final: int
    no_template: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"period": self.period, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "kept_final": self.kept_final, "no_template": list(self.no_template)}


def parse_period(label: str) -> periods.Period:
    try:
        return periods.parse_period(label)
    except periods.PeriodError as exc:
        raise ServiceError(str(exc)) from exc


def _as_of(period: periods.Period, now: datetime) -> datetime:
    return min(now, period.end)


def _agents() -> list[User]:
    return list(db.session.scalars(db.select(User).where(User.role == "agent", User.active.is_(True))
                                   .options(selectinload(User.team)).order_by(User.login)))


def _template(agent: User, found: list[tuple[AppraisalTemplateVersion, AppraisalTemplate]]):
    team = agent.team
    chosen = template_for([t for _, t in found], team.name if team else None, team.language if team else None)
    return next(((row, t) for row, t in found if chosen is not None and t.code == chosen.code), None)


def draft_period(period_label: str, actor: Optional[User] = None, now: Optional[datetime] = None) -> DraftSummary:
    """Draft (or re-draft) the appraisal of every active agent for a period, idempotently: a new
    draft per agent without one, a draft or review brought up to the figures of now (comments kept),
    a finalised one never touched. Audited per appraisal created or changed; one commit."""
    period, now = parse_period(period_label), clock.or_now(now)
    found, agents = appraisal_templates.in_force(), _agents()
    facts = appraisal_facts.facts_by_agent(period, _as_of(period, now), [a.id for a in agents])
    existing = {a.agent_id: a for a in db.session.scalars(db.select(Appraisal).where(Appraisal.period == period.label))}
    counts = {"created": 0, "updated": 0, "unchanged": 0, "kept_final": 0}
    missing, changed = [], []
    for agent in agents:
        row = existing.get(agent.id)
        if row is not None and row.state == "final":
            counts["kept_final"] += 1
            continue
        chosen = _template(agent, found)
        if chosen is None:
            missing.append(agent.login)
            continue
        snap = appraisal_snapshot.snapshot(kpis.appraise(chosen[1], facts.get(agent.id, kpis.AgentFacts())),
                                           period.label, chosen[0].version)
        before = None if row is None else {"overall": row.snapshot.get("overall"), "band": row.snapshot.get("band")}
        outcome, row = _write_draft(row, agent, period.label, chosen[0], snap, now)
        counts[outcome] += 1
        if outcome != "unchanged":
            changed.append((outcome, row, before))
    db.session.flush()  # new appraisals get their ids for the audit entries
    audit.record_many([{"at": now, "actor": actor, "action": "draft" if outcome == "created" else "redraft",
                        "entity": "appraisal", "entity_id": row.id, "before": before,
                        "after": {"agent": row.agent.login, "period": row.period,
                                  "overall": row.snapshot["overall"], "band": row.snapshot["band"]}}
                       for outcome, row, before in changed])
    db.session.commit()
    return DraftSummary(period.label, no_template=tuple(missing), **counts)


def _write_draft(row: Optional[Appraisal], agent: User, label: str, version: AppraisalTemplateVersion,
                 snap: dict, now: datetime) -> tuple[str, Appraisal]:
    if row is None:
        row = Appraisal(agent=agent, period=label, template_version=version, state="draft", snapshot=snap,
                        drafted_at=now)
        db.session.add(row)
        return "created", row
    if row.snapshot == snap and row.template_version_id == version.id:
        return "unchanged", row
    row.snapshot, row.template_version, row.drafted_at = snap, version, now
    return "updated", row


def _visible(query, user: User):
    if not can(user, "read_appraisals"):
        return query.where(db.false())
    return training.visible_to(query, user)


def _query(user: User, period: Optional[str], state: Optional[str], *columns):
    """SELECT Appraisal (and `columns`) of the appraisals `user` may see, of a period and a state when given."""
    if state is not None and state not in STATES:
        raise ServiceError(f"state must be one of {', '.join(STATES)}, not {state!r}")
    query = (db.select(Appraisal, *columns).join(User, User.id == Appraisal.agent_id)
             .options(selectinload(Appraisal.agent).selectinload(User.team), selectinload(Appraisal.template_version)))
    if period is not None:
        query = query.where(Appraisal.period == parse_period(period).label)
    if state is not None:
        query = query.where(Appraisal.state == state)
    return _visible(query, user)


def _list_order(a: Appraisal) -> tuple:
    return a.period, a.agent.team.name if a.agent.team else "~", a.agent.login


def visible(user: User, period: Optional[str] = None, state: Optional[str] = None) -> list[Appraisal]:
    """The appraisals `user` may see, of a period and a state when given, by team then agent."""
    return sorted(db.session.scalars(_query(user, period, state)), key=_list_order)


@dataclass(frozen=True)
class Listed:
    """A line of the appraisal list: the appraisal without its snapshot (not loaded: evidence and
    all, it is many kilobytes) and the two figures of the snapshot the list shows."""

    appraisal: Appraisal
    overall: Optional[float]
    band: Optional[str]


def listing(user: User, period: Optional[str] = None, state: Optional[str] = None) -> list[Listed]:
    """visible's appraisals, in its order, with their overall score and band read from the
    snapshot in SQL, so that a period of every agent lists without parsing every snapshot."""
    query = _query(user, period, state, Appraisal.snapshot["overall"].as_float(),
                   Appraisal.snapshot["band"].as_string()).options(defer(Appraisal.snapshot))
    rows = [Listed(a, overall, band) for a, overall, band in db.session.execute(query)]
    return sorted(rows, key=lambda line: _list_order(line.appraisal))


def get_for(user: User, appraisal_id: int) -> Appraisal:
    """The appraisal if `user` may see it, else NotFound (as for one that does not exist)."""
    query = db.select(Appraisal).join(User, User.id == Appraisal.agent_id).where(Appraisal.id == appraisal_id)
    row = db.session.scalar(_visible(query, user))
    if row is None:
        raise NotFound("appraisal not found")
    return row


def bands_of(row: Appraisal) -> list[str]:
    """The band names of the appraisal's template version, best first."""
    return [b.name for b in appraisal_templates.parsed(row.template_version).bands]


def live_snapshot(row: Appraisal, now: Optional[datetime] = None) -> dict:
    """The appraisal's figures computed now with its own template version (for "changed since")."""
    period, now = parse_period(row.period), clock.or_now(now)
    facts = appraisal_facts.facts_by_agent(period, _as_of(period, now), [row.agent_id])
    result = kpis.appraise(appraisal_templates.parsed(row.template_version), facts.get(row.agent_id, kpis.AgentFacts()))
    return appraisal_snapshot.snapshot(result, row.period, row.template_version.version)


def changed_since_final(row: Appraisal, now: Optional[datetime] = None) -> list[appraisal_snapshot.Change]:
    """For a finalised appraisal, every figure that differs now from its frozen snapshot; [] otherwise."""
    if row.state != "final":
        return []
    return appraisal_snapshot.changes(row.snapshot, live_snapshot(row, now))


def document(row: Appraisal) -> dict:
    """The appraisal as JSON-safe data, its KPIs from the snapshot (value, n, target, rating, evidence)."""
    snap = row.snapshot or {}
    iso = lambda v: v.isoformat() if v else None  # noqa: E731
    return {"id": row.id, "agent": row.agent.login, "team": row.agent.team.name if row.agent.team else None,
            "period": row.period, "state": row.state, "template": row.template_version.code,
            "template_version": row.template_version.version, "overall": snap.get("overall"),
            "band": snap.get("band"), "proposed_rating": row.proposed_rating, "final_rating": row.final_rating,
            "drafted_at": iso(row.drafted_at), "finalised_at": iso(row.finalised_at),
            "finalised_by": row.finalised_by.login if row.finalised_by else None,
            "acknowledged_at": iso(row.acknowledged_at), "contested": row.contested,
            "contest_reason": row.contest_reason, "agent_comment": row.agent_comment,
            "self_assessment": row.self_assessment, "lead_comment": row.lead_comment,
            "kpis": snap.get("kpis", [])}


CATCH_UP_MONTHS = 12  # a scheduler down longer than this drafts only the last year's periods


def closed_with(month: periods.Period) -> list[periods.Period]:
    """The periods that close with a month: the month, its quarter when it ends one, its year in December."""
    closing = [month]
    next_start = month.end
    if next_start.month in (1, 4, 7, 10):
        closing.append(periods.period_of(month.start, "quarter"))
    if next_start.month == 1:
        closing.append(periods.period_of(month.start, "year"))
    return closing


def _months_since_last_run(month: periods.Period) -> list[periods.Period]:
    """The months from the one after the last successful drafting run up to `month` (only `month` on
    the first run), at most CATCH_UP_MONTHS of them."""
    from qa_app.services import jobs
    done = [parse_period(j.key.split(":", 1)[1]) for j in jobs.by_kind("appraisal_drafts", ("done",))]
    earlier = [p for p in done if p.start < month.start]
    start = max(earlier, key=lambda p: p.start).end if earlier else month.start
    months, at = [], month
    while at.start >= start and len(months) < CATCH_UP_MONTHS:
        months.insert(0, at)
        at = periods.period_of(at.start - timedelta(days=1))
    return months


def draft_closed_periods(month_label: str, now: Optional[datetime] = None) -> dict:
    """What the monthly job does: draft every period closed with `month_label` and with the months
    missed since the last successful run (idempotent: re-drafting never touches a finalised one)."""
    drafted = []
    for month in _months_since_last_run(parse_period(month_label)):
        for period in closed_with(month):
            drafted.append(draft_period(period.label, now=now).as_dict())
    return {"periods": [d["period"] for d in drafted], "created": sum(d["created"] for d in drafted),
            "updated": sum(d["updated"] for d in drafted), "kept_final": sum(d["kept_final"] for d in drafted)}
