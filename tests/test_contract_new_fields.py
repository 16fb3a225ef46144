"""The optional columns added in schema 7 (docs/data-contract.md): concerns' pupil_informed_on,
pupil_views_recorded and mentor_last_contact_on; referrals' nfa_reconsidered_on and
early_help_offered. An old export without them loads as before, their values are checked like
every other date and yes/no, and a database made before them keeps its rows.
Hand-made synthetic rows only."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import quarantine_reasons, rows

from safeguarding import database, sql
from safeguarding.contract import CONTRACT, LATER_OPTIONAL_COLUMNS

OLD_CONCERNS = (
    "concern_id,pupil_ref,logged_at,category,dsl_reviewed_at,outcome,mentor_allocated\n"
    "CON-TEST-001,PUPIL-TEST-001,2026-03-02 09:00,neglect,2026-03-02 10:00,monitor,\n"
    "CON-TEST-002,PUPIL-TEST-002,2026-03-03 14:00,child_sexual_exploitation,,,yes\n"
)
NEW_CONCERNS_HEADER = (
    "concern_id,pupil_ref,logged_at,category,mentor_allocated,"
    "pupil_informed_on,pupil_views_recorded,mentor_last_contact_on\n"
)
OLD_REFERRALS = (
    "referral_id,agency,referred_at,pupil_ref,feedback_at,decision\n"
    "REF-TEST-001,children_social_care,2026-03-02 10:00,PUPIL-TEST-001,2026-03-03 09:00,NFA\n"
)
NEW_REFERRALS_HEADER = (
    "referral_id,agency,referred_at,pupil_ref,feedback_at,decision,"
    "nfa_reconsidered_on,early_help_offered\n"
)
CONCERN_COLUMNS = "pupil_informed_on, pupil_views_recorded, mentor_last_contact_on"
REFERRAL_COLUMNS = "nfa_reconsidered_on, early_help_offered"


def test_the_contract_holds_the_five_columns_optional_and_typed():
    kinds = {
        (dataset, name): (
            CONTRACT[dataset].column(name).kind,
            CONTRACT[dataset].column(name).required,
        )
        for dataset, names in LATER_OPTIONAL_COLUMNS.items()
        for name in names
    }
    assert kinds == {
        ("concerns", "pupil_informed_on"): ("date", False),
        ("concerns", "pupil_views_recorded"): ("bool", False),
        ("concerns", "mentor_last_contact_on"): ("date", False),
        ("referrals", "nfa_reconsidered_on"): ("date", False),
        ("referrals", "early_help_offered"): ("bool", False),
    }
    # Added after every earlier column, so an old export's columns keep their places; only
    # schema 8's trust_pupil_ref (tests/test_trust_pupil_ref.py) comes after them.
    for dataset, names in LATER_OPTIONAL_COLUMNS.items():
        assert CONTRACT[dataset].column_names[-len(names) - 1 : -1] == names
        assert CONTRACT[dataset].column_names[-1] == "trust_pupil_ref"


def test_an_old_export_without_the_columns_loads_with_them_null(trust, db):
    concerns = trust("concerns.csv", OLD_CONCERNS, academy="OAK")
    referrals = trust("referrals.csv", OLD_REFERRALS, academy="OAK")
    assert (concerns.status, concerns.rows_loaded, concerns.rows_quarantined) == ("loaded", 2, 0)
    assert (referrals.status, referrals.rows_loaded, referrals.rows_quarantined) == ("loaded", 1, 0)
    assert not concerns.warnings and not referrals.warnings
    assert rows(db, f"select {CONCERN_COLUMNS} from concerns") == [(None, None, None)] * 2
    assert rows(db, f"select {REFERRAL_COLUMNS} from referrals") == [(None, None)]
    # What the old columns hold is as it always was.
    assert rows(db, "select concern_id, outcome, mentor_allocated from concerns order by 1") == [
        ("CON-TEST-001", "monitor", None),
        ("CON-TEST-002", None, True),
    ]


def test_the_columns_sent_blank_are_the_same_rows_as_the_columns_not_sent(trust, db):
    trust("concerns.csv", OLD_CONCERNS, academy="OAK")
    with_blank_columns = (
        "concern_id,pupil_ref,logged_at,category,dsl_reviewed_at,outcome,mentor_allocated,"
        "pupil_informed_on,pupil_views_recorded\n"
        "CON-TEST-001,PUPIL-TEST-001,2026-03-02 09:00,neglect,2026-03-02 10:00,monitor,,,\n"
        "CON-TEST-002,PUPIL-TEST-002,2026-03-03 14:00,child_sexual_exploitation,,,yes,,\n"
    )
    again = trust("concerns-with-blank-columns.csv", with_blank_columns, academy="OAK")
    assert (again.rows_loaded, again.rows_changed) == (2, 0)
    assert rows(db, "select count(*) from concerns_versions") == [(2,)]


def test_new_values_parse(trust, db):
    concerns = trust(
        "concerns.csv",
        NEW_CONCERNS_HEADER
        # informed the day the concern was logged (later that day counts as not before)
        + "CON-TEST-001,PUPIL-TEST-001,2026-03-02 15:30,neglect,,2026-03-02,Yes,\n"
        + "CON-TEST-002,PUPIL-TEST-002,2026-03-02 09:00,CSE,Y,06/03/2026,n,20/03/2026\n"
        + "CON-TEST-003,PUPIL-TEST-003,2026-03-02 09:00,neglect,,,,\n",
        academy="OAK",
    )
    assert (concerns.rows_loaded, concerns.rows_quarantined) == (3, 0)
    assert rows(db, f"select concern_id, {CONCERN_COLUMNS} from concerns order by 1") == [
        ("CON-TEST-001", dt.date(2026, 3, 2), True, None),
        ("CON-TEST-002", dt.date(2026, 3, 6), False, dt.date(2026, 3, 20)),
        ("CON-TEST-003", None, None, None),
    ]
    referrals = trust(
        "referrals.csv",
        NEW_REFERRALS_HEADER
        + "REF-TEST-001,csc,2026-03-02 10:00,PUPIL-TEST-001,2026-03-03,NFA,2026-03-02,true\n"
        + "REF-TEST-002,csc,2026-03-02 10:00,PUPIL-TEST-002,2026-03-03,NFA,"
        "2026-03-20 16:45,0\n",
        academy="OAK",
    )
    assert (referrals.rows_loaded, referrals.rows_quarantined) == (2, 0)
    assert rows(db, f"select referral_id, {REFERRAL_COLUMNS} from referrals order by 1") == [
        ("REF-TEST-001", dt.date(2026, 3, 2), True),
        ("REF-TEST-002", dt.date(2026, 3, 20), False),  # a time in a date column is dropped
    ]
    [(informed_type,)] = rows(
        db,
        "select data_type from duckdb_columns() "
        "where table_name = 'concerns_versions' and column_name = 'pupil_informed_on'",
    )
    assert informed_type == "DATE"


def test_bad_values_and_impossible_order_quarantine_the_row_naming_the_column(trust, db):
    concerns = trust(
        "concerns.csv",
        NEW_CONCERNS_HEADER
        + "CON-TEST-001,PUPIL-TEST-001,2026-03-02 09:00,neglect,,2026-03-03,yes,2026-03-04\n"
        + "CON-TEST-002,PUPIL-TEST-002,2026-03-02 09:00,neglect,,03/31/2026,,\n"
        + "CON-TEST-003,PUPIL-TEST-003,2026-03-02 09:00,neglect,,,maybe,\n"
        + "CON-TEST-004,PUPIL-TEST-004,2026-03-02 09:00,neglect,,2026-03-01,,\n"
        + "CON-TEST-005,PUPIL-TEST-005,2026-03-02 09:00,neglect,yes,,,31/02/2026\n",
        academy="OAK",
    )
    assert quarantine_reasons(concerns) == {
        3: [
            "pupil_informed_on is not a date in an accepted form "
            "(2026-03-31, 2026-03-31 14:05, 31/03/2026 or 31/03/2026 14:05)"
        ],
        4: ["pupil_views_recorded is not yes/no (accepted: true/false, yes/no, y/n, 1/0)"],
        5: ["pupil_informed_on is before logged_at"],
        6: [
            "mentor_last_contact_on is not a date in an accepted form "
            "(2026-03-31, 2026-03-31 14:05, 31/03/2026 or 31/03/2026 14:05)"
        ],
    }
    assert {(row.line_no, row.column) for row in concerns.quarantined} == {
        (3, "pupil_informed_on"),
        (4, "pupil_views_recorded"),
        (5, "pupil_informed_on"),
        (6, "mentor_last_contact_on"),
    }
    assert rows(db, "select concern_id from concerns") == [("CON-TEST-001",)]

    referrals = trust(
        "referrals.csv",
        NEW_REFERRALS_HEADER
        + "REF-TEST-001,csc,2026-03-02 10:00,PUPIL-TEST-001,2026-03-03,NFA,2026-03-01,\n"
        + "REF-TEST-002,csc,2026-03-02 10:00,PUPIL-TEST-002,2026-03-03,NFA,soon,\n"
        + "REF-TEST-003,csc,2026-03-02 10:00,PUPIL-TEST-003,2026-03-03,NFA,,offered\n",
        academy="OAK",
    )
    assert {(row.line_no, row.column) for row in referrals.quarantined} == {
        (2, "nfa_reconsidered_on"),
        (3, "nfa_reconsidered_on"),
        (4, "early_help_offered"),
    }
    assert quarantine_reasons(referrals)[2] == ["nfa_reconsidered_on is before referred_at"]
    assert referrals.rows_loaded == 0


@pytest.fixture
def version_6_database(db, monkeypatch):
    """A database made by the schema-6 code: a concern and a referral stored before the five
    columns existed, each the first version from ingest 7."""
    version_6 = sql.migrations()[:6]
    assert [version for version, _ in version_6] == [1, 2, 3, 4, 5, 6]
    loaded_at = dt.datetime(2026, 3, 2, 16, 0)
    with monkeypatch.context() as old_code:
        old_code.setattr(sql, "migrations", lambda: version_6)
        old_code.setattr(database, "SCHEMA_VERSION", 6)
        old_code.setattr(sql, "models", lambda: ())
        with database.writer(db) as con:
            con.execute("insert into academies values ('OAK', 'Oak', 'primary', null, null, 1, 1)")
            con.execute(
                "insert into ingest_log values (7, 'old.csv', 'x', 'concerns', 'OAK', "
                "'loaded', 2, 2, 0, [], null, 'test', ?)",
                [loaded_at],
            )
            con.execute(
                "insert into concerns_versions (academy_code, concern_id, pupil_ref, logged_at, "
                "category, category_label, status, mentor_allocated, ingest_id, known_from) "
                "values ('OAK', 'CON-TEST-001', 'PUPIL-TEST-001', '2026-03-02 09:00', 'neglect', "
                "'neglect', 'open', true, 7, ?)",
                [loaded_at],
            )
            con.execute(
                "insert into referrals_versions (academy_code, referral_id, agency, referred_at, "
                "pupil_ref, decision, ingest_id, known_from) values ('OAK', 'REF-TEST-001', "
                "'children_social_care', '2026-03-02 10:00', 'PUPIL-TEST-001', "
                "'no_further_action', 7, ?)",
                [loaded_at],
            )
    assert rows(db, "select max(version) from schema_version") == [(6,)]
    assert rows(
        db,
        "select count(*) from duckdb_columns() where column_name = 'pupil_informed_on'",
    ) == [(0,)]
    return db, loaded_at


def test_a_schema_6_database_keeps_its_rows_the_new_columns_null(version_6_database):
    db, loaded_at = version_6_database
    with database.writer(db):
        pass  # opening a writer migrates
    assert rows(db, "select max(version) from schema_version") == [(database.SCHEMA_VERSION,)]
    assert database.SCHEMA_VERSION >= 8
    assert rows(
        db,
        "select concern_id, pupil_ref, mentor_allocated, ingest_id, known_from, known_until, "
        f"{CONCERN_COLUMNS} from concerns_versions",
    ) == [("CON-TEST-001", "PUPIL-TEST-001", True, 7, loaded_at, None, None, None, None)]
    assert rows(
        db,
        "select referral_id, decision, ingest_id, known_from, known_until, "
        f"{REFERRAL_COLUMNS} from referrals_versions",
    ) == [("REF-TEST-001", "no_further_action", 7, loaded_at, None, None, None)]
    # The views of the current rows are made again, with the new columns.
    assert rows(db, f"select concern_id, {CONCERN_COLUMNS} from concerns") == [
        ("CON-TEST-001", None, None, None)
    ]
    assert rows(db, f"select referral_id, {REFERRAL_COLUMNS} from referrals") == [
        ("REF-TEST-001", None, None)
    ]
    # Each versions table is its dataset's staged columns, then the version's.
    for dataset in ("concerns", "referrals"):
        columns = [
            name
            for (name,) in rows(
                db,
                "select column_name from duckdb_columns() "
                f"where table_name = '{dataset}_versions' order by column_index",
            )
        ]
        assert columns[-4:] == ["ingest_id", "known_from", "known_until", "retired_by"]
        assert columns[-5] == "trust_pupil_ref"  # schema 8, after schema 7's columns
        later = LATER_OPTIONAL_COLUMNS[dataset]
        assert tuple(columns[-5 - len(later) : -5]) == later


def test_after_the_migration_old_and_new_exports_load_as_versions(version_6_database, load):
    db, _ = version_6_database
    same = load(
        "concerns.csv",
        "concern_id,pupil_ref,logged_at,category,status,mentor_allocated\n"
        "CON-TEST-001,PUPIL-TEST-001,2026-03-02 09:00,neglect,open,yes\n",
        academy="OAK",
    )
    assert (same.status, same.rows_loaded, same.rows_changed) == ("loaded", 1, 0)
    informed = load(
        "concerns.csv",
        NEW_CONCERNS_HEADER
        + "CON-TEST-001,PUPIL-TEST-001,2026-03-02 09:00,neglect,yes,2026-03-04,yes,2026-03-20\n",
        academy="OAK",
    )
    assert (informed.rows_loaded, informed.rows_changed) == (1, 1)
    assert rows(
        db,
        f"select known_until is null, {CONCERN_COLUMNS} from concerns_versions order by known_from",
    ) == [
        (False, None, None, None),
        (True, dt.date(2026, 3, 4), True, dt.date(2026, 3, 20)),
    ]
    referral = load(
        "referrals.csv",
        NEW_REFERRALS_HEADER
        + "REF-TEST-001,csc,2026-03-02 10:00,PUPIL-TEST-001,,NFA,2026-03-16,yes\n",
        academy="OAK",
    )
    assert (referral.rows_loaded, referral.rows_changed) == (1, 1)
    assert rows(db, f"select referral_id, {REFERRAL_COLUMNS} from referrals") == [
        ("REF-TEST-001", dt.date(2026, 3, 16), True)
    ]
    assert rows(db, "select count(*) from referrals_versions") == [(2,)]
