"""Sentiment calibration: a frozen linear model over analyser features and text n-grams, fitted by ridge regression."""
from __future__ import annotations

import json
import math
import random
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterable, Mapping, Optional, Sequence

FORMAT_VERSION = 1
UNITS = ("word", "char")
LINKS = ("linear", "logistic")  # how the raw sum becomes a polarity: clipped as is, or 2 * sigmoid(raw) - 1
BASE = "base"  # the feature holding the raw output of the calibration a fit builds on
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SPACE = re.compile(r"\s+")


class CalibrationError(ValueError):
    """A calibration document or a training set that cannot be used; the message names the field."""


@dataclass(frozen=True)
class Calibration:
    """polarity = clip(intercept + sum(weight_i * (feature_i - mean_i) / scale_i) + sum of the weights
    of the distinct n-grams in the text, -1, 1); with `link` "logistic" (a logistic regression, such
    as the shipped Chinese model) the raw sum is a log-odds and polarity = 2 * sigmoid(raw) - 1.

    `features` name analyser outputs (see scoring.sentiment.FEATURES); a feature missing from the
    mapping given to `raw` counts as its mean. N-grams are of words (lower-cased) or of characters
    (whitespace removed), of the lengths in `ngram_sizes`. Binary labels were fitted as -1/+1,
    numeric ones mapped linearly from [label_low, label_high] onto [-1, 1]. A calibration fitted on top
    of another (`base`, e.g. the shipped one) has the base's raw output as the feature "base".
    """

    language: str
    features: tuple[str, ...] = ()
    means: tuple[float, ...] = ()
    scales: tuple[float, ...] = ()
    weights: tuple[float, ...] = ()
    intercept: float = 0.0
    unit: str = "word"
    ngram_sizes: tuple[int, ...] = (1,)
    terms: tuple[tuple[str, float], ...] = ()
    binary: bool = False
    label_low: float = -1.0
    label_high: float = 1.0
    n_train: int = 0
    note: str = ""
    base: Optional["Calibration"] = None
    link: str = "linear"

    def __post_init__(self) -> None:
        if not len(self.features) == len(self.means) == len(self.scales) == len(self.weights):
            raise CalibrationError("features, means, scales and weights must have the same length")
        if self.unit not in UNITS:
            raise CalibrationError(f"unit must be one of {', '.join(UNITS)}, not {self.unit!r}")
        if self.link not in LINKS:
            raise CalibrationError(f"link must be one of {', '.join(LINKS)}, not {self.link!r}")
        if any(s <= 0 for s in self.scales):
            raise CalibrationError("every scale must be positive")
        if not self.ngram_sizes or any(n < 1 for n in self.ngram_sizes):
            raise CalibrationError("ngram_sizes must be one or more lengths of at least 1")

    @cached_property
    def _term_weights(self) -> dict[str, float]:
        return dict(self.terms)

    def raw(self, features: Mapping[str, float], text: str) -> float:
        """The unclipped model output for one text with its analyser features."""
        if self.base is not None:
            features = {**features, BASE: self.base.raw(features, text)}
        total = self.intercept
        for name, mean, scale, weight in zip(self.features, self.means, self.scales, self.weights):
            total += weight * (features.get(name, mean) - mean) / scale
        lookup = self._term_weights
        if lookup:
            # in sorted order: a set's order follows the process's hash seed, and so would the
            # last bits of the sum (worker processes must give the same polarity as this one).
            # N-grams without a weight are left out before sorting (they added 0.0, which leaves a
            # float sum unchanged), and filter/map run in C (the Python loop was a third of a turn's cost).
            grams = sorted(filter(lookup.__contains__, ngrams(text, self.unit, self.ngram_sizes)))
            total += sum(filter(None, map(lookup.__getitem__, grams)), 0.0)
        return total

    def polarity(self, features: Mapping[str, float], text: str) -> float:
        """The polarity in -1..1 (NaN becomes 0)."""
        value = self.raw(features, text)
        if math.isnan(value):
            return 0.0
        if self.link == "logistic":
            return math.tanh(value / 2.0)  # = 2 * sigmoid(value) - 1, without overflow
        return max(-1.0, min(1.0, value))

    def needed_features(self) -> frozenset[str]:
        """The analyser features this calibration (and its base) reads: the only ones worth computing."""
        inner = self.base.needed_features() if self.base is not None else frozenset()
        return inner | (frozenset(self.features) - {BASE})

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT_VERSION, "language": self.language, "features": list(self.features),
                "means": list(self.means), "scales": list(self.scales), "weights": list(self.weights),
                "intercept": self.intercept, "unit": self.unit, "ngram_sizes": list(self.ngram_sizes),
                "terms": dict(self.terms), "binary": self.binary, "label_low": self.label_low,
                "label_high": self.label_high, "n_train": self.n_train, "note": self.note,
                "base": None if self.base is None else self.base.to_dict(), "link": self.link}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1, sort_keys=True)


def identity_calibration(language: str, feature: str) -> Calibration:
    """A calibration whose polarity is just `feature` (clipped): the analyser's own reading."""
    return Calibration(language, (feature,), (0.0,), (1.0,), (1.0,), note=f"{feature} unchanged")


def calibration_from_dict(data: Any, source: str = "calibration") -> Calibration:
    """Build a Calibration from `to_dict` output; CalibrationError names `source` and the bad field."""
    if not isinstance(data, Mapping):
        raise CalibrationError(f"{source}: expected a JSON object")
    if data.get("format") != FORMAT_VERSION:
        raise CalibrationError(f"{source}: format: expected {FORMAT_VERSION}, got {data.get('format')!r}")
    try:
        terms = data.get("terms", {})
        if not isinstance(terms, Mapping):
            raise TypeError("terms: expected an object of n-gram -> weight")
        return Calibration(
            language=_field(data, "language", str, source), features=tuple(_strings(data, "features", source)),
            means=_floats(data, "means", source), scales=_floats(data, "scales", source),
            weights=_floats(data, "weights", source),
            intercept=_number(data.get("intercept", 0.0), "intercept", source),
            unit=_field(data, "unit", str, source), ngram_sizes=tuple(int(n) for n in data.get("ngram_sizes", (1,))),
            terms=tuple((str(k), _number(v, f"terms.{k}", source)) for k, v in terms.items()),
            binary=bool(data.get("binary", False)), label_low=_number(data.get("label_low", -1.0), "label_low", source),
            label_high=_number(data.get("label_high", 1.0), "label_high", source),
            n_train=int(data.get("n_train", 0)), note=str(data.get("note", "")),
            base=None if data.get("base") is None else calibration_from_dict(data["base"], f"{source}: base"),
            link=str(data.get("link", "linear")))
    except CalibrationError as exc:
        raise CalibrationError(str(exc) if str(exc).startswith(source) else f"{source}: {exc}") from None
    except (TypeError, ValueError) as exc:
        raise CalibrationError(f"{source}: {exc}") from None


def calibration_from_json(text: str, source: str = "calibration") -> Calibration:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CalibrationError(f"{source}: not JSON ({exc})") from None
    return calibration_from_dict(data, source)


def _field(data: Mapping, name: str, kind: type, source: str):
    if not isinstance(data.get(name), kind):
        raise CalibrationError(f"{source}: {name}: expected {kind.__name__}, got {data.get(name)!r}")
    return data[name]


def _strings(data: Mapping, name: str, source: str) -> list[str]:
    values = _field(data, name, list, source)
    if not all(isinstance(v, str) for v in values):
        raise CalibrationError(f"{source}: {name}: expected a list of strings")
    return values


def _floats(data: Mapping, name: str, source: str) -> tuple[float, ...]:
    return tuple(_number(v, f"{name}[{i}]", source) for i, v in enumerate(_field(data, name, list, source)))


def _number(value: Any, name: str, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise CalibrationError(f"{source}: {name}: expected a finite number, got {value!r}")
    return float(value)


def ngrams(text: str, unit: str, sizes: Sequence[int]) -> set[str]:
    """The distinct n-grams of `text`: lower-cased words joined by spaces, or characters without whitespace."""
    out: set[str] = set()
    if unit == "word":
        words = _WORD.findall(text.lower())
        for n in sizes:  # a word is its own unigram: no slice and join per word (English scoring's n-grams)
            out.update(words if n == 1 else [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)])
    else:  # a slice of the string is the n-gram itself (no join: scoring Chinese is mostly this loop)
        chars = _SPACE.sub("", text.lower())
        for n in sizes:  # a list comprehension, not a generator: half the cost per n-gram
            out.update(chars if n == 1 else [chars[i:i + n] for i in range(len(chars) - n + 1)])
    return out


# --- metrics ------------------------------------------------------------------------------------

def is_binary(labels: Iterable[float]) -> bool:
    """True when every label is 0 or 1 (then accuracy is the metric, else Pearson r)."""
    return all(label in (0, 1) for label in labels)


def pearson_r(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson correlation; NaN when either side is constant or there are fewer than two pairs."""
    if len(xs) != len(ys):
        raise ValueError("pearson_r needs two sequences of the same length")
    n = len(xs)
    if n < 2:
        return math.nan
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx, syy = sum((x - mx) ** 2 for x in xs), sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else math.nan


def accuracy(polarities: Sequence[float], labels: Sequence[float]) -> float:
    """Share of texts whose polarity is above 0 exactly when the label is 1."""
    if len(polarities) != len(labels) or not labels:
        raise ValueError("accuracy needs two non-empty sequences of the same length")
    return sum((p > 0) == (y == 1) for p, y in zip(polarities, labels)) / len(labels)


def evaluate(polarities: Sequence[float], labels: Sequence[float]) -> tuple[str, float]:
    """("accuracy", value) for 0/1 labels, else ("pearson_r", value)."""
    if is_binary(labels):
        return "accuracy", accuracy(polarities, labels)
    return "pearson_r", pearson_r(polarities, labels)


def split_half(n: int, seed: int = 0) -> tuple[list[int], list[int]]:
    """A seeded shuffle of range(n) cut in two: (train indices, held-out indices), held-out the larger half."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return sorted(order[:n // 2]), sorted(order[n // 2:])


# --- fitting ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FitOptions:
    """How a calibration is fitted. Penalties are ridge penalties on standardised features and on
    0/1 n-gram indicators; n-grams seen in fewer than `min_count` texts (or outside `allowed_terms`,
    when given) are left out."""

    unit: str = "word"
    ngram_sizes: tuple[int, ...] = (1,)
    feature_penalty: float = 1.0
    term_penalty: float = 10.0
    min_count: int = 2
    allowed_terms: Optional[frozenset[str]] = field(default=None, repr=False)
    label_range: Optional[tuple[float, float]] = None


def fit_calibration(language: str, features: Sequence[Mapping[str, float]], texts: Sequence[str],
                    labels: Sequence[float], feature_names: Sequence[str], options: FitOptions = FitOptions(),
                    note: str = "", base: Optional[Calibration] = None) -> Calibration:
    """Fit a Calibration by ridge regression of the (mapped) labels on features and n-grams.

    With `base`, its raw output is one more feature (stacking): the fit refines the base rather than
    starting afresh, which matters on small files. A row's own "base" value, when present, is used
    instead (out-of-fold values when the base was fitted on these rows). Raises CalibrationError for
    fewer than 4 texts, mismatched lengths, non-finite labels or labels that are all the same.
    """
    _check_training_set(features, texts, labels)
    binary = is_binary(labels)
    low, high = (0.0, 1.0) if binary else (options.label_range or (min(labels), max(labels)))
    if high <= low:
        raise CalibrationError("labels: the label range is empty")
    target = [(2.0 * (y - low) / (high - low)) - 1.0 for y in labels]
    names = tuple(feature_names)
    if base is not None:
        names += (BASE,)
        features = [row if BASE in row else {**row, BASE: base.raw(row, t)} for row, t in zip(features, texts)]
    dense = [[row.get(name, 0.0) for name in names] for row in features]
    grams = [ngrams(t, options.unit, options.ngram_sizes) for t in texts]
    vocabulary = _vocabulary(grams, options)
    means, scales, weights, term_weights, intercept = _ridge(dense, grams, vocabulary, target,
                                                             options.feature_penalty, options.term_penalty)
    terms = tuple((t, w) for t, w in zip(vocabulary, term_weights) if abs(w) >= 1e-4)
    return Calibration(language, names, means, scales, weights, intercept, options.unit, tuple(options.ngram_sizes),
                       terms, binary, low, high, len(labels), note, base)


def _check_training_set(features, texts, labels) -> None:
    if not len(features) == len(texts) == len(labels):
        raise CalibrationError("features, texts and labels must have the same length")
    if len(labels) < 4:
        raise CalibrationError(f"at least 4 labelled texts are needed to fit, got {len(labels)}")
    if not all(isinstance(y, (int, float)) and math.isfinite(y) for y in labels):
        raise CalibrationError("labels: every label must be a finite number")
    if len(set(labels)) < 2:
        raise CalibrationError("labels: all labels are the same, nothing to fit")


def _vocabulary(grams: Sequence[set[str]], options: FitOptions) -> list[str]:
    counts: dict[str, int] = {}
    for text_grams in grams:
        for g in text_grams:
            counts[g] = counts.get(g, 0) + 1
    allowed = options.allowed_terms
    return sorted(g for g, c in counts.items() if c >= options.min_count and (allowed is None or g in allowed))


def _ridge(dense: Sequence[Sequence[float]], grams: Sequence[set[str]], vocabulary: Sequence[str],
           target: Sequence[float], feature_penalty: float, term_penalty: float):
    """Minimise |Xw - y|^2 + w'Pw by preconditioned conjugate gradients, X = [standardised dense
    features | n-gram indicators | 1]; the n-gram part stays sparse, so large vocabularies fit in memory."""
    import numpy as np  # only fitting needs numpy

    y = np.asarray(target, dtype=float)
    n, d, v = len(y), len(dense[0]) if len(dense) else 0, len(vocabulary)
    raw = np.asarray(dense, dtype=float).reshape(n, d)
    means, scales = raw.mean(axis=0), raw.std(axis=0)
    scales[scales < 1e-12] = 1.0  # a constant feature gets weight ~0 either way
    z = (raw - means) / scales
    index = {t: j for j, t in enumerate(vocabulary)}
    pairs = [(r, index[g]) for r, text_grams in enumerate(grams) for g in text_grams if g in index]
    rows, cols = (np.asarray(c, dtype=np.int64) for c in zip(*pairs)) if pairs else (np.zeros(0, np.int64),) * 2
    penalty = np.concatenate([np.full(d, feature_penalty), np.full(v, term_penalty), [1e-9]])

    def forward(w):
        return z @ w[:d] + np.bincount(rows, weights=w[d:d + v][cols], minlength=n) + w[-1]

    def backward(u):
        return np.concatenate([z.T @ u, np.bincount(cols, weights=u[rows], minlength=v), [u.sum()]])

    diagonal = np.concatenate([(z ** 2).sum(axis=0), np.bincount(cols, minlength=v), [n]]) + penalty
    w = _conjugate_gradients(lambda x: backward(forward(x)) + penalty * x, backward(y), 1.0 / diagonal)
    return (tuple(float(m) for m in means), tuple(float(s) for s in scales), tuple(float(x) for x in w[:d]),
            [float(x) for x in w[d:d + v]], float(w[-1]))


def _conjugate_gradients(apply, b, inverse_diagonal, tolerance: float = 1e-9, max_steps: int = 2000):
    import numpy as np

    x = np.zeros_like(b)
    r = b.copy()
    z = inverse_diagonal * r
    p, rz = z.copy(), float(r @ z)
    limit = tolerance * float(np.sqrt(b @ b) or 1.0)
    for _ in range(max_steps):
        if np.sqrt(r @ r) <= limit:
            break
        ap = apply(p)
        step = rz / float(p @ ap)
        x += step * p
        r -= step * ap
        z = inverse_diagonal * r
        rz, previous = float(r @ z), rz
        p = z + (rz / previous) * p
    return x
