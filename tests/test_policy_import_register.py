"""Importing documents into the register: the register row, provenance, re-imports, refusals,
the command line, and the flags checked on the register and the documents."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from conftest import rows

from safeguarding import cli, database, metrics
from safeguarding.policy_import import PolicyFile, import_documents
from safeguarding.policy_import.flags import policy_flags

FIXTURES = Path(__file__).parent / "fixtures" / "policies"
SAMPLE = FIXTURES / "st-barts-cse-policy.txt"
NOW = dt.datetime(2026, 11, 28, 9, 30)
AS_OF = dt.date(2026, 11, 28)


def import_files(db, *names, academy="TRUST", **options):
    files = [f if isinstance(f, PolicyFile) else PolicyFile.from_path(FIXTURES / f) for f in names]
    return import_documents(files, db=db, academy=academy, who="tester", now=NOW, **options)


def register(db, academy="TRUST"):
    return rows(
        db,
        "select policy_title, policy_type, last_reviewed_on, next_review_on, "
        "review_cycle_months, category, owner, approved_by, issued_on, "
        f"kcsie_edition_referenced from policies where academy_code = '{academy}' "
        "order by policy_key",
    )


def test_the_sample_becomes_a_trust_wide_register_row_with_provenance(trust, db):
    [result] = import_files(db, "st-barts-cse-policy.txt")
    assert result.status == "imported" and result.register_action == "added"
    assert register(db) == [
        (
            "Child Sexual Exploitation (CSE) Policy",
            "child_sexual_exploitation",  # derived from the title by config/aliases.toml
            dt.date(2026, 3, 1),  # last reviewed = issued (March 2026), its first day
            dt.date(2027, 3, 31),  # "Next Review: March 2027" = the end of that month
            12,
            "Safeguarding",
            "Kim Webb",
            None,
            dt.date(2026, 3, 1),
            2025,
        )
    ]
    [document] = rows(
        db,
        "select file_name, file_type, sha256, imported_at, imported_by, issued_text, "
        "next_review_text, not_found from policy_documents",
    )
    import hashlib

    assert document == (
        "st-barts-cse-policy.txt",
        "txt",
        hashlib.sha256(SAMPLE.read_bytes()).hexdigest(),
        NOW,
        "tester",
        "March 2026",
        "March 2027",
        ["approved_by", "last_reviewed", "version"],
    )
    assert rows(db, "select count(*) from policy_amendments") == [(5,)]
    assert rows(db, "select linked_title, linked_type from policy_links order by all") == [
        ("Acceptable Use Policy", "acceptable_use"),
        ("Child Protection and Safeguarding Policy", "child_protection_safeguarding"),
        ("Online Safety Policy", "online_safety"),
        ("Relationships and Sex Education Policy", "relationships_sex_education"),
        ("Remote Online Learning Policy", "other"),
    ]
    assert rows(
        db,
        "select title, edition_year, updated_text from policy_guidance "
        "where kind = 'guidance' and title like '%Work%'",
    ) == [("Working Together to Safeguard Children", 2023, "March 2026")]
    # the document's text is not stored anywhere
    assert rows(
        db,
        "select count(*) from duckdb_columns() where column_name ilike '%text%' "
        "and table_name like 'policy%' and column_name not in "
        "('issued_text', 'last_reviewed_text', 'next_review_text', "
        "'amended_text', 'updated_text')",
    ) == [(0,)]


def test_a_month_only_review_is_due_at_the_end_of_the_month(trust, db):
    """Next review March 2027: not overdue on 31 March 2027, overdue on 1 April 2027."""
    import_files(db, "st-barts-cse-policy.txt")
    with database.reader(db) as con:
        on_the_day = metrics.compute(con, dt.date(2027, 3, 31))
        day_after = metrics.compute(con, dt.date(2027, 4, 1))

    def overdue(frame):
        row = frame[(frame.academy_code == "TRUST") & (frame.metric == "policies_overdue")]
        return int(row.value.iloc[0])

    assert (overdue(on_the_day), overdue(day_after)) == (0, 1)


def test_reimporting_the_same_file_changes_nothing(trust, db):
    import_files(db, "st-barts-cse-policy.txt")
    before = (rows(db, "policies"), rows(db, "policy_documents"))
    [again] = import_files(db, "st-barts-cse-policy.txt")
    assert again.status == "unchanged"
    assert (rows(db, "policies"), rows(db, "policy_documents")) == before


def test_a_new_version_updates_the_row_and_keeps_the_old_document(trust, db):
    newer = SAMPLE.read_text().replace("Next Review: March 2027", "Next Review: April 2027")
    import_files(db, "st-barts-cse-policy.txt")
    [result] = import_files(db, PolicyFile("st-barts-cse-policy-v2.txt", newer.encode()))
    assert result.status == "imported" and result.register_action == "updated"
    assert register(db)[0][3] == dt.date(2027, 4, 30)
    assert rows(db, "select count(*) from policy_documents") == [(2,)]


def test_a_document_updates_the_only_register_row_of_its_type(trust, db):
    """The register calls it "Trust CSE Policy"; the document's title differs, but it is the
    trust's only CSE policy, so that row is updated (keeping the register's title and the
    fields the document does not give)."""
    trust(
        "policies.csv",
        "academy_code,policy_title,policy_type,next_review_on,approved_by,published_on_website\n"
        "TRUST,Trust CSE Policy,child_sexual_exploitation,2026-01-31,Trust board,yes\n",
    )
    [result] = import_files(db, "st-barts-cse-policy.txt")
    assert result.register_action.startswith("updated “Trust CSE Policy”")
    [row] = rows(
        db,
        "select policy_title, next_review_on, owner, approved_by, published_on_website "
        "from policies",
    )
    assert row == ("Trust CSE Policy", dt.date(2027, 3, 31), "Kim Webb", "Trust board", True)


def test_an_academy_document_and_an_unknown_academy(trust, db):
    [ok] = import_files(db, "willow-attendance-policy.pdf", academy="oak")
    assert ok.status == "imported" and ok.academy_code == "OAK"
    assert register(db, "OAK")[0][:4] == (
        "Attendance Policy",
        "other",
        dt.date(2025, 9, 1),
        dt.date(2026, 8, 31),
    )
    before = rows(db, "policies")
    [refused] = import_files(db, "willow-attendance-policy.pdf", academy="BEECH")
    assert refused.status == "refused" and "BEECH" in refused.message
    assert "academies reference" in refused.message
    assert rows(db, "policies") == before


def test_an_unreadable_file_is_refused_and_the_rest_imported(trust, db):
    results = import_files(
        db, PolicyFile("policy.doc", b"\xd0\xcf\x11\xe0"), "hazel-rse-policy.pdf"
    )
    assert [r.status for r in results] == ["refused", "imported"]
    assert "save it as .docx" in results[0].message
    assert rows(db, "select count(*) from policy_documents") == [(1,)]


def test_without_a_next_review_the_register_uses_the_cycle(trust, db):
    """No next review given: the register's rule applies (last review + cycle), while the
    document record keeps saying it was not found."""
    text = "Behaviour Policy\nDate approved: 1 September 2025\nReview cycle: every two years\n"
    import_files(db, PolicyFile("behaviour.txt", text.encode()))
    assert register(db)[0][3] == dt.date(2027, 9, 1)
    [(not_found,)] = rows(db, "select not_found from policy_documents")
    assert "next_review" in not_found


def test_dry_run_reads_without_a_database(tmp_path):
    db = tmp_path / "none.duckdb"
    [result] = import_files(db, "oakfield-safeguarding-policy.docx", dry_run=True)
    assert result.status == "read" and not db.exists()


def test_command_line(trust, db, capsys):
    assert cli.main(["import-policy", str(SAMPLE), "--db", str(db), "--accept"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "added to the register as “Child Sexual Exploitation (CSE) Policy”" in out
    assert "due by 31 Mar 2027" in out
    assert "approved by                 not found" in out
    assert "Kim Webb" in out and "amendment 5: March 2026" in out

    assert (
        cli.main(["import-policy", str(SAMPLE), "--db", str(db), "--format", "json", "--accept"])
        == cli.EXIT_OK
    )
    [record] = json.loads(capsys.readouterr().out)
    assert record["status"] == "unchanged"
    assert record["fields"]["next_review"]["value"] == {
        "text": "March 2027",
        "from": "2027-03-01",
        "to": "2027-03-31",
        "precision": "month",
    }
    assert record["fields"]["owner"]["value"] == "Kim Webb"
    assert record["fields"]["approved_by"] is None
    assert record["register"]["next_review_on"] == "2027-03-31"
    assert len(record["amendments"]) == 5 and record["not_found"] == [
        "approved_by",
        "last_reviewed",
        "version",
    ]

    bad = db.parent / "policy.doc"
    bad.write_bytes(b"\xd0\xcf")
    assert cli.main(["import-policy", str(bad), "--db", str(db), "--accept"]) == cli.EXIT_REFUSED
    assert "refused" in capsys.readouterr().out
    assert cli.main(["import-policy", str(db.parent / "missing.pdf")]) == cli.EXIT_USAGE


def test_a_busy_database_is_refused_without_waiting_forever(trust, db, capsys):
    with database.writer(db):
        code = cli.main(
            ["import-policy", str(SAMPLE), "--db", str(db), "--wait", "0.2", "--accept"]
        )
    assert code == cli.EXIT_REFUSED
    assert "busy" in capsys.readouterr().err


# --- flags -------------------------------------------------------------------------------------


REGISTER = (
    "academy_code,policy_title,policy_type,last_reviewed_on,next_review_on,owner,issued_on,"
    "kcsie_edition_referenced\n"
    # links of the CSE policy: OAK has Online Safety (overdue) and child protection
    "OAK,Online Safety Policy,,2025-01-31,2026-01-31,DSL,2025-01-31,\n"
    "OAK,Child Protection and Safeguarding Policy,,2025-12-01,2026-12-01,DSL,2025-12-01,2025\n"
    # a register row with an old KCSIE, no owner, and a review 3 years after issue
    "ELM,Child Protection Policy,,2024-09-01,2027-09-01,,2024-09-01,2024\n"
    # next review before issue
    "ELM,Behaviour Policy,,,2025-06-01,Head,2025-09-01,\n"
)


def flags_of(db, academies=None, as_of=AS_OF):
    with database.reader(db) as con:
        frame = policy_flags(con, as_of, academies)
    return sorted(
        (r.academy_code, r.policy_title, r.flag, r.detail) for r in frame.itertuples(index=False)
    )


def test_register_rows_are_flagged_on_their_dates_owner_and_kcsie(trust, db):
    trust("policies.csv", REGISTER)
    assert flags_of(db) == [
        (
            "ELM",
            "Behaviour Policy",
            "review_before_issue",
            "Next review 1 Jun 2025 is before the issue date 1 Sep 2025",
        ),
        (
            "ELM",
            "Child Protection Policy",
            "guidance_out_of_date",
            "The register records Keeping Children Safe in Education 2024; the 2025 edition "
            "is in force",
        ),
        ("ELM", "Child Protection Policy", "no_owner", "No owner is recorded in the register"),
        (
            "ELM",
            "Child Protection Policy",
            "review_beyond_cycle",
            "Next review 1 Sep 2027 is more than 12 months (the review cycle) after the issue "
            "date 1 Sep 2024",
        ),
    ]


def test_a_trust_documents_links_are_checked_for_every_academy(trust, db):
    """The CSE policy refers to five policies. OAK has Online Safety (overdue since 31 Jan
    2026) and child protection; ELM has child protection (by type) only; nobody has AUP, RSE
    or Remote Online Learning: one trust-level flag each. The sample's own dates (March 2026
    to March 2027, 12 months at month precision) and owner raise nothing. It names the Local
    Safeguarding Children Board and plain GDPR, both replaced: flagged as obsolete."""
    trust("policies.csv", REGISTER)
    import_files(db, "st-barts-cse-policy.txt")
    document_flags = [f for f in flags_of(db) if f[1] == "Child Sexual Exploitation (CSE) Policy"]
    obsolete = [f for f in document_flags if f[2] == "obsolete_reference"]
    assert [f[3].split(" (")[0] for f in obsolete] == [
        "Names the GDPR",
        "Names the Local Safeguarding Children Board",
    ]
    document_flags = [f for f in document_flags if f[2] != "obsolete_reference"]
    assert document_flags == [
        (
            "ELM",
            "Child Sexual Exploitation (CSE) Policy",
            "linked_policy_missing",
            "Refers to the Online Safety Policy, which is in neither ELM's register nor the "
            "trust's",
        ),
        (
            "OAK",
            "Child Sexual Exploitation (CSE) Policy",
            "linked_policy_overdue",
            'Refers to the Online Safety Policy; the register\'s "Online Safety Policy" was due '
            "for review on 31 Jan 2026",
        ),
        *[
            (
                "TRUST",
                "Child Sexual Exploitation (CSE) Policy",
                "linked_policy_missing",
                f"Refers to the {name}, which is in neither the trust's register nor any academy's",
            )
            for name in (
                "Acceptable Use Policy",
                "Relationships and Sex Education Policy",
                "Remote Online Learning Policy",
            )
        ],
    ]
    # seen by OAK alone, the missing links are OAK's
    oak_only = [f for f in flags_of(db, ["OAK"]) if f[2] == "linked_policy_missing"]
    assert {f[0] for f in oak_only} == {"OAK"} and len(oak_only) == 3


def test_document_flags_guidance_owner_and_dates(trust, db):
    """Oakfield cites KCSIE 2024 (2025 in force); Hazel names no owner; a document whose next
    review (September 2027) is two years after its issue (September 2025) while it promises
    an annual review."""
    import_files(db, "oakfield-safeguarding-policy.docx", "hazel-rse-policy.pdf")
    late = (
        "Behaviour Policy\nIssued: September 2025\nNext review: September 2027\n"
        "Owner: Head\nThis policy is reviewed annually.\n"
    )
    import_files(db, PolicyFile("behaviour.txt", late.encode()))
    flags = {(f[1], f[2]): f[3] for f in flags_of(db)}
    assert flags[("Safeguarding and Child Protection Policy", "guidance_out_of_date")] == (
        "Cites Keeping Children Safe in Education 2024; the 2025 edition is in force"
    )
    # Hazel names no owner; the Board of Trustees approved it and is taken as its owner
    assert ("Relationships and Sex Education (RSE) Policy", "no_owner") not in flags
    assert flags[("Behaviour Policy", "review_beyond_cycle")] == (
        "Next review September 2027 is more than 12 months (the review cycle) after the issue "
        "date September 2025"
    )
    # Hazel: approved 14 Oct 2025, review in the Autumn term 2027, every two years: the term
    # starts within 24 months of the approval, so it is not beyond the cycle
    assert ("Relationships and Sex Education (RSE) Policy", "review_beyond_cycle") not in flags


def test_the_demo_trust_with_the_sample_imported(demo_db, tmp_path):
    """On a copy of the demo: the register's own KCSIE 2024 rows are flagged, and the sample
    updates the demo's trust-wide CSE policy (the only one of its type)."""
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, db)
    [result] = import_files(db, "st-barts-cse-policy.txt")
    assert result.register_action == "updated “Trust Child Sexual Exploitation Policy” (same type)"
    flags = flags_of(db)
    assert any(f[2] == "guidance_out_of_date" and "register records" in f[3] for f in flags)
    assert any(f[1] == "Trust Child Sexual Exploitation Policy" for f in flags)
