"""The dashboard as the database stood on an earlier day ("as known on", under Advanced), and
the Data page's choice of what uploaded files hold (product.md §2.5)."""

from __future__ import annotations

import csv
import datetime as dt
import shutil

import pytest
from conftest import TODAY, rows
from page_helpers import run_page

from safeguarding import database, metrics, metrics_definitions
from safeguarding.ingest import ingest_files
from safeguarding.ui import uploads


@pytest.fixture
def changed_demo(demo_build, tmp_path, monkeypatch, time_machine):
    """A copy of the demo; a week after it was loaded, ELM's referrals come again as a full
    export with the feedback of its first 30 referrals withdrawn and a quarter of them gone."""
    demo_db, result, _ = demo_build
    db = tmp_path / "trust.duckdb"
    shutil.copyfile(demo_db, db)
    [path] = [p for p in result.files if p.name == "ELM-referrals.csv"]
    with open(path, newline="", encoding="utf-8-sig") as f:
        records = list(csv.DictReader(f))
    kept = records[: len(records) * 3 // 4]
    # The demo's academies name their columns in their own systems' words.
    [feedback] = [c for c in records[0] if "feedback" in c.lower()]
    for record in kept[:30]:
        record[feedback] = ""
    out = tmp_path / path.name
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(kept)
    loaded_by = rows(db, "select max(ingested_at) from ingest_log")[0][0]
    time_machine.move_to(loaded_by + dt.timedelta(days=7), tick=False)
    [load] = ingest_files([out], db=db, full=True, who="test")
    assert load.status == "loaded" and load.rows_retired, load.message
    monkeypatch.setenv("SAFEGUARDING_DB", str(db))
    monkeypatch.setenv("SAFEGUARDING_ALLOW_DEMO_MODE", "1")
    return db, loaded_by


def _tile(app, metric_id):
    label = metrics_definitions.load()[metric_id].label
    [value] = [m.value for m in app.metric if m.label == label]
    return value


def test_the_overview_as_known_on_an_earlier_day_shows_the_figures_then(changed_demo):
    db, loaded_by = changed_demo
    latest = run_page("pages/overview.py")
    earlier = run_page("pages/overview.py", query_params={"known_on": loaded_by.date().isoformat()})
    assert not latest.exception and not earlier.exception
    assert not any("Not the latest" in i.value for i in latest.info)
    assert any("Not the latest" in i.value for i in earlier.info)
    with database.reader(db) as con:
        then = metrics.compute(
            con, TODAY, known_at=dt.datetime.combine(loaded_by.date(), dt.time.max)
        )
        now = metrics.compute(con, TODAY)

    def overdue(frame):
        row = frame[(frame.academy_code == "TRUST") & (frame.metric == "csc_feedback_overdue")]
        return f"{int(row.value.iloc[0]):,}"

    assert overdue(then) != overdue(now)
    assert _tile(earlier, "csc_feedback_overdue") == overdue(then)
    assert _tile(latest, "csc_feedback_overdue") == overdue(now)
    # The list below the tiles is the list as it stood then, too.
    table = earlier.dataframe[0]  # the items still on the agenda
    area = "Feedback from children's social care overdue"
    assert f"{(table.value['area'] == area).sum():,}" == overdue(then)


class _Uploaded:
    """What st.file_uploader hands the page: a name and the bytes."""

    def __init__(self, name: str, text: str):
        self.name, self._data = name, text.encode()

    def getvalue(self) -> bytes:
        return self._data


POLICIES = "academy_code,policy_title,policy_type,next_review_on,review_cycle_months\n"
P1 = "OAK,Child protection policy,child_protection_safeguarding,2027-09-01,12\n"
P2 = "OAK,Online safety policy,online_safety,2027-09-01,12\n"
P3 = "OAK,Whistleblowing policy,whistleblowing,2027-09-01,12\n"
CONCERNS = "academy_code,concern_id,pupil_ref,logged_at,category,status\n"
C1 = "OAK,C1,PUPIL-A,2026-10-05 09:00,neglect,open\n"
C2 = "OAK,C2,PUPIL-B,2026-10-06 09:00,neglect,open\n"


def test_uploads_take_each_dataset_as_it_usually_comes_unless_told(trust, db):
    """By default a policy register is a complete export (a policy it no longer lists is
    retired) and a concerns file adds and changes rows (a concern it leaves out stays)."""
    from safeguarding.scope import Scope

    lead = Scope.trust_lead(("ELM", "OAK"))

    def upload(name, text, **options):
        outcome = uploads.ingest_uploads([_Uploaded(name, text)], db=db, scope=lead, **options)
        [result] = outcome.results
        return result

    upload("policies.csv", POLICIES + P1 + P2 + P3)
    assert upload("policies.csv", POLICIES + P1 + P2).rows_retired == 1
    assert rows(db, "select count(*) from policies") == [(2,)]
    upload("concerns.csv", CONCERNS + C1 + C2)
    assert upload("concerns.csv", CONCERNS + C1).rows_retired == 0
    assert rows(db, "select count(*) from concerns") == [(2,)]
    # Told the files are complete, the concerns file retires; told partial, the register not.
    complete = upload("concerns.csv", CONCERNS + C1 + "\n", full=True, allow_mass_retire=True)
    assert complete.rows_retired == 1
    assert upload("policies.csv", POLICIES + P1, full=False).rows_retired == 0
    assert rows(db, "select count(*) from policies") == [(2,)]


@pytest.mark.usefixtures("changed_demo")
def test_the_trust_lead_sees_which_rows_moved_a_figure_and_a_dsl_does_not():
    lead = run_page("pages/referrals.py")
    assert not lead.exception
    [panel] = [e for e in lead.expander if e.label.startswith("Why “")]
    [table] = panel.dataframe
    changed = table.value
    assert set(changed["academy_code"]) == {"ELM"}
    assert {"retired", "changed"} <= set(changed["change"])
    assert set(changed["by_file"]) == {"ELM-referrals.csv"}
    dsl = run_page("pages/referrals.py", demo_role="dsl", demo_academy="ELM")
    assert not dsl.exception
    assert not [e for e in dsl.expander if e.label.startswith("Why “")]
