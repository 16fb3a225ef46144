"""config/standards.toml: product.md §3 defaults, each with a source, validated with clear
messages."""

from __future__ import annotations

import tomllib

import pytest

from safeguarding import standards
from safeguarding.standards import StandardsError

REQUIRED_POLICY_TYPES = (
    "child_protection_safeguarding",
    "child_sexual_exploitation",
    "online_safety",
    "acceptable_use",
    "relationships_sex_education",
    "allegations_against_staff",
    "whistleblowing",
    "staff_code_of_conduct",
)


def test_shipped_file_holds_the_spec_defaults():
    loaded = standards.load(standards.SHIPPED_STANDARDS)
    assert loaded.dsl_review_target_days == 1
    assert loaded.csc_feedback_target_days == 1
    assert loaded.lado_referral_target_days == 1
    assert loaded.training_valid_months == 12
    assert loaded.training_courses == (
        "safeguarding_induction",
        "safeguarding_update",
        "safeguarding_full",
    )
    assert loaded.induction_window_days == 5
    assert (loaded.dsl_full_valid_months, loaded.dsl_update_valid_months) == (24, 12)
    assert loaded.governor_training_valid_months == 12
    assert loaded.governor_training_courses == (
        "governor_safeguarding",
        "safeguarding_update",
        "safeguarding_full",
    )
    assert loaded.kcsie_edition == 2025
    assert loaded.policy_due_soon_days == 30
    assert loaded.stale_after_days == 14
    assert loaded.suppression_threshold == 5
    assert loaded.required_policy_types == REQUIRED_POLICY_TYPES


def test_every_standard_names_its_source():
    loaded = standards.load(standards.SHIPPED_STANDARDS)
    assert set(loaded.sources) == set(standards.SCHEMA)
    assert "§15" in loaded.sources["csc_feedback"]
    assert "Annex C" in loaded.sources["dsl_training"]


def test_query_parameters_use_the_names_the_queries_bind():
    parameters = standards.load(standards.SHIPPED_STANDARDS).query_parameters()
    assert parameters["dsl_review_target_days"] == 1
    assert parameters["kcsie_edition"] == 2025
    # Lists, not tuples: DuckDB binds a list as a LIST parameter.
    assert parameters["required_policy_types"] == list(REQUIRED_POLICY_TYPES)
    assert "sources" not in parameters


def shipped_document() -> dict:
    return tomllib.loads(standards.SHIPPED_STANDARDS.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["csc_feedback"].update(target_working_days="1"),
            "[csc_feedback] target_working_days must be a whole number of 1 or more (found '1')",
        ),
        (
            lambda d: d["dsl_review"].update(target_working_days=0),
            "[dsl_review] target_working_days must be a whole number of 1 or more (found 0)",
        ),
        (
            lambda d: d["staff_training"].update(valid_months=True),
            "[staff_training] valid_months must be a whole number",
        ),
        (
            lambda d: d["kcsie"].update(current_edition=25),
            "[kcsie] current_edition must be a year such as 2025 (found 25)",
        ),
        (
            lambda d: d["staff_training"].update(courses=["safeguarding_update", "first_aid"]),
            "[staff_training] courses has 'first_aid', which is not a course",
        ),
        (
            lambda d: d["required_policies"].update(types=["whistleblowing", "whistleblowing"]),
            "[required_policies] types lists a value twice",
        ),
        (lambda d: d.pop("induction"), "the section [induction] is missing"),
        (lambda d: d["induction"].pop("window_working_days"), "[induction] window_working_days"),
        (lambda d: d["kcsie"].pop("source"), "[kcsie] source is missing"),
        (lambda d: d["kcsie"].update(edition=2024), "[kcsie] has an unknown key 'edition'"),
        (lambda d: d.update(fire_drills={}), "unknown section [fire_drills]"),
    ],
)
def test_a_mistake_is_reported_with_the_file_and_key(change, message):
    document = shipped_document()
    change(document)
    with pytest.raises(StandardsError) as error:
        standards.parse(document, "trust/standards.toml")
    assert str(error.value).startswith("trust/standards.toml: ")
    assert message in str(error.value)


def test_invalid_toml_names_the_file(tmp_path):
    path = tmp_path / "standards.toml"
    path.write_text("[kcsie\ncurrent_edition = 2025\n", encoding="utf-8")
    with pytest.raises(StandardsError, match="is not valid TOML") as error:
        standards.load(path)
    assert str(path) in str(error.value)


def test_the_trusts_own_file_wins(tmp_path, monkeypatch):
    text = standards.SHIPPED_STANDARDS.read_text(encoding="utf-8")
    (tmp_path / "standards.toml").write_text(
        text.replace("current_edition = 2025", "current_edition = 2026"), encoding="utf-8"
    )
    monkeypatch.setenv("SAFEGUARDING_CONFIG", str(tmp_path))
    assert standards.load().kcsie_edition == 2026


def test_without_a_trust_file_the_shipped_defaults_apply(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFEGUARDING_CONFIG", str(tmp_path))  # an empty config directory
    assert standards.standards_file() == standards.SHIPPED_STANDARDS
    assert standards.load().kcsie_edition == 2025


def test_guidance_editions_in_force():
    """[guidance_editions]: title = year; KCSIE's edition is [kcsie]'s, in one place."""
    loaded = standards.load(standards.SHIPPED_STANDARDS)
    assert loaded.guidance_editions["Keeping Children Safe in Education"] == 2025
    assert loaded.guidance_editions["Working Together to Safeguard Children"] == 2023
    assert loaded.guidance_editions_source
    # not a query parameter: the policy flags bind it as two lists
    assert "guidance_editions" not in loaded.query_parameters()


def test_a_trust_file_without_guidance_editions_still_loads():
    document = shipped_document()
    document.pop("guidance_editions")
    loaded = standards.parse(document, "trust/standards.toml")
    assert loaded.guidance_editions == {"Keeping Children Safe in Education": 2025}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["guidance_editions"].update({"Prevent duty guidance": "2023"}),
            "[guidance_editions] 'Prevent duty guidance' must be a year such as 2025",
        ),
        (
            lambda d: d["guidance_editions"].pop("source"),
            "[guidance_editions] source is missing",
        ),
        (
            lambda d: d["guidance_editions"].update({"Keeping Children Safe in Education": 2024}),
            "disagrees with [kcsie] current_edition = 2025",
        ),
    ],
)
def test_a_guidance_editions_mistake_names_the_file_and_title(change, message):
    document = shipped_document()
    change(document)
    with pytest.raises(StandardsError) as error:
        standards.parse(document, "trust/standards.toml")
    assert str(error.value).startswith("trust/standards.toml: ")
    assert message in str(error.value)
