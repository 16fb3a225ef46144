"""A person checks what was read before a register row is written.

What a document was read to say is shown field by field: the value, the text it came from,
where, and how sure the reading is. Fields read with too little confidence are empty and marked
"please check", with what the document may mean. The person confirms each value or corrects
it; a correction is stored as the person's, never as the document's. The data page and
`import-policy --accept [--set FIELD=VALUE]` both go through `apply_corrections`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from safeguarding.policy_import.dates import DateSpan, parse_value
from safeguarding.policy_import.extract import FIELD_NAMES, Found, PolicyExtract

# The fields the register row is made from, in the order a person reads them.
REVIEWED_FIELDS = ("title", "issued", "last_reviewed", "next_review", "owner")
DATE_FIELDS = ("issued", "last_reviewed", "next_review")


class CorrectionError(ValueError):
    """A correction that cannot be used; the message says which field and what to write."""


@dataclass(frozen=True)
class ReviewRow:
    field: str  # the field's name in the extract: "next_review"
    label: str  # for people: "next review date"
    value: str  # what will be written ("" for nothing)
    evidence: str  # the text it came from, as written
    where: str
    confidence: float | None  # None: not found, or corrected by a person
    status: str  # read | please check | not found | corrected | from the file name


def shown(name: str, value) -> str:
    """A field's value as a person writes it back: dates as ISO days or the document's words."""
    if value is None:
        return ""
    if isinstance(value, DateSpan):
        if value.precision == "day":
            return value.start.isoformat()
        return value.text
    return str(value)


def review_rows(found: PolicyExtract) -> list[ReviewRow]:
    rows = []
    for name in REVIEWED_FIELDS:
        item = found.found.get(name)
        label = FIELD_NAMES[name]
        if item is not None:
            status = (
                "corrected"
                if item.how == "person"
                else "from the file name"
                if item.how == "file name"
                else "read"
            )
            confidence = None if item.how == "person" else item.confidence
            rows.append(
                ReviewRow(
                    name, label, shown(name, item.value), item.text, item.where, confidence, status
                )
            )
        elif name in found.to_check:
            doubtful = found.to_check[name]
            rows.append(
                ReviewRow(
                    name,
                    label,
                    "",
                    doubtful.text,
                    doubtful.where,
                    doubtful.confidence,
                    "please check",
                )
            )
        else:
            rows.append(ReviewRow(name, label, "", "", "", None, "not found"))
    return rows


def needs_checking(found: PolicyExtract) -> list[str]:
    """The fields a person should look at before accepting: unsure, or a title made up."""
    return [
        r.label for r in review_rows(found) if r.status in ("please check", "from the file name")
    ]


def parse_corrections(pairs: list[str]) -> dict[str, str]:
    """`--set next_review=2026-09-01 --set owner="Trust Board"` as {field: value}."""
    changes = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in REVIEWED_FIELDS:
            raise CorrectionError(
                f"--set {pair}: write FIELD=VALUE, where FIELD is one of "
                f"{', '.join(REVIEWED_FIELDS)} (an empty VALUE clears the field)."
            )
        changes[name] = value.strip()
    return changes


def apply_corrections(found: PolicyExtract, changes: Mapping[str, str], who: str) -> PolicyExtract:
    """The extract with a person's values in place of what was read. An empty value clears the
    field; a value equal to what was read confirms it and keeps the document's evidence."""
    result = replace(
        found,
        found=dict(found.found),
        to_check=dict(found.to_check),
        notes=list(found.notes),
    )
    for name, text in changes.items():
        if name not in REVIEWED_FIELDS:
            raise CorrectionError(f"{name}: not a field that can be corrected.")
        text = re.sub(r"\s+", " ", text or "").strip()
        current = result.found.get(name)
        if current is not None and text == shown(name, current.value):
            continue  # confirmed as read
        if not text and current is None:
            continue  # nothing was read and nothing is given: left as it is, no note
        result.to_check.pop(name, None)
        if not text:
            if name == "title":
                raise CorrectionError(
                    "title: the register needs a title; write the policy's title."
                )
            result.found.pop(name, None)
            result.notes.append(f"{FIELD_NAMES[name]}: cleared by {who}.")
            continue
        value: object = text
        if name in DATE_FIELDS:
            value = parse_value(text)
            if value is None:
                raise CorrectionError(
                    f"{FIELD_NAMES[name]}: “{text}” is not a date; write it as 2026-09-01, "
                    "1 September 2026 or September 2026."
                )
        result.found[name] = Found(value, text, f"entered by {who}", 0, 0, "person", 1.0)
        result.notes.append(f"{FIELD_NAMES[name]}: “{text}” entered by {who}.")
    return result


def describe(row: ReviewRow) -> str:
    """One line for a terminal: 'next review date  September 2026  (0.95) [line 4: ...]'."""
    value = row.value or "—"
    sure = f" ({row.confidence:.2f})" if row.confidence is not None else ""
    if row.status == "please check":
        return f"{value}  PLEASE CHECK{sure}: the document may mean “{row.evidence}” [{row.where}]"
    if row.status in ("not found", "corrected"):
        return f"{value}  ({row.status})"
    return f"{value}{sure}" + (f"   [{row.where}]" if row.where else "")
