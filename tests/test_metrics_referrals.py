"""Referral metrics (product.md §4): feedback from children's social care, follow-ups, LADO.

May 2025: Thu 1, Fri 2, Mon 5 (bank holiday), Tue 6, Sat 10, Mon 12, Wed 14, Thu 15, Fri 16,
Tue 20, Wed 21, Mon 26 (bank holiday), Thu 29, Fri 30; Mon 2 June.
"""

from __future__ import annotations

import pytest
from metric_fixtures import build, drill, metric

AS_OF = "2025-05-30"
MAY = {"date_from": "2025-05-01", "date_to": "2025-05-31"}


def referral(
    ref: str,
    referred_at: str,
    feedback_at: str | None = None,
    followed_up_at: str | None = None,
    **columns,
) -> dict:
    return {
        "referral_id": ref,
        "referred_at": referred_at,
        "feedback_at": feedback_at,
        "followed_up_at": followed_up_at,
        **columns,
    }


CSC_REFERRALS = [
    # R1 Friday before the bank-holiday Monday: deadline Tue 6; feedback Tue 6 16:00 - on time.
    # Followed up although on time: must not count among the missed ones.
    referral("R1", "2025-05-02 14:00", "2025-05-06 16:00", "2025-05-06 10:00"),
    # R2 same Friday, feedback Wed 7 09:00 - late; chased on Tue 6 (before the deadline passed).
    referral("R2", "2025-05-02 15:00", "2025-05-07 09:00", "2025-05-06 11:00"),
    # R3 made on a Saturday: deadline Mon 12; feedback Mon 12 23:59 - on time.
    referral("R3", "2025-05-10 11:00", "2025-05-12 23:59"),
    # R4 Wed 14: deadline Thu 15; feedback 23:59 on the deadline day - on time.
    referral("R4", "2025-05-14 10:00", "2025-05-15 23:59"),
    # R5 Wed 14: feedback Fri 16 00:01, a minute into the day after - late, never chased.
    referral("R5", "2025-05-14 11:00", "2025-05-16 00:01"),
    # R6 a police referral: counts in referrals_made only.
    referral("R6", "2025-05-14 12:00", agency="police"),
    # R7 Thu 29: deadline Fri 30 = the as-of date, no feedback - late and overdue; chased on
    # 31 May, after the as-of date, so not yet followed up.
    referral("R7", "2025-05-29 09:00", followed_up_at="2025-05-31 09:00"),
    # R8 Fri 30: deadline Mon 2 June, after the as-of date - not yet due.
    referral("R8", "2025-05-30 09:00"),
    # R9 3 March, before the window, never answered: overdue however old; chased.
    referral("R9", "2025-03-03 09:00", followed_up_at="2025-03-10 09:00"),
    # R10 Tue 20: deadline Wed 21; feedback on 2 June is after the as-of date, so none yet -
    # late and overdue; chased on 22 May.
    referral("R10", "2025-05-20 09:00", "2025-06-02 09:00", "2025-05-22 09:00"),
]


@pytest.fixture
def csc_db(tmp_path):
    return build(tmp_path, referrals=CSC_REFERRALS)


def test_referrals_made_counts_every_agency_in_the_window(csc_db):
    """R1-R8 and R10 were made in May; R9 was made in March. 9."""
    assert metric(csc_db, "referrals_made", AS_OF, **MAY) == (9, None, None)


def test_csc_feedback_on_time(csc_db):
    """Due by the as-of date: R1, R2, R3, R4, R5, R7, R10 = 7 (R8 not yet due, R9 outside the
    window, R6 is police). On time: R1, R3, R4 = 3. 300/7 = 42.857 -> 42.9."""
    assert metric(csc_db, "csc_feedback_on_time_pct", AS_OF, **MAY) == (42.9, 3, 7)


def test_csc_feedback_on_time_with_the_as_of_date_on_the_deadline(csc_db):
    """As of Thu 15 May: due R1, R2, R3, and R4 and R5 (deadline Thu 15 = the as-of date; R4's
    feedback at 23:59 that day has happened by the end of the as-of date, R5's has not).
    On time R1, R3, R4: 3/5 = 60.0."""
    assert metric(csc_db, "csc_feedback_on_time_pct", "2025-05-15", **MAY) == (60.0, 3, 5)


def test_csc_feedback_overdue_counts_every_unanswered_referral_past_its_deadline(csc_db):
    """R7 (deadline = as-of date), R9 (from March, outside the window, chased) and R10
    (feedback only after the as-of date). R2 and R5 were late but answered: not overdue. 3."""
    assert metric(csc_db, "csc_feedback_overdue", AS_OF, **MAY) == (3, None, None)


def test_csc_followed_up_among_the_missed_deadlines(csc_db):
    """Missed in the window: R2, R5 (late), R7, R10 (none by the as-of date) = 4. Followed up
    by the as-of date: R2 (chased before its deadline passed - still counts) and R10 = 2.
    R7's chase came after the as-of date; R1 was chased but was on time. 2/4 = 50.0."""
    assert metric(csc_db, "csc_followed_up_pct", AS_OF, **MAY) == (50.0, 2, 4)


def test_overdue_referrals_are_listed_with_overdue_working_days(csc_db):
    """R9: deadline Tue 4 Mar; working days after it to Fri 30 May: March 19, April 20 (less
    Good Friday and Easter Monday), May 20 (less 5 and 26 May) = 59.
    R10: deadline Wed 21 May; 22, 23, 27, 28, 29, 30 May = 6. R7: deadline = as-of date: 0."""
    overdue = drill(csc_db, "csc_feedback_overdue_list", AS_OF, **MAY)
    assert [
        (
            r["referral_id"],
            r["feedback_deadline_on"],
            r["overdue_working_days"],
            r["is_followed_up"],
        )
        for r in overdue
    ] == [
        ("R9", "2025-03-04", 59, True),
        ("R10", "2025-05-21", 6, True),
        ("R7", "2025-05-30", 0, False),
    ]


def test_csc_trust_row_adds_numerators_and_denominators(tmp_path):
    """OAK 1 of 4 on time (25.0), ELM 1 of 1 (100.0): TRUST 2/5 = 40.0, not 62.5."""
    db = build(
        tmp_path,
        referrals=[
            {"referred_at": "2025-05-06 09:00", "feedback_at": "2025-05-07 09:00"},  # on time
            {"referred_at": "2025-05-06 09:00", "feedback_at": "2025-05-08 09:00"},  # late
            {"referred_at": "2025-05-06 09:00"},  # none
            {"referred_at": "2025-05-07 09:00"},  # none
            {
                "academy_code": "ELM",
                "referred_at": "2025-05-06 09:00",
                "feedback_at": "2025-05-06 17:00",
            },  # on time, same day
        ],
    )
    assert metric(db, "csc_feedback_on_time_pct", AS_OF, "OAK") == (25.0, 1, 4)
    assert metric(db, "csc_feedback_on_time_pct", AS_OF, "ELM") == (100.0, 1, 1)
    assert metric(db, "csc_feedback_on_time_pct", AS_OF, "TRUST") == (40.0, 2, 5)
    assert metric(db, "csc_feedback_overdue", AS_OF, "TRUST") == (2, None, None)


def test_lado_referral_within_one_working_day_of_the_allegation(tmp_path):
    """Window May 2025, as of Fri 30 May. Anchored on the allegation date:
    L1 allegation Fri 2 May, referred Tue 6 May: deadline Tue 6 (bank holiday Mon) - on time
    L2 allegation Fri 2 May, referred Wed 7 May - late
    L3 allegation Thu 29 May, deadline Fri 30, referred 2 June - after the as-of date: not on time
    L4 allegation Fri 30 May: deadline Mon 2 June not yet passed - not counted
    L5 allegation Wed 30 April (before the window), referred 1 May - not counted
    1/3 = 33.3. referrals_made (by referral date, in May, by the as-of date): L1, L2, L5 = 3."""
    lado = {"agency": "lado", "pupil_ref": None}
    db = build(
        tmp_path,
        referrals=[
            {**lado, "allegation_at": "2025-05-02 16:00", "referred_at": "2025-05-06 09:00"},
            {**lado, "allegation_at": "2025-05-02 16:00", "referred_at": "2025-05-07 09:00"},
            {**lado, "allegation_at": "2025-05-29 16:00", "referred_at": "2025-06-02 09:00"},
            {**lado, "allegation_at": "2025-05-30 09:00", "referred_at": "2025-06-02 09:00"},
            {**lado, "allegation_at": "2025-04-30 09:00", "referred_at": "2025-05-01 09:00"},
        ],
    )
    assert metric(db, "lado_on_time_pct", AS_OF, **MAY) == (33.3, 1, 3)
    assert metric(db, "referrals_made", AS_OF, **MAY) == (3, None, None)
