"""The data page's upload handling, without a browser: the same ingest as the command line,
a sentence per file, quarantined rows by line, and never an exception for the page."""

from __future__ import annotations

import pytest
from conftest import rows, table_checksums, writer_held_elsewhere

from safeguarding.ingest import Upload
from safeguarding.scope import Scope
from safeguarding.ui import uploads

# Header = line 1. Line 2 loads; line 3's date is impossible (month 13); line 4 was reviewed
# before it was logged; line 5 has a category outside the taxonomy (loads as `other`, with a
# warning). "Source System" is not a contract column (a warning, not stored).
CONCERNS = (
    b"concern_id,pupil_ref,logged_at,category,dsl_reviewed_at,Source System\n"
    b"C1,PUP-OAK-1,2026-11-27 09:00,neglect,2026-11-27 10:00,CPOMS\n"
    b"C2,PUP-OAK-2,31/13/2026,neglect,,CPOMS\n"
    b"C3,PUP-OAK-3,2026-11-26 09:00,Sexting,2026-11-25 10:00,CPOMS\n"
    b"C4,PUP-OAK-4,2026-11-26 11:00,weird label,,CPOMS\n"
)

# A column named after a person's surname: identifying data, the whole file is refused.
STAFF_WITH_NAMES = b"staff_ref,role,start_date,surname\nS1,teacher,2020-01-01,Smith\n"


def test_loaded_file_reports_counts_quarantine_by_line_and_warnings(trust, db):
    outcome = uploads.ingest_uploads(
        [Upload("oak-concerns.csv", CONCERNS)], academy="OAK", db=db, who="tester"
    )
    assert outcome.problem is None and outcome.changed_anything
    [result] = outcome.results
    assert (result.status, result.dataset) == ("loaded", "concerns")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 2, 2)
    kind, sentence = uploads.headline(result)
    assert kind == "warning"
    assert "2 of 4 rows loaded" in sentence and "2 quarantined" in sentence
    table = uploads.quarantine_table(result)
    assert list(table["line"]) == [3, 4]
    assert list(table["column"]) == ["logged_at", "dsl_reviewed_at"]
    assert "not a date" in table["reason"][0] and "before logged_at" in table["reason"][1]
    assert any("Source System" in w for w in result.warnings)
    assert any("taxonomy" in w for w in result.warnings)
    # the ingest log records who did it, exactly as the command line would
    assert rows(db, "select ingested_by, file_name from ingest_log order by ingest_id desc")[0] == (
        "tester",
        "oak-concerns.csv",
    )


def test_dashboard_uploads_are_recorded_as_the_dashboard_user(trust, db):
    uploads.ingest_uploads([Upload("oak-concerns.csv", CONCERNS)], academy="OAK", db=db)
    assert rows(db, "select max_by(ingested_by, ingest_id) from ingest_log")[0][0] == (
        "dashboard user"
    )


def test_a_clean_file_is_a_success(trust, db):
    clean = b"concern_id,pupil_ref,logged_at,category\nC9,PUP-OAK-9,2026-11-20 09:00,neglect\n"
    [result] = uploads.ingest_uploads([Upload("c.csv", clean)], academy="OAK", db=db).results
    kind, sentence = uploads.headline(result)
    assert kind == "success" and "1 of 1 rows loaded (1 new or changed)" in sentence
    assert uploads.quarantine_table(result).empty


def test_refused_file_says_why_and_leaves_the_database_untouched(trust, db):
    before = table_checksums(db)
    [result] = uploads.ingest_uploads(
        [Upload("staff.csv", STAFF_WITH_NAMES)], academy="OAK", db=db
    ).results
    kind, sentence = uploads.headline(result)
    assert kind == "error" and result.status == "refused"
    assert "staff.csv" in sentence and "surname" in sentence and "anonymise" in sentence
    assert "Smith" not in sentence  # never the value itself
    assert table_checksums(db) == before


def test_identical_file_again_is_unchanged(trust, db):
    uploads.ingest_uploads([Upload("oak-concerns.csv", CONCERNS)], academy="OAK", db=db)
    outcome = uploads.ingest_uploads([Upload("oak-concerns.csv", CONCERNS)], academy="OAK", db=db)
    [result] = outcome.results
    assert result.status == "unchanged" and not outcome.changed_anything
    kind, sentence = uploads.headline(result)
    assert kind == "info" and "nothing changed" in sentence


def test_academies_reference_goes_first_whatever_the_order_picked(db):
    """A new academy's concerns quarantine unless its reference row is already in: given
    concerns first and academies second, both still load cleanly."""
    academies = b"academy_code,academy_name,phase\nNEW,New Academy,primary\n"
    concerns = (
        b"academy_code,concern_id,pupil_ref,logged_at,category\n"
        b"NEW,C1,PUP-NEW-1,2026-11-20 09:00,neglect\n"
    )
    outcome = uploads.ingest_uploads(
        [Upload("NEW-concerns.csv", concerns), Upload("Academies.csv", academies)], db=db
    )
    assert [r.file_name for r in outcome.results] == ["Academies.csv", "NEW-concerns.csv"]
    assert [(r.status, r.rows_quarantined) for r in outcome.results] == [
        ("loaded", 0),
        ("loaded", 0),
    ]


def test_busy_database_is_a_sentence_not_an_exception(trust, db):
    """Another writer holds the database for longer than the page waits."""
    with writer_held_elsewhere(db):
        before = table_checksums(db)
        outcome = uploads.ingest_uploads(
            [Upload("oak-concerns.csv", CONCERNS)], academy="OAK", db=db, wait_seconds=0.3
        )
    assert outcome.results == ()
    assert "busy" in outcome.problem and "Nothing from these files was loaded" in outcome.problem
    assert table_checksums(db) == before


def test_unexpected_failure_is_a_sentence_without_the_details(monkeypatch, trust, db):
    def broken(*args, **kwargs):
        raise RuntimeError("PUP-OAK-1 broke something")

    monkeypatch.setattr(uploads, "ingest_files", broken)
    monkeypatch.delenv("SAFEGUARDING_DEBUG", raising=False)
    outcome = uploads.ingest_uploads([Upload("x.csv", CONCERNS)], db=db)
    assert "RuntimeError" in outcome.problem and "PUP-OAK-1" not in outcome.problem


def test_nothing_chosen_and_unknown_dataset(db):
    assert "Choose one or more" in uploads.ingest_uploads([], db=db).problem
    outcome = uploads.ingest_uploads([Upload("x.csv", CONCERNS)], dataset="pupils", db=db)
    assert "Unknown dataset" in outcome.problem and not db.exists()


def test_streamlit_uploaded_files_are_read_by_name_and_bytes():
    class Uploaded:  # the two things st.file_uploader's UploadedFile offers that we use
        name = "a.csv"

        def getvalue(self):
            return b"x"

    assert uploads.as_uploads([Uploaded()]) == [Upload("a.csv", b"x")]


def test_overall_progress_spreads_files_over_one_bar():
    """Two files: halfway through the first is 25 %, the first done is 50 %, 60 % into the
    second is 80 %, both done is 100 %."""
    shown = []
    progress = uploads.OverallProgress(2, lambda fraction, text: shown.append((fraction, text)))
    progress("a.csv", 0.5, "reading")
    progress("a.csv", 1.0, "done")
    progress("b.csv", 0.6, "checking")
    progress("b.csv", 1.0, "done")
    assert [f for f, _ in shown] == pytest.approx([0.25, 0.5, 0.8, 1.0])
    assert shown[2][1] == "b.csv: checking (2 of 2)"


def test_ingest_progress_reaches_the_bar(trust, db):
    shown = []
    progress = uploads.OverallProgress(2, lambda fraction, text: shown.append(fraction))
    uploads.ingest_uploads(
        [Upload("a.csv", CONCERNS), Upload("b.csv", STAFF_WITH_NAMES)],
        academy="OAK",
        db=db,
        progress=progress,
    )
    assert shown and shown[-1] == 1.0
    assert shown == sorted(shown)


def test_templates_are_one_csv_per_dataset_and_the_workbook():
    found = {t.file_name: t for t in uploads.templates()}
    assert set(found) == {
        "academies.csv",
        "concerns.csv",
        "referrals.csv",
        "staff.csv",
        "training.csv",
        "policies.csv",
        "transfers.csv",
        "safeguarding-exports.xlsx",
    }
    assert found["concerns.csv"].data.startswith(b"academy_code,concern_id")
    assert found["safeguarding-exports.xlsx"].data[:2] == b"PK"


def test_who_may_load_for_which_academy():
    """Trust lead: any academy, or each row's own; DSL: their academy only, named; governors:
    nothing. The check holds in ingest_uploads too, not only in the page's choices."""
    every = ("ASH", "ELM", "OAK")
    lead = Scope("trust_lead", every, every, False, every)
    dsl = Scope("dsl", every, ("OAK",), False, every)
    governor = Scope("governor", every, (), True, every)
    assert uploads.academy_choices(lead) == [None, "ASH", "ELM", "OAK"]
    assert uploads.academy_choices(dsl) == ["OAK"]
    assert uploads.academy_choices(governor) == [] and not uploads.may_upload(governor)
    files = [Upload("c.csv", CONCERNS)]
    assert "your own academy" in uploads.ingest_uploads(files, academy=None, scope=dsl).problem
    assert "your own academy" in uploads.ingest_uploads(files, academy="ELM", scope=dsl).problem
    assert "does not load" in uploads.ingest_uploads(files, academy="OAK", scope=governor).problem


def test_a_dsl_loads_for_their_own_academy(trust, db):
    dsl = Scope("dsl", ("ELM", "OAK"), ("OAK",), False, ("ELM", "OAK"))
    outcome = uploads.ingest_uploads([Upload("c.csv", CONCERNS)], academy="OAK", scope=dsl, db=db)
    assert outcome.problem is None and outcome.results[0].rows_loaded == 2
