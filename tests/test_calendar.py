"""The working-day calendar in DuckDB: calendar_days and add_working_days (product.md §3)."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from metric_fixtures import TODAY, build, day, insert

from safeguarding import calendar, database, paths


def days_after(macro: str, db, start: str, n: int) -> dt.date | None:
    # Read-only, like the dashboard and the metrics command: the macro must be persisted.
    with database.reader(db) as con:
        [(result,)] = con.execute(
            f"select {macro}($start::date, $n)", {"start": start, "n": n}
        ).fetchall()
    return result


add_working_days = functools.partial(days_after, "add_working_days")
add_school_days = functools.partial(days_after, "add_school_days")


@pytest.fixture
def empty_db(tmp_path):
    return build(tmp_path, academies=[])


@pytest.mark.parametrize(
    ("start", "n", "expected", "why"),
    [
        ("2025-05-01", 1, "2025-05-02", "Thursday + 1 is Friday"),
        ("2025-05-02", 1, "2025-05-06", "Friday before the May Day bank holiday: Tuesday"),
        ("2025-05-03", 1, "2025-05-06", "Saturday before the bank holiday Monday: Tuesday"),
        ("2025-05-04", 1, "2025-05-06", "Sunday before the bank holiday Monday: Tuesday"),
        ("2025-05-05", 1, "2025-05-06", "the bank holiday itself + 1: Tuesday"),
        ("2025-05-10", 1, "2025-05-12", "a Saturday plus 1 is Monday"),
        ("2025-05-06", 5, "2025-05-13", "Tuesday + 5 working days: next Tuesday"),
        ("2025-04-17", 1, "2025-04-22", "Maundy Thursday: Good Friday and Easter Monday skipped"),
        ("2025-12-24", 1, "2025-12-29", "Christmas Eve: Christmas, Boxing Day, weekend skipped"),
        ("2025-12-24", 5, "2026-01-05", "29, 30, 31 Dec, 2 Jan (1 Jan is a holiday), 5 Jan"),
        ("2026-12-24", 1, "2026-12-29", "Boxing Day 2026 is a Saturday: Monday 28th replaces it"),
    ],
)
def test_add_working_days(empty_db, start, n, expected, why):
    assert add_working_days(empty_db, start, n) == day(expected), why


def test_add_working_days_of_null_is_null(empty_db):
    assert add_working_days(empty_db, None, 1) is None


def test_2025_has_253_working_days(empty_db):
    """2025 has 261 weekdays and 8 bank holidays in England, all on weekdays: 253."""
    with database.reader(empty_db) as con:
        [(working_days, bank_holidays)] = con.execute(
            "select count(*) filter (where is_working_day), count(*) filter (where is_bank_holiday)"
            " from calendar_days where year(day) = 2025"
        ).fetchall()
    assert (working_days, bank_holidays) == (253, 8)


def test_working_day_numbers_count_working_days_on_or_before_the_day(empty_db):
    """Fri 2 May 2025 and the weekend and bank holiday after it share a number; Tue 6 May is
    the next one."""
    with database.reader(empty_db) as con:
        numbers = dict(
            con.execute(
                "select day, working_day_no from calendar_days"
                " where day between '2025-05-02' and '2025-05-06'"
            ).fetchall()
        )
    friday = numbers[day("2025-05-02")]
    assert [numbers[day(f"2025-05-0{d}")] for d in range(2, 7)] == [friday] * 4 + [friday + 1]


def test_an_empty_database_covers_today_plus_and_minus_two_years(empty_db):
    with database.reader(empty_db) as con:
        span = con.execute("select min(day), max(day) from calendar_days").fetchone()
    assert span == (dt.date(TODAY.year - 2, 1, 1), dt.date(TODAY.year + 2, 12, 31))


def test_the_calendar_covers_every_year_of_the_data_plus_two(tmp_path):
    """A staff start date in 2012 and a concern logged in 2027 stretch it to 2012..2029."""
    db = build(
        tmp_path,
        staff=[{"start_date": "2012-03-01"}],  # the earliest date anywhere
        concerns=[{"logged_at": "2027-06-01 09:00"}],  # the latest
    )
    with database.reader(db) as con:
        span = con.execute("select min(day), max(day) from calendar_days").fetchone()
    assert span == (dt.date(2012, 1, 1), dt.date(2029, 12, 31))


def test_every_write_session_rebuilds_the_calendar(tmp_path):
    """The second session adds a 2033 training row: the calendar must grow to 2035."""
    db = build(tmp_path)
    refresh = functools.partial(calendar.refresh_calendar, today=TODAY)
    with database.writer(db, after_write=refresh) as con:
        insert(
            con,
            "training",
            [
                {
                    "academy_code": "OAK",
                    "staff_ref": "S1",
                    "course": "prevent",
                    "completed_on": "2033-01-10",
                }
            ],
        )
    with database.reader(db) as con:
        assert con.execute("select max(day) from calendar_days").fetchone() == (
            dt.date(2035, 12, 31),
        )
    assert add_working_days(db, "2035-12-24", 1) == day("2035-12-27")


def term_of(db, date: str) -> tuple:
    with database.reader(db) as con:
        return con.execute(
            "select term_name, academic_year, term_start_on, term_end_on, is_term_end"
            " from calendar_days where day = $day::date",
            {"day": date},
        ).fetchone()


def test_default_terms_follow_easter(empty_db):
    """Easter Sunday 2026 is 5 April: Spring ends that day and Summer starts on the Monday."""
    autumn = ("Autumn", "2025/26", day("2025-09-01"), day("2025-12-31"))
    spring = ("Spring", "2025/26", day("2026-01-01"), day("2026-04-05"))
    summer = ("Summer", "2025/26", day("2026-04-06"), day("2026-08-31"))
    assert term_of(empty_db, "2025-09-01") == (*autumn, False)
    assert term_of(empty_db, "2025-12-31") == (*autumn, True)
    assert term_of(empty_db, "2026-04-05") == (*spring, True)
    assert term_of(empty_db, "2026-04-06") == (*summer, False)
    assert term_of(empty_db, "2026-08-31") == (*summer, True)


TERMS_2025_26 = """
# St Bart's real term dates for 2025/26
[[terms]]
name = "Autumn"
starts_on = 2025-09-03
ends_on = 2025-12-19

[[terms]]
name = "Spring"
starts_on = 2026-01-05
ends_on = 2026-03-27

[[terms]]
name = "Summer"
starts_on = 2026-04-13
ends_on = 2026-07-22
"""


def test_terms_file_replaces_the_defaults_for_the_years_it_lists(tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    (config / "terms.toml").write_text(TERMS_2025_26, encoding="utf-8")
    monkeypatch.setenv("SAFEGUARDING_CONFIG", str(config))
    db = build(tmp_path)
    assert term_of(db, "2025-09-03") == (
        "Autumn",
        "2025/26",
        day("2025-09-03"),
        day("2025-12-19"),
        False,
    )
    # The Christmas holiday of a listed year is in no term.
    assert term_of(db, "2025-12-24") == (None, None, None, None, False)
    # 2024/25 is not listed, so it keeps the default terms.
    assert term_of(db, "2025-03-01")[:4] == (
        "Spring",
        "2024/25",
        day("2025-01-01"),
        day("2025-04-20"),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[[terms]]\nname = 'Autumn'\nstarts_on = '2025-09-03'\nends_on = 2025-12-19\n",
            "[[terms]] entry 1 (Autumn): 'starts_on' must be a date written as YYYY-MM-DD",
        ),
        (
            "[[terms]]\nname = 'Autumn'\nstarts_on = 2025-12-19\nends_on = 2025-09-03\n",
            "'ends_on' is before 'starts_on'",
        ),
        (
            "[[terms]]\nname = 'A'\nstarts_on = 2025-09-01\nends_on = 2025-12-19\n"
            "[[terms]]\nname = 'B'\nstarts_on = 2025-12-01\nends_on = 2026-03-01\n",
            "the terms A 2025/26 and B 2025/26 overlap",
        ),
        ("[[terms]]\nname = 'Autumn'\nstart = 2025-09-01\n", "unknown key 'start'"),
        ("[vacations]\n", "unknown key 'vacations'"),
        ("[[terms]\n", "is not valid TOML"),
    ],
)
def test_a_bad_terms_file_is_refused_naming_the_file(tmp_path, text, message):
    path = tmp_path / "terms.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(calendar.TermsFileError) as error:
        calendar.load_term_overrides(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_no_terms_file_means_default_terms(tmp_path):
    assert calendar.load_term_overrides(tmp_path / "missing.toml") == []


def test_the_shipped_terms_file_keeps_the_defaults():
    """config/terms.toml ships as a commented example: no terms, so the defaults apply."""
    shipped = paths.PROJECT_ROOT / "config" / "terms.toml"
    assert shipped.is_file()
    assert calendar.load_term_overrides(shipped) == []


# --- school days: KCSIE's "within 5 days" of a move counts days the school is open -------------

HALF_TERM = """
[[holidays]]
name = "Autumn half-term"
starts_on = 2025-10-27
ends_on = 2025-10-31
"""


@pytest.fixture
def term_dates_db(tmp_path, monkeypatch):
    """St Bart's 2025/26 terms with the October half-term (27-31 October 2025)."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "terms.toml").write_text(TERMS_2025_26 + HALF_TERM, encoding="utf-8")
    monkeypatch.setenv("SAFEGUARDING_CONFIG", str(config))
    return build(tmp_path)


@pytest.mark.parametrize(
    ("start", "n", "expected", "why"),
    [
        ("2025-10-01", 5, "2025-10-08", "Wednesday in term + 5: next Wednesday"),
        ("2025-10-24", 5, "2025-11-07", "Friday before half-term: the week off is skipped"),
        ("2025-10-29", 1, "2025-11-03", "a day in half-term + 1: the first day back"),
        ("2025-12-19", 5, "2026-01-09", "the last day of term: the first 5 days of the new one"),
        ("2026-03-27", 1, "2026-04-13", "end of spring term: the Easter holiday is skipped"),
    ],
)
def test_add_school_days_skips_holidays_between_and_inside_terms(
    term_dates_db, start, n, expected, why
):
    assert add_school_days(term_dates_db, start, n) == day(expected), why
    # working days do not know the holidays
    if start == "2025-10-24":
        assert add_working_days(term_dates_db, start, n) == day("2025-10-31")


def test_without_term_dates_a_school_day_is_a_working_day(empty_db):
    for start, n in (("2025-05-02", 1), ("2025-12-24", 5), ("2028-02-28", 1)):
        assert add_school_days(empty_db, start, n) == add_working_days(empty_db, start, n)
    assert add_school_days(empty_db, "2028-02-28", 1) == day("2028-02-29")  # a leap day


def test_a_bad_holidays_entry_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "terms.toml"
    path.write_text("[[holidays]]\nname = 'Half-term'\nstarts_on = 2025-10-27\n")
    with pytest.raises(calendar.TermsFileError) as error:
        calendar.load_school_holidays(path)
    assert str(path) in str(error.value) and "[[holidays]] entry 1" in str(error.value)
    path.write_text("[holidays]\n")
    with pytest.raises(calendar.TermsFileError, match="list of"):
        calendar.load_school_holidays(path)
