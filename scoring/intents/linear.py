"""Approach B: a linear intent classifier, hashed word (English) or character (Chinese) n-grams with one
logistic regression per intent, trained in numpy on labelled turns (scoring/intents/corpus.py).

Trained on first use from the shipped examples (well under a second); reading a turn needs no numpy
beyond one small sum. The strongest n-gram of an intent is its matched span: for intents that need
the speaker's own words, an intent whose strongest n-gram is negated or reported is not given.
"""
from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional, Sequence

from scoring.intents.base import INTENTS, OWN_WORDS_ONLY, IntentHit, family_of, own_words
from scoring.intents.corpus import LabelledTurn, shipped_examples
from scoring.text import normalise

_TOKEN = re.compile(r"\S+")
_REPORT_LOGIT = math.log(0.25 / 0.75)  # hits below probability 0.25 are left out of the answer
_SHOWN = 3  # the strongest n-grams that make up the matched span


def features(text: str, family: str) -> dict[int, tuple[int, int]]:
    """Hashed n-grams of a normalised text -> the span of their first occurrence. English: words,
    word pairs and triples, and 5-letter stems; Chinese: characters and runs of 2 and 3."""
    found: dict[int, tuple[int, int]] = {}
    if family == "zh":
        compact = text
        for n in (1, 2, 3):
            for i in range(len(compact) - n + 1):
                gram = compact[i:i + n]
                if " " not in gram:
                    found.setdefault(zlib.crc32(gram.encode()), (i, i + n))
        return found
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    for i, (word, start, end) in enumerate(tokens):
        found.setdefault(zlib.crc32(word.encode()), (start, end))
        if len(word) > 5:
            found.setdefault(zlib.crc32(b"~" + word[:5].encode()), (start, end))
        for n in (2, 3):
            if i + n <= len(tokens):
                gram = " ".join(t[0] for t in tokens[i:i + n])
                found.setdefault(zlib.crc32(gram.encode()), (start, tokens[i + n - 1][2]))
    return found


@dataclass(frozen=True)
class FitOptions:
    """Training settings: L2 penalty, Adam steps and rate, and whether positives are up-weighted
    to balance each intent's rare positives against the many negatives."""

    penalty: float = 0.01
    steps: int = 250
    rate: float = 0.1
    balanced: bool = True


class LinearFamilyModel:
    """One language family's weights: feature hash -> row of `matrix` (one column per intent), and
    per-intent biases; a text's logits are one numpy sum over its known n-grams."""

    def __init__(self, family: str, intents: tuple[str, ...], rows: dict[int, int], matrix, bias) -> None:
        self.family, self.intents, self.rows, self.matrix, self.bias = family, intents, rows, matrix, bias

    def read(self, text: str) -> dict[str, IntentHit]:
        """The intents with a probability of at least 0.25. For intents that need the speaker's own
        words, n-grams in negated or reported spans (scoring.speech) do not count."""
        found: dict[str, IntentHit] = {}
        known = [(self.rows[h], span) for h, span in features(text, self.family).items() if h in self.rows]
        if not known:
            return found
        weights = self.matrix[[r for r, _ in known]]
        logits = weights.sum(axis=0) + self.bias
        for k in (logits >= _REPORT_LOGIT).nonzero()[0]:
            hit = self._hit(text, int(k), float(logits[k]), weights[:, k].tolist(), [span for _, span in known])
            if hit is not None:
                found[hit.intent] = hit
        return found

    def _hit(self, text: str, k: int, logit: float, weights: list[float], spans: list) -> Optional[IntentHit]:
        intent = self.intents[k]
        top = sorted((i for i, w in enumerate(weights) if w > 0), key=lambda i: -weights[i])[:_SHOWN]
        if intent in OWN_WORDS_ONLY:
            foreign = [i for i in top if own_words(text, spans[i][0], spans[i][1], self.family) is not None]
            logit -= sum(weights[i] for i in foreign)
            top = [i for i in top if i not in foreign]
            if logit < _REPORT_LOGIT or not top:
                return None
        confidence = 1.0 / (1.0 + math.exp(-min(30.0, logit)))
        start, end = min(spans[i][0] for i in top), max(spans[i][1] for i in top)
        shown = " + ".join(f"'{text[spans[i][0]:spans[i][1]]}'" for i in top)
        return IntentHit(intent, round(confidence, 4), start, end, text[start:end], f"linear.{self.family}: {shown}")


#: Training settings per family. Runs of 3-5 letters inside English words raised the mean F1 over
#: intents in 5-fold cross-validation on the shipped examples (0.39 -> 0.55) but made reading a turn
#: three times slower and, on the development set, gave more false auto-fails: words it is.
FIT_OPTIONS = {"en": FitOptions(), "zh": FitOptions()}


def fit_family(family: str, rows: Iterable[LabelledTurn], options: Optional[FitOptions] = None) -> LinearFamilyModel:
    """Train the family's model on labelled turns (raw texts, normalised here); ValueError when
    no row has text."""
    options = options or FIT_OPTIONS.get(family, FitOptions())
    import numpy as np  # only training needs numpy

    rows = [r for r in rows if normalise(r.text)]
    if not rows:
        raise ValueError(f"no labelled {family} turn with text")
    intents = INTENTS
    vocabulary: dict[int, int] = {}
    cols, starts = [], [0]
    for r in rows:
        for h in features(normalise(r.text), family):
            cols.append(vocabulary.setdefault(h, len(vocabulary)))
        starts.append(len(cols))
    cols_a = np.asarray(cols, dtype=np.int64)
    row_of = np.repeat(np.arange(len(rows)), np.diff(starts))
    y = np.array([[intent in r.intents for intent in intents] for r in rows], dtype=np.float64)
    weight = np.ones_like(y)
    if options.balanced:
        positives = y.sum(axis=0)
        weight = np.where(y > 0, np.maximum(1.0, (len(rows) - positives) / np.maximum(positives, 1.0)), 1.0)
    w, b = _adam(cols_a, row_of, len(vocabulary), y, weight, options)
    return LinearFamilyModel(family, intents, vocabulary, w, b)


def _adam(cols, row_of, size: int, y, weight, options: FitOptions):
    """Full-batch Adam on the weighted logistic loss plus L2, over sparse binary rows (every row and
    every column has at least one entry, so both sums are segment sums)."""
    import numpy as np

    n, k = y.shape
    row_starts = np.flatnonzero(np.r_[True, row_of[1:] != row_of[:-1]])
    order = np.argsort(cols, kind="stable")
    sorted_cols = cols[order]
    col_starts = np.flatnonzero(np.r_[True, sorted_cols[1:] != sorted_cols[:-1]])
    rows_by_col = row_of[order]
    w, b = np.zeros((size, k)), np.zeros(k)
    state = [np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)]
    norm = weight.sum(axis=0)
    for step in range(1, options.steps + 1):
        logits = np.add.reduceat(w[cols], row_starts, axis=0) + b
        g = (1.0 / (1.0 + np.exp(-logits)) - y) * weight / norm
        gw = np.add.reduceat(g[rows_by_col], col_starts, axis=0) + options.penalty * w
        for value, grad, m, v in ((w, gw, state[0], state[1]), (b, g.sum(axis=0), state[2], state[3])):
            m *= 0.9
            m += 0.1 * grad
            v *= 0.999
            v += 0.001 * grad * grad
            value -= options.rate * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return w, b


class LinearIntents:
    """IntentModel of per-family linear classifiers; confidence is the intent's logistic probability.
    `models` maps "en"/"zh" to trained LinearFamilyModels; a missing family is trained from the
    shipped examples on first use."""

    name = "linear"

    def __init__(self, models: Optional[dict[str, LinearFamilyModel]] = None) -> None:
        self._models = dict(models or {})
        self._cache: dict[tuple[str, str], dict[str, IntentHit]] = {}

    def model(self, family: str) -> LinearFamilyModel:
        if family not in self._models:
            self._models[family] = _shipped(family)
        return self._models[family]

    def intents(self, texts: Sequence[str], language: str,
                wanted: Optional[Iterable[str]] = None) -> list[dict[str, IntentHit]]:
        """All intents of each text in one sum per text (`wanted` makes no difference to the cost)."""
        out = []
        for text in texts:
            family = family_of(text, language)
            key = (family, text)
            found = self._cache.get(key)
            if found is None:
                if len(self._cache) > 65536:  # bounded like the rules' cache
                    self._cache.clear()
                found = self._cache[key] = self.model(family).read(text) if text else {}
            out.append(found)
        return out


@lru_cache(maxsize=2)
def _shipped(family: str) -> LinearFamilyModel:
    return fit_family(family, shipped_examples(family))
