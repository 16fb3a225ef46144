"""The metric figures as plain rows: which queries a set of metrics needs, what every query
binds, and the results stacked in display order (academies in code order, then TRUST; metrics
in the order of config/metrics.toml).

Nothing here needs pandas, so the `metrics` command starts without importing it (half a second
of a fresh process); `safeguarding.metrics` builds its frames from these same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import duckdb

from safeguarding import metrics_definitions, sql
from safeguarding import standards as standards_module
from safeguarding.codes import TRUST
from safeguarding.missing import is_missing
from safeguarding.standards import Standards
from safeguarding.window import ScopeError, Window
from safeguarding.window import bind as bind_windows

# One row of a series; compute() drops as_of_on.
SERIES_COLUMNS = ["as_of_on", "academy_code", "metric", "value", "numerator", "denominator"]


class CalendarMissing(RuntimeError):
    """The database was written without refresh_calendar, so deadlines cannot be computed."""


def academy_codes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every academy in the trust reference, in code order."""
    rows = con.execute(sql.load("dashboard/academies")).fetchall()
    return [row[0] for row in rows]


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


def query_parameters(
    con: duckdb.DuckDBPyConnection,
    windows: Sequence[Window],
    academies: Iterable[str] | None = None,
    standards: Standards | None = None,
) -> dict[str, Any]:
    """What every query may bind: `$windows` (all of them), `$as_of`, `$date_from` and
    `$date_to` (the first), `$academy_codes` (checked against the reference) and `$standards`
    (the struct the models read; each standard under its own name too)."""
    rules = (standards if standards is not None else standards_module.load()).query_parameters()
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


def run(
    con: duckdb.DuckDBPyConnection, query: str, available: dict[str, Any]
) -> duckdb.DuckDBPyConnection:
    """Run a named query, binding just the parameters its text uses (DuckDB refuses extras);
    the connection, ready to fetch the result."""
    text = sql.load(query)
    wanted = sql.parameters(text)
    missing = wanted - set(available)
    if missing:
        raise KeyError(f"queries/{query}.sql needs parameters nobody provides: {sorted(missing)}")
    try:
        return con.execute(text, {name: available[name] for name in wanted})
    except duckdb.CatalogException as error:
        if "calendar_days" in str(error) or "add_working_days" in str(error):
            raise CalendarMissing(
                "This database has no working-day calendar, so deadlines cannot be computed. "
                "Load any export again (or rebuild the demo) to add it."
            ) from error
        raise


def series_rows(
    con: duckdb.DuckDBPyConnection,
    windows: Sequence[Window],
    academies: Iterable[str] | None = None,
    standards: Standards | None = None,
    metric_ids: Iterable[str] | None = None,
) -> list[tuple]:
    """The metrics at every window, one tuple of SERIES_COLUMNS per window, academy (and
    TRUST) and metric, in display order. With metric_ids, only those metrics (and only the
    queries they need)."""
    if len({w.as_of for w in windows}) != len(windows):
        raise ScopeError("Each as-of date in a series can appear only once.")
    parameters = query_parameters(con, windows, academies, standards)
    definitions = metrics_definitions.load()
    wanted = list(definitions) if metric_ids is None else list(dict.fromkeys(metric_ids))
    unknown = sorted(set(wanted) - set(definitions))
    if unknown:
        raise ScopeError(f"No metric named {unknown[0]!r}; see config/metrics.toml.")
    queries = dict.fromkeys(definitions[metric_id].query for metric_id in wanted)
    rows = [row for query in queries for row in run(con, query, parameters).fetchall()]
    if metric_ids is not None:
        chosen = set(wanted)
        rows = [row for row in rows if row[2] in chosen]
    academy_rank = {code: rank for rank, code in enumerate([*parameters["academy_codes"], TRUST])}
    metric_rank = {metric_id: rank for rank, metric_id in enumerate(definitions)}
    return sorted(rows, key=lambda row: (row[0], academy_rank[row[1]], metric_rank[row[2]]))


def as_records(rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """JSON-ready dicts in product.md §4's shape from (academy_code, metric, value, numerator,
    denominator) rows: counts as integers, missing values as None."""
    units = {metric_id: d.unit for metric_id, d in metrics_definitions.load().items()}
    records = []
    for academy_code, metric, value, numerator, denominator in rows:
        value = None if is_missing(value) else float(value)
        if value is not None and units.get(metric) == "count":
            value = int(value)
        records.append(
            {
                "academy_code": academy_code,
                "metric": metric,
                "value": value,
                "numerator": None if is_missing(numerator) else int(numerator),
                "denominator": None if is_missing(denominator) else int(denominator),
            }
        )
    return records
