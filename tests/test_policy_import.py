"""Policy documents -> fields: the St Bart's CSE policy (text from its Word original) field by
field, synthetic Word and PDF documents laid out differently, and the pieces (dates, labels,
references) on the forms real documents use."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from safeguarding.policy_import import PolicyFile, UnreadableDocument, read_file
from safeguarding.policy_import.dates import find_dates, is_only_a_date, parse_value
from safeguarding.policy_import.labels import classify, cycle_months, is_placeholder
from safeguarding.policy_import.references import smart_title

FIXTURES = Path(__file__).parent / "fixtures" / "policies"
SAMPLE = FIXTURES / "st-barts-cse-policy.txt"


def extract(name: str, text: str | None = None):
    if text is None:
        return read_file(PolicyFile.from_path(FIXTURES / name))
    return read_file(PolicyFile(name, text.encode("utf-8")))


def span(found, name):
    value = found.value(name)
    return (value.start, value.end, value.precision) if value else None


def guidance(found) -> dict[str, tuple[int | None, str | None]]:
    return {c.title: (c.edition_year, c.updated_text) for c in found.guidance}


D = dt.date


# --- the St Bart's CSE policy, every field ----------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return read_file(PolicyFile.from_path(SAMPLE))


def test_sample_details_block(sample):
    """Lines 14-18: Title, Issued, Next Review, Owner, Category."""
    assert sample.title == "Child Sexual Exploitation (CSE) Policy"
    assert sample.found["title"].where.startswith("line 14")
    # month-only dates are periods: issued some time in March 2026
    assert span(sample, "issued") == (D(2026, 3, 1), D(2026, 3, 31), "month")
    assert sample.found["issued"].text == "March 2026"
    # "Next Review: March 2027" counts as the end of March 2027 for due status
    assert span(sample, "next_review") == (D(2027, 3, 1), D(2027, 3, 31), "month")
    assert sample.value("owner") == "Kim Webb"
    assert sample.value("category") == "Safeguarding"


def test_sample_review_cycle_from_clause_17(sample):
    """§17 "This policy is reviewed **annually** by the Trust." -> 12 months (the bold
    markers of the text export do not get in the way)."""
    assert sample.value("review_cycle") == 12
    assert sample.found["review_cycle"].how == "sentence"


def test_sample_amendment_history(sample):
    rows = [
        (a.date_text, a.date.start if a.date else None, a.description, a.by)
        for a in sample.amendments
    ]
    assert rows == [
        ("May 2023", D(2023, 5, 1), "Updated April 2023", "S. Cope"),
        (
            "March 2024",
            D(2024, 3, 1),
            "Added - St Bart's Mission Statement / Vision / Values and Sustainability. "
            "Updated references to revised legislation",
            "S. Cope",
        ),
        ("March 2024", D(2024, 3, 1), "Updated March 2024", "K. Webb"),
        ("March 2025", D(2025, 3, 1), "Updated March 2025", "K. Webb"),
        ("March 2026", D(2026, 3, 1), "Updated March 2026", "K. Webb"),
    ]
    # the contents page that follows (tab-separated page numbers) is not history
    assert all(a.version is None for a in sample.amendments)


def test_sample_linked_policies(sample):
    """Bold names in §3, §12, §13, §14, §15; "Acceptable Use Policy including Remote Online
    Learning Policy" names two. Its own title (in the contents and §-heading) is not a link."""
    assert sample.linked_policies == [
        "Child Protection and Safeguarding Policy",
        "Online Safety Policy",
        "Acceptable Use Policy",
        "Remote Online Learning Policy",
        "Relationships and Sex Education Policy",
    ]


def test_sample_guidance_with_editions(sample):
    """§1's reference list and §6's "Working Together to Safeguard Children 2023"; the
    "(updated March 2026)" of the list is an update, not an edition."""
    assert guidance(sample) == {
        "Keeping Children Safe in Education": (2025, None),
        "Working Together to Safeguard Children": (2023, "March 2026"),
        "What to do if you're worried a child is being abused": (2015, None),
        "Information sharing": (2024, None),
        "Child sexual exploitation: definition and guide for practitioners": (2017, None),
    }
    assert sample.kcsie_edition() == 2025


def test_sample_legislation_is_kept_apart(sample):
    titles = [c.title for c in sample.legislation]
    assert titles[:3] == [
        "Children Act 1989",
        "Children Act 2004",
        "Safeguarding Vulnerable Groups Act 2006",
    ]
    assert "Sexual Offences Act 2003" in titles and "Data Protection Act 2018" in titles
    assert not any("Act" in c.title for c in sample.guidance)


def test_sample_reports_what_it_does_not_say(sample):
    assert sample.not_found == ["approved_by", "last_reviewed", "version"]
    # the cover's "October 2025" is another date the reader should know about
    assert any("October 2025" in note and "March 2026" in note for note in sample.notes)


# --- synthetic documents, other layouts ------------------------------------------------------


def test_word_document_control_and_version_history_tables():
    found = extract("oakfield-safeguarding-policy.docx")
    # the Title-styled heading, without its school year; the Word properties' title is junk
    assert found.title == "Safeguarding and Child Protection Policy"
    assert found.value("owner") == "Director of Safeguarding"
    assert found.value("approved_by") == "Board of Trustees"
    assert span(found, "issued") == (D(2025, 9, 16), D(2025, 9, 16), "day")
    assert span(found, "next_review") == (D(2026, 9, 1), D(2026, 9, 30), "month")
    assert found.value("review_cycle") == 12
    assert found.value("version") == "5.1"
    assert found.value("category") == "Safeguarding"
    assert [(a.version, a.date.start, a.by) for a in found.amendments] == [
        ("4.0", D(2023, 9, 1), "R. Okafor"),
        ("5.0", D(2024, 9, 2), "R. Okafor"),
        ("5.1", D(2025, 9, 16), "M. Lind"),
    ]
    assert found.amendments[1].description == (
        "Child-on-child abuse section; filtering and monitoring"
    )
    # the bulleted "read alongside:" list, and a name in a sentence
    assert found.linked_policies == [
        "Behaviour Policy",
        "Online Safety Policy",
        "Staff Code of Conduct",
        "Whistleblowing Policy",
        "Allegations Against Staff Policy",
    ]
    # KCSIE 2024 in the text; "KCSIE 2023" in the version history is history, not a citation
    assert guidance(found) == {
        "Keeping Children Safe in Education": (2024, None),
        "Working Together to Safeguard Children": (2023, None),
    }
    assert found.not_found == ["last_reviewed"]


def test_word_header_row_table_and_review_date_in_the_footer():
    found = extract("elm-online-safety-policy.docx")
    assert found.title == "Online Safety Policy"  # "ONLINE SAFETY POLICY", Heading 1
    assert span(found, "issued") == (D(2025, 7, 3), D(2025, 7, 3), "day")
    assert found.value("approved_by") == "Local Governing Body"
    assert found.value("owner") == "Computing Lead"
    assert found.value("category") == "Pupils"
    # only in the page footer
    assert span(found, "next_review") == (D(2026, 7, 1), D(2026, 7, 31), "month")
    assert found.found["next_review"].where.startswith("page footer")
    assert set(found.linked_policies) == {
        "Behaviour Policy",
        "Acceptable Use Policy",
        "Child Protection Policy",
    }
    assert guidance(found) == {
        "Teaching online safety in schools": (2023, None),
        "Keeping Children Safe in Education": (2025, None),
    }
    assert found.amendments == []
    assert "amendments" in found.not_found and "version" in found.not_found


def test_pdf_date_of_next_review_lines_with_headers_and_footers():
    found = extract("willow-attendance-policy.pdf")
    assert found.title == "Attendance Policy"
    assert span(found, "last_reviewed") == (D(2025, 9, 1), D(2025, 9, 1), "day")
    assert span(found, "next_review") == (D(2026, 8, 31), D(2026, 8, 31), "day")
    assert found.value("owner") == "Headteacher"
    assert found.value("category") == "Pupils"
    assert found.value("review_cycle") == 12
    assert found.linked_policies == ["Safeguarding and Child Protection Policy", "Behaviour Policy"]
    assert guidance(found) == {
        "Working together to improve school attendance": (2024, None),
        "Keeping Children Safe in Education": (2025, None),
    }
    # no issue date anywhere, and the last review is not passed off as one
    assert "issued" in found.not_found and found.value("issued") is None


def test_pdf_dates_only_in_sentences():
    found = extract("hazel-rse-policy.pdf")
    assert found.title == "Relationships and Sex Education (RSE) Policy"
    assert span(found, "issued") == (D(2025, 10, 14), D(2025, 10, 14), "day")
    assert found.value("approved_by") == "Board of Trustees"
    assert found.value("review_cycle") == 24
    # "the Autumn term 2027" runs 1 Sep to 31 Dec 2027 (the dashboard's default terms)
    assert span(found, "next_review") == (D(2027, 9, 1), D(2027, 12, 31), "term")
    # no owner named: the body that approved it answers for it, and a note says so
    assert found.value("owner") == "Board of Trustees"
    assert found.found["owner"].how == "approver"
    assert any(note.startswith("owner: the document names none") for note in found.notes)
    assert found.not_found == ["category", "last_reviewed", "version", "amendments"]
    assert guidance(found)["Relationships, sex and health education"] == (2019, None)


def test_pdf_tables_with_a_wrapped_cell_and_both_review_labels():
    """ "Review date 12/03/2025" next to "Next review date March 2026" is the last review."""
    found = extract("rowan-allegations-policy.pdf")
    assert found.title == "Allegations Against Staff Policy"
    assert found.value("owner") == "Trust HR Director"
    assert span(found, "issued") == (D(2025, 3, 12), D(2025, 3, 12), "day")
    assert span(found, "last_reviewed") == (D(2025, 3, 12), D(2025, 3, 12), "day")
    assert span(found, "next_review") == (D(2026, 3, 1), D(2026, 3, 31), "month")
    assert [a.version for a in found.amendments] == ["1.0", "2.0"]
    assert found.amendments[1].description == (
        "Low-level concerns procedure added; LADO contact details and the referral form "
        "updated for the new local arrangements"
    )
    assert guidance(found) == {"Keeping Children Safe in Education": (2023, None)}
    assert found.linked_policies == ["Whistleblowing Policy", "Staff Code of Conduct"]


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("Online Safety Policy\nDate of next review: 31/08/2026\n", "next_review", D(2026, 8, 31)),
        ("Online Safety Policy\nReview due: Sept 2026\n", "next_review", D(2026, 9, 30)),
        ("Online Safety Policy\nTo be reviewed by: Summer 2026\n", "next_review", D(2026, 8, 31)),
        ("Online Safety Policy\nNext review date:\n\nJuly 2026\n", "next_review", D(2026, 7, 31)),
        ("Online Safety Policy\nNext review date September 2026\n", "next_review", D(2026, 9, 30)),
        (
            "Online Safety Policy\nThe next review date is 1 September 2026.\n",
            "next_review",
            D(2026, 9, 1),
        ),
        (
            "Online Safety Policy\nThis policy will be reviewed no later than October 2026.\n",
            "next_review",
            D(2026, 10, 31),
        ),
        ("Online Safety Policy\nRatified by Governors: Autumn 2025\n", "issued", D(2025, 9, 1)),
        ("Online Safety Policy\nDate adopted: 3rd October 2025\n", "issued", D(2025, 10, 3)),
        (
            "Online Safety Policy\nApproved by: Full Governing Body   Date: 20.09.2025\n",
            "issued",
            D(2025, 9, 20),
        ),
        (
            "Online Safety Policy\n| Date approved | Approved by | Next review |\n"
            "|---|---|---|\n| 12/09/2025 | Trust Board | 09/2026 |\n",
            "next_review",
            D(2026, 9, 30),
        ),
    ],
)
def test_the_many_ways_a_date_is_given(text, field, expected):
    found = extract("policy.md", text)
    value = found.value(field)
    assert value is not None, found.found
    assert (value.end if field == "next_review" else value.start) == expected


def test_a_cover_without_colons_and_other_citation_forms():
    """A PDF table whose columns came out one space apart; a generic line above the title; an
    approval sentence that starts with its date; KCSIE cited with a subtitle and as
    "(KCSIE, 2024)"."""
    found = extract(
        "cover.txt",
        "Oak Trust\nPolicies and Procedures\n\nSafeguarding Policy\n\n"
        "Policy owner Headteacher\nApproved by Trust Board\nReview cycle Annual\n"
        "Next review date 1 Sept 26\n\n"
        "On 12 September 2025 the governing body approved this policy.\n"
        "We follow Keeping children safe in education: statutory guidance for schools and "
        "colleges (2025), and Keeping Children Safe in Education (KCSIE, 2024) before it.\n",
    )
    assert found.title == "Safeguarding Policy"
    assert found.value("owner") == "Headteacher"
    assert found.value("approved_by") == "Trust Board"
    assert found.value("review_cycle") == 12
    assert span(found, "next_review") == (D(2026, 9, 1), D(2026, 9, 1), "day")
    assert span(found, "issued") == (D(2025, 9, 12), D(2025, 9, 12), "day")
    [kcsie] = found.guidance
    assert (kcsie.edition_year, kcsie.editions) == (2025, [2024, 2025])


def test_a_form_in_an_appendix_is_not_amendment_history():
    text = (
        "Online Safety Policy\n\nAppendix 2: incident log\n"
        "Date\tConcern\tAction taken\tSignature\n12/01/2026\tExample\tReported to DSL\tA.B.\n"
        "\nDocument history\nDate\tNotes\n01/09/2025\tFirst issue\n"
    )
    found = extract("policy.txt", text)
    assert [(a.date_text, a.description) for a in found.amendments] == [
        ("01/09/2025", "First issue")
    ]


def test_prose_review_of_something_else_is_not_the_policy_review():
    found = extract(
        "policy.txt",
        "Online Safety Policy\nStaff training will be reviewed in September 2026.\n",
    )
    assert found.value("next_review") is None


def test_placeholders_are_not_values():
    found = extract(
        "policy.txt",
        "Behaviour Policy\nOwner: TBC\nNext review: [insert date]\nCategory: N/A\n",
    )
    assert found.value("owner") is None and found.value("category") is None
    assert "owner" in found.not_found
    assert any("TBC" in note for note in found.notes)


def test_a_job_title_in_a_signature_block_is_not_the_title():
    found = extract(
        "policy.txt",
        "Anti-bullying Policy\n\nSigned: ________\nName: A. Jones\nTitle: Chair of Governors\n",
    )
    assert found.title == "Anti-bullying Policy"


def test_without_any_title_the_file_name_is_used_and_said():
    found = extract("whistle_blowing-policy.txt", "Staff may raise concerns in confidence.\n")
    assert found.title == "Whistle Blowing Policy"
    assert not found.title_from_document and "title" in found.not_found


def test_a_title_over_two_cover_lines():
    found = extract("policy.txt", "Oakfield Primary\n\nChild Protection\nPolicy 2025-2026\n")
    assert found.title == "Child Protection Policy"


def test_word_cover_in_a_content_control_and_a_text_box():
    """Word cover pages keep the title in a content control and the dates in a text box."""
    import io

    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    wps = 'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    document = docx.Document()
    body = document.element.body
    body.insert(
        0,
        parse_xml(
            f"<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>Whistleblowing Policy</w:t></w:r></w:p>"
            "</w:sdtContent></w:sdt>"
        ),
    )
    box = parse_xml(
        f"<w:p {w} {wps}><w:r><w:t>Cover</w:t></w:r><w:r><wps:txbx><w:txbxContent>"
        "<w:p><w:r><w:t>Next review: May 2027</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Owner:</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>CEO</w:t></w:r></w:p>"
        "</w:txbxContent></wps:txbx></w:r></w:p>"
    )
    body.insert(1, box)
    buffer = io.BytesIO()
    document.save(buffer)
    found = read_file(PolicyFile("whistle.docx", buffer.getvalue()))
    assert found.title == "Whistleblowing Policy"
    assert span(found, "next_review") == (D(2027, 5, 1), D(2027, 5, 31), "month")
    assert found.value("owner") == "CEO"


def test_unreadable_files_are_refused_with_a_reason():
    with pytest.raises(UnreadableDocument, match=r"save it as \.docx"):
        read_file(PolicyFile("old.doc", b"\xd0\xcf\x11\xe0"))
    with pytest.raises(UnreadableDocument, match="not a readable Word document"):
        read_file(PolicyFile("broken.docx", b"not a zip"))
    with pytest.raises(UnreadableDocument, match="not a readable PDF"):
        read_file(PolicyFile("broken.pdf", b"%PDF-1.4 nonsense"))
    with pytest.raises(UnreadableDocument, match="not a policy document"):
        read_file(PolicyFile("policy.xlsx", b"PK"))


def test_a_pdf_without_text_is_refused_as_a_scan():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)
    with pytest.raises(UnreadableDocument, match="no text layer"):
        read_file(PolicyFile("scan.pdf", bytes(pdf.output())))


# --- the pieces ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("March 2027", D(2027, 3, 1), D(2027, 3, 31), "month"),
        ("Sept 2026", D(2026, 9, 1), D(2026, 9, 30), "month"),
        ("Sep-25", D(2025, 9, 1), D(2025, 9, 30), "month"),
        ("09/2025", D(2025, 9, 1), D(2025, 9, 30), "month"),
        ("February 2028", D(2028, 2, 1), D(2028, 2, 29), "month"),
        ("12th September 2025", D(2025, 9, 12), D(2025, 9, 12), "day"),
        ("Monday 1st September, 2025", D(2025, 9, 1), D(2025, 9, 1), "day"),
        ("September 12, 2025", D(2025, 9, 12), D(2025, 9, 12), "day"),
        ("03/04/2026", D(2026, 4, 3), D(2026, 4, 3), "day"),  # UK order
        ("12.09.25", D(2025, 9, 12), D(2025, 9, 12), "day"),
        ("2025-09-12", D(2025, 9, 12), D(2025, 9, 12), "day"),
        ("Autumn term 2026", D(2026, 9, 1), D(2026, 12, 31), "term"),
        ("Spring 2027", D(2027, 1, 1), D(2027, 3, 28), "term"),  # to Easter Sunday 2027
        ("Summer term 2025/26", D(2026, 4, 6), D(2026, 8, 31), "term"),
        ("2026/27", D(2026, 9, 1), D(2027, 8, 31), "academic_year"),
        ("2027", D(2027, 1, 1), D(2027, 12, 31), "year"),
    ],
)
def test_dates_are_periods(text, start, end, precision):
    value = parse_value(text)
    assert (value.start, value.end, value.precision) == (start, end, precision)


def test_a_year_alone_is_not_a_date_in_a_sentence():
    assert find_dates("under the Children Act 1989 and section 47") == []
    assert is_only_a_date("September 2026.") and not is_only_a_date("September 2026 by the DSL")


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Next Review", "next_review"),
        ("Date of next review", "next_review"),
        ("Review due", "next_review"),
        ("To be reviewed by", "next_review"),
        ("Renewal date", "next_review"),
        ("Date to be reviewed", "next_review"),
        ("Issued", "issued"),
        ("Date approved", "issued"),
        ("Date ratified by governors", "issued"),
        ("Approved by the Trust Board on", "issued"),
        ("Effective from", "issued"),
        ("Held on", "issued"),
        ("Last reviewed", "last_reviewed"),
        ("Date of last review", "last_reviewed"),
        ("Owner", "owner"),
        ("Policy owner", "owner"),
        ("Responsible officer", "owner"),
        ("Member of staff responsible", "owner"),
        ("Lead person", "owner"),
        ("Approved by", "approved_by"),
        ("Ratified by", "approved_by"),
        ("Category", "category"),
        ("Policy category", "category"),
        ("Review cycle", "review_cycle"),
        ("Frequency of review", "review_cycle"),
        ("Version", "version"),
        ("Policy title", "title"),
        ("Name of policy", "title"),
        ("1. Policy name:", "title"),
        ("Name", None),
        ("Section Amended", None),
        ("Statement of intent", None),
        ("Signature", None),
    ],
)
def test_labels(label, field):
    assert classify(label) == field


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("Annually", 12),
        ("annual", 12),
        ("every year", 12),
        ("12 months", 12),
        ("Every 2 years", 24),
        ("Biennial", 24),
        ("two-yearly", 24),
        ("every three years", 36),
        ("termly", 4),
    ],
)
def test_review_cycles(text, months):
    assert cycle_months(text)[0] == months


def test_placeholders_and_title_case():
    assert all(is_placeholder(v) for v in ("TBC", "N/A", "[Insert name]", "____", "-"))
    assert not is_placeholder("Headteacher")
    assert smart_title("CHILD SEXUAL EXPLOITATION (CSE) POLICY") == (
        "Child Sexual Exploitation (CSE) Policy"
    )
    assert smart_title("SEND AND ANTI-BULLYING POLICY") == "SEND and Anti-Bullying Policy"
