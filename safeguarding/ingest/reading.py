"""Reading an export file into rows of text, each with the physical line where it starts.

Only the shape of the file is judged here (encoding, delimiter, readable at all). Values are
judged later, in SQL. Nothing here ever puts a cell value into a message.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from safeguarding.contract import DATASETS, normalise_label
from safeguarding.ingest.errors import FileRefused

MAX_FILE_BYTES = 250 * 1024 * 1024
_PROGRESS_EVERY = 20_000
_CONTROL_CHARS = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}

Progress = Callable[[float, str], None]


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
    path: Path, data: bytes, dataset_hint: str | None = None, progress: Progress | None = None
) -> RawTable:
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
    return _read_csv(_decode(data), progress)


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4096]:
        raise FileRefused(
            "the file is UTF-16 or binary, not a CSV text file",
            "save it as 'CSV UTF-8 (comma delimited)'.",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise FileRefused(
                "the file is neither UTF-8 nor Windows-1252 text",
                "save it as 'CSV UTF-8 (comma delimited)'.",
            ) from None
    if any(ch in _CONTROL_CHARS for ch in text[:65536]):
        raise FileRefused(
            "the file contains binary data, not CSV text",
            "export the data again as 'CSV UTF-8 (comma delimited)' or .xlsx.",
        )
    return text


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
                continue  # blank lines are skipped and not counted (SPEC §2)
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


def _read_xlsx(data: bytes, dataset_hint: str | None, progress: Progress | None) -> RawTable:
    import openpyxl  # imported here: most ingests are CSV and openpyxl is slow to import

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
        for row_number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
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


def _choose_sheet(workbook, dataset_hint: str | None):
    # A sheet named after the dataset wins over the first sheet (SPEC §2).
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
