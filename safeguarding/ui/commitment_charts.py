"""Charts and tables for the policy commitments page: each promise against its target, term by
term, and academy by academy. House conventions (safeguarding.ui.charts): a title that says
what and when, named units, RAG with a text label as well as a colour."""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from safeguarding import metrics_definitions
from safeguarding.codes import SUPPRESSED, TRUST
from safeguarding.commitments import (
    PolicyCommitments,
    figure_text,
    format_figure,
    is_number,
)
from safeguarding.ui import charts
from safeguarding.ui.charts import PALETTE, RAG_COLOURS, RAG_LABELS, TRUST_COLOUR, styled

TREND_MARKS = {
    "improving": "↑ improving",
    "worsening": "↓ worsening",
    "steady": "→ steady",
    "up": "↑ up",
    "down": "↓ down",
    "not enough terms": "not enough terms",
    "no terms": "no terms",
}


def trend_text(trend: str) -> str:
    """ "↑ improving term on term", or "not enough terms" (no direction to qualify)."""
    mark = TREND_MARKS.get(trend, trend)
    return (
        f"{mark} term on term"
        if trend in ("improving", "worsening", "steady", "up", "down")
        else mark
    )


_RAG_RANK = {"red": 0, "amber": 1, "green": 2}
REVIEW_STATUS = {
    "overdue": "Overdue",
    "due_soon": "Due soon",
    "in_date": "In date",
    "no_date": "No date",
}
_NO_FIGURE = "#DDDDDD"


def _wrap(text: str, width: int = 34) -> str:
    return "<br>".join(textwrap.wrap(text, width)) or text


def _row_label(row) -> str:
    return f"§{row.clause} {row.label}"


@charts.cached_figure
def scorecard_figure(card: pd.DataFrame, who: str, as_of_text: str) -> go.Figure:
    """Horizontal bars: each percentage measure of a promise, coloured by RAG, with its target
    marked. Counts and hours are in the table below (a different scale)."""
    # A measure of two promises of one clause is one bar (its label is the same).
    rows = card[card["unit"] == "%"].drop_duplicates(["clause", "metric"]).iloc[::-1]
    labels = [_wrap(_row_label(r), 48) for r in rows.itertuples(index=False)]
    values = [float(v) if is_number(v) else None for v in rows["value"]]
    colours = [RAG_COLOURS[r] for r in rows["rag"]]
    texts = [
        f"{format_figure(v, '%')} · {RAG_LABELS[r].lower()}"
        if is_number(v)
        else ("hidden (c)" if v == SUPPRESSED else "no figure")
        for v, r in zip(rows["value"], rows["rag"], strict=True)
    ]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            y=labels,
            x=[v if v is not None else 0 for v in values],
            orientation="h",
            marker={"color": colours},
            text=texts,
            # inside a long bar, at its end (a bar near 100% leaves no room outside it);
            # outside a short or missing one
            textposition=["inside" if (v or 0) >= 40 else "outside" for v in values],
            insidetextanchor="end",
            textfont={"color": ["#FFFFFF" if (v or 0) >= 40 else "#333333" for v in values]},
            cliponaxis=False,
            name="Now",
            customdata=list(rows["promise"]),
            hovertemplate="%{y}<br>%{customdata}<br>%{text}<extra></extra>",
            showlegend=False,
        )
    )
    definitions = metrics_definitions.load()
    targets = [definitions[m].green_at for m in rows["metric"]]
    figure.add_trace(
        go.Scatter(
            y=labels,
            x=targets,
            mode="markers",
            marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": TRUST_COLOUR}},
            name="Target",
            hovertemplate="Target: %{x:.0f}%<extra></extra>",
        )
    )
    return styled(
        figure,
        f"Each percentage measure of a promise: {who}, as of {as_of_text}",
        x_title="% of cases (higher is better)",
        percent_on_x=True,
        height=max(320, 60 * len(rows) + 120),
    )


@charts.cached_figure
def terms_figure(card: pd.DataFrame, who: str) -> go.Figure:
    """Small multiples: every measure of every promise term by term, its target dashed. An
    open circle is the term still in progress."""
    definitions = metrics_definitions.load()
    metric_rows = card.drop_duplicates("metric")
    count = len(metric_rows)
    columns = 3
    rows = max(1, math.ceil(count / columns))
    figure = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=[_wrap(_row_label(r), 38) for r in metric_rows.itertuples(index=False)],
        vertical_spacing=0.55 / rows if rows > 1 else 0.1,
        horizontal_spacing=0.07,
    )
    for position, row in enumerate(metric_rows.itertuples(index=False)):
        definition = definitions[row.metric]
        at = {"row": position // columns + 1, "col": position % columns + 1}
        labels = list(row.term_labels)
        values = list(row.term_values)
        partial = [label.endswith("(to date)") for label in labels]
        figure.add_trace(
            go.Scatter(
                x=[label.replace(" (to date)", "*") for label in labels],
                y=values,
                mode="lines+markers",
                line={"color": PALETTE[0]},
                marker={
                    "size": 8,
                    "symbol": ["circle-open" if p else "circle" for p in partial],
                    "color": PALETTE[0],
                },
                name=definition.label,
                showlegend=False,
                hovertemplate="%{x}: %{y}<extra>" + definition.label + "</extra>",
                connectgaps=False,
            ),
            **at,
        )
        if definition.green_at is not None and labels:
            # a two-point line, not add_hline: that costs ~10 ms a panel
            figure.add_trace(
                go.Scatter(
                    x=[labels[0].replace(" (to date)", "*"), labels[-1].replace(" (to date)", "*")],
                    y=[definition.green_at, definition.green_at],
                    mode="lines",
                    line={"dash": "dash", "color": RAG_COLOURS["green"], "width": 1},
                    hoverinfo="skip",
                    showlegend=False,
                ),
                **at,
            )
        if definition.unit == "%":
            figure.update_yaxes(range=[0, 105], ticksuffix="%", **at)
        else:
            figure.update_yaxes(rangemode="tozero", **at)
        figure.update_xaxes(tickangle=-30, tickfont={"size": 10}, **at)
    figure.update_annotations(font={"size": 12})
    styled(
        figure,
        f"Term by term: {who} (dashed line: target; * term to date)",
        height=max(360, 290 * rows),
    )
    # room for the panel titles under the figure's own
    figure.update_layout(margin={"t": 110})
    return figure


RAG_MARKS = {"green": "✓", "amber": "~", "red": "✗"}


@charts.cached_figure
def academy_grid(
    values: pd.DataFrame, mapping: PolicyCommitments, names: dict[str, str], who: str
) -> go.Figure:
    """Measures down, academies across (by code; the name is in the hover): each cell's
    figure and a RAG mark, coloured by RAG."""
    definitions = metrics_definitions.load()
    metric_ids = list(mapping.metric_ids)
    clause_of = {m: c.clause for c in mapping.commitments for m in c.metrics}
    codes = [*names, TRUST]
    x_labels = [code if code != TRUST else "<b>Total</b>" for code in codes]
    y_labels = [_wrap(f"§{clause_of[m]} {definitions[m].label}", 44) for m in metric_ids]
    by_key = {(r.academy_code, r.metric): r for r in values.itertuples(index=False)}
    z, text, hover = [], [], []
    for metric_id in metric_ids:
        definition = definitions[metric_id]
        z_row, text_row, hover_row = [], [], []
        for code in codes:
            row = by_key.get((code, metric_id))
            value = None if row is None else row.value
            rag = definition.rag(float(value)) if is_number(value) else None
            z_row.append(_RAG_RANK[rag] if rag else math.nan)
            shown = figure_text(definition, value, None if row is None else row.denominator)
            text_row.append(f"{shown} {RAG_MARKS[rag]}" if rag else shown)
            hover_row.append(f"{names.get(code, who)}: {shown} ({RAG_LABELS[rag].lower()})")
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    colours = [
        [0.0, RAG_COLOURS["red"]],
        [0.33, RAG_COLOURS["red"]],
        [0.34, RAG_COLOURS["amber"]],
        [0.66, RAG_COLOURS["amber"]],
        [0.67, RAG_COLOURS["green"]],
        [1.0, RAG_COLOURS["green"]],
    ]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=x_labels,
            y=y_labels,
            text=text,
            customdata=hover,
            texttemplate="%{text}",
            textfont={"size": 12},
            colorscale=colours,
            zmin=0,
            zmax=2,
            showscale=False,
            xgap=2,
            ygap=2,
            hovertemplate="%{y}<br>%{customdata}<extra></extra>",
        )
    )
    figure.update_layout(plot_bgcolor=_NO_FIGURE)
    figure.update_yaxes(autorange="reversed", tickfont={"size": 12})
    figure.update_xaxes(side="top")
    return styled(
        figure,
        "Each academy against each promise (✓ on target, ~ near, ✗ off; grey: no figure)",
        height=max(360, 52 * len(metric_ids) + 160),
    )


def scorecard_table(card: pd.DataFrame, mapping: PolicyCommitments | None = None) -> pd.DataFrame:
    """The scorecard for st.dataframe: one row per promise and measure, then (with the
    mapping) one row per promise no figure measures, saying why."""
    measured = pd.DataFrame(
        {
            "Clause": [f"§{c}" for c in card["clause"]],
            "Measure": card["label"].to_numpy(),
            "Now": card["shown"].to_numpy(),
            "Target": card["target"].to_numpy(),
            "RAG": [RAG_LABELS[r] for r in card["rag"]],
            "Trend": [TREND_MARKS.get(t, t) for t in card["trend"]],
            "Terms": [[v for v in values if v is not None] for values in card["term_values"]],
            "Promise": card["promise"].to_numpy(),
            "Clause text": card["text"].to_numpy(),
        }
    )
    if mapping is None:
        return measured
    unmeasured = [
        {
            "Clause": commitment.section,
            "Measure": f"Not measured: {commitment.why_not_measured} Needs: "
            f"{commitment.data_needed}",
            "Now": "–",
            "Target": "–",
            "RAG": "Not measured",
            "Trend": "–",
            "Terms": [],
            "Promise": commitment.promise,
            "Clause text": commitment.text,
        }
        for commitment in mapping.commitments
        if not commitment.is_measured
    ]
    table = pd.concat([measured, pd.DataFrame(unmeasured, columns=measured.columns)])
    order = {commitment.section: rank for rank, commitment in enumerate(mapping.commitments)}
    table = table.iloc[table["Clause"].map(order).argsort(kind="stable")]
    return table.reset_index(drop=True)
