"""Funnel limits and Wilson intervals against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from safeguarding import funnel


def test_limits_at_one_size():
    """p = 0.8, n = 100: se = sqrt(0.8 × 0.2 / 100) = 0.04.
    95 %: 0.8 ± 1.96 × 0.04 = 0.8 ± 0.0784 -> (0.7216, 0.8784).
    99.8 %: 0.8 ± 3.09 × 0.04 = 0.8 ± 0.1236 -> (0.6764, 0.9236)."""
    assert funnel.control_limits(0.8, 100, funnel.Z_95) == pytest.approx((0.7216, 0.8784))
    assert funnel.control_limits(0.8, 100, funnel.Z_998) == pytest.approx((0.6764, 0.9236))


def test_limits_are_clipped_to_zero_and_one():
    """p = 0.9, n = 4: se = sqrt(0.09 / 4) = 0.15; 95 %: 0.9 ± 0.294 -> (0.606, 1.194),
    the upper clipped to 1. p = 0.1, n = 4: the mirror image, the lower clipped to 0."""
    assert funnel.control_limits(0.9, 4, funnel.Z_95) == pytest.approx((0.606, 1.0))
    assert funnel.control_limits(0.1, 4, funnel.Z_95) == pytest.approx((0.0, 0.394))


def test_limits_over_an_array_of_sizes():
    """p = 0.5: se = 0.5 / sqrt(n); n = 25 -> 0.1, n = 100 -> 0.05 (95 %: ± 0.196, ± 0.098);
    n = 0 has no limits."""
    lower, upper = funnel.control_limits(0.5, [25, 100, 0], funnel.Z_95)
    assert lower[:2] == pytest.approx([0.304, 0.402])
    assert upper[:2] == pytest.approx([0.696, 0.598])
    assert math.isnan(lower[2]) and math.isnan(upper[2])


def test_limits_collapse_when_p_is_zero_or_one():
    """p(1 − p) = 0: no variation expected, the limits sit on p."""
    assert funnel.control_limits(1.0, 10, funnel.Z_998) == (1.0, 1.0)
    assert funnel.control_limits(0.0, 10, funnel.Z_998) == (0.0, 0.0)


def test_p_outside_zero_one_is_refused():
    with pytest.raises(ValueError, match="proportion"):
        funnel.control_limits(80.0, 10, funnel.Z_95)


def test_curves_are_in_percent_smooth_and_reach_the_largest_academy():
    """The curves run from n = 1 to n_max (included), many points, in percent; at n = 100 and
    p = 0.8 they pass through the hand-computed limits above."""
    curves = funnel.funnel_curves(0.8, 400)
    n = curves["n"]
    assert n[0] == 1.0 and n[-1] == 400.0 and len(n) > 100
    assert np.all(np.diff(n) > 0)
    at_100 = {key: np.interp(100.0, n, values) for key, values in curves.items()}
    assert at_100["lower_95"] == pytest.approx(72.16, abs=0.05)
    assert at_100["upper_998"] == pytest.approx(92.36, abs=0.05)
    # clipped to 0..100: at n = 1 the 99.8 % band is the whole range
    assert curves["lower_998"][0] == 0.0 and curves["upper_998"][0] == 100.0
    # the funnel narrows as n grows
    assert np.all(np.diff(curves["upper_95"][curves["upper_95"] < 100]) <= 1e-12)


def test_position_against_the_limits():
    """p = 0.8, n = 100: 95 % band 72.16–87.84, 99.8 % band 67.64–92.36.
    60/100 is below 99.8 %; 70/100 below 95 %; 80/100 within; 90/100 above 95 %;
    95/100 above 99.8 %. No denominator, no position."""
    p = 0.8
    assert funnel.position(60, 100, p) == funnel.BELOW_998
    assert funnel.position(70, 100, p) == funnel.BELOW_95
    assert funnel.position(80, 100, p) == funnel.WITHIN
    assert funnel.position(90, 100, p) == funnel.ABOVE_95
    assert funnel.position(95, 100, p) == funnel.ABOVE_998
    assert funnel.position(0, 0, p) is None


def test_small_academy_far_from_the_trust_can_still_be_within_the_limits():
    """1 of 4 on time (25 %) against a trust at 80 %: 99.8 % lower limit at n = 4 is
    0.8 − 3.09 × sqrt(0.16 / 4) = 0.8 − 0.618 = 0.182, so 25 % is inside it (but below 95 %:
    0.8 − 1.96 × 0.2 = 0.408)."""
    assert funnel.position(1, 4, 0.8) == funnel.BELOW_95


def test_wilson_interval_eight_of_ten():
    """x = 8, n = 10, z = 1.96: z² = 3.8416; denominator 1 + 0.38416 = 1.38416;
    centre (0.8 + 0.19208) / 1.38416 = 0.716738; half-width
    1.96 × sqrt(0.016 + 0.009604) / 1.38416 = 0.226581 -> (0.49016, 0.94332)."""
    assert funnel.wilson_interval(8, 10) == pytest.approx((0.49016, 0.94332), abs=1e-5)


def test_wilson_interval_at_the_edges():
    """x = 0, n = 10: lower 0, upper 2 × 0.19208 / 1.38416 = 0.27754.
    x = 10, n = 10: the mirror image, (0.72246, 1)."""
    assert funnel.wilson_interval(0, 10) == pytest.approx((0.0, 0.27754), abs=1e-5)
    assert funnel.wilson_interval(10, 10) == pytest.approx((0.72246, 1.0), abs=1e-5)


def test_wilson_interval_one_of_one_and_none():
    """x = 1, n = 1: denominator 4.8416; centre (1 + 1.9208) / 4.8416 = 0.603272;
    half-width 1.96 × sqrt(0.9604) / 4.8416 = 0.396728 -> (0.206544, 1.0). n = 0: no interval."""
    assert funnel.wilson_interval(1, 1) == pytest.approx((0.206544, 1.0), abs=1e-5)
    lower, upper = funnel.wilson_interval(0, 0)
    assert math.isnan(lower) and math.isnan(upper)


def test_wilson_refuses_more_successes_than_trials():
    with pytest.raises(ValueError):
        funnel.wilson_interval(5, 4)
