"""Writing data out safely: no text cell of an export can run as a formula in a spreadsheet.

The rule (product.md §2, SECURITY.md), applied to every text cell and every column header:

1. A line of text is *hostile* when it starts with a control character (tab, CR, LF, NUL, ...)
   or when its first character that is not whitespace, a control or invisible formatting
   character, or a double quote is one of = + - @ | % or a compatibility form of one: any
   character whose NFKC form starts with one of them (full-width ＝ ＋ － ＠ ｜ ％,
   small ﹦ ﹢ ﹣ ﹫ ﹪, superscript ⁼ ⁺, subscript ₌ ₊). Leading spaces and quotes are looked
   through because spreadsheets' import options ("trim spaces", quote handling) can strip them;
   | and % are DDE and legacy formula prefixes.
2. A hostile line gets an apostrophe at its very start. Every line of a cell is checked: the
   text before the first line break and each part after one (CR LF, CR, LF, or another line
   boundary: VT, FF, NEL, U+2028, U+2029, the file/group/record separators).
3. In a CSV download a line break inside a value is written as one space, so that each record
   is exactly one physical line and no reader, however it splits lines, can start a line
   inside a cell; rule 2 then runs on the joined text. Fields holding the delimiter or a quote
   are quoted (csv.QUOTE_MINIMAL); records end with CR LF (RFC 4180).

The board pack (XLSX) writes each cell through neutralise: a cell there is one typed string, so
its line breaks are kept, and each of its lines is neutralised by rule 2.
"""

from __future__ import annotations

import csv
import re
import unicodedata

import pandas as pd

# First significant characters that make a spreadsheet read a cell as a formula (or a DDE
# call), compared after NFKC normalisation so that full-width and small forms count too.
FORMULA_CHARACTERS = frozenset("=+-@|%")
# Every line boundary of str.splitlines: more than CSV readers use, never fewer.
LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
CSV_RECORD_END = "\r\n"
# The starts product.md §2 names, kept for callers that check output against them; the rule
# above covers every one of them and more.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def _looked_through(character: str) -> bool:
    """Characters a spreadsheet may strip or ignore before it decides what a cell is: quotes,
    whitespace and Unicode categories C and Z (controls, invisible formatting such as a
    zero-width space or byte order mark, separators; unassigned and private-use too)."""
    return character == '"' or character.isspace() or unicodedata.category(character)[0] in "CZ"


def is_hostile_line(line: str) -> bool:
    """Could a spreadsheet run this line, at the start of a cell, as a formula?"""
    if not line:
        return False
    if line[0].isalnum():
        # Most cells (references, titles, codes) start with a letter or digit: no letter or
        # digit has an NFKC form starting with a formula character (checked over all Unicode).
        return False
    if unicodedata.category(line[0]) == "Cc":  # tab, CR, LF, NUL and the other controls
        return True
    for character in line:
        if not _looked_through(character):
            return unicodedata.normalize("NFKC", character)[:1] in FORMULA_CHARACTERS
    return False


def _neutralise_line(line: str) -> str:
    return "'" + line if is_hostile_line(line) else line


def neutralise(value):
    """Text: every hostile line gets a leading apostrophe (rule 2). Anything else: unchanged."""
    if not isinstance(value, str):
        return value
    if LINE_BREAK.search(value) is None:  # one line, the usual case
        return _neutralise_line(value)
    lines = LINE_BREAK.split(value)
    breaks = LINE_BREAK.findall(value)
    # The cell's start is judged on the whole text, so that "\r=1" (a line break first) counts.
    parts = ["'" + lines[0] if is_hostile_line(value) else lines[0]]
    for line_break, line in zip(breaks, lines[1:], strict=True):
        parts += [line_break, _neutralise_line(line)]
    return "".join(parts)


def _is_text_column(column: pd.Series) -> bool:
    return (
        column.dtype == object
        or pd.api.types.is_string_dtype(column)
        or isinstance(column.dtype, pd.CategoricalDtype)  # categories can hold any text
    )


def _csv_cell(value):
    """A value for a CSV download: on one line (rule 3), then neutralised (rule 2)."""
    return _neutralise_line(LINE_BREAK.sub(" ", value)) if isinstance(value, str) else value


def neutralised(frame: pd.DataFrame, *, single_line: bool = False) -> pd.DataFrame:
    """A copy of `frame` with every text cell and header neutralised; with `single_line`, line
    breaks in them are first written as spaces (for CSV)."""
    safe = _csv_cell if single_line else neutralise
    copy = frame.copy()
    for name in copy.columns:
        if _is_text_column(copy[name]):
            column = copy[name]
            if isinstance(column.dtype, pd.CategoricalDtype):
                column = column.astype(object)
            copy[name] = column.map(safe)
    copy.columns = [safe(str(name)) for name in copy.columns]
    return copy


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as a CSV download: UTF-8 with a byte order mark (so Excel reads it as UTF-8),
    one physical line per record, no cell that a spreadsheet could run."""
    text = neutralised(frame, single_line=True).to_csv(
        index=False, quoting=csv.QUOTE_MINIMAL, lineterminator=CSV_RECORD_END
    )
    return text.encode("utf-8-sig")
