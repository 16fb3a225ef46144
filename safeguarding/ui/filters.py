"""The sidebar filters every page shares, kept in session state and mirrored in the URL.

A link copied from the address bar reopens the same view: as-of date, window, academies and
phase travel as query parameters (`?as_of=2026-11-27&window=term&term=...&academy=OAK`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from safeguarding import clock, periods
from safeguarding.calendar import Term, academic_terms, load_term_overrides
from safeguarding.window import Window

WINDOWS = {
    "last_12_months": "Last 12 months",
    "academic_year": "This academic year",
    "term": "A term",
    "custom": "Custom dates",
}


@dataclass(frozen=True)
class Filters:
    as_of: dt.date
    date_from: dt.date
    date_to: dt.date
    academy_codes: tuple[str, ...]  # the academies chosen (all the role may see when none)
    phases: tuple[str, ...]
    window_label: str
    # the database as it stood then (None: the latest), product.md §2.5
    known_at: dt.datetime | None = None

    @property
    def as_of_last_week(self) -> dt.date:
        return self.as_of - dt.timedelta(days=7)

    @property
    def window(self) -> Window:
        """The window every query of the page is computed for."""
        return Window(self.as_of, self.date_from, self.date_to, self.known_at)


def _terms_around(as_of: dt.date) -> list[Term]:
    return academic_terms(
        dt.date(as_of.year - 3, 9, 1), dt.date(as_of.year + 1, 8, 31), load_term_overrides()
    )


def _term_label(term: Term) -> str:
    return f"{term.name} {term.academic_year}"


def window_dates(
    window: str, as_of: dt.date, term_label: str | None, custom: tuple[dt.date, dt.date] | None
) -> tuple[dt.date, dt.date, str]:
    """(from, to, a label for chart titles) for a window choice."""
    if window == "academic_year":
        start_year = as_of.year if as_of.month >= 9 else as_of.year - 1
        start = dt.date(start_year, 9, 1)
        return start, as_of, f"academic year {start_year}/{(start_year + 1) % 100:02d} to date"
    if window == "term":
        terms = {_term_label(t): t for t in _terms_around(as_of)}
        term = terms.get(term_label or "") or _current_term(as_of)
        return term.starts_on, min(term.ends_on, as_of), _term_label(term)
    if window == "custom" and custom:
        start, end = sorted(custom)
        return start, end, f"{start:%-d %b %Y} to {end:%-d %b %Y}"
    # product.md §4 default: to = as-of, from = to - 364 days
    return as_of - dt.timedelta(days=364), as_of, "the 12 months to the as-of date"


def _current_term(as_of: dt.date) -> Term:
    terms = _terms_around(as_of)
    return next((t for t in terms if t.starts_on <= as_of <= t.ends_on), terms[-1])


def _from_url(name: str, parse, default):
    raw = st.query_params.get(name)
    if raw is None:
        return default
    try:
        return parse(raw)
    except (ValueError, TypeError):
        return default


def _init_state(academies: list[str], phases: list[str]) -> None:
    """First run of a session: take the filters from the URL, else the defaults."""
    if st.session_state.get("_filters_ready"):
        return
    today = clock.today()
    state = st.session_state
    asked = _from_url("as_of", dt.date.fromisoformat, today)
    # A future date is refused: it would count nothing and show 0 % as though it were a
    # finding. The page shows today instead and says so (see future_as_of_warning).
    state["f_as_of"] = min(asked, today)
    state["f_future_as_of"] = asked if asked > today else None
    window = st.query_params.get("window", "last_12_months")
    state["f_window"] = window if window in WINDOWS else "last_12_months"
    state["f_term"] = st.query_params.get("term")
    state["f_year"] = st.query_params.get("year")
    custom_from = _from_url("from", dt.date.fromisoformat, None)
    custom_to = _from_url("to", dt.date.fromisoformat, None)
    if custom_from and custom_to:
        state["f_custom"] = (min(custom_from, today), min(custom_to, today))
    state["f_academies"] = [a for a in st.query_params.get_all("academy") if a in academies]
    state["f_phases"] = [p for p in st.query_params.get_all("phase") if p in phases]
    known_on = _from_url("known_on", dt.date.fromisoformat, None)
    state["f_earlier_knowledge"] = known_on is not None
    state["f_known_on"] = min(known_on or today, today)
    state["_filters_ready"] = True


def sidebar_filters(
    academies: dict[str, str], phases: list[str], whole_periods_only: bool = False
) -> Filters:
    """Draw the shared filters; `academies` maps code -> name for the academies in scope.
    With `whole_periods_only` (roles that see small numbers suppressed) the window is a whole
    term or academic year and the view one academy or the whole trust (safeguarding/periods.py
    says why)."""
    _init_state(list(academies), phases)
    state = st.session_state
    today = clock.today()
    if whole_periods_only:
        return _whole_period_filters(academies, today)
    with st.sidebar:
        st.header("Filters")
        as_of = st.date_input("As of", key="f_as_of", format="DD/MM/YYYY", max_value=today)
        window = st.selectbox(
            "Window",
            list(WINDOWS),
            format_func=WINDOWS.get,
            key="f_window",
            help="Event figures (concerns, referrals, starters) count events in this window; "
            "state figures (training, policies) are taken at the as-of date.",
        )
        term_label = None
        custom = None
        if window == "term":
            labels = [_term_label(t) for t in _terms_around(as_of) if t.starts_on <= as_of]
            if state.get("f_term") not in labels:
                state["f_term"] = _term_label(_current_term(as_of))
            term_label = st.selectbox("Term", labels[::-1], key="f_term")
        elif window == "custom":
            if "f_custom" not in state:
                state["f_custom"] = (as_of - dt.timedelta(days=90), as_of)
            picked = st.date_input(
                "From and to", key="f_custom", format="DD/MM/YYYY", max_value=today
            )
            custom = (
                tuple(picked) if isinstance(picked, tuple | list) and len(picked) == 2 else None
            )
        chosen = st.multiselect(
            "Academies",
            list(academies),
            format_func=lambda c: f"{academies[c]} ({c})",
            key="f_academies",
            placeholder="All academies",
        )
        chosen_phases = st.multiselect(
            "Phase",
            phases,
            key="f_phases",
            placeholder="All phases",
            format_func=lambda p: p.replace("_", " ").capitalize(),
        )
        known_at = _knowledge_control(today)
        _pinned_clock_note()
    _future_as_of_warning(as_of, today)
    _earlier_knowledge_note(known_at)
    date_from, date_to, label = window_dates(window, as_of, term_label, custom)
    _to_url(as_of, window, term_label, custom, chosen, chosen_phases, known_at)
    return Filters(
        as_of=as_of,
        date_from=date_from,
        date_to=date_to,
        academy_codes=tuple(chosen),
        phases=tuple(chosen_phases),
        window_label=label,
        known_at=known_at,
    )


WHOLE_PERIOD_WINDOWS = {"term": "A term", "academic_year": "An academic year"}


def _whole_period_filters(academies: dict[str, str], today: dt.date) -> Filters:
    state = st.session_state
    if state.get("f_window") not in WHOLE_PERIOD_WINDOWS:
        state["f_window"] = "term"
    narrowed = state.get("f_academies") or []
    if len(narrowed) > 1:
        state["f_narrowed_away"] = True
    state["f_academy"] = narrowed[0] if len(narrowed) == 1 else ""
    if len(academies) == 1:
        state["f_academy"] = next(iter(academies))
    with st.sidebar:
        st.header("Filters")
        as_of = st.date_input("As of", key="f_as_of", format="DD/MM/YYYY", max_value=today)
        window = st.selectbox(
            "Window",
            list(WHOLE_PERIOD_WINDOWS),
            format_func=WHOLE_PERIOD_WINDOWS.get,
            key="f_window",
            help="Small numbers about children are hidden in this view, so events are counted "
            "over whole terms or academic years that have ended: two overlapping windows could "
            "otherwise be subtracted to reveal a hidden count. Training and policy figures are "
            "taken at the as-of date.",
        )
        kind = "year" if window == "academic_year" else "term"
        choices = [p for p in periods.whole_periods_by(as_of) if p.kind == kind]
        labels = [p.label for p in choices]
        key = "f_year" if kind == "year" else "f_term"
        if state.get(key) not in labels:
            state[key] = labels[0] if labels else None
        title = "Academic year" if kind == "year" else "Term"
        label = st.selectbox(title, labels, key=key) if labels else None
        # "" is the whole trust; a local governor's one academy is their whole view.
        codes = ["", *academies] if len(academies) > 1 else list(academies)
        chosen = st.selectbox(
            "Academy",
            codes,
            format_func=lambda c: f"{academies[c]} ({c})" if c else "Whole trust",
            key="f_academy",
        )
        known_at = _knowledge_control(today)
        _pinned_clock_note()
    state["f_academies"] = [chosen] if chosen else []
    if chosen:
        state["f_narrowed_away"] = False  # the viewer has chosen an academy since
    if state.get("f_narrowed_away"):
        st.info(
            "This view shows one academy or the whole trust, never a group of academies: a "
            "group's total beside the trust's could reveal a hidden count.",
            icon=":material/shield:",
        )
    _future_as_of_warning(as_of, today)
    _earlier_knowledge_note(known_at)
    period = next((p for p in choices if p.label == label), None)
    if period is None:  # nothing has ended yet: an empty window before any data
        period = periods.Period("no complete term yet", as_of, as_of - dt.timedelta(days=1))
    params = {"as_of": as_of.isoformat(), "window": window}
    if label:
        params["term" if kind == "term" else "year"] = label
    if chosen:
        params["academy"] = [chosen]
    if known_at is not None:
        params["known_on"] = known_at.date().isoformat()
    _sync_url(params)
    return Filters(
        as_of=as_of,
        date_from=period.starts_on,
        date_to=period.ends_on,
        academy_codes=tuple(state["f_academies"]),
        phases=(),
        window_label=period.label,
        known_at=known_at,
    )


def _future_as_of_warning(as_of: dt.date, today: dt.date) -> None:
    asked = st.session_state.get("f_future_as_of")
    if asked is None or as_of != today:
        st.session_state["f_future_as_of"] = None  # the viewer has chosen another date
        return
    st.warning(
        f"The link asked for figures as of {asked:%-d %B %Y}, which is after today "
        f"({today:%-d %B %Y}). Nothing can be known about a day that has not happened, so "
        "this page shows the figures as of today.",
        icon=":material/event_busy:",
    )


def _knowledge_control(today: dt.date) -> dt.datetime | None:
    """The "as known on" choice (default: the latest): the figures as the database stood at
    the end of an earlier day, before the loads since, e.g. to see what a meeting was told."""
    with st.expander("Advanced", expanded=st.session_state.get("f_earlier_knowledge", False)):
        earlier = st.checkbox(
            "As the database stood on an earlier day",
            key="f_earlier_knowledge",
            help="Every figure, list and chart as it was at the end of that day, before the "
            "exports loaded since: what an earlier meeting or board pack was shown.",
        )
        known_on = st.date_input(
            "As known on",
            key="f_known_on",
            format="DD/MM/YYYY",
            max_value=today,
            disabled=not earlier,
        )
    if not earlier:
        return None
    if known_on >= today:
        return clock.now()
    return dt.datetime.combine(known_on, dt.time.max)


def _earlier_knowledge_note(known_at: dt.datetime | None) -> None:
    if known_at is None:
        return
    st.info(
        f"Not the latest: these are the figures as the database stood at the end of "
        f"{known_at:%-d %B %Y}, before any export loaded since. Untick “As the database stood "
        "on an earlier day” under Advanced for the latest.",
        icon=":material/history:",
    )


def _to_url(as_of, window, term_label, custom, academies, phases, known_at=None) -> None:
    params: dict[str, str | list[str]] = {"as_of": as_of.isoformat(), "window": window}
    if window == "term" and term_label:
        params["term"] = term_label
    if window == "custom" and custom:
        params["from"], params["to"] = custom[0].isoformat(), custom[1].isoformat()
    if academies:
        params["academy"] = list(academies)
    if phases:
        params["phase"] = list(phases)
    if known_at is not None:
        params["known_on"] = known_at.date().isoformat()
    _sync_url(params)


def _sync_url(params: dict[str, str | list[str]]) -> None:
    """Mirror the filters in the address bar (only when they changed: setting it reruns)."""
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    wanted = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    if current != wanted:
        st.query_params.from_dict(params)


def _pinned_clock_note() -> None:
    pinned = clock.pinned()
    if pinned is not None:
        st.caption(
            f"The clock is pinned to {pinned:%-d %B %Y %H:%M} by {clock.PIN_VARIABLE}: "
            "'today' on every page is that day."
        )
