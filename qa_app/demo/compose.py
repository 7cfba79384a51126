"""Writes one conversation's turns from its plan: which steps happen is decided up front, wording by chance."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import Optional

from qa_app.demo import text_en, text_zh
from qa_app.demo.people import Agent

LANGUAGES: dict[str, ModuleType] = {"en": text_en, "zh": text_zh}
MIN_TURNS, MAX_TURNS = 8, 20
# Quirks: handling the automatic checks judge wrongly, so reviewers have something to overrule.
QUIRKS = ("paraphrased_empathy", "bot_greeting", "sarcastic_end", "customer_left", "false_forbidden")
CHAT_ONLY_QUIRKS = ("bot_greeting", "customer_left")


@dataclass(frozen=True)
class Plan:
    """Everything decided about a conversation before any text is written."""

    agent: Agent
    channel: str
    queue: str
    scenario: str
    started_at: datetime
    customer: str
    upset: bool
    greets: bool
    empathises: bool
    verifies: bool
    helpful: bool
    closes: bool
    callback: bool  # closes by booking a follow-up call (回访) instead of just asking for more
    end: str  # the customer's last word: "happy" | "neutral" | "negative" | "sarcastic" | "left" (no word)
    forbidden: bool
    quirk: Optional[str] = None


@dataclass
class Script:
    """Turns as (speaker, text), plus the lines a reviewer would quote, keyed by quirk name."""

    turns: list[tuple[str, str]] = field(default_factory=list)
    quotes: dict[str, str] = field(default_factory=dict)


class _Writer:
    """Picks a phrasing from a pool and fills in the conversation's facts."""

    def __init__(self, rng: random.Random, ctx: dict):
        self.rng, self.ctx = rng, ctx
        self.order_given = False  # the customer's first message already names the order

    def pick(self, pool) -> str:
        return self.rng.choice(pool).format_map(self.ctx)


def compose(plan: Plan, rng: random.Random) -> Script:
    """The conversation `plan` describes, between MIN_TURNS and MAX_TURNS turns long."""
    lang = LANGUAGES[plan.agent.language]
    scenario = lang.SCENARIOS[plan.queue][plan.scenario]
    ctx = lang.context(rng, scenario["kinds"], plan.started_at, plan.agent.short_name, plan.queue == "logistics")
    ctx["confirm"] = scenario["confirm"].format_map(ctx)
    ctx["track"] = scenario.get("track", "").format_map(ctx)
    w, script = _Writer(rng, ctx), Script()
    head = _opening(plan, lang, scenario, w, script) + _investigation(plan, lang, scenario, w, script)
    head += _resolution(plan, lang, scenario, w)
    tail = _ending(plan, lang, w, script)
    extras = _extra_exchanges(plan, lang, scenario, w, len(head) + len(tail))
    script.turns = head + extras + tail
    if not MIN_TURNS <= len(script.turns) <= MAX_TURNS:
        raise AssertionError(f"demo conversation has {len(script.turns)} turns: {plan}")
    return script


def _opening(plan: Plan, lang, scenario: dict, w: _Writer, script: Script) -> list[tuple[str, str]]:
    """Customer states the problem; the agent greets (or not) and acknowledges the feeling (or not)."""
    template = w.rng.choice(scenario["open_upset" if plan.upset else "open"])
    w.order_given = "{order}" in template
    customer = ("customer", template.format_map(w.ctx))
    if plan.channel == "call":
        first = w.pick(lang.GREETING_CALL if plan.greets else lang.NO_GREETING_CALL)
        turns = [("agent", first), customer]
    else:
        turns = [customer]
        if plan.quirk == "bot_greeting":
            turns.append(("agent", w.pick(lang.BOT_GREETING)))
        if plan.greets:
            turns.append(("agent", w.pick(lang.GREETING_CHAT)))
        elif w.order_given or plan.verifies:
            turns.append(("agent", w.pick(lang.NO_GREETING_CHAT)))
    feeling = _acknowledgement(plan, lang, w, script)
    if feeling and turns[-1][0] == "agent" and plan.greets and w.rng.random() < 0.5:
        turns[-1] = ("agent", turns[-1][1] + (" " if plan.agent.language == "en" else "") + feeling)
    elif feeling:
        turns.append(("agent", feeling))
    return turns


def _acknowledgement(plan: Plan, lang, w: _Writer, script: Script) -> str:
    if plan.quirk == "paraphrased_empathy":
        script.quotes["paraphrased_empathy"] = line = w.pick(lang.PARAPHRASED_EMPATHY)
        return line
    if plan.empathises:
        return w.pick(lang.EMPATHY_STRONG if plan.upset else lang.EMPATHY_MILD)
    return ""


def _investigation(plan: Plan, lang, scenario: dict, w: _Writer, script: Script) -> list[tuple[str, str]]:
    """Order, logistics and problem checks (三查三核) for a thorough agent; a bare order number otherwise."""
    turns: list[tuple[str, str]] = []
    agreement = ""  # the customer's "yes, that's it" when the agent confirmed the problem
    if plan.verifies:
        if not w.order_given:
            turns += [("agent", w.pick(lang.ASK_ORDER)), ("customer", w.pick(lang.GIVE_ORDER))]
        turns.append(("agent", w.pick(lang.CHECK_ORDER)))
        if plan.agent.language == "zh" or plan.queue == "logistics":
            turns.append(("agent", w.pick(lang.CHECK_LOGISTICS)))
        if plan.agent.language == "zh" or w.rng.random() < 0.5:
            turns.append(("agent", w.pick(lang.CONFIRM)))
            agreement = w.pick(lang.CUSTOMER_YES) + (" " if plan.agent.language == "en" else "，")
    elif not w.order_given:
        turns += [("agent", w.pick(lang.ASK_ORDER_CURT)), ("customer", w.pick(lang.GIVE_ORDER_PLAIN))]
    turns.append(("customer", agreement + w.pick(scenario["detail"])))
    return turns + _slip(plan, lang, w, script)


def _slip(plan: Plan, lang, w: _Writer, script: Script) -> list[tuple[str, str]]:
    """A forbidden phrase (or the harmless quote of one) and the customer's reaction to it."""
    if plan.quirk == "false_forbidden":
        setup, line = w.rng.choice(lang.FALSE_FORBIDDEN)
        script.quotes["false_forbidden"] = line.format_map(w.ctx)
        return [("customer", setup.format_map(w.ctx)), ("agent", line.format_map(w.ctx))]
    if plan.forbidden:
        line, reaction = w.rng.choice(lang.FORBIDDEN)
        return [("agent", line.format_map(w.ctx)), ("customer", reaction.format_map(w.ctx))]
    return []


def _resolution(plan: Plan, lang, scenario: dict, w: _Writer) -> list[tuple[str, str]]:
    if not plan.helpful:
        return [("agent", w.pick(scenario["curt"]))]
    turns = [("agent", w.pick(scenario["resolve"]))]
    if plan.verifies and (plan.queue == "returns" or plan.scenario == "timeline") and w.rng.random() < 0.7:
        turns.append(("agent", w.pick(lang.POLICY)))
    return turns


def _extra_exchanges(plan: Plan, lang, scenario: dict, w: _Writer, used: int) -> list[tuple[str, str]]:
    """Follow-up questions and answers: a few by chance, more when the conversation would be too short."""
    pool = [(q, good if plan.helpful else curt) for q, good, curt in scenario["followups"] + lang.EXTRA_QA]
    if not plan.helpful:
        pool += lang.PUSHBACK
    w.rng.shuffle(pool)
    wanted = w.rng.randint(0, 2)
    wanted = max(wanted, -(-(MIN_TURNS - used) // 2))
    wanted = min(wanted, (MAX_TURNS - used) // 2, len(pool))
    turns: list[tuple[str, str]] = []
    for question, answer in pool[:wanted]:
        turns += [("customer", question.format_map(w.ctx)), ("agent", answer.format_map(w.ctx))]
    return turns


def _ending(plan: Plan, lang, w: _Writer, script: Script) -> list[tuple[str, str]]:
    """Closing question, the customer's last word, and the agent's farewell, each only if the plan says so."""
    if plan.quirk == "customer_left":
        return [("agent", line) for line in lang.LEFT_PROMPT]
    last_word = ("customer", w.pick(_final_pool(plan.end, lang)))
    if plan.quirk == "sarcastic_end":
        script.quotes["sarcastic_end"] = last_word[1]
    if not plan.closes:
        return [last_word] + ([("agent", w.pick(lang.CURT_LAST))] if w.rng.random() < 0.6 else [])
    question = w.pick(lang.CALLBACK if plan.callback else lang.ANYTHING_ELSE)
    if plan.end in ("happy", "neutral"):
        farewell = lang.FAREWELL
    else:  # the customer has just turned upset: an empathetic agent apologises on the way out
        farewell = lang.FAREWELL_SORRY if plan.empathises else lang.FAREWELL_AFTER_COMPLAINT
    return [("agent", question), last_word, ("agent", w.pick(farewell))]


def _final_pool(end: str, lang) -> list[str]:
    return {"happy": lang.HAPPY_END, "neutral": lang.NEUTRAL_END, "negative": lang.NEGATIVE_END,
            "sarcastic": lang.SARCASTIC_END}[end]
