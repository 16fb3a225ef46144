"""Which dataset a file is, and which of its columns is which contract column."""

from __future__ import annotations

from dataclasses import dataclass

from safeguarding.contract import CONTRACT, DATASETS, normalise_label
from safeguarding.ingest import identifiers
from safeguarding.ingest.aliases import Aliases
from safeguarding.ingest.errors import FileRefused

ANONYMISE_HINT = (
    "remove the column or export pseudonymised references instead; "
    "`safeguarding anonymise` turns a raw export into a contract file"
)


@dataclass(frozen=True)
class HeaderMap:
    dataset: str
    # position in the file -> contract column
    columns: dict[int, str]
    # headers that are not contract columns (a warning; not stored)
    extra: list[str]


def map_headers(headers: list[str], aliases: Aliases, dataset: str | None) -> HeaderMap:
    _refuse_identifying_headers(headers, aliases)
    chosen = dataset or _detect_dataset(headers, aliases)
    mapping = aliases.headers[chosen]
    columns: dict[int, str] = {}
    extra: list[str] = []
    for position, header in enumerate(headers):
        column = mapping.get(normalise_label(header))
        if column is None:
            if header.strip():
                extra.append(header.strip())
            continue
        if column in columns.values():
            raise FileRefused(
                f"two columns are both read as {column} (column {position + 1} and an earlier one)",
                "keep one of them, or rename the other.",
            )
        columns[position] = column
    missing = [c for c in CONTRACT[chosen].required if c not in columns.values()]
    if missing:
        raise FileRefused(
            f"it looks like a {chosen} export but has no {' or '.join(missing)} column",
            f"add the column(s) {', '.join(missing)} (see docs/data-contract.md for the "
            "accepted names).",
        )
    return HeaderMap(chosen, columns, extra)


def _refuse_identifying_headers(headers: list[str], aliases: Aliases) -> None:
    known = {key for mapping in aliases.headers.values() for key in mapping}
    for position, header in enumerate(headers):
        if normalise_label(header) in known:
            continue
        word = identifiers.identifying_header(header)
        if word:
            raise FileRefused(
                f"column {position + 1} ({header.strip()!r}) looks like identifying or "
                f"free-text data (its name contains {word!r}); such data must never be loaded",
                ANONYMISE_HINT + ".",
            )


def _detect_dataset(headers: list[str], aliases: Aliases) -> str:
    keys = [normalise_label(h) for h in headers]
    scores = {}
    for dataset in DATASETS:
        mapping = aliases.headers[dataset]
        found = {mapping[k] for k in keys if k in mapping}
        required = set(CONTRACT[dataset].required) - {"academy_code"}
        # Required columns found count double, so that e.g. a referrals file with a concern_id
        # column is not mistaken for concerns.
        scores[dataset] = (required <= found, len(found & required) * 2 + len(found))
    # A dataset whose required columns are all present beats one that scores higher without.
    best = max(DATASETS, key=lambda d: scores[d])
    score = scores[best][1]
    if score < 4:
        raise FileRefused(
            "its headers match none of the six datasets (academies, concerns, referrals, "
            "staff, training, policies)",
            "use the column names in templates/ or docs/data-contract.md, add your system's "
            "names to config/aliases.toml, or say which dataset it is with --dataset.",
        )
    return best
