"""Opening the DuckDB file: many readers, one writer, and never a half-written database.

DuckDB lets one process write a file, and a process that merely holds it open (even read-only)
blocks a writer elsewhere (product.md §8). So writers never touch the live file: a writer takes an
advisory lock, copies the live file into a scratch folder beside it, changes the copy, and swaps
it in with an atomic rename. Readers (the dashboard, `metrics`) keep reading the file they opened;
the next time they look, the path names the new file. A writer killed at any point leaves the
live file as it was; its scratch folder is removed by the next writer.

The copy, DuckDB's write-ahead log beside it and the uploads' copies live in a scratch folder
only the writer's user can open (0700; the copy and the uploads 0600 too): they hold the same
children's data as the live file. The file swapped in keeps the live file's mode, owner and
group; a new database is 0600. A full disk ends the session with DiskFull: the copy is thrown
away, the live file kept.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from safeguarding import clock, sql
from safeguarding.paths import default_db_path

SCHEMA_VERSION = 10
DEFAULT_LOCK_WAIT_SECONDS = 30.0


class DatabaseBusy(RuntimeError):
    """Another process kept the database locked for longer than we were willing to wait."""


class DatabaseMissing(RuntimeError):
    """The database file does not exist yet."""


class DiskFull(RuntimeError):
    """The disk filled up while a writer worked. Its copy was thrown away: nothing changed."""

    def __init__(self, db_path: Path, copy_bytes: int):
        self.problem = (
            f"the disk is full: the disk holding {db_path.parent} ran out of space while the "
            "database was being updated; nothing was stored and the database is unchanged"
        )
        self.fix = (
            "free space on that disk (an update needs room for a copy of the database, "
            f"{max(copy_bytes // 2**20, 1):,} MB, besides the uploads), then load the file again."
        )
        super().__init__(f"{self.problem[0].upper()}{self.problem[1:]}. Fix: {self.fix}")


_DISK_FULL_ERRORS = (errno.ENOSPC, errno.EDQUOT)


def is_disk_full(exc: BaseException) -> bool:
    """Whether an error means the disk (or the user's quota) is full, or was raised while
    handling one (a rollback that fails after a write did, say). DuckDB reports a full disk as
    an error in the system's words."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, DiskFull):
            return True
        if isinstance(exc, OSError) and exc.errno in _DISK_FULL_ERRORS:
            return True
        if isinstance(exc, duckdb.Error) and any(
            os.strerror(code) in str(exc) for code in _DISK_FULL_ERRORS
        ):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def resolve_db_path(db: str | os.PathLike | None) -> Path:
    return Path(db) if db else default_db_path()


def _lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def scratch_folder(db_path: Path) -> Path:
    """This process's private scratch folder beside the database, there while a writer of this
    process is open: the copy being written, its write-ahead log, copies of uploads."""
    return db_path.with_name(f"{db_path.name}.writing-{os.getpid()}")


def write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read (0600), whatever the umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "wb") as target:
        os.fchmod(target.fileno(), 0o600)  # in case it was there already
        target.write(data)


def _copy_private(source: Path, target: Path) -> None:
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(source, "rb") as original, open(descriptor, "wb") as copy:
        shutil.copyfileobj(original, copy, 2**20)


def _rewrite(path: Path) -> None:
    """Copy every table, view and macro of the database at `path` into a new file and put it
    in its place: DuckDB reuses freed blocks but never gives them back to the file system."""
    fresh = path.with_name(path.name + ".compact")
    with duckdb.connect() as con:
        parameters = {"path": str(path), "fresh": str(fresh)}
        for statement in sql.statements("load/compaction"):
            con.execute(statement, sql.params_for(statement, parameters))
    os.chmod(fresh, 0o600)
    os.replace(fresh, path)


def _take_on_permissions(scratch: Path, live: os.stat_result | None) -> None:
    """Give the copy the live file's mode, and its owner and group as far as this process may
    (a group it is in; another owner only as root), so that an update never changes who can
    read the database. A new database is its owner's only."""
    if live is None:
        os.chmod(scratch, 0o600)
        return
    for owner in (live.st_uid, -1):
        try:
            os.chown(scratch, owner, live.st_gid)
            break
        except OSError:  # not permitted (or not supported by the file system)
            continue
    os.chmod(scratch, stat.S_IMODE(live.st_mode))


@contextlib.contextmanager
def _exclusive_lock(db_path: Path, wait_seconds: float) -> Iterator[None]:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with open(_lock_path(db_path), "a+") as lock_file:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise DatabaseBusy(
                        f"The database {db_path} is being changed by another process and was "
                        f"still busy after {wait_seconds:g} seconds. Nothing was changed. "
                        "Wait for the other ingest to finish, then run this command again."
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)


def _remove_leftover_scratch_files(db_path: Path) -> None:
    # Only called while holding the lock, so no live writer owns these. Earlier versions left
    # files, this one folders.
    for leftover in db_path.parent.glob(f"{db_path.name}.writing-*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring a database made by any earlier version of the code up to SCHEMA_VERSION."""
    con.execute(sql.load("load/schema_version_table"))
    current = _schema_version(con)
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"This database was made by a newer version of the dashboard (schema {current}; "
            f"this code knows {SCHEMA_VERSION}). Update the code before using it."
        )
    for version, script in sql.migrations():
        if version <= current:
            continue
        con.begin()
        con.execute(script)
        con.execute(
            sql.load("load/schema_version_applied"),
            {"version": version, "applied_at": clock.now()},
        )
        con.commit()
    return SCHEMA_VERSION


def install_models(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the shared models of queries/models/ in the database, so that every query,
    and a read-only connection, uses the definitions of this version of the code. They read
    the working-day calendar, so a database without one (nothing loaded yet) gets them with
    its first calendar. A model that is a table is rebuilt from the rows every time; the
    macros only when this code's differ from those the database holds (a macro reads the
    tables it names when it runs, so a rebuilt calendar needs no new macros)."""
    if not con.execute(sql.load("status/calendar_exists")).fetchone()[0]:
        return
    installed = con.execute(sql.load("status/models_digest")).fetchone()[0]
    macros_current = installed == sql.models_digest()
    con.execute("begin")
    for name, text in sql.models():
        if not (macros_current and name not in sql.table_models()):
            con.execute(text)
    con.execute(sql.load("load/set_models_digest"), {"digest": sql.models_digest()})
    con.execute("commit")


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database has this code's schema and models (else a writer must upgrade it)."""
    if _schema_version(con) < SCHEMA_VERSION:
        return False
    return con.execute(sql.load("status/models_digest")).fetchone()[0] == sql.models_digest()


@contextlib.contextmanager
def writer(
    db: str | os.PathLike | None = None,
    wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS,
    after_write=None,
    keeps_origin: bool = False,
    compact: bool = False,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a private copy of the database, swapped in when the block succeeds.

    `after_write(con)` runs before the swap (used to refresh derived tables such as the
    calendar). If the block raises, the copy is thrown away and the live file is untouched.
    A write forgets the database's origin (the demo marker) unless `keeps_origin`: real
    records loaded into the demo database must never be served by demo mode without sign-in.
    `compact`: the copy is rewritten into a new file before the swap, so that the blocks rows
    deleted in the block freed leave the disk (a purge), not only the database.
    """
    db_path = resolve_db_path(db)
    with _exclusive_lock(db_path, wait_seconds):
        _remove_leftover_scratch_files(db_path)
        folder = scratch_folder(db_path)
        scratch = folder / db_path.name
        live = db_path.stat() if db_path.exists() else None
        try:
            folder.mkdir(mode=0o700)
            if live is not None:
                _copy_private(db_path, scratch)
            con = duckdb.connect(str(scratch))
            # A new file is DuckDB's, made with the umask: private before anything is written.
            # (DuckDB also makes its write-ahead log that way; the folder keeps it private.)
            os.chmod(scratch, 0o600)
            try:
                migrate(con)
                if not keeps_origin:
                    con.execute(sql.load("load/forget_database_origin"))
                yield con
                if after_write is not None:
                    after_write(con)
                install_models(con)
                con.checkpoint()
            finally:
                con.close()
            if compact:
                _rewrite(scratch)
            with open(scratch, "rb") as f:
                os.fsync(f.fileno())
            _take_on_permissions(scratch, live)
            os.replace(scratch, db_path)
        except Exception as exc:
            if is_disk_full(exc) and not isinstance(exc, DiskFull):
                raise DiskFull(db_path, live.st_size if live else 0) from None
            raise
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def reader(db: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the live file, upgraded first if an older version of the code
    made it (its queries may need what a newer schema adds). Close it when done (or `with`)."""
    con = _read_only(db)
    if not is_current(con):
        con.close()
        upgrade_if_needed(db)
        con = _read_only(db)
    return con


def _read_only(db: str | os.PathLike | None) -> duckdb.DuckDBPyConnection:
    db_path = resolve_db_path(db)
    if not db_path.exists():
        raise DatabaseMissing(
            f"There is no database at {db_path}. Build the demo with "
            "`safeguarding demo`, or load exports with `safeguarding ingest`."
        )
    return duckdb.connect(str(db_path), read_only=True)


def _schema_version(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(sql.load("status/schema_version")).fetchone()[0]


def file_stamp(db: str | os.PathLike | None = None) -> tuple[int, int]:
    """Changes whenever a writer swaps in a new file: use it in cache keys."""
    st = resolve_db_path(db).stat()
    return (st.st_ino, st.st_mtime_ns)


def mark_origin(db: str | os.PathLike | None, origin: str) -> None:
    """Record where the database came from; the demo marks itself 'demo'."""
    with writer(db) as con:
        con.execute(sql.load("load/set_database_origin"), {"origin": origin})


def origin(con: duckdb.DuckDBPyConnection) -> str | None:
    return con.execute(sql.load("status/database_origin")).fetchone()[0]


def upgrade_if_needed(db: str | os.PathLike | None = None) -> bool:
    """Migrate a database made by an older version of the code (read-only connections cannot)
    through a writer. Returns whether it was upgraded."""
    from safeguarding.calendar import refresh_calendar

    with _read_only(db) as con:
        if is_current(con):
            return False
    with writer(db, after_write=refresh_calendar, keeps_origin=True):
        pass  # opening a writer migrates; the data is unchanged, so the demo stays the demo
    return True
