"""The record of a weekly meeting, as an Excel workbook: what the meeting saw and agreed.

Sheets: Meeting (the dates, the knowledge time it was built at, the counts), Agenda (the new,
still open and resolved items with owners, actions, target dates and statuses) and Figures (the
headline figures for the academies in view, now and at the last meeting, and the change). Built
as known at one moment: rebuilt with that knowledge time after later loads and decisions, it
holds the same cells (the "generated at" line aside). Cells are written by the board pack's
writer, so text is neutralised like every export.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

import duckdb
import pandas as pd
from openpyxl import Workbook

from safeguarding import actions, agenda, metrics, metrics_definitions, standards
from safeguarding.board_pack import BOLD, TITLE, _header, _put
from safeguarding.codes import TRUST
from safeguarding.standards import Standards

AGENDA_COLUMNS = {
    "change": "Change",
    "resolved_by": "Resolved by",
    "area": "What",
    "academy_code": "Academy",
    "key": "Item key",
    "item": "Item",
    "due_on": "Due",
    "overdue_working_days": "Working days overdue",
    "weeks_overdue": "Weeks overdue",
    "escalate": "Escalate",
    "owner": "Owner",
    "action": "Agreed action",
    "target_on": "Target date",
    "status": "Status",
    "reason": "Reason",
}


def build(
    con: duckdb.DuckDBPyConnection,
    meeting: agenda.Meeting,
    record_academies: Iterable[str],
    register_academies: Iterable[str],
    generated_at: dt.datetime,
    rules: Standards | None = None,
) -> bytes:
    rules = rules or standards.load()
    record_academies, register_academies = list(record_academies), list(register_academies)
    items = agenda.agenda(con, meeting, record_academies, register_academies, rules)
    known_at = meeting.now.known_at or generated_at
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Meeting"
    _cover(cover, meeting, known_at, generated_at, items)
    _agenda_sheet(workbook.create_sheet("Agenda"), items)
    figures = _figures(con, meeting, register_academies, rules)
    _figures_sheet(workbook.create_sheet("Figures"), figures)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def agreed(items: pd.DataFrame) -> pd.DataFrame:
    """The agenda with readable owners, actions and statuses (AGENDA_COLUMNS)."""
    readable = items.assign(
        owner=[
            None
            if pd.isna(role) or role is None
            else actions.OWNER_ROLES[role] + (f", {academy}" if academy else "")
            for role, academy in zip(items["owner_role"], items["owner_academy"], strict=True)
        ],
        action=items["action"].map(actions.ACTIONS),
        status=items["status"].map(actions.STATUSES),
        reason=items["reason"].map(actions.WONT_ACT_REASONS),
        escalate=items["escalate"].map({True: "yes", False: None}),
    )
    return readable[list(AGENDA_COLUMNS)]


def _cover(sheet, meeting, known_at, generated_at, items) -> None:
    _put(sheet, 1, 1, "Weekly safeguarding meeting: the record", font=TITLE)
    lines = [
        ("Meeting (as-of date)", meeting.now.as_of),
        ("Compared with the meeting of", meeting.since),
        ("Events in", f"{meeting.now.date_from:%d %b %Y} to {meeting.now.date_to:%d %b %Y}"),
        ("As known at", known_at),
        ("Last meeting's agenda as known at", meeting.then.known_at),
        ("Generated at", generated_at),
        ("Since the last meeting", agenda.headline(agenda.counts(items))),
    ]
    for row, (label, value) in enumerate(lines, start=3):
        _put(sheet, row, 1, label, font=BOLD)
        _put(
            sheet,
            row,
            2,
            value,
            number_format="d mmm yyyy hh:mm" if isinstance(value, dt.datetime) else "d mmm yyyy",
        )
    _put(
        sheet,
        len(lines) + 4,
        1,
        "Pseudonymous references only. OFFICIAL-SENSITIVE: for the trust's safeguarding leads. "
        "Rebuild it with `safeguarding attention --as-of DATE --since DATE --known-at "
        "'AS KNOWN AT'` to check it.",
    )
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 70


def _agenda_sheet(sheet, items: pd.DataFrame) -> None:
    _put(sheet, 1, 1, "Agenda: new, still open and resolved since the last meeting", font=TITLE)
    rows = agreed(items)
    _header(sheet, 3, 1, AGENDA_COLUMNS.values())
    for i, record in enumerate(rows.itertuples(index=False), start=4):
        for j, value in enumerate(record, start=1):
            is_date = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
            _put(sheet, i, j, value, number_format="d mmm yyyy" if is_date else None)
    if rows.empty:
        _put(sheet, 4, 1, "Nothing on the agenda.")
    sheet.freeze_panes = sheet.cell(4, 1)
    for j, label in enumerate(AGENDA_COLUMNS.values(), start=1):
        sheet.column_dimensions[sheet.cell(3, j).column_letter].width = max(12, len(label) + 4)


def _figures(con, meeting, academies, rules) -> pd.DataFrame:
    """The headline figures for the academies in view (their TRUST row), now and then."""
    definitions = metrics_definitions.load()
    frames = []
    for when, window in (("now", meeting.now), ("then", meeting.then)):
        figures = metrics.compute(
            con,
            window.as_of,
            window.date_from,
            window.date_to,
            academies,
            rules,
            known_at=window.known_at,
        )
        trust = figures[figures["academy_code"] == TRUST].set_index("metric")["value"]
        frames.append(trust.rename(when))
    both = pd.concat(frames, axis=1).reindex(metrics_definitions.HEADLINE_METRICS)
    both["change"] = both["now"] - both["then"]
    both.insert(0, "label", [definitions[m].label for m in both.index])
    both.insert(1, "unit", [definitions[m].unit for m in both.index])
    return both.reset_index(names="metric")


def _figures_sheet(sheet, figures: pd.DataFrame) -> None:
    _put(sheet, 1, 1, "Headline figures: this meeting and the last", font=TITLE)
    _header(sheet, 3, 1, ["Metric", "Unit", "Now", "At the last meeting", "Change"])
    for i, row in enumerate(figures.itertuples(index=False), start=4):
        for j, value in enumerate((row.label, row.unit, row.now, row.then, row.change), start=1):
            _put(sheet, i, j, value, number_format="0.0" if j > 2 else None)
    sheet.column_dimensions["A"].width = 50
