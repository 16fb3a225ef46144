"""Hostile policy documents (issue 13 §3): text made to send the import's patterns into
quadratic (or worse) backtracking must be read in moments, within the size limits.

Nothing here is timed. Each read runs under a hard deadline (`DEADLINE_SECONDS`) far above
what a linear read needs, on inputs sized so that a pattern quadratic in its input needs
minutes or hours: a regression fails at the deadline instead of hanging the suite. The limits
themselves are checked too: a document over `MAX_DOCUMENT_CHARACTERS` is refused before any
pattern sees it, and a line over `MAX_LINE_CHARACTERS` is cut, with a note, before extraction.
The extraction tests pass lines far longer than that straight to `extract`, so each pattern is
tested on its own and not only behind the cut.

Every document here is synthetic: runs of letters, digits and spaces, and made-up names.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from conftest import hard_deadline, subprocess_env

from safeguarding.policy_import import PolicyFile, UnreadableDocument, import_documents, read_file
from safeguarding.policy_import.dates import find_dates
from safeguarding.policy_import.extract import extract
from safeguarding.policy_import.labels import approving_body, classify, is_placeholder, normalise
from safeguarding.policy_import.reading import (
    MAX_DOCUMENT_CHARACTERS,
    MAX_LINE_CHARACTERS,
    Line,
    PolicyText,
    plain,
)
from safeguarding.policy_import.references import (
    find_guidance,
    find_legislation,
    find_linked_policies,
)

# Reading any document here takes a second or less; twenty is room for a slow, shared machine,
# and a small fraction of what the quadratic patterns took on these inputs.
DEADLINE_SECONDS = 20
LONG = 150_000  # characters: more than a quadratic pattern gets through in minutes


def deadline(seconds: float = DEADLINE_SECONDS):
    return hard_deadline(seconds)


def read(name: str, content: str | bytes):
    data = content.encode("utf-8") if isinstance(content, str) else content
    with deadline():
        return read_file(PolicyFile(name, data))


def extract_lines(*texts: str):
    """Extraction on the lines as given, without the reader's cut of long lines."""
    document = PolicyText("hostile.txt", "txt", [Line(t, number=n) for n, t in enumerate(texts, 1)])
    with deadline():
        return extract(document)


def docx_bytes(*paragraphs: str, title_style: bool = True) -> bytes:
    import docx

    document = docx.Document()
    for position, text in enumerate(paragraphs):
        document.add_paragraph(text, style="Title" if title_style and position == 0 else None)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(*lines: str) -> bytes:
    from fpdf import FPDF

    # a page as wide as the longest line and as tall as all of them: each stays one line
    width = max(600, 2.5 * max(len(line) for line in lines))
    pdf = FPDF(unit="pt", format=(width, 40 + 12 * len(lines)))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("helvetica", size=4)
    for number, line in enumerate(lines):
        pdf.text(10, 20 + 12 * number, line)
    return bytes(pdf.output())


# The shapes that were slow, as (name, one line of about `size` characters).
def hostile_line(kind: str, size: int) -> str:
    repeat = {
        "run of capitals": "A",
        "capitals and lower case": "Ab",
        "capitals and hyphens": "A-",
        "capitals and apostrophes": "A'",
        "hyphenated capitals in words": "A-A-A-A-A-A-A-A-A-A-A-A-A-A-A-A-A-A-A-A ",
        "capitalised words": "Aaa Bbb Ccc Ddd Eee Fff Ggg Hhh Iii Jjj Kkk ",
        "Section 1 of the Act": "Section 1 of the Act ",
        "digits and slashes": "1/",
        "two digits and a slash": "12/",
        "dates": "01/09/2025 ",
        "KCSIE": "KCSIE ",
        "unclosed brackets": "(",
        "unclosed square brackets": "[",
        "unclosed links": "[a](",
        "emphasis": "**a",
        "quotes": "'aaaa",
        "colons": ": ",
        "punctuation": "-/.,;:()'’\"“”[]|*_ ",
        "approval sentences": "approved by a at its b on 1/1/2025 ",
        "review sentences": "next review  next review   01/01/2026 ",
        "review labels": "Review date: March 2027 ",
        "title trailers": "(draft",
    }
    if kind in repeat:
        unit = repeat[kind]
        return unit * (size // len(unit))
    gap = " " * (size - 40)
    return {
        "spaces after a label": "Approved by X" + gap + "Y",
        "spaces after separators": "  a" * 10 + gap + "x",
        "spaces after a number": "1" + gap + "x",
        "spaces between words": "A" + gap + "b",
        "spaces after a citation": "DfE (2024)" + gap + "x",
        "spaces after an owner": "The policy owner is X" + gap + "y",
        "spaces before a title year": "Safeguarding Policy 2025" + gap + "x",
    }[kind]


LINE_KINDS = [
    "run of capitals",
    "capitals and lower case",
    "capitals and hyphens",
    "capitals and apostrophes",
    "hyphenated capitals in words",
    "capitalised words",
    "Section 1 of the Act",
    "digits and slashes",
    "two digits and a slash",
    "dates",
    "KCSIE",
    "unclosed brackets",
    "unclosed square brackets",
    "unclosed links",
    "emphasis",
    "quotes",
    "colons",
    "punctuation",
    "approval sentences",
    "review sentences",
    "review labels",
    "title trailers",
    "spaces after a label",
    "spaces after separators",
    "spaces after a number",
    "spaces between words",
    "spaces after a citation",
    "spaces after an owner",
    "spaces before a title year",
]


# --- the inputs of the issue -----------------------------------------------------------------


def test_a_20_kb_run_of_letters():
    """The attacker's input: the legislation pattern took 34 s on it."""
    found = read("letters.txt", "A" * 20_000)
    assert found.legislation == [] and found.linked_policies == []
    assert any("line 1 is 20,000 characters long" in note for note in found.notes)


def test_a_2_mb_title_paragraph_in_a_word_document_is_refused_at_once():
    """The attacker's Word document: over 100 s. Its text is over the limit: refused before
    any pattern runs, saying why, and nothing is stored."""
    data = docx_bytes("Synthetic Safeguarding Policy " + "A" * 2_000_000)
    with pytest.raises(UnreadableDocument, match=f"more than {MAX_DOCUMENT_CHARACTERS:,} char"):
        read("title.docx", data)
    with deadline():
        [result] = import_documents([PolicyFile("title.docx", data)], dry_run=True)
    assert result.status == "refused" and "Nothing was changed" in result.message


def test_a_long_title_paragraph_under_the_limit_is_cut_and_said():
    """Just under the document limit the paragraph is read: cut for matching, with a note.
    The paragraph is never the title (a title is at most 200 characters); the policy's name at
    its start is, as in a cover that text extraction ran into one line."""
    data = docx_bytes("Synthetic Safeguarding Policy " + "Aa" * 450_000, "Next review: March 2027")
    found = read("synthetic-safeguarding-policy.docx", data)
    assert found.title == "Synthetic Safeguarding Policy"
    assert found.found["title"].text == "Synthetic Safeguarding Policy"
    assert found.value("next_review").text == "March 2027"
    assert any(
        note.startswith("paragraph 1 is 900,030 characters long")
        and f"only its first {MAX_LINE_CHARACTERS:,} characters were read" in note
        for note in found.notes
    )


def test_a_1_mb_line_of_digits_and_slashes():
    """Date-like text: each date found was compared with every one found before it."""
    found = read("digits.txt", "1/" * 500_000)  # exactly the limit: read, not refused
    assert found.value("issued") is None
    dates = "01/09/2025 " * 90_000
    assert read("dates.txt", dates).value("issued") is None  # dates in a row are no field
    with deadline():
        assert find_dates("1/" * 500_000) == []
        assert find_dates("12/" * 333_333) == []
        assert len(find_dates(dates)) == 90_000


def test_a_pdf_with_a_huge_line_of_text():
    """The layout text of a PDF can hold a line as long as the page is wide."""
    data = pdf_bytes("Synthetic Safeguarding Policy", "A" * 200_000, "Next review: March 2027")
    found = read("synthetic.pdf", data)
    assert found.value("next_review").text == "March 2027"
    assert any("a line on page 1 is 200,000 characters long" in note for note in found.notes)


def test_many_section_1_of_the_act_fragments():
    ending = "Section 1 of the Act and the Children Act 1989."
    text = "Section 1 of the Act " * 15_000 + ending
    assert read("sections.txt", text).legislation == []  # the Act is past the cut
    with deadline():
        found = find_legislation([text])
    assert [c.title for c in found] == [c.title for c in find_legislation([ending])]


# --- the limits ------------------------------------------------------------------------------


def test_a_document_over_the_limit_is_refused_whatever_its_type():
    paragraphs = ["Synthetic policy text. " * 435] * 100  # 1,000,599 characters with breaks
    for name, data in (
        ("long.txt", "\n".join(paragraphs).encode()),
        ("long.docx", docx_bytes(*paragraphs, title_style=False)),
        ("long.pdf", pdf_bytes(*paragraphs)),
    ):
        with pytest.raises(UnreadableDocument, match="far more than a policy document has"):
            read(name, data)


def test_a_long_line_is_cut_and_the_rest_of_the_document_read():
    """Only the long line is cut; the fields around it are found as ever."""
    found = read(
        "synthetic.txt",
        "Title: Synthetic Online Safety Policy\nNext review: March 2027\n"
        + "Approved by X"
        + " " * 50_000
        + "Y\n"
        + "Owner: Headteacher\nSee the Behaviour Policy.\n",
    )
    assert found.title == "Synthetic Online Safety Policy"
    assert found.value("next_review").text == "March 2027"
    assert found.value("owner") == "Headteacher"
    assert found.linked_policies == ["Behaviour Policy"]
    assert [n for n in found.notes if "characters long" in n] == [
        "line 3 is 50,014 characters long, far longer than any paragraph of a policy; only its "
        f"first {MAX_LINE_CHARACTERS:,} characters were read."
    ]


@pytest.mark.parametrize("kind", ["run of capitals", "spaces after a label", "unclosed links"])
def test_a_document_of_long_lines_up_to_the_limits(kind):
    """The most the limits let through: a hundred lines, each at the line limit."""
    lines = [hostile_line(kind, MAX_LINE_CHARACTERS)] * 90
    found = read("lines.md", "# Synthetic Policy\n" + "\n".join(lines))
    assert found.title == "Synthetic Policy"


# --- every pattern, on a line far past the cut -----------------------------------------------


@pytest.mark.parametrize("kind", LINE_KINDS)
def test_extraction_of_a_hostile_line(kind):
    """All of extraction (labels, sentences, dates, titles, references, the policies listed
    after "Related policies") on one long line, on the cover, after a line that names no
    policy (so the two are tried as a title set over two lines)."""
    found = extract_lines(
        "Synthetic Academy", hostile_line(kind, LONG), "Related policies:", "Next review: May 2027"
    )
    assert found.value("next_review").text == "May 2027"


@pytest.mark.parametrize(
    "kind",
    [
        "run of capitals",
        "unclosed brackets",
        "unclosed square brackets",
        "unclosed links",
        "emphasis",
        "colons",
        "punctuation",
        "spaces between words",
    ],
)
def test_reading_a_hostile_line_as_text_and_markdown(kind):
    """The reader's own patterns (Markdown tables, headings, links, emphasis) see the lines
    before they are cut: as a paragraph, a table row and a tab-separated row."""
    line = hostile_line(kind, 200_000)
    for name in ("hostile.txt", "hostile.md"):
        found = read(name, f"# Synthetic Policy\n{line}\n|{line}|\n{line}\t{line}\n")
        assert any("characters long" in note for note in found.notes)


@pytest.mark.parametrize(
    "kind",
    ["run of capitals", "capitals and hyphens", "spaces after a number", "unclosed brackets"],
)
def test_reading_a_hostile_pdf_page(kind):
    """Page numbers, repeated headers and footers, layout columns. (pypdf lays a long run of
    spaces out again, so that line may come out short.)"""
    line = hostile_line(kind, 50_000)
    data = pdf_bytes("Synthetic Policy", line, line, "Next review: May 2027", "Page 1 of 1")
    found = read("hostile.pdf", data)
    assert found.value("next_review").text == "May 2027"


@pytest.mark.parametrize(
    "text",
    [
        "(" * 1_000_000,
        "Review date (" + "(" * 1_000_000,
        "1. " * 300_000,
        "Approved by X" + " " * 1_000_000 + "Y",
        "Approved by X on" + " " * 1_000_000 + ":x",
        "[" + "]" * 1_000_000 + "x",
        "a" * 1_000_000,
    ],
    ids=["brackets", "a label and brackets", "numbering", "spaces", "on and spaces", "ends", "a"],
)
def test_labels_of_any_length(text):
    with deadline():
        normalise(text)
        classify(text)
        approving_body(text)
        is_placeholder(text)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 1_000_000 + ")",
        "[a" * 500_000 + "]",
        "[a](" * 250_000,
        "[a](b" * 200_000 + ")",
        "**a" * 300_000,
        "__" * 500_000,
    ],
    ids=["brackets", "link texts", "addresses", "closed addresses", "emphasis", "underlines"],
)
def test_markdown_marks_of_any_length(text):
    with deadline():
        plain(text)


def test_many_different_policies_and_guidance_mentions():
    """Each policy name found was compared with every one before it, and each short form of a
    guidance title with every full one."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    names = [
        "Synthetic Q" + letters[i // 676] + letters[i // 26 % 26] + letters[i % 26]
        for i in range(17_000)
    ]
    text = " ".join(f"see the {name} Policy." for name in names)
    kcsie = "Keeping Children Safe in Education 2025 and KCSIE 2024. " * 20_000
    with deadline():
        assert len(find_linked_policies([text], [], None)) == len(names)
        assert [c.editions for c in find_guidance([kcsie])] == [[2024, 2025]]


def test_many_review_dates():
    """Each "Review date" was compared with every explicit "Next review date"."""
    rows = ["Review date: March 2027", "Next review date: May 2027"] * 15_000
    found = extract_lines(*rows)
    assert found.value("next_review").text == "May 2027"
    assert found.value("last_reviewed").text == "March 2027"


def test_the_command_line_on_the_attackers_file(tmp_path):
    """`import-policy` as the attacker ran it, in a process of its own with a time-out."""
    path = tmp_path / "letters.txt"
    path.write_text("A" * 20_000 + "\n" + "Approved by X" + " " * 500_000 + "Y\n")
    completed = subprocess.run(
        [sys.executable, "-m", "safeguarding", "import-policy", "--dry-run", "--format=json", path],
        capture_output=True,
        text=True,
        timeout=DEADLINE_SECONDS * 3,  # a process of its own: Python starts, then reads
        env=subprocess_env(),
    )
    assert completed.returncode == 0, completed.stderr
    [record] = json.loads(completed.stdout)
    assert record["status"] == "read"
    assert sum("characters long" in note for note in record["notes"]) == 2


def test_a_docx_zip_bomb_is_refused_before_it_is_opened():
    """python-docx would unpack every part in full: a 200 MB part packed into a small file."""
    import io
    import zipfile

    from safeguarding.policy_import.reading import UnreadableDocument, read_document

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/media/padding.bin", "w", force_zip64=True) as part:
            chunk = b"\0" * 2**20
            for _ in range(200):
                part.write(chunk)
    assert len(buffer.getvalue()) < 2 * 2**20
    with pytest.raises(UnreadableDocument, match="unpacks to 200 MB"):
        read_document("bomb.docx", buffer.getvalue())
