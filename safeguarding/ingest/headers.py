"""Which dataset a file is, and which of its columns is which contract column.

A header is text from the file like any value, so a message repeats it only when it looks like
a harmless column label (`shown_header`); a header such as a child's name and date of birth
is counted, never shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from safeguarding.contract import CONTRACT, DATASETS, ENUMS, normalise_label
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


# Words that make up column labels: the contract's own column names and values, the words of
# the default aliases (config/aliases.toml), the words naming identifying data (so that a
# refusal can say which column it means) and common words of exports' column names. A label
# made only of these, short and without long numbers, cannot be a person's name or a date.
_EXPORT_COLUMN_WORDS = """
activity added address alert alerts anon anonymised and area as assigned authority
birth by categories chased cla class code col color colour column comment comments
completion count cp cpoms cpp created custom date delivered department dept dfe
disclosed document due e ehcp employee employment end entered episode establishment
export exported extra eal facing family first flag for form frequency fsm given
group guid home house id import imported in insurance is job key kind la lac last
leaver left legal level link linked location mail main masked middle module month
myconcern national nc nhs ni no nor num number occurred passed person post preferred
primary priority pseudo pseudonym rationale re received record reference region
responsibility regulated risk row school score sen senco severity site size source
spare stage started state step student sub subcategory system tag tags taken team term
the time to total true false trust tutor unique url user value values version week
weight yes
"""
_LABEL_WORDS = frozenset(
    {word for dataset in CONTRACT.values() for c in dataset.column_names for word in c.split("_")}
    | {word for values in ENUMS.values() for value in values for word in value.split("_")}
    | set(identifiers.IDENTIFYING_HEADER_WORDS)
    | set(_EXPORT_COLUMN_WORDS.split())
)
_LABEL_CHARACTERS = re.compile(r"[A-Za-z0-9 _\-./()&#:?']*")
_LABEL_TOKEN = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
MAX_SHOWN_HEADER_CHARS = 40
MAX_EXTRA_COLUMNS_NAMED = 10


def shown_header(header: str) -> str | None:
    """The header, quoted, when it is safe to repeat in a message; else None. Safe means a short
    label of everyday column words ('Colour', 'Source System', 'ref2'): a name, a date, an
    identifier or anything unusual is never repeated (it may be the very data that must not
    be shown)."""
    text = header.strip()
    if not text or len(text) > MAX_SHOWN_HEADER_CHARS or not _LABEL_CHARACTERS.fullmatch(text):
        return None
    tokens = _LABEL_TOKEN.findall(text)
    if not tokens or len(tokens) > 6:
        return None
    for token in tokens:
        if token.isdigit() and len(token) > 2:
            return None  # a year, a date's part, a phone number: never a plain label
        if not token.isdigit() and token.lower() not in _LABEL_WORDS:
            return None
    return repr(text)


def column_label(position: int, header: str) -> str:
    """A column as a message names it: its number, and its header when that is safe."""
    shown = shown_header(header)
    return f"column {position + 1}" + (f" ({shown})" if shown else "")


def extra_columns_warning(extra: list[str]) -> str:
    """The warning for columns outside the contract: how many, and the names of those that
    are safe to repeat (at most MAX_EXTRA_COLUMNS_NAMED)."""
    shown = [label for label in map(shown_header, extra) if label]
    hidden = len(extra) - len(shown)
    text = f"{len(extra)} column(s) are not in the contract and were not stored"
    parts = []
    if shown:
        named = ", ".join(shown[:MAX_EXTRA_COLUMNS_NAMED])
        more = len(shown) - MAX_EXTRA_COLUMNS_NAMED
        parts.append(named + (f" and {more:,} more" if more > 0 else ""))
    if hidden:
        parts.append(
            f"{hidden:,} whose header is not shown because it could itself be personal data "
            "(a name or a date, say): check the export's headers"
        )
    return text + (": " + "; ".join(parts) if parts else "")


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
                f"{column_label(position, header)} looks like identifying or free-text data (its "
                f"name contains {word!r}); such data must never be loaded",
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
            f"its headers match none of the {len(DATASETS)} datasets ({', '.join(DATASETS)})",
            "use the column names in templates/ or docs/data-contract.md, add your system's "
            "names to config/aliases.toml, or say which dataset it is (the Dataset choice on "
            "the Data page, or --dataset on the command line).",
        )
    return best
