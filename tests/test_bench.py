"""The benchmark runs end to end on a tiny trust, so that it cannot rot. Timings are not
asserted (machines are noisy): only that every figure is there and the run was sound."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from bench import benchmark
from bench.command import main
from safeguarding.paths import PROJECT_ROOT


@pytest.fixture(scope="module")
def tiny_bench(tmp_path_factory):
    work = tmp_path_factory.mktemp("bench")
    options = benchmark.BenchOptions(
        academies=3, years=1, today=dt.date(2026, 11, 28), work_dir=work, warm_runs=1
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
    assert set(written["pages"]) == set(benchmark.PAGES)
    for figures in written["pages"].values():
        assert figures["cold_seconds"] > 0 and figures["warm_seconds"] > 0
    assert set(written["targets"]) == set(benchmark.TARGETS)
    assert written["peak_rss_mb"]["max"] > 0


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
    code = main([*arguments, "--warm-runs", "1", "--json", other])
    assert code == 0
    [passed] = calls
    assert passed.academies == 3 and passed.work_dir == options.work_dir
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
    for option in ("--academies", "--years", "--repeat", "--work", "--json", "--regenerate"):
        assert option in done.stdout
