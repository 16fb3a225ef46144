"""The child chronology page (issue 20.2) in AppTest: the trust lead and a DSL of an academy the
child attended see the chronology; a DSL elsewhere sees no child; governors are refused by the
data layer, whatever the page asks."""

from __future__ import annotations

import datetime as dt

import pytest
from page_helpers import figure_titled, open_as
from test_chronology import CHILD, OTHER, chronology_db

from safeguarding.ui import data

PAGE = "pages/chronology.py"


@pytest.fixture
def db(tmp_path, monkeypatch):
    # a hand-made database, previewed as each role as the demo's role switcher does
    monkeypatch.setenv("SAFEGUARDING_ALLOW_DEMO_MODE", "1")
    return chronology_db(tmp_path)


def test_the_trust_lead_sees_the_child_across_two_academies(db, monkeypatch):
    app = open_as("trust_lead", PAGE, db, monkeypatch)
    assert not app.exception
    picker = app.selectbox(key="child")
    assert picker.options[0].startswith(CHILD)  # the child at two academies first
    assert len(picker.options) == 2
    headline = {m.label: m.value for m in app.metric}
    assert headline == {
        "Concerns": "3",
        "Referrals": "1",
        "Moves between academies": "1",
        "Longest gap": "195 days",
    }
    [table] = [d.value for d in app.dataframe if "days_since_previous" in d.value.columns]
    assert list(table["record"]) == ["concern", "referral", "concern", "concern"]
    assert list(table["move"]) == ["", "", "moved here", ""]
    timeline = figure_titled(app, "Every concern and referral")
    assert timeline["layout"]["yaxis"]["title"]["text"] == "Academy"


def test_a_dsl_of_the_child_s_new_academy_sees_the_earlier_records(db, monkeypatch):
    app = open_as("dsl", PAGE, db, monkeypatch, academy="ELM")
    assert not app.exception
    assert len(app.selectbox(key="child").options) == 2  # both children have ELM records
    [table] = [d.value for d in app.dataframe if "days_since_previous" in d.value.columns]
    assert len(table) == 4  # OAK's records before the move included


def test_a_dsl_of_an_academy_the_child_never_attended_sees_no_child(db, monkeypatch):
    app = open_as("dsl", PAGE, db, monkeypatch, academy="ASH")
    assert not app.exception
    assert not app.get("selectbox") or not any(s.key == "child" for s in app.get("selectbox"))
    assert any("No concern or referral carries a trust pseudonym" in i.value for i in app.info)


@pytest.mark.parametrize("role, academy", [("governor", None), ("local_governor", "OAK")])
def test_governors_are_refused_by_the_data_layer(db, monkeypatch, role, academy):
    app = open_as(role, PAGE, db, monkeypatch, academy=academy)
    assert not app.exception
    assert any("governors and local governors" in i.value for i in app.info)
    assert not app.dataframe and not app.get("plotly_chart")


def test_the_data_layer_refuses_a_chronology_query_by_name(db, monkeypatch):
    """data.query() never runs a chronology query: only data.chronology(), which checks."""
    monkeypatch.setattr(data, "current_scope", lambda: None)
    with pytest.raises(PermissionError, match=r"data\.chronology"):
        data.query("chronology/pupil_chronology", trust_pupil_ref=OTHER, as_of=dt.date.today())
