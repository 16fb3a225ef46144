"""Whose figures a page leads with. A DSL or a local governor belongs to an academy: every page
opens with that academy's figures and sets the trust's beside them. Anyone else sees the
academies in view as one total, named for what it adds up ("Trust" only for the whole trust)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from safeguarding import metrics_definitions
from safeguarding.codes import SUPPRESSED, TRUST
from safeguarding.scope import Scope
from safeguarding.ui import components


def total_label(
    scope: Scope | None,
    academy_codes: tuple[str, ...],
    filtered: bool,
    name: Callable[[str], str],
) -> str:
    """What a TRUST row adds up, in words: the whole trust, the academies a filter left in view,
    or the one academy in view. With the scope, the rule of data.metric_values / metric_series
    that a local governor's trust totals cover every academy applies; without it (a query's own
    total over the academies in view), it does not."""
    if scope is not None and set(scope.total_over(academy_codes)) != set(academy_codes):
        return "Trust (all academies)"
    if len(academy_codes) == 1:
        return name(academy_codes[0])
    return f"{len(academy_codes)} academies" if filtered else "Trust"


@dataclass(frozen=True)
class Focus:
    code: str  # the metric_values row a page leads with: the viewer's academy, or TRUST
    label: str  # that row in words
    beside: str | None  # the TRUST row in words, when it is set beside the viewer's academy

    @property
    def is_own_academy(self) -> bool:
        return self.code != TRUST


def focus(ctx) -> Focus:
    """The row a page's headline figures come from, for the viewer of this run's context."""
    filtered = bool(ctx.filters.academy_codes or ctx.filters.phases)
    whole = total_label(ctx.scope, ctx.academy_codes, filtered, ctx.academy_name)
    own = ctx.own_academy
    if own is None or (len(ctx.academy_codes) == 1 and whole == ctx.academy_name(own)):
        return Focus(TRUST, whole, None)
    return Focus(own, ctx.academy_name(own), whole)


def figure(values: pd.DataFrame, code: str, metric_id: str) -> dict:
    """One metric's value, numerator and denominator for one row of data.metric_values ({} when
    the row is absent)."""
    rows = values[(values["academy_code"] == code) & (values["metric"] == metric_id)]
    if rows.empty:
        return {}
    return rows.iloc[0][["value", "numerator", "denominator"]].to_dict()


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def count_text(value) -> str:
    if isinstance(value, str):
        return value  # hidden: c
    return "–" if _missing(value) else f"{int(value):,}"


def value_text(row: dict, unit: str) -> str:
    value = row.get("value")
    return components.format_value(None if _missing(value) else value, unit)


def counted_text(row: dict, unit: str, noun: str) -> str:
    """ "12 of 15 referrals due" for a percentage; "" where there is nothing to count."""
    if unit != "%" or _missing(row.get("denominator")):
        return ""
    denominator = row["denominator"]
    if not isinstance(denominator, str) and int(denominator) == 0:
        return f"no {noun}"
    return f"{count_text(row['numerator'])} of {count_text(denominator)} {noun}"


def show(
    column,
    values: pd.DataFrame,
    where: Focus,
    metric_id: str,
    label: str | None = None,
    noun: str = "counted",
    counts: str = "",
) -> None:
    """One headline figure in `column`: the focus row's value, what it counts ("n of N {noun}"
    for a percentage, `counts` for a count), and (for a viewer's own academy) the trust's figure
    beside it."""
    definition = components.definitions()[metric_id]
    row = figure(values, where.code, metric_id)
    column.metric(
        label or definition.label,
        metrics_definitions.NOT_COLLECTED
        if row and definition.is_not_collected(row.get("denominator"))
        else value_text(row, definition.unit),
        help=components.metric_help_text(metric_id),
        border=True,
    )
    counted = counted_text(row, definition.unit, noun) or counts
    parts = [f"{where.label}: {counted}" if counted else where.label]
    if where.beside is not None:
        whole = figure(values, TRUST, metric_id)
        counted = counted_text(whole, definition.unit, noun)
        parts.append(
            f"{where.beside}: {value_text(whole, definition.unit)}"
            + (f" ({counted})" if counted else "")
        )
    column.caption(" · ".join(parts))


def hidden_everywhere(cells) -> bool:
    """Every cell that has something in it is hidden (c): a chart of them would show nothing
    but c, so a sentence says why instead."""
    shown = [v for v in cells if isinstance(v, str) or not (_missing(v) or v == 0)]
    return bool(shown) and all(v == SUPPRESSED for v in shown)


def hidden_note(what: str, when: str) -> None:
    """Said instead of a chart whose every figure is hidden."""
    st.info(
        f"Not shown: every figure for {what} in {when} is small (1 to 5) or would give a small "
        "one away, and is hidden to protect children's identities.",
        icon=":material/shield:",
    )
