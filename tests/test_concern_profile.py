"""What the concerns are about (the Referrals page): the concern_profile model and the three
counts queries on hand-made rows, the page's section for a trust lead and for a governor, and a
differencing attack on the governor's category table beside the concerns total."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest
from conftest import TODAY
from metric_fixtures import build
from page_helpers import chart, governors_period, open_as
from test_disclosure_attacks import YEAR, _cells

from safeguarding import contract, database, metrics, sql, suppressed_views
from safeguarding.codes import SUPPRESSED
from safeguarding.ui import referral_charts
from safeguarding.window import Window

AS_OF = dt.date(2025, 5, 30)
MAY = Window(AS_OF, dt.date(2025, 5, 1), dt.date(2025, 5, 31))
CHANGED_AT = dt.datetime(2025, 6, 1, 12, 0)  # a later export changed one concern's markers


def _concern(concern_id: str, category: str, logged_at: str, **columns) -> dict:
    return {
        "concern_id": concern_id,
        "pupil_ref": f"TEST-PUPIL-{concern_id}",
        "category": category,
        "logged_at": logged_at,
        **columns,
    }


def _referral(referral_id: str, concern_id: str, referred_at: str, **columns) -> dict:
    return {
        "referral_id": referral_id,
        "concern_id": concern_id,
        "pupil_ref": f"TEST-PUPIL-{concern_id}",
        "referred_at": referred_at,
        **columns,
    }


@pytest.fixture
def profile_db(tmp_path):
    """As of Fri 30 May 2025, May 2025, OAK and ELM.
    CSE: C-CSE-1 referred 9 May (counted); C-CSE-2 referred 2 Jun, after the as-of date (not
      referred yet); C-CSE-3 (ELM) not referred: R-WRONG-ACADEMY names its ID but is OAK's, and
      a referral links to a concern of its own academy only.
    Neglect: C-NEG-1 referred twice (one referred concern); C-NEG-2 not referred.
    Not counted: C-OLD logged in April (outside the window, referred in May), C-LATER logged
      31 May (after the as-of date).
    C-NEG-2's first version (known until 1 Jun) had looked_after false; the current one true."""
    return build(
        tmp_path,
        concerns=[
            _concern(
                "C-CSE-1",
                "child_sexual_exploitation",
                "2025-05-06 10:00",
                year_group=9,
                looked_after=True,
                send=True,
                child_protection_plan=False,
                missing_episode=True,
            ),
            _concern(
                "C-CSE-2",
                "child_sexual_exploitation",
                "2025-05-07 10:00",
                year_group=9,
                looked_after=False,
                send=True,
                child_protection_plan=None,
                missing_episode=False,
            ),
            _concern(
                "C-CSE-3",
                "child_sexual_exploitation",
                "2025-05-08 10:00",
                academy_code="ELM",
                year_group=10,
                looked_after=None,
                send=False,
                child_protection_plan=None,
                missing_episode=None,
            ),
            _concern(
                "C-NEG-1",
                "neglect",
                "2025-05-12 09:00",
                year_group=None,
                looked_after=True,
                send=None,
                child_protection_plan=True,
                missing_episode=False,
            ),
            _concern(
                "C-NEG-2",
                "neglect",
                "2025-05-13 09:00",
                year_group=0,
                looked_after=False,
                known_until=CHANGED_AT,
            ),
            _concern(
                "C-NEG-2",
                "neglect",
                "2025-05-13 09:00",
                year_group=0,
                looked_after=True,
                known_from=CHANGED_AT,
            ),
            _concern("C-OLD", "child_sexual_exploitation", "2025-04-20 10:00", looked_after=True),
            _concern("C-LATER", "neglect", "2025-05-31 10:00", looked_after=True),
        ],
        referrals=[
            _referral("R-CSE-1", "C-CSE-1", "2025-05-09 10:00"),
            _referral("R-CSE-2", "C-CSE-2", "2025-06-02 10:00"),
            _referral("R-WRONG-ACADEMY", "C-CSE-3", "2025-05-09 11:00"),
            _referral("R-NEG-1A", "C-NEG-1", "2025-05-12 15:00"),
            _referral("R-NEG-1B", "C-NEG-1", "2025-05-14 15:00", agency="police"),
            _referral("R-OLD", "C-OLD", "2025-05-02 10:00"),
        ],
    )


def _run(db, name: str, window: Window = MAY, academies=("OAK", "ELM")) -> pd.DataFrame:
    with database.reader(db) as con:
        return metrics.run_named(con, name, window, list(academies))


def test_concern_profile_gives_markers_year_group_and_referral_per_concern(profile_db):
    with duckdb.connect(str(profile_db), read_only=True) as con:
        got = con.execute(
            "select concern_id, year_group, looked_after, is_referred "
            "from concern_profile($windows, $standards) order by concern_id",
            {
                "windows": metrics.bind_windows([MAY]),
                "standards": metrics._standards(None).query_parameters(),
            },
        ).fetchall()
    assert got == [
        ("C-CSE-1", 9, True, True),
        ("C-CSE-2", 9, False, False),  # referred after the as-of date
        ("C-CSE-3", 10, None, False),  # the OAK referral is not ELM's
        ("C-NEG-1", None, True, True),  # two referrals, one row
        ("C-NEG-2", 0, True, False),  # the version known now
    ]


def test_concerns_by_category_counts_concerns_and_those_referred(profile_db):
    frame = _run(profile_db, "dashboard/concerns_by_category")
    assert frame.to_dict("records") == [
        {"concern_category": "child_sexual_exploitation", "concerns": 3, "referred": 1},
        {"concern_category": "neglect", "concerns": 2, "referred": 1},
    ]
    # One academy: OAK's two CSE concerns, one referred.
    oak = _run(profile_db, "dashboard/concerns_by_category", academies=["OAK"])
    assert oak.set_index("concern_category").loc["child_sexual_exploitation"].tolist() == [2, 1]
    # The as-of date moved on past 2 June: C-CSE-2's referral has happened.
    later = Window(dt.date(2025, 6, 30), dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    frame = _run(profile_db, "dashboard/concerns_by_category", window=later)
    assert frame.set_index("concern_category").loc["child_sexual_exploitation"].tolist() == [3, 2]


def test_concerns_by_marker_counts_true_and_blank_apart(profile_db):
    frame = _run(profile_db, "dashboard/concerns_by_marker")
    assert frame.to_dict("records") == [
        # C-CSE-1 and C-NEG-1 (both referred), C-NEG-2 as now known; C-CSE-3 blank
        {"marker": "looked_after", "concerns": 3, "referred": 2, "unknown": 1},
        # C-CSE-1, C-CSE-2; C-NEG-1 and C-NEG-2 blank (C-CSE-3 is false)
        {"marker": "send", "concerns": 2, "referred": 1, "unknown": 2},
        # C-NEG-1; C-CSE-2, C-CSE-3, C-NEG-2 blank
        {"marker": "child_protection_plan", "concerns": 1, "referred": 1, "unknown": 3},
        # C-CSE-1; C-CSE-3 and C-NEG-2 blank
        {"marker": "missing_episode", "concerns": 1, "referred": 1, "unknown": 2},
    ]
    # Known before the later export: C-NEG-2 was not looked after.
    before = Window(AS_OF, MAY.date_from, MAY.date_to, known_at=dt.datetime(2025, 5, 31))
    frame = _run(profile_db, "dashboard/concerns_by_marker", window=before)
    assert frame.set_index("marker").loc["looked_after"].tolist() == [2, 2, 1]


def test_concerns_by_year_group_has_not_recorded_as_a_row_of_its_own(profile_db):
    frame = _run(profile_db, "dashboard/concerns_by_year_group")
    got = [
        (None if pd.isna(r.year_group) else int(r.year_group), r.concerns)
        for r in frame.itertuples()
    ]
    assert got == [(0, 1), (9, 2), (10, 1), (None, 1)]
    table = referral_charts.year_group_table(frame, 5, _percent)
    assert table.to_dict("list") == {
        "Year group": ["Reception", "Year 9", "Year 10", "Not recorded"],
        "Concerns": ["1", "2", "1", "1"],
        "Share of all concerns": ["20.0%", "40.0%", "20.0%", "20.0%"],
    }


def test_no_concerns_no_rows(profile_db):
    empty = Window(dt.date(2024, 5, 30), dt.date(2024, 5, 1), dt.date(2024, 5, 31))
    for name in ("category", "marker", "year_group"):
        assert _run(profile_db, f"dashboard/concerns_by_{name}", window=empty).empty, name


def test_the_counts_queries_are_suppressed_for_governors():
    for name, columns in [
        ("category", "concerns, referred"),
        ("marker", "concerns, referred, unknown"),
        ("year_group", "concerns"),
    ]:
        assert sql.tags(f"dashboard/concerns_by_{name}")["suppress"] == columns


# --- rates from possibly hidden counts ---------------------------------------------------------


def _percent(numerator: int, denominator: int) -> float | None:
    """percent_1dp in Python, for tests without a database."""
    return None if not denominator else (2000 * numerator + denominator) // (2 * denominator) / 10


def test_rates_are_hidden_with_their_counts_and_never_sum_over_a_hidden_count():
    categories = pd.DataFrame(
        {
            "concern_category": ["neglect", "child_sexual_exploitation", "other"],
            "concerns": pd.Series([40, SUPPRESSED, 16], dtype=object),
            "referred": pd.Series([SUPPRESSED, SUPPRESSED, 6], dtype=object),
        }
    )
    # No sum over a hidden row: the total is the figure shown elsewhere, or c.
    assert referral_charts.concerns_total(categories["concerns"], 59) == 59
    assert referral_charts.concerns_total(categories["concerns"], SUPPRESSED) == SUPPRESSED
    assert referral_charts.concerns_total(categories["concerns"], None) == SUPPRESSED
    assert referral_charts.concerns_total(pd.Series([40, 16]), SUPPRESSED) == 56
    table = referral_charts.category_table(categories, 59, _percent)
    assert table.to_dict("records") == [
        {
            "Category": "Neglect",
            "Concerns": "40",
            "Share of all concerns": "67.8%",
            "Referred": SUPPRESSED,
            "Referred rate": SUPPRESSED,
        },
        {
            "Category": "Other",
            "Concerns": "16",
            "Share of all concerns": "27.1%",
            "Referred": "6",
            "Referred rate": "37.5%",
        },
        {
            "Category": "Child sexual exploitation",
            "Concerns": SUPPRESSED,
            "Share of all concerns": SUPPRESSED,
            "Referred": SUPPRESSED,
            "Referred rate": SUPPRESSED,
        },
    ]
    hidden_total = referral_charts.category_table(categories, SUPPRESSED, _percent)
    assert set(hidden_total["Share of all concerns"]) == {SUPPRESSED}


def test_marker_table_names_each_marker_and_its_blanks(profile_db):
    markers = _run(profile_db, "dashboard/concerns_by_marker")
    table = referral_charts.marker_table(markers, 5, _percent)
    assert table.to_dict("records")[0] == {
        "Marker": "Looked after",
        "Concerns with the marker": "3",
        "Share of all concerns": "60.0%",
        "Referred": "2",
        "Referred rate": "66.7%",
        "Marker blank (unknown)": "1",
    }
    assert table["Marker"].tolist() == [
        "Looked after",
        "SEND",
        "Child protection plan",
        "Missing episode",
    ]
    no_marked = markers.assign(concerns=0, referred=0)
    assert set(referral_charts.marker_table(no_marked, 5, _percent)["Referred rate"]) == {"–"}


# --- the page ------------------------------------------------------------------------------------

SECTION = "What the concerns are about"
TWELVE_MONTHS = Window.ending(TODAY)


def _table(app, first_column: str) -> pd.DataFrame:
    """The section's table whose first column is `first_column`."""
    [table] = [t.value for t in app.dataframe if t.value.columns[:1].tolist() == [first_column]]
    return table


def _expected(demo_db, name: str, window: Window = TWELVE_MONTHS) -> pd.DataFrame:
    with database.reader(demo_db) as con:
        return metrics.run_named(con, f"dashboard/concerns_by_{name}", window)


def _is_small(value) -> bool:
    return not isinstance(value, str) and 1 <= value <= 5


def test_the_section_shows_the_querys_figures_to_a_trust_lead(page, demo_db):
    app = page("pages/referrals.py")
    assert not app.exception
    subheaders = [s.value for s in app.subheader]
    assert subheaders[subheaders.index("Who the academies referred to") + 1] == SECTION

    categories = _expected(demo_db, "category")
    total = int(categories["concerns"].sum())
    spec = chart(app, "referrals_concerns_by_category")
    bars = spec["data"][0]
    assert bars["x"] == categories["concerns"].tolist()  # largest first
    assert bars["y"] == [contract.label(c) for c in categories["concern_category"]]
    assert spec["layout"]["title"]["text"].startswith("Concerns by category, ")
    assert spec["layout"]["xaxis"]["title"]["text"] == "Concerns logged (count)"
    table = _table(app, "Category")
    assert table["Concerns"].tolist() == [f"{n:,}" for n in categories["concerns"]]
    assert table["Referred"].tolist() == [f"{n:,}" for n in categories["referred"]]
    first = categories.iloc[0]
    assert table["Share of all concerns"].iloc[0] == f"{_percent(first.concerns, total):.1f}%"
    assert table["Referred rate"].iloc[0] == f"{_percent(first.referred, first.concerns):.1f}%"
    assert f"{total:,} concerns logged" in " ".join(c.value for c in app.caption)
    # The same total as the concerns_logged metric of the whole trust.
    with database.reader(demo_db) as con:
        logged = metrics.compute(con, TODAY)
    trust = logged[(logged.metric == "concerns_logged") & (logged.academy_code == "TRUST")]
    assert trust.value.iloc[0] == total

    app.radio(key="referrals_concerns_profile").set_value("marker").run()
    assert not app.exception
    markers = _expected(demo_db, "marker")
    table = _table(app, "Marker")
    assert table["Marker"].tolist() == list(referral_charts.MARKER_LABELS.values())
    assert table["Concerns with the marker"].tolist() == [f"{n:,}" for n in markers["concerns"]]
    assert table["Marker blank (unknown)"].tolist() == [f"{n:,}" for n in markers["unknown"]]

    app.radio(key="referrals_concerns_profile").set_value("year_group").run()
    assert not app.exception
    year_groups = _expected(demo_db, "year_group")
    assert year_groups["year_group"].isna().any(), "the demo should have concerns with no year"
    spec = chart(app, "referrals_concerns_by_year_group")
    assert spec["data"][0]["x"][-1] == "Not recorded"
    assert sum(spec["data"][0]["y"]) == total
    table = _table(app, "Year group")
    assert table["Year group"].iloc[-1] == "Not recorded"
    assert table["Concerns"].iloc[-1] == f"{year_groups['concerns'].iloc[-1]:,}"


def _governor_view(demo_db, name: str) -> pd.DataFrame:
    """The governors' default view of a query (the whole trust, the latest whole term), as
    the data layer suppresses it."""
    term = governors_period()
    columns = [c.strip() for c in sql.tags(f"dashboard/concerns_by_{name}")["suppress"].split(",")]
    with duckdb.connect(str(demo_db), read_only=True) as con:
        academies = metrics.academy_codes(con)
        params = {"as_of": TODAY, "date_from": term.starts_on, "date_to": term.ends_on}
        return suppressed_views.count_table(
            lambda p: metrics.execute(con, f"dashboard/concerns_by_{name}", p),
            params,
            columns,
            academies,
            metrics.TRUST,
        )


def test_a_governor_sees_small_counts_as_c(demo_db, monkeypatch):
    app = open_as("governor", "pages/referrals.py", demo_db, monkeypatch)
    assert not app.exception
    assert SECTION in [s.value for s in app.subheader]
    expected = _governor_view(demo_db, "category")
    hidden = expected["concerns"].map(referral_charts.is_hidden)
    assert hidden.any(), "the demo should hide a category's count from governors"
    assert not expected["concerns"].map(_is_small).any()
    table = _table(app, "Category").set_index("Category")
    for row in expected.itertuples():
        shown = table.loc[contract.label(row.concern_category)]
        assert shown["Concerns"] == referral_charts.count_text(row.concerns)
        assert shown["Referred"] == referral_charts.count_text(row.referred)
        if referral_charts.is_hidden(row.concerns):
            assert shown["Share of all concerns"] == SUPPRESSED
        if referral_charts.is_hidden(row.concerns) or referral_charts.is_hidden(row.referred):
            assert shown["Referred rate"] == SUPPRESSED
    for column in ("Concerns", "Referred"):
        assert not any(v in {"1", "2", "3", "4", "5"} for v in table[column]), column
    bars = chart(app, "referrals_concerns_by_category")["data"]
    assert not {1, 2, 3, 4, 5} & set(bars[0]["x"])
    assert "c (1 to 5, not shown)" in " ".join(
        next(t for t in bars if t["name"] == "hidden")["text"]
    )

    for name, first_column, columns in [
        ("marker", "Marker", ["Concerns with the marker", "Referred"]),
        ("year_group", "Year group", ["Concerns"]),
    ]:
        app.radio(key="referrals_concerns_profile").set_value(name).run()
        assert not app.exception
        expected = _governor_view(demo_db, name)
        assert not any(
            _is_small(v)
            for column in expected
            if column in ("concerns", "referred", "unknown")
            for v in expected[column]
        )
        table = _table(app, first_column)
        for column in columns:
            assert not any(v in {"1", "2", "3", "4", "5"} for v in table[column]), (name, column)
        if name == "marker":
            by_marker = expected.set_index("marker")["concerns"]
            counts = [by_marker[m] for m in referral_charts.MARKER_LABELS]
        else:
            counts = referral_charts.year_groups_in_order(expected)["concerns"]
        assert table[columns[0]].tolist() == [referral_charts.count_text(v) for v in counts]


# --- the attack ----------------------------------------------------------------------------------


def given_away(equations: list[tuple[dict, object]]) -> list[tuple[dict, object]]:
    """The hidden figures that the visible ones determine (test_disclosure_attacks.recovered,
    with one decomposition instead of a rank per hidden figure): a hidden sum of cells follows
    from the visible ones exactly when it is orthogonal to the null space of the visible rows."""
    atoms = sorted({atom for coefficients, _ in equations for atom in coefficients})
    column = {atom: i for i, atom in enumerate(atoms)}

    def vector(coefficients: dict) -> np.ndarray:
        row = np.zeros(len(atoms))
        for atom, weight in coefficients.items():
            row[column[atom]] = weight
        return row

    known = np.array([vector(c) for c, shown in equations if shown != SUPPRESSED])
    if not len(known):
        return []
    _, singular, rows = np.linalg.svd(known)
    rank = int((singular > singular.max() * max(known.shape) * np.finfo(float).eps).sum())
    null_space = rows[rank:].T
    return [
        (coefficients, shown)
        for coefficients, shown in equations
        if shown == SUPPRESSED and np.abs(vector(coefficients) @ null_space).max(initial=0) < 1e-9
    ]


def test_the_auditor_finds_a_figure_given_away_by_subtraction():
    a, b = {("A",): 1}, {("B",): 1}
    assert given_away([(a, 7), (b, SUPPRESSED), ({**a, **b}, 9)]) == [(b, SUPPRESSED)]
    assert given_away([(a, SUPPRESSED), (b, SUPPRESSED), ({**a, **b}, 9)]) == []


def test_no_hidden_category_count_follows_from_the_concerns_total(demo_db):
    """Every view a governor can open for 2025/26 (each academy and the trust, each term and the
    year): the category counts shown, plus concerns_logged, the total the Overview shows beside
    them. A row with exactly one category hidden under a visible total would give it away."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        academies = metrics.academy_codes(con)

        runs = {}

        def run(params):  # each academy and term runs once, whatever view asks for it
            key = (tuple(params["academy_codes"]), params["date_from"], params["date_to"])
            if key not in runs:
                runs[key] = metrics.execute(con, "dashboard/concerns_by_category", params)
            return runs[key].copy()

        equations, hidden_cells = [], 0
        for period in YEAR.periods:
            params = {"as_of": TODAY, "date_from": period.starts_on, "date_to": period.ends_on}
            totals = suppressed_views.metric_table(
                con, TODAY, period.starts_on, period.ends_on, academies
            )
            totals = totals[totals.metric == "concerns_logged"].set_index("academy_code")
            for view in (*academies, metrics.TRUST):
                frame = suppressed_views.count_table(
                    run, params, ["concerns", "referred"], academies, view
                )
                cells = _cells(view, period, academies)
                for row in frame.itertuples(index=False):
                    for column in ("concerns", "referred"):
                        shown = getattr(row, column)
                        atoms = {(*cell, row.concern_category, column): 1 for cell in cells}
                        equations.append((atoms, shown))
                total = totals.loc[view, "value"]
                everything = {
                    (*cell, category, "concerns"): 1
                    for cell in cells
                    for category in contract.CATEGORIES
                }
                equations.append((everything, total))
                hidden = int(frame["concerns"].map(referral_charts.is_hidden).sum())
                hidden_cells += hidden
                if total != SUPPRESSED:
                    assert hidden != 1, (period.label, view)
    assert hidden_cells, "the demo must hide some category counts for the attack to mean anything"
    assert not any(_is_small(s) for _, s in equations if not pd.isna(s))
    assert given_away(equations) == []
