"""Policy registers, the trust's and each academy's: a few reviews overdue or due soon, a
required policy missing where the trust's shape says so."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np

from safeguarding.demo.styles import export_style
from safeguarding.demo.tables import Table, new_table
from safeguarding.demo.trust import MISSING_POLICY_TYPES, Academy, DemoOptions, seeded_random

ACADEMY_POLICIES = (  # title, type, review cycle in months
    ("Child Protection and Safeguarding Policy", "child_protection_safeguarding", 12),
    ("Online Safety Policy", "online_safety", 12),
    ("Acceptable Use Policy", "acceptable_use", 12),
    ("Relationships and Sex Education Policy", "relationships_sex_education", 24),
    ("Behaviour Policy", "other", 12),
    ("Anti-bullying Policy", "other", 12),
    ("Attendance Policy", "other", 12),
    ("SEND Policy", "other", 12),
    ("Supporting Pupils with Medical Conditions Policy", "other", 24),
)
TRUST_POLICIES = (
    ("Trust Child Sexual Exploitation Policy", "child_sexual_exploitation", 12),
    ("Trust Whistleblowing Policy", "whistleblowing", 24),
    ("Trust Staff Code of Conduct", "staff_code_of_conduct", 12),
    ("Trust Allegations Against Staff Policy", "allegations_against_staff", 12),
    ("Trust Complaints Policy", "other", 24),
    ("Trust Data Protection Policy", "other", 12),
)
# Titles whose type the ingest derives from config/aliases.toml when the column is blank.
DERIVABLE_TYPES = {"child_protection_safeguarding", "online_safety", "acceptable_use"}


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def make_policies(
    code: str,
    entries: tuple[tuple[str, str, int], ...],
    options: DemoOptions,
    rnd: random.Random,
    overdue: int,
    due_soon: int,
    title_suffix: str = "",
) -> Table:
    """A register where `overdue` rows are past their review date and `due_soon` fall due in
    the next 30 days; the rest are in date."""
    today = options.today
    n = len(entries)
    states = ["overdue"] * overdue + ["due_soon"] * due_soon
    states += ["in_date"] * (n - len(states))
    rnd.shuffle(states)
    table = new_table("policies", n)
    table["academy_code"][:] = code
    for i, ((title, policy_type, cycle), state) in enumerate(zip(entries, states, strict=True)):
        if state == "overdue":
            next_review = today - dt.timedelta(days=rnd.randint(5, 120))
        elif state == "due_soon":
            next_review = today + dt.timedelta(days=rnd.randint(0, 30))
        else:
            next_review = today + dt.timedelta(days=rnd.randint(45, 300))
        last_reviewed = add_months(next_review, -cycle)
        table["policy_title"][i] = title + title_suffix
        blank_type = policy_type in DERIVABLE_TYPES and rnd.random() < 0.3
        table["policy_type"][i] = "" if blank_type else policy_type
        table["last_reviewed_on"][i] = np.datetime64(last_reviewed)
        # Some registers leave the next date to be worked out from the cycle.
        if rnd.random() < 0.8 or add_months(last_reviewed, cycle) != next_review:
            table["next_review_on"][i] = np.datetime64(next_review)
        table["review_cycle_months"][i] = cycle
        table["category"][i] = "Safeguarding" if policy_type != "other" else "Pupils"
        owners = (
            ("Trust safeguarding lead", "Trust HR director")
            if code == "TRUST"
            else (
                "DSL",
                "Headteacher",
            )
        )
        table["owner"][i] = rnd.choice(owners)
        table["approved_by"][i] = "Trust board" if code == "TRUST" else "Local governing body"
        table["issued_on"][i] = np.datetime64(last_reviewed + dt.timedelta(days=7))
        if policy_type in ("child_protection_safeguarding", "child_sexual_exploitation"):
            edition = options.kcsie_edition
            table["kcsie_edition_referenced"][i] = rnd.choice([edition - 1, edition])
        table["published_on_website"][i] = 1 if rnd.random() < 0.85 else 0
    return table


def academy_policies(academy: Academy, options: DemoOptions) -> Table:
    missing = MISSING_POLICY_TYPES.get(academy.position)
    entries = tuple(entry for entry in ACADEMY_POLICIES if entry[1] != missing)
    rnd = seeded_random(options, academy.code, "policies")
    return make_policies(
        academy.code,
        entries,
        options,
        rnd,
        overdue=rnd.choice([0, 0, 1, 2]),
        due_soon=rnd.choice([0, 1, 1, 2]),
        # Windows-1252 shows itself only in non-ASCII text: "Behaviour Policy – Willow".
        title_suffix=f" – {academy.label}"
        if export_style(academy.style_position, "policies").encoding == "cp1252"
        else "",
    )


def trust_policies(options: DemoOptions) -> Table:
    rnd = seeded_random(options, "TRUST", "policies")
    return make_policies("TRUST", TRUST_POLICIES, options, rnd, 1, 1)
