"""The dashboard's side of the access log (safeguarding/access_log.py): who is looking, and an
entry for each view of records, each figures-only page view and each download.

A Streamlit page runs again on every click, so the same rows shown again in the same session
(the same view, academies and keys) are logged once; anything new shown is a new entry. When the
entry cannot be written the page says so and stops: nothing is shown unlogged (fail closed).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import streamlit as st

from safeguarding import access_log, database
from safeguarding.identity import User

_VIEWER_KEY = "_access_viewer"
_LOGGED_KEY = "_access_logged"


def set_viewer(user: User) -> None:
    st.session_state[_VIEWER_KEY] = user


def records_shown(view: str, rows: Any, academies: Iterable[str]) -> None:
    """Log the record-level rows about to be shown (a frame or a list of dicts)."""
    listed = rows if hasattr(rows, "columns") else list(rows)
    _log(view, "records", academies, len(listed), access_log.keys_shown(listed))


def page_viewed(view: str, academies: Iterable[str], filters_key: tuple = ()) -> None:
    """Log a page's figures: the view, no rows and no keys."""
    _log(view, "figures", academies, 0, {}, extra=filters_key)


def current_viewer() -> User:
    """The signed-in person, to hand to a download that runs after this script run."""
    return _viewer()


def exported(viewer: User, view: str, rows: Any, academies: Iterable[str]) -> None:
    """Log a download as it is written (given the viewer: a download's callable runs outside
    the page's run); AccessLogUnavailable stops the download."""
    access_log.record(
        _database(),
        viewer.email,
        viewer.role,
        view,
        academies,
        len(rows),
        access_log.keys_shown(rows),
        kind="export",
    )


def _log(view, kind, academies, count, keys, extra: tuple = ()) -> None:
    academies = tuple(sorted(set(academies)))
    seen = st.session_state.setdefault(_LOGGED_KEY, set())
    marker = (kind, view, academies, count, repr(sorted(keys.items())), extra)
    if marker in seen:
        return
    viewer = _viewer()
    try:
        access_log.record(
            _database(), viewer.email, viewer.role, view, academies, count, keys, kind
        )
    except access_log.AccessLogUnavailable as problem:
        st.error(str(problem))
        st.stop()
    seen.add(marker)


def _database() -> str:
    return str(database.resolve_db_path(None))


def _viewer() -> User:
    viewer = st.session_state.get(_VIEWER_KEY)
    if viewer is None:
        raise PermissionError("No viewer has signed in for this session.")
    return viewer
