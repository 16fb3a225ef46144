"""A straightforward pandas computation of some of the figures, the yardstick of issue 21: how
long would the same figures take if the product loaded the tables into pandas frames and
computed them the obvious way?

`load(con)` reads what the figures need into frames (the current rows of each dataset, the
academies and the working-day calendar); `compute(frames, window, standards)` then computes,
for every academy and the TRUST row, the figures of REFERENCE_METRICS with the product's rules
(product.md §3-4): the same event window, the not-yet-happened rule, working-day deadlines and
the TRUST row adding numerators and denominators. The benchmark times `compute` alone (the
frames already loaded) against the product's own `metrics`; tests/test_bench.py checks on the
small trust that both give the same figures, so the yardstick measures the same work.

It covers a figure or more of each dataset, not all forty: staff training's rules (courses,
validity months, DSLs, governors) would be most of the code and none of the point.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from safeguarding.codes import TRUST
from safeguarding.standards import Standards
from safeguarding.window import Window

REFERENCE_METRICS = (
    "concerns_logged",
    "cse_concerns_logged",
    "dsl_review_on_time_pct",
    "decision_recorded_pct",
    "referrals_made",
    "csc_feedback_on_time_pct",
    "csc_feedback_overdue",
    "staff_in_post",
    "policies_overdue",
)
COUNTS = {
    "concerns_logged",
    "cse_concerns_logged",
    "referrals_made",
    "csc_feedback_overdue",
    "staff_in_post",
    "policies_overdue",
}


def load(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """The frames the figures need: the current rows, as the product's views hold them."""
    tables = {
        "academies": "select academy_code from academies order by academy_code",
        "concerns": "select academy_code, logged_at, category, cse_flag, dsl_reviewed_at, "
        "decision_recorded from concerns",
        "referrals": "select academy_code, agency, referred_at, feedback_at from referrals",
        "staff": "select academy_code, role, start_date, leave_date from staff",
        "policies": "select academy_code, next_review_on from policies",
        "calendar": "select day, is_working_day, working_day_no from calendar_days",
    }
    return {name: con.execute(query).df() for name, query in tables.items()}


def compute(
    frames: dict[str, pd.DataFrame], window: Window, standards: Standards
) -> list[dict[str, Any]]:
    """Every REFERENCE_METRICS figure for every academy and TRUST: dicts of academy_code,
    metric, value, numerator, denominator (as the `metrics` command's JSON)."""
    as_of = pd.Timestamp(window.as_of)
    first = pd.Timestamp(window.date_from)
    last = pd.Timestamp(min(window.date_to, window.as_of))
    end_of_as_of = as_of + pd.Timedelta(days=1)
    add_working_days = _working_days(frames["calendar"])

    concerns = frames["concerns"]
    logged_on = concerns["logged_at"].dt.normalize()
    concerns = concerns[(logged_on >= first) & (logged_on <= last)].copy()
    concerns["deadline"] = add_working_days(
        concerns["logged_at"].dt.normalize(), standards.dsl_review_target_days
    )
    reviewed = concerns["dsl_reviewed_at"].where(concerns["dsl_reviewed_at"] < end_of_as_of)
    concerns["due"] = concerns["deadline"] <= as_of
    concerns["on_time"] = concerns["due"] & (reviewed.dt.normalize() <= concerns["deadline"])
    concerns["cse"] = (concerns["category"] == "child_sexual_exploitation") | concerns[
        "cse_flag"
    ].fillna(False).astype(bool)
    concerns["decided"] = concerns["decision_recorded"].fillna(False).astype(bool)

    referrals = frames["referrals"]
    referred_on = referrals["referred_at"].dt.normalize()
    csc = referrals[referrals["agency"] == "children_social_care"].copy()
    csc["deadline"] = add_working_days(
        csc["referred_at"].dt.normalize(), standards.csc_feedback_target_days
    )
    feedback = csc["feedback_at"].where(csc["feedback_at"] < end_of_as_of)
    csc["due"] = csc["deadline"] <= as_of
    csc["on_time"] = csc["due"] & (feedback.dt.normalize() <= csc["deadline"])
    csc["overdue"] = csc["due"] & feedback.isna()
    csc_referred_on = csc["referred_at"].dt.normalize()
    csc["in_window"] = (csc_referred_on >= first) & (csc_referred_on <= last)
    referrals_in_window = referrals[(referred_on >= first) & (referred_on <= last)]

    staff = frames["staff"]
    in_post = staff[
        ~staff["role"].isin(["governor", "trustee"])
        & (staff["start_date"] <= as_of)
        & (staff["leave_date"].isna() | (staff["leave_date"] > as_of))
    ]
    policies = frames["policies"]
    overdue_policies = policies[policies["next_review_on"] < as_of]

    codes = frames["academies"]["academy_code"].tolist()
    in_window_csc = csc[csc["in_window"]]
    parts = {
        "concerns_logged": (concerns.groupby("academy_code").size(), None),
        "cse_concerns_logged": (concerns[concerns["cse"]].groupby("academy_code").size(), None),
        "dsl_review_on_time_pct": (
            concerns[concerns["on_time"]].groupby("academy_code").size(),
            concerns[concerns["due"]].groupby("academy_code").size(),
        ),
        "decision_recorded_pct": (
            concerns[concerns["decided"]].groupby("academy_code").size(),
            concerns.groupby("academy_code").size(),
        ),
        "referrals_made": (referrals_in_window.groupby("academy_code").size(), None),
        "csc_feedback_on_time_pct": (
            in_window_csc[in_window_csc["on_time"]].groupby("academy_code").size(),
            in_window_csc[in_window_csc["due"]].groupby("academy_code").size(),
        ),
        "csc_feedback_overdue": (csc[csc["overdue"]].groupby("academy_code").size(), None),
        "staff_in_post": (in_post.groupby("academy_code").size(), None),
        "policies_overdue": (overdue_policies.groupby("academy_code").size(), None),
    }
    records = []
    for code in [*codes, TRUST]:
        for metric in REFERENCE_METRICS:
            counted, out_of = parts[metric]
            records.append(_record(code, metric, counted, out_of, codes))
    return records


def _record(code, metric, counted: pd.Series, out_of: pd.Series | None, codes) -> dict:
    if code == TRUST:
        # The trust's policies include its trust-wide register rows.
        trust_codes = [*codes, TRUST] if metric == "policies_overdue" else codes
        number = int(counted.reindex(trust_codes, fill_value=0).sum())
        total = None if out_of is None else int(out_of.reindex(codes, fill_value=0).sum())
    else:
        number = int(counted.get(code, 0))
        total = None if out_of is None else int(out_of.get(code, 0))
    if out_of is None:
        return _figure(code, metric, number, None, None)
    value = None if total == 0 else _percent_1dp(number, total)
    return _figure(code, metric, value, number, total)


def _figure(code, metric, value, numerator, denominator) -> dict:
    return {
        "academy_code": code,
        "metric": metric,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
    }


def _percent_1dp(numerator: int, denominator: int) -> float:
    """100 × numerator ÷ denominator rounded half away from zero to 0.1, in whole numbers (as
    the product's percent_1dp, so no float rounding differs)."""
    return (2000 * numerator + denominator) // (2 * denominator) / 10


def _working_days(calendar: pd.DataFrame):
    """add_working_days(days, n) over a Series of days, from the calendar frame."""
    calendar = calendar.assign(day=pd.to_datetime(calendar["day"]))
    number_of_day = calendar.set_index("day")["working_day_no"]
    working = calendar[calendar["is_working_day"]]
    day_of_number = working.set_index("working_day_no")["day"]

    def add(days: pd.Series, n: int) -> pd.Series:
        return days.map(number_of_day).add(n).map(day_of_number)

    return add
