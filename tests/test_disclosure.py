"""Small-number suppression (product.md §5): hand-made frames with hand-computed expectations, and a
checker proving no hidden figure can be worked out by subtraction from a total."""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pandas as pd
import pytest

from safeguarding import disclosure, metrics, metrics_definitions
from safeguarding.paths import PROJECT_ROOT

C = disclosure.SUPPRESSED
AS_OF = dt.date(2026, 11, 28)


def figures(*rows) -> pd.DataFrame:
    """A frame shaped like metrics.compute: (academy_code, metric, value, numerator,
    denominator), with compute's dtypes."""
    frame = pd.DataFrame(rows, columns=metrics.RESULT_COLUMNS)
    return frame.astype({"value": "float64", "numerator": "Int64", "denominator": "Int64"})


def count_rows(metric: str, **by_academy: int) -> list[tuple]:
    """A count metric for some academies plus its TRUST row (their sum)."""
    rows = [(code, metric, float(n), None, None) for code, n in by_academy.items()]
    rows.append(("TRUST", metric, float(sum(by_academy.values())), None, None))
    return rows


def shown(frame: pd.DataFrame, metric: str, column: str = "value") -> dict[str, object]:
    part = frame[frame["metric"] == metric]
    return dict(zip(part["academy_code"], part[column], strict=True))


def lines_hiding_one_cell(frame: pd.DataFrame) -> list[tuple]:
    """Every (as-of date, metric, column) whose TRUST total is shown while exactly one
    academy's cell is hidden: that cell would be the total minus the cells shown. The additive
    columns are a count's value and any other figure's numerator and denominator (a percentage
    or median is not a sum of the academies'). Must come back empty."""
    definitions = metrics_definitions.load()
    keys = ["as_of_on", "metric"] if "as_of_on" in frame.columns else ["metric"]
    bad = []
    for key, group in frame.groupby(keys, sort=False):
        metric = group["metric"].iloc[0]
        is_count = definitions[metric].unit == "count"
        trust = group[group["academy_code"] == "TRUST"]
        academies = group[group["academy_code"] != "TRUST"]
        for column in ("value",) if is_count else ("numerator", "denominator"):
            if trust.empty or trust[column].iloc[0] == C:
                continue
            if sum(v == C for v in academies[column]) == 1:
                bad.append((key, column))
    return bad


# --- primary suppression -----------------------------------------------------------------------


def test_counts_from_one_to_five_are_c_and_zero_and_six_stay():
    """concerns_logged: A 0 (zero is shown), B 1 and C 5 (the ends of 1-5: hidden), D 6 (one
    above the threshold: shown), E 40. Two academies are hidden, so no secondary suppression:
    the TRUST total 52 - 0 - 6 - 40 = 6 is the sum of two hidden cells, not either one."""
    frame = figures(*count_rows("concerns_logged", A=0, B=1, C=5, D=6, E=40))
    result = disclosure.suppress_metrics(frame, limit=5)
    assert shown(result, "concerns_logged") == {
        "A": 0.0,
        "B": C,
        "C": C,
        "D": 6.0,
        "E": 40.0,
        "TRUST": 52.0,
    }
    assert dict(zip(result["academy_code"], result["suppressed"], strict=True)) == {
        "A": False,
        "B": True,
        "C": True,
        "D": False,
        "E": False,
        "TRUST": False,
    }
    assert result["value"].dtype == object


def test_a_small_trust_total_is_hidden_too():
    """referrals_made: A 3, B 0, TRUST 3. The total is itself a count of 3 children: c."""
    result = disclosure.suppress_metrics(figures(*count_rows("referrals_made", A=3, B=0)), limit=5)
    assert shown(result, "referrals_made") == {"A": C, "B": 0.0, "TRUST": C}


def test_a_percentage_resting_on_a_small_numerator_or_denominator_is_c():
    """csc_feedback_on_time_pct (on time / due):
      A  3 of 50  numerator 3 is small: the value (6.0%) would give it away -> c, 50 shown
      B  0 of 3   denominator 3 is small -> value c; the numerator 0 is shown (zero is)
      C 20 of 25  shown (80.0)
      D  8 of 9   shown by primary rules, but see secondary below
      TRUST 31 of 87 (35.6)
    Numerators: only A is hidden, so the smallest non-zero shown numerator, D's 8, is hidden
    too (31 - 0 - 20 = 11 = A + D). Denominators: only B is hidden, so the smallest shown
    denominator, D's 9, is hidden too (87 - 50 - 25 = 12 = B + D). D's value then rests on
    hidden cells and is c. The TRUST figure is shown: a total of many academies."""
    frame = figures(
        ("A", "csc_feedback_on_time_pct", 6.0, 3, 50),
        ("B", "csc_feedback_on_time_pct", 0.0, 0, 3),
        ("C", "csc_feedback_on_time_pct", 80.0, 20, 25),
        ("D", "csc_feedback_on_time_pct", 88.9, 8, 9),
        ("TRUST", "csc_feedback_on_time_pct", 35.6, 31, 87),
    )
    result = disclosure.suppress_metrics(frame, limit=5)
    metric = "csc_feedback_on_time_pct"
    assert shown(result, metric, "value") == {"A": C, "B": C, "C": 80.0, "D": C, "TRUST": 35.6}
    assert shown(result, metric, "numerator") == {"A": C, "B": 0, "C": 20, "D": C, "TRUST": 31}
    assert shown(result, metric, "denominator") == {"A": 50, "B": C, "C": 25, "D": C, "TRUST": 87}
    assert lines_hiding_one_cell(result) == []


def test_a_percentage_with_a_denominator_of_four_is_c():
    """The brief's example: 3 of 4 on time. Both are small, so all three cells are c."""
    frame = figures(("A", "csc_feedback_on_time_pct", 75.0, 3, 4))  # no TRUST row: no total
    result = disclosure.suppress_metrics(frame, limit=5)
    assert result.loc[0, ["value", "numerator", "denominator"]].tolist() == [C, C, C]
    assert bool(result.loc[0, "suppressed"])


def test_a_median_over_few_children_is_c():
    """dsl_review_median_hours over 2 reviewed concerns: the median is two children's times.
    Its numerator is empty and stays empty."""
    frame = figures(
        ("A", "dsl_review_median_hours", 3.5, None, 2),
        ("B", "dsl_review_median_hours", 4.0, None, 0),  # no reviews: nothing to hide
    )
    result = disclosure.suppress_metrics(frame, limit=5)
    assert result.loc[0, ["value", "numerator", "denominator"]].tolist() == [C, None, C]
    assert result.loc[1, ["value", "numerator", "denominator"]].tolist() == [4.0, None, 0]


def test_staff_and_policy_figures_are_never_suppressed():
    """Counts of 1-5 staff or policies, and percentages over 3 staff, stay as they are."""
    frame = figures(
        *count_rows("staff_in_post", A=3, B=40),
        *count_rows("training_expiring_30d", A=2, B=9),
        *count_rows("policies_overdue", A=1, B=0),
        ("A", "safeguarding_training_in_date_pct", 66.7, 2, 3),
        ("B", "safeguarding_training_in_date_pct", 90.0, 36, 40),
        ("TRUST", "safeguarding_training_in_date_pct", 88.4, 38, 43),
        ("A", "academies_without_trained_deputy", 1.0, None, None),
        ("TRUST", "academies_without_trained_deputy", 1.0, None, None),
    )
    result = disclosure.suppress_metrics(frame, limit=5)
    assert not result["suppressed"].any()
    assert C not in set(result["value"]) | set(result["numerator"]) | set(result["denominator"])
    assert shown(result, "staff_in_post") == {"A": 3.0, "B": 40.0, "TRUST": 43.0}
    assert shown(result, "safeguarding_training_in_date_pct", "numerator")["A"] == 2


# --- secondary suppression ---------------------------------------------------------------------


def test_one_hidden_academy_hides_the_next_smallest_tie_broken_by_code():
    """concerns_logged: A 3 (hidden), B 7, C 7, D 12, E 0; TRUST 29. With A alone hidden,
    29 - 7 - 7 - 12 - 0 = 3 would reveal it, so the smallest non-zero shown cell is hidden:
    B and C tie at 7 and B comes first by code. The rows arrive in reverse order to show the
    tie is broken by the code, not by position. E's zero is never chosen: hiding a zero would
    protect nothing. Afterwards 29 - 7 - 12 - 0 = 10 = A + B, which gives neither."""
    rows = count_rows("concerns_logged", A=3, B=7, C=7, D=12, E=0)
    frame = figures(*reversed(rows))
    result = disclosure.suppress_metrics(frame, limit=5)
    assert shown(result, "concerns_logged") == {
        "TRUST": 29.0,
        "E": 0.0,
        "D": 12.0,
        "C": 7.0,
        "B": C,
        "A": C,
    }
    assert lines_hiding_one_cell(result) == []


def test_no_secondary_suppression_without_a_trust_total():
    """The same academies with no TRUST row: nothing to subtract from, only A is hidden."""
    frame = figures(*count_rows("concerns_logged", A=3, B=7, C=7)[:-1])
    result = disclosure.suppress_metrics(frame, limit=5)
    assert shown(result, "concerns_logged") == {"A": C, "B": 7.0, "C": 7.0}


def test_series_are_suppressed_per_date():
    """Term 1: A 2 is hidden and B 9 with it (the only other non-zero cell). Term 2: A 8 and
    B 9 are both shown. The same academy is hidden on one date and not the other."""
    term1, term2 = dt.date(2025, 12, 31), dt.date(2026, 4, 5)
    frame = pd.concat(
        [
            figures(*count_rows("referrals_made", A=2, B=9, C=0)).assign(as_of_on=term1),
            figures(*count_rows("referrals_made", A=8, B=9, C=0)).assign(as_of_on=term2),
        ],
        ignore_index=True,
    )
    result = disclosure.suppress_metrics(frame, limit=5)
    first = result[result["as_of_on"] == term1]
    second = result[result["as_of_on"] == term2]
    assert shown(first, "referrals_made") == {"A": C, "B": C, "C": 0.0, "TRUST": 11.0}
    assert shown(second, "referrals_made") == {"A": 8.0, "B": 9.0, "C": 0.0, "TRUST": 17.0}
    assert lines_hiding_one_cell(result) == []


def test_threshold_comes_from_the_standards_file(tmp_path, monkeypatch):
    """With [suppression] threshold = 2 in the trust's standards file, 2 is hidden and 3 is not
    (two cells hidden: no secondary suppression)."""
    text = (PROJECT_ROOT / "config" / "standards.toml").read_text(encoding="utf-8")
    assert "threshold = 5" in text
    (tmp_path / "standards.toml").write_text(text.replace("threshold = 5", "threshold = 2"))
    monkeypatch.setenv("SAFEGUARDING_CONFIG", str(tmp_path))
    assert disclosure.threshold() == 2
    frame = figures(*count_rows("concerns_logged", A=1, B=2, C=3, D=30))
    result = disclosure.suppress_metrics(frame)  # no limit given: read from the standards
    assert shown(result, "concerns_logged") == {"A": C, "B": C, "C": 3.0, "D": 30.0, "TRUST": 36.0}
    assert "1 to 2 children" in disclosure.note()


def test_the_shipped_threshold_is_five(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFEGUARDING_CONFIG", str(tmp_path))  # no trust file: shipped defaults
    assert disclosure.threshold() == 5
    result = disclosure.suppress_metrics(figures(("A", "concerns_logged", 5.0, None, None)))
    assert result.loc[0, "value"] == C


def test_suppression_is_deterministic_and_views_agree():
    """The same figures in another row order give the same cells; a local governor's rows
    taken from the trust-wide result are exactly the governors' rows."""
    frame = figures(
        *count_rows("concerns_logged", A=4, B=6, C=6, D=50),
        *count_rows("referrals_made", A=0, B=3, C=11, D=2),
    )
    once = disclosure.suppress_metrics(frame, limit=5)
    shuffled = disclosure.suppress_metrics(frame.sample(frac=1, random_state=7), limit=5)
    key = ["metric", "academy_code"]
    pd.testing.assert_frame_equal(
        once.sort_values(key).reset_index(drop=True),
        shuffled.sort_values(key).reset_index(drop=True),
    )
    assert shown(once, "concerns_logged") == {"A": C, "B": C, "C": 6.0, "D": 50.0, "TRUST": 66.0}


def test_already_suppressed_figures_are_refused():
    once = disclosure.suppress_metrics(figures(("A", "concerns_logged", 2.0, None, None)), limit=5)
    with pytest.raises(ValueError, match="Suppress the raw figures"):
        disclosure.suppress_metrics(once.drop(columns="suppressed"), limit=5)


def test_an_unknown_metric_is_refused_rather_than_shown():
    with pytest.raises(ValueError, match="not defined"):
        disclosure.suppress_metrics(figures(("A", "pupils_named", 2.0, None, None)), limit=5)


def test_random_figures_never_leave_one_hidden_cell_beside_a_total():
    """Many random trusts: every rule holds at once."""
    rng = random.Random(20261128)
    for _ in range(300):
        codes = [f"A{i}" for i in range(rng.randint(1, 7))]
        counts = {code: rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 15, 40]) for code in codes}
        fractions = {}
        for code in codes:
            denominator = rng.choice([0, 1, 3, 5, 6, 8, 12, 30])
            fractions[code] = (rng.randint(0, denominator), denominator)
        rows = count_rows("concerns_logged", **counts)
        rows += count_rows("staff_in_post", **counts)
        for code, (n, d) in fractions.items():
            rows.append((code, "csc_feedback_on_time_pct", _pct(n, d), n, d))
        n_all = sum(n for n, _ in fractions.values())
        d_all = sum(d for _, d in fractions.values())
        rows.append(("TRUST", "csc_feedback_on_time_pct", _pct(n_all, d_all), n_all, d_all))
        frame = figures(*rows)
        result = disclosure.suppress_metrics(frame, limit=5)

        assert lines_hiding_one_cell(result) == []
        for before, after in zip(frame.itertuples(), result.itertuples(), strict=True):
            for column in ("value", "numerator", "denominator"):
                original, now = getattr(before, column), getattr(after, column)
                if pd.isna(original):
                    assert now is None
                    continue
                assert now in (original, C)
                if after.metric == "staff_in_post":
                    assert now == original  # never suppressed
                elif column != "value" or after.metric == "concerns_logged":
                    if original == 0:
                        assert now == 0  # zero is never hidden
                    if 1 <= original <= 5:
                        assert now == C  # every small count is
            if after.metric == "csc_feedback_on_time_pct" and after.value != C:
                # a shown percentage stands on shown figures
                assert C not in (after.numerator, after.denominator)


def _pct(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def test_the_demo_trust_as_governors_see_it(demo_db):
    """Real figures and term series from the demo trust: staff and policy figures as computed,
    child-level ones hidden where small, and no single hidden cell beside a shown total."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        raw = metrics.compute(con, AS_OF)
        windows = metrics.term_windows(con, dt.date(2025, 1, 1), AS_OF)
        raw_series = metrics.series(con, windows)
    result = disclosure.suppress_metrics(raw, limit=5)
    assert result["suppressed"].any()
    assert lines_hiding_one_cell(result) == []
    definitions = metrics_definitions.load()
    staff = ~result["metric"].map(lambda m: definitions[m].suppressible)
    pd.testing.assert_series_equal(
        result.loc[staff, "value"].astype("float64"), raw.loc[staff, "value"], check_names=False
    )
    series = disclosure.suppress_metrics(raw_series, limit=5)
    assert lines_hiding_one_cell(series) == []
    assert len(series) == len(raw_series)


# --- counts tables -----------------------------------------------------------------------------


def table_lines_hiding_one_cell(table: pd.DataFrame, columns, total_row, total_column) -> list:
    """Columns and rows whose total is shown while exactly one of their cells is hidden."""
    bad = []
    members = [label for label in table.index if label != total_row]
    for column in [*columns, total_column]:
        hidden = sum(table.loc[label, column] == C for label in members)
        if table.loc[total_row, column] != C and hidden == 1:
            bad.append(("column", column))
    for label in table.index:
        hidden = sum(table.loc[label, column] == C for column in columns)
        if table.loc[label, total_column] != C and hidden == 1:
            bad.append(("row", label))
    return bad


def test_a_counts_table_is_protected_along_rows_and_columns():
    """Concerns by academy (rows) and category (columns), with a TOTAL row and an `all` column:
             cse  online  all
      X        3       7   10    X cse 3 is small: hidden
      Y       10       8   18
      Z        0       9    9
      TOTAL   13      24   37
    Column cse: only X hidden -> the smallest non-zero shown, Y 10 (Z's 0 protects nothing).
    Row X: only cse hidden -> online 7. Row Y: only cse hidden -> online 8. Column online: X
    and Y hidden, fine. Every line now hides 0 or at least 2 cells."""
    table = pd.DataFrame(
        {"cse": [3, 10, 0, 13], "online": [7, 8, 9, 24], "all": [10, 18, 9, 37]},
        index=["X", "Y", "Z", "TOTAL"],
    )
    result = disclosure.suppress_counts_table(
        table, ["cse", "online"], total_row="TOTAL", total_column="all", limit=5
    )
    assert result.to_dict("index") == {
        "X": {"cse": C, "online": C, "all": 10},
        "Y": {"cse": C, "online": C, "all": 18},
        "Z": {"cse": 0, "online": 9, "all": 9},
        "TOTAL": {"cse": 13, "online": 24, "all": 37},
    }
    assert table_lines_hiding_one_cell(result, ["cse", "online"], "TOTAL", "all") == []


def test_a_counts_table_labelled_by_a_column_hides_the_total_when_nothing_else_can_be():
    """Rows labelled by `category`. cse 4 is hidden and the only other cell is 0; hiding a
    zero protects nothing, so the total is hidden instead. (With totals that are sums this
    cannot happen - the total would equal the small cell and be hidden already - so the total
    here counts categories not listed.)"""
    table = pd.DataFrame(
        {"category": ["cse", "online", "All categories"], "concerns": [4, 0, 11]},
    )
    result = disclosure.suppress_counts_table(
        table, ["concerns"], total_row="All categories", row_labels="category", limit=5
    )
    assert result["concerns"].tolist() == [C, 0, C]
    assert result["category"].tolist() == table["category"].tolist()


def test_random_counts_tables_never_leave_one_hidden_cell_beside_a_total():
    rng = random.Random(5)
    for _ in range(200):
        n_rows, n_columns = rng.randint(1, 6), rng.randint(1, 5)
        columns = [f"k{j}" for j in range(n_columns)]
        body = [[rng.choice([0, 0, 1, 3, 5, 6, 8, 20]) for _ in columns] for _ in range(n_rows)]
        table = pd.DataFrame(body, columns=columns, index=[f"r{i}" for i in range(n_rows)])
        table["all"] = table[columns].sum(axis=1)
        table.loc["TOTAL"] = table.sum()
        result = disclosure.suppress_counts_table(
            table, columns, total_row="TOTAL", total_column="all", limit=5
        )
        assert table_lines_hiding_one_cell(result, columns, "TOTAL", "all") == []
        for label in table.index:
            for column in [*columns, "all"]:
                original, now = table.loc[label, column], result.loc[label, column]
                assert now in (original, C)
                if 1 <= original <= 5:
                    assert now == C
                if original == 0:
                    assert now == 0


def test_a_counts_table_without_the_named_total_row_is_refused():
    table = pd.DataFrame({"n": [1, 2]}, index=["a", "b"])
    with pytest.raises(ValueError, match="total row"):
        disclosure.suppress_counts_table(table, ["n"], total_row="TOTAL", limit=5)


def test_long_counts_protect_a_single_line_against_its_implied_total():
    """Agencies 40, 3, 12, 0: 3 is hidden; a page also shows the total (55), so the next
    smallest non-zero cell (12) is hidden too; 0 stays."""
    frame = pd.DataFrame(
        {"agency": ["csc", "police", "lado", "camhs"], "referrals": [40, 3, 12, 0]}
    )
    safe = disclosure.suppress_long_counts(frame, ["referrals"], limit=5)
    assert list(safe["referrals"]) == [40, "c", "c", 0]


def test_long_counts_protect_months_by_academy_with_trust_rows():
    """Jan: A 10, B 3, TRUST 13; Feb: A 8, B 9, TRUST 17. B Jan (3) is hidden, so A Jan (the
    only other cell of Jan's line) too; then B's and A's lines across months each have one
    hidden cell, so B Feb and A Feb go as well. TRUST rows are totals and stay."""
    frame = pd.DataFrame(
        {
            "month": ["2026-01"] * 3 + ["2026-02"] * 3,
            "academy_code": ["A", "B", "TRUST"] * 2,
            "n": [10, 3, 13, 8, 9, 17],
        }
    )
    safe = disclosure.suppress_long_counts(
        frame, ["n"], across="month", label_column="academy_code", limit=5
    )
    assert list(safe["n"]) == ["c", "c", 13, "c", "c", 17]


def test_long_counts_with_missing_labels_and_nothing_small_are_unchanged():
    frame = pd.DataFrame({"academy_code": ["A", None, "B"], "n": [10, 20, 30]})
    safe = disclosure.suppress_long_counts(frame, ["n"], label_column="academy_code", limit=5)
    assert list(safe["n"]) == [10, 20, 30]
