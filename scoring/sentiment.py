"""Sentiment polarity (-1..1) behind one small interface; heavy engines are imported lazily."""
from __future__ import annotations

import math
from typing import Callable, Mapping, Optional, Protocol, Sequence

from scoring.text import detect_language, has_cjk

Scorer = Callable[[str], float]


class SentimentAnalyzer(Protocol):
    """Anything that gives one polarity in -1..1 (negative..positive) per text, in order."""

    def polarity(self, texts: Sequence[str], language: str) -> list[float]: ...


def language_family(language: Optional[str]) -> str:
    """"zh" for any Chinese tag (zh, zh-CN, zh_Hant, ZH), otherwise "en"."""
    primary = (language or "").replace("_", "-").split("-")[0].strip().lower()
    return "zh" if primary == "zh" else "en"


def _clip(value: float) -> float:
    if math.isnan(value):
        return 0.0
    return max(-1.0, min(1.0, float(value)))


class DefaultSentiment:
    """English: 0.4 x TextBlob (pattern lexicon) + 0.6 x VADER compound; Chinese: SnowNLP as 2p - 1.

    A text is scored by the engine of its own script: in a Chinese conversation a turn without any
    CJK character is scored as English, and in an English one a mostly-CJK turn as Chinese.
    Empty or blank texts score 0. Works offline: no engine here needs downloaded corpora.
    Without the vaderSentiment package, English falls back to TextBlob alone.
    """

    #: (TextBlob, VADER) weights. On 3,708 human-rated review snippets Pearson r was 0.51 for TextBlob,
    #: 0.59 for VADER, 0.625 for their mean and 0.626 for 0.4/0.6 (0.4 won in 4 of 5 cross-validation folds).
    EN_WEIGHTS = (0.4, 0.6)

    def __init__(self) -> None:
        self._scorers: dict[str, Scorer] = {}

    def polarity(self, texts: Sequence[str], language: str) -> list[float]:
        """One polarity per text; identical texts in one call are scored once."""
        family = language_family(language)
        seen: dict[str, float] = {}
        out: list[float] = []
        for text in texts:
            if text not in seen:
                seen[text] = self._score(text or "", family)
            out.append(seen[text])
        return out

    def _score(self, text: str, family: str) -> float:
        if not text.strip():
            return 0.0
        if family == "zh" and not has_cjk(text):
            family = "en"
        elif family == "en" and detect_language([text]) == "zh":
            family = "zh"
        return _clip(self._scorer(family)(text))

    def _scorer(self, family: str) -> Scorer:
        if family not in self._scorers:
            self._scorers[family] = _chinese_scorer() if family == "zh" else _english_scorer(self.EN_WEIGHTS)
        return self._scorers[family]


def _english_scorer(weights: tuple[float, float]) -> Scorer:
    from textblob.en import sentiment as pattern_sentiment  # the lexicon TextBlob's default analyzer uses

    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return lambda text: pattern_sentiment(text)[0]
    vader = SentimentIntensityAnalyzer()
    blob_weight, vader_weight = weights

    def score(text: str) -> float:
        return blob_weight * pattern_sentiment(text)[0] + vader_weight * vader.polarity_scores(text)["compound"]

    return score


def _chinese_scorer() -> Scorer:
    from snownlp import sentiment as snow  # loads its model on import: keep it out of module import

    return lambda text: 2.0 * snow.classify(text) - 1.0


class MappingSentiment:
    """Polarity looked up per text from precomputed values (e.g. a vendor's scores, or tests)."""

    def __init__(self, values: Mapping[str, float], default: float = 0.0) -> None:
        self._values = dict(values)
        self._default = default

    def polarity(self, texts: Sequence[str], language: str) -> list[float]:
        return [_clip(self._values.get(text, self._default)) for text in texts]
