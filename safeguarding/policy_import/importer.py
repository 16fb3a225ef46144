"""Importing policy documents into the register, keeping where each came from.

Per file: read (Word, PDF, text) -> extract the fields -> in one write session, record the
document (file name, SHA-256, who, when, every field found and every field not found) and add or
update its register row. The command line and the data page both call `import_documents`.

A file that cannot be read, or an academy code not in the reference, is refused and changes
nothing; an identical file already in force for its academy is "unchanged".
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from safeguarding import clock, database, sql
from safeguarding.codes import TRUST
from safeguarding.contract import normalise_label
from safeguarding.ingest.aliases import load_aliases
from safeguarding.policy_import.dates import DateSpan
from safeguarding.policy_import.extract import FIELD_NAMES, PolicyExtract, extract
from safeguarding.policy_import.reading import UnreadableDocument, read_document
from safeguarding.policy_import.review import CorrectionError, apply_corrections


@dataclass(frozen=True)
class PolicyFile:
    """A document to import: its name (as shown to people) and its bytes."""

    name: str
    data: bytes

    @classmethod
    def from_path(cls, path: Path) -> PolicyFile:
        return cls(Path(path).name, Path(path).read_bytes())


@dataclass
class ImportResult:
    file_name: str
    status: str  # imported | unchanged | refused | read (a dry run: nothing stored)
    academy_code: str | None = None
    message: str | None = None
    extract: PolicyExtract | None = None
    sha256: str | None = None
    policy_key: str | None = None
    policy_type: str | None = None
    # what happened to the register: "added", "updated", or "updated <title> (same type)"
    register_action: str | None = None
    register_title: str | None = None
    register_next_review_on: dt.date | None = None
    register_last_reviewed_on: dt.date | None = None
    document_id: int | None = None
    warnings: list[str] = field(default_factory=list)


def policy_type_for(title: str) -> str:
    """The register's policy_type for a title, by config/aliases.toml [policy_type_from_title]
    (the same patterns the register's ingest uses): the first pattern the title contains."""
    key = normalise_label(title)
    for _, pattern, policy_type in sorted(load_aliases().policy_type_patterns):
        if pattern and pattern in key:
            return policy_type
    return "other"


def read_file(upload: PolicyFile) -> PolicyExtract:
    """The fields of one document (raises UnreadableDocument)."""
    return extract(read_document(upload.name, upload.data))


def import_documents(
    files: list[Path] | list[PolicyFile],
    db=None,
    academy: str | None = None,
    who: str | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    wait_seconds: float = database.DEFAULT_LOCK_WAIT_SECONDS,
    corrections: Mapping[str, Mapping[str, str]] | None = None,
) -> list[ImportResult]:
    """Import documents for one academy (or TRUST, the default: a trust-wide policy).
    `corrections` holds, per file name, the values a person checked or changed (review.py)."""
    from safeguarding.calendar import refresh_calendar

    uploads = [f if isinstance(f, PolicyFile) else PolicyFile.from_path(f) for f in files]
    academy_code = (academy or TRUST).strip().upper()
    who = who or _os_user()
    now = now or clock.now()
    results = [
        _read(upload, academy_code, (corrections or {}).get(upload.name), who) for upload in uploads
    ]
    if dry_run:
        return results
    readable = [r for r in results if r.status != "refused"]
    if not readable:
        return results
    with database.writer(db, wait_seconds=wait_seconds, after_write=refresh_calendar) as con:
        known = con.execute(
            sql.load("policy_import/known_academy"), {"academy_code": academy_code}
        ).fetchone()[0]
        if not known:
            for result in readable:
                result.status = "refused"
                result.message = (
                    f"{result.file_name}: refused, the academy {academy_code!r} is not in the "
                    "academies reference. Load the academies file first, or import with "
                    "--academy TRUST for a trust-wide policy. Nothing was changed."
                )
            return results
        for upload, result in zip(uploads, results, strict=True):
            if result.status == "refused":
                continue
            try:
                _store(con, upload, result, who, now)
            except Exception as error:
                if os.environ.get("SAFEGUARDING_DEBUG"):
                    raise
                # Only the error's type: a database message could quote the document.
                result.status = "refused"
                result.message = (
                    f"{result.file_name}: refused, an unexpected error stopped the import "
                    f"({type(error).__name__}); nothing from this file was stored. Report it to "
                    "the dashboard's maintainers with the file's name."
                )
    return results


def _read(
    upload: PolicyFile, academy_code: str, changes: Mapping[str, str] | None, who: str
) -> ImportResult:
    sha256 = hashlib.sha256(upload.data).hexdigest()
    result = ImportResult(upload.name, "read", academy_code=academy_code, sha256=sha256)
    try:
        result.extract = read_file(upload)
        if changes:
            result.extract = apply_corrections(result.extract, changes, who)
    except CorrectionError as problem:
        result.status = "refused"
        result.message = f"{upload.name}: refused, {problem} Nothing was changed."
        return result
    except UnreadableDocument as problem:
        result.status = "refused"
        result.message = f"{upload.name}: refused, {problem} Nothing was changed."
        return result
    except Exception as error:  # a reader library's own failure on a strange file
        result.status = "refused"
        result.message = (
            f"{upload.name}: refused, the document could not be read ({type(error).__name__}). "
            "Save it again from Word as .docx or PDF and import that. Nothing was changed."
        )
        return result
    title = result.extract.title or Path(upload.name).stem
    result.policy_key = normalise_label(title)
    result.policy_type = policy_type_for(title)
    if not result.policy_key:
        result.status = "refused"
        result.message = (
            f"{upload.name}: refused, neither the document nor its file name gives a title to "
            "register it under. Rename the file after the policy and import it again."
        )
    return result


def _date(span: DateSpan | None, end: bool = False) -> dt.date | None:
    if span is None:
        return None
    return span.end if end else span.start


def _store(con, upload: PolicyFile, result: ImportResult, who: str, now: dt.datetime) -> None:
    found = result.extract
    previous = con.execute(
        sql.load("policy_import/previous_import"),
        {"academy_code": result.academy_code, "sha256": result.sha256},
    ).fetchone()
    if previous:
        result.status = "unchanged"
        result.document_id, result.policy_key = previous
        _read_back(con, result)
        result.register_action = "unchanged"
        return
    match = con.execute(
        sql.load("policy_import/register_match"),
        {
            "academy_code": result.academy_code,
            "policy_key": result.policy_key,
            "policy_type": result.policy_type,
        },
    ).fetchone()
    if match is None:
        result.register_action = "added"
    else:
        key, title, _, same_key = match
        result.register_action = "updated" if same_key else f"updated “{title}” (same type)"
        result.policy_key = key
    issued: DateSpan | None = found.value("issued")
    last_reviewed: DateSpan | None = found.value("last_reviewed")
    next_review: DateSpan | None = found.value("next_review")
    con.execute("begin")
    try:
        document_id = con.execute("select nextval('policy_document_id_seq')").fetchone()[0]
        con.execute(
            sql.load("policy_import/insert_document"),
            {
                "document_id": document_id,
                "academy_code": result.academy_code,
                "policy_key": result.policy_key,
                "file_name": upload.name,
                "file_type": found.file_type,
                "sha256": result.sha256,
                "imported_at": now,
                "imported_by": who,
                "title": found.title,
                "is_title_from_document": found.title_from_document,
                "issued_text": issued.text if issued else None,
                "issued_on": _date(issued),
                "issued_until": _date(issued, end=True),
                "last_reviewed_text": last_reviewed.text if last_reviewed else None,
                "last_reviewed_on": _date(last_reviewed),
                "next_review_text": next_review.text if next_review else None,
                "next_review_from": _date(next_review),
                "next_review_on": _date(next_review, end=True),
                "review_cycle_months": found.value("review_cycle"),
                "owner": found.value("owner"),
                "approved_by": found.value("approved_by"),
                "category": found.value("category"),
                "version": found.value("version"),
                "not_found": found.not_found,
                "evidence": [f"{FIELD_NAMES.get(k, k)}: {v.where}" for k, v in found.found.items()],
                "notes": found.notes,
            },
        )
        for row_no, amendment in enumerate(found.amendments, start=1):
            con.execute(
                sql.load("policy_import/insert_amendment"),
                {
                    "document_id": document_id,
                    "row_no": row_no,
                    "amended_text": amendment.date_text or None,
                    "amended_on": _date(amendment.date),
                    "version": amendment.version,
                    "description": amendment.description,
                    "amended_by": amendment.by,
                },
            )
        for title in found.linked_policies:
            con.execute(
                sql.load("policy_import/insert_link"),
                {
                    "document_id": document_id,
                    "linked_title": title,
                    "linked_key": normalise_label(title),
                    "linked_type": policy_type_for(title),
                },
            )
        for citation in [*found.guidance, *found.legislation, *found.obsolete]:
            con.execute(
                sql.load("policy_import/insert_guidance"),
                {
                    "document_id": document_id,
                    "kind": citation.kind,
                    "title": citation.title,
                    "title_key": citation.key,
                    "edition_year": citation.edition_year,
                    "editions": citation.editions,
                    "updated_text": citation.updated_text,
                    "cited_as": citation.cited_as[:300] or None,
                },
            )
        last_review_date = _date(last_reviewed) or _date(issued)
        register_row = {
            "academy_code": result.academy_code,
            "policy_key": result.policy_key,
            "policy_title": found.title,
            "policy_type": result.policy_type,
            "last_reviewed_on": last_review_date,
            "next_review_on": _date(next_review, end=True),
            "review_cycle_months": found.value("review_cycle"),
            "category": found.value("category"),
            "owner": found.value("owner"),
            "approved_by": found.value("approved_by"),
            "issued_on": _date(issued),
            "kcsie_edition": found.kcsie_edition(),
            "imported_at": clock.now(),
        }
        for statement in sql.statements("policy_import/upsert_register"):
            con.execute(statement, sql.params_for(statement, register_row))
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    result.status = "imported"
    result.document_id = document_id
    _read_back(con, result)


def _read_back(con, result: ImportResult) -> None:
    row = con.execute(
        sql.load("policy_import/register_row"),
        {"academy_code": result.academy_code, "policy_key": result.policy_key},
    ).fetchone()
    if row:
        title, policy_type, last_reviewed_on, next_review_on, _, _ = row
        result.register_title = title
        result.policy_type = policy_type
        result.register_last_reviewed_on = last_reviewed_on
        result.register_next_review_on = next_review_on


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
