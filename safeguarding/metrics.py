"""Computing the product.md §4 metrics: for one as-of date, as a series, and the lists behind them.

All the arithmetic is in `queries/metrics/*.sql`; this module chooses the queries, binds their
parameters (scope, window, standards) and stacks the results. Each metric query computes a group
of metrics for a list of snapshots (as-of date + window) at once, so one as-of date and a trend
series are the same query with one snapshot or many.

Results are long: one row per academy and metric, plus academy_code "TRUST", with
value, numerator and denominator. Figures are unsuppressed (product.md §4); suppression for governor
views is applied by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
import pandas as pd

from safeguarding import figures, sql
from safeguarding import standards as standards_module
from safeguarding.codes import TRUST as TRUST

# Callers of the data layer know these by their names here (metrics.CalendarMissing, ...).
from safeguarding.figures import CalendarMissing as CalendarMissing
from safeguarding.figures import academy_codes as academy_codes
from safeguarding.figures import checked_academy_codes as checked_academy_codes
from safeguarding.figures import query_parameters
from safeguarding.standards import Standards
from safeguarding.window import ScopeError, Window
from safeguarding.window import bind as bind_windows

RESULT_COLUMNS = figures.SERIES_COLUMNS[1:]
SERIES_TYPES = {
    "as_of_on": "datetime64[us]",
    "value": "float64",
    "numerator": "Int64",
    "denominator": "Int64",
}

# The record lists behind the figures, in queries/metrics/<name>.sql.
DRILL_DOWNS = (
    "csc_feedback_overdue_list",
    "dsl_review_late_list",
    "staff_training_due_list",
    "dsl_training_due_list",
    "policy_reviews_due_list",
    "required_policies_missing_list",
    "immediate_danger_late_list",
    "repeated_concerns_no_referral_list",
    "nfa_new_concern_list",
    "cp_file_late_list",
)


def academy_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every academy's name by code, in code order."""
    return {row[0]: row[1] for row in con.execute(sql.load("dashboard/academies")).fetchall()}


def compute(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    academies: Iterable[str] | None = None,
    standards: Standards | None = None,
    known_at: dt.datetime | None = None,
) -> pd.DataFrame:
    """Every metric at one as-of date, as known at `known_at` (None: the latest): columns
    academy_code, metric, value, numerator, denominator; academies in code order then TRUST,
    metrics in product.md §4 order."""
    window = Window.ending(as_of, date_from, date_to, known_at)
    frame = series(con, [window], academies, standards)
    return frame.drop(columns="as_of_on").reset_index(drop=True)


def series(
    con: duckdb.DuckDBPyConnection,
    windows: Sequence[Window | dt.date],
    academies: Iterable[str] | None = None,
    standards: Standards | None = None,
    metric_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The metrics at many as-of dates (e.g. month ends or term ends) in one run per query.

    A bare date stands for `Window.ending(date)`, a rolling year; pass Windows to count events
    per month or per term instead. Columns: as_of_on and those of `compute`. With metric_ids,
    only those metrics (and only the queries they need: the staff and training query costs
    about 12 ms a date on the largest trust).
    """
    windows = [w if isinstance(w, Window) else Window.ending(w) for w in windows]
    rows = figures.series_rows(con, windows, academies, standards, metric_ids)
    return pd.DataFrame(rows, columns=figures.SERIES_COLUMNS).astype(SERIES_TYPES)


def drill_down(
    con: duckdb.DuckDBPyConnection,
    name: str,
    as_of: dt.date,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    academies: Iterable[str] | None = None,
    standards: Standards | None = None,
    known_at: dt.datetime | None = None,
) -> pd.DataFrame:
    """One of DRILL_DOWNS: the records behind a figure, with pseudonymous references only."""
    if name not in DRILL_DOWNS:
        raise ScopeError(f"No drill-down list named {name!r}; choose one of {DRILL_DOWNS}.")
    window = Window.ending(as_of, date_from, date_to, known_at)
    return _run(con, f"metrics/{name}", query_parameters(con, [window], academies, standards))


def bound(params: dict[str, Any], rules: dict[str, Any]) -> dict[str, Any]:
    """What a named query may bind, given its own parameters (with the window's dates as
    `as_of`, `date_from`, `date_to`) and the standards' query parameters: each standard by name
    and as the `$standards` struct the models read, and `$windows` for that window (a
    state-only query passes just an as-of date)."""
    available = {**rules, "standards": rules, "known_at": None, **params}
    if "as_of" in params:
        as_of = params["as_of"]
        window = Window(
            as_of,
            params.get("date_from", as_of),
            params.get("date_to", as_of),
            params.get("known_at"),
        )
        available["windows"] = bind_windows([window])
    return available


def execute(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: dict[str, Any],
    standards: Standards | None = None,
) -> pd.DataFrame:
    """A named query with its own parameters and what `bound` adds."""
    text = sql.load(name)
    available = bound(params, _standards(standards).query_parameters())
    return con.execute(text, sql.params_for(text, available)).df()


def run_named(
    con: duckdb.DuckDBPyConnection,
    name: str,
    window: Window,
    academies: Iterable[str] | None = None,
    standards: Standards | None = None,
    **extra: Any,
) -> pd.DataFrame:
    """Any named query of queries/ (a list, a page's query) for one window, with what
    `query_parameters` binds and the query's own `extra` parameters."""
    return _run(con, name, {**query_parameters(con, [window], academies, standards), **extra})


def as_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready dicts in product.md §4's shape: counts as integers, missing values as None."""
    return figures.as_records(frame[RESULT_COLUMNS].itertuples(index=False))


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """The last day of every month from first's month to last's month."""
    ends = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        next_first = dt.date(year + month // 12, month % 12 + 1, 1)
        ends.append(next_first - dt.timedelta(days=1))
        year, month = next_first.year, next_first.month
    return ends


def term_windows(con: duckdb.DuckDBPyConnection, first: dt.date, last: dt.date) -> list[Window]:
    """One Window per academic term ending in [first, last]: as-of = the term's last day, the
    window = the term (from calendar_days, so a trust's own term dates apply)."""
    rows = con.execute(sql.load("calendar/term_ends"), {"first": first, "last": last}).fetchall()
    return [Window(end_on, start_on, end_on) for start_on, end_on in rows]


def _standards(standards: Standards | None) -> Standards:
    return standards if standards is not None else standards_module.load()


def _run(con: duckdb.DuckDBPyConnection, query: str, available: dict[str, Any]) -> pd.DataFrame:
    return figures.run(con, query, available).df()
