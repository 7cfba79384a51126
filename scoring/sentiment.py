"""Sentiment polarity (-1..1) behind one small interface; heavy engines are imported lazily."""
from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources
from typing import Callable, Mapping, Optional, Protocol, Sequence

from scoring.calibration import (Calibration, FitOptions, calibration_from_json, fit_calibration,
                                 identity_calibration)
from scoring.text import has_cjk
from transcripts.language import detect_language

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
    """English: a calibrated linear model over TextBlob (pattern lexicon) and VADER readings plus
    weights of sentiment-lexicon words; Chinese: SnowNLP as 2p - 1. Either can be replaced by a
    calibration fitted on an organisation's labelled data.

    On 3,708 human-rated review snippets the English model's Pearson r is 0.69 cross-validated (TextBlob
    alone 0.51, VADER alone 0.59, their former 0.4/0.6 blend 0.626); SnowNLP's accuracy on Chinese
    shopping reviews is 0.84 (bench/sentiment_eval.py).

    `calibrations` maps "en"/"zh" to a Calibration (see scoring.calibration) that replaces the shipped
    one for that language. A text is scored by the engine of its own script: in a Chinese conversation
    a turn without any CJK character is scored as English, and in an English one a mostly-CJK turn
    as Chinese. Empty or blank texts score 0. Works offline: no engine here needs downloaded corpora.
    Without the vaderSentiment package, the VADER readings count as their average.
    """

    def __init__(self, calibrations: Optional[Mapping[str, Calibration]] = None) -> None:
        self._calibrations = dict(calibrations or {})
        unknown = set(self._calibrations) - set(FEATURES)
        if unknown:
            raise ValueError(f"calibrations are per language family (en, zh), not {sorted(unknown)}")
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
            chosen = self._calibrations.get(family)
            if family == "en":
                self._scorers[family] = _english_scorer(chosen)
            else:  # the one-argument form only when calibrated: the default path stays _chinese_scorer()
                self._scorers[family] = _chinese_scorer(chosen) if chosen else _chinese_scorer()
        return self._scorers[family]


#: Analyser readings a calibration can weigh, per language family.
FEATURES: dict[str, tuple[str, ...]] = {
    "en": ("textblob", "textblob_subjectivity", "textblob_positive", "textblob_negative", "textblob_max",
           "textblob_min", "vader_pos", "vader_neg", "vader_neu", "vader_compound"),
    "zh": ("snownlp",),
}
Featurizer = Callable[[str], dict[str, float]]


def english_featurizer() -> Featurizer:
    """TextBlob's pattern lexicon (polarity, subjectivity, sums and extremes of its per-phrase
    assessments) and VADER's pos/neg/neu/compound; VADER readings are left out without the package."""
    from textblob.en import sentiment as pattern_sentiment  # the lexicon TextBlob's default analyzer uses

    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
        vader = SentimentIntensityAnalyzer().polarity_scores
    except ImportError:
        vader = None

    def features(text: str) -> dict[str, float]:
        score = pattern_sentiment(text)
        phrases = [a[1] for a in score.assessments]
        out = {"textblob": score[0], "textblob_subjectivity": score[1],
               "textblob_positive": sum(p for p in phrases if p > 0),
               "textblob_negative": sum(p for p in phrases if p < 0),
               "textblob_max": max(phrases, default=0.0), "textblob_min": min(phrases, default=0.0)}
        if vader is not None:
            out.update({f"vader_{k}": v for k, v in vader(text).items()})
        return out

    return features


def chinese_featurizer() -> Featurizer:
    """SnowNLP's positive probability p, as 2p - 1."""
    from snownlp import sentiment as snow  # loads its model on import: keep it out of module import

    return lambda text: {"snownlp": 2.0 * snow.classify(text) - 1.0}


def shipped_calibration(family: str) -> Calibration:
    """The default calibration of a language family: for English the model in
    scoring/calibrations/en.json (see bench/sentiment_eval.py --write-default), for Chinese SnowNLP unchanged."""
    if family == "zh":
        return identity_calibration("zh", "snownlp")
    return _shipped_english()


@lru_cache(maxsize=1)
def _shipped_english() -> Calibration:
    resource = resources.files("scoring").joinpath("calibrations", "en.json")
    return calibration_from_json(resource.read_text(encoding="utf-8"), "scoring/calibrations/en.json")


#: How `fit_language` fits each family: English word, Chinese character uni- and bigrams (penalties chosen by
#: 2-fold cross-validation on the shared data, see bench/sentiment_eval.py).
FIT_OPTIONS: dict[str, FitOptions] = {
    "en": FitOptions(unit="word", ngram_sizes=(1, 2), term_penalty=30.0, min_count=2),
    "zh": FitOptions(unit="char", ngram_sizes=(1, 2), term_penalty=30.0, min_count=2),
}


def fit_base(family: str) -> Optional[Calibration]:
    """What a fit builds on: the shipped English model (so small files refine it rather than replace
    it); nothing for Chinese, whose shipped calibration is SnowNLP's reading, already a feature."""
    return shipped_calibration("en") if family == "en" else None


def fit_language(language: str, texts: Sequence[str], labels: Sequence[float],
                 featurizer: Optional[Featurizer] = None, options: Optional[FitOptions] = None,
                 note: str = "") -> Calibration:
    """Fit a calibration for the family of `language` on labelled texts (0/1 or numeric labels),
    on top of `fit_base(family)`. `featurizer` defaults to the family's real analysers;
    CalibrationError on unusable data.
    """
    family = language_family(language)
    featurize = featurizer or (chinese_featurizer() if family == "zh" else english_featurizer())
    features = [featurize(t) if t.strip() else {} for t in texts]
    return fit_calibration(family, features, texts, labels, FEATURES[family], options or FIT_OPTIONS[family], note,
                           fit_base(family))


def _english_scorer(calibration: Optional[Calibration]) -> Scorer:
    chosen = calibration or shipped_calibration("en")
    featurize = english_featurizer()
    return lambda text: chosen.polarity(featurize(text), text)


def _chinese_scorer(calibration: Optional[Calibration] = None) -> Scorer:
    if calibration is None:
        from snownlp import sentiment as snow  # loads its model on import: keep it out of module import
        return lambda text: 2.0 * snow.classify(text) - 1.0
    featurize = chinese_featurizer()
    return lambda text: calibration.polarity(featurize(text), text)


class MappingSentiment:
    """Polarity looked up per text from precomputed values (e.g. a vendor's scores, or tests)."""

    def __init__(self, values: Mapping[str, float], default: float = 0.0) -> None:
        self._values = dict(values)
        self._default = default

    def polarity(self, texts: Sequence[str], language: str) -> list[float]:
        return [_clip(self._values.get(text, self._default)) for text in texts]
