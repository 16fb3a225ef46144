"""The shared models of queries/models/, each on its own: given rows -> expected rows.

Every figure, list and chart reads these models, so each rule is tested once here (and the
metric tests check the figures built on them). As of Friday 30 May 2025 unless said otherwise.
May 2025: Thu 1, Fri 2, Mon 5 (bank holiday), Tue 6, ... Fri 23, Mon 26 (bank holiday), Tue 27,
Thu 29, Fri 30; Mon 2 June, Tue 3 June. 2024 was a leap year: Thu 29 February 2024.
"""

from __future__ import annotations

import datetime as dt

import pytest
from metric_fixtures import build, day

from safeguarding import database, standards
from safeguarding.window import Window, bind

AS_OF = day("2025-05-30")
YEAR = Window.ending(AS_OF)  # 31 May 2024 to 30 May 2025


def rows(db, model: str, columns: str, windows=(YEAR,), where: str = "true") -> list[tuple]:
    """The model's rows, just these columns, in column order."""
    # Test-only SQL: the model, the columns and the filter are the test's own literals.
    query = f"select {columns} from {model}($windows, $standards) where {where} order by all"
    parameters = {
        "standards": standards.load().query_parameters(),
        "windows": bind(list(windows)),
    }
    with database.reader(db) as con:
        return con.execute(query, parameters).fetchall()


def d(text: str) -> dt.date:
    return day(text)


@pytest.fixture(scope="module")
def staff_db(tmp_path_factory):
    return build(
        tmp_path_factory.mktemp("models_staff"),
        staff=[
            {"staff_ref": "T", "role": "teacher"},
            {"staff_ref": "V", "role": "volunteer", "works_with_children": False},
            {"staff_ref": "P", "role": "principal", "works_with_children": False},
            {"staff_ref": "G", "role": "governor", "safeguarding_role": "dsl"},
            {"staff_ref": "D", "role": "support", "safeguarding_role": "deputy_dsl"},
            {"staff_ref": "NEW", "start_date": "2025-05-27"},  # induction due Tue 3 June
            {"staff_ref": "LATER", "start_date": "2025-06-02"},  # not yet in post
            {"staff_ref": "LEFT", "leave_date": "2025-05-30"},  # the leave date is not in post
            {"staff_ref": "LEAP", "start_date": "2024-02-29", "leave_date": "2024-06-30"},
        ],
        training=[
            {"staff_ref": "T", "course": "safeguarding_induction", "completed_on": "2019-12-20"},
            {"staff_ref": "T", "course": "safeguarding_update", "completed_on": "2024-06-01"},
            {"staff_ref": "T", "course": "safeguarding_update", "completed_on": "2025-06-01"},
            {"staff_ref": "V", "course": "safeguarding_full", "completed_on": "2024-05-30"},
            {"staff_ref": "G", "course": "governor_safeguarding", "completed_on": "2024-07-01"},
            {"staff_ref": "D", "course": "safeguarding_update", "completed_on": "2025-01-10"},
            {"staff_ref": "D", "course": "dsl_full", "completed_on": "2023-09-01"},
            {"staff_ref": "D", "course": "dsl_refresh", "completed_on": "2024-06-25"},
            {
                "staff_ref": "D",
                "course": "kcsie_part1",
                "completed_on": "2025-01-10",
                "kcsie_edition": 2025,
            },
            {"staff_ref": "LEAP", "course": "safeguarding_induction", "completed_on": "2024-03-07"},
        ],
    )


def test_staff_members_know_who_is_staff_and_who_reads_what(staff_db):
    assert rows(
        staff_db,
        "staff_members",
        "staff_ref, is_governor, is_staff, is_dsl_or_deputy, is_deputy_dsl, "
        "is_kcsie_part1_reader, is_kcsie_annex_b_reader",
        where="staff_ref in ('T', 'V', 'P', 'G', 'D')",
    ) == [
        ("D", False, True, True, True, True, True),
        ("G", True, False, False, False, False, False),  # a governor is never a DSL
        ("P", False, True, False, False, False, True),  # a principal reads Annex B
        ("T", False, True, False, False, True, True),
        ("V", False, True, False, False, False, False),  # volunteers are staff
    ]


def test_staff_members_induction_deadline_and_first_course(staff_db):
    assert rows(
        staff_db,
        "staff_members",
        "staff_ref, induction_deadline_on, first_qualifying_on",
        where="staff_ref in ('T', 'NEW', 'LEAP')",
    ) == [
        # 29 Feb 2024 (Thu) + 5 working days: Fri 1, Mon 4, Tue 5, Wed 6, Thu 7 March.
        ("LEAP", d("2024-03-07"), d("2024-03-07")),
        ("NEW", d("2025-06-03"), None),  # Tue 27 May + 5: 28, 29, 30 May, 2, 3 June
        # a course before the start date counts for induction
        ("T", d("2020-01-13"), d("2019-12-20")),
    ]


def test_people_in_post_start_on_their_start_date_and_leave_on_their_leave_date(staff_db):
    leap_day = Window.ending(d("2024-02-29"))
    assert rows(
        staff_db,
        "people_in_post",
        "as_of_on, staff_ref, is_in_induction_window",
        windows=(YEAR, leap_day),
        where="staff_ref in ('NEW', 'LATER', 'LEFT', 'LEAP')",
    ) == [
        (d("2024-02-29"), "LEAP", True),
        (d("2024-02-29"), "LEFT", False),
        (d("2025-05-30"), "NEW", True),
    ]


def test_latest_training_ignores_what_has_not_happened_yet(staff_db):
    assert rows(
        staff_db,
        "latest_training",
        "staff_ref, latest_qualifying_on, latest_qualifying_course, latest_dsl_full_on, "
        "latest_dsl_update_on, latest_dsl_update_course, has_read_kcsie_part1",
        where="staff_ref in ('T', 'D')",
    ) == [
        (
            "D",
            d("2025-01-10"),
            "safeguarding_update",
            d("2023-09-01"),
            d("2024-06-25"),
            "dsl_refresh",
            True,
        ),
        # the update of 1 June 2025 is after the as-of date
        ("T", d("2024-06-01"), "safeguarding_update", None, None, None, False),
    ]


def test_training_status_judges_each_person_on_their_own_requirement(staff_db):
    assert rows(
        staff_db,
        "training_status",
        "staff_ref, expires_on, is_training_in_date, is_training_judged, training_status, "
        "dsl_expires_on, dsl_training_status",
    ) == [
        # DSL: full course to 1 Sep 2025, update (refresher) to 25 Jun 2025: the earlier.
        ("D", d("2026-01-10"), True, True, "in_date", d("2025-06-25"), "expiring"),
        ("G", d("2025-07-01"), True, True, "in_date", None, None),  # governor training
        ("NEW", None, False, False, "induction_due", None, None),
        ("P", None, False, True, "never_trained", None, None),
        ("T", d("2025-06-01"), True, True, "expiring", None, None),
        ("V", d("2025-05-30"), False, True, "expired", None, None),  # out of date on the day
    ]


def test_inductions_count_starters_of_the_window_once_their_deadline_passed(staff_db):
    spring_2024 = Window(d("2024-04-30"), d("2024-01-01"), d("2024-04-30"))
    assert rows(
        staff_db,
        "inductions",
        "as_of_on, staff_ref, induction_deadline_on, is_on_time",
        windows=(YEAR, spring_2024),
    ) == [
        (d("2024-04-30"), "LEAP", d("2024-03-07"), True),  # on the deadline day: on time
        # NEW's deadline (3 June) has not passed on 30 May; LATER has not started.
    ]


@pytest.fixture(scope="module")
def events_db(tmp_path_factory):
    return build(
        tmp_path_factory.mktemp("models_events"),
        concerns=[
            {
                "concern_id": "C-ON-TIME",
                "logged_at": "2025-05-02 16:00",
                "dsl_reviewed_at": "2025-05-06 08:00",
            },  # deadline Tue 6 (bank holiday Mon 5)
            {
                "concern_id": "C-LATE",
                "logged_at": "2025-05-02 16:00",
                "dsl_reviewed_at": "2025-05-07 08:00",
                "category": "child_sexual_exploitation",
            },
            {"concern_id": "C-WAITING", "logged_at": "2025-05-22 10:00"},  # deadline Fri 23
            {
                "concern_id": "C-NOT-DUE",
                "logged_at": "2025-05-30 10:00",
                "cse_flag": True,
            },  # deadline Mon 2 June
            {"concern_id": "C-OLD", "logged_at": "2024-05-01 10:00"},  # before the window
        ],
        referrals=[
            {
                "referral_id": "R-ON-TIME",
                "referred_at": "2025-05-02 09:00",
                "feedback_at": "2025-05-06 17:00",
            },
            {
                "referral_id": "R-LATE",
                "referred_at": "2025-05-02 09:00",
                "feedback_at": "2025-05-08 09:00",
                "followed_up_at": "2025-05-07 09:00",
            },
            {"referral_id": "R-OVERDUE", "referred_at": "2025-05-23 09:00"},  # due Tue 27
            {"referral_id": "R-AWAITING", "referred_at": "2025-05-30 09:00"},
            {"referral_id": "R-OLD-OPEN", "referred_at": "2024-02-29 09:00"},  # due Fri 1 Mar
            {
                "referral_id": "R-OLD-DONE",
                "referred_at": "2024-02-29 09:00",
                "feedback_at": "2024-03-01 09:00",
            },
            {
                "referral_id": "L-ALLEGED",
                "agency": "lado",
                "referred_at": "2025-06-04 09:00",
                "allegation_at": "2025-05-29 12:00",
            },  # due Fri 30; referred after the as-of date
            {
                "referral_id": "P-POLICE",
                "agency": "police",
                "referred_at": "2025-05-12 09:00",
                "decision": "no_further_action",
                "escalated_at": "2025-05-13 09:00",
            },
        ],
        policies=[
            {
                "policy_title": "Overdue",
                "policy_type": "child_sexual_exploitation",
                "next_review_on": "2025-05-29",
            },
            {"policy_title": "Due today", "next_review_on": "2025-05-30"},
            {"policy_title": "Due in 30 days", "next_review_on": "2025-06-29"},
            {"policy_title": "In date", "next_review_on": "2025-06-30"},
            {"policy_title": "No date", "next_review_on": None},
            {
                "academy_code": "TRUST",
                "policy_title": "Trust CP",
                "policy_type": "child_protection_safeguarding",
                "next_review_on": "2026-01-01",
            },
            {
                "academy_code": "ELM",
                "policy_title": "Elm CP",
                "policy_type": "child_protection_safeguarding",
                "next_review_on": "2025-05-01",
            },
        ],
    )


def test_concern_reviews_judge_each_concern_at_the_as_of_date(events_db):
    assert rows(
        events_db,
        "concern_reviews",
        "concern_id, review_deadline_on, review_status, late_working_days, is_cse",
    ) == [
        ("C-LATE", d("2025-05-06"), "late", 1, True),
        ("C-NOT-DUE", d("2025-06-02"), "not_yet_due", None, True),  # CSE by its flag
        ("C-ON-TIME", d("2025-05-06"), "on_time", None, False),
        # due Fri 23 May; Tue 27, Wed 28, Thu 29, Fri 30 after the bank holiday: 4
        ("C-WAITING", d("2025-05-23"), "outstanding", 4, False),
    ]


def test_referral_deadlines_take_the_window_and_what_is_overdue_however_old(events_db):
    assert rows(
        events_db,
        "referral_deadlines",
        "referral_id, is_referred_in_window, feedback_deadline_on, feedback_status, "
        "is_feedback_overdue, overdue_working_days, is_followed_up",
        where="agency = 'children_social_care'",
    ) == [
        ("R-AWAITING", True, d("2025-06-02"), "awaiting", False, None, False),
        ("R-LATE", True, d("2025-05-06"), "late", False, None, True),
        # overdue however old: 313 working days from Fri 1 March 2024 to Fri 30 May 2025
        # (counted with the holidays library, not the calendar table)
        ("R-OLD-OPEN", False, d("2024-03-01"), "overdue", True, 313, False),
        ("R-ON-TIME", True, d("2025-05-06"), "on_time", False, None, False),
        ("R-OVERDUE", True, d("2025-05-27"), "overdue", True, 3, False),
    ]


def test_referral_deadlines_for_lado_and_escalations(events_db):
    assert rows(
        events_db,
        "referral_deadlines",
        "referral_id, is_referred_in_window, is_alleged_in_window, lado_deadline_on, "
        "is_lado_due, is_lado_on_time, is_escalated",
        where="agency <> 'children_social_care'",
    ) == [
        # referred after the as-of date, for an allegation in the window: due, and late
        ("L-ALLEGED", False, True, d("2025-05-30"), True, False, False),
        ("P-POLICE", True, False, None, None, None, True),
    ]


def test_policy_review_status_at_the_as_of_date(events_db):
    assert rows(
        events_db,
        "policy_review_status",
        "policy_title, is_trust_wide, days_to_review, status",
    ) == [
        ("Due in 30 days", False, 30, "due_soon"),
        ("Due today", False, 0, "due_soon"),
        ("Elm CP", False, -29, "overdue"),
        ("In date", False, 31, "in_date"),
        ("No date", False, None, "no_date"),
        ("Overdue", False, -1, "overdue"),
        ("Trust CP", True, 216, "in_date"),
    ]


def test_required_policy_coverage_own_trust_wide_both_and_missing(events_db):
    assert rows(
        events_db,
        "required_policy_coverage",
        "academy_code, policy_type, coverage, worst_status",
        where="policy_type in ('child_protection_safeguarding', 'child_sexual_exploitation')",
    ) == [
        ("ASH", "child_protection_safeguarding", "trust_wide", "in_date"),
        ("ASH", "child_sexual_exploitation", "missing", None),
        ("ELM", "child_protection_safeguarding", "both", "overdue"),
        ("ELM", "child_sexual_exploitation", "missing", None),
        ("OAK", "child_protection_safeguarding", "trust_wide", "in_date"),
        ("OAK", "child_sexual_exploitation", "own", "overdue"),
    ]


def test_windows_and_event_dates(events_db):
    with database.reader(events_db) as con:
        assert con.execute(
            "select * from windows($windows)",
            {"windows": bind([Window(AS_OF, d("2025-01-01"), d("2025-12-31"))])},
        ).fetchall() == [
            (AS_OF, d("2025-01-01"), d("2025-12-31"), AS_OF, dt.datetime(9999, 12, 31, 23, 59, 59))
        ]
        assert con.execute(
            "select event, min(event_on), max(event_on), count(*) from event_dates($windows) "
            "group by all order by all",
            {"windows": bind([YEAR])},
        ).fetchall() == [
            ("concern_logged", d("2024-05-01"), d("2025-05-30"), 5),
            ("referral_made", d("2024-02-29"), d("2025-06-04"), 8),
        ]


def test_referral_pupils_find_the_pupil_through_the_concern_as_it_was_known(tmp_path):
    """A referral without its own pupil_ref is about its concern's pupil, as that concern was
    known at the knowledge time: the table model referred_concern_pupils keeps every version of
    each concern a referral names, and no other concern."""
    corrected_at = dt.datetime(2025, 5, 20, 9, 0)
    db = build(
        tmp_path,
        concerns=[
            {"concern_id": "C1", "pupil_ref": "PUP-FIRST", "known_until": corrected_at},
            {"concern_id": "C1", "pupil_ref": "PUP-CORRECTED", "known_from": corrected_at},
            {"concern_id": "C2", "pupil_ref": "PUP-OTHER"},
            {"concern_id": "C3", "pupil_ref": "PUP-NEVER-REFERRED"},
        ],
        referrals=[
            {"referral_id": "R1", "concern_id": "C1", "pupil_ref": None},
            {"referral_id": "R2", "concern_id": "C2", "pupil_ref": "PUP-OWN"},
            {"referral_id": "R3", "concern_id": None, "pupil_ref": None},
        ],
    )
    query = "select referral_id, pupil_ref from referral_pupils($windows) order by all"
    with database.reader(db) as con:
        answers = {
            known_at: con.execute(
                query, {"windows": bind([Window.ending(AS_OF, known_at=known_at)])}
            ).fetchall()
            for known_at in (corrected_at - dt.timedelta(hours=1), None)
        }
        referred = con.execute(
            "select concern_id, pupil_ref from referred_concern_pupils order by all"
        ).fetchall()
    assert list(answers.values()) == [
        [("R1", "PUP-FIRST"), ("R2", "PUP-OWN"), ("R3", None)],
        [("R1", "PUP-CORRECTED"), ("R2", "PUP-OWN"), ("R3", None)],
    ]
    assert referred == [("C1", "PUP-CORRECTED"), ("C1", "PUP-FIRST"), ("C2", "PUP-OTHER")]
