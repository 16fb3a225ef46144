"""Every page as every role at a desktop and a phone width, for people to look at.

    .venv/bin/python tests/screenshots.py [--db data/demo.duckdb] [--out test-artifacts/all]

Serves the dashboard signed in through the trusted header (the example users: a trust lead,
OAK's DSL, a governor, ELM's local governor), opens each page in Debian's headless Chromium at
1920 px and 390 px wide, and writes PAGE-ROLE-WIDTH.png. It prints one line per screenshot with
any exception or error box, so a broken page is seen even before the pictures are.
Not part of `make test` (72 screenshots take minutes); tests/test_browser.py keeps the checks.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from signin_proxy import signed_in_as
from test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGES,
    PEOPLE,
    SIGNED_IN,
    _streamlit,
    _wait_until_finished,
)

from safeguarding import clock
from safeguarding.paths import PROJECT_ROOT

WIDTHS = (1920, 390)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=PROJECT_ROOT / "data" / "demo.duckdb")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "test-artifacts" / "all")
    parser.add_argument("--as-of", default=clock.today().isoformat())
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    failures = 0
    with (
        _streamlit(options.db, options.out / "server.log", **SIGNED_IN) as url,
        sync_playwright() as playwright,
    ):
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        for role, email in PEOPLE.items():
            with signed_in_as(url, email) as signed_in_url:
                for width in WIDTHS:
                    context = chromium.new_context(viewport={"width": width, "height": 1000})
                    tab = context.new_page()
                    for page, path in PAGES.items():
                        tab.goto(f"{signed_in_url}/{path}?as_of={options.as_of}")
                        _wait_until_finished(tab)
                        shot = options.out / f"{page}-{role}-{width}.png"
                        tab.screenshot(path=str(shot), full_page=True)
                        exceptions = tab.locator('[data-testid="stException"]').count()
                        errors = tab.locator('[data-testid="stAlertContentError"]')
                        error_texts = errors.all_inner_texts()
                        failures += bool(exceptions or error_texts)
                        print(f"{shot.name}: {exceptions} exception(s), errors {error_texts}")
                    context.close()
        chromium.close()
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
