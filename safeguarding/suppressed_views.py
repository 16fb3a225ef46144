"""Figures for the roles that see small numbers suppressed (governors, local governors), made so
that no two views they can open give away a hidden count by subtraction.

The rule (SECURITY.md, "The suppression rule"): events are counted over whole periods only
(a complete term or academic year, `periods.py`); the academies shown are the whole trust or
one academy, never a chosen group; and every figure is suppressed in its full table — every
academy and the TRUST total, for every part of its academic year and the year — so a cell is
hidden the same way in every view, and secondary suppression covers both ways of adding up.
The dashboard and the board pack both ask here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import duckdb
import pandas as pd

from safeguarding import disclosure, metrics, periods
from safeguarding.codes import TRUST

# The key of a table row inside count_table: not a name a query column could have.
ROW_KEY = "__row__"


class WholePeriodsOnly(PermissionError):
    """A suppressed view asked for events over a window that is not a complete term or year."""


def checked_period(date_from: dt.date, date_to: dt.date, as_of: dt.date) -> periods.Family:
    family = periods.family(date_from)
    period = family.find(date_from, date_to)
    if period is None or period.ends_on > as_of:
        raise WholePeriodsOnly(
            f"Figures with small numbers hidden count events over a whole term or academic "
            f"year that has ended by the as-of date; {date_from} to {date_to} is not one. "
            "Choose a term or an academic year."
        )
    return family


def _computable(family: periods.Family, as_of: dt.date) -> list[periods.Period]:
    return [p for p in family.periods if p.ends_on <= as_of]


def _period_axis(family: periods.Family) -> disclosure.Axis:
    return disclosure.Axis("period", tuple(p.label for p in family.parts), family.year.label)


def metric_table(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    date_from: dt.date,
    date_to: dt.date,
    academies: Sequence[str],
    limit: int | None = None,
    standards=None,
    definitions=None,
    known_at: dt.datetime | None = None,
) -> pd.DataFrame:
    """Every metric for every academy and TRUST over the whole period [date_from, date_to],
    suppressed with the rest of its academic year. `academies` are all the trust's."""
    family = checked_period(date_from, date_to, as_of)
    frames = []
    for period in _computable(family, as_of):
        frame = metrics.compute(
            con, as_of, period.starts_on, period.ends_on, list(academies), standards, known_at
        )
        frames.append(frame.assign(period=period.label, unpublished=not period.published))
    table = disclosure.suppress_metric_table(
        pd.concat(frames, ignore_index=True),
        academies,
        _period_axis(family),
        unpublished="unpublished",
        limit=limit,
        definitions=definitions,
    )
    wanted = family.find(date_from, date_to).label
    shown = table[table["period"] == wanted].drop(columns=["period", "unpublished"])
    return shown.reset_index(drop=True)


def count_table(
    run: Callable[[dict], pd.DataFrame],
    params: dict,
    count_columns: Sequence[str],
    academies: Sequence[str],
    view: str,
    limit: int | None = None,
) -> pd.DataFrame:
    """A counts query that adds up "the academies in $academy_codes together", as the view
    (`view`: one academy, or TRUST for the whole trust) may see it. The query runs for each
    academy over each part of the academic year (its counts add up, so the trust's and the
    year's rows are sums of those), and the table is suppressed whole: along the query's own
    rows, the academies and the periods."""
    family = checked_period(params["date_from"], params["date_to"], params["as_of"])
    computable = {p.label for p in _computable(family, params["as_of"])}
    cells = []
    for part in (p for p in family.parts if p.label in computable):
        for academy in sorted(academies):
            window = {
                "academy_codes": [academy],
                "date_from": part.starts_on,
                "date_to": part.ends_on,
            }
            frame = run({**params, **window})
            cells.append(
                frame.assign(
                    academy_code=academy, period=part.label, unpublished=not part.published
                )
            )
    columns = [c for c in cells[0].columns if c not in ("academy_code", "period", "unpublished")]
    parts = pd.concat(cells, ignore_index=True)
    category_columns = [c for c in columns if c not in count_columns]
    parts[ROW_KEY] = (
        [" | ".join(map(str, row)) for row in parts[category_columns].itertuples(index=False)]
        if category_columns
        else "all"
    )
    labels = parts.drop_duplicates(ROW_KEY).set_index(ROW_KEY)[category_columns]
    whole = _with_totals(parts, count_columns, family, family.year.label in computable)
    categories = tuple(sorted(set(parts[ROW_KEY])))
    safe = disclosure.suppress_cube(
        whole,
        count_columns,
        [
            disclosure.Axis(ROW_KEY, categories, "__all__"),
            disclosure.Axis("academy_code", tuple(sorted(academies)), TRUST),
            _period_axis(family),
        ],
        unpublished="unpublished",
        limit=limit,
    )
    wanted = family.find(params["date_from"], params["date_to"]).label
    shown = safe[
        (safe["period"] == wanted) & (safe["academy_code"] == view) & (safe[ROW_KEY] != "__all__")
    ]
    if shown.empty:  # nothing to show in this view (a query of no rows for it)
        return pd.DataFrame(columns=columns)
    shown = shown.join(labels, on=ROW_KEY)
    return shown[columns].reset_index(drop=True)


def _with_totals(parts, count_columns, family, year_has_ended: bool) -> pd.DataFrame:
    """The cells, with the sums a page may show or a reader may make: over the academies
    (TRUST), once it has ended over the year, and over the view's own rows (all referrals)."""
    keys = ["academy_code", "period", ROW_KEY]
    counts = list(count_columns)

    def summed(frame: pd.DataFrame, over: str, label: str) -> pd.DataFrame:
        rest = [k for k in keys if k != over]
        return frame.groupby(rest, as_index=False)[counts].sum(min_count=1).assign(**{over: label})

    cells = parts[[*keys, *counts]]
    cells = pd.concat([cells, summed(cells, "academy_code", TRUST)], ignore_index=True)
    if year_has_ended:
        cells = pd.concat([cells, summed(cells, "period", family.year.label)], ignore_index=True)
    cells = pd.concat([cells, summed(cells, ROW_KEY, "__all__")], ignore_index=True)
    unpublished = {p.label: not p.published for p in family.periods}
    return cells.assign(unpublished=cells["period"].map(unpublished))
