"""Who was shown which children's records, and when: the access log (docs/product.md §5.2).

Each time a person is shown record-level rows (a drill-down list, the needs-attention items, a
chronology, a board pack's record sheets, a CSV download), one entry is appended: when, who
(identity and role), which view, which academies, how many rows, and the pseudonymous keys shown
(concern_id, referral_id, pupil_ref, trust_pupil_ref, staff_ref, a needs-attention item's
key) — never any other cell.
A figures-only view is logged with no rows and no keys.

The log is its own append-only file beside the database (`<database>.access-log.jsonl`, one JSON
object a line, readable by its owner only), not a table in the database: the dashboard reads the
database read-only and every write to it copies the whole file, which a log written on every
view cannot afford. Appends take an exclusive lock and are flushed to disk before the records
are shown; if the entry cannot be written, `AccessLogUnavailable` is raised and the caller shows
nothing (fail closed).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from safeguarding import clock

SUFFIX = ".access-log.jsonl"
# Where the log goes instead of beside the database (tests; a trust's own location).
PATH_VARIABLE = "SAFEGUARDING_ACCESS_LOG"
KINDS = ("records", "figures", "export")
# The only cells an entry may hold: the pseudonymous keys of the rows shown.
# `key` is a needs-attention item's key, built of those ids (referral:OAK:R-123:csc_feedback).
KEY_COLUMNS = ("concern_id", "referral_id", "pupil_ref", "trust_pupil_ref", "staff_ref", "key")
PUPIL_KEY_COLUMNS = ("pupil_ref", "trust_pupil_ref")
FIELDS = ("at", "who", "role", "view", "kind", "academy_codes", "rows", "keys", "keys_digest")


class AccessLogUnavailable(RuntimeError):
    """The access log could not be written, so the records must not be shown."""


def log_path(db_path: Path | str) -> Path:
    override = os.environ.get(PATH_VARIABLE)
    return Path(override) if override else Path(f"{db_path}{SUFFIX}")


def keys_shown(rows: Any) -> dict[str, list[str]]:
    """The pseudonymous keys among a frame's (or a list of dicts') columns, each column's
    distinct values in order."""
    if hasattr(rows, "columns"):
        columns = [c for c in KEY_COLUMNS if c in rows.columns]
        values = {c: rows[c].dropna().astype(str).tolist() for c in columns}
    else:
        listed = list(rows)
        columns = [c for c in KEY_COLUMNS if any(c in r for r in listed)]
        values = {c: [str(r[c]) for r in listed if r.get(c) is not None] for c in columns}
    return {c: sorted(set(v)) for c, v in values.items() if v}


def command_line_user() -> str:
    """Who ran a command: the machine account (the command line has no sign-in)."""
    try:
        return f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):
        return "unknown (command line)"


def record(
    db_path: Path | str,
    who: str,
    role: str,
    view: str,
    academy_codes: Iterable[str],
    rows: int = 0,
    keys: Mapping[str, Iterable[str]] | None = None,
    kind: str = "records",
) -> dict[str, Any]:
    """Append one entry (and wait until it is on disk); AccessLogUnavailable if it cannot be."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    shown = {column: sorted(set(map(str, values))) for column, values in (keys or {}).items()}
    unknown = set(shown) - set(KEY_COLUMNS)
    if unknown:
        raise ValueError(f"only pseudonymous keys may be logged, not {sorted(unknown)}")
    entry = {
        "at": clock.now().isoformat(timespec="seconds"),
        "who": who,
        "role": role,
        "view": view,
        "kind": kind,
        "academy_codes": sorted(set(academy_codes)),
        "rows": int(rows),
        "keys": shown,
        "keys_digest": _digest(shown),
    }
    path = log_path(db_path)
    line = (json.dumps(entry, sort_keys=True) + "\n").encode("utf-8")
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            os.write(descriptor, line)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)  # closing releases the lock
    except OSError as error:
        raise AccessLogUnavailable(
            f"The access log {path} could not be written ({error.strerror or error}), so the "
            "records are not shown: every view of children's records must be logged. Fix: make "
            "the log's folder writable by the dashboard (and the disk not full), or tell the "
            "trust's data lead."
        ) from None
    return entry


def read(
    db_path: Path | str,
    since: dt.datetime | None = None,
    who: str | None = None,
    pupil: str | None = None,
) -> list[dict[str, Any]]:
    """The entries, oldest first: from `since`, of one person (e-mail, any case), or showing
    one pupil's pseudonym (academy or trust)."""
    path = log_path(db_path)
    if not path.exists():
        return []
    entries = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            entry = json.loads(line)
            if since is not None and dt.datetime.fromisoformat(entry["at"]) < since:
                continue
            if who is not None and entry["who"].lower() != who.strip().lower():
                continue
            if pupil is not None and not any(
                pupil.strip() in entry["keys"].get(column, []) for column in PUPIL_KEY_COLUMNS
            ):
                continue
            entries.append(entry)
    return entries


def _digest(keys: Mapping[str, list[str]]) -> str:
    """One hash of the set of keys shown, to compare two entries without reading them."""
    text = json.dumps(keys, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
