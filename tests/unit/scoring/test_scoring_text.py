"""Normalisation and phrase matching: English on word boundaries, Chinese without, full-width text."""
import pytest

from scoring.text import PhraseMatcher, find_phrase, normalise, phrase_matcher


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Hello, WORLD!!", "hello world"),
        ("ＨＥＬＬＯ　１２３", "hello 123"),  # full-width letters, digits and space
        ("Ｃａｌｍ　ｄｏｗｎ！", "calm down"),
        ("It’s   your\tfault\n", "its your fault"),  # curly apostrophe deleted, whitespace collapsed
        ("can't / can’t / cant", "cant cant cant"),
        ("您 好，请问 有什么可以帮您？", "您好请问有什么可以帮您"),  # spaces between CJK removed
        ("订单号 12345 已发货", "订单号 12345 已发货"),  # spaces next to digits kept
        ("hi您好 thanks😀🎉", "hi您好 thanks"),  # emoji are symbols
        ("snake_case-word", "snake case word"),
        ("STRASSE Straße", "strasse strasse"),  # casefold, not lower
        ("", ""),
        (None, ""),
        ("  \u200b ", ""),
    ],
)
def test_normalise_folds_width_case_punctuation_and_spacing(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    "phrases, text, found",
    [
        (["hi"], "Hi there", "hi"),
        (["hi"], "this is him", None),  # English needs word boundaries
        (["hi"], "Hi!", "hi"),
        (["calm down"], "Please CALM DOWN.", "calm down"),
        (["calm down"], "please calm   down", "calm down"),
        (["it's your fault"], "its your fault", "it's your fault"),
        (["it's your fault"], "It’s your fault!", "it's your fault"),
        (["stupid"], "stupidity", None),
        (["您好"], "嗯您好呀", "您好"),  # Chinese matches inside running text
        (["您好"], "您 好", "您好"),
        (["您好"], "ＮＩＨＡＯ您好！", "您好"),
        (["你自己看"], "你自己看看吧", "你自己看"),
        (["12315"], "打12315投诉", "12315"),  # digits bounded by CJK still match
        (["12315"], "打123150", None),  # but not inside a longer number
        (["hi"], "hi您好", "hi"),  # Latin phrase next to a CJK character
        (["anything else", "is there anything else"], "Is there anything else?", "is there anything else"),
        ([], "anything", None),
    ],
)
def test_phrases_match_english_on_word_boundaries_and_chinese_anywhere(phrases, text, found):
    match = find_phrase(phrases, text)
    assert (match.phrase if match else None) == found


def test_a_match_reports_the_scorecard_phrase_and_its_span_in_normalised_text():
    text = normalise("Well, CALM down now")
    match = phrase_matcher(["calm down"]).search(text)
    assert (match.phrase, match.text, text[match.start:match.end]) == ("calm down", "calm down", "calm down")


def test_regexes_run_on_normalised_text_and_are_labelled_by_their_pattern():
    match = phrase_matcher([], [r"order (no|number) \d+"]).search(normalise("Order No. 123"))
    assert match.phrase == r"order (no|number) \d+"


def test_each_reports_every_phrase_that_occurs_even_when_phrases_overlap():
    found = phrase_matcher(["anything else", "is there anything else", "bye"]).each(
        normalise("Is there anything else?")
    )
    assert sorted(found) == ["anything else", "is there anything else"]


def test_the_matcher_is_built_once_per_phrase_list():
    assert phrase_matcher(["a", "b"]) is phrase_matcher(("a", "b"))


def test_phrases_that_normalise_to_the_same_text_count_once():
    assert PhraseMatcher(("Hello", "hello!", "HELLO")).labels == ("Hello",)


