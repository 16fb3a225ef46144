"""Security properties: identifier detectors and formula neutralisation (property-based), no
uploaded value in logs or messages, suppression that cannot be undone by subtraction, the
server's hardening in .streamlit/config.toml, and sign-in by a trusted proxy header."""

from __future__ import annotations

import csv
import io
import logging
import subprocess
import sys
import tomllib

import duckdb
import pandas as pd
import pytest
from conftest import ACADEMIES_CSV, TODAY, rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.runtime.context import ContextProxy, StreamlitHeaders
from streamlit.testing.v1 import AppTest

from safeguarding import disclosure, exports, sql
from safeguarding.ingest import identifiers, ingest_files, reading
from safeguarding.paths import PROJECT_ROOT
from safeguarding.ui import session

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
FAKE_UPN = "B801200005001"  # a valid check letter, made up
upn_body = st.builds(
    lambda d, last: d + last,
    st.text(alphabet="0123456789", min_size=11, max_size=11),
    st.sampled_from("0123456789" + UPN_LETTERS),
)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- Identifier detectors ---------------------------------------------------------------------


@FAST
@given(upn_body)
def test_every_upn_with_its_check_letter_is_detected_and_every_other_letter_is_not(body):
    letter = identifiers.upn_check_letter(body)
    assert identifiers.is_valid_upn(letter + body)
    assert identifiers.is_valid_upn(" " + (letter + body).lower() + " ")
    for wrong in UPN_LETTERS.replace(letter, ""):
        assert not identifiers.is_valid_upn(wrong + body)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(upn_body, st.text(max_size=14)), min_size=1, max_size=40))
def test_the_sql_upn_check_agrees_with_the_python_one(values):
    values = [
        identifiers.upn_check_letter(v) + v if len(v) == 12 and v[:11].isdigit() else v
        for v in values
    ]
    con = duckdb.connect()
    con.execute(sql.load("staging/macros"))
    got = [
        r[0]
        for r in con.execute(
            "select is_valid_upn(v) from unnest($values) with ordinality as t(v, i) order by i",
            {"values": values},
        ).fetchall()
    ]
    assert got == [identifiers.is_valid_upn(v) for v in values]


postcode = st.builds(
    lambda area, district, sector, unit, space: f"{area}{district}{space}{sector}{unit}",
    st.sampled_from(["B", "M", "SW", "EC", "LS", "CR"]),
    st.integers(1, 99).map(str),
    st.integers(0, 9).map(str),
    st.text(alphabet="ABDEFGHJLNPQRSTUWXYZ", min_size=2, max_size=2),
    st.sampled_from(["", " "]),
)
email = st.builds(
    lambda user, host: f"{user}@{host}.org.uk",
    st.from_regex(r"[a-z][a-z0-9.]{0,10}", fullmatch=True),
    st.from_regex(r"[a-z]{2,10}", fullmatch=True),
)
ni_number = st.builds(
    lambda prefix, number, suffix: f"{prefix}{number}{suffix}",
    st.sampled_from(["AB", "CE", "JM", "PR", "HT"]),  # QQ is not a real prefix
    st.integers(0, 999_999).map(lambda n: f"{n:06d}"),
    st.sampled_from("ABCD"),
)
mobile = st.integers(0, 999_999_999).map(lambda n: f"07{n:09d}")
upn = upn_body.map(lambda b: identifiers.upn_check_letter(b) + b)
KINDS = {
    "UPNs (unique pupil numbers)": upn,
    "e-mail addresses": email,
    "UK postcodes": postcode,
    "National Insurance numbers": ni_number,
    "UK phone numbers": mobile,
}


@settings(max_examples=60, deadline=None)
@given(st.data(), st.sampled_from(sorted(KINDS)), st.integers(1, 30))
def test_a_column_mostly_of_identifiers_is_named_and_a_minority_is_not(data, kind, n):
    found = data.draw(st.lists(KINDS[kind], min_size=n, max_size=n))
    assert identifiers.identifier_kind(found + ["PUP-1"] * (n - 1) + [None, ""]) == kind
    assert identifiers.identifier_kind(found + [f"PUP-{i}" for i in range(n)]) is None


@FAST
@given(st.from_regex(r"(PUP|STF|CON|REF)-[A-Z]{2,4}-\d{1,8}", fullmatch=True))
def test_pseudonyms_are_never_taken_for_identifiers(value):
    assert identifiers.identifier_kind([value] * 3) is None
    assert not identifiers.is_valid_upn(value)


# --- Formula neutralisation --------------------------------------------------------------------


@FAST
@given(st.text())
def test_neutralised_text_never_starts_a_formula_and_keeps_its_content(text):
    safe = exports.neutralise(text)
    assert not safe.startswith(exports.FORMULA_STARTS)
    assert not exports.is_hostile_line(safe)
    assert safe.replace("'", "") == text.replace("'", "")  # apostrophes added, nothing else
    if text.startswith(exports.FORMULA_STARTS):
        assert safe.startswith("'" + text[0])


@FAST
@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.none(), st.booleans()))
def test_non_text_values_are_left_alone(value):
    assert exports.neutralise(value) == value or value != value


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(max_size=12), st.text(max_size=12), st.integers(0, 5)),
        min_size=1,
        max_size=8,
    ),
    st.text(min_size=1, max_size=6),
)
def test_no_exported_csv_cell_can_run_as_a_formula(table, header):
    frame = pd.DataFrame(table, columns=[header + "a", "=b", "c"])
    text = exports.csv_bytes(frame).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert cells and all(not cell.startswith(exports.FORMULA_STARTS) for cell in cells)


# --- Nothing uploaded in logs or messages ------------------------------------------------------

HEADER = "academy_code,concern_id,pupil_ref,logged_at,category"


def _files(tmp_path):
    academies = tmp_path / "academies.csv"
    academies.write_text(ACADEMIES_CSV)
    quarantined = tmp_path / "one-upn.csv"  # a row quarantined: its UPN must not be echoed
    quarantined.write_text(
        f"{HEADER}\nOAK,C1,PUP-1,2026-03-02,neglect\nOAK,C2,{FAKE_UPN},2026-03-02,neglect\n"
        f"OAK,C3,PUP-3,2026-03-02,neglect\n"
    )
    refused = tmp_path / "extra-upns.csv"  # a refused file: an extra column of UPNs
    refused.write_text(
        f"{HEADER},ref2\n"
        + "".join(f"OAK,C{n},PUP-{n},2026-03-02,neglect,{FAKE_UPN}\n" for n in range(4))
    )
    unexpected = tmp_path / "bad-dates.csv"  # values in several failing cells
    unexpected.write_text(
        f"{HEADER}\nOAK,C7,PUP-7,2026-03-02,neglect\nOAK,C8,PUP-8,2026-03-02,neglect\n"
        f"OAK,{FAKE_UPN},PUP-9,{FAKE_UPN},neglect\n"
    )
    return [academies, quarantined, refused, unexpected]


def test_no_uploaded_value_reaches_logs_messages_or_the_quarantine(tmp_path, caplog, capsys):
    db = tmp_path / "trust.duckdb"
    caplog.set_level(logging.DEBUG)
    results = ingest_files(_files(tmp_path), db=db, who="t", today=TODAY)
    assert [r.status for r in results] == ["loaded", "loaded", "refused", "loaded"]
    assert results[1].rows_quarantined == 1 and results[3].rows_quarantined == 1
    said = capsys.readouterr()
    everything = "\n".join(
        [
            caplog.text,
            said.out,
            said.err,
            repr(results),
            repr(rows(db, "select * from quarantine")),
            repr(rows(db, "select * from ingest_log")),
        ]
    )
    assert FAKE_UPN not in everything
    assert "holds UPNs (unique pupil numbers)" in results[2].message


def test_the_command_line_prints_no_uploaded_value(tmp_path):
    files = _files(tmp_path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "safeguarding",
            "ingest",
            *map(str, files),
            "--db",
            str(tmp_path / "t.duckdb"),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1  # one file refused
    assert "refused" in done.stdout
    assert FAKE_UPN not in done.stdout + done.stderr


# --- Governor outputs: no 1-5, no recovery by subtraction ------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 40), min_size=2, max_size=5), min_size=2, max_size=6).filter(
        lambda t: len({len(r) for r in t}) == 1
    )
)
def test_suppressed_tables_show_no_small_count_and_cannot_be_undone_by_subtraction(table):
    columns = [f"k{j}" for j in range(len(table[0]))]
    frame = pd.DataFrame(table, columns=columns, index=[f"A{i}" for i in range(len(table))])
    frame["total"] = frame[columns].sum(axis=1)
    frame.loc["TOTAL"] = frame.sum()
    shown = disclosure.suppress_counts_table(
        frame, columns, total_row="TOTAL", total_column="total", limit=5
    )
    for value in shown.to_numpy().ravel():
        assert value == "c" or not 1 <= value <= 5
    members = [i for i in shown.index if i != "TOTAL"]
    lines = [(shown.loc[i, columns].tolist(), shown.loc[i, "total"]) for i in shown.index]
    lines += [(shown.loc[members, c].tolist(), shown.loc["TOTAL", c]) for c in [*columns, "total"]]
    for cells, total in lines:
        if total != "c":
            # With a visible total, one hidden cell would be the total minus the rest.
            assert sum(1 for v in cells if v == "c") != 1, (cells, total)


# --- Server hardening -------------------------------------------------------------------------


def test_streamlit_config_hardening():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert config["client"]["showErrorDetails"] in ("none", False)
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["toolbarMode"] == "viewer"
    # Streamlit's own table download writes cells unneutralised: only download_csv exports.
    assert config["client"]["disableDataExport"] is True
    # The server refuses an upload over the cap, which is the ingest's own limit.
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == reading.MAX_FILE_BYTES
    assert config["server"].get("enableCORS", True) is True


def test_streamlit_reads_the_hardening_from_the_project(tmp_path):
    probe = (
        "from streamlit import config\n"
        "config.get_config_options(force_reparse=True)\n"
        "print(config.get_option('server.enableXsrfProtection'),"
        " config.get_option('client.showErrorDetails'),"
        " config.get_option('browser.gatherUsageStats'),"
        " config.get_option('server.maxUploadSize'),"
        " config.get_option('client.disableDataExport'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == ["True", "none", "False", "250", "True"], done.stderr


# --- Trusted reverse-proxy header --------------------------------------------------------------

PROXY_HEADER = "X-Forwarded-Email"
TRUSTED_USERS = """
[users."lead@trust.example"]
role = "trust_lead"
"""


def proxy_headers(*pairs: tuple[str, str]):
    """Request headers as Streamlit 1.67 gives them to a page (st.context.headers)."""
    return StreamlitHeaders([("Host", "dashboard.trust.example"), *pairs])


def test_the_trusted_header_names_the_user_when_the_proxy_sent_it_once():
    headers = proxy_headers(("x-forwarded-email", " lead@trust.example "))
    assert session.trusted_identity(headers, PROXY_HEADER) == "lead@trust.example"


@pytest.mark.parametrize(
    ("pairs", "reason"),
    [
        (
            [(PROXY_HEADER, "lead@trust.example"), (PROXY_HEADER, "someone@else.example")],
            "carried the sign-in header X-Forwarded-Email 2 times",
        ),
        (  # the same header under another case is the same header
            [("x-forwarded-email", "someone@else.example"), (PROXY_HEADER, "lead@trust.example")],
            "2 times",
        ),
        (  # two identical copies: still not what the proxy sends
            [(PROXY_HEADER, "lead@trust.example"), (PROXY_HEADER, "lead@trust.example")],
            "2 times",
        ),
        (  # an empty copy beside the real one
            [(PROXY_HEADER, ""), (PROXY_HEADER, "lead@trust.example")],
            "2 times",
        ),
        (  # a look-alike that some servers read as the same header
            [("X_Forwarded_Email", "someone@else.example"), (PROXY_HEADER, "lead@trust.example")],
            "2 times",
        ),
        (  # two copies joined into one line on the way
            [(PROXY_HEADER, "someone@else.example, lead@trust.example")],
            "held more than one value",
        ),
        ([], "did not carry the sign-in header X-Forwarded-Email"),
        ([(PROXY_HEADER, "  ")], "did not carry the sign-in header"),
    ],
)
def test_a_trusted_header_that_is_not_sent_exactly_once_is_refused(pairs, reason):
    with pytest.raises(session.SignInHeaderRefused) as refused:
        session.trusted_identity(proxy_headers(*pairs), PROXY_HEADER)
    assert reason in str(refused.value)
    assert "someone@else.example" not in str(refused.value)  # the message repeats no value


@pytest.fixture
def behind_the_proxy(demo_db, tmp_path, monkeypatch):
    """behind_the_proxy(*header pairs) -> a finished AppTest run of the overview, signed in by
    a trusted proxy header, with the request headers given."""
    users = tmp_path / "users.toml"
    users.write_text(TRUSTED_USERS)
    monkeypatch.setenv("SAFEGUARDING_USERS", str(users))
    monkeypatch.setenv("SAFEGUARDING_DB", str(demo_db))
    monkeypatch.setenv(session.TRUSTED_HEADER, PROXY_HEADER)

    def _open(*pairs: tuple[str, str]):
        # AppTest cannot seed request headers: give st.context.headers the request's instead.
        headers = proxy_headers(*pairs)
        monkeypatch.setattr(ContextProxy, "headers", property(lambda _: headers))
        app = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
        app.query_params["as_of"] = TODAY.isoformat()
        app.run()
        assert not app.exception, app.exception
        return app

    return _open


def test_behind_the_proxy_a_listed_user_sees_the_dashboard(behind_the_proxy):
    app = behind_the_proxy((PROXY_HEADER, "lead@trust.example"))
    assert not [t.value for t in app.title if t.value == "Access denied"]
    assert len(app.dataframe) > 0


def test_behind_the_proxy_a_repeated_sign_in_header_is_refused_and_nothing_else_shown(
    behind_the_proxy,
):
    app = behind_the_proxy(
        (PROXY_HEADER, "lead@trust.example"), (PROXY_HEADER, "someone@else.example")
    )
    assert [t.value for t in app.title] == ["Access denied"]
    [error] = app.error
    assert "carried the sign-in header X-Forwarded-Email 2 times" in error.value
    assert len(app.metric) == 0 and len(app.dataframe) == 0 and len(app.sidebar.children) == 0
    assert len(app.button) == 0 and len(app.markdown) == 0
