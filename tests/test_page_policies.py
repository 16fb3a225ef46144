"""The Policy review page: counts, timeline, required-policy matrix and register draw with
default and changed filters, and their numbers are the metrics query's and its lists'."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TODAY
from metric_fixtures import build
from page_helpers import academy_names, figure_titled, metric_frame, section_popovers

from safeguarding import database, metrics
from safeguarding.ui import policy_charts as pc

SUBHEADERS = [
    "Reviews and gaps, by academy",
    "When each policy is next reviewed",
    "Required policies: present or missing",
    "Policy register",
]


def value_of(frame, code, metric_id):
    return frame[(frame.academy_code == code) & (frame.metric == metric_id)].iloc[0].value


def register_table(app):
    [table] = [d.value for d in app.dataframe if "Policy" in d.value.columns]
    return table


def test_default_view_draws_every_section_without_error(page):
    app = page("pages/policies.py")
    assert not app.exception
    assert app.title[0].value == "Policy review"
    assert [s.value for s in app.subheader] == SUBHEADERS
    assert len(app.get("plotly_chart")) == 3
    assert len(section_popovers(app)) == len(SUBHEADERS)
    assert [m.label for m in app.metric] == [
        "Policies overdue for review",
        "Policies due for review within 30 days",
        "Required policies missing",
    ]
    assert len(app.get("download_button")) == 1


def test_headline_and_count_grid_are_the_metrics(page, demo_db):
    app = page("pages/policies.py")
    expected = metric_frame(demo_db)
    shown = {m.label: m.value for m in app.metric}
    assert (
        shown["Policies overdue for review"]
        == f"{int(value_of(expected, 'TRUST', 'policies_overdue')):,}"
    )
    [grid] = figure_titled(app, "Policies overdue, due for review and missing")["data"]
    rows = dict(zip(grid["y"], grid["text"], strict=True))
    names = academy_names(demo_db)
    for code, name in names.items():
        assert rows[name] == [
            str(int(value_of(expected, code, m)))
            for m in ("policies_overdue", "policies_due_soon", "required_policies_missing")
        ]
    total = rows[f"<b>{pc.TRUST_TOTAL_LABEL}</b>"]
    assert total == [
        str(int(value_of(expected, "TRUST", m)))
        for m in ("policies_overdue", "policies_due_soon", "required_policies_missing")
    ]
    # The trust total is the academies' own rows plus the trust-wide row: nothing hidden.
    academies_and_trust_wide = [r for label, r in rows.items() if not label.startswith("<b>")]
    for column in (0, 1):
        assert sum(int(r[column]) for r in academies_and_trust_wide) == int(total[column])


def test_timeline_places_every_dated_policy_by_status(page, demo_db):
    """Overdue markers per academy line = policies_overdue; due-soon markers = policies_due_soon
    (the academy's own rows; trust-wide rows on their own line)."""
    app = page("pages/policies.py")
    spec = figure_titled(app, "Next review date of every policy")
    by_status = {trace["name"]: trace["y"] for trace in spec["data"]}
    expected = metric_frame(demo_db)
    names = academy_names(demo_db)
    labels = pc.status_labels(30)
    for code, name in names.items():
        for status, metric_id in (
            ("overdue", "policies_overdue"),
            ("due_soon", "policies_due_soon"),
        ):
            plotted = by_status.get(labels[status], []).count(name)
            assert plotted == value_of(expected, code, metric_id), (code, status)
    with database.reader(demo_db) as con:
        (rows,) = con.execute(
            "select count(*) from policies where next_review_on is not null"
        ).fetchone()
    assert sum(len(y) for y in by_status.values()) == rows


def test_required_matrix_missing_cells_are_the_missing_list(page, demo_db):
    app = page("pages/policies.py")
    [matrix] = figure_titled(app, "Required policies in each academy's register")["data"]
    names = academy_names(demo_db)
    code_of = {name: code for code, name in names.items()}
    plotted = {
        (code_of[academy], column)
        for academy, texts in zip(matrix["y"], matrix["text"], strict=True)
        for column, text in zip(matrix["x"], texts, strict=True)
        if "Missing" in text
    }
    with database.reader(demo_db) as con:
        missing = metrics.drill_down(con, "required_policies_missing_list", TODAY)
    listed = {
        (row.academy_code, pc.POLICY_TYPE_HEADS[row.policy_type])
        for row in missing.itertuples(index=False)
    }
    assert plotted == listed and listed
    expected = metric_frame(demo_db)
    assert len(plotted) == value_of(expected, "TRUST", "required_policies_missing")
    lines = " ".join(m.value for m in app.markdown)
    for code in {code for code, _ in listed}:
        assert names[code] in lines


def test_register_lists_the_academies_rows_and_trust_wide_rows(page, demo_db):
    app = page("pages/policies.py")
    table = register_table(app)
    with database.reader(demo_db) as con:
        (count,) = con.execute("select count(*) from policies").fetchone()
    assert len(table) == count
    assert pc.TRUST_WIDE_LABEL in set(table["Academy"])
    # most urgent first
    order = {"Overdue": 0, "Due within 30 days": 1, "No date": 2, "In date": 3}
    ranks = [order[s] for s in table["Status"]]
    assert ranks == sorted(ranks)


def test_status_filter_and_one_academy(page, demo_db):
    app = page("pages/policies.py", academy=["ALDER"])
    assert not app.exception
    app.multiselect(key="policy_status_filter").set_value(["Overdue"]).run()
    assert not app.exception
    table = register_table(app)
    assert set(table["Status"]) == {"Overdue"}
    names = academy_names(demo_db)
    assert set(table["Academy"]) <= {names["ALDER"], pc.TRUST_WIDE_LABEL}
    expected = metric_frame(demo_db, academies=["ALDER"])
    assert len(table) == value_of(expected, "TRUST", "policies_overdue")
    [grid] = figure_titled(app, "Policies overdue")["data"]
    assert names["ALDER"] in grid["y"] and names["OAK"] not in grid["y"]


def test_no_academy_in_view_says_so(page):
    app = page("pages/policies.py", academy=["OAK"], phase=["secondary"])
    assert not app.exception
    assert any("No academies for these filters" in i.value for i in app.info)


AS_OF = "2025-06-30"


@pytest.fixture
def small_register(tmp_path, monkeypatch):
    """As of 30 Jun 2025 (due-soon window to 30 Jul):
    OAK  P1 online safety, review 29 Jun       -> overdue
         P2 acceptable use, review 30 Jun      -> due soon (due on the as-of date)
         P3 staff code of conduct, no dates    -> no date (grey; off the timeline)
    TRUST T1 child protection, review 1 Jul    -> due soon, covers every academy
    ELM  nothing: every required type but child protection is missing (7)
    OAK misses CSE, RSE, allegations, whistleblowing (4)."""
    monkeypatch.setenv("SAFEGUARDING_ALLOW_DEMO_MODE", "1")
    return build(
        tmp_path,
        policies=[
            {"policy_title": "P1", "policy_type": "online_safety", "next_review_on": "2025-06-29"},
            {"policy_title": "P2", "policy_type": "acceptable_use", "next_review_on": "2025-06-30"},
            {"policy_title": "P3", "policy_type": "staff_code_of_conduct"},
            {
                "academy_code": "TRUST",
                "policy_title": "T1",
                "policy_type": "child_protection_safeguarding",
                "next_review_on": "2025-07-01",
            },
        ],
    )


def test_a_hand_made_register(small_register, page, monkeypatch):
    monkeypatch.setenv("SAFEGUARDING_DB", str(small_register))
    app = page("pages/policies.py", as_of=AS_OF, academy=["OAK", "ELM"])
    assert not app.exception
    table = register_table(app).set_index("Policy")
    assert table.loc["P1", "Status"] == "Overdue"
    assert table.loc["P2", "Status"] == "Due within 30 days"
    assert table.loc["P3", "Status"] == "No date"
    assert table.loc["T1", "Status"] == "Due within 30 days"
    assert table.loc["T1", "Academy"] == pc.TRUST_WIDE_LABEL
    timeline = figure_titled(app, "Next review date of every policy")
    assert sum(len(t["y"]) for t in timeline["data"]) == 3  # P3 has no date to place
    assert any("1 policy has no review date" in c.value for c in app.caption)
    [grid] = figure_titled(app, "Policies overdue")["data"]
    rows = dict(zip(grid["y"], grid["text"], strict=True))
    assert rows["Oak Primary"] == ["1", "1", "4"]
    assert rows["Elm Secondary"] == ["0", "0", "7"]
    assert rows[pc.TRUST_WIDE_LABEL] == ["0", "1", "–"]
    assert rows[f"<b>{pc.TRUST_TOTAL_LABEL}</b>"] == ["1", "2", "11"]
    [matrix] = figure_titled(app, "Required policies")["data"]
    cells = dict(zip(matrix["y"], matrix["text"], strict=True))
    heads = matrix["x"]
    oak = dict(zip(heads, cells["Oak Primary"], strict=True))
    assert oak[pc.POLICY_TYPE_HEADS["child_protection_safeguarding"]] == "Trust-wide"
    assert oak[pc.POLICY_TYPE_HEADS["online_safety"]] == "Own<br>⚠ overdue"
    assert oak[pc.POLICY_TYPE_HEADS["staff_code_of_conduct"]] == "Own"
    assert oak[pc.POLICY_TYPE_HEADS["whistleblowing"]] == "✗ Missing"


def test_a_date_with_no_register_rows_in_view_says_so(small_register, page, monkeypatch):
    """ASH has no policies of its own, and the only trust-wide row is dated: the page still
    draws, with the trust-wide row only."""
    monkeypatch.setenv("SAFEGUARDING_DB", str(small_register))
    app = page("pages/policies.py", as_of=str(dt.date(2025, 6, 30)), academy=["ASH"])
    assert not app.exception
    table = register_table(app)
    assert list(table["Policy"]) == ["T1"]
