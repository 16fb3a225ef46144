"""`safeguarding metrics`: product.md §4's JSON shape, CSV, table, and usage errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from metric_fixtures import build

from safeguarding import cli, metrics_definitions

METRIC_IDS = list(metrics_definitions.METRIC_IDS)


@pytest.fixture
def small_db(tmp_path):
    """OAK: 2 concerns in May 2025 (one reviewed on time); ELM: 1 concern never reviewed."""
    return build(
        tmp_path,
        concerns=[
            {"logged_at": "2025-05-06 09:00", "dsl_reviewed_at": "2025-05-06 11:00"},
            {"logged_at": "2025-05-07 09:00", "dsl_reviewed_at": "2025-05-09 11:00"},
            {"academy_code": "ELM", "logged_at": "2025-05-07 09:00"},
        ],
    )


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(["metrics", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_is_a_list_of_academy_metric_value_numerator_denominator(small_db, capsys):
    code, out, err = run(capsys, "--as-of", "2025-06-30", "--format", "json", "--db", str(small_db))
    assert (code, err) == (0, "")
    records = json.loads(out)
    assert isinstance(records, list)
    assert all(
        list(r) == ["academy_code", "metric", "value", "numerator", "denominator"] for r in records
    )
    assert [(r["academy_code"], r["metric"]) for r in records] == [
        (academy, metric) for academy in ("ASH", "ELM", "OAK", "TRUST") for metric in METRIC_IDS
    ]
    by_key = {(r["academy_code"], r["metric"]): r for r in records}
    # A count: the value is an integer and numerator/denominator are null.
    assert by_key[("OAK", "concerns_logged")] == {
        "academy_code": "OAK",
        "metric": "concerns_logged",
        "value": 2,
        "numerator": None,
        "denominator": None,
    }
    assert isinstance(by_key[("OAK", "concerns_logged")]["value"], int)
    # OAK 1/2 on time, ELM 0/1: TRUST 1/3 = 33.3.
    assert by_key[("TRUST", "dsl_review_on_time_pct")] == {
        "academy_code": "TRUST",
        "metric": "dsl_review_on_time_pct",
        "value": 33.3,
        "numerator": 1,
        "denominator": 3,
    }


def test_academy_option_limits_the_rows(small_db, capsys):
    code, out, _ = run(
        capsys,
        "--as-of",
        "2025-06-30",
        "--academy",
        "ELM",
        "--format",
        "json",
        "--db",
        str(small_db),
    )
    assert code == 0
    assert {r["academy_code"] for r in json.loads(out)} == {"ELM", "TRUST"}


def test_window_options(small_db, capsys):
    """--from 7 May --to 31 May leaves out OAK's concern of 6 May."""
    code, out, _ = run(
        capsys,
        "--as-of", "2025-06-30", "--from", "2025-05-07", "--to", "2025-05-31",
        "--academy", "OAK", "--format", "json", "--db", str(small_db),
    )  # fmt: skip
    assert code == 0
    logged = {
        r["academy_code"]: r["value"] for r in json.loads(out) if r["metric"] == "concerns_logged"
    }
    assert logged == {"OAK": 1, "TRUST": 1}


def test_csv_has_a_header_and_one_line_per_academy_and_metric(small_db, capsys):
    code, out, _ = run(capsys, "--as-of", "2025-06-30", "--format", "csv", "--db", str(small_db))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 4 * len(METRIC_IDS)
    assert rows[0] == {
        "academy_code": "ASH",
        "metric": "concerns_logged",
        "value": "0",
        "numerator": "",
        "denominator": "",
    }


def test_table_is_readable(small_db, capsys):
    code, out, _ = run(capsys, "--as-of", "2025-06-30", "--db", str(small_db))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["academy", "metric", "value", "of"]
    assert any(
        line.split() == ["TRUST", "dsl_review_on_time_pct", "33.3%", "1", "/", "3"]
        for line in lines
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--as-of", "31/06/2025"], "--as-of '31/06/2025' is not a date"),
        (["--as-of", "2025-02-30"], "--as-of '2025-02-30' is not a date"),
        (["--as-of", "2025-06-30", "--from", "2025-07-01"], "starts (2025-07-01) after"),
        (["--as-of", "2025-06-30", "--academy", "BIRCH"], "Unknown academy code 'BIRCH'"),
    ],
)
def test_usage_errors_exit_2_with_a_clear_message(small_db, capsys, argv, message):
    code, out, err = run(capsys, *argv, "--db", str(small_db))
    assert (code, out) == (2, "")
    assert message in err


def test_a_missing_database_exits_1(tmp_path, capsys):
    code, _, err = run(capsys, "--as-of", "2025-06-30", "--db", str(tmp_path / "none.duckdb"))
    assert code == 1
    assert "There is no database" in err


def test_metrics_of_a_database_built_by_the_ingest(trust, db, capsys):
    """End to end: the ingest's write session builds the calendar, so the read-only metrics
    command can compute deadlines. C1 ("CSE", logged Fri 2 May 2025) reviewed Tue 6 May is on
    time (Mon 5 is a bank holiday); C2 reviewed Wed 7 May is late: 1/2 = 50.0."""
    result = trust(
        "concerns.csv",
        "academy_code,concern_id,pupil_ref,logged_at,category,dsl_reviewed_at\n"
        "OAK,C1,PUP-1,02/05/2025 14:00,CSE,2025-05-06 16:00\n"
        "OAK,C2,PUP-2,2025-05-02 15:00,Neglect,2025-05-07 09:00\n",
    )
    assert result.rows_loaded == 2
    code, out, _ = run(capsys, "--as-of", "2025-05-30", "--format", "json", "--db", str(db))
    assert code == 0
    by_key = {(r["academy_code"], r["metric"]): r for r in json.loads(out)}
    assert by_key[("OAK", "cse_concerns_logged")]["value"] == 1
    on_time = by_key[("OAK", "dsl_review_on_time_pct")]
    assert (on_time["value"], on_time["numerator"], on_time["denominator"]) == (50.0, 1, 2)
