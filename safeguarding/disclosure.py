"""Small-number suppression for governor views (product.md §5), implemented once.

Governors see figures that cannot identify a child. A count of children (concerns, referrals:
the metrics marked `suppressible` in config/metrics.toml) from 1 to the threshold in
config/standards.toml is shown as `c`; so is a percentage or median whose numerator or
denominator is shown as `c`. Zero is shown. Staff and policy figures are never suppressed.

Secondary suppression: a total (the TRUST row, or a table's total row or column) minus the cells
shown gives the sum of the cells hidden. With one hidden cell that sum *is* the hidden figure,
so wherever exactly one cell of a line with a visible total is hidden, the smallest non-zero
visible cell of that line is hidden too (ties: the first academy code, or the first column);
when there is none, the total itself is hidden. This repeats until no line has exactly one
hidden cell. Numerators and denominators are lines of their own: the TRUST numerator is the sum
of the academies' numerators, so a hidden numerator needs the same protection as a hidden count.

Suppression is a pure, deterministic function of the figures: the same frame gives the same
`c` cells on every page and in the board pack. To keep views consistent, suppress the frame of
every academy with its TRUST row and only then keep the rows a view shows (a local governor's
pack shows one academy of the trust-wide frame, hidden exactly as the governors' pack hides it).

Known limit, as in the DfE's own practice: the rule stops subtraction, not every inference
from bounds (two hidden cells summing to 2 must both be 1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from safeguarding import metrics_definitions
from safeguarding import standards as standards_module
from safeguarding.codes import SUPPRESSED, TRUST

FIGURE_COLUMNS = ("value", "numerator", "denominator")


def threshold() -> int:
    """The largest count shown as `c`, from the standards file (default 5)."""
    return standards_module.load().suppression_threshold


def note(limit: int | None = None) -> str:
    """A sentence for the reader of a suppressed table: what `c` means."""
    limit = threshold() if limit is None else limit
    return (
        f"c = not shown, to protect children's identities: a count of 1 to {limit} children, a "
        "percentage or median resting on such a count, or a figure hidden so that another "
        "cannot be worked out by subtraction from a total. 0 is shown. Staff and policy "
        "figures are never hidden."
    )


@dataclass
class _Line:
    """Cells that add up to a total: members in tie-break order, and the total's position."""

    members: list[int]
    total: int


def suppress_metrics(
    frame: pd.DataFrame,
    limit: int | None = None,
    definitions: dict[str, metrics_definitions.MetricDefinition] | None = None,
) -> pd.DataFrame:
    """A metrics frame (as from `metrics.compute` or `metrics.series`) as governors see it.

    value, numerator and denominator become object columns holding numbers, None for no figure
    and "c" for a hidden one; a boolean column `suppressed` says whether any of the three is
    hidden. Rows of a series are suppressed per as_of_on. Every metric id must be defined.
    """
    limit = threshold() if limit is None else limit
    definitions = definitions if definitions is not None else metrics_definitions.load()
    unknown = sorted(set(frame["metric"]) - set(definitions))
    if unknown:
        raise ValueError(
            f"Cannot decide whether to suppress the metric {unknown[0]!r}: it is not defined in "
            "config/metrics.toml."
        )
    result = frame.reset_index(drop=True).copy()
    cells = {column: [_number(v) for v in result[column]] for column in FIGURE_COLUMNS}
    hidden = {column: [False] * len(result) for column in FIGURE_COLUMNS}

    suppressible, is_count, counted_in = _what_counts(result, definitions)
    for column in FIGURE_COLUMNS:
        for i, value in enumerate(cells[column]):
            hidden[column][i] = counted_in[column][i] and _is_small(value, limit)

    # One line per (as-of date, metric, column) with a TRUST row: the academies add up to it.
    group_keys = ["as_of_on", "metric"] if "as_of_on" in result.columns else ["metric"]
    lines: dict[str, list[_Line]] = {column: [] for column in FIGURE_COLUMNS}
    for _, group in result.groupby(group_keys, sort=False, dropna=False):
        position = group.index[0]
        totals = group.index[group["academy_code"] == TRUST].tolist()
        if len(totals) != 1:
            continue
        members = group.drop(index=totals).sort_values("academy_code", kind="stable").index
        for column in FIGURE_COLUMNS:
            if counted_in[column][position]:
                lines[column].append(_Line(members.tolist(), totals[0]))
    for column in FIGURE_COLUMNS:
        _protect(cells[column], hidden[column], lines[column])

    # A percentage or median shown beside a hidden numerator or denominator would give it away.
    for i in range(len(result)):
        if suppressible[i] and not is_count[i]:
            hidden["value"][i] = hidden["numerator"][i] or hidden["denominator"][i]

    for column in FIGURE_COLUMNS:
        result[column] = pd.Series(
            [SUPPRESSED if h else v for v, h in zip(cells[column], hidden[column], strict=True)],
            index=result.index,
            dtype=object,
        )
    result["suppressed"] = [
        any(hidden[column][i] for column in FIGURE_COLUMNS) for i in range(len(result))
    ]
    return result


def _what_counts(frame: pd.DataFrame, definitions) -> tuple[list, list, dict[str, list[bool]]]:
    """Per row of a metrics frame: is the metric about children, is it a count, and which of
    its figures rest on counts of children (a count's value; any other's numerator and
    denominator)."""
    suppressible = frame["metric"].map(lambda m: definitions[m].suppressible).tolist()
    is_count = frame["metric"].map(lambda m: definitions[m].unit == "count").tolist()
    counted_in = {
        "value": [s and c for s, c in zip(suppressible, is_count, strict=True)],
        "numerator": [s and not c for s, c in zip(suppressible, is_count, strict=True)],
        "denominator": [s and not c for s, c in zip(suppressible, is_count, strict=True)],
    }
    return suppressible, is_count, counted_in


def suppress_counts_table(
    frame: pd.DataFrame,
    count_columns: Sequence[str],
    total_row: Any = None,
    total_column: str | None = None,
    row_labels: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """A table of counts of children, rows × count_columns, as governors see it.

    total_row: the label of the row holding the column totals (None: no total row). Rows are
    labelled by the index, or by the column `row_labels`; ties go to the smaller label.
    total_column: the column holding the row totals (None: none); it may or may not be listed
    in count_columns. Hidden cells become "c" (the count columns become object columns);
    other columns are unchanged.
    """
    limit = threshold() if limit is None else limit
    result = frame.copy()
    columns = [c for c in count_columns if c != total_column]
    all_columns = [*columns, *([total_column] if total_column is not None else [])]
    missing = [c for c in all_columns if c not in result.columns]
    if missing:
        raise ValueError(f"The table has no column {missing[0]!r} to suppress.")
    labels = list(result[row_labels] if row_labels is not None else result.index)
    total_positions = [
        i for i, label in enumerate(labels) if total_row is not None and label == total_row
    ]
    if total_row is not None and len(total_positions) != 1:
        raise ValueError(f"The table needs exactly one total row labelled {total_row!r}.")
    total_at = total_positions[0] if total_positions else None

    n_rows, n_columns = len(result), len(all_columns)

    def flat(row: int, column: int) -> int:
        return row * n_columns + column

    cells = [_number(result[column].iloc[row]) for row in range(n_rows) for column in all_columns]
    hidden = [_is_small(value, limit) for value in cells]

    member_rows = sorted(
        (row for row in range(n_rows) if row != total_at), key=lambda row: str(labels[row])
    )
    lines = []
    if total_at is not None:  # each column adds up to the total row
        for column in range(n_columns):
            lines.append(_Line([flat(row, column) for row in member_rows], flat(total_at, column)))
    if total_column is not None:  # each row adds up to the total column
        total_index = n_columns - 1
        for row in range(n_rows):
            lines.append(
                _Line([flat(row, column) for column in range(len(columns))], flat(row, total_index))
            )
    _protect(cells, hidden, lines)

    for j, column in enumerate(all_columns):
        result[column] = pd.Series(
            [SUPPRESSED if hidden[flat(row, j)] else cells[flat(row, j)] for row in range(n_rows)],
            index=result.index,
            dtype=object,
        )
    return result


def suppress_long_counts(
    frame: pd.DataFrame,
    count_columns: Sequence[str],
    across: str | None = None,
    label_column: str | None = None,
    total_label: str = TRUST,
    limit: int | None = None,
) -> pd.DataFrame:
    """A long table of counts about children (one row per cell), as governors see it.

    Pages show totals of such tables elsewhere (a tile, a window total), so every line of cells
    is protected as if its total were shown: the cells of each `across` value (e.g. a month)
    add up to that row's total — the `total_label` row where the table has one, else their
    sum — and the cells of each label (e.g. an academy) add up across the `across` values.
    Rows are labelled by `label_column`, or by position when there is none.
    """
    limit = threshold() if limit is None else limit
    result = frame.copy()
    if result.empty:
        for column in count_columns:
            result[column] = result[column].astype(object)
        return result
    labels = _labels(result[label_column]) if label_column else pd.Series(result.index.astype(str))
    labels.index = result.index
    rows = _labels(result[across]) if across else pd.Series("all", index=result.index)
    is_total = labels == total_label
    for column in count_columns:
        table = pd.DataFrame({"row": rows, "label": labels, "value": result[column]})
        members = table[~is_total].pivot_table(
            index="row", columns="label", values="value", aggfunc="sum", dropna=False
        )
        member_columns = [str(c) for c in members.columns]
        members.columns = member_columns
        totals = table[is_total].groupby("row")["value"].sum(min_count=1)
        members["__total__"] = (
            totals.reindex(members.index) if is_total.any() else members.sum(axis=1)
        )
        members.loc["__sum__"] = members.sum(axis=0)
        grid = members.reset_index().astype({c: object for c in [*member_columns, "__total__"]})
        grid = grid.where(grid.notna(), None)
        safe = suppress_counts_table(
            grid,
            [*member_columns, "__total__"],
            total_row="__sum__",
            total_column="__total__",
            row_labels="row",
            limit=limit,
        ).set_index("row")
        hidden = [
            safe.loc[row, "__total__" if label == total_label else label] == SUPPRESSED
            for row, label in zip(rows, labels, strict=True)
        ]
        keep = ~pd.Series(hidden, index=result.index)
        result[column] = result[column].astype(object).where(keep, SUPPRESSED)
    return result


def _labels(column: pd.Series) -> pd.Series:
    """Text labels for grouping; a missing label is a group of its own."""
    return column.astype(object).where(column.notna(), "(none)").astype(str)


def _protect(cells: list[Any], hidden: list[bool], lines: list[_Line]) -> None:
    """Secondary suppression, in place, until no line with a visible total hides exactly one
    cell: `_protect_cube` with every hidden cell protected and every cell published."""
    _protect_cube(cells, hidden, list(hidden), [False] * len(cells), lines)


def _is_small(value: Any, limit: int) -> bool:
    return value is not None and 1 <= value <= limit


def _number(value: Any) -> Any:
    """A plain Python number, or None for no figure. Text is refused: suppressing figures that
    are already suppressed would hide the wrong cells."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        raise ValueError(
            f"Expected a number to suppress, found the text {value!r}. Suppress the raw figures, "
            "once."
        )
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# --- Suppression over academies and periods together ------------------------------------------
#
# The views a suppressed role can open form one table per metric: every academy and the TRUST
# total, for each part of an academic year (its terms) and the year itself. A hidden cell must
# stay hidden whichever two of those views are set side by side, so the table is suppressed
# whole: along each axis the members add up to the total, and secondary suppression runs over
# both axes until no published total leaves exactly one protected cell unknown.


@dataclass(frozen=True)
class Axis:
    """A column whose `members` (in tie-break order) add up to the cell labelled `total`."""

    column: str
    members: tuple
    total: Any


def suppress_cube(
    frame: pd.DataFrame,
    count_columns: Sequence[str],
    axes: Sequence[Axis],
    by: Sequence[str] = (),
    unpublished: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Rows are cells: each has a label on every axis (a member or the total) and, in the
    `by` columns, which independent table it belongs to. Count columns are suppressed: 1 to
    the threshold is `c`, then secondary suppression along every axis. A cell absent from the
    frame is a known zero. Rows where the boolean column `unpublished` is true are parts no
    view shows (days between a trust's terms): unknown to a reader, so never a subtraction's
    answer, but protected like any cell when small. Returns the frame with "c" for hidden
    cells (count columns become object columns)."""
    limit = threshold() if limit is None else limit
    result = frame.reset_index(drop=True).copy()
    hidden_by_column = cube_hidden_cells(result, count_columns, axes, by, unpublished, limit)
    for column in count_columns:
        _mark_hidden(result, column, hidden_by_column[column])
    return result


def _mark_hidden(frame: pd.DataFrame, column: str, hidden: list[bool]) -> None:
    """The column as an object column of numbers, with "c" where hidden."""
    frame[column] = pd.Series(
        [SUPPRESSED if h else _number(v) for v, h in zip(frame[column], hidden, strict=True)],
        index=frame.index,
        dtype=object,
    )


def cube_hidden_cells(
    frame: pd.DataFrame,
    count_columns: Sequence[str],
    axes: Sequence[Axis],
    by: Sequence[str] = (),
    unpublished: str | None = None,
    limit: int | None = None,
    counted: dict[str, list[bool]] | None = None,
) -> dict[str, list[bool]]:
    """For each count column, which rows of `frame` (by position) are hidden. `counted` marks,
    per column, the rows whose figure is a count about children (default: all); only those
    are hidden for being small."""
    limit = threshold() if limit is None else limit
    positions = {
        tuple(row): i
        for i, row in enumerate(frame[[*by, *(a.column for a in axes)]].itertuples(index=False))
    }
    is_unpublished = (
        frame[unpublished].astype(bool).tolist() if unpublished else [False] * len(frame)
    )
    lines = _cube_lines(positions, len(by), axes)
    hidden_by_column = {}
    for column in count_columns:
        cells = [_number(v) for v in frame[column]]
        about_children = counted[column] if counted else [True] * len(frame)
        small = [c and _is_small(v, limit) for v, c in zip(cells, about_children, strict=True)]
        hidden = [s or u for s, u in zip(small, is_unpublished, strict=True)]
        # A published cell hidden is protected from then on; an unpublished one only if small.
        sensitive = list(small)
        _protect_cube(cells, hidden, sensitive, is_unpublished, lines)
        hidden_by_column[column] = hidden
    return hidden_by_column


def _cube_lines(positions: dict[tuple, int], n_by: int, axes: Sequence[Axis]) -> list[_Line]:
    lines = []
    for a, axis in enumerate(axes):
        position_of_axis = n_by + a
        groups: dict[tuple, dict[Any, int]] = {}
        for key, row in positions.items():
            rest = key[:position_of_axis] + key[position_of_axis + 1 :]
            groups.setdefault(rest, {})[key[position_of_axis]] = row
        for by_label in groups.values():
            if axis.total not in by_label:
                continue
            members = [by_label[m] for m in axis.members if m in by_label]
            lines.append(_Line(members, by_label[axis.total]))
    return lines


def _protect_cube(
    cells: list[Any],
    hidden: list[bool],
    sensitive: list[bool],
    unpublished: list[bool],
    lines: list[_Line],
) -> None:
    changed = True
    while changed:
        changed = False
        for line in lines:
            if hidden[line.total]:
                continue
            unknown = [i for i in line.members if hidden[i]]
            if len(unknown) != 1 or not sensitive[unknown[0]]:
                continue
            candidates = [
                i
                for i in line.members
                if not hidden[i] and not unpublished[i] and cells[i] not in (None, 0)
            ]
            pick = min(candidates, key=lambda i: cells[i]) if candidates else line.total
            hidden[pick] = True
            sensitive[pick] = True
            changed = True


def suppress_metric_table(
    frame: pd.DataFrame,
    academies: Sequence[str],
    period_axis: Axis | None,
    unpublished: str | None = None,
    limit: int | None = None,
    definitions: dict[str, metrics_definitions.MetricDefinition] | None = None,
) -> pd.DataFrame:
    """Metric figures for every academy and TRUST, over the periods of `period_axis` (a column
    `period`), suppressed as one table per metric: like `suppress_metrics`, and along the
    periods too. Without a period axis it is `suppress_metrics` over the academies."""
    limit = threshold() if limit is None else limit
    definitions = definitions if definitions is not None else metrics_definitions.load()
    result = frame.reset_index(drop=True).copy()
    suppressible, is_count, counted_in = _what_counts(result, definitions)
    axes = [Axis("academy_code", tuple(sorted(academies)), TRUST)]
    if period_axis is not None:
        axes.append(period_axis)
    hidden = cube_hidden_cells(
        result, FIGURE_COLUMNS, axes, ("metric",), unpublished, limit, counted=counted_in
    )
    # Only the figures that rest on counts of children can be hidden at all.
    for column in FIGURE_COLUMNS:
        hidden[column] = [h and c for h, c in zip(hidden[column], counted_in[column], strict=True)]
    for i in range(len(result)):
        if suppressible[i] and not is_count[i]:
            hidden["value"][i] = hidden["numerator"][i] or hidden["denominator"][i]
    for column in FIGURE_COLUMNS:
        _mark_hidden(result, column, hidden[column])
    result["suppressed"] = [
        any(hidden[column][i] for column in FIGURE_COLUMNS) for i in range(len(result))
    ]
    return result
