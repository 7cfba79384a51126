"""Transcription-tolerant phrase matching (`similarity`): scoring.text.FuzzyMatcher and the phrase checks."""
import pytest

from scoring.text import FuzzyMatcher, PhraseMatcher, normalise, phrase_matcher, tolerant_matcher
from scoring_testkit import check, conv

SHOP = ["thank you for calling bright shop"]

FUZZY = [
    ("a misheard brand name matches", SHOP, 0.85, "Thank you for calling Brite Shop, how can I help?",
     "thank you for calling brite shop"),
    ("a shortened word matches", SHOP, 0.85, "hi thank yu for calling bright shop", "thank yu for calling bright shop"),
    ("the window starts on the best word, not the first similar one", SHOP, 0.85,
     "hello there thank yu for calling bright shop", "thank yu for calling bright shop"),
    ("an exact phrase is found as usual", SHOP, 0.85, "yes, thank you for calling bright shop",
     "thank you for calling bright shop"),
    # Of the windows starting at one place the most similar wins: here the one without the wrong character.
    ("a chinese phrase with one wrong character matches", ["感谢您的耐心等待"], 0.85, "好的感谢您的耐心等代",
     "感谢您的耐心等"),
    ("a different sentence does not match", SHOP, 0.85, "thanks for nothing, bye", None),
    ("a phrase never matches part of a word", ["shop"], 0.7, "our workshop", None),
    ("a short phrase needs a close whole word", ["hi"], 0.85, "his bill", None),
    ("a high threshold rejects a near miss", SHOP, 0.99, "thank you for calling brite shop", None),
    ("empty text matches nothing", SHOP, 0.85, "", None),
]


@pytest.mark.parametrize("case, phrases, similarity, text, found", FUZZY, ids=[c[0] for c in FUZZY])
def test_fuzzy_search(case, phrases, similarity, text, found):
    match = tolerant_matcher(phrases, (), similarity).search(normalise(text))
    assert (match.text if match else None) == found
    if match:
        assert match.phrase == phrases[0] and normalise(text)[match.start:match.end] == match.text


def test_similarity_one_is_the_plain_exact_matcher():
    assert tolerant_matcher(SHOP, (), 1.0) is phrase_matcher(SHOP)
    assert isinstance(tolerant_matcher(SHOP, (), 1.0), PhraseMatcher)


def test_fuzzy_matchers_are_built_once_per_phrase_list_and_threshold():
    assert tolerant_matcher(SHOP, (), 0.8) is tolerant_matcher(list(SHOP), [], 0.8)
    assert tolerant_matcher(SHOP, (), 0.8) is not tolerant_matcher(SHOP, (), 0.9)
    assert isinstance(tolerant_matcher(SHOP, (), 0.8), FuzzyMatcher)


def test_regexes_stay_exact_under_fuzzy_matching():
    matcher = tolerant_matcher(["refund"], [r"order \d{5}"], 0.6)
    assert matcher.search("order 1234") is None
    assert matcher.search("order 12345").phrase == r"order \d{5}"
    assert matcher.labels == ("refund", r"order \d{5}")


def test_each_finds_every_phrase_exactly_or_approximately():
    matcher = tolerant_matcher(["bright shop", "anything else"], (), 0.85)
    found = matcher.each(normalise("Brite Shop here. Anything else?"))
    assert {k: m.text for k, m in found.items()} == {"bright shop": "brite shop", "anything else": "anything else"}


def test_search_respects_the_start_position():
    matcher = tolerant_matcher(["bright shop"], (), 0.85)
    text = normalise("brite shop and brite shop")
    assert matcher.search(text, 1).start == text.rindex("brite")


PRESENT = [
    ("a misheard greeting passes with a similarity", {"similarity": 0.85},
     "pass", 1.0, 'greeting "thank you for calling bright shop" in turn 1'),
    ("without a similarity the same greeting fails", {},
     "fail", 0.0, "no greeting in the first agent turn"),
    ("mode all also tolerates errors", {"similarity": 0.85, "mode": "all", "phrases": SHOP + ["my name is"]},
     "fail", 0.5, 'greeting missing in the first agent turn: "my name is"'),
]


@pytest.mark.parametrize("case, extra, result, score, explanation", PRESENT, ids=[c[0] for c in PRESENT])
def test_phrases_present_with_similarity(case, extra, result, score, explanation):
    params = {"phrases": SHOP, "label": "greeting", "within_first_agent_turns": 1, **extra}
    outcome = check(conv(("a", "Thank you for calling Brite Shop."), ("c", "hi")), "phrases_present", **params)
    assert (outcome.result, outcome.score, outcome.explanation) == (result, score, explanation)


def test_phrases_absent_catches_a_misheard_forbidden_phrase_only_with_a_similarity():
    conversation = conv(("a", "It's you're fault, honestly."))
    exact = check(conversation, "phrases_absent", phrases=["it's your fault"])
    tolerant = check(conversation, "phrases_absent", phrases=["it's your fault"], similarity=0.85)
    assert (exact.result, tolerant.result) == ("pass", "fail")
    assert tolerant.explanation == 'forbidden phrase "it\'s your fault" in turn 1'
    assert [e.turn for e in tolerant.evidence] == [0]


def test_similarity_also_applies_to_upset_markers():
    conversation = conv(("c", "this is ridiculus"), ("a", "I am sorry"))
    params = {"phrases": ["sorry"], "when_customer_upset": {"markers": ["ridiculous"]}}
    assert check(conversation, "phrases_present", **params).result == "na"
    assert check(conversation, "phrases_present", similarity=0.85, **params).result == "pass"
