"""The metrics runner: every academy and metric, the TRUST row, rounding, windows, scope,
series and the link between config/metrics.toml and the queries."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from metric_fixtures import build, day, metric, results

from safeguarding import database, metrics, metrics_definitions, sql
from safeguarding.window import Window

METRIC_IDS = list(metrics_definitions.METRIC_IDS)


def test_every_academy_gets_every_metric_even_with_no_data(tmp_path):
    """Three academies and no other data: 3 × 23 rows plus 23 TRUST rows. Counts are 0,
    percentages null with 0/0, an academy with no deputy scores 1 (TRUST: 3), and all eight
    required policies are missing everywhere (TRUST: 24)."""
    db = build(tmp_path)
    frame = results(db, "2025-06-30")
    assert list(frame.columns) == ["academy_code", "metric", "value", "numerator", "denominator"]
    assert [str(t) for t in frame.dtypes[2:]] == ["float64", "Int64", "Int64"]
    assert list(frame["academy_code"].unique()) == ["ASH", "ELM", "OAK", "TRUST"]
    for academy, rows in frame.groupby("academy_code"):
        assert list(rows["metric"]) == METRIC_IDS, academy
    records = {(r["academy_code"], r["metric"]): r for r in metrics.as_records(frame)}
    assert records[("ASH", "concerns_logged")]["value"] == 0
    assert records[("ASH", "dsl_review_on_time_pct")] == {
        "academy_code": "ASH",
        "metric": "dsl_review_on_time_pct",
        "value": None,
        "numerator": 0,
        "denominator": 0,
    }
    assert records[("ASH", "dsl_review_median_hours")]["value"] is None
    assert records[("ASH", "academies_without_trained_deputy")]["value"] == 1
    assert records[("TRUST", "academies_without_trained_deputy")]["value"] == 3
    assert records[("TRUST", "required_policies_missing")]["value"] == 24


def test_percentages_round_half_away_from_zero(tmp_path):
    """16 concerns, 1 with a recorded decision: 100/16 = 6.25 -> 6.3 (round-half-even would
    give 6.2). 7 of 16: 43.75 -> 43.8."""
    concerns = [
        {"logged_at": "2025-03-03 09:00", "decision_recorded": i == 0} for i in range(16)
    ] + [
        {"academy_code": "ELM", "logged_at": "2025-03-03 09:00", "decision_recorded": i < 7}
        for i in range(16)
    ]
    db = build(tmp_path, concerns=concerns)
    assert metric(db, "decision_recorded_pct", "2025-06-30", "OAK") == (6.3, 1, 16)
    assert metric(db, "decision_recorded_pct", "2025-06-30", "ELM") == (43.8, 7, 16)


def test_the_default_window_is_the_year_ending_on_the_as_of_date(tmp_path):
    """As of 30 Jun 2025 the window is 1 Jul 2024 .. 30 Jun 2025 (to - 364 days): a concern on
    1 Jul 2024 counts, one on 30 Jun 2024 does not."""
    db = build(
        tmp_path,
        concerns=[{"logged_at": "2024-06-30 12:00"}, {"logged_at": "2024-07-01 12:00"}],
    )
    assert metric(db, "concerns_logged", "2025-06-30") == (1, None, None)
    assert metrics.Window.ending(day("2025-06-30")) == metrics.Window(
        day("2025-06-30"), day("2024-07-01"), day("2025-06-30")
    )


def test_scope_limits_the_academies_and_the_trust_row(tmp_path):
    """Scope ELM only: rows for ELM and TRUST, and TRUST counts ELM's concern alone."""
    db = build(
        tmp_path,
        concerns=[
            {"logged_at": "2025-03-03 09:00"},
            {"academy_code": "ELM", "logged_at": "2025-03-03 09:00"},
        ],
    )
    frame = results(db, "2025-06-30", academies=["elm"])
    assert set(frame["academy_code"]) == {"ELM", "TRUST"}
    assert metric(db, "concerns_logged", "2025-06-30", "TRUST", academies=["ELM"]) == (
        1,
        None,
        None,
    )


def test_an_unknown_academy_is_refused(tmp_path):
    db = build(tmp_path)
    with pytest.raises(metrics.ScopeError, match="Unknown academy code 'BIRCH'"):
        results(db, "2025-06-30", academies=["BIRCH"])


def test_a_window_ending_before_it_starts_is_refused():
    with pytest.raises(metrics.ScopeError, match="starts"):
        metrics.Window.ending(day("2025-06-30"), day("2025-07-01"), day("2025-06-30"))


def test_a_series_matches_one_run_per_as_of_date(tmp_path):
    """Three month ends in one query give what three single runs give."""
    db = build(
        tmp_path,
        concerns=[
            {"logged_at": "2025-03-03 09:00", "dsl_reviewed_at": "2025-03-05 09:00"},
            {"logged_at": "2025-04-14 09:00", "dsl_reviewed_at": "2025-04-14 12:00"},
            {"academy_code": "ELM", "logged_at": "2025-05-02 09:00"},
        ],
        referrals=[{"referred_at": "2025-04-30 09:00", "feedback_at": "2025-05-01 09:00"}],
        staff=[{"staff_ref": "S1", "start_date": "2025-04-01"}],
        training=[
            {"staff_ref": "S1", "course": "safeguarding_induction", "completed_on": "2025-04-02"}
        ],
    )
    month_ends = metrics.month_ends(day("2025-03-15"), day("2025-05-02"))
    assert month_ends == [day("2025-03-31"), day("2025-04-30"), day("2025-05-31")]
    with database.reader(db) as con:
        series = metrics.series(con, month_ends)
    for as_of in month_ends:
        single = results(db, as_of.isoformat())
        at_date = series[series["as_of_on"] == pd.Timestamp(as_of)].drop(columns="as_of_on")
        assert metrics.as_records(at_date) == metrics.as_records(single), as_of


def test_a_series_of_some_metrics_equals_those_rows_of_the_whole_series(tmp_path):
    """Asking for two metrics (from two queries) gives exactly their rows of the full series,
    in the same order: the trends page asks for fewer metrics to save the costly queries."""
    db = build(
        tmp_path,
        concerns=[{"logged_at": "2025-03-03 09:00", "dsl_reviewed_at": "2025-03-05 09:00"}],
        referrals=[{"referred_at": "2025-04-30 09:00", "feedback_at": "2025-05-01 09:00"}],
    )
    month_ends = metrics.month_ends(day("2025-03-15"), day("2025-05-02"))
    wanted = ["csc_feedback_on_time_pct", "concerns_logged"]
    with database.reader(db) as con:
        whole = metrics.series(con, month_ends)
        some = metrics.series(con, month_ends, metric_ids=wanted)
    expected = whole[whole["metric"].isin(wanted)].reset_index(drop=True)
    assert len(some) == 3 * 4 * 2  # month ends × (3 academies + TRUST) × metrics
    pd.testing.assert_frame_equal(some.reset_index(drop=True), expected)
    assert some.loc[
        (some["academy_code"] == "TRUST") & (some["metric"] == "concerns_logged"), "value"
    ].tolist() == [1.0, 1.0, 1.0]  # rolling year ending at each month end


def test_a_series_refuses_an_unknown_metric(tmp_path):
    db = build(tmp_path)
    with database.reader(db) as con, pytest.raises(metrics.ScopeError, match="no_such"):
        metrics.series(con, [day("2025-03-31")], metric_ids=["no_such"])


def test_term_windows_come_from_the_calendar(tmp_path):
    db = build(tmp_path)
    with database.reader(db) as con:
        windows = metrics.term_windows(con, day("2025-09-01"), day("2026-08-31"))
    assert windows == [
        metrics.Window(day("2025-12-31"), day("2025-09-01"), day("2025-12-31")),
        metrics.Window(day("2026-04-05"), day("2026-01-01"), day("2026-04-05")),
        metrics.Window(day("2026-08-31"), day("2026-04-06"), day("2026-08-31")),
    ]


def test_a_database_without_a_calendar_gets_one_and_the_models_when_first_read(tmp_path):
    db = tmp_path / "t.duckdb"
    with database.writer(db) as con:  # no after_write: no calendar, so no models either
        con.execute("insert into academies values ('OAK', 'Oak', 'primary', null, null, 1, null)")
    with duckdb.connect(str(db), read_only=True) as con:
        assert not database.is_current(con)
    frame = results(db, "2025-06-30")
    assert set(frame["academy_code"]) == {"OAK", "TRUST"}
    with duckdb.connect(str(db), read_only=True) as con:
        assert database.is_current(con)


def test_a_database_holding_older_models_is_upgraded_when_read(tmp_path):
    db = build(tmp_path)
    with duckdb.connect(str(db)) as con:  # as an older version of the code would leave it
        con.execute(
            "create or replace macro training_status(windows, standards) as table select 1 as stale"
        )
        con.execute(sql.load("load/set_models_digest"), {"digest": "older"})
    frame = results(db, "2025-06-30")
    assert "safeguarding_training_in_date_pct" in set(frame["metric"])


@pytest.mark.parametrize("query", sorted({d.query for d in metrics_definitions.load().values()}))
def test_each_query_returns_exactly_the_metrics_defined_for_it(tmp_path, query):
    db = build(tmp_path)
    defined = [m for m, d in metrics_definitions.load().items() if d.query == query]
    with database.reader(db) as con:
        frame = metrics._run(
            con,
            query,
            metrics.query_parameters(
                con, [Window(day("2025-06-30"), day("2024-07-01"), day("2025-06-30"))], ["OAK"]
            ),
        )
    assert sorted(frame["metric"].unique()) == sorted(defined)
