"""Reading an export file into rows of text, each with the physical line where it starts.

Only the shape of the file is judged here (encoding, delimiter, readable at all, within the
limits below). Values are judged later, in SQL. Nothing here ever puts a cell value, or any
other text taken from the file, into a message: messages say where (a line, a cell such as
C7, a column number) and what is wrong.

An upload may be hostile (SECURITY.md, "File limits"), so every size is checked as the file is
read, against the limits below, and a file past one is refused whole with a message that names
the limit and the fix.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import os
import posixpath
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from safeguarding.contract import DATASETS, normalise_label
from safeguarding.ingest.errors import FileRefused

# --- Limits (SECURITY.md, "File limits") -------------------------------------------------
MAX_FILE_BYTES = 250 * 1024 * 1024  # an upload, CSV or XLSX
# The longest value, in characters. csv's default field limit, which the CSV reader keeps, so a
# value refused in one format is refused in the other.
MAX_CELL_CHARS = 131_072
# The most header columns. The widest dataset has 18; a system's full export a few dozen.
MAX_COLUMNS = 1_000
# Excel's own limits: a row number or a cell reference beyond them did not come from Excel.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
# XLSX cells kept in memory for one file (data rows × header columns, blank ones included: a
# pointer each). A dense sheet meets MAX_PART_BYTES first, at about 8 million cells; this bounds
# a sparse one (a wide header over rows of one cell).
MAX_XLSX_CELLS = 16_000_000
# The zip an .xlsx is: parts, the size of its directory of parts, the unpacked size of any one
# part, of the workbook's small parts (workbook, relationships, content types, styles) and of
# its shared text table, and how many times smaller than that a big part may be compressed.
# A real export's sheet compresses 8-18 to 1; a "zip bomb", up to about 1,000 to 1.
MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_DIRECTORY_BYTES = 4 * 1024 * 1024
MAX_PART_BYTES = 256 * 1024 * 1024
MAX_SMALL_PART_BYTES = 16 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 128 * 1024 * 1024
MAX_SHARED_STRINGS = 4_000_000
MAX_COMPRESSION_RATIO = 100
_PROGRESS_EVERY = 20_000
_CONTROL_CHARS = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}
_CONTROL_CHAR = re.compile("[" + re.escape("".join(sorted(_CONTROL_CHARS))) + "]")
# A field in quotes, whole, on one line: what a simple CSV may quote (see _simple_csv).
_QUOTED_FIELD = re.compile(r'(?m)(?:^|(?<=,))"(?:[^"\r\n]|"")*"(?=,|\r?$)')

Progress = Callable[[float, str], None]


@dataclass
class SimpleCsv:
    """A UTF-8 CSV that DuckDB can read itself with the same result as `_read_csv`: every
    record is one physical line, the header is line 1, no line is empty, quotes (if any) wrap
    whole fields on one line. Data line n (from 0) is then physical line n + 2. Lines whose
    cells are all blank are still to be dropped, and a ragged line makes DuckDB's strict
    reader fail: the caller then reads the file with `read_export(..., simple=False)`."""

    headers: list[str]
    data: bytes
    data_lines: int  # physical lines after the header


@dataclass
class RawTable:
    """A file as read: headers, then data rows (text or None) with their line numbers."""

    headers: list[str]
    rows: list[list[str | None]] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)
    # Rows whose field count differs from the header's: (line, fields, expected)
    ragged: list[tuple[int, int, int]] = field(default_factory=list)
    sheet: str | None = None


def read_export(
    path: Path,
    data: bytes,
    dataset_hint: str | None = None,
    progress: Progress | None = None,
    simple: bool = False,
) -> RawTable | SimpleCsv:
    """The file's rows (RawTable), or with `simple`, a SimpleCsv when the file is one."""
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(
            "the file is larger than the upload limit",
            f"split it into files under {MAX_FILE_BYTES // (1024 * 1024)} MB (one per academy "
            "or per year) and load each.",
        )
    if not data.strip():
        raise FileRefused("the file is empty", "export it again with its header row.")
    if data[:4] == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(data, dataset_hint, progress)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRefused(
            "the file is an old-style Excel (.xls) workbook or a password-protected workbook",
            "save it as .xlsx without a password, or export it as CSV.",
        )
    text, utf8 = _decode_text(data)
    if simple and utf8:
        found = _simple_csv(text, data)
        if found is not None:
            return found
    return _read_csv(text, progress)


def _decode(data: bytes) -> str:
    return _decode_text(data)[0]


def _decode_text(data: bytes) -> tuple[str, bool]:
    """The text and whether it was UTF-8."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4096]:
        raise FileRefused(
            "the file is UTF-16 or binary, not a CSV text file",
            "save it as 'CSV UTF-8 (comma delimited)'.",
        )
    utf8 = True
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        utf8 = False
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise FileRefused(
                "the file is neither UTF-8 nor Windows-1252 text",
                "save it as 'CSV UTF-8 (comma delimited)'.",
            ) from None
    if _CONTROL_CHAR.search(text, 0, 65536):
        raise FileRefused(
            "the file contains binary data, not CSV text",
            "export the data again as 'CSV UTF-8 (comma delimited)' or .xlsx.",
        )
    return text, utf8


def _simple_csv(text: str, data: bytes) -> SimpleCsv | None:
    """The file as a SimpleCsv, or None when only `_read_csv` reads it right: a NUL, a lone
    CR, an empty line, a blank or unreadable first line, quotes that do not wrap whole fields
    on one line, or a line longer than csv's field limit (which csv refuses). The checks look
    at the UTF-8 bytes, where they are quicker and mean the same (no multi-byte character
    holds an ASCII byte)."""
    body = data.removeprefix(b"\xef\xbb\xbf")
    if b"\x00" in body or body.count(b"\r") != body.count(b"\r\n"):
        return None
    if body.startswith((b"\n", b"\r\n")) or b"\n\n" in body or b"\n\r\n" in body:
        return None
    if b'"' in body and '"' in _QUOTED_FIELD.sub("", text):
        return None
    limit = csv.field_size_limit()
    if len(body) > limit and max(map(len, body.split(b"\n"))) > limit:
        return None
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    try:
        header = next(csv.reader([first_line.removesuffix("\r")], strict=True), [])
    except csv.Error:
        return None
    if not header or all(not cell.strip() for cell in header):
        return None
    _refuse_other_delimiters(header)
    _check_column_count(len(header))
    lines = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
    return SimpleCsv([h.strip() for h in header], data, lines - 1)


def _read_csv(text: str, progress: Progress | None) -> RawTable:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    table = RawTable(headers=[])
    previous_end = 0
    total_chars = max(len(text), 1)
    try:
        for record in reader:
            start_line = previous_end + 1
            previous_end = reader.line_num
            if not record or all(not cell.strip() for cell in record):
                continue  # blank lines are skipped and not counted (product.md §2)
            if header is None:
                header = record
                _refuse_other_delimiters(header)
                _check_column_count(len(header))
                table.headers = [h.strip() for h in header]
                continue
            if len(record) != len(header):
                table.ragged.append((start_line, len(record), len(header)))
                continue
            table.rows.append(record)
            table.line_numbers.append(start_line)
            if progress and len(table.rows) % _PROGRESS_EVERY == 0:
                progress(min(reader.line_num * 60 / total_chars, 0.99), "reading")
    except csv.Error as exc:
        if len(str(exc)) < 200 and "field larger than field limit" in str(exc):
            raise _cell_too_long(f"a value at line {reader.line_num}") from None
        raise FileRefused(
            f"the CSV could not be read at line {reader.line_num} ({_csv_problem(exc)})",
            "check that quoted values have closing quotes, or export the file again.",
        ) from None
    if header is None:
        raise FileRefused("the file has no header row", "export it again with its header row.")
    return table


def _csv_problem(exc: csv.Error) -> str:
    # csv's messages describe structure ("unexpected end of data"), never cell values.
    return str(exc).split("\n")[0]


def _check_column_count(columns: int) -> None:
    if columns > MAX_COLUMNS:
        raise FileRefused(
            f"the header has more than {MAX_COLUMNS:,} columns",
            "remove the columns that are not in the data contract (docs/data-contract.md) and "
            "export again.",
        )


def _refuse_other_delimiters(header: list[str]) -> None:
    if len(header) == 1:
        for delimiter, name in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
            if delimiter in header[0]:
                raise FileRefused(
                    f"the file is {name}-delimited; only comma-separated files are accepted",
                    "save it as 'CSV UTF-8 (comma delimited)'.",
                )


# --- XLSX -----------------------------------------------------------------------------------
#
# An .xlsx file is a zip of XML parts. The reader is our own, streaming: each part is unpacked
# in chunks, counted as it arrives, and fed to lxml's parser with a *target* (callbacks, no tree
# is built), so memory stays bounded whatever the file claims. Row numbers and cell references
# are read as positions and checked against Excel's limits, never used to allocate: a row
# numbered a trillion is refused, and the rows between two far-apart rows are simply absent.
# The workbook-level rules (which part is the workbook, which sheets it has, which styles are
# dates, the date epoch, how shared and inline text is put together) follow openpyxl 3.1's
# reader step by step, with openpyxl's own date functions, so values read as openpyxl read them.

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_PACKAGE_RELATIONSHIPS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ROW, _CELL, _VALUE = _MAIN_NS + "row", _MAIN_NS + "c", _MAIN_NS + "v"
_INLINE, _TEXT, _PHONETIC = _MAIN_NS + "is", _MAIN_NS + "t", _MAIN_NS + "rPh"
_SHARED_ITEM = _MAIN_NS + "si"
# The workbook's content types, in the order openpyxl looks for them (openpyxl.xml.constants).
_WORKBOOK_CONTENT_TYPES = (
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
_SHARED_STRINGS_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
_CELL_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})")
_CHUNK_BYTES = 1024 * 1024
_RATIO_CHECKED_ABOVE_BYTES = 8 * 1024 * 1024  # below this, unpacking costs nothing to speak of

_RESAVE = "open it in Excel and save it again as .xlsx, or export the data as CSV."
_EXPORT_AGAIN = "export the data again from the source system (as .xlsx from Excel, or as CSV)."
_SPLIT = "split it into smaller files (one per academy or per year), or export the data as CSV."


def _cannot_open(reason: str) -> FileRefused:
    return FileRefused(
        "the Excel file could not be opened (it is damaged, truncated, "
        f"password-protected or not really .xlsx: {reason})",
        "open it in Excel, remove any password and save it again as .xlsx, or export CSV.",
    )


def _damaged(what: str) -> FileRefused:
    return FileRefused(f"the Excel file is damaged: {what}", _RESAVE)


def _column_letters(column: int) -> str:
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _cell_name(row: int, column: int) -> str:
    """A cell's position as Excel names it, made from our own counts (never the file's text)."""
    return f"{_column_letters(column)}{row}"


@functools.cache
def _columns_by_letters() -> dict[str, int]:
    """Every Excel column's letters (A to XFD) and its number."""
    return {_column_letters(column): column for column in range(1, EXCEL_MAX_COLUMNS + 1)}


@functools.cache
def _xlsx_tools():
    """lxml's parser and openpyxl's date rules, imported on first use (most ingests are CSV and
    openpyxl is slow to import)."""
    from lxml import etree
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
    from openpyxl.utils.datetime import (
        CALENDAR_MAC_1904,
        CALENDAR_WINDOWS_1900,
        from_excel,
        from_ISO8601,
    )

    return SimpleNamespace(
        etree=etree,
        builtin_formats=BUILTIN_FORMATS,
        is_date_format=is_date_format,
        is_timedelta_format=is_timedelta_format,
        windows_epoch=CALENDAR_WINDOWS_1900,
        mac_epoch=CALENDAR_MAC_1904,
        from_excel=from_excel,
        from_iso8601=from_ISO8601,
    )


class _Target:
    """Base of the parser targets: refuses any document type declaration. Excel never writes
    one, and a DTD is what XML entity attacks (external entities, "billion laughs") need."""

    def doctype(self, *_declaration) -> None:
        raise FileRefused(
            "the Excel file contains an XML document type declaration, which Excel never "
            "writes and which XML attacks (entity expansion, external entities) use",
            _EXPORT_AGAIN,
        )

    def start(self, tag, attrib) -> None:
        pass

    def end(self, tag) -> None:
        pass

    def data(self, text) -> None:
        pass

    def close(self) -> None:
        return None


def _refuse_oversized_zip_directory(data: bytes) -> None:
    """Refuse a zip whose central directory (the list of its parts) is far bigger than any
    workbook's, before zipfile reads all of it into memory (a few hundred bytes a part). The
    directory's size is read by zipfile's own function, so it is exactly what zipfile would
    then read; should a later Python lack that function, zipfile's reading is the only check."""
    end_record = getattr(zipfile, "_EndRecData", None)
    if end_record is None:
        return
    try:
        record = end_record(io.BytesIO(data))
    except (OSError, zipfile.BadZipFile, struct.error):
        return  # zipfile refuses the file itself
    if record is not None and record[zipfile._ECD_SIZE] > MAX_ZIP_DIRECTORY_BYTES:
        raise _too_many_parts()


def _too_many_parts() -> FileRefused:
    return FileRefused(
        f"the file holds more than {MAX_ZIP_MEMBERS:,} parts, far more than a workbook has",
        _EXPORT_AGAIN,
    )


def _check_zip_members(archive: zipfile.ZipFile) -> None:
    """Every part's unpacked size and compression ratio, from the zip's directory, before
    anything is unpacked. zipfile never gives more than the size declared here (more fails its
    CRC check), and `_part_chunks` counts again as the bytes arrive."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise _too_many_parts()
    for member in members:
        if member.flag_bits & 0x1:
            raise _cannot_open("encrypted")
        _check_part_size(member.file_size, member.compress_size)


def _check_part_size(unpacked: int, compressed: int) -> None:
    if unpacked > MAX_PART_BYTES:
        raise FileRefused(
            f"a part of the workbook unpacks to more than {MAX_PART_BYTES // 2**20:,} MB, "
            "the most one part may hold",
            _SPLIT,
        )
    if unpacked > _RATIO_CHECKED_ABOVE_BYTES and unpacked > MAX_COMPRESSION_RATIO * max(
        compressed, 1
    ):
        raise FileRefused(
            "a part of the workbook is compressed more than "
            f"{MAX_COMPRESSION_RATIO}-to-1, far more than any real spreadsheet (a 'zip bomb')",
            _EXPORT_AGAIN,
        )


def _part_chunks(archive: zipfile.ZipFile, name: str, limit: int, what: str):
    """The part's unpacked bytes, a chunk at a time, refused as soon as they pass `limit` or
    the compression ratio (whatever the zip's directory said)."""
    member = archive.getinfo(name)  # KeyError: the part is missing
    unpacked = 0
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK_BYTES):
            unpacked += len(chunk)
            if unpacked > limit:
                raise FileRefused(
                    f"its {what} unpacks to more than {limit // 2**20:,} MB, "
                    "the most this reader accepts",
                    _SPLIT,
                )
            _check_part_size(unpacked, member.compress_size)
            yield chunk


def _feed(archive: zipfile.ZipFile, name: str, target: _Target, limit: int, what: str):
    """Parse one part into `target`, yielding after each chunk so that a caller can take what
    the target has collected so far."""
    etree = _xlsx_tools().etree
    parser = etree.XMLParser(
        target=target, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        for chunk in _part_chunks(archive, name, limit, what):
            parser.feed(chunk)
            yield
        parser.close()
    except etree.XMLSyntaxError:
        # lxml's message can quote the file's text (a tag name, say): only say where.
        raise _damaged(f"its {what} is not well-formed XML") from None
    yield


def _parse_small_part(archive: zipfile.ZipFile, name: str, target: _Target, what: str):
    for _ in _feed(archive, name, target, MAX_SMALL_PART_BYTES, what):
        pass
    return target


class _ContentTypes(_Target):
    def __init__(self):
        self.overrides: list[tuple[str, str]] = []  # (content type, part name)
        self.defaults: set[str] = set()

    def start(self, tag, attrib):
        if tag == _CONTENT_TYPES_NS + "Override":
            self.overrides.append((attrib.get("ContentType"), attrib.get("PartName") or ""))
        elif tag == _CONTENT_TYPES_NS + "Default":
            self.defaults.add(attrib.get("ContentType"))

    def find(self, content_type: str) -> str | None:
        return next((part for kind, part in self.overrides if kind == content_type), None)

    def workbook_part(self) -> str | None:
        """openpyxl.reader.excel._find_workbook_part, without the leading '/'."""
        for content_type in _WORKBOOK_CONTENT_TYPES:
            part = self.find(content_type)
            if part:
                return part[1:]
        if self.defaults & set(_WORKBOOK_CONTENT_TYPES):
            return "xl/workbook.xml"  # some applications reassign the default for xml
        return None


class _Relationships(_Target):
    def __init__(self, rels_path: str):
        # Targets are made absolute as openpyxl.packaging.relationship.get_dependents does.
        self.parent = posixpath.split(posixpath.dirname(rels_path))[0]
        self.by_id: dict[str, tuple[str, str]] = {}  # id -> (type, part name)

    def start(self, tag, attrib):
        if tag != _PACKAGE_RELATIONSHIPS_NS + "Relationship":
            return
        target = attrib.get("Target") or ""
        if attrib.get("TargetMode") != "External":
            if target.startswith("/"):
                target = target[1:]
            else:
                target = posixpath.normpath(posixpath.join(self.parent, target))
        self.by_id[attrib.get("Id")] = (attrib.get("Type") or "", target)


class _WorkbookPart(_Target):
    def __init__(self):
        self.sheets: list[tuple[str, str | None]] = []  # (title, relationship id)
        self.date1904 = False

    def start(self, tag, attrib):
        if tag == _MAIN_NS + "sheet":
            self.sheets.append((attrib.get("name") or "", attrib.get(_RELATIONSHIP_ID)))
        elif tag == _MAIN_NS + "workbookPr":
            # openpyxl's Bool: absent, empty, 'false', 'f' and '0' are false.
            flag = attrib.get("date1904")
            self.date1904 = bool(flag) and flag not in ("false", "f", "0")


class _Styles(_Target):
    """Which cell styles (indexes into cellXfs) show numbers as dates or durations, as
    openpyxl.styles.stylesheet.Stylesheet._normalise_numbers decides it."""

    def __init__(self):
        self.custom_formats: dict[int, str | None] = {}
        self.cell_formats: list[int] = []  # numFmtId of each cellXfs entry
        self.within: str | None = None  # numFmts or cellXfs while inside one

    def start(self, tag, attrib):
        try:
            if tag == _MAIN_NS + "numFmt" and self.within == "numFmts":
                self.custom_formats[int(attrib.get("numFmtId"))] = attrib.get("formatCode")
            elif tag == _MAIN_NS + "xf" and self.within == "cellXfs":
                self.cell_formats.append(int(attrib.get("numFmtId", 0)))
            elif tag in (_MAIN_NS + "numFmts", _MAIN_NS + "cellXfs"):
                self.within = tag[len(_MAIN_NS) :]
        except (TypeError, ValueError):
            raise _damaged("its styles give a number format that is not a number") from None

    def end(self, tag):
        if tag in (_MAIN_NS + "numFmts", _MAIN_NS + "cellXfs"):
            self.within = None

    def date_styles(self) -> tuple[frozenset[int], frozenset[int]]:
        tools = _xlsx_tools()
        dates, durations = set(), set()
        for index, format_id in enumerate(self.cell_formats):
            if format_id in self.custom_formats:
                code = self.custom_formats[format_id]
            else:
                code = tools.builtin_formats.get(format_id)
            if tools.is_date_format(code):
                dates.add(index)
            if tools.is_timedelta_format(code):
                durations.add(index)
        return frozenset(dates), frozenset(durations)


class _SharedStrings(_Target):
    """The shared text table: each <si>'s plain text and rich-text runs, phonetic guides left
    out (openpyxl.cell.text.Text.content), checked for length as the text arrives."""

    def __init__(self):
        self.strings: list[str] = []
        self.pieces: list[str] | None = None  # the open <si>'s text so far
        self.length = 0
        self.collecting = False
        self.in_phonetic = False

    def start(self, tag, attrib):
        if tag == _SHARED_ITEM:
            if len(self.strings) >= MAX_SHARED_STRINGS:
                raise FileRefused(
                    f"the workbook holds more than {MAX_SHARED_STRINGS:,} different texts",
                    _SPLIT,
                )
            self.pieces, self.length = [], 0
        elif tag == _TEXT:
            self.collecting = self.pieces is not None and not self.in_phonetic
        elif tag == _PHONETIC:
            self.in_phonetic = True

    def data(self, text):
        if self.collecting:
            self.length += len(text)
            if self.length > MAX_CELL_CHARS:
                raise _cell_too_long(f"shared text number {len(self.strings) + 1}")
            self.pieces.append(text)

    def end(self, tag):
        if tag == _TEXT:
            self.collecting = False
        elif tag == _PHONETIC:
            self.in_phonetic = False
        elif tag == _SHARED_ITEM and self.pieces is not None:
            self.strings.append("".join(self.pieces).replace("x005F_", ""))
            self.pieces = None


def _cell_too_long(where: str) -> FileRefused:
    return FileRefused(
        f"{where} is longer than {MAX_CELL_CHARS:,} characters, the most one value may hold",
        "shorten it in the source system and export again (no contract column holds long text).",
    )


@dataclass
class _Workbook:
    archive: zipfile.ZipFile
    worksheets: list[tuple[str, str]]  # (title, part name), in the workbook's order
    shared_strings: list[str]
    date_styles: frozenset[int]
    duration_styles: frozenset[int]
    epoch: dt.datetime


def _open_workbook(data: bytes) -> _Workbook:
    """The workbook's sheets and everything needed to read their cells (openpyxl's
    ExcelReader.read, less what a values-only read never uses)."""
    _refuse_oversized_zip_directory(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _cannot_open("BadZipFile") from None
    _check_zip_members(archive)
    names = set(archive.namelist())
    content_types = _parse_small_part(
        archive, "[Content_Types].xml", _ContentTypes(), "list of parts"
    )
    workbook_part = content_types.workbook_part()
    if workbook_part is None:
        raise _cannot_open("no workbook part")
    folder, file_name = posixpath.split(workbook_part)
    rels_path = posixpath.join(folder, "_rels", f"{file_name}.rels")
    relationships = _parse_small_part(
        archive, rels_path, _Relationships(rels_path), "workbook relationships"
    ).by_id
    book = _parse_small_part(archive, workbook_part, _WorkbookPart(), "workbook part")
    worksheets = []
    for title, relationship_id in book.sheets:
        if not relationship_id:
            continue  # openpyxl drops such a sheet with a warning
        kind, part = relationships[relationship_id]  # KeyError: refused as damaged
        if part in names and "chartsheet" not in kind:
            worksheets.append((title, part))
    if not worksheets:
        raise FileRefused("the workbook has no worksheet", _RESAVE)
    date_styles = duration_styles = frozenset()
    if "xl/styles.xml" in names:  # openpyxl reads the styles from this fixed place
        styles = _parse_small_part(archive, "xl/styles.xml", _Styles(), "styles")
        date_styles, duration_styles = styles.date_styles()
    shared_strings: list[str] = []
    shared_part = content_types.find(_SHARED_STRINGS_CONTENT_TYPE)
    if shared_part is not None:
        table = _SharedStrings()
        for _ in _feed(
            archive, shared_part[1:], table, MAX_SHARED_STRINGS_BYTES, "shared text table"
        ):
            pass
        shared_strings = table.strings
    tools = _xlsx_tools()
    epoch = tools.mac_epoch if book.date1904 else tools.windows_epoch
    return _Workbook(archive, worksheets, shared_strings, date_styles, duration_styles, epoch)


class _SheetRows(_Target):
    """A worksheet's rows as (row number, [(column, text), ...]), collected in `rows` for the
    reader to take after each chunk. Cells are read as openpyxl 3.1 reads them for a read-only,
    values-only workbook (WorkSheetParser.parse_row and parse_cell): a formula cell by its
    cached value, a number in a date style as a date. Every row number and cell reference is
    checked against Excel's limits, and every value's length as its text arrives."""

    def __init__(self, workbook: _Workbook):
        self.workbook = workbook
        self.rows: list[tuple[int, list[tuple[int, str | None]]]] = []
        self.row_number = 0  # of the open row, else of the last one
        self.cells: list[tuple[int, str | None]] | None = None  # the open row's cells
        self.column = 0  # of the open cell, else of the row's last one
        self.cell_type: str | None = None  # of the open cell; None outside a cell
        self.cell_style: str | None = None
        self.value: str | None = None  # the open cell's <v>
        self.inline: list[str] | None = None  # the open cell's inline text pieces
        self.pieces: list[str] | None = None  # where text goes now; None: nowhere
        self.length = 0
        self.in_phonetic = False
        self.style_numbers: dict[str, int] = {}

    def start(self, tag, attrib):
        if tag == _CELL:
            if self.cells is None:
                raise _damaged(
                    f"the sheet has a cell outside any row (after row {self.row_number})"
                )
            self.column = self._cell_column(attrib.get("r"))
            if len(self.cells) >= EXCEL_MAX_COLUMNS:
                raise _damaged(
                    f"row {self.row_number} has more than {EXCEL_MAX_COLUMNS:,} cells, more "
                    "than Excel allows"
                )
            self.cell_type = attrib.get("t", "n")
            self.cell_style = attrib.get("s")
            self.value = self.inline = None
        elif tag == _VALUE:
            if self.cell_type is not None and self.value is None:
                self.pieces, self.length = [], 0
        elif tag == _INLINE:
            if self.cell_type is not None:
                self.inline, self.length = [], 0
        elif tag == _TEXT:
            if self.inline is not None and not self.in_phonetic:
                self.pieces = self.inline
        elif tag == _PHONETIC:
            self.in_phonetic = True
        elif tag == _ROW:
            if self.cells is not None:
                raise _damaged(f"the sheet has a row inside row {self.row_number}")
            self.row_number = self._row_number(attrib.get("r"))
            self.cells, self.column = [], 0

    def data(self, text):
        if self.pieces is not None:
            self.length += len(text)
            if self.length > MAX_CELL_CHARS:
                raise _cell_too_long(f"cell {_cell_name(self.row_number, self.column)}")
            self.pieces.append(text)

    def end(self, tag):
        if tag == _CELL:
            if self.cell_type is not None:
                self.cells.append((self.column, self._cell_text()))
                self.cell_type = None
        elif tag == _VALUE:
            if self.pieces is not None and self.cell_type is not None and self.value is None:
                self.value = "".join(self.pieces)
            self.pieces = None
        elif tag == _TEXT:
            self.pieces = None
        elif tag == _PHONETIC:
            self.in_phonetic = False
        elif tag == _ROW:
            self.rows.append((self.row_number, self.cells))
            self.cells = None

    def _row_number(self, attribute: str | None) -> int:
        """The row's number: its r= (openpyxl accepts '7' and '7.0'), else one more than the
        last. Each must come after the one before and stay within Excel's rows."""
        previous = self.row_number
        if attribute is None:
            number = previous + 1
        else:
            try:
                number = int(attribute) if len(attribute) <= 20 else 0
            except ValueError:
                try:
                    value = float(attribute)
                    number = int(value) if value.is_integer() else 0
                except (ValueError, OverflowError):
                    number = 0
        if not 1 <= number <= EXCEL_MAX_ROWS:
            raise _damaged(
                "the sheet has a row whose number is not a whole number from 1 to "
                f"{EXCEL_MAX_ROWS:,}, Excel's last row (after row {previous})"
            )
        if number <= previous:
            raise _damaged(
                f"the sheet's rows are out of order (a row numbered {number} comes after "
                f"row {previous})"
            )
        return number

    def _cell_column(self, reference: str | None) -> int:
        """The cell's column: from its reference (A1 to XFD1048576; as in openpyxl, the
        letters give the column), else the one after the row's last cell."""
        if reference is None:
            column = self.column + 1
            if column > EXCEL_MAX_COLUMNS:
                raise _damaged(f"row {self.row_number} has a cell beyond column XFD")
            return column
        # The usual case, quickly: upper-case letters A to XFD, then 1 to 6 digits.
        letters = reference.rstrip("0123456789")
        column = _columns_by_letters().get(letters)
        digits = len(reference) - len(letters)
        if column is not None and 0 < digits < 7 and reference[len(letters)] != "0":
            return column
        match = _CELL_REFERENCE.fullmatch(reference)  # $-anchored, lower case, 7 digits
        column = _columns_by_letters().get(match.group(1).upper()) if match else None
        if column is None or int(match.group(2)) > EXCEL_MAX_ROWS:
            raise _damaged(
                f"row {self.row_number} has a cell whose reference is not an Excel cell "
                "(A1 to XFD1048576)"
            )
        return column

    def _cell_text(self) -> str | None:
        cell_type, value = self.cell_type, self.value
        if cell_type == "inlineStr":
            return None if self.inline is None else "".join(self.inline)
        if not value:
            return None
        if cell_type == "n":
            return _cell_text(self._number(value))
        if cell_type == "s":
            strings = self.workbook.shared_strings
            try:
                index = int(value)
            except ValueError:
                index = -1
            if not 0 <= index < len(strings):
                raise _damaged(f"{self._where()} refers to a shared text the workbook lacks")
            return strings[index]
        if cell_type == "b":
            try:
                return "true" if int(value) else "false"
            except ValueError:
                raise _damaged(f"{self._where()} is marked true or false but is neither") from None
        if cell_type == "d":
            try:
                return _cell_text(_xlsx_tools().from_iso8601(value))
            except (ValueError, TypeError, OverflowError):
                raise _damaged(f"{self._where()} is marked as a date but holds none") from None
        return value  # str (a formula's text), e (an error such as #N/A) and the rest: as written

    def _where(self) -> str:
        # Only made for a message: most cells never need their name.
        return f"cell {_cell_name(self.row_number, self.column)}"

    def _number(self, value: str):
        try:
            # openpyxl's _cast_number: a '.' or an exponent makes it a float
            number = float(value) if "." in value or "e" in value or "E" in value else int(value)
        except ValueError:
            raise _damaged(
                f"{self._where()} is marked as a number or date but holds none"
            ) from None
        style = self._style_number()
        workbook = self.workbook
        if style in workbook.date_styles:
            try:
                return _xlsx_tools().from_excel(
                    number, workbook.epoch, timedelta=style in workbook.duration_styles
                )
            except (OverflowError, ValueError):
                return "#VALUE!"  # a serial beyond the calendar, as openpyxl gives it
        return number

    def _style_number(self) -> int:
        style = self.cell_style
        if not style:
            return 0
        number = self.style_numbers.get(style)
        if number is None:
            try:
                number = self.style_numbers[style] = int(style)
            except ValueError:
                raise _damaged(f"{self._where()} has a style that is not a number") from None
        return number


def _read_xlsx(data: bytes, dataset_hint: str | None, progress: Progress | None) -> RawTable:
    try:
        workbook = _open_workbook(data)
        try:
            return _read_sheet(workbook, dataset_hint, progress)
        finally:
            workbook.archive.close()
    except FileRefused:
        raise
    except KeyError:
        raise _cannot_open("KeyError") from None  # a part the workbook names is missing
    except Exception as exc:  # a damaged zip or part; only the error's type, never its text
        if os.environ.get("SAFEGUARDING_DEBUG"):
            raise
        raise _cannot_open(type(exc).__name__) from None


def _read_sheet(workbook: _Workbook, dataset_hint: str | None, progress: Progress | None):
    title, part = _choose_sheet(workbook.worksheets, dataset_hint)
    table = RawTable(headers=[], sheet=title)
    header: list[str] | None = None
    width = 0
    max_rows = 0
    sheet = _SheetRows(workbook)
    for _ in _feed(workbook.archive, part, sheet, MAX_PART_BYTES, "sheet"):
        finished, sheet.rows = sheet.rows, []
        for row_number, cells in finished:
            if all(text is None or not text.strip() for _, text in cells):
                continue  # blank rows are skipped and not counted (product.md §2)
            if header is None:
                header = [""] * max(column for column, _ in cells)
                for column, text in cells:
                    header[column - 1] = (text or "").strip()
                while header and not header[-1]:
                    header.pop()
                _check_column_count(len(header))
                table.headers, width = header, len(header)
                max_rows = MAX_XLSX_CELLS // max(width, 1)
                continue
            row: list[str | None] = [None] * width
            widest, beyond_header = 0, False
            for column, text in cells:
                if column <= width:
                    row[column - 1] = text
                elif text is not None and text.strip():
                    beyond_header = True
                widest = max(widest, column)
            if beyond_header:
                table.ragged.append((row_number, widest, width))
                continue
            if len(table.rows) >= max_rows:
                raise FileRefused(
                    f"the sheet holds more than {MAX_XLSX_CELLS:,} cells (rows × columns), "
                    "more than this reader keeps in memory",
                    _SPLIT,
                )
            table.rows.append(row)
            table.line_numbers.append(row_number)
            if progress and len(table.rows) % _PROGRESS_EVERY == 0:
                progress(0.5, "reading")
    if header is None:
        raise FileRefused("the sheet has no header row", "put the column names in the first row.")
    return table


def _choose_sheet(worksheets: list[tuple[str, str]], dataset_hint: str | None):
    # A sheet named after the dataset wins over the first sheet (product.md §2).
    wanted = {dataset_hint} if dataset_hint else set(DATASETS)
    for title, part in worksheets:
        if normalise_label(title) in wanted:
            return title, part
    return worksheets[0]


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        rounded = (
            value + dt.timedelta(microseconds=500_000) if value.microsecond >= 500_000 else value
        )
        return rounded.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
