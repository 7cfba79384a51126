"""Build (and measure) the shipped Chinese sentiment model, scoring/calibrations/zh.json.

A logistic regression over character 1-3-grams (scoring.ngram_logistic), fitted on the shared
online-shopping reviews (9 categories) plus the hand-written neutral service sentences of
scoring/calibrations/zh_service_neutral.txt (target 0.5, a few wordings each), with the weights of
service-topic n-grams (退款, 发货, 快递 ...) shrunk towards 0. Deterministic: the same data give the
same file.

--loco measures it on review domains it has not seen: for every category, a model fitted on the
other 8 is scored on that category (and SnowNLP on the same rows). --write fits on all 9 and
writes the shipped file.
Run: .venv/bin/python bench/train_sentiment_zh.py [--loco] [--write] [--snownlp-n 300]
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # bench/scoring.py must not shadow the scoring package

from scoring.calibration import Calibration, accuracy  # noqa: E402
from scoring.ngram_logistic import LogisticOptions, fit_logistic  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "sentiment" / "zh_online_shopping_10_cats.csv"
NEUTRAL = ROOT / "scoring" / "calibrations" / "zh_service_neutral.txt"
OUTPUT = ROOT / "scoring" / "calibrations" / "zh.json"
SEED = 7
NEUTRAL_WEIGHT = 4.0  # each neutral variant counts as four reviews
#: What service chats are about, not how the customer feels: their n-grams get a heavy penalty.
TOPIC_WORDS = frozenset("""退款 退货 退钱 退回 发货 快递 物流 订单 单号 换货 运费 运费险 售后 客服 发票 地址 签收 收货
    取件 到账 申请 尺码 包裹 卖家 商家 店家 补发 配送 派送 价保 差价 保修 维修 寄回 审核 处理""".split())
OPTIONS = LogisticOptions(topic_words=TOPIC_WORDS)


def load_reviews() -> list[tuple[str, str, float]]:
    """(category, review, label 0/1) for every non-blank review."""
    with DATA.open(encoding="utf-8-sig", newline="") as f:
        return [(r["cat"], r["review"].strip(), float(r["label"])) for r in csv.DictReader(f)
                if (r["review"] or "").strip()]


def neutral_sentences() -> list[str]:
    """The neutral service sentences, each in a few wordings (plain, with a question mark, with a
    greeting or 亲 before it, with 呢/吧 after it): chat customers write all of these."""
    base = [line.strip() for line in NEUTRAL.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    rng = random.Random(SEED)
    out = []
    for s in base:
        variants = [s, s + "？", "亲，" + s, "你好，" + s, "请问" + s, s + "呢", s + "。"]
        out.extend([s] + rng.sample(variants[1:], 3))
    return out


def fit(reviews: list[tuple[str, str, float]], note: str = "") -> Calibration:
    neutral = neutral_sentences()
    texts = [r for _, r, _ in reviews] + neutral
    targets = [y for _, _, y in reviews] + [0.5] * len(neutral)
    weights = [1.0] * len(reviews) + [NEUTRAL_WEIGHT] * len(neutral)
    return fit_logistic("zh", texts, targets, weights, OPTIONS, note)


def leave_one_category_out(reviews, snownlp_n: int) -> list[tuple[str, int, float, float, float]]:
    """(category, rows, model accuracy on the whole category, model and SnowNLP accuracy on the same
    seeded sample of up to `snownlp_n` rows) with the model fitted on the other categories."""
    from snownlp import sentiment as snow

    out = []
    for cat in sorted({c for c, _, _ in reviews}):
        held = [r for r in reviews if r[0] == cat]
        model = fit([r for r in reviews if r[0] != cat])
        labels = [y for _, _, y in held]
        whole = accuracy([model.polarity({}, t) for _, t, _ in held], labels)
        sample = random.Random(SEED).sample(held, min(snownlp_n, len(held)))
        ours = accuracy([model.polarity({}, t) for _, t, _ in sample], [y for _, _, y in sample])
        snow_acc = accuracy([snow.classify(t) - 0.5 for _, t, _ in sample], [y for _, _, y in sample])
        out.append((cat, len(held), whole, ours, snow_acc))
        print(f"  {cat}: {len(held)} reviews, model {whole:.3f}; on {len(sample)} sampled: "
              f"model {ours:.3f}, SnowNLP {snow_acc:.3f}", flush=True)
    return out


def print_loco(rows) -> None:
    n = len(rows)
    print(f"  mean over {n} held-out categories: model {sum(r[2] for r in rows) / n:.3f} (whole categories); "
          f"on the samples model {sum(r[3] for r in rows) / n:.3f}, SnowNLP {sum(r[4] for r in rows) / n:.3f}"
          f" (target >= 0.85 on unseen domains)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loco", action="store_true", help="leave-one-category-out evaluation")
    parser.add_argument("--write", action="store_true", help=f"fit on everything, write {OUTPUT.relative_to(ROOT)}")
    parser.add_argument("--snownlp-n", type=int, default=300, help="rows per category SnowNLP is compared on")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"shared training data not found at {DATA}: nothing to do (skipped)")
        return
    reviews = load_reviews()
    print(f"{len(reviews)} reviews, {len(neutral_sentences())} neutral service sentences")
    if args.loco:
        print_loco(leave_one_category_out(reviews, args.snownlp_n))
    if args.write:
        t0 = time.perf_counter()
        model = fit(reviews, note=f"bench/train_sentiment_zh.py --write on {DATA.name} and {NEUTRAL.name}")
        OUTPUT.write_text(model.to_json() + "\n", encoding="utf-8")
        print(f"wrote {OUTPUT.relative_to(ROOT)}: {len(model.terms)} n-gram weights, "
              f"{OUTPUT.stat().st_size / 1e6:.1f} MB, fitted in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
