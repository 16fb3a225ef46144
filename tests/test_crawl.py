"""Every page as every role, read as a person reads it: no "None", "nan" or "NaT" anywhere, and
no empty cell in a table (a missing value is shown with its meaning: "not yet", "—", "not
recorded", "c"). The crawl reads every text element, every metric and every table cell a page
drew under AppTest on the demo trust."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from page_helpers import open_as

from bench.benchmark import PAGES  # every page of the dashboard

ROLES = {"trust_lead": None, "dsl": "ALDER", "governor": None, "local_governor": "ALDER"}
MISSING_WORD = re.compile(r"(?<![\w-])(None|nan|NaN|NaT|<NA>)(?![\w-])")
TEXT_ELEMENTS = (
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "info",
    "warning",
    "success",
    "error",
)


def problems(app) -> list[str]:
    """Where the page shows a missing value as None/nan, or leaves a table cell empty."""
    found = []
    for kind in TEXT_ELEMENTS:
        for element in getattr(app, kind):
            if MISSING_WORD.search(str(element.value)):
                found.append(f"{kind}: {str(element.value)[:120]!r}")
    for element in app.metric:
        for part in (element.label, element.value):
            if MISSING_WORD.search(str(part)):
                found.append(f"metric {element.label!r}: {part!r}")
    for element in [*app.dataframe, *app.table]:
        frame = element.value
        if not isinstance(frame, pd.DataFrame):
            continue
        for column in frame.columns:
            if column in _cells_to_fill(element):
                continue
            values = frame[column]
            empty = values.isna() | values.astype(str).str.fullmatch(r"\s*|None|nan|NaT|<NA>")
            if empty.any():
                found.append(f"table column {column!r}: {int(empty.sum())} missing cell(s)")
    return found


def _cells_to_fill(element) -> set[str]:
    """The editable columns of a data editor: an empty cell there is one to fill in."""
    proto = getattr(element, "proto", None)
    if proto is None or not getattr(proto, "editing_mode", 0):
        return set()
    settings = json.loads(proto.columns or "{}")
    return {name for name, config in settings.items() if not config.get("disabled", False)}


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("page_path", PAGES, ids=lambda p: p.split("/")[1][:-3])
def test_no_page_shows_a_missing_value_as_none_nan_or_blank(page_path, role, demo_db, monkeypatch):
    app = open_as(role, page_path, demo_db, monkeypatch, academy=ROLES[role])
    assert not app.exception
    assert problems(app) == []


def test_the_crawl_finds_a_none():
    class Element:
        def __init__(self, value):
            self.value = value

    class App:
        title = (Element("Chased on: None"),)
        header = subheader = markdown = caption = info = warning = success = error = ()
        metric = ()
        dataframe = (Element(pd.DataFrame({"a": [1, None]})),)
        table = ()

    assert problems(App()) == ["title: 'Chased on: None'", "table column 'a': 1 missing cell(s)"]
