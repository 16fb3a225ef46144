"""The Training coverage page: every section draws, with default and changed filters, and the
plotted numbers are the metrics query's (heatmap, induction bars, DSL table, expiry calendar)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from conftest import TODAY
from metric_fixtures import build
from page_helpers import academy_names, decode_array, figure_titled, metric_frame, section_popovers

from safeguarding import database, metrics
from safeguarding.ui import training_charts as tc

SUBHEADERS = [
    "Safeguarding training in date, by academy and role",
    "New starters trained within the induction window",
    "Designated safeguarding leads and deputies",
    "Keeping Children Safe in Education 2025 read",
    "Governors' and trustees' safeguarding training",
    "Training about to expire",
]


def value_of(frame, code, metric_id):
    return frame[(frame.academy_code == code) & (frame.metric == metric_id)].iloc[0]


def test_default_view_draws_every_section_without_error(page):
    app = page("pages/training.py")
    assert not app.exception
    assert app.title[0].value == "Training coverage"
    assert [s.value for s in app.subheader] == SUBHEADERS
    assert len(app.get("plotly_chart")) == 5
    # one help popover per section, each with its metric definitions
    assert len(section_popovers(app)) == len(SUBHEADERS)
    assert [m.label for m in app.metric] == list(tc.HEADLINE.values())
    # DSL status table and the two drill-down lists
    # and, for the trust lead, the rows behind the figure that changed this week
    assert len(app.dataframe) == 4
    assert len(app.get("download_button")) == 2


def test_heatmap_all_staff_and_governor_columns_are_the_metrics(page, demo_db):
    """The "All staff" column is safeguarding_training_in_date_pct and the governors' column
    governor_training_in_date_pct, academy by academy and for the trust; n is the denominator."""
    app = page("pages/training.py")
    spec = figure_titled(app, "Safeguarding training in date by role")
    [heatmap] = spec["data"]
    columns = heatmap["x"]
    rows = heatmap["y"]
    z = decode_array(heatmap["z"])
    names = academy_names(demo_db)
    expected = metric_frame(demo_db)
    for code in [*sorted(names), "TRUST"]:
        label = "<b>Trust</b>" if code == "TRUST" else names[code]
        row = rows.index(label)
        for column, metric_id in (
            ("All staff", "safeguarding_training_in_date_pct"),
            ("Governors & trustees", "governor_training_in_date_pct"),
        ):
            figure = value_of(expected, code, metric_id)
            cell = z[row][columns.index(column)]
            assert cell == pytest.approx(figure.value), (code, metric_id)
            assert heatmap["text"][row][columns.index(column)].endswith(
                f"n={int(figure.denominator)}"
            )


def test_role_columns_add_up_to_all_staff(page):
    app = page("pages/training.py")
    [heatmap] = figure_titled(app, "Safeguarding training in date by role")["data"]
    staff_roles = [
        tc.ROLE_GROUPS[g]
        for g in ("teacher", "support", "leadership", "principal", "volunteer", "other")
    ]
    for row in heatmap["customdata"]:
        by_column = dict(zip(heatmap["x"], row, strict=True))
        in_date, judged = by_column["All staff"]
        assert sum(by_column[r][0] for r in staff_roles) == in_date
        assert sum(by_column[r][1] for r in staff_roles) == judged


def test_induction_bars_are_induction_on_time_pct(page, demo_db):
    app = page("pages/training.py", window="academic_year")
    spec = figure_titled(app, "Starters trained within 5 working days")
    academic_year_start = dt.date(2026, 9, 1)
    expected = metric_frame(demo_db, date_from=academic_year_start)
    names = academy_names(demo_db)
    plotted = {}
    for trace in spec["data"]:
        for name, x in zip(trace["y"], decode_array(trace["x"]), strict=True):
            plotted[name] = x
    assert len(plotted) == len(names)
    for code, name in names.items():
        figure = value_of(expected, code, "induction_on_time_pct")
        assert plotted[name] == pytest.approx(0 if figure.denominator == 0 else figure.value)


def test_dsl_table_matches_dsl_training_and_deputy_flags(page, demo_db):
    app = page("pages/training.py")
    table = app.dataframe[0].value
    expected = metric_frame(demo_db)
    names = academy_names(demo_db)
    by_name = table.set_index("Academy")
    for code, name in names.items():
        row = by_name.loc[name]
        dsls_in_date, dsls = (int(n) for n in row["DSLs in date"].split(" / "))
        deputies_in_date, deputies = (int(n) for n in row["Deputies in date"].split(" / "))
        pct = value_of(expected, code, "dsl_training_in_date_pct")
        assert dsls_in_date + deputies_in_date == pct.numerator
        assert dsls + deputies == pct.denominator
        if pct.denominator:
            assert row["DSL & deputy training in date"] == f"{pct.value:.1f}%"
        flag = value_of(expected, code, "academies_without_trained_deputy").value
        assert (row["No trained deputy"] == "⚠ Yes") == (flag == 1)
    trust = by_name.loc["Trust"]
    count = int(value_of(expected, "TRUST", "academies_without_trained_deputy").value)
    assert trust["No trained deputy"].startswith(f"{count} ")
    trust_pct = value_of(expected, "TRUST", "dsl_training_in_date_pct").value
    assert trust["DSL & deputy training in date"] == f"{trust_pct:.1f}%"


def test_expiry_calendar_totals_are_the_sums_of_the_stacks(page):
    """Every week ahead is drawn, and the total printed above each bar is its stack's sum. (That
    the weeks hold the people the lists show as expiring needs no test of its own: both read the
    model training_status.)"""
    app = page("pages/training.py")
    spec = figure_titled(app, "Training expiring in the next 13 weeks")
    bars = [t for t in spec["data"] if t["type"] == "bar"]
    assert len(bars[0]["x"]) == tc.EXPIRY_WEEKS
    per_week = np.sum([decode_array(t["y"]) for t in bars], axis=0)
    [totals] = [t for t in spec["data"] if t["type"] == "scatter"]
    assert [int(n) for n in totals["text"]] == per_week.tolist()
    assert per_week.sum() > 0


def test_expiry_calendar_stacked_by_course(page):
    app = page("pages/training.py")
    by_academy = figure_titled(app, "Training expiring")
    app.radio(key="training_stack_by").set_value("course").run()
    assert not app.exception
    by_course = figure_titled(app, "Training expiring")
    names = [t["name"] for t in by_course["data"] if t["type"] == "bar"]
    assert names and all(name.split(":")[0] in tc.REQUIREMENTS.values() for name in names)

    def totals(spec):
        return next(t for t in spec["data"] if t["type"] == "scatter")["text"]

    assert totals(by_academy) == totals(by_course)


def test_drill_down_lists_are_the_metric_lists(page, demo_db):
    app = page("pages/training.py")
    with database.reader(demo_db) as con:
        staff = metrics.drill_down(con, "staff_training_due_list", TODAY)
        dsl = metrics.drill_down(con, "dsl_training_due_list", TODAY)
    assert len(app.dataframe[1].value) == len(staff)
    assert len(app.dataframe[2].value) == len(dsl)
    assert set(app.dataframe[1].value["staff_ref"]) == set(staff["staff_ref"])


def test_academies_chosen_narrow_every_figure(page, demo_db):
    app = page("pages/training.py", academy=["OAK", "ELM"], window="term")
    assert not app.exception
    names = academy_names(demo_db)
    [heatmap] = figure_titled(app, "Safeguarding training in date by role")["data"]
    # "Trust" names only the whole trust: two academies chosen are "2 academies".
    assert set(heatmap["y"]) == {names["ELM"], names["OAK"], "<b>2 academies</b>"}
    expected = metric_frame(demo_db, academies=["OAK", "ELM"])
    trust = value_of(expected, "TRUST", "safeguarding_training_in_date_pct")
    row = heatmap["y"].index("<b>2 academies</b>")
    z = decode_array(heatmap["z"])
    assert z[row][heatmap["x"].index("All staff")] == pytest.approx(trust.value)
    table = app.dataframe[0].value
    assert set(table["Academy"]) == {names["OAK"], names["ELM"], "2 academies"}
    assert set(app.dataframe[1].value["academy"]) <= {names["OAK"], names["ELM"]}


def test_a_date_before_any_data_says_so_plainly(page):
    app = page("pages/training.py", as_of="2015-01-01")
    assert not app.exception
    messages = " ".join(i.value for i in app.info)
    assert "No staff or governors in post for these filters" in messages
    assert "No training expiring in the next 13 weeks" in messages
    assert "No DSLs or deputy DSLs in post" in messages
    assert not app.get("plotly_chart")
    assert not app.success  # never "everyone is in date" when nobody is in post


def test_no_academy_in_view_says_so(page):
    app = page("pages/training.py", academy=["OAK"], phase=["secondary"])
    assert not app.exception
    assert any("No academies for these filters" in i.value for i in app.info)


STARTER_AS_OF = "2026-11-27"


@pytest.fixture
def small_trust(tmp_path, monkeypatch):
    """OAK, as of Fri 27 Nov 2026:
    T1 teacher, update 1 Dec 2025 -> in date (expires 1 Dec 2026, within week 0)
    T2 teacher, update 1 Oct 2025 -> expired
    T3 teacher, started Wed 25 Nov 2026, no course -> inside the induction window, left out
    S1 support, induction 10 Jan 2026 -> in date
    G1 governor, governor course 1 Mar 2026 -> in date; G2 trustee, none -> not in date
    Teachers 1 of 2 = 50.0%, support 1 of 1, all staff 2 of 3 = 66.7%, governors 1 of 2."""
    db = build(
        tmp_path,
        staff=[
            {"staff_ref": "T1"},
            {"staff_ref": "T2"},
            {"staff_ref": "T3", "start_date": "2026-11-25"},
            {"staff_ref": "S1", "role": "support"},
            {"staff_ref": "G1", "role": "governor", "works_with_children": False},
            {"staff_ref": "G2", "role": "trustee", "works_with_children": False},
        ],
        training=[
            {"staff_ref": "T1", "course": "safeguarding_update", "completed_on": "2025-12-01"},
            {"staff_ref": "T2", "course": "safeguarding_update", "completed_on": "2025-10-01"},
            {"staff_ref": "S1", "course": "safeguarding_induction", "completed_on": "2026-01-10"},
            {"staff_ref": "G1", "course": "governor_safeguarding", "completed_on": "2026-03-01"},
        ],
    )
    monkeypatch.setenv("SAFEGUARDING_ALLOW_DEMO_MODE", "1")
    return db


def test_heatmap_of_a_hand_made_trust(small_trust, page, monkeypatch):
    monkeypatch.setenv("SAFEGUARDING_DB", str(small_trust))
    app = page("pages/training.py", as_of=STARTER_AS_OF, academy=["OAK"])
    assert not app.exception
    [heatmap] = figure_titled(app, "Safeguarding training in date by role")["data"]
    cells = dict(zip(heatmap["x"], heatmap["customdata"][0], strict=True))
    assert cells["Teachers"] == [1, 2]
    assert cells["Support staff"] == [1, 1]
    assert cells["All staff"] == [2, 3]
    assert cells["Governors & trustees"] == [1, 2]
    assert cells["Principals"] == [0, 0]
    z = dict(zip(heatmap["x"], decode_array(heatmap["z"])[0], strict=True))
    assert z["All staff"] == pytest.approx(66.7)
    assert z["Principals"] is None
    calendar = figure_titled(app, "Training expiring")
    # T1's update expires Tue 1 Dec 2026: week 0 (28 Nov - 4 Dec); S1's induction Sun 10 Jan
    # 2027: week 6 (9-15 Jan); G1's course 1 Mar 2027, after the 13 weeks (to 26 Feb).
    [totals] = [t for t in calendar["data"] if t["type"] == "scatter"]
    counts = [int(n) for n in totals["text"]]
    assert counts[0] == 1 and counts[6] == 1 and sum(counts) == 2
