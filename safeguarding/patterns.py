"""Wider patterns (CSE policy §8): a category of concern rising at an academy against its own
control limits. Counts come from `queries/dashboard/concern_category_months.sql`; the judgement
is a c-chart (safeguarding/control_limits.py) of each academy's monthly count of a category.

The month judged is the latest complete month before the as-of date; its limits come from the
BASELINE_MONTHS complete months before it (months without a concern count 0). A category is
rising when that month's count is above the upper limit and at least MIN_RISING concerns, so a
single concern in a usually quiet category is not called a pattern.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from safeguarding import control_limits

BASELINE_MONTHS = 12
MIN_RISING = 3
COLUMNS = ["academy_code", "category", "month_start", "concerns", "centre", "upper"]


def judged_month(as_of: dt.date) -> dt.date:
    """The first day of the latest month complete by the end of the as-of date."""
    next_day = as_of + dt.timedelta(days=1)
    if next_day.day == 1:
        return as_of.replace(day=1)
    first = as_of.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def months_back(month: dt.date, count: int) -> list[dt.date]:
    """The `count` month starts before `month`, oldest first."""
    months = []
    year, number = month.year, month.month
    for _ in range(count):
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
        months.append(dt.date(year, number, 1))
    return months[::-1]


def window_start(as_of: dt.date) -> dt.date:
    """The first day the counts must cover: the start of the baseline."""
    return months_back(judged_month(as_of), BASELINE_MONTHS)[0]


def rising_categories(counts: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """One row per academy and category rising in the judged month: its count, the centre
    (mean of the baseline months) and the upper limit, highest excess first."""
    month = judged_month(as_of)
    baseline = months_back(month, BASELINE_MONTHS)
    rows = []
    if counts.empty:
        return pd.DataFrame(columns=COLUMNS)
    months = pd.to_datetime(counts["month_start"]).dt.date
    by_key = {
        (a, c, m): int(n)
        for a, c, m, n in zip(
            counts["academy_code"], counts["category"], months, counts["concerns"], strict=True
        )
    }
    for academy, category in sorted({(a, c) for a, c, _ in by_key}):
        series = [by_key.get((academy, category, m), 0) for m in [*baseline, month]]
        limits = control_limits.c_chart(series, include=[True] * BASELINE_MONTHS + [False])
        latest = series[-1]
        if latest >= MIN_RISING and limits.upper[-1] is not None and latest > limits.upper[-1]:
            rows.append(
                {
                    "academy_code": academy,
                    "category": category,
                    "month_start": month,
                    "concerns": latest,
                    "centre": round(limits.centre[-1], 1),
                    "upper": round(limits.upper[-1], 1),
                }
            )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    excess = frame["concerns"] - frame["upper"]
    return frame.iloc[excess.argsort(kind="stable")[::-1]].reset_index(drop=True)
