"""The data page's policy document upload, kept out of the page so it can be tested without a
browser. It goes through `import_documents`, the code behind `python -m safeguarding
import-policy`, so a document is read identically however it arrives; nothing here raises to
the page."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from safeguarding import database
from safeguarding.policy_import.importer import TRUST, ImportResult, PolicyFile, import_documents
from safeguarding.policy_import.report import field_lines, headline
from safeguarding.scope import Scope

TYPES = ["docx", "pdf", "txt", "md"]


@dataclass(frozen=True)
class PolicyUploadOutcome:
    results: tuple[ImportResult, ...] = ()
    problem: str | None = None  # set when nothing was imported at all


def academy_choices(scope: Scope) -> list[str]:
    """Whose policy a person may import: a trust-wide one (TRUST) only for someone who may
    load for every academy in view (the trust lead), and their own academies' (product.md §5)."""
    detail = list(scope.detail_academies)
    if not detail:
        return []
    every = set(scope.aggregate_academies)
    return [TRUST, *detail] if every <= set(detail) else detail


def import_uploads(
    files: Iterable, academy: str | None, who: str, scope: Scope, wait_seconds: float
) -> PolicyUploadOutcome:
    files = list(files or [])
    if not files:
        return PolicyUploadOutcome(problem="Choose one or more policy documents first.")
    if academy not in academy_choices(scope):
        return PolicyUploadOutcome(
            problem="You may import policy documents only for your own academy."
        )
    uploads = [f if isinstance(f, PolicyFile) else PolicyFile(f.name, f.getvalue()) for f in files]
    try:
        results = import_documents(uploads, academy=academy, who=who, wait_seconds=wait_seconds)
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
    return PolicyUploadOutcome(results=tuple(results))


def message(result: ImportResult) -> tuple[str, str]:
    """(st function name, sentence) for one document's result."""
    if result.status == "refused":
        return "error", headline(result)
    if result.extract is not None and result.extract.not_found:
        return "warning", headline(result)
    return "success", headline(result)


def fields_table(result: ImportResult) -> pd.DataFrame:
    return pd.DataFrame(field_lines(result), columns=["Field", "Found", "Where"])
