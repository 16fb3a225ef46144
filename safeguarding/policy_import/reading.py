"""Reading a policy document into lines: Word (.docx), PDF and plain text or Markdown.

Every reader gives the same thing, a `PolicyText`: the document's lines in reading order, each
either a paragraph or a table row (its cells kept apart), marked with where it came from (the
body, or a page header or footer). Field extraction then works the same whatever the format:
a Word table row, a tab-separated line of text exported from Word, a Markdown table row and a
PDF line whose columns are separated by wide gaps are all rows of cells.

Nothing here keeps the document's text beyond the import: only the fields extracted from it
are stored.

Sizes are bounded before any pattern sees the text (issue 13 §3: a crafted document must not pin
a CPU). A document whose text is longer than `MAX_DOCUMENT_CHARACTERS` is refused; a line longer
than `MAX_LINE_CHARACTERS` is cut to that length for matching and a note says so.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import PurePath

SUPPORTED = (".docx", ".pdf", ".txt", ".md")

# A trust's longest policies run to about 40,000 characters of text (the St Bart's CSE policy in
# the tests is 37,000) and a very long one to a few hundred thousand; a million is more than any
# policy document, and the most the import reads (a line break counts as a character).
MAX_DOCUMENT_CHARACTERS = 1_000_000
# The longest paragraph in the test policies is under 1,000 characters. A line ten times that is
# not prose a field could be in: it is cut to this many characters before any pattern sees it.
MAX_LINE_CHARACTERS = 10_000


class UnreadableDocument(ValueError):
    """The file cannot be read as a policy document; the message says why and what to do."""


@dataclass(frozen=True)
class Line:
    text: str  # the line as text (table cells joined by tabs)
    cells: tuple[str, ...] = ()  # a table row's cells; empty for a paragraph
    zone: str = "body"  # body | header | footer | properties
    style: str = ""  # "title", "heading" or "" (from Word styles or Markdown #)
    page: int | None = None
    # PDF layout text: where each cell starts on the line, for lining up table columns
    offsets: tuple[int, ...] = ()
    number: int | None = None  # the line number in a text file
    place: str = ""  # where in a Word document: "paragraph 12", "table 1, row 3"

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()


@dataclass
class PolicyText:
    file_name: str
    file_type: str  # docx | pdf | txt | md
    lines: list[Line]
    # the file's own metadata (Word core properties, PDF info): title only, as a fallback
    metadata_title: str | None = None
    notes: list[str] = field(default_factory=list)


def read_document(name: str, data: bytes) -> PolicyText:
    suffix = PurePath(name).suffix.lower()
    if suffix == ".docx":
        return _bounded(_read_docx(name, data))
    if suffix == ".pdf":
        return _bounded(_read_pdf(name, data))
    if suffix in (".txt", ".md", ".markdown", ".text"):
        return _bounded(_read_text(name, data, "md" if suffix in (".md", ".markdown") else "txt"))
    if suffix in (".doc", ".rtf", ".odt", ".pages"):
        raise UnreadableDocument(
            f"it is a {suffix} file, which the importer cannot read; open it in Word (or "
            "LibreOffice) and save it as .docx or export it as PDF, then import that."
        )
    raise UnreadableDocument(
        f"its type ({suffix or 'no extension'}) is not a policy document the importer reads; "
        "use a Word (.docx), PDF, .txt or .md file."
    )


# --- size limits -----------------------------------------------------------------------------


def _refuse_if_too_long(characters: int) -> None:
    if characters > MAX_DOCUMENT_CHARACTERS:
        raise UnreadableDocument(
            f"its text is more than {MAX_DOCUMENT_CHARACTERS:,} characters long, far more than "
            "a policy document has, so it was not read; check that this is the policy itself, "
            "or split it into its parts."
        )


def _where_line_is(line: Line) -> str:
    if line.zone in ("header", "footer"):
        return f"a page {line.zone}"
    if line.place:
        return line.place
    if line.number is not None:
        return f"line {line.number}"
    if line.page is not None:
        return f"a line on page {line.page}"
    return "a line"


def _cut(line: Line) -> Line:
    """The line's first MAX_LINE_CHARACTERS, cells and their offsets cut to match."""
    cells: list[str] = []
    offsets: list[int] = []
    used = 0
    for position, cell in enumerate(line.cells):
        if used >= MAX_LINE_CHARACTERS:
            break
        cells.append(cell[: MAX_LINE_CHARACTERS - used])
        if position < len(line.offsets):
            offsets.append(line.offsets[position])
        used += len(cell) + 1  # the tab that joins it to the next cell
    if line.cells:
        text = "\t".join(cells)
        kept_offsets = tuple(offsets)
    else:
        text = line.text[:MAX_LINE_CHARACTERS]
        kept_offsets = line.offsets
    return replace(line, text=text, cells=tuple(cells), offsets=kept_offsets)


def _bounded(document: PolicyText) -> PolicyText:
    """The document within the size limits: refused when its text is too long, its overlong
    lines cut (each said in a note), an overlong metadata title cut the same way."""
    breaks = max(len(document.lines) - 1, 0)
    _refuse_if_too_long(sum(len(line.text) for line in document.lines) + breaks)
    lines = []
    for line in document.lines:
        if len(line.text) > MAX_LINE_CHARACTERS:
            document.notes.append(
                f"{_where_line_is(line)} is {len(line.text):,} characters long, far longer than "
                f"any paragraph of a policy; only its first {MAX_LINE_CHARACTERS:,} characters "
                "were read."
            )
            line = _cut(line)
        lines.append(line)
    document.lines = lines
    title = document.metadata_title
    if title is not None and len(title) > MAX_LINE_CHARACTERS:
        document.notes.append(
            f"the title in the file's properties is {len(title):,} characters long; only its "
            f"first {MAX_LINE_CHARACTERS:,} characters were read."
        )
        document.metadata_title = title[:MAX_LINE_CHARACTERS]
    return document


# --- plain text and Markdown -----------------------------------------------------------------

# "[text](address)". The text stops at the next "[", so "[[[[..." does not rescan the rest of
# the line from every "[" for a "]" (quadratic); for the address see `_without_links`.
_MD_LINK = re.compile(r"\[([^\[\]]+)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
# Spaces are taken once, with the pipe they follow: "\s*\|?\s*" could split a run of spaces
# between its two halves in every way (quadratic in the run on a line that is not a rule).
_MD_TABLE_RULE = re.compile(r"^\s*(?:\|\s*)?:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*(?:\|\s*)?$")


# The line has no newline in it, so ".*" runs to its end and "$" matches there at once.
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")


def _decode(data: bytes) -> str:
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _without_links(text: str) -> str:
    """Markdown links replaced by their text. Only the text up to the last ")" is searched:
    there every address runs to a ")" and its link is taken whole, where an unclosed "](" of
    "](](](..." would each have rescanned the rest of the line (quadratic)."""
    end = text.rfind(")") + 1
    return _MD_LINK.sub(r"\1", text[:end]) + text[end:]


def plain(text: str) -> str:
    """Markdown emphasis, links and code marks removed; ligatures (ﬁ), full-width colons and
    non-breaking spaces made ordinary characters."""
    text = unicodedata.normalize("NFKC", text)
    text = _without_links(text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    text = text.replace("`", "").replace("\u00a0", " ").replace("\u200b", "")
    # stray emphasis marks left by unbalanced Markdown
    return re.sub(r"(?<!\w)\*{1,3}|\*{1,3}(?!\w)", "", text)


def _read_text(name: str, data: bytes, file_type: str) -> PolicyText:
    text = _decode(data)
    _refuse_if_too_long(len(text))  # before a line is split off or looked at
    lines: list[Line] = []
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(raw_lines, start=1):
        if _MD_TABLE_RULE.match(raw) and "-" in raw:
            continue
        style = ""
        heading = _MD_HEADING.match(raw)
        if heading:
            raw = heading.group(2).rstrip("#").strip()
            style = "title" if len(heading.group(1)) == 1 else "heading"
        stripped = raw.strip()
        if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
            cells = tuple(plain(c).strip() for c in stripped.strip("|").split("|"))
            lines.append(_row(cells, number=number))
        elif "\t" in raw.strip():
            cells = tuple(plain(c).strip() for c in raw.strip().split("\t"))
            lines.append(_row(cells, number=number))
        else:
            lines.append(Line(plain(raw).strip(), style=style, number=number))
    return PolicyText(name, file_type, lines)


def _row(cells: tuple[str, ...], **kwargs) -> Line:
    cells = tuple(c for c in cells)
    while cells and not cells[-1]:
        cells = cells[:-1]
    if len([c for c in cells if c]) < 2:
        return Line(" ".join(c for c in cells if c), **kwargs)
    return Line("\t".join(cells), cells=cells, **kwargs)


# --- Word ------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# python-docx unpacks a whole .docx before any text limit applies: its parts are checked first.
MAX_DOCX_UNPACKED_BYTES = 64 * 2**20
MAX_DOCX_RATIO = 100


def _refuse_a_zip_bomb(data: bytes) -> None:
    """A Word file whose parts unpack to far more than a policy needs, or compress far more
    than documents do, is refused before it is opened (the sizes are the zip's own claims;
    python-docx reads a part no larger than its claim)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip at all: python-docx says so below
    unpacked = sum(part.file_size for part in parts)
    packed = max(sum(part.compress_size for part in parts), 1)
    if unpacked > MAX_DOCX_UNPACKED_BYTES or (
        unpacked > 2**20 and unpacked / packed > MAX_DOCX_RATIO
    ):
        raise UnreadableDocument(
            f"it unpacks to {unpacked / 2**20:,.0f} MB, far more than a Word policy document "
            "holds (a crafted file, or one full of images), so it was not opened; save the "
            "policy as .docx without embedded media, or export it as PDF."
        )


def _read_docx(name: str, data: bytes) -> PolicyText:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as missing:  # pragma: no cover - a broken installation
        raise UnreadableDocument(f"python-docx is not installed ({missing}).") from None
    _refuse_a_zip_bomb(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as error:
        raise UnreadableDocument(
            "it is not a readable Word document (.docx) — it may be damaged, password "
            f"protected or another format renamed ({type(error).__name__}); open it in Word "
            "and save it again as .docx, or export it as PDF."
        ) from None
    except Exception as error:  # zipfile.BadZipFile and friends
        raise UnreadableDocument(
            "it is not a readable Word document (.docx) — it may be damaged, password "
            f"protected or another format renamed ({type(error).__name__}); open it in Word "
            "and save it again as .docx, or export it as PDF."
        ) from None
    styles = _style_names(document)
    lines: list[Line] = []
    _walk(document.element.body, lines, "body", styles)
    lines = _with_places(lines)
    seen_parts: set[int] = set()
    for section in document.sections:
        for zone, parts in (
            ("header", (section.first_page_header, section.header, section.even_page_header)),
            ("footer", (section.first_page_footer, section.footer, section.even_page_footer)),
        ):
            for part in parts:
                try:
                    if part.is_linked_to_previous:
                        continue
                    element = part._element
                except (AttributeError, KeyError, ValueError):
                    continue
                if id(element) in seen_parts:
                    continue
                seen_parts.add(id(element))
                _walk(element, lines, zone, styles)
    title = (document.core_properties.title or "").strip() or None
    return PolicyText(name, "docx", lines, metadata_title=title)


def _with_places(lines: list[Line]) -> list[Line]:
    """Number the body's paragraphs and tables as Word shows them, for reports."""
    placed = []
    paragraph = table = row = 0
    in_table = False
    for line in lines:
        if line.cells or line.style == "row":
            if not in_table:
                table, row, in_table = table + 1, 0, True
            row += 1
            place = f"table {table}, row {row}"
            line = Line(line.text, line.cells, line.zone, "", line.page, line.offsets, None, place)
        elif line.style == "table end":
            in_table = False
            continue
        else:
            if not line.is_blank:
                paragraph += 1
            place = f"paragraph {paragraph}"
            line = Line(
                line.text, line.cells, line.zone, line.style, line.page, line.offsets, None, place
            )
        placed.append(line)
    return placed


def _style_names(document) -> dict[str, str]:
    names = {}
    for style in document.styles:
        try:
            names[style.style_id] = (style.name or "").lower()
        except (AttributeError, ValueError):
            continue
    return names


def _walk(element, lines: list[Line], zone: str, styles: dict[str, str]) -> None:
    """Paragraphs and tables in reading order, descending into content controls and text
    boxes (cover pages often keep the title and dates in one)."""
    for child in element.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            _paragraph(child, lines, zone, styles)
        elif tag == f"{_W}tbl":
            _table(child, lines, zone, styles)
        elif tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}txbxContent"):
            _walk(child, lines, zone, styles)


def _paragraph_text(paragraph) -> str:
    parts = []
    for node in paragraph.iter():
        tag = node.tag
        if tag == f"{_W}txbxContent":
            continue
        if _inside_textbox(node, paragraph):
            continue
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
    return unicodedata.normalize("NFKC", "".join(parts))


def _inside_textbox(node, paragraph) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not paragraph:
        if parent.tag == f"{_W}txbxContent":
            return True
        parent = parent.getparent()
    return False


def _paragraph(paragraph, lines: list[Line], zone: str, styles: dict[str, str]) -> None:
    style_id = paragraph.find(f"{_W}pPr/{_W}pStyle")
    style_name = styles.get(style_id.get(f"{_W}val"), "") if style_id is not None else ""
    outline = paragraph.find(f"{_W}pPr/{_W}outlineLvl")
    style = ""
    if style_name in ("title", "subtitle") or style_name.startswith("title"):
        style = "title"
    elif style_name.startswith("heading") or outline is not None:
        style = "heading"
    text = _paragraph_text(paragraph)
    for piece in text.split("\n"):
        if "\t" in piece.strip():
            lines.append(_row(tuple(c.strip() for c in piece.strip().split("\t")), zone=zone))
        else:
            lines.append(Line(piece.strip(), zone=zone, style=style))
    for box in paragraph.iter(f"{_W}txbxContent"):
        _walk(box, lines, zone, styles)


def _table(table, lines: list[Line], zone: str, styles: dict[str, str]) -> None:
    for row in table.iter(f"{_W}tr"):
        if _nearest_table(row) is not table:
            continue  # a nested table's row: read with its cell
        cells = []
        for cell in row.iter(f"{_W}tc"):
            if cell.getparent() is not row and _nearest_row(cell) is not row:
                continue
            texts = [
                _paragraph_text(p).replace("\n", " ").replace("\t", " ").strip()
                for p in cell.iter(f"{_W}p")
            ]
            cells.append(" ".join(t for t in texts if t))
        row_line = _row(tuple(cells), zone=zone)
        if not row_line.cells and zone == "body":  # a one-cell row is still a table row
            row_line = Line(row_line.text, zone=zone, style="row")
        lines.append(row_line)
    if zone == "body":
        lines.append(Line("", zone=zone, style="table end"))
    lines.append(Line("", zone=zone))  # a table ends like a paragraph break


def _nearest_table(node):
    parent = node.getparent()
    while parent is not None and parent.tag != f"{_W}tbl":
        parent = parent.getparent()
    return parent


def _nearest_row(node):
    parent = node.getparent()
    while parent is not None and parent.tag != f"{_W}tr":
        parent = parent.getparent()
    return parent


# --- PDF -------------------------------------------------------------------------------------

# Matched whole against the stripped line: the spaces at its ends are not the pattern's to
# split between two "\s*" (quadratic in a run of spaces after a number).
_PAGE_NUMBER = re.compile(r"(?:page\s*)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?|-\s*\d{1,3}\s*-", re.I)
# Columns in pypdf's layout text are separated by wide gaps; single and double spaces are
# ordinary spacing (justified text stretches some gaps to two). Linear: a gap of three spaces
# ends the repetition, and nothing after it can make the pattern take anything back.
_CELL = re.compile(r"\S+(?: {1,2}\S+)*")


def _read_pdf(name: str, data: bytes) -> PolicyText:
    try:
        import pypdf
        from pypdf.errors import PdfReadError
    except ImportError as missing:  # pragma: no cover - a broken installation
        raise UnreadableDocument(f"pypdf is not installed ({missing}).") from None
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument(
                "the PDF is password protected; save an unprotected copy and import that."
            )
        pages = []
        characters = 0
        for page in reader.pages:
            pages.append(_page_text(page))
            characters += len(pages[-1])
            _refuse_if_too_long(characters)  # page by page: a huge PDF is not read to its end
        metadata = reader.metadata
        title = (metadata.title if metadata else None) or None
    except UnreadableDocument:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise UnreadableDocument(
            f"it is not a readable PDF ({type(error).__name__}); export it from Word again, "
            "or import the .docx instead."
        ) from None
    if not any(text.strip() for text in pages):
        raise UnreadableDocument(
            "the PDF has no text layer (it looks like a scan or an image), so nothing can be "
            "read from it; import the Word original or a PDF exported from Word."
        )
    return PolicyText(name, "pdf", _pdf_lines(pages), metadata_title=_clean_title(title))


def _page_text(page) -> str:
    try:
        return page.extract_text(extraction_mode="layout") or ""
    except Exception:  # layout mode fails on some odd fonts; plain mode is the fallback
        return page.extract_text() or ""


def _clean_title(title) -> str | None:
    if not isinstance(title, str):
        return None
    title = title.strip()
    return title or None


def _furniture_key(text: str) -> str:
    """Header and footer lines differ only in page numbers between pages."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


def _pdf_lines(pages: list[str]) -> list[Line]:
    """Lines of every page; a header or footer repeated on most pages is kept once (it can
    hold the review date) and marked as such, and bare page numbers are dropped."""
    page_lines = [[line.rstrip() for line in text.split("\n")] for text in pages]
    edge_counts: Counter[str] = Counter()
    for lines in page_lines:
        non_blank = [line for line in lines if line.strip()]
        edges = {_furniture_key(line) for line in non_blank[:3] + non_blank[-3:]}
        edge_counts.update(edges)
    repeated = {
        key
        for key, count in edge_counts.items()
        if len(pages) >= 2 and count >= max(2, len(pages) / 2)
    }
    result: list[Line] = []
    furniture: list[Line] = []
    kept: set[str] = set()
    for number, lines in enumerate(page_lines, start=1):
        non_blank_positions = [i for i, line in enumerate(lines) if line.strip()]
        top = set(non_blank_positions[:3])
        bottom = set(non_blank_positions[-3:])
        for position, line in enumerate(lines):
            if _PAGE_NUMBER.fullmatch(line.strip()):
                continue
            key = _furniture_key(line)
            if key in repeated and (position in top or position in bottom):
                if key not in kept:
                    kept.add(key)
                    zone = "header" if position in top else "footer"
                    furniture.append(_layout_line(line, zone, number))
                continue
            result.append(_layout_line(line, "body", number))
        result.append(Line("", page=number))
    return result + furniture


def _layout_line(raw: str, zone: str, page: int) -> Line:
    text = unicodedata.normalize("NFKC", raw)
    stripped = text.strip()
    if not stripped:
        return Line("", zone=zone, page=page)
    pieces = [(m.start(), m.group(0)) for m in _CELL.finditer(text)]
    if len(pieces) >= 2:
        cells = tuple(piece for _, piece in pieces)
        offsets = tuple(start for start, _ in pieces)
        return Line("\t".join(cells), cells=cells, zone=zone, page=page, offsets=offsets)
    indent = len(text) - len(text.lstrip())
    return Line(stripped, zone=zone, page=page, offsets=(indent,))
