"""Labelled values in text that lost its layout.

Text taken out of a PDF, a web page or a document-hosting site often runs a whole cover or
document-control table into one line: "Document Name: Safeguarding Policy Version Number: 2.0
Effective From: 1 September 2022 Owner(s): Director of Safeguarding Approved by: Trust Board
Next review date: September 2023". Or it keeps the labels but drops the colons: "Date of Policy
September 2023", "Date Policy was formally adopted September 2016 Date of review Governor's
Signature September 2017".

Two readings, both over the words of the text whatever its line breaks:

* a **separated label**: the words just before a colon (or " - ", " – ", " / ") that name a
  field, whole (`labels.classify`), the longest such run; its value runs to the next label;
* a **date's label**: for each date, the nearest run of words before it that names a date
  field, at most a few words away ("Date of review Governor's Signature September 2017", "To be
  reviewed by the Board of Directors by 31st August 2024"). Without a separator the label must
  start with a capital letter or begin its line, so running prose ("...as updated in September
  2022") is left to the sentence reader, and it must be a strong label: "Date" or "Review"
  alone says too little without a colon.

Nothing here decides which value wins; the extractor ranks these below a labelled line that
kept its layout.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from safeguarding.policy_import import labels
from safeguarding.policy_import.dates import DateSpan, find_dates

# The front of a document holds its cover and control table, the end sometimes a review block:
# only these are read, so a long document costs no more than a short one.
FRONT_CHARACTERS = 8000
END_CHARACTERS = 3000
LABEL_WORDS = 9  # no label is longer ("Date of next review and by whom")
GAP_WORDS = 5  # words allowed between a date's label and the date

DATE_FIELDS = ("issued", "last_reviewed", "next_review")

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’()/.&\-]*|&")
_SEPARATOR = re.compile(r"(?<!\s)\s*[:：]|\s[-–—/]\s")  # (?<!\s): one scan of a run of spaces
# A gap between a label and its date may hold a body or a signature line, not another field.
_FIELD_WORD = re.compile(
    r"(?i)^(?:review|reviewed|approved|approval|adopted|issued|issue|updated|effective|ratified"
    r"|created|date|dated|version|revision|next|last|expiry|renewal)$"
)


# Without a colon these are ordinary words, not labels.
_TOO_WEAK_ALONE = frozenset(
    ("date", "dated", "review", "reviewed", "policy", "document", "lead", "area", "group")
)


@dataclass(frozen=True)
class Pair:
    name: str  # the field
    label: str  # as written
    value: str  # the text after the label (a separated label) or the date's text
    start: int  # where the label starts in the text
    separated: bool  # the label ended with a colon or dash: a stronger reading
    date: DateSpan | None = None  # the date a date's label points at


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int


def readable_part(text: str) -> str:
    """The part of a long text that is read: its front and its end, blanked in between so
    positions still point into the text."""
    if len(text) <= FRONT_CHARACTERS + END_CHARACTERS:
        return text
    middle = len(text) - FRONT_CHARACTERS - END_CHARACTERS
    return text[:FRONT_CHARACTERS] + " " * middle + text[-END_CHARACTERS:]


def labelled_pairs(text: str) -> list[Pair]:
    """Every separated label with its value, and every date with its label, in text order."""
    text = readable_part(text)
    words = [
        _Word(m.group(0).rstrip("."), m.start(), m.start() + len(m.group(0).rstrip(".")))
        for m in _WORD.finditer(text)
    ]
    starts = [w.start for w in words]
    dates = find_dates(text)
    date_ends = sorted(d.position + len(d.text) for d in dates)
    separated = _separated_labels(text, words, starts, date_ends)
    pairs = _with_values(text, separated)
    pairs.extend(_date_labels(text, words, starts, dates, date_ends))
    return sorted(pairs, key=lambda p: p.start)


def _separated_labels(text, words, starts, date_ends) -> list[tuple[int, int, str, str]]:
    """(label start, value start, label, field) for each label ended by a separator."""
    found = []
    for separator in _SEPARATOR.finditer(text):
        end_word = bisect.bisect_left(starts, separator.start()) - 1  # the word before it
        if end_word < 0 or words[end_word].end < separator.start() - 1:
            continue
        if text[words[end_word].end : separator.start()].strip():
            continue
        label = _longest_label(text, words, end_word, date_ends, need_strong=False)
        phrase = _capitalised_phrase(text, words, end_word)
        if label is None or (
            labels.is_weak(_span(text, words, label[0], end_word))
            and phrase is not None
            and phrase < label[0]
        ):
            # "Type of policy:", "Key Contact Name:": a label of no field still ends the
            # value before it
            if phrase is not None:
                found.append((words[phrase].start, separator.end(), "", ""))
            continue
        first, name = label
        found.append(
            (words[first].start, separator.end(), _span(text, words, first, end_word), name)
        )
    return found


def _capitalised_phrase(text, words, end_word) -> int | None:
    """The first word of a short run ending at end_word that starts with a capital letter
    (how a label looks), or None: prose before a colon ("the aims are to:") is no label."""
    for first in range(end_word, max(-1, end_word - 4), -1):
        if first < end_word and _breaks(text, words, first):
            return None
        if words[first].text[:1].isupper():
            return first
    return None


def _with_values(text: str, separated) -> list[Pair]:
    pairs = []
    for position, (start, value_start, label, name) in enumerate(separated):
        value_end = separated[position + 1][0] if position + 1 < len(separated) else len(text)
        line_end = text.find("\n\n", value_start)  # a blank line ends a value
        if line_end != -1:
            value_end = min(value_end, line_end)
        value = _first_line(text[value_start:value_end])[:200]
        if value and name:
            pairs.append(Pair(name, label, value, start, True))
    return pairs


def _first_line(value: str) -> str:
    """A value ends with its line ("Owner: Headteacher" then a paragraph); a label that ends
    its line takes the next line that has text ("Date of next review:" / "September 2026")."""
    lines = [line.strip() for line in value.split("\n")]
    if lines[0]:
        return lines[0]
    return next((line for line in lines[1:] if line), "")


def _date_labels(text, words, starts, dates, date_ends) -> list[Pair]:
    pairs = []
    for date in dates:
        before = bisect.bisect_left(starts, date.position) - 1
        for gap in range(0, GAP_WORDS + 1):
            end_word = before - gap
            if end_word < 0 or words[end_word].end <= _previous_date_end(date_ends, date.position):
                break
            if gap and _FIELD_WORD.match(words[end_word + 1].text):
                break  # the nearest field word is the label's own, or the gap holds another
            if re.search(r"[|\n]", text[words[end_word].end : date.position]):
                break  # a label in one cell or line and a date in another: a table's rows
            label = _longest_label(text, words, end_word, date_ends, need_strong=True)
            if label is None:
                continue
            first, name = label
            if name not in DATE_FIELDS:
                break
            at_line_start = _starts_line(text, words[first].start)
            if not (words[first].text[:1].isupper() or at_line_start):
                break
            if first == end_word and not at_line_start:
                break  # one word ("Updated") is a label only where it begins a line
            label_text = _span(text, words, first, end_word)
            if gap and label_text.lower().endswith(" by"):
                # "To be reviewed by the Board of Directors by 31st August 2024"
                label_text = _span(text, words, first, before)
            pairs.append(Pair(name, label_text, date.text, words[first].start, False, date))
            break
    return pairs


def _previous_date_end(date_ends: list[int], position: int) -> int:
    """Where the last date ending at or before `position` ends (-1: none)."""
    index = bisect.bisect_right(date_ends, position) - 1
    return date_ends[index] if index >= 0 else -1


# Words a label is made of, over which a label found is grown back ("review" -> "Date of next
# review"). Names of bodies are not among them: in "Approved by: Synthetic Trust Board Approval
# Date:" the board is the value before the label, not part of it.
_LABEL_WORDS = frozenset(
    [
        "date",
        "of",
        "the",
        "for",
        "next",
        "last",
        "policy",
        "document",
        "review",
        "reviewed",
        "approval",
        "approved",
        "issue",
        "issued",
        "effective",
        "by",
        "on",
        "in",
        "to",
        "be",
        "formally",
        "was",
        "this",
        "version",
        "its",
        "due",
        "name",
        "title",
        "number",
        "owner",
        "lead",
        "person",
        "responsible",
        "and",
        "whom",
        "from",
        "adopted",
        "adoption",
        "ratified",
        "ratification",
        "agreed",
        "publication",
        "published",
        "implementation",
        "revision",
        "renewal",
        "expiry",
    ]
)


def _longest_label(text, words, end_word, date_ends, need_strong) -> tuple[int, str] | None:
    """(first word, field) of the label ending at end_word: the shortest run of words that
    names a field, grown back over label words while it still names one. Growing only over
    label words keeps the value before it ("... Trust Board Approval Date") out of it."""
    floor = _previous_date_end(date_ends, words[end_word].start)
    lowest = max(-1, end_word - LABEL_WORDS)

    def usable(first: int) -> bool:
        return words[first].start >= floor and not (
            first < end_word and _breaks(text, words, first)
        )

    def naming(first: int) -> str | None:
        if not words[first].text[:1].isalpha():
            return None  # "2.0 Effective From": a label starts with a letter
        label = _span(text, words, first, end_word)
        name = labels.classify(label)
        if name and need_strong and labels.normalise(label) in _TOO_WEAK_ALONE:
            return None
        return name

    best = None
    first = end_word
    while first > lowest and usable(first):
        name = naming(first)
        if name:
            best = (first, name)
            break
        first -= 1
    if best is None:
        return None
    first = best[0] - 1
    while first > lowest and usable(first) and words[first].text.lower() in _LABEL_WORDS:
        name = naming(first)
        if name:
            best = (first, name)
        first -= 1
    return best


def _breaks(text, words, first) -> bool:
    """A label never runs over a line's end, a colon, a dash, a bullet, a cell or a sentence's
    end."""
    between = text[words[first].end : words[first + 1].start]
    return bool(re.search(r"[:：|•·;\n]|[.!?]\s|\s[-–—/]\s", between))


def _starts_line(text: str, position: int) -> bool:
    line_start = text.rfind("\n", 0, position) + 1
    return not text[line_start:position].strip(" \t•·-–*0123456789.")


def _span(text, words, first, last) -> str:
    return re.sub(r"\s+", " ", text[words[first].start : words[last].end])
