"""Normalisation and phrase matching: English on word boundaries, Chinese without, full-width text."""
import pytest

from scoring.text import PhraseMatcher, find_phrase, normalise, phrase_matcher


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Hello, WORLD!!", "hello world"),
        ("ＨＥＬＬＯ　１２３", "hello 123"),  # full-width letters, digits and space
        ("Ｃａｌｍ　ｄｏｗｎ！", "calm down"),
        ("It’s   your\tfault\n", "it is your fault"),  # curly apostrophe deleted, whitespace collapsed
        ("can't / can’t / cant / can not", "cannot cannot cannot cannot"),
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
        (["hi"], "您好hi", "hi"),
        (["cafe"], "cafés", None),  # an accented letter is part of the word
        (["fault"], "défault", None),
        (["sorry"], "sorry～", "sorry"),  # symbols are spaces after normalising
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




@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Hiiii there", "hi there"),  # three or more of a letter count once
        ("sooo sorry", "so sorry"),
        ("Sorry, good, all, too, off, 1000", "sorry good all too off 1000"),  # real doubles and digits stay
        ("pls help, thx", "please help thanks"),
        ("ty u r gr8", "thank you you are gr8"),
        ("ur order", "your order"),
        ("I'm sure you're right", "i am sure you are right"),
        ("I don't / can't / won't / can not", "i do not cannot will not cannot"),
        ("gonna, wanna", "going to want to"),
        ("np, okay, OK", "no problem ok ok"),
        ("happy 2 help", "happy to help"),  # "2" between a word taking "to" and a verb
        ("I need 2 days", "i need 2 days"),  # but a number before a unit
        ("order 2 arrived", "order 2 arrived"),
        ("five stars, Five-Star", "5 stars 5 star"),
        ("twenty five days", "25 days"),
        ("one hundred percent, 100%, 100 per cent", "100 percent 100 percent 100 percent"),
        ("one star", "1 star"),
        ("no one, one moment, someone", "no one one moment someone"),  # a lone "one" is a word
        ("ｆｉｖｅ ５", "5 5"),  # full width first
        ("五星好评", "5星好评"),
        ("七天无理由，二十四小时，两天", "7天无理由24小时2天"),
        ("一百零五元", "105元"),
        ("稍等一下，一定，十分抱歉，百分之百，一个", "稍等一下一定十分抱歉百分之百一个"),  # words, not numbers
        ("三查三核", "三查三核"),
        ("亲亲亲~好的好的", "亲亲亲好的好的"),  # Chinese repeats are left alone: phrases match inside them
    ],
)
def test_normalise_spells_chat_words_contractions_numbers_and_elongations_one_way(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    "phrases, text, found",
    [
        (["five stars"], "please rate us 5 stars", "five stars"),
        (["5 stars"], "five stars please", "5 stars"),
        (["五星"], "给个5星好评", "五星"),
        (["hi"], "hiiii there", "hi"),
        (["good morning"], "goooood morning!", "good morning"),  # a double letter may be written once
        (["sorry"], "sorrrry about that", "sorry"),
        (["sorry"], "sooo sorry", "sorry"),
        (["thank you"], "ty!", "thank you"),
        (["I can't help you"], "i cannot help you", "I can't help you"),
        (["ass"], "as soon as", None),  # short words keep their double letters
        (["off"], "of course", None),
        (["too"], "to you", None),
        (["在的亲"], "在的亲亲亲~", "在的亲"),
        (["好的"], "好的好的", "好的"),
        (["核实订单"], "我帮您核实一下订单", "核实订单"),
        (["查询物流"], "再查询一下物流", "查询物流"),
        (["给您带来不便"], "给您带来了不便", "给您带来不便"),
        (["核实订单"], "核实地址订单", None),  # only particles may come between
        (["保证退款"], "保证不退款", None),  # never a negation
        (["核实订单"], "核实一下下了订单", None),  # at most two fillers in one gap
    ],
)
def test_phrases_match_across_spellings_elongations_and_chinese_particles(phrases, text, found):
    match = find_phrase(phrases, text)
    assert (match.phrase if match else None) == found


@pytest.mark.parametrize(
    "texts, expected",
    [
        (["is there anything else"], True),  # the longer phrase: found through the shorter needle
        (["anything else today"], True),
        (["sorry for the wait"], True),
        (["anything at all", "else"], False),  # a needle never reads across two texts
        ([], False),
    ],
)
def test_may_occur_is_unchanged_when_one_needle_holds_another(texts, expected):
    matcher = PhraseMatcher(("is there anything else", "anything else", "sorry for the wait", "sorry"))
    assert matcher.may_occur(texts) is expected
    assert (matcher.narrowed(texts) is matcher) is expected
