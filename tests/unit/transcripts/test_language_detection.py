"""detect_language: Chinese when Han characters dominate, English otherwise; checked on real reviews."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from transcripts.language import detect_language

SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.mark.parametrize("texts, expected", [
    (["您好，请问有什么可以帮您？", "我的快递三天了还没到"], "zh"),
    (["您好，請問有什麼可以幫您？"], "zh"),  # traditional characters
    (["Hi, how can I help you today?", "My parcel has not arrived"], "en"),
    (["我的iPhone 15 Pro Max订单还没到"], "zh"),  # product names in Latin letters
    (["The customer 王芳 asked about her refund for order 5512"], "en"),  # a Chinese name in English
    (["好的 OK"], "zh"),  # 2 Han against 2 letters
    (["退 refund"], "en"),  # 1 Han against 6 letters: 3 * 1 < 6
    (["退 abc"], "zh"),  # exactly three letters per Han character is still Chinese
    (["退 abcd"], "en"),
    (["Café résumé naïve"], "en"),
    (["𠮷 ab"], "zh"),  # a character from CJK Extension B counts as Han
    (["ありがとうございます"], "en"),  # kana are not Han and count for neither side
    (["감사합니다"], "en"),
    (["12345", "!!! ???", "😀👍"], "en"),
    (["", "   "], "en"),
    ([], "en"),
    (["订单ABCDEFG"], "zh"),  # an order code is not English: codes are left out of the count
    (["订单 SF1234567890 到哪了"], "zh"),  # a tracking number
    (["Where is my order ABCDEFG?"], "en"),
    (["Hello, where is my order?"], "en"),
    (["订单 order 12345 到了吗"], "zh"),
])
def test_the_language_follows_the_han_to_latin_letter_ratio(texts, expected):
    assert detect_language(texts) == expected


def test_counts_are_summed_over_all_the_texts():
    texts = ["Hello there, thanks for waiting", "退货", "退款", "好"]  # 5 Han vs 26 letters
    assert detect_language(texts) == "en"
    assert detect_language(texts + ["请把订单号发给我"]) == "zh"  # 13 Han vs 26 letters


def test_text_with_no_letters_gives_the_callers_default():
    assert detect_language(["123 456", "😀"], default=None) is None
    assert detect_language([], default=None) is None
    assert detect_language(["ORDER 123"], default=None) == "en"  # letters, if only a code's


def test_the_scorer_and_the_parser_ask_the_same_detector():
    import scoring.engine
    import scoring.sentiment
    import transcripts.preparation
    assert scoring.engine.detect_language is scoring.sentiment.detect_language is detect_language
    assert transcripts.preparation.detect_language is detect_language


def test_a_single_string_is_one_text_and_a_generator_is_read_once():
    assert detect_language("我想退货") == "zh"
    assert detect_language(text for text in ["我想", "退货"]) == "zh"


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared evaluation data not found at {path} (only present on the project's build machine)")
    return path


def test_real_chinese_shopping_reviews_are_detected_as_chinese():
    path = _require(SHARED_DATA / "sentiment" / "zh_online_shopping_10_cats.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reviews = [row["review"] for row in csv.DictReader(handle)]
    wrong = sum(detect_language([review]) != "zh" for review in reviews)
    # the few misses are reviews with no Chinese in them at all ("good", "ok", a bare URL)
    assert reviews and wrong / len(reviews) < 0.001


def test_real_english_review_snippets_are_detected_as_english():
    path = _require(SHARED_DATA / "sentiment" / "en_amazon_review_snippets.tsv")
    with path.open(encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle, delimiter="\t")]
    assert texts and all(detect_language([text]) == "en" for text in texts)


def test_real_english_support_dialogues_are_detected_as_english():
    path = _require(SHARED_DATA / "dialogues" / "abcd_sample.json")
    dialogues = json.loads(path.read_text(encoding="utf-8"))
    assert dialogues and all(detect_language(text for _, text in d["original"]) == "en" for d in dialogues)
