"""Loading export files into the database: one transaction per file, refusals leave no trace.

Per file: read -> map headers -> refuse identifying data -> stage (typed rows + faults, in SQL)
-> quarantine faulty rows -> upsert the rest -> log. The command line and the dashboard's data
page both call `ingest_files`, so they behave identically.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from safeguarding import database, sql
from safeguarding.contract import CONTRACT, DATASETS
from safeguarding.ingest.aliases import Aliases, load_aliases
from safeguarding.ingest.errors import FileRefused
from safeguarding.ingest.headers import ANONYMISE_HINT, map_headers
from safeguarding.ingest.identifiers import identifier_kind
from safeguarding.ingest.reading import Progress, RawTable, read_export

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


def ingest_files(
    paths: list[Path] | list[Upload],
    db=None,
    academy: str | None = None,
    dataset: str | None = None,
    who: str | None = None,
    today: dt.date | None = None,
    progress: Callable[[str, float, str], None] | None = None,
    wait_seconds: float = database.DEFAULT_LOCK_WAIT_SECONDS,
) -> list[FileResult]:
    """Ingest files in order (load the academies reference first). One write session for all.

    `progress(file_name, fraction, stage)` is called as each file advances.
    """
    from safeguarding.calendar import refresh_calendar

    if dataset is not None and dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; use one of {', '.join(DATASETS)}")
    uploads = [p if isinstance(p, Upload) else Upload.from_path(p) for p in paths]
    aliases = load_aliases()
    context = _Context(
        academy=academy.strip().upper() if academy else None,
        dataset=dataset,
        who=who or _os_user(),
        today=today or dt.date.today(),
        aliases=aliases,
    )
    results = []
    with database.writer(db, wait_seconds=wait_seconds, after_write=refresh_calendar) as con:
        _create_session_objects(con, aliases)
        for upload in uploads:

            def report(fraction: float, stage: str, name=upload.name) -> None:
                if progress:
                    progress(name, fraction, stage)

            results.append(_ingest_one(con, upload, context, report))
            report(1.0, "done")
    return results


@dataclass(frozen=True)
class _Context:
    academy: str | None
    dataset: str | None
    who: str
    today: dt.date
    aliases: Aliases


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _create_session_objects(con: duckdb.DuckDBPyConnection, aliases: Aliases) -> None:
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
    con.execute("create or replace temp table enum_labels as select * from enum_labels_source")
    con.execute(
        "create or replace temp table policy_type_patterns as "
        "select * from policy_type_patterns_source"
    )
    con.unregister("enum_labels_source")
    con.unregister("policy_type_patterns_source")


def _ingest_one(con, upload: Upload, context: _Context, report: Progress) -> FileResult:
    sha256 = hashlib.sha256(upload.data).hexdigest()
    result = FileResult(upload.name, status="refused")
    try:
        table = read_export(Path(upload.name), upload.data, context.dataset, report)
        header_map = map_headers(table.headers, context.aliases, context.dataset)
        result.dataset = header_map.dataset
        _refuse_identifying_values(table)
        if (
            "academy_code" not in header_map.columns.values()
            and not context.academy
            and header_map.dataset != "academies"
        ):
            raise FileRefused(
                "it has no academy_code column and no academy was given",
                "add an academy_code column, or load it with --academy CODE.",
            )
    except FileRefused as refusal:
        result.message = refusal.message(upload.name)
        result.rows_read = 0
        _log(con, result, sha256, context, academy=context.academy)
        return result

    if header_map.extra:
        result.warnings.append(
            f"{len(header_map.extra)} column(s) are not in the contract and were not stored: "
            + ", ".join(repr(h) for h in header_map.extra)
        )
    report(0.6, "checking")
    con.execute("begin")
    try:
        _stage(con, table, header_map.dataset, header_map.columns, context)
        ingest_id = con.execute("select nextval('ingest_id_seq')").fetchone()[0]
        academy = _load(con, result, header_map.dataset, ingest_id, context.academy)
        times_loaded = con.execute(
            sql.load("load/previously_loaded"), {"sha256": sha256, "dataset": result.dataset}
        ).fetchone()[0]
        result.status = "unchanged" if times_loaded and result.rows_changed == 0 else "loaded"
        _log(con, result, sha256, context, academy=academy, ingest_id=ingest_id)
        con.execute("commit")
    except Exception as exc:
        con.execute("rollback")
        if os.environ.get("SAFEGUARDING_DEBUG"):
            raise
        # Only the error's type: database messages can quote the values that broke them.
        result = FileResult(upload.name, status="refused", dataset=result.dataset)
        result.message = (
            f"{upload.name}: refused, an unexpected error stopped the load "
            f"({type(exc).__name__}); nothing from this file was stored. Fix: report this to "
            "the dashboard's maintainers with the file's name (not the file)."
        )
        _log(con, result, sha256, context, academy=context.academy)
    finally:
        for temp in ("raw_upload", "staged", "staged_ok", "ragged_source"):
            con.execute(f"drop table if exists {temp}")
    return result


def _refuse_identifying_values(table: RawTable) -> None:
    for position, header in enumerate(table.headers):
        values = [row[position] for row in table.rows[:5000]]
        kind = identifier_kind(values)
        if kind:
            raise FileRefused(
                f"column {position + 1} ({header!r}) holds {kind}; real identifiers must never "
                "be loaded",
                ANONYMISE_HINT + ".",
            )


def _stage(con, table: RawTable, dataset: str, columns: dict[int, str], context: _Context):
    arrays = {"line_no": pa.array(table.line_numbers, pa.int32())}
    by_column = {column: position for position, column in columns.items()}
    for column in CONTRACT[dataset].column_names:
        position = by_column.get(column)
        if position is None:
            arrays[column] = pa.nulls(len(table.rows), pa.string())
        else:
            arrays[column] = pa.array([row[position] for row in table.rows], pa.string())
    con.register("raw_upload_source", pa.table(arrays))
    con.execute("create or replace temp table raw_upload as select * from raw_upload_source")
    con.unregister("raw_upload_source")
    staging = sql.load(f"staging/{dataset}")
    con.execute(
        "create or replace temp table staged as " + staging,
        sql.params_for(staging, {"default_academy": context.academy, "ingest_date": context.today}),
    )
    ragged = pa.table(
        {
            "line_no": pa.array([r[0] for r in table.ragged], pa.int32()),
            "fields": pa.array([r[1] for r in table.ragged], pa.int32()),
            "expected": pa.array([r[2] for r in table.ragged], pa.int32()),
        }
    )
    con.register("ragged_source_arrow", ragged)
    con.execute("create or replace temp table ragged_source as select * from ragged_source_arrow")
    con.unregister("ragged_source_arrow")
    con.execute(sql.load("load/ragged_rows"))


def _load(con, result: FileResult, dataset: str, ingest_id: int, academy: str | None) -> str | None:
    """Quarantine faulty rows, upsert the rest; returns the file's single academy, if any."""
    con.execute("create or replace temp table staged_ok as " + sql.load("load/staged_ok"))
    con.execute(
        sql.load("load/quarantine"), {"ingest_id": ingest_id, "file_name": result.file_name}
    )
    changed = con.execute(sql.load(f"load/{dataset}"), {"ingest_id": ingest_id}).fetchone()
    result.rows_changed = changed[0] if changed else 0
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


def _log(con, result: FileResult, sha256: str, context: _Context, academy, ingest_id=None):
    if ingest_id is None:
        ingest_id = con.execute("select nextval('ingest_id_seq')").fetchone()[0]
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
        },
    )
