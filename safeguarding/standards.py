"""The trust's safeguarding standards (product.md §3), read from `config/standards.toml`.

The file is the one place targets live: deadlines in working days, training validity in months,
the current KCSIE edition, the required policy types. `load()` validates it and returns a
`Standards`; `Standards.query_parameters()` gives the values under the names the metric queries
bind (`$dsl_review_target_days`, `$kcsie_edition`, ...).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from safeguarding.contract import ENUMS
from safeguarding.paths import PROJECT_ROOT, config_dir

SHIPPED_STANDARDS = PROJECT_ROOT / "config" / "standards.toml"


class StandardsError(ValueError):
    """The standards file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Standards:
    dsl_review_target_days: int
    csc_feedback_target_days: int
    lado_referral_target_days: int
    training_valid_months: int
    training_courses: tuple[str, ...]
    induction_window_days: int
    dsl_full_valid_months: int
    dsl_update_valid_months: int
    governor_training_valid_months: int
    governor_training_courses: tuple[str, ...]
    kcsie_edition: int
    policy_due_soon_days: int
    stale_after_days: int
    suppression_threshold: int
    required_policy_types: tuple[str, ...]
    # A statutory item (CSC feedback, DSL review) still open after this many working days
    # past its deadline is marked "escalate" on the meeting's agenda.
    escalate_after_working_days: int
    # Wider patterns (CSE policy §8): this many concerns about one pupil in a term, without a
    # referral, is a pattern; a new concern within nfa_new_concern_days of a no-further-action
    # decision asks whether to re-refer.
    repeat_concerns_in_term: int
    nfa_new_concern_days: int
    # A mentored pupil is in frequent contact when the last contact is this recent (§16).
    mentor_contact_days: int
    # CSE awareness, online safety and Prevent training stay in date this many months (§10).
    topic_training_valid_months: int
    # A leaver's child-protection file reaches the new school by this many school days after
    # the day they left (KCSIE Part 2; school days: config/terms.toml).
    cp_file_transfer_school_days: int
    # The bodies that may approve a safeguarding policy (matched ignoring case and punctuation).
    policy_approving_bodies: tuple[str, ...]
    # The `source` of each section, e.g. sources["csc_feedback"], for tooltips and docs.
    sources: dict[str, str]
    # Statutory guidance title -> the edition in force ([guidance_editions]; KCSIE's comes
    # from [kcsie] current_edition). Policy documents citing an older edition are flagged.
    guidance_editions: dict[str, int] = field(default_factory=dict)
    guidance_editions_source: str | None = None

    def query_parameters(self) -> dict[str, Any]:
        """Every standard under its query parameter name (lists for the tuples)."""
        return {
            f.name: list(value) if isinstance(value, tuple) else value
            for f in fields(self)
            if f.name not in ("sources", "guidance_editions", "guidance_editions_source")
            for value in [getattr(self, f.name)]
        }


# Readers of one value each: they return it or raise a message fragment saying what is wrong.
def _whole_number(minimum: int) -> Callable[[Any], int]:
    def read(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"must be a whole number of {minimum} or more (found {value!r})")
        return value

    return read


def _edition(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
        raise ValueError(f"must be a year such as 2025 (found {value!r})")
    return value


def _list_of_names(value: Any) -> tuple[str, ...]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(item, str) and item.strip() for item in value)
    ):
        raise ValueError("must be a non-empty list of names in quotes")
    return tuple(item.strip() for item in value)


def _list_of(domain: str) -> Callable[[Any], tuple[str, ...]]:
    allowed = ENUMS[domain]

    def read(value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise ValueError(f"must be a non-empty list of {domain} values")
        for item in value:
            if item not in allowed:
                raise ValueError(
                    f"has {item!r}, which is not a {domain}; use one of: {', '.join(allowed)}"
                )
        if len(set(value)) != len(value):
            raise ValueError("lists a value twice")
        return tuple(value)

    return read


# section -> key in the file -> (Standards field, reader)
SCHEMA: dict[str, dict[str, tuple[str, Callable[[Any], Any]]]] = {
    "dsl_review": {"target_working_days": ("dsl_review_target_days", _whole_number(1))},
    "csc_feedback": {"target_working_days": ("csc_feedback_target_days", _whole_number(1))},
    "lado_referral": {"target_working_days": ("lado_referral_target_days", _whole_number(1))},
    "staff_training": {
        "valid_months": ("training_valid_months", _whole_number(1)),
        "courses": ("training_courses", _list_of("course")),
    },
    "induction": {"window_working_days": ("induction_window_days", _whole_number(1))},
    "dsl_training": {
        "full_valid_months": ("dsl_full_valid_months", _whole_number(1)),
        "update_valid_months": ("dsl_update_valid_months", _whole_number(1)),
    },
    "governor_training": {
        "valid_months": ("governor_training_valid_months", _whole_number(1)),
        "courses": ("governor_training_courses", _list_of("course")),
    },
    "kcsie": {"current_edition": ("kcsie_edition", _edition)},
    "policy_review": {"due_soon_days": ("policy_due_soon_days", _whole_number(0))},
    "data_freshness": {"stale_after_days": ("stale_after_days", _whole_number(1))},
    "suppression": {"threshold": ("suppression_threshold", _whole_number(0))},
    "required_policies": {"types": ("required_policy_types", _list_of("policy_type"))},
    "escalation": {"after_working_days": ("escalate_after_working_days", _whole_number(0))},
    "patterns": {
        "repeat_concerns_in_term": ("repeat_concerns_in_term", _whole_number(2)),
        "nfa_new_concern_days": ("nfa_new_concern_days", _whole_number(1)),
    },
    "mentoring": {"contact_within_days": ("mentor_contact_days", _whole_number(1))},
    "topic_training": {"valid_months": ("topic_training_valid_months", _whole_number(1))},
    "policy_approval": {"approving_bodies": ("policy_approving_bodies", _list_of_names)},
    "cp_file_transfer": {"target_school_days": ("cp_file_transfer_school_days", _whole_number(1))},
}
APPROVING_BODIES = [
    "Trust board",
    "Board of trustees",
    "Local governing body",
    "Local governing committee",
    "Governing body",
]
CP_FILE_TRANSFER_SOURCE = (
    "KCSIE 2025 Part 2 (the DSL transfers the child protection file to the new school within "
    "5 days for an in-year transfer or within the first 5 days of the start of a new term)"
)
# Sections added after trusts wrote their own files: a file without one gets these values.
DEFAULT_SECTIONS: dict[str, dict[str, Any]] = {
    "escalation": {
        "after_working_days": 5,
        "source": "Trust practice: escalate to the local authority's safeguarding partnership",
    },
    "patterns": {
        "repeat_concerns_in_term": 3,
        "nfa_new_concern_days": 90,
        "source": "CSE policy §8 (identify wider patterns) and §15 (re-referral after NFA)",
    },
    "mentoring": {
        "contact_within_days": 14,
        "source": "CSE policy §16 (mentors allocated, frequent contact maintained)",
    },
    "topic_training": {
        "valid_months": 12,
        "source": "CSE policy §10 (training at induction and at least annually)",
    },
    "policy_approval": {
        "approving_bodies": APPROVING_BODIES,
        "source": "Trust scheme of delegation: safeguarding policies approved by the board",
    },
    "cp_file_transfer": {
        "target_school_days": 5,
        "source": CP_FILE_TRANSFER_SOURCE,
    },
}


def standards_file() -> Path:
    """The trust's file in the config directory, else the defaults shipped with the code."""
    trust_file = config_dir() / "standards.toml"
    return trust_file if trust_file.is_file() else SHIPPED_STANDARDS


def load(path: Path | None = None) -> Standards:
    path = Path(path) if path else standards_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StandardsError(f"The standards file {path} does not exist.") from None
    return _parsed(text, str(path))


# A page asks for the standards dozens of times a run; parsing the file each time was a
# fifth of a warm page. Keyed by the text, so an edited file is read afresh at once.
@functools.lru_cache(maxsize=16)
def _parsed(text: str, path: str) -> Standards:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise StandardsError(f"{path} is not valid TOML: {error}. Fix the file.") from None
    return parse(document, path)


# Optional: a trust's file written before this section existed still loads.
GUIDANCE_SECTION = "guidance_editions"
KCSIE_TITLE = "Keeping Children Safe in Education"


def parse(document: dict[str, Any], path: Path | str = "standards.toml") -> Standards:
    unknown = sorted(set(document) - set(SCHEMA) - {GUIDANCE_SECTION})
    if unknown:
        raise StandardsError(
            f"{path}: unknown section [{unknown[0]}]. The sections are: {', '.join(SCHEMA)}."
        )
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for section, keys in SCHEMA.items():
        table = document.get(section, DEFAULT_SECTIONS.get(section))
        if not isinstance(table, dict):
            raise StandardsError(f"{path}: the section [{section}] is missing.")
        extra = sorted(set(table) - set(keys) - {"source"})
        if extra:
            raise StandardsError(
                f"{path}: [{section}] has an unknown key {extra[0]!r}; "
                f"expected {', '.join(keys)} and source."
            )
        source = table.get("source")
        if not isinstance(source, str) or not source.strip():
            raise StandardsError(
                f"{path}: [{section}] source is missing; say where the standard comes from."
            )
        sources[section] = source.strip()
        for key, (field_name, read) in keys.items():
            if key not in table:
                raise StandardsError(f"{path}: [{section}] {key} is missing.")
            try:
                values[field_name] = read(table[key])
            except ValueError as problem:
                raise StandardsError(f"{path}: [{section}] {key} {problem}.") from None
    editions = _guidance_editions(document.get(GUIDANCE_SECTION), values["kcsie_edition"], path)
    guidance_source = document.get(GUIDANCE_SECTION, {}).get("source")
    return Standards(
        **values,
        sources=sources,
        guidance_editions=editions,
        guidance_editions_source=guidance_source.strip() if guidance_source else None,
    )


def _guidance_editions(table: Any, kcsie_edition: int, path: Path | str) -> dict[str, int]:
    """[guidance_editions]: "Title" = year, plus a source. KCSIE's edition is [kcsie]'s."""
    editions = {KCSIE_TITLE: kcsie_edition}
    if table is None:
        return editions
    where = f"{path}: [{GUIDANCE_SECTION}]"
    if not isinstance(table, dict):
        raise StandardsError(f'{where} must be a table of "Guidance title" = edition year.')
    source = table.get("source")
    if not isinstance(source, str) or not source.strip():
        raise StandardsError(f"{where} source is missing; say where the editions come from.")
    for title, year in table.items():
        if title == "source":
            continue
        try:
            edition = _edition(year)
        except ValueError as problem:
            raise StandardsError(f"{where} {title!r} {problem}.") from None
        if title.strip().lower() == KCSIE_TITLE.lower() and edition != kcsie_edition:
            raise StandardsError(
                f"{where} {title!r} = {edition} disagrees with [kcsie] current_edition = "
                f"{kcsie_edition}; set KCSIE's edition in [kcsie] only."
            )
        editions[title.strip()] = edition
    return editions
