"""The one window every figure, list and page is computed for (product.md §4).

A window is an as-of date, the moment figures are taken at (the end of that day; anything
recorded as happening later has not happened yet), and the event window [date_from, date_to],
both ends in, in which events such as concerns logged count. States (training in date, reviews
overdue) are taken at the as-of date whatever the event window. The knowledge time `known_at`
is the moment whose database is read: the rows as every ingest finished by then left them
(None: the latest), so a figure given to a meeting can be computed again as it was then.

Queries receive a window as `$windows`, a list of {as_of, date_from, date_to} structs, and the
models of queries/models/ compute every rule for each window in the list: one window and a
trend series are the same query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DEFAULT_WINDOW_DAYS = 365


class ScopeError(ValueError):
    """The requested dates or academies cannot be used; the message says what to change."""


@dataclass(frozen=True)
class Window:
    as_of: dt.date
    date_from: dt.date
    date_to: dt.date
    known_at: dt.datetime | None = None

    def __post_init__(self):
        if self.date_from > self.date_to:
            raise ScopeError(
                f"The window starts ({self.date_from}) after it ends ({self.date_to})."
            )

    @classmethod
    def ending(
        cls,
        as_of: dt.date,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        known_at: dt.datetime | None = None,
    ) -> Window:
        """product.md §4 defaults: to = the as-of date, from = to − 364 days (a year, both ends
        in)."""
        date_to = date_to or as_of
        date_from = date_from or date_to - dt.timedelta(days=DEFAULT_WINDOW_DAYS - 1)
        return cls(as_of, date_from, date_to, known_at)

    def moved_back(self, days: int) -> Window:
        """The same window, every date `days` earlier (for "change since last week")."""
        shift = dt.timedelta(days=days)
        return Window(
            self.as_of - shift, self.date_from - shift, self.date_to - shift, self.known_at
        )

    def as_param(self) -> dict[str, dt.date | dt.datetime | None]:
        """The struct a query's `$windows` list holds."""
        return {
            "as_of": self.as_of,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "known_at": self.known_at,
        }


def bind(windows: list[Window] | tuple[Window, ...]) -> list[dict]:
    """The value of `$windows` for these windows."""
    return [window.as_param() for window in windows]
