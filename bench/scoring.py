"""Scoring throughput: 20-turn chats scored with the shipped scorecards, against the model inference alone.

Targets (issue #9): >= 300 conversations/s on one core for 20-turn chats with everything on, in
English and in Chinese; whole scoring time (every criterion, and the customer's end mood that the
stored summary keeps) <= 1.5 x the time spent in model inference: sentiment and the semantic
layer's intent model (measured inside their calls during the same run, so exactly the turns the
scorecard reads).
Times are CPU seconds of this process (time.process_time), so other work on a shared machine does
not inflate them; conversations/s is per CPU second of one core. The load average is printed beside.
--no-cache turns off the analyser's memory of recent texts (templates here repeat, as real turns do).
Run: .venv/bin/python bench/scoring.py [--n 2000] [--no-cache]
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would shadow the
# `scoring` package; the repository root must come first instead.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from scoring.catalog import shipped_scorecard
from scoring.engine import evaluate
from scoring.intents.models import default_intent_model
from scoring.mood import customer_mood
from scoring.sentiment import DefaultSentiment
from transcripts.model import Conversation, Turn

EN_CUSTOMER = ["My order {n} still hasn't arrived and I'm getting frustrated.", "Can I return the shoes, they are too small?",
               "The refund for order {n} is not in my account yet.", "Thanks, that is really helpful.",
               "The parcel arrived damaged, the box was crushed.", "How long does the refund take?"]
EN_AGENT = ["Hello, thank you for contacting us, my name is Ann.", "I'm sorry to hear that, let me check order {n}.",
            "I can see the courier scanned it yesterday in the depot.", "I have sent you a return label by e-mail.",
            "Your refund of {p} pounds was issued today and takes 3 to 5 days.", "Is there anything else I can help you with?"]
ZH_CUSTOMER = ["我的订单{n}还没到，怎么回事？", "鞋子尺码不对，可以退货吗？", "退款{p}元什么时候到账？", "好的，非常感谢，很满意"]
ZH_AGENT = ["您好，很高兴为您服务！", "非常理解您的心情，我帮您核实一下订单{n}。", "我查询了物流，包裹在转运中心。",
            "请您确认一下商品的问题，我们为您办理退货。", "请问还有什么可以帮您？祝您生活愉快！"]


def make_chats(n: int, language: str, rng: random.Random) -> list[Conversation]:
    """n distinct 20-turn chats (numbers vary so caches cannot hide the work)."""
    customer, agent = (ZH_CUSTOMER, ZH_AGENT) if language == "zh" else (EN_CUSTOMER, EN_AGENT)
    start = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)
    chats = []
    for i in range(n):
        turns = []
        for k in range(20):
            pool = customer if k % 2 == 0 else agent
            text = rng.choice(pool).format(n=rng.randint(10**7, 10**8), p=rng.randint(5, 500))
            turns.append(Turn("customer" if k % 2 == 0 else "agent", text, at=start + timedelta(seconds=15 * k)))
        chats.append(Conversation(f"bench-{language}-{i}", "agent.a", tuple(turns), language=language))
    return chats


class Timed:
    """The analyser, with the time spent inside its calls added up."""

    def __init__(self, engine) -> None:
        self.engine, self.seconds, self.texts = engine, 0.0, 0

    def polarity(self, texts, language):
        t0 = time.process_time()
        try:
            return self.engine.polarity(texts, language)
        finally:
            self.seconds += time.process_time() - t0
            self.texts += len(texts)


class TimedIntents:
    """The semantic layer's intent model (the other model inference), with the time inside its calls."""

    def __init__(self, model) -> None:
        self.model, self.name, self.seconds = model, model.name, 0.0

    def intents(self, texts, language, wanted=None):
        t0 = time.process_time()
        try:
            return self.model.intents(texts, language, wanted)
        finally:
            self.seconds += time.process_time() - t0


def measure(language: str, card_name: str, n: int, cache: bool = True) -> dict:
    chats = make_chats(n, language, random.Random(7))
    card = shipped_scorecard(card_name)
    engine = DefaultSentiment()  # one engine, as the service keeps one per process
    if not cache:
        engine.CACHE_SIZE = 1
    evaluate(make_chats(1, language, random.Random(1))[0], card, engine)  # load the model, compile the matchers
    timed, intents = Timed(engine), TimedIntents(default_intent_model())
    t0, wall = time.process_time(), time.perf_counter()
    for c in chats:  # the stored summary's mood is part of scoring (qa_app.services.scoring_pool)
        customer_mood(c, evaluate(c, card, timed, intents).turn_sentiment)
    whole, wall = time.process_time() - t0, time.perf_counter() - wall
    floor = timed.seconds + intents.seconds
    return {"language": language, "n": n, "conv_per_s": n / whole, "whole_s": whole, "floor_s": floor,
            "sentiment_s": timed.seconds, "intents_s": intents.seconds, "texts": timed.texts, "wall_s": wall,
            "ratio": whole / floor if floor else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--no-cache", action="store_true", help="score every turn text afresh")
    args = parser.parse_args()
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores")
    for language, card in (("en", "general-en"), ("zh", "ecommerce-aftersales-zh")):
        r = measure(language, card, args.n, cache=not args.no_cache)
        print(f"{card}: {r['conv_per_s']:.0f} conversations per CPU second over {r['n']} 20-turn chats "
              f"(target >= 300/s); model inference {r['floor_s']:.2f} CPU s (sentiment {r['sentiment_s']:.2f} s for "
              f"{r['texts']} turns, {r['sentiment_s'] / max(r['texts'], 1) * 1e6:.0f} us a turn; intents "
              f"{r['intents_s']:.2f} s), whole scoring {r['whole_s']:.2f} CPU s ({r['wall_s']:.2f} s wall), "
              f"ratio {r['ratio']:.2f} (target <= 1.50)")


if __name__ == "__main__":
    main()
