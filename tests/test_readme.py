"""Every command the README shows runs as written, in the order shown, from the repository's
folder after `make run` or `make test` (here: a scratch folder laid out like it, so that the
developer's own data/ is left alone). The benchmark is the exception: at full size it takes
minutes, so its command is only parsed here; tests/test_bench.py runs it small."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import subprocess_env

from bench import command as bench_command
from safeguarding import cli
from safeguarding.paths import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
COMMAND = ".venv/bin/safeguarding"
BENCH = ".venv/bin/python -m bench"
# What a fresh clone has that the README's commands read.
SHARED_FOLDERS = ("config", "docs", "templates", "tests")


def readme_commands() -> list[str]:
    """The shell commands in the README's sh blocks, continuation lines joined, comments cut."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README.read_text(), flags=re.DOTALL):
        joined = re.sub(r"\\\n\s*", "", block)
        for line in joined.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line:
                commands.append(line)
    return commands


def _subcommand(line: str) -> str:
    return line.split()[1]


def test_the_readme_shows_every_command_of_the_command_line():
    shown = {_subcommand(line) for line in readme_commands() if line.startswith(COMMAND)}
    registered = set(cli.build_parser()._subparsers._group_actions[0].choices)
    assert registered - shown == set()


def test_the_readme_bench_command_takes_the_benchmarks_options():
    shown = [line for line in readme_commands() if line.startswith(BENCH)]
    assert shown, f"the README no longer shows {BENCH}"
    for line in shown:
        # argparse exits (a test failure) on an option the benchmark does not take.
        bench_command.build_parser().parse_args(shlex.split(line)[len(BENCH.split()) :])


def test_every_readme_command_runs_as_written(tmp_path):
    console_script = Path(sys.executable).with_name("safeguarding")
    assert console_script.exists(), "the safeguarding command is not installed: run make test"
    for folder in SHARED_FOLDERS:
        (tmp_path / folder).symlink_to(PROJECT_ROOT / folder)
    (tmp_path / ".venv").symlink_to(console_script.parent.parent)
    (tmp_path / "data").mkdir()
    env = subprocess_env(SAFEGUARDING_DB=str(tmp_path / "data" / "trust.duckdb"))
    ran = []
    for line in readme_commands():
        if not line.startswith(COMMAND):
            continue
        done = subprocess.run(
            line, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"{line}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        assert "Traceback" not in done.stderr, line
        ran.append(_subcommand(line))
    assert {"demo", "ingest", "metrics", "board-pack", "anonymise"} <= set(ran)
    assert (tmp_path / "pack.xlsx").stat().st_size > 0
    assert (tmp_path / "oak-concerns.csv").read_text().count("\n") == 5  # header + 4 rows


@pytest.mark.parametrize("target", ["run", "test"])
def test_the_two_commands_lead_the_readme(target):
    first_block = readme_commands()[:2]
    assert f"make {target}" in first_block
