"""Concern metrics (product.md §4): counts, DSL review timeliness and median, decisions, CSE
mentors.

May 2025: Fri 2, Sat 3, Sun 4, Mon 5 (May Day bank holiday), Tue 6, ... Fri 9, Sat 10, Mon 12,
Tue 13, Wed 14.
"""

from __future__ import annotations

from metric_fixtures import build, drill, metric

CSE = "child_sexual_exploitation"


def concern(ref: str, logged_at: str, dsl_reviewed_at: str | None = None, **columns) -> dict:
    return {
        "concern_id": ref,
        "logged_at": logged_at,
        "dsl_reviewed_at": dsl_reviewed_at,
        **columns,
    }


def test_dsl_review_deadline_is_one_working_day_after_the_date_logged(tmp_path):
    """As of Tue 13 May 2025 (target 1 working day):
    C1 Fri 2 May, reviewed Tue 6 May 16:00: deadline Tue 6 (Mon 5 is a bank holiday) - on time
    C2 Fri 2 May, reviewed Wed 7 May 09:00 - late
    C3 Sat 3 May, reviewed Tue 6 May 23:59: a Saturday + 1 is Monday, a holiday, so Tue - on time
    C4 Thu 8 May, reviewed Fri 9 May 23:59: any time on the deadline day is on time
    C5 Thu 8 May, reviewed Sat 10 May 00:01: one minute into the next day - late
    C6 Mon 12 May, not reviewed: deadline Tue 13 = the as-of date, so it counts - late
    C7 Tue 13 May, not reviewed: deadline Wed 14 is after the as-of date - not counted
    C8 Fri 9 May, reviewed Wed 14 May: deadline Mon 12; a review after the as-of date has not
       happened yet - late
    Denominator C1-C6, C8 = 7; numerator C1, C3, C4 = 3; 300/7 = 42.857 -> 42.9."""
    db = build(
        tmp_path,
        concerns=[
            concern("C1", "2025-05-02 14:00", "2025-05-06 16:00"),
            concern("C2", "2025-05-02 15:00", "2025-05-07 09:00"),
            concern("C3", "2025-05-03 10:00", "2025-05-06 23:59"),
            concern("C4", "2025-05-08 10:00", "2025-05-09 23:59"),
            concern("C5", "2025-05-08 11:00", "2025-05-10 00:01"),
            concern("C6", "2025-05-12 10:00"),
            concern("C7", "2025-05-13 09:00"),
            concern("C8", "2025-05-09 09:00", "2025-05-14 09:00"),
        ],
    )
    assert metric(db, "dsl_review_on_time_pct", as_of="2025-05-13") == (42.9, 3, 7)


def test_late_dsl_reviews_are_listed(tmp_path):
    """The same concerns as above: the late ones are C2, C5, C6 and C8.
    Working days late: C2 deadline Tue 6, reviewed Wed 7 -> 1; C5 deadline Fri 9, reviewed
    Sat 10 -> 0 (no working day in between); C6 deadline Tue 13 = as-of, none yet -> 0;
    C8 deadline Mon 12, not reviewed by Tue 13 -> 1 (its later review is not shown)."""
    db = build(
        tmp_path,
        concerns=[
            concern("C1", "2025-05-02 14:00", "2025-05-06 16:00"),
            concern("C2", "2025-05-02 15:00", "2025-05-07 09:00"),
            concern("C5", "2025-05-08 11:00", "2025-05-10 00:01"),
            concern("C6", "2025-05-12 10:00"),
            concern("C8", "2025-05-09 09:00", "2025-05-14 09:00"),
        ],
    )
    late = drill(db, "dsl_review_late_list", as_of="2025-05-13")
    assert [
        (r["concern_id"], r["review_deadline_on"], r["dsl_reviewed_at"], r["late_working_days"])
        for r in late
    ] == [
        ("C2", "2025-05-06", "2025-05-07 09:00", 1),
        ("C8", "2025-05-12", None, 1),
        ("C5", "2025-05-09", "2025-05-10 00:01", 0),
        ("C6", "2025-05-13", None, 0),
    ]


def test_counts_follow_the_window_and_the_as_of_date(tmp_path):
    """Window 1 Jan - 31 Dec 2025, as of 30 Jun 2025. OAK:
    K1 31 Dec 2024 23:59 - the day before the window: not counted
    K2 1 Jan 2025 00:00 - first day of the window; category CSE with cse_flag false: still CSE
    K3 10 Mar - category online_safety with cse_flag true: CSE
    K4 1 Apr - neglect, flag blank: not CSE
    K5 30 Jun 23:59 - on the as-of date: counted
    K6 1 Jul 00:00 - inside the window but after the as-of date: not yet happened
    concerns_logged = 4 (K2-K5); cse_concerns_logged = 2 (K2, K3)."""
    db = build(
        tmp_path,
        concerns=[
            concern("K1", "2024-12-31 23:59", category=CSE),  # the day before the window
            concern("K2", "2025-01-01 00:00", category=CSE, cse_flag=False),  # CSE by category
            concern("K3", "2025-03-10 10:00", category="online_safety", cse_flag=True),  # by flag
            concern("K4", "2025-04-01 10:00"),  # neglect, flag blank
            concern("K5", "2025-06-30 23:59"),  # the last minute of the as-of date
            concern("K6", "2025-07-01 00:00", cse_flag=True),  # after the as-of date
        ],
    )
    window = {"date_from": "2025-01-01", "date_to": "2025-12-31"}
    assert metric(db, "concerns_logged", "2025-06-30", **window) == (4, None, None)
    assert metric(db, "cse_concerns_logged", "2025-06-30", **window) == (2, None, None)


def test_trust_row_adds_numerators_and_denominators_never_averages(tmp_path):
    """decision_recorded_pct. OAK: 4 concerns, 1 recorded (one false, one blank, one false):
    25.0. ELM: 1 concern, recorded: 100.0. TRUST: 2/5 = 40.0 (averaging would give 62.5).
    ASH has no concerns: null with 0/0."""
    db = build(
        tmp_path,
        concerns=[
            {"logged_at": "2025-03-03 09:00", "decision_recorded": True},
            {"logged_at": "2025-03-04 09:00", "decision_recorded": False},
            {"logged_at": "2025-03-05 09:00"},  # blank: not recorded
            {"logged_at": "2025-03-06 09:00", "decision_recorded": False},
            {"academy_code": "ELM", "logged_at": "2025-03-03 09:00", "decision_recorded": True},
        ],
    )
    assert metric(db, "decision_recorded_pct", "2025-06-30", "OAK") == (25.0, 1, 4)
    assert metric(db, "decision_recorded_pct", "2025-06-30", "ELM") == (100.0, 1, 1)
    assert metric(db, "decision_recorded_pct", "2025-06-30", "TRUST") == (40.0, 2, 5)
    assert metric(db, "decision_recorded_pct", "2025-06-30", "ASH") == (None, 0, 0)


def test_cse_mentor_allocated_counts_cse_by_category_or_flag(tmp_path):
    """CSE concerns: M1 (category, mentor), M2 (flag only, no mentor), M3 (category, flag
    false, mentor blank). M4 is neglect with a mentor: not CSE, so not counted. 1/3 = 33.3."""
    db = build(
        tmp_path,
        concerns=[
            concern("M1", "2025-03-03 09:00", category=CSE, mentor_allocated=True),
            concern(
                "M2",
                "2025-03-04 09:00",
                category="sharing_nudes",
                cse_flag=True,
                mentor_allocated=False,
            ),
            concern("M3", "2025-03-05 09:00", category=CSE, cse_flag=False),  # mentor blank
            concern("M4", "2025-03-06 09:00", mentor_allocated=True),  # neglect: not CSE
        ],
    )
    assert metric(db, "cse_mentor_allocated_pct", "2025-06-30") == (33.3, 1, 3)


def test_median_review_hours_and_the_trust_median_over_every_concern(tmp_path):
    """OAK reviews after 1, 2, 4 and 10 hours: even count, mean of the middle two = 3.0.
    ELM after 20 and 21 hours: 20.5. TRUST: the median of all six (1, 2, 4, 10, 20, 21) =
    (4 + 10) / 2 = 7.0, not the median of the medians (11.75).
    Left out: an OAK concern never reviewed, and one reviewed after the as-of date."""
    logged = "2025-03-03 08:00"
    db = build(
        tmp_path,
        concerns=[
            concern("O1", logged, "2025-03-03 09:00"),  # 1 hour
            concern("O2", logged, "2025-03-03 10:00"),  # 2 hours
            concern("O3", logged, "2025-03-03 12:00"),  # 4 hours
            concern("O4", logged, "2025-03-03 18:00"),  # 10 hours
            concern("O5", logged),  # never reviewed
            concern("O6", "2025-06-30 08:00", "2025-07-01 08:00"),  # reviewed after the as-of
            concern("E1", logged, "2025-03-04 04:00", academy_code="ELM"),  # 20 hours
            concern("E2", logged, "2025-03-04 05:00", academy_code="ELM"),  # 21 hours
        ],
    )
    assert metric(db, "dsl_review_median_hours", "2025-06-30", "OAK") == (3.0, None, 4)
    assert metric(db, "dsl_review_median_hours", "2025-06-30", "ELM") == (20.5, None, 2)
    assert metric(db, "dsl_review_median_hours", "2025-06-30", "TRUST") == (7.0, None, 6)
    assert metric(db, "dsl_review_median_hours", "2025-06-30", "ASH") == (None, None, 0)


def test_median_hours_round_half_away_from_zero(tmp_path):
    """One review after 1 h 27 min = 1.45 h exactly -> 1.5 (binary floating point would make
    1.45 a hair under and round it down to 1.4)."""
    db = build(
        tmp_path,
        concerns=[concern("C1", "2025-03-03 08:00", "2025-03-03 09:27")],
    )
    assert metric(db, "dsl_review_median_hours", "2025-06-30") == (1.5, None, 1)
