"""The trust's shape: its academies, how each one's practice differs from the next (its
traits), what goes wrong where, and the seeded generators every dataset draws from."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import numpy as np

from safeguarding import clock
from safeguarding.demo.tables import Table, new_table

DEFAULT_ACADEMIES = 8
DEFAULT_YEARS = 3

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


@dataclass(frozen=True)
class DemoOptions:
    seed: int = 1
    academies: int = DEFAULT_ACADEMIES
    years: int = DEFAULT_YEARS
    today: dt.date = field(default_factory=clock.today)
    scale: float | None = None  # concerns multiplier; None = by trust size (package docstring)
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


def academies_table(academies: list[Academy]) -> Table:
    table = new_table("academies", len(academies))
    table["academy_code"] = np.array([a.code for a in academies], dtype=object)
    table["academy_name"] = np.array([a.name for a in academies], dtype=object)
    table["phase"] = np.array([a.phase for a in academies], dtype=object)
    table["urn"] = np.array([a.urn for a in academies], dtype=float)
    table["local_authority"] = np.array([a.local_authority for a in academies], dtype=object)
    table["pupils_on_roll"] = np.array([a.pupils_on_roll for a in academies], dtype=float)
    return table


def seeded_random(options: DemoOptions, code: str, purpose: str) -> random.Random:
    """A generator of its own for each academy (or TRUST) and purpose, so that drawing one
    dataset differently leaves every other file as it was."""
    return random.Random(f"{options.seed}-{code}-{purpose}")


def academy_rng(options: DemoOptions, academy: Academy) -> np.random.Generator:
    """The academy's numpy generator. Its concerns, its referrals and the labels planted among
    them draw from it in that order, so the order is part of the output."""
    return np.random.default_rng([options.seed, academy.position])
