"""Named SQL files from `queries/`. Python never builds SQL text; it loads it by name."""

from __future__ import annotations

import functools
import re

from safeguarding.paths import QUERIES_DIR


@functools.cache
def load(name: str) -> str:
    """The text of `queries/<name>.sql`, e.g. load("staging/concerns")."""
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"No query named {name!r} (looked for {path}).")
    return path.read_text(encoding="utf-8")


def migrations() -> list[tuple[int, str]]:
    """Schema scripts `queries/schema/NNNN_*.sql`, in version order."""
    scripts = []
    for path in sorted((QUERIES_DIR / "schema").glob("[0-9][0-9][0-9][0-9]_*.sql")):
        version = int(re.match(r"(\d{4})_", path.name).group(1))
        scripts.append((version, path.read_text(encoding="utf-8")))
    return scripts


def params_for(query: str, params: dict) -> dict:
    """Only the parameters the query names: DuckDB refuses a parameter a query does not use."""
    without_comments = re.sub(r"--[^\n]*", "", query)
    named = set(re.findall(r"\$([a-z_][a-z0-9_]*)", without_comments))
    return {k: v for k, v in params.items() if k in named}


_TAG = re.compile(r"^--\s*(Records|Suppress|Suppress-across):\s*(.+)$", re.MULTILINE)


def tags(name: str) -> dict[str, str]:
    """Disclosure tags in a query's header, which the dashboard's data layer obeys:
    `-- Records: yes` (rows about a pupil or a member of staff: only for academies whose
    records the viewer may see), `-- Suppress: col, col` (counts about children that
    governor views show as `c` from 1 to the threshold) and `-- Suppress-across: col` (the
    column, e.g. a month, whose values each hold one line of academies' counts)."""
    return {key.lower(): value.strip() for key, value in _TAG.findall(load(name))}
