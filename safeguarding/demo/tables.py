"""Tables: one numpy array per contract column, so that generating a million concerns is a
handful of vectorised steps. Kinds follow safeguarding.contract:
text/enum/code -> object array of str ("" = blank); bool -> int8 (-1 blank, 0, 1);
int -> float64 (nan blank); date -> datetime64[D]; datetime -> datetime64[s] (NaT blank)."""

from __future__ import annotations

import numpy as np

from safeguarding.contract import CONTRACT

Table = dict[str, np.ndarray]
NAT = np.datetime64("NaT", "s")


def table_length(table: Table) -> int:
    return len(next(iter(table.values())))


def empty_column(kind: str, n: int) -> np.ndarray:
    if kind == "bool":
        return np.full(n, -1, dtype=np.int8)
    if kind == "int":
        return np.full(n, np.nan)
    if kind == "date":
        return np.full(n, np.datetime64("NaT", "D"))
    if kind == "datetime":
        return np.full(n, NAT)
    return np.full(n, "", dtype=object)


def new_table(dataset: str, n: int) -> Table:
    return {c.name: empty_column(c.kind, n) for c in CONTRACT[dataset].columns}


def bool_column(rng: np.random.Generator, n: int, p_true: float) -> np.ndarray:
    return (rng.random(n) < p_true).astype(np.int8)


def seconds(values) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype("timedelta64[s]")


def at_time(days: np.ndarray, seconds_of_day: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[s]") + seconds(seconds_of_day)


def office_hours(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight, mostly 08:30-17:00."""
    return rng.integers(8 * 3600 + 1800, 17 * 3600, n)


def day_of(timestamps: np.ndarray) -> np.ndarray:
    return timestamps.astype("datetime64[D]").astype(np.int64)
