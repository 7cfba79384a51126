"""Plans every agent's conversations over the last 90 days and renders them in the canonical JSON format."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from qa_app.demo.compose import CHAT_ONLY_QUIRKS, LANGUAGES, Plan, Script, compose
from qa_app.demo.people import Agent
from qa_app.demo.values import QUEUES

DAYS_BACK = 89  # conversations start 1..DAYS_BACK days before `today`: inside 90 days, never today
UPSET_CHANCE = {"complaints": 1.0, "logistics": 0.6, "refunds": 0.5, "returns": 0.3}
# Which reviewable quirks each kind of agent shows once (see compose.QUIRKS).
QUIRKS_BY_QUALITY = {
    "excellent": (),
    "average": ("paraphrased_empathy", "false_forbidden", "sarcastic_end"),
    "weak": ("bot_greeting", "customer_left"),
}
SPEECH_RATE = {"en": 15.0, "zh": 4.5}  # characters per second when speaking on a call
FIRST_ID = 1001


def plan_agent(agent: Agent, today: date, rng: random.Random) -> list[Plan]:
    """The agent's conversations. Calls, forbidden phrases, quirks and the profile's shares are exact
    counts; which conversations get them, and days, queues and wording, are left to `rng`."""
    profile = agent.profile
    n = profile.conversations
    quirks = list(QUIRKS_BY_QUALITY[profile.quality])
    plain_forbidden = profile.forbidden - (1 if "false_forbidden" in quirks else 0)
    specials = quirks + ["forbidden"] * plain_forbidden + [None] * (n - len(quirks) - plain_forbidden)
    rng.shuffle(specials)
    callable_slots = [i for i, s in enumerate(specials) if s not in CHAT_ONLY_QUIRKS]
    calls = set(rng.sample(callable_slots, profile.calls))
    queues = _queues(n, specials, agent.language, rng)
    days = rng.sample(range(1, DAYS_BACK + 1), n)
    habits = zip(*(_quota(n, chance, rng) for chance in
                   (profile.greeting, profile.empathy, profile.verification, profile.closing, profile.happy_end)))
    return [_plan_one(agent, specials[i], "call" if i in calls else "chat", queues[i],
                      _start(agent, today - timedelta(days=days[i]), rng), habit, rng)
            for i, habit in enumerate(habits)]


def _queues(n: int, specials: list, language: str, rng: random.Random) -> list[str]:
    """Queues in equal shares, shuffled; the English harmless-quote line is about rebooking a delivery."""
    queues = [QUEUES[i % len(QUEUES)] for i in range(n)]
    rng.shuffle(queues)
    if language == "en" and "false_forbidden" in specials:
        slot = specials.index("false_forbidden")
        other = queues.index("logistics")
        queues[slot], queues[other] = queues[other], queues[slot]
    return queues


def _quota(n: int, chance: float, rng: random.Random) -> list[bool]:
    """round(chance * n) of n flags set, in random order: the profile holds exactly for any seed."""
    flags = [i < round(chance * n) for i in range(n)]
    rng.shuffle(flags)
    return flags


def _plan_one(agent: Agent, special, channel: str, queue: str, started_at: datetime, habit, rng) -> Plan:
    """`habit` is (greets, empathises, verifies, closes, happy) from the agent's quotas."""
    greets, empathises, verifies, closes, happy = habit
    scenario = rng.choice(sorted(LANGUAGES[agent.language].SCENARIOS[queue]))
    end = "happy" if happy else _unhappy_end(agent.profile.quality, rng)
    if special == "forbidden":
        end = "negative"  # nobody leaves happy after being told to calm down
    elif special == "sarcastic_end":
        end = "sarcastic"
    elif special == "customer_left":
        end = "left"
    closes = closes and special != "customer_left"
    return Plan(
        agent=agent, channel=channel, queue=queue, scenario=scenario, started_at=started_at,
        customer=f"c-{rng.randint(10, 480) + (0 if agent.language == 'en' else 500)}",
        upset=special == "paraphrased_empathy" or rng.random() < UPSET_CHANCE[queue],
        greets=greets and special != "bot_greeting", empathises=empathises and special != "paraphrased_empathy",
        verifies=verifies, helpful=_helpful(end, rng),
        closes=closes, callback=closes and rng.random() < 0.3, end=end, forbidden=special == "forbidden",
        quirk=special if special not in (None, "forbidden") else None)


def _helpful(end: str, rng: random.Random) -> bool:
    """Customers leave happy after a real answer; a neutral goodbye follows one half of the time."""
    return end == "happy" or (end == "neutral" and rng.random() < 0.5)


def _unhappy_end(quality: str, rng: random.Random) -> str:
    neutral_chance = 0.15 if quality == "weak" else 0.5
    return "neutral" if rng.random() < neutral_chance else "negative"


def _start(agent: Agent, day: date, rng: random.Random) -> datetime:
    """A moment during opening hours (08:00-21:30 local) of `day`, in the team's time zone."""
    minute = rng.randint(8 * 60, 21 * 60 + 30)
    local = datetime.combine(day, time(minute // 60, minute % 60, rng.randint(0, 59)))
    offset = 8 if agent.language == "zh" else (1 if _british_summer_time(local) else 0)
    return local.replace(tzinfo=timezone(timedelta(hours=offset)))


def _british_summer_time(moment: datetime) -> bool:
    """True between the last Sundays of March and October (the clock-change hour is ignored)."""
    def last_sunday(month: int) -> date:
        d = date(moment.year, month, 31)
        return d - timedelta(days=(d.weekday() + 1) % 7)
    return last_sunday(3) <= moment.date() < last_sunday(10)


def render(plan: Plan, script: Script, number: int, rng: random.Random) -> dict:
    """The canonical JSON record: chats carry `at` timestamps, calls carry `start`/`end` seconds."""
    record = {
        "id": f"{plan.channel}-{number:06d}", "channel": plan.channel, "agent": plan.agent.login,
        "started_at": plan.started_at.isoformat(), "language": plan.agent.language, "queue": plan.queue,
        "customer": plan.customer,
    }
    csat = _csat(plan, rng)
    if csat is not None:
        record["csat"] = csat
    timing = _chat_times if plan.channel == "chat" else _call_times
    times = timing(plan, script, rng)
    record["turns"] = [{"speaker": s, "text": t, **when} for (s, t), when in zip(script.turns, times)]
    return record


def _csat(plan: Plan, rng: random.Random):
    """Most customers rate the contact (fewer after calls, none who left); the score follows the ending."""
    if plan.end == "left" or rng.random() > (0.88 if plan.channel == "chat" else 0.7):
        return None
    if plan.end == "happy":
        return 5 if plan.agent.profile.quality == "excellent" else rng.choice((4, 4, 5))
    return rng.choice({"neutral": (3, 4), "negative": (1, 2), "sarcastic": (1, 2)}[plan.end])


def _chat_times(plan: Plan, script: Script, rng: random.Random) -> list[dict]:
    """Agent replies within the profile's delay range; customers take a while to read and type."""
    low, high = plan.agent.profile.reply_seconds
    moment, previous, times = plan.started_at, None, []
    for speaker, text in script.turns:
        bot = plan.quirk == "bot_greeting"
        if bot and len(times) == 1:
            gap = rng.uniform(1, 3)  # the auto-reply is instant; the agent's own reply comes later
        elif speaker == "agent" and (previous == "customer" or (bot and len(times) == 2)):
            gap = rng.uniform(low, high)
        elif speaker == "agent":
            gap = rng.uniform(3, 12) + len(text) * 0.05
        else:
            gap = rng.uniform(8, 45) + len(text) * 0.3
        if previous is not None:
            moment += timedelta(seconds=max(1, round(gap)))
        times.append({"at": moment.isoformat()})
        previous = speaker
    return times


def _call_times(plan: Plan, script: Script, rng: random.Random) -> list[dict]:
    """Seconds from the start of the call; slow agents leave long silences (holds) before answering."""
    rate = SPEECH_RATE[plan.agent.language]
    slow = plan.agent.profile.reply_seconds[0] >= 30
    clock, times = 0.0, []
    for speaker, text in script.turns:
        gap = rng.uniform(0.3, 1.5)
        if speaker == "agent" and slow and rng.random() < 0.4:
            gap += rng.uniform(8, 30)
        start = round(clock + (gap if times else 0.0), 1)
        end = round(start + max(1.2, len(text) / rate) * rng.uniform(0.9, 1.2), 1)
        times.append({"start": start, "end": end})
        clock = end
    return times


def build_conversations(agents, today: date, rng: random.Random) -> list[tuple[dict, Plan, Script]]:
    """Every agent's conversations, numbered in start order: (record, plan, script)."""
    plans = [plan for agent in agents for plan in plan_agent(agent, today, rng)]
    plans.sort(key=lambda p: (p.started_at, p.agent.login))
    built = []
    for number, plan in enumerate(plans, start=FIRST_ID):
        script = compose(plan, rng)
        built.append((render(plan, script, number, rng), plan, script))
    return built
