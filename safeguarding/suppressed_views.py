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

TRUST = metrics.TRUST


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
) -> pd.DataFrame:
    """Every metric for every academy and TRUST over the whole period [date_from, date_to],
    suppressed with the rest of its academic year. `academies` are all the trust's."""
    family = checked_period(date_from, date_to, as_of)
    frames = []
    for period in _computable(family, as_of):
        frame = metrics.compute(
            con, as_of, period.starts_on, period.ends_on, list(academies), standards
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
    (`view`: one academy, or TRUST for the whole trust) may see it. The query is run for each
    academy and for the whole trust, over each part of the academic year and the year, and the
    table is suppressed whole: along the query's own rows, the academies and the periods."""
    family = checked_period(params["date_from"], params["date_to"], params["as_of"])
    cells = []
    for period in _computable(family, params["as_of"]):
        for academy in (*sorted(academies), TRUST):
            codes = list(academies) if academy == TRUST else [academy]
            frame = run(
                {
                    **params,
                    "academy_codes": codes,
                    "date_from": period.starts_on,
                    "date_to": period.ends_on,
                }
            )
            cells.append(
                frame.assign(
                    academy_code=academy, period=period.label, unpublished=not period.published
                )
            )
    whole = pd.concat(cells, ignore_index=True)
    category_columns = [
        c
        for c in whole.columns
        if c not in (*count_columns, "academy_code", "period", "unpublished")
    ]
    whole["category"] = (
        [" | ".join(map(str, row)) for row in whole[category_columns].itertuples(index=False)]
        if category_columns
        else "all"
    )
    categories = tuple(sorted(set(whole["category"])))
    # The rows of one view add up to a total a page may show (all referrals): protect it too.
    sums = (
        whole.groupby(["academy_code", "period", "unpublished"], as_index=False)[
            list(count_columns)
        ]
        .sum(min_count=1)
        .assign(category="__all__")
    )
    table = pd.concat([whole, sums], ignore_index=True)
    safe = disclosure.suppress_cube(
        table,
        count_columns,
        [
            disclosure.Axis("category", categories, "__all__"),
            disclosure.Axis("academy_code", tuple(sorted(academies)), TRUST),
            _period_axis(family),
        ],
        unpublished="unpublished",
        limit=limit,
    )
    wanted = family.find(params["date_from"], params["date_to"]).label
    shown = safe[
        (safe["period"] == wanted)
        & (safe["academy_code"] == view)
        & (safe["category"] != "__all__")
    ]
    columns = [c for c in run_columns(cells) if c in shown.columns]
    return shown[columns].reset_index(drop=True)


def run_columns(cells: list[pd.DataFrame]) -> list[str]:
    return [c for c in cells[0].columns if c not in ("academy_code", "period", "unpublished")]
