"""What bench/gen.py fills an instance with: teams, people and conversation templates.

The conversations are the demo's after-sales chats and calls (qa_app.demo: returns, refunds,
logistics and complaints, in English and Chinese, each agent with a handling profile), written for
generated agents. Each agent gets a few templates spread over the period; every generated
conversation is a copy of one of its agent's templates moved in time, under its own id. A template
is read, redacted, measured and scored once, with the code the app uses for that (records,
preparation, the scoring engine with the active scorecards, review.apply_decisions for the
reviewers' verdicts), so its copies hold the rows the app would store for them.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from typing import Optional

from qa_app.demo.compose import compose
from qa_app.demo.conversations import plan_agent, render
from qa_app.demo.people import PROFILES, Agent
from qa_app.demo.reviews import OVERRIDES
from qa_app.services.evaluations import StoredResult, stored_result
from qa_app.services.review import apply_decisions
from scoring.engine import evaluate, select_scorecard
from scoring.formula import total_score
from scoring.mood import customer_mood
from scoring.result import EvaluationResult
from transcripts import model, preparation, records
from transcripts.pii import RedactionConfig

# English teams work in British hours and Chinese ones in Beijing time: the demo's conversations do.
CITIES = {"en": (("London", "Europe/London"), ("Manchester", "Europe/London"), ("Glasgow", "Europe/London"),
                 ("Leeds", "Europe/London"), ("Cardiff", "Europe/London")),
          "zh": (("上海售后", "Asia/Shanghai"), ("杭州售后", "Asia/Shanghai"), ("成都售后", "Asia/Shanghai"),
                 ("武汉售后", "Asia/Shanghai"), ("深圳售后", "Asia/Shanghai"))}
EN_GIVEN = ("Emma", "Oliver", "Amelia", "Harry", "Isla", "Jack", "Ava", "George", "Mia", "Noah", "Sophie", "Leo",
            "Grace", "Oscar", "Lily", "Arthur", "Freya", "Charlie", "Ella", "Alfie", "Priya", "Mohammed", "Chloe")
EN_FAMILY = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright",
             "Evans", "Walker", "Roberts", "Green", "Hall", "Wood", "Thompson", "Clarke", "Khan", "Hughes")
ZH_FAMILY = (("李", "li"), ("王", "wang"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
             ("赵", "zhao"), ("黄", "huang"), ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"))
ZH_GIVEN = (("娜", "na"), ("伟", "wei"), ("敏", "min"), ("静", "jing"), ("磊", "lei"), ("洋", "yang"), ("艳", "yan"),
            ("勇", "yong"), ("军", "jun"), ("杰", "jie"), ("婷", "ting"), ("涛", "tao"), ("芳", "fang"), ("超", "chao"))
QUALITY_SHARES = (("excellent", 0.25), ("average", 0.5), ("weak", 0.25))
# A reviewer's own overrule when the automatic verdict on an ordinary conversation is wrong.
OVERRULE = {"en": "Read the whole transcript: the automatic verdict on this point does not match what the agent did.",
            "zh": "已复核完整会话记录，自动评分对这一项的判断与客服的实际表现不符。"}


@dataclass(frozen=True)
class Person:
    """A generated user: login, display name, role, team (agents) or covered teams (staff)."""

    login: str
    name: str
    role: str
    team: Optional[str]
    covers: tuple[str, ...] = ()
    agent: Optional[Agent] = None


def teams(n_agents: int) -> list[tuple[str, str, str]]:
    """(name, language, IANA zone) of the teams: one per 50 agents, at least one per language."""
    wanted, out = max(2, round(n_agents / 50)), []
    for k in range(wanted):
        language = ("en", "zh")[k % 2]
        city, zone = CITIES[language][(k // 2) % len(CITIES[language])]
        lap = k // (2 * len(CITIES[language]))
        out.append((city if lap == 0 else f"{city} {lap + 1}", language, zone))
    return out


def people(n_agents: int, rng: random.Random) -> list[Person]:
    """Agents spread over the teams (each with a handling profile), then one reviewer per 25 agents
    of a language covering that language's teams, a lead per team and two HR users covering all."""
    team_list = teams(n_agents)
    by_language = {lang: [name for name, language, _ in team_list if language == lang] for lang in ("en", "zh")}
    out: list[Person] = []
    for i in range(n_agents):
        name, language, _ = team_list[i % len(team_list)]
        login, display, short = _agent_name(language, i, rng)
        quality = rng.choices([q for q, _ in QUALITY_SHARES], [s for _, s in QUALITY_SHARES])[0]
        out.append(Person(login, display, "agent", name, agent=Agent(login, short, name, language, PROFILES[quality])))
    for language, names in by_language.items():
        count = max(1, round(sum(1 for p in out if p.agent and p.agent.language == language) / 25))
        out += [Person(f"qa.{language}.{k + 1}", f"QA {language} {k + 1}", "reviewer", None, tuple(names))
                for k in range(count)]
    out += [Person(f"lead.{k + 1}", f"Lead {name}", "lead", None, (name,)) for k, (name, _, _) in enumerate(team_list)]
    every = tuple(name for name, _, _ in team_list)
    return out + [Person(f"hr.{k + 1}", f"HR {k + 1}", "hr", None, every) for k in range(2)]


def _agent_name(language: str, i: int, rng: random.Random) -> tuple[str, str, str]:
    """(login, display name, the short name the agent gives customers); the number keeps logins unique."""
    if language == "en":
        given, family = rng.choice(EN_GIVEN), rng.choice(EN_FAMILY)
        return f"{given.lower()}.{family.lower()}.{i + 1}", f"{given} {family}", given
    (family, family_py), (given, given_py) = rng.choice(ZH_FAMILY), rng.choice(ZH_GIVEN)
    return f"{family_py}.{given_py}.{i + 1}", family + given, "小" + given


@dataclass(frozen=True)
class Template:
    """One conversation as read (`raw`, which its content hash covers) and as stored (`stored`:
    redacted, language and metrics in metadata), with what scoring writes: the customer-mood
    metadata, each scored turn's polarity, the automatic result, and the reviewers' verdicts
    (`agree`, and `overruled` when a reviewer would change something)."""

    raw: model.Conversation
    stored: model.Conversation
    meta: dict
    polarity: dict
    version_id: int
    auto: StoredResult
    agree: StoredResult
    overruled: Optional[StoredResult]
    quirk: Optional[str]


def plans_for(agent: Agent, per_agent: int, first_day: date, days: int, rng: random.Random) -> list:
    """`per_agent` demo plans for the agent, the k-th moved to the k-th slice of the period (so a
    copy is moved by at most half a slice and the dates its text mentions stay close)."""
    plans: list = []
    while len(plans) < per_agent:
        plans += plan_agent(agent, first_day + timedelta(days=days), rng)
    plans = plans[:per_agent]
    rng.shuffle(plans)
    out = []
    for k, plan in enumerate(plans):
        day = first_day + timedelta(days=int((k + 0.5) * days / per_agent))
        local = plan.started_at
        out.append(replace(plan, started_at=datetime.combine(day, local.timetz())))
    return out


def build_template(plan, number: int, rng: random.Random, cards, version_of: dict, sentiment, dialect,
                   redaction: Optional[RedactionConfig]) -> Optional[Template]:
    """The template of one plan (None when no active scorecard fits it), scored as the app scores a
    stored conversation: times in UTC, as read back from the database."""
    raw = records.conversation_from_dict(render(plan, compose(plan, rng), number, rng))
    stored = preparation.prepare(raw, redaction)
    as_read = _in_utc(stored)
    card = select_scorecard(as_read, cards)
    if card is None:
        return None
    result = evaluate(as_read, card, sentiment)
    mood = customer_mood(as_read, result.turn_sentiment)
    meta = dict(stored.metadata) if mood is None else {**stored.metadata, "sentiment": mood.as_meta()}
    overruled = _overruled(result, plan.quirk, plan.agent.language, rng)
    return Template(raw, stored, meta, dict(result.turn_sentiment), version_of[card.name],
                    stored_result(result, dialect), stored_result(_reviewed(result, {}), dialect),
                    overruled and stored_result(overruled, dialect), plan.quirk)


def _in_utc(conv: model.Conversation) -> model.Conversation:
    def utc(moment):
        return moment.astimezone(timezone.utc) if moment is not None else None
    return replace(conv, started_at=utc(conv.started_at), turns=tuple(replace(t, at=utc(t.at)) for t in conv.turns))


def _overruled(result: EvaluationResult, quirk: Optional[str], language: str,
               rng: random.Random) -> Optional[EvaluationResult]:
    """What a reviewer changes: the demo's overrule for a quirk the checks misjudge, else one
    criterion's verdict turned round (None when no criterion can be)."""
    if quirk in OVERRIDES:
        criterion, verdict, comments = OVERRIDES[quirk]
        if any(c.criterion_id == criterion for c in result.criteria):
            return _reviewed(result, {criterion: {"result": verdict, "comment": comments[language].format(quote="…")}})
    flippable = [c for c in result.criteria if c.result in ("pass", "fail")]
    if not flippable:
        return None
    chosen = rng.choice(flippable)
    verdict = "fail" if chosen.result == "pass" else "pass"
    return _reviewed(result, {chosen.criterion_id: {"result": verdict, "comment": OVERRULE[language]}})


def _reviewed(result: EvaluationResult, decisions: dict) -> EvaluationResult:
    """The automatic result with a reviewer's decisions, totals recomputed (as review.rescored does)."""
    criteria = apply_decisions(list(result.criteria), decisions)
    score, auto_fail, sections = total_score(criteria)
    return EvaluationResult(scorecard=result.scorecard, version=result.version, score=score, auto_fail=auto_fail,
                            criteria=tuple(criteria), section_scores=sections)


def moved(conv: model.Conversation, external_id: str, customer: str, delta: timedelta) -> model.Conversation:
    """The conversation under another id and customer, `delta` later."""
    def later(moment):
        return moment + delta if moment is not None else None
    turns = conv.turns if conv.turns[0].at is None else tuple(  # not dataclasses.replace: 20 M turns
        model.Turn(t.speaker, t.text, t.at + delta, t.start, t.end) for t in conv.turns)
    return replace(conv, external_id=external_id, customer=customer, started_at=later(conv.started_at), turns=turns)

