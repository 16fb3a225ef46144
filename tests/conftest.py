"""Shared fixtures: a fresh database per test, and helpers to ingest hand-written files."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import shutil
import signal
import threading
from pathlib import Path

import duckdb
import pytest
import time_machine

from safeguarding import clock, database
from safeguarding.ingest import ingest_files

DATASET_TABLES = (
    "academies",
    "concerns",
    "referrals",
    "staff",
    "training",
    "policies",
    "transfers",
)
# Every version ever loaded: a refused file must leave the history unchanged too.
VERSION_TABLES = tuple(f"{table}_versions" for table in DATASET_TABLES[1:])

# The suite's one "now". Every test runs on this clock, whatever the real date: time-machine
# moves the product's clock (safeguarding.clock) in this process, and subprocess_env() carries
# it to the processes a test starts. The demo trust is built on this clock too, so the demo's
# "today" and the tests' are one date by construction.
NOW = dt.datetime(2026, 11, 28, 9, 0)
TODAY = NOW.date()


@pytest.fixture(scope="session", autouse=True)
def tests_clock():
    # tick: the clock runs on from NOW (lock waits and time-outs need time to pass).
    with time_machine.travel(NOW, tick=True):
        yield


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a process a test starts: this one's, with the clock pinned to the
    tests' clock as it reads now."""
    return {**os.environ, clock.PIN_VARIABLE: clock.now().isoformat(), **extra}


ACADEMIES_CSV = (
    "academy_code,academy_name,phase,urn,pupils_on_roll\n"
    "OAK,Demo Oak Primary,primary,100001,300\n"
    "ELM,Demo Elm Secondary,secondary,100002,1200\n"
)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "trust.duckdb"


def loader(db: Path, folder: Path):
    """load(name, text_or_bytes, **ingest options) -> the FileResult for that file, ingested
    into `db` (each file written to its own folder under `folder` first)."""
    counter = iter(range(1_000_000))

    def _load(name: str, content: str | bytes, **options):
        upload = folder / f"upload-{next(counter)}"
        upload.mkdir()
        path = upload / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        options.setdefault("who", "test-runner")
        [result] = ingest_files([path], db=db, **options)
        return result

    return _load


@pytest.fixture
def load(db, tmp_path):
    """load(name, text_or_bytes, **ingest options) -> the FileResult for that file."""
    return loader(db, tmp_path)


def copy_database(template: Path, db: Path) -> None:
    """A test's own copy of a database built once for many tests (a file copy is a
    thousandth of the ingests that built it)."""
    shutil.copyfile(template, db)
    db.chmod(0o600)


@pytest.fixture
def trust(load):
    """A database holding the two-academy reference (OAK, ELM)."""
    result = load("academies.csv", ACADEMIES_CSV)
    assert result.status == "loaded" and result.rows_loaded == 2
    return load


def rows(db: Path, query_or_table: str) -> list[tuple]:
    query = query_or_table if " " in query_or_table else f"select * from {query_or_table}"
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query).fetchall()


def table_checksums(db: Path) -> dict[str, str]:
    """A digest of every dataset table's full contents, in key order."""
    if not db.exists():
        return {}
    digests = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for table in (*DATASET_TABLES, *VERSION_TABLES):
            # A version's moments are the ingest's clock; whether it is current is its content.
            columns = (
                "* exclude (known_from, known_until), known_until is null as is_current"
                if table in VERSION_TABLES
                else "*"
            )
            content = con.execute(f"select {columns} from {table} order by all").fetchall()
            digests[table] = hashlib.sha256(repr(content).encode()).hexdigest()
    return digests


@contextlib.contextmanager
def writer_held_elsewhere(db: Path, hold_seconds: float = 30):
    """Within the block, another thread holds the database's write lock (released on leaving
    it, or after hold_seconds at the latest)."""
    holding, release = threading.Event(), threading.Event()

    def other_writer():
        with database.writer(db):
            holding.set()
            release.wait(hold_seconds)

    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        assert holding.wait(10)
        yield
    finally:
        release.set()
        thread.join()


def quarantine_reasons(result) -> dict[int, list[str]]:
    by_line: dict[int, list[str]] = {}
    for row in result.quarantined:
        by_line.setdefault(row.line_no, []).append(row.reason)
    return by_line


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory):
    """The default demo trust, built once per test run on the tests' clock (so its exports are
    made, and loaded, on TODAY): (database path, demo result, ingest results). Tests must not
    change it."""
    from safeguarding import demo
    from safeguarding.demo.loading import ingest_demo

    folder = tmp_path_factory.mktemp("demo")
    options = demo.DemoOptions(seed=1)
    assert options.today == TODAY
    result = demo.generate_demo(folder / "exports", options)
    db_path = folder / "trust.duckdb"
    ingested = ingest_demo(result.files, db_path, TODAY)
    database.mark_origin(db_path, "demo")
    return db_path, result, ingested


@pytest.fixture(scope="session")
def demo_db(demo_build) -> Path:
    return demo_build[0]


@pytest.fixture
def page(demo_db, monkeypatch):
    """page("pages/x.py", **query_params) -> a finished AppTest run of that page on the demo
    trust, as of the demo's today unless as_of is given."""
    from page_helpers import run_page  # imported here: page_helpers imports this module

    monkeypatch.setenv("SAFEGUARDING_DB", str(demo_db))

    def _open(page_path: str, timeout: float = 60, **query_params):
        return run_page(page_path, timeout=timeout, query_params=query_params)

    return _open


class TookTooLong(BaseException):
    """Not an Exception, so that no `except Exception` in the code under test can swallow it."""


@contextlib.contextmanager
def hard_deadline(seconds: float):
    """Interrupts the block after `seconds`: a test of code that must end (a hostile file, a
    pathological pattern) fails instead of hanging. Python's regular expression engine checks
    for signals while it matches, so a runaway pattern is stopped too. Times nothing."""

    def expire(_signal, _frame):
        raise TookTooLong(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
