"""Figures and tables for comparing academies of different sizes: rates per 100 pupils, funnel
plots with control limits, and a ranked view with confidence intervals.

The numbers come from the metric results (`data.metric_values`), so every point matches the
`metrics` command; this module only reshapes them and draws.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from safeguarding import funnel
from safeguarding.codes import SUPPRESSED
from safeguarding.metrics import TRUST
from safeguarding.ui import charts
from safeguarding.ui.charts import PALETTE, TRUST_COLOUR, styled

# Counts compared per 100 pupils on roll, and proportions compared on a funnel (product.md §4 ids).
RATE_METRICS = ("concerns_logged", "cse_concerns_logged", "referrals_made")
FUNNEL_METRICS = ("csc_feedback_on_time_pct", "dsl_review_on_time_pct")

NO_ROLL = "no roll figure"

# What the numerator and denominator of each funnel metric count, for axes and hover text.
FUNNEL_UNITS = {
    "csc_feedback_on_time_pct": ("feedback on time", "referrals to children's social care due"),
    "dsl_review_on_time_pct": ("reviewed on time", "concerns due for review"),
}

# Colour and marker shape both carry the position, so it survives colour-vision deficiency and
# a black-and-white print. Higher is better for both funnel metrics: below = worse.
POSITION_STYLE = {
    funnel.BELOW_998: (PALETTE[3], "triangle-down"),  # vermillion
    funnel.BELOW_95: (PALETTE[1], "triangle-down-open"),  # orange
    funnel.WITHIN: ("#666666", "circle"),
    funnel.ABOVE_95: (PALETTE[4], "triangle-up-open"),  # sky blue
    funnel.ABOVE_998: (PALETTE[2], "triangle-up"),  # bluish green
}
LIMIT_COLOUR = "#666666"
MAX_LABELLED_POINTS = 30

FUNNEL_METHOD = (
    "*How the limits are drawn:* around the trust's proportion p (all academies' on-time "
    "cases added up, divided by all cases due), an academy with n cases due would fall "
    "within p ± z·√(p(1 − p)/n) by chance alone: z = 1.96 for the 95% limits and 3.09 for "
    "the 99.8% limits (binomial, normal approximation; Spiegelhalter 2005). About 1 academy "
    "in 20 falls outside the 95% limits by chance, and 1 in 500 outside the 99.8% limits.\n\n"
    "*The intervals in the ranked view* are Wilson score 95% intervals for each academy's own "
    "percentage: the range its underlying rate probably lies in, given how few cases it had."
)


OWN_MARK = " (yours)"


def _numbers(column: pd.Series) -> pd.Series:
    """Figures as floats; a suppressed figure (`c`, product.md §5) or a missing one becomes NaN."""
    return pd.to_numeric(column, errors="coerce").astype("float64")


def _is_suppressed(column: pd.Series) -> pd.Series:
    return column.map(lambda value: isinstance(value, str))


def rates_per_100(
    values: pd.DataFrame,
    academies: pd.DataFrame,
    shown: tuple[str, ...],
    metric_ids: tuple[str, ...] = RATE_METRICS,
    trust_rolls: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per academy in `shown` and metric, plus a TRUST row per metric: the count,
    pupils on roll, count per 100 pupils, and a note where there is no rate ("no roll figure",
    or "c" when the count is suppressed).

    The TRUST rate is the TRUST row's count less the counts of academies without a roll
    figure, over the rolls of the rest: academies without a roll figure change neither side.
    `trust_rolls` (academy_code, pupils_on_roll) lists the academies the TRUST row adds up;
    by default those of `academies`."""
    trust_rolls = academies if trust_rolls is None else trust_rolls
    rolls = academies.set_index("academy_code")["pupils_on_roll"]
    names = academies.set_index("academy_code")["academy_name"]
    chosen = values[values["metric"].isin(metric_ids)]
    counts = chosen[(chosen["academy_code"] != TRUST) & chosen["academy_code"].isin(rolls.index)]
    frame = pd.DataFrame(
        {
            "academy_code": counts["academy_code"].to_numpy(),
            "metric": counts["metric"].to_numpy(),
            "count": _numbers(counts["value"]).to_numpy(),
            "suppressed": _is_suppressed(counts["value"]).to_numpy(dtype=bool),
        }
    )
    frame["pupils_on_roll"] = frame["academy_code"].map(rolls).astype("float64")
    frame["academy_name"] = frame["academy_code"].map(names)
    has_roll = frame["pupils_on_roll"].notna() & (frame["pupils_on_roll"] > 0)
    frame["rate_per_100"] = (100.0 * frame["count"] / frame["pupils_on_roll"]).where(
        has_roll & ~frame["suppressed"]
    )
    frame["note"] = None
    frame.loc[has_roll & frame["suppressed"], "note"] = SUPPRESSED
    frame.loc[~has_roll, "note"] = NO_ROLL

    trust_has_roll = trust_rolls["pupils_on_roll"].notna() & (trust_rolls["pupils_on_roll"] > 0)
    without_roll = set(trust_rolls.loc[~trust_has_roll, "academy_code"])
    roll_total = float(trust_rolls.loc[trust_has_roll, "pupils_on_roll"].sum())
    trust_rows = []
    for metric in metric_ids:
        total = chosen[(chosen["academy_code"] == TRUST) & (chosen["metric"] == metric)]
        left_out = frame[(frame["metric"] == metric) & frame["academy_code"].isin(without_roll)]
        known = (
            len(total) == 1
            and not isinstance(total["value"].iloc[0], str)
            and len(left_out) == len(without_roll)
            and not left_out["suppressed"].any()
        )
        count = float(total["value"].iloc[0]) - left_out["count"].sum() if known else float("nan")
        rate = 100.0 * count / roll_total if known and roll_total > 0 else float("nan")
        trust_rows.append(
            {
                "academy_code": TRUST,
                "academy_name": "Trust",
                "metric": metric,
                "count": count,
                "pupils_on_roll": roll_total if roll_total > 0 else float("nan"),
                "rate_per_100": rate,
                "note": None if pd.notna(rate) else (SUPPRESSED if roll_total > 0 else NO_ROLL),
            }
        )
    columns = [
        "academy_code",
        "academy_name",
        "metric",
        "count",
        "pupils_on_roll",
        "rate_per_100",
        "note",
    ]
    academies_shown = frame[frame["academy_code"].isin(shown)][columns]
    return pd.concat(
        [academies_shown, pd.DataFrame(trust_rows, columns=columns)], ignore_index=True
    )


def rates_table(rates: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Academies down, one 'per 100 pupils' column per metric (as text, 2 decimals), 'no roll
    figure' or 'c' where there is no rate; the trust last."""
    order = list(dict.fromkeys(rates["metric"]))
    indexed = rates.set_index(["academy_code", "metric"])
    firsts = rates.drop_duplicates("academy_code").set_index("academy_code")
    codes = list(firsts.index)
    codes = [c for c in codes if c != TRUST] + [c for c in codes if c == TRUST]

    def shown(code: str, metric: str) -> str:
        row = indexed.loc[(code, metric)]
        return row["note"] if pd.isna(row["rate_per_100"]) else f"{row['rate_per_100']:.2f}"

    table = pd.DataFrame(
        {
            "academy": [firsts.loc[c, "academy_name"] for c in codes],
            "code": codes,
            "pupils on roll": [
                NO_ROLL
                if pd.isna(firsts.loc[c, "pupils_on_roll"])
                else f"{int(firsts.loc[c, 'pupils_on_roll']):,}"
                for c in codes
            ],
        }
    )
    for metric in order:
        table[f"{labels[metric]} per 100 pupils"] = [shown(c, metric) for c in codes]
    return table


@charts.cached_figure
def rates_chart(
    rates: pd.DataFrame, metric_id: str, label: str, when: str, own: str | None = None
) -> go.Figure:
    """Horizontal bars, highest rate at the top, the trust rate as a vertical line; academies
    without a roll figure listed at the bottom with that said in place of a bar."""
    rows = rates[(rates["metric"] == metric_id) & (rates["academy_code"] != TRUST)]
    rows = rows.sort_values(["rate_per_100", "academy_name"], ascending=[True, False])
    rows = pd.concat([rows[rows["rate_per_100"].isna()], rows[rows["rate_per_100"].notna()]])
    trust = rates[(rates["metric"] == metric_id) & (rates["academy_code"] == TRUST)]
    names = [
        f"{n} ({c}){OWN_MARK if c == own else ''}"
        for n, c in zip(rows["academy_name"], rows["academy_code"], strict=True)
    ]
    hover = [
        _rate_hover(name, label, row) for name, row in zip(names, rows.itertuples(), strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=[None if pd.isna(v) else round(float(v), 2) for v in rows["rate_per_100"]],
            y=names,
            orientation="h",
            marker_color=PALETTE[0],
            text=["" if pd.isna(v) else _rate_text(v) for v in rows["rate_per_100"]],
            # a zero-length bar has no inside: its 0.00 goes beside it
            textposition=["outside" if v == 0 else "auto" for v in rows["rate_per_100"]],
            insidetextanchor="end",
            insidetextfont={"color": "#FFFFFF"},
            outsidetextfont={"color": "#333333"},
            cliponaxis=False,
            hovertext=hover,
            hoverinfo="text",
            name=f"{label} per 100 pupils",
            showlegend=False,
        )
    )
    for name, rate, note in zip(names, rows["rate_per_100"], rows["note"], strict=True):
        if pd.isna(rate):
            text = "c (1 to 5: not shown)" if note == SUPPRESSED else NO_ROLL
            figure.add_annotation(
                x=0, y=name, text=text, showarrow=False, xanchor="left", font={"color": "#555"}
            )
    trust_rate = trust["rate_per_100"].iloc[0] if len(trust) else None
    if trust_rate is not None and pd.notna(trust_rate):
        figure.add_vline(
            x=float(trust_rate),
            line={"color": TRUST_COLOUR, "dash": "dash", "width": 2},
            annotation_text=f"Trust {_rate_text(trust_rate)}",
            annotation_position="top",
        )
    styled(
        figure,
        f"{label} per 100 pupils on roll",
        x_title=f"{label} per 100 pupils on roll",
        height=max(340, 110 + 34 * len(rows)),
    )
    _subtitle(figure, f"{when}; dashed line: the trust")
    # the longest bar keeps room for its label; "no roll figure" sits at 0
    top = max([float(v) for v in rows["rate_per_100"].dropna()] + [float(trust_rate or 0), 0.1])
    figure.update_xaxes(range=[0, top * 1.18], rangemode="tozero")
    return figure


def funnel_table(
    values: pd.DataFrame, academies: pd.DataFrame, metric_id: str, shown: tuple[str, ...]
) -> tuple[pd.DataFrame, float | None]:
    """The academies in `shown` for one percentage metric: numerator, denominator, value,
    Wilson 95 % interval (percent) and position against the funnel around the trust
    proportion; and that proportion (None when nothing is due anywhere, or when the trust's
    own figures are suppressed). A suppressed academy (`c`) keeps its row, marked
    `suppressed`, with no numbers: it cannot be placed on the funnel."""
    rows = values[values["metric"] == metric_id]
    trust = rows[rows["academy_code"] == TRUST]
    p = None
    if len(trust):
        numerator, denominator = _numbers(trust["numerator"]), _numbers(trust["denominator"])
        if pd.notna(numerator.iloc[0]) and pd.notna(denominator.iloc[0]) and denominator.iloc[0]:
            p = float(numerator.iloc[0]) / float(denominator.iloc[0])
    names = academies.set_index("academy_code")["academy_name"]
    picked = rows[rows["academy_code"].isin(shown)]
    suppressed = (
        _is_suppressed(picked["value"])
        | _is_suppressed(picked["numerator"])
        | _is_suppressed(picked["denominator"])
    )
    table = pd.DataFrame(
        {
            "academy_code": picked["academy_code"].to_numpy(),
            "academy_name": picked["academy_code"].map(names).to_numpy(),
            "value": _numbers(picked["value"]).to_numpy(),
            "numerator": _numbers(picked["numerator"]).fillna(0).to_numpy(),
            "denominator": _numbers(picked["denominator"]).fillna(0).to_numpy(),
            "suppressed": suppressed.to_numpy(dtype=bool),
        }
    )
    table.loc[table["suppressed"], ["value", "numerator", "denominator"]] = float("nan")
    intervals = [
        funnel.wilson_interval(int(x), int(n)) if n > 0 else (float("nan"), float("nan"))
        for x, n in zip(table["numerator"], table["denominator"], strict=True)
    ]
    table["ci_lower_pct"] = [100.0 * low for low, _ in intervals]
    table["ci_upper_pct"] = [100.0 * high for _, high in intervals]
    table["position"] = [
        funnel.position(int(x), int(n), p) if p is not None and n > 0 else None
        for x, n in zip(table["numerator"], table["denominator"], strict=True)
    ]
    return table, p


def _hover(row, units: tuple[str, str]) -> str:
    return (
        f"{row.academy_name} ({row.academy_code})<br>"
        f"{int(row.numerator):,} {units[0]} of {int(row.denominator):,} {units[1]} "
        f"({row.value:.1f}%)<br>"
        f"95% interval {row.ci_lower_pct:.1f}% to {row.ci_upper_pct:.1f}%<br>"
        f"{(row.position or '').capitalize()}"
    )


@charts.cached_figure
def funnel_chart(
    table: pd.DataFrame, p: float, metric_id: str, label: str, when: str, own: str | None = None
):
    """Each academy a labelled point (x = how many were due, y = % on time) inside the 95 % and
    99.8 % control limits around the trust proportion, drawn as smooth curves over n. The
    viewer's `own` academy is always labelled, as theirs."""
    plotted = table[table["denominator"] > 0]
    units = FUNNEL_UNITS[metric_id]
    n_max = max(int(plotted["denominator"].max()) if len(plotted) else 10, 10) * 1.1
    # With many academies every label would sit on another: label those outside the 95 %
    # limits only (the rest keep their hover text), and say so in the page's caption.
    label_all = len(plotted) <= MAX_LABELLED_POINTS
    curves = funnel.funnel_curves(p, n_max)
    n = curves["n"].round(3).tolist()
    figure = go.Figure()
    for band, dash, width in (("998", "dot", 1.5), ("95", "dash", 1.5)):
        name = "99.8% limits" if band == "998" else "95% limits"
        for side in ("lower", "upper"):
            figure.add_trace(
                go.Scatter(
                    x=n,
                    y=curves[f"{side}_{band}"].round(3).tolist(),
                    mode="lines",
                    line={"color": LIMIT_COLOUR, "dash": dash, "width": width},
                    name=name,
                    legendgroup=name,
                    showlegend=side == "lower",
                    hovertemplate=f"{name[:-7]} {side} limit at %{{x:.0f}} due: %{{y:.1f}}%"
                    "<extra></extra>",
                )
            )
    figure.add_trace(
        go.Scatter(
            x=[0, n_max],
            y=[round(100 * p, 3)] * 2,
            mode="lines",
            line={"color": TRUST_COLOUR, "width": 2},
            name=f"Trust {100 * p:.1f}%",
            hovertemplate=f"Trust: {100 * p:.1f}%<extra></extra>",
        )
    )
    for place in funnel.POSITIONS:
        points = plotted[plotted["position"] == place]
        if points.empty:
            continue
        colour, symbol = POSITION_STYLE[place]
        figure.add_trace(
            go.Scatter(
                x=points["denominator"].astype(int).tolist(),
                y=points["value"].astype(float).tolist(),
                mode="markers+text",
                text=[
                    f"{code}{OWN_MARK}"
                    if code == own
                    else (code if label_all or place != funnel.WITHIN else "")
                    for code in points["academy_code"]
                ],
                # Above the marker, except at the top of the axis, where it would be cut off.
                textposition=[
                    "bottom center" if v >= 97 else "top center"
                    for v in points["value"].astype(float)
                ],
                textfont={"size": 12},
                cliponaxis=False,
                marker={"color": colour, "symbol": symbol, "size": 12, "line": {"width": 2}},
                name=place.capitalize(),
                hovertext=[_hover(row, units) for row in points.itertuples()],
                hoverinfo="text",
                customdata=points["academy_code"].tolist(),
            )
        )
    styled(
        figure,
        f"{label}: funnel plot",
        x_title=f"Number of {units[1]} (academy size for this measure)",
        y_title=f"% {units[0]}",
        counts_on_x=True,
        percent_on_y=True,
        height=540,
    )
    _subtitle(figure, f"{when}; each academy against the trust's control limits")
    figure.update_xaxes(range=[0, n_max])
    figure.update_yaxes(range=[_percent_floor(plotted, p), 104])
    _legend_below(figure)
    return figure


@charts.cached_figure
def ranked_chart(
    table: pd.DataFrame, p: float, label: str, when: str, own: str | None = None
) -> go.Figure:
    """Academies sorted by their percentage, each with its Wilson 95 % interval, and the trust
    line: overlapping intervals show how little a difference in rank can mean. The viewer's
    `own` academy is marked as theirs."""
    plotted = table[table["denominator"] > 0].sort_values(
        ["value", "academy_name"], ascending=[True, False]
    )
    names = [
        f"{n} ({c}){OWN_MARK if c == own else ''}"
        for n, c in zip(plotted["academy_name"], plotted["academy_code"], strict=True)
    ]
    figure = go.Figure()
    for place in funnel.POSITIONS:
        mask = (plotted["position"] == place).to_numpy()
        points = plotted[mask]
        if points.empty:
            continue
        colour, symbol = POSITION_STYLE[place]
        figure.add_trace(
            go.Scatter(
                x=points["value"].astype(float).tolist(),
                y=[name for name, keep in zip(names, mask, strict=True) if keep],
                mode="markers",
                marker={"color": colour, "symbol": symbol, "size": 12, "line": {"width": 2}},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (points["ci_upper_pct"] - points["value"]).round(3).tolist(),
                    "arrayminus": (points["value"] - points["ci_lower_pct"]).round(3).tolist(),
                    "color": colour,
                    "thickness": 2,
                    "width": 6,
                },
                name=place.capitalize(),
                hovertext=[
                    f"{row.academy_name} ({row.academy_code})<br>{row.value:.1f}% "
                    f"({int(row.numerator):,} of {int(row.denominator):,})<br>95% interval "
                    f"{row.ci_lower_pct:.1f}% to {row.ci_upper_pct:.1f}%"
                    for row in points.itertuples()
                ],
                hoverinfo="text",
            )
        )
    figure.add_vline(
        x=round(100 * p, 3),
        line={"color": TRUST_COLOUR, "dash": "dash", "width": 2},
        annotation_text=f"Trust {100 * p:.1f}%",
        annotation_position="top",
    )
    styled(
        figure,
        f"{label}: academies in order",
        x_title="% on time (bar: 95% Wilson interval)",
        percent_on_x=True,
        height=max(340, 130 + 36 * len(plotted)),
    )
    _subtitle(figure, f"{when}; with 95% confidence intervals and the trust line")
    figure.update_yaxes(categoryorder="array", categoryarray=names)
    figure.update_xaxes(range=[_percent_floor(plotted, p), 104])
    _legend_below(figure)
    return figure


def funnel_display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The funnel's numbers as a table: one row per academy, worst position first."""
    order = {place: rank for rank, place in enumerate(funnel.POSITIONS)}
    shown = table.assign(_rank=table["position"].map(order).fillna(len(order)))
    shown = shown.sort_values(["_rank", "value", "academy_name"], na_position="last")
    position = shown["position"].where(
        shown["position"].notna(),
        shown["suppressed"].map({True: "c: 1 to 5 cases, not shown", False: "nothing due"}),
    )
    frame = pd.DataFrame(
        {
            "academy": shown["academy_name"],
            "code": shown["academy_code"],
            "on time": shown["numerator"].astype("Int64"),
            "due": shown["denominator"].astype("Int64"),
            "%": shown["value"],
            "95% CI low": shown["ci_lower_pct"].round(1),
            "95% CI high": shown["ci_upper_pct"].round(1),
            "against the limits": position,
        }
    ).reset_index(drop=True)
    # A suppressed academy's numbers read "c"; an academy with nothing due reads "—".
    hidden = shown["suppressed"].fillna(False).astype(bool).to_numpy()
    if hidden.any():
        for column in ("on time", "due", "%", "95% CI low", "95% CI high"):
            values = frame[column].astype(object)
            frame[column] = values.where(~(hidden & values.isna().to_numpy()), SUPPRESSED)
    return frame


def _rate_hover(name: str, label: str, row) -> str:
    if row.note == NO_ROLL:
        return f"{name}<br>{label}: {int(row.count):,}<br>no pupils-on-roll figure, so no rate"
    if row.note == SUPPRESSED:
        return f"{name}<br>{label}: c (from 1 to 5, not shown to protect children)"
    return (
        f"{name}<br>{label}: {int(row.count):,}<br>pupils on roll: {int(row.pupils_on_roll):,}"
        f"<br>{row.rate_per_100:.2f} per 100 pupils"
    )


def _percent_floor(plotted: pd.DataFrame, p: float) -> float:
    """Where a percentage axis starts: low enough for every point, its interval and the funnel
    at the smallest academy, rounded down to 10 (a trust at 88 % with 0–100 on the axis squeezes
    every academy into the top tenth of the chart). Percentages are not counts, so the axis
    need not start at 0; the tick labels say where it does."""
    if plotted.empty:
        return -3.0
    lower_998, _ = funnel.control_limits(p, float(plotted["denominator"].min()), funnel.Z_998)
    lowest = min(
        float(plotted["value"].min()), float(plotted["ci_lower_pct"].min()), 100 * lower_998
    )
    floor = 10.0 * math.floor(max(lowest - 3.0, 0.0) / 10.0)
    return floor - 3.0 if floor == 0 else floor


def _subtitle(figure: go.Figure, text: str) -> None:
    """The 'when' under the title, so long metric names still fit on one line."""
    figure.update_layout(title_subtitle_text=text, title_subtitle_font_size=13, margin_t=100)


def _legend_below(figure: go.Figure) -> None:
    """The legend under the x-axis title, a fixed distance below the plot whatever its height
    (legend positions are fractions of the plot area, margins are pixels)."""
    bottom = 110
    plot_height = figure.layout.height - figure.layout.margin.t - bottom
    figure.update_layout(legend={"y": -75 / plot_height, "yanchor": "top"}, margin={"b": bottom})


def _rate_text(value: float) -> str:
    """Two decimals for small rates (CSE concerns are well under 1 per 100), one above 10."""
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"
