"""A policy's measurable promises, and how well the trust keeps them.

Which clause is measured by which metric is data, not code: one TOML file per policy in
`config/commitments/` (the trust's config directory first, then the shipped one). Each
commitment quotes its clause and names metric ids from `config/metrics.toml`; targets and RAG
come from those definitions, so a trust maps another policy by writing another file.

This module reads and checks the files and turns metric frames (from `metrics.compute` /
`metrics.series`, or the dashboard's scoped `data.metric_values` / `data.metric_series`) into
a scorecard: one row per commitment and metric with value, target, RAG and trend. No SQL here;
no Streamlit either.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from safeguarding import calendar, metrics_definitions, standards
from safeguarding.codes import TRUST
from safeguarding.contract import ENUMS
from safeguarding.paths import PROJECT_ROOT, config_dir
from safeguarding.window import Window

SHIPPED_DIR = PROJECT_ROOT / "config" / "commitments"
RAG_ORDER = {"red": 0, "amber": 1, "green": 2, None: 3}
POLICY_KEYS = {"title", "organisation", "policy_type", "document"}
COMMITMENT_KEYS = {
    "id",
    "clause",
    "heading",
    "promise",
    "text",
    "metrics",
    "policy_review",
    "why_not_measured",
    "data_needed",
}
NOT_MEASURED = "not measured"
# A change smaller than this between two terms is "steady" (percentage points, hours, counts).
STEADY_WITHIN = {"%": 1.0, "hours": 1.0, "count": 0.0}


class CommitmentsError(ValueError):
    """A commitments file cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Commitment:
    id: str
    clause: str
    heading: str
    promise: str
    text: str
    metrics: tuple[str, ...]
    policy_review: bool = False
    # A promise no figure measures says why, and what data would measure it.
    why_not_measured: str | None = None
    data_needed: str | None = None

    @property
    def is_measured(self) -> bool:
        return bool(self.metrics)

    @property
    def section(self) -> str:
        return f"§{self.clause}"


@dataclass(frozen=True)
class PolicyCommitments:
    key: str  # the file's stem, e.g. "st-barts-cse"
    path: Path
    title: str
    organisation: str
    policy_type: str
    document: str
    commitments: tuple[Commitment, ...]

    @property
    def metric_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m for c in self.commitments for m in c.metrics))

    @property
    def measured(self) -> tuple[Commitment, ...]:
        return tuple(c for c in self.commitments if c.is_measured)

    def clauses(self) -> list[tuple[str, str, list[Commitment]]]:
        """(clause, heading, its commitments) in the file's order."""
        grouped: dict[str, tuple[str, list[Commitment]]] = {}
        for commitment in self.commitments:
            grouped.setdefault(commitment.clause, (commitment.heading, []))[1].append(commitment)
        return [(clause, heading, items) for clause, (heading, items) in grouped.items()]


def commitments_dir() -> Path:
    """The trust's `commitments/` in its config directory, else the shipped one."""
    trust_dir = config_dir() / "commitments"
    return trust_dir if trust_dir.is_dir() and any(trust_dir.glob("*.toml")) else SHIPPED_DIR


def load_all(directory: Path | None = None) -> dict[str, PolicyCommitments]:
    """Every policy's commitments, by file stem, in file-name order."""
    directory = Path(directory) if directory else commitments_dir()
    definitions = metrics_definitions.load()
    loaded = {}
    for path in sorted(directory.glob("*.toml")):
        loaded[path.stem] = load(path, definitions)
    return loaded


def load(
    path: Path, definitions: dict[str, metrics_definitions.MetricDefinition] | None = None
) -> PolicyCommitments:
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommitmentsError(f"The commitments file {path} does not exist.") from None
    except tomllib.TOMLDecodeError as error:
        raise CommitmentsError(f"{path} is not valid TOML: {error}. Fix the file.") from None
    return parse(document, path, definitions)


def parse(
    document: dict[str, Any],
    path: Path | str = "commitments.toml",
    definitions: dict[str, metrics_definitions.MetricDefinition] | None = None,
) -> PolicyCommitments:
    definitions = definitions if definitions is not None else metrics_definitions.load()
    extra = sorted(set(document) - {"policy", "commitments"})
    if extra:
        raise CommitmentsError(
            f"{path}: unknown section [{extra[0]}]; the file holds [policy] and [[commitments]]."
        )
    policy = document.get("policy")
    if not isinstance(policy, dict):
        raise CommitmentsError(f"{path}: the [policy] section is missing.")
    unknown = sorted(set(policy) - POLICY_KEYS)
    if unknown:
        raise CommitmentsError(
            f"{path}: [policy] has an unknown key {unknown[0]!r}; expected "
            f"{', '.join(sorted(POLICY_KEYS))}."
        )
    for key in ("title", "policy_type"):
        if not _text(policy.get(key)):
            raise CommitmentsError(f"{path}: [policy] {key} is missing or empty.")
    if policy["policy_type"] not in ENUMS["policy_type"]:
        raise CommitmentsError(
            f"{path}: [policy] policy_type {policy['policy_type']!r} is not a policy type; use "
            f"one of: {', '.join(ENUMS['policy_type'])}."
        )
    entries = document.get("commitments")
    if not isinstance(entries, list) or not entries:
        raise CommitmentsError(
            f"{path}: there are no [[commitments]]; map at least one clause to a metric."
        )
    commitments = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        commitment = _commitment(entry, number, path, definitions)
        if commitment.id in seen:
            raise CommitmentsError(
                f"{path}: [[commitments]] {number} has the id {commitment.id!r} of an earlier "
                "one; ids must be unique."
            )
        seen.add(commitment.id)
        commitments.append(commitment)
    return PolicyCommitments(
        key=Path(str(path)).stem,
        path=Path(str(path)),
        title=policy["title"].strip(),
        organisation=_text(policy.get("organisation")) or "",
        policy_type=policy["policy_type"],
        document=_text(policy.get("document")) or "",
        commitments=tuple(commitments),
    )


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _commitment(entry: Any, number: int, path, definitions) -> Commitment:
    where = f"{path}: [[commitments]] {number}"
    if not isinstance(entry, dict):
        raise CommitmentsError(f"{where} must be a table.")
    if _text(entry.get("id")):
        where += f" ({entry['id']})"
    unknown = sorted(set(entry) - COMMITMENT_KEYS)
    if unknown:
        raise CommitmentsError(
            f"{where} has an unknown key {unknown[0]!r}; expected "
            f"{', '.join(sorted(COMMITMENT_KEYS))}."
        )
    for key in ("id", "clause", "heading", "promise", "text"):
        if not _text(entry.get(key)):
            raise CommitmentsError(f"{where}: {key} is missing or empty.")
    if not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", entry["id"]):
        raise CommitmentsError(
            f"{where}: id {entry['id']!r} must be lower-case letters, digits and hyphens."
        )
    metrics = entry.get("metrics", [])
    if not isinstance(metrics, list) or not all(isinstance(m, str) for m in metrics):
        raise CommitmentsError(f"{where}: metrics must be a list of metric ids.")
    why_not = _text(entry.get("why_not_measured"))
    data_needed = _text(entry.get("data_needed"))
    if not metrics and not (why_not and data_needed):
        raise CommitmentsError(
            f"{where}: name the metrics that measure it, or say why_not_measured and the "
            "data_needed to measure it."
        )
    if metrics and (why_not or data_needed):
        raise CommitmentsError(
            f"{where}: a promise with metrics is measured; drop why_not_measured and "
            "data_needed, or the metrics."
        )
    for metric_id in metrics:
        if metric_id not in definitions:
            raise CommitmentsError(
                f"{where}: {metric_id!r} is not a metric in config/metrics.toml; use one of: "
                f"{', '.join(definitions)}."
            )
    if len(set(metrics)) != len(metrics):
        raise CommitmentsError(f"{where}: metrics lists a metric twice.")
    policy_review = entry.get("policy_review", False)
    if not isinstance(policy_review, bool):
        raise CommitmentsError(f"{where}: policy_review must be true or false.")
    return Commitment(
        id=entry["id"],
        clause=entry["clause"].strip(),
        heading=entry["heading"].strip(),
        promise=entry["promise"].strip(),
        text=re.sub(r"\s+", " ", entry["text"]).strip(),
        metrics=tuple(metrics),
        policy_review=policy_review,
        why_not_measured=why_not,
        data_needed=data_needed,
    )


# --- figures ---------------------------------------------------------------------------------


def is_number(value: Any) -> bool:
    if value is None or isinstance(value, str | bool):
        return False
    try:
        return not math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def target_text(definition: metrics_definitions.MetricDefinition) -> str:
    if definition.green_at is None:
        return "no target"
    comparison = "≥" if definition.better == "higher" else "≤"
    target = f"{definition.green_at:g}"
    return f"{comparison} {target}" + {"%": "%", "hours": " h"}.get(definition.unit, "")


def format_figure(value: Any, unit: str) -> str:
    if isinstance(value, str):
        return value  # "c": hidden for small numbers
    if not is_number(value):
        return "–"
    if unit == "%":
        return f"{float(value):.1f}%"
    if unit == "hours":
        return f"{float(value):.1f} h"
    return f"{int(value):,}"


def figure_text(
    definition: metrics_definitions.MetricDefinition, value: Any, denominator: Any = 0
) -> str:
    """format_figure, except that a figure resting on a column the academy does not send says
    "not collected" (never "–" or 0 %)."""
    if not isinstance(value, str) and definition.is_not_collected(denominator):
        return metrics_definitions.NOT_COLLECTED
    return format_figure(value, definition.unit)


@dataclass(frozen=True)
class Period:
    window: Window
    label: str
    is_partial: bool  # the period runs past the as-of date: its point is "to date"


def term_periods(terms: list[Window], as_of: dt.date, limit: int | None = 6) -> list[Period]:
    """The last `limit` terms (every one with None) up to the as-of date, from
    `metrics.term_windows`; the one holding the as-of date cut short at it and marked
    "to date". The trends page draws the same periods."""
    terms = [term for term in terms if term.date_from <= as_of]
    if not terms:
        return []
    names = {
        (t.starts_on, t.ends_on): f"{t.name} {t.academic_year}"
        for t in calendar.academic_terms(
            terms[0].date_from, terms[-1].date_to, calendar.load_term_overrides()
        )
    }
    periods = []
    for term in terms:
        partial = term.date_to > as_of
        end = min(term.date_to, as_of)
        name = names.get(
            (term.date_from, term.date_to),
            f"{term.date_from:%-d %b %Y} to {term.date_to:%-d %b %Y}",
        )
        periods.append(
            Period(
                Window(end, term.date_from, end), name + (" (to date)" if partial else ""), partial
            )
        )
    return periods[-limit:] if limit else periods


def trend_points(
    series: pd.DataFrame, periods: list[Period], metric_id: str, code: str = TRUST
) -> pd.DataFrame:
    """One row per period for a metric and an academy (or TRUST): label, as_of_on, value
    (a number, "c" or None), is_partial. A period before the metric applied (a KCSIE edition
    not yet in force) has None: not applicable, never a 0."""
    rows = series[(series["metric"] == metric_id) & (series["academy_code"] == code)]
    days = (pd.Timestamp(day).date() for day in rows["as_of_on"])
    return _points(periods, metric_id, dict(zip(days, rows["value"], strict=True)))


def _points(periods: list[Period], metric_id: str, values: dict[dt.date, Any]) -> pd.DataFrame:
    applies = metrics_definitions.applies_from(metric_id, standards.load())
    if applies is not None:
        values = {day: v for day, v in values.items() if applies.applies_at(day)}
    return pd.DataFrame(
        {
            "label": [p.label for p in periods],
            "as_of_on": [p.window.as_of for p in periods],
            # object, so that a missing figure stays None and a hidden one "c"
            "value": pd.Series([values.get(p.window.as_of) for p in periods], dtype=object),
            "is_partial": [p.is_partial for p in periods],
        }
    )


def trend_word(points: pd.DataFrame, definition: metrics_definitions.MetricDefinition) -> str:
    """Improving, worsening or steady: the last complete term against the one before."""
    complete = [
        value
        for value, partial in zip(points["value"], points["is_partial"], strict=True)
        if not partial
    ]
    if len(complete) < 2 or not all(is_number(v) for v in complete[-2:]):
        return "not enough terms"
    change = float(complete[-1]) - float(complete[-2])
    if abs(change) <= STEADY_WITHIN.get(definition.unit, 0.0):
        return "steady"
    if definition.better == "neither":
        return "up" if change > 0 else "down"
    better = change > 0 if definition.better == "higher" else change < 0
    return "improving" if better else "worsening"


def scorecard(
    mapping: PolicyCommitments,
    values: pd.DataFrame,
    series: pd.DataFrame | None = None,
    periods: list[Period] | None = None,
    code: str = TRUST,
    definitions: dict[str, metrics_definitions.MetricDefinition] | None = None,
) -> pd.DataFrame:
    """One row per commitment and metric: the clause, the figure for `code` (TRUST by
    default), its target, RAG and trend (term by term)."""
    definitions = definitions if definitions is not None else metrics_definitions.load()
    current = {
        row.metric: row for row in values[values["academy_code"] == code].itertuples(index=False)
    }
    # One pass over the series: filtering it for each of forty metrics was most of a warm page.
    by_metric: dict[str, dict[dt.date, Any]] = {}
    if series is not None and periods:
        mine = series[series["academy_code"] == code]
        for metric_id, day, value in zip(
            mine["metric"], mine["as_of_on"], mine["value"], strict=True
        ):
            by_metric.setdefault(metric_id, {})[pd.Timestamp(day).date()] = value
    rows = []
    for commitment in mapping.commitments:
        for metric_id in commitment.metrics:
            definition = definitions[metric_id]
            figure = current.get(metric_id)
            value = figure.value if figure is not None else None
            numerator = figure.numerator if figure is not None else None
            denominator = figure.denominator if figure is not None else None
            points = (
                _points(periods, metric_id, by_metric.get(metric_id, {}))
                if series is not None and periods
                else pd.DataFrame(columns=["label", "as_of_on", "value", "is_partial"])
            )
            rows.append(
                {
                    "commitment_id": commitment.id,
                    "clause": commitment.clause,
                    "heading": commitment.heading,
                    "promise": commitment.promise,
                    "text": commitment.text,
                    "metric": metric_id,
                    "label": definition.label,
                    "unit": definition.unit,
                    "value": value if isinstance(value, str) or is_number(value) else None,
                    "shown": figure_text(definition, value, denominator),
                    "numerator": numerator,
                    "denominator": denominator,
                    "target": target_text(definition),
                    "rag": definition.rag(float(value)) if is_number(value) else None,
                    "trend": trend_word(points, definition) if len(points) else "no terms",
                    "term_values": [float(v) if is_number(v) else None for v in points["value"]],
                    "term_labels": list(points["label"]),
                }
            )
    frame = pd.DataFrame(rows)
    # object columns: a missing figure stays None (not NaN) and a hidden one "c"
    for column in ("value", "numerator", "denominator", "rag"):
        frame[column] = pd.Series([row[column] for row in rows], dtype=object)
    return frame


def commitment_rag(card: pd.DataFrame) -> pd.DataFrame:
    """One row per commitment: the worst RAG of its metrics that have one (a promise is kept
    only if every measure of it is on target), and how many of its metrics have a figure."""
    rows = []
    for commitment_id, metrics in card.groupby("commitment_id", sort=False):
        rags = [r for r in metrics["rag"] if r is not None]
        worst = min(rags, key=RAG_ORDER.get) if rags else None
        rows.append(
            {
                "commitment_id": commitment_id,
                "clause": metrics["clause"].iloc[0],
                "promise": metrics["promise"].iloc[0],
                "rag": worst,
            }
        )
    frame = pd.DataFrame(rows, columns=["commitment_id", "clause", "promise", "rag"])
    frame["rag"] = pd.Series([row["rag"] for row in rows], dtype=object)
    return frame


def review_rag(rows: pd.DataFrame, cycle_months: int = 12) -> tuple[str | None, str]:
    """The register's view of "reviewed annually": (RAG, a sentence), from the rows of
    `queries/dashboard/commitment_policy_review.sql`."""
    if rows.empty:
        return "red", "The policy is not in the register, so its review cannot be checked."
    if (rows["status"] == "overdue").any():
        late = rows[rows["status"] == "overdue"]
        return "red", f"{len(late)} register row(s) of this policy are overdue for review."
    if (rows["status"] == "no_date").any():
        return "amber", "A register row of this policy has no review date."
    long_cycle = rows[rows["review_cycle_months"] > cycle_months]
    if not long_cycle.empty:
        return "amber", (
            f"The register's review cycle is {int(long_cycle['review_cycle_months'].max())} "
            f"months; the policy promises {cycle_months}."
        )
    if (rows["status"] == "due_soon").any():
        return "amber", "The review is due within the due-soon window."
    return "green", "The policy is in date for review."


def promises(mapping: PolicyCommitments, card: pd.DataFrame) -> list[dict[str, Any]]:
    """Every promise of the policy, measured or not, in the file's order: section, promise,
    metrics, rag ("not measured" for a promise no figure measures, "not collected" when no
    academy in scope sends the columns its figures need, None for a measured one with no
    figure yet), why_not_measured and data_needed. The command line, the page's
    summary and the board pack's Commitments sheet all read this list."""
    rags = commitment_rag(card).set_index("commitment_id")["rag"] if len(card) else {}
    definitions = metrics_definitions.load()
    listed = []
    for commitment in mapping.commitments:
        if not commitment.is_measured:
            rag = NOT_MEASURED
        else:
            rag = rags.get(commitment.id) if len(card) else None
            rows = card[card["commitment_id"] == commitment.id] if len(card) else card
            if (
                rag is None
                and len(rows)
                and all(
                    definitions[r.metric].is_not_collected(r.denominator)
                    for r in rows.itertuples(index=False)
                )
            ):
                rag = metrics_definitions.NOT_COLLECTED
        listed.append(
            {
                "id": commitment.id,
                "section": commitment.section,
                "heading": commitment.heading,
                "promise": commitment.promise,
                "text": commitment.text,
                "metrics": list(commitment.metrics),
                "rag": rag,
                "why_not_measured": commitment.why_not_measured,
                "data_needed": commitment.data_needed,
            }
        )
    return listed
