"""Value parsing and row rules: what loads, what is quarantined, and why (product.md §2)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import quarantine_reasons, rows

CONCERNS = "concern_id,pupil_ref,logged_at,category,incident_at,dsl_reviewed_at,closed_at\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-31", dt.datetime(2026, 3, 31)),
        ("2026-03-31T14:05", dt.datetime(2026, 3, 31, 14, 5)),
        ("2026-03-31 14:05:09", dt.datetime(2026, 3, 31, 14, 5, 9)),
        ("31/03/2026", dt.datetime(2026, 3, 31)),
        ("1/3/2026 9:05", dt.datetime(2026, 3, 1, 9, 5)),
        ("29/02/2024 23:59", dt.datetime(2024, 2, 29, 23, 59)),
    ],
)
def test_accepted_date_forms(trust, db, text, expected):
    result = trust(
        "c.csv", f"concern_id,pupil_ref,logged_at,category\nC1,P1,{text},neglect\n", academy="OAK"
    )
    assert result.rows_loaded == 1
    assert rows(db, "select logged_at from concerns") == [(expected,)]


@pytest.mark.parametrize(
    "text",
    [
        "03/31/2026",  # US order
        "2026/03/31",  # YYYY/MM/DD
        "2026-03-31T14:05:00Z",  # a time zone
        "2026-03-31 14:05:00.5",  # fractional seconds
        "46112",  # an Excel serial number written as text
        "31/02/2026",  # no such day
        "29/02/2025",  # not a leap year
        "2026-03-31 24:00",
    ],
)
def test_rejected_date_forms_quarantine_the_row(trust, text):
    result = trust(
        "c.csv", f"concern_id,pupil_ref,logged_at,category\nC1,P1,{text},neglect\n", academy="OAK"
    )
    assert result.rows_quarantined == 1
    assert "logged_at is not a date" in result.quarantined[0].reason


def test_a_time_in_a_date_column_is_dropped(trust, db):
    trust("s.csv", "staff_ref,role,start_date\nS1,teacher,2026-09-01 08:30\n", academy="OAK")
    assert rows(db, "select start_date from staff") == [(dt.date(2026, 9, 1),)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TRUE", True),
        ("yes", True),
        ("Y", True),
        ("1", True),
        ("false", False),
        ("No", False),
        ("n", False),
        ("0", False),
        ("", None),
    ],
)
def test_booleans(trust, db, text, expected):
    trust(
        "c.csv",
        f"concern_id,pupil_ref,logged_at,category,decision_recorded\n"
        f"C1,P1,2026-03-02,neglect,{text}\n",
        academy="OAK",
    )
    assert rows(db, "select decision_recorded from concerns") == [(expected,)]


def test_unreadable_boolean_quarantines_even_an_optional_column(trust):
    result = trust(
        "c.csv",
        "concern_id,pupil_ref,logged_at,category,send\nC1,P1,2026-03-02,neglect,maybe\n",
        academy="OAK",
    )
    assert result.rows_quarantined == 1 and result.quarantined[0].column == "send"


def test_enumerated_values_match_like_headers_and_through_aliases(trust, db):
    text = (
        "referral_id,agency,referred_at,pupil_ref,decision\n"
        "R1,Children's Social Care,2026-03-02,P1,S47\n"
        "R2,CSC,2026-03-02,P2,nfa\n"
        "R3,children-social-care,2026-03-02,P3,\n"
    )
    result = trust("r.csv", text, academy="OAK")
    assert result.rows_loaded == 3
    assert rows(db, "select referral_id, agency, decision from referrals order by 1") == [
        ("R1", "children_social_care", "section_47"),
        ("R2", "children_social_care", "no_further_action"),
        ("R3", "children_social_care", None),
    ]


def test_unknown_category_loads_as_other_with_label_kept_and_a_warning(trust, db):
    text = "concern_id,pupil_ref,logged_at,category\nC1,P1,2026-03-02,Bullying\n"
    result = trust("c.csv", text, academy="OAK")
    assert (result.rows_loaded, result.rows_quarantined) == (1, 0)
    assert rows(db, "select category, category_label from concerns") == [("other", "Bullying")]
    assert any("not in the trust's taxonomy" in w for w in result.warnings)
    assert all("Bullying" not in w for w in result.warnings)  # no values in messages


@pytest.mark.parametrize(
    ("label", "category"),
    [
        ("CSE", "child_sexual_exploitation"),
        ("Sexting", "sharing_nudes"),
        ("Nudes", "sharing_nudes"),
        ("Youth produced sexual imagery", "sharing_nudes"),
        ("CCE", "child_criminal_exploitation"),
        ("County lines", "child_criminal_exploitation"),
        ("Prevent", "radicalisation"),
        ("Self harm", "mental_health_self_harm"),
        ("Peer on peer", "child_on_child_abuse"),
        ("Child on child", "child_on_child_abuse"),
        ("Domestic violence", "domestic_abuse"),
        ("Missing", "missing_from_home_or_education"),
        ("FGM", "honour_based_abuse"),
    ],
)
def test_default_category_aliases(trust, db, label, category):
    trust(
        "c.csv",
        f"concern_id,pupil_ref,logged_at,category\nC1,P1,2026-03-02,{label}\n",
        academy="OAK",
    )
    assert rows(db, "select category from concerns") == [(category,)]


def test_unknown_enumerated_value_outside_category_quarantines(trust):
    result = trust(
        "r.csv", "referral_id,agency,referred_at,pupil_ref\nR1,NSPCC,2026-03-02,P1\n", academy="OAK"
    )
    assert result.rows_quarantined == 1 and result.quarantined[0].column == "agency"


def test_concern_row_rules(trust, db):
    text = CONCERNS + (
        "C1,P1,2026-03-02 09:00,neglect,2026-03-01,2026-03-02 10:00,\n"  # 2: fine
        "C2,P2,2026-03-02 09:00,neglect,2026-03-03,,\n"  # 3: incident after logged
        "C3,P3,2026-03-02 09:00,neglect,,2026-03-02 08:59,\n"  # 4: reviewed before logged
        "C4,P4,2026-03-02 09:00,neglect,,,2026-03-01\n"  # 5: closed before logged
        ",P5,2026-03-02 09:00,neglect,,,\n"  # 6: no concern_id
    )
    result = trust("c.csv", text, academy="OAK")
    reasons = quarantine_reasons(result)
    assert reasons == {
        3: ["logged_at is before incident_at"],
        4: ["dsl_reviewed_at is before logged_at"],
        5: ["closed_at is before logged_at"],
        6: ["concern_id is required but blank"],
    }
    assert (result.rows_read, result.rows_loaded) == (5, 1)


def test_cse_category_sets_the_flag_and_status_defaults_to_open(trust, db):
    text = "concern_id,pupil_ref,logged_at,category,cse_flag,status\nC1,P1,2026-03-02,CSE,no,\n"
    trust("c.csv", text, academy="OAK")
    assert rows(db, "select cse_flag, status from concerns") == [(True, "open")]


def test_year_group_range(trust):
    text = (
        "concern_id,pupil_ref,logged_at,category,year_group\n"
        "C1,P1,2026-03-02,neglect,-1\nC2,P2,2026-03-02,neglect,15\nC3,P3,2026-03-02,neglect,7.5\n"
    )
    result = trust("c.csv", text, academy="OAK")
    assert list(quarantine_reasons(result)) == [3, 4]


def test_referral_row_rules(trust):
    text = (
        "referral_id,agency,referred_at,pupil_ref,allegation_at,feedback_at,followed_up_at,"
        "escalated_at\n"
        "R1,lado,2026-03-02 10:00,,2026-03-02 09:00,,,\n"  # 2: LADO needs no pupil_ref
        "R2,lado,2026-03-02 10:00,,,,,\n"  # 3: LADO without allegation_at
        "R3,police,2026-03-02 10:00,,,,,\n"  # 4: not LADO, no pupil_ref
        "R4,lado,2026-03-02 10:00,,2026-03-03,,,\n"  # 5: allegation after referral
        "R5,csc,2026-03-02 10:00,P5,,2026-03-02 09:00,,\n"  # 6: feedback before referral
        "R6,csc,2026-03-02 10:00,P6,,,2026-03-01,\n"  # 7: chased before referral
        "R7,csc,2026-03-02 10:00,P7,,,,2026-03-01\n"
    )  # 8: escalated before referral
    result = trust("r.csv", text, academy="OAK")
    assert {
        line: [r.split(" is ")[0] for r in reasons]
        for line, reasons in quarantine_reasons(result).items()
    } == {
        3: ["allegation_at"],
        4: ["pupil_ref"],
        5: ["allegation_at"],
        6: ["feedback_at"],
        7: ["followed_up_at"],
        8: ["escalated_at"],
    }


def test_staff_rules_and_defaults(trust, db):
    text = (
        "staff_ref,role,safeguarding_role,works_with_children,start_date,leave_date\n"
        "S1,Teacher,,,2020-01-01,\n"
        "S2,governor,,,2020-01-01,\n"
        "S3,Headteacher,Deputy DSL,no,2020-01-01,2025-08-31\n"
        "S4,support,,,2020-01-01,2019-12-31\n"
    )  # leave before start
    result = trust("s.csv", text, academy="OAK")
    assert list(quarantine_reasons(result)) == [5]
    assert rows(
        db, "select staff_ref, role, safeguarding_role, works_with_children from staff order by 1"
    ) == [
        ("S1", "teacher", "none", True),
        ("S2", "governor", "none", False),
        ("S3", "principal", "deputy_dsl", False),
    ]


def test_training_rules(trust):
    text = (
        "staff_ref,course,completed_on,kcsie_edition\n"
        "S1,kcsie_part1,2025-09-01,2025\n"  # 2: fine
        "S1,kcsie_annex_b,2025-09-01,\n"  # 3: KCSIE without edition
        "S1,safeguarding_update,2026-11-29,\n"  # 4: after the ingest date (28 Nov 2026)
        "S1,safeguarding_update,2026-11-28,\n"  # 5: on the ingest date: fine
        "S1,kcsie_part1,2024-09-01,1989\n"
    )  # 6: edition out of range
    result = trust("t.csv", text, academy="OAK")
    assert list(quarantine_reasons(result)) == [3, 4, 6]
    assert any("staff_ref not in the staff data" in w for w in result.warnings)


def test_policy_type_derived_from_title_and_next_review_from_cycle(trust, db):
    text = (
        "academy_code,policy_title,policy_type,last_reviewed_on,next_review_on,"
        "review_cycle_months\n"
        "OAK,Child Sexual Exploitation (CSE) Policy,,2024-02-29,,\n"
        "TRUST,Safeguarding and Child Protection,,2025-09-01,,24\n"
        "OAK,Acceptable Use of ICT,,2025-09-01,2026-03-31,\n"
        "OAK,Uniform Policy,,,,\n"
        "OAK,Lettings,nonsense,,,\n"
        "OAK,Exclusions,,,,0\n"
    )
    result = trust("p.csv", text)
    assert list(quarantine_reasons(result)) == [6, 7]
    assert rows(
        db, "select academy_code, policy_type, next_review_on from policies order by 2"
    ) == [
        ("OAK", "acceptable_use", dt.date(2026, 3, 31)),
        ("TRUST", "child_protection_safeguarding", dt.date(2027, 9, 1)),
        # 29 Feb 2024 + 12 months = 28 Feb 2025
        ("OAK", "child_sexual_exploitation", dt.date(2025, 2, 28)),
        ("OAK", "other", None),
    ]


def test_policy_key_is_the_normalised_title(trust, db):
    trust("p.csv", "academy_code,policy_title\nOAK,Online Safety Policy\n")
    trust("p.csv", "academy_code,policy_title,owner\nOAK,online-safety  POLICY,Role A\n")
    assert rows(db, "select policy_title, owner from policies") == [
        ("online-safety  POLICY", "Role A")
    ]


def test_academy_codes_urn_and_roll_ranges(trust, db):
    text = (
        "academy_code,academy_name,phase,urn,pupils_on_roll\n"
        "ash,Demo Ash,Primary,123456,0\n"  # lower-case code is read as ASH
        "A,Too short,primary,,\n"
        "BIRCH,Demo Birch,primary,12345,\n"
        "CEDAR,Demo Cedar,primary,,-1\n"
        "YEW,Demo Yew,college,,\n"
    )
    result = trust("a.csv", text)
    assert list(quarantine_reasons(result)) == [3, 4, 5, 6]
    assert ("ASH", "primary") in rows(db, "select academy_code, phase from academies")
