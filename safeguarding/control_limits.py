"""Shewhart control limits for trend charts: is a period's figure within ordinary variation?

p-chart (percentages): the centre is the pooled proportion p̄ = Σ numerators / Σ denominators,
and each point gets its own limits p̄ ± 3 √(p̄ (1 − p̄) / nᵢ) from its own denominator nᵢ, so a
term with few referrals has wider limits than a busy one. Shown ×100 and clipped to 0–100.

c-chart (counts): the centre is the mean count c̄ and the limits c̄ ± 3 √c̄, floored at 0.

Points may be left out of the centre (e.g. a month that is not over yet, whose count is only
partial); they still get limits and are still judged against them.
Source: Montgomery, Introduction to Statistical Quality Control, ch. 7; NHS England "Making
data count" (3-sigma limits).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

SIGMAS = 3.0


@dataclass(frozen=True)
class Limits:
    """Per point: the centre line, the lower and upper limits and whether the value is outside.
    Missing values (None) where a point has no value or no denominator."""

    centre: list[float | None]
    lower: list[float | None]
    upper: list[float | None]
    is_outside: list[bool]


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _included(count: int, include: Sequence[bool] | None) -> list[bool]:
    if include is None:
        return [True] * count
    if len(include) != count:
        raise ValueError("include must have one flag per point.")
    return [bool(flag) for flag in include]


def p_chart(
    numerators: Sequence[int | None],
    denominators: Sequence[int | None],
    include: Sequence[bool] | None = None,
    sigmas: float = SIGMAS,
) -> Limits:
    """Limits in percent for proportions numerator/denominator (one pair per period)."""
    if len(numerators) != len(denominators):
        raise ValueError("numerators and denominators must have the same length.")
    use = _included(len(numerators), include)
    pairs = [
        (int(n), int(d)) if _present(n) and _present(d) and d > 0 else None
        for n, d in zip(numerators, denominators, strict=True)
    ]
    total_n = sum(p[0] for p, ok in zip(pairs, use, strict=True) if p and ok)
    total_d = sum(p[1] for p, ok in zip(pairs, use, strict=True) if p and ok)
    if total_d == 0:
        nothing = [None] * len(pairs)
        return Limits(nothing, list(nothing), list(nothing), [False] * len(pairs))
    p_bar = total_n / total_d
    centre, lower, upper, outside = [], [], [], []
    for pair in pairs:
        if pair is None:
            centre.append(None)
            lower.append(None)
            upper.append(None)
            outside.append(False)
            continue
        numerator, denominator = pair
        spread = sigmas * math.sqrt(p_bar * (1 - p_bar) / denominator)
        low = max(0.0, p_bar - spread) * 100
        high = min(1.0, p_bar + spread) * 100
        value = 100 * numerator / denominator
        centre.append(p_bar * 100)
        lower.append(low)
        upper.append(high)
        outside.append(value < low - 1e-9 or value > high + 1e-9)
    return Limits(centre, lower, upper, outside)


def c_chart(
    counts: Sequence[float | None],
    include: Sequence[bool] | None = None,
    sigmas: float = SIGMAS,
) -> Limits:
    """Limits for counts per period (same for every point)."""
    use = _included(len(counts), include)
    used = [float(c) for c, ok in zip(counts, use, strict=True) if ok and _present(c)]
    if not used:
        nothing = [None] * len(counts)
        return Limits(nothing, list(nothing), list(nothing), [False] * len(counts))
    c_bar = sum(used) / len(used)
    spread = sigmas * math.sqrt(c_bar)
    low, high = max(0.0, c_bar - spread), c_bar + spread
    centre, lower, upper, outside = [], [], [], []
    for count in counts:
        present = _present(count)
        centre.append(c_bar if present else None)
        lower.append(low if present else None)
        upper.append(high if present else None)
        outside.append(present and (count < low - 1e-9 or count > high + 1e-9))
    return Limits(centre, lower, upper, outside)
