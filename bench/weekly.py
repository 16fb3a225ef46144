"""Weekly full re-exports of the benchmark's trust, for measuring the history (issue 15).

Week k (1..weeks) is week k-1's export files again with about CHANGE_SHARE of each CSV file's
data rows changed in a non-key column the staging accepts, REMOVE_SHARE of them removed (a full
export retires them) and ADD_SHARE new rows added at the end. Week 0 is the base exports.

The rows are rewritten in Python with the csv module, in each file's own encoding, line ending
and column order, so the files stay as their academy's system writes them. XLSX files are left
unchanged (linked, or copied, into each week's folder): their rows stay as they are, and they
are read and staged again every week like every other file.

A row is only changed or removed when the base ingest loaded it (its line is not in the
quarantine) and its key is unique in the file, and a change only takes a value the row's
column already holds in good rows of the same file (or moves a date one day later, which no
rule forbids): so every change makes exactly one new version, every added row one new version
and every removed row one retirement, and the ingest's counts can be checked against the
plan. Everything is drawn from a random generator seeded by the demo seed, the file and the
week: the same options give the same files.

Nothing here prints or logs a value of the exports: only counts and file names.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import operator
import os
import random
import re
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safeguarding.contract import CONTRACT, normalise_label

CHANGE_SHARE = 0.01
REMOVE_SHARE = 0.001
ADD_SHARE = 0.001
MANIFEST = "weekly-files.json"

# What a change does, per dataset: ("other", column) gives the row the commonest other value of
# that column in the file's good rows; ("later", column) moves a date one day later (every date
# rule of the staging is "not before" another date, and none of these is checked against today).
# Keys are never changed: a training row's completion date is part of its key, so a new
# completion is an added row, not a change.
CHANGES: dict[str, tuple[tuple[str, str], ...]] = {
    "concerns": (
        ("other", "status"),
        ("other", "outcome"),
        ("later", "closed_at"),
        ("later", "dsl_reviewed_at"),
        ("other", "mentor_allocated"),
    ),
    "referrals": (
        ("other", "decision"),
        ("later", "feedback_at"),
        ("later", "followed_up_at"),
        ("other", "immediate_danger"),
    ),
    "staff": (("other", "role"), ("other", "works_with_children")),
    "training": (("other", "provider"), ("other", "kcsie_edition")),
    "policies": (
        ("later", "next_review_on"),
        ("later", "last_reviewed_on"),
        ("other", "owner"),
        ("other", "published_on_website"),
    ),
}
# The key column an added row gets a new value in (a suffix; training: the completion date one
# day earlier, which is never in the future).
NEW_KEY = {
    "concerns": "concern_id",
    "referrals": "referral_id",
    "staff": "staff_ref",
    "policies": "policy_title",
    "training": "completed_on",
}
_ISO_DATE = re.compile(r"(\s*)(\d{4})-(\d{2})-(\d{2})(.*)", re.DOTALL)
_UK_DATE = re.compile(r"(\s*)(\d{1,2})/(\d{1,2})/(\d{4})(.*)", re.DOTALL)


@dataclass
class _File:
    """One CSV file in memory: every record as csv read it, and which are data rows that may
    be changed or removed."""

    name: str
    dataset: str
    encoding: str
    line_end: str
    records: list[list[str]]
    movable: list[bool]  # a data row the base ingest loaded, with a key unique in the file
    columns: dict[str, int]  # contract column -> position
    data_rows: int  # records that are not the header or blank
    # Each record as written (None: not yet), so a week writes again only the rows it changed.
    lines: list[str | None] = field(default_factory=list)
    # column -> its values in good rows, commonest first
    commonest: dict[str, list[str]] = field(default_factory=dict)
    keys: set[tuple] = field(default_factory=set)  # training keys, to keep added rows unique


def weekly_exports(
    files: list[Path],
    out_dir: Path,
    weeks: int,
    seed: int,
    quarantined: Callable[[], dict[str, set[int]]],
    wanted: dict[str, Any],
    regenerate: bool = False,
    echo=print,
) -> dict[str, Any]:
    """Write weeks 1..`weeks` into out_dir/week-NN/ (or reuse them: same `wanted` options and
    every file there) and return the manifest: per week its files and what changed.
    `quarantined()` gives the base ingest's quarantined lines per file name."""
    manifest_path = out_dir / MANIFEST
    wanted = {
        **wanted,
        "weeks": weeks,
        "change_share": CHANGE_SHARE,
        "remove_share": REMOVE_SHARE,
        "add_share": ADD_SHARE,
        "files": [f.name for f in files],
    }
    if not regenerate and manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest["options"] == wanted and all(
            (out_dir / week["folder"] / name).is_file()
            for week in manifest["weeks"]
            for name in week["files"]
        ):
            echo(f"Reusing the weekly re-exports in {out_dir} (--regenerate to write anew).")
            manifest["reused"] = True
            return manifest
    echo(f"Writing {weeks} weekly full re-exports into {out_dir} ...")
    started = time.perf_counter()
    if out_dir.exists():
        shutil.rmtree(out_dir)
    folders = [out_dir / _folder(k) for k in range(1, weeks + 1)]
    for folder in folders:
        folder.mkdir(parents=True)
    lines = quarantined()
    totals = [Counter() for _ in range(weeks)]
    rewritten = unchanged = 0
    for path in files:
        loaded = _read(path, lines.get(path.name, set()))
        if loaded is None:  # XLSX, the academies reference, or a file csv cannot read
            unchanged += 1
            for folder in folders:
                _link(path, folder / path.name)
            continue
        rewritten += 1
        for k, folder in enumerate(folders, start=1):
            rnd = random.Random(f"{seed}:{path.name}:{k}")
            totals[k - 1] += _next_week(loaded, k, rnd)
            _write(loaded, folder / path.name)
    manifest = {
        "options": wanted,
        "weeks": [
            {
                "week": k,
                "folder": _folder(k),
                "files": [f.name for f in files],
                "rows_changed": totals[k - 1]["changed"],
                "rows_added": totals[k - 1]["added"],
                "rows_removed": totals[k - 1]["removed"],
                "rows": totals[k - 1]["rows"],
            }
            for k in range(1, weeks + 1)
        ],
        "csv_files_rewritten": rewritten,
        "files_unchanged": unchanged,
        "generate_seconds": round(time.perf_counter() - started, 2),
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    manifest["reused"] = False
    return manifest


def _folder(week: int) -> str:
    return f"week-{week:02d}"


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _read(path: Path, quarantined_lines: set[int]) -> _File | None:
    """The file's records, or None when it is left as it is."""
    from safeguarding.ingest.aliases import load_aliases
    from safeguarding.ingest.errors import FileRefused
    from safeguarding.ingest.headers import map_headers

    if path.suffix.lower() != ".csv":
        return None
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    text = data.decode(encoding)
    first_end = text.find("\n")
    line_end = "\r\n" if first_end > 0 and text[first_end - 1] == "\r" else "\n"
    # Lines are counted as the ingest counts them (safeguarding/ingest/reading.py), so that the
    # quarantine's line numbers name the same records.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    lines: list[int | None] = []
    header_at = None
    previous_end = 0
    try:
        for record in reader:
            start_line = previous_end + 1
            previous_end = reader.line_num
            records.append(record)
            blank = not "".join(record).strip()
            if header_at is None and not blank:
                header_at = len(records) - 1
                lines.append(None)
                continue
            lines.append(None if blank or header_at is None else start_line)
    except csv.Error:
        return None
    if header_at is None:
        return None
    header = records[header_at]
    try:
        mapped = map_headers([h.strip() for h in header], load_aliases(), None)
    except FileRefused:
        return None
    if mapped.dataset not in CHANGES:
        return None
    columns = {column: position for position, column in mapped.columns.items()}
    if NEW_KEY[mapped.dataset] not in columns:
        return None
    key_positions = [columns[c] for c in CONTRACT[mapped.dataset].key if c in columns]
    key_cells = operator.itemgetter(*key_positions, key_positions[0])  # always a tuple
    width = len(header)
    movable = [
        line is not None and len(record) == width and line not in quarantined_lines
        for record, line in zip(records, lines, strict=True)
    ]
    good = [i for i, ok in enumerate(movable) if ok]
    # Keys compared as the staging compares them near enough: trimmed, case ignored.
    row_keys = ["\x1f".join(map(str.strip, key_cells(records[i]))).upper() for i in good]
    keys = Counter(row_keys)
    for i, key in zip(good, row_keys, strict=True):
        if keys[key] > 1:
            movable[i] = False
    good_records = [records[i] for i, ok in enumerate(movable) if ok]
    data_rows = sum(line is not None for line in lines)
    loaded = _File(
        path.name, mapped.dataset, encoding, line_end, records, movable, columns, data_rows
    )
    loaded.lines = [None] * len(records)
    for kind, column in CHANGES[mapped.dataset]:
        if kind == "other" and column in columns:
            counts = Counter(map(operator.itemgetter(columns[column]), good_records))
            loaded.commonest[column] = [
                value for value, _ in counts.most_common(4) if value.strip()
            ]
    if mapped.dataset == "training":
        loaded.keys = {
            _training_key(loaded, record)
            for i, record in enumerate(records)
            if lines[i] is not None and len(record) == len(header)
        }
    return loaded


def _next_week(loaded: _File, week: int, rnd: random.Random) -> Counter:
    """Change, remove and add rows in place; the counts of what was done."""
    movable = [i for i, ok in enumerate(loaded.movable) if ok]
    data_rows = loaded.data_rows
    done = Counter(rows=0)
    n_remove = _rounded(data_rows * REMOVE_SHARE, rnd)
    n_change = _rounded(data_rows * CHANGE_SHARE, rnd)
    n_add = _rounded(data_rows * ADD_SHARE, rnd)
    candidates = rnd.sample(movable, min(len(movable), (n_remove + n_change) * 2 + 8))
    removed = set(candidates[:n_remove])
    done["removed"] = len(removed)
    for i in candidates[n_remove:]:
        if done["changed"] >= n_change:
            break
        if _change(loaded, loaded.records[i], rnd):
            loaded.lines[i] = None
            done["changed"] += 1
    templates = [i for i in movable if i not in removed]
    added: list[list[str]] = []
    attempts = 0
    while templates and len(added) < n_add and attempts < n_add * 20:
        attempts += 1
        row = _new_row(loaded, loaded.records[rnd.choice(templates)], week, len(added))
        if row is not None:
            added.append(row)
    done["added"] = len(added)
    if removed:
        keep = [i for i in range(len(loaded.records)) if i not in removed]
        loaded.records = [loaded.records[i] for i in keep]
        loaded.movable = [loaded.movable[i] for i in keep]
        loaded.lines = [loaded.lines[i] for i in keep]
    loaded.records.extend(added)
    loaded.movable.extend([True] * len(added))
    loaded.lines.extend([None] * len(added))
    loaded.data_rows = done["rows"] = data_rows - done["removed"] + done["added"]
    return done


def _rounded(expected: float, rnd: random.Random) -> int:
    whole = int(expected)
    return whole + (rnd.random() < expected - whole)


def _change(loaded: _File, record: list[str], rnd: random.Random) -> bool:
    """Change one non-key value of the row (in place); False when no change applies."""
    options = [c for c in CHANGES[loaded.dataset] if c[1] in loaded.columns]
    rnd.shuffle(options)
    for kind, column in options:
        position = loaded.columns[column]
        current = record[position]
        if kind == "later":
            moved = _shift_date(current, 1) if current.strip() else None
            if moved is not None:
                record[position] = moved
                return True
            continue
        if not current.strip():
            # A blank can stand for a value (a blank status is read as open): only a value
            # held is changed, so that every change is one.
            continue
        for value in loaded.commonest.get(column, []):
            if normalise_label(value) != normalise_label(current):
                record[position] = value
                return True
    return False


def _new_row(loaded: _File, template: list[str], week: int, number: int) -> list[str] | None:
    """A copy of a good row under a new key, or None when this template cannot give one."""
    row = list(template)
    column = NEW_KEY[loaded.dataset]
    position = loaded.columns[column]
    if loaded.dataset == "training":
        earlier = _shift_date(row[position], -1) if row[position].strip() else None
        if earlier is None:
            return None
        row[position] = earlier
        key = _training_key(loaded, row)
        if key in loaded.keys:
            return None
        loaded.keys.add(key)
        return row
    value = row[position].rstrip()
    suffix = f"W{week:02d}N{number}"
    row[position] = f"{value} ({suffix})" if column == "policy_title" else f"{value}-{suffix}"
    return row


def _training_key(loaded: _File, record: list[str]) -> tuple:
    def cell(column: str) -> str:
        position = loaded.columns.get(column)
        return record[position] if position is not None else ""

    return (
        cell("academy_code").strip().upper(),
        cell("staff_ref").strip(),
        normalise_label(cell("course")),
        _date_of(cell("completed_on")),
    )


def _date_of(text: str) -> dt.date | str:
    found = _ISO_DATE.fullmatch(text)
    try:
        if found:
            return dt.date(int(found[2]), int(found[3]), int(found[4]))
        found = _UK_DATE.fullmatch(text)
        if found:
            return dt.date(int(found[4]), int(found[3]), int(found[2]))
    except ValueError:
        pass
    return text.strip()


def _shift_date(text: str, days: int) -> str | None:
    """The date (or date and time) `days` later, written as it was; None if it is not one of
    the demo's date formats."""
    shift = dt.timedelta(days=days)
    try:
        found = _ISO_DATE.fullmatch(text)
        if found:
            day = dt.date(int(found[2]), int(found[3]), int(found[4])) + shift
            return f"{found[1]}{day:%Y-%m-%d}{found[5]}"
        found = _UK_DATE.fullmatch(text)
        if found:
            day = dt.date(int(found[4]), int(found[3]), int(found[2])) + shift
            return (
                f"{found[1]}{day.day:0{len(found[2])}d}/{day.month:0{len(found[3])}d}/"
                f"{day.year:04d}{found[5]}"
            )
    except (ValueError, OverflowError):
        pass
    return None


def _write(loaded: _File, target: Path) -> None:
    """Write the records as csv.writer writes them, formatting only those not written before."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=loaded.line_end)
    lines = loaded.lines
    for i, line in enumerate(lines):
        if line is None:
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(loaded.records[i])
            lines[i] = buffer.getvalue()
    with open(target, "w", encoding=loaded.encoding, newline="") as out:
        out.write("".join(lines))
