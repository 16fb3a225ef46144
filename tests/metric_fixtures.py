"""Small hand-made databases for the metric tests: given rows -> expected figures.

`build(tmp_path, concerns=[...], staff=[...])` writes the rows with plain INSERTs through
`database.writer(..., after_write=refresh_calendar)`, exactly as the ingest does, and returns the
database path. Each row is a dict of the columns that matter to the test; the rest take the
neutral defaults below. Every database has three academies: OAK and ELM, which tests fill, and
ASH, which never has data (it must still get a row for every metric).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from pathlib import Path
from typing import Any

import pandas as pd
from conftest import TODAY  # the suite's one clock

from safeguarding import calendar, database, metrics

ACADEMIES = [
    {"academy_code": "OAK", "academy_name": "Oak Primary", "phase": "primary"},
    {"academy_code": "ELM", "academy_name": "Elm Secondary", "phase": "secondary"},
    {"academy_code": "ASH", "academy_name": "Ash Special", "phase": "special"},
]

_serial = itertools.count(1)

# Columns a test need not mention. Callables make a fresh value per row.
DEFAULTS: dict[str, dict[str, Any]] = {
    "concerns": {
        "academy_code": "OAK",
        "concern_id": lambda: f"C{next(_serial)}",
        "pupil_ref": lambda: f"PUPIL-{next(_serial)}",
        "category": "neglect",
        "status": "open",
    },
    "referrals": {
        "academy_code": "OAK",
        "referral_id": lambda: f"R{next(_serial)}",
        "agency": "children_social_care",
        "pupil_ref": lambda: f"PUPIL-{next(_serial)}",
    },
    "staff": {
        "academy_code": "OAK",
        "staff_ref": lambda: f"S{next(_serial)}",
        "role": "teacher",
        "safeguarding_role": "none",
        "works_with_children": True,
        "start_date": "2020-01-06",
    },
    "training": {"academy_code": "OAK"},
    "transfers": {"academy_code": "OAK"},
    "policies": {"academy_code": "OAK", "policy_type": "other", "review_cycle_months": 12},
}


def build(
    tmp_path: Path,
    academies: list[dict[str, Any]] | None = None,
    **tables: list[dict[str, Any]],
) -> Path:
    """A database holding the academies and the given rows of each table, with its calendar."""
    db = tmp_path / "t.duckdb"
    refresh = functools.partial(calendar.refresh_calendar, today=TODAY)
    with database.writer(db, after_write=refresh) as con:
        insert(con, "academies", ACADEMIES if academies is None else academies)
        for table, rows in tables.items():
            insert(con, table, [_with_defaults(table, row) for row in rows])
    return db


# Every version of these is kept (<table>_versions); a fixture's rows are known from the start.
VERSIONED = ("concerns", "referrals", "staff", "training", "policies", "transfers")
KNOWN_FROM_THE_START = dt.datetime(1970, 1, 1)


def insert(con, table: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if table in VERSIONED:
            row = {**row, "known_from": row.get("known_from", KNOWN_FROM_THE_START)}
            table_name = f"{table}_versions"
        else:
            table_name = table
        columns = ", ".join(row)
        placeholders = ", ".join("?" for _ in row)
        con.execute(
            f"insert into {table_name} ({columns}) values ({placeholders})", list(row.values())
        )


def _with_defaults(table: str, row: dict[str, Any]) -> dict[str, Any]:
    filled = {
        column: value() if callable(value) else value
        for column, value in DEFAULTS.get(table, {}).items()
        if column not in row
    }
    filled.update(row)
    if table == "policies":
        filled.setdefault("policy_title", f"Policy {next(_serial)}")
        filled.setdefault("policy_key", filled["policy_title"].lower().replace(" ", ""))
    return filled


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def results(db: Path, as_of: str, **options) -> pd.DataFrame:
    """Every metric at the as-of date (options: date_from, date_to, academies, standards)."""
    for key in ("date_from", "date_to"):
        if isinstance(options.get(key), str):
            options[key] = day(options[key])
    with database.reader(db) as con:
        return metrics.compute(con, day(as_of), **options)


def metric(db: Path, metric_id: str, as_of: str, academy: str = "OAK", **options) -> tuple:
    """(value, numerator, denominator) of one metric for one academy (or "TRUST")."""
    frame = results(db, as_of, **options)
    [record] = [
        r
        for r in metrics.as_records(frame)
        if r["metric"] == metric_id and r["academy_code"] == academy
    ]
    return record["value"], record["numerator"], record["denominator"]


def drill(db: Path, name: str, as_of: str, **options) -> list[dict[str, Any]]:
    """The rows of a drill-down list, with dates as "YYYY-MM-DD" and times as
    "YYYY-MM-DD HH:MM" (by the column's suffix) so tests can compare plain text."""
    for key in ("date_from", "date_to"):
        if isinstance(options.get(key), str):
            options[key] = day(options[key])
    with database.reader(db) as con:
        frame = metrics.drill_down(con, name, day(as_of), **options)
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [{column: _plain(column, value) for column, value in r.items()} for r in records]


def _plain(column: str, value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M" if column.endswith("_at") else "%Y-%m-%d")
    return value
