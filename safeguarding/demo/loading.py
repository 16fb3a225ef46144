"""Loading the demo trust's exports: twice, a week apart, so that "since the last meeting" has a
week of history to compare (product.md §4.2).

A real trust loads its exports every week; the demo is written once. Its files are loaded first
as the database would have stood at last week's meeting (the clock set to a week before today,
16:00), then again today (an identical re-export: no new versions). The first load holds the
records of the last week too, which a real trust's would not; every list and figure is taken at
its as-of date, so last week's agenda still holds only what was due by then.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

LAST_MEETING_DAYS_AGO = 7
LAST_WEEK_LOAD_TIME = dt.time(16, 0)


def ingest_demo(files: list[Path], db: Path, today: dt.date):
    """Ingest the demo files a week ago and today; returns the first load's FileResults."""
    # Imported here so that writing the files never depends on the ingest machinery.
    from safeguarding.ingest import ingest_files

    last_week = dt.datetime.combine(
        today - dt.timedelta(days=LAST_MEETING_DAYS_AGO), LAST_WEEK_LOAD_TIME
    )
    results = ingest_files(files, db=db, who="demo", today=today, now=last_week)
    if all(result.status != "refused" for result in results):
        ingest_files(files, db=db, who="demo", today=today)
    return results
