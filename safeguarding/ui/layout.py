"""Layout for small screens: a trust lead reads the overview on a phone before the meeting.

Streamlit lays a page out the same at every width, so the few rules that differ on a phone are
CSS on keyed containers (Streamlit gives a container made with `key=K` the class `st-key-K`;
the rules are `!important` because Streamlit's own container styles, inserted later, have the
same weight and would otherwise win depending on load order):
- tile titles wrap instead of being cut short ("…within 1 wor…");
- below PHONE_WIDTH the overview shows the agenda as compact cards first, and the headline
  tiles after it; the wide editable table is for a wider screen.
"""

from __future__ import annotations

import streamlit as st

PHONE_WIDTH = 640  # px: phones in portrait, not tablets
AGENDA_CARDS = "agenda_cards"
AGENDA_TABLE = "agenda_table"
HEADLINE_TILES = "headline_tiles"

_STYLE = f"""
<style>
[data-testid="stMetricLabel"] p {{
  white-space: normal; overflow: visible; text-overflow: clip;
}}
.st-key-{AGENDA_CARDS} {{ display: none !important; }}
@media (max-width: {PHONE_WIDTH}px) {{
  .st-key-{AGENDA_CARDS} {{ display: flex !important; }}
  .st-key-{AGENDA_TABLE} {{ display: none !important; }}
  .st-key-{HEADLINE_TILES}, div:has(> .st-key-{HEADLINE_TILES}) {{ order: 1; }}
}}
</style>
"""


def style() -> None:
    """Once a run, before any page draws (dashboard.py)."""
    st.html(_STYLE)
