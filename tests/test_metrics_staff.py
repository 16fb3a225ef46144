"""Staff and training metrics (product.md §4): who is in post, training in date, induction, DSLs,
KCSIE reads, governors, training expiring."""

from __future__ import annotations

from metric_fixtures import build, drill, metric


def person(ref: str, **columns) -> dict:
    return {"staff_ref": ref, **columns}


def course(ref: str, name: str, completed_on: str, **columns) -> dict:
    return {"staff_ref": ref, "course": name, "completed_on": completed_on, **columns}


def test_staff_in_post(tmp_path):
    """As of Mon 31 Mar 2025. In post: T1 (long-serving), T2 (starts on the as-of date),
    T5 (leaves the day after), T8 (volunteer), T9 (other) = 5.
    Not: T3 (starts the day after), T4 (leave_date = the as-of date), T6 governor, T7 trustee."""
    db = build(
        tmp_path,
        staff=[
            person("T1", start_date="2020-01-06"),
            person("T2", role="support", start_date="2025-03-31"),
            person("T3", start_date="2025-04-01"),
            person("T4", start_date="2020-01-06", leave_date="2025-03-31"),
            person("T5", start_date="2020-01-06", leave_date="2025-04-01"),
            person("T6", role="governor", works_with_children=False),
            person("T7", role="trustee", works_with_children=False),
            person("T8", role="volunteer"),
            person("T9", role="other"),
        ],
    )
    assert metric(db, "staff_in_post", "2025-03-31") == (5, None, None)
    assert metric(db, "staff_in_post", "2025-03-31", "ASH") == (0, None, None)


TRAINING_STAFF = [
    person("A"),  # course on 29 Feb 2024: 12 months later is 28 Feb 2025
    person("B"),  # full course 1 Mar 2024: in date until 1 Mar 2025
    person("C", start_date="2025-02-24"),  # new starter, inside the induction window, untrained
    person("D", start_date="2025-02-10"),  # starter whose window closed Mon 17 Feb, untrained
    person("E"),  # only KCSIE Part 1, which is not safeguarding training
    person("F", role="governor", works_with_children=False),  # governors are not staff in post
    person("G"),  # completed a course after the as-of date
    person("I", start_date="2025-02-26"),  # new starter already trained
]
TRAINING = [
    course("A", "safeguarding_update", "2024-02-29"),
    course("B", "safeguarding_full", "2024-03-01"),
    course("E", "kcsie_part1", "2025-01-10", kcsie_edition=2024),
    course("F", "safeguarding_update", "2025-01-10"),
    course("G", "safeguarding_update", "2025-03-05"),
    course("I", "safeguarding_induction", "2025-02-26"),
]


def test_training_in_date_on_the_day_before_a_29_february_course_expires(tmp_path):
    """As of Thu 27 Feb 2025. In post (not governors): A, B, C, D, E, G, I = 7.
    C started Mon 24 Feb: window ends add_working_days(24 Feb, 5) = Mon 3 Mar, and C has no
    course in date, so C is left out: denominator 6. In date: A (until 28 Feb), B, I = 3. 50.0."""
    db = build(tmp_path, staff=TRAINING_STAFF, training=TRAINING)
    assert metric(db, "safeguarding_training_in_date_pct", "2025-02-27") == (50.0, 3, 6)


def test_training_expires_on_28_february_after_a_29_february_course(tmp_path):
    """As of Fri 28 Feb 2025: 29 Feb 2024 + 12 months = 28 Feb 2025, and in date needs
    as-of < expiry, so A has expired. Denominator still 6 (C still in its window); in date:
    B, I = 2. 33.3."""
    db = build(tmp_path, staff=TRAINING_STAFF, training=TRAINING)
    assert metric(db, "safeguarding_training_in_date_pct", "2025-02-28") == (33.3, 2, 6)


def test_training_due_list(tmp_path):
    """As of 28 Feb 2025: D never trained (window closed), E never trained (Part 1 does not
    count), G's course is after the as-of date (never trained by then), A expired on 28 Feb,
    C is due its induction; B expires 1 Mar (within 30 days). F, a governor, has a governor
    course in date; I is in date until Feb 2026."""
    db = build(tmp_path, staff=TRAINING_STAFF, training=TRAINING)
    listed = drill(db, "staff_training_due_list", "2025-02-28")
    assert [(r["staff_ref"], r["status"], r["expires_on"]) for r in listed] == [
        ("D", "never_trained", None),
        ("E", "never_trained", None),
        ("G", "never_trained", None),
        ("A", "expired", "2025-02-28"),
        ("C", "induction_due", None),
        ("B", "expiring", "2025-03-01"),
    ]


def test_induction_on_time(tmp_path):
    """As of Mon 31 Mar 2025, window 1 Apr 2024 - 31 Mar 2025. Window closes 5 working days
    after the start date.
    N1 start Mon 3 Feb, induction Mon 10 Feb (the last day) - on time
    N2 start Mon 3 Feb, induction Tue 11 Feb - late
    N3 start Mon 6 Jan, course done 15 Dec 2024, before starting - on time
    N4 start Mon 6 Jan, left 31 Jan, never trained - stays in, late
    N5 start Mon 31 Mar (the as-of date): window open until 7 Apr - not counted
    N6 start Mon 24 Mar: window closes Mon 31 Mar = as-of; trained that day - on time
    N7 a governor starting 3 Feb - not staff
    N8 started 1 Mar 2024, before the window - not counted
    3/5 = 60.0."""
    db = build(
        tmp_path,
        staff=[
            person("N1", start_date="2025-02-03"),
            person("N2", start_date="2025-02-03"),
            person("N3", start_date="2025-01-06"),
            person("N4", start_date="2025-01-06", leave_date="2025-01-31"),
            person("N5", start_date="2025-03-31"),
            person("N6", start_date="2025-03-24"),
            person("N7", role="governor", works_with_children=False, start_date="2025-02-03"),
            person("N8", start_date="2024-03-01"),
        ],
        training=[
            course("N1", "safeguarding_induction", "2025-02-10"),
            course("N2", "safeguarding_induction", "2025-02-11"),
            course("N3", "safeguarding_full", "2024-12-15"),
            course("N6", "safeguarding_induction", "2025-03-31"),
            course("N7", "governor_safeguarding", "2025-02-03"),
        ],
    )
    assert metric(db, "induction_on_time_pct", "2025-03-31") == (60.0, 3, 5)


DSL_STAFF = [
    # OAK
    person("D1", safeguarding_role="dsl"),  # full 18 months ago, refreshed 6 months ago
    person("D2", safeguarding_role="deputy_dsl"),  # recent refresh, full course over 24 months
    person("D3", safeguarding_role="deputy_dsl"),  # a full course 10 months ago covers both
    person("D4", safeguarding_role="dsl"),  # full in date, no update for 14 months
    person("D5", safeguarding_role="dsl"),  # a refresher alone
    person("D6", role="governor", safeguarding_role="dsl", works_with_children=False),
    # ELM: a trained DSL, and a deputy with only a refresher
    person("E1", academy_code="ELM", safeguarding_role="dsl"),
    person("E2", academy_code="ELM", safeguarding_role="deputy_dsl"),
]
DSL_TRAINING = [
    course("D1", "dsl_full", "2024-01-15"),
    course("D1", "dsl_refresh", "2025-01-10"),
    course("D2", "dsl_full", "2022-05-01"),
    course("D2", "dsl_refresh", "2025-05-01"),
    course("D3", "dsl_full", "2024-09-01"),
    course("D4", "dsl_full", "2023-09-01"),
    course("D4", "dsl_refresh", "2024-05-01"),
    course("D5", "dsl_refresh", "2025-06-01"),
    course("D6", "dsl_full", "2025-01-01"),
    {**course("E1", "dsl_full", "2025-01-01"), "academy_code": "ELM"},
    {**course("E2", "dsl_refresh", "2025-06-01"), "academy_code": "ELM"},
]


def test_dsl_training_in_date(tmp_path):
    """As of 30 Jun 2025, OAK: D1 in date; D2 not (full course over 24 months old, despite a
    recent refresh); D3 in date; D4 not (no update within 12 months); D5 not (a refresher
    alone); D6 is a governor, never staff in post. 2/5 = 40.0. TRUST adds ELM's 1/2: 3/7."""
    db = build(tmp_path, staff=DSL_STAFF, training=DSL_TRAINING)
    assert metric(db, "dsl_training_in_date_pct", "2025-06-30") == (40.0, 2, 5)
    assert metric(db, "dsl_training_in_date_pct", "2025-06-30", "TRUST") == (42.9, 3, 7)


def test_academies_without_trained_deputy(tmp_path):
    """OAK has D3, a deputy in date: 0. ELM's only deputy has a refresher alone, and a trained
    DSL is not a deputy: 1. ASH has no deputy at all: 1. TRUST counts the academies: 2."""
    db = build(tmp_path, staff=DSL_STAFF, training=DSL_TRAINING)
    assert metric(db, "academies_without_trained_deputy", "2025-06-30", "OAK") == (0, None, None)
    assert metric(db, "academies_without_trained_deputy", "2025-06-30", "ELM") == (1, None, None)
    assert metric(db, "academies_without_trained_deputy", "2025-06-30", "ASH") == (1, None, None)
    assert metric(db, "academies_without_trained_deputy", "2025-06-30", "TRUST") == (
        2,
        None,
        None,
    )


def test_dsl_training_due_list(tmp_path):
    """As of 30 Jun 2025, OAK: D2 expired (full course expired 1 May 2024), D4 expired
    (update expired 1 May 2025), D5 never trained (no full course). D1 is in date until
    10 Jan 2026 and D3 until 1 Sep 2025: neither within 30 days."""
    db = build(tmp_path, staff=DSL_STAFF, training=DSL_TRAINING)
    listed = drill(db, "dsl_training_due_list", "2025-06-30", academies=["OAK"])
    assert [(r["staff_ref"], r["status"], r["expires_on"]) for r in listed] == [
        ("D5", "never_trained", None),
        ("D2", "expired", "2024-05-01"),
        ("D4", "expired", "2025-05-01"),
    ]


def test_kcsie_part1_read_of_the_current_edition(tmp_path):
    """As of 1 Oct 2025, current edition 2025. Staff who work with children: K1 (read 2025),
    K2 (read 2024 only), K3 (Annex A 2025, not Part 1), K5 (read 2025 the day after the as-of
    date) = 4. K4 does not work with children; K6 is a governor. 1/4 = 25.0."""
    db = build(
        tmp_path,
        staff=[
            person("K1"),
            person("K2"),
            person("K3"),
            person("K4", role="support", works_with_children=False),
            person("K5"),
            person("K6", role="governor", works_with_children=True),
        ],
        training=[
            course("K1", "kcsie_part1", "2025-09-05", kcsie_edition=2025),
            course("K2", "kcsie_part1", "2024-09-05", kcsie_edition=2024),
            course("K3", "kcsie_annex_a", "2025-09-05", kcsie_edition=2025),
            course("K4", "kcsie_part1", "2025-09-05", kcsie_edition=2025),
            course("K5", "kcsie_part1", "2025-10-02", kcsie_edition=2025),
            course("K6", "kcsie_part1", "2025-09-05", kcsie_edition=2025),
        ],
    )
    assert metric(db, "kcsie_part1_read_pct", "2025-10-01") == (25.0, 1, 4)


def test_kcsie_annex_b_read_by_staff_with_children_and_leaders(tmp_path):
    """Expected readers: B1 (works with children), B2 (leadership, not with children), B3
    (principal), B5 (works with children) = 4; B4 (support, not with children) is not.
    Read the 2025 edition: B1, B2 = 2. B5 read 2024's. 2/4 = 50.0."""
    db = build(
        tmp_path,
        staff=[
            person("B1"),
            person("B2", role="leadership", works_with_children=False),
            person("B3", role="principal", works_with_children=False),
            person("B4", role="support", works_with_children=False),
            person("B5"),
        ],
        training=[
            course("B1", "kcsie_annex_b", "2025-09-05", kcsie_edition=2025),
            course("B2", "kcsie_annex_b", "2025-09-05", kcsie_edition=2025),
            course("B4", "kcsie_annex_b", "2025-09-05", kcsie_edition=2025),
            course("B5", "kcsie_annex_b", "2024-09-05", kcsie_edition=2024),
        ],
    )
    assert metric(db, "kcsie_annex_b_read_pct", "2025-10-01") == (50.0, 2, 4)


def test_governor_training_in_date(tmp_path):
    """As of 30 Jun 2025. Governors and trustees in post: G1 (governor course Sep 2024 - in
    date), G2 (trustee, update on 30 Jun 2024: expires on the as-of date - not in date), G5
    (only a Prevent course) = 3. G3 left, G4 not yet started, G6 is a teacher. 1/3 = 33.3."""
    governor = {"role": "governor", "works_with_children": False}
    db = build(
        tmp_path,
        staff=[
            person("G1", **governor),
            person("G2", **{**governor, "role": "trustee"}),
            person("G3", **governor, leave_date="2025-01-01"),
            person("G4", **governor, start_date="2025-07-01"),
            person("G5", **governor),
            person("G6"),
        ],
        training=[
            course("G1", "governor_safeguarding", "2024-09-01"),
            course("G2", "safeguarding_update", "2024-06-30"),
            course("G3", "governor_safeguarding", "2024-09-01"),
            course("G4", "governor_safeguarding", "2025-06-01"),
            course("G5", "prevent", "2025-01-01"),
            course("G6", "governor_safeguarding", "2025-01-01"),
        ],
    )
    assert metric(db, "governor_training_in_date_pct", "2025-06-30") == (33.3, 1, 3)


def test_training_expiring_within_30_days(tmp_path):
    """As of 1 Jun 2025 (window: after 1 Jun, up to 1 Jul). Expiring: X1 (15 Jun) and X2
    (1 Jul, the 30th day). Not: X3 (2 Jul), X4 (expired on the as-of date), X5 (renewed in
    January - the latest course counts), X6 (a governor), X7 (left on 31 May). 2."""
    db = build(
        tmp_path,
        staff=[
            person("X1"),
            person("X2"),
            person("X3"),
            person("X4"),
            person("X5"),
            person("X6", role="governor", works_with_children=False),
            person("X7", leave_date="2025-05-31"),
        ],
        training=[
            course("X1", "safeguarding_update", "2024-06-15"),
            course("X2", "safeguarding_update", "2024-07-01"),
            course("X3", "safeguarding_update", "2024-07-02"),
            course("X4", "safeguarding_update", "2024-06-01"),
            course("X5", "safeguarding_update", "2024-06-10"),
            course("X5", "safeguarding_update", "2025-01-10"),
            course("X6", "safeguarding_update", "2024-06-15"),
            course("X7", "safeguarding_update", "2024-06-15"),
        ],
    )
    assert metric(db, "training_expiring_30d", "2025-06-01") == (2, None, None)
