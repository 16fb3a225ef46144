"""Working days and academic terms, kept in the database as `calendar_days` (product.md §3).

Deadlines such as "feedback within one working day" are computed in SQL with the persisted
macro `add_working_days(d, n)`, which looks days up in `calendar_days`. Readers open the
database read-only, so the table and the macro are built by writers: `refresh_calendar` is
passed as `after_write` to `database.writer`, and so runs inside every write session.

Bank holidays come from the `holidays` package (England and Wales). Academic terms default to
Autumn 1 Sep–31 Dec, Spring 1 Jan–Easter Sunday, Summer Easter Monday–31 Aug; a trust can give
its real term dates in `config/terms.toml`, and its half-terms there as [[holidays]]. A school
day is a working day in a term and in no school holiday (`add_school_days(d, n)`): with the
default terms and no holidays listed, every working day.
"""

from __future__ import annotations

import datetime as dt
import itertools
import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import holidays
from dateutil.easter import easter

from safeguarding import clock, sql
from safeguarding.paths import config_dir

# The calendar reaches this many years past the last date in the data (and around today), so a
# deadline computed from any stored date, or an as-of date a little ahead, is always covered.
YEARS_OF_MARGIN = 2


class TermsFileError(ValueError):
    """config/terms.toml cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Term:
    name: str
    starts_on: dt.date
    ends_on: dt.date

    @property
    def academic_year(self) -> str:
        """The September-to-August school year the term starts in, e.g. "2025/26"."""
        first = self.starts_on.year if self.starts_on.month >= 9 else self.starts_on.year - 1
        return f"{first}/{(first + 1) % 100:02d}"


def default_terms(academic_year_start: int) -> list[Term]:
    """The three terms of the school year that starts in September of the given year."""
    spring_year = academic_year_start + 1
    easter_sunday = easter(spring_year)
    return [
        Term("Autumn", dt.date(academic_year_start, 9, 1), dt.date(academic_year_start, 12, 31)),
        Term("Spring", dt.date(spring_year, 1, 1), easter_sunday),
        Term("Summer", easter_sunday + dt.timedelta(days=1), dt.date(spring_year, 8, 31)),
    ]


def terms_file() -> Path:
    return config_dir() / "terms.toml"


def load_term_overrides(path: Path | None = None) -> list[Term]:
    """The terms listed in config/terms.toml, or none when the file does not exist."""
    path = path or terms_file()
    if not path.is_file():
        return []
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise TermsFileError(f"{path} is not valid TOML: {error}. Fix the file.") from None
    unknown = set(document) - {"terms", "holidays"}
    if unknown:
        raise TermsFileError(
            f"{path}: unknown key {sorted(unknown)[0]!r}. The file holds only [[terms]] and "
            "[[holidays]] entries."
        )
    entries = document.get("terms", [])
    if not isinstance(entries, list):
        raise TermsFileError(f"{path}: 'terms' must be a list of [[terms]] tables.")
    terms = [_term_from_entry(path, position, entry) for position, entry in enumerate(entries, 1)]
    terms.sort(key=lambda term: term.starts_on)
    for earlier, later in itertools.pairwise(terms):
        if later.starts_on <= earlier.ends_on:
            raise TermsFileError(
                f"{path}: the terms {earlier.name} {earlier.academic_year} and {later.name} "
                f"{later.academic_year} overlap. Each day can be in one term only."
            )
    return terms


def load_school_holidays(path: Path | None = None) -> list[Term]:
    """The school holidays inside terms listed in config/terms.toml ([[holidays]]: half-terms,
    training days), none without the file. No school day falls in one."""
    path = path or terms_file()
    if not path.is_file():
        return []
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise TermsFileError(f"{path} is not valid TOML: {error}. Fix the file.") from None
    entries = document.get("holidays", [])
    if not isinstance(entries, list):
        raise TermsFileError(f"{path}: 'holidays' must be a list of [[holidays]] tables.")
    return sorted(
        (_term_from_entry(path, n, entry, "holidays") for n, entry in enumerate(entries, 1)),
        key=lambda holiday: holiday.starts_on,
    )


def _term_from_entry(path: Path, position: int, entry: object, table: str = "terms") -> Term:
    where = f"{path}: [[{table}]] entry {position}"
    if not isinstance(entry, dict):
        raise TermsFileError(f"{where} must be a table with name, starts_on and ends_on.")
    unknown = set(entry) - {"name", "starts_on", "ends_on"}
    if unknown:
        raise TermsFileError(f"{where}: unknown key {sorted(unknown)[0]!r}.")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise TermsFileError(f"{where}: 'name' must be a non-empty text such as \"Autumn\".")
    dates = {}
    for key in ("starts_on", "ends_on"):
        value = entry.get(key)
        # TOML dates are written bare (2025-09-03); a quoted date arrives as text.
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise TermsFileError(
                f"{where} ({name}): {key!r} must be a date written as YYYY-MM-DD without quotes."
            )
        dates[key] = value
    if dates["ends_on"] < dates["starts_on"]:
        raise TermsFileError(f"{where} ({name}): 'ends_on' is before 'starts_on'.")
    return Term(name.strip(), dates["starts_on"], dates["ends_on"])


def academic_terms(first_day: dt.date, last_day: dt.date, overrides: list[Term]) -> list[Term]:
    """Terms covering [first_day, last_day]. A school year with any term in the overrides takes
    only those terms (days between them are holidays, in no term); other years use the defaults."""
    overridden_years = {term.academic_year for term in overrides}
    terms = list(overrides)
    for year in range(first_day.year - 1, last_day.year + 1):
        defaults = default_terms(year)
        if defaults[0].academic_year not in overridden_years:
            terms.extend(defaults)
    return sorted(
        (t for t in terms if t.ends_on >= first_day and t.starts_on <= last_day),
        key=lambda term: term.starts_on,
    )


def calendar_span(
    con: duckdb.DuckDBPyConnection, today: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """Whole years from the earliest date in the data or today − 2 years, whichever is earlier,
    to the latest date in the data or today, whichever is later, plus two years."""
    today = today or clock.today()
    first_on, last_on = con.execute(sql.load("calendar/data_span")).fetchone()
    first_year = min(first_on.year if first_on else today.year, today.year - YEARS_OF_MARGIN)
    last_year = max(last_on.year if last_on else today.year, today.year) + YEARS_OF_MARGIN
    return dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)


def bank_holidays(first_day: dt.date, last_day: dt.date) -> dict[dt.date, str]:
    years = range(first_day.year, last_day.year + 1)
    return dict(sorted(holidays.country_holidays("GB", subdiv="ENG", years=years).items()))


def refresh_calendar(
    con: duckdb.DuckDBPyConnection,
    today: dt.date | None = None,
    terms_path: Path | None = None,
) -> None:
    """(Re)build calendar_days and the add_working_days macro for the data now in `con`."""
    first_day, last_day = calendar_span(con, today)
    holidays_by_day = bank_holidays(first_day, last_day)
    terms = academic_terms(first_day, last_day, load_term_overrides(terms_path))
    school_holidays = load_school_holidays(terms_path)
    con.execute(
        sql.load("calendar/calendar_days"),
        {
            "first_day": first_day,
            "last_day": last_day,
            "bank_holiday_days": list(holidays_by_day),
            "bank_holiday_names": list(holidays_by_day.values()),
            "term_names": [term.name for term in terms],
            "term_academic_years": [term.academic_year for term in terms],
            "term_starts": [term.starts_on for term in terms],
            "term_ends": [term.ends_on for term in terms],
            "school_holiday_starts": [holiday.starts_on for holiday in school_holidays],
            "school_holiday_ends": [holiday.ends_on for holiday in school_holidays],
        },
    )
    con.execute(sql.load("calendar/add_working_days"))
    con.execute(sql.load("calendar/add_school_days"))
