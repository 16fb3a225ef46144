"""The benchmark runs end to end on a tiny trust, so that it cannot rot. Timings are not
asserted (machines are noisy): only that every figure is there and the run was sound."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from bench import benchmark, weekly
from bench.command import main
from safeguarding import database, metrics
from safeguarding.paths import PROJECT_ROOT

WEEKS = 2  # the tiny trust's history: two weekly full re-exports


@pytest.fixture(scope="module")
def tiny_bench(tmp_path_factory):
    work = tmp_path_factory.mktemp("bench")
    options = benchmark.BenchOptions(
        academies=3,
        years=1,
        today=dt.date(2026, 11, 28),
        work_dir=work,
        warm_runs=1,
        weeks=WEEKS,
        history_pages=("pages/overview.py",),
    )
    result = benchmark.run(options, echo=lambda *_: None)
    return options, result


def test_the_json_file_holds_every_figure(tiny_bench):
    options, result = tiny_bench
    written = json.loads(options.result_path.read_text(encoding="utf-8"))
    assert written == result
    for key in ("cpu", "cores", "memory_gb", "python", "duckdb", "streamlit"):
        assert key in written["machine"]
    for key in ("seconds", "csv_seconds", "xlsx_seconds", "rows"):
        assert written["baseline"][key] is not None
    for key in ("seconds", "csv_seconds", "xlsx_seconds", "ratio", "ratio_csv", "peak_rss_mb"):
        assert written["ingest"][key] is not None
    for key in (
        "compute_cold_seconds",
        "compute_warm_seconds",
        "trend_cold_seconds",
        "trend_warm_seconds",
    ):
        assert written["metrics"][key] > 0
    assert written["metrics_command"]["seconds"] > 0
    reference = written["pandas_reference"]
    for key in ("load_seconds", "pandas_warm_seconds", "ours_warm_seconds"):
        assert reference[key] > 0
    assert written["metrics_vs_pandas"]["command_ratio"] > 0
    assert set(written["commands"]) == set(benchmark.COMMANDS)
    for figures in written["commands"].values():
        assert figures["seconds"] > 0 and figures["peak_rss_mb"] > 0
    assert set(written["pages"]) == set(benchmark.PAGES)
    for figures in written["pages"].values():
        assert figures["cold_seconds"] > 0 and figures["warm_seconds"] > 0
    assert set(written["targets"]) == set(benchmark.TARGETS)
    assert written["peak_rss_mb"]["max"] > 0
    assert written["peak_rss_mb"]["history"] > 0


def test_the_json_file_holds_every_history_figure(tiny_bench):
    _, result = tiny_bench
    history = result["history"]
    assert history["weeks"] == WEEKS and len(history["weekly"]) == WEEKS
    for key in ("weekly_reingest_seconds", "weekly_bare_read_seconds", "weekly_reingest_ratio"):
        assert history[key] > 0
    for week in history["weekly"]:
        for key in ("reingest_seconds", "bare_read_seconds", "ratio", "peak_rss_mb"):
            assert week[key] > 0
    for key in ("metrics_latest", "metrics_past"):
        assert history[key]["compute_cold_seconds"] > 0
        assert history[key]["compute_warm_seconds"] > 0
        assert history[key]["records"] == result["metrics_command"]["records"]
    assert history["past_ratio_cold"] > 0 and history["past_ratio_warm"] > 0
    for key in ("metrics_command_latest", "metrics_command_past"):
        assert history[key]["seconds"] > 0
        assert history[key]["records"] == result["metrics_command"]["records"]
    assert set(history["pages"]) == {"pages/overview.py"}
    assert set(history["pages_past"]) == {"pages/overview.py"}
    for figures in [*history["pages"].values(), *history["pages_past"].values()]:
        assert figures["cold_seconds"] > 0 and figures["warm_seconds"] > 0
    assert history["bytes_per_changed_row"] > 0
    assert history["peak_rss_mb"] > 0
    for name in ("weekly_reingest_ratio", "past_metrics_ratio", "history_warm_page_seconds"):
        assert result["targets"][name]["measured"] is not None


def test_the_pandas_reference_computes_the_same_figures_as_the_product(tiny_bench):
    """The yardstick measures the same work: every one of its figures, for every academy and
    the trust, equals the product's."""
    _, result = tiny_bench
    reference = result["pandas_reference"]
    assert reference["figures"] == len(reference["metrics"]) * (result["metrics"]["academies"] + 1)
    assert reference["figures_agree"]


def test_the_pandas_reference_would_catch_a_different_figure(tiny_bench):
    from bench import pandas_reference
    from safeguarding import standards
    from safeguarding.window import Window

    options, _ = tiny_bench
    window = Window.ending(options.today)
    with database.reader(options.db_path) as con:
        frames = pandas_reference.load(con)
    rules = standards.load()
    before = pandas_reference.compute(frames, window, rules)
    # one concern of the window fewer: the latest logged
    frames["concerns"] = frames["concerns"].sort_values("logged_at").iloc[:-1]
    after = pandas_reference.compute(frames, window, rules)
    assert before != after


def test_each_weekly_reingest_did_what_its_re_export_changed(tiny_bench):
    _, result = tiny_bench
    for week in result["history"]["weekly"]:
        assert week["files_refused"] == 0
        assert week["rows_changed"] > 0
        # One new version for each changed or added row, one retirement for each removed row.
        assert week["versions_added"] == week["rows_changed"] + week["rows_added"]
        assert week["rows_retired"] == week["rows_removed"]
        # About 1 % of the rows changed (every file but the XLSX and the academies is CSV).
        assert 0.005 < week["rows_changed"] / result["dataset"]["rows_total"] < 0.015
    history = result["history"]
    assert history["rows_added_total"] > 0 and history["rows_retired_total"] > 0


def test_the_versions_grew_by_what_the_weeks_added(tiny_bench):
    _, result = tiny_bench
    history = result["history"]
    before, after = history["size_before"], history["size_after"]
    assert after["versions_total"] - before["versions_total"] == history["versions_added_total"]
    assert after["current_rows_total"] == (
        before["current_rows_total"] + history["rows_added_total"] - history["rows_retired_total"]
    )
    assert history["db_bytes_after"] > history["db_bytes_before"]
    assert after["last_ingest_at"] == history["weekly"][-1]["known_at"]


def test_the_figures_as_known_at_week_0_are_those_of_the_base_ingest(tiny_bench):
    options, result = tiny_bench
    history = result["history"]
    assert history["checks"]["week0_equals_base"]
    # Again here, in this process: the history database read as it stood right after the
    # base ingest (and, with 2 weeks, "as known 2 weeks ago": the end of that day) gives every
    # figure of the base database, which never saw the weekly re-exports.
    with database.reader(options.db_path) as con:
        base = metrics.compute(con, options.today)
    with database.reader(options.history_db_path) as con:
        for known_at in (history["base_ingest_at"], history["past_known_at"]):
            known = metrics.compute(
                con, options.today, known_at=dt.datetime.fromisoformat(known_at)
            )
            assert known.equals(base), known_at
        latest = metrics.compute(con, options.today)
    assert not latest.empty and latest.shape == base.shape


def test_the_weekly_re_exports_are_reused_and_deterministic(tiny_bench, tmp_path):
    options, result = tiny_bench
    manifest = json.loads((options.weekly_dir / weekly.MANIFEST).read_text(encoding="utf-8"))
    files = [options.exports_dir / name for name in manifest["options"]["files"]]
    arguments = dict(
        weeks=WEEKS,
        seed=options.seed,
        quarantined=lambda: benchmark._quarantined_lines(options.db_path),
        wanted={k: manifest["options"][k] for k in ("academies", "years", "seed", "today")}
        | {k: manifest["options"][k] for k in ("base_rows", "base_bytes")},
        echo=lambda *_: None,
    )
    again = weekly.weekly_exports(files, options.weekly_dir, **arguments)
    assert again["reused"]
    fresh = weekly.weekly_exports(files, tmp_path / "weekly", **arguments)
    assert not fresh["reused"]
    assert [w["rows_changed"] for w in fresh["weeks"]] == [
        w["rows_changed"] for w in result["history"]["weekly"]
    ]
    for week in fresh["weeks"]:
        for name in week["files"]:
            written = (tmp_path / "weekly" / week["folder"] / name).read_bytes()
            assert written == (options.weekly_dir / week["folder"] / name).read_bytes(), name


def test_the_ingest_and_the_baseline_read_the_same_rows(tiny_bench):
    _, result = tiny_bench
    ingest = result["ingest"]
    assert ingest["files_refused"] == 0
    assert ingest["rows_read"] == ingest["rows_loaded"] + ingest["rows_quarantined"]
    # Every data row of every file, read bare or ingested (a ragged row is read by neither
    # as a row of values, and the demo writes none).
    assert result["baseline"]["rows"] == ingest["rows_read"] == result["dataset"]["rows_total"]
    assert result["metrics"]["academies"] == 3
    assert result["metrics_command"]["records"] > 0


def test_the_table_names_every_page_and_target(tiny_bench):
    _, result = tiny_bench
    text = benchmark.table(result)
    for page in benchmark.PAGES:
        assert page in text
    for name in benchmark.TARGETS:
        assert name in text


def test_the_command_reuses_the_exports(tiny_bench, capsys, monkeypatch):
    options, _ = tiny_bench
    calls = []
    monkeypatch.setattr(benchmark, "run", lambda opts, echo=print: calls.append(opts) or {})
    monkeypatch.setattr(benchmark, "table", lambda result: "table")
    other = str(options.work_dir / "other.json")
    arguments = ["--academies", "3", "--years", "1", "--work", str(options.work_dir)]
    code = main([*arguments, "--warm-runs", "1", "--weeks", "2", "--json", other])
    assert code == 0
    [passed] = calls
    assert passed.academies == 3 and passed.work_dir == options.work_dir
    assert passed.weeks == 2
    assert passed.result_path == options.work_dir / "other.json"


def test_python_m_bench_is_the_command():
    # As the README and `make bench` run it: from the repository's folder, not installed.
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--help"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for option in (
        "--academies",
        "--years",
        "--repeat",
        "--work",
        "--json",
        "--regenerate",
        "--weeks",
    ):
        assert option in done.stdout
