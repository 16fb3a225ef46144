"""Why did a figure move? The rows behind a metric that were added, changed or retired between
two knowledge times (product.md §2.5), by pseudonymous reference: the trust lead's answer when
a figure is not what last week's meeting was told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb
import pandas as pd

from safeguarding import clock, metrics, metrics_definitions, sql
from safeguarding.window import ScopeError

# The datasets each metric query reads (through the models).
DATASETS_BEHIND = {
    "metrics/concerns": ("concerns",),
    "metrics/referrals": ("referrals",),
    "metrics/staff_training": ("staff", "training"),
    "metrics/policies": ("policies",),
    "metrics/patterns": ("concerns", "referrals"),
    "metrics/transfers": ("transfers",),
}
COLUMNS = ["dataset", "academy_code", "row_ref", "change", "changed_at", "by_file"]


def datasets_behind(metric_id: str) -> tuple[str, ...]:
    definitions = metrics_definitions.load()
    if metric_id not in definitions:
        raise ScopeError(f"No metric named {metric_id!r}; see config/metrics.toml.")
    return DATASETS_BEHIND[definitions[metric_id].query]


def changes(
    con: duckdb.DuckDBPyConnection,
    metric_id: str,
    since: dt.datetime,
    until: dt.datetime | None = None,
    academies: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The rows behind `metric_id` added, changed or retired after `since` and by `until`
    (default: now), for the academies (all when None): COLUMNS, one row per row changed."""
    until = until or clock.now()
    if since >= until:
        raise ScopeError(f"--since ({since:%Y-%m-%d %H:%M}) must be before --until.")
    text = sql.load("history/changes")
    return con.execute(
        text,
        {
            "datasets": list(datasets_behind(metric_id)),
            "academy_codes": metrics.checked_academy_codes(con, academies),
            "since": since,
            "until": until,
        },
    ).df()[COLUMNS]
