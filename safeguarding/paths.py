"""Where things live. Every path the code uses starts here."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = PROJECT_ROOT / "queries"


def config_dir() -> Path:
    """The trust's configuration (standards, aliases, users): `config/` or $SAFEGUARDING_CONFIG."""
    return Path(os.environ.get("SAFEGUARDING_CONFIG", PROJECT_ROOT / "config"))


def default_db_path() -> Path:
    return Path(os.environ.get("SAFEGUARDING_DB", PROJECT_ROOT / "data" / "trust.duckdb"))
