"""The demo's calendar. Days are "epoch days" (days since 1970-01-01, numpy's datetime64[D]
integers), so that a million concerns' deadlines are computed as arrays, not day by day."""

from __future__ import annotations

import datetime as dt

import holidays
import numpy as np

EPOCH = dt.date(1970, 1, 1)


def epoch_day(day: dt.date) -> int:
    return (day - EPOCH).days


def from_epoch_day(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


class SchoolCalendar:
    """Working days (Mon-Fri except England and Wales bank holidays) and school-day weights."""

    def __init__(self, first: dt.date, last: dt.date):
        self.first = epoch_day(first)
        self.last = epoch_day(last)
        years = range(first.year - 1, last.year + 2)
        bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=years)
        self._bank_holidays = np.array(sorted(epoch_day(d) for d in bank_holidays))
        days = np.arange(self.first, self.last + 1)
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
        self.workdays = days[(weekday < 5) & ~np.isin(days, self._bank_holidays)]
        self._good_fridays = [
            epoch_day(d) for d, name in bank_holidays.items() if name == "Good Friday"
        ]

    def add_working_days(self, days, n):
        """The n-th working day after each day (n >= 1); works on scalars and arrays."""
        index = np.searchsorted(self.workdays, days, side="right") + np.asarray(n) - 1
        return self.workdays[index]

    def on_or_after(self, day: int) -> int:
        """The day itself when it is a working day, else the next working day."""
        return int(self.workdays[np.searchsorted(self.workdays, day, side="left")])

    def is_working_day(self, days: np.ndarray) -> np.ndarray:
        index = np.searchsorted(self.workdays, days).clip(0, len(self.workdays) - 1)
        return self.workdays[index] == days

    def school_day_weights(self, days: np.ndarray) -> np.ndarray:
        """Concerns are logged mostly in term time; holidays and weekends see a few."""
        dates = days.astype("datetime64[D]")
        months = dates.astype("datetime64[M]").astype(int) % 12 + 1
        day_of_month = (dates - dates.astype("datetime64[M]")).astype(int) + 1
        holiday = (
            (months == 8)
            | ((months == 7) & (day_of_month >= 22))
            | ((months == 12) & (day_of_month >= 21))
            | ((months == 1) & (day_of_month <= 3))
            | ((months == 10) & (day_of_month >= 25))
            | ((months == 2) & (day_of_month >= 14) & (day_of_month <= 20))
            | ((months == 5) & (day_of_month >= 26))
        )
        for good_friday in self._good_fridays:
            holiday |= (days >= good_friday - 4) & (days <= good_friday + 10)
        weights = np.where(holiday, 0.15, 1.0)
        return np.where(self.is_working_day(days), weights, 0.04)

    def first_september_workday(self, year: int) -> int:
        return self.on_or_after(epoch_day(dt.date(year, 9, 1)))
