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


def test_importing_through_the_data_page(writable_demo):
    app = _open("pages/data.py")
    app.toggle(key="policy_import_open").set_value(True).run()
    sample = (FIXTURES / "st-barts-cse-policy.txt").read_bytes()
    app.get("file_uploader")[1].set_value(
        [("st-barts-cse-policy.txt", sample, "text/plain"), ("broken.docx", b"not a zip", "x")]
    )
    app.button(key="policy_import").click()
    app.run()
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
    with duckdb.connect() as con:
        con.execute("attach $path as fresh (read_only)", {"path": str(writable_demo)})
        assert con.execute(
            "select imported_by, file_name from fresh.policy_documents"
        ).fetchall() == [("dashboard user", "st-barts-cse-policy.txt")]


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
    assert "Choose one or more" in policy_uploads.import_uploads([], "OAK", "x", dsl, 1).problem
    file = PolicyFile("p.txt", b"Behaviour Policy\n")
    assert "own academy" in policy_uploads.import_uploads([file], "TRUST", "x", dsl, 1).problem


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
