"""Named SQL files from `queries/`. Python never builds SQL text; it loads it by name."""

from __future__ import annotations

import functools
import hashlib
import re

from safeguarding.paths import QUERIES_DIR


@functools.cache
def load(name: str) -> str:
    """The text of `queries/<name>.sql`, e.g. load("staging/concerns")."""
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"No query named {name!r} (looked for {path}).")
    return path.read_text(encoding="utf-8")


def statements(name: str) -> list[str]:
    """The statements of a script in `queries/<name>.sql`, run one after another (a prepared
    statement holds one). They end with `;` at the end of a line; none holds one inside."""
    text = re.sub(r"--[^\n]*", "", load(name))
    return [part.strip() for part in re.split(r";\s*\n", text) if part.strip()]


def migrations() -> list[tuple[int, str]]:
    """Schema scripts `queries/schema/NNNN_*.sql`, in version order."""
    scripts = []
    for path in sorted((QUERIES_DIR / "schema").glob("[0-9][0-9][0-9][0-9]_*.sql")):
        version = int(re.match(r"(\d{4})_", path.name).group(1))
        scripts.append((version, path.read_text(encoding="utf-8")))
    return scripts


@functools.cache
def models() -> tuple[tuple[str, str], ...]:
    """The shared rules of `queries/models/*.sql` (macros: `create or replace macro NAME ...`,
    NAME the file's name, or a table of that name rebuilt by every write), as (name, text),
    each after the models it uses (calls, or reads as a table): DuckDB resolves a table
    macro's tables and table functions when the macro is created."""
    texts = {
        path.stem: path.read_text(encoding="utf-8")
        for path in sorted((QUERIES_DIR / "models").glob("*.sql"))
    }
    uses = {
        name: {
            other
            for other in texts
            if other != name
            and re.search(
                rf"\b{other}\s*\(|\b(?:from|join)\s+{other}\b", re.sub(r"--[^\n]*", "", text)
            )
        }
        for name, text in texts.items()
    }
    ordered: list[str] = []
    while len(ordered) < len(texts):
        ready = [n for n in texts if n not in ordered and uses[n] <= set(ordered)]
        if not ready:
            raise ValueError(f"queries/models/ use each other in a circle: {sorted(uses)}")
        ordered.extend(ready)
    return tuple((name, texts[name]) for name in ordered)


@functools.cache
def table_models() -> frozenset[str]:
    """The models that are tables (`create or replace table NAME`), rebuilt on every write."""
    return frozenset(
        name
        for name, text in models()
        if re.search(rf"^create or replace table {name}\b", text, re.MULTILINE)
    )


def models_digest() -> str:
    """Changes whenever a model's text does: a database holding older models is upgraded."""
    digest = hashlib.sha256()
    for name, text in models():
        digest.update(f"{name}\0{text}\0".encode())
    return digest.hexdigest()[:16]


def parameters(query: str) -> set[str]:
    """The `$name` parameters a query's text uses (its comments aside)."""
    return set(re.findall(r"\$([a-z_][a-z0-9_]*)", re.sub(r"--[^\n]*", "", query)))


def params_for(query: str, params: dict) -> dict:
    """Only the parameters the query names: DuckDB refuses a parameter a query does not use."""
    named = parameters(query)
    return {k: v for k, v in params.items() if k in named}


_TAG = re.compile(r"^--\s*(Records|Suppress|Suppress-across):\s*(.+)$", re.MULTILINE)


def tags(name: str) -> dict[str, str]:
    """Disclosure tags in a query's header, which the dashboard's data layer obeys:
    `-- Records: yes` (rows about a pupil or a member of staff: only for academies whose
    records the viewer may see), `-- Suppress: col, col` (counts about children that
    governor views show as `c` from 1 to the threshold) and `-- Suppress-across: col` (the
    column, e.g. a month, whose values each hold one line of academies' counts)."""
    return {key.lower(): value.strip() for key, value in _TAG.findall(load(name))}
