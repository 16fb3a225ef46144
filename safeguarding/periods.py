"""Whole periods: the only windows a view with suppressed small numbers may count events over.

Two windows a day apart, a month against its year, a chosen set of academies against the
trust: each pair, subtracted, gives a count nobody meant to publish. Suppressed views
(SECURITY.md, "The suppression rule") therefore count events only over complete academic terms
and complete academic years, which nest without overlapping, and suppress each figure together
with the other periods of its academic year (`family`), so that no total of published periods
gives away a hidden one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from safeguarding.calendar import Term, academic_terms, load_term_overrides


@dataclass(frozen=True)
class Period:
    label: str  # "Autumn 2025/26", "2025/26", or "holidays 2025/26 (1)" for days in no term
    starts_on: dt.date
    ends_on: dt.date
    kind: str = "term"  # term | year | holidays (a part of a year that no view shows)

    @property
    def published(self) -> bool:
        return self.kind != "holidays"


@dataclass(frozen=True)
class Family:
    """An academic year and the parts it is made of: its terms and any days in no term."""

    year: Period
    parts: tuple[Period, ...]

    @property
    def periods(self) -> tuple[Period, ...]:
        return (*self.parts, self.year)

    def find(self, starts_on: dt.date, ends_on: dt.date) -> Period | None:
        for period in self.periods:
            if period.published and (period.starts_on, period.ends_on) == (starts_on, ends_on):
                return period
        return None


def year_start(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def family(day: dt.date) -> Family:
    """The academic year (1 September to 31 August) containing `day`, with its parts."""
    start = year_start(day)
    first, last = dt.date(start, 9, 1), dt.date(start + 1, 8, 31)
    terms = [t for t in _terms(first, last) if first <= t.starts_on and t.ends_on <= last]
    parts: list[Period] = []
    cursor = first
    for term in sorted(terms, key=lambda t: t.starts_on):
        if term.starts_on > cursor:
            parts.append(_gap(start, len(parts), cursor, term.starts_on - dt.timedelta(days=1)))
        parts.append(Period(f"{term.name} {term.academic_year}", term.starts_on, term.ends_on))
        cursor = term.ends_on + dt.timedelta(days=1)
    if cursor <= last:
        parts.append(_gap(start, len(parts), cursor, last))
    return Family(Period(year_label(start), first, last, "year"), tuple(parts))


def whole_periods_by(as_of: dt.date, years_back: int = 6) -> list[Period]:
    """Complete terms and academic years that ended on or before `as_of`, newest first."""
    found: list[Period] = []
    for start in range(year_start(as_of) - years_back, year_start(as_of) + 1):
        found.extend(p for p in family(dt.date(start, 9, 1)).periods if p.published)
    return sorted(
        (p for p in found if p.ends_on <= as_of),
        key=lambda p: (p.ends_on, p.starts_on),
        reverse=True,
    )


def is_whole_period(starts_on: dt.date, ends_on: dt.date) -> bool:
    return family(starts_on).find(starts_on, ends_on) is not None


def _terms(first: dt.date, last: dt.date) -> list[Term]:
    return academic_terms(first, last, load_term_overrides())


def _gap(start_year: int, position: int, first: dt.date, last: dt.date) -> Period:
    return Period(f"holidays {year_label(start_year)} ({position + 1})", first, last, "holidays")
