"""Helpers shared by the page tests (tests/test_page_*.py): opening a page in Streamlit's
AppTest, as the demo's role preview shows it to another role, reading the plotly figures a
page drew, and the metrics query's own figures to compare them with."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
from conftest import TODAY

from safeguarding import database, metrics
from safeguarding.paths import PROJECT_ROOT


def run_page(
    page_path: str,
    *,
    timeout: float = 60,
    demo_role: str | None = None,
    demo_academy: str | None = None,
    query_params: dict | None = None,
):
    """A finished AppTest run of the page on the database SAFEGUARDING_DB names, with the
    query parameters given (as_of defaults to the demo's today), previewed as `demo_role`
    (and that role's academy) when given."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=timeout)
    params = {"as_of": TODAY.isoformat(), **(query_params or {})}
    for key, value in params.items():
        app.query_params[key] = value
    if demo_role:
        app.session_state["demo_role"] = demo_role
    if demo_academy:
        app.session_state["demo_academy"] = demo_academy
    # Opened by its link, as on a fresh server: the page runs alone and signs the viewer in,
    # scopes and filters as dashboard.py does (session.context), without drawing the start
    # page first.
    if page_path != "pages/overview.py":
        app.switch_page(page_path)
    app.run()
    return app


def open_as(role: str, page_path: str, db: Path, monkeypatch, academy: str | None = None):
    """The page on `db` as the demo's role preview (the sidebar's role switcher) shows it to
    `role`, of `academy` for the roles that belong to one."""
    monkeypatch.setenv("SAFEGUARDING_DB", str(db))
    return run_page(page_path, demo_role=role, demo_academy=academy)


# --- the figures a page drew -------------------------------------------------------------------


def decode_array(value):
    """Plotly may write numeric arrays as typed base64 ({"dtype", "bdata"[, "shape"]}): decode
    them to (nested) lists. Anything else is returned as it is."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
        return array.tolist()
    return value


def figures(app) -> dict[str, dict]:
    """Each plotly chart's figure by its title."""
    found = {}
    for element in app.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        found[spec["layout"]["title"]["text"]] = spec
    return found


def figure_titled(app, starts: str) -> dict:
    """The one figure whose title starts with `starts`."""
    [spec] = [s for title, s in figures(app).items() if title.startswith(starts)]
    return spec


def chart(app, key: str) -> dict:
    """The figure of the plotly chart with that widget key, its traces' x, y, customdata and
    text decoded to lists."""
    for element in app.get("plotly_chart"):
        if element.proto.id.endswith(key):
            spec = json.loads(element.proto.spec)
            for trace in spec["data"]:
                for axis in ("x", "y", "customdata", "text"):
                    if axis in trace:
                        trace[axis] = decode_array(trace[axis])
            return spec
    raise AssertionError(f"no chart with key {key!r}")


# --- the metrics query's own figures -----------------------------------------------------------


def metric_frame(
    db: Path,
    as_of: dt.date = TODAY,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    academies: list[str] | None = None,
) -> pd.DataFrame:
    """Every metric of the database, as the metrics query computes it."""
    with database.reader(db) as con:
        return metrics.compute(con, as_of, date_from, date_to, academies)


def governors_period(as_of: dt.date = TODAY):
    """The window a governor's view opens on: the latest whole term ended by the as-of date."""
    from safeguarding import periods

    [term, *_] = [p for p in periods.whole_periods_by(as_of) if p.kind == "term"]
    return term


def governor_metric_frame(db: Path, as_of: dt.date = TODAY) -> pd.DataFrame:
    """Every metric over the governors' default window, unsuppressed."""
    term = governors_period(as_of)
    return metric_frame(db, as_of, term.starts_on, term.ends_on)


def academy_names(db: Path) -> dict[str, str]:
    """Academy code -> academy name."""
    with database.reader(db) as con:
        return dict(con.execute("select academy_code, academy_name from academies").fetchall())


def section_popovers(app) -> list:
    """The page's own popovers (a section's definition), not the demo's "Preview as" switcher."""
    return [p for p in app.get("popover") if not any(s.key == "demo_role" for s in p.selectbox)]
