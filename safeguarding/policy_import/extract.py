"""Finding a policy's register fields in its text, and saying where each was found.

Documents lay the same facts out in many ways, so every field is looked for in every form and
the most reliable finding wins:

  rank 0  a labelled value in the body: a details block ("Next Review: March 2027"), a
          document-control table (a "Date approved | 12/09/2025" row, or a header row of
          labels over a row of values), a label on one line and its value on the next
  rank 1  a labelled value in a page header or footer
  rank 2  a weak label ("Date:", "Review:") or a heading styled as the title
  rank 3  a sentence ("This policy was approved by the Trust Board on 12 September 2025 and
          will be reviewed in September 2026"), or a heading-like line early in the document
  rank 4  a date standing alone on the cover (as the issue date), the file's own metadata title

Within a rank the first in reading order wins. Other values found for the same field are kept as
`alternatives`, so a report can say "the cover also shows October 2025". A field found nowhere
is listed in `not_found`; nothing is made up. The only fallback is the title, which the register
needs as its key: without one in the document, the file name is used and the report says so.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from pathlib import PurePath

from dateutil.relativedelta import relativedelta

from safeguarding.policy_import import flat, labels
from safeguarding.policy_import.dates import DateSpan, find_dates, is_only_a_date, parse_value
from safeguarding.policy_import.reading import Line, PolicyText, plain
from safeguarding.policy_import.references import (
    Citation,
    find_guidance,
    find_legislation,
    find_linked_policies,
    find_obsolete,
    related_list_items,
    smart_title,
)

DATE_FIELDS = ("issued", "last_reviewed", "next_review")
TEXT_FIELDS = ("title", "owner", "approved_by", "category", "version", "author")
# What the import reports on, in order; the register needs the first five.
REPORTED_FIELDS = (
    "title",
    "issued",
    "next_review",
    "owner",
    "category",
    "approved_by",
    "last_reviewed",
    "review_cycle",
    "version",
    "amendments",
    "linked_policies",
    "guidance",
)
FIELD_NAMES = {
    "title": "title",
    "issued": "issued or approved date",
    "last_reviewed": "last reviewed date",
    "next_review": "next review date",
    "review_cycle": "review cycle",
    "owner": "owner",
    "approved_by": "approved by",
    "category": "category",
    "version": "version",
    "author": "author",
    "amendments": "amendment history",
    "linked_policies": "other policies referred to",
    "guidance": "statutory guidance cited",
}

# No policy's title is longer: a longer "title" (a labelled value, a heading, the file's
# properties) is something else.
TITLE_LIMIT = 200

_POLICY_WORD = re.compile(
    r"(?i)\b(?:policy|policies|procedures?|code\s+of\s+conduct|statement|protocol|guidance"
    r"|arrangements|charter)\b"
)
_SUBJECT_WORD = re.compile(r"(?i)\b(?:policy|policies|document|procedures?|statement|this|it)\b")


@dataclass(frozen=True)
class Found:
    value: object  # str, DateSpan or int (review cycle months)
    text: str  # as written in the document
    where: str  # for people: "line 15", "page 2", "page footer", "a table", ...
    rank: int
    order: int
    how: str = "label"  # label | table | sentence | heading | cover | metadata | file name
    confidence: float = 1.0  # how sure the reading is, 0 to 1 (see `confidence`)


@dataclass(frozen=True)
class Amendment:
    date: DateSpan | None
    date_text: str
    version: str | None
    description: str | None
    by: str | None


@dataclass
class PolicyExtract:
    file_name: str
    file_type: str
    found: dict[str, Found] = field(default_factory=dict)
    alternatives: dict[str, list[Found]] = field(default_factory=dict)
    amendments: list[Amendment] = field(default_factory=list)
    linked_policies: list[str] = field(default_factory=list)
    guidance: list[Citation] = field(default_factory=list)
    legislation: list[Citation] = field(default_factory=list)
    obsolete: list[Citation] = field(default_factory=list)  # replaced bodies, law, guidance
    notes: list[str] = field(default_factory=list)
    # fields read with too little confidence: left empty, shown to a person to check
    to_check: dict[str, Found] = field(default_factory=dict)

    def value(self, name: str):
        found = self.found.get(name)
        return found.value if found else None

    @property
    def title(self) -> str | None:
        return self.value("title")

    @property
    def version_date(self):
        """The date of the version in force: issued or approved, else last reviewed."""
        return self.value("issued") or self.value("last_reviewed")

    @property
    def title_from_document(self) -> bool:
        found = self.found.get("title")
        return found is not None and found.how != "file name"

    @property
    def not_found(self) -> list[str]:
        missing = []
        for name in REPORTED_FIELDS:
            if name == "title":
                if not self.title_from_document:
                    missing.append(name)
            elif name == "amendments":
                if not self.amendments:
                    missing.append(name)
            elif name == "linked_policies":
                if not self.linked_policies:
                    missing.append(name)
            elif name == "guidance":
                if not self.guidance:
                    missing.append(name)
            elif name not in self.found:
                missing.append(name)
        return missing

    def kcsie_edition(self) -> int | None:
        for citation in self.guidance:
            if citation.title == "Keeping Children Safe in Education":
                return citation.edition_year
        return None


class _Collector:
    def __init__(self):
        self.candidates: dict[str, list[Found]] = {}
        self.notes: list[str] = []
        # field -> a blank written as a value ("TBC", "N/A", "____"), noted if nothing better
        self.placeholders: dict[str, str] = {}
        self.order = 0

    def add(self, name: str, value, text: str, where: str, rank: int, how: str) -> None:
        self.order += 1
        self.candidates.setdefault(name, []).append(
            Found(value, re.sub(r"\s+", " ", text).strip(), where, rank, self.order, how)
        )


def extract(document: PolicyText) -> PolicyExtract:
    lines = document.lines
    result = PolicyExtract(document.file_name, document.file_type, notes=list(document.notes))
    collector = _Collector()
    amendment_rows, consumed = _amendment_tables(lines)
    result.amendments = amendment_rows
    ambiguous_orders: set[int] = set()
    _labelled_values(document, lines, consumed, collector, ambiguous_orders)
    _flattened_values(document, lines, consumed, collector, ambiguous_orders)
    _review_history(document, lines, consumed, collector)
    body_paragraphs, all_paragraphs = _paragraphs(document, lines, consumed)
    _sentences(body_paragraphs, collector)
    _cover_date(document, lines, consumed, collector)
    _latest_amendment(amendment_rows, collector)
    _title_candidates(document, lines, consumed, collector)
    _resolve_review_labels(collector, ambiguous_orders)
    _choose(collector, result)
    _fall_back(result)
    _weigh(result)
    _next_review_from_cycle(result)
    title = result.title
    texts = [text for text, _ in all_paragraphs]
    result.guidance = find_guidance(texts)
    result.legislation = find_legislation(texts)
    result.obsolete = find_obsolete(texts)
    list_items = related_list_items([line.text.replace("\t", " ") for line in lines])
    result.linked_policies = find_linked_policies(texts, list_items, title)
    result.notes.extend(collector.notes)
    for name, shown in collector.placeholders.items():
        if name not in result.found:
            result.notes.append(
                f"{FIELD_NAMES.get(name, name)}: the document gives {shown}, which is not a "
                "value; treated as not found."
            )
    result.notes.extend(_alternative_notes(result))
    return result


# --- labelled values -------------------------------------------------------------------------

# A label starts with a letter after the start of the text, a cell or list separator, two
# spaces, " - " or ", ", and runs (at most 71 characters, the shortest that fits) to a colon.
# Written so that no run of spaces is scanned again and again: a match starts at the label's
# first letter (or the one space after a separator), not anywhere in the spaces before it, and
# a label never ends with a space, so the spaces before the colon are tried once, not once for
# every length of label that could take some of them.
_INLINE_LABEL = re.compile(
    r"(?:^\s*|(?<=[|•·;\t])\s?|(?<=\s\s)|(?<=\s[-–—/]\s)|(?<=[,;]\s))"
    r"(?P<label>[A-Za-z](?:[A-Za-z0-9 /&'’().\-]{0,69}?[A-Za-z0-9/&'’().\-])??)\s*+[:：]\s*"
)


def _where(document: PolicyText, line: Line) -> str:
    if line.zone in ("header", "footer"):
        where = f"page {line.zone}"
    elif line.place:
        where = line.place
    elif line.number is not None:
        where = f"line {line.number}"
    elif line.page is not None:
        where = f"page {line.page}"
    else:
        where = "a table" if line.cells else "the text"
    return where


def _snippet(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("\t", " | ")).strip()
    return text if len(text) <= 70 else text[:67] + "..."


def _labelled_values(document, lines, consumed, collector, ambiguous_orders) -> None:
    skip_until = -1
    front = _front_lines(lines, consumed, 60)
    front_end = front[-1][0] + 1 if front else 0
    for index, line in enumerate(lines):
        if index in consumed or index <= skip_until or line.is_blank:
            continue
        base_rank = 1 if line.zone in ("header", "footer") else 0
        where = f"{_where(document, line)}: “{_snippet(line.text)}”"
        if line.cells:
            header_used = _horizontal_header(
                document, lines, index, consumed, collector, ambiguous_orders
            )
            if header_used is not None:
                skip_until = header_used
                continue
            cells = list(line.cells)
            position = 0
            while position < len(cells):
                cell = cells[position]
                if ":" in cell and _inline(cell, base_rank, where, collector, ambiguous_orders):
                    position += 1
                    continue
                name = labels.classify(cell)
                value = cells[position + 1] if position + 1 < len(cells) else ""
                if name and value and not labels.classify(value):
                    rank = base_rank + (1 if labels.is_weak(cell) else 0)
                    _accept(name, cell, value, where, rank, "table", collector, ambiguous_orders)
                    position += 2
                    continue
                position += 1
            continue
        text = line.text
        if _inline(text, base_rank, where, collector, ambiguous_orders):
            continue
        if _label_then_date(text, base_rank, where, collector, ambiguous_orders):
            continue
        if index < front_end and _label_then_text(text, base_rank, where, collector):
            continue
        _label_on_its_own_line(
            document, lines, index, consumed, base_rank, collector, ambiguous_orders
        )


def _flattened_values(document, lines, consumed, collector, ambiguous_orders) -> None:
    """Labels and values read over the words of the whole text, whatever its line breaks
    (flat.py): a cover run into one line, labels without colons. Ranked below a labelled line
    that kept its layout: rank 1 with a separator, 2 without."""
    kept = [(index, line) for index, line in enumerate(lines) if index not in consumed]
    offsets, parts, position = [], [], 0
    for _, line in kept:
        offsets.append(position)
        text = line.text.replace("\t", " | ")
        parts.append(text)
        position += len(text) + 1
    text = "\n".join(parts)
    for pair in flat.labelled_pairs(text):
        _, line = kept[bisect.bisect_right(offsets, pair.start) - 1]
        where = f"{_where(document, line)}: “{_snippet(pair.label + ' ' + pair.value)}”"
        rank = (1 if pair.separated else 2) + (1 if line.zone in ("header", "footer") else 0)
        if pair.separated and labels.is_weak(pair.label):
            rank += 1
        _accept(
            pair.name, pair.label, pair.value, where, rank, "label", collector, ambiguous_orders
        )


_HISTORY_DATE_COLUMN = re.compile(r"(?i)\b(?:date|reviewed|review|due|created|approved)\b")
_HISTORY_NEXT_COLUMN = re.compile(r"(?i)\bnext\s+review|\breview\s+due\b")


def _review_history(document, lines, consumed, collector) -> None:
    """A table of reviews, one row per version ("Date Created | Date Reviewed | Version |
    Next Review Due", then a row for each review), however its cells came out: the last row
    with a date is the version in force, its first date when it was made or reviewed and,
    with a next review column, its last date the next review."""
    for index, line in enumerate(lines[:200]):
        cells = line.cells or tuple(c.strip() for c in line.text.split("|"))
        named = [
            c
            for c in cells
            if c
            and (
                (_HISTORY_DATE_COLUMN.search(c) and labels.classify(c) is not None)
                or _HISTORY_NEXT_COLUMN.search(c)
            )
        ]
        if (
            len(cells) < 3
            or len(named) < 2
            or not any(_HISTORY_NEXT_COLUMN.search(c) for c in cells)
        ):
            continue
        if any(find_dates(c) for c in cells):
            continue
        last = None
        for row in lines[index + 1 : index + 30]:
            if "|" not in row.text and not row.cells:
                break
            dates = find_dates(row.text)
            if dates:
                last = (row, dates)
        if last is None:
            return
        row, dates = last
        where = (
            f"{_where(document, row)}: “{_snippet(row.text)}” (the last row of the review table)"
        )
        collector.add("last_reviewed", dates[0], dates[0].text, where, 1, "table")
        if len(dates) >= 2:
            collector.add("next_review", dates[-1], dates[-1].text, where, 1, "table")
        return


_PAGE_NUMBER = re.compile(r"(?i)\s*\bpage\s+\d{1,4}(?:\s+of\s+\d{1,4})?\s*$")


def _before_next_label(value: str) -> str:
    """A value up to the next label run into it ("Synthetic Policy Issued: May 2020 Review:
    May 2022 Page 1 of 22" -> "Synthetic Policy"), without a page number at its end."""
    if ":" in value or " - " in value:
        pairs = [p for p in flat.labelled_pairs(value) if p.separated and p.start > 0]
        if pairs:
            value = value[: pairs[0].start]
    return _PAGE_NUMBER.sub("", value)


def _inline(text: str, base_rank: int, where: str, collector, ambiguous_orders) -> bool:
    """ "Label: value" pairs, several to a line ("Approved: 01/09/2025   Review: 09/2026")."""
    matches = list(_INLINE_LABEL.finditer(text))
    accepted = False
    for position, match in enumerate(matches):
        label = match.group("label").strip()
        name = labels.classify(label)
        if not name:
            continue
        end = matches[position + 1].start() if position + 1 < len(matches) else len(text)
        value = _before_next_label(text[match.end() : end]).strip(" |•·;,\t")
        if not value:
            continue
        rank = base_rank + (1 if labels.is_weak(label) else 0)
        if _accept(name, label, value, where, rank, "label", collector, ambiguous_orders):
            accepted = True
    return accepted


def _label_then_date(text: str, base_rank: int, where: str, collector, ambiguous_orders) -> bool:
    """A date field's label with its date and no colon: "Next review date September 2026"
    (how a PDF's two-column table often comes out)."""
    words = text.split()
    for length in range(min(8, len(words) - 1), 0, -1):
        if any(word in ("-", "–", "—", "/", "|") for word in words[:length]):
            continue  # "Reviewed by governors - November": the label ends at the dash
        label = " ".join(words[:length])
        name = labels.classify(label)
        if name in DATE_FIELDS and not labels.is_weak(label):
            rest = " ".join(words[length:])
            if is_only_a_date(rest):
                return _accept(
                    name, label, rest, where, base_rank, "label", collector, ambiguous_orders
                )
    return False


_TEXT_LABEL_FIELDS = ("owner", "approved_by", "category", "version", "review_cycle")


def _label_then_text(text: str, base_rank: int, where: str, collector) -> bool:
    """ "Policy owner Headteacher" on the cover, without a colon (a PDF table whose columns
    came out one space apart): only a strong label, only a short line."""
    words = text.split()
    if len(words) > 10 or re.search(r"[.;]\s|[.;]$", text):
        return False
    # the shortest label: "Approved by" in "Approved by Trust Board", not "Approved by Trust"
    for length in range(1, min(6, len(words) - 1) + 1):
        label = " ".join(words[:length])
        name = labels.classify(label)
        if name in _TEXT_LABEL_FIELDS and not labels.is_weak(label):
            rest = " ".join(words[length:])
            if not rest[:1].isupper() and not rest[:1].isdigit():
                return False
            return _accept(name, label, rest, where, base_rank + 1, "label", collector, set())
    return False


def _label_on_its_own_line(
    document, lines, index, consumed, base_rank, collector, ambiguous_orders
):
    """ "Date of next review:" on one line and "September 2026" on the next."""
    line = lines[index]
    text = line.text.strip()
    if len(text.split()) > 8:
        return
    name = labels.classify(text.rstrip(":： "))
    if not name or (not text.endswith(":") and name not in DATE_FIELDS):
        return
    for following in range(index + 1, min(index + 4, len(lines))):
        if following in consumed:
            return
        candidate = lines[following]
        if candidate.is_blank:
            continue
        value = candidate.text.replace("\t", " ").strip()
        if len(value) > 80 or labels.classify(value.split(":")[0]) or candidate.cells:
            return
        if name in DATE_FIELDS and not is_only_a_date(value):
            return
        where = f"{_where(document, candidate)}: “{_snippet(text + ' ' + value)}”"
        rank = base_rank + (1 if labels.is_weak(text.rstrip(":")) else 0)
        _accept(name, text.rstrip(":： "), value, where, rank, "label", collector, ambiguous_orders)
        return


def _clean_value(value: str) -> str:
    value = plain(value).replace("\t", " ")
    value = re.sub(r"\s+", " ", value).strip()
    value = value.strip(" \"'“”‘’[]|•·")
    return value.rstrip(" .,;:")


def _accept(name, label, value, where, rank, how, collector, ambiguous_orders) -> bool:
    value = _clean_value(value)
    if not value:
        return False
    if labels.is_placeholder(value):
        collector.placeholders.setdefault(name, f"“{value}” ({where})")
        return False
    if name in DATE_FIELDS:
        span = parse_value(value)
        if span is None:
            cycle = labels.cycle_months(value)
            if cycle and name in ("next_review", "last_reviewed"):
                collector.add("review_cycle", cycle[0], value, where, rank, how)
                return True
            return False
        if not 1995 <= span.start.year <= 2100:
            return False
        collector.add(name, span, span.text, where, rank, how)
        if labels.is_ambiguous_review(label):
            ambiguous_orders.add(collector.order)
        body = labels.approving_body(label)
        if name == "issued" and body:
            collector.add("approved_by", body, body, where, rank, how)
        reviewer = labels.reviewing_body(label)
        if reviewer and name in ("last_reviewed", "next_review"):
            collector.add("reviewed_by", reviewer, reviewer, where, rank, how)
        return True
    if name == "approved_by":
        span = parse_value(value)
        body = labels.approving_body(label + " :")
        if span is not None:
            collector.add("issued", span, span.text, where, rank, how)
            rest = _clean_value(
                re.sub(r"(?i)\b(?:on|in|at|dated)\s*$", "", value.replace(span.text, " "))
            )
            if rest and re.search(r"[A-Za-z]{2,}", rest) and len(rest) <= 100:
                collector.add("approved_by", rest, rest, where, rank, how)
            elif body:
                collector.add("approved_by", body, body, where, rank, how)
            return True
        if len(value) > 100:
            return False
        collector.add("approved_by", value, value, where, rank, how)
        return True
    if name == "review_cycle":
        cycle = labels.cycle_months(value)
        if cycle is None:
            return False
        collector.add("review_cycle", cycle[0], value, where, rank, how)
        return True
    if name == "version":
        if len(value) > 30:
            return False
        collector.add("version", value, value, where, rank, how)
        return True
    limit = TITLE_LIMIT if name == "title" else 120
    if len(value) > limit or not re.search(r"[A-Za-z]", value) or is_only_a_date(value):
        return False
    if name == "title":
        value = _clean_title(value)
        if not value:
            return False
        # "Title: Chair of Governors" in a signature block is a person's title
        if labels.normalise(label) in ("title", "policy", "document") and not _POLICY_WORD.search(
            value
        ):
            rank = max(rank, 4)
    collector.add(name, value, value, where, rank, how)
    return True


def _horizontal_header(document, lines, index, consumed, collector, ambiguous_orders) -> int | None:
    """A row of labels over a row of values ("Date approved | Approved by | Next review" /
    "12/09/2025 | Trust Board | September 2026"). Returns the index of the values row."""
    header = lines[index]
    names = [labels.classify(cell) if cell else None for cell in header.cells]
    filled = [cell for cell in header.cells if cell]
    if len(filled) < 2 or any(
        cell and not name for cell, name in zip(header.cells, names, strict=True)
    ):
        return None
    for following in range(index + 1, min(index + 4, len(lines))):
        if following in consumed:
            return None
        row = lines[following]
        if row.is_blank:
            continue
        if not row.cells:
            return None
        values = _align(header, row)
        if any(labels.classify(v) for v in values if v):
            return None
        where = f"{_where(document, row)}: “{_snippet(header.text)} / {_snippet(row.text)}”"
        for cell, name, value in zip(header.cells, names, values, strict=True):
            if name and value:
                _accept(name, cell, value, where, 0, "table", collector, ambiguous_orders)
        return following
    return None


def _align(header: Line, row: Line) -> list[str]:
    """The row's cells under the header's columns: by position in PDF layout text, where a
    blank cell leaves no gap marker, otherwise by order."""
    if header.offsets and row.offsets and len(header.offsets) == len(header.cells):
        values = [""] * len(header.cells)
        for start, cell in zip(row.offsets, row.cells, strict=False):
            column = max(
                (i for i, offset in enumerate(header.offsets) if offset <= start + 3), default=0
            )
            values[column] = (values[column] + " " + cell).strip()
        return values
    cells = list(row.cells) + [""] * (len(header.cells) - len(row.cells))
    return cells[: len(header.cells)]


# --- amendment history -----------------------------------------------------------------------

_AMENDMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    (
        "date",
        r"date|dated|when|month|(?:revision|review|approval|issue|change|amendment|update) date"
        r"|date (?:of )?(?:change|revision|amendment|review|issue|approval|update|amended"
        r"|revised|reviewed|approved|issued|updated)|(?:changed|amended|revised|reviewed"
        r"|approved|updated) (?:on|date)",
    ),
    (
        "version",
        r"version|ver|v|rev|revision|issue|version no|version number|issue no|issue number"
        r"|no|number|ref|vers",
    ),
    (
        "description",
        r"sections? amended|amendments?|changes?|summary(?: of (?:changes?|amendments?"
        r"|revisions?|updates?))?|description(?: of (?:changes?|amendments?))?|details(?: of "
        r"(?:changes?|amendments?|revisions?))?|comments?|reason(?: for (?:change|amendment"
        r"|review))?|nature of (?:changes?|amendments?)|what (?:changed|has changed)|updates?"
        r"|sections?|pages?|paragraphs?|page ?/ ?section|section ?/ ?page|revisions?|notes"
        r"|changes? made|amendments? made|summary of change|detail|action|status",
    ),
    (
        "by",
        r"signature|signed|signed off|authors?|by|name|amended by|changed by|updated by"
        r"|reviewed by|approved by|owner|initials|reviewer|editor|responsible|revised by"
        r"|approver|lead",
    ),
)
_AMENDMENT_PATTERNS = tuple((name, re.compile(p)) for name, p in _AMENDMENT_COLUMNS)
_VERSION_VALUE = re.compile(r"(?i)^v?(?:ersion\s*)?\d{1,3}(?:\.\d{1,3}){0,2}[a-z]?$")


def _amendment_column(cell: str) -> str | None:
    key = labels.normalise(cell)
    for name, pattern in _AMENDMENT_PATTERNS:
        if pattern.fullmatch(key):
            return name
    return None


def _amendment_tables(lines: list[Line]) -> tuple[list[Amendment], set[int]]:
    amendments: list[Amendment] = []
    consumed: set[int] = set()
    index = 0
    while index < len(lines):
        line = lines[index]
        columns = [_amendment_column(cell) if cell else None for cell in line.cells]
        filled = [c for c in line.cells if c]
        recognised = [c for c in columns if c]
        if (
            line.cells
            and ("date" in columns or "version" in columns)
            and "description" in columns
            and len(recognised) >= 0.6 * len(filled)
            and (
                "version" in columns
                or any(_CHANGE_WORDS.search(c) for c in filled)
                or _under_history_heading(lines, index)
            )
        ):
            rows, last = _amendment_rows(lines, index, columns)
            if rows:
                amendments.extend(rows)
                consumed.update(range(index, last + 1))
                index = last + 1
                continue
        index += 1
    return amendments, consumed


# A header that says it records changes; "Date | Concern | Action taken | Signature" (a form in
# the policy's appendix) does not, unless a heading above it says it is a history.
_CHANGE_WORDS = re.compile(r"(?i)amend|change|revis|update|summary|history")
_HISTORY_HEADING = re.compile(
    r"(?i)\b(?:version|amendment|revision|document|change|review|policy)s?\s+(?:history|control"
    r"|log|record|table|tracker)|record\s+of\s+(?:amendments|changes|revisions|reviews)"
    r"|change\s*log|history\s+of\s+(?:changes|amendments)"
)


def _under_history_heading(lines: list[Line], index: int) -> bool:
    seen = 0
    for line in reversed(lines[max(0, index - 6) : index]):
        if line.is_blank:
            continue
        if _HISTORY_HEADING.search(line.text):
            return True
        seen += 1
        if seen >= 3:
            break
    return False


def _amendment_rows(lines, header_index, columns) -> tuple[list[Amendment], int]:
    header = lines[header_index]
    description_start = min(
        (header.offsets[i] for i, c in enumerate(columns) if c == "description" and header.offsets),
        default=None,
    )
    rows: list[list[str]] = []
    pending: list[str] = []  # wrapped text above its row (PDF layout)
    blank_since_row = False
    last = header_index
    blanks = 0
    for index in range(header_index + 1, len(lines)):
        line = lines[index]
        if line.is_blank:
            blanks += 1
            blank_since_row = True
            if blanks > 2:
                break
            continue
        blanks = 0
        if not line.cells:
            offset = line.offsets[0] if line.offsets else None
            if (
                description_start is not None
                and offset is not None
                and offset >= description_start - 3
            ):
                if rows and not blank_since_row:
                    _append_description(rows[-1], columns, line.text)
                else:
                    pending.append(line.text.strip())
                last = index
                continue
            break
        if any(_amendment_column(c) for c in line.cells if c) and index != header_index:
            recognised = [c for c in line.cells if c and _amendment_column(c)]
            if len(recognised) >= 2:
                break
        values = _align(header, line) if header.offsets else _by_order(header, line)
        if not _is_row_anchor(values, columns) and rows and header.offsets:
            _append_description(rows[-1], columns, " ".join(line.cells))
            last = index
            continue
        if pending:
            for text in reversed(pending):
                _prepend_description(values, columns, text)
            pending = []
        rows.append(values)
        blank_since_row = False
        last = index
    if pending and rows:
        for text in pending:
            _append_description(rows[-1], columns, text)
    amendments = []
    for values in rows:
        amendment = _amendment(values, columns)
        if amendment is not None:
            amendments.append(amendment)
    return amendments, last


def _by_order(header: Line, row: Line) -> list[str]:
    cells = list(row.cells) + [""] * (len(header.cells) - len(row.cells))
    if len(cells) > len(header.cells):  # extra cells: part of the last column
        last = len(header.cells) - 1
        cells = [*cells[:last], " ".join(cells[last:])]
    return cells


def _is_row_anchor(values: list[str], columns: list[str | None]) -> bool:
    for value, column in zip(values, columns, strict=False):
        if column == "date" and value and parse_value(value):
            return True
        if column == "version" and value and _VERSION_VALUE.match(value.strip()):
            return True
    return False


def _description_index(columns) -> int | None:
    for i, column in enumerate(columns):
        if column == "description":
            return i
    return None


def _append_description(values, columns, text) -> None:
    i = _description_index(columns)
    if i is not None and i < len(values):
        values[i] = (values[i] + " " + text.strip()).strip()


def _prepend_description(values, columns, text) -> None:
    i = _description_index(columns)
    if i is not None and i < len(values):
        values[i] = (text.strip() + " " + values[i]).strip()


def _amendment(values: list[str], columns: list[str | None]) -> Amendment | None:
    parts: dict[str, list[str]] = {}
    for value, column in zip(values, columns, strict=False):
        value = _clean_value(value) if value else ""
        if column and value:
            parts.setdefault(column, []).append(value)
    if not parts.get("date") and not parts.get("version") and not parts.get("description"):
        return None
    date_text = " ".join(parts.get("date", []))
    return Amendment(
        date=parse_value(date_text) if date_text else None,
        date_text=date_text,
        version=" ".join(parts.get("version", [])) or None,
        description=" – ".join(parts.get("description", [])) or None,
        by=" ".join(parts.get("by", [])) or None,
    )


# --- sentences -------------------------------------------------------------------------------


def _paragraphs(document, lines, consumed) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(body prose paragraphs, every paragraph including tables) as (text, where). PDF lines
    wrap mid-sentence, so a PDF paragraph joins lines up to a blank; other formats keep a
    paragraph per line."""
    prose: list[tuple[str, str]] = []
    everything: list[tuple[str, str]] = []
    buffer: list[str] = []
    buffer_where = ""

    def flush():
        nonlocal buffer
        if buffer:
            # joined once at the end: adding each line to the text so far copied the paragraph
            # once per line (quadratic in a page of lines with no blank between them)
            parts: list[str] = []
            for piece in buffer:
                if parts and parts[-1].endswith("-") and piece[:1].islower():
                    parts[-1] = parts[-1][:-1]  # a word hyphenated over two lines
                elif parts:
                    parts.append(" ")
                parts.append(piece)
            text = "".join(parts).strip()
            prose.append((text, buffer_where))
            everything.append((text, buffer_where))
        buffer = []

    for index, line in enumerate(lines):
        if line.is_blank:
            flush()
            continue
        text = line.text.replace("\t", " ").strip()
        where = _where(document, line)
        if line.cells or index in consumed:
            flush()
            if index not in consumed:  # an amendment history is history, not citations
                everything.append((text, where))
                if line.zone == "body" and document.file_type != "pdf":
                    prose.append((text, where))
            if document.file_type == "pdf" and index not in consumed:
                buffer = [text]
                buffer_where = where
            continue
        if document.file_type == "pdf" and line.zone == "body":
            if len(text.split()) <= 8 and not text.endswith((".", ",", ";", ":", "-")):
                # a heading, or a short last line: a paragraph of its own ends here
                if buffer and not buffer[-1].endswith((".", ":", ";")) and text[:1].islower():
                    buffer.append(text)
                    flush()
                    continue
                flush()
                prose.append((text, where))
                everything.append((text, where))
                continue
            if not buffer:
                buffer_where = where
            buffer.append(text)
            continue
        flush()
        if line.zone == "body":
            prose.append((text, where))
        everything.append((text, where))
    flush()
    return prose, everything


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z(“\"'])")
# The patterns below are searched in the 140 characters before a date and end at the date
# ("$"). What lies between their words and the date is only spaces and ":,(", taken by
# possessive quantifiers ("*+", "?+"), which never give back what they took: "\s*" then
# "[\s:,(]*" could otherwise share a run of spaces in every way, for every date.
_WHEN_TAIL = r"(?:the\s++)?+[\s:,(]*+$"
_REVIEW_WHEN = (
    r"\s*+(?:(?:on|in|by|before|during|no\s+later\s+than|not\s+later\s+than|at\s+the\s+(?:end"
    r"|start|beginning)\s+of|at\s+the\s+latest\s+by|for|from|within)\s++)?+" + _WHEN_TAIL
)
# "next review", "due for review": about a document whatever the sentence's subject
_NEXT_BEFORE = re.compile(
    r"(?:next\s+(?:formal\s+|full\s+|scheduled\s+|policy\s+)?review(?:\s+date)?(?:\s+(?:of|for)"
    r"\s+(?:this|the)\s+(?:policy|document))?(?:\s+(?:is|will\s+be|will\s+take\s+place"
    r"|is\s+due|is\s+scheduled|is\s+planned|is\s+expected|due|date|date\s+is|date\s+will\s+be))?"
    r"|due\s+for\s+(?:its\s+next\s+|a\s+|next\s+|a\s+full\s+|further\s+|formal\s+)?review"
    r"|next\s+reviewed|review\s+date\s+(?:is|will\s+be))" + _REVIEW_WHEN,
    re.IGNORECASE,
)
# "will be reviewed in September 2026": only when the sentence is about the policy (training
# and plans are reviewed too)
_REVIEWED_BEFORE = re.compile(
    r"(?:be\s+(?:next\s+|formally\s+|fully\s+|further\s+)?reviewed(?:\s+again)?"
    r"|review\s+(?:is\s+)?due|reviewed\s+again)" + _REVIEW_WHEN,
    re.IGNORECASE,
)
_ISSUED_BEFORE = re.compile(
    r"(?<!to\s)(?<!be\s)(?:approved|adopted|ratified|agreed|issued|signed\s+off|published"
    r"|accepted|implemented)(?:\s+by\s+(?P<body>[^.;:]{2,80}?))?\s*+(?:(?:on|in|at\s+(?:its|their"
    r"|the|a)\s+[^.;]{0,40}?\s+(?:on|in|of|held\s+on)|dated|with\s+effect\s+from|from|during)"
    r"\s++)?" + _WHEN_TAIL,
    re.IGNORECASE,
)
# "On 12 September 2025 the governing body approved this policy."
_ISSUED_AFTER = re.compile(
    r"\W{0,3}(?:the\s+)?[^.;]{0,60}?\b(?:approved|adopted|ratified|agreed|signed\s+off)\s+"
    r"(?:this|the)\s+(?:policy|document)",
    re.IGNORECASE,
)
_LAST_BEFORE = re.compile(
    r"(?:was|were|has\s+been|have\s+been|last)\s+(?:last\s+)?(?:reviewed|updated|revised"
    r"|amended)(?:\s+by\s+[^.;:]{2,80}?)?\s*+(?:(?:on|in|during)\s++)?+" + _WHEN_TAIL,
    re.IGNORECASE,
)
# The owner is at most 60 characters; the spaces after it are taken possessively ("\s*+"), so
# each length of owner tried scans them once and nothing is tried twice.
_OWNER_SENTENCES = (
    re.compile(
        r"(?i)\b(?:policy|document)\s+owner\s+is\s+(?:the\s+)?(?P<owner>[^.;,()]{2,60}?)"
        r"\s*+(?:[.;,(]|$)"
    ),
    re.compile(
        r"(?i)\b(?:this|the)\s+(?:policy|document)\s+is\s+owned\s+by\s+(?:the\s+)?"
        r"(?P<owner>[^.;,()]{2,60}?)\s*+(?:[.;,(]|$)"
    ),
    re.compile(
        r"(?:^|\.\s+)(?:The\s+)?(?P<owner>[A-Z][A-Za-z'’ ]{2,50}?)\s+(?:is|are)\s+responsible\s+"
        r"for\s+(?:reviewing|maintaining|updating|the\s+review\s+of|keeping)\s+(?:this|the)\s+"
        r"(?:policy|document)"
    ),
)


def _sentences(paragraphs: list[tuple[str, str]], collector: _Collector) -> None:
    for text, where in paragraphs:
        for sentence in _SENTENCE_BREAK.split(text):
            _sentence(sentence, where, collector)


def _sentence(sentence: str, where: str, collector: _Collector) -> None:
    place = f"{where}: “{_snippet(sentence)}”"
    has_subject = bool(_SUBJECT_WORD.search(sentence))
    for span in find_dates(sentence):
        before = sentence[max(0, span.position - 140) : span.position]
        if _NEXT_BEFORE.search(before) or (has_subject and _REVIEWED_BEFORE.search(before)):
            collector.add("next_review", span, span.text, place, 3, "sentence")
            continue
        issued = _ISSUED_BEFORE.search(before)
        starts_sentence = (
            issued is not None
            and len(before) - len(before.lstrip()) + (issued.start() if before.strip() else 0) <= 40
            and not re.search(r"[.;]", before[: issued.start()])
        )
        if issued and (has_subject or starts_sentence):
            collector.add("issued", span, span.text, place, 3, "sentence")
            body = issued.group("body")
            if body and len(body.split()) <= 8:
                body = re.sub(r"(?i)^the\s+", "", body.strip())
                collector.add("approved_by", body, body, place, 3, "sentence")
            continue
        if has_subject and _LAST_BEFORE.search(before):
            collector.add("last_reviewed", span, span.text, place, 3, "sentence")
            continue
        after = sentence[span.position + len(span.text) : span.position + len(span.text) + 90]
        if _ISSUED_AFTER.match(after):
            collector.add("issued", span, span.text, place, 3, "sentence")
    if has_subject and re.search(r"(?i)\breview", sentence):
        for match in re.finditer(r"(?i)\breview(?:ed|s)?\b", sentence):
            window = sentence[match.start() : match.end() + 60]
            before = sentence[max(0, match.start() - 30) : match.start()]
            cycle = labels.cycle_months(window) or labels.cycle_months(before)
            if cycle:
                collector.add("review_cycle", cycle[0], cycle[1], place, 3, "sentence")
                break
    for pattern in _OWNER_SENTENCES:
        match = pattern.search(sentence)
        if match:
            owner = match.group("owner").strip()
            if owner and not labels.is_placeholder(owner):
                collector.add("owner", owner, owner, place, 3, "sentence")
            break


# --- cover date and title --------------------------------------------------------------------


def _front_lines(
    lines: list[Line], consumed: set[int], limit: int = 30, longest: int | None = 30
) -> list[tuple[int, Line]]:
    """The first non-blank body lines, up to the first paragraph longer than `longest` words
    (the cover and the front matter)."""
    front = []
    for index, line in enumerate(lines):
        if line.zone != "body" or line.is_blank:
            continue
        if longest is not None and len(line.text.split()) > longest:
            break
        front.append((index, line))
        if len(front) >= limit:
            break
    return front


def _cover_date(document, lines, consumed, collector) -> None:
    for index, line in _front_lines(lines, consumed, 25):
        if index in consumed or line.cells:
            continue
        if is_only_a_date(line.text):
            span = parse_value(line.text)
            if span is not None and span.precision in ("day", "month", "term"):
                where = f"{_where(document, line)}: “{_snippet(line.text)}” (a date on the cover)"
                collector.add("issued", span, span.text, where, 4, "cover")
                return


def _latest_amendment(amendments: list[Amendment], collector: _Collector) -> None:
    """The newest row of the amendment history dates the version in hand: the issue date when
    the document gives none elsewhere."""
    dated = [a for a in amendments if a.date is not None]
    if dated:
        latest = max(dated, key=lambda a: a.date.end)
        where = f"the amendment history, latest row: “{_snippet(latest.date_text)}”"
        collector.add("issued", latest.date, latest.date.text, where, 5, "amendment history")


# A title's year and trailer ("2025-26", "(updated May 2025)", "- DRAFT", "v3.1"), at its end.
# `_clean_title` has made every run of spaces one space before these are searched, so no
# "\s*" here has more than one space to share; the bracket of a trailer closes within 200
# characters, or every "(updated" of "(updated (updated ..." would rescan the rest.
_TITLE_YEAR = re.compile(r"\s?[\(\[]?\b(?:19|20)\d{2}(?:\s*[/\-–]\s*(?:19|20)?\d{2})?\b[\)\]]?\s*$")
_TRAILER_WORD = r"(?:updated|revised|reviewed|version|v\s?\d|issued|approved|draft|final)"
_TITLE_TRAILER = re.compile(
    rf"(?i)(?:\s?[\(\[]{_TRAILER_WORD}[^)\]]{{0,200}}[\)\]]|\s[-–—:|]\s*{_TRAILER_WORD}\b.*"
    r"|\s(?:v|version\s*)\d+(?:\.\d+)*|\s(?:draft|final))\s*$"
)


# A status stamped before the title on a web page or a file: "LIVE- Online Safety Policy".
_STATUS_PREFIX = re.compile(r"^(?:LIVE|DRAFT|FINAL|CURRENT|APPROVED|NEW|UPDATED)\s*[-–:|]\s*")
_INSTITUTION = r"(?:Academy|Academies|School|Schools|College|Trust|Federation|P\.S\.?|Sixth Form)"
# "Longsands Academy and Sixth Form Special Educational Needs ... Policy", "Co-op Academy Trust
# Data Protection Policy": a school's name before the policy's own title, not part of it.
_SCHOOL_BEFORE = re.compile(
    rf"^(?:The\s+)?(?:[A-Z][\w'’.\-]*\s+(?:(?:and|of|&)\s+)?){{1,8}}?{_INSTITUTION}"
    rf"(?:\s+{_INSTITUTION})*"
    rf"(?:\s+(?:and|&)\s+(?:Sixth Form|{_INSTITUTION}))?\s+(?=[A-Z])"
)
# "Safeguarding & Child Protection Policy Woodkirk Academy": the school's name after it.
_SCHOOL_AFTER = re.compile(rf"^\s+(?:[-–|]\s+)?(?:[A-Z][\w'’.\-]*\s+){{1,5}}{_INSTITUTION}\s*…?$")


def _clean_title(text: str) -> str:
    # one space for every run of spaces: the patterns below rely on it
    title = re.sub(r"\s+", " ", plain(text)).strip(" .:-–|")
    title = re.sub(r"(?i)^microsoft\s+word\s*-\s*", "", title)
    title = _STATUS_PREFIX.sub("", title)
    without_school = _SCHOOL_BEFORE.sub("", title, count=1)
    if (
        without_school != title
        and _POLICY_WORD.search(without_school)
        and _names_a_subject(_POLICY_WORD.sub("", without_school))
    ):
        title = without_school
    last_policy_word = next(iter(reversed(list(_POLICY_WORD.finditer(title)))), None)
    if last_policy_word is not None:
        end = last_policy_word.end()
        title = title[:end] + _SCHOOL_AFTER.sub("", title[end:])
    title = re.sub(r"(?i)\.(?:docx?|pdf|txt|md)$", "", title)
    for _ in range(3):
        shorter = _TITLE_TRAILER.sub("", _TITLE_YEAR.sub("", title)).strip(" .:-–|,")
        if shorter == title:
            break
        title = shorter
    title = re.sub(r"^(?:19|20)\d{2}(?:\s*[/\-–]\s*\d{2,4})?\s+", "", title)
    letters = re.sub(r"[^A-Za-z]", "", title)
    if letters and (letters.isupper() or letters.islower()):
        title = smart_title(title)
    return title


# fmt: off
_GENERIC_TITLE_WORDS = frozenset((
    "policy", "policies", "procedure", "procedures", "and", "the", "our", "trust", "academy",
    "school", "statement", "document", "documents", "guidance", "handbook", "manual", "of", "for",
))
# fmt: on


def _names_a_subject(text: str) -> bool:
    """ "Policies and Procedures" or "Trust Policy" name no policy in particular."""
    words = re.findall(r"[a-z]+", text.lower())
    return any(word not in _GENERIC_TITLE_WORDS for word in words)


def _looks_like_title(text: str) -> bool:
    words = text.split()
    return (
        len(text) <= TITLE_LIMIT
        and _names_a_subject(text)
        and 1 <= len(words) <= 14
        and bool(_POLICY_WORD.search(text))
        and not text.rstrip().endswith((".", ",", ";"))
        and ":" not in text
        and text[:1].isupper()
        and not re.search(r"\.{3,}|\s\d{1,3}$", text)
        and not re.match(r"(?i)^(?:this|the|these|our|all|it|in|see|contents)\b", text)
        # "Policy Number", "Policy Type": a label with its value missing
        and not (_POLICY_WORD.match(text) and len(words) <= 2)
        # "Title of Policy", "Policy Owner": a label, not a title
        and labels.classify(text) is None
    )


# What may follow a policy word and still be the title: "... Policy and Procedure", "Policy &
# Procedures", "Policy (SEND)", "Policy and Acceptable Use Policies".
_TITLE_CONTINUES = re.compile(
    r"^\s*(?:\([A-Z][A-Za-z.&\s]{0,15}\)|(?:and|&)\s+(?:[A-Z][\w\-]*\s+){0,4}"
    r"(?:Policy|Policies|Procedures?|Guidance|Statement|Protocol)\b)"
)
_FILE_NAME_LIKE = re.compile(r"^[\w.]+(?:[\-_][\w.]+){2,}$")


def _title_phrase(text: str) -> str | None:
    """The policy's title at the start of a line that runs on ("Attendance Policy Reviewed
    September 2015 ...", "Exclusions Policy. This Policy outlines ..."): the words up to the
    first policy word, and what continues the title after it."""
    text = re.sub(r"^\s*(?:\d{1,3}\s+|page \d+:?\s+)", "", text, flags=re.IGNORECASE)
    text = text[text.rfind(" > ") + 3 :] if " > " in text[:120] else text  # a breadcrumb
    without_school = _SCHOOL_BEFORE.sub("", text, count=1)
    if _POLICY_WORD.search(without_school[:200]):
        text = without_school
    found = _POLICY_WORD.search(text)
    if found is None or found.start() == 0:
        return None
    prefix = text[: found.start()]
    if (
        len(prefix.split()) > 12
        or re.search(r"[:;!?]|\.\s|\d|…|\.{2}", prefix)
        or not (text[:1].isupper() or re.match(r"[a-z]-[A-Z]", text))
        or re.match(r"(?i)^(?:this|the|these|our|all|it|in|see|contents|page)\b", text)
    ):
        return None
    end = found.end()
    while True:
        more = _TITLE_CONTINUES.match(text[end:])
        if more is None:
            break
        end += more.end()
    phrase = text[:end].strip()
    words = phrase.split()
    # "Responsible Body Title of Policy": a row of labels, not a title
    if any(labels.classify(" ".join(words[i:])) for i in range(len(words) - 1)):
        return None
    return phrase


_HEADING_WORD = re.compile(r"^(?:[A-Z][\w'’\-]*|and|of|for|the|in|on|to|&)$")


def _first_heading(front: list[tuple[int, Line]]) -> Line | None:
    """A document that never says "policy" in its title ("Child Criminal Sexual Exploitation")
    still opens with a heading: a short Title Case line followed by running text."""
    for position, (_, line) in enumerate(front[:-1]):
        words = line.text.split()
        following = front[position + 1][1].text
        if (
            2 <= len(words) <= 8
            and all(_HEADING_WORD.match(w) for w in words)
            and words[0][:1].isupper()
            and not labels.classify(line.text)
            and len(following.split()) >= 12
        ):
            return line
    return None


def _title_candidates(document, lines, consumed, collector) -> None:
    front = _front_lines(lines, consumed, 40)
    for index, line in front:
        if index in consumed or line.cells:
            continue
        if line.style in ("title", "heading") and _looks_like_title(line.text):
            where = f"{_where(document, line)}: “{_snippet(line.text)}” (the document's heading)"
            collector.add("title", _clean_title(line.text), line.text, where, 2, "heading")
            break
    # the cover, even where text extraction ran it into one long line
    front = _front_lines(lines, consumed, 40, longest=None)
    for position, (index, line) in enumerate(front):
        if index in consumed or line.cells:
            continue
        text = line.text
        if len(text.split()) > 30:
            text = _title_phrase(text) or ""
        # a title set over two lines on a cover: "Child Protection" / "Policy 2025-26"
        if text and position + 1 < len(front) and not _POLICY_WORD.search(text):
            following = front[position + 1][1].text
            if (
                _POLICY_WORD.fullmatch(_clean_title(following).strip())
                and len(text.split()) <= 8
                and not labels.classify(text.rstrip(":"))
            ):
                text = f"{text} {following}"
        if _FILE_NAME_LIKE.match(text.strip()):
            continue  # "Data-Protection-Policy.309091724": a file's name, shown by a web page
        text = _title_phrase(text) or (text if _looks_like_title(text) else "")
        if text and _looks_like_title(text):
            where = f"{_where(document, line)}: “{_snippet(text)}” (a heading on the cover)"
            collector.add("title", _clean_title(text), text, where, 3, "heading")
            break
    heading = _first_heading(front)
    if heading is not None:
        where = f"{_where(document, heading)}: “{_snippet(heading.text)}” (the first heading)"
        collector.add("title", _clean_title(heading.text), heading.text, where, 5, "heading")
    metadata_title = document.metadata_title
    if (
        metadata_title
        and len(metadata_title) <= TITLE_LIMIT
        and _POLICY_WORD.search(metadata_title)
    ):
        cleaned = _clean_title(document.metadata_title)
        if cleaned:
            collector.add(
                "title", cleaned, document.metadata_title, "the file's properties", 4, "metadata"
            )
    stem = PurePath(document.file_name).stem
    fallback = _clean_title(re.sub(r"[_\-]+", " ", stem))
    collector.add("title", fallback or stem, stem, "the file name", 9, "file name")


def _resolve_review_labels(collector: _Collector, ambiguous_orders: set[int]) -> None:
    """ "Review date" means the next review, unless the document also gives an explicit next
    review date or the date is not after the issue date: then it is the last review."""
    nexts = collector.candidates.get("next_review", [])
    ambiguous = [f for f in nexts if f.order in ambiguous_orders]
    if not ambiguous:
        return
    explicit = [f for f in nexts if f.order not in ambiguous_orders and f.rank <= 1]
    earliest_explicit = min((f.value.start for f in explicit), default=None)
    issued = min(
        collector.candidates.get("issued", []), key=lambda f: (f.rank, f.order), default=None
    )
    # the unambiguous first, in order, then the ambiguous as each is resolved (built anew, not
    # removed one by one: a document of thousands of "Review date" lines made that quadratic)
    resolved = [f for f in nexts if f.order not in ambiguous_orders]
    for found in ambiguous:
        is_last = bool(explicit) and found.value.end < earliest_explicit
        if issued is not None and found.value.end <= issued.value.end:
            is_last = True
        if is_last:
            collector.candidates.setdefault("last_reviewed", []).append(found)
        elif explicit:  # an explicit "Next review" says it better
            resolved.append(
                Found(found.value, found.text, found.where, found.rank + 1, found.order, found.how)
            )
        else:
            resolved.append(found)
    nexts[:] = resolved


def _choose(collector: _Collector, result: PolicyExtract) -> None:
    for name, candidates in collector.candidates.items():
        if name == "last_reviewed":  # "Date reviewed" rows in turn: the latest is the last
            ordered = sorted(candidates, key=lambda f: (f.rank, -f.value.start.toordinal()))
        else:
            ordered = sorted(candidates, key=lambda f: (f.rank, f.order))
        best = ordered[0]
        result.found[name] = best
        others = []
        seen = {_same_key(best.value)}
        for other in ordered[1:]:
            key = _same_key(other.value)
            if key not in seen and other.how != "file name":
                seen.add(key)
                others.append(other)
        if others:
            result.alternatives[name] = others


def _fall_back(result: PolicyExtract) -> None:
    """What the register needs from what the document does give: without a named owner, the
    body that approved the policy answers for it. Said in a note and read with less confidence.
    (An issue date is never made from a review date: `version_date` is the date of the version
    in force, as the register keeps it.)"""
    found = result.found
    reviewer = found.pop("reviewed_by", None)  # not a register field: only an owner's stand-in
    result.alternatives.pop("reviewed_by", None)
    for stand_in, how, did in (
        (found.get("approved_by"), "approver", "approved"),
        (reviewer, "reviewer", "reviews"),
    ):
        if "owner" not in found and stand_in is not None:
            found["owner"] = replace(stand_in, how=how)
            result.notes.append(
                f"owner: the document names none; the body that {did} it (“{stand_in.text}”) "
                "is taken as the owner."
            )


# Below this a reading is not used: the field is left empty and shown as "please check".
CONFIDENCE_THRESHOLD = 0.6
# How sure each way of finding a field is. A labelled value in a document-control block is
# what the document says it is; a date alone on a cover may be anything.
_CONFIDENCE_BY_HOW = {
    "table": 0.95,
    "sentence": 0.7,
    "approver": 0.7,
    "reviewer": 0.65,
    "amendment history": 0.65,
    "metadata": 0.6,
    "cover": 0.5,
    "file name": 0.3,
}
_LABEL_CONFIDENCE_BY_RANK = {0: 0.95, 1: 0.85, 2: 0.75}
_HEADING_CONFIDENCE_BY_RANK = {2: 0.9, 3: 0.8}
# Another reading of the same field, found as surely, that says something else.
_DISAGREEMENT = 0.2


def confidence(found: Found, others: list[Found]) -> float:
    """How sure a reading is: by how and where it was found, less when an equally good
    reading of the same field disagrees."""
    if found.how == "label":
        base = _LABEL_CONFIDENCE_BY_RANK.get(found.rank, 0.65)
    elif found.how == "heading":
        base = _HEADING_CONFIDENCE_BY_RANK.get(found.rank, 0.6)
    else:
        base = _CONFIDENCE_BY_HOW.get(found.how, 0.6)
    if any(
        other.rank == found.rank and other.how != "file name" and not _agree(found, other)
        for other in others
    ):
        base -= _DISAGREEMENT
    return round(max(base, 0.0), 2)


def _next_review_from_cycle(result: PolicyExtract) -> None:
    """Last in precedence (after an explicit next review, then "Review: date"): the version's
    date plus the review cycle. A computed date is never the document's word, so it is offered
    for a person to check, not used."""
    cycle = result.found.get("review_cycle")
    version = result.found.get("issued") or result.found.get("last_reviewed")
    if (
        "next_review" in result.found
        or "next_review" in result.to_check
        or not cycle
        or not version
    ):
        return
    months = int(cycle.value)
    start = version.value.start + relativedelta(months=months)
    end = version.value.end + relativedelta(months=months)
    text = f"{version.text} + {cycle.text}"
    span = DateSpan(start, end, version.value.precision, text)
    result.to_check["next_review"] = Found(
        span, text, f"{version.where}; {cycle.where}", 9, 0, "computed", 0.5
    )
    result.notes.append(
        f"next review date: please check. The document states none; {version.text} plus its "
        f"review cycle ({cycle.text}) would make it {start:%B %Y}."
    )


def _agree(one: Found, other: Found) -> bool:
    """ "September 2022" and "1 September 2022" say the same, as precisely as each can."""
    if isinstance(one.value, DateSpan) and isinstance(other.value, DateSpan):
        return one.value.start <= other.value.end and other.value.start <= one.value.end
    return _same_key(one.value) == _same_key(other.value)


def _weigh(result: PolicyExtract) -> None:
    """A confidence for every field; a field below the threshold is not used but kept to be
    checked. The title is always kept: the register needs it as a key, and a person confirms
    it before anything is written."""
    for name, found in list(result.found.items()):
        weighed = replace(found, confidence=confidence(found, result.alternatives.get(name, [])))
        result.found[name] = weighed
        if weighed.confidence < CONFIDENCE_THRESHOLD and name != "title":
            result.to_check[name] = result.found.pop(name)
            result.notes.append(
                f"{FIELD_NAMES.get(name, name)}: please check. The document may mean "
                f"“{weighed.text}” ({weighed.where}), but that reading is not sure enough "
                "to use, so the field is left empty."
            )


def _same_key(value) -> object:
    if isinstance(value, DateSpan):
        return (value.start, value.end)
    if isinstance(value, str):
        return re.sub(r"[^a-z0-9]", "", value.lower())
    return value


def _alternative_notes(result: PolicyExtract) -> list[str]:
    notes = []
    for name in ("issued", "next_review", "owner", "title"):
        chosen = result.found.get(name)
        others = [
            o for o in result.alternatives.get(name, []) if o.how not in ("metadata", "heading")
        ]
        if chosen is None or not others:
            continue
        shown = "; ".join(f"“{o.text}” ({o.where})" for o in others[:3])
        notes.append(
            f"{FIELD_NAMES[name]}: used “{chosen.text}” ({chosen.where}); the document also "
            f"shows {shown}."
        )
    return notes
