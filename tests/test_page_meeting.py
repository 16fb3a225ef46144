"""The weekly meeting on the overview (product.md §4.2), as each role sees it: the counts since
the last meeting and the change of each item for those who see records; counts alone, with the
reason, for governors; the data layer refuses items to governors whatever the page does."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TODAY
from page_helpers import open_as

from safeguarding import agenda, database
from safeguarding.codes import SUPPRESSED, TRUST
from safeguarding.window import Window


def _demo_agenda(db, academies=None):
    with database.reader(db) as con:
        codes = academies or [
            r[0] for r in con.execute("select academy_code from academies").fetchall()
        ]
        return agenda.agenda(con, agenda.meeting(Window.ending(TODAY)), codes, codes)


def test_the_trust_lead_sees_the_counts_and_the_change_of_each_item(demo_db, monkeypatch):
    app = open_as("trust_lead", "pages/overview.py", demo_db, monkeypatch)
    assert not app.exception
    items = _demo_agenda(demo_db)
    headline = agenda.headline(agenda.counts(items))
    assert any(headline in m.value for m in app.markdown), headline
    current, *rest = app.dataframe
    shown = current.value
    assert len(shown) == (items["change"] != "resolved").sum()
    changes = shown["change"].str.split(" · ").str[-1].str.split(",").str[0]
    assert set(changes) <= {"New", "Still open"}
    # Escalations lead the agenda.
    escalated = list(shown["change"].str.startswith("⚠ Escalate"))
    assert escalated == sorted(escalated, reverse=True) and any(escalated)
    if (items["change"] == "resolved").any():
        assert rest and rest[0].value["change"].str.startswith("Resolved").all()
    labels = [b.label for b in app.button]
    assert any(label.startswith("Record a meeting held on") for label in labels)


@pytest.mark.parametrize("role", ["governor", "local_governor"])
def test_governors_see_counts_only_and_why(role, demo_db, monkeypatch):
    app = open_as(role, "pages/overview.py", demo_db, monkeypatch, academy="ALDER")
    assert not app.exception
    assert any("Items are not listed for governors" in i.value for i in app.info)
    [counts] = [t.value for t in app.dataframe]
    assert list(counts.columns) == ["area", "academy_code", "open", "overdue", "resolved"]
    child_areas = {"Feedback from children's social care overdue", "DSL review overdue"}
    about_children = counts[counts["area"].isin(child_areas)]
    assert set(about_children["academy_code"]) <= {TRUST}
    for column in ("open", "overdue", "resolved"):
        for value in about_children[column]:
            assert value in (SUPPRESSED, "0") or int(value.replace(",", "")) > 5
    assert not any("Save decisions" in b.label for b in app.button)


def test_the_data_layer_refuses_items_to_governors(demo_db, monkeypatch):
    from safeguarding.scope import Scope
    from safeguarding.ui import data

    monkeypatch.setenv("SAFEGUARDING_DB", str(demo_db))
    state = {}
    monkeypatch.setattr(data.st, "session_state", state)
    data.set_scope(Scope("governor", ("OAK",), (), True))
    window = Window.ending(TODAY)
    with pytest.raises(PermissionError):
        data.meeting_agenda(window, TODAY - dt.timedelta(days=7), ["OAK"])
    with pytest.raises(PermissionError):
        data.decision_history(["OAK"])
    with pytest.raises(PermissionError):
        data.meeting_record_bytes(window, TODAY - dt.timedelta(days=7), ["OAK"])


def test_an_edited_row_becomes_a_decision_in_stored_values():
    """What the editor hands back (labels) is turned into the register's values; an untouched
    row is no decision."""
    import pandas as pd

    from safeguarding.ui import meeting

    items = pd.DataFrame(
        {
            "key": ["referral:OAK:R-1:csc_feedback", "policy:OAK:cse:review"],
            "area": ["Feedback from children's social care overdue", "Policy review overdue"],
        }
    )
    before = pd.DataFrame(
        {
            "key": items["key"],
            "status": ["Open", "Open"],
            "owner": [None, None],
            "action": [None, None],
            "target_on": [None, None],
            "reason": [None, None],
            "note": [None, None],
        }
    )
    after = before.copy()
    after.loc[0, ["status", "owner", "action", "reason"]] = [
        "Won't act",
        "DSL, OAK",
        "Chase social care",
        "Historic record: it cannot now be completed at source",
    ]
    after.loc[0, "target_on"] = dt.date(2026, 12, 4)
    owners = meeting.owner_choices(("OAK", "ELM"))
    [decision] = meeting._changed(before, after, items.set_index("key"), owners)
    assert decision == meeting.actions.Decision(
        item_key="referral:OAK:R-1:csc_feedback",
        area="Feedback from children's social care overdue",
        status="wont_act",
        owner_role="dsl",
        owner_academy="OAK",
        action="chase_social_care",
        target_on=dt.date(2026, 12, 4),
        reason="historic",
        note=None,
    )
    assert meeting._changed(before, before.copy(), items.set_index("key"), owners) == []


def _tile_values(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


@pytest.mark.parametrize("role", ["dsl", "local_governor"])
def test_an_academy_role_leads_with_its_own_academy_and_the_trust_beside(
    role, demo_db, monkeypatch
):
    from page_helpers import academy_names, governor_metric_frame, metric_frame

    from safeguarding import metrics_definitions
    from safeguarding.ui.components import format_value

    app = open_as(role, "pages/overview.py", demo_db, monkeypatch, academy="ALDER")
    assert not app.exception
    assert app.caption[0].value.startswith(f"{academy_names(demo_db)['ALDER']}'s figures")
    frame = metric_frame(demo_db, TODAY) if role == "dsl" else governor_metric_frame(demo_db)
    definitions = metrics_definitions.load()
    shown = _tile_values(app)
    metric_id = "safeguarding_training_in_date_pct"  # staff figures: never suppressed
    alder = frame[(frame.academy_code == "ALDER") & (frame.metric == metric_id)].iloc[0]
    assert shown[definitions[metric_id].label] == format_value(alder.value, "%")
    trust = frame[(frame.academy_code == TRUST) & (frame.metric == metric_id)].iloc[0]
    beside = f"{format_value(trust.value, '%')}"
    assert any(beside in c.value and "Trust" in c.value for c in app.caption)


def test_a_dsls_agenda_holds_only_their_own_academy(demo_db, monkeypatch):
    app = open_as("dsl", "pages/overview.py", demo_db, monkeypatch, academy="ALDER")
    assert not app.exception
    current = app.dataframe[0].value
    # Its own items, and the trust-wide policies that apply to it; no other academy's.
    assert "ALDER" in set(current["academy_code"])
    assert set(current["academy_code"]) <= {"ALDER", TRUST}


def test_the_register_reads_without_blanks_once_decisions_are_made(demo_db, tmp_path, monkeypatch):
    """The demo has no decision, so the crawl never sees the register filled: record one with
    only a status (owner, action, target, reason and note left out) and read the page."""
    import shutil

    from test_crawl import problems

    from safeguarding import actions
    from safeguarding.scope import Scope

    db = tmp_path / "trust.duckdb"
    shutil.copyfile(demo_db, db)
    monkeypatch.setenv("SAFEGUARDING_ALLOW_DEMO_MODE", "1")
    items = _demo_agenda(db)
    first = items[items["change"] != "resolved"].iloc[0]
    lead = actions.Actor("lead@example.invalid", Scope.trust_lead(("ALDER", first.academy_code)))
    actions.record(db, lead, [actions.Decision(first.key, first.area, status="in_hand")])
    held_on = TODAY - dt.timedelta(days=3)
    actions.record_meeting(db, lead, held_on)
    app = open_as("trust_lead", "pages/overview.py", db, monkeypatch)
    assert not app.exception
    assert any("every decision (1)" in e.label for e in app.expander)
    # The recorded meeting is the default "since", in place of a week earlier.
    assert [d.value for d in app.date_input if d.key == "since"] == [held_on]
    assert problems(app) == []
