"""What an import found, for people (text) and for checking by machine (JSON)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safeguarding.codes import TRUST
from safeguarding.policy_import.dates import DateSpan
from safeguarding.policy_import.extract import FIELD_NAMES, Found, PolicyExtract
from safeguarding.policy_import.importer import ImportResult
from safeguarding.policy_import.references import OBSOLETE
from safeguarding.policy_import.review import describe, review_rows

_DATE_FORMAT = "%-d %b %Y"
# The single-value fields in the order people read them (the JSON adds the author).
_SHOWN_FIELDS = (
    "title",
    "issued",
    "last_reviewed",
    "next_review",
    "review_cycle",
    "owner",
    "approved_by",
    "category",
    "version",
)


def _from_document(found: PolicyExtract, name: str) -> Found | None:
    """The field as the document gives it: a title made from the file name is not found."""
    if name == "title" and not found.title_from_document:
        return None
    return found.found.get(name)


def _date_text(span: DateSpan, due: bool = False) -> str:
    if span.precision == "day":
        return f"{span.text} ({span.start:{_DATE_FORMAT}})"
    if due:
        return f"{span.text} (due by {span.end:{_DATE_FORMAT}})"
    return f"{span.text} ({span.start:{_DATE_FORMAT}} to {span.end:{_DATE_FORMAT}})"


def headline(result: ImportResult) -> str:
    if result.status == "refused":
        return result.message or f"{result.file_name}: refused."
    found = result.extract
    where = "trust-wide" if result.academy_code == TRUST else result.academy_code
    if result.status == "read":
        return f"{result.file_name}: read (nothing stored): “{found.title}”."
    if result.status == "unchanged":
        return (
            f"{result.file_name}: unchanged, this file is already the document in force for "
            f"“{result.register_title}” ({where})."
        )
    kind = (result.policy_type or "other").replace("_", " ")
    due = (
        f"; next review due by {result.register_next_review_on:{_DATE_FORMAT}}"
        if result.register_next_review_on
        else "; no next review date"
    )
    if result.register_action == "added":
        done = f"added to the register as “{result.register_title}” ({where}, {kind})"
    elif result.register_action == "updated":
        done = f"updated the register row “{result.register_title}” ({where}, {kind})"
    else:
        done = (
            f"updated the register row “{result.register_title}” ({where}), the only "
            f"{kind} policy there"
        )
    return f"{result.file_name}: imported, {done}{due}."


def field_lines(result: ImportResult) -> list[tuple[str, str, str]]:
    """(field, value, where found) for every field, "not found" where the document is silent."""
    found = result.extract
    rows: list[tuple[str, str, str]] = []
    for name in _SHOWN_FIELDS:
        item = _from_document(found, name)
        label = FIELD_NAMES[name]
        if item is None:
            if name == "title" and found.title is not None:
                rows.append((label, f"not found — the file name was used: {found.title}", ""))
            else:
                rows.append((label, "not found", ""))
            continue
        value = item.value
        if isinstance(value, DateSpan):
            shown = _date_text(value, due=name == "next_review")
        elif name == "review_cycle":
            shown = f"{value} months (“{item.text}”)"
        else:
            shown = str(value)
        rows.append((label, shown, item.where))
    rows.append(
        (
            FIELD_NAMES["amendments"],
            f"{len(found.amendments)} row(s)" if found.amendments else "not found",
            "",
        )
    )
    rows.append(
        (
            FIELD_NAMES["linked_policies"],
            "; ".join(found.linked_policies) if found.linked_policies else "not found",
            "",
        )
    )
    rows.append(
        (
            FIELD_NAMES["guidance"],
            "; ".join(c.describe() for c in found.guidance) if found.guidance else "not found",
            "",
        )
    )
    return rows


def format_result(result: ImportResult) -> str:
    lines = [headline(result)]
    if result.extract is None:
        return "\n".join(lines)
    # the register's own fields with how sure each reading is, then everything else read
    reviewed = review_rows(result.extract)
    for row in reviewed:
        lines.append(f"  {row.label:<27} {describe(row)}")
    labels_reviewed = {row.label for row in reviewed}
    for label, value, where in field_lines(result):
        if label in labels_reviewed:
            continue
        lines.append(f"  {label:<27} {value}" + (f"   [{where}]" if where else ""))
    for number, amendment in enumerate(result.extract.amendments, start=1):
        parts = [
            p
            for p in (amendment.date_text, amendment.version, amendment.description, amendment.by)
            if p
        ]
        lines.append(f"    amendment {number}: " + " | ".join(parts))
    if result.extract.legislation:
        lines.append(
            "  legislation cited            "
            + "; ".join(c.title for c in result.extract.legislation)
        )
    for citation in result.extract.obsolete:
        lines.append(f"  obsolete reference           {obsolete_message(citation.title)}")
    for note in result.extract.notes:
        lines.append(f"  note: {note}")
    for warning in result.warnings:
        lines.append(f"  warning: {warning}")
    return "\n".join(lines)


def _json_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _span(span: DateSpan | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {
        "text": span.text,
        "from": span.start.isoformat(),
        "to": span.end.isoformat(),
        "precision": span.precision,
    }


def as_json(result: ImportResult) -> dict[str, Any]:
    """Every extracted field with its evidence, in a stable shape for scoring."""
    record: dict[str, Any] = {
        "file": result.file_name,
        "status": result.status,
        "message": result.message,
        "academy_code": result.academy_code,
        "sha256": result.sha256,
    }
    found = result.extract
    if found is None:
        return record
    fields: dict[str, Any] = {}
    for name in (*_SHOWN_FIELDS, "author"):
        item = _from_document(found, name)
        if item is None:
            fields[name] = None
            continue
        value = item.value
        fields[name] = {
            "value": _span(value) if isinstance(value, DateSpan) else value,
            "as_written": item.text,
            "where": item.where,
            "how": item.how,
            "confidence": item.confidence,
        }
    record.update(
        {
            "register": {
                "policy_key": result.policy_key,
                "policy_title": result.register_title or found.title,
                "policy_type": result.policy_type,
                "action": result.register_action,
                "last_reviewed_on": _json_date(result.register_last_reviewed_on),
                "next_review_on": _json_date(result.register_next_review_on),
            },
            "fields": fields,
            "amendments": [
                {
                    "date": _span(a.date),
                    "date_text": a.date_text or None,
                    "version": a.version,
                    "description": a.description,
                    "by": a.by,
                }
                for a in found.amendments
            ],
            "linked_policies": found.linked_policies,
            "guidance": [
                {
                    "title": c.title,
                    "edition_year": c.edition_year,
                    "editions": c.editions,
                    "updated": c.updated_text,
                    "cited_as": c.cited_as,
                }
                for c in found.guidance
            ],
            "legislation": [{"title": c.title, "year": c.edition_year} for c in found.legislation],
            "obsolete": [
                {"title": c.title, "message": obsolete_message(c.title), "cited_as": c.cited_as}
                for c in found.obsolete
            ],
            "not_found": found.not_found,
            # read, but not surely enough to use: left empty for a person to check
            "please_check": {
                name: {"as_written": item.text, "where": item.where, "confidence": item.confidence}
                for name, item in found.to_check.items()
            },
            "notes": found.notes,
        }
    )
    return record


def obsolete_message(title: str) -> str:
    """'Local Safeguarding Children Board: replaced by the local safeguarding partners ...'"""
    current = next(o.current for o in OBSOLETE if o.title == title)
    return f"{title}: replaced by {current}"
