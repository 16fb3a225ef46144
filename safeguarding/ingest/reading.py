"""Reading an export file into rows of text, each with the physical line where it starts.

Only the shape of the file is judged here (encoding, delimiter, readable at all). Values are
judged later, in SQL. Nothing here ever puts a cell value into a message.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from safeguarding.contract import DATASETS, normalise_label
from safeguarding.ingest.errors import FileRefused

MAX_FILE_BYTES = 250 * 1024 * 1024
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


def _refuse_other_delimiters(header: list[str]) -> None:
    if len(header) == 1:
        for delimiter, name in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
            if delimiter in header[0]:
                raise FileRefused(
                    f"the file is {name}-delimited; only comma-separated files are accepted",
                    "save it as 'CSV UTF-8 (comma delimited)'.",
                )


@functools.cache
def _openpyxl():
    """openpyxl (imported on first use: most ingests are CSV and it is slow to import), with
    read-only sheets that stop looking for their <dimension> where the cell data starts.

    openpyxl looks for it until the *end* of <sheetData>, which parses a sheet without one
    (as many programs write them) in full before its rows are read again; it then finds none.
    Stopping at the start gives the same answer: <dimension> comes before <sheetData>."""
    import openpyxl
    from openpyxl.worksheet import _read_only, _reader
    from openpyxl.xml.functions import iterparse

    def _get_size(sheet) -> None:
        source = sheet._get_source()
        try:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == _reader.DIMENSION_TAG:
                    boundaries = _reader.SheetDimension.from_tree(element).boundaries
                    if boundaries is not None:
                        (
                            sheet._min_column,
                            sheet._min_row,
                            sheet._max_column,
                            sheet._max_row,
                        ) = boundaries
                    return
                if element.tag == _reader.DATA_TAG:
                    return
        finally:
            source.close()

    _read_only.ReadOnlyWorksheet._get_size = _get_size
    return openpyxl


def _read_xlsx(data: bytes, dataset_hint: str | None, progress: Progress | None) -> RawTable:
    openpyxl = _openpyxl()

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRefused(
            "the Excel file could not be opened (it is damaged, truncated, "
            f"password-protected or not really .xlsx: {type(exc).__name__})",
            "open it in Excel, remove any password and save it again as .xlsx, or export CSV.",
        ) from None
    try:
        sheet = _choose_sheet(workbook, dataset_hint)
        table = RawTable(headers=[], sheet=sheet.title)
        header: list[str] | None = None
        for row_number, values in enumerate(_sheet_values(sheet), start=1):
            cells = [_cell_text(v) for v in values]
            if all(c is None or not c.strip() for c in cells):
                continue
            if header is None:
                header = [(c or "").strip() for c in cells]
                while header and not header[-1]:
                    header.pop()
                table.headers = header
                continue
            extra = cells[len(header) :]
            if any(c is not None and c.strip() for c in extra):
                table.ragged.append((row_number, len(cells), len(header)))
                continue
            cells = cells[: len(header)] + [None] * (len(header) - len(cells))
            table.rows.append(cells)
            table.line_numbers.append(row_number)
            if progress and len(table.rows) % _PROGRESS_EVERY == 0:
                progress(0.5, "reading")
    finally:
        workbook.close()
    if header is None:
        raise FileRefused("the sheet has no header row", "put the column names in the first row.")
    return table


def _sheet_values(sheet):
    """The sheet's rows of values, exactly as openpyxl's `sheet.iter_rows(values_only=True)`
    gives them for a read-only, data-only workbook, but with the sheet's XML parsed by lxml
    (C) instead of openpyxl's per-cell Python objects: several times quicker on big sheets.

    It follows openpyxl 3.1's ReadOnlyWorksheet._cells_by_row, WorkSheetParser.parse_row and
    parse_cell (data_only, no rich text) step by step; the workbook-level parts (shared
    strings, which styles are dates, the date epoch) are openpyxl's own."""
    from lxml import etree
    from openpyxl.cell.text import Text
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.utils.datetime import from_excel, from_ISO8601
    from openpyxl.worksheet._reader import (
        INLINE_STRING,
        ROW_TAG,
        VALUE_TAG,
        _cast_number,
    )

    text_tag = INLINE_STRING.replace("}is", "}t")
    workbook = sheet.parent
    shared_strings = sheet._shared_strings
    date_formats, timedelta_formats = workbook._date_formats, workbook._timedelta_formats
    epoch = workbook.epoch

    def cell_value(element) -> tuple[int | None, object]:
        data_type = element.get("t", "n")
        style_id = element.get("s", 0)
        if style_id:
            style_id = int(style_id)
        if data_type == "inlineStr":
            value = None
        else:
            found = element.find(VALUE_TAG)
            value = (found.text if found is not None else None) or None
        coordinate = element.get("r")
        column = coordinate_to_tuple(coordinate)[1] if coordinate else None
        if value is not None:
            if data_type == "n":
                value = _cast_number(value)
                if style_id in date_formats:
                    try:
                        value = from_excel(value, epoch, timedelta=style_id in timedelta_formats)
                    except (OverflowError, ValueError):
                        value = "#VALUE!"
            elif data_type == "s":
                value = shared_strings[int(value)]
            elif data_type == "b":
                value = bool(int(value))
            elif data_type == "d":
                value = from_ISO8601(value)
        elif data_type == "inlineStr":
            child = element.find(INLINE_STRING)
            if child is not None:
                parts = list(child)
                if len(parts) == 1 and parts[0].tag == text_tag and not len(parts[0]):
                    value = parts[0].text if parts[0].text is not None else ""
                else:
                    value = Text.from_tree(child).content
        return column, value

    def parsed_rows():
        row_counter = 0
        source = sheet._get_source()
        try:
            for _event, row in etree.iterparse(
                source, events=("end",), tag=ROW_TAG, resolve_entities=False, no_network=True
            ):
                r = row.get("r")
                if r is not None:
                    try:
                        row_counter = int(r)
                    except ValueError:
                        number = float(r)
                        if not number.is_integer():
                            raise ValueError(f"{r} is not a valid row number") from None
                        row_counter = int(number)
                else:
                    row_counter += 1
                cells, col_counter = [], 0
                for element in row:
                    if not isinstance(element.tag, str):
                        continue  # a comment: ElementTree, which openpyxl uses, drops them
                    column, value = cell_value(element)
                    if column is None:
                        col_counter += 1
                        column = col_counter
                    else:
                        col_counter = column
                    cells.append((column, value))
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]
                yield row_counter, cells
        finally:
            source.close()

    def values(cells, max_col):
        if not cells and not max_col:
            return ()
        max_col = max_col or cells[-1][0]
        new_row = [None] * max_col
        for column, value in cells:
            if 1 <= column <= max_col:
                new_row[column - 1] = value
        return tuple(new_row)

    max_col, max_row = sheet.max_column, sheet.max_row
    empty_row = (None,) * max_col if max_col is not None else []
    counter, index = 1, 1
    for index, cells in parsed_rows():
        if max_row is not None and index > max_row:
            break
        for _ in range(counter, index):
            counter += 1
            yield empty_row
        if counter <= index:
            counter += 1
            yield values(cells, max_col)
    if max_row is not None and max_row < index:
        for _ in range(counter, max_row + 1):
            yield empty_row


def _choose_sheet(workbook, dataset_hint: str | None):
    # A sheet named after the dataset wins over the first sheet (product.md §2).
    wanted = {dataset_hint} if dataset_hint else set(DATASETS)
    for sheet in workbook.worksheets:
        if normalise_label(sheet.title) in wanted:
            return sheet
    return workbook.worksheets[0]


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
