"""Chart conventions: a title that says what and when, named units, counts from zero, hover
text, and the Okabe–Ito palette, which stays distinguishable with colour-vision deficiency."""

from __future__ import annotations

import hashlib

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

# Okabe & Ito (2008): blue, orange, bluish green, vermillion, sky blue, reddish purple, yellow.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
# RAG kept apart by more than hue: blue-green / orange / vermillion, always with a text label.
RAG_COLOURS = {"green": "#009E73", "amber": "#E69F00", "red": "#D55E00", None: "#999999"}
RAG_LABELS = {"green": "On target", "amber": "Near target", "red": "Off target", None: "No target"}
TRUST_COLOUR = "#000000"


def _frame_fingerprint(frame: pd.DataFrame) -> bytes:
    # Exact, where Streamlit's own DataFrame hash samples frames of 50,000 rows or more, and it
    # takes list cells (a commitment's term values), on which Streamlit's hash logs a warning on
    # every rerun before pickling the frame (pickles of equal frames can differ: misses).
    try:
        cells = pd.util.hash_pandas_object(frame, index=True)
    except (TypeError, ValueError):
        cells = pd.util.hash_pandas_object(frame.map(repr), index=True)
    digest = hashlib.sha256(repr((list(frame.columns), list(frame.dtypes.astype(str)))).encode())
    digest.update(cells.to_numpy().tobytes())
    return digest.digest()


# Building a plotly figure costs 5 to 60 ms (validation, the template, per-point text); a page
# draws up to nine, and a rerun (a widget changed, or the weekly meeting clicking between
# pages) usually asks for the same ones again. `cache_resource` hands back the built figure
# itself: no copy, no pickle (cache_data's unpickling cost about 12 ms a figure). That is safe
# because nothing changes a figure after it is built: `st.plotly_chart` serialises a copy
# (`to_dict`). Every argument, the data included, is in the key, so a cached figure never
# outlives its data or shows one viewer's scope to another. A figure holds about 50 kB: 128
# per builder, for an hour, bounds the cache at about 100 MB for the twenty builders.
cached_figure = st.cache_resource(
    max_entries=128,
    ttl=3600,
    show_spinner=False,
    hash_funcs={pd.DataFrame: _frame_fingerprint},
)


def _house_template() -> go.layout.Template:
    """plotly_white, less its 3-D, polar, ternary and map settings and the trace types we
    never draw: what our charts look like is unchanged."""
    white = pio.templates["plotly_white"].to_plotly_json()
    unused = {"polar", "ternary", "scene", "geo"}
    return go.layout.Template(
        layout={key: value for key, value in white["layout"].items() if key not in unused},
        data={kind: white["data"][kind] for kind in ("bar", "scatter", "heatmap")},
    )


# The house template is plotly's default for this process. Plotly applies a default template
# without validating it again, whereas `update_layout(template="plotly_white")` validated a copy
# of the whole template for every figure: 7 ms a figure, a third of a cold page's chart time.
pio.templates["safeguarding"] = _house_template()
pio.templates.default = "safeguarding"


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
