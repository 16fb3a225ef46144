"""Data freshness means one thing at every as-of date: `status --as-of D`, the Data page and
the overview's needs-attention list agree, cell by cell, with days counted by hand.

The rule (docs/product.md §3): at D, days since the last export = D − the day of the latest
export (a load, or an identical re-export) that had arrived by the end of D; an export that
arrived after D has not happened yet at D, so before the first one it is "never", and stale.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import ACADEMIES_CSV, NOW
from page_helpers import run_page

from safeguarding import cli

OAK_CONCERNS = (
    "academy_code,concern_id,pupil_ref,logged_at,category\n"
    "OAK,C1,PUP-TEST-0001,2026-10-30 09:00,neglect\n"
)
OAK_STAFF = "academy_code,staff_ref,role,start_date\nOAK,STF-TEST-01,teacher,2020-01-01\n"
DATASETS = ("concerns", "referrals", "staff", "training", "policies")

# When each export arrived (the clock at the ingest), and so what every cell says at each D.
ARRIVALS = [
    (dt.datetime(2026, 11, 1, 8, 0), "academies.csv", ACADEMIES_CSV),
    (dt.datetime(2026, 11, 2, 16, 30), "oak-concerns.csv", OAK_CONCERNS),
    (dt.datetime(2026, 11, 10, 9, 0), "oak-staff.csv", OAK_STAFF),
    (dt.datetime(2026, 11, 12, 23, 59), "oak-concerns-again.csv", OAK_CONCERNS),  # identical
]
NEVER = ("never", True)
# D -> {(academy, dataset): (days or "never", stale?)}; unlisted cells are never and stale.
EXPECTED = {
    dt.date(2026, 11, 1): {},
    dt.date(2026, 11, 2): {("OAK", "concerns"): (0, False)},
    dt.date(2026, 11, 9): {("OAK", "concerns"): (7, False)},
    dt.date(2026, 11, 10): {("OAK", "concerns"): (8, False), ("OAK", "staff"): (0, False)},
    # the identical re-export late on the 12th counts from the 12th
    dt.date(2026, 11, 12): {("OAK", "concerns"): (0, False), ("OAK", "staff"): (2, False)},
    # 14 days is not stale (more than 14 is), 15 is
    dt.date(2026, 11, 24): {("OAK", "concerns"): (12, False), ("OAK", "staff"): (14, False)},
    dt.date(2026, 11, 25): {("OAK", "concerns"): (13, False), ("OAK", "staff"): (15, True)},
    dt.date(2026, 11, 28): {("OAK", "concerns"): (16, True), ("OAK", "staff"): (18, True)},
}


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """A two-academy trust whose exports arrived on the days in ARRIVALS (ELM never sent one)."""
    import time_machine

    from safeguarding.ingest import ingest_files

    folder = tmp_path_factory.mktemp("freshness")
    db = folder / "trust.duckdb"
    for at, name, text in ARRIVALS:
        path = folder / name
        path.write_text(text)
        with time_machine.travel(at, tick=False):
            [result] = ingest_files([path], db=db, who="test-runner")
        assert result.status in ("loaded", "unchanged"), result.message
    return db


def _expected(as_of: dt.date) -> dict[tuple[str, str], tuple]:
    cells = {(a, d): NEVER for a in ("ELM", "OAK") for d in DATASETS}
    cells.update(EXPECTED[as_of])
    return cells


def _from_status(db, as_of: dt.date, capsys) -> dict[tuple[str, str], tuple]:
    assert cli.main(["status", "--db", str(db), "--as-of", as_of.isoformat()]) == cli.EXIT_OK
    section = capsys.readouterr().out.split("Data freshness")[1].splitlines()
    columns = section[1].split()[1:]
    cells = {}
    for line in section[2:]:
        academy, *values = line.split()
        for dataset, value in zip(columns, values, strict=True):
            days = value.rstrip("*")
            cells[(academy, dataset)] = (days if days == "never" else int(days), "*" in value)
    return cells


def _from_data_page(as_of: dt.date) -> dict[tuple[str, str], tuple]:
    app = run_page("pages/data.py", query_params={"as_of": as_of.isoformat()})
    assert not app.exception
    cells = {}
    for label, row in app.dataframe[0].value.iterrows():
        academy = re.search(r"\((\w+)\)$", label).group(1)
        for dataset, text in row.items():
            days = text.removesuffix(" ⚠").removesuffix(" days")
            cells[(academy, dataset)] = (days if days == "never" else int(days), "⚠" in text)
    return cells


def _stale_on_the_overview(as_of: dt.date) -> set[tuple[str, str]]:
    app = run_page("pages/overview.py", query_params={"as_of": as_of.isoformat()})
    assert not app.exception
    stale = set()
    for table in app.dataframe[:1]:  # the agenda now (resolved items follow in their own table)
        frame = table.value
        if "area" not in frame:
            continue
        for row in frame[frame["area"] == "Data stale"].itertuples():
            stale.add((row.academy_code, row.item.removesuffix(" export").lower()))
    return stale


@pytest.mark.parametrize("as_of", sorted(EXPECTED), ids=str)
def test_status_data_page_and_overview_agree_with_the_rule(
    history, as_of, capsys, monkeypatch, time_machine
):
    time_machine.move_to(NOW)  # every D is on or before today
    monkeypatch.setenv("SAFEGUARDING_DB", str(history))
    monkeypatch.setenv("SAFEGUARDING_ALLOW_DEMO_MODE", "1")
    expected = _expected(as_of)
    assert _from_status(history, as_of, capsys) == expected
    assert _from_data_page(as_of) == expected
    assert _stale_on_the_overview(as_of) == {key for key, (_, stale) in expected.items() if stale}
