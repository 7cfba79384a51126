"""scoring.sentiment.ascii_vader: the cheaper path through VADER for ASCII texts must answer exactly as
VADER's own polarity_scores, whatever boosters, negations, "but", "kind of", idioms, punctuation,
emoticons, case or whitespace a text holds."""
from __future__ import annotations

import pytest

from scoring import sentiment as sentiment_module

vader = pytest.importorskip("vaderSentiment.vaderSentiment")


def _words(analyzer) -> list[str]:
    near = ["kind", "of", "Kind", "OF", "but", "BUT", "least", "at", "very", "no", "No", "nor", "or", "so", "this",
            "never", "without", "doubt", "the", "shit", "bomb", "bad", "ass", "bus", "stop", "yeah", "right", "to",
            "die", "for", "kiss", "death", "sort", "just", "enough", "ok!", ":)", ":-)", "(:", "<3", "!!", "?", "??",
            "...", "'", "-", "n't", "don't", "isn't", "  ", "\t", "\n", "hello", "order", "12345", "Thanks"]
    return sorted(analyzer.lexicon) + sorted(vader.BOOSTER_DICT) + vader.NEGATE + near


def test_ascii_vader_is_vader_on_generated_texts():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    analyzer = vader.SentimentIntensityAnalyzer()
    fast = sentiment_module.ascii_vader(analyzer)
    words = _words(analyzer)
    word = st.one_of(st.sampled_from(words), st.sampled_from(words).map(str.upper),
                     st.text(st.characters(min_codepoint=9, max_codepoint=126), max_size=5))
    affix = st.sampled_from(["", "", "", "!", "?", ".", ",", "'", '"', "(", ")", "!!!", "?!", ":", "-", " "])
    texts = st.lists(st.tuples(affix, word, affix).map("".join), max_size=14).map(" ".join)

    @settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=texts)
    def check(text):
        assert fast.polarity_scores(text) == analyzer.polarity_scores(text)

    check()


def test_ascii_vader_is_vader_on_real_turns_and_takes_its_shortcut():
    from scoring.intents.corpus import shipped_examples

    analyzer = vader.SentimentIntensityAnalyzer()
    fast = sentiment_module.ascii_vader(analyzer)
    assert fast is not analyzer  # the installed release is the one it follows
    texts = [r.text for family in ("en", "zh") for r in shipped_examples(family)]
    texts += ["", "  ", " Not bad at all ", "kind of good", "It was good but slow", "no no no", "The bomb!",
              "I kind of like it, but NOT the box", "hello 😀", "café great", "GREAT service!!!"]
    assert [fast.polarity_scores(t) for t in texts] == [analyzer.polarity_scores(t) for t in texts]
    assert fast.lexicon is analyzer.lexicon and fast.emojis is analyzer.emojis


def test_ascii_vader_leaves_an_analyzer_with_an_ascii_emoji_alone():
    analyzer = vader.SentimentIntensityAnalyzer()
    analyzer.emojis = {**analyzer.emojis, "#": "hash"}
    assert sentiment_module.ascii_vader(analyzer) is analyzer
