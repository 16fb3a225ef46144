"""The overview page: tiles match the metrics query, and the action list matches the lists."""

from __future__ import annotations

import datetime as dt

from conftest import TODAY
from page_helpers import metric_frame

from safeguarding import metrics_definitions
from safeguarding.ui.tiles import HEADLINE_METRICS


def _trust_value(db, metric_id, as_of, academies=None):
    frame = metric_frame(db, as_of, academies=academies)
    row = frame[(frame.academy_code == "TRUST") & (frame.metric == metric_id)].iloc[0]
    return row


def _agenda_table(app):
    """The first table: the items still on the agenda (resolved ones follow in their own)."""
    table = app.dataframe[0]
    assert "change" in table.value.columns
    assert not table.value["change"].str.startswith("Resolved").any()
    return table


def test_overview_tiles_show_the_trust_figures_of_the_metrics_query(page, demo_db):
    app = page("pages/overview.py")
    assert not app.exception
    assert app.title[0].value == "Weekly safeguarding overview"
    shown = {m.label: m.value for m in app.metric}
    assert len(shown) == len(HEADLINE_METRICS)
    row = _trust_value(demo_db, "csc_feedback_on_time_pct", TODAY)
    labels = {metric_id: d.label for metric_id, d in metrics_definitions.load().items()}
    assert shown[labels["csc_feedback_on_time_pct"]] == f"{row.value:.1f}%"
    overdue = _trust_value(demo_db, "csc_feedback_overdue", TODAY)
    assert shown[labels["csc_feedback_overdue"]] == f"{int(overdue.value):,}"


def test_overview_change_since_last_week(page, demo_db):
    app = page("pages/overview.py")
    now = _trust_value(demo_db, "policies_overdue", TODAY).value
    before = _trust_value(demo_db, "policies_overdue", TODAY - dt.timedelta(days=7)).value
    [tile] = [m for m in app.metric if m.label == "Policies overdue for review"]
    assert tile.value == f"{int(now):,}"
    expected_delta = f"{now - before:+,.0f}" if now != before else ""
    assert tile.proto.delta == expected_delta


def test_needs_attention_lists_every_overdue_referral_of_the_academies_chosen(page, demo_db):
    app = page("pages/overview.py", academy=["OAK"])
    assert not app.exception
    table = _agenda_table(app)
    frame = table.value
    assert set(frame["academy_code"]) <= {"OAK", "TRUST"}
    overdue = _trust_value(demo_db, "csc_feedback_overdue", TODAY, ["OAK"]).value
    rows = frame[frame["area"] == "Feedback from children's social care overdue"]
    assert len(rows) == overdue


def test_overview_with_an_as_of_date_before_any_data_says_so(page):
    app = page("pages/overview.py", as_of="2015-01-01")
    assert not app.exception
    assert any("Nothing needs attention" in s.value for s in app.success) or app.dataframe


def test_the_tiles_and_the_list_on_screen_agree(page, demo_db):
    """The counts on the tiles are the numbers of rows of their kind in the list below them,
    and a percentage's shortfall is the number of its rows (one rule, one model)."""
    app = page("pages/overview.py")
    assert not app.exception
    table = _agenda_table(app)
    rows = table.value.groupby("area").size()
    labels = {metric_id: d.label for metric_id, d in metrics_definitions.load().items()}
    shown = {m.label: m.value for m in app.metric}
    for metric_id, area in (
        ("csc_feedback_overdue", "Feedback from children's social care overdue"),
        ("training_expiring_30d", "Staff training expiring within 30 days"),
        ("policies_overdue", "Policy review overdue"),
        ("required_policies_missing", "Required policy missing"),
    ):
        assert shown[labels[metric_id]] == f"{int(rows.get(area, 0)):,}", metric_id
    for metric_id, area in (
        ("safeguarding_training_in_date_pct", "Staff training out of date"),
        ("dsl_training_in_date_pct", "DSL training out of date"),
    ):
        row = _trust_value(demo_db, metric_id, TODAY)
        assert shown[labels[metric_id]] == f"{row.value:.1f}%"
        assert row.denominator - row.numerator == rows.get(area, 0), metric_id
    # Working days for statutory deadlines, calendar days for the rest: never one column.
    assert {"overdue_working_days", "overdue_days"} <= set(table.value.columns)
    assert "days_overdue" not in table.value.columns
