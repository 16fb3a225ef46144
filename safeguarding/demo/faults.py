"""Planted faults: rows ingest must quarantine, each breaking one rule of the contract, placed
among good rows of one academy's file and listed in the manifest by their final line."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from safeguarding.demo.styles import ExportStyle
from safeguarding.demo.tables import NAT, Table, table_length
from safeguarding.demo.trust import Academy, DemoOptions, seeded_random

# Shaped like an academy code, but in no trust's reference.
UNKNOWN_ACADEMY_CODE = "ZZ9"
UNKNOWN_AGENCY_LABEL = "Housing"


@dataclass(frozen=True)
class RawText:
    """A value written into the file verbatim, whatever the column's kind."""

    text: str


@dataclass(frozen=True)
class FaultPlan:
    dataset: str
    academy_position: int  # the academy (modulo the trust's size) whose file gets the row
    column: str
    rule: str
    # Builds the bad row from a good template row; returns the row and where it goes.
    make: Callable[[Table, int, FaultContext], tuple[dict[str, object], int]]


@dataclass
class FaultContext:
    options: DemoOptions
    style: ExportStyle
    rnd: random.Random
    next_id: Callable[[], str]


def _row(table: Table, index: int) -> dict[str, object]:
    return {column: values[index] for column, values in table.items()}


def _after(index: int, table: Table, context: FaultContext) -> int:
    return min(table_length(table), index + 1 + context.rnd.randint(0, 20))


def _review_before_logged(table, index, context):
    row = _row(table, index) | {"concern_id": context.next_id()}
    row["dsl_reviewed_at"] = row["logged_at"] - np.timedelta64(3 * 3600, "s")
    row["incident_at"] = NAT
    row["closed_at"] = NAT
    row["status"] = "open"
    return row, _after(index, table, context)


def _impossible_date(table, index, context):
    row = _row(table, index) | {"concern_id": context.next_id()}
    year = int(str(row["logged_at"])[:4])
    # Written the way the file writes its dates (a spreadsheet holds it as text).
    style = "uk" if context.style.extension == "xlsx" else context.style.datetimes
    row["logged_at"] = RawText(
        {"uk": f"31/02/{year} 10:20", "iso_t": f"{year}-02-31T10:20"}.get(
            style, f"{year}-02-31 10:20:00"
        )
    )
    # Keep the other timestamps blank so the impossible date is the row's only fault.
    for column in ("incident_at", "dsl_reviewed_at", "closed_at"):
        row[column] = NAT
    row["status"] = "open"
    return row, _after(index, table, context)


def _unknown_academy(table, index, context):
    row = _row(table, index) | {"concern_id": context.next_id()}
    row["academy_code"] = UNKNOWN_ACADEMY_CODE
    return row, _after(index, table, context)


def _duplicate_key(table, index, context):
    return _row(table, index), _after(index, table, context)


def _unknown_agency(table, index, context):
    row = _row(table, index) | {"referral_id": context.next_id()}
    row["agency"] = RawText(UNKNOWN_AGENCY_LABEL)
    return row, _after(index, table, context)


def _csc_without_pupil(table, index, context):
    row = _row(table, index) | {"referral_id": context.next_id()}
    row |= {"agency": "children_social_care", "pupil_ref": "", "allegation_at": NAT}
    return row, _after(index, table, context)


def _leave_before_start(table, index, context):
    row = _row(table, index) | {"staff_ref": context.next_id()}
    row |= {"role": "support", "safeguarding_role": "", "works_with_children": -1}
    start = np.datetime64(context.options.window_start, "D") + np.timedelta64(200, "D")
    row["start_date"] = start
    row["leave_date"] = start - np.timedelta64(31, "D")
    return row, _after(index, table, context)


def _future_training(table, index, context):
    row = _row(table, index)
    row |= {"course": "safeguarding_update", "kcsie_edition": np.nan}
    row["completed_on"] = np.datetime64(context.options.today, "D") + np.timedelta64(14, "D")
    return row, table_length(table)  # the export is in date order


FAULT_PLANS = (
    FaultPlan(
        "concerns", 0, "dsl_reviewed_at", "dsl_reviewed_at before logged_at", _review_before_logged
    ),
    FaultPlan("concerns", 1, "logged_at", "impossible date (31 February)", _impossible_date),
    FaultPlan(
        "concerns", 3, "academy_code", "academy_code not in the academies reference",
        _unknown_academy,
    ),
    FaultPlan("referrals", 0, "referral_id", "duplicate key within the file", _duplicate_key),
    FaultPlan("referrals", 1, "agency", "agency not an allowed value", _unknown_agency),
    FaultPlan(
        "referrals", 5, "pupil_ref", "children_social_care referral without pupil_ref",
        _csc_without_pupil,
    ),
    FaultPlan("staff", 2, "leave_date", "leave_date before start_date", _leave_before_start),
    FaultPlan(
        "training", 3, "completed_on", "completed_on after the ingest date (in the future)",
        _future_training,
    ),
)  # fmt: skip


def _template_index(plan: FaultPlan, table: Table, rnd: random.Random) -> int:
    n = table_length(table)
    if plan.dataset == "referrals":
        # A child's referral (not LADO) makes a template that breaks only the planted rule.
        candidates = np.flatnonzero(table["agency"] != "lado")
    elif plan.dataset == "training":
        candidates = np.arange(n)
    elif plan.dataset == "concerns":
        candidates = np.flatnonzero(~np.isnat(table["dsl_reviewed_at"]))
    else:
        candidates = np.flatnonzero(np.isnat(table["leave_date"]))
    candidates = candidates if len(candidates) else np.arange(n)
    middle = candidates[
        len(candidates) // 4 : max(len(candidates) // 4 + 1, 3 * len(candidates) // 4)
    ]
    return int(middle[rnd.randrange(len(middle))])


@dataclass(frozen=True)
class PlantedFault:
    file: str
    line: int
    column: str
    rule: str

    def as_json(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column, "rule": self.rule}


def fault_rows(
    dataset: str,
    table: Table,
    academy: Academy,
    trust_size: int,
    options: DemoOptions,
    style: ExportStyle,
) -> list[tuple[FaultPlan, dict[str, object], int]]:
    """The rows planted in one academy's export of `dataset`: (plan, row, position)."""
    plans = [
        plan
        for plan in FAULT_PLANS
        if plan.dataset == dataset and plan.academy_position % trust_size == academy.position
    ]
    if not plans:
        return []
    rnd = seeded_random(options, academy.code, f"{dataset}-faults")
    # New rows continue the file's own numbering, so their keys are unique.
    numbers = iter(range(table_length(table) + 1, table_length(table) + 100))
    prefix, width = {"concerns": ("CON", 6), "referrals": ("REF", 5), "staff": ("STF", 4)}.get(
        dataset, ("", 0)
    )

    def next_id() -> str:
        return f"{prefix}-{academy.code}-{next(numbers):0{width}d}"

    context = FaultContext(options, style, rnd, next_id)
    rows = []
    for plan in plans:
        row, position = plan.make(table, _template_index(plan, table, rnd), context)
        rows.append((plan, row, position))
    return rows
