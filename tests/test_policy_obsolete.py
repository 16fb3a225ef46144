"""Obsolete references (issue 19.4): a policy naming a body, law or guidance since replaced is
flagged with what replaced it."""

from __future__ import annotations

import datetime as dt

import pytest

from safeguarding import database
from safeguarding.policy_import import PolicyFile, import_documents
from safeguarding.policy_import.flags import policy_flags
from safeguarding.policy_import.references import find_obsolete

NOW = dt.datetime(2026, 11, 28, 9, 30)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "Concerns go to the Local Safeguarding Children Board.",
            ["Local Safeguarding Children Board"],
        ),
        ("The LSCB procedures apply.", ["Local Safeguarding Children Board"]),
        ("We follow the GDPR.", ["GDPR"]),
        ("The General Data Protection Regulation (GDPR) applies.", ["GDPR"]),
        # the current name anywhere in the document: plain "GDPR" is shorthand for it
        ("We follow the UK GDPR. GDPR principles apply.", []),
        ("Under the Data Protection Act 1998 ...", ["Data Protection Act 1998"]),
        ("Under the Data Protection Act 2018 and UK GDPR ...", []),
        (
            "See the UKCCIS advice Sexting in Schools and Colleges (2016).",
            ["Sexting in schools and colleges"],
        ),
        # the word alone, as the CSE policy uses it, is not the old guidance
        ("Staff can identify instances of sexting.", []),
        ("The local safeguarding partners' arrangements apply.", []),
    ],
)
def test_replaced_names_are_found(text, found):
    assert [c.title for c in find_obsolete([text])] == found


def test_a_document_naming_the_lscb_is_flagged_with_the_current_name(trust, db):
    text = (
        "Online Safety Policy\nIssued: September 2025\nNext review: September 2026\n"
        "Owner: Designated Safeguarding Lead\n"
        "Concerns are referred under the procedures of the Local Safeguarding Children Board.\n"
        "Records are kept under the UK GDPR.\n"
    )
    import_documents(
        [PolicyFile("online.txt", text.encode())], db=db, academy="TRUST", who="tester", now=NOW
    )
    with database.reader(db) as con:
        flags = policy_flags(con, dt.date(2026, 11, 28))
    obsolete = flags[flags["flag"] == "obsolete_reference"]
    assert list(obsolete["flag_label"]) == ["Obsolete reference"]
    [detail] = obsolete["detail"]
    assert detail.startswith("Names the Local Safeguarding Children Board (")
    assert "replaced by the local safeguarding partners" in detail
    assert "Local Safeguarding Children Board." in detail  # the text it came from
