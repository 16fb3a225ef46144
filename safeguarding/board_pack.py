"""The board pack: one Excel workbook of the figures a board or local governing body reviews.

Sheets: a cover (the trust's name, dates, audience, what `c` means), one sheet per area
(Referrals & concerns, Training, Policies: every metric per academy and for the trust, with its
RAG rating and a native Excel chart), a trend by term, the metric definitions and the standards,
and, in the trust lead's pack only, the record lists behind the figures (pseudonymous
references, codes in the contract's labels).

The trust's name: the `trust_name` given (board-pack --trust-name), else `name` in
config/trust.toml, else "Multi-academy trust (N academies)". A figure taken before its metric
applied (metrics_definitions.applies_from: KCSIE read of an edition not yet in force) is "n/a",
explained on its sheet, never a 0.

Who sees what (product.md §5):
- trust_lead: every academy, unsuppressed, with the record lists;
- governor: every academy, aggregates only, small numbers suppressed;
- local_governor: one academy and the trust totals (over every academy), suppressed.
Suppression runs on the figures of every academy and the TRUST row before a view keeps its
rows, so a local governor's academy is hidden exactly as in the governors' pack.

Every text cell goes through `exports.neutralise` (a cell starting with =, +, -, @, tab, CR or LF
cannot become a formula); numbers are written as numbers, and charts read plain value cells.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import math
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from safeguarding import (
    calendar,
    clock,
    commitments,
    contract,
    disclosure,
    identity,
    metrics,
    metrics_definitions,
    periods,
    suppressed_views,
)
from safeguarding import standards as standards_module
from safeguarding.codes import TRUST
from safeguarding.exports import neutralise
from safeguarding.metrics_definitions import NOT_APPLICABLE, AppliesFrom, MetricDefinition
from safeguarding.paths import config_dir
from safeguarding.scope import Scope
from safeguarding.standards import Standards

ROLES = ("trust_lead", "governor", "local_governor")

# The area sheets, by the query that computes each metric (every metric lands in one).
AREAS = (
    (
        "Referrals & concerns",
        ("metrics/concerns", "metrics/referrals", "metrics/patterns", "metrics/transfers"),
    ),
    ("Training", ("metrics/staff_training",)),
    ("Policies", ("metrics/policies",)),
)


@dataclass(frozen=True)
class _ChartSpec:
    title: str
    metric_ids: tuple[str, ...]
    with_trust: bool  # a percentage's TRUST bar is a fair comparison; a count's total is not
    axis_title: str


CHARTS = {
    "Referrals & concerns": _ChartSpec(
        "Concerns reviewed and feedback received on time (%)",
        ("dsl_review_on_time_pct", "csc_feedback_on_time_pct"),
        True,
        "%",
    ),
    "Training": _ChartSpec(
        "Staff training in date and KCSIE Part 1 read (%)",
        ("safeguarding_training_in_date_pct", "kcsie_part1_read_pct"),
        True,
        "%",
    ),
    "Policies": _ChartSpec(
        "Policies overdue for review and required policies missing",
        ("policies_overdue", "required_policies_missing"),
        False,
        "policies",
    ),
}
TREND_TERMS = 6  # full terms before the current one: two school years
TREND_CHART_METRICS = (
    "dsl_review_on_time_pct",
    "csc_feedback_on_time_pct",
    "safeguarding_training_in_date_pct",
    "kcsie_part1_read_pct",
)
LIST_SHEETS = {
    "csc_feedback_overdue_list": "List - CSC feedback overdue",
    "dsl_review_late_list": "List - DSL reviews late",
    "staff_training_due_list": "List - staff training due",
    "dsl_training_due_list": "List - DSL training due",
    "policy_reviews_due_list": "List - policy reviews due",
    "required_policies_missing_list": "List - required policies absent",
    "immediate_danger_late_list": "List - immediate danger late",
    "repeated_concerns_no_referral_list": "List - repeated concerns",
    "nfa_new_concern_list": "List - new concern after NFA",
    "cp_file_late_list": "List - CP files late",
}

# Record-list columns holding a code of the data contract (or a status code of the queries):
# written in the contract's labels ('sharing_nudes' -> 'Sharing nudes'), as the pages show them.
CODE_COLUMNS = (
    "category",
    "latest_category",
    "role",
    "safeguarding_role",
    "status",
    "policy_type",
    "last_course",
    "last_dsl_update_course",
)

# A pack is read at a meeting, not searched: past this many rows a list is cut, with a note
# giving the full count (the lists come most urgent first; the dashboard has them all).
LIST_ROW_LIMIT = 5_000

RAG_FILLS = {
    "green": PatternFill("solid", fgColor="C6EFCE"),
    "amber": PatternFill("solid", fgColor="FFEB9C"),
    "red": PatternFill("solid", fgColor="FFC7CE"),
}
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
DATE_FORMAT = "d mmm yyyy"
DATE_TIME_FORMAT = "d mmm yyyy hh:mm"
DATETIME_FORMAT = "d mmm yyyy hh:mm"
NUMBER_FORMATS = {"%": "0.0", "hours": "0.0", "count": "#,##0"}
WRAP = Alignment(wrap_text=True, vertical="top")


class BoardPackError(ValueError):
    """The pack cannot be made as asked (a usage problem); the message says what to change."""


class NothingToReport(RuntimeError):
    """The database holds no academies yet."""


class TrustFileError(ValueError):
    """config/trust.toml cannot be used; the message names the file and the key."""


def trust_file() -> Path:
    return config_dir() / "trust.toml"


def configured_trust_name(path: Path | None = None) -> str | None:
    """The trust's name from `name` in config/trust.toml; None without the file or the key."""
    path = Path(path) if path else trust_file()
    if not path.is_file():
        return None
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise TrustFileError(f"{path} is not valid TOML: {error}. Fix the file.") from None
    unknown = sorted(set(document) - {"name"})
    if unknown:
        raise TrustFileError(f"{path}: unknown key {unknown[0]!r}. The file holds only name.")
    name = document.get("name")
    if name is None:
        return None
    if not isinstance(name, str) or not name.strip():
        raise TrustFileError(f'{path}: name must be the trust\'s name, e.g. name = "Our Trust".')
    return " ".join(name.split())


@dataclass(frozen=True)
class _Audience:
    """Whom a pack is for: their Scope (the one model of who sees what, safeguarding/scope.py)
    and the names of the academies it shows."""

    scope: Scope
    names: dict[str, str]  # academy code -> name, for the academies shown only

    @property
    def role(self) -> str:
        return self.scope.role

    @property
    def academies(self) -> tuple[str, ...]:
        """The academies whose rows the pack shows."""
        return self.scope.aggregate_academies

    @property
    def all_academies(self) -> tuple[str, ...]:
        """The academies the TRUST row adds up: the whole trust, whoever reads the pack."""
        return self.scope.trust_total_academies

    @property
    def academy(self) -> str | None:
        """The local governor's academy."""
        return self.academies[0] if self.role == "local_governor" else None

    @property
    def suppressed(self) -> bool:
        return self.scope.suppress_small_numbers

    @property
    def sees_records(self) -> bool:
        """Record lists (pseudonymous rows) only for a scope that may see every academy's."""
        return set(self.scope.detail_academies) >= set(self.all_academies)

    @property
    def codes_shown(self) -> tuple[str, ...]:
        return (*self.academies, TRUST)

    def name(self, code: str) -> str:
        if code == TRUST:
            if self.role == "local_governor":
                return f"Trust total (all {len(self.all_academies)} academies)"
            return "Trust total"
        return self.names.get(code, "")

    def description(self) -> str:
        if self.role == "trust_lead":
            return (
                "Trust safeguarding lead: every academy, figures not suppressed, with the "
                "record lists behind them"
            )
        if self.role == "governor":
            return "Trust board: every academy, aggregate figures, small numbers suppressed"
        return (
            f"Local governing body of {self.academy} {self.name(self.academy or '')}: this "
            "academy and the trust totals, aggregate figures, small numbers suppressed"
        )


def build_board_pack(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    role: str,
    academy: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    *,
    trust_name: str | None = None,
    standards: Standards | None = None,
    known_at: dt.datetime | None = None,
    on_records: Callable[[str, pd.DataFrame], None] | None = None,
) -> bytes:
    """The board pack for a role (and a local governor's academy), as the command line asks
    for it: the bytes of an .xlsx file. `known_at`: as the database stood then (default: now).

    Raises BoardPackError for a usage problem (unknown role, a local governor without an
    academy, an academy for another role, an unknown academy code, a window ending before it
    starts); NothingToReport for a database without academies; metrics.CalendarMissing and the
    config errors pass through.
    """
    return board_pack_for(
        con,
        as_of,
        pack_scope(con, role, academy),
        date_from,
        date_to,
        trust_name=trust_name,
        standards=standards,
        known_at=known_at,
        on_records=on_records,
    )


def board_pack_for(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    scope: Scope,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    *,
    trust_name: str | None = None,
    standards: Standards | None = None,
    known_at: dt.datetime | None = None,
    on_records: Callable[[str, pd.DataFrame], None] | None = None,
) -> bytes:
    """The board pack for a viewer's Scope (the dashboard passes the signed-in person's), as
    the database stood at `known_at` (default: now). The cover records that moment, so the same
    pack can be built again later, cell for cell, with it."""
    known_at = known_at or clock.now()
    if scope.role not in ROLES:
        raise BoardPackError(f"There is no board pack for the {scope.role} role.")
    trust_name = (trust_name or "").strip() or configured_trust_name()
    standards = standards if standards is not None else standards_module.load()
    definitions = metrics_definitions.load()
    names = {c: n for c, n in metrics.academy_names(con).items() if c in scope.aggregate_academies}
    audience = _Audience(scope, names)
    limit = standards.suppression_threshold
    if audience.suppressed:
        window = replace(_whole_period_window(as_of, date_from, date_to), known_at=known_at)
        figures, trend, trend_windows, trend_labels = _suppressed_figures(
            con, window, audience, limit, standards, definitions
        )
    else:
        try:
            window = metrics.Window.ending(as_of, date_from, date_to, known_at)
        except metrics.ScopeError as problem:
            raise BoardPackError(str(problem)) from None
        # Every academy's figures, so the TRUST row is the whole trust whoever reads the pack.
        figures = metrics.compute(
            con, window.as_of, window.date_from, window.date_to, None, standards, known_at
        )
        figures = _for_audience(figures, audience, limit, definitions)
        trend_windows, trend_labels = _trend_windows(con, as_of)
        trend_windows = [replace(w, known_at=known_at) for w in trend_windows]
        if trend_windows:
            trend = metrics.series(con, trend_windows, None, standards=standards)
            trend = _for_audience(trend, audience, limit, definitions)
        else:
            trend = pd.DataFrame(columns=["as_of_on", *metrics.RESULT_COLUMNS, "suppressed"])
    applies = {m: metrics_definitions.applies_from(m, standards) for m in definitions}
    figures = _not_applicable(figures, lambda _: window.as_of, applies)
    trend = _not_applicable(trend, lambda row: _day(_plain(row.as_of_on)), applies)

    book = Workbook()
    _cover(book.active, audience, window, trust_name, limit)
    for title, queries in AREAS:
        ids = [m for m, d in definitions.items() if d.query in queries]
        sheet = book.create_sheet(title)
        _area_sheet(sheet, title, ids, figures, audience, window, definitions, limit)
        _not_applicable_note(sheet, figures, ids, applies, definitions)
    _commitments_sheet(
        book.create_sheet("Commitments"), figures, audience, window, definitions, limit
    )
    _trend_sheet(
        book.create_sheet("Trends"),
        trend,
        trend_windows,
        trend_labels,
        audience,
        definitions,
        limit,
    )
    _not_applicable_note(book["Trends"], trend, list(definitions), applies, definitions)
    _definitions_sheet(book.create_sheet("Definitions"), definitions, standards)
    if audience.sees_records:
        for name, sheet_title in LIST_SHEETS.items():
            records = metrics.drill_down(
                con, name, window.as_of, window.date_from, window.date_to, None, standards, known_at
            )
            if on_records is not None:  # the access log: raises to stop the pack
                on_records(name, records)
            _list_sheet(book.create_sheet(sheet_title), sheet_title, records, window)

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- who sees what -----------------------------------------------------------------------------


def pack_scope(con: duckdb.DuckDBPyConnection, role: str, academy: str | None) -> Scope:
    """The Scope of a pack asked for by role (and academy), checked as a usage problem."""
    if role not in ROLES:
        raise BoardPackError(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.")
    all_codes = tuple(metrics.academy_codes(con))
    if not all_codes:
        raise NothingToReport(
            "The database has no academies, so there is nothing to report. Load the academies "
            "file first."
        )
    if role == "local_governor":
        if not academy:
            raise BoardPackError(
                "A local governor's pack is for one academy: give its code with --academy."
            )
        code = academy.strip().upper()
        if code not in all_codes:
            # The message names no other academy: the asker may be one academy's governor.
            raise BoardPackError(
                f"Unknown academy code {academy!r}: it is not in the academies reference. "
                "Check the code with the trust's data lead."
            )
    else:
        if academy:
            raise BoardPackError(
                f"--academy is for a local governor's pack; the {role} pack covers every "
                "academy. Leave out --academy, or use --role local_governor."
            )
        code = None
    return identity.scope_for(identity.User("", role, (code,) if code else ()), all_codes)


def _for_audience(
    frame: pd.DataFrame,
    audience: _Audience,
    limit: int,
    definitions: dict[str, MetricDefinition],
) -> pd.DataFrame:
    """Suppressed (governor roles) on the whole trust's figures, then cut to the rows shown."""
    if audience.suppressed:
        frame = disclosure.suppress_metrics(frame, limit, definitions)
    else:
        frame = frame.reset_index(drop=True).copy()
        for column in disclosure.FIGURE_COLUMNS:
            frame[column] = pd.Series(
                [_plain(v) for v in frame[column]], index=frame.index, dtype=object
            )
        frame["suppressed"] = False
    return frame[frame["academy_code"].isin(audience.codes_shown)].reset_index(drop=True)


def _not_applicable(
    frame: pd.DataFrame, day_of, applies: dict[str, AppliesFrom | None]
) -> pd.DataFrame:
    """Every figure taken (on `day_of(row)`) before its metric applied as n/a, with no numerator
    or denominator: a KCSIE edition not yet in force was read by no one, which is not 0 %."""
    frame = frame.reset_index(drop=True).astype({c: object for c in disclosure.FIGURE_COLUMNS})
    for i, row in enumerate(frame.itertuples(index=False)):
        rule = applies.get(row.metric)
        if rule is not None and not rule.applies_at(day_of(row)):
            frame.at[i, "value"] = NOT_APPLICABLE
            frame.at[i, "numerator"] = None
            frame.at[i, "denominator"] = None
    return frame


def _not_applicable_note(
    sheet: Worksheet,
    frame: pd.DataFrame,
    metric_ids: Sequence[str],
    applies: dict[str, AppliesFrom | None],
    definitions: dict[str, MetricDefinition],
) -> None:
    """What n/a means, once on a sheet that shows it (row 4, above the tables)."""
    shown = frame[frame["metric"].isin(metric_ids) & frame["value"].map(_is_not_applicable)]
    by_rule: dict[AppliesFrom, list[str]] = {}
    for metric_id in dict.fromkeys(shown["metric"]):
        rule = applies[metric_id]
        if rule is not None:
            by_rule.setdefault(rule, []).append(definitions[metric_id].label)
    notes = [
        f"{NOT_APPLICABLE} = not applicable (no figure, not 0) for {' and '.join(labels)}. "
        f"{rule.note}"
        for rule, labels in by_rule.items()
    ]
    if notes:
        _put(sheet, 4, 1, " ".join(notes))


def _is_not_applicable(value: Any) -> bool:
    return isinstance(value, str) and value == NOT_APPLICABLE


def _whole_period_window(
    as_of: dt.date, date_from: dt.date | None, date_to: dt.date | None
) -> metrics.Window:
    """A suppressed pack counts events over a whole term or academic year that has ended by
    the as-of date (the latest term by default): two packs over windows a day apart, or a
    month against its year, would otherwise reveal a hidden count by subtraction."""
    if date_from is None and date_to is None:
        terms = [p for p in periods.whole_periods_by(as_of) if p.kind == "term"]
        if not terms:
            raise BoardPackError(f"No term has ended by {as_of}: there is nothing to report yet.")
        return metrics.Window(as_of, terms[0].starts_on, terms[0].ends_on)
    if date_from is None or date_to is None or not periods.is_whole_period(date_from, date_to):
        choices = ", ".join(
            f"{p.label} (--from {p.starts_on} --to {p.ends_on})"
            for p in periods.whole_periods_by(as_of)[:4]
        )
        raise BoardPackError(
            "A governor's pack counts events over a whole term or academic year, so that no two "
            f"packs can be subtracted to reveal a hidden count. Recent ones: {choices}."
        )
    if date_to > as_of:
        raise BoardPackError(
            f"The period ends on {date_to}, after the as-of date {as_of}: choose a term or year "
            "that has ended."
        )
    return metrics.Window(as_of, date_from, date_to)


def _suppressed_figures(con, window, audience, limit, standards, definitions):
    """The pack's figures and its trend of whole terms, each suppressed with the rest of its
    school year over every academy (safeguarding/suppressed_views.py)."""

    def table(as_of, date_from, date_to):
        frame = suppressed_views.metric_table(
            con,
            as_of,
            date_from,
            date_to,
            audience.all_academies,
            limit,
            standards,
            definitions,
            known_at=window.known_at,
        )
        return frame[frame["academy_code"].isin(audience.codes_shown)].reset_index(drop=True)

    figures = table(window.as_of, window.date_from, window.date_to)
    terms = [p for p in periods.whole_periods_by(window.as_of) if p.kind == "term"]
    terms = sorted(terms[:TREND_TERMS], key=lambda p: p.starts_on)
    trend_windows = [metrics.Window(p.ends_on, p.starts_on, p.ends_on) for p in terms]
    labels = {p.ends_on: p.label for p in terms}
    points = [
        table(w.as_of, w.date_from, w.date_to).assign(as_of_on=w.as_of) for w in trend_windows
    ]
    trend = (
        pd.concat(points, ignore_index=True)
        if points
        else pd.DataFrame(columns=["as_of_on", *metrics.RESULT_COLUMNS, "suppressed"])
    )
    return figures, trend, trend_windows, labels


def _trend_windows(
    con: duckdb.DuckDBPyConnection, as_of: dt.date
) -> tuple[list[metrics.Window], dict[dt.date, str]]:
    """The last TREND_TERMS terms ending by the as-of date, and the current term to date."""
    first = dt.date(as_of.year - 3, 1, 1)
    windows = metrics.term_windows(con, first, as_of)[-TREND_TERMS:]
    ahead = metrics.term_windows(con, as_of, as_of + dt.timedelta(days=366))
    current = next((w for w in ahead if w.date_from <= as_of < w.as_of), None)
    to_date = metrics.Window(as_of, current.date_from, as_of) if current else None
    if to_date is not None:
        windows.append(to_date)
    try:
        terms = calendar.academic_terms(first, as_of, calendar.load_term_overrides())
    except calendar.TermsFileError:
        terms = []
    names = {term.starts_on: f"{term.name} {term.academic_year}" for term in terms}
    labels = {}
    for window in windows:
        label = names.get(window.date_from, f"Term from {window.date_from:%d %b %Y}")
        labels[window.as_of] = f"{label} to date" if window is to_date else label
    return windows, labels


# --- sheets ------------------------------------------------------------------------------------


def _cover(
    sheet: Worksheet,
    audience: _Audience,
    window: metrics.Window,
    trust_name: str | None,
    limit: int,
) -> None:
    sheet.title = "Cover"
    _put(sheet, 1, 1, "Safeguarding board pack", font=Font(bold=True, size=16))
    count = len(audience.all_academies)
    academies = f"{count} {'academy' if count == 1 else 'academies'}"
    facts: list[tuple[str, Any, str | None]] = [
        # The name, and the number of academies on a second line.
        (
            "Trust",
            f"{trust_name}\n{academies}" if trust_name else f"Multi-academy trust ({academies})",
            None,
        ),
        ("Prepared for", audience.description(), None),
    ]
    if audience.role == "local_governor":
        facts.append(("Academy", f"{audience.academy} {audience.name(audience.academy)}", None))
    else:
        facts.append(("Academies", len(audience.academies), "0"))
    facts += [
        # When it was made, beside what it is as of: a pack made later for an earlier date says so.
        ("Prepared on", clock.now(), DATE_TIME_FORMAT),
        ("As of", window.as_of, DATE_FORMAT),
        ("Events counted from", window.date_from, DATE_FORMAT),
        ("Events counted to", window.date_to, DATE_FORMAT),
        # The moment whose database the pack read: board-pack --known-at it builds the same
        # figures again, whatever was loaded since.
        ("As known at", window.known_at, DATE_TIME_FORMAT),
    ]
    if audience.suppressed:
        facts.append(("Suppression", disclosure.note(limit), None))
    else:
        facts.append(
            (
                "Suppression",
                "None: this is the trust lead's pack, with every figure and the record lists "
                "(pseudonymous references). Do not share it beyond the trust safeguarding team.",
                None,
            )
        )
    facts.append(
        (
            "How to read it",
            "Event figures count events dated in the window and not after the as-of date; "
            "state figures are taken at the as-of date. The trust row adds the academies' "
            "numerators and denominators; it never averages percentages. RAG ratings compare "
            "each figure with the trust's targets (see Definitions).",
            None,
        )
    )
    facts.append(
        (
            "Handling",
            "OFFICIAL-SENSITIVE: safeguarding information about children. Keep it to the "
            "meeting it was prepared for.",
            None,
        )
    )
    row = 3
    for label, value, number_format in facts:
        _put(sheet, row, 1, label, font=BOLD)
        _put(sheet, row, 2, value, number_format=number_format, alignment=WRAP)
        row += 1
    row += 1
    _put(sheet, row, 1, "Contents", font=BOLD)
    contents = [
        ("Referrals & concerns", "concerns, DSL review, referrals and feedback, per academy"),
        ("Training", "staff, DSL and governor training, KCSIE reading, per academy"),
        ("Policies", "policy reviews overdue and due, required policies missing"),
        ("Commitments", "every promise of the policy: its figures and RAG, or why not measured"),
        ("Trends", "the same figures term by term"),
        ("Definitions", "what each figure counts, its source, its targets; the standards"),
    ]
    if audience.sees_records:
        contents += [(title, "records behind the figures") for title in LIST_SHEETS.values()]
    for title, what in contents:
        row += 1
        _put(sheet, row, 1, title)
        _put(sheet, row, 2, what)
    _widths(sheet, {1: 22, 2: 100})


COMMITMENT_HEADERS = (
    "Policy",
    "Section",
    "Promise",
    "Measured by",
    "Figures",
    "RAG",
    "Why not measured",
    "Data that would measure it",
    "The policy's words",
)


def _commitments_sheet(
    sheet: Worksheet,
    figures: pd.DataFrame,
    audience: _Audience,
    window: metrics.Window,
    definitions: dict[str, MetricDefinition],
    limit: int,
) -> None:
    """Every promise of each mapped policy (config/commitments/), as `commitments.promises`
    lists it, for the local governor's academy or else the trust, with the figures the reader
    may see (hidden ones stay `c`)."""
    code = audience.academy or TRUST
    _put(sheet, 1, 1, "Policy commitments: every promise, measured or not", font=TITLE)
    _put(sheet, 2, 1, f"{_window_sentence(window)} Figures for {audience.name(code)}.")
    if audience.suppressed:
        _put(sheet, 3, 1, disclosure.note(limit))
    mappings = commitments.load_all()
    row = 4
    for mapping in mappings.values():
        measured = len(mapping.measured)
        total = len(mapping.commitments)
        _put(
            sheet,
            row,
            1,
            f"{mapping.title}: {total} promises, {measured} measured "
            f"({100 * measured / total:.0f}%), {total - measured} not measured.",
        )
        row += 1
    header_row = row + 1
    _header(sheet, header_row, 1, COMMITMENT_HEADERS)
    row = header_row
    for mapping in mappings.values():
        card = commitments.scorecard(mapping, figures, code=code, definitions=definitions)
        for promise in commitments.promises(mapping, card):
            row += 1
            rows = card[card["commitment_id"] == promise["id"]] if len(card) else card
            shown = "; ".join(f"{r.label}: {r.shown}" for r in rows.itertuples(index=False))
            rag = promise["rag"]
            _put(sheet, row, 1, mapping.title, alignment=WRAP)
            _put(sheet, row, 2, promise["section"])
            _put(sheet, row, 3, promise["promise"], alignment=WRAP)
            _put(
                sheet,
                row,
                4,
                ", ".join(definitions[m].label for m in promise["metrics"]),
                alignment=WRAP,
            )
            _put(sheet, row, 5, shown, alignment=WRAP)
            cell = _put(sheet, row, 6, (rag or "no figure").capitalize())
            if rag in RAG_FILLS:
                cell.fill = RAG_FILLS[rag]
            _put(sheet, row, 7, promise["why_not_measured"], alignment=WRAP)
            _put(sheet, row, 8, promise["data_needed"], alignment=WRAP)
            _put(sheet, row, 9, promise["text"], alignment=WRAP)
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(COMMITMENT_HEADERS))}{row}"
    _widths(sheet, {1: 20, 2: 8, 3: 40, 4: 40, 5: 48, 6: 13, 7: 40, 8: 40, 9: 60})


AREA_HEADERS = (
    "Metric",
    "Academy code",
    "Academy",
    "Value",
    "Unit",
    "Numerator",
    "Denominator",
    "RAG",
    "Metric id",
)


def _area_sheet(
    sheet: Worksheet,
    title: str,
    metric_ids: Sequence[str],
    figures: pd.DataFrame,
    audience: _Audience,
    window: metrics.Window,
    definitions: dict[str, MetricDefinition],
    limit: int,
) -> None:
    _put(sheet, 1, 1, title, font=TITLE)
    _put(sheet, 2, 1, _window_sentence(window))
    if audience.suppressed:
        _put(sheet, 3, 1, disclosure.note(limit))
    header_row = 5
    _header(sheet, header_row, 1, AREA_HEADERS)
    by_key = {(r.academy_code, r.metric): r for r in figures.itertuples(index=False)}
    row = header_row
    for metric_id in metric_ids:
        definition = definitions[metric_id]
        number_format = NUMBER_FORMATS[definition.unit]
        for code in audience.codes_shown:
            figure = by_key.get((code, metric_id))
            if figure is None:
                continue
            row += 1
            value = _shown_value(figure.value, definition)
            rag = None if isinstance(value, str) else definition.rag(value)
            _put(sheet, row, 1, definition.label)
            _put(sheet, row, 2, code, font=BOLD if code == TRUST else None)
            _put(sheet, row, 3, audience.name(code))
            _put(sheet, row, 4, value, number_format=number_format)
            _put(sheet, row, 5, definition.unit)
            _put(sheet, row, 6, figure.numerator, number_format="#,##0")
            _put(sheet, row, 7, figure.denominator, number_format="#,##0")
            cell = _put(sheet, row, 8, rag.capitalize() if rag else None)
            if rag:
                cell.fill = RAG_FILLS[rag]
            _put(sheet, row, 9, metric_id)
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(AREA_HEADERS))}{row}"
    _widths(sheet, {1: 52, 2: 14, 3: 34, 4: 10, 5: 7, 6: 11, 7: 12, 8: 8, 9: 34})
    _area_chart(sheet, CHARTS[title], figures, audience, definitions, header_row)


def _area_chart(
    sheet: Worksheet,
    spec: _ChartSpec,
    figures: pd.DataFrame,
    audience: _Audience,
    definitions: dict[str, MetricDefinition],
    top: int,
) -> None:
    """A bar chart per academy, drawn from a small block of plain values beside the table.
    Suppressed and missing figures are left blank there (a chart would draw text as zero)."""
    left = len(AREA_HEADERS) + 2
    codes = audience.codes_shown if spec.with_trust else audience.academies
    by_key = {(r.academy_code, r.metric): r.value for r in figures.itertuples(index=False)}
    _put(sheet, top - 1, left, "Chart data (c and empty figures left blank)", font=BOLD)
    _header(sheet, top, left, ["Academy", *(definitions[m].label for m in spec.metric_ids)])
    for i, code in enumerate(codes, start=1):
        _put(sheet, top + i, left, code)
        for j, metric_id in enumerate(spec.metric_ids, start=1):
            value = _shown_value(by_key.get((code, metric_id)), definitions[metric_id])
            _put(sheet, top + i, left + j, None if isinstance(value, str) else value)
    last = top + len(codes)
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = spec.title
    chart.y_axis.title = spec.axis_title
    if spec.axis_title == "%":
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 100
    data = Reference(
        sheet, min_col=left + 1, max_col=left + len(spec.metric_ids), min_row=top, max_row=last
    )
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=left, min_row=top + 1, max_row=last))
    _show_axes(chart)
    chart.legend.position = "b"
    chart.width, chart.height = 22, 10
    sheet.add_chart(chart, f"{get_column_letter(left)}{last + 3}")
    for offset in range(len(spec.metric_ids) + 1):
        sheet.column_dimensions[get_column_letter(left + offset)].width = 16


def _trend_sheet(
    sheet: Worksheet,
    trend: pd.DataFrame,
    windows: Sequence[metrics.Window],
    labels: dict[dt.date, str],
    audience: _Audience,
    definitions: dict[str, MetricDefinition],
    limit: int,
) -> None:
    _put(sheet, 1, 1, "Trends by term", font=TITLE)
    _put(
        sheet,
        2,
        1,
        "Events counted within each term; states taken on the term's last day (the current "
        "term up to the as-of date).",
    )
    if audience.suppressed:
        _put(sheet, 3, 1, disclosure.note(limit))
    by_key = {
        (_day(_plain(r.as_of_on)), r.academy_code, r.metric): r.value
        for r in trend.itertuples(index=False)
    }
    as_of_dates = [w.as_of for w in windows]
    # The trust first; a local governor's own academy first in theirs.
    units = [TRUST, *audience.academies]
    if audience.role == "local_governor":
        units = [*audience.academies, TRUST]
    row = 5
    for code in units:
        heading = "Trust total" if code == TRUST else f"{code} {audience.name(code)}"
        _put(sheet, row, 1, heading, font=BOLD)
        row += 1
        _header(sheet, row, 1, ["Metric", "Unit", *(labels[d] for d in as_of_dates)])
        row += 1
        _put(sheet, row, 1, "Term dates")
        for j, window in enumerate(windows, start=3):
            _put(
                sheet,
                row,
                j,
                f"{window.date_from:%d %b %Y} to {window.date_to:%d %b %Y}",
                alignment=WRAP,
            )
        for metric_id, definition in definitions.items():
            row += 1
            _put(sheet, row, 1, definition.label)
            _put(sheet, row, 2, definition.unit)
            for j, as_of_on in enumerate(as_of_dates, start=3):
                value = _shown_value(by_key.get((_day(as_of_on), code, metric_id)), definition)
                _put(sheet, row, j, value, number_format=NUMBER_FORMATS[definition.unit])
        row += 2
    widths = {1: 52, 2: 7} | {j: 16 for j in range(3, 3 + len(windows))}
    _widths(sheet, widths)

    # The chart: the trust's percentages term by term, from plain values (c left blank).
    left = 3 + len(windows) + 1
    top = 5
    _put(
        sheet, top - 1, left, "Chart data: trust total (c and empty figures left blank)", font=BOLD
    )
    _header(sheet, top, left, ["Term", *(definitions[m].label for m in TREND_CHART_METRICS)])
    for i, as_of_on in enumerate(as_of_dates, start=1):
        _put(sheet, top + i, left, labels[as_of_on])
        for j, metric_id in enumerate(TREND_CHART_METRICS, start=1):
            value = _shown_value(
                by_key.get((_day(as_of_on), TRUST, metric_id)), definitions[metric_id]
            )
            _put(sheet, top + i, left + j, None if isinstance(value, str) else value)
    last = top + len(as_of_dates)
    chart = LineChart()
    chart.title = "Trust total by term (%)"
    chart.y_axis.title = "%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    data = Reference(
        sheet, min_col=left + 1, max_col=left + len(TREND_CHART_METRICS), min_row=top, max_row=last
    )
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=left, min_row=top + 1, max_row=last))
    _show_axes(chart)
    chart.legend.position = "b"
    chart.width, chart.height = 24, 11
    sheet.add_chart(chart, f"{get_column_letter(left)}{last + 3}")
    for offset in range(len(TREND_CHART_METRICS) + 1):
        sheet.column_dimensions[get_column_letter(left + offset)].width = 18
    sheet.freeze_panes = sheet.cell(5, 3)


DEFINITION_HEADERS = (
    "Metric id",
    "Label",
    "Unit",
    "Kind",
    "Better",
    "Green at",
    "Amber at",
    "Suppressed when small (governor packs)",
    "Definition",
    "Source",
    "How it is read",
)


def _definitions_sheet(
    sheet: Worksheet, definitions: dict[str, MetricDefinition], standards: Standards
) -> None:
    _put(sheet, 1, 1, "Definitions", font=TITLE)
    _put(sheet, 2, 1, "From config/metrics.toml and config/standards.toml, as used for this pack.")
    _header(sheet, 4, 1, DEFINITION_HEADERS)
    row = 4
    for d in definitions.values():
        row += 1
        values = (
            d.id,
            d.label,
            d.unit,
            d.kind + (f" (dated by {d.anchor})" if d.anchor else ""),
            d.better,
            d.green_at,
            d.amber_at,
            "yes" if d.suppressible else "no",
            d.definition,
            d.source,
            d.interpretation,
        )
        for j, value in enumerate(values, start=1):
            _put(sheet, row, j, value, alignment=WRAP)
    row += 2
    _put(sheet, row, 1, "Standards", font=TITLE)
    row += 1
    _header(sheet, row, 1, ("Standard", "Value", "Source"))
    for section, keys in standards_module.SCHEMA.items():
        for key, (field_name, _) in keys.items():
            value = getattr(standards, field_name)
            if isinstance(value, tuple):
                value = ", ".join(value)
            row += 1
            _put(sheet, row, 1, f"{section}.{key}")
            _put(sheet, row, 2, value, alignment=WRAP)
            _put(sheet, row, 3, standards.sources.get(section), alignment=WRAP)
    _widths(sheet, {1: 34, 2: 40, 3: 40, 4: 22, 5: 9, 6: 9, 7: 9, 8: 14, 9: 70, 10: 50, 11: 70})
    sheet.freeze_panes = sheet.cell(5, 2)


def _list_sheet(
    sheet: Worksheet, title: str, records: pd.DataFrame, window: metrics.Window
) -> None:
    _put(sheet, 1, 1, title, font=TITLE)
    _put(
        sheet,
        2,
        1,
        f"As of {window.as_of:%d %b %Y}. Pseudonymous references only. OFFICIAL-SENSITIVE.",
    )
    if len(records) > LIST_ROW_LIMIT:
        _put(
            sheet,
            3,
            1,
            f"The first {LIST_ROW_LIMIT:,} of {len(records):,} rows, most urgent first; the "
            "dashboard lists them all.",
            font=BOLD,
        )
        records = records.head(LIST_ROW_LIMIT)
    columns = list(records.columns)
    _header(sheet, 4, 1, [_heading(c) for c in columns])
    for i, record in enumerate(records.itertuples(index=False), start=5):
        for j, (column, value) in enumerate(zip(columns, record, strict=True), start=1):
            value = _readable(column, _plain(value))
            number_format = None
            if isinstance(value, dt.datetime):
                if column.endswith("_at"):
                    number_format = DATETIME_FORMAT
                else:
                    value, number_format = value.date(), DATE_FORMAT
            _put(sheet, i, j, value, number_format=number_format)
    if not len(records):
        _put(sheet, 5, 1, "None at this date.")
    sheet.freeze_panes = sheet.cell(5, 1)
    _widths(sheet, {j: max(14, min(40, len(str(c)) + 4)) for j, c in enumerate(columns, 1)})


def _heading(column: str) -> str:
    """A record list's column as a person reads it: 'is_followed_up' -> 'Followed up'."""
    return contract.label(column.removeprefix("is_")) or column


def _readable(column: str, value: Any) -> Any:
    """A record's cell as a person reads it: codes in the contract's labels, yes and no."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if column in CODE_COLUMNS and isinstance(value, str):
        return contract.label(value)
    return value


# --- cells -------------------------------------------------------------------------------------


def _put(
    sheet: Worksheet,
    row: int,
    column: int,
    value: Any,
    number_format: str | None = None,
    font: Font | None = None,
    alignment: Alignment | None = None,
):
    """Write one cell: text neutralised (never a formula), numbers as numbers, no NaN."""
    cell = sheet.cell(row=row, column=column, value=_safe(value))
    if number_format and not isinstance(cell.value, str):
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _header(sheet: Worksheet, row: int, column: int, labels: Iterable[str]) -> None:
    for j, label in enumerate(labels):
        cell = _put(sheet, row, column + j, label, font=BOLD, alignment=WRAP)
        cell.fill = HEADER_FILL


def _safe(value: Any) -> Any:
    value = _plain(value)
    if isinstance(value, str):
        # openpyxl refuses control characters; a spreadsheet must not run text as a formula.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    if value is None or isinstance(value, bool | int | float | dt.date | dt.time):
        return value
    return neutralise(str(value))


def _plain(value: Any) -> Any:
    """pandas and numpy scalars as plain Python values; every kind of missing as None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _shown_value(value: Any, definition: MetricDefinition) -> Any:
    """A figure as shown: "c", None, a whole number for counts, else the number."""
    value = _plain(value)
    if isinstance(value, float) and definition.unit == "count" and value.is_integer():
        return int(value)
    return value


def _day(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _window_sentence(window: metrics.Window) -> str:
    return (
        f"As of {window.as_of:%d %B %Y}. Events counted from {window.date_from:%d %B %Y} to "
        f"{window.date_to:%d %B %Y}; states at the as-of date."
    )


def _show_axes(chart) -> None:
    # openpyxl marks axes as deleted by default, which recent Excel versions honour.
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def _widths(sheet: Worksheet, widths: dict[int, float]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
