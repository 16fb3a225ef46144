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
import math
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
import pandas as pd

from safeguarding import metrics_definitions, sql
from safeguarding import standards as standards_module
from safeguarding.codes import TRUST
from safeguarding.standards import Standards
from safeguarding.window import ScopeError, Window
from safeguarding.window import bind as bind_windows

RESULT_COLUMNS = ["academy_code", "metric", "value", "numerator", "denominator"]

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


class CalendarMissing(RuntimeError):
    """The database was written without refresh_calendar, so deadlines cannot be computed."""


def academy_codes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every academy in the trust reference, in code order."""
    rows = con.execute(sql.load("dashboard/academies")).fetchall()
    return [row[0] for row in rows]


def academy_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every academy's name by code, in code order."""
    return {row[0]: row[1] for row in con.execute(sql.load("dashboard/academies")).fetchall()}


def checked_academy_codes(
    con: duckdb.DuckDBPyConnection, requested: Iterable[str] | None
) -> list[str]:
    """The requested academies (all of them when None), refusing codes not in the reference."""
    known = academy_codes(con)
    if requested is None:
        return known
    wanted = list(dict.fromkeys(code.strip().upper() for code in requested))
    unknown = [code for code in wanted if code not in known]
    if unknown:
        shown = ", ".join(known[:10]) + (f" and {len(known) - 10} more" if len(known) > 10 else "")
        raise ScopeError(
            f"Unknown academy code {unknown[0]!r}: it is not in the academies reference. "
            f"Known codes: {shown or 'none (load the academies file first)'}."
        )
    return wanted


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
    if len({w.as_of for w in windows}) != len(windows):
        raise ScopeError("Each as-of date in a series can appear only once.")
    parameters = query_parameters(con, windows, academies, standards)
    definitions = metrics_definitions.load()
    wanted = list(definitions) if metric_ids is None else list(dict.fromkeys(metric_ids))
    unknown = sorted(set(wanted) - set(definitions))
    if unknown:
        raise ScopeError(f"No metric named {unknown[0]!r}; see config/metrics.toml.")
    queries = dict.fromkeys(definitions[metric_id].query for metric_id in wanted)
    frames = [_run(con, query, parameters) for query in queries]
    frame = pd.concat(frames, ignore_index=True).astype(
        {"value": "float64", "numerator": "Int64", "denominator": "Int64"}
    )
    if metric_ids is not None:
        frame = frame[frame["metric"].isin(wanted)]
    return _in_display_order(frame, list(definitions), parameters["academy_codes"])


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


def query_parameters(
    con: duckdb.DuckDBPyConnection,
    windows: Sequence[Window],
    academies: Iterable[str] | None = None,
    standards: Standards | None = None,
) -> dict[str, Any]:
    """What every query may bind: `$windows` (all of them), `$as_of`, `$date_from` and
    `$date_to` (the first), `$academy_codes` (checked against the reference) and `$standards`
    (the struct the models read; each standard under its own name too)."""
    rules = _standards(standards).query_parameters()
    first = windows[0]
    return {
        "windows": bind_windows(windows),
        "as_of": first.as_of,
        "date_from": first.date_from,
        "date_to": first.date_to,
        "known_at": first.known_at,
        "academy_codes": checked_academy_codes(con, academies),
        "standards": rules,
        **rules,
    }


def as_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready dicts in product.md §4's shape: counts as integers, missing values as None."""
    units = {metric_id: d.unit for metric_id, d in metrics_definitions.load().items()}
    records = []
    for row in frame[RESULT_COLUMNS].itertuples(index=False):
        value = None if _is_missing(row.value) else float(row.value)
        if value is not None and units.get(row.metric) == "count":
            value = int(value)
        records.append(
            {
                "academy_code": row.academy_code,
                "metric": row.metric,
                "value": value,
                "numerator": None if _is_missing(row.numerator) else int(row.numerator),
                "denominator": None if _is_missing(row.denominator) else int(row.denominator),
            }
        )
    return records


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
    """Run a named query, binding just the parameters its text uses (DuckDB refuses extras)."""
    text = sql.load(query)
    wanted = sql.parameters(text)
    missing = wanted - set(available)
    if missing:
        raise KeyError(f"queries/{query}.sql needs parameters nobody provides: {sorted(missing)}")
    try:
        return con.execute(text, {name: available[name] for name in wanted}).df()
    except duckdb.CatalogException as error:
        if "calendar_days" in str(error) or "add_working_days" in str(error):
            raise CalendarMissing(
                "This database has no working-day calendar, so deadlines cannot be computed. "
                "Load any export again (or rebuild the demo) to add it."
            ) from error
        raise


def _in_display_order(
    frame: pd.DataFrame, metric_order: list[str], academy_order: list[str]
) -> pd.DataFrame:
    academy_rank = {code: rank for rank, code in enumerate([*academy_order, TRUST])}
    metric_rank = {metric_id: rank for rank, metric_id in enumerate(metric_order)}
    frame = frame.assign(
        _academy_rank=frame["academy_code"].map(academy_rank),
        _metric_rank=frame["metric"].map(metric_rank),
    )
    frame = frame.sort_values(["as_of_on", "_academy_rank", "_metric_rank"], kind="stable")
    return frame.drop(columns=["_academy_rank", "_metric_rank"]).reset_index(drop=True)[
        ["as_of_on", *RESULT_COLUMNS]
    ]


def _is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
