"""Concerns, vectorised (a large trust has a million), and the few category labels outside
the taxonomy that ingest must load as `other`."""

from __future__ import annotations

import numpy as np

from safeguarding.demo.school_calendar import SchoolCalendar, epoch_day
from safeguarding.demo.tables import (
    NAT,
    Table,
    at_time,
    bool_column,
    new_table,
    office_hours,
    seconds,
)
from safeguarding.demo.trust import UNKNOWN_CATEGORY_LABELS, Academy, DemoOptions, Traits

YEAR_GROUPS = {"primary": (-1, 6), "secondary": (7, 13), "special": (1, 14), "all_through": (0, 13)}

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


def plant_unknown_categories(academy: Academy, concerns: Table, rng: np.random.Generator) -> None:
    """A label outside the taxonomy on a few rows: ingest loads them as `other`, warning."""
    label, count = UNKNOWN_CATEGORY_LABELS.get(academy.position, (None, 0))
    if not label:
        return
    candidates = np.flatnonzero(concerns["category"] == "other")
    if len(candidates) < count:
        candidates = np.flatnonzero(concerns["category"] != "child_sexual_exploitation")
    concerns["category"][np.sort(rng.choice(candidates, count, replace=False))] = label
