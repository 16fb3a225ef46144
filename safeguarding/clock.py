"""The one clock: every "now" and "today" in the product comes from here.

Ingest times, data freshness, the default as-of date, the demo's export date, policy imports
and board-pack dates all ask this module, never `datetime.now()` or SQL's `current_timestamp`,
so that a test can move time for the whole product at once (the suite uses `time-machine`).

`SAFEGUARDING_NOW` (an ISO date or date and time) pins the clock for a whole process and the
processes it starts: the tests give it to the dashboard server the browser tests drive, and a
trainer can give it to a demo. The dashboard says so on every page when it is set.
"""

from __future__ import annotations

import datetime as dt
import os

PIN_VARIABLE = "SAFEGUARDING_NOW"


class ClockError(ValueError):
    """SAFEGUARDING_NOW cannot be read as a date or a date and time."""


class FutureDate(ValueError):
    """An as-of date after today: nothing can be known about it yet."""


def pinned() -> dt.datetime | None:
    """The moment SAFEGUARDING_NOW pins the clock to, or None when the clock runs freely."""
    text = os.environ.get(PIN_VARIABLE, "").strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ClockError(
            f"{PIN_VARIABLE}={text!r} is not a date or a date and time. Write it as "
            "YYYY-MM-DD or YYYY-MM-DDTHH:MM, or unset it to use the real clock."
        ) from None
    return moment.replace(tzinfo=None, microsecond=0)


def now() -> dt.datetime:
    """The local wall-clock time to the second (naive, as the database stores it)."""
    return pinned() or dt.datetime.now().replace(microsecond=0)


def today() -> dt.date:
    return now().date()


def refuse_future(as_of: dt.date, what: str = "The as-of date") -> dt.date:
    """`as_of`, unless it is after today: figures for a day that has not happened would count
    nothing and show 0 % as though it were a finding."""
    current = today()
    if as_of > current:
        raise FutureDate(
            f"{what} {as_of:%Y-%m-%d} is after today ({current:%Y-%m-%d}): nothing can be known "
            "about a day that has not happened. Choose today or an earlier date."
        )
    return as_of
