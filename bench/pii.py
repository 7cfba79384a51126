"""PII redaction speed: µs per turn on a fixed mixed sample of e-commerce chat turns, before and after.

"Before" is the matcher-based pipeline the fast path replaced: every finder on every text and
phonenumbers.PhoneNumberMatcher run once per region. "After" is transcripts.pii.redact. Figures only.
Run: .venv/bin/python bench/pii.py [--turns 5000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stdnum import luhn  # noqa: E402

from transcripts import pii  # noqa: E402

PLAIN = ["Hello, thank you for contacting us, how can I help?", "It was due on Monday.",
         "The courier scanned it yesterday in the depot; it will arrive tomorrow.", "OK, thanks.",
         "您好，很高兴为您服务", "非常理解您的心情，我帮您查询物流", "好的谢谢", "请问还有什么可以帮您？",
         "I have two parcels, one arrived at four o'clock, the other one is late",
         "退款已经提交了吗？"]
REFERENCES = ["My order {o} has not arrived yet.", "let me check the tracking number SF{t}.",
              "我的订单{o}还没到", "您的快递单号是YT{t}，请注意查收", "Refund for order #{o} was issued.",
              "运单号：{o}", "invoice {o} attached", "JD{t} 显示已签收"]
PII = ["我的手机号是{m}", "call me on {m} please", "mobile +86 {m3} {m4a} {m4b}", "座机 010-{land}",
       "卡号 {card}", "card {card4}", "my email is {user}@example.com", "邮箱 {user}@163.com"]


def _card(rng: random.Random) -> str:
    body = rng.choice(["4", "51", "62"]) + "".join(rng.choice("0123456789") for _ in range(13))
    body = body[:15]
    return body + luhn.calc_check_digit(body)


def sample(turns: int, seed: int = 7) -> list[str]:
    """Half plain turns, 40 % with order or tracking numbers, 10 % with a real phone, card or e-mail."""
    rng = random.Random(seed)
    out = []
    for _ in range(turns):
        roll = rng.random()
        mobile = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
        card = _card(rng)
        values = {"o": rng.randint(10**9, 10**10), "t": rng.randint(10**11, 10**12), "m": mobile,
                  "m3": mobile[:3], "m4a": mobile[3:7], "m4b": mobile[7:], "card": card,
                  "card4": " ".join(card[i:i + 4] for i in range(0, 16, 4)),
                  "land": rng.randint(10**7, 10**8 - 1), "user": f"user{rng.randint(1, 9999)}"}
        lines = PLAIN if roll < 0.5 else REFERENCES if roll < 0.9 else PII
        out.append(rng.choice(lines).format(**values))
    return out


def _old_normalise(text: str) -> str:
    if text.isascii():
        return text
    out = []
    for char in text:
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            out.append(str(digit))
            continue
        folded = unicodedata.normalize("NFKC", char)
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


def before(text: str, config: pii.RedactionConfig = pii.DEFAULT) -> str:
    """The pipeline as it was: no skipping, the matcher for phones."""
    finders = [pii._find_emails, pii._find_ids, pii._find_cards,
               lambda t: pii._find_spoken(t, config.cards, config.ids),
               lambda t: pii._find_phones_with_matcher(t, config.phone_regions)]
    original, normalised, found = text, _old_normalise(text), 0
    for _ in range(len(text) + 1):
        found_this_round = found
        for finder in finders:
            spans = finder(normalised)
            original, normalised = pii._replace(original, spans), pii._replace(normalised, spans)
            found += len(spans)
        if found == found_this_round:
            break
    return original


def after(text: str) -> str:
    return pii.redact(text).text


def _made_from(text: str, templates: list[str]) -> bool:
    return any(text.startswith(template.split("{")[0]) for template in templates)


def time_per_turn(redact, texts: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        pii._run_verdict.cache_clear()  # random numbers: no help from the cache between passes
        start = time.process_time()
        for text in texts:
            redact(text)
        best = min(best, time.process_time() - start)
    return best / len(texts) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    texts = sample(args.turns)
    groups = {"all turns": texts,
              "no digit, no @": [t for t in texts if not any(c.isdigit() or c in "@＠" for c in t)],
              "order/tracking numbers": [t for t in texts if _made_from(t, REFERENCES)],
              "real phone/card/e-mail": [t for t in texts if _made_from(t, PII)]}
    same = sum(before(t) == after(t) for t in texts)
    print(f"identical output on {same}/{len(texts)} turns")
    print(f"{'sample':<24}{'turns':>7}{'before µs':>12}{'after µs':>11}{'speed-up':>10}")
    for name, group in groups.items():
        old, new = time_per_turn(before, group, args.repeat), time_per_turn(after, group, args.repeat)
        print(f"{name:<24}{len(group):>7}{old:>12.1f}{new:>11.1f}{old / new:>9.1f}x")
        if name == "all turns":
            per_second = (1e6 / (20 * old), 1e6 / (20 * new))
    print("20-turn conversations/s per core on redaction alone: {:,.0f} before, {:,.0f} after".format(*per_second))


if __name__ == "__main__":
    main()
