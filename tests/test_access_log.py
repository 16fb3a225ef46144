"""The access log (issue 22.1): who was shown which children's records, when. Page views as each
role through AppTest, the command line, the reader's filters, and fail-closed when the log
cannot be written."""

from __future__ import annotations

import json
import os

import pytest
from conftest import TODAY
from page_helpers import open_as

from safeguarding import access_log, cli, database, metrics

REFERRALS = "pages/referrals.py"


@pytest.fixture
def log_file(tmp_path, monkeypatch):
    path = tmp_path / "access.jsonl"
    monkeypatch.setenv(access_log.PATH_VARIABLE, str(path))
    return path


def entries(path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_drill_down_seen_by_the_trust_lead_is_one_entry_with_its_rows(
    demo_db, monkeypatch, log_file
):
    app = open_as("trust_lead", REFERRALS, demo_db, monkeypatch)
    assert not app.exception
    with database.reader(demo_db) as con:
        overdue = metrics.drill_down(con, "csc_feedback_overdue_list", TODAY)
    logged = [e for e in entries(log_file) if e["view"] == "csc_feedback_overdue_list"]
    assert len(logged) == 1
    [entry] = logged
    # the demo's role preview signs everyone in as "demo", in the role chosen
    assert (entry["who"], entry["role"], entry["kind"]) == ("demo", "trust_lead", "records")
    assert entry["rows"] == len(overdue) > 0
    assert entry["keys"]["referral_id"] == sorted(set(overdue["referral_id"]))
    assert set(entry["keys"]) <= set(access_log.KEY_COLUMNS)  # nothing but pseudonymous keys
    # the page itself, as a figures view
    pages = [e for e in entries(log_file) if e["kind"] == "figures"]
    assert "referrals" in {e["view"] for e in pages}
    assert all(e["rows"] == 0 and e["keys"] == {} for e in pages)
    # the same rows shown again in the same session are not logged again
    app.run()
    assert len([e for e in entries(log_file) if e["view"] == "csc_feedback_overdue_list"]) == 1


@pytest.mark.parametrize(
    ("role", "academy"), [("governor", None), ("local_governor", "ELM")], ids=["governor", "local"]
)
def test_a_governor_s_figures_only_views_log_no_keys(demo_db, monkeypatch, log_file, role, academy):
    for page in ("pages/overview.py", REFERRALS):
        app = open_as(role, page, demo_db, monkeypatch, academy=academy)
        assert not app.exception
    logged = entries(log_file)
    assert logged and all(e["kind"] == "figures" for e in logged)
    assert all(e["rows"] == 0 and e["keys"] == {} for e in logged)
    assert {e["role"] for e in logged} == {role}


def test_a_dsl_s_needs_attention_items_are_logged_for_their_academy(demo_db, monkeypatch, log_file):
    app = open_as("dsl", "pages/overview.py", demo_db, monkeypatch, academy="OAK")
    assert not app.exception
    [entry] = [e for e in entries(log_file) if e["view"] == "meeting_agenda"]
    assert entry["academy_codes"] == ["OAK"] and entry["rows"] > 0
    assert all(key.split(":")[1] == "OAK" for key in entry["keys"]["key"])


def test_when_the_log_cannot_be_written_the_records_are_not_shown(demo_db, monkeypatch, tmp_path):
    unwritable = tmp_path / "no-such-folder" / "access.jsonl"
    monkeypatch.setenv(access_log.PATH_VARIABLE, str(unwritable))
    app = open_as("trust_lead", REFERRALS, demo_db, monkeypatch)
    errors = " ".join(e.value for e in app.error)
    assert "access log" in errors and "not shown" in errors
    # nothing with a record on it reached the page
    for frame in (df.value for df in app.dataframe):
        assert not {"pupil_ref", "referral_id", "concern_id"} & set(frame.columns)
    assert not unwritable.exists()


def test_the_log_file_is_readable_by_its_owner_only(tmp_path, monkeypatch, log_file):
    access_log.record(tmp_path / "t.duckdb", "a@trust.example", "trust_lead", "v", ["OAK"])
    assert oct(os.stat(log_file).st_mode & 0o777) == "0o600"


def test_only_pseudonymous_keys_may_be_logged(tmp_path, log_file):
    with pytest.raises(ValueError, match="only pseudonymous keys"):
        access_log.record(
            tmp_path / "t.duckdb", "a", "trust_lead", "v", ["OAK"], 1, {"category": ["neglect"]}
        )
    assert not log_file.exists()


def _three_entries(db):
    access_log.record(
        db,
        "lead@trust.example",
        "trust_lead",
        "chronology",
        ["OAK", "ELM"],
        3,
        {"trust_pupil_ref": ["T-AAAAAAAAAAAAAAAA"], "concern_id": ["C1", "C2"]},
    )
    access_log.record(
        db,
        "dsl.oak@trust.example",
        "dsl",
        "dsl_review_late_list",
        ["OAK"],
        2,
        {"pupil_ref": ["P-OAK1", "P-OAK2"], "concern_id": ["C1", "C3"]},
    )
    access_log.record(db, "chair@trust.example", "governor", "overview", ["OAK", "ELM"],
                      kind="figures")  # fmt: skip


def test_the_access_log_command_filters_by_person_and_pupil(tmp_path, log_file, capsys):
    db = tmp_path / "t.duckdb"
    _three_entries(db)

    def shown(*options):
        assert cli.main(["access-log", "--db", str(db), "--format", "json", *options]) == 0
        return json.loads(capsys.readouterr().out)

    assert [e["who"] for e in shown()] == [
        "lead@trust.example",
        "dsl.oak@trust.example",
        "chair@trust.example",
    ]
    assert [e["view"] for e in shown("--who", "DSL.OAK@trust.example")] == ["dsl_review_late_list"]
    assert [e["view"] for e in shown("--pupil", "T-AAAAAAAAAAAAAAAA")] == ["chronology"]
    assert [e["view"] for e in shown("--pupil", "P-OAK2")] == ["dsl_review_late_list"]
    assert shown("--pupil", "P-NOBODY") == []
    assert len(shown("--since", TODAY.isoformat())) == 3  # a day means from its start
    for entry in shown():
        assert {"at", "who", "role", "view", "academy_codes", "rows"} <= set(entry)
    assert cli.main(["access-log", "--db", str(db)]) == 0
    table = capsys.readouterr().out
    assert "dsl.oak@trust.example (dsl)" in table and "2 row(s)" in table


def test_the_chronology_command_logs_what_it_printed_and_refuses_unlogged(
    tmp_path, monkeypatch, capsys
):
    from test_chronology import AS_OF, CHILD, chronology_db

    db = chronology_db(tmp_path)
    path = tmp_path / "log.jsonl"
    monkeypatch.setenv(access_log.PATH_VARIABLE, str(path))
    arguments = ["chronology", "--db", str(db), "--pupil", CHILD, "--as-of", AS_OF.isoformat()]
    arguments += ["--format", "json"]
    assert cli.main(arguments) == 0
    printed = json.loads(capsys.readouterr().out)
    [entry] = entries(path)
    assert entry["view"] == "chronology" and entry["rows"] == len(printed)
    assert entry["keys"]["trust_pupil_ref"] == [CHILD] and entry["rows"] > 0
    assert entry["who"].endswith("(command line)")
    monkeypatch.setenv(access_log.PATH_VARIABLE, str(tmp_path / "missing" / "log.jsonl"))
    assert cli.main(arguments) == cli.EXIT_REFUSED
    out, err = capsys.readouterr()
    assert out == "" and "access log" in err


def test_only_the_trust_lead_sees_the_access_log_on_the_data_page(demo_db, monkeypatch, log_file):
    open_as("dsl", REFERRALS, demo_db, monkeypatch, academy="OAK")  # something to list
    lead = open_as("trust_lead", "pages/data.py", demo_db, monkeypatch)
    assert "Who has seen children's records" in [s.value for s in lead.subheader]
    [shown] = [df.value for df in lead.dataframe if "keys_digest" in df.value.columns]
    assert "dsl" in set(shown["role"]) and "dsl_review_late_list" in set(shown["view"])
    assert "keys" not in shown.columns  # the keys themselves stay in the file
    for role, academy in (("dsl", "OAK"), ("governor", None)):
        app = open_as(role, "pages/data.py", demo_db, monkeypatch, academy=academy)
        assert "Who has seen children's records" not in [s.value for s in app.subheader]
