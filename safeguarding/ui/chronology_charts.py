"""One child's records on a timeline: an academy per row, a mark per concern or referral,
coloured by whether it was dealt with in time (with a text label, never colour alone)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from safeguarding.ui.charts import RAG_COLOURS, styled

# timeliness -> (label, colour)
TIMELINESS = {
    "on_time": ("In time", RAG_COLOURS["green"]),
    "late": ("Late", RAG_COLOURS["amber"]),
    "outstanding": ("Not yet reviewed, overdue", RAG_COLOURS["red"]),
    "overdue": ("No feedback, overdue", RAG_COLOURS["red"]),
    "awaiting": ("Deadline to come", RAG_COLOURS[None]),
    "not_yet_due": ("Deadline to come", RAG_COLOURS[None]),
    None: ("No deadline", RAG_COLOURS[None]),
}
SYMBOLS = {"concern": "circle", "referral": "diamond"}


def timeline(rows: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    figure = go.Figure()
    academies = list(dict.fromkeys(rows["academy_code"]))
    for (record, timeliness), group in rows.groupby(
        [rows["record"], rows["timeliness"].fillna("none")], sort=False
    ):
        label, colour = TIMELINESS.get(
            None if timeliness == "none" else timeliness, TIMELINESS[None]
        )
        what = group["category"].fillna(group["agency"]).fillna("").str.replace("_", " ")
        figure.add_trace(
            go.Scatter(
                x=group["at"],
                y=[names.get(code, code) for code in group["academy_code"]],
                mode="markers",
                name=f"{record.capitalize()}: {label.lower()}",
                marker={
                    "symbol": SYMBOLS.get(record, "circle"),
                    "size": 14,
                    "color": colour,
                    "line": {"width": 1, "color": "#333333"},
                },
                customdata=list(
                    zip(group["record_no"], what, group["outcome"].fillna("—"), strict=True)
                ),
                hovertemplate=(
                    "#%{customdata[0]} %{x|%-d %b %Y %H:%M}<br>%{y}<br>%{customdata[1]}"
                    "<br>outcome: %{customdata[2]}<extra>" + f"{record}: {label.lower()}</extra>"
                ),
            )
        )
    figure.update_yaxes(
        categoryorder="array", categoryarray=[names.get(c, c) for c in reversed(academies)]
    )
    figure = styled(
        figure,
        "Every concern and referral, in time order",
        x_title="Date",
        y_title="Academy",
        height=max(320, 190 + 60 * len(academies)),
    )
    # under the dates: a legend of several lines above the plot would run into the title
    figure.update_layout(
        legend={"orientation": "h", "yanchor": "top", "y": -0.42, "x": 0},
        margin={"b": 130},
    )
    return figure
