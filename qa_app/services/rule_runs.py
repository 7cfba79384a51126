"""Running the training rules: after each scoring run, review, calibration or dispute on the
conversations it touched; nightly over every agent's newest final evaluations (so a changed
rule set takes effect); and as a dry run that shows what a rule set would assign, storing nothing.

Every path decides with the same pure functions (`training.rules.decide` and `why_not`) on the
same facts (`rule_facts`), so the dry run is what the nightly run would then do.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Optional, Sequence

from sqlalchemy.orm import joinedload

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Assignment, Course
from qa_app.services import audit, reminders, rule_facts, training_rules
from qa_app.services.training import OPEN
from training import due, rules


def apply_rules(conversation_ids: Iterable[int], now: Optional[datetime] = None) -> list[Assignment]:
    """Assign the courses the rules in force ask for on each conversation's final evaluation (no commit).

    An agent never has a course open twice, is not assigned it again within the rule's cooldown,
    and an evaluation the agent's last assignment of the course came after assigns it no more.
    An open assignment created for a conversation whose final evaluation no longer fires is
    cancelled (a reviewer raised the score), and the cancellation is audited.
    """
    now = clock.or_now(now)
    ids = list(conversation_ids)
    if not ids:
        return []
    active = [r for r in training_rules.current_rules() if r.active]
    finals = rule_facts.finals_of(ids, active)
    agents = {f.agent_id for f in finals}
    recent = _windows(finals, active)
    courses, last = _courses_by_code(), rule_facts.last_had(agents)
    open_now, created = _OpenAssignments(finals), []
    for final in finals:
        decisions = rules.decide(final.facts, active, recent=recent.get(final.facts.conversation_id, ()))
        open_now.cancel_unwanted(final.facts.conversation_id, {d.course_code for d in decisions})
        for d in decisions:
            course = courses.get(d.course_code)
            if course is None or _why_not(d, final, course, open_now, last, now):
                continue
            created.append(_assign(final, course, d, now))
            open_now.add(final.agent_id, course.id)
            last[(final.agent_id, course.id)] = now
    _audit_assigned(created)
    return created


def _windows(finals: Sequence[rule_facts.Final],
             active: Sequence[rules.TrainingRule]) -> dict[int, list[rules.EvaluationFacts]]:
    """conversation id -> its final evaluation and the ones before it, newest first, as many as the
    longest window, for the finals a windowed rule holds on (rules.looks_back: the others never
    read them). Reading only those, and each final's own window rather than its agent's whole
    list, gives `decide` what it reads from the full lists at a fraction of the cost."""
    window = rules.longest_window(active)
    windowed = [r for r in active if r.window > 1]  # looks_back reads no other rule
    wanted = [f.facts.conversation_id for f in finals if windowed and rules.looks_back(f.facts, windowed)]
    out: dict[int, list[rules.EvaluationFacts]] = {}
    known = {f.facts.conversation_id: f for f in finals}
    for agent_finals in rule_facts.windows_of(wanted, window, active, known).values():
        facts = [f.facts for f in agent_finals]
        for i, one in enumerate(facts):
            out[one.conversation_id] = facts[i:i + window]
    return out


def _why_not(d: rules.AssignmentDecision, final: rule_facts.Final, course: Course, open_now: "_OpenAssignments",
             last: dict, now: datetime) -> Optional[str]:
    return rules.why_not(d, course_open=open_now.has(final.agent_id, course.id),
                         last_assigned_at=last.get((final.agent_id, course.id)),
                         evaluated_at=final.evaluated_at, now=now)


def apply_rules_nightly(now: Optional[datetime] = None) -> dict:
    """The nightly run: the rules in force over each agent's newest final evaluations (as many as
    the longest window), with one commit; returns how many agents were looked at and assigned."""
    active = [r for r in training_rules.current_rules() if r.active]
    newest = rule_facts.newest_by_agent(None, rules.longest_window(active), active)
    ids = [f.facts.conversation_id for finals in newest.values() for f in finals]
    created = apply_rules(ids, now)
    db.session.commit()
    return {"agents": len(newest), "assigned": len(created)}


def _courses_by_code() -> dict[str, Course]:
    return {c.code: c for c in db.session.scalars(db.select(Course))}


class _OpenAssignments:
    """The open assignments that apply_rules' decisions depend on, read with two queries for the
    whole batch and kept up to date as it cancels and assigns (no query per conversation)."""

    def __init__(self, finals: Sequence[rule_facts.Final]) -> None:
        self.by_conversation: dict[int, list[Assignment]] = defaultdict(list)
        for a in db.session.scalars(db.select(Assignment).where(
                Assignment.conversation_id.in_([f.facts.conversation_id for f in finals]),
                Assignment.status.in_(OPEN)).order_by(Assignment.id).options(joinedload(Assignment.course))):
            self.by_conversation[a.conversation_id].append(a)
        self.count = Counter(dict(((agent, course), n) for agent, course, n in db.session.execute(
            db.select(Assignment.agent_id, Assignment.course_id, db.func.count()).where(
                Assignment.agent_id.in_({f.agent_id for f in finals}), Assignment.status.in_(OPEN))
            .group_by(Assignment.agent_id, Assignment.course_id))))

    def has(self, agent_id: int, course_id: int) -> bool:
        return self.count[(agent_id, course_id)] > 0

    def add(self, agent_id: int, course_id: int) -> None:
        self.count[(agent_id, course_id)] += 1

    def cancel_unwanted(self, conversation_id: int, wanted: set[str]) -> None:
        for a in self.by_conversation.get(conversation_id, ()):
            if a.status in OPEN and a.course.code not in wanted:
                audit.record(None, "cancel", "assignment", a.id, before={"status": a.status},
                             after={"status": "cancelled", "why": "final evaluation no longer triggers the course"})
                a.status = "cancelled"
                self.count[(a.agent_id, a.course_id)] -= 1


def _assign(final: rule_facts.Final, course: Course, d: rules.AssignmentDecision, now: datetime) -> Assignment:
    a = Assignment(agent_id=final.agent_id, course_id=course.id, evaluation_id=final.facts.evaluation_id,
                   conversation_id=final.facts.conversation_id, rule_code=d.rule_id, reason=d.reason,
                   trigger_evaluation_ids=list(d.evaluation_ids), status="assigned", assigned_at=now,
                   due_at=due.due_date(now, d.due_days))
    db.session.add(a)
    return a


def _audit_assigned(created: list[Assignment]) -> None:
    """One flush gives every new assignment its id; then each is audited and announced to its agent."""
    if created:
        db.session.flush()
        reminders.notify_assigned(created, created[0].assigned_at)
    audit.record_many([{"at": clock.now(), "actor": None, "action": "assign", "entity": "assignment",
                        "entity_id": a.id, "after": {"agent": a.agent.login, "course": a.course.code,
                                                     "reason": a.reason, "evaluations": a.trigger_evaluation_ids}}
                       for a in created])


@dataclass(frozen=True)
class WouldAssign:
    """One assignment a dry run found: which agent, course and rule, and the reason it would give."""

    agent: str
    course_code: str
    rule_id: str
    reason: str
    evaluation_ids: tuple[int, ...]

    def as_dict(self) -> dict:
        return {"agent": self.agent, "course": self.course_code, "rule": self.rule_id, "reason": self.reason,
                "evaluations": list(self.evaluation_ids)}


@dataclass(frozen=True)
class DryRun:
    """What a rule set would assign tonight, next to what the rules in force would.

    `assign`: what the proposed rules would assign; `gained` and `lost`: (agent, course) pairs
    the proposed rules would assign and the rules in force would not, and the other way round;
    `fired`: per proposed rule id, how many agents it fires for before the checks; `skipped`:
    per reason (open, cooldown, answered), decisions the checks held back.
    """

    agents: int
    assign: tuple[WouldAssign, ...]
    gained: tuple[tuple[str, str], ...]
    lost: tuple[tuple[str, str], ...]
    fired: dict
    skipped: dict

    def as_dict(self) -> dict:
        return {"agents": self.agents, "assign": [w.as_dict() for w in self.assign],
                "gained": [list(p) for p in self.gained], "lost": [list(p) for p in self.lost],
                "fired": self.fired, "skipped": self.skipped}


def dry_run(proposed: Sequence[rules.TrainingRule], now: Optional[datetime] = None) -> DryRun:
    """What `proposed` would assign over every agent's newest final evaluations, as the nightly
    run would, compared with the rules in force. Reads only; stores nothing."""
    now = clock.or_now(now)
    in_force = training_rules.current_rules()
    both = [r for r in (*proposed, *in_force) if r.active]
    window = rules.longest_window(both)
    newest = rule_facts.newest_by_agent(None, 2 * window - 1, both)  # the newest `window`, and their windows
    context = _Context(_courses_by_code(), rule_facts.last_had(None), _open_pairs())
    mine, fired, skipped = _would_assign(proposed, newest, window, context, now)
    theirs, _f, _s = _would_assign(in_force, newest, window, context, now)
    pairs, before = {(w.agent, w.course_code) for w in mine}, {(w.agent, w.course_code) for w in theirs}
    return DryRun(len(newest), tuple(mine), tuple(sorted(pairs - before)), tuple(sorted(before - pairs)),
                  dict(fired), dict(skipped))


@dataclass(frozen=True)
class _Context:
    courses: dict
    last: dict
    open_pairs: set


def _open_pairs() -> set[tuple[int, int]]:
    return {(agent, course) for agent, course in db.session.execute(
        db.select(Assignment.agent_id, Assignment.course_id).where(Assignment.status.in_(OPEN)))}


def _would_assign(rule_set: Sequence[rules.TrainingRule], newest: dict, window: int, context: _Context,
                  now: datetime):
    """The first admissible decision per (agent, course) over each agent's `window` newest evaluations."""
    active = [r for r in rule_set if r.active]
    found: dict[tuple[str, str], WouldAssign] = {}
    fired: dict[str, set] = defaultdict(set)
    skipped: Counter = Counter()
    for agent_id, finals in sorted(newest.items()):
        recent = [f.facts for f in finals]
        for final in finals[:window]:
            for d in rules.decide(final.facts, active, recent=recent):
                fired[d.rule_id].add(agent_id)
                course = context.courses.get(d.course_code)
                key = (final.facts.agent, d.course_code)
                if course is None or key in found:
                    continue
                why = rules.why_not(d, course_open=(agent_id, course.id) in context.open_pairs,
                                    last_assigned_at=context.last.get((agent_id, course.id)),
                                    evaluated_at=final.evaluated_at, now=now)
                if why:
                    skipped[why] += 1
                    continue
                found[key] = WouldAssign(final.facts.agent, d.course_code, d.rule_id, d.reason, d.evaluation_ids)
    return list(found.values()), Counter({k: len(v) for k, v in fired.items()}), skipped
