"""The export templates handed to academies' data leads (templates/)."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest

from safeguarding import templates
from safeguarding.contract import CONTRACT, DATASETS


def read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("dataset", DATASETS)
def test_csv_template_header_is_the_contract(dataset):
    header, *examples = read_csv(templates.TEMPLATES_DIR / f"{dataset}.csv")
    assert header == list(CONTRACT[dataset].column_names)
    assert 1 <= len(examples) <= 2
    for example in examples:
        assert len(example) == len(header)
        for column in CONTRACT[dataset].required:
            assert example[header.index(column)], (dataset, column)


def test_workbook_has_one_sheet_per_dataset_matching_the_csv_templates():
    workbook = openpyxl.load_workbook(templates.TEMPLATES_DIR / templates.WORKBOOK_NAME)
    assert workbook.sheetnames == list(DATASETS)
    for dataset in DATASETS:
        rows = [list(r) for r in workbook[dataset].iter_rows(values_only=True)]
        as_text = [["" if v is None else cell_text(v) for v in row] for row in rows]
        assert as_text == read_csv(templates.TEMPLATES_DIR / f"{dataset}.csv"), dataset


def cell_text(value) -> str:
    if isinstance(value, dt.datetime):
        # Dates without a time sit in date columns; the CSV writes them as YYYY-MM-DD.
        return value.date().isoformat() if value.time() == dt.time() else str(value)
    return str(value)


def test_workbook_dates_are_real_excel_dates():
    sheet = openpyxl.load_workbook(templates.TEMPLATES_DIR / templates.WORKBOOK_NAME)["concerns"]
    header = [c.value for c in sheet[1]]
    logged = sheet.cell(row=2, column=header.index("logged_at") + 1)
    assert logged.is_date and isinstance(logged.value, dt.datetime)


def test_committed_templates_are_what_write_templates_produces(tmp_path):
    """Regenerating changes nothing: the committed files are current and reproducible."""
    written = templates.write_templates(tmp_path)
    assert {p.name for p in written} == {f"{d}.csv" for d in DATASETS} | {templates.WORKBOOK_NAME}
    for path in written:
        committed = templates.TEMPLATES_DIR / path.name
        if path.suffix == ".xlsx":
            # The XML openpyxl writes depends on whether lxml is installed; compare what a
            # data lead sees: every sheet's name and cells.
            assert _workbook_cells(committed) == _workbook_cells(path)
        else:
            assert committed.read_bytes() == path.read_bytes(), path.name


def _workbook_cells(path):
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def test_examples_load_with_nothing_refused_or_quarantined(tmp_path):
    from safeguarding.ingest import ingest_files

    paths = [templates.TEMPLATES_DIR / f"{dataset}.csv" for dataset in DATASETS]
    results = ingest_files(paths, db=tmp_path / "t.duckdb", who="test", today=dt.date(2026, 1, 5))
    assert [(r.file_name, r.status, r.rows_quarantined) for r in results] == [
        (p.name, "loaded", 0) for p in paths
    ]
    assert all(not r.warnings for r in results)
