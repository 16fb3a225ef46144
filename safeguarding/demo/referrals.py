"""Referrals, vectorised: a share of the concerns (more of the serious ones) referred on,
the agencies' feedback and the DSL's chasing, and LADO referrals about adults."""

from __future__ import annotations

import numpy as np

from safeguarding.demo.school_calendar import SchoolCalendar, epoch_day
from safeguarding.demo.tables import NAT, Table, at_time, day_of, new_table, office_hours, seconds
from safeguarding.demo.trust import Academy, DemoOptions, Traits


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
