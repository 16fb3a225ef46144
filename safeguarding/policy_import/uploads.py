"""The data page's policy document upload, kept out of the page so it can be tested without a
browser. It goes through `import_documents`, the code behind `python -m safeguarding
import-policy`, so a document is read identically however it arrives; nothing here raises to
the page.

Two steps, as on the command line (`--dry-run`, then `--accept [--set FIELD=VALUE]`):
`read_uploads` reads the documents and stores nothing; the person checks each field in the
review table (`review_table`); `confirm_uploads` writes the register rows with the values as
the person left them (`corrections`), a changed value recorded as theirs."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from safeguarding import database
from safeguarding.policy_import.importer import TRUST, ImportResult, PolicyFile, import_documents
from safeguarding.policy_import.report import field_lines, headline
from safeguarding.policy_import.review import needs_checking, review_rows
from safeguarding.scope import Scope

TYPES = ["docx", "pdf", "txt", "md"]
# The review table's columns; only VALUE_COLUMN is for the person to edit.
VALUE_COLUMN = "Your value"
REVIEW_COLUMNS = ["Field", VALUE_COLUMN, "Evidence", "Where", "Confidence", "Status"]
_FLAGGED = ("please check", "from the file name")


@dataclass(frozen=True)
class PolicyUploadOutcome:
    results: tuple[ImportResult, ...] = ()
    problem: str | None = None  # set when nothing was imported at all
    # what was read, kept for the confirming step: the same bytes, for the same academy
    files: tuple[PolicyFile, ...] = ()
    academy: str | None = None

    @property
    def to_review(self) -> list[tuple[int, ImportResult]]:
        """(position, result) of each document read and waiting for a person's check."""
        return [(i, r) for i, r in enumerate(self.results) if r.status == "read"]


def academy_choices(scope: Scope) -> list[str]:
    """Whose policy a person may import: a trust-wide one (TRUST) only for someone who may
    load for every academy in view (the trust lead), and their own academies' (product.md §5)."""
    detail = list(scope.detail_academies)
    if not detail:
        return []
    every = set(scope.aggregate_academies)
    return [TRUST, *detail] if every <= set(detail) else detail


def _policy_files(files: Iterable) -> list[PolicyFile]:
    return [f if isinstance(f, PolicyFile) else PolicyFile(f.name, f.getvalue()) for f in files]


def _run(
    files: Iterable,
    academy: str | None,
    scope: Scope,
    call: Callable[[list[PolicyFile]], list[ImportResult]],
) -> PolicyUploadOutcome:
    """The checks every step makes, then `call` on the files, with its failures as sentences."""
    files = list(files or [])
    if not files:
        return PolicyUploadOutcome(problem="Choose one or more policy documents first.")
    if academy not in academy_choices(scope):
        return PolicyUploadOutcome(
            problem="You may import policy documents only for your own academy."
        )
    uploads = _policy_files(files)
    twice = sorted(name for name, count in Counter(u.name for u in uploads).items() if count > 1)
    if twice:
        # a person's checked values are kept per file name
        return PolicyUploadOutcome(
            problem=f"Two of the documents are both called {', '.join(twice)}; nothing was "
            "read. Rename one, or import them one at a time."
        )
    try:
        results = call(uploads)
    except database.DatabaseBusy:
        return PolicyUploadOutcome(
            problem="The database is busy with another import or ingest; nothing was changed. "
            "Try again in a minute."
        )
    except database.DiskFull as full:
        return PolicyUploadOutcome(problem=str(full))
    except Exception as error:
        if os.environ.get("SAFEGUARDING_DEBUG"):
            raise
        return PolicyUploadOutcome(
            problem=f"The import stopped unexpectedly ({type(error).__name__}); nothing was "
            "changed. Report this to the dashboard's maintainers with the file names."
        )
    return PolicyUploadOutcome(results=tuple(results), files=tuple(uploads), academy=academy)


def read_uploads(
    files: Iterable, academy: str | None, who: str, scope: Scope, wait_seconds: float
) -> PolicyUploadOutcome:
    """Step one: read the documents for the person to check. Nothing is stored."""
    return _run(
        files,
        academy,
        scope,
        lambda uploads: import_documents(
            uploads, academy=academy, who=who, wait_seconds=wait_seconds, dry_run=True
        ),
    )


def confirm_uploads(
    files: Iterable,
    academy: str | None,
    who: str,
    scope: Scope,
    wait_seconds: float,
    corrections: Mapping[str, Mapping[str, str]],
) -> PolicyUploadOutcome:
    """Step two: store the documents with the values the person checked, per file name
    (`corrections`). A value that cannot be used refuses its file, with what to write."""
    return _run(
        files,
        academy,
        scope,
        lambda uploads: import_documents(
            uploads,
            academy=academy,
            who=who,
            wait_seconds=wait_seconds,
            corrections=corrections,
        ),
    )


def _percent(confidence: float | None) -> str:
    return "—" if confidence is None else f"{confidence:.0%}"


def review_table(result: ImportResult) -> pd.DataFrame:
    """What was read, field by field, for the person to confirm or correct: the value (theirs
    to change), the text it came from, where, how sure the reading is and its status."""
    return pd.DataFrame(
        [
            (
                row.label,
                row.value,
                row.evidence,
                row.where,
                _percent(row.confidence),
                f"⚠ {row.status}" if row.status in _FLAGGED else row.status,
            )
            for row in review_rows(result.extract)
        ],
        columns=REVIEW_COLUMNS,
    )


def review_headline(result: ImportResult) -> str:
    return f"{result.file_name}: read “{result.extract.title}”. Nothing is stored yet."


def checking_message(result: ImportResult) -> str | None:
    """What the person must look at before confirming, or None."""
    doubtful = needs_checking(result.extract)
    if not doubtful:
        return None
    return (
        f"Please check: {', '.join(doubtful)}. A reading not sure enough to use is left empty: "
        "type the value if the evidence is right, or leave it empty."
    )


def corrections(
    pending: PolicyUploadOutcome, edited: Mapping[int, pd.DataFrame | None]
) -> dict[str, dict[str, str]]:
    """{file name: {field: value}} from the review tables as the person left them, by the
    document's position. Every field read or to be checked is sent, so each value is confirmed
    or changed; a field not found and left empty is not sent (clearing it would mean nothing)."""
    changes: dict[str, dict[str, str]] = {}
    for position, result in pending.to_review:
        table = edited.get(position)
        if table is None:
            continue
        values = changes.setdefault(result.file_name, {})
        for row, value in zip(review_rows(result.extract), table[VALUE_COLUMN], strict=True):
            text = "" if value is None or pd.isna(value) else str(value).strip()
            if row.status == "not found" and not text:
                continue
            values[row.field] = text
    return changes


def still_to_review(
    pending: PolicyUploadOutcome, confirmed: PolicyUploadOutcome
) -> PolicyUploadOutcome | None:
    """After confirming: the documents read but then refused (a value that is not a date, say),
    to check again; None when none was. A whole-step problem (the database busy) keeps all."""
    if confirmed.problem:
        return pending
    refused = {r.file_name for r in confirmed.results if r.status == "refused"}
    keep = [i for i, r in pending.to_review if r.file_name in refused]
    if not keep:
        return None
    return PolicyUploadOutcome(
        results=tuple(pending.results[i] for i in keep),
        files=tuple(pending.files[i] for i in keep),
        academy=pending.academy,
    )


def message(result: ImportResult) -> tuple[str, str]:
    """(st function name, sentence) for one document's result."""
    if result.status == "refused":
        return "error", headline(result)
    if result.extract is not None and result.extract.not_found:
        return "warning", headline(result)
    return "success", headline(result)


def fields_table(result: ImportResult) -> pd.DataFrame:
    return pd.DataFrame(field_lines(result), columns=["Field", "Found", "Where"])
