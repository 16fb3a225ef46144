"""config/metrics.toml: one definition per product.md §4 metric, validated; RAG from thresholds."""

from __future__ import annotations

import tomllib

import pytest

from safeguarding import metrics_definitions
from safeguarding.metrics_definitions import MetricDefinitionsError


def test_every_spec_metric_is_defined_in_spec_order():
    definitions = metrics_definitions.load(metrics_definitions.SHIPPED_METRICS)
    assert list(definitions) == list(metrics_definitions.METRIC_IDS)
    # 23 of the first version, 15 more that measure the rest of the policy (issue 18) and 2 for
    # child-protection files that follow a child who moves school (issue 20)
    assert len(definitions) == 40


def test_percentages_are_percent_and_counts_are_counts():
    definitions = metrics_definitions.load(metrics_definitions.SHIPPED_METRICS)
    for metric_id, definition in definitions.items():
        if metric_id.endswith("_pct"):
            assert definition.unit == "%", metric_id
        elif not metric_id.endswith("_hours"):
            assert definition.unit == "count", metric_id


@pytest.mark.parametrize(
    ("metric_id", "value", "expected"),
    [
        ("csc_feedback_on_time_pct", 90.0, "green"),  # higher is better: at green_at is green
        ("csc_feedback_on_time_pct", 89.9, "amber"),
        ("csc_feedback_on_time_pct", 74.9, "red"),
        ("csc_feedback_on_time_pct", None, None),  # no figure (denominator 0): no colour
        ("csc_feedback_overdue", 0, "green"),  # lower is better
        ("csc_feedback_overdue", 2, "amber"),
        ("csc_feedback_overdue", 3, "red"),
        ("concerns_logged", 40, None),  # a count that is neither good nor bad
    ],
)
def test_rag(metric_id, value, expected):
    definition = metrics_definitions.load(metrics_definitions.SHIPPED_METRICS)[metric_id]
    assert definition.rag(value) == expected


def shipped_document() -> dict:
    return tomllib.loads(metrics_definitions.SHIPPED_METRICS.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.pop("lado_on_time_pct"), "[metrics.lado_on_time_pct] is missing"),
        (
            lambda m: m.update(pupils_happy_pct=m["concerns_logged"]),
            "is not a metric of product.md",
        ),
        (lambda m: m["concerns_logged"].update(unit="people"), "unit is 'people'"),
        (lambda m: m["concerns_logged"].pop("anchor"), "needs an anchor"),
        (lambda m: m["concerns_logged"].update(colour="blue"), "unknown key 'colour'"),
        (lambda m: m["concerns_logged"].pop("source"), "source is missing"),
        (lambda m: m["concerns_logged"].update(green_at=5, amber_at=10), "cannot have RAG"),
        (lambda m: m["lado_on_time_pct"].pop("amber_at"), "needs both green_at and amber_at"),
        (
            lambda m: m["lado_on_time_pct"].update(green_at=80, amber_at=90),
            "green_at must be at least amber_at",
        ),
        (
            lambda m: m["csc_feedback_overdue"].update(green_at=3, amber_at=1),
            "green_at must be at most amber_at",
        ),
        (lambda m: m["referrals_made"].update(query="metrics/nothing"), "does not exist"),
        (lambda m: m["referrals_made"].update(suppressible="yes"), "suppressible must be"),
    ],
)
def test_a_mistake_is_reported_with_the_file_and_metric(change, message):
    document = shipped_document()
    change(document["metrics"])
    with pytest.raises(MetricDefinitionsError) as error:
        metrics_definitions.parse(document, "trust/metrics.toml")
    assert str(error.value).startswith("trust/metrics.toml: ")
    assert message in str(error.value)


def test_docs_are_generated_from_the_definitions():
    """docs/metrics.md must not drift from config/metrics.toml."""
    docs = metrics_definitions.PROJECT_ROOT / "docs" / "metrics.md"
    expected = metrics_definitions.as_markdown(
        metrics_definitions.load(metrics_definitions.SHIPPED_METRICS)
    )
    assert docs.read_text(encoding="utf-8") == expected, (
        "Regenerate: python -m safeguarding.metrics_definitions > docs/metrics.md"
    )
