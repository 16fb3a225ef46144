"""Ingest history and data freshness: what arrived, when, and which academies have gone quiet."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from safeguarding import sql


def ingest_history(
    con: duckdb.DuckDBPyConnection, limit: int = 50, known_at: dt.datetime | None = None
) -> pd.DataFrame:
    """The latest ingests, newest first, as the log stood at `known_at` (None: now)."""
    return con.execute(
        sql.load("status/ingest_history"), {"limit": limit, "known_at": known_at}
    ).df()


def data_freshness(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    stale_after_days: int,
    known_at: dt.datetime | None = None,
) -> pd.DataFrame:
    """One row per academy of the trust and dataset: last export, days since, stale or not
    (the query the dashboard's Data page and needs-attention list use, for every academy), as
    the database stood at `known_at` (None: now)."""
    every_academy = [code for (code, *_) in con.execute(sql.load("dashboard/academies")).fetchall()]
    return con.execute(
        sql.load("status/data_freshness"),
        {
            "as_of": as_of,
            "stale_after_days": stale_after_days,
            "academy_codes": every_academy,
            "known_at": known_at,
        },
    ).df()


def freshness_matrix(freshness: pd.DataFrame) -> pd.DataFrame:
    """Academies down, datasets across; each cell the days since the last export, NaN for
    never (a float, not pandas' nullable Int64, whose NA cannot be compared or truth-tested)."""
    matrix = freshness.pivot(index="academy_code", columns="dataset", values="days_since_export")
    return matrix.astype("float64")


def row_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(sql.load("status/row_counts")).df()
