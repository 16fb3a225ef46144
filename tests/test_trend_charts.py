"""This year against last (trend_charts.year_against_last_figure) on hand-made month figures:
each percentage shows its n, and a month resting on fewer than MIN_DENOMINATOR cases is left
out (one case would swing the line from 0 to 100 %), which a caption says."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from safeguarding import metrics_definitions, standards
from safeguarding.ui import trend_charts

AS_OF = dt.date(2026, 11, 28)
METRIC = "induction_on_time_pct"


def month_points(figures: dict[dt.date, tuple[int, int]], metric_id: str = METRIC):
    """The month points of 2025/26 and 2026/27 to date from {month end: (numerator,
    denominator)}, through the page's own steps (points, then year_against_last)."""
    periods = trend_charts.month_periods(dt.date(2025, 9, 1), AS_OF)
    series = pd.DataFrame(
        [
            {
                "as_of_on": as_of_on,
                "academy_code": "TRUST",
                "metric": metric_id,
                "value": 100 * numerator / denominator if denominator else None,
                "numerator": numerator,
                "denominator": denominator,
            }
            for as_of_on, (numerator, denominator) in figures.items()
        ]
    )
    frame = trend_charts.points(series, periods, metric_id, "TRUST")
    return trend_charts.year_against_last(frame, AS_OF)


def line(figure, name: str) -> dict[str, tuple]:
    [trace] = [t for t in figure.data if t.name == name]
    return {
        month: (y, text)
        for month, y, text in zip(trace.x, trace.y, trace.text or [""] * len(trace.x), strict=True)
    }


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


FIGURES = {
    dt.date(2025, 9, 30): (1, 1),  # one starter: would plot as 100 %
    dt.date(2025, 10, 31): (3, 5),  # five: plotted, 60 %
    dt.date(2025, 11, 30): (2, 4),  # four: still too few
    dt.date(2026, 9, 30): (9, 12),
    dt.date(2026, 10, 31): (0, 1),  # one starter, not trained on time: would plot as 0 %
}


def test_a_month_with_fewer_than_five_cases_is_not_plotted_and_n_is_shown():
    years = month_points(FIGURES)
    figure = trend_charts.year_against_last_figure(years, METRIC, "Trust", AS_OF)
    last = line(figure, "2025/26 (last year)")
    this = line(figure, "2026/27 (this year)")
    assert missing(last["Sep"][0]) and last["Sep"][1] == ""  # n = 1: left out
    assert last["Oct"] == (pytest.approx(60.0), "n=5")  # n = 5: plotted, with its n
    assert missing(last["Nov"][0])  # n = 4
    assert this["Sep"] == (pytest.approx(75.0), "n=12")
    assert missing(this["Oct"][0])
    # The hover of a month left out says why, with its n.
    [trace] = [t for t in figure.data if t.name == "2025/26 (last year)"]
    assert "not plotted: n = 1, fewer than 5 cases" in trace.hovertext[0]
    assert "3 of 5" in trace.hovertext[1]
    note = trend_charts.too_few_note(years, METRIC)
    assert note.startswith(
        "Months with fewer than 5 cases are not plotted: one case would swing the line from 0 "
        "to 100 %."
    )
    assert "Sep 2025/26 (n = 1)" in note and "Oct 2026/27 (n = 1)" in note
    assert "Oct 2025/26" not in note
    assert trend_charts.MIN_DENOMINATOR == 5


def test_no_caption_when_every_month_has_enough_cases():
    years = month_points({dt.date(2025, 10, 31): (3, 5), dt.date(2026, 9, 30): (9, 12)})
    assert trend_charts.too_few_note(years, METRIC) is None


def test_counts_are_plotted_whatever_their_size():
    """A count (concerns logged) has no denominator to judge it by: one concern is one."""
    periods = trend_charts.month_periods(dt.date(2025, 9, 1), AS_OF)
    series = pd.DataFrame(
        [
            {
                "as_of_on": dt.date(2025, 9, 30),
                "academy_code": "TRUST",
                "metric": "concerns_logged",
                "value": 1,
                "numerator": None,
                "denominator": None,
            }
        ]
    )
    frame = trend_charts.points(series, periods, "concerns_logged", "TRUST")
    years = trend_charts.year_against_last(frame, AS_OF)
    figure = trend_charts.year_against_last_figure(years, "concerns_logged", "Trust", AS_OF)
    assert line(figure, "2025/26 (last year)")["Sep"][0] == 1
    assert trend_charts.too_few_note(years, "concerns_logged") is None


def test_months_before_the_kcsie_edition_came_into_force_are_not_applicable():
    """Against the current edition (2025): months of 2024/25 have no figure, whatever the
    query gave (0 %), and are marked n/a."""
    rules = standards.load(standards.SHIPPED_STANDARDS)
    metric = "kcsie_annex_b_read_pct"
    applies = metrics_definitions.applies_from(metric, rules)
    assert applies.day == dt.date(2025, 9, 1)
    as_of = dt.date(2025, 10, 15)
    periods = trend_charts.month_periods(dt.date(2024, 9, 1), as_of)
    series = pd.DataFrame(
        [
            {
                "as_of_on": p.window.as_of,
                "academy_code": "TRUST",
                "metric": metric,
                "value": 0.0 if p.window.as_of < applies.day else 50.0,
                "numerator": 0 if p.window.as_of < applies.day else 10,
                "denominator": 20,
            }
            for p in periods
        ]
    )
    frame = trend_charts.points(series, periods, metric, "TRUST", applies)
    years = trend_charts.year_against_last(frame, as_of)
    figure = trend_charts.year_against_last_figure(
        years, metric, "Trust", as_of, not_applicable=applies.reason
    )
    last = line(figure, "2024/25 (last year)")
    assert all(missing(y) for y, _ in last.values())
    assert line(figure, "2025/26 (this year)")["Sep"][0] == pytest.approx(50.0)
    [marks] = [t for t in figure.data if t.name == "n/a: not applicable"]
    assert list(marks.x) == trend_charts.SCHOOL_MONTHS
    assert trend_charts.not_applicable_note(years, applies) == (
        "KCSIE 2025 came into force on 1 September 2025: earlier periods are not applicable."
    )
