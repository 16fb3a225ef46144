"""Real-identifier detection: UPN check letters, e-mails, postcodes, NI and phone numbers."""

from __future__ import annotations

import random

import pytest
from conftest import rows, table_checksums

from safeguarding.ingest.identifiers import (
    _ANY_SHAPE,
    DETECTORS,
    identifier_kind,
    is_valid_upn,
    upn_check_letter,
)

# The worked example of a valid UPN published with python-stdnum's UPN module (DfE rules).
KNOWN_VALID_UPN = "B801200005001"


def test_known_valid_upn_and_its_check_letter():
    assert upn_check_letter(KNOWN_VALID_UPN[1:]) == "B"
    assert is_valid_upn(KNOWN_VALID_UPN)
    assert is_valid_upn(KNOWN_VALID_UPN.lower())


@pytest.mark.parametrize(
    "value",
    [
        "A801200005001",  # wrong check letter
        "B80120000500",  # too short
        "I801200005001",  # I is never a check letter
        "PUP-0001",
        "",
    ],
)
def test_not_valid_upns(value):
    assert not is_valid_upn(value)


def test_temporary_upn_with_final_letter_is_checked():
    body = "80120000500A"
    assert is_valid_upn(upn_check_letter(body) + body)


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        (["someone@example.org", "x@y.co.uk", "PUP-1"], "e-mail addresses"),
        (["SW1A 1AA", "M1 1AE", "B33 8TH"], "UK postcodes"),
        (["AB123456C", "JG 10 33 70 A", "PUP-3"], "National Insurance numbers"),
        (["07700 900123", "+44 20 7946 0000", "(01632) 960 001"], "UK phone numbers"),
        (["PUP-0001", "PUP-0002", "STF-0003"], None),
        (["1", "2", "3"], None),
    ],
)
def test_column_value_detectors(values, kind):
    assert identifier_kind(values) == kind


def test_detector_needs_more_than_half_of_the_non_blank_values():
    assert identifier_kind(["a@b.org", "PUP-1", None, ""]) is None  # 1 of 2, not more than half
    assert identifier_kind(["a@b.org", "c@d.org", "PUP-1", None]) == "e-mail addresses"


def test_a_column_of_valid_upns_refuses_the_file_without_quoting_them(trust, db):
    before = table_checksums(db)
    body = "".join(f"C{i},{KNOWN_VALID_UPN},2026-03-02,neglect\n" for i in range(3))
    result = trust("c.csv", "concern_id,pupil_ref,logged_at,category\n" + body, academy="OAK")
    assert result.status == "refused" and "UPNs" in result.message
    assert KNOWN_VALID_UPN not in result.message
    assert table_checksums(db) == before


def test_an_extra_column_of_emails_refuses_the_file(trust):
    text = "concern_id,pupil_ref,logged_at,category,contact\nC1,P1,2026-03-02,neglect,a@b.org\n"
    result = trust("c.csv", text, academy="OAK")
    assert result.status == "refused" and "e-mail addresses" in result.message


def test_a_single_upn_among_pseudonyms_quarantines_only_its_row(trust, db):
    text = (
        "concern_id,pupil_ref,logged_at,category\n"
        "C1,PUP-1,2026-03-02,neglect\n"
        "C2,PUP-2,2026-03-02,neglect\n"
        f"C3,{KNOWN_VALID_UPN},2026-03-02,neglect\n"
    )
    result = trust("c.csv", text, academy="OAK")
    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)
    assert "real UPN" in result.quarantined[0].reason
    assert KNOWN_VALID_UPN not in repr(rows(db, "quarantine"))
    assert KNOWN_VALID_UPN not in repr(rows(db, "ingest_log"))


def test_sql_and_python_upn_checks_agree(trust):
    """The staging SQL has its own UPN check; both must judge the same values alike."""
    temporary = upn_check_letter("80120000500A") + "80120000500A"
    candidates = [KNOWN_VALID_UPN, "A801200005001", "B80120000500A", temporary, "b801200005001"]
    body = "".join(f"{value},teacher,2020-01-01\n" for value in candidates)
    # pseudonyms keep UPNs a minority of the column, which would otherwise refuse the file
    body += "".join(f"STF-{i},teacher,2020-01-01\n" for i in range(10))
    result = trust("s.csv", "staff_ref,role,start_date\n" + body, academy="OAK")
    quarantined_lines = {row.line_no for row in result.quarantined}
    expected_lines = {i + 2 for i, value in enumerate(candidates) if is_valid_upn(value)}
    assert expected_lines == {2, 5, 6}
    assert quarantined_lines == expected_lines


def test_every_value_a_detector_accepts_has_one_of_the_shapes_checked_first():
    """identifier_kind judges only values of some identifier's shape: a value a detector
    accepts but the shape check dropped would let a column of identifiers through."""
    rng = random.Random(11)
    upns = []
    for _ in range(200):
        body = "".join(rng.choice("0123456789") for _ in range(11)) + rng.choice("0123456789AB")
        upns.append(upn_check_letter(body) + body)
    accepted = [
        *upns,
        *(u.lower() for u in upns[:20]),
        "someone@example.org",
        "x@y.co.uk",
        "a.b+c@d-e.example",
        "SW1A 1AA",
        "m1 1ae",
        "B338TH",
        "GIR 0AA",
        "AB123456C",
        "JG 10 33 70 A",
        "jg103370a",
        "07700 900123",
        "07700900123",
        "+44 20 7946 0000",
        "(01632) 960 001",
        "0044 1632 960001",
        "0121-496-0000",
    ]
    for value in accepted:
        kinds = [kind for kind, looks_like in DETECTORS if looks_like(value)]
        assert kinds, value  # the examples are identifiers
        assert _ANY_SHAPE.fullmatch(value), value


@pytest.mark.parametrize(
    "value", ["2026-03-02 09:00", "CON-OAK-000123", "300", "2026-03-02", "neglect", "STF-OAK-1"]
)
def test_values_that_are_no_identifier_are_dropped_by_the_shape_check_or_by_every_detector(value):
    assert not any(looks_like(value) for _, looks_like in DETECTORS)
    assert identifier_kind([value] * 5) is None
