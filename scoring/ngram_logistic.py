"""Fitting a logistic regression over character (or word) n-grams into a Calibration (link "logistic").

This is how the shipped Chinese model (scoring/calibrations/zh.json) is built from labelled reviews
plus soft-labelled neutral service sentences (bench/train_sentiment_zh.py). Scoring needs no numpy:
the result is an ordinary Calibration whose n-gram weights are looked up per text; only fitting
imports numpy.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

from scoring.calibration import Calibration, CalibrationError, ngrams


@dataclass(frozen=True)
class LogisticOptions:
    """How the model is fitted.

    `penalty` is the L2 penalty on every n-gram weight, `unigram_penalty` the one on single units
    (a lone character such as 不 or 没 is weak evidence: 不用了 and 能不能 are not complaints); the
    intercept is held at 0, so a text with no known n-gram reads neutral, not the training set's
    average (reviews are long; chat turns are short). N-grams that are a
    substring of one of `topic_words` (service topics such as 退款, 发货: what a chat is about, not how
    the customer feels) get `topic_penalty` instead, so they carry almost no sentiment. N-grams seen
    in fewer than `min_count` texts are left out, texts are cut to `max_chars` characters (long
    reviews would otherwise dominate the vocabulary), and weights below `keep_above` in absolute
    value are dropped from the shipped file (rounded to `digits` decimals).
    """

    unit: str = "char"
    ngram_sizes: tuple[int, ...] = (1, 2, 3)
    penalty: float = 2.0
    unigram_penalty: float = 6.0
    topic_penalty: float = 200.0
    topic_words: frozenset[str] = field(default=frozenset(), repr=False)
    min_count: int = 3
    max_chars: int = 300
    steps: int = 300
    keep_above: float = 0.02
    digits: int = 3


def fit_logistic(language: str, texts: Sequence[str], targets: Sequence[float],
                 sample_weights: Optional[Sequence[float]] = None, options: LogisticOptions = LogisticOptions(),
                 note: str = "") -> Calibration:
    """Fit P(positive) = sigmoid(intercept + sum of the weights of the text's distinct n-grams).

    `targets` are probabilities of "positive" (1 positive, 0 negative, 0.5 neutral); `sample_weights`
    default to 1. Raises CalibrationError on mismatched lengths, targets outside 0..1, fewer than 4
    texts or a single target value.
    """
    weights = list(sample_weights) if sample_weights is not None else [1.0] * len(texts)
    _check(texts, targets, weights)
    grams = [ngrams(t[:options.max_chars], options.unit, options.ngram_sizes) for t in texts]
    vocabulary = _vocabulary(grams, options.min_count)
    penalties = [_penalty(g, options) for g in vocabulary]
    intercept, term_weights = _lbfgs_fit(grams, vocabulary, targets, weights, penalties, options.steps)
    terms = tuple((g, round(w, options.digits)) for g, w in zip(vocabulary, term_weights)
                  if abs(w) >= options.keep_above)
    return Calibration(language, intercept=round(intercept, options.digits), unit=options.unit,
                       ngram_sizes=tuple(options.ngram_sizes), terms=terms, binary=True, label_low=0.0,
                       label_high=1.0, n_train=len(texts), note=note, link="logistic")


def _check(texts, targets, weights) -> None:
    if not len(texts) == len(targets) == len(weights):
        raise CalibrationError("texts, targets and sample weights must have the same length")
    if len(texts) < 4:
        raise CalibrationError(f"at least 4 labelled texts are needed to fit, got {len(texts)}")
    if not all(0.0 <= y <= 1.0 for y in targets):
        raise CalibrationError("targets: every target must be a probability of positive, 0..1")
    if len(set(targets)) < 2:
        raise CalibrationError("targets: all targets are the same, nothing to fit")
    if any(w < 0 for w in weights):
        raise CalibrationError("sample weights must not be negative")


def _penalty(gram: str, options: LogisticOptions) -> float:
    if any(gram in word for word in options.topic_words):
        return options.topic_penalty
    single = " " not in gram if options.unit == "word" else len(gram) == 1
    return options.unigram_penalty if single else options.penalty


def _vocabulary(grams: Sequence[set[str]], min_count: int) -> list[str]:
    counts: dict[str, int] = {}
    for text_grams in grams:
        for g in text_grams:
            counts[g] = counts.get(g, 0) + 1
    return sorted(g for g, c in counts.items() if c >= min_count)


def _lbfgs_fit(grams, vocabulary, targets, weights, penalties, steps: int):
    """Minimise the weighted cross-entropy plus 0.5 * sum(penalty_j * w_j^2) by L-BFGS; the n-gram
    matrix stays sparse (row, column pairs), so 50,000 reviews fit in a few hundred MB."""
    import numpy as np  # only fitting needs numpy

    index = {g: j for j, g in enumerate(vocabulary)}
    pairs = [(r, index[g]) for r, text_grams in enumerate(grams) for g in text_grams if g in index]
    rows, cols = (np.asarray(c, dtype=np.int64) for c in zip(*pairs))
    y, sw = np.asarray(targets, dtype=float), np.asarray(weights, dtype=float)
    lam = np.concatenate([np.asarray(penalties, dtype=float), [0.0]])  # the last entry is the intercept
    n, v = len(y), len(vocabulary)

    def loss_and_gradient(beta):
        z = np.bincount(rows, weights=beta[:v][cols], minlength=n) + beta[-1]
        p = 0.5 * (1.0 + np.tanh(0.5 * z))  # the sigmoid, without overflow
        loss = float(np.sum(sw * (np.logaddexp(0.0, z) - y * z)) + 0.5 * np.sum(lam * beta ** 2))
        residual = sw * (p - y)
        gradient = np.concatenate([np.bincount(cols, weights=residual[rows], minlength=v), [0.0]])  # held at 0
        return loss, gradient + lam * beta

    beta = _lbfgs(loss_and_gradient, np.zeros(v + 1), steps)
    return float(beta[-1]), [float(b) for b in beta[:v]]


def _lbfgs(fun, x, steps: int, memory: int = 10, tolerance: float = 1e-6):
    """Plain L-BFGS with a backtracking (Armijo) line search."""
    import numpy as np

    f, g = fun(x)
    history: list[tuple] = []
    for _ in range(steps):
        d = -_two_loop(g, history)
        slope = float(g @ d)
        if slope >= 0:  # not a descent direction: restart from the gradient
            history.clear()
            d, slope = -g, -float(g @ g)
        step = 1.0
        while True:
            x_new = x + step * d
            f_new, g_new = fun(x_new)
            if f_new <= f + 1e-4 * step * slope or step < 1e-10:
                break
            step *= 0.5
        s, yk = x_new - x, g_new - g
        if float(s @ yk) > 1e-12:
            history.append((s, yk, 1.0 / float(s @ yk)))
            history[:] = history[-memory:]
        converged = abs(f - f_new) <= tolerance * max(1.0, abs(f))
        x, f, g = x_new, f_new, g_new
        if converged or float(np.sqrt(g @ g)) < 1e-8:
            break
    return x


def _two_loop(g, history):
    q = g.copy()
    alphas = []
    for s, y, rho in reversed(history):
        a = rho * float(s @ q)
        alphas.append(a)
        q -= a * y
    if history:
        s, y, _ = history[-1]
        q *= float(s @ y) / float(y @ y)
    for (s, y, rho), a in zip(history, reversed(alphas)):
        q += (a - rho * float(y @ q)) * s
    return q
