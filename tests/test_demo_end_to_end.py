"""The demo trust goes through the real ingest: nothing refused, exactly the planted rows
quarantined, and the expected warnings."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import NOW, TODAY, rows

from safeguarding import cli


def test_demo_files_all_load_and_exactly_the_planted_rows_are_quarantined(demo_build):
    _, demo, results = demo_build
    assert [r.file_name for r in results if r.status == "refused"] == []
    quarantined = {(r.file_name, row.line_no) for r in results for row in r.quarantined}
    planted = {(fault.file, fault.line) for fault in demo.faults}
    assert len(planted) >= 8
    assert quarantined == planted
    for result in results:
        assert result.rows_read == result.rows_loaded + result.rows_quarantined


def test_each_planted_fault_is_quarantined_for_its_own_column(demo_build):
    _, demo, results = demo_build
    columns = {(r.file_name, row.line_no): row.column for r in results for row in r.quarantined}
    for fault in demo.faults:
        if fault.rule.startswith("duplicate"):
            continue  # a duplicate key is a row fault, not a column fault
        assert columns[(fault.file, fault.line)] == fault.column, fault


def test_demo_database_holds_what_the_generator_wrote_less_the_planted_rows(demo_build):
    db, demo, results = demo_build
    planted_by_dataset: dict[str, int] = {}
    for r in results:
        planted_by_dataset[r.dataset] = planted_by_dataset.get(r.dataset, 0) + r.rows_quarantined
    for dataset, written in demo.row_counts.items():
        [(stored,)] = rows(db, f"select count(*) from {dataset}")
        assert stored == written - planted_by_dataset.get(dataset, 0), dataset


def test_unknown_categories_load_as_other_with_a_warning(demo_build):
    db, _, results = demo_build
    warned = [r.file_name for r in results if any("taxonomy" in w for w in r.warnings)]
    assert len(warned) >= 2
    [(others,)] = rows(
        db,
        "select count(*) from concerns where category = 'other' "
        "and category_label in ('Bullying', 'Attendance')",
    )
    assert others == 5


def test_status_command_shows_history_and_freshness(demo_db, capsys):
    code = cli.main(["status", "--db", str(demo_db), "--as-of", TODAY.isoformat()])
    out = capsys.readouterr().out
    assert code == cli.EXIT_OK
    assert "Last 20 ingests" in out and "loaded" in out
    assert "Data freshness at 2026-11-28" in out
    # every academy exported today: 0 days, nothing stale
    freshness_lines = out.split("Data freshness")[1].splitlines()[2:]
    assert freshness_lines and all("*" not in line for line in freshness_lines)
    assert all(" 0 " in line for line in freshness_lines)


def test_status_marks_every_dataset_stale_after_the_standard_period(demo_db, capsys, time_machine):
    """Fifteen days after the demo's exports (the standard is 14), with no new export: every
    academy and dataset is 15 days old and stale, at the default as-of date (today)."""
    time_machine.move_to(NOW + dt.timedelta(days=15))
    assert cli.main(["status", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert f"Data freshness at {TODAY + dt.timedelta(days=15)}" in out
    freshness_lines = out.split("Data freshness")[1].splitlines()[2:]
    assert freshness_lines and all(line.count("15*") == 5 for line in freshness_lines)


@pytest.mark.parametrize("command", ["status", "metrics", "board-pack"])
def test_an_as_of_date_after_today_is_refused_by_every_command(demo_db, tmp_path, capsys, command):
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    extra = ["--role", "governor", "--out", str(tmp_path / "pack.xlsx")]
    argv = [
        command,
        "--db",
        str(demo_db),
        "--as-of",
        tomorrow,
        *(extra if command == "board-pack" else []),
    ]
    assert cli.main(argv) == cli.EXIT_USAGE
    captured = capsys.readouterr()
    assert f"--as-of {tomorrow} is after today ({TODAY})" in captured.err
    assert captured.out == "" and not (tmp_path / "pack.xlsx").exists()


def test_status_before_the_first_export_shows_never_not_negative_days(demo_db, capsys):
    """Exports after the as-of date have not happened yet: the day before the demo's first load
    (a week before today, safeguarding/demo/loading.py) every academy and dataset is 'never',
    stale (as on the Data page), not -1 days."""
    earlier = TODAY - dt.timedelta(days=8)
    assert cli.main(["status", "--db", str(demo_db), "--as-of", earlier.isoformat()]) == 0
    freshness_lines = capsys.readouterr().out.split("Data freshness")[1].splitlines()[2:]
    assert len(freshness_lines) == 8
    assert all(line.split()[1:] == ["never*"] * 5 for line in freshness_lines)
