"""Compare academies: rates per 100 pupils, funnel plot and ranked intervals, checked against
the metrics query on the demo trust."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import TODAY
from page_helpers import (
    academy_names,
    decode_array,
    figure_titled,
    figures,
    governor_metric_frame,
    metric_frame,
    open_as,
)

from safeguarding import database, funnel
from safeguarding.ui import compare_charts


def _academies(db) -> pd.DataFrame:
    with database.reader(db) as con:
        return con.execute("select academy_code, academy_name, pupils_on_roll from academies").df()


def _points(spec: dict) -> dict[str, tuple[float, float]]:
    """Academy code -> (x, y) of every academy's point (the traces that carry labels)."""
    found = {}
    for trace in spec["data"]:
        if trace.get("mode") == "markers+text":
            assert trace["text"] == trace["customdata"]  # every point labelled
            for code, x, y in zip(
                trace["customdata"], decode_array(trace["x"]), decode_array(trace["y"]), strict=True
            ):
                found[code] = (x, y)
    return found


def test_compare_page_default_draws_three_figures_and_says_how_to_judge(page):
    app = page("pages/compare.py")
    assert not app.exception
    assert app.title[0].value == "Compare academies"
    assert [s.value for s in app.subheader] == [
        "Rates per 100 pupils on roll",
        "On time, allowing for size: funnel plot",
        "Ranked, with 95% confidence intervals",
        "Children who moved between academies",
    ]
    assert len(app.get("plotly_chart")) == 3
    assert any("against the limits, not against its rank" in i.value for i in app.info)
    for spec in figures(app).values():
        assert spec["layout"]["title"]["subtitle"]["text"].startswith("29 Nov 2025 to 28 Nov 2026")


def test_funnel_points_are_the_metrics_query_figures(page, demo_db):
    """Each academy's point: x = the metric's denominator, y = its value; the trust line is
    the TRUST row's numerator / denominator."""
    app = page("pages/compare.py")
    expected = metric_frame(demo_db)
    rows = expected[expected.metric == "csc_feedback_on_time_pct"].set_index("academy_code")
    spec = figure_titled(app, "Feedback from children's social care within 1 working day: funnel")
    points = _points(spec)
    plotted = rows[(rows.index != "TRUST") & (rows.denominator > 0)]
    assert set(points) == set(plotted.index)
    for code, (x, y) in points.items():
        assert x == rows.loc[code, "denominator"]
        assert y == pytest.approx(rows.loc[code, "value"])
    trust = rows.loc["TRUST"]
    p = trust.numerator / trust.denominator
    [trust_line] = [t for t in spec["data"] if t["name"].startswith("Trust")]
    assert decode_array(trust_line["y"]) == pytest.approx([100 * p, 100 * p], abs=1e-3)
    # the 95 % curves pass through p ± 1.96·sqrt(p(1 − p)/n) at each academy's n
    lower, upper = [t for t in spec["data"] if t["name"] == "95% limits"]
    for x, _ in points.values():
        low, high = funnel.control_limits(p, x, funnel.Z_95)
        assert np.interp(x, decode_array(lower["x"]), decode_array(lower["y"])) == pytest.approx(
            100 * low, abs=0.2
        )
        assert np.interp(x, decode_array(upper["x"]), decode_array(upper["y"])) == pytest.approx(
            100 * high, abs=0.2
        )


def test_rates_are_counts_per_100_pupils_on_roll(page, demo_db):
    app = page("pages/compare.py")
    expected = metric_frame(demo_db)
    counts = expected[expected.metric == "concerns_logged"].set_index("academy_code")["value"]
    academies = _academies(demo_db).set_index("academy_code")
    spec = figure_titled(app, "Concerns logged per 100 pupils on roll")
    [bars] = [t for t in spec["data"] if t["type"] == "bar"]
    shown = dict(zip(bars["y"], decode_array(bars["x"]), strict=True))
    assert len(shown) == len(academies)
    for code, row in academies.iterrows():
        rate = shown[f"{row.academy_name} ({code})"]
        assert rate == pytest.approx(100 * counts[code] / row.pupils_on_roll, abs=0.005)
    # the trust rate adds counts and rolls; it does not average the rates
    trust_rate = 100 * counts.drop("TRUST").sum() / academies.pupils_on_roll.sum()
    [line] = spec["layout"]["shapes"]
    assert line["x0"] == pytest.approx(trust_rate)


def test_ranked_view_shows_wilson_intervals_in_order(page, demo_db):
    app = page("pages/compare.py")
    rows = metric_frame(demo_db)
    rows = rows[(rows.metric == "csc_feedback_on_time_pct") & (rows.academy_code != "TRUST")]
    spec = figure_titled(
        app, "Feedback from children's social care within 1 working day: academies"
    )
    for trace in spec["data"]:
        for name, x, plus, minus in zip(
            trace["y"],
            decode_array(trace["x"]),
            decode_array(trace["error_x"]["array"]),
            decode_array(trace["error_x"]["arrayminus"]),
            strict=True,
        ):
            code = name.rsplit("(", 1)[1].rstrip(")")
            row = rows[rows.academy_code == code].iloc[0]
            low, high = funnel.wilson_interval(int(row.numerator), int(row.denominator))
            assert x == pytest.approx(row.value)
            assert x + plus == pytest.approx(100 * high, abs=1e-3)
            assert x - minus == pytest.approx(100 * low, abs=1e-3)
    order = spec["layout"]["yaxis"]["categoryarray"]
    values = [rows.set_index("academy_code").loc[n.rsplit("(", 1)[1][:-1], "value"] for n in order]
    assert values == sorted(values)  # lowest at the bottom, highest at the top


def test_changed_filters_show_the_chosen_academies_against_the_whole_trust(page, demo_db):
    """Academic year 2026/27 to date, OAK and ELM only, DSL review measure: two points; the
    trust line is still every academy's figure for that window."""
    app = page("pages/compare.py", window="academic_year", academy=["OAK", "ELM"])
    app.radio(key="compare_funnel_metric").set_value("dsl_review_on_time_pct").run()
    assert not app.exception
    expected = metric_frame(demo_db, TODAY, dt.date(2026, 9, 1), TODAY)
    rows = expected[expected.metric == "dsl_review_on_time_pct"].set_index("academy_code")
    spec = figure_titled(app, "Concerns reviewed by the DSL on time: funnel")
    points = _points(spec)
    assert set(points) == {"OAK", "ELM"}
    for code, (x, y) in points.items():
        assert (x, y) == (rows.loc[code, "denominator"], pytest.approx(rows.loc[code, "value"]))
    [trust_line] = [t for t in spec["data"] if t["name"].startswith("Trust")]
    trust = rows.loc["TRUST"]
    assert decode_array(trust_line["y"])[0] == pytest.approx(
        100 * trust.numerator / trust.denominator, abs=1e-3
    )
    [table] = [d.value for d in app.dataframe if "against the limits" in d.value.columns]
    assert set(table["code"]) == {"OAK", "ELM"}
    assert set(table["against the limits"]) <= set(funnel.POSITIONS)


def test_rate_measure_can_be_changed(page):
    app = page("pages/compare.py")
    app.radio(key="compare_rate_metric").set_value("cse_concerns_logged").run()
    assert not app.exception
    assert figure_titled(app, "CSE concerns logged per 100 pupils on roll")


def test_a_date_before_any_data_says_so_plainly(page):
    app = page("pages/compare.py", as_of="2019-01-31")
    assert not app.exception
    assert any("No referrals to children's social care due" in i.value for i in app.info)


def test_an_academy_without_a_roll_figure_is_shown_as_such_and_left_out_of_the_trust_rate():
    """OAK: 30 concerns, 300 pupils -> 10.0; ELM: 20 concerns, 100 pupils -> 20.0; ASH: 7
    concerns, no roll figure -> no rate. Trust: (30 + 20) / (300 + 100) × 100 = 12.5 (ASH's 7
    is left out of both sides)."""
    academies = pd.DataFrame(
        {
            "academy_code": ["OAK", "ELM", "ASH"],
            "academy_name": ["Oak", "Elm", "Ash"],
            "pupils_on_roll": [300, 100, None],
        }
    )
    values = pd.DataFrame(
        {
            "academy_code": ["OAK", "ELM", "ASH", "TRUST"],
            "metric": ["concerns_logged"] * 4,
            "value": [30.0, 20.0, 7.0, 57.0],
            "numerator": [None] * 4,
            "denominator": [None] * 4,
        }
    )
    rates = compare_charts.rates_per_100(
        values, academies, ("OAK", "ELM", "ASH"), ("concerns_logged",)
    )
    by_code = rates.set_index("academy_code")["rate_per_100"]
    assert by_code["OAK"] == 10.0 and by_code["ELM"] == 20.0 and pd.isna(by_code["ASH"])
    assert by_code["TRUST"] == 12.5
    table = compare_charts.rates_table(rates, {"concerns_logged": "Concerns logged"})
    ash = table[table["code"] == "ASH"].iloc[0]
    assert ash["pupils on roll"] == "no roll figure"
    assert ash["Concerns logged per 100 pupils"] == "no roll figure"
    assert table["code"].iloc[-1] == "TRUST"
    figure = compare_charts.rates_chart(rates, "concerns_logged", "Concerns logged", "a window")
    assert [a.text for a in figure.layout.annotations if a.text == "no roll figure"]


def test_suppressed_figures_are_marked_c_and_left_off_the_charts():
    """Governor views get `c` for counts of 1 to 5 (product.md §5). OAK's 4 concerns are `c`: no
    rate, the note says c; the trust rate still comes from the TRUST row (30 + 4 = 34 over
    300 + 100 pupils = 8.5). ELM's referral figure rests on a suppressed denominator: no
    point, no interval, its row says so."""
    academies = pd.DataFrame(
        {
            "academy_code": ["OAK", "ELM"],
            "academy_name": ["Oak", "Elm"],
            "pupils_on_roll": [100, 300],
        }
    )
    values = pd.DataFrame(
        {
            "academy_code": ["OAK", "ELM", "TRUST", "OAK", "ELM", "TRUST"],
            "metric": ["concerns_logged"] * 3 + ["csc_feedback_on_time_pct"] * 3,
            "value": ["c", 30.0, 34.0, 75.0, "c", 70.0],
            "numerator": [None, None, None, 15, "c", 21],
            "denominator": [None, None, None, 20, "c", 30],
        },
        dtype=object,
    )
    rates = compare_charts.rates_per_100(values, academies, ("OAK", "ELM"), ("concerns_logged",))
    by_code = rates.set_index("academy_code")
    assert pd.isna(by_code.loc["OAK", "rate_per_100"]) and by_code.loc["OAK", "note"] == "c"
    assert by_code.loc["ELM", "rate_per_100"] == 10.0
    assert by_code.loc["TRUST", "rate_per_100"] == 8.5
    figure = compare_charts.rates_chart(rates, "concerns_logged", "Concerns logged", "a window")
    assert [a.text for a in figure.layout.annotations if a.text.startswith("c ")]

    table, p = compare_charts.funnel_table(
        values, academies, "csc_feedback_on_time_pct", ("OAK", "ELM")
    )
    assert p == pytest.approx(0.7)
    elm = table.set_index("academy_code").loc["ELM"]
    assert elm["suppressed"] and pd.isna(elm["position"]) and pd.isna(elm["ci_lower_pct"])
    figure = compare_charts.funnel_chart(
        table, p, "csc_feedback_on_time_pct", "Feedback", "a window"
    )
    labelled = [t for t in figure.data if t.mode == "markers+text"]
    assert [code for trace in labelled for code in trace.text] == ["OAK"]
    shown = compare_charts.funnel_display_table(table).set_index("code")
    assert shown.loc["ELM", "against the limits"].startswith("c")


def test_a_large_trust_labels_only_the_academies_outside_the_limits():
    """40 academies: 39 with 80 of 100 on time (the trust's 80 %: within), one with 50 of 100
    (below the 99.8 % limit, 79.25 − 3.09 × 4.05 = 66.7 %). Only the outlier carries a label.
    The % axis starts at 30: the lowest thing drawn is the Wilson lower bound of 50/100, 40.4;
    less 3 points of room is 37.4, rounded down to 10."""
    codes = [f"A{i:02d}" for i in range(40)]
    academies = pd.DataFrame({"academy_code": codes, "academy_name": codes})
    values = pd.DataFrame(
        {
            "academy_code": [*codes, "TRUST"],
            "metric": ["dsl_review_on_time_pct"] * 41,
            "value": [80.0] * 39 + [50.0, 79.25],
            "numerator": [80] * 39 + [50, 3170],
            "denominator": [100] * 40 + [4000],
        }
    )
    table, p = compare_charts.funnel_table(
        values, academies, "dsl_review_on_time_pct", tuple(codes)
    )
    figure = compare_charts.funnel_chart(table, p, "dsl_review_on_time_pct", "Review", "when")
    labels = [t for trace in figure.data if trace.mode == "markers+text" for t in trace.text if t]
    assert labels == ["A39"]
    assert figure.layout.yaxis.range == (30.0, 104)


def test_governor_view_leaves_small_numbers_off_the_funnel(demo_db, monkeypatch):
    """Governors get figures resting on 1 to 5 children as `c` (product.md §5): those academies are
    named as not plotted, and every plotted point still matches the metrics query."""
    app = open_as("governor", "pages/compare.py", demo_db, monkeypatch)
    assert not app.exception
    rows = governor_metric_frame(demo_db)
    rows = rows[rows.metric == "csc_feedback_on_time_pct"].set_index("academy_code")
    small = rows[
        (rows.index != "TRUST") & (rows.numerator.between(1, 5) | rows.denominator.between(1, 5))
    ]
    assert len(small) > 0
    [note] = [c.value for c in app.caption if c.value.startswith("Not plotted, figures resting")]
    names = academy_names(demo_db)
    assert all(names[code] in note for code in small.index)
    spec = figure_titled(app, "Feedback from children's social care within 1 working day: funnel")
    points = _points(spec)
    assert not set(points) & set(small.index)
    for code, (x, y) in points.items():
        assert (x, y) == (rows.loc[code, "denominator"], pytest.approx(rows.loc[code, "value"]))
