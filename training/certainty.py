"""How certain a mean score is: Student's t quantiles, a mean's confidence interval, and the reviews still needed."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Optional

_EPS = 1e-15
_TINY = 1e-300


def _beta_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz), Numerical Recipes 6.4."""
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    result = d
    for m in range(1, 1000):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            result *= c * d
        if abs(c * d - 1.0) < _EPS:
            break
    return result


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b) for 0 <= x <= 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with `df` > 0 degrees of freedom."""
    if not df > 0:
        raise ValueError(f"degrees of freedom must be positive, not {df!r}")
    tail = 0.5 * _incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The t with P(T <= t) = p, for 0 < p < 1 and df > 0, by bisection on `t_cdf` (to about 1e-10)."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"probability must be strictly between 0 and 1, not {p!r}")
    if not df > 0:
        raise ValueError(f"degrees of freedom must be positive, not {df!r}")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        low, high = high, high * 2.0
    while high - low > 1e-11 * max(1.0, high):
        middle = (low + high) / 2.0
        low, high = (middle, high) if t_cdf(middle, df) < p else (low, middle)
    return (low + high) / 2.0


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
