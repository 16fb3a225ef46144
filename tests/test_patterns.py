"""A category rising at an academy against its own control limits (CSE policy §8): the monthly
counts of queries/dashboard/concern_category_months.sql judged by safeguarding/patterns.py."""

from __future__ import annotations

import datetime as dt

from metric_fixtures import build

from safeguarding import database, metrics, patterns


def monthly(category: str, per_month: dict[str, int], academy: str = "OAK") -> list[dict]:
    rows = []
    for month, count in per_month.items():
        for n in range(count):
            rows.append(
                {
                    "academy_code": academy,
                    "category": category,
                    "logged_at": f"{month}-{n + 2:02d} 10:00",
                }
            )
    return rows


BASELINE = [f"{y}-{m:02d}" for y, m in [(2024, 11), (2024, 12)] + [(2025, m) for m in range(1, 11)]]


def test_the_judged_month_is_the_latest_complete_one():
    assert patterns.judged_month(dt.date(2025, 12, 10)) == dt.date(2025, 11, 1)
    assert patterns.judged_month(dt.date(2025, 11, 30)) == dt.date(2025, 11, 1)
    # 29 February 2024 ends February
    assert patterns.judged_month(dt.date(2024, 2, 29)) == dt.date(2024, 2, 1)
    assert patterns.window_start(dt.date(2025, 12, 10)) == dt.date(2024, 11, 1)


def test_a_category_above_its_own_upper_limit_is_rising(tmp_path):
    """As of 10 Dec 2025 the month judged is November 2025, against Nov 2024 - Oct 2025.
    Sharing nudes: 1 a month, then 6: centre 1, upper 1 + 3 = 4 - rising.
    Neglect: 2 a month, then 6: upper 2 + 3 x 1.414 = 6.24 - not rising.
    Online safety: none, then 2: above an upper limit of 0 but fewer than 3 - not rising.
    Radicalisation: none, then 3 - rising (upper 0). ELM's sharing nudes: 1 a month, then 1."""
    concerns = [
        *monthly("sharing_nudes", {**dict.fromkeys(BASELINE, 1), "2025-11": 6}),
        *monthly("neglect", {**dict.fromkeys(BASELINE, 2), "2025-11": 6}),
        *monthly("online_safety", {"2025-11": 2}),
        *monthly("radicalisation", {"2025-11": 3}),
        *monthly("sharing_nudes", {**dict.fromkeys(BASELINE, 1), "2025-11": 1}, "ELM"),
        # December, the month not yet over, is not judged
        *monthly("domestic_abuse", {"2025-12": 5}),
    ]
    db = build(tmp_path, concerns=concerns)
    as_of = dt.date(2025, 12, 10)
    window = metrics.Window(as_of, patterns.window_start(as_of), as_of)
    with database.reader(db) as con:
        counts = metrics.run_named(con, "dashboard/concern_category_months", window)
    rising = patterns.rising_categories(counts, as_of)
    assert [
        (r.academy_code, r.category, r.concerns, r.centre, r.upper) for r in rising.itertuples()
    ] == [
        ("OAK", "radicalisation", 3, 0.0, 0.0),  # 3 above its limit: first
        ("OAK", "sharing_nudes", 6, 1.0, 4.0),
    ]
