"""Figures for the referral timeliness page.

The queries (queries/dashboard/referral_*.sql) return the cells a chart shows, already
aggregated, so that in governor views the data layer can hide small counts (`c`, product.md §5) in
exactly the cells drawn. This module never adds up cells that may be hidden: a total is shown
only when every cell under it is visible (otherwise the total minus the visible cells would give
the hidden one away), and a percentage only when its numerator and denominator are visible.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from safeguarding import contract
from safeguarding.codes import SUPPRESSED, TRUST
from safeguarding.ui import charts, components
from safeguarding.ui.charts import PALETTE, RAG_COLOURS, RAG_LABELS, TRUST_COLOUR, styled

HIDDEN_TEXT = "c (1 to 5, not shown)"
HIDDEN_COLOUR = "#555555"


AGENCY_LABELS = {
    "children_social_care": "Children's social care",
    "police": "Police",
    "lado": "LADO",
    "early_help": "Early help",
    "camhs": "CAMHS",
    "prevent": "Prevent",
    "other": "Other",
}

# Roughly from least to most intervention, then the rest.
DECISION_LABELS = {
    "no_further_action": "No further action",
    "advice": "Advice",
    "early_help": "Early help",
    "section_17": "Section 17 (child in need)",
    "strategy_discussion": "Strategy discussion",
    "section_47": "Section 47 (enquiry)",
    "other": "Other",
    "not_recorded": "No decision recorded",
}

DAY_BUCKETS = ["0", "1", "2", "3", "4", "5 or more", "No feedback yet"]

# Feedback status: label and colour. Late is orange and overdue vermillion; overdue is only
# ever in the last column, so position tells them apart as well as colour.
FEEDBACK_STATUS = {
    "on_time": ("On or before the deadline day", RAG_COLOURS["green"]),
    "late": ("After the deadline day", RAG_COLOURS["amber"]),
    "overdue": ("None yet, deadline passed", RAG_COLOURS["red"]),
    "awaiting": ("None yet, deadline not reached", RAG_COLOURS[None]),
}


def is_hidden(value: Any) -> bool:
    return isinstance(value, str) and value == SUPPRESSED


def number(value: Any) -> float | None:
    """A figure as a float; None when missing or hidden."""
    if value is None or is_hidden(value) or value is pd.NA:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def count_text(value: Any) -> str:
    return SUPPRESSED if is_hidden(value) else f"{int(number(value) or 0):,}"


def _day_bucket(working_days) -> str:
    if working_days is None or pd.isna(working_days):
        return DAY_BUCKETS[-1]
    return DAY_BUCKETS[min(int(working_days), 5)]


def feedback_days_distribution(days: pd.DataFrame) -> pd.DataFrame:
    """Every bucket × status cell (DAY_BUCKETS order), the query's count or 0 where it has no
    row: columns bucket, feedback_status, referrals (a number, or "c")."""
    cells = {
        (_day_bucket(row.working_days), row.feedback_status): row.referrals
        for row in days.itertuples()
    }
    return pd.DataFrame(
        [
            {
                "bucket": bucket,
                "feedback_status": status,
                "referrals": cells.get((bucket, status), 0),
            }
            for bucket in DAY_BUCKETS
            for status in FEEDBACK_STATUS
        ]
    )


@charts.cached_figure
def feedback_days_figure(distribution: pd.DataFrame, target_days: int, when: str) -> go.Figure:
    figure = go.Figure()
    shows = distribution["referrals"].map(lambda v: bool(number(v)) or is_hidden(v))
    # Segment labels only where a column is split; a single segment's count is the total above.
    split = distribution[shows].groupby("bucket").size().gt(1).to_dict()
    for status, (label, colour) in FEEDBACK_STATUS.items():
        part = distribution[distribution["feedback_status"] == status]
        values = [number(v) or 0 for v in part["referrals"]]
        if not any(values) and not part["referrals"].map(is_hidden).any():
            continue
        figure.add_bar(
            x=part["bucket"].tolist(),
            y=values,
            name=label,
            marker_color=colour,
            text=[
                count_text(v) if split.get(bucket) and (number(v) or is_hidden(v)) else ""
                for bucket, v in zip(part["bucket"], part["referrals"], strict=True)
            ],
            textposition="inside",
            hovertemplate="%{x} working days: %{text} referrals<extra>" + label + "</extra>",
        )
    tops, labels = [], []
    for bucket in DAY_BUCKETS:
        cells = distribution.loc[distribution["bucket"] == bucket, "referrals"]
        visible = sum(number(v) or 0 for v in cells)
        tops.append(visible)
        # A total over a hidden cell would give it away: say "c" instead.
        labels.append(SUPPRESSED if cells.map(is_hidden).any() else f"<b>{int(visible)}</b>")
    figure.add_scatter(
        x=DAY_BUCKETS,
        y=tops,
        mode="text",
        text=labels,
        textposition="top center",
        showlegend=False,
        hoverinfo="skip",
    )
    figure.update_layout(
        barmode="stack",
        legend={"traceorder": "normal"},
        uniformtext={"minsize": 11, "mode": "hide"},
    )
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=DAY_BUCKETS)
    top = max([1.0, *tops])
    figure.update_yaxes(range=[0, top * 1.15], dtick=1 if top < 8 else None)
    day_word = "day" if target_days == 1 else "days"
    return styled(
        figure,
        f"Referrals to children's social care by working days to feedback, {when}",
        x_title=f"Working days from referral to feedback (deadline: {target_days} {day_word})",
        y_title="Referrals (count)",
        counts_on_y=True,
    )


OWN_MARK = " (your academy)"


def own_first(academies: pd.DataFrame, own: str | None) -> pd.DataFrame:
    """The rows with the viewer's academy moved to the top and its name marked."""
    if own is None or own not in set(academies["academy_code"]):
        return academies
    is_own = academies["academy_code"] == own
    marked = academies.assign(name=academies["name"].where(~is_own, academies["name"] + OWN_MARK))
    return pd.concat([marked[is_own], marked[~is_own]])


def _threshold(value: float, unit: str) -> str:
    return f"{value:g}%" if unit == "%" else f"{value:g} h" if unit == "hours" else f"{value:g}"


def _rag_legend(metric_id: str) -> dict[str | None, str]:
    d = components.definitions()[metric_id]
    if d.green_at is None or d.amber_at is None:
        return {}
    at_least, worse = ("≥", "<") if d.better == "higher" else ("≤", ">")
    green, amber = _threshold(d.green_at, d.unit), _threshold(d.amber_at, d.unit)
    return {
        "green": f"{RAG_LABELS['green']} ({at_least} {green})",
        "amber": f"{RAG_LABELS['amber']} ({at_least} {amber})",
        "red": f"{RAG_LABELS['red']} ({worse} {amber})",
    }


@charts.cached_figure
def by_academy_figure(
    values: pd.DataFrame,
    metric_id: str,
    names: dict[str, str],
    title: str,
    value_title: str,
    count_noun: str,
    none_text: str,
    trust_label: str = "Trust",
    own: str | None = None,
) -> go.Figure:
    """One horizontal bar per academy for a metric from data.metric_values, RAG-coloured, worst
    at the top (the viewer's `own` academy above them all, marked), with n on each bar and the
    TRUST figure as a dashed reference line.

    count_noun: what the denominator counts, e.g. "referrals due" ("8 of 11 referrals due");
    for a median, what n counts. none_text: the label of an academy with no figure. A figure
    hidden in governor views (`c`) gets no bar, only the label."""
    definition = components.definitions()[metric_id]
    unit = definition.unit
    is_median = unit == "hours"  # a median has a count (n) but no numerator
    rows = values[values["metric"] == metric_id]
    academies = rows[rows["academy_code"] != TRUST].copy()
    trust = rows[rows["academy_code"] == TRUST]
    academies["name"] = academies["academy_code"].map(lambda code: names.get(code, code))
    academies["figure"] = academies["value"].map(number)
    academies["hidden"] = academies["value"].map(is_hidden)
    academies["rag"] = academies["figure"].map(
        lambda v: None if v is None or pd.isna(v) else definition.rag(v)
    )
    academies = academies.sort_values(
        ["figure", "name"], ascending=[definition.better != "lower", True], na_position="last"
    )
    academies = own_first(academies, own)

    def counts(row) -> str:
        if is_median:
            return f"n = {count_text(row.denominator)}"
        return f"{count_text(row.numerator)}/{count_text(row.denominator)}"

    def shown(row) -> str:
        if row.hidden:
            return HIDDEN_TEXT
        if row.figure is None or pd.isna(row.figure):
            return none_text
        return f"{components.format_value(row.figure, unit)} ({counts(row)})"

    def hover(row) -> str:
        if row.hidden or row.figure is None or pd.isna(row.figure):
            return f"<b>{row.name}</b><br>{shown(row)}"
        if is_median:
            return (
                f"<b>{row.name}</b><br>{components.format_value(row.figure, unit)}<br>"
                f"over {count_text(row.denominator)} {count_noun}"
            )
        return (
            f"<b>{row.name}</b><br>{components.format_value(row.figure, unit)}<br>"
            f"{count_text(row.numerator)} of {count_text(row.denominator)} {count_noun}"
        )

    figure = go.Figure()
    legend = _rag_legend(metric_id)
    valued = academies[academies["figure"].notna()]
    for rag in ["green", "amber", "red", None]:
        part = valued[valued["rag"].map(lambda r, rag=rag: r == rag)]
        if part.empty:
            if rag in legend:
                # Every band in the legend, so that "≥ 100%" and "< 90%" leave no gap unnamed.
                figure.add_scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    marker={"symbol": "square", "size": 12, "color": RAG_COLOURS[rag]},
                    name=legend[rag],
                    hoverinfo="skip",
                )
            continue
        figure.add_bar(
            y=part["name"].tolist(),
            x=part["figure"].tolist(),
            orientation="h",
            name=legend.get(rag, RAG_LABELS[rag]),
            marker_color=RAG_COLOURS[rag],
            hovertext=[hover(row) for row in part.itertuples()],
            hoverinfo="text",
            customdata=part["academy_code"].tolist(),
        )
    # Labels as a text layer rather than bar text: a 0% bar has no length to carry its text,
    # and an academy without a figure has no bar at all. Long bars get their label inside the
    # bar's end, short ones just beyond it.
    figures = [v for v in academies["figure"] if v is not None and not pd.isna(v)]
    axis_top = 100.0 if unit == "%" else max([1.0, *figures])
    labels, positions, colours, xs = [], [], [], []
    for row in academies.itertuples():
        has_bar = row.figure is not None and not pd.isna(row.figure)
        long_bar = has_bar and row.figure >= 0.45 * axis_top
        labels.append(f"{shown(row)}  " if long_bar else f"  {shown(row)}")
        xs.append(float(row.figure) if has_bar else 0.0)
        positions.append("middle left" if long_bar else "middle right")
        inside_dark = long_bar and row.rag != "amber"
        colours.append("#FFFFFF" if inside_dark else "#222222" if has_bar else HIDDEN_COLOUR)
    figure.add_scatter(
        y=academies["name"].tolist(),
        x=xs,
        mode="text",
        text=labels,
        textposition=positions,
        textfont={"color": colours, "size": 13},
        showlegend=False,
        hovertext=[hover(row) for row in academies.itertuples()],
        hoverinfo="text",
        name="labels",
    )
    trust_value = number(trust["value"].iloc[0]) if not trust.empty else None
    if trust_value is not None:
        row = trust.iloc[0]
        trust_counts = (
            f"n = {count_text(row['denominator'])}"
            if is_median
            else f"{count_text(row['numerator'])}/{count_text(row['denominator'])}"
        )
        # Drawn below the bars so it never covers their labels; the legend names it.
        figure.add_vline(
            x=trust_value,
            line={"color": TRUST_COLOUR, "dash": "dash", "width": 2},
            layer="below",
        )
        figure.add_scatter(
            x=[None],
            y=[None],
            mode="lines",
            line={"color": TRUST_COLOUR, "dash": "dash", "width": 2},
            name=f"{trust_label}: {components.format_value(trust_value, unit)} ({trust_counts})",
            hoverinfo="skip",
        )
    order = academies["name"].tolist()
    figure.update_yaxes(
        type="category", categoryorder="array", categoryarray=order, autorange="reversed"
    )
    figure.update_layout(barmode="relative", legend={"traceorder": "normal"})
    styled(
        figure,
        title,
        x_title=value_title,
        percent_on_x=unit == "%",
        height=max(340, 160 + 42 * len(order)),
    )
    # The RAG bands and the trust line make a legend that wraps to two lines at a laptop's
    # width: room for it between the title and the bars, so it never covers the title.
    figure.update_layout(margin={"t": 95})
    if unit != "%":
        figure.update_xaxes(range=[0, axis_top * 1.15])
    return figure


def on_time_by_month(months: pd.DataFrame) -> pd.DataFrame:
    """The monthly query's rows with the percentage it computed as `value`: columns
    referred_month_on, academy_code, on_time_referrals, due_referrals, value (None where
    nothing was due)."""
    value = months["on_time_pct"].astype(object).where(months["on_time_pct"].notna(), None)
    return months.drop(columns="on_time_pct").assign(value=value)


@charts.cached_figure
def on_time_by_month_figure(
    monthly: pd.DataFrame,
    academies: list[str],
    names: dict[str, str],
    title: str,
    green_at: float | None,
    trust_label: str = "Trust",
) -> go.Figure:
    """Monthly csc_feedback_on_time_pct: the TRUST line, plus any academies chosen."""
    figure = go.Figure()
    for index, code in enumerate([TRUST, *academies]):
        rows = monthly[monthly["academy_code"] == code].sort_values("referred_month_on")
        if rows.empty:
            continue
        is_trust = code == TRUST
        name = trust_label if is_trust else names.get(code, code)
        on_time = [count_text(v) for v in rows["on_time_referrals"]]
        due = [count_text(v) for v in rows["due_referrals"]]
        months = pd.to_datetime(rows["referred_month_on"]).tolist()
        if is_trust:
            # n under each month's label, clear of the lines: a month with few referrals swings.
            figure.update_xaxes(
                tickmode="array",
                tickvals=months,
                ticktext=[f"{m:%b %Y}<br>n={d}" for m, d in zip(months, due, strict=True)],
            )
        figure.add_scatter(
            x=months,
            y=rows["value"].tolist(),
            mode="lines+markers",
            name=name,
            connectgaps=False,
            line={
                "color": TRUST_COLOUR if is_trust else PALETTE[index % len(PALETTE)],
                "width": 3 if is_trust else 2,
            },
            customdata=list(zip(on_time, due, strict=True)),
            hovertemplate=(
                "%{x|%B %Y}: %{y:.1f}%<br>%{customdata[0]} of %{customdata[1]} referrals due"
                "<extra>" + name + "</extra>"
            ),
        )
    if green_at is not None:
        figure.add_hline(
            y=green_at,
            line={"color": RAG_COLOURS["green"], "dash": "dot"},
            annotation_text=f"Target {green_at:g}%",
            annotation_position="bottom right",
        )
    return styled(
        figure,
        title,
        x_title="Month of referral (n: referrals due)",
        y_title="Feedback within the deadline (%)",
        percent_on_y=True,
    )


@charts.cached_figure
def agency_mix_figure(mix: pd.DataFrame, title: str) -> go.Figure:
    """Referrals by agency across the academies in view, largest at the top."""
    mix = mix.assign(figure=mix["referrals"].map(lambda v: number(v) or 0))
    mix = mix.sort_values(["figure", "agency"], ascending=[False, True])
    labels = mix["agency"].map(lambda a: AGENCY_LABELS.get(a, a)).tolist()
    any_hidden = mix["referrals"].map(is_hidden).any()
    total = None if any_hidden else int(mix["figure"].sum())

    def label(value) -> str:
        if is_hidden(value) or not total:
            return count_text(value)
        return f"{int(value):,} ({100 * int(value) / total:.0f}%)"

    texts = [label(v) for v in mix["referrals"]]
    figure = go.Figure(
        go.Bar(
            y=labels,
            x=mix["figure"].tolist(),
            orientation="h",
            marker_color=PALETTE[0],
            text=texts,
            textposition="auto",
            hovertext=[f"{a}: {t} referrals" for a, t in zip(labels, texts, strict=True)],
            hoverinfo="text",
            name="Referrals",
            showlegend=False,
        )
    )
    if any_hidden:
        hidden = mix[mix["referrals"].map(is_hidden)]
        figure.add_scatter(
            y=hidden["agency"].map(lambda a: AGENCY_LABELS.get(a, a)).tolist(),
            x=[0] * len(hidden),
            mode="text",
            text=[f"  {HIDDEN_TEXT}"] * len(hidden),
            textposition="middle right",
            textfont={"color": HIDDEN_COLOUR},
            showlegend=False,
            hoverinfo="skip",
        )
    figure.update_yaxes(type="category", autorange="reversed")
    top = max(1.0, float(mix["figure"].max())) if not mix.empty else 1.0
    figure.update_xaxes(range=[0, top * 1.1], dtick=1 if top < 8 else None)
    return styled(
        figure,
        title,
        x_title="Referrals (count)",
        counts_on_x=True,
        height=max(300, 100 + 42 * len(labels)),
    )


def decisions_in_order(decisions: pd.DataFrame) -> pd.DataFrame:
    """The decision rows in DECISION_LABELS order."""
    rank = {d: i for i, d in enumerate(DECISION_LABELS)}
    ordered = decisions.assign(_rank=decisions["decision"].map(lambda d: rank.get(d, len(rank))))
    return ordered.sort_values("_rank").drop(columns="_rank").reset_index(drop=True)


@charts.cached_figure
def decisions_figure(decisions: pd.DataFrame, title: str) -> go.Figure:
    """Referrals per decision, split into escalated and not escalated where both are shown."""
    labels = decisions["decision"].map(lambda d: DECISION_LABELS.get(d, d)).tolist()
    totals = [number(v) or 0 for v in decisions["referrals"]]
    escalated = [number(v) for v in decisions["escalated"]]
    # With the escalated part hidden, the bar is the whole decision, unsplit.
    not_escalated = [t - e if e is not None else t for t, e in zip(totals, escalated, strict=True)]
    figure = go.Figure()
    figure.add_bar(
        y=labels,
        x=not_escalated,
        orientation="h",
        name="Not escalated",
        marker_color=PALETTE[0],
        hovertemplate="%{y}: %{x:,} not escalated<extra></extra>",
    )
    figure.add_bar(
        y=labels,
        x=[e or 0 for e in escalated],
        orientation="h",
        name="Escalated or re-referred",
        marker_color=PALETTE[3],
        hovertemplate="%{y}: %{x:,} escalated or re-referred<extra></extra>",
    )
    notes = []
    for total, hidden_escalated in zip(
        decisions["referrals"], decisions["escalated"].map(is_hidden), strict=True
    ):
        text = f"  {count_text(total)}"
        if hidden_escalated and not is_hidden(total):
            text += " (escalated: c)"
        notes.append(text)
    figure.add_scatter(
        y=labels,
        x=totals,
        mode="text",
        text=notes,
        textposition="middle right",
        showlegend=False,
        hoverinfo="skip",
    )
    top = max([1.0, *totals])
    figure.update_layout(barmode="stack", legend={"traceorder": "normal"})
    figure.update_yaxes(type="category", autorange="reversed")
    figure.update_xaxes(range=[0, top * 1.2], dtick=1 if top < 8 else None)
    return styled(
        figure,
        title,
        x_title="Referrals (count)",
        counts_on_x=True,
        height=max(300, 100 + 42 * len(labels)),
    )


def decision_shares(
    shares: pd.Series,
    decisions: pd.DataFrame,
    percent: Callable[[Any, Any], float | None],
) -> list[tuple[str, str, str]]:
    """(label, percentage, "n of N") for the no-further-action and escalation shares.

    A share whose denominator is the sum of the chart's bars is hidden when any bar is hidden:
    the denominator minus the visible bars would give the hidden bar away."""
    any_bar_hidden = decisions["referrals"].map(is_hidden).any()
    specs = [
        ("No further action", "no_further_action", "decided", "decisions", True),
        ("Escalated or re-referred", "escalated", "referrals", "referrals", True),
        (
            "No further action, then escalated",
            "no_further_action_escalated",
            "no_further_action",
            "NFA decisions",
            False,
        ),
    ]
    result = []
    for label, numerator_column, denominator_column, noun, sums_bars in specs:
        numerator, denominator = shares[numerator_column], shares[denominator_column]
        if (sums_bars and any_bar_hidden) or is_hidden(numerator) or is_hidden(denominator):
            result.append((label, SUPPRESSED, "not shown: small numbers"))
            continue
        value = percent(int(number(numerator) or 0), int(number(denominator) or 0))
        result.append(
            (
                label,
                components.format_value(value, "%"),
                f"{count_text(numerator)} of {count_text(denominator)} {noun}",
            )
        )
    return result


# --- what the concerns are about (queries/dashboard/concerns_by_*.sql) -------------------------
#
# Counts come from the queries, suppressed in governor views; every percentage is made here from
# the counts shown, and is c whenever its numerator or denominator is hidden.

MARKER_LABELS = {
    "looked_after": "Looked after",
    "send": "SEND",
    "child_protection_plan": "Child protection plan",
    "missing_episode": "Missing episode",
}
NOT_RECORDED = "Not recorded"


def year_group_label(year_group: Any) -> str:
    """-1 Nursery, 0 Reception, n Year n; a missing year group is "Not recorded"."""
    value = number(year_group)
    if value is None:
        return NOT_RECORDED
    return {-1: "Nursery", 0: "Reception"}.get(int(value), f"Year {int(value)}")


def concerns_total(counts: pd.Series, shown_elsewhere: Any = None) -> Any:
    """All the concerns a table's rows add up to: their sum when every row is shown, else the
    concerns_logged figure the viewer already sees for the same academies and window
    (`shown_elsewhere`, possibly c; None: not known, so c). A sum over hidden rows is never
    made: it would give them away."""
    if not counts.map(is_hidden).any():
        return int(sum(number(v) or 0 for v in counts))
    if shown_elsewhere is None or is_hidden(shown_elsewhere) or number(shown_elsewhere) is None:
        return SUPPRESSED
    return int(number(shown_elsewhere))


def rate_text(numerator: Any, denominator: Any, percent: Callable[[Any, Any], float | None]) -> str:
    """numerator / denominator as a percentage to 1 dp (`percent`, the dashboard's rounding
    rule): c when either is hidden, – when the denominator is 0."""
    if is_hidden(numerator) or is_hidden(denominator):
        return SUPPRESSED
    if not number(denominator):
        return components.format_value(None, "%")
    return components.format_value(
        percent(int(number(numerator) or 0), int(number(denominator))), "%"
    )


def _ordered_by_count(frame: pd.DataFrame, column: str, key: str) -> pd.DataFrame:
    """Largest first; hidden counts (unknown size) after the shown ones, then by key."""
    figure = frame[column].map(lambda v: -1.0 if is_hidden(v) else number(v) or 0.0)
    ordered = frame.assign(_figure=figure).sort_values(["_figure", key], ascending=[False, True])
    return ordered.drop(columns="_figure").reset_index(drop=True)


def category_table(
    categories: pd.DataFrame, total: Any, percent: Callable[[Any, Any], float | None]
) -> pd.DataFrame:
    """The by-category table: category label, concerns, share of all concerns, referred and
    referred rate, largest first, as text (c where hidden)."""
    rows = _ordered_by_count(categories, "concerns", "concern_category")
    return pd.DataFrame(
        {
            "Category": [contract.label(c) or NOT_RECORDED for c in rows["concern_category"]],
            "Concerns": [count_text(v) for v in rows["concerns"]],
            "Share of all concerns": [rate_text(v, total, percent) for v in rows["concerns"]],
            "Referred": [count_text(v) for v in rows["referred"]],
            "Referred rate": [
                rate_text(r, c, percent)
                for r, c in zip(rows["referred"], rows["concerns"], strict=True)
            ],
        }
    )


def marker_table(
    markers: pd.DataFrame, total: Any, percent: Callable[[Any, Any], float | None]
) -> pd.DataFrame:
    """The by-marker table, one row per marker in MARKER_LABELS order: concerns with the
    marker, their share of all concerns, referred, referred rate, and concerns whose marker
    is blank (unknown, not no), as text (c where hidden)."""
    by_marker = markers.set_index("marker")
    rows = []
    for marker, label in MARKER_LABELS.items():
        if marker not in by_marker.index:
            continue
        row = by_marker.loc[marker]
        rows.append(
            {
                "Marker": label,
                "Concerns with the marker": count_text(row["concerns"]),
                "Share of all concerns": rate_text(row["concerns"], total, percent),
                "Referred": count_text(row["referred"]),
                "Referred rate": rate_text(row["referred"], row["concerns"], percent),
                "Marker blank (unknown)": count_text(row["unknown"]),
            }
        )
    return pd.DataFrame(rows)


def year_groups_in_order(year_groups: pd.DataFrame) -> pd.DataFrame:
    """The year-group rows from nursery up, "Not recorded" last, with a `label` column."""
    rank = year_groups["year_group"].map(lambda v: number(v) if number(v) is not None else 99)
    ordered = year_groups.assign(_rank=rank).sort_values("_rank").drop(columns="_rank")
    return ordered.assign(label=ordered["year_group"].map(year_group_label)).reset_index(drop=True)


def year_group_table(
    year_groups: pd.DataFrame, total: Any, percent: Callable[[Any, Any], float | None]
) -> pd.DataFrame:
    """The by-year-group table: year group, concerns and share of all concerns, as text."""
    rows = year_groups_in_order(year_groups)
    return pd.DataFrame(
        {
            "Year group": rows["label"],
            "Concerns": [count_text(v) for v in rows["concerns"]],
            "Share of all concerns": [rate_text(v, total, percent) for v in rows["concerns"]],
        }
    )


def _counts_bar(labels: list[str], counts: list[Any], horizontal: bool) -> go.Figure:
    """Bars of counts with their figure as text; a hidden count gets no bar, only "c"."""
    figures = [number(v) or 0 for v in counts]
    texts = [count_text(v) for v in counts]
    bar = {"y": labels, "x": figures} if horizontal else {"x": labels, "y": figures}
    figure = go.Figure(
        go.Bar(
            **bar,
            orientation="h" if horizontal else "v",
            marker_color=PALETTE[0],
            text=[t if not is_hidden(v) else "" for t, v in zip(texts, counts, strict=True)],
            textposition="auto",
            hovertext=[f"{a}: {t} concerns" for a, t in zip(labels, texts, strict=True)],
            hoverinfo="text",
            name="Concerns",
            showlegend=False,
        )
    )
    hidden = [a for a, v in zip(labels, counts, strict=True) if is_hidden(v)]
    if hidden:
        zeros = [0] * len(hidden)
        place = {"y": hidden, "x": zeros} if horizontal else {"x": hidden, "y": zeros}
        figure.add_scatter(
            **place,
            mode="text",
            text=[f"  {HIDDEN_TEXT}" if horizontal else SUPPRESSED] * len(hidden),
            textposition="middle right" if horizontal else "top center",
            textfont={"color": HIDDEN_COLOUR},
            showlegend=False,
            hoverinfo="skip",
            name="hidden",
        )
    return figure


@charts.cached_figure
def concerns_by_category_figure(categories: pd.DataFrame, title: str) -> go.Figure:
    """Concerns per category across the academies in view, largest at the top."""
    rows = _ordered_by_count(categories, "concerns", "concern_category")
    labels = [contract.label(c) or NOT_RECORDED for c in rows["concern_category"]]
    figure = _counts_bar(labels, rows["concerns"].tolist(), horizontal=True)
    figure.update_yaxes(type="category", categoryorder="array", categoryarray=labels)
    figure.update_yaxes(autorange="reversed")
    top = max([1.0, *(number(v) or 0 for v in rows["concerns"])])
    figure.update_xaxes(range=[0, top * 1.15], dtick=1 if top < 8 else None)
    return styled(
        figure,
        title,
        x_title="Concerns logged (count)",
        counts_on_x=True,
        height=max(300, 100 + 36 * len(labels)),
    )


@charts.cached_figure
def concerns_by_year_group_figure(year_groups: pd.DataFrame, title: str) -> go.Figure:
    """Concerns per year group, nursery to year 14, then those with no year group."""
    rows = year_groups_in_order(year_groups)
    labels = rows["label"].tolist()
    figure = _counts_bar(labels, rows["concerns"].tolist(), horizontal=False)
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=labels)
    top = max([1.0, *(number(v) or 0 for v in rows["concerns"])])
    figure.update_yaxes(range=[0, top * 1.15], dtick=1 if top < 8 else None)
    return styled(
        figure,
        title,
        x_title="Year group of the pupil",
        y_title="Concerns logged (count)",
        counts_on_y=True,
    )
