"""Per-run context: who is looking (scope), the shared filters, and the academies in view."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from safeguarding import database
from safeguarding.scope import Scope
from safeguarding.ui import data
from safeguarding.ui.filters import Filters, sidebar_filters

_KEY = "_page_context"


@dataclass(frozen=True)
class PageContext:
    scope: Scope
    filters: Filters
    academies: pd.DataFrame  # the academies in view after scope, academy and phase filters

    @property
    def academy_codes(self) -> tuple[str, ...]:
        return tuple(self.academies["academy_code"])

    @property
    def detail_codes(self) -> tuple[str, ...]:
        """Academies in view whose records (not only figures) this viewer may see."""
        return tuple(a for a in self.academy_codes if a in self.scope.detail_academies)

    def academy_name(self, code: str) -> str:
        names = dict(
            zip(self.academies["academy_code"], self.academies["academy_name"], strict=True)
        )
        return names.get(code, "Trust" if code == "TRUST" else code)


def start() -> PageContext | None:
    """Called by dashboard.py on every run, before the page: scope, then filters."""
    try:
        every_academy = data.academies()
    except database.DatabaseMissing as missing:
        st.error(str(missing))
        return None
    scope = Scope.trust_lead(tuple(every_academy["academy_code"]))
    visible = every_academy[every_academy["academy_code"].isin(scope.aggregate_academies)]
    names = dict(zip(visible["academy_code"], visible["academy_name"], strict=True))
    phases = sorted(visible["phase"].dropna().unique())
    filters = sidebar_filters(names, phases)
    chosen = visible
    if filters.academy_codes:
        chosen = chosen[chosen["academy_code"].isin(filters.academy_codes)]
    if filters.phases:
        chosen = chosen[chosen["phase"].isin(filters.phases)]
    context = PageContext(scope, filters, chosen.reset_index(drop=True))
    st.session_state[_KEY] = context
    return context


def context() -> PageContext:
    """The context dashboard.py set up for this run (pages call this first)."""
    found = st.session_state.get(_KEY)
    if found is None:
        st.error("Open the dashboard from its start page (streamlit run dashboard.py).")
        st.stop()
    return found
