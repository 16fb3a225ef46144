"""Loading export files into the database: one transaction per file, refusals leave no trace.

Per file: read -> map headers -> refuse identifying data -> stage (typed rows + faults, in SQL)
-> quarantine faulty rows -> upsert the rest -> log. The command line and the dashboard's data
page both call `ingest_files`, so they behave identically.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import hashlib
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from safeguarding import clock, database, sql
from safeguarding.contract import CONTRACT, DATASETS
from safeguarding.ingest.aliases import Aliases, load_aliases
from safeguarding.ingest.errors import FileRefused
from safeguarding.ingest.headers import (
    ANONYMISE_HINT,
    column_label,
    extra_columns_warning,
    map_headers,
)
from safeguarding.ingest.identifiers import identifier_kind
from safeguarding.ingest.reading import Progress, RawTable, SimpleCsv, read_export

# A batch stages at most this many rows at once (memory stays bounded; more than one DuckDB row
# group, 122,880 rows, so both threads of a 2-core machine share the work).
BATCH_ROWS = 250_000
# The rows whose values are sampled for real identifiers (identifiers.identifier_kind then
# takes the first 1,000 non-blank values of each column among them).
IDENTIFIER_SAMPLE_ROWS = 5000
# A file's name as logged and shown is cut to this many characters.
MAX_FILE_NAME_CHARS = 255

NOTE_MESSAGES = {
    "unknown_category": (
        "{n} row(s) had a category that is not in the trust's taxonomy; they loaded as "
        "'other' with the label kept. Add the label to config/aliases.toml to map it."
    ),
}


@dataclass(frozen=True)
class QuarantinedRow:
    line_no: int
    column: str | None
    reason: str


@dataclass
class FileResult:
    file_name: str
    status: str  # loaded | refused | unchanged
    dataset: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_changed: int = 0
    rows_retired: int = 0  # by a full export: rows of its academies it no longer holds
    warnings: list[str] = field(default_factory=list)
    message: str | None = None
    quarantined: list[QuarantinedRow] = field(default_factory=list)


@dataclass(frozen=True)
class Upload:
    """A file to ingest: its name (as shown to people) and its bytes."""

    name: str
    data: bytes

    @classmethod
    def from_path(cls, path: Path) -> Upload:
        return cls(Path(path).name, Path(path).read_bytes())


def shown_file_name(name: str) -> str:
    """A file's name as it is logged and shown: bytes of the name that were not UTF-8 (which
    Python keeps as lone surrogates, and DuckDB and terminals cannot take) and control or
    direction-changing characters (which could rewrite a terminal line or disguise the name)
    written as \\xNN or \\uNNNN, the rest as it was."""
    shown = []
    for character in name[: MAX_FILE_NAME_CHARS * 2]:
        code = ord(character)
        if 0xDC80 <= code <= 0xDCFF:
            shown.append(f"\\x{code - 0xDC00:02x}")  # an undecodable byte, as it was
        elif unicodedata.category(character) in ("Cc", "Cf", "Cs"):
            shown.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            shown.append(character)
    text = "".join(shown)
    return text if len(text) <= MAX_FILE_NAME_CHARS else text[: MAX_FILE_NAME_CHARS - 1] + "…"


def ingest_files(
    paths: list[Path] | list[Upload],
    db=None,
    academy: str | None = None,
    dataset: str | None = None,
    who: str | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[str, float, str], None] | None = None,
    wait_seconds: float = database.DEFAULT_LOCK_WAIT_SECONDS,
    full: bool | None = False,
    allow_mass_retire: bool = False,
) -> list[FileResult]:
    """Ingest files in order (load the academies reference first). One write session for all.

    `full`: each file is the complete current export of its dataset for the academies it
    covers, so their rows it no longer holds are retired (kept in history); None: as each
    dataset usually comes (FULL_BY_DEFAULT). A full export that would retire more than
    MASS_RETIRE_SHARE of an academy's rows is refused unless `allow_mass_retire`.

    `progress(file_name, fraction, stage)` is called as each file advances. `now` is when the
    ingest happened (default: the clock's now): every file of one call is logged at that
    moment. `today` is the day after which a record's date is in the future (default: now's
    date).
    """
    from safeguarding.calendar import refresh_calendar

    if dataset is not None and dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; use one of {', '.join(DATASETS)}")
    uploads = [p if isinstance(p, Upload) else Upload.from_path(p) for p in paths]
    uploads = [Upload(shown_file_name(u.name), u.data) for u in uploads]
    aliases = load_aliases()
    now = now or clock.now()
    context = _Context(
        academy=academy.strip().upper() if academy else None,
        dataset=dataset,
        who=who or _os_user(),
        today=today or now.date(),
        now=now,
        aliases=aliases,
        is_full=full,
        allow_mass_retire=allow_mass_retire,
    )
    results: list[FileResult | None] = [None] * len(uploads)
    db_path = database.resolve_db_path(db)
    # Where a simple CSV is written for DuckDB to read (the uploaded bytes, so exactly what was
    # hashed): in the writer's private scratch folder, removed with it.
    csv_path = database.scratch_folder(db_path) / "upload.csv"
    try:
        with database.writer(db, wait_seconds=wait_seconds, after_write=refresh_calendar) as con:
            _create_session_objects(con, aliases)
            batch = _Batch(con, context, results)
            for file_no in _processing_order(uploads, context):
                upload = uploads[file_no]

                def report(fraction: float, stage: str, name=upload.name) -> None:
                    if progress:
                        progress(name, fraction, stage)

                _prepare(con, batch, file_no, upload, report, csv_path)
            batch.flush()
    except database.DiskFull as full:
        # The writer threw its copy away: nothing of this session was stored, so every file
        # that was (or would have been) loaded is refused; refusals already made stand.
        refusal = FileRefused(full.problem, full.fix)
        for file_no, upload in enumerate(uploads):
            earlier = results[file_no]
            if earlier is None or earlier.status != "refused":
                results[file_no] = FileResult(
                    upload.name,
                    status="refused",
                    dataset=earlier.dataset if earlier else None,
                    message=refusal.message(upload.name),
                )
    return results  # type: ignore[return-value]  # every entry is filled in


# The order in which files of different datasets, given next to each other, are processed:
# staff before the training that names them.
PROCESSING_ORDER = ("staff", "training", "concerns", "referrals", "transfers", "policies")


def _processing_order(uploads: list[Upload], context: _Context) -> list[int]:
    """The files' positions in the order they are processed: a trust's folder lists each
    academy's exports together (concerns, policies, referrals, ...), and files of one dataset
    next to each other are staged as one batch (three times quicker at 100 academies). So each
    run of files between two fixed points is sorted by dataset, keeping the given order within
    a dataset (a later file of the same records still wins). An academies file, and a file
    whose dataset its first line does not show (a workbook, say), stays where it was given,
    and nothing moves across it."""
    order: list[int] = []
    run: list[tuple[int, int]] = []
    for file_no, upload in enumerate(uploads):
        dataset = context.dataset or _dataset_from_first_line(upload, context.aliases)
        if dataset in PROCESSING_ORDER:
            run.append((PROCESSING_ORDER.index(dataset), file_no))
            continue
        order.extend(file_no for _, file_no in sorted(run))
        run = []
        order.append(file_no)
    order.extend(file_no for _, file_no in sorted(run))
    return order


def _dataset_from_first_line(upload: Upload, aliases: Aliases) -> str | None:
    """The dataset a CSV's header line shows, or None (not a plain CSV, or no clear header):
    only a guess for the order; the file is read and checked in full later."""
    if upload.data[:4] == b"PK\x03\x04" or upload.name.lower().endswith((".xlsx", ".xlsm")):
        return None
    first_line = upload.data[:65536].split(b"\n", 1)[0].removeprefix(b"\xef\xbb\xbf")
    try:
        header = next(csv.reader([first_line.decode("utf-8").removesuffix("\r")]), [])
        return map_headers([h.strip() for h in header], aliases, None).dataset
    except Exception:  # any doubt keeps the file where it was given
        return None


def _must_stop(exc: Exception) -> bool:
    """Whether an error ends the whole session instead of refusing one file: in debug mode
    (to see the traceback), or when the disk is full (nothing more can be written, and the
    writer must throw its copy away)."""
    return bool(os.environ.get("SAFEGUARDING_DEBUG")) or database.is_disk_full(exc)


@dataclass(frozen=True)
class _Context:
    academy: str | None
    dataset: str | None
    who: str
    today: dt.date
    now: dt.datetime
    aliases: Aliases
    is_full: bool | None = False
    allow_mass_retire: bool = False


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _create_session_objects(con: duckdb.DuckDBPyConnection, aliases: Aliases) -> None:
    con.execute(sql.load("load/writer_settings"))
    con.execute(sql.load("staging/macros"))
    labels = pa.table(
        {
            "domain": [d for d, _, _ in aliases.value_labels],
            "label_key": [k for _, k, _ in aliases.value_labels],
            "value": [v for _, _, v in aliases.value_labels],
        }
    )
    patterns = pa.table(
        {
            "priority": [p for p, _, _ in aliases.policy_type_patterns],
            "pattern": [t for _, t, _ in aliases.policy_type_patterns],
            "policy_type": [v for _, _, v in aliases.policy_type_patterns],
        }
    )
    con.register("enum_labels_source", labels)
    con.register("policy_type_patterns_source", patterns)
    con.execute(sql.load("load/enum_labels"))
    con.execute(sql.load("load/policy_type_patterns"))
    con.unregister("enum_labels_source")
    con.unregister("policy_type_patterns_source")


@dataclass(frozen=True)
class _InDatabase:
    """A SimpleCsv that DuckDB has read into temp table csv_upload (blank lines in csv_blank)."""

    headers: list[str]
    rows: int


@dataclass
class _Ready:
    """A file that passed every whole-file check, its rows in raw_upload, waiting for its batch
    to be staged and loaded."""

    file_no: int
    upload: Upload
    sha256: str
    result: FileResult
    ragged: list[tuple[int, int, int]]
    report: Progress


class _Batch:
    """Files of one dataset, next to each other in the upload order, staged by one query (one
    plan, and DuckDB's threads share the rows) and then loaded one by one, each in its own
    transaction, in order. Staging reads no table that loading these files changes (only the
    academies reference, and academies files are never batched with others), so the result
    is the same as staging each file just before loading it."""

    def __init__(self, con, context: _Context, results: list[FileResult | None]):
        self.con, self.context, self.results = con, context, results
        self.dataset: str | None = None
        self.files: list[_Ready] = []
        self.rows = 0

    def room_for(self, dataset: str, rows: int) -> bool:
        if not self.files:
            return True
        return dataset == self.dataset != "academies" and self.rows + rows <= BATCH_ROWS

    def add(self, ready: _Ready, dataset: str, columns: dict[int, str], table) -> None:
        if not self.files:
            self.dataset = dataset
            _new_raw_upload(self.con, dataset)
        _append_rows(self.con, ready.file_no, table, dataset, columns)
        self.files.append(ready)
        self.rows += table.rows if isinstance(table, _InDatabase) else len(table.rows)
        if dataset == "academies":
            self.flush()

    def flush(self) -> None:
        if not self.files:
            return
        files, dataset = self.files, self.dataset
        self.files, self.dataset, self.rows = [], None, 0
        try:
            try:
                _stage(self.con, dataset, self.context)
                staged = True
            except Exception as exc:
                if _must_stop(exc):
                    raise
                staged = False
            for ready in files:
                if not staged:
                    # Stage the files one at a time, so that only the one that fails is refused.
                    try:
                        self.con.execute(
                            sql.load("load/raw_upload_one_file"), {"file_no": ready.file_no}
                        )
                        _stage(self.con, dataset, self.context, one_file=True)
                    except Exception as exc:
                        if _must_stop(exc):
                            raise
                        self.refused_unexpectedly(ready, exc)
                        continue
                self._load_one(ready, dataset)
        finally:
            self.con.execute(sql.load("load/drop_batch_tables"))

    def _load_one(self, ready: _Ready, dataset: str) -> None:
        con, context, result = self.con, self.context, ready.result
        ready.report(0.6, "checking")
        con.begin()
        try:
            con.execute(sql.load("load/staged_file"), {"file_no": ready.file_no})
            if ready.ragged:
                _add_ragged_rows(con, ready.ragged)
            ingest_id = con.execute(sql.load("load/next_ingest_id")).fetchone()[0]
            academy = _load(con, result, dataset, ingest_id, context)
            times_loaded = con.execute(
                sql.load("load/previously_loaded"),
                {"sha256": ready.sha256, "dataset": result.dataset},
            ).fetchone()[0]
            unchanged = result.rows_changed == 0 and result.rows_retired == 0
            result.status = "unchanged" if times_loaded and unchanged else "loaded"
            _log(con, result, ready.sha256, context, academy=academy, ingest_id=ingest_id)
            con.commit()
        except MassRetirement as refusal:
            con.rollback()
            self.results[ready.file_no] = FileResult(
                ready.upload.name, status="refused", dataset=result.dataset, message=str(refusal)
            )
            return
        except Exception as exc:
            con.rollback()
            if _must_stop(exc):
                raise
            self.refused_unexpectedly(ready, exc)
            return
        self.results[ready.file_no] = result
        ready.report(1.0, "done")

    def refused_unexpectedly(self, ready: _Ready, exc: Exception) -> None:
        name = ready.upload.name
        # Only the error's type: database messages can quote the values that broke them.
        result = FileResult(name, status="refused", dataset=ready.result.dataset)
        result.message = (
            f"{name}: refused, an unexpected error stopped the load "
            f"({type(exc).__name__}); nothing from this file was stored. Fix: report this to "
            "the dashboard's maintainers with the file's name (not the file)."
        )
        _log(self.con, result, ready.sha256, self.context, academy=self.context.academy)
        self.results[ready.file_no] = result
        ready.report(1.0, "done")


def _prepare(
    con, batch: _Batch, file_no: int, upload: Upload, report: Progress, csv_path: Path
) -> None:
    """Read and check one file: refused (logged now, after the files before it), or its rows
    added to the batch."""
    context = batch.context
    sha256 = hashlib.sha256(upload.data).hexdigest()
    result = FileResult(upload.name, status="refused")
    try:
        path = Path(upload.name)
        table = read_export(path, upload.data, context.dataset, report, simple=True)
        header_map = map_headers(table.headers, context.aliases, context.dataset)
        result.dataset = header_map.dataset
        if isinstance(table, SimpleCsv):
            # The same headers either way: a simple CSV's header is its first line.
            table = _read_in_database(con, table, header_map.columns, csv_path) or read_export(
                path, upload.data, context.dataset, report
            )
        _refuse_identifying_values(con, table)
        if (
            "academy_code" not in header_map.columns.values()
            and not context.academy
            and header_map.dataset != "academies"
        ):
            raise FileRefused(
                "it has no academy_code column and no academy was given",
                "add an academy_code column, or load it with --academy CODE.",
            )
    except Exception as exc:
        if not isinstance(exc, FileRefused) and _must_stop(exc):
            raise
        # Any failure to read a file refuses that file alone; the batch goes on. An unexpected
        # one is named by its type only: its text could quote the file.
        refusal = (
            exc
            if isinstance(exc, FileRefused)
            else FileRefused(
                f"an unexpected error stopped it being read ({type(exc).__name__}); nothing "
                "from this file was stored",
                "report this to the dashboard's maintainers with the file's name (not the file).",
            )
        )
        con.execute(sql.load("load/drop_read_tables"))
        batch.flush()  # the files before this one are logged before it
        result.message = refusal.message(upload.name)
        result.rows_read = 0
        _log(con, result, sha256, context, academy=context.academy)
        batch.results[file_no] = result
        report(1.0, "done")
        return

    if header_map.extra:
        result.warnings.append(extra_columns_warning(header_map.extra))
    rows = table.rows if isinstance(table, _InDatabase) else len(table.rows)
    if not batch.room_for(header_map.dataset, rows):
        batch.flush()
    ragged = [] if isinstance(table, _InDatabase) else table.ragged
    ready = _Ready(file_no, upload, sha256, result, ragged, report)
    try:
        batch.add(ready, header_map.dataset, header_map.columns, table)
    except Exception as exc:
        if _must_stop(exc):
            raise
        batch.flush()  # its rows were not added; the files before it are logged before it
        batch.refused_unexpectedly(ready, exc)
    finally:
        con.execute(sql.load("load/drop_read_tables"))


def _read_in_database(
    con, simple: SimpleCsv, columns: dict[int, str], csv_path: Path
) -> _InDatabase | None:
    """DuckDB reads the file: contract columns by their names, others as _x<position>. None
    (and nothing left behind) when DuckDB's strict reader fails, e.g. on a ragged line, or does
    not see one row per line: the caller then reads the file in Python."""
    names = [columns.get(position, f"_x{position}") for position in range(len(simple.headers))]
    try:
        database.write_private(csv_path, simple.data)
        con.execute(
            sql.load("load/csv_upload"),
            {"path": str(csv_path), "columns": dict.fromkeys(names, "VARCHAR")},
        )
        con.execute(sql.load("load/csv_upload_blank"))
        lines_read, blank_lines = con.execute(sql.load("load/csv_upload_lines")).fetchone()
    except duckdb.Error:
        lines_read, blank_lines = None, 0
    finally:
        csv_path.unlink(missing_ok=True)
    if lines_read != simple.data_lines:
        con.execute(sql.load("load/drop_read_tables"))
        return None
    return _InDatabase(simple.headers, lines_read - blank_lines)


def _refuse_identifying_values(con, table: RawTable | _InDatabase) -> None:
    if isinstance(table, _InDatabase):
        sample = con.execute(
            sql.load("load/csv_upload_sample"), {"limit": IDENTIFIER_SAMPLE_ROWS}
        ).fetchnumpy()  # column by column, in header order; nulls masked
        by_column = [column.tolist() for column in sample.values()]  # masked -> None
    else:
        rows = table.rows[:IDENTIFIER_SAMPLE_ROWS]
        by_column = list(zip(*rows, strict=True)) if rows else []
    if not by_column or not len(by_column[0]):
        return
    for position, header in enumerate(table.headers):
        kind = identifier_kind(by_column[position])
        if kind:
            raise FileRefused(
                f"{column_label(position, header)} holds {kind}; real identifiers must never "
                "be loaded",
                ANONYMISE_HINT + ".",
            )


def _new_raw_upload(con, dataset: str) -> None:
    """An empty raw_upload for a batch of the dataset: file_no, line_no and every contract
    column as text (a column a file lacks stays null)."""
    columns = {"file_no": pa.array([], pa.int32()), "line_no": pa.array([], pa.int32())}
    for column in CONTRACT[dataset].column_names:
        columns[column] = pa.array([], pa.string())
    con.register("raw_upload_source", pa.table(columns))
    con.execute(sql.load("load/raw_upload"))
    con.unregister("raw_upload_source")


def _append_rows(
    con, file_no: int, table: RawTable | _InDatabase, dataset: str, columns: dict[int, str]
) -> None:
    if isinstance(table, _InDatabase):
        con.execute(sql.load("load/csv_upload_rows"), {"file_no": file_no})
        return
    count = len(table.rows)
    by_position = list(zip(*table.rows, strict=True)) if count else []
    arrays = {
        "file_no": pa.array([file_no] * count, pa.int32()),
        "line_no": pa.array(table.line_numbers, pa.int32()),
    }
    by_column = {column: position for position, column in columns.items()}
    for column in CONTRACT[dataset].column_names:
        position = by_column.get(column)
        if position is None or not count:
            arrays[column] = pa.nulls(count, pa.string())
        else:
            arrays[column] = pa.array(by_position[position], pa.string())
    con.register("raw_upload_source", pa.table(arrays))
    con.execute(sql.load("load/raw_upload_rows"))
    con.unregister("raw_upload_source")


def _stage(con, dataset: str, context: _Context, one_file: bool = False) -> None:
    """staged_batch: the staging query over the batch's rows (raw_upload), or over one file's
    rows (raw_upload_one_file, put in raw_upload's place)."""
    staging = sql.load(f"staging/{dataset}")  # one file per dataset of contract.DATASETS
    parameters = {"default_academy": context.academy, "ingest_date": context.today}
    if one_file:
        con.execute(sql.load("load/one_file_as_raw_upload"))
    try:
        con.execute(staging, sql.params_for(staging, parameters))
    finally:
        if one_file:
            con.execute(sql.load("load/batch_as_raw_upload"))


def _add_ragged_rows(con, ragged: list[tuple[int, int, int]]) -> None:
    table = pa.table(
        {
            "line_no": pa.array([r[0] for r in ragged], pa.int32()),
            "fields": pa.array([r[1] for r in ragged], pa.int32()),
            "expected": pa.array([r[2] for r in ragged], pa.int32()),
        }
    )
    con.register("ragged_source_arrow", table)
    con.execute(sql.load("load/ragged_source"))
    con.unregister("ragged_source_arrow")
    con.execute(sql.load("load/ragged_rows"))


def _load(con, result: FileResult, dataset: str, ingest_id: int, context) -> str | None:
    """Quarantine faulty rows, add the rest as new versions (retiring, for a full export, the
    rows it no longer holds); returns the file's single academy, if any."""
    academy = context.academy
    con.execute(sql.load("load/staged_ok"))
    con.execute(
        sql.load("load/quarantine"), {"ingest_id": ingest_id, "file_name": result.file_name}
    )
    if dataset == "academies":
        changed = con.execute(sql.load("load/academies"), {"ingest_id": ingest_id}).fetchone()
        result.rows_changed = changed[0] if changed else 0
    else:
        result.rows_changed, result.rows_retired = _add_versions(
            con, result, dataset, ingest_id, context
        )
    con.execute(sql.load("load/coverage"), {"ingest_id": ingest_id, "default_academy": academy})
    rows_read, rows_loaded, file_academy = con.execute(sql.load("load/file_summary")).fetchone()
    result.rows_read, result.rows_loaded = rows_read, rows_loaded
    result.rows_quarantined = rows_read - rows_loaded
    result.quarantined = [
        QuarantinedRow(line, column, reason)
        for line, column, reason in con.execute(
            sql.load("load/quarantined_rows"), {"ingest_id": ingest_id}
        ).fetchall()
    ]
    for note, count in con.execute(sql.load("load/note_counts")).fetchall():
        result.warnings.append(NOTE_MESSAGES[note].format(n=count))
    if dataset == "training":
        unknown = con.execute(sql.load("load/training_unknown_staff")).fetchone()[0]
        if unknown:
            result.warnings.append(
                f"{unknown} training row(s) name a staff_ref not in the staff data (supply "
                "staff?); they loaded. Load the staff file to link them."
            )
    return file_academy or academy


MASS_RETIRE_SHARE = 0.5
# A policy register is kept whole, so its export is complete; concerns, referrals and training
# often come as the rows of a period, and a staff list may leave out leavers (who must stay,
# with their leave date, for past figures): those retire nothing unless declared full.
FULL_BY_DEFAULT = ("policies",)


class MassRetirement(Exception):
    """A full export would retire more than MASS_RETIRE_SHARE of an academy's rows."""


def _add_versions(con, result: FileResult, dataset: str, ingest_id: int, context) -> tuple:
    is_full = dataset in FULL_BY_DEFAULT if context.is_full is None else context.is_full
    parameters = {
        "ingest_id": ingest_id,
        "ingested_at": context.now,
        "is_full": is_full,
        "default_academy": context.academy,
        "mass_retire_share": MASS_RETIRE_SHARE,
    }
    counts = None
    for statement in sql.statements(f"load/{dataset}"):
        counts = con.execute(statement, sql.params_for(statement, parameters)).fetchone()
    if is_full and not context.allow_mass_retire:
        text = sql.load("load/mass_retirement")
        too_many = con.execute(text, sql.params_for(text, parameters)).fetchall()
        if too_many:
            described = "; ".join(
                f"{academy}: {retired:,} of its {before:,} {dataset} rows"
                for academy, retired, before in too_many
            )
            raise MassRetirement(
                f"{result.file_name}: refused, this full export would retire more than "
                f"{MASS_RETIRE_SHARE:.0%} of the rows held ({described}); nothing from this file "
                "was stored. Fix: check that the file is the academy's complete export of "
                f"{dataset}; if the rows really are gone at source, load it again with "
                "--allow-mass-retire."
            )
    return counts[0], counts[1]


def _log(con, result: FileResult, sha256: str, context: _Context, academy, ingest_id=None):
    if ingest_id is None:
        ingest_id = con.execute(sql.load("load/next_ingest_id")).fetchone()[0]
    con.execute(
        sql.load("load/ingest_log"),
        {
            "ingest_id": ingest_id,
            "file_name": result.file_name,
            "sha256": sha256,
            "dataset": result.dataset,
            "academy_code": academy,
            "status": result.status,
            "rows_read": result.rows_read,
            "rows_loaded": result.rows_loaded,
            "rows_quarantined": result.rows_quarantined,
            "warnings": result.warnings,
            "message": result.message,
            "ingested_by": context.who,
            "ingested_at": context.now,
        },
    )
