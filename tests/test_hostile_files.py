"""Hostile files (issue 13; the cases are built by tests/hostile_files.py): each is refused, or
loads with its quarantine, quickly and within bounded memory; its message names the problem and
the fix and repeats nothing planted in the file; a good file after it in the same batch loads;
a refusal leaves every table as it was. Through the command line too, under a memory limit:
no traceback, the exit status of a refusal (1), or of a load (0).

Then hostile conditions: a disk that fills up during an ingest (a clear refusal of every file,
nothing stored, no scratch left), and a permissive umask (the scratch copy, its log and the
upload copy are private; the database keeps its mode and group).
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import resource
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import (
    ACADEMIES_CSV,
    DATASET_TABLES,
    hard_deadline,
    rows,
    subprocess_env,
    table_checksums,
)
from hostile_files import CASES, GOOD_FILE, GOOD_FILE_NAME, GOOD_FILE_ROWS, SENTINELS, file_path

from safeguarding import sql
from safeguarding.ingest import ingest_files, pipeline
from safeguarding.paths import PROJECT_ROOT

SECONDS_PER_FILE = 60
MEMORY_LIMIT_BYTES = 1536 * 2**20  # 1.5 GB of address space for the whole command


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory) -> Path:
    """Every hostile file, built once, beside the good file."""
    folder = tmp_path_factory.mktemp("hostile")
    for case in CASES:
        file_path(folder, case).write_bytes(case.build())
    (folder / GOOD_FILE_NAME).write_bytes(GOOD_FILE)
    return folder


def assert_no_sentinel(*texts: object) -> None:
    for text in texts:
        for sentinel in SENTINELS:
            assert sentinel.lower() not in str(text).lower(), (sentinel, text)


def test_there_are_enough_distinct_cases():
    assert len(CASES) >= 15
    assert len({case.id for case in CASES}) == len(CASES)
    assert len({case.file_name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_hostile_file_is_refused_or_quarantined_and_the_batch_goes_on(
    case, hostile_folder, trust, db
):
    before = table_checksums(db)
    quarantine_before = rows(db, "select count(*) from quarantine")[0][0]
    started = time.monotonic()
    with hard_deadline(SECONDS_PER_FILE):
        hostile, good = ingest_files(
            [file_path(hostile_folder, case), hostile_folder / GOOD_FILE_NAME],
            db=db,
            who="test-runner",
        )
    assert time.monotonic() - started < SECONDS_PER_FILE

    # The good file after it always loads.
    assert (good.status, good.dataset, good.rows_loaded) == ("loaded", "staff", GOOD_FILE_ROWS)
    after = table_checksums(db)
    assert after["staff"] != before["staff"]

    # The file is named safely: no control characters, nothing a terminal or DuckDB chokes on.
    assert hostile.file_name.isprintable() and hostile.file_name.encode("utf-8")
    logged = rows(db, "select file_name, status, message, warnings from ingest_log")
    assert_no_sentinel(hostile.message, hostile.warnings, hostile.quarantined, logged)
    assert_no_sentinel(rows(db, "quarantine"))

    if case.refused:
        assert hostile.status == "refused"
        assert hostile.message.startswith(f"{hostile.file_name}: refused, ")
        assert case.says in hostile.message
        assert " Fix: " in hostile.message
        assert (hostile.rows_read, hostile.rows_loaded) == (0, 0)
        for table in DATASET_TABLES:
            if table != "staff":
                assert after[table] == before[table], f"a refused file changed {table}"
        assert rows(db, "select count(*) from quarantine")[0][0] == quarantine_before
        assert (hostile.file_name, "refused", hostile.message) in [row[:3] for row in logged]
    else:
        assert hostile.status == "loaded", hostile.message
        assert (hostile.rows_loaded, hostile.rows_quarantined) == (case.loaded, case.quarantined)
        assert hostile.rows_read == case.loaded + case.quarantined
        if case.says:
            assert any(case.says in warning for warning in hostile.warnings), hostile.warnings


def test_a_name_that_is_not_utf8_is_logged_with_its_bytes_escaped(hostile_folder, trust, db):
    [case] = [c for c in CASES if c.id == "csv-file-name-not-utf8"]
    [result] = ingest_files([file_path(hostile_folder, case)], db=db, who="test-runner")
    assert result.file_name == "concerns-\\xff\\xfe.csv"
    assert ("concerns-\\xff\\xfe.csv", "loaded") in rows(
        db, "select file_name, status from ingest_log"
    )


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


@pytest.fixture(scope="module")
def reference_db(tmp_path_factory) -> Path:
    """A database holding the academies reference, copied for each command-line run."""
    folder = tmp_path_factory.mktemp("hostile-cli")
    academies = folder / "academies.csv"
    academies.write_text(ACADEMIES_CSV)
    path = folder / "trust.duckdb"
    [result] = ingest_files([academies], db=path, who="test-runner")
    assert result.status == "loaded"
    return path


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_command_line_ends_in_time_without_a_traceback(
    case, hostile_folder, reference_db, tmp_path
):
    db = tmp_path / "trust.duckdb"
    shutil.copyfile(reference_db, db)
    before = table_checksums(db)
    started = time.monotonic()
    # The path as bytes: a name that is not UTF-8 reaches the command as it is on disk.
    path = os.fsencode(file_path(hostile_folder, case))
    done = subprocess.run(
        [sys.executable, "-m", "safeguarding", "ingest", path, "--db", str(db)],
        cwd=PROJECT_ROOT,
        env=subprocess_env(),
        capture_output=True,
        timeout=SECONDS_PER_FILE,
        preexec_fn=_limit_memory,
    )
    elapsed = time.monotonic() - started
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    assert "Traceback" not in err, err[-3000:]
    assert elapsed < SECONDS_PER_FILE
    assert done.returncode == (1 if case.refused else 0), out + err
    assert out.startswith("✗ ") == case.refused, out
    assert_no_sentinel(out, err)
    if case.refused:
        assert table_checksums(db) == before


# --- A full disk, a permissive umask -------------------------------------------------------

CONCERNS_CSV = (
    "academy_code,concern_id,pupil_ref,logged_at,category\n"
    "OAK,CON-TEST-0001,PUP-TEST-0001,2026-03-02,neglect\n"
)


@pytest.fixture
def two_files(tmp_path) -> list[Path]:
    concerns, staff = tmp_path / "concerns.csv", tmp_path / GOOD_FILE_NAME
    concerns.write_text(CONCERNS_CSV)
    staff.write_bytes(GOOD_FILE)
    return [concerns, staff]


def assert_refused_for_a_full_disk(results, db: Path, before: dict[str, str]) -> None:
    assert [r.status for r in results] == ["refused", "refused"]
    for result in results:
        assert result.message.startswith(f"{result.file_name}: refused, the disk is full")
        assert "nothing was stored and the database is unchanged" in result.message
        assert "Fix: Free space on that disk" in result.message
    assert table_checksums(db) == before
    assert list(db.parent.glob("*.writing-*")) == [], "the scratch copy was left behind"


def test_a_full_disk_while_copying_the_database_refuses_clearly(trust, db, two_files, monkeypatch):
    before = table_checksums(db)

    def copy_until_the_disk_is_full(source, target, length=0):
        target.write(source.read(4096))  # a partial copy, as a full disk leaves it
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(shutil, "copyfileobj", copy_until_the_disk_is_full)
    # (The code before issue 13 copied with shutil.copyfile.)
    monkeypatch.setattr(
        shutil,
        "copyfile",
        lambda *_: copy_until_the_disk_is_full(io.BytesIO(b"x"), io.BytesIO()),
    )
    results = ingest_files(two_files, db=db, who="test-runner")
    assert_refused_for_a_full_disk(results, db, before)


def test_a_full_disk_while_loading_refuses_every_file_and_changes_nothing(
    trust, db, two_files, monkeypatch
):
    before = table_checksums(db)
    real_log = pipeline._log

    def log_on_a_full_disk(*args, **kwargs):
        if args[1].file_name == GOOD_FILE_NAME:
            raise duckdb.IOException(
                'IO Error: Could not write file "trust.duckdb": No space left on device'
            )
        return real_log(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_log", log_on_a_full_disk)
    results = ingest_files(two_files, db=db, who="test-runner")
    assert_refused_for_a_full_disk(results, db, before)


@contextlib.contextmanager
def umask(mask: int):
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def test_an_ingest_keeps_the_database_files_mode_and_group(trust, db, two_files):
    os.chmod(db, 0o640)
    group = 65534 if os.geteuid() == 0 else os.getgid()  # nogroup, when the test may chown
    os.chown(db, -1, group)
    with umask(0o022):
        results = ingest_files(two_files, db=db, who="test-runner")
    assert [r.status for r in results] == ["loaded", "loaded"]
    after = db.stat()
    assert (stat.S_IMODE(after.st_mode), after.st_gid) == (0o640, group)


def test_scratch_and_upload_copies_are_private_whatever_the_umask(tmp_path, two_files, monkeypatch):
    db = tmp_path / "new" / "trust.duckdb"
    db.parent.mkdir()
    seen: dict[Path, int] = {}
    real_load = sql.load

    def look_at_the_scratch_files(name):
        # Called while the scratch copy is open, and with the upload copy written (just before
        # DuckDB reads it).
        for path in db.parent.rglob("*"):
            if ".writing-" in str(path):
                seen[path] = stat.S_IMODE(path.stat().st_mode)
        return real_load(name)

    monkeypatch.setattr(sql, "load", look_at_the_scratch_files)
    with umask(0):
        results = ingest_files(two_files, db=db, who="test-runner")
    assert [r.status for r in results] == ["loaded", "loaded"]
    assert any(path.name.startswith("trust.duckdb.writing-") for path in seen), seen
    assert any(path.name == "upload.csv" for path in seen), seen
    assert any(path.name == "trust.duckdb" for path in seen), seen
    # The scratch folder is its owner's alone (0700), and in it the copy and the upload are 0600.
    # DuckDB makes its write-ahead log with the umask: the folder is what keeps that private.
    exposed = {
        str(path): oct(mode)
        for path, mode in seen.items()
        if mode & 0o077 and path.suffix != ".wal"
    }
    assert exposed == {}
    assert stat.S_IMODE(db.stat().st_mode) == 0o600  # a new database is its owner's only


def test_a_full_disk_during_a_policy_import_is_a_clear_refusal(
    trust, db, tmp_path, monkeypatch, capsys
):
    from safeguarding import cli

    document = tmp_path / "policy.txt"
    document.write_text("Title: Synthetic Test Policy\nIssued: March 2026\n")
    before = table_checksums(db)

    def copy_until_the_disk_is_full(source, target, length=0):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(shutil, "copyfileobj", copy_until_the_disk_is_full)
    monkeypatch.setattr(shutil, "copyfile", lambda *_: copy_until_the_disk_is_full(None, None))
    assert (
        cli.main(["import-policy", str(document), "--db", str(db), "--accept"]) == cli.EXIT_REFUSED
    )
    err = capsys.readouterr().err
    assert "The disk is full" in err and "Traceback" not in err
    assert table_checksums(db) == before
