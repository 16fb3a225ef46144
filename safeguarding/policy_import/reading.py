"""Reading a policy document into lines: Word (.docx), PDF and plain text or Markdown.

Every reader gives the same thing, a `PolicyText`: the document's lines in reading order, each
either a paragraph or a table row (its cells kept apart), marked with where it came from (the
body, or a page header or footer). Field extraction then works the same whatever the format:
a Word table row, a tab-separated line of text exported from Word, a Markdown table row and a
PDF line whose columns are separated by wide gaps are all rows of cells.

Nothing here keeps the document's text beyond the import: only the fields extracted from it
are stored.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath

SUPPORTED = (".docx", ".pdf", ".txt", ".md")


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
        return _read_docx(name, data)
    if suffix == ".pdf":
        return _read_pdf(name, data)
    if suffix in (".txt", ".md", ".markdown", ".text"):
        return _read_text(name, data, "md" if suffix in (".md", ".markdown") else "txt")
    if suffix in (".doc", ".rtf", ".odt", ".pages"):
        raise UnreadableDocument(
            f"it is a {suffix} file, which the importer cannot read; open it in Word (or "
            "LibreOffice) and save it as .docx or export it as PDF, then import that."
        )
    raise UnreadableDocument(
        f"its type ({suffix or 'no extension'}) is not a policy document the importer reads; "
        "use a Word (.docx), PDF, .txt or .md file."
    )


# --- plain text and Markdown -----------------------------------------------------------------

_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _decode(data: bytes) -> str:
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def plain(text: str) -> str:
    """Markdown emphasis, links and code marks removed; ligatures (ﬁ), full-width colons and
    non-breaking spaces made ordinary characters."""
    text = unicodedata.normalize("NFKC", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    text = text.replace("`", "").replace("\u00a0", " ").replace("\u200b", "")
    # stray emphasis marks left by unbalanced Markdown
    return re.sub(r"(?<!\w)\*{1,3}|\*{1,3}(?!\w)", "", text)


def _read_text(name: str, data: bytes, file_type: str) -> PolicyText:
    text = _decode(data)
    lines: list[Line] = []
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(raw_lines, start=1):
        if _MD_TABLE_RULE.match(raw) and "-" in raw:
            continue
        style = ""
        heading = re.match(r"^\s{0,3}(#{1,6})\s+(.*)$", raw)
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


def _read_docx(name: str, data: bytes) -> PolicyText:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as missing:  # pragma: no cover - a broken installation
        raise UnreadableDocument(f"python-docx is not installed ({missing}).") from None
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

_PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s*)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?\s*$|^\s*-\s*\d{1,3}\s*-\s*$", re.I
)
# Columns in pypdf's layout text are separated by wide gaps; single and double spaces are
# ordinary spacing (justified text stretches some gaps to two).
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
        pages = [_page_text(page) for page in reader.pages]
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
            if _PAGE_NUMBER.match(line) and line.strip():
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
