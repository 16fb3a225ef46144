"""Hostile export files (issue 13), built here so that no binary file is committed.

    .venv/bin/python tests/hostile_files.py OUTDIR

writes every file into OUTDIR, with CASES.txt saying what ingest must do with each, so that
they can be tried by hand (`.venv/bin/safeguarding ingest OUTDIR/<file> --db /tmp/try.duckdb`).
tests/test_hostile_files.py ingests each one in a batch with a good file after it, and through
the real command line under a memory limit.

Every file is synthetic (PUP-TEST-0001 style references). SENTINELS are planted where a careless
reader would copy them into a message, a warning or the quarantine: none may ever appear there.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

SENTINEL = "Testchild Sentinel"
SENTINELS = (SENTINEL, "Sentinelton", "SENTINEL-7Q3")

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_NS = "http://schemas.openxmlformats.org/package/2006"
SPREADSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"

CONCERN_COLUMNS = ["academy_code", "concern_id", "pupil_ref", "logged_at", "category"]
CONCERNS_CSV_HEADER = ",".join(CONCERN_COLUMNS)
# The good file loaded after each hostile one: another dataset, so that what the hostile file
# did to the concerns table shows on its own.
GOOD_FILE_NAME = "good-staff.csv"
GOOD_FILE = (
    b"academy_code,staff_ref,role,start_date\n"
    b"OAK,STF-TEST-0001,teacher,2020-09-01\n"
    b"OAK,STF-TEST-0002,support,2021-09-01\n"
)
GOOD_FILE_ROWS = 2

# Cell styles of every workbook built here: 0 general, 1 a date (built-in format 14).
STYLES = (
    f'<styleSheet xmlns="{MAIN_NS}"><cellXfs count="2">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>'
    "</cellXfs></styleSheet>"
)
DATE_STYLE = 1


def excel_serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


LOGGED_ON = excel_serial(dt.date(2026, 3, 2))


# --- Building workbooks ----------------------------------------------------------------------


def text_cell(reference: str | None, text: str) -> str:
    where = f' r="{reference}"' if reference else ""
    return f'<c{where} t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def date_cell(reference: str, serial: int | str) -> str:
    return f'<c r="{reference}" s="{DATE_STYLE}"><v>{serial}</v></c>'


def row(number: int | str | None, *cells: str) -> str:
    where = f' r="{number}"' if number is not None else ""
    return f"<row{where}>{''.join(cells)}</row>"


def header_row() -> str:
    return row(1, *(text_cell(f"{chr(65 + i)}1", h) for i, h in enumerate(CONCERN_COLUMNS)))


def concern_row(number: int, n: int, pupil: str | None = None) -> str:
    return row(
        number,
        text_cell(f"A{number}", "OAK"),
        text_cell(f"B{number}", f"CON-HOSTILE-{n:04d}"),
        text_cell(f"C{number}", pupil or f"PUP-TEST-{n:04d}"),
        date_cell(f"D{number}", LOGGED_ON),
        text_cell(f"E{number}", "neglect"),
    )


GOOD_ROWS = header_row() + concern_row(2, 1) + concern_row(3, 2)


def worksheet(sheet_data: str, dimension: str | None = None, prolog: str = "") -> str:
    size = f'<dimension ref="{dimension}"/>' if dimension else ""
    data = f"<sheetData>{sheet_data}</sheetData>"
    return f'{prolog}<worksheet xmlns="{MAIN_NS}">{size}{data}</worksheet>'


def shared_strings(texts: list[str]) -> str:
    items = "".join(f"<si><t>{escape(t)}</t></si>" for t in texts)
    return f'<sst xmlns="{MAIN_NS}" count="{len(texts)}" uniqueCount="{len(texts)}">{items}</sst>'


def workbook(
    sheet: str,
    *,
    shared: str | None = None,
    styles: str = STYLES,
    extra_parts: dict[str, bytes] | None = None,
) -> bytes:
    """A minimal valid .xlsx: one sheet named concerns, the given sheet XML, shared strings and
    styles, plus any extra parts."""
    shared_type = (
        f'<Override PartName="/xl/sharedStrings.xml" '
        f'ContentType="{SPREADSHEET_TYPE}.sharedStrings+xml"/>'
        if shared is not None
        else ""
    )
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{PACKAGE_NS}/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            f'ContentType="{SPREADSHEET_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{SPREADSHEET_TYPE}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{SPREADSHEET_TYPE}.styles+xml"/>'
            f"{shared_type}</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE_NS}/relationships"><Relationship Id="rId1" '
            f'Type="{RELATIONSHIPS_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="{RELATIONSHIPS_NS}"><sheets>'
            '<sheet name="concerns" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PACKAGE_NS}/relationships">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS_NS}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELATIONSHIPS_NS}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{RELATIONSHIPS_NS}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/styles.xml": styles,
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
        for name, content in (extra_parts or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def good_workbook() -> bytes:
    return workbook(worksheet(GOOD_ROWS))


def patch_member(data: bytes, name: str, *, file_size: int | None = None, flags: int = 0) -> bytes:
    """The zip with one member's headers changed (local header and central directory): its
    declared unpacked size, and/or flag bits set."""
    patched = bytearray(data)
    encoded = name.encode()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        local = archive.getinfo(name).header_offset
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == encoded:
            break
        central = data.find(b"PK\x01\x02", central + 4)
    for header, flag_at, size_at in ((local, 6, 22), (central, 8, 24)):
        if flags:
            old = struct.unpack_from("<H", patched, header + flag_at)[0]
            struct.pack_into("<H", patched, header + flag_at, old | flags)
        if file_size is not None:
            struct.pack_into("<I", patched, header + size_at, file_size)
    return bytes(patched)


# --- The cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    id: str
    file_name: str | bytes  # bytes: a name that is not UTF-8
    build: Callable[[], bytes]
    refused: bool  # else: loads, with `loaded` rows and `quarantined` rows
    says: str  # a phrase of the refusal message, or of a warning of a file that loads
    what: str  # one line for people
    loaded: int = 0
    quarantined: int = 0


def _huge_row_number() -> bytes:
    far = row(1_000_000_000_000, text_cell(None, SENTINEL))
    return workbook(worksheet(GOOD_ROWS + far))


def _huge_dimension() -> bytes:
    # A formatted but empty last cell, as Excel writes when a whole sheet is formatted.
    last = row(1_048_576, f'<c r="XFD1048576" s="{DATE_STYLE}"/>')
    return workbook(worksheet(GOOD_ROWS + last, dimension="A1:XFD1048576"))


def _last_cell_of_the_sheet() -> bytes:
    return workbook(worksheet(GOOD_ROWS + row(1_048_576, text_cell("XFD1048576", SENTINEL))))


FAR_CELL_ROWS = 20_000


def _many_rows_with_a_far_cell() -> bytes:
    rows = [header_row()]
    for n in range(1, FAR_CELL_ROWS + 1):
        number = n + 1
        rows.append(concern_row(number, n)[: -len("</row>")] + text_cell(f"XFD{number}", SENTINEL))
        rows.append("</row>")
    return workbook(worksheet("".join(rows), dimension=f"A1:XFD{FAR_CELL_ROWS + 1}"))


def _shared_string_bomb() -> bytes:
    # 100 MB of one shared text, compressed about 1,000 to 1 (about 100 KB on disk).
    bomb = f'<sst xmlns="{MAIN_NS}"><si><t>' + "A" * (100 * 2**20) + "</t></si></sst>"
    cells = GOOD_ROWS + row(4, text_cell("A4", "OAK"), '<c r="C4" t="s"><v>0</v></c>')
    return workbook(worksheet(cells), shared=bomb)


def _deflate_bomb_styles() -> bytes:
    """styles.xml padded to 1 GB with spaces (1 MB on disk): openpyxl read it whole."""
    buffer = io.BytesIO()
    good = zipfile.ZipFile(io.BytesIO(good_workbook()))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in good.infolist():
            if info.filename != "xl/styles.xml":
                archive.writestr(info.filename, good.read(info.filename))
        with archive.open("xl/styles.xml", "w", force_zip64=True) as styles:
            styles.write(STYLES[: -len("</styleSheet>")].encode())
            padding = b" " * 2**20
            for _ in range(1024):
                styles.write(padding)
            styles.write(b"</styleSheet>")
    return buffer.getvalue()


def _random_text(length: int) -> str:
    rng = random.Random(13)
    return SENTINEL + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(length))


def _overlong_shared_string() -> bytes:
    texts = ["OAK", "CON-HOSTILE-0009", _random_text(200_000)]
    cells = row(
        4,
        '<c r="A4" t="s"><v>0</v></c>',
        '<c r="B4" t="s"><v>1</v></c>',
        '<c r="C4" t="s"><v>2</v></c>',
        date_cell("D4", LOGGED_ON),
    )
    return workbook(worksheet(GOOD_ROWS + cells), shared=shared_strings(texts))


def _overlong_inline_cell() -> bytes:
    long_row = row(4, text_cell("A4", "OAK"), text_cell("C4", _random_text(200_000)))
    return workbook(worksheet(GOOD_ROWS + long_row))


def _external_entity() -> bytes:
    prolog = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY secret SYSTEM '
        f'"file:///etc/passwd"><!ENTITY who "{SENTINEL}">]>'
    )
    cells = row(
        4, text_cell("A4", "OAK"), '<c r="C4" t="inlineStr"><is><t>&who;&secret;</t></is></c>'
    )
    return workbook(worksheet(GOOD_ROWS + cells, prolog=prolog))


def _billion_laughs() -> bytes:
    entities = '<!ENTITY lol0 "Sentinelton">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    shared = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]>'
        f'<sst xmlns="{MAIN_NS}"><si><t>&lol9;</t></si></sst>'
    )
    cells = GOOD_ROWS + row(4, text_cell("A4", "OAK"), '<c r="C4" t="s"><v>0</v></c>')
    return workbook(worksheet(cells), shared=shared)


def _truncated_shared_strings() -> bytes:
    whole = shared_strings(["OAK", "PUP-TEST-0009", SENTINEL])
    cells = GOOD_ROWS + row(4, '<c r="A4" t="s"><v>0</v></c>', '<c r="C4" t="s"><v>1</v></c>')
    return workbook(worksheet(cells), shared=whole[: whole.index(SENTINEL) + 6])


def _malformed_sheet() -> bytes:
    broken = row(4, text_cell("A4", "OAK"), f'<c r="C4" t="inlineStr"><is><t>{SENTINEL}</is></c>')
    return workbook(worksheet(GOOD_ROWS + broken))


def _shared_string_index(index: str) -> bytes:
    texts = ["OAK", SENTINEL]
    cells = row(4, '<c r="A4" t="s"><v>0</v></c>', f'<c r="C4" t="s"><v>{index}</v></c>')
    return workbook(worksheet(GOOD_ROWS + cells), shared=shared_strings(texts))


def _bad_cell_reference(reference: str) -> bytes:
    cells = row(4, text_cell("A4", "OAK"), text_cell(reference, SENTINEL))
    return workbook(worksheet(GOOD_ROWS + cells))


def _bad_row_number() -> bytes:
    return workbook(worksheet(GOOD_ROWS + row("four", text_cell(None, SENTINEL))))


def _rows_out_of_order() -> bytes:
    sheet = header_row() + concern_row(2, 1) + concern_row(4, 2) + concern_row(3, 3, SENTINEL)
    return workbook(worksheet(sheet))


def _typed_cell(cell: str) -> bytes:
    cells = row(4, text_cell("A4", "OAK"), text_cell("B4", "CON-HOSTILE-0009"), cell)
    return workbook(worksheet(GOOD_ROWS + cells))


def _too_many_columns_xlsx() -> bytes:
    extra = [text_cell(None, f"Extra {n}") for n in range(1, 1_201)]
    head = row(1, *(text_cell(None, h) for h in CONCERN_COLUMNS), *extra)
    return workbook(worksheet(head + concern_row(2, 1)))


def _too_many_cells_in_a_row() -> bytes:
    crowded = row(4, *(text_cell("A4", SENTINEL) for _ in range(20_000)))
    return workbook(worksheet(GOOD_ROWS + crowded))


def _too_many_parts() -> bytes:
    padding = {f"xl/media/padding{n:05d}.bin": b"" for n in range(20_000)}
    return workbook(worksheet(GOOD_ROWS), extra_parts=padding)


def _part_lies_about_its_size() -> bytes:
    return patch_member(good_workbook(), "xl/worksheets/sheet1.xml", file_size=200)


def _encrypted_part() -> bytes:
    return patch_member(good_workbook(), "xl/worksheets/sheet1.xml", flags=0x1)


def _concerns_csv(header: str = CONCERNS_CSV_HEADER, extra: str = "") -> bytes:
    lines = [header] + [
        f"OAK,CON-HOSTILE-{n:04d},PUP-TEST-{n:04d},2026-03-02,neglect{extra}" for n in (1, 2)
    ]
    return ("\n".join(lines) + "\n").encode()


def _csv_overlong_field() -> bytes:
    return (
        _concerns_csv()
        + f"OAK,CON-HOSTILE-0009,{_random_text(200_000)},2026-03-02,neglect\n".encode()
    )


def _csv_too_many_columns() -> bytes:
    extra = "".join(f",Extra {n}" for n in range(1, 1_501))
    return _concerns_csv(CONCERNS_CSV_HEADER + extra, "," * 1_500)


def _csv_name_and_date_header() -> bytes:
    return _concerns_csv(CONCERNS_CSV_HEADER + f",{SENTINEL} 12/03/2014,Colour", ",x,red")


CASES: list[Hostile] = [
    Hostile(
        "huge-row-number",
        "huge-row-number.xlsx",
        _huge_row_number,
        True,
        "is not a whole number from 1 to 1,048,576",
        "a row numbered 1,000,000,000,000 after two good rows (the old reader ran for days)",
    ),
    Hostile(
        "huge-dimension",
        "huge-dimension.xlsx",
        _huge_dimension,
        False,
        "",
        "claims A1:XFD1048576 in <dimension>, holds two rows and an empty formatted last cell "
        "(the old reader made every missing row 16,384 cells wide): loads",
        loaded=2,
    ),
    Hostile(
        "last-cell-of-the-sheet",
        "last-cell-of-the-sheet.xlsx",
        _last_cell_of_the_sheet,
        False,
        "",
        "a value in XFD1048576, Excel's very last cell: no grid is allocated, that row is "
        "quarantined (a value beyond the header)",
        loaded=2,
        quarantined=1,
    ),
    Hostile(
        "many-rows-with-a-far-cell",
        "many-rows-with-a-far-cell.xlsx",
        _many_rows_with_a_far_cell,
        False,
        "",
        f"{FAR_CELL_ROWS:,} rows, each with a value in column XFD: every row quarantined, "
        "quickly (the old reader made every row 16,384 cells wide)",
        quarantined=FAR_CELL_ROWS,
    ),
    Hostile(
        "shared-string-bomb",
        "shared-string-bomb.xlsx",
        _shared_string_bomb,
        True,
        "compressed more than 100-to-1",
        "one shared text of 100 MB in a file of about 100 KB (gigabytes of memory before)",
    ),
    Hostile(
        "deflate-bomb-part",
        "deflate-bomb-part.xlsx",
        _deflate_bomb_styles,
        True,
        "unpacks to more than 256 MB",
        "styles.xml of 1 GB (spaces) in a file of about 1 MB",
    ),
    Hostile(
        "overlong-shared-string",
        "overlong-shared-string.xlsx",
        _overlong_shared_string,
        True,
        "longer than 131,072 characters",
        "a shared text of 200,000 characters (the CSV reader's limit is 131,072)",
    ),
    Hostile(
        "overlong-inline-cell",
        "overlong-inline-cell.xlsx",
        _overlong_inline_cell,
        True,
        "cell C4 is longer than 131,072 characters",
        "an inline cell of 200,000 characters",
    ),
    Hostile(
        "external-entity",
        "external-entity.xlsx",
        _external_entity,
        True,
        "document type declaration",
        "XXE: the sheet declares an entity reading file:///etc/passwd and uses it in a cell",
    ),
    Hostile(
        "billion-laughs",
        "billion-laughs.xlsx",
        _billion_laughs,
        True,
        "document type declaration",
        "nested entities in the shared strings that expand to 10^9 copies",
    ),
    Hostile(
        "truncated-shared-strings",
        "truncated-shared-strings.xlsx",
        _truncated_shared_strings,
        True,
        "its shared text table is not well-formed XML",
        "sharedStrings.xml cut off in the middle of a text",
    ),
    Hostile(
        "malformed-sheet-xml",
        "malformed-sheet-xml.xlsx",
        _malformed_sheet,
        True,
        "its sheet is not well-formed XML",
        "a sheet whose tags do not match (</is> where </t> belongs)",
    ),
    Hostile(
        "shared-string-index-out-of-range",
        "shared-string-index-out-of-range.xlsx",
        lambda: _shared_string_index("99"),
        True,
        "cell C4 refers to a shared text the workbook lacks",
        "a cell pointing at shared text 99 of 2",
    ),
    Hostile(
        "shared-string-index-negative",
        "shared-string-index-negative.xlsx",
        lambda: _shared_string_index("-1"),
        True,
        "cell C4 refers to a shared text the workbook lacks",
        "a cell pointing at shared text -1 (the old reader silently took the last text)",
    ),
    Hostile(
        "bad-cell-reference",
        "bad-cell-reference.xlsx",
        lambda: _bad_cell_reference("4C"),
        True,
        "row 4 has a cell whose reference is not an Excel cell",
        "a cell whose reference is 4C",
    ),
    Hostile(
        "cell-beyond-column-xfd",
        "cell-beyond-column-xfd.xlsx",
        lambda: _bad_cell_reference("XFE4"),
        True,
        "row 4 has a cell whose reference is not an Excel cell",
        "a cell in column XFE, one past Excel's last",
    ),
    Hostile(
        "bad-row-number",
        "bad-row-number.xlsx",
        _bad_row_number,
        True,
        "a row whose number is not a whole number",
        'a row numbered "four"',
    ),
    Hostile(
        "rows-out-of-order",
        "rows-out-of-order.xlsx",
        _rows_out_of_order,
        True,
        "the sheet's rows are out of order",
        "rows 2, 4, 3 (the old reader silently dropped row 3)",
    ),
    Hostile(
        "text-in-a-date-cell",
        "text-in-a-date-cell.xlsx",
        lambda: _typed_cell(f'<c r="D4" s="{DATE_STYLE}"><v>{SENTINEL}</v></c>'),
        True,
        "cell D4 is marked as a number or date but holds none",
        "a date-styled number cell holding text (the old traceback quoted it)",
    ),
    Hostile(
        "text-in-a-typed-date-cell",
        "text-in-a-typed-date-cell.xlsx",
        lambda: _typed_cell(f'<c r="D4" t="d"><v>{SENTINEL}</v></c>'),
        True,
        "cell D4 is marked as a date but holds none",
        'a t="d" (ISO date) cell holding text',
    ),
    Hostile(
        "text-in-a-boolean-cell",
        "text-in-a-boolean-cell.xlsx",
        lambda: _typed_cell(f'<c r="D4" t="b"><v>{SENTINEL}</v></c>'),
        True,
        "cell D4 is marked true or false but is neither",
        'a t="b" (true/false) cell holding text',
    ),
    Hostile(
        "too-many-columns",
        "too-many-columns.xlsx",
        _too_many_columns_xlsx,
        True,
        "the header has more than 1,000 columns",
        "a header of 1,205 columns",
    ),
    Hostile(
        "too-many-cells-in-a-row",
        "too-many-cells-in-a-row.xlsx",
        _too_many_cells_in_a_row,
        True,
        "row 4 has more than 16,384 cells",
        "a row of 20,000 cells (all claiming to be A4)",
    ),
    Hostile(
        "too-many-zip-parts",
        "too-many-zip-parts.xlsx",
        _too_many_parts,
        True,
        "more than 10,000 parts",
        "a workbook with 20,000 empty extra parts",
    ),
    Hostile(
        "zip-part-lies-about-its-size",
        "zip-part-lies-about-its-size.xlsx",
        _part_lies_about_its_size,
        True,
        "could not be opened",
        "the sheet's zip entry claims 200 bytes but unpacks to more (bad CRC)",
    ),
    Hostile(
        "encrypted-zip-part",
        "encrypted-zip-part.xlsx",
        _encrypted_part,
        True,
        "could not be opened",
        "the sheet's zip entry is marked as encrypted",
    ),
    Hostile(
        "csv-overlong-field",
        "csv-overlong-field.csv",
        _csv_overlong_field,
        True,
        "a value at line 4 is longer than 131,072 characters",
        "a CSV field of 200,000 characters (refused before too, less clearly: XLSX now has the "
        "same limit)",
    ),
    Hostile(
        "csv-too-many-columns",
        "csv-too-many-columns.csv",
        _csv_too_many_columns,
        True,
        "the header has more than 1,000 columns",
        "a CSV header of 1,505 columns",
    ),
    Hostile(
        "csv-name-and-date-as-a-header",
        "csv-name-and-date-as-a-header.csv",
        _csv_name_and_date_header,
        False,
        "2 column(s) are not in the contract and were not stored: 'Colour'; 1 whose header "
        "is not shown",
        "an extra column headed with a name and a date of birth: counted, never shown",
        loaded=2,
    ),
    Hostile(
        "csv-identifying-header-holding-a-name",
        "csv-identifying-header-holding-a-name.csv",
        lambda: _concerns_csv(CONCERNS_CSV_HEADER + f",{SENTINEL} DOB", ",x"),
        True,
        "column 6 looks like identifying or free-text data (its name contains 'dob')",
        "a header that names identifying data and holds a name: refused without repeating it",
    ),
    Hostile(
        "csv-file-name-not-utf8",
        b"concerns-\xff\xfe.csv",
        _concerns_csv,
        False,
        "",
        "a good CSV whose file name is not UTF-8 (bytes FF FE): loads, named concerns-\\xff\\xfe",
        loaded=2,
    ),
    Hostile(
        "csv-file-name-with-terminal-codes",
        "concerns-\x1b[2J\x1b[31mred\x1b[0m.csv",
        _concerns_csv,
        False,
        "",
        "a good CSV whose name holds terminal escape codes: loads, the codes shown as \\x1b",
        loaded=2,
    ),
]


def file_path(folder: Path, case: Hostile) -> Path:
    """Where the case's file is written in `folder` (a name that is not UTF-8 kept as bytes, as
    Python's os functions keep them)."""
    name = case.file_name if isinstance(case.file_name, str) else os.fsdecode(case.file_name)
    return folder / name


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    lines = ["Hostile files for `safeguarding ingest` (tests/hostile_files.py).", ""]
    for case in CASES:
        path = file_path(folder, case)
        path.write_bytes(case.build())
        paths.append(path)
        outcome = (
            "refused"
            if case.refused
            else f"loads: {case.loaded} rows, {case.quarantined} quarantined"
        )
        lines.append(f"{case.id}: {case.what}. Ingest: {outcome}.")
    (folder / GOOD_FILE_NAME).write_bytes(GOOD_FILE)
    (folder / "CASES.txt").write_text("\n".join(lines) + "\n")
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/hostile_files.py OUTDIR")
    written = write_all(Path(sys.argv[1]))
    print(f"{len(written)} hostile files and {GOOD_FILE_NAME} written to {sys.argv[1]}")
