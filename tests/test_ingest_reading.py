"""Reading files: encodings, delimiters, blank lines, line numbers, XLSX cells and sheets."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from conftest import quarantine_reasons, rows, table_checksums

CONCERN_HEADER = "concern_id,pupil_ref,logged_at,category\n"


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, sheet_rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in sheet_rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_utf8_with_bom_is_read_and_header_matched(trust, db):
    result = trust(
        "c.csv", "\ufeff" + CONCERN_HEADER + "C1,PUP-1,2026-03-02,neglect\n", academy="OAK"
    )
    assert (result.status, result.rows_loaded) == ("loaded", 1)


def test_windows_1252_is_decoded(trust, db):
    # 0xE9 is "é" in Windows-1252 and invalid on its own in UTF-8.
    data = (CONCERN_HEADER + "C1,PUP-1,2026-03-02,Caf\xe9 incident\n").encode("cp1252")
    result = trust("c.csv", data, academy="OAK")
    assert result.rows_loaded == 1
    assert rows(db, "select category, category_label from concerns") == [("other", "Café incident")]


def test_semicolon_delimited_file_is_refused_with_reason(trust, db):
    before = table_checksums(db)
    result = trust("c.csv", "concern_id;pupil_ref;logged_at;category\nC1;P;2026-03-02;neglect\n")
    assert result.status == "refused"
    assert "semicolon-delimited" in result.message and result.message.startswith("c.csv")
    assert table_checksums(db) == before


def test_utf16_file_is_refused(trust):
    result = trust("c.csv", (CONCERN_HEADER + "C1,PUP-1,2026-03-02,neglect\n").encode("utf-16"))
    assert result.status == "refused" and "UTF-16" in result.message


def test_empty_file_is_refused_but_header_only_file_loads_zero_rows(trust, db):
    assert trust("empty.csv", "").status == "refused"
    header_only = trust("c.csv", CONCERN_HEADER, academy="OAK")
    assert (header_only.status, header_only.rows_read, header_only.rows_loaded) == ("loaded", 0, 0)
    # it counts for freshness: the academy is covered by that ingest
    assert rows(
        db,
        "select academy_code, rows_loaded from ingest_coverage "
        "where ingest_id = (select max(ingest_id) from ingest_log)",
    ) == [("OAK", 0)]


def test_binary_garbage_named_csv_is_refused(trust):
    result = trust("c.csv", bytes(range(1, 32)) * 50)
    assert result.status == "refused" and "binary" in result.message


def test_blank_lines_skip_and_line_numbers_follow_the_physical_lines(trust):
    text = (
        CONCERN_HEADER
        + "\n"  # line 2: blank, skipped and not counted
        + 'C1,PUP-1,2026-03-02,"neglect"\n'  # line 3
        + 'C2,PUP-2,2026-03-02,"multi\nline"\n'  # lines 4-5: a quoted newline
        + "C3,PUP-3,not a date,neglect\n"  # line 6: quarantined, reported as line 6
    )
    result = trust("c.csv", text, academy="OAK")
    assert result.rows_read == 3
    assert list(quarantine_reasons(result)) == [6]


def test_row_with_wrong_number_of_fields_is_quarantined_not_dropped(trust):
    result = trust(
        "c.csv", CONCERN_HEADER + "C1,PUP-1,2026-03-02,neglect,extra\nC2,P2\n", academy="OAK"
    )
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 0, 2)
    assert "5 values but the header has 4" in quarantine_reasons(result)[2][0]


def test_unterminated_quote_refuses_the_file_naming_the_line(trust):
    result = trust("c.csv", CONCERN_HEADER + 'C1,PUP-1,2026-03-02,"neglect\n', academy="OAK")
    assert result.status == "refused" and "line" in result.message


def test_xlsx_real_dates_booleans_and_numbers(trust, db):
    data = xlsx_bytes(
        {
            "Sheet1": [
                ["concern_id", "pupil_ref", "logged_at", "category", "year_group", "cse_flag"],
                # a typed Excel date-time with 0.6 s, rounded to the second; an int-valued float
                ["C1", "PUP-1", dt.datetime(2026, 3, 2, 9, 30, 0, 600_000), "neglect", 7.0, True],
            ]
        }
    )
    result = trust("c.xlsx", data, academy="OAK")
    assert result.rows_loaded == 1
    assert rows(db, "select logged_at, year_group, cse_flag from concerns") == [
        (dt.datetime(2026, 3, 2, 9, 30, 1), 7, True)
    ]


def test_xlsx_sheet_named_after_the_dataset_wins_and_rows_are_sheet_rows(trust):
    data = xlsx_bytes(
        {
            "Notes for staff": [["nothing", "here"]],
            "Concerns": [
                ["concern_id", "pupil_ref", "logged_at", "category"],
                [None, None, None, None],  # row 2: blank, skipped
                ["C1", "PUP-1", "31/02/2026", "neglect"],  # row 3: impossible date
            ],
        }
    )
    result = trust("c.xlsx", data, academy="OAK")
    assert result.dataset == "concerns"
    assert list(quarantine_reasons(result)) == [3]


def test_truncated_xlsx_is_refused(trust):
    data = xlsx_bytes({"concerns": [["concern_id"]]})
    result = trust("c.xlsx", data[: len(data) // 2])
    assert result.status == "refused" and "could not be opened" in result.message


def test_xlsx_formula_cells_read_by_cached_value_or_blank(trust, db):
    # openpyxl writes formulas without cached values: the cell reads as blank.
    data = xlsx_bytes(
        {
            "concerns": [
                ["concern_id", "pupil_ref", "logged_at", "category", "outcome"],
                ["C1", "PUP-1", "2026-03-02", "neglect", '=CONCAT("mon","itor")'],
            ]
        }
    )
    result = trust("c.xlsx", data, academy="OAK")
    assert result.rows_loaded == 1
    assert rows(db, "select outcome from concerns") == [(None,)]


def test_password_protected_or_old_excel_workbook_is_refused(trust, db):
    # Encrypted .xlsx files and old .xls files are both OLE compound documents.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    before = table_checksums(db)
    for name in ("c.xlsx", "c.xls", "c.csv"):
        result = trust(name, ole)
        assert result.status == "refused", name
        assert "password-protected" in result.message
    assert table_checksums(db) == before
