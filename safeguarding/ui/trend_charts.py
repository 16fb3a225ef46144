"""Periods, control charts and year-on-year figures for the trends page.

A point is a metric at the end of a period (a term or a calendar month): event metrics count the
period's events, state metrics are taken on its last day (product.md §4). The period that
contains the as-of date ends at the as-of date and is marked "to date". A period that ends
before the metric applies (metrics_definitions.applies_from: KCSIE read of an edition not yet
in force) has no figure: "n/a", never a 0, and it is left out of the control limits.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from safeguarding import commitments, control_limits
from safeguarding.codes import SUPPRESSED
from safeguarding.commitments import Period
from safeguarding.metrics import Window, month_ends
from safeguarding.metrics_definitions import NOT_APPLICABLE, AppliesFrom
from safeguarding.ui import charts, components
from safeguarding.ui.charts import PALETTE, RAG_COLOURS, TRUST_COLOUR, styled

# The figures a board follows term by term; every one has a product.md §4 definition.
HEADLINE_METRICS = (
    "csc_feedback_on_time_pct",
    "dsl_review_on_time_pct",
    "safeguarding_training_in_date_pct",
    "dsl_training_in_date_pct",
    "induction_on_time_pct",
    "concerns_logged",
    "referrals_made",
    "policies_overdue",
)

# Complete school years shown before the current one (which is shown to date).
YEARS_BEFORE = 3
SCHOOL_MONTHS = ["Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug"]
OUTSIDE_COLOUR = RAG_COLOURS["red"]

LIMIT_COLOUR = "#777777"

# This year against last: a month's percentage is plotted only with at least this many cases
# (its denominator): with one, a single case swings the line from 0 to 100 %.
MIN_DENOMINATOR = 5


def academic_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def academic_year_label(start: dt.date) -> str:
    return f"{start.year}/{(start.year + 1) % 100:02d}"


def trend_start(
    as_of: dt.date, first_event_on: dt.date, years_before: int = YEARS_BEFORE
) -> dt.date:
    """The first day shown: the start of the school year `years_before` years before the as-of
    date's, or the first month with data if that is later (no empty years before the data)."""
    this_year = academic_year_start(as_of)
    earliest = this_year.replace(year=this_year.year - years_before)
    return max(earliest, first_event_on.replace(day=1))


def month_periods(start: dt.date, as_of: dt.date) -> list[Period]:
    periods = []
    for end in month_ends(start, as_of):
        last = min(end, as_of)
        label = f"{end:%b %Y}" + (" (to date)" if end > as_of else "")
        periods.append(Period(Window(last, end.replace(day=1), last), label, end > as_of))
    return periods


def term_periods(terms: list[Window], as_of: dt.date) -> list[Period]:
    """Every term from data.term_windows up to the as-of date, the one containing it cut short
    at it: the commitments scorecard's periods, without its limit of six."""
    return commitments.term_periods(terms, as_of, limit=None)


def points(
    series: pd.DataFrame,
    periods: list[Period],
    metric_id: str,
    code: str,
    applies: AppliesFrom | None = None,
) -> pd.DataFrame:
    """One row per period for one metric and one academy (or TRUST): label, as_of_on, value,
    numerator, denominator, is_partial, is_hidden, is_not_applicable; periods without a row get
    no value, nor do periods that end before the metric applies (`applies`)."""
    frame = pd.DataFrame(
        {
            "label": [p.label for p in periods],
            "as_of_on": [p.window.as_of for p in periods],
            "from_on": [p.window.date_from for p in periods],
            "is_partial": [p.is_partial for p in periods],
        }
    )
    rows = series[(series["metric"] == metric_id) & (series["academy_code"] == code)]
    rows = rows.assign(as_of_on=pd.to_datetime(rows["as_of_on"]).dt.date)
    merged = frame.merge(
        rows[["as_of_on", "value", "numerator", "denominator"]], on="as_of_on", how="left"
    )
    # Governor views hide small counts as "c" (product.md §5): such a point has no figure to plot.
    figures = ["value", "numerator", "denominator"]
    merged["is_hidden"] = merged[figures].apply(lambda r: any(_is_hidden(v) for v in r), axis=1)
    for column in figures:
        merged[column] = merged[column].map(_number).astype("float64")
    merged["is_not_applicable"] = [
        applies is not None and not applies.applies_at(day) for day in merged["as_of_on"]
    ]
    # No figure at all: not drawn, and not counted into the average or the limits.
    merged.loc[merged["is_not_applicable"], figures] = float("nan")
    merged.loc[merged["is_not_applicable"], "is_hidden"] = False
    return merged


def not_applicable_note(frame: pd.DataFrame, applies: AppliesFrom | None) -> str | None:
    """The sentence to show beside a chart whose frame has periods before the metric applied."""
    if applies is None or not frame["is_not_applicable"].any():
        return None
    return applies.note


def _is_hidden(value) -> bool:
    return isinstance(value, str) and value == SUPPRESSED


def _number(value) -> float | None:
    if value is None or value is pd.NA or _is_hidden(value):
        return None
    return float(value)


def _limits(frame: pd.DataFrame, metric_id: str) -> tuple[control_limits.Limits, list[bool]]:
    """Control limits for the points and which points may be judged against them.

    A count of events in a period that is not over yet is only part of a count: it is left
    out of the centre line and not judged (it would look low just for being short)."""
    definition = components.definitions()[metric_id]
    partial = frame["is_partial"].tolist()
    if definition.unit == "%":
        numerators = [None if pd.isna(v) else int(v) for v in frame["numerator"]]
        denominators = [None if pd.isna(v) else int(v) for v in frame["denominator"]]
        return control_limits.p_chart(numerators, denominators), [True] * len(frame)
    values = [None if pd.isna(v) else float(v) for v in frame["value"]]
    if definition.kind == "event":
        judged = [not p for p in partial]
        return control_limits.c_chart(values, include=judged), judged
    return control_limits.c_chart(values), [True] * len(frame)


@charts.cached_figure
def control_chart_figure(
    frame: pd.DataFrame,
    metric_id: str,
    who: str,
    period_word: str,
    is_trust: bool = True,
    not_applicable: str | None = None,
) -> go.Figure:
    """The metric per period with its centre line and 3-sigma limits (p-chart for percentages,
    c-chart for counts); points outside the limits are marked. Periods before the metric
    applied are marked n/a (`not_applicable`: why, for their hover)."""
    definition = components.definitions()[metric_id]
    unit = definition.unit
    limits, judged = _limits(frame, metric_id)
    frame = frame.assign(
        centre=limits.centre,
        lower=limits.lower,
        upper=limits.upper,
        is_outside=[o and j for o, j in zip(limits.is_outside, judged, strict=True)],
        is_judged=judged,
    )
    labels = frame["label"].tolist()
    figure = go.Figure()
    step = "hvh" if unit == "%" else "linear"
    for column, which in [("upper", "upper"), ("lower", "lower")]:
        figure.add_scatter(
            x=labels,
            y=frame[column].tolist(),
            # A short tick at each point keeps the limits of a period between two gaps
            # (nothing due before or after) visible.
            mode="lines+markers",
            marker={"symbol": "line-ew-open", "size": 12, "color": LIMIT_COLOUR},
            name="Control limits (3 sigma)" if column == "upper" else "Lower control limit",
            line={"color": LIMIT_COLOUR, "dash": "dash", "width": 1.5, "shape": step},
            legendgroup="limits",
            showlegend=column == "upper",
            hovertemplate="%{x}: " + which + " control limit %{y:.1f}<extra></extra>",
        )
    # The average is one value: drawn across every period, gaps included.
    centre = next((c for c in limits.centre if c is not None), None)
    figure.add_scatter(
        x=labels,
        y=[centre] * len(labels),
        mode="lines",
        name="Average",
        line={"color": LIMIT_COLOUR, "width": 1.5},
        hovertemplate="%{x}: average %{y:.1f}<extra></extra>",
    )
    if unit == "%" and definition.green_at is not None:
        figure.add_scatter(
            x=labels,
            y=[definition.green_at] * len(labels),
            mode="lines",
            name=f"Target {definition.green_at:g}%",
            line={"color": RAG_COLOURS["green"], "dash": "dot", "width": 1.5},
            hoverinfo="skip",
        )
    figure.add_scatter(
        x=labels,
        y=frame["value"].tolist(),
        mode="lines+markers",
        name=who,
        line={"color": TRUST_COLOUR if is_trust else PALETTE[0], "width": 2.5},
        marker={
            "size": 7,
            "symbol": ["circle-open" if p else "circle" for p in frame["is_partial"]],
        },
        hovertext=[_hover(row, unit, not_applicable) for row in frame.itertuples()],
        hoverinfo="text",
    )
    outside = frame[frame["is_outside"]]
    figure.add_scatter(
        x=outside["label"].tolist(),
        y=outside["value"].tolist(),
        mode="markers",
        name="Outside the limits",
        marker={
            "color": OUTSIDE_COLOUR,
            "size": 13,
            "symbol": "diamond",
            "line": {"color": "#FFFFFF", "width": 1},
        },
        hovertext=[_hover(row, unit, not_applicable) for row in outside.itertuples()],
        hoverinfo="text",
        visible=True if not outside.empty else "legendonly",
    )
    hidden = frame[frame["is_hidden"]]
    if not hidden.empty:
        figure.add_scatter(
            x=hidden["label"].tolist(),
            y=[0] * len(hidden),
            mode="text",
            text=[SUPPRESSED] * len(hidden),
            textposition="top center",
            name="c: small numbers, not shown",
            hovertext=[
                f"<b>{label}</b><br>not shown: 1 to 5 children" for label in hidden["label"]
            ],
            hoverinfo="text",
        )
    _not_applicable_marks(figure, frame, "label", not_applicable)
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=labels)
    if len(labels) > 18:
        # Every third month (Sep, Dec, Mar, Jun when the span starts in September).
        figure.update_xaxes(tickmode="linear", tick0=0, dtick=3)
    first, last = labels[0], labels[-1]
    styled(
        figure,
        _title(definition.label, f"{who}, by {period_word}, {first} to {last}"),
        x_title=period_word.capitalize(),
        y_title=_y_title(definition),
        percent_on_y=unit == "%",
        counts_on_y=unit == "count",
        height=420,
    )
    figure.update_layout(margin={"t": 95})
    if unit == "count":
        top = max([1.0, *frame["value"].dropna().tolist(), *frame["upper"].dropna().tolist()])
        _count_axis(figure, top)
    return figure


def _not_applicable_marks(
    figure: go.Figure, frame: pd.DataFrame, x_column: str, why: str | None
) -> None:
    """ "n/a" on the axis at each period before the metric applied, so the gap is not read as
    missing data."""
    if "is_not_applicable" not in frame:
        return
    rows = frame[frame["is_not_applicable"]].drop_duplicates(x_column)
    if rows.empty:
        return
    figure.add_scatter(
        x=rows[x_column].tolist(),
        y=[0] * len(rows),
        mode="text",
        text=[NOT_APPLICABLE] * len(rows),
        textposition="top center",
        textfont={"color": LIMIT_COLOUR},
        name="n/a: not applicable",
        hovertext=[f"<b>{x}</b><br>{_not_applicable_text(why)}" for x in rows[x_column]],
        hoverinfo="text",
    )


def _not_applicable_text(why: str | None) -> str:
    return f"not applicable: {why}" if why else "not applicable"


def _count_axis(figure: go.Figure, top: float) -> None:
    """From zero with headroom; whole-number ticks even when the counts are tiny."""
    figure.update_yaxes(range=[0, top * 1.1])
    if top < 8:
        figure.update_yaxes(dtick=1)


def _title(what: str, detail: str) -> str:
    """Two-line chart title: the figure, then whose figures and when in a smaller line."""
    return f'{what}<br><span style="font-size:14px">{detail}</span>'


def _y_title(definition) -> str:
    if definition.unit == "%":
        return "Percent (%)"
    if definition.unit == "hours":
        return "Hours"
    return f"{definition.label} (count)"


def _counts(row) -> str:
    """ "(n of N)" for a percentage point, when both are shown."""
    if pd.isna(row.numerator) or pd.isna(row.denominator):
        return ""
    return f" ({int(row.numerator):,} of {int(row.denominator):,})"


def _hover(row, unit: str, not_applicable: str | None = None) -> str:
    if getattr(row, "is_not_applicable", False):
        return f"<b>{row.label}</b><br>{_not_applicable_text(not_applicable)}"
    if row.is_hidden and pd.isna(row.value):
        return f"<b>{row.label}</b><br>c: not shown, 1 to 5 children"
    if pd.isna(row.value):
        return f"<b>{row.label}</b><br>no figure (nothing due)"
    shown = components.format_value(row.value, unit)
    parts = [f"<b>{row.label}</b>", shown]
    if unit == "%":
        parts[1] += _counts(row)
    if row.upper is not None and not pd.isna(row.upper):
        parts.append(f"limits {row.lower:.1f} to {row.upper:.1f}, average {row.centre:.1f}")
    if row.is_outside:
        parts.append("<b>outside the control limits</b>")
    elif not row.is_judged:
        parts.append("period not over: not judged against the limits")
    return "<br>".join(parts)


def year_against_last(month_points: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Month points of this academic year and the one before, on a September-to-August axis:
    columns year_label, is_this_year, school_month, value, numerator, denominator, is_partial."""
    this_start = academic_year_start(as_of)
    last_start = this_start.replace(year=this_start.year - 1)
    frame = month_points.assign(
        year_start=month_points["from_on"].map(academic_year_start),
        school_month=month_points["from_on"].map(lambda d: f"{d:%b}"),
    )
    frame = frame[frame["year_start"].isin([this_start, last_start])]
    return frame.assign(
        is_this_year=frame["year_start"] == this_start,
        year_label=frame["year_start"].map(academic_year_label),
    ).reset_index(drop=True)


def too_few(frame: pd.DataFrame, metric_id: str) -> pd.Series:
    """Which month points of a percentage rest on fewer than MIN_DENOMINATOR cases (but some):
    not plotted this year against last."""
    if components.definitions()[metric_id].unit != "%":
        return pd.Series(False, index=frame.index)
    return frame["denominator"].notna() & (frame["denominator"] < MIN_DENOMINATOR)


def too_few_note(frame: pd.DataFrame, metric_id: str) -> str | None:
    """The caption under this year against last when months were left out for too few cases."""
    left_out = frame[too_few(frame, metric_id)]
    if left_out.empty:
        return None
    months = ", ".join(
        f"{row.school_month} {row.year_label} (n = {int(row.denominator)})"
        for row in left_out.itertuples()
    )
    return (
        f"Months with fewer than {MIN_DENOMINATOR} cases are not plotted: one case would swing "
        f"the line from 0 to 100 %. Left out: {months}."
    )


@charts.cached_figure
def year_against_last_figure(
    frame: pd.DataFrame,
    metric_id: str,
    who: str,
    as_of: dt.date,
    not_applicable: str | None = None,
) -> go.Figure:
    """This school year's months against last year's. A percentage shows its n (denominator)
    beside each point (above this year's, below last year's) and in its hover; a month with
    fewer than MIN_DENOMINATOR cases is not plotted (too_few_note says which)."""
    definition = components.definitions()[metric_id]
    unit = definition.unit
    this_start = academic_year_start(as_of)
    this_label = academic_year_label(this_start)
    last_label = academic_year_label(this_start.replace(year=this_start.year - 1))
    frame = frame.assign(is_too_few=too_few(frame, metric_id))
    figure = go.Figure()
    for is_this, label, colour, dash in [
        (False, last_label, PALETTE[1], "dash"),
        (True, this_label, PALETTE[0], "solid"),
    ]:
        rows = frame[frame["is_this_year"] == is_this]
        if rows.empty:
            continue
        hover, n_text = [], []
        for row in rows.itertuples():
            text = f"<b>{row.school_month} ({label})</b><br>"
            if getattr(row, "is_not_applicable", False):
                text += _not_applicable_text(not_applicable)
            elif row.is_hidden and pd.isna(row.value):
                text += "c: not shown, 1 to 5 children"
            elif row.is_too_few:
                text += (
                    f"not plotted: n = {int(row.denominator)}, fewer than {MIN_DENOMINATOR} cases"
                )
            else:
                text += components.format_value(None if pd.isna(row.value) else row.value, unit)
                if unit == "%":
                    text += _counts(row)
            if row.is_partial:
                text += f"<br>to {as_of:%-d %b %Y}"
            hover.append(text)
            shown = unit == "%" and not row.is_too_few and not pd.isna(row.denominator)
            n_text.append(f"n={int(row.denominator):,}" if shown else "")
        values = [
            None if few else v for v, few in zip(rows["value"], rows["is_too_few"], strict=True)
        ]
        figure.add_scatter(
            x=rows["school_month"].tolist(),
            y=values,
            mode="lines+markers+text" if unit == "%" else "lines+markers",
            name=f"{label} (this year)" if is_this else f"{label} (last year)",
            line={"color": colour, "dash": dash, "width": 3 if is_this else 2},
            marker={
                "size": 8,
                "symbol": ["circle-open" if p else "circle" for p in rows["is_partial"]],
            },
            # n above this year's points and below last year's, so the two rarely overlap.
            text=n_text if unit == "%" else None,
            textposition="top center" if is_this else "bottom center",
            textfont={"size": 11, "color": colour},
            hovertext=hover,
            hoverinfo="text",
        )
    _not_applicable_marks(figure, frame, "school_month", not_applicable)
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=SCHOOL_MONTHS)
    figure.update_xaxes(range=[-0.5, len(SCHOOL_MONTHS) - 0.5])
    styled(
        figure,
        _title(definition.label, f"{who}, {this_label} against {last_label}, by month"),
        x_title="Month of the school year",
        y_title=_y_title(definition),
        percent_on_y=unit == "%",
        counts_on_y=unit == "count",
        height=420,
    )
    figure.update_layout(margin={"t": 95})
    if unit == "count":
        _count_axis(figure, max([1.0, *frame["value"].dropna().tolist()]))
    return figure
