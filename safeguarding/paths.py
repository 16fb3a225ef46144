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


def default_demo_db_path() -> Path:
    """The demo trust's own file, apart from where real data goes (data/trust.duckdb), so that
    loading real exports never lands in the database demo mode serves."""
    return PROJECT_ROOT / "data" / "demo.duckdb"
