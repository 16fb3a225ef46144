"""The data contract of product.md §2: datasets, their columns, keys and allowed values.

This is the one place the contract is written down in Python. The staging SQL in
`queries/staging/` implements the same types and rules row by row; tests hold the two together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DATASETS = ("academies", "concerns", "referrals", "staff", "training", "policies", "transfers")

CATEGORIES = (
    "child_sexual_exploitation",
    "child_criminal_exploitation",
    "sharing_nudes",
    "online_safety",
    "child_on_child_abuse",
    "sexual_abuse",
    "physical_abuse",
    "emotional_abuse",
    "neglect",
    "domestic_abuse",
    "mental_health_self_harm",
    "missing_from_home_or_education",
    "radicalisation",
    "substance_misuse",
    "honour_based_abuse",
    "other",
)

# Allowed values of each enumerated column ("domain"). Matching ignores case and punctuation.
ENUMS: dict[str, tuple[str, ...]] = {
    "phase": ("primary", "secondary", "all_through", "special", "alternative_provision", "nursery"),
    "category": CATEGORIES,
    "outcome": ("monitor", "early_help", "referral", "advice", "no_further_action", "other"),
    "status": ("open", "closed"),
    "agency": (
        "children_social_care",
        "police",
        "lado",
        "early_help",
        "camhs",
        "prevent",
        "other",
    ),
    "decision": (
        "no_further_action",
        "early_help",
        "section_17",
        "section_47",
        "strategy_discussion",
        "advice",
        "other",
    ),
    "role": (
        "teacher",
        "support",
        "leadership",
        "principal",
        "governor",
        "trustee",
        "volunteer",
        "other",
    ),
    "safeguarding_role": ("none", "dsl", "deputy_dsl", "safeguarding_governor"),
    "course": (
        "safeguarding_induction",
        "safeguarding_update",
        "safeguarding_full",
        "dsl_full",
        "dsl_refresh",
        "kcsie_part1",
        "kcsie_annex_a",
        "kcsie_annex_b",
        "cse_awareness",
        "online_safety",
        "prevent",
        "governor_safeguarding",
        "other",
    ),
    "policy_type": (
        "child_protection_safeguarding",
        "child_sexual_exploitation",
        "online_safety",
        "acceptable_use",
        "relationships_sex_education",
        "allegations_against_staff",
        "whistleblowing",
        "staff_code_of_conduct",
        "other",
    ),
}


# Words a person reads in capitals (queries/models/value_label.sql spells values the same way).
ACRONYMS = ("dsl", "kcsie", "lado", "camhs", "send", "rse", "csc", "cse")


def label(code: str | None) -> str | None:
    """How a person reads a contract value: 'deputy_dsl' -> 'Deputy DSL'."""
    if code is None:
        return None
    words = [w.upper() if w in ACRONYMS or len(w) == 1 else w for w in str(code).split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, code, datetime, date, bool, int, enum
    required: bool = False
    domain: str | None = None  # for enum columns: the key of ENUMS


@dataclass(frozen=True)
class Dataset:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name, kind="text", required=False, domain=None) -> Column:
    if kind == "enum" and domain is None:
        domain = name
    return Column(name, kind, required, domain)


ACADEMY = _c("academy_code", "code", required=True)
# In the five academy-scoped datasets the academy can come from --academy instead of a column.
ACADEMY_OPTIONAL = _c("academy_code", "code")

CONTRACT: dict[str, Dataset] = {
    "academies": Dataset(
        "academies",
        key=("academy_code",),
        columns=(
            ACADEMY,
            _c("academy_name", required=True),
            _c("phase", "enum", required=True),
            _c("urn", "int"),
            _c("local_authority"),
            _c("pupils_on_roll", "int"),
        ),
    ),
    "concerns": Dataset(
        "concerns",
        key=("academy_code", "concern_id"),
        columns=(
            ACADEMY_OPTIONAL,
            _c("concern_id", required=True),
            _c("pupil_ref", required=True),
            _c("logged_at", "datetime", required=True),
            _c("category", "enum", required=True),
            _c("incident_at", "datetime"),
            _c("year_group", "int"),
            _c("cse_flag", "bool"),
            _c("dsl_reviewed_at", "datetime"),
            _c("decision_recorded", "bool"),
            _c("outcome", "enum"),
            _c("status", "enum"),
            _c("closed_at", "datetime"),
            _c("mentor_allocated", "bool"),
            _c("looked_after", "bool"),
            _c("send", "bool"),
            _c("child_protection_plan", "bool"),
            _c("missing_episode", "bool"),
            # Optional, added in schema 7: an academy whose export lacks them reads "not
            # collected", never 0 % (docs/data-contract.md).
            _c("pupil_informed_on", "date"),
            _c("pupil_views_recorded", "bool"),
            _c("mentor_last_contact_on", "date"),
            # Optional, schema 8: the pupil's pseudonym under the trust's linking key, the same
            # at every academy (docs/anonymise.md).
            _c("trust_pupil_ref"),
        ),
    ),
    "referrals": Dataset(
        "referrals",
        key=("academy_code", "referral_id"),
        columns=(
            ACADEMY_OPTIONAL,
            _c("referral_id", required=True),
            _c("agency", "enum", required=True),
            _c("referred_at", "datetime", required=True),
            _c("concern_id"),
            _c("pupil_ref"),
            _c("allegation_at", "datetime"),
            _c("immediate_danger", "bool"),
            _c("feedback_at", "datetime"),
            _c("decision", "enum"),
            _c("followed_up_at", "datetime"),
            _c("escalated_at", "datetime"),
            # Optional, added in schema 7 (as the three last concerns columns).
            _c("nfa_reconsidered_on", "date"),
            _c("early_help_offered", "bool"),
            _c("trust_pupil_ref"),  # optional, schema 8 (as concerns)
        ),
    ),
    "staff": Dataset(
        "staff",
        key=("academy_code", "staff_ref"),
        columns=(
            ACADEMY_OPTIONAL,
            _c("staff_ref", required=True),
            _c("role", "enum", required=True),
            _c("safeguarding_role", "enum"),
            _c("works_with_children", "bool"),
            _c("start_date", "date", required=True),
            _c("leave_date", "date"),
        ),
    ),
    "training": Dataset(
        "training",
        key=("academy_code", "staff_ref", "course", "completed_on"),
        columns=(
            ACADEMY_OPTIONAL,
            _c("staff_ref", required=True),
            _c("course", "enum", required=True),
            _c("completed_on", "date", required=True),
            _c("kcsie_edition", "int"),
            _c("provider"),
        ),
    ),
    "policies": Dataset(
        "policies",
        key=("academy_code", "policy_title"),
        columns=(
            ACADEMY_OPTIONAL,
            _c("policy_title", required=True),
            _c("policy_type", "enum"),
            _c("last_reviewed_on", "date"),
            _c("next_review_on", "date"),
            _c("review_cycle_months", "int"),
            _c("category"),
            _c("owner"),
            _c("approved_by"),
            _c("issued_on", "date"),
            _c("kcsie_edition_referenced", "int"),
            _c("published_on_website", "bool"),
        ),
    ),
    # Schema 9: one row per child with a child-protection file who left the academy (the
    # academy_code) for another school, in or outside the trust. KCSIE: the file goes to the new
    # school within 5 school days, and its receipt is confirmed.
    "transfers": Dataset(
        "transfers",
        key=("academy_code", "trust_pupil_ref", "left_on"),
        columns=(
            ACADEMY_OPTIONAL,
            _c("trust_pupil_ref", required=True),
            _c("pupil_ref"),
            _c("left_on", "date", required=True),
            _c("to_academy_code", "code"),
            _c("cp_file_sent_on", "date"),
            _c("receipt_confirmed_on", "date"),
        ),
    ),
}

# Optional columns added after academies had started sending exports (schema 7). A file without
# them loads as before, the columns null; an academy that never sends one is "not collected".
LATER_OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "concerns": ("pupil_informed_on", "pupil_views_recorded", "mentor_last_contact_on"),
    "referrals": ("nfa_reconsidered_on", "early_help_offered"),
}

ALL_CONTRACT_COLUMNS = frozenset(c for d in CONTRACT.values() for c in d.column_names)

_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def normalise_label(text: object) -> str:
    """Header and value matching ignores case, spaces, underscores, hyphens and punctuation."""
    return _NOT_ALNUM.sub("", str(text).lower())
