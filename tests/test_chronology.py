"""One child's chronology across the trust (issue 20.2): every concern and referral, at every
academy, in time order, with gaps and moves; who may open it, checked where the data is read.

The child (trust pseudonym T-AAAA...) was at OAK in the spring and moved to ELM in September:
  C1 OAK concern   Mon 3 Mar 2025 09:00, neglect, reviewed 11:00 the same day       on time
  R1 OAK referral  Tue 4 Mar 2025 10:00 to social care about C1, feedback Wed 5 Mar   on time
  C2 ELM concern   Mon 15 Sep 2025 10:00, CSE, never reviewed (as of 1 Oct)         outstanding
  C3 ELM concern   Wed 17 Sep 2025 12:00, online safety, loaded on 20 Sep 2025
195 days lie between R1 and C2 (27 left of March, 153 of April to August, 15 of September).
Another child is at ELM only; a third ELM concern has no trust pseudonym at all.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest
from metric_fixtures import build

from safeguarding import chronology, cli, identity
from safeguarding.scope import Scope

CHILD = "T-" + "A" * 16
OTHER = "T-" + "B" * 16
AS_OF = dt.date(2025, 10, 1)
EVERY = ("OAK", "ELM", "ASH")


@pytest.fixture
def db(tmp_path):
    return chronology_db(tmp_path)


def chronology_db(tmp_path):
    """The database of the module's docstring (also opened by tests/test_page_chronology.py)."""
    return build(
        tmp_path,
        concerns=[
            {
                "academy_code": "OAK",
                "concern_id": "C1",
                "pupil_ref": "P-OAKCHILD",
                "trust_pupil_ref": CHILD,
                "logged_at": "2025-03-03 09:00",
                "dsl_reviewed_at": "2025-03-03 11:00",
                "category": "neglect",
                "status": "closed",
                "outcome": "referral",
            },
            {
                "academy_code": "ELM",
                "concern_id": "C2",
                "pupil_ref": "P-ELMCHILD",
                "trust_pupil_ref": CHILD,
                "logged_at": "2025-09-15 10:00",
                "category": "child_sexual_exploitation",
            },
            {
                "academy_code": "ELM",
                "concern_id": "C3",
                "pupil_ref": "P-ELMCHILD",
                "trust_pupil_ref": CHILD,
                "logged_at": "2025-09-17 12:00",
                "dsl_reviewed_at": "2025-09-17 13:00",
                "category": "online_safety",
                "known_from": dt.datetime(2025, 9, 20, 8, 0),
            },
            {
                "academy_code": "ELM",
                "concern_id": "C9",
                "pupil_ref": "P-ELMOTHER",
                "trust_pupil_ref": OTHER,
                "logged_at": "2025-09-16 10:00",
            },
            {"academy_code": "ELM", "concern_id": "C10", "logged_at": "2025-09-16 11:00"},
        ],
        referrals=[
            {
                "academy_code": "OAK",
                "referral_id": "R1",
                "concern_id": "C1",
                "pupil_ref": "P-OAKCHILD",
                "trust_pupil_ref": CHILD,
                "referred_at": "2025-03-04 10:00",
                "feedback_at": "2025-03-05 09:30",
                "decision": "section_17",
            }
        ],
    )


def scope(role: str, own: tuple[str, ...] = ()) -> Scope:
    return identity.scope_for(identity.User("tester", role, own), EVERY)


def read(db, who: Scope, ref: str = CHILD, known_at=None):
    with duckdb.connect(str(db), read_only=True) as con:
        return chronology.read(con, ref, who, AS_OF, known_at)


def test_the_child_s_records_at_two_academies_in_time_order_with_the_gap_and_the_move(db):
    rows = read(db, scope("trust_lead"))
    assert list(rows["record_no"]) == [1, 2, 3, 4]
    assert [
        (r.academy_code, r.record, r.concern_id, r.referral_id, r.timeliness)
        for r in rows.itertuples()
    ] == [
        ("OAK", "concern", "C1", None, "on_time"),
        ("OAK", "referral", "C1", "R1", "on_time"),
        ("ELM", "concern", "C2", None, "outstanding"),
        ("ELM", "concern", "C3", None, "on_time"),
    ]
    assert list(rows["at"]) == sorted(rows["at"])
    assert rows["days_since_previous"].tolist()[1:] == [1, 195, 2]
    assert rows["is_move"].tolist() == [False, False, True, False]
    # the referral carries its concern's category, its agency and decision
    referral = rows.iloc[1]
    assert (referral.category, referral.agency, referral.outcome) == (
        "neglect",
        "children_social_care",
        "section_17",
    )
    # no academy pseudonym and no other child in it
    assert "pupil_ref" not in rows.columns
    assert not {"C9", "C10"} & set(rows["concern_id"])


def test_as_known_before_a_record_was_loaded_it_is_not_there(db):
    rows = read(db, scope("trust_lead"), known_at=dt.datetime(2025, 9, 18, 12, 0))
    assert list(rows["concern_id"]) == ["C1", "C1", "C2"]


def test_a_dsl_of_an_academy_the_child_attended_sees_it_all_another_dsl_nothing(db):
    assert len(read(db, scope("dsl", ("ELM",)))) == 4  # OAK's records included
    assert len(read(db, scope("dsl", ("OAK",)))) == 4
    with pytest.raises(chronology.ChronologyRefused, match="no records at your academy"):
        read(db, scope("dsl", ("ASH",)))
    # a child who does not exist gets the same answer: nothing is learnt about existence
    with pytest.raises(chronology.ChronologyRefused, match="no records at your academy"):
        read(db, scope("dsl", ("ASH",)), ref="T-" + "C" * 16)


@pytest.mark.parametrize("role, own", [("governor", ()), ("local_governor", ("OAK",))])
def test_governors_get_nothing_from_the_data_layer(db, role, own):
    with pytest.raises(chronology.ChronologyRefused, match="governors"):
        read(db, scope(role, own))


def test_a_reference_that_is_no_trust_pseudonym_is_refused(db):
    with pytest.raises(ValueError, match="trust pseudonym"):
        read(db, scope("trust_lead"), ref="P-OAKCHILD")


def test_the_command_line(db, capsys):
    base = ["chronology", "--pupil", CHILD, "--db", str(db), "--as-of", AS_OF.isoformat()]
    assert cli.main([*base, "--format", "json"]) == cli.EXIT_OK
    records = json.loads(capsys.readouterr().out)
    assert [(r["academy_code"], r["concern_id"], r["referral_id"]) for r in records] == [
        ("OAK", "C1", None),
        ("OAK", "C1", "R1"),
        ("ELM", "C2", None),
        ("ELM", "C3", None),
    ]
    assert records[2]["is_move"] is True and records[2]["days_since_previous"] == 195
    assert cli.main(base) == cli.EXIT_OK
    table = capsys.readouterr().out
    assert "moved from another academy" in table and "195 days" in table
    assert table.index("C1") < table.index("R1") < table.index("C2")

    assert cli.main([*base, "--role", "dsl", "--academy", "ELM"]) == cli.EXIT_OK
    capsys.readouterr()
    assert cli.main([*base, "--role", "dsl", "--academy", "ASH"]) == cli.EXIT_REFUSED
    assert "no records at your academy" in capsys.readouterr().err
    assert cli.main([*base, "--role", "dsl"]) == cli.EXIT_USAGE
    capsys.readouterr()


@pytest.mark.parametrize("role", ["governor", "local_governor"])
def test_the_command_line_refuses_governors_with_status_1(db, capsys, role):
    command = ["chronology", "--pupil", CHILD, "--db", str(db), "--role", role]
    assert cli.main([*command, "--academy", "OAK"]) == cli.EXIT_REFUSED
    captured = capsys.readouterr()
    assert "refused" in captured.err and captured.out == ""
