"""How pages read data: one cached read-only connection per database file, a cursor per query,
and results cached with the file's identity, the scope and every parameter in the key.

When an ingest swaps in a new database file, its identity (inode, mtime) changes, so the next
rerun opens the new file and misses the old cached results: new data shows without a restart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb
import pandas as pd
import streamlit as st

from safeguarding import database, metrics, sql
from safeguarding.ui.filters import Filters


def database_path() -> str:
    return str(database.resolve_db_path(None))


def database_stamp() -> tuple[int, int]:
    return database.file_stamp(database_path())


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str, stamp: tuple[int, int]) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(path, read_only=True)


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the current database file (streamed results block their connection, so
    every query gets its own cursor and fetches whole results)."""
    path = database_path()
    return _connection(path, database.file_stamp(path)).cursor()


@st.cache_data(max_entries=512, show_spinner=False)
def _query(name: str, params: tuple, stamp: tuple[int, int]) -> pd.DataFrame:
    text = sql.load(name)
    with cursor() as cur:
        return cur.execute(text, sql.params_for(text, dict(params))).df()


def query(name: str, **params) -> pd.DataFrame:
    """A named query from queries/, with its parameters bound; cached per database file."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _query(name, frozen, database_stamp()).copy()


@st.cache_data(max_entries=256, show_spinner=False)
def _metrics(
    as_of: dt.date,
    date_from: dt.date,
    date_to: dt.date,
    academies: tuple[str, ...],
    stamp: tuple[int, int],
) -> pd.DataFrame:
    with cursor() as cur:
        return metrics.compute(cur, as_of, date_from, date_to, list(academies))


def metric_values(filters: Filters, academies: Iterable[str], days_earlier: int = 0):
    """Every metric for the academies (plus their TRUST row) at the as-of date, or at the same
    window moved `days_earlier` back (for "change since last week")."""
    shift = dt.timedelta(days=days_earlier)
    return _metrics(
        filters.as_of - shift,
        filters.date_from - shift,
        filters.date_to - shift,
        tuple(academies),
        database_stamp(),
    ).copy()


@st.cache_data(max_entries=64, show_spinner=False)
def _series(windows: tuple[metrics.Window, ...], academies: tuple[str, ...], stamp) -> pd.DataFrame:
    with cursor() as cur:
        return metrics.series(cur, list(windows), list(academies))


def metric_series(windows: list[metrics.Window], academies: Iterable[str]) -> pd.DataFrame:
    return _series(tuple(windows), tuple(academies), database_stamp()).copy()


@st.cache_data(max_entries=16, show_spinner=False)
def _term_windows(first: dt.date, last: dt.date, stamp) -> list[metrics.Window]:
    with cursor() as cur:
        return metrics.term_windows(cur, first, last)


def term_windows(first: dt.date, last: dt.date) -> list[metrics.Window]:
    return _term_windows(first, last, database_stamp())


@st.cache_data(max_entries=256, show_spinner=False)
def _drill_down(name, as_of, date_from, date_to, academies, stamp) -> pd.DataFrame:
    with cursor() as cur:
        return metrics.drill_down(cur, name, as_of, date_from, date_to, list(academies))


def drill_down(name: str, filters: Filters, academies: Iterable[str]) -> pd.DataFrame:
    """Records behind a figure; pass only academies whose records the viewer may see."""
    academies = tuple(academies)
    if not academies:
        return pd.DataFrame()
    return _drill_down(
        name, filters.as_of, filters.date_from, filters.date_to, academies, database_stamp()
    ).copy()


def academies() -> pd.DataFrame:
    return query("dashboard/academies")
