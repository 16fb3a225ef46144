"""Policy register metrics (product.md §4): overdue, due soon, required types missing."""

from __future__ import annotations

import pytest
from metric_fixtures import build, drill, metric

AS_OF = "2025-06-30"

REGISTER = [
    # OAK's own rows
    {"policy_title": "P1", "policy_type": "online_safety", "next_review_on": "2025-06-29"},
    {"policy_title": "P2", "policy_type": "acceptable_use", "next_review_on": "2025-06-30"},
    {
        "policy_title": "P3",
        "policy_type": "relationships_sex_education",
        "next_review_on": "2025-07-30",
    },
    {
        "policy_title": "P4",
        "policy_type": "allegations_against_staff",
        "next_review_on": "2025-07-31",
    },
    {"policy_title": "P5", "policy_type": "staff_code_of_conduct"},  # neither review date
    {"policy_title": "P6", "policy_type": "other", "next_review_on": "2026-01-01"},
    # trust-wide rows: apply to every academy
    {
        "academy_code": "TRUST",
        "policy_title": "T1",
        "policy_type": "child_protection_safeguarding",
        "next_review_on": "2025-01-01",
    },
    {
        "academy_code": "TRUST",
        "policy_title": "T2",
        "policy_type": "whistleblowing",
        "next_review_on": "2025-07-10",
    },
    # ELM: its CSE policy is overdue, but present
    {
        "academy_code": "ELM",
        "policy_title": "E1",
        "policy_type": "child_sexual_exploitation",
        "next_review_on": "2024-09-01",
    },
]


@pytest.fixture
def register_db(tmp_path):
    return build(tmp_path, policies=REGISTER)


def test_policies_overdue(register_db):
    """As of 30 Jun 2025. OAK: P1 (29 Jun) = 1; P2 is due on the as-of date, not overdue.
    ELM: E1 = 1. ASH: 0. TRUST: every row, trust-wide T1 included: 3."""
    assert metric(register_db, "policies_overdue", AS_OF, "OAK") == (1, None, None)
    assert metric(register_db, "policies_overdue", AS_OF, "ELM") == (1, None, None)
    assert metric(register_db, "policies_overdue", AS_OF, "ASH") == (0, None, None)
    assert metric(register_db, "policies_overdue", AS_OF, "TRUST") == (3, None, None)


def test_policies_due_soon(register_db):
    """OAK: P2 (on the as-of date) and P3 (30 Jul, the 30th day) = 2; P4 (31 Jul) is too far
    and P5 has no review date. TRUST adds T2 (10 Jul): 3."""
    assert metric(register_db, "policies_due_soon", AS_OF, "OAK") == (2, None, None)
    assert metric(register_db, "policies_due_soon", AS_OF, "TRUST") == (3, None, None)


def test_required_policies_missing(register_db):
    """Eight required types; the trust covers child protection and whistleblowing for all.
    OAK has online safety, acceptable use, RSE, allegations and code of conduct (P5 counts
    with no dates; P6 is `other`): missing CSE = 1. ELM has CSE (overdue still counts):
    missing 5. ASH: 8 - 2 = 6. TRUST: 1 + 5 + 6 = 12."""
    assert metric(register_db, "required_policies_missing", AS_OF, "OAK") == (1, None, None)
    assert metric(register_db, "required_policies_missing", AS_OF, "ELM") == (5, None, None)
    assert metric(register_db, "required_policies_missing", AS_OF, "ASH") == (6, None, None)
    assert metric(register_db, "required_policies_missing", AS_OF, "TRUST") == (12, None, None)


def test_trust_row_for_one_academy_keeps_the_trust_wide_rows(register_db):
    """Scope OAK only: TRUST overdue = OAK's P1 + trust-wide T1 = 2 (ELM's E1 is out of scope)."""
    assert metric(register_db, "policies_overdue", AS_OF, "TRUST", academies=["OAK"]) == (
        2,
        None,
        None,
    )


def test_policy_review_list(register_db):
    """Overdue or due soon, oldest first: E1, T1, P1 overdue; P2, T2, P3 due soon."""
    listed = drill(register_db, "policy_reviews_due_list", AS_OF)
    assert [(r["policy_title"], r["status"], r["overdue_days"]) for r in listed] == [
        ("E1", "overdue", 302),
        ("T1", "overdue", 180),
        ("P1", "overdue", 1),
        ("P2", "due_soon", 0),
        ("T2", "due_soon", -10),
        ("P3", "due_soon", -30),
    ]


def test_required_policies_missing_list(register_db):
    listed = drill(register_db, "required_policies_missing_list", AS_OF, academies=["OAK"])
    assert [(r["academy_code"], r["policy_type"]) for r in listed] == [
        ("OAK", "child_sexual_exploitation")
    ]
