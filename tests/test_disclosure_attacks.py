"""Differencing attacks on the suppressed views (SECURITY.md, "The suppression rule").

A governor can open many views: the whole trust or one academy, over any whole term or
academic year. Each figure shown is a sum of cells (one academy, one term). These tests collect
every figure a suppressed role can see for a school year and ask, by linear algebra, whether
any hidden figure (`c`) follows from the visible ones: subset totals, trust minus academies,
a year minus its terms, in any combination. They also try the views the rule forbids (a chosen
group of academies, windows a day apart, months) and check that none is served.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest
from conftest import TODAY
from page_helpers import open_as

from safeguarding import board_pack, cli, metrics, metrics_definitions, periods, suppressed_views
from safeguarding.disclosure import SUPPRESSED
from safeguarding.ui import data as ui_data

YEAR = periods.family(dt.date(2025, 9, 1))  # 2025/26: ended before the tests' today
COUNTED = ("value", "numerator", "denominator")


def recovered(equations: list[tuple[dict, object]]) -> list[tuple[dict, object]]:
    """The hidden figures that the visible ones determine. Each equation is (the cells a
    figure adds up, with their weights; the figure shown, or "c")."""
    atoms = sorted({atom for coefficients, _ in equations for atom in coefficients})
    column = {atom: i for i, atom in enumerate(atoms)}

    def vector(coefficients: dict) -> np.ndarray:
        row = np.zeros(len(atoms))
        for atom, weight in coefficients.items():
            row[column[atom]] = weight
        return row

    known = [vector(c) for c, shown in equations if shown != SUPPRESSED]
    if not known:
        return []
    basis = np.array(known)
    rank = np.linalg.matrix_rank(basis)
    return [
        (coefficients, shown)
        for coefficients, shown in equations
        if shown == SUPPRESSED
        and np.linalg.matrix_rank(np.vstack([basis, vector(coefficients)])) == rank
    ]


def test_the_auditor_finds_a_figure_given_away_by_subtraction():
    """The attack must be able to succeed: a trust total beside all but one academy."""
    equations = [
        ({("A",): 1}, 7),
        ({("B",): 1}, SUPPRESSED),
        ({("A",): 1, ("B",): 1}, 9),
    ]
    assert recovered(equations) == [({("B",): 1}, SUPPRESSED)]
    # two hidden cells under a visible total: neither follows
    equations = [
        ({("A",): 1}, SUPPRESSED),
        ({("B",): 1}, SUPPRESSED),
        ({("A",): 1, ("B",): 1}, 9),
    ]
    assert recovered(equations) == []


def _cells(academy: str, period: periods.Period, academies: list[str]) -> list[tuple]:
    members = academies if academy == metrics.TRUST else [academy]
    parts = YEAR.parts if period.kind == "year" else [period]
    return [(a, p.label) for a in members for p in parts]


@pytest.fixture(scope="module")
def governor_metrics(demo_db):
    """Every metric a governor can see for 2025/26: every academy and the trust, every term
    and the year (as each view asks for it), and the figures before suppression."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        academies = metrics.academy_codes(con)
        shown, raw = {}, {}
        for period in YEAR.periods:
            shown[period.label] = suppressed_views.metric_table(
                con, TODAY, period.starts_on, period.ends_on, academies
            )
            raw[period.label] = metrics.compute(
                con, TODAY, period.starts_on, period.ends_on, academies
            )
    return academies, shown, raw


def _additive_columns(raw, academies, metric):
    """The figures of a metric that add up over academies and terms (counts, numerators and
    denominators); checked here, since the algebra relies on it."""
    found = []
    for column in COUNTED:
        table = {
            (row.academy_code, label): getattr(row, column)
            for label, frame in raw.items()
            for row in frame[frame.metric == metric].itertuples()
        }
        if any(pd.isna(v) for v in table.values()):
            continue
        year = YEAR.year.label
        by_terms = all(
            table[(a, year)] == sum(table[(a, p.label)] for p in YEAR.parts)
            for a in (*academies, metrics.TRUST)
        )
        by_academies = all(
            table[(metrics.TRUST, p.label)] == sum(table[(a, p.label)] for a in academies)
            for p in YEAR.periods
        )
        if by_terms and by_academies:
            found.append(column)
    return found


def test_no_hidden_metric_follows_from_any_views_a_governor_can_open(governor_metrics):
    academies, shown, raw = governor_metrics
    definitions = metrics_definitions.load()
    attacked = hidden_total = 0
    for metric, definition in definitions.items():
        if not definition.suppressible:
            continue
        for column in _additive_columns(raw, academies, metric):
            if column == "value" and definition.unit != "count":
                continue
            equations = []
            for period in YEAR.periods:
                frame = shown[period.label]
                for row in frame[frame.metric == metric].itertuples():
                    cells = _cells(row.academy_code, period, academies)
                    equations.append(({cell: 1 for cell in cells}, getattr(row, column)))
            hidden_total += sum(1 for _, v in equations if v == SUPPRESSED)
            assert recovered(equations) == [], (metric, column)
            attacked += 1
    assert attacked >= 8
    assert hidden_total > 0, "the demo must have hidden figures for the attack to mean anything"


def test_no_small_figure_is_shown_to_a_governor(governor_metrics):
    _, shown, raw = governor_metrics
    definitions = metrics_definitions.load()
    for label, frame in shown.items():
        for row, unsuppressed in zip(frame.itertuples(), raw[label].itertuples(), strict=True):
            definition = definitions[row.metric]
            if not definition.suppressible:
                continue
            counted = ("value",) if definition.unit == "count" else ("numerator", "denominator")
            for column in counted:
                figure = getattr(row, column)
                if figure != SUPPRESSED and not pd.isna(figure):
                    assert not 1 <= getattr(unsuppressed, column) <= 5, (label, row, column)


@pytest.mark.parametrize(
    ("query", "extra"),
    [
        ("dashboard/referral_agency_mix", {}),
        ("dashboard/referral_decisions", {"agency": "all"}),
        ("dashboard/referral_csc_feedback_days", {}),
    ],
)
def test_no_hidden_count_of_a_chart_follows_from_the_others(demo_db, query, extra):
    """The referrals charts for each academy alone and the whole trust, each term and the year
    (HAZEL alone c, BIRCH alone 7, HAZEL + BIRCH 8 was the reproduced attack: a group of
    academies is no longer a view, and the rest cannot be subtracted)."""
    from safeguarding import sql

    with duckdb.connect(str(demo_db), read_only=True) as con:
        academies = metrics.academy_codes(con)
        count_columns = [c.strip() for c in sql.tags(query)["suppress"].split(",")]

        def run(params):
            return metrics.execute(con, query, params)

        equations = []
        for period in YEAR.periods:
            params = {"as_of": TODAY, "date_from": period.starts_on, "date_to": period.ends_on}
            for view in (*academies, metrics.TRUST):
                frame = suppressed_views.count_table(
                    run, {**params, **extra}, count_columns, academies, view
                )
                keys = [c for c in frame.columns if c not in count_columns]
                for row in frame.itertuples(index=False):
                    category = tuple(str(getattr(row, k)) for k in keys)
                    for column in count_columns:
                        cells = _cells(view, period, academies)
                        shown = getattr(row, column)
                        equations.append(({(*cell, category, column): 1 for cell in cells}, shown))
    assert any(shown == SUPPRESSED for _, shown in equations)
    assert not any(isinstance(s, int | float) and 1 <= s <= 5 for _, s in equations)
    assert recovered(equations) == []


# --- the views the rule forbids are not served ---------------------------------------------


def _tiles(app) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in app.metric]


def test_a_governor_link_to_another_window_opens_a_whole_term(demo_db, monkeypatch):
    """Windows a day apart were the attack: a governor's link to the last 12 months, custom
    dates or a window ending yesterday shows the latest whole term instead."""
    default = open_as("governor", "pages/overview.py", demo_db, monkeypatch)
    term = periods.whole_periods_by(TODAY)[0]
    [window] = [s for s in default.selectbox if s.key == "f_window"]
    assert window.value == "term" and window.options == ["A term", "An academic year"]
    assert [s.value for s in default.selectbox if s.key == "f_term"] == [term.label]
    from page_helpers import run_page

    for params in (
        {"window": "last_12_months"},
        {"window": "custom", "from": "2026-11-01", "to": "2026-11-27"},
        {"window": "custom", "from": "2026-11-01", "to": "2026-11-26"},
    ):
        app = run_page("pages/overview.py", demo_role="governor", query_params=params)
        assert not app.exception
        assert _tiles(app) == _tiles(default), params


def test_a_governor_link_to_a_group_of_academies_shows_one_academy_or_the_trust(
    demo_db, monkeypatch
):
    from page_helpers import run_page

    monkeypatch.setenv("SAFEGUARDING_DB", str(demo_db))
    whole = run_page("pages/trends.py", demo_role="governor")
    grouped = run_page(
        "pages/trends.py", demo_role="governor", query_params={"academy": ["HAZEL", "BIRCH"]}
    )
    assert not grouped.exception
    assert "never a group of academies" in " ".join(i.value for i in grouped.info)
    assert [s.value for s in grouped.selectbox if s.key == "f_academy"] == [""]
    assert {c.proto.spec for c in grouped.get("plotly_chart")} == {
        c.proto.spec for c in whole.get("plotly_chart")
    }


def test_monthly_counts_are_never_served_to_a_suppressed_view(demo_db, monkeypatch):
    monkeypatch.setenv("SAFEGUARDING_DB", str(demo_db))
    referrals = open_as("governor", "pages/referrals.py", demo_db, monkeypatch)
    assert not [c for c in referrals.get("plotly_chart") if "by_month" in c.proto.id]
    trends = open_as("local_governor", "pages/trends.py", demo_db, monkeypatch, academy="ELM")
    assert not trends.exception
    assert not [r for r in trends.radio if r.key == "trends_period"]
    with pytest.raises(suppressed_views.WholePeriodsOnly, match="by month"):
        ui_data._whole_period_counts(
            "dashboard/referral_csc_on_time_by_month",
            {"academy_codes": ["ELM"]},
            {"suppress": "due_referrals", "suppress-across": "referred_month_on"},
            None,
        )


@pytest.mark.parametrize(
    ("to_on", "role"), [("2026-11-29", "governor"), ("2026-11-27", "local_governor")]
)
def test_governor_packs_over_windows_a_day_apart_are_refused(
    demo_db, tmp_path, capsys, to_on, role
):
    out = tmp_path / "pack.xlsx"
    argv = ["board-pack", "--db", str(demo_db), "--role", role, "--out", str(out)]
    argv += ["--as-of", TODAY.isoformat(), "--from", "2025-11-30", "--to", to_on]
    argv += ["--academy", "ELM"] if role == "local_governor" else []
    assert cli.main(argv) == cli.EXIT_USAGE
    assert "whole term or academic year" in capsys.readouterr().err
    assert not out.exists()


def test_a_governor_pack_for_a_whole_term_is_made(demo_db):
    term = periods.whole_periods_by(TODAY)[0]
    with duckdb.connect(str(demo_db), read_only=True) as con:
        content = board_pack.build_board_pack(
            con, TODAY, "governor", None, term.starts_on, term.ends_on
        )
    assert content[:2] == b"PK"
