"""Roles and sign-in (product.md §5): who may see what, checked on the pages as each role sees
them."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from conftest import TODAY
from page_helpers import governors_period
from streamlit.testing.v1 import AppTest

from safeguarding.paths import PROJECT_ROOT
from safeguarding.ui import data
from safeguarding.ui.filters import Filters

USERS = """
[users."lead@trust.example"]
role = "trust_lead"
[users."dsl.oak@trust.example"]
role = "dsl"
academies = ["OAK"]
[users."chair@trust.example"]
role = "governor"
[users."local.elm@trust.example"]
role = "local_governor"
academies = ["ELM"]
"""
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-only-not-a-secret",
    "client_id": "test-client",
    "client_secret": "test-only-not-a-secret",
    "server_metadata_url": "https://login.example/.well-known/openid-configuration",
}


@pytest.fixture
def signed_in(demo_db, tmp_path, monkeypatch):
    """signed_in(email or None, page) -> a finished AppTest run with OIDC sign-in configured."""
    users = tmp_path / "users.toml"
    users.write_text(USERS)
    monkeypatch.setenv("SAFEGUARDING_USERS", str(users))
    monkeypatch.setenv("SAFEGUARDING_DB", str(demo_db))

    def _open(email: str | None, page: str = "pages/overview.py", **query_params):
        app = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
        app.secrets["auth"] = AUTH
        app.user = {"is_logged_in": email is not None, "email": email or ""}
        app.query_params["as_of"] = TODAY.isoformat()
        for key, value in query_params.items():
            app.query_params[key] = value
        app.run()
        if page != "pages/overview.py" and not app.exception:
            app.switch_page(page)
            app.run()
        assert not app.exception, app.exception
        return app

    return _open


def _texts(app) -> str:
    parts = [
        e.value
        for kind in ("title", "markdown", "caption", "error", "info", "warning")
        for e in getattr(app, kind)
    ]
    return "\n".join(str(p) for p in parts)


def test_not_signed_in_sees_only_the_sign_in_button(signed_in):
    app = signed_in(None)
    assert [b.label for b in app.button] == ["Sign in"]
    assert len(app.metric) == 0 and len(app.dataframe) == 0 and len(app.sidebar.children) == 0


def test_a_signed_in_user_not_in_the_users_file_is_denied_and_sees_nothing_else(signed_in):
    app = signed_in("stranger@elsewhere.example")
    assert app.title[0].value == "Access denied"
    assert len(app.metric) == 0 and len(app.dataframe) == 0
    assert not any(s.label == "Academies" for s in app.multiselect)


def test_a_trust_lead_sees_every_academys_records(signed_in):
    app = signed_in("lead@trust.example")
    actions = app.dataframe[0]  # the agenda (the resolved items follow in their own table)
    record_rows = actions.value[actions.value["item"].str.startswith(("Referral", "Concern"))]
    assert record_rows["academy_code"].nunique() > 1


@pytest.mark.parametrize(
    "page", ["pages/overview.py", "pages/referrals.py", "pages/training.py", "pages/data.py"]
)
def test_a_dsl_sees_records_of_their_own_academy_only(signed_in, page):
    app = signed_in("dsl.oak@trust.example", page)
    for table in app.dataframe:
        frame = table.value
        personal = [c for c in frame.columns if c in ("pupil_ref", "staff_ref", "item")]
        if "academy_code" not in frame.columns or not personal:
            continue
        if "item" in frame.columns:  # the overview's action list: records are referrals etc.
            frame = frame[frame["item"].str.contains(r"\(PUP-|STF-| STF", regex=True)]
        assert set(frame["academy_code"]) <= {"OAK"}, (page, set(frame["academy_code"]))


def test_a_dsl_still_sees_other_academies_as_figures_for_comparison(signed_in):
    app = signed_in("dsl.oak@trust.example", "pages/compare.py")
    assert "Demo Elm" in _texts(app) or any("ELM" in str(t.value.to_dict()) for t in app.dataframe)


def test_a_local_governor_sees_only_their_academy_and_trust_totals(signed_in):
    app = signed_in("local.elm@trust.example")
    assert [s.options for s in app.selectbox if s.label == "Academy"] == [
        ["Demo Elm Secondary Academy (ELM)"]
    ]
    assert len(app.dataframe) <= 1
    for table in app.dataframe:  # the meeting's counts: no item is listed
        assert set(table.value["academy_code"]) <= {"ELM", "TRUST"}
        assert "item" not in table.value.columns


def test_governors_see_c_for_small_counts_and_no_single_hidden_cell(signed_in):
    app = signed_in("chair@trust.example", "pages/compare.py")
    rates, funnel = app.dataframe[0].value, app.dataframe[1].value
    assert (rates["CSE concerns logged per 100 pupils"] == "c").sum() >= 2
    academies = funnel[funnel["code"] != "TRUST"]
    for column in ("on time", "due"):
        hidden = (academies[column] == "c").sum()  # shown as c, never as a blank
        shown = pd.to_numeric(academies[column].where(academies[column] != "c"), errors="coerce")
        assert not shown.dropna().between(1, 5).any(), column
        assert hidden == 0 or hidden >= 2  # one hidden cell could be worked out from the total
    assert academies["against the limits"].str.startswith("c:").any()


def test_the_same_figures_are_not_suppressed_for_a_trust_lead(signed_in):
    app = signed_in("lead@trust.example", "pages/compare.py")
    rates = app.dataframe[0].value
    assert not (rates == "c").any().any()


def test_governor_is_offered_a_suppressed_board_pack_on_the_overview(signed_in, demo_db):
    app = signed_in("chair@trust.example")
    labels = [b.label for b in app.get("download_button")]
    assert "Download the board pack (Excel)" in labels
    context_scope = app.session_state["_scope"]
    term = governors_period()  # a governor's pack counts a whole term
    filters = Filters(TODAY, term.starts_on, term.ends_on, (), (), term.label)
    pack = data.board_pack_bytes(str(demo_db), context_scope, filters)
    workbook = openpyxl.load_workbook(io.BytesIO(pack))
    cover = " ".join(str(c) for row in workbook["Cover"].iter_rows(values_only=True) for c in row)
    assert "governor" in cover.lower()
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "c" in cells  # small numbers about children are suppressed


def test_a_dsl_is_not_offered_the_board_pack(signed_in):
    app = signed_in("dsl.oak@trust.example")
    assert "Download the board pack (Excel)" not in [b.label for b in app.get("download_button")]


def _demo_mode_app(db_path, monkeypatch, allow: bool):
    monkeypatch.setenv("SAFEGUARDING_DB", str(db_path))
    if allow:
        monkeypatch.setenv("SAFEGUARDING_ALLOW_DEMO_MODE", "1")
    else:
        monkeypatch.delenv("SAFEGUARDING_ALLOW_DEMO_MODE", raising=False)
    app = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    assert not app.exception
    return app


def test_demo_mode_refuses_a_database_that_is_not_the_demo_trust(trust, db, monkeypatch):
    app = _demo_mode_app(db, monkeypatch, allow=False)
    assert app.title[0].value == "Sign-in is not configured"
    assert len(app.metric) == 0 and len(app.dataframe) == 0


def test_demo_mode_serves_real_data_only_with_the_explicit_flag(trust, db, monkeypatch):
    app = _demo_mode_app(db, monkeypatch, allow=True)
    assert "Demo mode" in app.warning[0].value
    assert app.title[0].value == "Weekly safeguarding overview"


def test_demo_mode_shows_a_banner_and_a_role_switcher(page):
    app = page("pages/overview.py")
    assert "Demo mode" in app.warning[0].value
    [role] = [s for s in app.selectbox if s.key == "demo_role"]
    role.set_value("governor").run()
    assert not app.exception
    for table in app.dataframe:  # the meeting's counts only: no item, no record
        assert "item" not in table.value.columns
