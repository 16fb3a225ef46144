"""The layouts real policy documents come in once their text is extracted, each written out
here with synthetic names: labels run together on one line, a document-control block flattened
into running text, a key-people table with the value lines below its label, dates only in
prose, UK numeric and ordinal dates, a title in a label, and the decoys around them."""

from __future__ import annotations

import datetime as dt

from safeguarding.policy_import.extract import extract
from safeguarding.policy_import.reading import read_document

D = dt.date


def read(text: str, name: str = "policy.txt"):
    return extract(read_document(name, text.encode()))


def start(found, name):
    value = found.value(name)
    return value.start if value else None


def test_labels_run_together_on_one_line_and_an_explicit_review_beats_the_cycle():
    found = read(
        "Title: Synthetic Online Safety Policy Issued: May 2020 Review: May 2022 Page 1 of 22\n"
        "This policy is reviewed every two years by the governing body of the academy.\n"
    )
    assert found.title == "Synthetic Online Safety Policy"
    assert start(found, "issued") == D(2020, 5, 1)
    assert start(found, "next_review") == D(2022, 5, 1)  # not May 2022 from issued + 2 years
    assert found.value("review_cycle") == 24
    assert "next_review" not in found.to_check


def test_a_document_control_block_flattened_into_running_text():
    found = read(
        "Policy Details Document Name: Synthetic Safeguarding Policy Version Number: 2.0 "
        "Effective From: 1 September 2022 Owner(s): Head of Safeguarding Approved by: Synthetic "
        "Trust Board Approval Date: September 2022 Date Shared with Staff: 5 September 2022 "
        "Next review date: September 2023 Reference Documentation: KCSIE September 2022\n"
    )
    assert found.title == "Synthetic Safeguarding Policy"
    assert start(found, "issued") == D(2022, 9, 1)
    # two readings of the issue date that agree (a day within a month) keep full confidence
    assert found.found["issued"].confidence >= 0.85
    assert found.value("owner") == "Head of Safeguarding"
    assert found.value("approved_by") == "Synthetic Trust Board"
    assert start(found, "next_review") == D(2023, 9, 1)


def test_a_key_people_table_with_the_value_lines_below_its_label():
    found = read(
        "Synthetic Online Safety Policy\n\nKey people / dates\n\n"
        "Designated Safeguarding Lead\n\nExample Person One\n\n"
        "Date of next review and by whom\n\n\n\n"
        "To be reviewed by the Board of Directors by 31st August 2024\n"
    )
    assert start(found, "next_review") == D(2024, 8, 31)
    assert found.value("owner") == "Board of Directors"  # the body that reviews it
    assert found.found["owner"].how == "reviewer"


def test_dates_only_in_prose_and_day_first_numbers():
    found = read(
        "Synthetic Attendance Policy\n"
        "This policy was approved by governors on 12/03/2015 and is due for review on January "
        "2016.\nIt applies to every pupil on roll.\n"
    )
    assert start(found, "issued") == D(2015, 3, 12)  # 12 March, never December 3rd
    assert start(found, "next_review") == D(2016, 1, 1)


def test_short_numeric_ordinal_and_term_dates():
    found = read(
        "Synthetic Behaviour Policy\nDate Approved: 18-1-18\nDate for review: Spring Term 18/19\n"
    )
    assert start(found, "issued") == D(2018, 1, 18)
    assert start(found, "next_review") == D(2019, 1, 1)  # spring term of 2018/19
    split = read("Synthetic Health and Safety Policy\nLast reviewed on Date: 31 st January 2020\n")
    assert start(split, "last_reviewed") == D(2020, 1, 31)


def test_a_title_in_a_label_beats_the_school_and_the_file_name_and_decoys_are_left():
    found = read(
        "Synthetic Primary School\nHeadteacher: Mrs Example Person\n"
        "Chair of Governors: Mr Example Person\nPolicies 2019\nDate post: 13-Apr-2018\n"
        "Title: Synthetic Charging Policy\nDate approved: 3rd Feb 2019\nNext review: 03/02/2020\n",
        name="synthetic-primary-school-policies.txt",
    )
    assert found.title == "Synthetic Charging Policy"
    assert start(found, "issued") == D(2019, 2, 3)  # not the upload date
    assert start(found, "next_review") == D(2020, 2, 3)
    assert found.value("owner") is None  # the headteacher and chair on the cover are no owner


def test_a_school_name_and_a_status_around_a_heading_are_not_the_title():
    assert read("LIVE- Synthetic Online Safety Policy\nNext review: May 2027\n").title == (
        "Synthetic Online Safety Policy"
    )
    assert read(
        "Synthetic Academy and Sixth Form Special Educational Needs Policy Date September 2021 "
        "Written by Mr Example Date adopted by Synthetic LGC 30 September 2021 Review Date "
        "September 2023\n"
    ).title == ("Special Educational Needs Policy")
    assert (
        read(
            "Data-Protection-Policy.309091724\nData Protection Policy\nNext review: May 2027\n"
        ).title
        == "Data Protection Policy"
    )


def test_a_review_date_made_from_the_cycle_is_offered_to_check_not_used():
    found = read(
        "Synthetic Anti-Bullying Policy\nDate approved: 19 January 2025\n"
        "This policy is reviewed annually by the governing body of the academy.\n"
    )
    assert found.value("next_review") is None
    computed = found.to_check["next_review"]
    assert (computed.value.start, computed.how) == (D(2026, 1, 19), "computed")
    assert any("would make it January 2026" in note for note in found.notes)


def test_the_last_row_of_a_review_table_is_the_version_in_force():
    found = read(
        "SYNTHETIC CHILD PROTECTION POLICY\n"
        "Date Created | Date 1st Review Due | Date Reviewed | Version | Next Review Due |\n"
        "November 2022 | November 2023 | |||\n"
        "September 2023 | 2 | September 2024 | ||\n"
        "September 2024 | 4 | September 2025 |\n"
        "Contents\n"
    )
    assert start(found, "last_reviewed") == D(2024, 9, 1)
    assert start(found, "next_review") == D(2025, 9, 1)


def test_a_labelled_value_ends_with_its_line():
    found = read(
        "Synthetic Behaviour Policy\nOwner: Headteacher\nThis policy sets out how the academy "
        "promotes good behaviour.\n"
    )
    assert found.value("owner") == "Headteacher"
    assert not any("This policy sets out" in note for note in found.notes)
