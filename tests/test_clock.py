"""One clock: the product asks safeguarding.clock for every "now" and "today", tests move it,
and a date after today is refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import NOW, TODAY

from safeguarding import clock
from safeguarding.paths import PROJECT_ROOT

# Anything that reads the real clock behind clock.py's back: Python's, and DuckDB's own (which
# no Python time mocking reaches, so a query using it would go wrong on any other day).
READS_THE_CLOCK = re.compile(
    r"\b(?:date\.today|datetime\.now|datetime\.utcnow|datetime\.today|time\.time|time\.localtime"
    r"|time\.gmtime|current_date|current_timestamp|current_localtimestamp|get_current_time"
    r"|get_current_timestamp)\s*\(|\bcurrent_(?:date|timestamp)\b|\bnow\(\)",
    re.IGNORECASE,
)
# The benchmark times itself with perf_counter, which is not a clock reading of "now".
PRODUCT_CODE = [
    "dashboard.py",
    "pages/*.py",
    "safeguarding/**/*.py",
    "queries/**/*.sql",
    "bench/*.py",
]


def _product_files():
    for pattern in PRODUCT_CODE:
        yield from PROJECT_ROOT.glob(pattern)


def test_only_the_clock_module_reads_the_clock():
    offenders = []
    for path in _product_files():
        if path == PROJECT_ROOT / "safeguarding" / "clock.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            code = line.split("--", 1)[0] if path.suffix == ".sql" else line.split("#", 1)[0]
            # clock.today() / clock.now() are the one clock
            code = re.sub(r"\bclock\.(?:today|now)\(\)", "", code)
            if READS_THE_CLOCK.search(code):
                offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "read the time through safeguarding.clock:\n" + "\n".join(offenders)


def test_the_scan_finds_a_clock_read():
    """The scan above must be able to fail: each way of reading the clock is caught."""
    for line in [
        "as_of = dt.date.today()",
        "now = datetime.now()",
        "stamp = time.time()",
        "insert into t values (current_timestamp)",
        "select current_date",
        "select now()",
        "$ingested_by, current_localtimestamp()",
    ]:
        assert READS_THE_CLOCK.search(line), line
    assert not READS_THE_CLOCK.search("as_of = clock_today")


def test_the_tests_run_on_their_own_clock_whatever_the_real_date():
    assert clock.today() == TODAY
    assert NOW <= clock.now() < NOW + dt.timedelta(hours=6)


def test_a_test_can_move_the_clock(time_machine):
    time_machine.move_to(dt.datetime(2028, 2, 29, 23, 30))
    assert clock.today() == dt.date(2028, 2, 29)
    assert clock.now().microsecond == 0


def test_safeguarding_now_pins_the_clock(monkeypatch):
    monkeypatch.setenv(clock.PIN_VARIABLE, "2027-10-14T09:00")
    assert clock.pinned() == dt.datetime(2027, 10, 14, 9, 0)
    assert clock.now() == dt.datetime(2027, 10, 14, 9, 0)
    monkeypatch.setenv(clock.PIN_VARIABLE, "2027-10-14")
    assert clock.today() == dt.date(2027, 10, 14)
    monkeypatch.setenv(clock.PIN_VARIABLE, "")
    assert clock.pinned() is None and clock.today() == TODAY


def test_an_unreadable_pin_says_how_to_write_it(monkeypatch):
    monkeypatch.setenv(clock.PIN_VARIABLE, "next tuesday")
    with pytest.raises(clock.ClockError, match="YYYY-MM-DD or YYYY-MM-DDTHH:MM"):
        clock.now()


def test_today_is_allowed_and_tomorrow_is_refused():
    assert clock.refuse_future(TODAY) == TODAY
    assert clock.refuse_future(TODAY - dt.timedelta(days=400)) == TODAY - dt.timedelta(days=400)
    with pytest.raises(clock.FutureDate, match=r"2026-11-29 is after today \(2026-11-28\)"):
        clock.refuse_future(TODAY + dt.timedelta(days=1))


def test_a_link_to_a_future_date_shows_today_and_says_so(page):
    tomorrow = TODAY + dt.timedelta(days=1)
    future = page("pages/overview.py", as_of=tomorrow.isoformat())
    assert not future.exception
    [warning] = [w.value for w in future.warning if "after today" in w.value]
    assert f"as of {tomorrow:%-d %B %Y}, which is after today ({TODAY:%-d %B %Y})" in warning
    [picker] = [d for d in future.date_input if d.key == "f_as_of"]
    assert picker.value == TODAY and picker.max == TODAY
    assert future.query_params["as_of"] == TODAY.isoformat()
    # the figures are today's, never an empty future's 0 %
    today = page("pages/overview.py")
    assert [(m.label, m.value) for m in future.metric] == [(m.label, m.value) for m in today.metric]
    assert not any("after today" in w.value for w in today.warning)


def test_the_dashboard_says_when_the_clock_is_pinned(page, monkeypatch):
    monkeypatch.setenv(clock.PIN_VARIABLE, NOW.isoformat())
    app = page("pages/overview.py")
    assert any(
        f"pinned to 28 November 2026 09:00 by {clock.PIN_VARIABLE}" in c.value for c in app.caption
    )
    from page_helpers import run_page

    governor = run_page("pages/overview.py", demo_role="governor")
    assert any(clock.PIN_VARIABLE in c.value for c in governor.caption)
    monkeypatch.delenv(clock.PIN_VARIABLE)
    assert not any(clock.PIN_VARIABLE in c.value for c in page("pages/overview.py").caption)
