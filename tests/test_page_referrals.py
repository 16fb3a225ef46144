"""The referral timeliness page: sections in storyboard order, figures that match the metrics
query, changed filters, empty states, and the feedback-days query on hand-made referrals."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest
from conftest import TODAY
from page_helpers import academy_names as names_of_academies
from page_helpers import chart, metric_frame, open_as, section_popovers

from safeguarding import database, metrics
from safeguarding.window import Window

SECTIONS = [
    "How long feedback from children's social care takes",
    "Feedback within 1 working day, by academy and by month",
    "Who the academies referred to",
    "What the concerns are about",
    "Decisions and escalations",
    "Referrals waiting for feedback past the deadline",
    "Referrals to the LADO (allegations about adults)",
    "DSL review of concerns",
    "Child-protection files when a child moves school",
]


def _bars_by_academy(spec) -> dict[str, float]:
    """Bar length per academy name over the RAG traces of a by-academy chart."""
    bars = {}
    for trace in spec["data"]:
        if trace["type"] == "bar":
            bars.update(dict(zip(trace["y"], trace["x"], strict=True)))
    return bars


@pytest.fixture(scope="module")
def academy_names(demo_db) -> dict[str, str]:
    return names_of_academies(demo_db)


def test_default_view_has_every_section_in_order(page):
    app = page("pages/referrals.py")
    assert not app.exception
    assert app.title[0].value == "Referral timeliness"
    subheaders = [s.value for s in app.subheader]
    assert [s.split(" (")[0] if s.startswith("Referrals waiting") else s for s in subheaders] == (
        SECTIONS
    )
    keys = [e.proto.id for e in app.get("plotly_chart")]
    for key in [
        "referrals_feedback_days",
        "referrals_on_time_by_academy",
        "referrals_on_time_by_month",
        "referrals_agency_mix",
        "referrals_decisions",
        "referrals_lado_by_academy",
        "referrals_dsl_on_time",
        "referrals_dsl_median_hours",
    ]:
        assert any(k.endswith(key) for k in keys), key
    # One help popover per section, each explaining its metrics.
    assert len(section_popovers(app)) >= len(SECTIONS)


def test_on_time_by_academy_matches_the_metrics_query(page, demo_db, academy_names):
    """Default window: the 12 months to the demo's today."""
    app = page("pages/referrals.py")
    expected = metric_frame(demo_db, TODAY, TODAY - dt.timedelta(days=364), None)
    rows = expected[expected.metric == "csc_feedback_on_time_pct"].set_index("academy_code")
    bars = _bars_by_academy(chart(app, "referrals_on_time_by_academy"))
    for code, row in rows.drop(index="TRUST").iterrows():
        if np.isnan(row.value):
            assert academy_names[code] not in bars
        else:
            assert bars[academy_names[code]] == pytest.approx(row.value)
    trust = rows.loc["TRUST"]
    spec = chart(app, "referrals_on_time_by_academy")
    legend = [t.get("name") for t in spec["data"]]
    assert f"Trust: {trust.value:.1f}% ({trust.numerator}/{trust.denominator})" in legend
    assert spec["layout"]["shapes"][0]["x0"] == pytest.approx(trust.value)
    shown = {m.label: m.value for m in app.metric}
    assert shown["Social care feedback on time"] == f"{trust.value:.1f}%"


def test_lado_and_dsl_review_figures_match_the_metrics_query(page, demo_db, academy_names):
    app = page("pages/referrals.py")
    expected = metric_frame(demo_db, TODAY, TODAY - dt.timedelta(days=364), None)
    for key, metric_id in [
        ("referrals_lado_by_academy", "lado_on_time_pct"),
        ("referrals_dsl_on_time", "dsl_review_on_time_pct"),
        ("referrals_dsl_median_hours", "dsl_review_median_hours"),
    ]:
        rows = expected[expected.metric == metric_id].set_index("academy_code").drop(index="TRUST")
        bars = _bars_by_academy(chart(app, key))
        for code, row in rows.iterrows():
            if not np.isnan(row.value):
                assert bars[academy_names[code]] == pytest.approx(row.value), (metric_id, code)


def test_overdue_list_is_the_drill_down_with_a_download(page, demo_db):
    app = page("pages/referrals.py")
    with database.reader(demo_db) as con:
        overdue = metrics.drill_down(con, "csc_feedback_overdue_list", TODAY)
    [heading] = [s.value for s in app.subheader if s.value.startswith("Referrals waiting")]
    assert heading.endswith(f"({len(overdue)})")
    tables = [df.value for df in app.dataframe]
    listed = next(t for t in tables if "referral_id" in t.columns)
    assert listed["referral_id"].tolist() == overdue["referral_id"].tolist()
    assert "pupil_ref" in listed.columns
    labels = [b.proto.label for b in app.get("download_button")]
    # the overdue list, late DSL reviews and child-protection files sent late
    assert labels.count("Download this list (CSV)") == 3


def test_child_protection_files_match_the_metrics_query_and_list_the_late_ones(
    page, demo_db, academy_names
):
    app = page("pages/referrals.py")
    expected = metric_frame(demo_db, TODAY, TODAY - dt.timedelta(days=364), None)
    for key, metric_id in [
        ("referrals_cp_file_on_time", "cp_file_sent_on_time_pct"),
        ("referrals_cp_file_receipt", "cp_file_receipt_confirmed_pct"),
    ]:
        rows = expected[expected.metric == metric_id].set_index("academy_code").drop(index="TRUST")
        assert rows["denominator"].sum() > 0, metric_id  # the demo trust has leavers
        bars = _bars_by_academy(chart(app, key))
        for code, row in rows.iterrows():
            if not np.isnan(row.value):
                assert bars[academy_names[code]] == pytest.approx(row.value), (metric_id, code)
    with database.reader(demo_db) as con:
        late = metrics.drill_down(con, "cp_file_late_list", TODAY)
    listed = next(df.value for df in app.dataframe if "trust_pupil_ref" in df.value.columns)
    assert listed["trust_pupil_ref"].tolist() == late["trust_pupil_ref"].tolist()
    trust = expected[(expected.metric == "cp_file_sent_on_time_pct")].set_index("academy_code")
    assert len(late) == trust.loc["TRUST", "denominator"] - trust.loc["TRUST", "numerator"]


def test_a_governor_sees_the_file_figures_and_no_leaver(demo_db, monkeypatch):
    app = open_as("governor", "pages/referrals.py", demo_db, monkeypatch)
    assert not app.exception
    headings = [s.value for s in app.subheader]
    assert "Child-protection files when a child moves school" in headings
    for frame in (df.value for df in app.dataframe):
        assert "trust_pupil_ref" not in frame.columns and "pupil_ref" not in frame.columns
    assert not any(e.label.startswith("Files sent late") for e in app.expander)


def test_one_academy_and_a_term_window(page, demo_db, academy_names):
    """ELM in the autumn term 2026/27 to date: ELM's figures and records only."""
    app = page("pages/referrals.py", academy=["ELM"], window="term")
    assert not app.exception
    expected = metric_frame(demo_db, TODAY, dt.date(2026, 9, 1), TODAY, ["ELM"])
    value = expected[
        (expected.metric == "csc_feedback_on_time_pct") & (expected.academy_code == "ELM")
    ].value.iloc[0]
    bars = _bars_by_academy(chart(app, "referrals_on_time_by_academy"))
    assert bars == {academy_names["ELM"]: pytest.approx(value)}
    listed = next(t.value for t in app.dataframe if "referral_id" in t.value.columns)
    assert set(listed["academy"]) == {academy_names["ELM"]}
    made = expected[(expected.metric == "referrals_made") & (expected.academy_code == "TRUST")]
    spec = chart(app, "referrals_agency_mix")
    assert sum(spec["data"][0]["x"]) == made.value.iloc[0]
    assert "Autumn 2026/27" in spec["layout"]["title"]["text"]


def test_an_academy_with_nothing_due_gets_an_empty_state_not_an_error(page):
    """OAK made no referral to children's social care due in the autumn term 2026/27."""
    app = page("pages/referrals.py", academy=["OAK"], window="term")
    assert not app.exception
    infos = " ".join(i.value for i in app.info)
    assert "No referrals to children's social care past their feedback deadline" in infos
    keys = [e.proto.id for e in app.get("plotly_chart")]
    assert not any(k.endswith("referrals_on_time_by_academy") for k in keys)
    assert len(app.subheader) == len(SECTIONS)


def test_changing_the_decision_scope_and_monthly_academies(page, demo_db):
    app = page("pages/referrals.py")
    app.radio(key="referrals_decisions_scope").set_value("all").run()
    assert not app.exception
    expected = metric_frame(demo_db, TODAY, TODAY - dt.timedelta(days=364), None)
    made = expected[(expected.metric == "referrals_made") & (expected.academy_code == "TRUST")]
    bars = [t for t in chart(app, "referrals_decisions")["data"] if t["type"] == "bar"]
    assert sum(sum(t["x"]) for t in bars) == made.value.iloc[0]
    assert (
        "Decisions on referrals to all agencies"
        in (chart(app, "referrals_decisions")["layout"]["title"]["text"])
    )
    app.multiselect(key="referrals_month_academies").set_value(["OAK", "ELM"]).run()
    assert not app.exception
    names = [t["name"] for t in chart(app, "referrals_on_time_by_month")["data"]]
    assert names == ["Trust", "Demo Oak Primary Academy", "Demo Elm Secondary Academy"]


def test_no_data_says_so_plainly(page):
    app = page("pages/referrals.py", as_of="2015-01-01")
    assert not app.exception
    infos = " ".join(i.value for i in app.info)
    assert "No referrals to children's social care for these filters" in infos
    assert not app.get("plotly_chart")


# --- the feedback-days query on hand-made referrals ---------------------------------------------

HEADER = "academy_code,referral_id,agency,referred_at,pupil_ref,feedback_at\n"


def test_feedback_days_buckets_and_status(trust, db):
    """As of Fri 30 May 2025. Mon 5 May 2025 is a bank holiday.
    R1 Fri 2 May, feedback Tue 6 May: 1 working day, on the deadline day -> on_time.
    R2 Fri 2 May, feedback Wed 7 May: 2 working days -> late.
    R3 Thu 1 May, feedback Sat 3 May: Saturday shares Friday's number, so 1 working day, but
       the deadline was Fri 2 May -> late (the date rule wins).
    R4 Fri 2 May, feedback Sat 3 May: 0 working days -> on_time.
    R5 Thu 1 May, no feedback -> overdue, no bucket.
    R6 Fri 30 May (the as-of date), no feedback: deadline Mon 2 Jun -> awaiting, not due.
    R7 Thu 1 May, feedback Mon 2 Jun (after the as-of date) -> counts as none yet: overdue.
    R8 Thu 1 May, feedback Thu 15 May: 9 working days -> bucket 5 (five or more), late.
    R9 police -> not counted."""
    trust(
        "referrals.csv",
        HEADER
        + "OAK,R1,children_social_care,2025-05-02 14:00,P1,2025-05-06 16:00\n"
        + "OAK,R2,children_social_care,2025-05-02 15:00,P2,2025-05-07 09:00\n"
        + "OAK,R3,children_social_care,2025-05-01 10:00,P3,2025-05-03 10:00\n"
        + "OAK,R4,children_social_care,2025-05-02 10:00,P4,2025-05-03 10:00\n"
        + "OAK,R5,children_social_care,2025-05-01 10:00,P5,\n"
        + "OAK,R6,children_social_care,2025-05-30 10:00,P6,\n"
        + "OAK,R7,children_social_care,2025-05-01 11:00,P7,2025-06-02 10:00\n"
        + "OAK,R8,children_social_care,2025-05-01 12:00,P8,2025-05-15 10:00\n"
        + "ELM,R9,police,2025-05-01 10:00,P9,\n",
    )
    params = {
        "as_of": dt.date(2025, 5, 30),
        "date_from": dt.date(2025, 5, 1),
        "date_to": dt.date(2025, 5, 31),
        "academy_codes": ["OAK", "ELM"],
    }
    frame = _run(db, "dashboard/referral_csc_feedback_days", params)
    got = {
        (
            None if np.isnan(r.working_days) else int(r.working_days),
            r.feedback_status,
            int(r.referrals),
        )
        for r in frame.itertuples()
    }
    assert got == {
        (0, "on_time", 1),  # R4
        (1, "on_time", 1),  # R1
        (1, "late", 1),  # R3
        (2, "late", 1),  # R2
        (5, "late", 1),  # R8
        (None, "overdue", 2),  # R5, R7
        (None, "awaiting", 1),  # R6
    }
    # By month, on time among the due referrals is the metric's figure: R1, R4 of the 7 due
    # (R6 is not due yet), for OAK and for the TRUST row alike.
    months = _run(db, "dashboard/referral_csc_on_time_by_month", params)
    assert sorted(
        (r.academy_code, r.referred_month_on, r.on_time_referrals, r.due_referrals)
        for r in months.itertuples()
    ) == [
        ("OAK", pd.Timestamp("2025-05-01"), 2, 7),
        ("TRUST", pd.Timestamp("2025-05-01"), 2, 7),
    ]
    with duckdb.connect(str(db), read_only=True) as con:
        computed = metrics.compute(
            con, dt.date(2025, 5, 30), dt.date(2025, 5, 1), dt.date(2025, 5, 31), ["OAK"]
        )
    row = computed[
        (computed.metric == "csc_feedback_on_time_pct") & (computed.academy_code == "OAK")
    ].iloc[0]
    assert (row.numerator, row.denominator) == (2, 7)


def _run(db, name: str, params: dict):
    params = dict(params)
    window = Window(params.pop("as_of"), params.pop("date_from"), params.pop("date_to"))
    academies = params.pop("academy_codes")
    with database.reader(db) as con:
        return metrics.run_named(con, name, window, academies, **params)


# --- other roles (demo mode's role preview) -------------------------------------------------------


SMALL = {1, 2, 3, 4, 5}


def test_governors_see_no_records_and_no_small_counts(demo_db, monkeypatch, academy_names):
    from safeguarding import database, metrics, periods, suppressed_views

    app = open_as("governor", "pages/referrals.py", demo_db, monkeypatch)
    assert not app.exception
    assert not any("pupil_ref" in t.value.columns for t in app.dataframe)
    assert "Record lists are not shown" in " ".join(i.value for i in app.info)
    assert not app.get("download_button")
    # Bars and counts drawn: none from 1 to 5.
    for key, axis in [
        ("referrals_feedback_days", "y"),
        ("referrals_agency_mix", "x"),
        ("referrals_decisions", "x"),
    ]:
        for trace in chart(app, key)["data"]:
            if trace["type"] == "bar":
                assert not SMALL & set(trace[axis]), (key, trace["name"])
    # No months: set beside their term they would reveal hidden counts.
    assert not [c for c in app.get("plotly_chart") if c.proto.id.endswith("by_month")]
    assert "Month by month is not shown in this view" in " ".join(i.value for i in app.info)
    # An academy whose figure governors may not see has a label and no bar. Governors count
    # the latest whole term by default, suppressed with the rest of its school year.
    term = periods.whole_periods_by(TODAY)[0]
    assert term.kind == "term"
    with database.reader(demo_db) as con:
        expected = suppressed_views.metric_table(
            con, TODAY, term.starts_on, term.ends_on, metrics.academy_codes(con)
        )
    charts_by_metric = {
        "csc_feedback_on_time_pct": "referrals_on_time_by_academy",
        "lado_on_time_pct": "referrals_lado_by_academy",
        "dsl_review_on_time_pct": "referrals_dsl_on_time",
    }
    partly_hidden = 0
    for metric_id, key in charts_by_metric.items():
        rows = expected[expected.metric == metric_id].set_index("academy_code").drop(index="TRUST")
        hidden = [code for code, row in rows.iterrows() if row.value == "c"]
        drawn = any(c.proto.id.endswith(key) for c in app.get("plotly_chart"))
        if hidden and not drawn:
            # Every academy's figure hidden: a sentence, not a chart of c.
            assert set(rows.value.map(lambda v: v == "c" or pd.isna(v))) == {True}
            continue
        assert drawn, metric_id
        spec = chart(app, key)
        bars = _bars_by_academy(spec)
        text_layer = next(t for t in spec["data"] if t.get("name") == "labels")
        labels = dict(zip(text_layer["y"], text_layer["text"], strict=True))
        for code in hidden:
            assert academy_names[code] not in bars
            assert "c (1 to 5, not shown)" in labels[academy_names[code]]
        partly_hidden += bool(hidden)
    assert partly_hidden, "the demo should have a chart with a figure resting on a small count"
    assert "Not shown: every figure for allegations about adults" in " ".join(
        i.value for i in app.info
    )


def test_an_academy_dsl_sees_records_of_their_own_academy_only(demo_db, monkeypatch):
    app = open_as("dsl", "pages/referrals.py", demo_db, monkeypatch, academy="BIRCH")
    assert not app.exception
    listed = next(t.value for t in app.dataframe if "referral_id" in t.value.columns)
    assert set(listed["academy"]) == {"Demo Birch Secondary Academy"}


def test_a_local_governor_sees_their_academy_against_the_whole_trust(demo_db, monkeypatch):
    app = open_as("local_governor", "pages/referrals.py", demo_db, monkeypatch, academy="ELM")
    assert not app.exception
    spec = chart(app, "referrals_on_time_by_academy")
    # Their own academy, leading the chart and marked as theirs.
    assert set(_bars_by_academy(spec)) <= {"Demo Elm Secondary Academy (your academy)"}
    assert any((t.get("name") or "").startswith("Trust (all academies)") for t in spec["data"])
