"""Tables as people read them: a missing value is never shown as None, nan or a blank cell but
with its meaning ("not yet", "not recorded", "—", "c"), and codes in the contract's labels.

`readable(frame, column_config, missing)` returns the frame and its column settings with every
column that holds a missing value (or text beside numbers, such as "c") turned into text:
dates as "28 Nov 2026", times as
"28 Nov 2026 09:00", whole numbers with thousands separators, true/false as yes/no, and the
missing cells as `missing[column]` (default "—"). Columns without a missing value keep their
type, so they still sort as numbers and dates. `show` draws the result with st.dataframe.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
import streamlit as st

NOT_GIVEN = "—"


def readable(
    frame: pd.DataFrame,
    column_config: dict[str, Any] | None = None,
    missing: dict[str, str] | None = None,
    editable: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """`editable` columns of a data editor keep their type: an empty cell there is one to fill."""
    config = dict(column_config or {})
    missing = missing or {}
    shown = frame.copy()
    for column in shown.columns:
        if column in editable:
            continue
        values = shown[column]
        if config.get(column, "") is None or not (_is_missing(values).any() or _mixed(values)):
            continue
        meaning = missing.get(column, NOT_GIVEN)
        # Once a column, not once a cell: a list of thousands of rows is shown on every rerun.
        with_time = _has_times(values)
        shown[column] = [meaning if _missing(v) else _as_text(v, with_time) for v in values]
        config[column] = st.column_config.TextColumn(_label(config.get(column), column))
    return shown, config


def show(
    frame: pd.DataFrame,
    column_config: dict[str, Any] | None = None,
    missing: dict[str, str] | None = None,
    **options: Any,
) -> None:
    shown, config = readable(frame, column_config, missing)
    options.setdefault("hide_index", True)
    st.dataframe(shown, column_config=config, **options)


def _mixed(values: pd.Series) -> bool:
    """Text beside numbers or dates (e.g. "c" among counts): Arrow needs one type a column."""
    if values.dtype != object:
        return False
    kinds = {isinstance(v, str) for v in values if not _missing(v)}
    return len(kinds) > 1


def _is_missing(values: pd.Series) -> pd.Series:
    return values.isna() | values.map(lambda v: isinstance(v, str) and not v.strip())


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _as_text(value: Any, with_time: bool) -> str:
    """A cell as text; `with_time`: its column's times are not all midnight."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return f"{value:%-d %b %Y %H:%M}" if with_time else f"{value:%-d %b %Y}"
    if isinstance(value, dt.date):
        return f"{value:%-d %b %Y}"
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    return str(value)


def _has_times(column: pd.Series) -> bool:
    if not any(isinstance(v, dt.datetime) for v in column):
        return False
    moments = pd.to_datetime(column, errors="coerce").dropna()
    return bool(len(moments)) and bool((moments != moments.dt.normalize()).any())


def _label(entry: Any, column: str) -> str:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and entry.get("label"):
        return entry["label"]
    return column
