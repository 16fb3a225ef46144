"""A synthetic demo trust: contract export files with a few planted faults.

Every value is drawn from seeded generators, one per academy and purpose, so the same seed and
the same "today" give byte-identical files (XLSX included: the timestamps inside the workbook
and its zip container are pinned). Identifiers are obvious pseudonyms (PUP-OAK-000123,
STF-OAK-0042); nothing is shaped like a UPN, a name, an e-mail address or a postcode.

The files exercise the contract the way real exports do: CSV in UTF-8, UTF-8 with a BOM and
Windows-1252, XLSX with real date cells, header and value aliases from config/aliases.toml, UK
dates, a couple of category labels outside the taxonomy (they load as `other`), and a few rows
that ingest must quarantine, listed in planted_faults.json.

Volumes follow a realistic trust by default. product.md §7 defines its large-trust benchmark by
volumes (100 academies x 5 years = about a million concerns), which needs about five times the
concerns per pupil of an ordinary school, so concern volumes scale up with the trust's size
unless `scale` is given.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import holidays
import numpy as np
from openpyxl import Workbook

from safeguarding import clock, standards
from safeguarding.contract import CONTRACT
from safeguarding.templates import save_reproducible_xlsx

DEFAULT_ACADEMIES = 8
DEFAULT_YEARS = 3
MANIFEST_NAME = "planted_faults.json"
ACADEMIES_FILE = "academies.csv"
TRUST_POLICIES_FILE = "TRUST-policies.csv"
# Above this many rows an export is written as CSV even where its style says XLSX: openpyxl is
# slow on big sheets, and academies with big files export CSV in practice.
XLSX_MAX_ROWS = 20_000
# Shaped like an academy code, but in no trust's reference.
UNKNOWN_ACADEMY_CODE = "ZZ9"
UNKNOWN_AGENCY_LABEL = "Housing"

TREES = (
    "Oak", "Elm", "Ash", "Birch", "Willow", "Hazel", "Rowan", "Alder",
    "Beech", "Cedar", "Holly", "Larch", "Maple", "Pine", "Poplar", "Yew",
    "Lime", "Spruce", "Hawthorn", "Sycamore", "Cherry", "Aspen", "Walnut", "Chestnut",
    "Juniper", "Laurel", "Hornbeam", "Damson", "Quince", "Elder", "Myrtle", "Olive",
)  # fmt: skip
# The hand-picked default trust: a mix of phases and sizes (pupils on roll).
DEFAULT_TRUST = (
    ("primary", 210),
    ("secondary", 1150),
    ("primary", 420),
    ("secondary", 1580),
    ("primary", 150),
    ("special", 160),
    ("secondary", 780),
    ("primary", 590),
)
PHASE_NAMES = {
    "primary": "Primary Academy",
    "secondary": "Secondary Academy",
    "special": "Special School",
    "all_through": "All-through Academy",
}
LOCAL_AUTHORITIES = ("Demo Shire Council", "Demo City Council", "Demo Borough Council")
YEAR_GROUPS = {"primary": (-1, 6), "secondary": (7, 13), "special": (1, 14), "all_through": (0, 13)}
CONCERNS_PER_PUPIL = {
    "primary": (0.35, 0.55),
    "secondary": (0.45, 0.9),
    "special": (0.9, 1.4),
    "all_through": (0.5, 0.8),
}
STAFF_PER_PUPIL = {"primary": 0.1, "secondary": 0.095, "special": 0.35, "all_through": 0.095}
# What goes wrong where, by academy position (0 = the first academy), whatever the trust's size:
# a deputy DSL whose training has lapsed, required policies missing from the register, and
# category labels outside the taxonomy (label, rows).
UNTRAINED_DEPUTY_POSITION = 4
MISSING_POLICY_TYPES = {4: "acceptable_use", 6: "relationships_sex_education"}
UNKNOWN_CATEGORY_LABELS = {5: ("Bullying", 3), 6: ("Attendance", 2)}

# Relative weights of concern categories by phase; CSE is set per academy (1-3 %).
CATEGORY_WEIGHTS = {
    "primary": {
        "child_criminal_exploitation": 0.2, "sharing_nudes": 0.5, "online_safety": 7,
        "child_on_child_abuse": 12, "sexual_abuse": 2, "physical_abuse": 9,
        "emotional_abuse": 13, "neglect": 16, "domestic_abuse": 13,
        "mental_health_self_harm": 9, "missing_from_home_or_education": 4,
        "radicalisation": 0.3, "substance_misuse": 1, "honour_based_abuse": 0.3, "other": 9,
    },
    "secondary": {
        "child_criminal_exploitation": 3, "sharing_nudes": 7, "online_safety": 8,
        "child_on_child_abuse": 13, "sexual_abuse": 2, "physical_abuse": 5,
        "emotional_abuse": 8, "neglect": 7, "domestic_abuse": 8,
        "mental_health_self_harm": 20, "missing_from_home_or_education": 5,
        "radicalisation": 1, "substance_misuse": 5, "honour_based_abuse": 0.5, "other": 8,
    },
}  # fmt: skip
CATEGORY_WEIGHTS["special"] = CATEGORY_WEIGHTS["primary"]
CATEGORY_WEIGHTS["all_through"] = CATEGORY_WEIGHTS["secondary"]
YEARLY_MODULES = (("prevent", 0.6), ("online_safety", 0.8), ("cse_awareness", 0.6))
PROVIDERS = (
    "Trust safeguarding team",
    "Demo online training platform",
    "Local safeguarding partnership",
    "In-house INSET",
)


# ---------------------------------------------------------------------------------------------
# The trust


@dataclass(frozen=True)
class DemoOptions:
    seed: int = 1
    academies: int = DEFAULT_ACADEMIES
    years: int = DEFAULT_YEARS
    today: dt.date = field(default_factory=clock.today)
    scale: float | None = None  # concerns multiplier; None = by trust size (module docstring)
    # Staff read each September's KCSIE edition up to this one; None = the trust's current
    # edition in config/standards.toml.
    kcsie_edition: int | None = None

    @property
    def concern_scale(self) -> float:
        return self.scale if self.scale is not None else max(1.0, self.academies / 20)

    @property
    def window_start(self) -> dt.date:
        """1 September `years` academic years before the current one: that many complete
        years, so trends by term start on a whole term, and the current year so far."""
        current = self.today.year if self.today.month >= 9 else self.today.year - 1
        return dt.date(current - self.years, 9, 1)


@dataclass(frozen=True)
class Academy:
    position: int  # 0-based; position % 8 picks the export style
    code: str
    name: str
    phase: str
    pupils_on_roll: int
    urn: int
    local_authority: str

    @property
    def label(self) -> str:
        """The short name: "Willow" in "Demo Willow Primary Academy"."""
        return self.name.removeprefix("Demo ").removesuffix(" " + PHASE_NAMES[self.phase])

    @property
    def style_position(self) -> int:
        return self.position % len(DEFAULT_TRUST)


@dataclass(frozen=True)
class Traits:
    """How an academy's practice differs from the next one's: rates and shares."""

    concerns_per_pupil: float
    cse_share: float
    review_split: tuple[float, float, float]  # same day, next working day, late (rest: none)
    decision_recorded: float
    mentor_allocated: float
    referral_share: float
    csc_split: tuple[float, float]  # on time, late (rest: no feedback)
    follow_up: float
    renew_on_time: float
    kcsie_part1: float
    kcsie_annex_b: float
    governor_training: float
    inset_style: bool  # annual update on the September INSET day rather than on anniversaries
    staff_in_post: int


def make_academies(options: DemoOptions) -> list[Academy]:
    rnd = random.Random(f"academies-{options.seed}")
    academies = []
    for position in range(options.academies):
        tree = TREES[position % len(TREES)]
        round_ = position // len(TREES)
        suffix = str(round_ + 1) if round_ else ""
        if position < len(DEFAULT_TRUST):
            phase, pupils = DEFAULT_TRUST[position]
            pupils = round(pupils * rnd.uniform(0.95, 1.05))
        else:
            phase = rnd.choices(list(PHASE_NAMES), weights=(62, 28, 5, 5))[0]
            low, high = {
                "primary": (150, 650),
                "secondary": (700, 1600),
                "special": (90, 260),
                "all_through": (1100, 1900),
            }[phase]
            pupils = rnd.randint(low, high)
        label = f"{tree} {suffix}".strip()
        academies.append(
            Academy(
                position=position,
                code=f"{tree.upper()}{suffix}",
                name=f"Demo {label} {PHASE_NAMES[phase]}",
                phase=phase,
                pupils_on_roll=pupils,
                urn=990001 + position,
                local_authority=LOCAL_AUTHORITIES[position % len(LOCAL_AUTHORITIES)],
            )
        )
    return academies


def make_traits(academy: Academy, rnd: random.Random) -> Traits:
    review_late, review_missing = rnd.uniform(0.03, 0.1), rnd.uniform(0.01, 0.05)
    review_next_day = rnd.uniform(0.12, 0.3)
    csc_late, csc_missing = rnd.uniform(0.08, 0.2), rnd.uniform(0.05, 0.15)
    low, high = CONCERNS_PER_PUPIL[academy.phase]
    return Traits(
        concerns_per_pupil=rnd.uniform(low, high),
        cse_share=rnd.uniform(0.01, 0.03),
        review_split=(
            1 - review_next_day - review_late - review_missing,
            review_next_day,
            review_late,
        ),
        decision_recorded=rnd.uniform(0.85, 0.99),
        mentor_allocated=rnd.uniform(0.7, 0.98),
        referral_share=rnd.uniform(0.04, 0.06),
        csc_split=(1 - csc_late - csc_missing, csc_late),
        follow_up=rnd.uniform(0.25, 0.8),
        renew_on_time=rnd.uniform(0.7, 0.97),
        kcsie_part1=rnd.uniform(0.6, 0.95),
        kcsie_annex_b=rnd.uniform(0.5, 0.9),
        governor_training=rnd.uniform(0.6, 0.95),
        inset_style=academy.position % 2 == 1,
        staff_in_post=round(18 + academy.pupils_on_roll * STAFF_PER_PUPIL[academy.phase]),
    )


# ---------------------------------------------------------------------------------------------
# Calendar: days are "epoch days" (days since 1970-01-01, numpy's datetime64[D] integers)

EPOCH = dt.date(1970, 1, 1)


def epoch_day(day: dt.date) -> int:
    return (day - EPOCH).days


def from_epoch_day(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


class SchoolCalendar:
    """Working days (Mon-Fri except England and Wales bank holidays) and school-day weights."""

    def __init__(self, first: dt.date, last: dt.date):
        self.first = epoch_day(first)
        self.last = epoch_day(last)
        years = range(first.year - 1, last.year + 2)
        bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=years)
        self._bank_holidays = np.array(sorted(epoch_day(d) for d in bank_holidays))
        days = np.arange(self.first, self.last + 1)
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
        self.workdays = days[(weekday < 5) & ~np.isin(days, self._bank_holidays)]
        self._good_fridays = [
            epoch_day(d) for d, name in bank_holidays.items() if name == "Good Friday"
        ]

    def add_working_days(self, days, n):
        """The n-th working day after each day (n >= 1); works on scalars and arrays."""
        index = np.searchsorted(self.workdays, days, side="right") + np.asarray(n) - 1
        return self.workdays[index]

    def on_or_after(self, day: int) -> int:
        """The day itself when it is a working day, else the next working day."""
        return int(self.workdays[np.searchsorted(self.workdays, day, side="left")])

    def is_working_day(self, days: np.ndarray) -> np.ndarray:
        index = np.searchsorted(self.workdays, days).clip(0, len(self.workdays) - 1)
        return self.workdays[index] == days

    def school_day_weights(self, days: np.ndarray) -> np.ndarray:
        """Concerns are logged mostly in term time; holidays and weekends see a few."""
        dates = days.astype("datetime64[D]")
        months = dates.astype("datetime64[M]").astype(int) % 12 + 1
        day_of_month = (dates - dates.astype("datetime64[M]")).astype(int) + 1
        holiday = (
            (months == 8)
            | ((months == 7) & (day_of_month >= 22))
            | ((months == 12) & (day_of_month >= 21))
            | ((months == 1) & (day_of_month <= 3))
            | ((months == 10) & (day_of_month >= 25))
            | ((months == 2) & (day_of_month >= 14) & (day_of_month <= 20))
            | ((months == 5) & (day_of_month >= 26))
        )
        for good_friday in self._good_fridays:
            holiday |= (days >= good_friday - 4) & (days <= good_friday + 10)
        weights = np.where(holiday, 0.15, 1.0)
        return np.where(self.is_working_day(days), weights, 0.04)

    def first_september_workday(self, year: int) -> int:
        return self.on_or_after(epoch_day(dt.date(year, 9, 1)))


# ---------------------------------------------------------------------------------------------
# Tables: one numpy array per contract column. Kinds follow safeguarding.contract:
# text/enum/code -> object array of str ("" = blank); bool -> int8 (-1 blank, 0, 1);
# int -> float64 (nan blank); date -> datetime64[D]; datetime -> datetime64[s] (NaT blank).

Table = dict[str, np.ndarray]
NAT = np.datetime64("NaT", "s")


def table_length(table: Table) -> int:
    return len(next(iter(table.values())))


def empty_column(kind: str, n: int) -> np.ndarray:
    if kind == "bool":
        return np.full(n, -1, dtype=np.int8)
    if kind == "int":
        return np.full(n, np.nan)
    if kind == "date":
        return np.full(n, np.datetime64("NaT", "D"))
    if kind == "datetime":
        return np.full(n, NAT)
    return np.full(n, "", dtype=object)


def new_table(dataset: str, n: int) -> Table:
    return {c.name: empty_column(c.kind, n) for c in CONTRACT[dataset].columns}


def bool_column(rng: np.random.Generator, n: int, p_true: float) -> np.ndarray:
    return (rng.random(n) < p_true).astype(np.int8)


def seconds(values) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype("timedelta64[s]")


def at_time(days: np.ndarray, seconds_of_day: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[s]") + seconds(seconds_of_day)


def office_hours(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight, mostly 08:30-17:00."""
    return rng.integers(8 * 3600 + 1800, 17 * 3600, n)


def day_of(timestamps: np.ndarray) -> np.ndarray:
    return timestamps.astype("datetime64[D]").astype(np.int64)


# ---------------------------------------------------------------------------------------------
# Concerns and referrals (vectorised: a large trust has a million concerns)


def make_concerns(
    academy: Academy,
    traits: Traits,
    options: DemoOptions,
    calendar: SchoolCalendar,
    rng: np.random.Generator,
) -> Table:
    first, last = epoch_day(options.window_start), epoch_day(options.today)
    cutoff = np.datetime64(options.today, "s") + np.timedelta64(86399, "s")
    window_days = np.arange(first, last + 1)
    weights = calendar.school_day_weights(window_days)
    years_covered = len(window_days) / 365.25
    expected = (
        academy.pupils_on_roll * traits.concerns_per_pupil * years_covered * options.concern_scale
    )
    n = max(20, int(rng.poisson(expected)))

    days = np.sort(rng.choice(window_days, size=n, p=weights / weights.sum()))
    weekday = calendar.is_working_day(days)
    time_of_day = np.where(
        weekday,
        np.clip(rng.normal(13 * 3600, 2.5 * 3600, n), 7.5 * 3600, 19.5 * 3600),
        rng.integers(9 * 3600, 21 * 3600, n),
    ).astype(np.int64)
    logged = at_time(days, time_of_day)
    order = np.argsort(logged, kind="stable")
    logged, days = logged[order], days[order]

    table = new_table("concerns", n)
    table["academy_code"][:] = academy.code
    table["concern_id"] = np.array(
        [f"CON-{academy.code}-{i:06d}" for i in range(1, n + 1)], dtype=object
    )

    # Pupils: a skewed few have many concerns; characteristics belong to the pupil.
    pupils = max(50, int(academy.pupils_on_roll * (1 + 0.2 * options.years)))
    pupil = (pupils * rng.random(n) ** 2.2).astype(np.int64)
    shuffle = rng.permutation(pupils)
    pupil = shuffle[pupil]
    table["pupil_ref"] = np.array(
        [f"PUP-{academy.code}-{p + 1:06d}" for p in range(pupils)], dtype=object
    )[pupil]
    table["logged_at"] = logged

    categories = list(CATEGORY_WEIGHTS[academy.phase])
    probabilities = np.array([CATEGORY_WEIGHTS[academy.phase][c] for c in categories])
    probabilities = probabilities / probabilities.sum() * (1 - traits.cse_share)
    categories.append("child_sexual_exploitation")
    probabilities = np.append(probabilities, traits.cse_share)
    category = np.array(categories, dtype=object)[rng.choice(len(categories), n, p=probabilities)]
    table["category"] = category
    is_cse = category == "child_sexual_exploitation"

    seen_earlier = rng.random(n) < 0.7
    incident = logged - seconds(rng.integers(0, 2 * 86400, n))
    table["incident_at"] = np.where(seen_earlier, incident, NAT)

    low, high = YEAR_GROUPS[academy.phase]
    pupil_year = rng.integers(low, high + 1, pupils)
    years_in = ((days - first) // 365).astype(np.int64)
    year_group = np.minimum(pupil_year[pupil] + years_in, high).astype(float)
    year_group[rng.random(n) < 0.03] = np.nan
    table["year_group"] = year_group

    risky = np.isin(category, ["sharing_nudes", "missing_from_home_or_education", "online_safety"])
    table["cse_flag"] = np.where(is_cse, 1, (risky & (rng.random(n) < 0.04))).astype(np.int8)

    same, next_day, late = traits.review_split
    kind = rng.random(n)
    review_same = logged + seconds(rng.integers(300, 5 * 3600, n))
    review_next = at_time(calendar.add_working_days(days, 1), office_hours(rng, n))
    review_late = at_time(
        calendar.add_working_days(days, rng.integers(2, 6, n)), office_hours(rng, n)
    )
    reviewed = np.where(
        kind < same,
        review_same,
        np.where(
            kind < same + next_day,
            review_next,
            np.where(kind < same + next_day + late, review_late, NAT),
        ),
    )
    reviewed = np.where(reviewed > cutoff, NAT, reviewed)
    table["dsl_reviewed_at"] = reviewed

    decided = rng.random(n) < traits.decision_recorded
    table["decision_recorded"] = np.where(
        np.isnat(reviewed), np.where(rng.random(n) < 0.5, -1, 0), decided
    ).astype(np.int8)

    outcome_labels = np.array(
        ["monitor", "advice", "early_help", "no_further_action", "other"], dtype=object
    )
    outcome = outcome_labels[rng.choice(5, n, p=[0.5, 0.15, 0.1, 0.22, 0.03])]
    table["outcome"] = np.where(np.isnat(reviewed), "", outcome).astype(object)

    age_days = last - days
    closing = (age_days > 20) & (rng.random(n) < 0.85) & ~np.isnat(reviewed)
    closed_at = at_time(days + rng.integers(1, 45, n), office_hours(rng, n))
    closing &= closed_at <= cutoff
    table["status"] = np.where(closing, "closed", np.where(rng.random(n) < 0.3, "", "open"))
    table["status"] = table["status"].astype(object)
    table["closed_at"] = np.where(closing, closed_at, NAT)

    mentor = bool_column(rng, n, traits.mentor_allocated)
    table["mentor_allocated"] = np.where(table["cse_flag"] == 1, mentor, -1).astype(np.int8)

    looked_after = rng.random(pupils) < 0.05
    send = rng.random(pupils) < (0.95 if academy.phase == "special" else 0.18)
    plan = rng.random(pupils) < 0.06
    table["looked_after"] = looked_after[pupil].astype(np.int8)
    table["send"] = send[pupil].astype(np.int8)
    table["child_protection_plan"] = plan[pupil].astype(np.int8)
    missing = np.isin(category, ["missing_from_home_or_education", "child_sexual_exploitation"])
    table["missing_episode"] = (rng.random(n) < np.where(missing, 0.5, 0.02)).astype(np.int8)
    return table


def make_referrals(
    academy: Academy,
    traits: Traits,
    concerns: Table,
    options: DemoOptions,
    calendar: SchoolCalendar,
    rng: np.random.Generator,
) -> Table:
    cutoff = np.datetime64(options.today, "s") + np.timedelta64(86399, "s")
    category = concerns["category"]
    serious = np.isin(
        category,
        [
            "child_sexual_exploitation",
            "child_criminal_exploitation",
            "sexual_abuse",
            "physical_abuse",
            "radicalisation",
            "honour_based_abuse",
        ],
    )
    chance = np.where(serious, 0.15, traits.referral_share * 0.75)
    chosen = np.flatnonzero(rng.random(len(category)) < chance)
    concerns["outcome"][chosen] = "referral"
    n_from_concerns = len(chosen)

    agencies = np.array(
        ["children_social_care", "early_help", "police", "camhs", "other"], dtype=object
    )
    agency = agencies[rng.choice(5, n_from_concerns, p=[0.72, 0.11, 0.08, 0.07, 0.02])]
    picked_category = category[chosen]
    agency = np.where(
        picked_category == "radicalisation",
        np.where(rng.random(n_from_concerns) < 0.7, "prevent", "police"),
        agency,
    )
    agency = np.where(
        (picked_category == "mental_health_self_harm") & (rng.random(n_from_concerns) < 0.5),
        "camhs",
        agency,
    ).astype(object)

    logged = concerns["logged_at"][chosen]
    logged_day = day_of(logged)
    later = at_time(
        calendar.add_working_days(logged_day, rng.integers(1, 3, n_from_concerns)),
        office_hours(rng, n_from_concerns),
    )
    referred = np.where(
        rng.random(n_from_concerns) < 0.75,
        logged + seconds(rng.integers(600, 4 * 3600, n_from_concerns)),
        later,
    )
    referred = np.where(referred > cutoff, logged + np.timedelta64(600, "s"), referred)

    # LADO referrals concern an adult: no pupil, no concern; the allegation comes first.
    n_lado = int(rng.poisson((0.5 + traits.staff_in_post / 80) * options.years))
    window = calendar.workdays[
        (calendar.workdays >= epoch_day(options.window_start))
        & (calendar.workdays <= epoch_day(options.today))
    ]
    allegation_day = rng.choice(window, n_lado)
    allegation = at_time(allegation_day, rng.integers(9 * 3600, 15 * 3600, n_lado))
    kind = rng.random(n_lado)
    lado_referred = np.where(
        kind < 0.7,
        allegation + seconds(rng.integers(1800, 5 * 3600, n_lado)),
        at_time(
            calendar.add_working_days(allegation_day, np.where(kind < 0.9, 1, 3)),
            office_hours(rng, n_lado),
        ),
    )
    keep = lado_referred <= cutoff
    allegation, lado_referred = allegation[keep], lado_referred[keep]
    n_lado = len(allegation)

    n = n_from_concerns + n_lado
    table = new_table("referrals", n)
    table["academy_code"][:] = academy.code
    table["agency"] = np.concatenate([agency, np.full(n_lado, "lado", dtype=object)])
    table["referred_at"] = np.concatenate([referred, lado_referred])
    table["concern_id"] = np.concatenate(
        [concerns["concern_id"][chosen], np.full(n_lado, "", dtype=object)]
    )
    table["pupil_ref"] = np.concatenate(
        [concerns["pupil_ref"][chosen], np.full(n_lado, "", dtype=object)]
    )
    table["allegation_at"] = np.concatenate([np.full(n_from_concerns, NAT), allegation])
    danger = rng.random(n)
    table["immediate_danger"] = np.where(danger < 0.06, 1, np.where(danger < 0.85, 0, -1)).astype(
        np.int8
    )

    referred_at = table["referred_at"]
    referred_day = day_of(referred_at)
    is_csc = table["agency"] == "children_social_care"
    on_time_share, late_share = traits.csc_split
    kind = rng.random(n)
    on_time = np.where(
        rng.random(n) < 0.4,
        referred_at + seconds(rng.integers(1800, 5 * 3600, n)),
        at_time(calendar.add_working_days(referred_day, 1), office_hours(rng, n)),
    )
    late = at_time(
        calendar.add_working_days(referred_day, rng.integers(2, 9, n)), office_hours(rng, n)
    )
    csc_feedback = np.where(
        kind < on_time_share, on_time, np.where(kind < on_time_share + late_share, late, NAT)
    )
    other_feedback = np.where(
        rng.random(n) < 0.85,
        at_time(
            calendar.add_working_days(referred_day, rng.integers(1, 11, n)),
            office_hours(rng, n),
        ),
        NAT,
    )
    feedback = np.where(is_csc, csc_feedback, other_feedback)
    feedback = np.where(feedback > cutoff, NAT, feedback)
    table["feedback_at"] = feedback

    deadline = calendar.add_working_days(referred_day, 1)
    missed = is_csc & (np.isnat(feedback) | (day_of(feedback) > deadline))
    chased = at_time(calendar.add_working_days(referred_day, 2), office_hours(rng, n))
    follow_up = missed & (rng.random(n) < traits.follow_up) & (chased <= cutoff)
    table["followed_up_at"] = np.where(follow_up, chased, NAT)

    csc_decisions = np.array(
        [
            "no_further_action",
            "early_help",
            "section_17",
            "section_47",
            "strategy_discussion",
            "advice",
        ],
        dtype=object,
    )
    csc_decision = csc_decisions[rng.choice(6, n, p=[0.3, 0.2, 0.2, 0.12, 0.08, 0.1])]
    lado_decisions = np.array(["advice", "no_further_action", "strategy_discussion", "other"])
    lado_decision = lado_decisions[rng.choice(4, n, p=[0.4, 0.25, 0.15, 0.2])]
    decision = np.where(table["agency"] == "lado", lado_decision, csc_decision)
    decision = np.where(is_csc | (table["agency"] == "lado"), decision, "advice")
    table["decision"] = np.where(np.isnat(feedback), "", decision).astype(object)

    escalated = feedback + seconds(rng.integers(86400, 10 * 86400, n))
    escalate = (
        (table["decision"] == "no_further_action") & (rng.random(n) < 0.12) & (escalated <= cutoff)
    )
    table["escalated_at"] = np.where(escalate, escalated, NAT)

    order = np.argsort(table["referred_at"], kind="stable")
    table = {column: values[order] for column, values in table.items()}
    table["referral_id"] = np.array(
        [f"REF-{academy.code}-{i:05d}" for i in range(1, n + 1)], dtype=object
    )
    return table


def plant_unknown_categories(academy: Academy, concerns: Table, rng: np.random.Generator) -> None:
    """A label outside the taxonomy on a few rows: ingest loads them as `other`, warning."""
    label, count = UNKNOWN_CATEGORY_LABELS.get(academy.position, (None, 0))
    if not label:
        return
    candidates = np.flatnonzero(concerns["category"] == "other")
    if len(candidates) < count:
        candidates = np.flatnonzero(concerns["category"] != "child_sexual_exploitation")
    concerns["category"][np.sort(rng.choice(candidates, count, replace=False))] = label


# ---------------------------------------------------------------------------------------------
# Staff and training (a few hundred people per academy: plain Python)


@dataclass
class Person:
    ref: str
    role: str
    safeguarding_role: str  # "" = none
    works_with_children: int  # -1 blank, 0, 1
    start: int  # epoch day
    leave: int | None


class StaffBuilder:
    def __init__(
        self,
        academy: Academy,
        traits: Traits,
        options: DemoOptions,
        calendar: SchoolCalendar,
        rnd: random.Random,
    ):
        self.academy, self.traits, self.calendar, self.rnd = academy, traits, calendar, rnd
        self.today = epoch_day(options.today)
        self.kcsie_edition = options.kcsie_edition
        self.window_start = epoch_day(options.window_start)
        # Training older than this is not in the export (a year before the window).
        self.history_start = self.window_start - 400
        self.people: list[Person] = []
        self.training: list[tuple[str, str, int, int | None, str]] = []
        self._seen: set[tuple[str, str, int]] = set()

    # -- people
    def _person(self, role, safeguarding_role, works_with_children, start, leave) -> Person:
        ref = f"STF-{self.academy.code}-{len(self.people) + 1:04d}"
        person = Person(ref, role, safeguarding_role, works_with_children, start, leave)
        self.people.append(person)
        return person

    def _next_start(self, after: int) -> int:
        start = after + self.rnd.randint(1, 40)
        date = from_epoch_day(start)
        if date.month in (7, 8):  # posts filled over the summer start in September
            start = self.calendar.first_september_workday(date.year)
        return self.calendar.on_or_after(start)

    def post_holders(self, role: str, safeguarding_role: str, mean_years: float) -> list[Person]:
        """Everyone who held one post during the window: leavers and their replacements."""
        holders = []
        start = self.calendar.on_or_after(self.window_start - int(self.rnd.uniform(60, 15 * 365)))
        while True:
            leave = start + int(self.rnd.expovariate(1 / (mean_years * 365))) + 30
            works = 0 if role == "support" and self.rnd.random() < 0.1 else -1
            next_start = self._next_start(leave) if leave <= self.today else None
            # A safeguarding post is never left empty: the holder stays until a successor starts.
            if next_start is None or (next_start > self.today and safeguarding_role):
                holders.append(self._person(role, safeguarding_role, works, start, None))
                return holders
            if leave >= self.window_start:
                holders.append(self._person(role, safeguarding_role, works, start, leave))
            if next_start > self.today:
                return holders  # vacant for now
            start = next_start

    def build(self) -> None:
        traits, rnd = self.traits, self.rnd
        posts = traits.staff_in_post
        leadership = 2 + posts // 25
        roles = ["principal"] + ["leadership"] * leadership
        roles += rnd.choices(
            ["teacher", "support", "volunteer", "other"],
            weights=(47, 45, 4, 4),
            k=posts - len(roles),
        )
        dsl_post = 0 if self.academy.pupils_on_roll < 250 else 1
        untrained_deputy = self.academy.position == UNTRAINED_DEPUTY_POSITION
        deputies = 1 if untrained_deputy or posts < 60 else 2
        deputy_posts = {2, roles.index("teacher")} if deputies == 2 else {2}
        mean_years = {"principal": 8, "leadership": 7, "teacher": 5, "support": 4}
        for post, role in enumerate(roles):
            if post == dsl_post:
                safeguarding_role = "dsl"
            elif post in deputy_posts:
                safeguarding_role = "deputy_dsl"
            else:
                safeguarding_role = ""
            for person in self.post_holders(role, safeguarding_role, mean_years.get(role, 2)):
                lapsed = untrained_deputy and safeguarding_role == "deputy_dsl"
                self.staff_training(person, lapsed_dsl_training=lapsed)
        # New starters in the last week: some not yet through induction.
        if self.academy.position % 3 == 0:
            last_week = self.calendar.workdays[
                (self.calendar.workdays > self.today - 7) & (self.calendar.workdays <= self.today)
            ]
            for start in rnd.sample(list(last_week), min(2, len(last_week))):
                person = self._person(rnd.choice(["teacher", "support"]), "", -1, int(start), None)
                if rnd.random() < 0.5:
                    self.add(person, "safeguarding_induction", person.start)
        self.build_governors()

    def build_governors(self) -> None:
        rnd = self.rnd
        boards = [("governor", rnd.randint(7, 10))]
        if self.academy.position == 0:  # the trust board is listed with the lead academy
            boards.append(("trustee", 8))
        for role, seats in boards:
            for seat in range(seats):
                safeguarding_role = (
                    "safeguarding_governor" if seat == 0 and role == "governor" else ""
                )
                works = 0 if role == "trustee" else -1
                start = self.calendar.on_or_after(self.window_start - int(rnd.uniform(30, 8 * 365)))
                leave = None
                if rnd.random() < 0.15:
                    leave = self.calendar.on_or_after(
                        rnd.randint(self.window_start, self.today - 30)
                    )
                    leave = leave if leave > start else None
                person = self._person(role, safeguarding_role, works, start, leave)
                self.yearly_chain(
                    person,
                    "governor_safeguarding",
                    self.traits.governor_training,
                    max(start, self.history_start) + rnd.randint(0, 300),
                )

    # -- training
    def add(self, person: Person, course: str, day: int, edition: int | None = None) -> None:
        end = min(person.leave or self.today, self.today)
        key = (person.ref, course, day)
        if day > end or day < person.start - 30 or key in self._seen:
            return
        self._seen.add(key)
        provider = PROVIDERS[(day + len(course)) % len(PROVIDERS)]
        self.training.append((person.ref, course, day, edition, provider))

    def yearly_chain(self, person: Person, course: str, on_time: float, first: int) -> None:
        """A course renewed about yearly; sometimes late (a gap), sometimes never again."""
        rnd, day = self.rnd, first
        end = min(person.leave or self.today, self.today)
        while day <= end:
            self.add(person, course, day)
            if rnd.random() < 0.03:
                return
            day += 365 - rnd.randint(0, 20)  # renewed in the weeks before expiry
            if rnd.random() > on_time:
                day += rnd.randint(20, 150)

    def staff_training(self, person: Person, lapsed_dsl_training: bool) -> None:
        rnd, traits, calendar = self.rnd, self.traits, self.calendar
        end = min(person.leave or self.today, self.today)
        if person.start >= self.history_start:
            delay = rnd.random()
            if delay < 0.7:
                first = person.start
            elif delay < 0.9:
                first = int(calendar.add_working_days(person.start, rnd.randint(1, 4)))
            else:
                first = int(calendar.add_working_days(person.start, rnd.randint(6, 20)))
            self.add(person, "safeguarding_induction", first)
            self.kcsie_reads(person, first, induction=True)
        else:
            first = rnd.randint(self.history_start, self.window_start - 30)
            self.add(person, "safeguarding_update", first)

        if traits.inset_style:
            # The first September INSET day at least six months after the last course.
            earliest = from_epoch_day(first + 180)
            year = earliest.year if earliest.month < 9 else earliest.year + 1
            while epoch_day(dt.date(year, 9, 1)) <= end:
                inset = calendar.first_september_workday(year)
                if rnd.random() < traits.renew_on_time:
                    self.add(person, "safeguarding_update", inset)
                elif rnd.random() < 0.7:
                    self.add(person, "safeguarding_update", inset + rnd.randint(20, 100))
                year += 1
        else:
            self.yearly_chain(person, "safeguarding_update", traits.renew_on_time, first)

        first_year = from_epoch_day(max(person.start, self.window_start)).year
        for year in range(first_year - 1, from_epoch_day(end).year + 1):
            if epoch_day(dt.date(year, 9, 1)) > end:
                break
            inset = calendar.first_september_workday(year)
            if person.start <= inset + 30 <= end + 30:
                self.kcsie_reads(person, inset, induction=False)
            self.yearly_modules(person, inset)

        if person.safeguarding_role in ("dsl", "deputy_dsl"):
            self.dsl_training(person, lapsed_dsl_training)

    def yearly_modules(self, person: Person, inset: int) -> None:
        """The other modules of a school year on the training platform."""
        rnd = self.rnd
        for course, share in YEARLY_MODULES:
            if rnd.random() < share:
                self.add(person, course, inset + rnd.randint(0, 300))
        leads = person.role in ("leadership", "principal") or person.safeguarding_role
        if rnd.random() < (0.9 if leads else 0.1):
            date = from_epoch_day(inset)
            edition = min(date.year, self.kcsie_edition)
            self.add(person, "kcsie_annex_a", inset + rnd.randint(0, 40), edition)
        # Courses outside the safeguarding list (first aid, safer recruitment, ...) are `other`.
        for _ in range(rnd.choice((1, 1, 2, 2, 3, 3))):
            self.add(person, "other", inset + rnd.randint(0, 300))

    def kcsie_reads(self, person: Person, day: int, induction: bool) -> None:
        date = from_epoch_day(day)
        school_year = date.year if date.month >= 9 else date.year - 1
        if school_year > self.kcsie_edition and not induction:
            return  # no new edition to read this September; starters still read the newest
        edition = min(school_year, self.kcsie_edition)
        rnd, traits = self.rnd, self.traits
        offset = 0 if induction else rnd.randint(0, 25)
        if rnd.random() < traits.kcsie_part1:
            self.add(person, "kcsie_part1", day + offset, edition)
        if rnd.random() < traits.kcsie_annex_b:
            self.add(person, "kcsie_annex_b", day + offset + rnd.randint(0, 10), edition)

    def dsl_training(self, person: Person, lapsed: bool) -> None:
        """Full DSL training every two years, a refresher in the year between."""
        rnd = self.rnd
        latest = self.today - rnd.randint(800, 950) if lapsed else self.today
        if person.start > self.history_start - 700:
            day = person.start + rnd.randint(0, 60)  # trained on appointment
        else:
            day = self.history_start - 700 + rnd.randint(0, 300)
        while day <= latest:
            self.add(person, "dsl_full", day)
            refresh = day + 365 + rnd.randint(-20, 20)
            if refresh <= latest:
                self.add(person, "dsl_refresh", refresh)
            day += 730 - rnd.randint(0, 40)

    # -- tables
    def staff_table(self) -> Table:
        people = sorted(self.people, key=lambda p: p.ref)
        table = new_table("staff", len(people))
        table["academy_code"][:] = self.academy.code
        table["staff_ref"] = np.array([p.ref for p in people], dtype=object)
        table["role"] = np.array([p.role for p in people], dtype=object)
        table["safeguarding_role"] = np.array([p.safeguarding_role for p in people], dtype=object)
        table["works_with_children"] = np.array(
            [p.works_with_children for p in people], dtype=np.int8
        )
        table["start_date"] = np.array([p.start for p in people]).astype("datetime64[D]")
        table["leave_date"] = np.array(
            [np.datetime64("NaT") if p.leave is None else p.leave for p in people],
            dtype="datetime64[D]",
        )
        return table

    def training_table(self) -> Table:
        rows = sorted(self.training, key=lambda t: (t[2], t[0], t[1]))
        table = new_table("training", len(rows))
        table["academy_code"][:] = self.academy.code
        if not rows:
            return table
        refs, courses, days, editions, providers = zip(*rows, strict=True)
        table["staff_ref"] = np.array(refs, dtype=object)
        table["course"] = np.array(courses, dtype=object)
        table["completed_on"] = np.array(days).astype("datetime64[D]")
        table["kcsie_edition"] = np.array([np.nan if e is None else e for e in editions])
        table["provider"] = np.array(providers, dtype=object)
        return table


# ---------------------------------------------------------------------------------------------
# Policy registers

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


# ---------------------------------------------------------------------------------------------
# Export styles: how each academy's systems write their files


@dataclass(frozen=True)
class ExportStyle:
    extension: str = "csv"  # csv | xlsx
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | cp1252
    datetimes: str = "iso"  # iso: 2026-03-31 14:05:00 | iso_t: 2026-03-31T14:05 | uk
    booleans: tuple[str, str] = ("true", "false")
    headers: Mapping[str, str] = field(default_factory=dict)  # contract column -> header
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # column -> labels
    extra_columns: tuple[tuple[str, str], ...] = ()  # (header, value) not in the contract


# Every header and value label below is in config/aliases.toml (tests hold them to it).
CPOMS_CONCERN_HEADERS = {
    "academy_code": "Academy",
    "concern_id": "Concern ID",
    "pupil_ref": "Pupil",
    "logged_at": "Date Logged",
    "category": "Concern Category",
    "incident_at": "Incident Date",
    "year_group": "NC Year",
    "cse_flag": "CSE Flag",
    "dsl_reviewed_at": "DSL Reviewed",
    "decision_recorded": "Decision Recorded",
    "outcome": "Action Taken",
    "status": "Concern Status",
    "closed_at": "Date Closed",
    "mentor_allocated": "Mentor Allocated",
    "looked_after": "LAC",
    "send": "SEN",
    "child_protection_plan": "CP Plan",
    "missing_episode": "Missing Episode",
}
CATEGORY_LABELS = {
    "child_sexual_exploitation": "CSE",
    "sharing_nudes": "Sexting",
    "mental_health_self_harm": "Self harm",
    "child_on_child_abuse": "Peer on peer",
    "domestic_abuse": "Domestic violence",
    "missing_from_home_or_education": "Missing",
    "radicalisation": "Prevent",
    "child_criminal_exploitation": "County lines",
    "honour_based_abuse": "FGM",
    "substance_misuse": "Drugs",
    "online_safety": "E-safety",
    "emotional_abuse": "Emotional abuse",
    "physical_abuse": "Physical abuse",
    "sexual_abuse": "Sexual abuse",
    "neglect": "Neglect",
    "other": "Other",
}
REFERRAL_HEADERS = {
    "academy_code": "Academy",
    "referral_id": "Referral ID",
    "agency": "Referred To",
    "referred_at": "Date Referred",
    "concern_id": "Linked Concern",
    "pupil_ref": "Pupil",
    "allegation_at": "Allegation Date",
    "immediate_danger": "Immediate Risk",
    "feedback_at": "Feedback Received",
    "decision": "Agency Decision",
    "followed_up_at": "Date Chased",
    "escalated_at": "Date Escalated",
}
AGENCY_LABELS = {
    "children_social_care": "CSC",
    "lado": "LADO",
    "camhs": "CAMHS",
    "early_help": "Early Help Hub",
    "police": "Police",
    "prevent": "Prevent",
    "other": "Other",
}
DECISION_LABELS = {
    "no_further_action": "NFA",
    "section_17": "S17",
    "section_47": "S47",
    "strategy_discussion": "Strategy meeting",
    "early_help": "Early help",
    "advice": "Advice",
    "other": "Other",
}
HR_STAFF_HEADERS = {
    "academy_code": "School Code",
    "staff_ref": "Staff ID",
    "role": "Job Role",
    "safeguarding_role": "DSL Role",
    "works_with_children": "Works With Pupils",
    "start_date": "Date Started",
    "leave_date": "Date Left",
}
ROLE_LABELS = {
    "principal": "Headteacher",
    "leadership": "SLT",
    "support": "Support Staff",
    "teacher": "Teacher",
    "volunteer": "Volunteer",
    "governor": "Governor",
    "trustee": "Trustee",
    "other": "Other",
}
SAFEGUARDING_ROLE_LABELS = {
    "dsl": "DSL",
    "deputy_dsl": "Deputy DSL",
    "safeguarding_governor": "Link Governor",
}
TRAINING_PLATFORM_HEADERS = {
    "academy_code": "Academy",
    "staff_ref": "Employee Ref",
    "course": "Course Title",
    "completed_on": "Date Completed",
    "kcsie_edition": "KCSIE Year",
    "provider": "Training Provider",
}
COURSE_LABELS = {
    "safeguarding_induction": "Safeguarding Induction",
    "safeguarding_update": "Annual Safeguarding Update",
    "dsl_full": "DSL Training",
    "dsl_refresh": "DSL Update",
    "kcsie_part1": "KCSIE Part 1",
    "kcsie_annex_b": "KCSIE Annex B",
    "prevent": "Prevent Duty",
    "governor_safeguarding": "Governor Safeguarding",
    "online_safety": "Online safety",
    "cse_awareness": "CSE awareness",
}
POLICY_REGISTER_HEADERS = {
    "academy_code": "Academy",
    "policy_title": "Policy",
    "policy_type": "Policy Kind",
    "last_reviewed_on": "Last Reviewed",
    "next_review_on": "Next Review",
    "review_cycle_months": "Review Cycle",
    "issued_on": "Date Issued",
    "kcsie_edition_referenced": "KCSIE Edition",
    "published_on_website": "On Website",
}


def export_style(style_position: int, dataset: str) -> ExportStyle:
    """The style of one academy's export of one dataset (position = academy index % 8)."""
    styles: dict[tuple[int, str], ExportStyle] = {
        (1, "concerns"): ExportStyle(
            datetimes="uk",
            booleans=("Y", "N"),
            headers=CPOMS_CONCERN_HEADERS,
            labels={"category": CATEGORY_LABELS, "outcome": {"no_further_action": "NFA"}},
            extra_columns=(("Source System", "Demo concern log"),),
        ),
        (1, "referrals"): ExportStyle(
            encoding="utf-8-sig",
            datetimes="uk",
            booleans=("Y", "N"),
            headers=REFERRAL_HEADERS,
            labels={"agency": AGENCY_LABELS, "decision": DECISION_LABELS},
        ),
        (2, "staff"): ExportStyle(
            extension="xlsx",
            booleans=("Yes", "No"),
            headers=HR_STAFF_HEADERS,
            labels={"role": ROLE_LABELS, "safeguarding_role": SAFEGUARDING_ROLE_LABELS},
        ),
        (2, "concerns"): ExportStyle(booleans=("1", "0")),
        (3, "concerns"): ExportStyle(datetimes="iso_t", booleans=("TRUE", "FALSE")),
        (3, "training"): ExportStyle(extension="xlsx"),
        (4, "concerns"): ExportStyle(extension="xlsx", booleans=("Yes", "No")),
        (4, "policies"): ExportStyle(
            encoding="cp1252", booleans=("Yes", "No"), headers=POLICY_REGISTER_HEADERS
        ),
        (5, "policies"): ExportStyle(extension="xlsx", booleans=("Yes", "No")),
        (5, "concerns"): ExportStyle(booleans=("yes", "no")),
        (6, "concerns"): ExportStyle(booleans=("Yes", "No"), labels={"category": CATEGORY_LABELS}),
        (6, "staff"): ExportStyle(labels={"role": ROLE_LABELS}),
        (7, "training"): ExportStyle(
            datetimes="uk", headers=TRAINING_PLATFORM_HEADERS, labels={"course": COURSE_LABELS}
        ),
        (7, "referrals"): ExportStyle(
            datetimes="iso_t", labels={"agency": AGENCY_LABELS, "decision": DECISION_LABELS}
        ),
    }
    return styles.get((style_position, dataset), ExportStyle())


# ---------------------------------------------------------------------------------------------
# Planted faults: rows ingest must quarantine


@dataclass(frozen=True)
class RawText:
    """A value written into the file verbatim, whatever the column's kind."""

    text: str


@dataclass(frozen=True)
class FaultPlan:
    dataset: str
    academy_position: int  # the academy (modulo the trust's size) whose file gets the row
    column: str
    rule: str
    # Builds the bad row from a good template row; returns the row and where it goes.
    make: Callable[[Table, int, FaultContext], tuple[dict[str, object], int]]


@dataclass
class FaultContext:
    options: DemoOptions
    style: ExportStyle
    rnd: random.Random
    next_id: Callable[[], str]


def _row(table: Table, index: int) -> dict[str, object]:
    return {column: values[index] for column, values in table.items()}


def _after(index: int, table: Table, context: FaultContext) -> int:
    return min(table_length(table), index + 1 + context.rnd.randint(0, 20))


def _review_before_logged(table, index, context):
    row = _row(table, index) | {"concern_id": context.next_id()}
    row["dsl_reviewed_at"] = row["logged_at"] - np.timedelta64(3 * 3600, "s")
    row["incident_at"] = NAT
    row["closed_at"] = NAT
    row["status"] = "open"
    return row, _after(index, table, context)


def _impossible_date(table, index, context):
    row = _row(table, index) | {"concern_id": context.next_id()}
    year = int(str(row["logged_at"])[:4])
    # Written the way the file writes its dates (a spreadsheet holds it as text).
    style = "uk" if context.style.extension == "xlsx" else context.style.datetimes
    row["logged_at"] = RawText(
        {"uk": f"31/02/{year} 10:20", "iso_t": f"{year}-02-31T10:20"}.get(
            style, f"{year}-02-31 10:20:00"
        )
    )
    # Keep the other timestamps blank so the impossible date is the row's only fault.
    for column in ("incident_at", "dsl_reviewed_at", "closed_at"):
        row[column] = NAT
    row["status"] = "open"
    return row, _after(index, table, context)


def _unknown_academy(table, index, context):
    row = _row(table, index) | {"concern_id": context.next_id()}
    row["academy_code"] = UNKNOWN_ACADEMY_CODE
    return row, _after(index, table, context)


def _duplicate_key(table, index, context):
    return _row(table, index), _after(index, table, context)


def _unknown_agency(table, index, context):
    row = _row(table, index) | {"referral_id": context.next_id()}
    row["agency"] = RawText(UNKNOWN_AGENCY_LABEL)
    return row, _after(index, table, context)


def _csc_without_pupil(table, index, context):
    row = _row(table, index) | {"referral_id": context.next_id()}
    row |= {"agency": "children_social_care", "pupil_ref": "", "allegation_at": NAT}
    return row, _after(index, table, context)


def _leave_before_start(table, index, context):
    row = _row(table, index) | {"staff_ref": context.next_id()}
    row |= {"role": "support", "safeguarding_role": "", "works_with_children": -1}
    start = np.datetime64(context.options.window_start, "D") + np.timedelta64(200, "D")
    row["start_date"] = start
    row["leave_date"] = start - np.timedelta64(31, "D")
    return row, _after(index, table, context)


def _future_training(table, index, context):
    row = _row(table, index)
    row |= {"course": "safeguarding_update", "kcsie_edition": np.nan}
    row["completed_on"] = np.datetime64(context.options.today, "D") + np.timedelta64(14, "D")
    return row, table_length(table)  # the export is in date order


FAULT_PLANS = (
    FaultPlan(
        "concerns", 0, "dsl_reviewed_at", "dsl_reviewed_at before logged_at", _review_before_logged
    ),
    FaultPlan("concerns", 1, "logged_at", "impossible date (31 February)", _impossible_date),
    FaultPlan(
        "concerns", 3, "academy_code", "academy_code not in the academies reference",
        _unknown_academy,
    ),
    FaultPlan("referrals", 0, "referral_id", "duplicate key within the file", _duplicate_key),
    FaultPlan("referrals", 1, "agency", "agency not an allowed value", _unknown_agency),
    FaultPlan(
        "referrals", 5, "pupil_ref", "children_social_care referral without pupil_ref",
        _csc_without_pupil,
    ),
    FaultPlan("staff", 2, "leave_date", "leave_date before start_date", _leave_before_start),
    FaultPlan(
        "training", 3, "completed_on", "completed_on after the ingest date (in the future)",
        _future_training,
    ),
)  # fmt: skip


def _template_index(plan: FaultPlan, table: Table, rnd: random.Random) -> int:
    n = table_length(table)
    if plan.dataset == "referrals":
        # A child's referral (not LADO) makes a template that breaks only the planted rule.
        candidates = np.flatnonzero(table["agency"] != "lado")
    elif plan.dataset == "training":
        candidates = np.arange(n)
    elif plan.dataset == "concerns":
        candidates = np.flatnonzero(~np.isnat(table["dsl_reviewed_at"]))
    else:
        candidates = np.flatnonzero(np.isnat(table["leave_date"]))
    candidates = candidates if len(candidates) else np.arange(n)
    middle = candidates[
        len(candidates) // 4 : max(len(candidates) // 4 + 1, 3 * len(candidates) // 4)
    ]
    return int(middle[rnd.randrange(len(middle))])


# ---------------------------------------------------------------------------------------------
# Writing files


def _format_datetimes(values: np.ndarray, style: str) -> np.ndarray:
    text = np.datetime_as_string(values, unit="s").astype("U19")
    chars = text.view("U1").reshape(-1, 19)
    if style == "uk":
        out = np.empty((len(values), 16), dtype="U1")
        out[:, 0:2], out[:, 2], out[:, 3:5] = chars[:, 8:10], "/", chars[:, 5:7]
        out[:, 5], out[:, 6:10], out[:, 10], out[:, 11:16] = (
            "/",
            chars[:, 0:4],
            " ",
            chars[:, 11:16],
        )
        text = out.view("U16").ravel()
    elif style == "iso_t":
        text = chars[:, :16].copy().view("U16").ravel()
    else:
        chars = chars.copy()
        chars[:, 10] = " "
        text = chars.view("U19").ravel()
    return np.where(np.isnat(values), "", text)


def _format_dates(values: np.ndarray, style: str) -> np.ndarray:
    text = np.datetime_as_string(values.astype("datetime64[D]"), unit="D").astype("U10")
    if style == "uk":
        chars = text.view("U1").reshape(-1, 10)
        out = np.empty((len(values), 10), dtype="U1")
        out[:, 0:2], out[:, 2], out[:, 3:5] = chars[:, 8:10], "/", chars[:, 5:7]
        out[:, 5], out[:, 6:10] = "/", chars[:, 0:4]
        text = out.view("U10").ravel()
    return np.where(np.isnat(values), "", text)


def _format_column(kind: str, values: np.ndarray, style: ExportStyle, labels) -> list:
    """The column as written: text for CSV, typed cells (real dates) for XLSX."""
    xlsx = style.extension == "xlsx"
    if kind == "datetime":
        if xlsx:
            return values.astype("datetime64[s]").astype(object).tolist()  # NaT -> None
        return _format_datetimes(values, style.datetimes).tolist()
    if kind == "date":
        if xlsx:
            return values.astype("datetime64[D]").astype(object).tolist()
        return _format_dates(values, style.datetimes).tolist()
    if kind == "bool":
        yes, no = style.booleans
        text = np.array(["", no, yes], dtype=object)[values.astype(np.int64) + 1]
        return [None if xlsx and v == "" else v for v in text.tolist()]
    if kind == "int":
        blank = np.isnan(values)
        if xlsx:
            return [None if b else int(v) for b, v in zip(blank, values.tolist(), strict=True)]
        whole = np.where(blank, 0, values).astype(np.int64).astype(str)
        return np.where(blank, "", whole).tolist()
    if labels:
        unique, inverse = np.unique(values.astype(str), return_inverse=True)
        values = np.array([labels.get(v, v) for v in unique], dtype=object)[inverse]
    if xlsx:
        return [v if v else None for v in values.tolist()]
    return values.tolist()


@dataclass(frozen=True)
class PlantedFault:
    file: str
    line: int
    column: str
    rule: str

    def as_json(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column, "rule": self.rule}


def write_export(
    path: Path,
    dataset: str,
    table: Table,
    style: ExportStyle,
    faults: list[tuple[FaultPlan, dict[str, object], int]] = (),
    stamp: dt.datetime | None = None,
) -> tuple[Path, list[PlantedFault]]:
    """Write one export; `faults` are (plan, row, position) rows inserted before formatting."""
    n = table_length(table)
    if style.extension == "xlsx" and n + len(faults) > XLSX_MAX_ROWS:
        style = replace(style, extension="csv")
    path = path.with_suffix("." + style.extension)
    columns = CONTRACT[dataset].column_names

    # Fault rows go at the end of the arrays, then a permutation puts each where it belongs.
    raw_cells: dict[tuple[int, str], str] = {}
    order = list(range(n))
    inserted: list[int] = []
    for offset, (_, _, position) in enumerate(faults):
        order.insert(order.index(position) if position < n else len(order), n + offset)
        inserted.append(n + offset)
    full: Table = {}
    for column in columns:
        extra = []
        for offset, (_, row, _) in enumerate(faults):
            value = row[column]
            if isinstance(value, RawText):
                raw_cells[(n + offset, column)] = value.text
                value = empty_column(CONTRACT[dataset].column(column).kind, 1)[0]
            extra.append(value)
        values = table[column]
        if extra:
            values = np.concatenate([values, np.array(extra, dtype=values.dtype)])
        full[column] = values[order]
    final_position = {source: line for line, source in enumerate(order)}

    formatted = [
        _format_column(
            CONTRACT[dataset].column(column).kind, full[column], style, style.labels.get(column)
        )
        for column in columns
    ]
    for (source, column), text in raw_cells.items():
        formatted[columns.index(column)][final_position[source]] = text
    headers = [style.headers.get(column, column) for column in columns]
    for header, value in style.extra_columns:
        headers.append(header)
        formatted.append([value] * len(order))
    rows = zip(*formatted, strict=True)

    if style.extension == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(dataset)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        save_reproducible_xlsx(workbook, path, stamp or dt.datetime(2000, 1, 1))
    else:
        with open(path, "w", encoding=style.encoding, newline="") as out:
            writer = csv.writer(out)
            writer.writerow(headers)
            writer.writerows(rows)

    planted = []
    for (plan, _, _), source in zip(faults, inserted, strict=True):
        line, rule = final_position[source] + 2, plan.rule
        first = _first_with_same_key(dataset, full, final_position[source])
        if first is not None:
            rule = f"{rule} (first on line {first + 2})"
        planted.append(PlantedFault(path.name, line, plan.column, rule))
    return path, planted


def _first_with_same_key(dataset: str, table: Table, index: int) -> int | None:
    """The earlier row with the key of row `index`, if there is one."""
    key_columns = [table[column] for column in CONTRACT[dataset].key]
    same = np.ones(table_length(table), dtype=bool)
    for values in key_columns:
        same &= values == values[index]
    earlier = np.flatnonzero(same[:index])
    return int(earlier[0]) if len(earlier) else None


# ---------------------------------------------------------------------------------------------
# The whole trust


@dataclass
class DemoResult:
    out_dir: Path
    files: list[Path]  # in ingest order: academies first
    faults: list[PlantedFault]
    row_counts: dict[str, int]


def academies_table(academies: list[Academy]) -> Table:
    table = new_table("academies", len(academies))
    table["academy_code"] = np.array([a.code for a in academies], dtype=object)
    table["academy_name"] = np.array([a.name for a in academies], dtype=object)
    table["phase"] = np.array([a.phase for a in academies], dtype=object)
    table["urn"] = np.array([a.urn for a in academies], dtype=float)
    table["local_authority"] = np.array([a.local_authority for a in academies], dtype=object)
    table["pupils_on_roll"] = np.array([a.pupils_on_roll for a in academies], dtype=float)
    return table


def academy_tables(
    academy: Academy, options: DemoOptions, calendar: SchoolCalendar
) -> dict[str, Table]:
    def rnd(purpose: str) -> random.Random:
        return random.Random(f"{options.seed}-{academy.code}-{purpose}")

    traits = make_traits(academy, rnd("traits"))
    rng = np.random.default_rng([options.seed, academy.position])
    concerns = make_concerns(academy, traits, options, calendar, rng)
    referrals = make_referrals(academy, traits, concerns, options, calendar, rng)
    plant_unknown_categories(academy, concerns, rng)
    staff = StaffBuilder(academy, traits, options, calendar, rnd("staff"))
    staff.build()
    missing = MISSING_POLICY_TYPES.get(academy.position)
    entries = tuple(entry for entry in ACADEMY_POLICIES if entry[1] != missing)
    policy_rnd = rnd("policies")
    policies = make_policies(
        academy.code,
        entries,
        options,
        policy_rnd,
        overdue=policy_rnd.choice([0, 0, 1, 2]),
        due_soon=policy_rnd.choice([0, 1, 1, 2]),
        # Windows-1252 shows itself only in non-ASCII text: "Behaviour Policy – Willow".
        title_suffix=f" – {academy.label}"
        if export_style(academy.style_position, "policies").encoding == "cp1252"
        else "",
    )
    return {
        "concerns": concerns,
        "referrals": referrals,
        "staff": staff.staff_table(),
        "training": staff.training_table(),
        "policies": policies,
    }


ACADEMY_DATASETS = ("staff", "training", "policies", "concerns", "referrals")
GENERATED_FILE = re.compile(
    r"academies\.csv|TRUST-policies\.csv|planted_faults\.json"
    r"|[A-Z0-9]{2,10}-(staff|training|policies|concerns|referrals)\.(csv|xlsx)"
)


def generate_demo(out_dir: Path, options: DemoOptions) -> DemoResult:
    """Write the demo trust's exports and the manifest of planted faults into `out_dir`."""
    if options.kcsie_edition is None:
        options = replace(options, kcsie_edition=standards.load().kcsie_edition)
    out_dir.mkdir(parents=True, exist_ok=True)
    # A smaller trust than last time must not leave files behind; other files are left alone.
    for old in out_dir.iterdir():
        if GENERATED_FILE.fullmatch(old.name):
            old.unlink()
    stamp = dt.datetime.combine(options.today, dt.time())
    academies = make_academies(options)
    calendar = SchoolCalendar(
        options.window_start - dt.timedelta(days=1200), options.today + dt.timedelta(days=120)
    )
    files: list[Path] = []
    faults: list[PlantedFault] = []
    counts = dict.fromkeys(("academies", *ACADEMY_DATASETS), 0)

    reference = academies_table(academies)
    path, _ = write_export(
        out_dir / ACADEMIES_FILE, "academies", reference, ExportStyle(), [], stamp
    )
    files.append(path)
    counts["academies"] = len(academies)

    trust_rnd = random.Random(f"{options.seed}-TRUST-policies")
    trust_policies = make_policies("TRUST", TRUST_POLICIES, options, trust_rnd, 1, 1)
    trust_file, _ = write_export(
        out_dir / TRUST_POLICIES_FILE, "policies", trust_policies, ExportStyle(), [], stamp
    )
    counts["policies"] += table_length(trust_policies)

    by_dataset: dict[str, list[Path]] = {dataset: [] for dataset in ACADEMY_DATASETS}
    for academy in academies:
        tables = academy_tables(academy, options, calendar)
        for dataset in ACADEMY_DATASETS:
            table = tables[dataset]
            style = export_style(academy.style_position, dataset)
            plans = [
                plan
                for plan in FAULT_PLANS
                if plan.dataset == dataset
                and plan.academy_position % len(academies) == academy.position
            ]
            fault_rows = _fault_rows(plans, table, dataset, academy, options, style)
            path, planted = write_export(
                out_dir / f"{academy.code}-{dataset}", dataset, table, style, fault_rows, stamp
            )
            by_dataset[dataset].append(path)
            faults.extend(planted)
            counts[dataset] += table_length(table) + len(fault_rows)
    files.extend(by_dataset["staff"] + by_dataset["training"])
    files.append(trust_file)
    for dataset in ("policies", "concerns", "referrals"):
        files.extend(by_dataset[dataset])

    manifest = [fault.as_json() for fault in faults]
    (out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return DemoResult(out_dir, files, faults, counts)


def _fault_rows(plans, table, dataset, academy, options, style):
    if not plans:
        return []
    rnd = random.Random(f"{options.seed}-{academy.code}-{dataset}-faults")
    # New rows continue the file's own numbering, so their keys are unique.
    numbers = iter(range(table_length(table) + 1, table_length(table) + 100))
    prefix, width = {"concerns": ("CON", 6), "referrals": ("REF", 5), "staff": ("STF", 4)}.get(
        dataset, ("", 0)
    )

    def next_id() -> str:
        return f"{prefix}-{academy.code}-{next(numbers):0{width}d}"

    context = FaultContext(options, style, rnd, next_id)
    rows = []
    for plan in plans:
        row, position = plan.make(table, _template_index(plan, table, rnd), context)
        rows.append((plan, row, position))
    return rows
