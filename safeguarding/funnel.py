"""Statistics for comparing academies of different sizes fairly: funnel-plot control limits
and Wilson score intervals.

A small academy's percentage swings by chance far more than a large one's: 2 late out of 5 is
60 %, 20 late out of 50 is also 60 % but says much more. A funnel plot draws, around the trust's
proportion p, the band where an academy of each size n would fall by chance alone (the binomial
normal approximation p ± z·sqrt(p(1 − p)/n); Spiegelhalter 2005, "Funnel plots for comparing
institutional performance"). An academy outside the 99.8 % limits is unlikely to differ from
the trust by chance; one inside them is not shown to differ, whatever its rank.

Everything here works in proportions (0–1) or percentages (0–100) as each function says, and
accepts scalars or numpy arrays.
"""

from __future__ import annotations

import math

import numpy as np

# Two-sided normal quantiles for the two bands conventionally drawn (95 % and 99.8 %).
Z_95 = 1.96
Z_998 = 3.09

# Where an academy sits against the limits, from worst-side to best-side.
BELOW_998 = "below the 99.8% limit"
BELOW_95 = "below the 95% limit"
WITHIN = "within the limits"
ABOVE_95 = "above the 95% limit"
ABOVE_998 = "above the 99.8% limit"
POSITIONS = (BELOW_998, BELOW_95, WITHIN, ABOVE_95, ABOVE_998)


def control_limits(p: float, n, z: float):
    """(lower, upper) proportions of the funnel at size n around the proportion p, clipped
    to [0, 1]. n may be an array; n ≤ 0 gives NaN (no limits without a denominator)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be a proportion between 0 and 1 (found {p!r})")
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        half_width = z * np.sqrt(p * (1.0 - p) / np.where(n > 0, n, np.nan))
    lower = np.clip(p - half_width, 0.0, 1.0)
    upper = np.clip(p + half_width, 0.0, 1.0)
    if lower.ndim == 0:
        return float(lower), float(upper)
    return lower, upper


def funnel_curves(p: float, n_max: float, points: int = 240) -> dict[str, np.ndarray]:
    """The four funnel limits in percent, sampled densely enough over n = 1 .. n_max to draw
    smooth curves (geometrically spaced: the funnel bends most at small n).

    Keys: n, lower_95, upper_95, lower_998, upper_998."""
    n_max = max(float(n_max), 2.0)
    n = np.unique(np.concatenate([np.geomspace(1.0, n_max, points), [n_max]]))
    lower_95, upper_95 = control_limits(p, n, Z_95)
    lower_998, upper_998 = control_limits(p, n, Z_998)
    return {
        "n": n,
        "lower_95": 100.0 * lower_95,
        "upper_95": 100.0 * upper_95,
        "lower_998": 100.0 * lower_998,
        "upper_998": 100.0 * upper_998,
    }


def position(numerator: int, denominator: int, p: float) -> str | None:
    """Where numerator/denominator sits against the funnel around p (one of POSITIONS); None
    without a denominator. A point exactly on a limit counts as within it."""
    if denominator is None or denominator <= 0:
        return None
    observed = numerator / denominator
    lower_95, upper_95 = control_limits(p, denominator, Z_95)
    lower_998, upper_998 = control_limits(p, denominator, Z_998)
    if observed < lower_998:
        return BELOW_998
    if observed < lower_95:
        return BELOW_95
    if observed > upper_998:
        return ABOVE_998
    if observed > upper_95:
        return ABOVE_95
    return WITHIN


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a proportion, as (lower, upper) proportions; (nan, nan) when
    n is 0. Unlike p ± z·se it stays inside [0, 1] and is sound for small n and p near 0 or 1
    (Wilson 1927; Brown, Cai & DasGupta 2001)."""
    if n is None or n <= 0:
        return math.nan, math.nan
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be between 0 and n (found {successes} of {n})")
    p_hat = successes / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p_hat + z2 / (2 * n)) / denominator
    half_width = z * math.sqrt(p_hat * (1 - p_hat) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)
