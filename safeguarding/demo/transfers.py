"""The demo trust's transfers exports: every child who moved (trust_links.Move) had a
child-protection file, which the academy they left sent on, mostly within KCSIE's 5 days, and
whose receipt the new school mostly confirmed. Each academy has its own habit, so the figures
differ between academies as real ones do."""

from __future__ import annotations

import datetime as dt

import numpy as np

from safeguarding.demo.school_calendar import SchoolCalendar, epoch_day
from safeguarding.demo.tables import Table, new_table
from safeguarding.demo.trust import Academy, DemoOptions, seeded_random
from safeguarding.demo.trust_links import Move

# A primary's year 6 leave on the last day of the summer term.
SUMMER_LAST_DAY = (7, 22)
NEVER_SENT_SHARE = 0.2  # of the files not sent on time, those not sent at all
RECEIPT_SHARE = 0.88


def make_transfers(
    academies: list[Academy], moves: list[Move], options: DemoOptions, calendar: SchoolCalendar
) -> dict[str, Table]:
    """One transfers table per academy: the children who left it, in the order they left."""
    today = epoch_day(options.today)
    rows: dict[str, list[tuple]] = {academy.code: [] for academy in academies}
    habits = {
        a.code: seeded_random(options, a.code, "transfer-habit").uniform(0.6, 0.97)
        for a in academies
    }
    for move in moves:
        rnd = seeded_random(options, move.from_code, f"transfer-{move.pupil_ref}")
        left_on = _left_on(move, rnd, calendar, today)
        if left_on is None or left_on > today:
            continue
        sent = _sent_on(left_on, habits[move.from_code], rnd, calendar)
        received = None
        if sent is not None and rnd.random() < RECEIPT_SHARE:
            received = int(calendar.add_working_days(sent, rnd.randint(1, 4)))
        sent, received = (
            day if day is not None and day <= today else None for day in (sent, received)
        )
        if sent is None:
            received = None
        rows[move.from_code].append(
            (left_on, move.trust_pupil_ref, move.pupil_ref, move.to_code or "", sent, received)
        )
    return {code: _table(code, sorted(listed)) for code, listed in rows.items()}


def _left_on(move: Move, rnd, calendar: SchoolCalendar, today: int) -> int | None:
    """A day between the child's last concern here and their first at the new school (for a
    school outside the trust, some months later, and not after today)."""
    last = int(move.last_there.astype("datetime64[D]").astype(np.int64))
    if move.first_here is None:
        first = min(last + rnd.randint(30, 240), today)
    else:
        first = int(move.first_here.astype("datetime64[D]").astype(np.int64))
    if first - last < 2:
        return None
    for year in range(_year(last), _year(first) + 1):
        summer = epoch_day(_date(year, *SUMMER_LAST_DAY))
        if last < summer < first:
            return _working_day_on_or_before(summer, calendar)
    moved = calendar.on_or_after(last + rnd.randint(1, first - last - 1))
    return moved if moved < first else None


def _sent_on(left_on: int, on_time_share: float, rnd, calendar: SchoolCalendar) -> int | None:
    if rnd.random() < on_time_share:
        return int(calendar.add_working_days(left_on, rnd.randint(1, 5)))
    if rnd.random() < NEVER_SENT_SHARE:
        return None
    return int(calendar.add_working_days(left_on, rnd.randint(6, 20)))


def _table(code: str, listed: list[tuple]) -> Table:
    table = new_table("transfers", len(listed))
    table["academy_code"][:] = code
    for i, (left_on, trust_ref, pupil_ref, to_code, sent, received) in enumerate(listed):
        table["left_on"][i] = np.datetime64(left_on, "D")
        table["trust_pupil_ref"][i] = trust_ref
        table["pupil_ref"][i] = pupil_ref
        table["to_academy_code"][i] = to_code
        if sent is not None:
            table["cp_file_sent_on"][i] = np.datetime64(sent, "D")
        if received is not None:
            table["receipt_confirmed_on"][i] = np.datetime64(received, "D")
    return table


def _working_day_on_or_before(day: int, calendar: SchoolCalendar) -> int:
    index = np.searchsorted(calendar.workdays, day, side="right") - 1
    return int(calendar.workdays[index])


def _year(day: int) -> int:
    return int(np.datetime64(day, "D").astype("datetime64[Y]").astype(int) + 1970)


def _date(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)
