"""The trends page: every headline metric by term or month with control limits, the plotted
figures checked against the metrics query, and this year against last."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from conftest import TODAY
from page_helpers import academy_names, chart, metric_frame, open_as, section_popovers

from safeguarding import control_limits, database, metrics
from safeguarding.ui import trend_charts

KEYS = [f"trends_{metric_id}" for metric_id in trend_charts.HEADLINE_METRICS]


def trace(spec: dict, name: str) -> dict:
    return next(t for t in spec["data"] if t.get("name") == name)


def plotted(spec: dict, who: str = "Trust") -> dict[str, float | None]:
    line = trace(spec, who)
    return dict(zip(line["x"], line["y"], strict=True))


def figure_of(frame, metric_id, code="TRUST"):
    row = frame[(frame.metric == metric_id) & (frame.academy_code == code)].iloc[0]
    return row


def _same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and a == pytest.approx(b)


@pytest.fixture(scope="module")
def names(demo_db) -> dict[str, str]:
    return academy_names(demo_db)


def test_default_view_by_term(page):
    app = page("pages/trends.py")
    assert not app.exception
    assert app.title[0].value == "Trends"
    assert [s.value for s in app.subheader] == ["Control charts", "This year against last"]
    keys = [e.proto.id for e in app.get("plotly_chart")]
    for key in [*KEYS, "trends_year_against_last"]:
        assert any(k.endswith(key) for k in keys), key
    assert len(section_popovers(app)) == len(KEYS) + 1
    spec = chart(app, "trends_csc_feedback_on_time_pct")
    labels = trace(spec, "Trust")["x"]
    # Three complete school years before this one, then the current term to date.
    assert labels[0] == "Autumn 2023/24"
    assert labels[-1] == "Autumn 2026/27 (to date)"
    assert len(labels) == 10


@pytest.mark.parametrize(
    "metric_id",
    ["csc_feedback_on_time_pct", "safeguarding_training_in_date_pct", "concerns_logged"],
)
def test_term_points_are_the_metrics_query_at_each_term_end(page, demo_db, metric_id):
    """Summer 2025/26 (Easter Monday 6 Apr to 31 Aug 2026) at its last day, and the autumn
    term 2026/27 cut at the as-of date."""
    app = page("pages/trends.py")
    points = plotted(chart(app, f"trends_{metric_id}"))
    summer = metric_frame(demo_db, dt.date(2026, 8, 31), dt.date(2026, 4, 6), dt.date(2026, 8, 31))
    autumn = metric_frame(demo_db, TODAY, dt.date(2026, 9, 1), TODAY)
    assert _same(points["Summer 2025/26"], figure_of(summer, metric_id).value)
    assert _same(points["Autumn 2026/27 (to date)"], figure_of(autumn, metric_id).value)


def test_p_chart_limits_and_outside_points(page, demo_db):
    """The limits drawn are control_limits.p_chart over every term's numerator and denominator
    from the metrics query; the marked points are exactly those outside them."""
    app = page("pages/trends.py")
    spec = chart(app, "trends_safeguarding_training_in_date_pct")
    labels = trace(spec, "Trust")["x"]
    with database.reader(demo_db) as con:
        terms = metrics.term_windows(con, dt.date(2023, 9, 1), dt.date(2027, 8, 31))
        windows = [
            metrics.Window(min(t.as_of, TODAY), t.date_from, min(t.date_to, TODAY))
            for t in terms
            if t.date_from <= TODAY
        ]
        series = metrics.series(con, windows)
    rows = series[
        (series.metric == "safeguarding_training_in_date_pct") & (series.academy_code == "TRUST")
    ]
    expected = control_limits.p_chart(rows.numerator.tolist(), rows.denominator.tolist())
    assert trace(spec, "Control limits (3 sigma)")["y"] == pytest.approx(expected.upper)
    assert trace(spec, "Lower control limit")["y"] == pytest.approx(expected.lower)
    outside = {label for label, flag in zip(labels, expected.is_outside, strict=True) if flag}
    marked = trace(spec, "Outside the limits")
    assert set(marked.get("x") or []) == outside


def test_c_chart_leaves_the_unfinished_term_out(page):
    """concerns_logged: the average is over the nine complete terms only; the limits are
    average ± 3 √average; the term to date is never marked."""
    app = page("pages/trends.py")
    spec = chart(app, "trends_concerns_logged")
    points = plotted(spec)
    complete = [v for label, v in points.items() if "to date" not in label]
    mean = sum(complete) / len(complete)
    assert trace(spec, "Average")["y"][0] == pytest.approx(mean)
    assert trace(spec, "Control limits (3 sigma)")["y"][0] == pytest.approx(
        mean + 3 * math.sqrt(mean)
    )
    assert trace(spec, "Lower control limit")["y"][0] == pytest.approx(
        max(0.0, mean - 3 * math.sqrt(mean))
    )
    assert "Autumn 2026/27 (to date)" not in (trace(spec, "Outside the limits").get("x") or [])


def test_by_month_and_for_one_academy(page, demo_db, names):
    app = page("pages/trends.py")
    app.radio(key="trends_period").set_value("month").run()
    assert not app.exception
    spec = chart(app, "trends_referrals_made")
    labels = trace(spec, "Trust")["x"]
    assert labels[0] == "Sep 2023" and labels[-1] == "Nov 2026 (to date)"
    assert len(labels) == 39
    october = metric_frame(
        demo_db, dt.date(2026, 10, 31), dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    )
    assert plotted(spec)["Oct 2026"] == figure_of(october, "referrals_made").value

    app.selectbox(key="trends_who").set_value("ELM").run()
    assert not app.exception
    spec = chart(app, "trends_dsl_review_on_time_pct")
    assert names["ELM"] in spec["layout"]["title"]["text"]
    points = plotted(spec, names["ELM"])
    assert _same(points["Oct 2026"], figure_of(october, "dsl_review_on_time_pct", "ELM").value)


def test_this_year_against_last(page, demo_db):
    """School year 2026/27 to date (Sep to Nov) against all twelve months of 2025/26."""
    app = page("pages/trends.py")
    app.selectbox(key="trends_year_metric").set_value("induction_on_time_pct").run()
    assert not app.exception
    spec = chart(app, "trends_year_against_last")
    this_year = trace(spec, "2026/27 (this year)")
    last_year = trace(spec, "2025/26 (last year)")
    assert this_year["x"] == ["Sep", "Oct", "Nov"]
    assert last_year["x"] == trend_charts.SCHOOL_MONTHS
    march = metric_frame(demo_db, dt.date(2026, 3, 31), dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert _same(
        dict(zip(last_year["x"], last_year["y"], strict=True))["Mar"],
        figure_of(march, "induction_on_time_pct").value,
    )


def test_this_year_against_last_by_month_uses_the_same_figures(page, demo_db):
    """By month the page reuses its monthly series for the comparison (by term it computes
    the compared figure alone): the same months, the same values."""
    app = page("pages/trends.py")
    app.radio(key="trends_period").set_value("month").run()
    app.selectbox(key="trends_year_metric").set_value("referrals_made").run()
    assert not app.exception
    spec = chart(app, "trends_year_against_last")
    last_year = dict(zip(*(trace(spec, "2025/26 (last year)")[axis] for axis in "xy"), strict=True))
    march = metric_frame(demo_db, dt.date(2026, 3, 31), dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert last_year["Mar"] == figure_of(march, "referrals_made").value
    assert plotted(chart(app, "trends_referrals_made"))["Mar 2026"] == last_year["Mar"]


def test_academy_filter_makes_the_trust_line_that_academy(page, demo_db, names):
    app = page("pages/trends.py", academy=["OAK"])
    assert not app.exception
    spec = chart(app, "trends_referrals_made")
    assert names["OAK"] in spec["layout"]["title"]["text"]
    summer = metric_frame(
        demo_db, dt.date(2026, 8, 31), dt.date(2026, 4, 6), dt.date(2026, 8, 31), ["OAK"]
    )
    line = spec["data"][[t.get("name") for t in spec["data"]].index(names["OAK"])]
    points = dict(zip(line["x"], line["y"], strict=True))
    assert points["Summer 2025/26"] == figure_of(summer, "referrals_made", "OAK").value


def test_no_data_before_the_as_of_date_says_so(page):
    app = page("pages/trends.py", as_of="2015-01-01")
    assert not app.exception
    assert "No concerns or referrals up to 1 Jan 2015" in " ".join(i.value for i in app.info)
    assert not app.get("plotly_chart")


def test_span_starts_with_the_data():
    """Three school years before 2026/27 start on 1 Sep 2023; data from Jan 2025 moves the
    start to 1 Jan 2025."""
    assert trend_charts.trend_start(dt.date(2026, 11, 28), dt.date(2020, 5, 19)) == dt.date(
        2023, 9, 1
    )
    assert trend_charts.trend_start(dt.date(2026, 11, 28), dt.date(2025, 1, 17)) == dt.date(
        2025, 1, 1
    )
    assert trend_charts.trend_start(dt.date(2026, 3, 3), dt.date(2020, 1, 1)) == dt.date(2022, 9, 1)


def test_month_periods_cut_the_last_month_at_the_as_of_date():
    periods = trend_charts.month_periods(dt.date(2026, 9, 1), dt.date(2026, 11, 28))
    assert [p.label for p in periods] == ["Sep 2026", "Oct 2026", "Nov 2026 (to date)"]
    assert periods[-1].window == metrics.Window(
        dt.date(2026, 11, 28), dt.date(2026, 11, 1), dt.date(2026, 11, 28)
    )
    assert [p.is_partial for p in periods] == [False, False, True]
    ended = trend_charts.month_periods(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert [(p.label, p.is_partial) for p in ended] == [("Oct 2026", False)]


def test_governors_see_no_small_counts(demo_db, monkeypatch, names):
    """Governors see whole terms only (no months, no term to date), and OAK's small term counts
    as c, not plotted."""
    app = open_as("governor", "pages/trends.py", demo_db, monkeypatch)
    assert not [r for r in app.radio if r.key == "trends_period"]
    assert "Month by month is not shown in this view" in " ".join(i.value for i in app.info)
    drawn = []
    for who in ("BIRCH", "OAK"):
        app.selectbox(key="trends_who").set_value(who).run()
        assert not app.exception
        charts_drawn = {c.proto.id for c in app.get("plotly_chart")}
        if not any(key.endswith("trends_referrals_made") for key in charts_drawn):
            continue  # every term of OAK's is c: no chart at all
        spec = chart(app, "trends_referrals_made")
        values = [v for v in trace(spec, names[who])["y"] if v is not None]
        assert values and not {1, 2, 3, 4, 5} & set(values), who
        drawn.append(who)
    assert "BIRCH" in drawn


ANNEX_B = "kcsie_annex_b_read_pct"
# The terms of the span that end before KCSIE 2025 came into force (1 September 2025).
BEFORE_KCSIE_2025 = [
    f"{term} {year}" for year in ("2023/24", "2024/25") for term in ("Autumn", "Spring", "Summer")
]


def test_kcsie_read_of_an_edition_not_yet_in_force_is_not_applicable(page, demo_db, monkeypatch):
    """KCSIE Annex B read (current edition: 2025) on the trends page: the terms ending before
    1 September 2025 have no point (the query gives 0 %: nobody could have read it) and are
    not in the average or the limits; the page says why. From Autumn 2025/26 the points are
    the query's."""
    monkeypatch.setattr(trend_charts, "HEADLINE_METRICS", (ANNEX_B,))
    app = page("pages/trends.py")
    assert not app.exception
    spec = chart(app, f"trends_{ANNEX_B}")
    points = plotted(spec)
    with database.reader(demo_db) as con:
        terms = metrics.term_windows(con, dt.date(2023, 9, 1), dt.date(2027, 8, 31))
        periods = trend_charts.term_periods(terms, TODAY)
        series = metrics.series(con, [p.window for p in periods], metric_ids=[ANNEX_B])
    trust = series[(series.metric == ANNEX_B) & (series.academy_code == "TRUST")]
    by_day = {pd.Timestamp(row.as_of_on).date(): row for row in trust.itertuples()}
    by_label = {p.label: by_day[p.window.as_of] for p in periods}
    assert by_label["Summer 2024/25"].value == 0  # what was plotted before
    for label in BEFORE_KCSIE_2025:
        assert _same(None, points[label]), label
    after = [label for label in points if label not in BEFORE_KCSIE_2025]
    assert after[0] == "Autumn 2025/26"
    for label in after:
        assert _same(points[label], by_label[label].value), label
    assert set(trace(spec, "n/a: not applicable")["x"]) == set(BEFORE_KCSIE_2025)
    expected = control_limits.p_chart(
        [by_label[label].numerator for label in after],
        [by_label[label].denominator for label in after],
    )
    assert trace(spec, "Average")["y"][0] == pytest.approx(expected.centre[0])
    limits = dict(zip(points, trace(spec, "Control limits (3 sigma)")["y"], strict=True))
    assert all(_same(None, limits[label]) for label in BEFORE_KCSIE_2025)
    captions = " ".join(c.value for c in app.caption)
    assert (
        "KCSIE 2025 came into force on 1 September 2025: earlier periods are not applicable."
        in captions
    )
