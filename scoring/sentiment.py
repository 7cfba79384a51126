"""Sentiment polarity (-1..1) behind one small interface; heavy engines are imported lazily."""
from __future__ import annotations

import math
import re
import string
from functools import lru_cache
from importlib import resources
from typing import Callable, Iterable, Mapping, Optional, Protocol, Sequence

from scoring.calibration import (Calibration, FitOptions, calibration_from_json, fit_calibration,
                                 identity_calibration)
from scoring.text import has_cjk
from transcripts.language import detect_language

Scorer = Callable[[str], float]
#: A run of three or more digits, with the letters and hyphens of the same token (YT2026-0042).
_IDENTIFIER = re.compile(r"[A-Za-z\-]*\d{3,}[\dA-Za-z\-]*")


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
    """English: a calibrated linear model over VADER's readings plus weights of sentiment-lexicon words
    (scoring/calibrations/en.json); Chinese: a logistic regression over character 1-3-grams trained on
    shopping reviews and neutral service sentences (scoring/calibrations/zh.json). Either can be
    replaced by a calibration fitted on an organisation's labelled data, or Chinese by SnowNLP
    (`shipped_calibration("zh", "snownlp")`, the runner-up).

    Figures (bench/sentiment_eval.py): English Pearson r 0.68 cross-validated on 3,708 human-rated
    review snippets (VADER alone 0.59); Chinese accuracy 0.90 on shopping-review categories held out of
    training (SnowNLP 0.84 on the same rows), at about 1/40 of SnowNLP's time per turn.

    `calibrations` maps "en"/"zh" to a Calibration (see scoring.calibration) that replaces the shipped
    one for that language. A text is scored by the engine of its own script: in a Chinese conversation
    a turn without any CJK character is scored as English, and in an English one a mostly-CJK turn
    as Chinese. Empty or blank texts score 0. Works offline: no engine here needs downloaded corpora.
    Without the vaderSentiment package, the VADER readings count as their average. The last
    CACHE_SIZE distinct texts are remembered per family ("ok", "thanks" recur across conversations).
    """

    CACHE_SIZE = 4096

    def __init__(self, calibrations: Optional[Mapping[str, Calibration]] = None) -> None:
        self._calibrations = dict(calibrations or {})
        unknown = set(self._calibrations) - set(FEATURES)
        if unknown:
            raise ValueError(f"calibrations are per language family (en, zh), not {sorted(unknown)}")
        self._scorers: dict[str, Scorer] = {}
        self._cache: dict[tuple[str, str], float] = {}

    def polarity(self, texts: Sequence[str], language: str) -> list[float]:
        """One polarity per text; a text seen recently (in this call or an earlier one) is not scored again."""
        family = language_family(language)
        cache = self._cache
        out: list[float] = []
        for text in texts:
            key = (family, text or "")
            value = cache.get(key)
            if value is None:
                if len(cache) >= self.CACHE_SIZE:
                    cache.clear()  # simpler than LRU and as good for recurring short turns
                value = cache[key] = self._score(text or "", family)
            out.append(value)
        return out

    def _score(self, text: str, family: str) -> float:
        if not text.strip():
            return 0.0
        if family == "zh" and not has_cjk(text):
            family = "en"
        elif family == "en" and not text.isascii() and detect_language([text]) == "zh":  # ASCII is never zh
            family = "zh"
        if family == "zh":
            # Order, tracking and phone numbers and codes are no feeling, but the review-trained
            # n-gram model weighs their digits ("订单号是 2026…" read +0.30): they are left out.
            text = _IDENTIFIER.sub(" ", text)
        return _clip(self._scorer(family)(text))

    def _scorer(self, family: str) -> Scorer:
        if family not in self._scorers:
            chosen = self._calibrations.get(family)
            if family == "en":
                self._scorers[family] = _english_scorer(chosen)
            else:  # the one-argument form only when calibrated: the default path stays _chinese_scorer()
                self._scorers[family] = _chinese_scorer(chosen) if chosen else _chinese_scorer()
        return self._scorers[family]


#: Analyser readings a fit weighs, per language family (a calibration may name any of ANALYSER_FEATURES).
FEATURES: dict[str, tuple[str, ...]] = {
    "en": ("vader_pos", "vader_neg", "vader_neu", "vader_compound"),
    "zh": (),  # the shipped Chinese model reads n-grams only
}
TEXTBLOB_FEATURES = ("textblob", "textblob_subjectivity", "textblob_positive", "textblob_negative", "textblob_max",
                     "textblob_min")
#: Every analyser reading a calibration can name (older calibrations weigh TextBlob's; SnowNLP's is "snownlp").
ANALYSER_FEATURES = frozenset(FEATURES["en"] + TEXTBLOB_FEATURES + ("snownlp",))
#: Chinese engines by name: the default n-gram model and the runner-up, SnowNLP (see docs/scorecards.md).
CHINESE_ENGINES = ("ngram", "snownlp")
Featurizer = Callable[[str], dict[str, float]]
# VADER's readings by their feature names, built once rather than as an f-string per reading and text.
_VADER_NAMES = {k: f"vader_{k}" for k in ("neg", "neu", "pos", "compound")}


def featurizer_for(names: Iterable[str]) -> Featurizer:
    """A featurizer computing only the analysers behind `names`: TextBlob's pattern lexicon
    (polarity, subjectivity, sums and extremes of its per-phrase assessments) for textblob*, VADER's
    pos/neg/neu/compound for vader_*, SnowNLP's 2p - 1 for "snownlp". Each engine is imported only
    when named; VADER readings are left out (count as their mean) without the vaderSentiment package."""
    names = set(names)
    parts = []
    if names & set(TEXTBLOB_FEATURES):
        parts.append(_textblob_features())
    if any(n.startswith("vader_") for n in names):
        vader = _vader()
        if vader is not None:
            parts.append(lambda text: {_VADER_NAMES.get(k) or f"vader_{k}": v for k, v in vader(text).items()})
    if "snownlp" in names:
        from snownlp import sentiment as snow  # loads its model on import: keep it out of module import
        parts.append(lambda text: {"snownlp": 2.0 * snow.classify(text) - 1.0})
    if len(parts) == 1:
        return parts[0]
    return lambda text: {k: v for part in parts for k, v in part(text).items()}


def _textblob_features() -> Featurizer:
    from textblob.en import sentiment as pattern_sentiment  # the lexicon TextBlob's default analyzer uses

    def features(text: str) -> dict[str, float]:
        score = pattern_sentiment(text)
        phrases = [a[1] for a in score.assessments]
        return {"textblob": score[0], "textblob_subjectivity": score[1],
                "textblob_positive": sum(p for p in phrases if p > 0),
                "textblob_negative": sum(p for p in phrases if p < 0),
                "textblob_max": max(phrases, default=0.0), "textblob_min": min(phrases, default=0.0)}

    return features


def _vader() -> Optional[Callable[[str], dict[str, float]]]:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    return vader_scores(ascii_vader(SentimentIntensityAnalyzer()))


# The vaderSentiment release whose SentimentIntensityAnalyzer.polarity_scores `_AsciiVader` follows.
_VADER_FOLLOWED = "3.3.2"


def ascii_vader(analyzer):
    """`analyzer` (VADER's SentimentIntensityAnalyzer), or an object with its `lexicon`, `emojis` and
    `polarity_scores` that gives the same answers in less time on ASCII texts (`_AsciiVader`); the
    analyzer itself unless vaderSentiment is the release `_AsciiVader` follows and no emoji of its
    table is an ASCII character."""
    try:
        from importlib.metadata import version
        followed = version("vaderSentiment") == _VADER_FOLLOWED
    except Exception:  # not installed as a distribution: follow nothing
        followed = False
    if not followed or any(len(emoji) == 1 and emoji.isascii() for emoji in analyzer.emojis):
        return analyzer
    return _AsciiVader(analyzer)


class _AsciiVader:
    """VADER's `polarity_scores` for an ASCII text, by VADER's own steps less two that change nothing
    there: the emoji pass (which copies an ASCII text character by character, as no emoji is ASCII)
    and the valence step for a token that is no lexicon word, a booster or the "kind" of "kind of"
    (its valence is 0 whatever its neighbours). Those two were about a fifth of VADER's time on
    chat turns. Other texts go to the analyzer itself."""

    def __init__(self, analyzer) -> None:
        from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentiText

        self._analyzer, self._boosters, self._senti_text = analyzer, BOOSTER_DICT, SentiText
        self.lexicon, self.emojis = analyzer.lexicon, analyzer.emojis

    def polarity_scores(self, text: str) -> dict[str, float]:
        analyzer = self._analyzer
        if not text.isascii():
            return analyzer.polarity_scores(text)
        text = text.strip()  # what the emoji pass leaves of an ASCII text
        sentitext = self._senti_text(text)
        words, lexicon, boosters = sentitext.words_and_emoticons, self.lexicon, self._boosters
        sentiments: list = []
        last = len(words) - 1
        for i, item in enumerate(words):
            lower = item.lower()
            kind_of = lower == "kind" and i < last and words[i + 1].lower() == "of"
            if lower not in lexicon or lower in boosters or kind_of:
                sentiments.append(0)  # VADER's valence of such a token, an int as VADER appends it
            else:
                sentiments = analyzer.sentiment_valence(0, sentitext, item, i, sentiments)
        sentiments = analyzer._but_check(words, sentiments)
        return analyzer.score_valence(sentiments, text)


def vader_scores(analyzer) -> Callable[[str], dict[str, float]]:
    """`analyzer.polarity_scores`, answered without running VADER for an ASCII text none of whose
    tokens is a word of its lexicon: VADER then gives every token valence 0 (a booster, a negation,
    "but", "least", "kind of" or an idiom only changes the valence of a lexicon word, and "!" and
    "?" only amplify a non-zero sum), so the answer is neutral, {"neg": 0, "neu": 1, "pos": 0,
    "compound": 0}, or all zeros for a text without tokens. Tokens are VADER's: the text split at
    whitespace, each stripped of leading and trailing punctuation unless two or fewer characters
    would remain (emoticons such as ":)" stay whole), and looked up lower-cased. An ASCII text holds
    no emoji (VADER's emoji table has no ASCII character; if it had, every text goes to VADER)."""
    lexicon, punctuation = analyzer.lexicon, string.punctuation
    if any(len(emoji) == 1 and emoji.isascii() for emoji in analyzer.emojis):
        return analyzer.polarity_scores

    def has_lexicon_word(tokens: list[str]) -> bool:
        for token in tokens:
            stripped = token.strip(punctuation)
            if (token if len(stripped) <= 2 else stripped).lower() in lexicon:
                return True
        return False

    def scores(text: str) -> dict[str, float]:
        if text.isascii():
            tokens = text.split()
            if not has_lexicon_word(tokens):
                return {"neg": 0.0, "neu": 1.0 if tokens else 0.0, "pos": 0.0, "compound": 0.0}
        return analyzer.polarity_scores(text)

    return scores


def english_featurizer() -> Featurizer:
    """The readings an English fit weighs: VADER's pos/neg/neu/compound."""
    return featurizer_for(FEATURES["en"])


def chinese_featurizer() -> Featurizer:
    """The readings a Chinese fit weighs: none (the shipped model reads n-grams only)."""
    return featurizer_for(FEATURES["zh"])


def shipped_calibration(family: str, engine: str = "ngram") -> Calibration:
    """The default calibration of a language family: for English the model in
    scoring/calibrations/en.json (see bench/sentiment_eval.py --write-default), for Chinese the n-gram
    model in scoring/calibrations/zh.json (bench/train_sentiment_zh.py --write) or, with `engine`
    "snownlp", SnowNLP's reading unchanged (the runner-up)."""
    if family == "zh":
        if engine not in CHINESE_ENGINES:
            raise ValueError(f"Chinese sentiment engine must be one of {', '.join(CHINESE_ENGINES)}, not {engine!r}")
        return identity_calibration("zh", "snownlp") if engine == "snownlp" else _shipped("zh")
    return _shipped("en")


@lru_cache(maxsize=2)
def _shipped(family: str) -> Calibration:
    resource = resources.files("scoring").joinpath("calibrations", f"{family}.json")
    return calibration_from_json(resource.read_text(encoding="utf-8"), f"scoring/calibrations/{family}.json")


#: How `fit_language` fits each family: English word, Chinese character uni- and bigrams (penalties chosen by
#: 2-fold cross-validation on the shared data, see bench/sentiment_eval.py).
FIT_OPTIONS: dict[str, FitOptions] = {
    "en": FitOptions(unit="word", ngram_sizes=(1, 2), term_penalty=30.0, min_count=2),
    "zh": FitOptions(unit="char", ngram_sizes=(1, 2), term_penalty=30.0, min_count=2),
}


def fit_base(family: str) -> Optional[Calibration]:
    """What a fit builds on: the shipped model of the family, so small files refine it rather than replace it."""
    return shipped_calibration(family)


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


def calibrated_scorer(calibration: Calibration) -> Scorer:
    """Polarity of one text under `calibration`, computing only the analyser features it reads."""
    needed = calibration.needed_features()
    unknown = needed - ANALYSER_FEATURES
    if unknown:
        raise ValueError(f"the {calibration.language} calibration names unknown features: {sorted(unknown)}")
    if not needed:
        return lambda text: calibration.polarity({}, text)
    featurize = featurizer_for(needed)
    return lambda text: calibration.polarity(featurize(text), text)


def _english_scorer(calibration: Optional[Calibration]) -> Scorer:
    return calibrated_scorer(calibration or shipped_calibration("en"))


def _chinese_scorer(calibration: Optional[Calibration] = None) -> Scorer:
    return calibrated_scorer(calibration or shipped_calibration("zh"))


class MappingSentiment:
    """Polarity looked up per text from precomputed values (e.g. a vendor's scores, or tests)."""

    def __init__(self, values: Mapping[str, float], default: float = 0.0) -> None:
        self._values = dict(values)
        self._default = default

    def polarity(self, texts: Sequence[str], language: str) -> list[float]:
        return [_clip(self._values.get(text, self._default)) for text in texts]
