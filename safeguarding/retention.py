"""Retention: rows kept no longer than config/retention.toml allows, and the erasure of one
pupil's records (docs/product.md §5).

`purge` removes every row past its retention and **all its versions** from history, records
how many went per dataset and academy (purge_log: counts, never values), and rewrites the
database file so the freed bytes are gone from disk (DuckDB keeps freed blocks inside the file
until it is rewritten). `erase_pupil` does the same for every concern, referral and transfer
carrying one pseudonym. The access log is trimmed to its own retention too. A purged row can
no longer be reached at any knowledge time; figures read as known before a purge are marked
(`purges_since`).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from dateutil.relativedelta import relativedelta

from safeguarding import access_log, clock, database, sql
from safeguarding.paths import PROJECT_ROOT, config_dir

SHIPPED_RETENTION = PROJECT_ROOT / "config" / "retention.toml"
# The date each dataset's retention counts from (queries/retention/past_retention.sql).
ANCHORS = {
    "concerns": "closed_at",
    "referrals": "referred_at",
    "transfers": "left_on",
    "staff": "leave_date",
    "training": "completed_on",
    "access_log": "at",
}
DATASETS = tuple(d for d in ANCHORS if d != "access_log")


class RetentionFileError(ValueError):
    """config/retention.toml cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Rule:
    dataset: str
    keep_years: int | None  # None: kept for ever
    source: str


def retention_file() -> Path:
    trust_file = config_dir() / "retention.toml"
    return trust_file if trust_file.is_file() else SHIPPED_RETENTION


def load(path: Path | None = None) -> dict[str, Rule]:
    path = Path(path) if path else retention_file()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RetentionFileError(f"The retention file {path} does not exist.") from None
    except tomllib.TOMLDecodeError as error:
        raise RetentionFileError(f"{path} is not valid TOML: {error}. Fix the file.") from None
    unknown = sorted(set(document) - set(ANCHORS))
    if unknown:
        raise RetentionFileError(
            f"{path}: [{unknown[0]}] is not a dataset with a retention; use {', '.join(ANCHORS)}."
        )
    rules = {}
    for dataset, anchor in ANCHORS.items():
        section = document.get(dataset, {})
        years = section.get("keep_years", 0)
        if isinstance(years, bool) or not isinstance(years, int) or years < 0:
            raise RetentionFileError(
                f"{path}: [{dataset}] keep_years must be a whole number of years, 0 for ever "
                f"(found {years!r})."
            )
        if section and section.get("after", anchor) != anchor:
            raise RetentionFileError(
                f"{path}: [{dataset}] after must be {anchor!r}, the date a {dataset} record closes."
            )
        rules[dataset] = Rule(dataset, years or None, str(section.get("source", "")))
    return rules


def cutoffs(rules: dict[str, Rule], today: dt.date) -> dict[str, dt.date | None]:
    """The first day still kept, per dataset: today less keep_years (None: kept for ever)."""
    return {
        dataset: None if rule.keep_years is None else today - relativedelta(years=rule.keep_years)
        for dataset, rule in rules.items()
    }


def purge(
    db: Path | str | None = None,
    dry_run: bool = False,
    who: str | None = None,
    rules: dict[str, Rule] | None = None,
) -> dict[str, Any]:
    """Remove every row past retention with all its versions, trim the access log, rewrite
    the file. Returns what went (or, with dry_run, would go): per dataset and academy counts,
    the access log's entries, the file's size before and after."""
    rules = rules if rules is not None else load()
    limits = cutoffs(rules, clock.today())
    return _purge(
        db,
        "retention",
        sql.load("retention/past_retention"),
        {"cutoffs": {d: limits[d] for d in DATASETS}},
        dry_run,
        who,
        limits["access_log"],
    )


def erase_pupil(
    db: Path | str | None, pupil: str, dry_run: bool = False, who: str | None = None
) -> dict[str, Any]:
    """Remove every concern, referral and transfer of one pupil's pseudonym (academy or trust)
    with all their versions, everywhere; other pupils' rows are untouched."""
    pupil = pupil.strip()
    if not pupil:
        raise ValueError("--pupil needs the pupil's pseudonym (P-... or T-...).")
    return _purge(
        db, "erasure", sql.load("retention/pupil_rows"), {"pupil": pupil}, dry_run, who, None
    )


def purges_since(con: duckdb.DuckDBPyConnection, known_at: dt.datetime | None) -> list[tuple]:
    """(purged_at, reason, rows) of each purge after the knowledge time: the rows it removed are
    missing from figures read as known then. Empty for the latest figures."""
    if known_at is None:
        return []
    return con.execute(sql.load("status/purges_since"), {"known_at": known_at}).fetchall()


def _purge(db, reason, select_text, select_parameters, dry_run, who, access_log_cutoff):
    db_path = database.resolve_db_path(db)
    if not db_path.exists():
        raise database.DatabaseMissing(f"There is no database at {db_path}.")
    who = who or access_log.command_line_user()
    size_before = db_path.stat().st_size
    if dry_run:
        with database.reader(db_path) as con:
            con.execute(select_text, sql.params_for(select_text, select_parameters))
            counted = con.execute(sql.load("retention/purgeable_counts")).fetchall()
        return _summary(reason, counted, size_before, size_before, dry_run, access_log_cutoff, db)
    counted = []
    with database.writer(db_path, keeps_origin=True, compact=True) as con:
        con.execute(select_text, sql.params_for(select_text, select_parameters))
        [(purge_id,)] = con.execute(sql.load("retention/next_purge_id")).fetchall()
        parameters = {
            "purge_id": purge_id,
            "purged_at": clock.now(),
            "reason": reason,
            "purged_by": who,
        }
        for statement in sql.statements("retention/purge_rows"):
            result = con.execute(statement, sql.params_for(statement, parameters))
        counted = result.fetchall()
    trimmed = _trim_access_log(db_path, access_log_cutoff)
    summary = _summary(reason, counted, size_before, db_path.stat().st_size, False, None, None)
    summary["access_log_entries_purged"] = trimmed
    return summary


def _summary(reason, counted, size_before, size_after, dry_run, access_log_cutoff, db):
    summary = {
        "reason": reason,
        "dry_run": dry_run,
        "purged": [
            {"dataset": d, "academy_code": a, "rows": int(r), "versions": int(v)}
            for d, a, r, v in counted
        ],
        "rows": sum(int(r) for _, _, r, _ in counted),
        "versions": sum(int(v) for _, _, _, v in counted),
        "file_bytes_before": size_before,
        "file_bytes_after": size_after,
    }
    if dry_run:
        summary["access_log_entries_purged"] = _old_entries(db, access_log_cutoff)
    return summary


def _old_entries(db, cutoff: dt.date | None) -> int:
    if cutoff is None:
        return 0
    start = dt.datetime.combine(cutoff, dt.time.min)
    everything = access_log.read(database.resolve_db_path(db))
    return sum(1 for e in everything if dt.datetime.fromisoformat(e["at"]) < start)


def _trim_access_log(db_path: Path, cutoff: dt.date | None) -> int:
    """Drop the access log's entries older than its retention, in place under the appenders'
    lock (so no entry written meanwhile is lost)."""
    path = access_log.log_path(db_path)
    if cutoff is None or not path.exists():
        return 0
    start = dt.datetime.combine(cutoff, dt.time.min)
    with open(path, "r+", encoding="utf-8") as log:
        fcntl.flock(log.fileno(), fcntl.LOCK_EX)
        lines = [line for line in log.read().splitlines(keepends=True) if line.strip()]
        kept = [
            line for line in lines if dt.datetime.fromisoformat(json.loads(line)["at"]) >= start
        ]
        if len(kept) != len(lines):
            log.seek(0)
            log.writelines(kept)
            log.truncate()
            log.flush()
            os.fsync(log.fileno())
    return len(lines) - len(kept)
