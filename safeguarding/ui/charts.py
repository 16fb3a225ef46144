"""Chart conventions: a title that says what and when, named units, counts from zero, hover
text, and the Okabe–Ito palette, which stays distinguishable with colour-vision deficiency."""

from __future__ import annotations

import plotly.graph_objects as go

# Okabe & Ito (2008): blue, orange, bluish green, vermillion, sky blue, reddish purple, yellow.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
# RAG kept apart by more than hue: blue-green / orange / vermillion, always with a text label.
RAG_COLOURS = {"green": "#009E73", "amber": "#E69F00", "red": "#D55E00", None: "#999999"}
RAG_LABELS = {"green": "On target", "amber": "Near target", "red": "Off target", None: "No target"}
TRUST_COLOUR = "#000000"


def styled(
    figure: go.Figure,
    title: str,
    x_title: str | None = None,
    y_title: str | None = None,
    counts_on_y: bool = False,
    counts_on_x: bool = False,
    percent_on_y: bool = False,
    percent_on_x: bool = False,
    height: int = 420,
) -> go.Figure:
    """Apply the house conventions to a figure."""
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 17}},
        colorway=PALETTE,
        template="plotly_white",
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        hoverlabel={"namelength": -1},
        font={"size": 14},
    )
    if x_title is not None:
        figure.update_xaxes(title_text=x_title)
    if y_title is not None:
        figure.update_yaxes(title_text=y_title)
    if counts_on_y:
        figure.update_yaxes(rangemode="tozero", tickformat=",d")
    if counts_on_x:
        figure.update_xaxes(rangemode="tozero", tickformat=",d")
    if percent_on_y:
        figure.update_yaxes(range=[0, 105], ticksuffix="%")
    if percent_on_x:
        figure.update_xaxes(range=[0, 105], ticksuffix="%")
    return figure
