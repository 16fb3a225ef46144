"""Turning an academy's raw export into a contract file that holds no real identifiers.

The academy runs this on its own machine, before anything leaves it (product.md §1: exports are
anonymised). A mapping file (TOML, one per kind of export) says which raw column becomes which
contract column. Everything else is dropped, so free text, names, dates of birth and UPNs never
reach the output unless a column is named as an identifier to pseudonymise.

Pseudonyms are keyed: `P-` (pupils) or `S-` (staff) + the first 80 bits of
HMAC-SHA-256(key, kind + normalised source id), written as 16 base32 characters. The same id and
key always give the same pseudonym, so weekly exports line up; without the key nobody (the trust
included) can recompute a pseudonym from a UPN or a name, which a plain hash would allow by
trying every UPN. 80 bits make a collision negligible: for a million distinct people the chance
that any two share a pseudonym is about n²/2⁸¹ ≈ 4 × 10⁻¹³.

Nothing here puts a cell value into a message or a summary: headers, counts and line numbers
only.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import hmac
import io
import os
import re
import secrets
import stat
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from safeguarding.codes import TRUST
from safeguarding.contract import CONTRACT, DATASETS, normalise_label
from safeguarding.exports import neutralise
from safeguarding.ingest import identifiers
from safeguarding.ingest.errors import FileRefused
from safeguarding.ingest.reading import read_export

KEY_BYTES = 32
PSEUDONYM_BYTES = 10  # 80 bits -> 16 base32 characters
PSEUDONYM_KINDS = {"pupil": ("pupil_ref", "P-"), "staff": ("staff_ref", "S-")}
# The pupil's pseudonym under the trust's linking key: the same child, the same T- pseudonym at
# every academy of the trust. Written only by --trust-key-file, never mapped from a raw column.
TRUST_PUPIL_COLUMN = "trust_pupil_ref"
TRUST_PUPIL_KIND = "trust_pupil"
TRUST_PUPIL_PREFIX = "T-"
LINKED_DATASETS = ("concerns", "referrals", "transfers")
# A transfer is known to the trust only by the child's trust pseudonym (the receiving academy
# has its own for the child): its export cannot be made without the trust key.
NEEDS_TRUST_KEY = ("transfers",)
PLACEHOLDER_ACADEMY = "CHANGEME"
UNLISTED_CHOICES = ("keep", "blank", "other")

_ACADEMY_CODE = re.compile(r"[A-Z0-9]{2,10}")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_COLUMN_KEYS = {"from", "pseudonymise", "values", "unlisted", "separator"}
_TOP_KEYS = {"dataset", "academy_code", "columns"}

# Raw headers that only ever name a person or hold narrative: CPOMS calls the pupil's name
# "Student" and the free-text account "Incident"; "Action Taken" is free text there too. Matched
# whole (after normalisation), because as parts of a header they are harmless ("Student Year").
_PERSON_OR_NARRATIVE_HEADERS = {
    "student",
    "pupil",
    "child",
    "learner",
    "staff",
    "staffmember",
    "employee",
    "person",
    "incident",
    "concern",
    "action",
    "actions",
    "actiontaken",
    "linkedstudents",
    "reportedby",
    "assignedto",
}
# Parts that mark a header as identifying or free text wherever they appear (the ingest's own
# list, product.md §2, plus a few narrative words export tools use).
_SENSITIVE_HEADER_PARTS = (
    *identifiers.IDENTIFYING_HEADER_WORDS,
    "comment",
    "freetext",
    "initials",
    "body",
)


class AnonymiseRefused(Exception):
    """The work cannot be done. The message says what, where and what to do; never a value."""


@dataclass(frozen=True)
class ColumnRule:
    column: str  # the contract column written
    sources: tuple[str, ...]  # raw headers it is made from
    pseudonymise: str | None = None  # pupil | staff
    values: tuple[tuple[str, str], ...] = ()  # (normalised raw label, output value), in order
    unlisted: str = "keep"  # what a value not in `values` becomes: keep | blank | other
    separator: str | None = None  # a cell listing several values ("Neglect, Online Safety")

    @property
    def closed_list(self) -> bool:
        """Only values written in the mapping file can come out of this column."""
        return bool(self.values) and self.unlisted != "keep"


@dataclass(frozen=True)
class Mapping:
    path: Path
    dataset: str
    academy_code: str
    rules: tuple[ColumnRule, ...]

    @property
    def output_columns(self) -> list[str]:
        mapped = {rule.column for rule in self.rules}
        return ["academy_code"] + [
            c for c in CONTRACT[self.dataset].column_names if c in mapped and c != "academy_code"
        ]


@dataclass
class Summary:
    raw_name: str
    out_path: Path
    dataset: str
    academy_code: str
    rows_written: int = 0
    columns_written: list[str] = field(default_factory=list)
    columns_dropped: list[str] = field(default_factory=list)
    # (contract column, raw headers, distinct people)
    pseudonymised: list[tuple[str, tuple[str, ...], int]] = field(default_factory=list)
    # contract column -> how many values were not in the mapping's list (blanked or `other`)
    unlisted: dict[str, int] = field(default_factory=dict)
    skipped_lines: list[int] = field(default_factory=list)
    key_created: bool = False
    trust_key_created: bool = False
    trust_linked: int | None = None  # distinct trust pseudonyms written (None: no trust key)


# ---------------------------------------------------------------------------------------------
# The mapping file


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; every problem names the file and the key."""
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise AnonymiseRefused(
            f"The mapping file {path} could not be read ({exc.strerror or type(exc).__name__})."
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AnonymiseRefused(
            f"The mapping file {path} is not valid TOML ({exc}). Fix: compare it with "
            "config/anonymise/cpoms-concerns.example.toml."
        ) from None

    def bad(key: str, problem: str, fix: str) -> AnonymiseRefused:
        return AnonymiseRefused(f"The mapping file {path}, key {key}: {problem}. Fix: {fix}")

    unknown = sorted(set(document) - _TOP_KEYS)
    if unknown:
        raise bad(
            unknown[0], "is not a mapping setting", "use only dataset, academy_code and [columns]."
        )
    dataset = document.get("dataset")
    if dataset not in DATASETS or dataset == "academies":
        raise bad(
            "dataset",
            "is missing or not one of concerns, referrals, staff, training, policies",
            'set dataset = "concerns" (or the dataset this export becomes).',
        )
    academy = str(document.get("academy_code", "")).strip().upper()
    if academy == PLACEHOLDER_ACADEMY:
        raise bad(
            "academy_code",
            f"is still the example's {PLACEHOLDER_ACADEMY}",
            "set it to your academy's code as the trust gave it to you (e.g. OAK).",
        )
    if not _ACADEMY_CODE.fullmatch(academy) or academy == TRUST:
        raise bad(
            "academy_code",
            "is missing or not 2 to 10 letters and digits",
            "set it to your academy's code as the trust gave it to you (e.g. OAK).",
        )
    columns = document.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise bad(
            "columns",
            "is missing or empty",
            'add a [columns] table: contract column = "raw header".',
        )

    contract = CONTRACT[dataset]
    rules = []
    for column, spec in columns.items():
        key = f"columns.{column}"
        if column not in contract.column_names:
            raise bad(
                key,
                f"is not a column of the {dataset} dataset",
                f"use one of {', '.join(contract.column_names)} (docs/data-contract.md).",
            )
        if column == "academy_code":
            raise bad(key, "is set by the top-level academy_code", "delete this line.")
        rules.append(_column_rule(column, spec, key, bad))

    mapped = {rule.column for rule in rules}
    # academy_code comes from the top level, trust_pupil_ref from --trust-key-file.
    written_by_the_tool = ("academy_code", TRUST_PUPIL_COLUMN)
    missing = [c for c in contract.required if c not in written_by_the_tool and c not in mapped]
    if missing:
        raise bad(
            "columns",
            f"gives no {' or '.join(missing)} column, which a {dataset} file must have",
            f'add {missing[0]} = "<the raw header it comes from>" under [columns].',
        )
    return Mapping(path, dataset, academy, tuple(rules))


def _column_rule(column: str, spec, key: str, bad) -> ColumnRule:
    if isinstance(spec, str):
        spec = {"from": spec}
    if not isinstance(spec, dict):
        raise bad(key, "must be a raw header in quotes or a table", f'write {column} = "Header".')
    unknown = sorted(set(spec) - _COLUMN_KEYS)
    if unknown:
        raise bad(
            f"{key}.{unknown[0]}",
            "is not a column setting",
            "use only from, pseudonymise, values, unlisted and separator.",
        )
    sources = spec.get("from")
    if isinstance(sources, str):
        sources = [sources]
    if (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(s, str) and s.strip() for s in sources)
    ):
        raise bad(f"{key}.from", "must name the raw header(s)", 'write from = "Header".')
    sources = tuple(s.strip() for s in sources)

    kind = spec.get("pseudonymise")
    must_be = next((k for k, (c, _) in PSEUDONYM_KINDS.items() if c == column), None)
    if kind is None and must_be:
        # A pupil_ref or staff_ref copied straight from the source would be the real id.
        raise bad(
            key,
            f"{column} must be a pseudonym, never the source system's id",
            f'add pseudonymise = "{must_be}" to it.',
        )
    if kind is not None:
        if kind not in PSEUDONYM_KINDS:
            raise bad(f"{key}.pseudonymise", "must be pupil or staff", 'write "pupil" or "staff".')
        if PSEUDONYM_KINDS[kind][0] != column:
            raise bad(
                f"{key}.pseudonymise",
                f"{kind} pseudonyms go in {PSEUDONYM_KINDS[kind][0]}, not {column}",
                f"map the identifier to {PSEUDONYM_KINDS[kind][0]}, or drop this line.",
            )
        if any(k in spec for k in ("values", "unlisted", "separator")):
            raise bad(
                key,
                "a pseudonymised column cannot also rename values",
                "remove values, unlisted and separator from it.",
            )
        return ColumnRule(column, sources, pseudonymise=kind)

    if len(sources) > 1:
        raise bad(
            f"{key}.from",
            "only a pseudonymised identifier can combine several columns",
            "name one raw header.",
        )
    raw_values = spec.get("values", {})
    if not isinstance(raw_values, dict):
        raise bad(
            f"{key}.values",
            "must be a table of raw value = contract value",
            'write values = { "Raw label" = "contract_value" }.',
        )
    values = []
    for label, value in raw_values.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        if not isinstance(value, str | int):
            raise bad(
                f"{key}.values",
                "each contract value must be text, a number or true/false",
                'write "Raw label" = "contract_value".',
            )
        values.append((normalise_label(label), str(value).strip()))
    unlisted = spec.get("unlisted", "keep")
    if unlisted not in UNLISTED_CHOICES:
        raise bad(f"{key}.unlisted", "must be keep, blank or other", 'write unlisted = "blank".')
    separator = spec.get("separator")
    if separator is not None and (not isinstance(separator, str) or not separator):
        raise bad(
            f"{key}.separator", "must be a character such as a comma", 'write separator = ",".'
        )
    rule = ColumnRule(column, sources, None, tuple(values), unlisted, separator)

    word = sensitive_header(sources[0])
    if word and not rule.closed_list:
        raise bad(
            key,
            f"copies the raw column {sources[0]!r} into {column}, but that column holds names, "
            f"identifiers or free text (its header is or contains {word!r}); its contents must "
            "never leave the academy",
            "delete this line so the column is dropped. If it really is a short pick-list, list "
            'every allowed value under values and add unlisted = "blank" so nothing else '
            "passes.",
        )
    return rule


def sensitive_header(header: str) -> str | None:
    """Why a raw header may not be copied through: the word that marks it, or None."""
    key = normalise_label(header)
    if key in _PERSON_OR_NARRATIVE_HEADERS:
        return key
    return next((part for part in _SENSITIVE_HEADER_PARTS if part in key), None)


# ---------------------------------------------------------------------------------------------
# The key


def create_key(path: Path) -> bytes:
    """A new random key, written as hex to a file only its owner can read. Never overwrites."""
    path = Path(path)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        # O_EXCL: an existing key is never replaced, which would change every pseudonym.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise _key_exists(path) from None
    except OSError as exc:
        raise AnonymiseRefused(
            f"The key file {path} could not be created ({exc.strerror}). Fix: check the folder "
            "exists and you may write to it."
        ) from None
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # whatever the umask allowed
        os.write(fd, (key.hex() + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return key


def _key_exists(path: Path) -> AnonymiseRefused:
    return AnonymiseRefused(
        f"The key file {path} already exists; --new-key never replaces a key, because a new key "
        "changes every pseudonym. Fix: run again without --new-key to use it, or give a new file "
        "name if you really mean to start again."
    )


def read_key(path: Path) -> bytes:
    """The key in a key file that only its owner can read."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise AnonymiseRefused(
            f"There is no key file at {path}. Fix: the first time, create one with --new-key; "
            "after that, always use the same key file (see docs/anonymise.md)."
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise AnonymiseRefused(f"The key file {path} is not a file. Fix: give the key file's path.")
    if os.name != "nt" and info.st_mode & 0o077:
        raise AnonymiseRefused(
            f"The key file {path} can be read or changed by other users (permissions "
            f"{stat.S_IMODE(info.st_mode):o}). Fix: run `chmod 600 {path}` so only you can read "
            "it, then run this again."
        )
    text = path.read_bytes().decode("ascii", errors="replace").strip()
    key = None
    if re.fullmatch(r"[0-9a-fA-F]+", text) and len(text) % 2 == 0:
        key = bytes.fromhex(text)
    else:
        try:
            key = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            key = None
    if key is None or len(key) < KEY_BYTES:
        raise AnonymiseRefused(
            f"The key file {path} does not hold a key made by --new-key ({KEY_BYTES} bytes as "
            "hex or base64). Fix: use the academy's original key file."
        )
    return key


# ---------------------------------------------------------------------------------------------
# Pseudonyms


_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_MIDNIGHT = re.compile(r"(\d{4}-\d{2}-\d{2})[T ]00:00(?::00)?")


def normalise_source_id(value: str) -> str:
    """One spelling per person, whichever way the export wrote it: case and spacing ignored;
    leading zeros of an all-digit id dropped (Excel drops them when it reads a column as
    numbers); a date (for a name + date of birth identifier) as YYYY-MM-DD, whether it came
    as 01/04/2015 from a CSV or as a date cell from Excel."""
    text = " ".join(value.split()).upper()
    if text.isdigit():
        return text.lstrip("0") or "0"
    if match := _UK_DATE.fullmatch(text):
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    if match := _ISO_MIDNIGHT.fullmatch(text):
        return match.group(1)
    return text


def pseudonym(key: bytes, kind: str, source_ids: tuple[str | None, ...]) -> str | None:
    """The keyed pseudonym for a pupil or staff member; None when every source id is blank."""
    parts = [normalise_source_id(v) if v else "" for v in source_ids]
    if not any(parts):
        return None
    # The kind is part of the message, so a staff id and a pupil id that happen to be equal get
    # unrelated pseudonyms; \x1f cannot occur in a normalised id.
    message = "\x1f".join([kind, *parts]).encode("utf-8")
    digest = hmac.new(key, message, hashlib.sha256).digest()
    prefix = TRUST_PUPIL_PREFIX if kind == TRUST_PUPIL_KIND else PSEUDONYM_KINDS[kind][1]
    return prefix + base64.b32encode(digest[:PSEUDONYM_BYTES]).decode("ascii")


# ---------------------------------------------------------------------------------------------
# The work


def anonymise_file(
    raw_path: Path,
    mapping_path: Path,
    key_path: Path,
    out_path: Path,
    new_key: bool = False,
    trust_key_path: Path | None = None,
    new_trust_key: bool = False,
) -> Summary:
    raw_path, key_path, out_path = Path(raw_path), Path(key_path), Path(out_path)
    mapping = load_mapping(mapping_path)
    trust_rule = _trust_link_rule(mapping, trust_key_path, key_path)
    for other, what in (
        (raw_path, "raw export"),
        (key_path, "key file"),
        (Path(mapping_path), "mapping file"),
        *(((Path(trust_key_path), "trust key file"),) if trust_key_path else ()),
    ):
        if _same_file(out_path, other):
            raise AnonymiseRefused(
                f"--out {out_path} is the {what}; writing there would destroy it. Fix: give "
                "another file name for the output."
            )
    if new_key and (key_path.exists() or key_path.is_symlink()):
        raise _key_exists(key_path)  # before any work is done; create_key checks again
    if new_trust_key and (Path(trust_key_path).exists() or Path(trust_key_path).is_symlink()):
        raise _key_exists(Path(trust_key_path))
    key = None if new_key else read_key(key_path)
    trust_key = None if (trust_rule is None or new_trust_key) else read_key(trust_key_path)

    try:
        table = read_export(raw_path, raw_path.read_bytes(), mapping.dataset)
    except FileRefused as refusal:
        raise AnonymiseRefused(refusal.message(raw_path.name)) from None
    except OSError as exc:
        raise AnonymiseRefused(
            f"{raw_path.name}: could not be read ({exc.strerror or type(exc).__name__})."
        ) from None
    positions = _source_positions(mapping, table.headers, raw_path.name)

    summary = Summary(raw_path.name, out_path, mapping.dataset, mapping.academy_code)
    if new_key:
        key = create_key(key_path)
        summary.key_created = True
    if trust_rule is not None and new_trust_key:
        trust_key = create_key(trust_key_path)
        summary.trust_key_created = True
    if trust_key is not None and hmac.compare_digest(trust_key, key):
        raise AnonymiseRefused(
            f"The trust key {trust_key_path} is the academy's own key; the trust's linking key "
            "must be a different key, held by every academy of the trust and by no one else. "
            "Fix: use the trust's linking key file (docs/anonymise.md)."
        )
    header = mapping.output_columns
    rows = _transform(mapping, positions, table.rows, key, summary)
    if trust_rule is not None:
        header, rows = _with_trust_pseudonyms(
            mapping, header, rows, positions[trust_rule.column], table.rows, trust_key, summary
        )
    _refuse_identifier_shaped_output(mapping, header, rows)
    _write_csv_atomically(out_path, header, rows)

    used = {p for positions_of_rule in positions.values() for p in positions_of_rule}
    summary.rows_written = len(rows)
    summary.columns_written = header
    summary.columns_dropped = [
        h for i, h in enumerate(table.headers) if i not in used and h.strip()
    ]
    summary.skipped_lines = [line for line, _, _ in table.ragged]
    return summary


def _trust_link_rule(mapping: Mapping, trust_key_path, key_path: Path) -> ColumnRule | None:
    """The pupil identifier the trust pseudonym is made from, or None without a trust key."""
    if any(rule.column == TRUST_PUPIL_COLUMN for rule in mapping.rules):
        raise AnonymiseRefused(
            f"{mapping.path.name} maps {TRUST_PUPIL_COLUMN}, which only --trust-key-file writes "
            "(from the same identifier as pupil_ref). Fix: delete that line from the mapping."
        )
    if trust_key_path is None:
        if mapping.dataset in NEEDS_TRUST_KEY:
            raise AnonymiseRefused(
                f"{mapping.path.name} maps a {mapping.dataset} export, whose rows are known by "
                f"{TRUST_PUPIL_COLUMN}, the child's pseudonym under the trust's linking key. Fix: "
                "add --trust-key-file with the trust key's file (docs/anonymise.md)."
            )
        return None
    pupil = next((r for r in mapping.rules if r.pseudonymise == "pupil"), None)
    if mapping.dataset not in LINKED_DATASETS or pupil is None:
        raise AnonymiseRefused(
            f"--trust-key-file links one child's records across the trust's academies: only "
            f"{', '.join(LINKED_DATASETS[:-1])} and {LINKED_DATASETS[-1]} exports with a pupil "
            "identifier carry "
            f"{TRUST_PUPIL_COLUMN}, and {mapping.path.name} maps a {mapping.dataset} export"
            + ". Fix: leave out --trust-key-file for this export."
        )
    if _same_file(Path(trust_key_path), key_path):
        raise AnonymiseRefused(
            f"--trust-key-file {trust_key_path} is the academy's own key file; the trust's "
            "linking key is a different key. Fix: give the trust key's file (docs/anonymise.md)."
        )
    return pupil


def _with_trust_pseudonyms(mapping, header, rows, positions, raw_rows, trust_key, summary):
    """Each row's pupil identifier under the trust key, in trust_pupil_ref (in contract order)."""
    order = CONTRACT[mapping.dataset].column_names
    new_header = sorted([*header, TRUST_PUPIL_COLUMN], key=order.index)
    at = new_header.index(TRUST_PUPIL_COLUMN)
    linked = set()
    out_rows = []
    for raw, row in zip(raw_rows, rows, strict=True):
        value = pseudonym(trust_key, TRUST_PUPIL_KIND, tuple(raw[p] for p in positions))
        if value:
            linked.add(value)
        out_rows.append([*row[:at], value or "", *row[at:]])
    summary.trust_linked = len(linked)
    return new_header, out_rows


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _source_positions(mapping: Mapping, headers: list[str], raw_name: str) -> dict[str, list[int]]:
    by_key: dict[str, list[int]] = {}
    for position, header in enumerate(headers):
        by_key.setdefault(normalise_label(header), []).append(position)
    positions = {}
    for rule in mapping.rules:
        found = []
        for source in rule.sources:
            matches = by_key.get(normalise_label(source), [])
            if not matches:
                raise AnonymiseRefused(
                    f"{raw_name}: has no column {source!r}, which the mapping "
                    f"{mapping.path.name} reads for {rule.column}. Its columns are: "
                    f"{', '.join(repr(h) for h in headers if h.strip())}. Fix: correct the header "
                    "in the mapping file, or export the column."
                )
            if len(matches) > 1:
                raise AnonymiseRefused(
                    f"{raw_name}: has more than one column called {source!r} (columns "
                    f"{', '.join(str(m + 1) for m in matches)}), so the mapping cannot tell "
                    "which to use. Fix: rename or remove one of them in the export."
                )
            found.append(matches[0])
        positions[rule.column] = found
    return positions


def _transform(mapping, positions, raw_rows, key, summary) -> list[list[str]]:
    header = mapping.output_columns
    rules = {rule.column: rule for rule in mapping.rules}
    people: dict[str, set[str]] = {r.column: set() for r in mapping.rules if r.pseudonymise}
    out_rows = []
    for raw in raw_rows:
        out = []
        for column in header:
            if column == "academy_code":
                out.append(mapping.academy_code)
                continue
            rule = rules[column]
            cells = tuple(raw[p] for p in positions[column])
            if rule.pseudonymise:
                value = pseudonym(key, rule.pseudonymise, cells)
                if value:
                    people[column].add(value)
            else:
                value = _convert(rule, cells[0], summary)
            out.append(_safe_cell(value))
        out_rows.append(out)
    summary.pseudonymised = [
        (rule.column, rule.sources, len(people[rule.column]))
        for rule in mapping.rules
        if rule.pseudonymise
    ]
    return out_rows


def _convert(rule: ColumnRule, cell: str | None, summary: Summary) -> str | None:
    text = (cell or "").strip()
    if not text:
        return None
    parts = [p.strip() for p in text.split(rule.separator)] if rule.separator else [text]
    parts = [p for p in parts if p] or [text]
    if rule.values:
        renames = dict(reversed(rule.values))  # the first line for a label wins
        order = {label: i for i, (label, _) in reversed(list(enumerate(rule.values)))}
        # Several values in one cell: the one listed first in the mapping wins (the DSL puts
        # CSE first so that a concern filed under CSE and neglect counts as CSE).
        listed = [p for p in parts if normalise_label(p) in renames]
        if listed:
            best = min(listed, key=lambda p: order[normalise_label(p)])
            return _year_group(renames[normalise_label(best)], rule.column)
        if rule.unlisted != "keep":
            summary.unlisted[rule.column] = summary.unlisted.get(rule.column, 0) + 1
            return None if rule.unlisted == "blank" else "other"
    return _year_group(parts[0], rule.column)


_YEAR = re.compile(r"(?:nc)?(?:year|yr|y)?(\d{1,2})")
_YEAR_WORDS = {
    "reception": "0",
    "rec": "0",
    "yr": "0",
    "r": "0",
    "nursery": "-1",
    "n": "-1",
    "n1": "-1",
    "n2": "-1",
}


def _year_group(value: str, column: str) -> str:
    """MIS year labels ("Year 7", "Y7", "Reception", "Nursery") as the contract's numbers."""
    if column != "year_group":
        return value
    key = normalise_label(value)
    if key in _YEAR_WORDS:
        return _YEAR_WORDS[key]
    match = _YEAR.fullmatch(key)
    return str(int(match.group(1))) if match and not value.strip().startswith("-") else value


def _safe_cell(value: str | None) -> str:
    if value is None:
        return ""
    # A plain number ("-1", nursery's year group) is a number to a spreadsheet, not a formula,
    # and must reach the ingest unchanged; everything else is neutralised.
    return value if _PLAIN_NUMBER.fullmatch(value) else neutralise(value)


def _refuse_identifier_shaped_output(mapping: Mapping, header: list[str], rows) -> None:
    """A last check, as the ingest makes: no copied column may mostly hold UPNs, e-mail
    addresses, postcodes, NI or phone numbers (a mapping can point at the wrong column)."""
    copied = {rule.column: rule for rule in mapping.rules if not rule.pseudonymise}
    for position, column in enumerate(header):
        if column not in copied:
            continue
        kind = identifiers.identifier_kind([row[position] for row in rows[:5000]])
        if kind:
            raise AnonymiseRefused(
                f"The raw column {copied[column].sources[0]!r}, mapped to {column}, holds {kind}; "
                f"nothing was written. Fix: in {mapping.path.name}, map {column} to the right "
                "raw column, or delete the line."
            )


def _write_csv_atomically(out_path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write beside the target, then rename: a reader never sees half a file, and a failed run
    leaves the previous output as it was. mkstemp makes the file readable by its owner only."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8-sig")  # the BOM tells Excel it is UTF-8
    folder = out_path.parent if str(out_path.parent) else Path(".")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise AnonymiseRefused(
            f"The output {out_path} could not be written ({exc.strerror}). Fix: check the folder "
            "exists and you may write to it."
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, out_path)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise AnonymiseRefused(
            f"The output {out_path} could not be written ({exc.strerror or type(exc).__name__}); "
            "any earlier file there is unchanged. Fix: check the disk has space and the file is "
            "not open in another program."
        ) from None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def format_summary(summary: Summary) -> str:
    """The report printed after a run: counts and headers, never a cell value."""
    lines = [
        f"{summary.raw_name}: anonymised as {summary.dataset} for academy "
        f"{summary.academy_code} -> {summary.out_path}",
    ]
    if summary.key_created:
        lines.append(
            "  new key created: keep the key file in the academy, back it up, never send it."
        )
    if summary.trust_key_created:
        lines.append(
            "  new trust linking key created: give it, by hand, to every academy of the trust; "
            "never to the trust's dashboard (docs/anonymise.md)."
        )
    lines.append(f"  rows written: {summary.rows_written:,}")
    for column, sources, people in summary.pseudonymised:
        lines.append(
            f"  identifiers pseudonymised: {column} from {', '.join(repr(s) for s in sources)} "
            f"({people:,} distinct)"
        )
    if summary.trust_linked is not None:
        lines.append(
            f"  pupils linked across the trust: {TRUST_PUPIL_COLUMN} under the trust key "
            f"({summary.trust_linked:,} distinct)"
        )
    lines.append(f"  columns written: {', '.join(summary.columns_written)}")
    dropped = ", ".join(repr(h) for h in summary.columns_dropped) or "none"
    lines.append(f"  columns dropped (not in the output): {dropped}")
    for column, count in summary.unlisted.items():
        lines.append(
            f"  {column}: {count:,} value(s) not listed in the mapping were left blank or set to "
            "'other'"
        )
    if summary.skipped_lines:
        shown = ", ".join(str(n) for n in summary.skipped_lines[:20])
        more = (
            ""
            if len(summary.skipped_lines) <= 20
            else f" and {len(summary.skipped_lines) - 20} more"
        )
        lines.append(
            f"  WARNING: {len(summary.skipped_lines):,} row(s) were NOT written because their "
            f"number of fields differs from the header's (lines {shown}{more}); export the file "
            "again or fix those lines."
        )
    return "\n".join(lines)
