"""Headline tiles: a metric's trust figure, its target and RAG, and the change in a week."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import streamlit as st

from safeguarding import metrics_definitions, standards
from safeguarding.codes import TRUST
from safeguarding.disclosure import SUPPRESSED as SUPPRESSED_MARK
from safeguarding.metrics_definitions import HEADLINE_METRICS as HEADLINE_METRICS
from safeguarding.ui import charts
from safeguarding.ui.components import definitions, format_value, metric_help_text


def trust_figures(values: pd.DataFrame, academy_code: str = TRUST) -> dict[str, dict]:
    """Each metric's value, numerator and denominator for one row: the TRUST row by default."""
    rows = values[values["academy_code"] == academy_code].set_index("metric")
    return rows[["value", "numerator", "denominator"]].to_dict("index")


def _number(value):
    if value is None or isinstance(value, str):
        return value
    return None if (isinstance(value, float) and math.isnan(value)) or pd.isna(value) else value


def tile(
    metric_id: str,
    now: dict,
    week_ago: dict,
    beside: tuple[str, dict] | None = None,
    as_of: dt.date | None = None,
) -> None:
    """One headline figure with its change in a week and its target; `beside` (a label and
    that row's figure, e.g. the trust's) is set under it for comparison. On an `as_of` date
    before the metric applied (a KCSIE edition not yet in force) it is "n/a", never a 0."""
    d = definitions()[metric_id]
    applies = metrics_definitions.applies_from(metric_id, standards.load())
    if as_of is not None and applies is not None and not applies.applies_at(as_of):
        with st.container(border=True):
            st.metric(d.label, metrics_definitions.NOT_APPLICABLE, help=metric_help_text(metric_id))
            st.badge("Not applicable", color="gray")
            st.caption(applies.note)
        return
    value = _number(now.get("value"))
    before = _number(week_ago.get("value"))
    delta = None
    change_text = "no figure 7 days earlier"
    if isinstance(value, int | float) and isinstance(before, int | float):
        change = value - before
        if round(change, 1) != 0:
            delta = f"{change:+.1f} pts" if d.unit == "%" else f"{change:+,.0f}"
            change_text = "change since 7 days earlier"
        else:
            change_text = "no change since 7 days earlier"
    rag = d.rag(value) if isinstance(value, int | float) else None
    with st.container(border=True):
        st.metric(
            d.label,
            format_value(value, d.unit),
            delta=delta,
            delta_color={"higher": "normal", "lower": "inverse"}.get(d.better, "off"),
            help=metric_help_text(metric_id),
        )
        target = ""
        if d.green_at is not None:
            comparison = "≥" if d.better == "higher" else "≤"
            target = f" · target {comparison} {format_value(d.green_at, d.unit)}"
        count = ""
        if d.unit == "%" and _number(now.get("denominator")) is not None:
            count = f" · {_count(now['numerator'])} of {_count(now['denominator'])}"
        colour = {"green": "green", "amber": "orange", "red": "red"}.get(rag, "gray")
        st.badge(charts.RAG_LABELS[rag], color=colour)
        comparison = ""
        if beside is not None:
            label, figure = beside
            comparison = f" · {label}: {format_value(_number(figure.get('value')), d.unit)}"
        st.caption(f"{change_text}{target}{count}{comparison}")


def _count(value) -> str:
    """A numerator or denominator as shown: a whole number, or c where it is hidden."""
    number = _number(value)
    return f"{int(number):,}" if isinstance(number, int | float) else SUPPRESSED_MARK
