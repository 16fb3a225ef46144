"""How sure each reading is, "please check" below the threshold, and a person's check before a
register row is written (review.py, `import-policy --accept --set`)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import rows

from safeguarding import cli
from safeguarding.policy_import import PolicyFile, import_documents
from safeguarding.policy_import.extract import CONFIDENCE_THRESHOLD, extract
from safeguarding.policy_import.reading import read_document
from safeguarding.policy_import.review import (
    CorrectionError,
    apply_corrections,
    needs_checking,
    parse_corrections,
    review_rows,
)

NOW = dt.datetime(2026, 11, 28, 9, 30)
# A cover with a lone date (what is it the date of?), a labelled review and owner.
COVER = (
    "Synthetic Anti-Bullying Policy\n"
    "September 2025\n"
    "Next review: March 2026\n"
    "Owner: Headteacher\n\n"
    "This policy sets out how the synthetic academy prevents and responds to bullying.\n"
)


def read(text: str, name: str = "cover.txt"):
    return extract(read_document(name, text.encode()))


def test_a_labelled_value_is_sure_and_a_lone_cover_date_is_left_to_check():
    found = read(COVER)
    assert found.found["next_review"].confidence == 0.95
    assert found.found["owner"].confidence == 0.95
    # the cover's date alone is not used as the issue date: it is kept to be checked
    assert found.value("issued") is None
    doubtful = found.to_check["issued"]
    assert doubtful.text == "September 2025" and doubtful.confidence < CONFIDENCE_THRESHOLD
    assert any(n.startswith("issued or approved date: please check") for n in found.notes)
    statuses = {row.field: row.status for row in review_rows(found)}
    assert statuses == {
        "title": "read",
        "issued": "please check",
        "last_reviewed": "not found",
        "next_review": "read",
        "owner": "read",
    }
    assert needs_checking(found) == ["issued or approved date"]


def test_two_equally_good_readings_that_disagree_are_less_sure():
    agreed = read("Behaviour Policy\nOwner: Headteacher\nNext review: March 2027\n")
    disputed = read(
        "Behaviour Policy\nOwner: Headteacher\nNext review: March 2027\nNext review: May 2027\n"
    )
    assert agreed.found["next_review"].confidence == 0.95
    assert disputed.found["next_review"].confidence == pytest.approx(0.75)
    assert disputed.value("next_review").text == "March 2027"  # the first, still used


def test_the_owner_falls_back_to_the_approving_body_less_surely():
    found = read("Behaviour Policy\nApproved by: Trust Board\nNext review: March 2027\n")
    assert found.value("owner") == "Trust Board"
    assert found.found["owner"].how == "approver"
    assert found.found["owner"].confidence < found.found["next_review"].confidence


def test_a_correction_replaces_a_reading_and_is_said_to_be_the_persons():
    found = read(COVER)
    corrected = apply_corrections(
        found, {"issued": "1 September 2025", "owner": "", "next_review": "March 2026"}, "tester"
    )
    assert corrected.value("issued").start == dt.date(2025, 9, 1)
    assert corrected.found["issued"].how == "person"
    assert corrected.found["issued"].where == "entered by tester"
    assert "issued" not in corrected.to_check
    assert corrected.value("owner") is None  # cleared
    # the same value as read confirms it: the document's evidence stays
    assert corrected.found["next_review"].where.startswith("line 3")
    assert found.value("issued") is None and found.value("owner") == "Headteacher"  # unchanged
    assert {r.field: r.status for r in review_rows(corrected)}["issued"] == "corrected"
    with pytest.raises(CorrectionError, match="is not a date"):
        apply_corrections(found, {"next_review": "soon"}, "tester")
    with pytest.raises(CorrectionError, match="needs a title"):
        apply_corrections(found, {"title": ""}, "tester")


def test_set_options_are_parsed_and_checked():
    assert parse_corrections(["next-review=2026-09-01", "owner = Trust Board"]) == {
        "next_review": "2026-09-01",
        "owner": "Trust Board",
    }
    with pytest.raises(CorrectionError, match="FIELD=VALUE"):
        parse_corrections(["category=Safeguarding"])
    with pytest.raises(CorrectionError, match="FIELD=VALUE"):
        parse_corrections(["owner"])


def test_a_correction_lands_in_the_register(trust, db):
    document = PolicyFile("cover.txt", COVER.encode())
    [result] = import_documents(
        [document],
        db=db,
        who="tester",
        now=NOW,
        corrections={"cover.txt": {"issued": "1 September 2025"}},
    )
    assert result.status == "imported"
    assert rows(db, "select issued_text, issued_on, owner from policy_documents") == [
        ("1 September 2025", dt.date(2025, 9, 1), "Headteacher")
    ]
    [(notes,)] = rows(db, "select notes from policy_documents")
    assert any("entered by tester" in note for note in notes)
    assert rows(db, "select issued_on, owner from policies where policy_key like '%bullying%'") == [
        (dt.date(2025, 9, 1), "Headteacher")
    ]


def test_a_correction_that_is_no_date_refuses_the_file_and_writes_nothing(trust, db):
    document = PolicyFile("cover.txt", COVER.encode())
    [result] = import_documents(
        [document], db=db, who="tester", now=NOW, corrections={"cover.txt": {"issued": "soon"}}
    )
    assert result.status == "refused"
    assert "“soon” is not a date" in result.message and "Nothing was changed" in result.message
    assert rows(db, "select count(*) from policy_documents") == [(0,)]


def test_the_command_line_writes_only_with_accept(trust, db, tmp_path, capsys):
    path = tmp_path / "cover.txt"
    path.write_text(COVER)
    assert cli.main(["import-policy", str(path), "--db", str(db)]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "read (nothing stored)" in out
    assert "PLEASE CHECK" in out and "September 2025" in out
    assert "Nothing was written" in out and "--accept" in out
    assert rows(db, "select count(*) from policy_documents") == [(0,)]

    command = ["import-policy", str(path), "--db", str(db), "--format", "json"]
    assert cli.main([*command, "--accept", "--set", "issued=2025-09-01"]) == cli.EXIT_OK
    [record] = json.loads(capsys.readouterr().out)
    assert record["status"] == "imported"
    assert record["fields"]["issued"]["how"] == "person"
    assert record["fields"]["owner"]["confidence"] == 0.95
    assert record["please_check"] == {}
    assert rows(db, "select issued_on from policy_documents") == [(dt.date(2025, 9, 1),)]


def test_the_command_line_refuses_contradictory_options(trust, db, tmp_path, capsys):
    path = tmp_path / "cover.txt"
    path.write_text(COVER)
    other = tmp_path / "other.txt"
    other.write_text(COVER)
    assert cli.main(["import-policy", str(path), "--accept", "--dry-run"]) == cli.EXIT_USAGE
    assert "give one of them" in capsys.readouterr().err
    assert cli.main(["import-policy", str(path), "--set", "colour=red"]) == cli.EXIT_USAGE
    assert "FIELD=VALUE" in capsys.readouterr().err
    assert (
        cli.main(["import-policy", str(path), str(other), "--set", "owner=Trust Board"])
        == cli.EXIT_USAGE
    )
    assert "one document" in capsys.readouterr().err
    assert not db.exists() or rows(db, "select count(*) from policy_documents") == [(0,)]


def test_an_empty_value_for_a_field_never_read_changes_nothing_and_says_nothing():
    found = read(COVER)
    corrected = apply_corrections(found, {"last_reviewed": ""}, "tester")
    assert corrected.notes == found.notes
    assert "last_reviewed" not in corrected.found
