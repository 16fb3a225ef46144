"""Per-run context: who is looking (identity → scope), the shared filters, and the academies
in view. dashboard.py calls start() on every run before the page."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import pandas as pd
import streamlit as st

from safeguarding import database, identity
from safeguarding.codes import TRUST
from safeguarding.scope import ROLES, Scope
from safeguarding.ui import access, data, navigation
from safeguarding.ui.filters import Filters, sidebar_filters

_KEY = "_page_context"
ALLOW_DEMO_ON_REAL_DATA = "SAFEGUARDING_ALLOW_DEMO_MODE"
TRUSTED_HEADER = "SAFEGUARDING_TRUSTED_HEADER"
ROLE_NAMES = {
    "trust_lead": "Trust safeguarding lead",
    "dsl": "Academy DSL",
    "governor": "Trustee / governor",
    "local_governor": "Local governor",
}


@dataclass(frozen=True)
class PageContext:
    scope: Scope
    filters: Filters
    academies: pd.DataFrame  # the academies in view after scope, academy and phase filters
    user: identity.User
    demo_mode: bool

    @property
    def academy_codes(self) -> tuple[str, ...]:
        return tuple(self.academies["academy_code"])

    @property
    def detail_codes(self) -> tuple[str, ...]:
        """Academies in view whose records (not only figures) this viewer may see."""
        return tuple(a for a in self.academy_codes if a in self.scope.detail_academies)

    @property
    def own_academy(self) -> str | None:
        """The academy a DSL or local governor belongs to, when it is in view."""
        if self.user.role not in identity.ACADEMY_ROLES or not self.user.academies:
            return None
        code = self.user.academies[0]
        return code if code in self.academy_codes else None

    def academy_name(self, code: str) -> str:
        names = dict(
            zip(self.academies["academy_code"], self.academies["academy_name"], strict=True)
        )
        return names.get(code, "Trust" if code == TRUST else code)


def start(view: str = "") -> PageContext | None:
    """Sign-in, scope, then filters. Returns None (having said why) when nothing may be shown.
    `view` names the page, for the access log."""
    try:
        every_academy = data.every_academy()
    except database.DatabaseMissing as missing:
        st.error(str(missing))
        return None
    codes = tuple(every_academy["academy_code"])
    user, demo_mode = _viewer(codes)
    if user is None:
        return None
    scope = identity.scope_for(user, codes)
    data.set_scope(scope)
    visible = every_academy[every_academy["academy_code"].isin(scope.aggregate_academies)]
    names = dict(zip(visible["academy_code"], visible["academy_name"], strict=True))
    phases = sorted(visible["phase"].dropna().unique())
    filters = sidebar_filters(names, phases, whole_periods_only=scope.suppress_small_numbers)
    chosen = visible
    if filters.academy_codes:
        chosen = chosen[chosen["academy_code"].isin(filters.academy_codes)]
    if filters.phases:
        chosen = chosen[chosen["phase"].isin(filters.phases)]
    context = PageContext(scope, filters, chosen.reset_index(drop=True), user, demo_mode)
    access.set_viewer(user)
    _purged_since_note(filters.known_at)
    window = (filters.as_of, filters.date_from, filters.date_to, filters.known_at)
    access.page_viewed(view or "overview", context.academy_codes, window)
    st.session_state[_KEY] = context
    return context


def context() -> PageContext:
    """The context dashboard.py set up for this run (a page calls this once, first). It is
    taken, not read, so that a run can never reuse an earlier run's viewer and filters."""
    found = st.session_state.pop(_KEY, None)
    if found is None:
        found = _start_without_the_entry_point()
    return found


def _start_without_the_entry_point() -> PageContext:
    """Until st.navigation has run once in a server process, Streamlit serves a link to a page
    in pages/ by running that page alone (its older pages-folder routing; AppTest does so on
    every rerun). Do here what dashboard.py does, so the page is still signed in, scoped and
    filtered, and later runs use the navigation."""
    page = st.navigation(navigation.pages())
    if start(page.url_path) is None:
        st.stop()
    return st.session_state.pop(_KEY)


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return False


def _viewer(codes: tuple[str, ...]) -> tuple[identity.User | None, bool]:
    """(the user, demo mode?) or (None, ...) after drawing a sign-in or refusal page."""
    if _oidc_configured():
        if not st.user.is_logged_in:
            st.title("Safeguarding dashboard")
            st.write("This dashboard holds information about children. Sign in to continue.")
            st.button("Sign in", on_click=st.login, type="primary")
            return None, False
        return _known_user(st.user.get("email")), False
    header = os.environ.get(TRUSTED_HEADER)
    if header:
        try:
            email = trusted_identity(st.context.headers, header)
        except SignInHeaderRefused as refusal:
            _deny(str(refusal))
            return None, False
        return _known_user(email), False
    return _demo_user(codes), True


class RequestHeaders(Protocol):
    """What trusted_identity reads of st.context.headers (a StreamlitHeaders)."""

    def __iter__(self) -> Iterator[str]: ...

    def get_all(self, key: str) -> list[str]: ...


class SignInHeaderRefused(Exception):
    """The trusted proxy's sign-in header cannot say who this request is from; the message
    says why, for the person refused, without repeating what the header held."""


def _header_spelling(name: str) -> str:
    # Some servers and frameworks read X_Forwarded_Email as X-Forwarded-Email; count such a
    # look-alike as another copy of the header rather than let it pass unseen.
    return name.strip().lower().replace("_", "-")


def trusted_identity(headers: RequestHeaders, header_name: str) -> str:
    """The e-mail address the trusted reverse proxy put in `header_name`.

    The proxy sets the header exactly once on every request. Any other shape is refused
    (SignInHeaderRefused) rather than resolved, because choosing a copy would let whoever added
    a copy choose who they are: the header missing or empty; sent more than once (under any
    case, or with _ for -), since a second copy was sent by someone other than the proxy; or
    holding a comma, which is how repeated headers are joined into one line on the way.
    """
    wanted = _header_spelling(header_name)
    values = [
        value
        for name in headers
        if _header_spelling(name) == wanted
        for value in headers.get_all(name)
    ]
    if len(values) > 1:
        raise SignInHeaderRefused(
            f"This request carried the sign-in header {header_name} {len(values)} times; the "
            "sign-in proxy sets it once, so the dashboard cannot tell who you are. Sign in again "
            "through the trust's sign-in page; if this keeps happening, tell the trust's IT team."
        )
    email = values[0].strip() if values else ""
    if not email:
        raise SignInHeaderRefused(
            f"This request did not carry the sign-in header {header_name}, so the dashboard "
            "cannot tell who you are. Open it through the trust's sign-in page; if you did, "
            "tell the trust's IT team."
        )
    if "," in email:
        raise SignInHeaderRefused(
            f"The sign-in header {header_name} of this request held more than one value, so "
            "the dashboard cannot tell who you are. Tell the trust's IT team."
        )
    return email


def _deny(reason: str) -> None:
    """The refusal page: a title and the reason, nothing else (and a way out for OIDC)."""
    st.title("Access denied")
    st.error(reason)
    if _oidc_configured():
        st.button("Sign out", on_click=st.logout)


def _known_user(email: str | None) -> identity.User | None:
    users = identity.load_users()
    user = users.get((email or "").strip().lower())
    if user is None:
        _deny(
            "You are signed in, but your account is not on this dashboard's list of users. "
            "Ask the trust's safeguarding lead to add you."
        )
        return None
    return user


def _demo_user(codes: tuple[str, ...]) -> identity.User | None:
    if data.database_origin() != "demo" and os.environ.get(ALLOW_DEMO_ON_REAL_DATA) != "1":
        st.title("Sign-in is not configured")
        st.error(
            "This database is not the demo trust, and the dashboard has no sign-in configured, "
            "so it will not show it. Configure sign-in (see the README), or, on a machine only "
            f"you can reach, start it with {ALLOW_DEMO_ON_REAL_DATA}=1."
        )
        return None
    st.warning(
        "**Demo mode** — sign-in is not configured. Choose with the button below which role to "
        "preview.",
        icon=":material/visibility:",
    )
    # On the page, not in the sidebar: a phone folds the sidebar away.
    previewing = ROLE_NAMES[st.session_state.get("demo_role", ROLES[0])]
    if st.session_state.get("demo_role") in identity.ACADEMY_ROLES and codes:
        previewing += f", {st.session_state.get('demo_academy', codes[0])}"
    with st.popover(f"Preview as: {previewing}", icon=":material/switch_account:"):
        role = st.selectbox("Role", ROLES, format_func=ROLE_NAMES.get, key="demo_role")
        academies: tuple[str, ...] = ()
        if role in identity.ACADEMY_ROLES and codes:
            academies = (st.selectbox("Academy", codes, key="demo_academy"),)
    return identity.User("demo", role, academies)


def _purged_since_note(known_at) -> None:
    """Figures as known before a purge no longer hold the rows it removed: say so."""
    for purged_at, reason, rows in data.purges_since(known_at):
        why = "past their retention" if reason == "retention" else "erased on request"
        st.warning(
            f"{rows:,} records ({why}) were purged on {purged_at:%-d %B %Y}, after the day "
            "these figures are read as known: they are missing from them.",
            icon=":material/delete_history:",
        )
