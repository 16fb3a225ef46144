"""The data page's upload handling, kept out of the page so it can be tested without a browser.

Uploads go through `safeguarding.ingest.ingest_files`, the same code as `python -m safeguarding
ingest`, so a file is judged identically however it arrives. Nothing here raises to the page:
a busy database or an unexpected failure comes back as a sentence, never a stack trace.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from safeguarding import database
from safeguarding.contract import DATASETS
from safeguarding.ingest import FileResult, Upload, ingest_files
from safeguarding.scope import Scope
from safeguarding.templates import TEMPLATES_DIR, WORKBOOK_NAME

# Who the ingest log records until sign-in gives a name (product.md §5).
DASHBOARD_USER = "dashboard user"

# How long the page waits for another ingest (e.g. the command line) before giving up: long
# enough for a normal ingest to finish, short enough that nobody thinks the page has hung.
WAIT_SECONDS = 20.0


@dataclass(frozen=True)
class UploadOutcome:
    """What one press of the button did: a result per file, or why nothing happened."""

    results: tuple[FileResult, ...] = ()
    # Set when the whole upload failed; the database is then exactly as it was.
    problem: str | None = None
    file_names: tuple[str, ...] = field(default=())

    @property
    def changed_anything(self) -> bool:
        return any(r.status == "loaded" for r in self.results)


# What a batch of files holds, for the Data page's choice, and what it means for ingest_files.
COMPLETENESS = {
    "usual": "As each dataset usually comes: a policy register is complete; concerns, "
    "referrals, staff and training add and change rows",
    "complete": "Complete exports: retire the rows of their academies they no longer hold",
    "partial": "New and changed rows only: retire nothing",
}
FULL_CHOICE = {"usual": None, "complete": True, "partial": False}


def may_upload(scope: Scope) -> bool:
    """product.md §5: the trust lead loads for any academy, a DSL for their own; the governor roles
    see aggregates only and load nothing. Those who may load are exactly those who may see
    records."""
    return bool(scope.detail_academies)


def academy_choices(scope: Scope) -> list[str | None]:
    """The academies a person may load for. None ("take it from each row's academy_code") is
    offered only to someone who may load for every academy in view; anyone else must name
    theirs, and ingest then quarantines any row that names another academy (product.md §2)."""
    if not may_upload(scope):
        return []
    every = set(scope.aggregate_academies)
    if every and every <= set(scope.detail_academies):
        return [None, *scope.detail_academies]
    return list(scope.detail_academies)


def as_uploads(files: Iterable) -> list[Upload]:
    """Streamlit's UploadedFile objects (anything with .name and .getvalue()) as Uploads."""
    return [f if isinstance(f, Upload) else Upload(f.name, f.getvalue()) for f in files]


def reference_first(uploads: list[Upload]) -> list[Upload]:
    """The academies reference before everything else, otherwise in the order given: rows of
    a new academy are quarantined unless its reference row is already loaded (product.md §2), and a
    browser hands files over in whatever order the person picked them."""

    def is_reference(upload: Upload) -> bool:
        stem = re.sub(r"[^a-z]", "", Path(upload.name).stem.lower())
        return stem.startswith("academies") or stem.startswith("academy")

    return sorted(uploads, key=lambda upload: not is_reference(upload))


class OverallProgress:
    """Turns ingest's per-file progress(file_name, fraction, stage) into one bar for the batch:
    `show(fraction 0..1, text)`."""

    def __init__(self, file_count: int, show: Callable[[float, str], None]):
        self.file_count = max(file_count, 1)
        self.show = show
        self.finished = 0

    def __call__(self, file_name: str, fraction: float, stage: str) -> None:
        if stage == "done":
            self.finished += 1
            overall = self.finished / self.file_count
            text = f"{file_name}: done ({self.finished} of {self.file_count})"
        else:
            overall = (self.finished + min(max(fraction, 0.0), 1.0)) / self.file_count
            text = f"{file_name}: {stage} ({self.finished + 1} of {self.file_count})"
        self.show(min(overall, 1.0), text)


def ingest_uploads(
    files: Iterable,
    academy: str | None = None,
    dataset: str | None = None,
    who: str = DASHBOARD_USER,
    progress: Callable[[str, float, str], None] | None = None,
    db=None,
    wait_seconds: float | None = None,
    scope: Scope | None = None,
    full: bool | None = None,
    allow_mass_retire: bool = False,
) -> UploadOutcome:
    """Ingest the files in one write session, as `ingest` does on the command line. With a
    scope, the academy must be one that person may load for (checked here, where the data is
    written, not only by the choices the page offers)."""
    wait_seconds = WAIT_SECONDS if wait_seconds is None else wait_seconds
    uploads = reference_first(as_uploads(files))
    names = tuple(u.name for u in uploads)
    if scope is not None and academy not in academy_choices(scope):
        return UploadOutcome(
            problem=(
                "You may load files only for your own academy: choose it as the academy of "
                "these files."
                if may_upload(scope)
                else "Your role does not load data; nothing was loaded."
            ),
            file_names=names,
        )
    if not uploads:
        return UploadOutcome(problem="Choose one or more export files first.")
    if dataset is not None and dataset not in DATASETS:
        return UploadOutcome(
            problem=f"Unknown dataset {dataset!r}; choose one of {', '.join(DATASETS)}.",
            file_names=names,
        )
    try:
        results = ingest_files(
            uploads,
            db=db,
            academy=academy,
            dataset=dataset,
            who=who,
            progress=progress,
            wait_seconds=wait_seconds,
            full=full,
            allow_mass_retire=allow_mass_retire,
        )
    except database.DatabaseBusy:
        return UploadOutcome(
            problem=(
                "The database is busy: another upload or a command-line ingest is changing "
                f"it, and it was still busy after {wait_seconds:g} seconds. Nothing from these "
                "files was loaded. Wait a minute, then press the button again."
            ),
            file_names=names,
        )
    except Exception as error:  # a person uploading must never see a traceback
        if os.environ.get("SAFEGUARDING_DEBUG"):
            raise
        # The type only: a message could quote values from the file.
        return UploadOutcome(
            problem=(
                f"The upload stopped on an unexpected error ({type(error).__name__}). Nothing "
                "from these files was loaded. Try again; if it happens again, tell the "
                "dashboard's maintainers the file names (not the files)."
            ),
            file_names=names,
        )
    return UploadOutcome(results=tuple(results), file_names=names)


def headline(result: FileResult) -> tuple[str, str]:
    """(kind, sentence) for one file: kind is success, warning, info or error."""
    what = result.dataset or "unknown dataset"
    if result.status == "refused":
        return "error", result.message or f"{result.file_name}: refused."
    if result.status == "unchanged":
        return "info", (
            f"**{result.file_name}** ({what}): identical to a file already loaded; nothing "
            f"changed ({result.rows_read:,} rows read)."
        )
    loaded = (
        f"**{result.file_name}** ({what}): {result.rows_loaded:,} of {result.rows_read:,} rows "
        f"loaded ({result.rows_changed:,} new or changed)"
    )
    if result.rows_retired:
        loaded += f"; {result.rows_retired:,} row(s) it no longer holds retired (kept in history)"
    if result.rows_quarantined:
        return "warning", (
            f"{loaded}; **{result.rows_quarantined:,} quarantined**. Fix those rows in the "
            "source system and export again; the rest is in."
        )
    return "success", loaded + "."


def quarantine_table(result: FileResult) -> pd.DataFrame:
    """The file's quarantined rows: line (header = line 1), column and reason, in line order."""
    return pd.DataFrame(
        {
            "line": [row.line_no for row in result.quarantined],
            "column": [row.column or "" for row in result.quarantined],
            "reason": [row.reason for row in result.quarantined],
        },
        columns=["line", "column", "reason"],
    )


@dataclass(frozen=True)
class Template:
    file_name: str
    label: str
    data: bytes
    mime: str


def templates() -> list[Template]:
    """The blank export templates academies fill in: one CSV per dataset, and the workbook."""
    found = []
    for dataset in DATASETS:
        path = TEMPLATES_DIR / f"{dataset}.csv"
        if path.is_file():
            found.append(Template(path.name, dataset.capitalize(), path.read_bytes(), "text/csv"))
    workbook = TEMPLATES_DIR / WORKBOOK_NAME
    if workbook.is_file():
        found.append(
            Template(
                workbook.name,
                f"All {len(DATASETS)} (Excel workbook)",
                workbook.read_bytes(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        )
    return found
