"""The rest of the CSE policy measured (docs/product.md §4.2): follow-through, patterns and the
topic training, each on small hand-made rows with hand-computed figures, and as a governor sees
them (child counts of 1 to 5 hidden).

May 2025: Thu 1, Fri 2, Sat 3, Sun 4, Mon 5 (May Day bank holiday), Tue 6, ... Fri 9, Sat 10,
Mon 12, Tue 13. Default terms: Spring 1 Jan - 20 Apr 2025, Summer 21 Apr - 31 Aug 2025.
"""

from __future__ import annotations

import pytest
from metric_fixtures import build, drill, metric, results

from safeguarding import disclosure, metrics_definitions
from safeguarding.codes import TRUST

CSE = "child_sexual_exploitation"


def concern(ref: str, logged_at: str, **columns) -> dict:
    return {"concern_id": ref, "logged_at": logged_at, **columns}


def referral(ref: str, referred_at: str, **columns) -> dict:
    return {"referral_id": ref, "referred_at": referred_at, "pupil_ref": None, **columns}


def governor_view(db, as_of: str, metric_id: str) -> dict[str, tuple]:
    """(value, numerator, denominator) by academy, as a governor sees them."""
    frame = disclosure.suppress_metrics(results(db, as_of), limit=5)
    rows = frame[frame["metric"] == metric_id]
    return {r.academy_code: (r.value, r.numerator, r.denominator) for r in rows.itertuples()}


def test_incident_to_logged_is_the_median_over_concerns_with_an_incident_time(tmp_path):
    """4 h, 24 h and 72 h (Sat 3 12:00 to Tue 6 12:00: calendar hours, not working hours); C3
    has no incident time and is left out. Median 24.0 over 3."""
    db = build(
        tmp_path,
        concerns=[
            concern("C1", "2025-05-02 14:00", incident_at="2025-05-02 10:00"),
            concern("C2", "2025-05-02 09:00", incident_at="2025-05-01 09:00"),
            concern("C3", "2025-05-02 09:30"),
            concern("C4", "2025-05-06 12:00", incident_at="2025-05-03 12:00"),
        ],
    )
    assert metric(db, "incident_to_logged_median_hours", as_of="2025-05-13") == (24.0, None, 3)
    # ELM sent no incident times: no figure, not 0.
    assert metric(db, "incident_to_logged_median_hours", "2025-05-13", "ELM") == (None, None, 0)


def test_sharing_nudes_concerns_reach_the_dsl_on_time(tmp_path):
    """N1 Fri 2 May reviewed Tue 6 (Mon 5 a bank holiday: on time); N2 Thu 8 reviewed Mon 12
    (deadline Fri 9: late); C3 is neglect, on time, and not counted. 1 of 2 = 50.0."""
    db = build(
        tmp_path,
        concerns=[
            concern(
                "N1",
                "2025-05-02 10:00",
                category="sharing_nudes",
                dsl_reviewed_at="2025-05-06 09:00",
            ),
            concern(
                "N2",
                "2025-05-08 10:00",
                category="sharing_nudes",
                dsl_reviewed_at="2025-05-12 09:00",
            ),
            concern("C3", "2025-05-08 10:00", dsl_reviewed_at="2025-05-08 11:00"),
        ],
    )
    assert metric(db, "sharing_nudes_dsl_review_on_time_pct", "2025-05-13") == (50.0, 1, 2)
    assert metric(db, "dsl_review_on_time_pct", "2025-05-13") == (66.7, 2, 3)


def immediate_danger_rows() -> dict:
    """K1 Thu 8, CSC the same day: on time. K2 Sat 3, police Tue 6 (Mon 5 a bank holiday, so
    the next working day is Tue 6): on time. K3 Fri 9, CSC Mon 12: late. K4 Fri 9, only a
    Prevent referral: late. K5 Thu 8, CSC referral not flagged: not counted. K6 Mon 12, flagged
    referral on Wed 14, after the as-of date: not counted. 2 of 4 = 50.0."""
    return {
        "concerns": [
            concern("K1", "2025-05-08 10:00"),
            concern("K2", "2025-05-03 10:00"),
            concern("K3", "2025-05-09 10:00"),
            concern("K4", "2025-05-09 11:00"),
            concern("K5", "2025-05-08 10:00"),
            concern("K6", "2025-05-12 10:00"),
        ],
        "referrals": [
            referral("R1", "2025-05-08 15:00", concern_id="K1", immediate_danger=True),
            referral(
                "R2", "2025-05-06 09:00", concern_id="K2", agency="police", immediate_danger=True
            ),
            referral("R3", "2025-05-12 09:00", concern_id="K3", immediate_danger=True),
            referral(
                "R4", "2025-05-09 12:00", concern_id="K4", agency="prevent", immediate_danger=True
            ),
            referral("R5", "2025-05-08 12:00", concern_id="K5", immediate_danger=False),
            referral("R6", "2025-05-14 09:00", concern_id="K6", immediate_danger=True),
        ],
    }


def test_immediate_danger_is_referred_the_same_working_day(tmp_path):
    db = build(tmp_path, **immediate_danger_rows())
    assert metric(db, "immediate_danger_same_day_pct", "2025-05-13") == (50.0, 2, 4)
    late = drill(db, "immediate_danger_late_list", as_of="2025-05-13")
    assert [(r["concern_id"], r["respond_by_on"], r["first_urgent_referral_on"]) for r in late] == [
        ("K4", "2025-05-09", None),
        ("K3", "2025-05-09", "2025-05-12"),
    ]
    # As of Wed 14 May, K6's referral has happened and was not the same day (Mon 12).
    assert metric(db, "immediate_danger_same_day_pct", "2025-05-14") == (40.0, 2, 5)


def test_a_governor_sees_small_immediate_danger_counts_hidden(tmp_path):
    db = build(tmp_path, **immediate_danger_rows())
    seen = governor_view(db, "2025-05-13", "immediate_danger_same_day_pct")
    assert seen["OAK"] == ("c", "c", "c")
    # The TRUST row equals OAK's (ELM and ASH have none), so it would give OAK away.
    assert seen[TRUST] == ("c", "c", "c")
    assert seen["ELM"][2] == 0


def test_pupil_informed_and_views_need_their_columns(tmp_path):
    """OAK: P1 outcome monitor, told Tue 6; P2 outcome advice, not told; P3 no outcome yet (not
    counted); P4 outcome referral, told 20 May, after the as-of date: not yet. 1 of 3 = 33.3.
    Views: P1 true, P2 false, P3 blank (not recorded), P4 true: 2 of 4 = 50.0.
    ELM's export has neither column: not collected (no numerator, no denominator), and the TRUST
    row adds only OAK."""
    db = build(
        tmp_path,
        concerns=[
            concern(
                "P1",
                "2025-05-02 10:00",
                outcome="monitor",
                pupil_informed_on="2025-05-06",
                pupil_views_recorded=True,
            ),
            concern("P2", "2025-05-02 11:00", outcome="advice", pupil_views_recorded=False),
            concern("P3", "2025-05-08 10:00"),
            concern(
                "P4",
                "2025-05-09 10:00",
                outcome="referral",
                pupil_informed_on="2025-05-20",
                pupil_views_recorded=True,
            ),
            concern("E1", "2025-05-08 10:00", academy_code="ELM", outcome="monitor"),
        ],
    )
    assert metric(db, "pupil_informed_pct", "2025-05-13") == (33.3, 1, 3)
    assert metric(db, "pupil_views_recorded_pct", "2025-05-13") == (50.0, 2, 4)
    for metric_id in ("pupil_informed_pct", "pupil_views_recorded_pct"):
        assert metric(db, metric_id, "2025-05-13", "ELM") == (None, None, None)
    assert metric(db, "pupil_informed_pct", "2025-05-13", TRUST) == (33.3, 1, 3)
    definition = metrics_definitions.load()["pupil_informed_pct"]
    assert definition.is_not_collected(None) and not definition.is_not_collected(0)
    # A governor: ELM stays "not collected" (None), OAK's small counts are hidden.
    seen = governor_view(db, "2025-05-13", "pupil_informed_pct")
    assert seen["ELM"] == (None, None, None)
    assert seen["OAK"] == ("c", "c", "c")


def pattern_rows() -> dict:
    """As of 15 Jul 2025 (window from 16 Jul 2024).
    A: 3 concerns in the summer term, no referral - counted.
    B: 3 in the summer term, referred 11 Jun through its concern (no pupil_ref) - not counted.
    C: 2 in the summer term - not counted.
    D: a CSE concern in spring and one in summer: CSE in two terms - counted.
    E: 3 in the summer term, a referral in January, before them - counted.
    F: 2 concerns in spring, 1 in summer: at most 2 in a term - not counted."""
    concerns_ = [
        concern("A1", "2025-05-02 10:00", pupil_ref="A"),
        concern("A2", "2025-05-08 10:00", pupil_ref="A"),
        concern("A3", "2025-06-10 10:00", pupil_ref="A"),
        concern("B1", "2025-05-02 10:00", pupil_ref="B"),
        concern("B2", "2025-05-09 10:00", pupil_ref="B"),
        concern("B3", "2025-06-10 10:00", pupil_ref="B"),
        concern("C1", "2025-05-02 10:00", pupil_ref="C"),
        concern("C2", "2025-06-02 10:00", pupil_ref="C"),
        concern("D1", "2025-02-10 10:00", pupil_ref="D", category=CSE),
        concern("D2", "2025-06-02 10:00", pupil_ref="D", category=CSE),
        concern("E1", "2025-05-02 10:00", pupil_ref="E"),
        concern("E2", "2025-05-03 10:00", pupil_ref="E"),
        concern("E3", "2025-07-01 10:00", pupil_ref="E"),
        concern("F1", "2025-02-03 10:00", pupil_ref="F"),
        concern("F2", "2025-03-03 10:00", pupil_ref="F"),
        concern("F3", "2025-05-05 10:00", pupil_ref="F"),
    ]
    referrals_ = [
        referral("RB", "2025-06-11 10:00", concern_id="B3"),
        referral("RE", "2025-01-13 10:00", pupil_ref="E"),
    ]
    return {"concerns": concerns_, "referrals": referrals_}


def test_repeated_concerns_without_a_referral_are_a_pattern(tmp_path):
    db = build(tmp_path, **pattern_rows())
    assert metric(db, "pupils_repeated_concerns_no_referral", "2025-07-15") == (3.0, None, None)
    listed = drill(db, "repeated_concerns_no_referral_list", as_of="2025-07-15")
    assert [
        (r["pupil_ref"], r["concerns_in_window"], r["most_concerns_in_a_term"], r["terms_with_cse"])
        for r in listed
    ] == [("A", 3, 3, 0), ("E", 3, 3, 0), ("D", 2, 1, 2)]
    # As of 9 Jun, A has 2 concerns so far and E 2: only D (CSE in two terms) is a pattern yet.
    assert metric(db, "pupils_repeated_concerns_no_referral", "2025-06-09") == (1.0, None, None)
    seen = governor_view(db, "2025-07-15", "pupils_repeated_concerns_no_referral")
    assert seen["OAK"][0] == "c" and seen[TRUST][0] == "c"


def test_mentors_are_counted_per_pupil_and_contact_must_be_recent(tmp_path):
    """As of Tue 13 May 2025; recent = last contact on or after 29 Apr (14 days).
    X: two CSE concerns, a mentor on one, last contact 1 May - mentored, recent.
    W: CSE, mentor, last contact 20 Apr - mentored, not recent.
    V: CSE, mentor, no contact recorded - mentored, not recent.
    Y: CSE, no mentor. Z: neglect with a mentor - not CSE.
    Pupils: 3 of 4 mentored = 75.0; concerns: 3 of 5 CSE concerns = 60.0; contact: 1 of 3.
    ELM's concerns have no mentor_last_contact_on column: not collected."""
    db = build(
        tmp_path,
        concerns=[
            concern(
                "X1",
                "2025-05-02 10:00",
                pupil_ref="X",
                category=CSE,
                mentor_allocated=True,
                mentor_last_contact_on="2025-05-01",
            ),
            concern("X2", "2025-05-06 10:00", pupil_ref="X", category=CSE),
            concern(
                "W1",
                "2025-04-01 10:00",
                pupil_ref="W",
                category=CSE,
                mentor_allocated=True,
                mentor_last_contact_on="2025-04-20",
            ),
            concern("V1", "2025-04-02 10:00", pupil_ref="V", category=CSE, mentor_allocated=True),
            concern("Y1", "2025-04-03 10:00", pupil_ref="Y", category=CSE),
            concern("Z1", "2025-04-04 10:00", pupil_ref="Z", mentor_allocated=True),
            concern(
                "Q1",
                "2025-04-04 10:00",
                pupil_ref="Q",
                academy_code="ELM",
                category=CSE,
                mentor_allocated=True,
            ),
        ],
    )
    assert metric(db, "cse_pupils_with_mentor_pct", "2025-05-13") == (75.0, 3, 4)
    assert metric(db, "cse_mentor_allocated_pct", "2025-05-13") == (60.0, 3, 5)
    assert metric(db, "mentor_contact_recent_pct", "2025-05-13") == (33.3, 1, 3)
    assert metric(db, "mentor_contact_recent_pct", "2025-05-13", "ELM") == (None, None, None)
    assert metric(db, "cse_pupils_with_mentor_pct", "2025-05-13", "ELM") == (100.0, 1, 1)
    assert metric(db, "mentor_contact_recent_pct", "2025-05-13", TRUST) == (33.3, 1, 3)


def nfa_rows() -> dict:
    """As of 15 Jul 2025. Children's social care NFA decisions:
    N1 (P1) 3 Mar, feedback 4 Mar; new concern 10 Apr; re-referred 11 Apr - reconsidered.
    N2 (P2) 3 Mar, feedback 4 Mar; new concern 1 May; DSL reconsidered 2 May - reconsidered.
    N3 (P3) 3 Mar; new concern 1 May; nothing recorded - not reconsidered; an early help
       referral on 10 Mar - early help offered.
    N4 (P4) 6 Jan, feedback 7 Jan; new concern 1 Jun, 145 days later - not followed.
    N5 (P5) 3 Mar, early_help_offered - early help, no new concern.
    NP: a police referral decided NFA - not a children's social care decision, not counted.
    Reconsidered 2 of 3 = 66.7; early help 2 of 5 = 40.0."""
    nfa = {"decision": "no_further_action"}
    return {
        "concerns": [
            concern("C1", "2025-04-10 10:00", pupil_ref="P1"),
            concern("C2", "2025-05-01 10:00", pupil_ref="P2"),
            concern("C3", "2025-05-01 10:00", pupil_ref="P3"),
            concern("C4", "2025-06-01 10:00", pupil_ref="P4"),
            concern("C6", "2025-05-01 10:00", pupil_ref="P6"),
        ],
        "referrals": [
            referral(
                "N1", "2025-03-03 10:00", pupil_ref="P1", feedback_at="2025-03-04 10:00", **nfa
            ),
            referral("N1B", "2025-04-11 10:00", pupil_ref="P1"),
            referral(
                "N2",
                "2025-03-03 10:00",
                pupil_ref="P2",
                feedback_at="2025-03-04 10:00",
                nfa_reconsidered_on="2025-05-02",
                **nfa,
            ),
            referral("N3", "2025-03-03 10:00", pupil_ref="P3", **nfa),
            referral("N3E", "2025-03-10 10:00", pupil_ref="P3", agency="early_help"),
            referral(
                "N4", "2025-01-06 10:00", pupil_ref="P4", feedback_at="2025-01-07 10:00", **nfa
            ),
            referral("N5", "2025-03-03 10:00", pupil_ref="P5", early_help_offered=True, **nfa),
            referral("NP", "2025-03-03 10:00", pupil_ref="P6", agency="police", **nfa),
        ],
    }


def test_a_new_concern_after_nfa_asks_for_re_referral(tmp_path):
    db = build(tmp_path, **nfa_rows())
    assert metric(db, "nfa_reconsidered_pct", "2025-07-15") == (66.7, 2, 3)
    assert metric(db, "early_help_after_nfa_pct", "2025-07-15") == (40.0, 2, 5)
    listed = drill(db, "nfa_new_concern_list", as_of="2025-07-15")
    assert [(r["referral_id"], r["new_concern_id"], r["is_reconsidered"]) for r in listed] == [
        ("N3", "C3", False),
        ("N2", "C2", True),
        ("N1", "C1", True),
    ]
    # As of 1 May: N2's reconsideration (2 May) has not happened yet; N1 re-referred.
    assert metric(db, "nfa_reconsidered_pct", "2025-05-01") == (33.3, 1, 3)


@pytest.mark.parametrize(
    ("as_of", "prevent"),
    [
        # S2's Prevent course on 29 Feb 2024 is in date until 28 Feb 2025 (12 months).
        ("2025-02-27", (66.7, 2, 3)),
        ("2025-02-28", (33.3, 1, 3)),
    ],
)
def test_topic_training_coverage(tmp_path, as_of, prevent):
    """Staff in post: S1 teacher working with children, S2 support not working with children,
    S4 a starter on 3 Feb 2025 with nothing yet. S3 left on 31 Jan 2025 and is not counted.
    CSE awareness (those working with pupils: S1, S4): S1 on 2 Sep 2024 - 1 of 2.
    Online safety: S1 2 Sep 2024, S2 6 Jan 2025 - 2 of 3. Prevent: S1 on 1 Sep 2024, S2 29 Feb
    2024 (a leap day)."""
    db = build(
        tmp_path,
        staff=[
            {"staff_ref": "S1"},
            {"staff_ref": "S2", "role": "support", "works_with_children": False},
            {"staff_ref": "S3", "leave_date": "2025-01-31"},
            {"staff_ref": "S4", "start_date": "2025-02-03"},
        ],
        training=[
            {"staff_ref": "S1", "course": "cse_awareness", "completed_on": "2024-09-02"},
            {"staff_ref": "S1", "course": "online_safety", "completed_on": "2024-09-02"},
            {"staff_ref": "S1", "course": "prevent", "completed_on": "2024-09-01"},
            {"staff_ref": "S2", "course": "online_safety", "completed_on": "2025-01-06"},
            {"staff_ref": "S2", "course": "prevent", "completed_on": "2024-02-29"},
            {"staff_ref": "S3", "course": "cse_awareness", "completed_on": "2025-01-06"},
            {"staff_ref": "S3", "course": "prevent", "completed_on": "2025-01-06"},
        ],
    )
    assert metric(db, "cse_awareness_training_pct", as_of) == (50.0, 1, 2)
    assert metric(db, "online_safety_training_pct", as_of) == (66.7, 2, 3)
    assert metric(db, "prevent_training_pct", as_of) == prevent
    # Training figures are about adults: a governor sees them in full.
    assert governor_view(db, as_of, "prevent_training_pct")["OAK"] == prevent


def test_policies_published_and_approved_by_the_right_body(tmp_path):
    """OAK: R1 published, approved by "local governing body" (case and spaces ignored); R2 not
    published, approved by the headteacher (not an approving body); R3 both blank. Trust-wide
    R4 published, approved by "Trust Board." OAK 1 of 3 each; TRUST 2 of 4 each."""
    db = build(
        tmp_path,
        policies=[
            {
                "policy_title": "R1",
                "published_on_website": True,
                "approved_by": "local governing  body",
            },
            {"policy_title": "R2", "published_on_website": False, "approved_by": "Headteacher"},
            {"policy_title": "R3"},
            {
                "policy_title": "R4",
                "academy_code": "TRUST",
                "published_on_website": True,
                "approved_by": "Trust Board.",
            },
        ],
    )
    for metric_id in ("policies_published_pct", "policies_approved_pct"):
        assert metric(db, metric_id, "2025-05-13") == (33.3, 1, 3)
        assert metric(db, metric_id, "2025-05-13", TRUST) == (50.0, 2, 4)
        assert metric(db, metric_id, "2025-05-13", "ASH") == (None, 0, 0)
