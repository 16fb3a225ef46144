"""Chart plumbing shared by every page: the house template, figures cached as built objects
(never changed by drawing them), and CSV downloads written only when clicked."""

from __future__ import annotations

import copy

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
import streamlit as st

from safeguarding.ui import charts, components
from safeguarding.ui import training_charts as tc


def values_frame(numerator: int) -> pd.DataFrame:
    rows = [
        ("OAK", numerator, 10),
        ("ELM", 8, 10),
        ("TRUST", numerator + 8, 20),
    ]
    return pd.DataFrame(
        {
            "academy_code": [code for code, _, _ in rows],
            "metric": "induction_on_time_pct",
            "value": [100 * n / d for _, n, d in rows],
            "numerator": [n for _, n, _ in rows],
            "denominator": [d for _, _, d in rows],
        }
    )


def draw_percent_by_academy(values: pd.DataFrame) -> go.Figure:
    return tc.percent_by_academy(
        values,
        "induction_on_time_pct",
        {"OAK": "Oak Academy", "ELM": "Elm Academy"},
        "Starters trained on time",
        count_label="starters",
    )


def test_every_figure_gets_the_house_template_which_is_plotly_white_for_what_we_draw():
    assert pio.templates.default == "safeguarding"
    figure = charts.styled(go.Figure(go.Bar(x=[1], y=["a"])), "A title", counts_on_x=True)
    template = figure.to_dict()["layout"]["template"]
    white = pio.templates["plotly_white"].to_plotly_json()
    for key in ("plot_bgcolor", "paper_bgcolor", "font", "xaxis", "yaxis", "hoverlabel"):
        assert template["layout"][key] == white["layout"][key], key
    for kind in ("bar", "scatter", "heatmap"):
        assert template["data"][kind] == white["data"][kind], kind
    assert "polar" not in template["layout"] and "pie" not in template["data"]
    assert figure.layout.colorway == tuple(charts.PALETTE)


def test_a_figure_is_built_once_for_the_same_data_and_again_for_new_data():
    tc.percent_by_academy.clear()
    first = draw_percent_by_academy(values_frame(5))
    again = draw_percent_by_academy(values_frame(5))
    changed = draw_percent_by_academy(values_frame(6))
    assert again is first
    assert changed is not first
    labels = [text for trace in changed.data for text in (trace.text or ())]
    assert "60.0% (6 of 10)" in labels, labels


def test_drawing_a_cached_figure_leaves_it_unchanged():
    figure = draw_percent_by_academy(values_frame(5))
    before = copy.deepcopy(figure.to_plotly_json())
    components.chart(figure, key="test_chart_unchanged")
    components.chart(figure, key="test_chart_unchanged_again")
    assert figure.to_plotly_json() == before


def test_a_csv_download_is_written_only_when_clicked_and_is_neutralised(monkeypatch, tmp_path):
    from safeguarding import access_log
    from safeguarding.identity import User
    from safeguarding.ui import access

    calls = []
    monkeypatch.setattr(st, "download_button", lambda *args, **kwargs: calls.append(kwargs))
    monkeypatch.setattr(access, "current_viewer", lambda: User("lead@trust.example", "trust_lead"))
    monkeypatch.setenv(access_log.PATH_VARIABLE, str(tmp_path / "log.jsonl"))
    frame = pd.DataFrame({"concern_id": ["=HYPERLINK(1)", "C-0001"], "days": [3, 4]})
    components.download_csv(frame, "list.csv", "Download", key="list_csv")
    (button,) = calls
    assert callable(button["data"])
    assert not (tmp_path / "log.jsonl").exists()  # nothing downloaded yet, nothing logged
    text = button["data"]().decode("utf-8-sig")
    assert text.splitlines() == ["concern_id,days", "'=HYPERLINK(1),3", "C-0001,4"]
    [entry] = access_log.read(tmp_path / "t.duckdb")  # the download, as an export
    assert (entry["kind"], entry["view"], entry["rows"]) == ("export", "list.csv", 2)


@pytest.mark.parametrize(
    "builder",
    [
        "training_charts.in_date_heatmap",
        "training_charts.percent_by_academy",
        "training_charts.kcsie_bars",
        "training_charts.expiry_calendar",
        "policy_charts.counts_grid",
        "policy_charts.review_timeline",
        "policy_charts.required_matrix",
        "compare_charts.rates_chart",
        "compare_charts.funnel_chart",
        "compare_charts.ranked_chart",
        "referral_charts.feedback_days_figure",
        "referral_charts.by_academy_figure",
        "referral_charts.on_time_by_month_figure",
        "referral_charts.agency_mix_figure",
        "referral_charts.decisions_figure",
        "trend_charts.control_chart_figure",
        "trend_charts.year_against_last_figure",
        "commitment_charts.scorecard_figure",
        "commitment_charts.terms_figure",
        "commitment_charts.academy_grid",
    ],
)
def test_every_figure_builder_is_cached(builder):
    import importlib

    module_name, name = builder.split(".")
    function = getattr(importlib.import_module(f"safeguarding.ui.{module_name}"), name)
    assert hasattr(function, "clear"), f"{builder} is not wrapped in charts.cached_figure"


def test_figure_keys_see_every_cell_including_lists_and_big_frames():
    fingerprint = charts._frame_fingerprint
    terms = pd.DataFrame({"metric": ["a", "b"], "terms": [[90.0, 95.5], [None, 80.0]]})
    same = pd.DataFrame({"metric": ["a", "b"], "terms": [[90.0, 95.5], [None, 80.0]]})
    other = pd.DataFrame({"metric": ["a", "b"], "terms": [[90.0, 95.6], [None, 80.0]]})
    assert fingerprint(terms) == fingerprint(same)
    assert fingerprint(terms) != fingerprint(other)
    # Streamlit's own hash samples frames this big; one changed cell must still change the key.
    big = pd.DataFrame({"n": range(60_000)})
    changed = big.copy()
    changed.loc[12_345, "n"] = -1
    assert fingerprint(big) != fingerprint(changed)
    assert fingerprint(big) != fingerprint(big.rename(columns={"n": "m"}))
    assert fingerprint(big) != fingerprint(big.astype("float64"))
