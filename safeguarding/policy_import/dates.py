"""Dates as policy documents write them, kept with their precision.

A policy says "Next review: March 2027", "Date approved: 12th September 2025", "Review date:
Autumn term 2026", "12/09/25" or "2026/27". Each is a period: a day, a month, a term, an
academic year or a calendar year. A `DateSpan` keeps the first and the last day of it, so the
register can treat a next review of "March 2027" as due by 31 March 2027 (the issue's rule)
while checks that compare two dates ("next review before issue") never flag a difference the
document's own precision cannot show.

UK order only: 03/04/2026 is 3 April. Two-digit years are 20xx.
"""

from __future__ import annotations

import bisect
import calendar as month_calendar
import datetime as dt
import re
from dataclasses import dataclass

from safeguarding.calendar import default_terms

MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
# "31st", and "31 st" as PDF text extraction splits a superscript ordinal off its number
_DAY = r"(?P<day>[0-3]?\d)(?:\s?(?:st|nd|rd|th)\b)?"
_YEAR4 = r"(?P<year>(?:19|20)\d{2})"
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"

# Tried in this order; a later pattern never claims text an earlier one matched.
# Linear: every repetition is bounded ({1,2}, \d{2}) or is a run of separators between two
# fixed parts, which a match starting at one day, month or term word scans once; those starts
# are word starts ("\b") or follow a non-digit, so no two of them scan the same run.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b")),
    (
        "numeric_day",
        re.compile(
            r"(?<![\d/.\-])(?P<day>\d{1,2})[/.\-](?P<month>\d{1,2})[/.\-]"
            r"(?P<year>(?:19|20)\d{2}|\d{2})(?![\d/.\-]\d)"
        ),
    ),
    (
        "day_month",
        re.compile(
            rf"\b{_WEEKDAY}{_DAY}(?:\s+of)?[\s\-]+{_MONTH},?[\s\-]+"
            r"(?P<year>(?:19|20)\d{2}|\d{2})\b(?![/.:\-]\d)",
            re.IGNORECASE,
        ),
    ),
    ("month_day", re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR4}\b", re.IGNORECASE)),
    (
        "term",
        re.compile(
            r"\b(?P<term>autumn|spring|summer)(?:\s+term)?(?:\s*[12])?(?:\s+term)?,?\s+"
            r"(?P<year>(?:19|20)\d{2}|\d{2}(?=\s*[/\-–]\s*\d{2}\b))"
            r"(?:\s*[/\-–]\s*(?P<second>(?:20)?\d{2}))?\b",
            re.IGNORECASE,
        ),
    ),
    # the year may be glued to the next word by text extraction: "March 2018noted by TMB"
    ("month", re.compile(rf"\b{_MONTH}[\s,/\-]+{_YEAR4}(?![\d/.\-]?\d)", re.IGNORECASE)),
    (
        "month_short_year",
        re.compile(rf"\b{_MONTH}[\-'’]\s?(?P<year>\d{{2}})\b(?![/.\-]\d)", re.IGNORECASE),
    ),
    (
        "numeric_month",
        re.compile(r"(?<![\d/.\-])(?P<month>\d{1,2})[/.](?P<year>(?:19|20)\d{2})\b(?![/.\-]\d)"),
    ),
    (
        "academic_year",
        re.compile(
            r"(?<![\d/.\-])(?P<year>20\d{2})\s*[/\-–]\s*(?P<second>20\d{2}|\d{2})\b(?![/.\-]\d)"
        ),
    ),
)
_BARE_YEAR = re.compile(r"^\s*(?:in\s+|by\s+)?(?P<year>(?:19|20)\d{2})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class DateSpan:
    """A date as written: its first and last day, how precise it is, and the text."""

    start: dt.date
    end: dt.date
    precision: str  # day | month | term | academic_year | year
    text: str
    position: int = 0  # where in the searched text it starts

    def __str__(self) -> str:
        return self.text


def _full_year(text: str) -> int:
    year = int(text)
    return 2000 + year if year < 100 else year


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, month_calendar.monthrange(year, month)[1])


def _term_span(name: str, year: int, second: str | None) -> tuple[dt.date, dt.date]:
    """Autumn 2026 is the autumn term of 2026/27; Spring and Summer 2027 belong to 2026/27.
    "Autumn term 2025/26" names the academic year instead, so its spring and summer fall in
    the second calendar year. Terms follow the dashboard's default calendar."""
    name = name.lower()
    # an academic year named ("2025/26") starts in the year given; a lone year is the term's
    academic_start = year if second is not None or name == "autumn" else year - 1
    terms = {term.name.lower(): term for term in default_terms(academic_start)}
    return terms[name].starts_on, terms[name].ends_on


def _span(kind: str, match: re.Match[str]) -> DateSpan | None:
    groups = match.groupdict()
    text = match.group(0).strip()
    try:
        if kind in ("iso", "numeric_day", "day_month", "month_day"):
            month = groups["month"]
            month_number = int(month) if month.isdigit() else MONTHS[month.lower()]
            day = dt.date(_full_year(groups["year"]), month_number, int(groups["day"]))
            return DateSpan(day, day, "day", text, match.start())
        if kind in ("month", "month_short_year", "numeric_month"):
            month = groups["month"]
            month_number = int(month) if month.isdigit() else MONTHS[month.lower()]
            year = _full_year(groups["year"])
            return DateSpan(
                dt.date(year, month_number, 1),
                _month_end(year, month_number),
                "month",
                text,
                match.start(),
            )
        if kind == "term":
            start, end = _term_span(
                groups["term"], _full_year(groups["year"]), groups.get("second")
            )
            return DateSpan(start, end, "term", text, match.start())
        if kind == "academic_year":
            first = int(groups["year"])
            second = groups["second"]
            second_year = int(second) if len(second) == 4 else first - first % 100 + int(second)
            if second_year != first + 1:
                return None
            return DateSpan(
                dt.date(first, 9, 1),
                dt.date(second_year, 8, 31),
                "academic_year",
                text,
                match.start(),
            )
    except (ValueError, KeyError):
        return None
    return None


def find_dates(text: str) -> list[DateSpan]:
    """Every date in a piece of text, in order. Bare years are not dates here ("Children Act
    1989"); see `parse_value` for a field whose whole value is a year."""
    # The spans already claimed, which never overlap, kept in order: their ends are in order
    # too, so one look (bisect) tells whether a new match overlaps any of them. Checking every
    # claimed span for every match made a line of thousands of dates quadratic.
    taken_starts: list[int] = []
    taken_ends: list[int] = []
    found: list[DateSpan] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            before = bisect.bisect_left(taken_starts, end)  # claimed spans starting before end
            if before and taken_ends[before - 1] > start:
                continue
            span = _span(kind, match)
            if span is not None and 1990 <= span.start.year <= 2100:
                taken_starts.insert(before, start)
                taken_ends.insert(before, end)
                found.append(span)
    return sorted(found, key=lambda s: s.position)


def parse_value(text: str) -> DateSpan | None:
    """The date a field's value gives ("March 2027", "12/09/2025", "2027"), or None."""
    dates = find_dates(text)
    if dates:
        return dates[0]
    bare = _BARE_YEAR.match(text)
    if bare:
        year = int(bare.group("year"))
        return DateSpan(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", bare.group(0).strip())
    return None


def is_only_a_date(text: str) -> bool:
    """The value is a date and little else ("September 2026", "Date: 01/09/2026.")."""
    span = parse_value(text)
    if span is None:
        return False
    rest = text.replace(span.text, " ", 1)
    rest = re.sub(r"(?i)\b(in|on|by|the|of|date|due|before|no later than|end of|term)\b", " ", rest)
    return not re.search(r"[A-Za-z0-9]", rest)
