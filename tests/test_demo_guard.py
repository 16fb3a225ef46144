"""Demo mode (no sign-in) serves only the synthetic demo trust: a database any other writer has
touched is no longer the demo, the demo never shares a file with real data, and building the
demo never deletes a real database."""

from __future__ import annotations

import shutil

import pytest
from conftest import ACADEMIES_CSV, table_checksums
from page_helpers import run_page

from safeguarding import cli, database
from safeguarding.ingest import ingest_files
from safeguarding.paths import default_db_path, default_demo_db_path
from safeguarding.policy_import import import_documents

POLICY = (
    "Title: Synthetic Test Policy\nIssued: March 2026\nNext Review: March 2027\n"
    "Owner: Test Trust Board\n"
)


@pytest.fixture
def demo_copy(demo_db, tmp_path):
    db = tmp_path / "trust.duckdb"
    shutil.copyfile(demo_db, db)
    return db


def _origin(db) -> str | None:
    with database.reader(db) as con:
        return database.origin(con)


def _demo_mode_refuses(db, monkeypatch) -> bool:
    monkeypatch.setenv("SAFEGUARDING_DB", str(db))
    monkeypatch.delenv("SAFEGUARDING_ALLOW_DEMO_MODE", raising=False)
    app = run_page("pages/overview.py")
    assert not app.exception
    return [t.value for t in app.title] == ["Sign-in is not configured"]


def test_the_demo_is_served_in_demo_mode(demo_copy, monkeypatch):
    assert _origin(demo_copy) == "demo"
    assert not _demo_mode_refuses(demo_copy, monkeypatch)


def test_an_ingest_into_the_demo_database_takes_it_out_of_demo_mode(
    demo_copy, tmp_path, monkeypatch
):
    export = tmp_path / "academies.csv"
    export.write_text(ACADEMIES_CSV)
    assert cli.main(["ingest", str(export), "--db", str(demo_copy)]) == cli.EXIT_OK
    assert _origin(demo_copy) is None
    assert _demo_mode_refuses(demo_copy, monkeypatch)


def test_an_identical_re_export_is_still_a_write_that_ends_demo_mode(demo_copy, tmp_path):
    """An identical re-export changes no record but is still a real person's load."""
    export = tmp_path / "academies.csv"
    export.write_text(ACADEMIES_CSV)
    ingest_files([export], db=demo_copy, who="test-runner")
    database.mark_origin(demo_copy, "demo")  # as the demo builder would
    [again] = ingest_files([export], db=demo_copy, who="test-runner")
    assert again.status == "unchanged"
    assert _origin(demo_copy) is None


def test_a_policy_import_into_the_demo_database_takes_it_out_of_demo_mode(demo_copy, tmp_path):
    document = tmp_path / "policy.txt"
    document.write_text(POLICY)
    [result] = import_documents([document], db=demo_copy, who="test-runner")
    assert result.status != "refused"
    assert _origin(demo_copy) is None


def test_upgrading_an_older_demo_database_keeps_it_the_demo(demo_copy):
    with database.writer(demo_copy, keeps_origin=True):
        pass
    assert _origin(demo_copy) == "demo"
    with database.writer(demo_copy):
        pass
    assert _origin(demo_copy) is None


def test_the_demo_lives_apart_from_real_data_by_default(monkeypatch):
    monkeypatch.delenv("SAFEGUARDING_DB", raising=False)
    assert default_demo_db_path() != default_db_path()
    assert default_demo_db_path().name == "demo.duckdb"


def test_building_the_demo_never_replaces_a_real_database(trust, db, capsys):
    before = table_checksums(db)
    assert cli.main(["demo", "--db", str(db), "--academies", "1", "--years", "1"]) == 1
    err = capsys.readouterr().err
    assert "is not the synthetic demo trust, so the demo will not replace it" in err
    assert table_checksums(db) == before


def test_building_the_demo_again_replaces_the_old_demo(tmp_path, capsys):
    db = tmp_path / "demo.duckdb"
    argv = ["demo", "--db", str(db), "--academies", "1", "--years", "1", "--out", str(tmp_path)]
    assert cli.main(argv) == cli.EXIT_OK
    assert cli.main(argv) == cli.EXIT_OK
    assert _origin(db) == "demo"
    capsys.readouterr()


def test_an_upload_in_demo_mode_ends_demo_mode_on_the_next_run(demo_copy, monkeypatch):
    monkeypatch.setenv("SAFEGUARDING_DB", str(demo_copy))
    monkeypatch.delenv("SAFEGUARDING_ALLOW_DEMO_MODE", raising=False)
    app = run_page("pages/data.py")
    app.get("file_uploader")[0].set_value([("academies.csv", ACADEMIES_CSV.encode(), "text/csv")])
    app.button(key="data_load").click()
    app.run()
    assert not app.exception
    assert _origin(demo_copy) is None
    app.run()
    assert [t.value for t in app.title] == ["Sign-in is not configured"]
