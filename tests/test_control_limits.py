"""Control limits for the trend charts, checked against figures worked out by hand."""

from __future__ import annotations

import math

import pytest

from safeguarding.control_limits import c_chart, p_chart


def test_p_chart_limits_use_each_points_own_denominator():
    """8/10, 9/10, 2/20: p̄ = 19/40 = 0.475.
    n = 10: 3 √(0.475 × 0.525 / 10) = 0.47375 -> 0.13% to 94.87% (80 and 90 inside).
    n = 20: 3 √(0.475 × 0.525 / 20) = 0.33499 -> 14.00% to 81.00% (10% is below)."""
    limits = p_chart([8, 9, 2], [10, 10, 20])
    assert limits.centre == pytest.approx([47.5, 47.5, 47.5])
    assert limits.lower == pytest.approx([0.1253, 0.1253, 14.0007], abs=1e-3)
    assert limits.upper == pytest.approx([94.8747, 94.8747, 80.9993], abs=1e-3)
    assert limits.is_outside == [False, False, True]


def test_p_chart_limits_are_clipped_to_0_and_100():
    """0/5, 1/5: p̄ = 0.1, 3 √(0.1 × 0.9 / 5) = 0.40249 -> lower −30% clipped to 0, upper 50.2%.
    All 10/10: p̄ = 1, no spread: both limits 100, nothing outside."""
    low = p_chart([0, 1], [5, 5])
    assert low.lower == [0.0, 0.0]
    assert low.upper == pytest.approx([50.249, 50.249], abs=1e-3)
    full = p_chart([10, 10], [10, 10])
    assert full.lower == [100.0, 100.0] and full.upper == [100.0, 100.0]
    assert full.is_outside == [False, False]


def test_p_chart_skips_points_without_a_denominator():
    """A period with nothing due (0/0 or missing) has no value and no limits: 3/4, 0/0, None."""
    limits = p_chart([3, 0, None], [4, 0, None])
    assert limits.centre[0] == pytest.approx(75.0)
    assert limits.centre[1:] == [None, None]
    assert limits.lower[1:] == [None, None] and limits.upper[1:] == [None, None]
    assert limits.is_outside == [False, False, False]


def test_p_chart_with_nothing_due_anywhere_has_no_limits():
    limits = p_chart([0, 0], [0, 0])
    assert limits.centre == [None, None] and limits.is_outside == [False, False]


def test_p_chart_include_leaves_points_out_of_the_centre_only():
    """Centre from 5/10 and 5/10 only (p̄ = 0.5); the excluded 10/10 still gets limits from its
    own n = 10: 0.5 ± 3 √(0.025) = 0.5 ± 0.4743 -> 2.57% to 97.43%, so 100% is outside."""
    limits = p_chart([5, 5, 10], [10, 10, 10], include=[True, True, False])
    assert limits.centre == pytest.approx([50.0, 50.0, 50.0])
    assert limits.upper[2] == pytest.approx(97.434, abs=1e-3)
    assert limits.is_outside == [False, False, True]


def test_c_chart_limits_are_mean_plus_minus_three_root_mean():
    """4, 9, 2, 25: c̄ = 10, 3 √10 = 9.4868 -> 0.513 to 19.487; 25 is above, 2 is inside."""
    limits = c_chart([4, 9, 2, 25])
    assert limits.centre == pytest.approx([10.0] * 4)
    assert limits.lower == pytest.approx([10 - 3 * math.sqrt(10)] * 4)
    assert limits.upper == pytest.approx([10 + 3 * math.sqrt(10)] * 4)
    assert limits.is_outside == [False, False, False, True]


def test_c_chart_lower_limit_floors_at_zero():
    """1, 2, 3: c̄ = 2, 2 − 3 √2 < 0 -> 0; 0 itself is not below the limit."""
    limits = c_chart([1, 2, 3, 0], include=[True, True, True, False])
    assert limits.lower == [0.0] * 4
    assert limits.is_outside == [False] * 4


def test_c_chart_excluded_points_are_still_judged():
    """Centre from 16, 16, 16 (c̄ = 16, limits 4 to 28); the partial 3 is below 4."""
    limits = c_chart([16, 16, 16, 3], include=[True, True, True, False])
    assert limits.centre == pytest.approx([16.0] * 4)
    assert limits.lower[3] == pytest.approx(4.0)
    assert limits.is_outside == [False, False, False, True]


def test_c_chart_missing_counts_have_no_limits():
    limits = c_chart([None, float("nan"), 4])
    assert limits.centre[:2] == [None, None]
    assert limits.is_outside == [False, False, False]


def test_lengths_must_match():
    with pytest.raises(ValueError):
        p_chart([1, 2], [3])
    with pytest.raises(ValueError):
        c_chart([1, 2], include=[True])
