"""Metric definitions from `config/metrics.toml`: labels, units, sources, RAG thresholds.

One file feeds the command line, the dashboard's tooltips and the docs. `load()` validates it
(messages name the file and the key) and returns the definitions in the file's order.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from safeguarding.contract import CONTRACT
from safeguarding.missing import is_missing
from safeguarding.paths import PROJECT_ROOT, QUERIES_DIR, config_dir

if TYPE_CHECKING:
    from safeguarding.standards import Standards

SHIPPED_METRICS = PROJECT_ROOT / "config" / "metrics.toml"

# The ids of product.md §4, in its order. They are stable: the file must define exactly these.
METRIC_IDS = (
    "concerns_logged",
    "cse_concerns_logged",
    "dsl_review_on_time_pct",
    "dsl_review_median_hours",
    "decision_recorded_pct",
    "referrals_made",
    "csc_feedback_on_time_pct",
    "csc_feedback_overdue",
    "csc_followed_up_pct",
    "lado_on_time_pct",
    "cse_mentor_allocated_pct",
    "staff_in_post",
    "safeguarding_training_in_date_pct",
    "induction_on_time_pct",
    "dsl_training_in_date_pct",
    "academies_without_trained_deputy",
    "kcsie_part1_read_pct",
    "kcsie_annex_b_read_pct",
    "governor_training_in_date_pct",
    "training_expiring_30d",
    "policies_overdue",
    "policies_due_soon",
    "required_policies_missing",
    # The rest of the policy measured (docs/product.md §4.2): follow-through and patterns.
    "incident_to_logged_median_hours",
    "sharing_nudes_dsl_review_on_time_pct",
    "immediate_danger_same_day_pct",
    "pupil_informed_pct",
    "pupil_views_recorded_pct",
    "pupils_repeated_concerns_no_referral",
    "cse_pupils_with_mentor_pct",
    "mentor_contact_recent_pct",
    "nfa_reconsidered_pct",
    "early_help_after_nfa_pct",
    "cse_awareness_training_pct",
    "online_safety_training_pct",
    "prevent_training_pct",
    "policies_published_pct",
    "policies_approved_pct",
    # One child across the trust (docs/product.md §4.3): child-protection files follow a move.
    "cp_file_sent_on_time_pct",
    "cp_file_receipt_confirmed_pct",
)

# The overview's tiles and the meeting record's figures, in this order.
HEADLINE_METRICS = (
    "csc_feedback_on_time_pct",
    "csc_feedback_overdue",
    "dsl_review_on_time_pct",
    "lado_on_time_pct",
    "safeguarding_training_in_date_pct",
    "training_expiring_30d",
    "dsl_training_in_date_pct",
    "academies_without_trained_deputy",
    "induction_on_time_pct",
    "kcsie_annex_b_read_pct",
    "policies_overdue",
    "required_policies_missing",
)

# The metrics that measure the current edition of Keeping Children Safe in Education ([kcsie]
# current_edition in config/standards.toml): before that edition came into force there was
# nothing of it to read, so for earlier periods they are not applicable (not 0 %).
CURRENT_KCSIE_METRICS = ("kcsie_part1_read_pct", "kcsie_annex_b_read_pct")
# How a figure of a period before its metric applied is shown: never as a 0.
NOT_APPLICABLE = "n/a"
# The figure of an academy that does not send a column the metric needs (needs_column).
NOT_COLLECTED = "not collected"
# Every KCSIE edition comes into force on 1 September of its year (KCSIE 2025: 1 September
# 2025, the start of the school year).
KCSIE_IN_FORCE_MONTH_DAY = (9, 1)

UNITS = ("count", "%", "hours")
KINDS = ("event", "state")
BETTER = ("higher", "lower", "neither")
REQUIRED_TEXT = ("label", "unit", "kind", "better", "definition", "source", "query")
OPTIONAL_TEXT = ("anchor", "drill_down", "interpretation", "needs_column")
KNOWN_KEYS = {*REQUIRED_TEXT, *OPTIONAL_TEXT, "green_at", "amber_at", "suppressible"}


class MetricDefinitionsError(ValueError):
    """The metric definitions file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class MetricDefinition:
    id: str
    label: str
    unit: str
    kind: str
    better: str
    definition: str
    source: str
    query: str
    suppressible: bool
    anchor: str | None = None
    green_at: float | None = None
    amber_at: float | None = None
    drill_down: str | None = None
    interpretation: str | None = None
    # An optional export column ("dataset.column") the figure needs: an academy that does not
    # send it is "not collected" (numerator and denominator empty), never 0 %.
    needs_column: str | None = None

    def is_not_collected(self, denominator: Any) -> bool:
        """A figure of an academy (or a scope) that does not send the column it needs."""
        return self.needs_column is not None and is_missing(denominator)

    @property
    def is_percentage(self) -> bool:
        return self.unit == "%"

    def rag(self, value: float | None) -> str | None:
        """ "green", "amber" or "red" against the thresholds; None without a value or thresholds."""
        if value is None or self.green_at is None or self.amber_at is None:
            return None
        higher_is_better = self.better == "higher"

        def meets(threshold: float) -> bool:
            return value >= threshold if higher_is_better else value <= threshold

        if meets(self.green_at):
            return "green"
        return "amber" if meets(self.amber_at) else "red"


@dataclass(frozen=True)
class AppliesFrom:
    """The first day a metric measures anything, and why: a period that ends before it has no
    figure ("not applicable"), never a 0."""

    day: dt.date
    reason: str  # e.g. "KCSIE 2025 came into force on 1 September 2025"

    def applies_at(self, period_end: dt.date) -> bool:
        """Whether a period (or a figure taken) ending on `period_end` is applicable."""
        return period_end >= self.day

    @property
    def note(self) -> str:
        return f"{self.reason}: earlier periods are not applicable."


def applies_from(metric_id: str, standards: Standards) -> AppliesFrom | None:
    """From when a metric applies (None: always), the one rule every display of periods uses:
    the current-edition KCSIE metrics from the day that edition came into force."""
    if metric_id in CURRENT_KCSIE_METRICS:
        month, day = KCSIE_IN_FORCE_MONTH_DAY
        in_force = dt.date(standards.kcsie_edition, month, day)
        return AppliesFrom(
            in_force, f"KCSIE {standards.kcsie_edition} came into force on {in_force:%-d %B %Y}"
        )
    return None


def metrics_file() -> Path:
    """The trust's file in the config directory, else the definitions shipped with the code."""
    trust_file = config_dir() / "metrics.toml"
    return trust_file if trust_file.is_file() else SHIPPED_METRICS


def load(path: Path | None = None) -> dict[str, MetricDefinition]:
    """Every metric definition by id, in product.md §4 order."""
    path = Path(path) if path else metrics_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MetricDefinitionsError(
            f"The metric definitions file {path} does not exist."
        ) from None
    return dict(_parsed(text, str(path)))  # a copy: callers may add to theirs


# Read on every figure, tooltip and list; keyed by the text, so an edited file counts at once.
@functools.lru_cache(maxsize=16)
def _parsed(text: str, path: str) -> dict[str, MetricDefinition]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MetricDefinitionsError(f"{path} is not valid TOML: {error}. Fix the file.") from None
    return parse(document, path)


def parse(
    document: dict[str, Any], path: Path | str = "metrics.toml"
) -> dict[str, MetricDefinition]:
    tables = document.get("metrics")
    if set(document) != {"metrics"} or not isinstance(tables, dict):
        raise MetricDefinitionsError(f"{path}: the file must hold only [metrics.ID] tables.")
    unknown = [metric_id for metric_id in tables if metric_id not in METRIC_IDS]
    if unknown:
        raise MetricDefinitionsError(
            f"{path}: [metrics.{unknown[0]}] is not a metric of product.md §4. Metric ids are "
            "fixed."
        )
    missing = [metric_id for metric_id in METRIC_IDS if metric_id not in tables]
    if missing:
        raise MetricDefinitionsError(f"{path}: [metrics.{missing[0]}] is missing.")
    return {metric_id: _definition(path, metric_id, tables[metric_id]) for metric_id in METRIC_IDS}


def _definition(path: Path | str, metric_id: str, table: Any) -> MetricDefinition:
    where = f"{path}: [metrics.{metric_id}]"

    def fail(message: str) -> MetricDefinitionsError:
        return MetricDefinitionsError(f"{where} {message}")

    if not isinstance(table, dict):
        raise fail("must be a table.")
    extra = sorted(set(table) - KNOWN_KEYS)
    if extra:
        raise fail(f"has an unknown key {extra[0]!r}.")
    for key in REQUIRED_TEXT:
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise fail(f"{key} is missing or empty.")
    for key in OPTIONAL_TEXT:
        if key in table and (not isinstance(table[key], str) or not table[key].strip()):
            raise fail(f"{key} must be a non-empty text.")
    for key, allowed in (("unit", UNITS), ("kind", KINDS), ("better", BETTER)):
        if table[key] not in allowed:
            raise fail(f"{key} is {table[key]!r}; use one of: {', '.join(allowed)}.")
    if table["kind"] == "event" and "anchor" not in table:
        raise fail("is an event metric, so it needs an anchor (the column dating the event).")
    if "needs_column" in table:
        dataset, _, column = table["needs_column"].partition(".")
        if dataset not in CONTRACT or column not in CONTRACT[dataset].column_names:
            raise fail(
                f"needs_column {table['needs_column']!r} is not a contract column; write it "
                "as dataset.column, e.g. concerns.pupil_informed_on."
            )
    for key in ("query", "drill_down"):
        if key in table and not (QUERIES_DIR / f"{table[key]}.sql").is_file():
            raise fail(f"{key} names {table[key]!r}, but queries/{table[key]}.sql does not exist.")
    if not isinstance(table.get("suppressible"), bool):
        raise fail("suppressible must be true or false.")
    green_at, amber_at = _thresholds(table, fail)
    return MetricDefinition(
        id=metric_id,
        label=table["label"].strip(),
        unit=table["unit"],
        kind=table["kind"],
        better=table["better"],
        definition=table["definition"].strip(),
        source=table["source"].strip(),
        query=table["query"],
        suppressible=table["suppressible"],
        anchor=table.get("anchor"),
        green_at=green_at,
        amber_at=amber_at,
        drill_down=table.get("drill_down"),
        interpretation=table.get("interpretation"),
        needs_column=table.get("needs_column"),
    )


def _thresholds(table: dict[str, Any], fail) -> tuple[float | None, float | None]:
    present = [key for key in ("green_at", "amber_at") if key in table]
    if not present:
        return None, None
    if len(present) == 1:
        raise fail("needs both green_at and amber_at, or neither.")
    if table["better"] == "neither":
        raise fail('has better = "neither", so it cannot have RAG thresholds.')
    for key in present:
        if isinstance(table[key], bool) or not isinstance(table[key], int | float):
            raise fail(f"{key} must be a number.")
    green_at, amber_at = float(table["green_at"]), float(table["amber_at"])
    if table["better"] == "higher" and green_at < amber_at:
        raise fail("green_at must be at least amber_at when higher is better.")
    if table["better"] == "lower" and green_at > amber_at:
        raise fail("green_at must be at most amber_at when lower is better.")
    return green_at, amber_at


def as_markdown(definitions: dict[str, MetricDefinition]) -> str:
    """docs/metrics.md: the definitions for readers who never open the TOML."""
    lines = [
        "# Metrics",
        "",
        "Generated from `config/metrics.toml`; do not edit by hand. Regenerate with",
        "`python -m safeguarding.metrics_definitions > docs/metrics.md`.",
        "",
        "Event metrics count events whose anchor date is in the window (default: the 365 days",
        "ending on the as-of date) and not after the as-of date; state metrics are taken at the",
        "as-of date. A timestamp after the end of the as-of date has not happened yet. A",
        "percentage is 100 × numerator / denominator, rounded half away from zero to 1 decimal",
        "place, and empty when the denominator is 0. The TRUST row adds the academies'",
        "numerators and denominators; it never averages percentages. Targets such as",
        '"1 working day" come from `config/standards.toml`.',
        "",
        "| id | label | unit | kind | better | green | amber |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in definitions.values():
        green = "" if d.green_at is None else f"{d.green_at:g}"
        amber = "" if d.amber_at is None else f"{d.amber_at:g}"
        lines.append(
            f"| `{d.id}` | {d.label} | {d.unit} | {d.kind} | {d.better} | {green} | {amber} |"
        )
    for d in definitions.values():
        lines += ["", f"## `{d.id}` — {d.label}", "", d.definition, ""]
        lines.append(f"- **Source:** {d.source}")
        anchor = f", dated by `{d.anchor}`" if d.anchor else ""
        lines.append(f"- **Kind:** {d.kind}{anchor}; computed by `queries/{d.query}.sql`")
        if d.drill_down:
            lines.append(f"- **Records behind it:** `queries/{d.drill_down}.sql`")
        if d.suppressible:
            lines.append("- **Suppressed** for governor views when it rests on 1–5 children.")
        if d.needs_column:
            lines.append(
                f"- **Needs the optional column** `{d.needs_column}`: an academy that does not "
                "send it shows *not collected*, never 0 %."
            )
        if d.interpretation:
            lines.append(f"- **Interpretation:** {d.interpretation}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(as_markdown(load()), end="")
