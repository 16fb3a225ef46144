"""The weekly meeting's action list ("needs attention"): one row per thing to act on.

The record and policy items come from `queries/metrics/needs_attention.sql`, which reads the same
models as the figures: each item counts against at most one metric and, for every academy and
metric, the items number exactly the figure's shortfall. Policy flags and stale data, which
explain no metric, are added here from their own queries. The overview, the `attention` command
and (later) the weekly e-mail all call `needs_attention`.

Record-level items (referrals, concerns, people) come only from `record_academies`; policy and
data-freshness items, which hold no personal data, from `register_academies`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

import duckdb
import pandas as pd

from safeguarding import metrics, sql, standards
from safeguarding.policy_import.flags import flag_parameters
from safeguarding.standards import Standards
from safeguarding.window import Window

COLUMNS = [
    "priority",
    "key",
    "area",
    "metric",
    "academy_code",
    "item",
    "detail",
    "due_on",
    "overdue_working_days",
    "overdue_days",
]
POLICY_FLAG_PRIORITY = 10
STALE_DATA_PRIORITY = 11

# The metrics whose shortfall the list explains item by item, and how: a count metric by its
# value, a percentage by denominator − numerator.
EXPLAINED_COUNTS = (
    "csc_feedback_overdue",
    "training_expiring_30d",
    "policies_overdue",
    "policies_due_soon",
    "required_policies_missing",
)
EXPLAINED_PERCENTAGES = (
    "safeguarding_training_in_date_pct",
    "dsl_training_in_date_pct",
    "governor_training_in_date_pct",
)


def needs_attention(
    con: duckdb.DuckDBPyConnection,
    window: Window,
    record_academies: Iterable[str],
    register_academies: Iterable[str],
    rules: Standards | None = None,
) -> pd.DataFrame:
    """The list, most urgent first: COLUMNS, one row per item."""
    rules = rules or standards.load()
    record_academies = list(record_academies)
    register_academies = list(register_academies)
    parameters = {
        **metrics.query_parameters(con, [window], register_academies, rules),
        "academy_codes": record_academies,
        "register_academy_codes": register_academies,
    }
    items = _run(con, "metrics/needs_attention", parameters)
    flags = _policy_flags(con, {**parameters, "academy_codes": register_academies}, rules)
    stale = _stale_data(con, {**parameters, "academy_codes": register_academies}, rules)
    parts = [part for part in (items, flags, stale) if not part.empty]
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    combined = pd.concat(parts, ignore_index=True)[COLUMNS]
    for column in ("overdue_working_days", "overdue_days", "priority"):
        combined[column] = pd.to_numeric(combined[column]).astype("Int64")
    combined["due_on"] = pd.to_datetime(combined["due_on"]).dt.date
    # None, not NaN: "explains no metric" is a value of its own (JSON null).
    combined["metric"] = combined["metric"].astype(object).where(combined["metric"].notna(), None)
    combined["_overdue"] = combined["overdue_working_days"].fillna(combined["overdue_days"])
    return (
        combined.sort_values(
            ["priority", "_overdue", "academy_code", "key"],
            ascending=[True, False, True, True],
            na_position="last",
            kind="stable",
        )
        .drop(columns="_overdue")
        .reset_index(drop=True)
    )


def shortfalls(figures: pd.DataFrame) -> pd.DataFrame:
    """What the list must explain, from `metrics.compute`: per academy_code (TRUST included)
    and explained metric, the number of items (`shortfall`)."""
    counts = figures[figures["metric"].isin(EXPLAINED_COUNTS)].assign(
        shortfall=lambda f: f["value"]
    )
    percentages = figures[figures["metric"].isin(EXPLAINED_PERCENTAGES)].assign(
        shortfall=lambda f: f["denominator"] - f["numerator"]
    )
    both = pd.concat([counts, percentages], ignore_index=True)
    both["shortfall"] = both["shortfall"].fillna(0).astype(int)
    return both[["academy_code", "metric", "shortfall"]]


def as_records(items: pd.DataFrame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """JSON-ready dicts: dates as YYYY-MM-DD, whole numbers as integers, missing as None."""
    columns = columns or COLUMNS
    records = []
    for row in items[columns].to_dict("records"):
        records.append({column: _plain(row[column]) for column in columns})
    return records


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ") if value != value.normalize() else value.date().isoformat()
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _run(con: duckdb.DuckDBPyConnection, name: str, parameters: dict) -> pd.DataFrame:
    text = sql.load(name)
    return con.execute(text, sql.params_for(text, parameters)).df()


def _policy_flags(con, parameters: dict, rules: Standards) -> pd.DataFrame:
    rows = _run(con, "dashboard/policy_flags", {**parameters, **flag_parameters(rules)})
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    return pd.DataFrame(
        {
            "priority": POLICY_FLAG_PRIORITY,
            "key": "policy:"
            + rows["academy_code"]
            + ":"
            + rows["policy_title"].str.lower().str.replace(r"[^a-z0-9]+", "", regex=True)
            + ":flag:"
            + rows["flag"],
            "area": "Policy flag",
            "metric": None,
            "academy_code": rows["academy_code"],
            "item": rows["policy_title"],
            "detail": rows["flag_label"] + ": " + rows["detail"],
            "due_on": None,
            "overdue_working_days": None,
            "overdue_days": None,
        }
    )


def _stale_data(con, parameters: dict, rules: Standards) -> pd.DataFrame:
    rows = _run(con, "status/data_freshness", parameters)
    rows = rows[rows["is_stale"]]
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    never = rows["days_since_export"].isna()
    days = rows["days_since_export"].astype("Int64").astype(str)
    detail = ("No " + rows["dataset"] + " export for " + days + " days").where(
        ~never, "No " + rows["dataset"] + " export ever loaded"
    )
    return pd.DataFrame(
        {
            "priority": STALE_DATA_PRIORITY,
            "key": "data:" + rows["academy_code"] + ":" + rows["dataset"] + ":stale",
            "area": "Data stale",
            "metric": None,
            "academy_code": rows["academy_code"],
            "item": rows["dataset"].str.capitalize() + " export",
            "detail": detail,
            "due_on": None,
            "overdue_working_days": None,
            "overdue_days": rows["days_since_export"] - rules.stale_after_days,
        }
    )
