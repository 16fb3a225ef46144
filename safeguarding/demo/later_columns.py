"""The optional columns added to the contract later (contract.LATER_OPTIONAL_COLUMNS): when the
pupil was told the decision and whether their views were recorded, the last mentor contact,
and what followed a no-further-action referral.

They draw from a generator of their own (later_columns_rng), after every other column is
drawn, so adding them left every earlier value of the demo as it was. One academy's systems
do not export them at all (NOT_COLLECTING_POSITION): the dashboard shows it as "not
collected", never 0 %.
"""

from __future__ import annotations

import numpy as np

from safeguarding.demo.school_calendar import SchoolCalendar, epoch_day
from safeguarding.demo.tables import Table, day_of
from safeguarding.demo.trust import Academy, DemoOptions

# The academy (by position, not modulo the trust's size: one academy in any trust of three or
# more) whose exports lack the later optional columns.
NOT_COLLECTING_POSITION = 2
# The stream of the academy's generator these columns draw from, after the seed and position.
LATER_COLUMNS_STREAM = 7

NAT_DAY = np.datetime64("NaT", "D")


def sends_later_columns(academy: Academy) -> bool:
    return academy.position != NOT_COLLECTING_POSITION


def later_columns_rng(options: DemoOptions, academy: Academy) -> np.random.Generator:
    """A generator of its own: drawing these columns never moves another column's draws."""
    return np.random.default_rng([options.seed, academy.position, LATER_COLUMNS_STREAM])


def _as_dates(days: np.ndarray, keep: np.ndarray) -> np.ndarray:
    return np.where(keep, days.astype("datetime64[D]"), NAT_DAY)


def fill_concern_columns(
    concerns: Table, options: DemoOptions, calendar: SchoolCalendar, rng: np.random.Generator
) -> None:
    """pupil_informed_on, pupil_views_recorded, mentor_last_contact_on, in place."""
    n = len(concerns["concern_id"])
    today = epoch_day(options.today)
    logged_day = day_of(concerns["logged_at"])
    has_outcome = concerns["outcome"] != ""

    # Told 0-5 working days after the concern was logged, and not before the DSL's review
    # (the decision they are told about); a few are never recorded, none after today.
    delay = rng.choice(6, n, p=[0.3, 0.3, 0.15, 0.1, 0.1, 0.05])
    informed = np.where(
        delay == 0, logged_day, calendar.add_working_days(logged_day, np.maximum(delay, 1))
    )
    reviewed = concerns["dsl_reviewed_at"]
    informed = np.where(np.isnat(reviewed), informed, np.maximum(informed, day_of(reviewed)))
    told = has_outcome & (rng.random(n) < 0.93) & (informed <= today)
    concerns["pupil_informed_on"] = _as_dates(informed, told)

    views = (rng.random(n) < 0.85).astype(np.int8)
    concerns["pupil_views_recorded"] = np.where(has_outcome, views, -1).astype(np.int8)

    # The mentor's last contact: mostly within the last three weeks, some lapsed for longer;
    # never before the concern was logged, nor after today.
    recent = rng.random(n) < 0.8
    days_ago = np.where(recent, rng.integers(0, 21, n), rng.integers(21, 90, n))
    contact = np.clip(today - days_ago, logged_day, today)
    mentored = concerns["mentor_allocated"] == 1
    concerns["mentor_last_contact_on"] = _as_dates(contact, mentored)


def fill_referral_columns(
    referrals: Table, options: DemoOptions, calendar: SchoolCalendar, rng: np.random.Generator
) -> None:
    """early_help_offered and nfa_reconsidered_on on a pupil's no-further-action referrals."""
    n = len(referrals["referral_id"])
    today = epoch_day(options.today)
    nfa = (referrals["decision"] == "no_further_action") & (referrals["agency"] != "lado")

    offered = (rng.random(n) < 0.6).astype(np.int8)
    referrals["early_help_offered"] = np.where(nfa, offered, -1).astype(np.int8)

    # Reconsidered: on the day of a re-referral, or for some others a few weeks after the
    # decision came back (by today).
    decided = day_of(referrals["feedback_at"])
    later = calendar.add_working_days(np.where(nfa, decided, today), rng.integers(3, 30, n))
    escalated = referrals["escalated_at"]
    reconsidered = np.where(np.isnat(escalated), later, day_of(escalated))
    chosen = nfa & (~np.isnat(escalated) | (rng.random(n) < 0.2)) & (reconsidered <= today)
    referrals["nfa_reconsidered_on"] = _as_dates(reconsidered, chosen)
