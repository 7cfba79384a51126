"""How certain a mean score is: Student's t quantiles (scipy.stats), a mean's confidence interval, and the
reviews still needed."""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

def _t():
    """scipy.stats' Student t, imported on first use: the import takes about 0.9 s, which the
    scoring path and most commands never need to pay."""
    from scipy.stats import t
    return t


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with `df` > 0 degrees of freedom."""
    if not df > 0:
        raise ValueError(f"degrees of freedom must be positive, not {df!r}")
    return float(_t().cdf(t, df))


def t_quantile(p: float, df: float) -> float:
    """The t with P(T <= t) = p, for 0 < p < 1 and df > 0."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"probability must be strictly between 0 and 1, not {p!r}")
    if not df > 0:
        raise ValueError(f"degrees of freedom must be positive, not {df!r}")
    return _ppf(float(p), float(df))


@lru_cache(maxsize=4096)
def _ppf(p: float, df: float) -> float:
    """scipy's quantile, remembered: a report asks for the same few (p, df) for every agent (the
    interval of n scores and reviews_needed's steps), and each scipy call costs about 30 µs."""
    return float(_t().ppf(p, df))


@dataclass(frozen=True)
class MeanInterval:
    """A sample's mean with its two-sided confidence interval. Without two values there is no
    standard deviation, so `sd`, `low`, `high` and `half_width` are None (the mean may still exist)."""

    n: int
    mean: Optional[float]
    sd: Optional[float] = None
    low: Optional[float] = None
    high: Optional[float] = None
    half_width: Optional[float] = None


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, not {confidence!r}")


def mean_interval(values: Iterable[float], confidence: float = 0.95) -> MeanInterval:
    """Mean ± t(1 - (1 - confidence) / 2, n - 1) · sd / √n, with the sample standard deviation (n - 1).

    A value that is not a finite number is a ValueError naming its position.
    """
    _check_confidence(confidence)
    data = []
    for i, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"values[{i}]: {value!r} is not a finite number")
        data.append(float(value))
    n = len(data)
    if n == 0:
        return MeanInterval(0, None)
    mean = sum(data) / n
    if n == 1:
        return MeanInterval(1, mean)
    sd = math.sqrt(sum((v - mean) ** 2 for v in data) / (n - 1))
    half = t_quantile(1.0 - (1.0 - confidence) / 2.0, n - 1) * sd / math.sqrt(n)
    return MeanInterval(n, mean, sd, mean - half, mean + half, half)


def reviews_needed(sd: float, current_n: int, half_width: float = 5.0, confidence: float = 0.95) -> int:
    """How many more scores bring the interval's half-width to `half_width` or less, if the
    standard deviation stays `sd`: the smallest total n >= 2 with t(n - 1) · sd / √n <= half_width,
    less `current_n` (0 when already there)."""
    _check_confidence(confidence)
    if isinstance(sd, bool) or not isinstance(sd, (int, float)) or not math.isfinite(sd) or sd < 0:
        raise ValueError(f"standard deviation must be a finite number >= 0, not {sd!r}")
    if isinstance(current_n, bool) or not isinstance(current_n, int) or current_n < 0:
        raise ValueError(f"current number of scores must be a whole number >= 0, not {current_n!r}")
    if not half_width > 0:
        raise ValueError(f"half-width must be positive, not {half_width!r}")
    p = 1.0 - (1.0 - confidence) / 2.0
    # The normal quantile is below every t quantile, so this lower bound is never past the answer.
    z = t_quantile(p, 1e9)
    n = max(2, current_n, math.ceil((z * sd / half_width) ** 2))
    while t_quantile(p, n - 1) * sd / math.sqrt(n) > half_width:
        n += 1
    return max(0, n - current_n)
