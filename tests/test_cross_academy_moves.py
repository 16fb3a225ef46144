"""Cross-academy patterns (issue 20.4): moves between academies and CSE concerns after a move,
per pair of academies, from the chronology model; suppressed for governors.

In 2024/25 (as of 1 October 2025), by trust pseudonym:
  X  OAK neglect 1 Oct 2024, then ELM CSE 3 Feb 2025               OAK -> ELM, CSE after it
  Y  OAK neglect 4 Nov 2024, then ELM neglect 3 Mar 2025, ELM CSE 7 Apr 2025
                                                                   OAK -> ELM, CSE after it
  Z  ELM neglect 7 Oct 2024, then OAK neglect 13 Jan 2025          ELM -> OAK
  W  OAK CSE 2 Dec 2024 only                                       no move
So OAK -> ELM: 2 moves, 2 CSE concerns after a move; ELM -> OAK: 1 move, none.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from metric_fixtures import build

from safeguarding import metrics, sql, suppressed_views
from safeguarding import standards as standards_module
from safeguarding.codes import TRUST
from safeguarding.window import Window, bind

AS_OF = dt.date(2025, 10, 1)
YEAR = (dt.date(2024, 9, 1), dt.date(2025, 8, 31))


def child(letter: str) -> str:
    return "T-" + letter * 16


def concern(academy, who, logged, category="neglect"):
    return {
        "academy_code": academy,
        "trust_pupil_ref": child(who),
        "pupil_ref": f"P-{academy}-{who}",
        "logged_at": f"{logged} 10:00",
        "category": category,
    }


@pytest.fixture
def db(tmp_path):
    cse = "child_sexual_exploitation"
    return build(
        tmp_path,
        concerns=[
            concern("OAK", "X", "2024-10-01"),
            concern("ELM", "X", "2025-02-03", cse),
            concern("OAK", "Y", "2024-11-04"),
            concern("ELM", "Y", "2025-03-03"),
            concern("ELM", "Y", "2025-04-07", cse),
            concern("ELM", "Z", "2024-10-07"),
            concern("OAK", "Z", "2025-01-13"),
            concern("OAK", "W", "2024-12-02", cse),
        ],
    )


def run(db, date_from, date_to, academies=("OAK", "ELM", "ASH")):
    text = sql.load("dashboard/cross_academy_moves")
    params = metrics.bound(
        {"windows": bind([Window(AS_OF, date_from, date_to)]), "academy_codes": list(academies)},
        standards_module.load().query_parameters(),
    )
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(text, sql.params_for(text, params)).df()


def pairs(frame):
    return {
        (r.from_academy_code, r.to_academy_code): (r.moves, r.cse_concerns_after_move)
        for r in frame.itertuples()
    }


def test_moves_and_cse_after_a_move_per_pair(db):
    assert pairs(run(db, *YEAR)) == {("OAK", "ELM"): (2, 2), ("ELM", "OAK"): (1, 0)}


def test_the_receiving_academies_filter_the_rows(db):
    assert pairs(run(db, *YEAR, academies=("OAK",))) == {("ELM", "OAK"): (1, 0)}


def test_a_move_counts_in_the_window_of_its_receiving_record(db):
    # from 1 January the earlier records are before the window, yet the child came from there
    assert pairs(run(db, dt.date(2025, 1, 1), YEAR[1])) == {
        ("OAK", "ELM"): (2, 2),
        ("ELM", "OAK"): (1, 0),
    }
    # the spring term alone: X's move on 3 Feb and Y's on 3 Mar, Z's on 13 Jan; Y's CSE
    # concern of 7 April is in the summer term
    spring = run(db, dt.date(2025, 1, 1), dt.date(2025, 4, 6))
    assert pairs(spring) == {("OAK", "ELM"): (2, 1), ("ELM", "OAK"): (1, 0)}


def test_governors_see_every_small_pair_count_hidden(db):
    """The suppressed table (every academy, every term and the year) shows c for 1 to 5, in the
    trust view and each academy's: no pair count of this table can be read."""
    rules = standards_module.load().query_parameters()
    text = sql.load("dashboard/cross_academy_moves")

    def query(params):
        bound = metrics.bound(
            {
                "windows": bind([Window(params["as_of"], params["date_from"], params["date_to"])]),
                "academy_codes": params["academy_codes"],
            },
            rules,
        )
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute(text, sql.params_for(text, bound)).df()

    params = {"as_of": AS_OF, "date_from": YEAR[0], "date_to": YEAR[1]}
    for view in (TRUST, "OAK", "ELM"):
        table = suppressed_views.count_table(
            query, params, ["moves", "cse_concerns_after_move"], ("ASH", "ELM", "OAK"), view
        )
        shown = set(table["moves"]) | set(table["cse_concerns_after_move"])
        assert shown <= {"c", 0}, (view, table)
        received = {"TRUST": 2, "OAK": 1, "ELM": 1}[view]  # the pairs each view holds
        assert len(table) == received, (view, table)
