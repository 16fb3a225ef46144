"""The clause -> metric mapping (config/commitments/*.toml) and the scorecard built from it:
the shipped CSE mapping quotes the policy exactly and covers the issue's clauses, mistakes are
reported with the file and the entry, and value, target, RAG and trend are the metrics'."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from metric_fixtures import build, results

from safeguarding import commitments, metrics_definitions
from safeguarding.commitments import CommitmentsError, Period
from safeguarding.metrics import Window

SHIPPED = commitments.SHIPPED_DIR / "st-barts-cse.toml"
POLICY_TEXT = Path(__file__).parent / "fixtures" / "policies" / "st-barts-cse-policy.txt"


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "")).strip()


@pytest.fixture(scope="module")
def cse():
    return commitments.load(SHIPPED)


def test_every_clause_is_quoted_exactly_from_the_policy(cse):
    policy = flat(POLICY_TEXT.read_text(encoding="utf-8"))
    for commitment in cse.commitments:
        assert flat(commitment.text) in policy, commitment.id
        assert f"{commitment.clause}. {commitment.heading}" in policy, commitment.id


def test_the_mapping_covers_the_issues_promises(cse):
    """§6 DSL training and staff reading Annex B; §10 induction and annual training; §15
    concerns to the DSL, feedback in a working day and chasing it, decisions in writing,
    allegations to the LADO; §16 mentors; §17 the annual review."""
    by_clause: dict[str, set[str]] = {}
    for commitment in cse.commitments:
        by_clause.setdefault(commitment.clause, set()).update(commitment.metrics)
    assert {"dsl_training_in_date_pct", "kcsie_annex_b_read_pct"} <= by_clause["6"]
    assert {"induction_on_time_pct", "safeguarding_training_in_date_pct"} <= by_clause["10"]
    assert {
        "dsl_review_on_time_pct",
        "csc_feedback_on_time_pct",
        "csc_followed_up_pct",
        "decision_recorded_pct",
        "lado_on_time_pct",
    } <= by_clause["15"]
    assert {"cse_mentor_allocated_pct", "cse_pupils_with_mentor_pct"} <= by_clause["16"]
    assert by_clause["17"] == {"policies_overdue"}
    assert [c.id for c in cse.commitments if c.policy_review] == ["policy-reviewed"]
    assert cse.policy_type == "child_sexual_exploitation"
    assert [clause for clause, _, _ in cse.clauses()] == [
        "6",
        "8",
        "9",
        "10",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
    ]


def test_the_whole_policy_is_listed_and_four_in_five_promises_measured(cse):
    """Issue 18: at least 25 promises, at least 80 % measured, each unmeasured one saying why
    and what data would measure it, and the sections the issue names all present."""
    assert len(cse.commitments) >= 25
    assert len(cse.measured) / len(cse.commitments) >= 0.8
    for commitment in cse.commitments:
        if not commitment.is_measured:
            assert commitment.why_not_measured and commitment.data_needed, commitment.id
    ids = {c.id for c in cse.commitments}
    assert {
        "lgc-duties-met",
        "wider-patterns",
        "parents-told-via-website",
        "trained-on-new-legislation",
        "parent-sessions",
        "cse-topics-covered",
        "sexting-to-dsl",
        "images-with-adults-to-police",
        "online-safety-training",
        "immediate-danger-referred",
        "re-referral-considered",
        "early-help-after-nfa",
        "pupil-informed",
        "mentor-contact-frequent",
    } <= ids


def test_every_promise_is_in_the_listing_with_why_when_not_measured(cse):
    """`promises` lists measured and unmeasured promises in the file's order; a promise with
    no figure says so, one whose figures all need a column nobody sends is "not collected"."""
    values = pd.DataFrame(
        [
            {
                "academy_code": "TRUST",
                "metric": "dsl_training_in_date_pct",
                "value": 100.0,
                "numerator": 20,
                "denominator": 20,
            },
            {
                "academy_code": "TRUST",
                "metric": "pupil_informed_pct",
                "value": None,
                "numerator": None,
                "denominator": None,
            },
        ]
    )
    card = commitments.scorecard(cse, values)
    listed = commitments.promises(cse, card)
    assert [p["id"] for p in listed] == [c.id for c in cse.commitments]
    by_id = {p["id"]: p for p in listed}
    assert by_id["dsl-trained"]["rag"] == "green"
    assert by_id["parent-sessions"]["rag"] == commitments.NOT_MEASURED
    assert "parent_sessions" in by_id["parent-sessions"]["data_needed"]
    assert by_id["pupil-informed"]["rag"] == "not collected"
    assert by_id["wider-patterns"]["rag"] is None


def shipped_document() -> dict:
    return tomllib.loads(SHIPPED.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["commitments"][3]["metrics"].append("dsl_review_ontime_pct"),
            "[[commitments]] 4 (dsl-trained): 'dsl_review_ontime_pct' is not a metric",
        ),
        (
            lambda d: d["commitments"][0].pop("text"),
            "[[commitments]] 1 (lgc-duties-met): text is",
        ),
        (
            lambda d: d["commitments"][1].update(id="lgc-duties-met"),
            "[[commitments]] 2 has the id 'lgc-duties-met' of an earlier one",
        ),
        (lambda d: d["commitments"][0].update(metrics=[]), "or say why_not_measured and the"),
        (
            lambda d: d["commitments"][9].update(metrics=["concerns_logged"]),
            "a promise with metrics is measured; drop why_not_measured",
        ),
        (lambda d: d["commitments"][9].pop("data_needed"), "or say why_not_measured and the"),
        (lambda d: d["commitments"][0].update(target=90), "has an unknown key 'target'"),
        (lambda d: d["commitments"][0].update(policy_review="yes"), "policy_review must be"),
        (lambda d: d["commitments"][0].update(id="DSL Trained"), "must be lower-case"),
        (lambda d: d["policy"].update(policy_type="cse"), "'cse' is not a policy type"),
        (lambda d: d.pop("policy"), "the [policy] section is missing"),
        (lambda d: d.update(commitments=[]), "there are no [[commitments]]"),
        (lambda d: d.update(clauses=[]), "unknown section [clauses]"),
    ],
)
def test_a_mistake_is_reported_with_the_file_and_entry(change, message):
    document = shipped_document()
    change(document)
    with pytest.raises(CommitmentsError) as error:
        commitments.parse(document, "trust/commitments/cse.toml")
    assert str(error.value).startswith("trust/commitments/cse.toml")
    assert message in str(error.value)


def test_invalid_toml_names_the_file(tmp_path):
    path = tmp_path / "cse.toml"
    path.write_text("[policy\n", encoding="utf-8")
    with pytest.raises(CommitmentsError, match="is not valid TOML") as error:
        commitments.load(path)
    assert str(path) in str(error.value)


ANOTHER_POLICY = """
[policy]
title = "Online Safety Policy"
organisation = "Oakfield Academy Trust"
policy_type = "online_safety"

[[commitments]]
id = "staff-trained"
clause = "4"
heading = "Training"
promise = "Staff are trained every year"
text = "All staff receive online safety training as part of their annual safeguarding update."
metrics = ["safeguarding_training_in_date_pct"]
"""


def test_another_policy_is_mapped_by_a_file_not_code(tmp_path, monkeypatch):
    folder = tmp_path / "commitments"
    folder.mkdir()
    (folder / "online-safety.toml").write_text(ANOTHER_POLICY, encoding="utf-8")
    monkeypatch.setenv("SAFEGUARDING_CONFIG", str(tmp_path))
    assert commitments.commitments_dir() == folder
    [(key, mapping)] = commitments.load_all().items()
    assert key == "online-safety" and mapping.metric_ids == ("safeguarding_training_in_date_pct",)


def test_without_a_trust_folder_the_shipped_mappings_apply(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFEGUARDING_CONFIG", str(tmp_path))
    assert commitments.commitments_dir() == commitments.SHIPPED_DIR
    assert "st-barts-cse" in commitments.load_all()


# --- the scorecard ---------------------------------------------------------------------------

AS_OF = "2025-05-30"


def referral(ref, referred_at, feedback_at=None, followed_up_at=None):
    return {
        "referral_id": ref,
        "referred_at": referred_at,
        "feedback_at": feedback_at,
        "followed_up_at": followed_up_at,
    }


@pytest.fixture
def small_trust(tmp_path):
    """May 2025 at OAK (Mon 5 May is a bank holiday):
    R1 Fri 2 May, feedback Tue 6 (deadline Tue 6)  on time
    R2 Fri 2 May, feedback Wed 7, chased Tue 6    late, chased
    R3 Wed 14, no feedback, never chased          late, overdue
    -> feedback on time 1/3 = 33.3% (red, target 90); chased 1/2 = 50.0% (red);
       overdue 1 (amber: green at 0, amber at 2)."""
    return build(
        tmp_path,
        referrals=[
            referral("R1", "2025-05-02 14:00", "2025-05-06 16:00"),
            referral("R2", "2025-05-02 15:00", "2025-05-07 09:00", "2025-05-06 11:00"),
            referral("R3", "2025-05-14 10:00"),
        ],
    )


def test_scorecard_rows_are_the_metrics_with_target_and_rag(cse, small_trust):
    values = results(small_trust, AS_OF)
    card = commitments.scorecard(cse, values).set_index("metric")
    assert list(card.index) == [m for c in cse.commitments for m in c.metrics]
    feedback = card.loc["csc_feedback_on_time_pct"]
    assert (feedback.value, feedback.numerator, feedback.denominator) == (33.3, 1, 3)
    assert (feedback.target, feedback.rag) == ("≥ 90%", "red")
    assert feedback.clause == "15" and feedback.promise.startswith("The referrer hears back")
    chased = card.loc["csc_followed_up_pct"]
    assert (chased.value, chased.rag) == (50.0, "red")
    overdue = card.loc["csc_feedback_overdue"]
    assert (overdue.value, overdue.target, overdue.rag) == (1.0, "≤ 0", "amber")
    # no LADO referral: no figure, no RAG
    assert card.loc["lado_on_time_pct"].value is None and card.loc["lado_on_time_pct"].rag is None
    kept = commitments.commitment_rag(card.reset_index()).set_index("commitment_id")
    # a promise is only as well kept as its worst measure
    assert kept.loc["feedback-in-one-day", "rag"] == "red"
    assert kept.loc["allegations-to-lado", "rag"] is None


def test_a_hidden_figure_has_no_rag():
    cse = commitments.load(SHIPPED)
    values = pd.DataFrame(
        [
            {
                "academy_code": "TRUST",
                "metric": "cse_mentor_allocated_pct",
                "value": "c",
                "numerator": "c",
                "denominator": 3,
            }
        ]
    )
    row = commitments.scorecard(cse, values).set_index("metric").loc["cse_mentor_allocated_pct"]
    assert (row.value, row.rag) == ("c", None)
    assert commitments.format_figure("c", "%") == "c"


def test_term_periods_cut_the_current_term_at_the_as_of_date():
    terms = [
        Window(dt.date(2025, 12, 31), dt.date(2025, 9, 1), dt.date(2025, 12, 31)),
        Window(dt.date(2026, 4, 5), dt.date(2026, 1, 1), dt.date(2026, 4, 5)),
        Window(dt.date(2026, 8, 31), dt.date(2026, 4, 6), dt.date(2026, 8, 31)),
        Window(dt.date(2026, 12, 31), dt.date(2026, 9, 1), dt.date(2026, 12, 31)),
        Window(dt.date(2027, 3, 28), dt.date(2027, 1, 1), dt.date(2027, 3, 28)),
    ]
    periods = commitments.term_periods(terms, dt.date(2026, 11, 28), limit=3)
    assert [p.label for p in periods] == [
        "Spring 2025/26",
        "Summer 2025/26",
        "Autumn 2026/27 (to date)",
    ]
    assert periods[-1].window == Window(
        dt.date(2026, 11, 28), dt.date(2026, 9, 1), dt.date(2026, 11, 28)
    )
    assert [p.is_partial for p in periods] == [False, False, True]


@pytest.mark.parametrize(
    ("values", "metric_id", "word"),
    [
        ([80.0, 90.0, 70.0], "csc_feedback_on_time_pct", "improving"),  # 80 -> 90; 70 partial
        ([90.0, 80.0, 99.0], "csc_feedback_on_time_pct", "worsening"),
        ([90.0, 90.5, 10.0], "csc_feedback_on_time_pct", "steady"),  # within 1 point
        ([3.0, 1.0, 0.0], "csc_feedback_overdue", "improving"),  # lower is better
        ([None, 90.0, 80.0], "csc_feedback_on_time_pct", "not enough terms"),
        (["c", 90.0, 80.0], "csc_feedback_on_time_pct", "not enough terms"),
    ],
)
def test_trend_compares_the_last_two_complete_terms(values, metric_id, word):
    points = pd.DataFrame({"value": values, "is_partial": [False, False, True]})
    definition = metrics_definitions.load()[metric_id]
    assert commitments.trend_word(points, definition) == word


def test_trend_points_follow_the_periods():
    periods = [
        Period(Window(dt.date(2026, 4, 5), dt.date(2026, 1, 1), dt.date(2026, 4, 5)), "S", False),
        Period(Window(dt.date(2026, 8, 31), dt.date(2026, 4, 6), dt.date(2026, 8, 31)), "U", False),
    ]
    series = pd.DataFrame(
        [
            {"as_of_on": dt.date(2026, 8, 31), "academy_code": "TRUST", "metric": "m", "value": 5},
            {"as_of_on": dt.date(2026, 8, 31), "academy_code": "OAK", "metric": "m", "value": 9},
        ]
    )
    points = commitments.trend_points(series, periods, "m")
    assert list(points["value"]) == [None, 5]


def test_a_kcsie_edition_not_yet_in_force_is_not_applicable_term_by_term():
    """KCSIE 2025 came into force on 1 September 2025: Summer 2024/25's 0 % is no figure at
    all (a term chart and a sparkline skip it), Autumn 2025/26's 40 % stands."""
    summer = Window(dt.date(2025, 8, 31), dt.date(2025, 4, 22), dt.date(2025, 8, 31))
    autumn = Window(dt.date(2025, 12, 19), dt.date(2025, 9, 1), dt.date(2025, 12, 19))
    periods = [Period(summer, "Summer 2024/25", False), Period(autumn, "Autumn 2025/26", False)]
    series = pd.DataFrame(
        [
            {"as_of_on": w.as_of, "academy_code": "TRUST", "metric": m, "value": v}
            for m in ("kcsie_annex_b_read_pct", "safeguarding_training_in_date_pct")
            for w, v in ((summer, 0.0), (autumn, 40.0))
        ]
    )
    annex_b = commitments.trend_points(series, periods, "kcsie_annex_b_read_pct")
    assert list(annex_b["value"]) == [None, 40.0]
    training = commitments.trend_points(series, periods, "safeguarding_training_in_date_pct")
    assert list(training["value"]) == [0.0, 40.0]


@pytest.mark.parametrize(
    ("statuses", "cycles", "rag"),
    [
        ([], [], "red"),
        (["in_date", "overdue"], [12, 12], "red"),
        (["in_date"], [24], "amber"),
        (["due_soon"], [12], "amber"),
        (["no_date"], [12], "amber"),
        (["in_date"], [12], "green"),
    ],
)
def test_the_annual_review_promise_against_the_register(statuses, cycles, rag):
    rows = pd.DataFrame({"status": statuses, "review_cycle_months": cycles})
    assert commitments.review_rag(rows)[0] == rag


def test_the_commitments_command_lists_every_promise_as_json(tmp_path, capsys):
    """`commitments --format json` (issue 18): every promise, at least 25, at least 80 %
    measured by metrics that `metrics` prints; the unmeasured ones say why; a figure needing a
    column nobody sends is "not collected", never 0."""
    from safeguarding import cli

    db = build(
        tmp_path,
        concerns=[{"logged_at": "2026-11-02 10:00", "dsl_reviewed_at": "2026-11-02 12:00"}],
    )
    assert (
        cli.main(["commitments", "--db", str(db), "--as-of", "2026-11-27", "--format", "json"]) == 0
    )
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) >= 25
    measured = [p for p in listed if p["metrics"]]
    assert len(measured) / len(listed) >= 0.8
    ids = set(metrics_definitions.METRIC_IDS)
    assert all(set(p["metrics"]) <= ids for p in measured)
    for promise in listed:
        assert {"section", "promise", "metrics", "rag", "why_not_measured"} <= set(promise)
        if not promise["metrics"]:
            assert promise["rag"] == "not measured" and promise["why_not_measured"]
    by_id = {p["id"]: p for p in listed}
    assert by_id["concerns-to-dsl"]["figures"]["dsl_review_on_time_pct"] == 100.0
    assert by_id["pupil-informed"]["rag"] == "not collected"
