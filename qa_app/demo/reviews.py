"""Demo reviews: reviewers overrule the automatic verdict on every quirky conversation and agree on others."""
from __future__ import annotations

import random
from datetime import date

from qa_app.demo.compose import Plan, Script
from qa_app.demo.people import REVIEWER_BY_LANGUAGE
from qa_app.demo.values import DemoReview

MAX_REVIEW_DELAY = 7  # days
BILINGUAL_REVIEWER = "qa.chen"  # both reviewers cover both teams; only she reads both languages
AGREEMENTS_BY_QUALITY = {"excellent": 2, "average": 3, "weak": 3}

# quirk -> (criterion id, result, comment template per language); {quote} is the line the reviewer cites.
OVERRIDES = {
    "paraphrased_empathy": ("empathy", "pass", {
        "en": 'Agent did acknowledge the frustration: "{quote}" Empathy shown, just not with the usual words.',
        "zh": "客服说了“{quote}”，已经体现了共情，只是没有用到关键词。"}),
    "bot_greeting": ("greeting", "fail", {
        "en": "The only greeting was the automatic bot message; the agent joined without greeting the customer.",
        "zh": "开场问候只是机器人的自动回复，客服本人没有问候客户。"}),
    "sarcastic_end": ("empathy", "fail", {
        "en": '"{quote}" is sarcasm: the customer left unhappy and the agent closed as if all was well.',
        "zh": "“{quote}”是反话，客户其实并不满意，客服却没有回应客户的情绪就结束了。"}),
    "customer_left": ("closing", "na", {
        "en": "Customer left the chat before the agent could close, so closing does not apply.",
        "zh": "客户中途离开了会话，客服没有机会做结束语，此项不适用。"}),
    "false_forbidden": ("forbidden_phrases", "pass", {
        "en": 'Not a refusal: "{quote}" The agent helped straight away.',
        "zh": "客服是在引用并纠正之前同事说的“不关我的事”，并当场道歉跟进，不是对客户说的禁语。"}),
}


def build_reviews(built: list[tuple[dict, Plan, Script]], today: date, rng: random.Random) -> tuple[DemoReview, ...]:
    """One review per chosen conversation, in conversation order: every quirk plus a few per agent."""
    chosen: dict[str, DemoReview] = {}
    for record, plan, script in built:
        if plan.quirk:
            chosen[record["id"]] = _review(record, plan, today, rng, _override(plan, script))
    for login in sorted({plan.agent.login for _, plan, _ in built}):
        plain = [(r, p) for r, p, _ in built if p.agent.login == login and not p.quirk]
        quota = AGREEMENTS_BY_QUALITY[plain[0][1].agent.profile.quality]
        for k, (record, plan) in enumerate(rng.sample(plain, quota)):
            chosen[record["id"]] = _review(record, plan, today, rng, {}, second_opinion=k == 0)
    order = [record["id"] for record, _, _ in built]
    return tuple(sorted(chosen.values(), key=lambda r: order.index(r.external_id)))


def _override(plan: Plan, script: Script) -> dict[str, tuple[str, str]]:
    criterion, result, comments = OVERRIDES[plan.quirk]
    quote = script.quotes.get(plan.quirk, "")
    return {criterion: (result, comments[plan.agent.language].format(quote=quote))}


def _review(record: dict, plan: Plan, today: date, rng: random.Random, overrides: dict,
            second_opinion: bool = False) -> DemoReview:
    """By the team's own-language reviewer, or by the bilingual one for a second opinion on English."""
    reviewer = REVIEWER_BY_LANGUAGE[plan.agent.language]
    if second_opinion:
        reviewer = BILINGUAL_REVIEWER
    latest = min(MAX_REVIEW_DELAY, (today - plan.started_at.date()).days - 1)
    return DemoReview(record["id"], reviewer, rng.randint(min(1, latest), latest), overrides)
