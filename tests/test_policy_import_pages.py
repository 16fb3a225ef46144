"""Policy documents on the pages: importing through the data page (the same import as the
command line), the flags on the policy review page and in the needs-attention list."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import TODAY

from safeguarding import database
from safeguarding.paths import PROJECT_ROOT
from safeguarding.policy_import import PolicyFile, import_documents
from safeguarding.policy_import import uploads as policy_uploads
from safeguarding.policy_import.flags import policy_flags
from safeguarding.scope import Scope

FIXTURES = Path(__file__).parent / "fixtures" / "policies"


@pytest.fixture
def writable_demo(demo_db, tmp_path, monkeypatch):
    db = tmp_path / "trust.duckdb"
    shutil.copyfile(demo_db, db)
    monkeypatch.setenv("SAFEGUARDING_DB", str(db))
    # Loading anything takes a database out of demo mode (tests/test_demo_guard.py); these
    # tests go on previewing roles on the changed copy, as a developer may on their own machine.
    monkeypatch.setenv("SAFEGUARDING_ALLOW_DEMO_MODE", "1")
    return db


def _open(page_path, role=None, academy=None):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    app.query_params["as_of"] = TODAY.isoformat()
    if role:
        app.session_state["demo_role"] = role
    if academy:
        app.session_state["demo_academy"] = academy
    app.run()
    app.switch_page(page_path)
    app.run()
    return app


def test_the_import_section_is_closed_until_asked_for(writable_demo):
    app = _open("pages/data.py")
    assert len(app.get("file_uploader")) == 1  # the exports uploader only
    app.toggle(key="policy_import_open").set_value(True).run()
    assert not app.exception
    uploaders = app.get("file_uploader")
    assert len(uploaders) == 2
    assert set(uploaders[1].allowed_type) == {".docx", ".pdf", ".txt", ".md"}
    assert app.selectbox(key="policy_academy").options[0] == "Trust-wide"


# A made-up policy whose lone cover date is read with too little confidence to use.
ANTI_BULLYING = (
    b"Anti-Bullying Policy\n\nSeptember 2025\n\nNext review: March 2026\n\n"
    b"Owner: Headteacher\n\nThis policy sets out how the academy prevents bullying.\n"
)


def _read(app, files):
    """Upload `files` in the policy section and press "Read these documents"."""
    app.get("file_uploader")[1].set_value(files)
    app.button(key="policy_import").click().run()
    # The click ends in st.rerun(); AppTest keeps the elements of that rerun under other ids
    # than the next run gives the same widgets, so a click on them would be lost. One more run
    # and the ids are the page's own again.
    app.run()
    assert not app.exception


def _edit(app, key, field, value):
    """Type `value` as the review table's value for `field`. AppTest cannot edit a
    data_editor's cells, so its edit state is set the way Streamlit keeps it; it applies to
    the next run, so set it just before clicking."""
    fields = list(app.data_editor(key=key).value["Field"])
    app.session_state[key] = {
        "edited_rows": {fields.index(field): {policy_uploads.VALUE_COLUMN: value}},
        "added_rows": [],
        "deleted_rows": [],
    }


def _stored(db, query):
    with duckdb.connect() as con:
        con.execute("attach $path as fresh (read_only)", {"path": str(db)})
        con.execute("use fresh")
        return con.execute(query).fetchall()


def test_importing_through_the_data_page(writable_demo):
    app = _open("pages/data.py")
    app.toggle(key="policy_import_open").set_value(True).run()
    sample = (FIXTURES / "st-barts-cse-policy.txt").read_bytes()
    _read(
        app, [("st-barts-cse-policy.txt", sample, "text/plain"), ("broken.docx", b"not a zip", "x")]
    )
    # Read: shown field by field for checking, nothing stored
    assert _stored(writable_demo, "select count(*) from policy_documents") == [(0,)]
    [refused] = [e.value for e in app.error if "broken.docx" in e.value]
    assert "not a readable Word document" in refused
    assert [e.key for e in app.data_editor] == ["policy_review_0"]
    review = app.data_editor(key="policy_review_0").value
    assert list(review.columns) == policy_uploads.REVIEW_COLUMNS
    rows = review.set_index("Field")
    assert rows.loc["owner"].to_dict() == {
        "Your value": "Kim Webb",
        "Evidence": "Kim Webb",
        "Where": "line 17: “Owner: Kim Webb”",
        "Confidence": "95%",
        "Status": "read",
    }
    assert rows.loc["next review date", "Your value"] == "March 2027"
    assert rows.loc["last reviewed date", "Status"] == "not found"
    assert rows.loc["last reviewed date", "Confidence"] == "—"
    assert any("st-barts-cse-policy.txt: read" in m.value for m in app.markdown)
    assert app.button(key="policy_confirm").label == "Confirm and add to the register"

    # Confirm: the register row is written, as read
    app.button(key="policy_confirm").click().run()
    assert not app.exception
    [warning] = [w.value for w in app.warning if "st-barts-cse-policy.txt" in w.value]
    assert "updated the register row “Trust Child Sexual Exploitation Policy”" in warning
    assert "due by 31 Mar 2027" in warning
    [refused] = [e.value for e in app.error if "broken.docx" in e.value]
    assert "not a readable Word document" in refused
    [fields] = [
        d.value for d in app.dataframe if list(d.value.columns) == ["Field", "Found", "Where"]
    ]
    found = dict(zip(fields["Field"], fields["Found"], strict=True))
    assert found["owner"] == "Kim Webb" and found["approved by"] == "not found"
    assert len(app.data_editor) == 0  # the review is done
    assert _stored(writable_demo, "select imported_by, file_name from policy_documents") == [
        ("dashboard user", "st-barts-cse-policy.txt")
    ]


def test_a_correction_on_the_data_page_is_stored_as_the_persons(writable_demo):
    app = _open("pages/data.py")
    app.toggle(key="policy_import_open").set_value(True).run()
    _read(app, [("anti-bullying.txt", ANTI_BULLYING, "text/plain")])
    rows = app.data_editor(key="policy_review_0").value.set_index("Field")
    issued = rows.loc["issued or approved date"]
    assert issued["Your value"] == "" and issued["Evidence"] == "September 2025"
    assert issued["Confidence"] == "50%" and "please check" in issued["Status"]
    assert any("Please check: issued or approved date" in w.value for w in app.warning)

    _edit(app, "policy_review_0", "issued or approved date", "1 September 2025")
    app.button(key="policy_confirm").click().run()
    assert not app.exception
    assert any(
        "anti-bullying.txt: imported, added to the register as “Anti-Bullying Policy”" in m
        for m in [*(s.value for s in app.success), *(w.value for w in app.warning)]
    )
    [(issued_text, issued_on, notes, key)] = _stored(
        writable_demo, "select issued_text, issued_on, notes, policy_key from policy_documents"
    )
    assert (issued_text, issued_on) == ("1 September 2025", dt.date(2025, 9, 1))
    assert "issued or approved date: “1 September 2025” entered by dashboard user." in notes
    assert _stored(
        writable_demo,
        f"select issued_on, owner from policies where academy_code = 'TRUST' "
        f"and policy_key = '{key}'",
    ) == [(dt.date(2025, 9, 1), "Headteacher")]


def test_a_correction_that_is_not_a_date_is_refused_and_nothing_is_written(writable_demo):
    app = _open("pages/data.py")
    app.toggle(key="policy_import_open").set_value(True).run()
    _read(app, [("anti-bullying.txt", ANTI_BULLYING, "text/plain")])
    _edit(app, "policy_review_0", "issued or approved date", "soon")
    app.button(key="policy_confirm").click().run()
    assert not app.exception
    [refused] = [e.value for e in app.error if "anti-bullying.txt" in e.value]
    assert "refused, issued or approved date: “soon” is not a date" in refused
    assert "write it as 2026-09-01, 1 September 2026 or September 2026" in refused
    assert _stored(writable_demo, "select count(*) from policy_documents") == [(0,)]
    # the document is still there to correct
    assert [e.key for e in app.data_editor] == ["policy_review_0"]
    app.run()
    _edit(app, "policy_review_0", "issued or approved date", "2025-09-01")
    app.button(key="policy_confirm").click().run()
    assert _stored(writable_demo, "select issued_on from policy_documents") == [
        (dt.date(2025, 9, 1),)
    ]


def test_discarding_a_review_writes_nothing(writable_demo):
    app = _open("pages/data.py")
    app.toggle(key="policy_import_open").set_value(True).run()
    _read(app, [("anti-bullying.txt", ANTI_BULLYING, "text/plain")])
    app.button(key="policy_discard").click().run()
    app.run()
    assert not app.exception
    assert len(app.data_editor) == 0
    assert not any(b.key == "policy_confirm" for b in app.button)
    assert _stored(writable_demo, "select count(*) from policy_documents") == [(0,)]


def test_a_dsl_imports_for_their_own_academy_only(writable_demo):
    app = _open("pages/data.py", role="dsl", academy="OAK")
    app.toggle(key="policy_import_open").set_value(True).run()
    assert app.selectbox(key="policy_academy").options == ["Demo Oak Primary Academy (OAK)"]


def test_governors_cannot_import(demo_db, monkeypatch):
    monkeypatch.setenv("SAFEGUARDING_DB", str(demo_db))
    app = _open("pages/data.py", role="governor")
    assert not app.exception
    assert len(app.get("toggle")) == 0


def test_upload_rules_without_a_browser():
    lead = Scope.trust_lead(("OAK", "ELM"))
    dsl = Scope("dsl", ("OAK", "ELM"), ("OAK",), False, ("OAK", "ELM"))
    governor = Scope("governor", ("OAK", "ELM"), (), True, ("OAK", "ELM"))
    assert policy_uploads.academy_choices(lead) == ["TRUST", "OAK", "ELM"]
    assert policy_uploads.academy_choices(dsl) == ["OAK"]
    assert policy_uploads.academy_choices(governor) == []
    file = PolicyFile("p.txt", b"Behaviour Policy\n")
    for step in (policy_uploads.read_uploads,):  # the page's only way in: read, then confirm
        assert "own academy" in step([file], "TRUST", "x", dsl, 1).problem
        assert "Choose one or more" in step([], "OAK", "x", dsl, 1).problem
        assert "both called p.txt" in step([file, file], "OAK", "x", dsl, 1).problem
    confirm = policy_uploads.confirm_uploads([file], "TRUST", "x", dsl, 1, {})
    assert "own academy" in confirm.problem


def test_the_review_step_without_a_browser(writable_demo):
    lead = Scope.trust_lead(("OAK", "ELM"))
    other = PolicyFile("other.txt", b"Attendance Policy\n\nNext review: July 2026\n")
    files = [PolicyFile("anti-bullying.txt", ANTI_BULLYING), PolicyFile("x.docx", b"no"), other]
    pending = policy_uploads.read_uploads(files, "TRUST", "tester", lead, 1)
    assert [r.status for r in pending.results] == ["read", "refused", "read"]
    assert [i for i, _ in pending.to_review] == [0, 2]
    assert pending.files == tuple(files) and pending.academy == "TRUST"
    assert _stored(writable_demo, "select count(*) from policy_documents") == [(0,)]
    table = policy_uploads.review_table(pending.results[0])
    assert "Please check: issued or approved date" in policy_uploads.checking_message(
        pending.results[0]
    )
    assert policy_uploads.checking_message(pending.results[2]) is None
    # every field read or doubtful is sent; a field not found and left empty is not
    edited = table.copy()
    edited.loc[1, policy_uploads.VALUE_COLUMN] = "September 2025"
    changes = policy_uploads.corrections(pending, {0: edited, 2: None})
    assert changes == {
        "anti-bullying.txt": {
            "title": "Anti-Bullying Policy",
            "issued": "September 2025",
            "next_review": "March 2026",
            "owner": "Headteacher",
        }
    }
    bad = {"anti-bullying.txt": {**changes["anti-bullying.txt"], "next_review": "soon"}}
    confirmed = policy_uploads.confirm_uploads(files, "TRUST", "tester", lead, 1, bad)
    assert [r.status for r in confirmed.results] == ["refused", "refused", "imported"]
    left = policy_uploads.still_to_review(pending, confirmed)
    assert [r.file_name for r in left.results] == ["anti-bullying.txt"]
    assert left.files == (files[0],) and left.academy == "TRUST"
    confirmed = policy_uploads.confirm_uploads(files[:1], "TRUST", "tester", lead, 1, changes)
    assert policy_uploads.still_to_review(left, confirmed) is None
    assert _stored(
        writable_demo, "select file_name, issued_text from policy_documents order by 1"
    ) == [("anti-bullying.txt", "September 2025"), ("other.txt", None)]


def test_policy_page_shows_flags_from_the_register_and_documents(writable_demo):
    import_documents(
        [PolicyFile.from_path(FIXTURES / "oakfield-safeguarding-policy.docx")],
        db=writable_demo,
        academy="TRUST",
        who="tester",
    )
    app = _open("pages/policies.py")
    assert not app.exception
    [table] = [d.value for d in app.dataframe if "Flag" in d.value.columns]
    with database.reader(writable_demo) as con:
        expected = policy_flags(con, TODAY)
    assert len(table) == len(expected) > 0
    assert "Cites Keeping Children Safe in Education 2024; the 2025 edition is in force" in set(
        table["Detail"]
    )
    assert "oakfield-safeguarding-policy.docx" in set(table["From document"])
    # the register table is still the only one with a "Policy" column
    assert len([d for d in app.dataframe if "Policy" in d.value.columns]) == 1
    # and the document's provenance
    [documents] = [d.value for d in app.dataframe if "SHA-256" in d.value.columns]
    assert list(documents["File"]) == ["oakfield-safeguarding-policy.docx"]


def test_needs_attention_lists_the_policy_flags(writable_demo):
    app = _open("pages/overview.py")
    assert not app.exception
    actions = next(d.value for d in app.dataframe if "area" in d.value.columns)  # the agenda
    flagged = actions[actions["area"] == "Policy flag"]
    with database.reader(writable_demo) as con:
        expected = policy_flags(con, TODAY)
    assert len(flagged) == len(expected) > 0
    assert all(flagged["detail"].str.contains(": "))


def test_flags_query_runs_on_an_old_as_of_date(writable_demo):
    with database.reader(writable_demo) as con:
        frame = policy_flags(con, dt.date(2015, 1, 1), ["OAK"])
    assert set(frame["academy_code"]) <= {"OAK", "TRUST"}
