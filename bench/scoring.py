"""Scoring throughput: 20-turn chats scored with the shipped scorecards, against the sentiment-only floor.

Targets (issue #4): >= 500 English conversations/s on one core with general-en, sentiment
included; whole scoring time <= 1.3 x the time of the sentiment analysis alone on the same turns.
Run: .venv/bin/python bench/scoring.py [--n 2000]
"""
from __future__ import annotations

import argparse
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


def measure(language: str, card_name: str, n: int) -> dict:
    chats = make_chats(n, language, random.Random(7))
    card = shipped_scorecard(card_name)
    engine = DefaultSentiment()  # one engine, as the service keeps one per process
    engine.polarity(["warm up", "预热"], language)
    evaluate(make_chats(1, language, random.Random(1))[0], card, engine)  # compile the card's matchers once
    t0 = time.perf_counter()
    for c in chats:
        evaluate(c, card, engine)
    whole = time.perf_counter() - t0
    t0 = time.perf_counter()
    for c in chats:
        engine.polarity([t.text for t in c.turns if t.speaker == "customer"], language)
    floor = time.perf_counter() - t0
    return {"language": language, "n": n, "conv_per_s": n / whole, "whole_s": whole, "floor_s": floor,
            "ratio": whole / floor if floor else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    for language, card in (("en", "general-en"), ("zh", "ecommerce-aftersales-zh")):
        r = measure(language, card, args.n)
        target = " (target >= 500/s, ratio <= 1.30)" if language == "en" else ""
        print(f"{card}: {r['conv_per_s']:.0f} conversations/s over {r['n']} 20-turn chats; "
              f"sentiment of customer turns alone {r['floor_s']:.2f} s, whole scoring {r['whole_s']:.2f} s, "
              f"ratio {r['ratio']:.2f}{target}")


if __name__ == "__main__":
    main()
