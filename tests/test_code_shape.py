"""The shape of the code that the rest of the suite relies on: each rule in one place.

- metrics, lists and page queries read the models of queries/models/, never the base tables;
- every `$parameter` a query uses is named in its header's `-- Parameters:` line;
- the trust row's code and the hidden marker are defined once (safeguarding/codes.py).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from safeguarding import sql
from safeguarding.paths import QUERIES_DIR

ROOT = Path(__file__).resolve().parents[1]
BASE_TABLES = ("concerns", "referrals", "staff", "training", "policies", "transfers")
READS_BASE_TABLE = re.compile(rf"\b(?:from|join)\s+({'|'.join(BASE_TABLES)})\b", re.IGNORECASE)


def _without_comments(text: str) -> str:
    return re.sub(r"--[^\n]*", "", text)


def _queries(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (QUERIES_DIR / folder).glob("*.sql"))


@pytest.mark.parametrize(
    "path", _queries("metrics", "dashboard"), ids=lambda p: f"{p.parent.name}/{p.stem}"
)
def test_metrics_lists_and_page_queries_read_the_models_not_the_base_tables(path):
    assert not READS_BASE_TABLE.findall(_without_comments(path.read_text(encoding="utf-8")))


def test_the_base_table_check_finds_a_base_table():
    assert READS_BASE_TABLE.findall("select * from staff inner join training using (x)") == [
        "staff",
        "training",
    ]
    assert not READS_BASE_TABLE.findall("select * from training_status($windows, $standards)")


def _declared_parameters(text: str) -> set[str] | None:
    """The parameters the header's `-- Parameters:` line (and its continuation lines) name,
    or None without one. `No parameters.` declares none."""
    header = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        header.append(line[2:].strip())
    joined = "\n".join(header)
    if re.search(r"^No parameters\.?$", joined, re.MULTILINE):
        return set()
    found = re.search(r"\bParameters:(.*?)(?=^[A-Z][a-z-]+:|\Z)", joined, re.MULTILINE | re.DOTALL)
    if found is None:
        return None
    return set(re.findall(r"\$([a-z_][a-z0-9_]*)", found.group(1)))


QUERIES = [
    path
    for path in sorted(QUERIES_DIR.rglob("*.sql"))
    if path.parent.name not in ("schema",) and sql.parameters(path.read_text(encoding="utf-8"))
]


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_parameter_a_query_uses_is_listed_in_its_header(path):
    text = path.read_text(encoding="utf-8")
    declared = _declared_parameters(text)
    assert declared is not None, f"{path.name} has no '-- Parameters:' line"
    assert sql.parameters(text) <= declared, sorted(sql.parameters(text) - declared)


def test_the_parameter_check_catches_an_unlisted_parameter():
    text = "-- One row.\n-- Parameters: $as_of.\nselect $as_of, $academy_codes"
    assert sql.parameters(text) - _declared_parameters(text) == {"academy_codes"}


def _assigned_markers(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and node.value.value in ("TRUST", "c"):
                    found.append(f"{path.relative_to(ROOT)}: {target.id} = {node.value.value!r}")
    return found


def test_the_trust_code_and_the_hidden_marker_are_defined_once():
    python_files = [
        p
        for folder in ("safeguarding", "pages")
        for p in (ROOT / folder).rglob("*.py")
        if p != ROOT / "safeguarding" / "codes.py"
    ] + [ROOT / "dashboard.py"]
    assert [found for path in python_files for found in _assigned_markers(path)] == []
