"""Writing one export file as its academy's system would (CSV or XLSX, in its style), with the
planted rows in place, and the line each planted row ended up on."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
from openpyxl import Workbook

from safeguarding.contract import CONTRACT
from safeguarding.demo.faults import FaultPlan, PlantedFault, RawText
from safeguarding.demo.styles import ExportStyle
from safeguarding.demo.tables import Table, empty_column, table_length
from safeguarding.templates import save_reproducible_xlsx

# Above this many rows an export is written as CSV even where its style says XLSX: openpyxl is
# slow on big sheets, and academies with big files export CSV in practice.
XLSX_MAX_ROWS = 20_000


def _format_datetimes(values: np.ndarray, style: str) -> np.ndarray:
    text = np.datetime_as_string(values, unit="s").astype("U19")
    chars = text.view("U1").reshape(-1, 19)
    if style == "uk":
        out = np.empty((len(values), 16), dtype="U1")
        out[:, 0:2], out[:, 2], out[:, 3:5] = chars[:, 8:10], "/", chars[:, 5:7]
        out[:, 5], out[:, 6:10], out[:, 10], out[:, 11:16] = (
            "/",
            chars[:, 0:4],
            " ",
            chars[:, 11:16],
        )
        text = out.view("U16").ravel()
    elif style == "iso_t":
        text = chars[:, :16].copy().view("U16").ravel()
    else:
        chars = chars.copy()
        chars[:, 10] = " "
        text = chars.view("U19").ravel()
    return np.where(np.isnat(values), "", text)


def _format_dates(values: np.ndarray, style: str) -> np.ndarray:
    text = np.datetime_as_string(values.astype("datetime64[D]"), unit="D").astype("U10")
    if style == "uk":
        chars = text.view("U1").reshape(-1, 10)
        out = np.empty((len(values), 10), dtype="U1")
        out[:, 0:2], out[:, 2], out[:, 3:5] = chars[:, 8:10], "/", chars[:, 5:7]
        out[:, 5], out[:, 6:10] = "/", chars[:, 0:4]
        text = out.view("U10").ravel()
    return np.where(np.isnat(values), "", text)


def _format_column(kind: str, values: np.ndarray, style: ExportStyle, labels) -> list:
    """The column as written: text for CSV, typed cells (real dates) for XLSX."""
    xlsx = style.extension == "xlsx"
    if kind == "datetime":
        if xlsx:
            return values.astype("datetime64[s]").astype(object).tolist()  # NaT -> None
        return _format_datetimes(values, style.datetimes).tolist()
    if kind == "date":
        if xlsx:
            return values.astype("datetime64[D]").astype(object).tolist()
        return _format_dates(values, style.datetimes).tolist()
    if kind == "bool":
        yes, no = style.booleans
        text = np.array(["", no, yes], dtype=object)[values.astype(np.int64) + 1]
        return [None if xlsx and v == "" else v for v in text.tolist()]
    if kind == "int":
        blank = np.isnan(values)
        if xlsx:
            return [None if b else int(v) for b, v in zip(blank, values.tolist(), strict=True)]
        whole = np.where(blank, 0, values).astype(np.int64).astype(str)
        return np.where(blank, "", whole).tolist()
    if labels:
        unique, inverse = np.unique(values.astype(str), return_inverse=True)
        values = np.array([labels.get(v, v) for v in unique], dtype=object)[inverse]
    if xlsx:
        return [v if v else None for v in values.tolist()]
    return values.tolist()


def write_export(
    path: Path,
    dataset: str,
    table: Table,
    style: ExportStyle,
    faults: list[tuple[FaultPlan, dict[str, object], int]] = (),
    stamp: dt.datetime | None = None,
) -> tuple[Path, list[PlantedFault]]:
    """Write one export; `faults` are (plan, row, position) rows inserted before formatting."""
    n = table_length(table)
    if style.extension == "xlsx" and n + len(faults) > XLSX_MAX_ROWS:
        style = replace(style, extension="csv")
    path = path.with_suffix("." + style.extension)
    columns = tuple(c for c in CONTRACT[dataset].column_names if c not in style.omitted_columns)

    # Fault rows go at the end of the arrays, then a permutation puts each where it belongs.
    raw_cells: dict[tuple[int, str], str] = {}
    order = list(range(n))
    inserted: list[int] = []
    for offset, (_, _, position) in enumerate(faults):
        order.insert(order.index(position) if position < n else len(order), n + offset)
        inserted.append(n + offset)
    full: Table = {}
    for column in columns:
        extra = []
        for offset, (_, row, _) in enumerate(faults):
            value = row[column]
            if isinstance(value, RawText):
                raw_cells[(n + offset, column)] = value.text
                value = empty_column(CONTRACT[dataset].column(column).kind, 1)[0]
            extra.append(value)
        values = table[column]
        if extra:
            values = np.concatenate([values, np.array(extra, dtype=values.dtype)])
        full[column] = values[order]
    final_position = {source: line for line, source in enumerate(order)}

    formatted = [
        _format_column(
            CONTRACT[dataset].column(column).kind, full[column], style, style.labels.get(column)
        )
        for column in columns
    ]
    for (source, column), text in raw_cells.items():
        formatted[columns.index(column)][final_position[source]] = text
    headers = [style.headers.get(column, column) for column in columns]
    for header, value in style.extra_columns:
        headers.append(header)
        formatted.append([value] * len(order))
    rows = zip(*formatted, strict=True)

    if style.extension == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(dataset)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        save_reproducible_xlsx(workbook, path, stamp or dt.datetime(2000, 1, 1))
    else:
        with open(path, "w", encoding=style.encoding, newline="") as out:
            writer = csv.writer(out)
            writer.writerow(headers)
            writer.writerows(rows)

    planted = []
    for (plan, _, _), source in zip(faults, inserted, strict=True):
        line, rule = final_position[source] + 2, plan.rule
        first = _first_with_same_key(dataset, full, final_position[source])
        if first is not None:
            rule = f"{rule} (first on line {first + 2})"
        planted.append(PlantedFault(path.name, line, plan.column, rule))
    return path, planted


def _first_with_same_key(dataset: str, table: Table, index: int) -> int | None:
    """The earlier row with the key of row `index`, if there is one."""
    key_columns = [table[column] for column in CONTRACT[dataset].key]
    same = np.ones(table_length(table), dtype=bool)
    for values in key_columns:
        same &= values == values[index]
    earlier = np.flatnonzero(same[:index])
    return int(earlier[0]) if len(earlier) else None
