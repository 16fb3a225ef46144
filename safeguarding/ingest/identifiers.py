"""Spotting real identifiers in an export, so that none ever enters the database.

A file is refused when a header names identifying data or when a column (any column) mostly
holds values shaped like real identifiers (product.md §2). Messages name the column and the kind of
identifier, never a value.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from safeguarding.contract import normalise_label

IDENTIFYING_HEADER_WORDS = (
    "name",
    "forename",
    "surname",
    "dob",
    "dateofbirth",
    "birth",
    "upn",
    "address",
    "postcode",
    "email",
    "phone",
    "telephone",
    "mobile",
    "nhsnumber",
    "ninumber",
    "nino",
    "nationalinsurance",
    "description",
    "notes",
    "details",
    "narrative",
    "summary",
)

SAMPLE_SIZE = 1000

# The DfE check-letter alphabet: 23 letters, no I, O or S.
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_SHAPE = re.compile(r"[A-Z]\d{11}[0-9A-Z]")


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it (DfE UPN guidance, weights 2 to 13).

    The last character may be a letter (temporary UPNs); it counts as its place in the
    check-letter alphabet.
    """
    total = 0
    for weight, ch in enumerate(body, start=2):
        value = int(ch) if ch.isdigit() else _UPN_LETTERS.index(ch)
        total += weight * value
    return _UPN_LETTERS[total % 23]


def is_valid_upn(value: str) -> bool:
    value = value.strip().upper()
    if not _UPN_SHAPE.fullmatch(value):
        return False
    last = value[-1]
    if not last.isdigit() and last not in _UPN_LETTERS:
        return False
    return value[0] == upn_check_letter(value[1:])


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_POSTCODE = re.compile(r"(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})", re.I)
_NI_NUMBER = re.compile(
    r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]",
    re.I,
)
_PHONE_CHARS = re.compile(r"[\d\s()+-]+")
_UK_PHONE_DIGITS = re.compile(r"(?:\+44|0044|0)[1-37-9]\d{8,9}")


def _is_phone(value: str) -> bool:
    if not _PHONE_CHARS.fullmatch(value):
        return False
    return bool(_UK_PHONE_DIGITS.fullmatch(re.sub(r"[\s()-]", "", value)))


DETECTORS = (
    ("UPNs (unique pupil numbers)", is_valid_upn),
    ("e-mail addresses", lambda v: bool(_EMAIL.fullmatch(v))),
    ("UK postcodes", lambda v: bool(_POSTCODE.fullmatch(v))),
    ("National Insurance numbers", lambda v: bool(_NI_NUMBER.fullmatch(v))),
    ("UK phone numbers", _is_phone),
)


def identifying_header(header: str) -> str | None:
    """The identifying word a header contains, if any."""
    key = normalise_label(header)
    return next((word for word in IDENTIFYING_HEADER_WORDS if word in key), None)


# Every detector needs a digit or an "@" (as re's \d sees digits): a value with neither is none.
_MAYBE_IDENTIFIER = re.compile(r"[\d@]")
# A value no detector can match has none of these shapes (each detector above needs its own:
# a UPN's, an e-mail's, a postcode's, an NI number's, or ten phone characters whose first digit
# is a 0 or a +). Dates, record ids and counts have none, so most values are judged by this
# one pattern.
_ANY_SHAPE = re.compile(
    "|".join(
        f"(?:{pattern})"
        for pattern in (
            _UPN_SHAPE.pattern,
            _EMAIL.pattern,
            _POSTCODE.pattern,
            _NI_NUMBER.pattern,
            r"[\s()-]*[+0][\d\s()+-]{9,}",
        )
    ),
    re.I,
)


def identifier_kind(values: Iterable[str | None]) -> str | None:
    """The kind of identifier more than half of the first 1,000 non-blank values look like."""
    sample = []
    for value in values:
        if value is not None and value.strip():
            sample.append(value.strip())
            if len(sample) == SAMPLE_SIZE:
                break
    if not sample:
        return None
    # Each distinct value is judged once; values that no detector can match are skipped.
    candidates = Counter(v for v in sample if _MAYBE_IDENTIFIER.search(v))
    if sum(candidates.values()) * 2 <= len(sample):
        return None
    candidates = Counter({v: n for v, n in candidates.items() if _ANY_SHAPE.fullmatch(v)})
    if sum(candidates.values()) * 2 <= len(sample):
        return None
    for kind, looks_like in DETECTORS:
        if sum(n for v, n in candidates.items() if looks_like(v)) * 2 > len(sample):
            return kind
    return None
