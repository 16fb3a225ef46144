"""Loading: upsert by key, idempotency, rollback, academy rules, locking, schema upgrades."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest
from conftest import ACADEMIES_CSV, NOW, TODAY, quarantine_reasons, rows, table_checksums

from safeguarding import cli, database, sql
from safeguarding.calendar import refresh_calendar
from safeguarding.ingest import ingest_files, pipeline
from safeguarding.ingest.aliases import load_aliases
from safeguarding.ingest.pipeline import Upload

CONCERNS = "academy_code,concern_id,pupil_ref,logged_at,category,outcome\n"


def test_rows_read_equals_loaded_plus_quarantined_and_log_records_it(trust, db):
    text = CONCERNS + (
        "OAK,C1,P1,2026-03-02,neglect,\n"
        "OAK,C2,P2,bad,neglect,\n"
        "OAK,C3,P3,2026-03-02,neglect,monitor,extra\n"
    )
    result = trust("c.csv", text)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 1, 2)
    [(read, loaded, quarantined, status, who)] = rows(
        db,
        "select rows_read, rows_loaded, rows_quarantined, status, ingested_by "
        "from ingest_log where file_name = 'c.csv'",
    )
    assert (read, loaded, quarantined, status, who) == (3, 1, 2, "loaded", "test-runner")


def test_reingesting_a_row_with_the_same_key_replaces_it(trust, db):
    trust("c1.csv", CONCERNS + "OAK,C1,P1,2026-03-02,neglect,\nOAK,C2,P2,2026-03-02,neglect,\n")
    result = trust("c2.csv", CONCERNS + "OAK,C1,P1,2026-03-02,neglect,monitor\n")
    assert result.rows_changed == 1
    assert rows(db, "select concern_id, outcome from concerns order by 1") == [
        ("C1", "monitor"),
        ("C2", None),  # rows are never deleted by an ingest
    ]


def test_reingesting_an_identical_file_changes_nothing(trust, db):
    text = CONCERNS + "OAK,C1,P1,2026-03-02,neglect,\n"
    trust("c.csv", text)
    before = table_checksums(db)
    again = trust("c.csv", text)
    assert (again.status, again.rows_changed) == ("unchanged", 0)
    assert table_checksums(db) == before


def test_an_older_export_loaded_again_wins_again(trust, db):
    """Last ingested row wins per key, even when it is an older file's row."""
    monday = CONCERNS + "OAK,C1,P1,2026-03-02,neglect,\n"
    tuesday = CONCERNS + "OAK,C1,P1,2026-03-02,neglect,monitor\n"
    trust("mon.csv", monday)
    trust("tue.csv", tuesday)
    assert trust("mon.csv", monday).status == "loaded"
    assert rows(db, "select outcome from concerns") == [(None,)]


def test_duplicate_key_within_a_file_keeps_the_first(trust, db):
    text = CONCERNS + (
        "OAK,C1,P1,2026-03-02,neglect,monitor\nOAK,C1,P1,2026-03-02,neglect,advice\n"
    )
    result = trust("c.csv", text)
    assert quarantine_reasons(result) == {3: ["the same key as line 2 (the first row is kept)"]}
    assert rows(db, "select outcome from concerns") == [("monitor",)]


def test_academy_column_wins_and_option_fills_blanks(trust, db):
    text = CONCERNS + (
        "OAK,C1,P1,2026-03-02,neglect,\n"  # 2: agrees with --academy
        ",C2,P2,2026-03-02,neglect,\n"  # 3: blank, filled with OAK
        "ELM,C3,P3,2026-03-02,neglect,\n"  # 4: disagrees: quarantined
        "ZZZ,C4,P4,2026-03-02,neglect,\n"
    )  # 5: unknown academy too
    result = trust("c.csv", text, academy="oak")
    assert list(quarantine_reasons(result)) == [4, 5]
    assert rows(db, "select academy_code, concern_id from concerns order by 2") == [
        ("OAK", "C1"),
        ("OAK", "C2"),
    ]


def test_rows_for_an_academy_missing_from_the_reference_are_quarantined(load):
    result = load("c.csv", CONCERNS + "OAK,C1,P1,2026-03-02,neglect,\n")
    assert "not in the academies reference" in result.quarantined[0].reason


def test_the_same_key_in_two_academies_is_two_rows(trust, db):
    trust("c.csv", CONCERNS + "OAK,C1,P1,2026-03-02,neglect,\nELM,C1,P1,2026-03-02,neglect,\n")
    assert rows(db, "select count(*) from concerns") == [(2,)]


def test_a_refused_file_leaves_every_table_unchanged_and_logs_the_refusal(trust, db):
    trust("c.csv", CONCERNS + "OAK,C1,P1,2026-03-02,neglect,\n")
    before = table_checksums(db)
    result = trust(
        "bad.csv", CONCERNS + "OAK,C9,P9,2026-03-02,neglect,\n".replace("P9", "B801200005001") * 1
    )
    assert result.status == "refused"
    assert table_checksums(db) == before
    assert rows(db, "select status, rows_loaded from ingest_log where file_name = 'bad.csv'") == [
        ("refused", 0)
    ]


def test_a_failure_part_way_through_a_file_rolls_the_whole_file_back(trust, db, monkeypatch):
    trust("c.csv", CONCERNS + "OAK,C1,P1,2026-03-02,neglect,\n")
    before = table_checksums(db)
    real_load = sql.load

    def failing_after_quarantine(name):
        # quarantine rows are written first; the upsert then fails
        return "select error('simulated failure')" if name == "load/concerns" else real_load(name)

    monkeypatch.setattr(sql, "load", failing_after_quarantine)
    result = trust("c2.csv", CONCERNS + "OAK,C2,P2,2026-03-02,neglect,\nOAK,C3,P3,bad,neglect,\n")
    assert result.status == "refused" and "unexpected error" in result.message
    assert "simulated" not in result.message
    assert table_checksums(db) == before
    assert rows(db, "select count(*) from quarantine where file_name = 'c2.csv'") == [(0,)]


def test_files_in_one_command_are_independent(db, tmp_path):
    (tmp_path / "a.csv").write_text(ACADEMIES_CSV)
    (tmp_path / "bad.csv").write_text("Name,DOB\nx,y\n")
    (tmp_path / "c.csv").write_text(CONCERNS + "OAK,C1,P1,2026-03-02,neglect,\n")
    results = ingest_files(
        [tmp_path / n for n in ("a.csv", "bad.csv", "c.csv")], db=db, today=TODAY
    )
    assert [r.status for r in results] == ["loaded", "refused", "loaded"]
    assert rows(db, "select count(*) from concerns") == [(1,)]


def _hold_lock(db, seconds: float) -> subprocess.Popen:
    script = textwrap.dedent(f"""
        import sys, time
        from safeguarding import database
        with database.writer({str(db)!r}):
            print("locked", flush=True)
            time.sleep({seconds})
    """)
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_second_writer_waits_a_bounded_time_then_fails_clearly(trust, db, tmp_path, capsys):
    before = table_checksums(db)
    holder = _hold_lock(db, 5)
    try:
        path = tmp_path / "c.csv"
        path.write_text(CONCERNS + "OAK,C1,P1,2026-03-02,neglect,\n")
        started = time.monotonic()
        code = cli.main(["ingest", str(path), "--db", str(db), "--wait", "0.5"])
        waited = time.monotonic() - started
    finally:
        holder.wait()
    assert code == cli.EXIT_REFUSED
    assert 0.5 <= waited < 4
    assert "being changed by another process" in capsys.readouterr().err
    assert table_checksums(db) == before


def test_a_writer_that_waits_long_enough_proceeds(trust, db, tmp_path):
    holder = _hold_lock(db, 0.5)
    path = tmp_path / "c.csv"
    path.write_text(CONCERNS + "OAK,C1,P1,2026-03-02,neglect,\n")
    [result] = ingest_files([path], db=db, today=TODAY, wait_seconds=10)
    holder.wait()
    assert result.status == "loaded"


def test_an_open_reader_does_not_block_an_ingest_and_keeps_its_snapshot(trust, db, tmp_path):
    reader = database.reader(db)
    try:
        [result] = ingest_files(
            [_write(tmp_path, CONCERNS + "OAK,C1,P1,2026-03-02,neglect,\n")],
            db=db,
            today=TODAY,
            wait_seconds=1,
        )
        assert result.status == "loaded"
        assert reader.execute("select count(*) from concerns").fetchone() == (0,)
    finally:
        reader.close()
    assert rows(db, "select count(*) from concerns") == [(1,)]


def _write(folder, text, name="c.csv"):
    path = folder / name
    path.write_text(text)
    return path


def test_cli_exit_codes_and_report(trust, db, tmp_path, capsys):
    good = _write(tmp_path, CONCERNS + "OAK,C1,P1,2026-03-02,neglect,\nOAK,C2,P2,x,neglect,\n")
    assert cli.main(["ingest", str(good), "--db", str(db)]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "rows read 2, loaded 1" in out and "line 3: logged_at is not a date" in out
    bad = _write(tmp_path, "Name\nx\n", "bad.csv")
    assert cli.main(["ingest", str(bad), "--db", str(db)]) == cli.EXIT_REFUSED
    assert "bad.csv: refused" in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:
        cli.main(["ingest", str(good), "--dataset", "pupils"])
    assert usage.value.code == cli.EXIT_USAGE
    assert cli.main(["ingest", str(tmp_path / "missing.csv"), "--db", str(db)]) == cli.EXIT_USAGE


def test_a_database_from_an_older_schema_is_upgraded_not_broken(db, monkeypatch):
    """A database made by the version-1 code gains version 2's table and keeps its rows."""
    version_1 = sql.migrations()[:1]
    with monkeypatch.context() as old_code:
        old_code.setattr(sql, "migrations", lambda: version_1)
        old_code.setattr(database, "SCHEMA_VERSION", 1)
        # keeps_origin: the version-1 code had no database_info table to forget an origin in
        with database.writer(db, keeps_origin=True) as con:
            con.execute(
                "insert into academies values ('OAK', 'Demo Oak', 'primary', null, null, 1, 1)"
            )
    assert rows(db, "select max(version) from schema_version") == [(1,)]
    assert rows(db, "select count(*) from duckdb_tables() where table_name = 'database_info'") == [
        (0,)
    ]
    with database.writer(db) as con:
        assert con.execute("select academy_code from academies").fetchall() == [("OAK",)]
        assert database.origin(con) is None
    assert rows(db, "select max(version) from schema_version") == [(database.SCHEMA_VERSION,)]


def test_reading_a_database_from_an_older_schema_upgrades_it_first(db, monkeypatch, capsys):
    """The metrics command on a version-3 file (no percent_1dp macro yet) upgrades it and
    answers, instead of failing on a missing macro."""
    version_3 = sql.migrations()[:3]
    with monkeypatch.context() as old_code:
        old_code.setattr(sql, "migrations", lambda: version_3)
        old_code.setattr(database, "SCHEMA_VERSION", 3)
        old_code.setattr(sql, "models", lambda: ())  # version 3 had no models either
        with database.writer(db, after_write=refresh_calendar) as con:
            con.execute(
                "insert into academies values ('OAK', 'Demo Oak', 'primary', null, null, 1, 1)"
            )
    assert rows(db, "select count(*) from duckdb_functions() where function_name = 'percent_1dp'")[
        0
    ] == (0,)
    code = cli.main(["metrics", "--as-of", "2026-03-31", "--db", str(db), "--format", "json"])
    assert code == cli.EXIT_OK
    records = json.loads(capsys.readouterr().out)
    assert {
        "academy_code": "OAK",
        "metric": "dsl_review_on_time_pct",
        "value": None,
        "numerator": 0,
        "denominator": 0,
    } in records
    assert rows(db, "select max(version) from schema_version") == [(database.SCHEMA_VERSION,)]


def test_a_database_from_a_newer_schema_is_refused(db, monkeypatch):
    with database.writer(db):
        pass
    with duckdb.connect(str(db)) as con:
        con.execute("insert into schema_version values (99, now())")
    with pytest.raises(RuntimeError, match="newer version"), database.writer(db):
        pass


STAFF = "academy_code,staff_ref,role,start_date\n"


def _uploads(*names: str) -> list[Upload]:
    headers = {"academies": ACADEMIES_CSV, "concerns": CONCERNS, "staff": STAFF}
    return [Upload(name, headers[name.split("-")[-1].split(".")[0]].encode()) for name in names]


def test_files_of_one_dataset_are_processed_together_in_the_order_given():
    """A trust's folder lists each academy's exports together; each run between fixed points
    (an academies file, a file whose first line shows no dataset) is sorted by dataset,
    staff before concerns, keeping the given order within a dataset."""
    uploads = _uploads(
        "academies.csv", "OAK-concerns.csv", "OAK-staff.csv", "ELM-concerns.csv", "ELM-staff.csv"
    )
    context = pipeline._Context(None, None, "t", TODAY, NOW, load_aliases())
    assert pipeline._processing_order(uploads, context) == [0, 2, 4, 1, 3]
    workbook = Upload("OAK-extra.xlsx", b"PK\x03\x04 not read for the order")
    with_fixed_points = [*uploads[1:3], workbook, *uploads[3:], uploads[0], uploads[1]]
    assert pipeline._processing_order(with_fixed_points, context) == [1, 0, 2, 4, 3, 5, 6]


def test_a_later_file_of_the_same_records_still_wins_when_another_dataset_comes_between(
    trust, db, tmp_path
):
    first, staff, second = (tmp_path / n for n in ("c1.csv", "s.csv", "c2.csv"))
    first.write_text(CONCERNS + "OAK,C1,P1,2026-03-02,neglect,\n")
    staff.write_text(STAFF + "OAK,STF-1,teacher,2020-01-01\n")
    second.write_text(CONCERNS + "OAK,C1,P1,2026-03-02,child_sexual_exploitation,\n")
    results = ingest_files([first, staff, second], db=db, today=TODAY)
    assert [r.file_name for r in results] == ["c1.csv", "s.csv", "c2.csv"]
    assert [r.status for r in results] == ["loaded"] * 3
    assert rows(db, "select category from concerns") == [("child_sexual_exploitation",)]
    logged = rows(
        db, "select file_name from ingest_log where file_name <> 'academies.csv' order by ingest_id"
    )
    assert [name for (name,) in logged if name != "academies.csv"] == ["s.csv", "c1.csv", "c2.csv"]
