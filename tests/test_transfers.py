"""Child-protection files that follow a child who moves school (KCSIE Part 2): the transfers
dataset, its ingest checks and the two metrics, on hand-made rows with hand-computed figures.

St Bart's 2025/26 term dates with the autumn half-term 27-31 October 2025. The deadline is the
5th school day after the day the child left:
  Wed 1 Oct  -> Thu 2, Fri 3, Mon 6, Tue 7, Wed 8 Oct
  Wed 15 Oct -> Wed 22 Oct
  Fri 24 Oct -> (half-term) Mon 3, Tue 4, Wed 5, Thu 6, Fri 7 Nov; 5 *working* days would be
                Fri 31 Oct, inside the half-term
  Mon 3 Nov  -> Mon 10 Nov
  Mon 1 Dec  -> Mon 8 Dec
  Wed 22 Jul 2026 (the last day of the summer term) -> 2026/27 is not listed, so it has the
                default terms (autumn from 1 September): Tue 1, Wed 2, Thu 3, Fri 4, Mon 7 Sep
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import NOW
from metric_fixtures import build, day, drill, metric, results
from test_anonymise import ACADEMIES, MAPPING, UPNS, out_rows, write_raw
from test_bad_input_corpus import valid_upns
from test_calendar import HALF_TERM, TERMS_2025_26

from safeguarding import anonymise, database, disclosure, metrics, standards
from safeguarding.anonymise import AnonymiseRefused, anonymise_file
from safeguarding.ingest import ingest_files
from safeguarding.paths import PROJECT_ROOT
from safeguarding.window import Window, bind

AUTUMN = {"date_from": "2025-09-01", "date_to": "2025-12-31"}
AS_OF = "2025-12-31"


def transfer(ref: str, left_on: str, sent: str | None = None, received: str | None = None, **kw):
    return {
        "trust_pupil_ref": f"T-{ref * 16}"[:18],
        "left_on": left_on,
        "cp_file_sent_on": sent,
        "receipt_confirmed_on": received,
        **kw,
    }


AUTUMN_TRANSFERS = [
    # over the half-term: due Fri 7 Nov, sent Thu 6 Nov - on time; receipt confirmed
    transfer("A", "2025-10-24", "2025-11-06", "2025-11-10", to_academy_code="ELM"),
    # due Wed 8 Oct, sent Thu 9 Oct - late; receipt never confirmed
    transfer("B", "2025-10-01", "2025-10-09"),
    # due Mon 10 Nov, sent Wed 12 Nov - late; receipt confirmed the next day
    transfer("C", "2025-11-03", "2025-11-12", "2025-11-13"),
    # the file went the day before the child left - on time; no receipt
    transfer("D", "2025-10-15", "2025-10-14"),
    # due Mon 8 Dec, sent in January: at the as-of date not sent - overdue, no receipt due
    transfer("E", "2025-12-01", "2026-01-10"),
    # ELM's leaver: due Wed 8 Oct, sent Thu 2 Oct, receipt Fri 3 Oct
    transfer("F", "2025-10-01", "2025-10-02", "2025-10-03", academy_code="ELM"),
]


@pytest.fixture
def terms_config(tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    (config / "terms.toml").write_text(TERMS_2025_26 + HALF_TERM, encoding="utf-8")
    monkeypatch.setenv("SAFEGUARDING_CONFIG", str(config))
    return config


@pytest.fixture
def autumn_db(tmp_path, terms_config):
    rows = [
        {"academy_code": "OAK", **t} if "academy_code" not in t else t for t in AUTUMN_TRANSFERS
    ]
    return build(tmp_path, transfers=rows)


def deadlines(db, as_of: str, **window) -> dict[str, tuple]:
    """trust pseudonym -> (deadline, file status) from the model, for one window."""
    w = Window.ending(day(as_of), *(day(window[k]) for k in ("date_from", "date_to")))
    with database.reader(db) as con:
        found = con.execute(
            "select trust_pupil_ref, cp_file_deadline_on, file_status "
            "from transfer_deadlines($windows, $standards)",
            {"windows": bind([w]), "standards": standards.load().query_parameters()},
        ).fetchall()
    return {ref: (deadline, status) for ref, deadline, status in found}


def test_the_deadline_counts_school_days_over_the_half_term(autumn_db):
    found = deadlines(autumn_db, AS_OF, **AUTUMN)
    assert found["T-AAAAAAAAAAAAAAAA"] == (day("2025-11-07"), "on_time")
    assert found["T-BBBBBBBBBBBBBBBB"] == (day("2025-10-08"), "late")
    assert found["T-CCCCCCCCCCCCCCCC"] == (day("2025-11-10"), "late")
    assert found["T-DDDDDDDDDDDDDDDD"] == (day("2025-10-22"), "on_time")
    assert found["T-EEEEEEEEEEEEEEEE"] == (day("2025-12-08"), "overdue")


def test_files_sent_on_time_per_academy_and_trust(autumn_db):
    # OAK: A and D on time of A, B, C, D, E due; ELM: F; the trust adds them.
    assert metric(autumn_db, "cp_file_sent_on_time_pct", AS_OF, **AUTUMN) == (40.0, 2, 5)
    assert metric(autumn_db, "cp_file_sent_on_time_pct", AS_OF, "ELM", **AUTUMN) == (100.0, 1, 1)
    assert metric(autumn_db, "cp_file_sent_on_time_pct", AS_OF, "TRUST", **AUTUMN) == (50.0, 3, 6)
    # an academy with no leavers has nothing due: no figure, not 0 %
    assert metric(autumn_db, "cp_file_sent_on_time_pct", AS_OF, "ASH", **AUTUMN) == (None, 0, 0)


def test_receipt_confirmed_among_the_files_sent(autumn_db):
    # OAK: A, B, C, D sent (E not by the as-of date); A and C confirmed.
    assert metric(autumn_db, "cp_file_receipt_confirmed_pct", AS_OF, **AUTUMN) == (50.0, 2, 4)
    assert metric(autumn_db, "cp_file_receipt_confirmed_pct", AS_OF, "TRUST", **AUTUMN) == (
        60.0,
        3,
        5,
    )


def test_a_deadline_still_to_come_is_not_counted_yet(autumn_db):
    # On Fri 7 Nov C (left Mon 3 Nov) is not due; A is due that very day and was sent, so A
    # and D are on time of A, B and D.
    autumn_so_far = {"date_from": "2025-10-01", "date_to": "2025-11-30"}
    assert metric(autumn_db, "cp_file_sent_on_time_pct", "2025-11-07", **autumn_so_far) == (
        66.7,
        2,
        3,
    )
    # On Mon 10 Nov C is due and not sent (sent on the 12th, after this as-of date).
    assert metric(autumn_db, "cp_file_sent_on_time_pct", "2025-11-10", **autumn_so_far) == (
        50.0,
        2,
        4,
    )


def test_the_late_list_is_the_denominator_less_the_numerator(autumn_db):
    listed = drill(autumn_db, "cp_file_late_list", AS_OF, **AUTUMN)
    assert [(r["trust_pupil_ref"], r["cp_file_deadline_on"], r["is_sent"]) for r in listed] == [
        ("T-BBBBBBBBBBBBBBBB", "2025-10-08", True),
        ("T-CCCCCCCCCCCCCCCC", "2025-11-10", True),
        ("T-EEEEEEEEEEEEEEEE", "2025-12-08", False),
    ]
    _, numerator, denominator = metric(
        autumn_db, "cp_file_sent_on_time_pct", AS_OF, "TRUST", **AUTUMN
    )
    assert len(listed) == denominator - numerator
    # a file sent after the as-of date reads as not sent
    assert listed[2]["cp_file_sent_on"] is None


def test_a_move_in_the_summer_holiday_counts_from_the_first_days_of_the_new_term(
    tmp_path, terms_config
):
    db = build(
        tmp_path,
        transfers=[
            # due Mon 7 Sep 2026: sent that day - on time
            {"academy_code": "OAK", **transfer("G", "2026-07-22", "2026-09-07")},
            # the same move, the file sent Tue 8 Sep - late
            {"academy_code": "ELM", **transfer("H", "2026-07-22", "2026-09-08")},
        ],
    )
    summer = {"date_from": "2026-07-01", "date_to": "2026-07-31"}
    found = deadlines(db, "2026-09-30", **summer)
    assert found["T-GGGGGGGGGGGGGGGG"] == (day("2026-09-07"), "on_time")
    assert found["T-HHHHHHHHHHHHHHHH"] == (day("2026-09-07"), "late")
    # nothing is due in August, when the school is closed
    assert metric(db, "cp_file_sent_on_time_pct", "2026-08-31", "TRUST", **summer) == (None, 0, 0)


def test_without_term_dates_school_days_are_working_days(tmp_path):
    # Fri 24 Oct 2025 + 5 working days: Fri 31 Oct; a file sent Thu 6 Nov is late.
    db = build(
        tmp_path, transfers=[{"academy_code": "OAK", **transfer("A", "2025-10-24", "2025-11-06")}]
    )
    assert deadlines(db, AS_OF, **AUTUMN)["T-AAAAAAAAAAAAAAAA"] == (day("2025-10-31"), "late")


def test_the_number_of_school_days_comes_from_the_standards_file(tmp_path, terms_config):
    shipped = standards.SHIPPED_STANDARDS.read_text(encoding="utf-8")
    (terms_config / "standards.toml").write_text(
        shipped.replace("target_school_days = 5", "target_school_days = 3"), encoding="utf-8"
    )
    db = build(tmp_path, transfers=[{"academy_code": "OAK", **transfer("A", "2025-10-24")}])
    # Mon 3, Tue 4, Wed 5 Nov
    assert deadlines(db, AS_OF, **AUTUMN)["T-AAAAAAAAAAAAAAAA"] == (day("2025-11-05"), "overdue")


def test_governors_see_small_transfer_figures_as_c(autumn_db):
    frame = results(autumn_db, AS_OF, **AUTUMN)
    shown = disclosure.suppress_metrics(frame)
    rows = shown[
        shown["metric"].isin(["cp_file_sent_on_time_pct", "cp_file_receipt_confirmed_pct"])
    ]
    figures = rows[rows["academy_code"].isin(["OAK", "ELM", "TRUST"])]
    assert set(figures["value"]) == {"c"}
    oak = figures[figures["academy_code"] == "OAK"]
    assert set(oak["numerator"]) | set(oak["denominator"]) == {"c"}
    # the staff figures beside them are not about children: never hidden
    staff = shown[(shown["metric"] == "staff_in_post") & (shown["academy_code"] == "OAK")]
    assert "c" not in set(staff["value"])


# --- ingest: the file, its checks, and its history --------------------------------------------

HEADER = (
    "academy_code,trust_pupil_ref,pupil_ref,left_on,to_academy_code,cp_file_sent_on,"
    "receipt_confirmed_on\n"
)


def _academies(tmp_path):
    path = tmp_path / "academies.csv"
    path.write_text(
        "academy_code,academy_name,phase\nOAK,Oak Primary,primary\nELM,Elm Secondary,secondary\n",
        encoding="utf-8",
    )
    return path


def test_a_transfers_export_loads_and_bad_rows_are_quarantined_with_reasons(tmp_path):
    db = tmp_path / "t.duckdb"
    path = tmp_path / "transfers.csv"
    path.write_text(
        HEADER
        + "OAK,T-AAAAAAAAAAAAAAAA,P-OAK1,2025-10-24,ELM,2025-11-06,2025-11-10\n"  # good
        + "OAK,T-BBBBBBBBBBBBBBBB,,2025-10-01,,2025-10-09,\n"  # good: left the trust
        + "OAK,P-NOTATRUSTREF000,,2025-10-01,,,\n"  # an academy pseudonym
        + "OAK,T-CCCCCCCCCCCCCCCC,,,ELM,,\n"  # no left_on
        + "OAK,T-DDDDDDDDDDDDDDDD,,2025-10-01,ZZZ,,\n"  # not an academy of the trust
        + "OAK,T-EEEEEEEEEEEEEEEE,,2025-10-01,OAK,,\n"  # moved to itself
        + "OAK,T-FFFFFFFFFFFFFFFF,,2025-10-01,,2025-10-09,2025-10-08\n"  # receipt before sent
        + "OAK,T-GGGGGGGGGGGGGGGG,,2025-10-01,,,2025-10-08\n"  # receipt, never sent
        + "OAK,T-AAAAAAAAAAAAAAAA,,2025-10-24,ELM,,\n",  # the same key as line 2
        encoding="utf-8",
    )
    _, result = ingest_files([_academies(tmp_path), path], db=db, who="test")
    assert (result.dataset, result.status, result.rows_loaded) == ("transfers", "loaded", 2)
    reasons = {row.line_no: (row.column, row.reason) for row in result.quarantined}
    assert reasons[4][0] == "trust_pupil_ref" and "not a trust pseudonym" in reasons[4][1]
    assert reasons[5] == ("left_on", "left_on is required but blank")
    assert reasons[6][0] == "to_academy_code" and "outside the trust" in reasons[6][1]
    assert reasons[7] == ("to_academy_code", "to_academy_code is the academy the child left")
    assert reasons[8] == ("receipt_confirmed_on", "receipt_confirmed_on is before cp_file_sent_on")
    assert reasons[9][0] == "receipt_confirmed_on" and "cp_file_sent_on is blank" in reasons[9][1]
    assert "the same key as line 2" in reasons[10][1]
    with database.reader(db) as con:
        held = con.execute(
            "select trust_pupil_ref, pupil_ref, left_on, to_academy_code from transfers "
            "order by trust_pupil_ref"
        ).fetchall()
    assert held == [
        ("T-AAAAAAAAAAAAAAAA", "P-OAK1", dt.date(2025, 10, 24), "ELM"),
        ("T-BBBBBBBBBBBBBBBB", None, dt.date(2025, 10, 1), None),
    ]


def test_a_transfers_export_holding_real_upns_is_refused_whole(tmp_path):
    db = tmp_path / "t.duckdb"
    path = tmp_path / "transfers.csv"
    [upn] = valid_upns(1)
    path.write_text(HEADER + f"OAK,{upn},,2025-10-01,,,\n", encoding="utf-8")
    _, result = ingest_files([_academies(tmp_path), path], db=db, who="t")
    assert result.status == "refused"
    assert "trust_pupil_ref" in result.message and "UPNs" in result.message
    with database.reader(db) as con:
        assert con.execute("select count(*) from transfers_versions").fetchone() == (0,)


def test_a_file_sent_later_is_a_new_version_and_the_figure_as_known_before_stays(tmp_path):
    db = tmp_path / "t.duckdb"
    path = tmp_path / "transfers.csv"
    academies = _academies(tmp_path)
    path.write_text(HEADER + "OAK,T-AAAAAAAAAAAAAAAA,,2025-10-01,ELM,,\n", encoding="utf-8")
    first = NOW - dt.timedelta(days=7)
    ingest_files([academies, path], db=db, who="test", now=first)
    path.write_text(
        HEADER + "OAK,T-AAAAAAAAAAAAAAAA,,2025-10-01,ELM,2025-10-06,\n", encoding="utf-8"
    )
    [result] = ingest_files([path], db=db, who="test")
    assert result.rows_changed == 1
    options = {"date_from": day("2025-09-01"), "date_to": day("2025-12-31")}
    with database.reader(db) as con:
        now = metrics.compute(con, day(AS_OF), **options)
        before = metrics.compute(con, day(AS_OF), known_at=first + dt.timedelta(hours=1), **options)

    def oak(frame):
        row = frame[
            (frame["metric"] == "cp_file_sent_on_time_pct") & (frame["academy_code"] == "OAK")
        ]
        return tuple(row[["value", "numerator", "denominator"]].iloc[0])

    assert oak(now) == (100.0, 1, 1)
    assert oak(before) == (0.0, 0, 1)


# --- anonymise: a leavers export becomes a transfers file ---------------------------------------

LEAVERS = (
    "UPN,Forename,Surname,DOB,Date of Leaving,Destination School,CP File Sent,Receipt Confirmed\n"
    f"{UPNS[0]},Testchild,Alpha,01/04/2014,22/07/2026,Example Elm Secondary Academy,"
    "03/09/2026,04/09/2026\n"
    f"{UPNS[1]},Testchild,Beta,02/05/2014,14/11/2025,Testtown Free School,18/11/2025,\n"
)


def test_the_example_transfers_mapping_links_the_child_the_concerns_export_names(tmp_path):
    anonymise.create_key(tmp_path / "academy.key")
    anonymise.create_key(tmp_path / "trust-link.key")
    shipped = PROJECT_ROOT / "config" / "anonymise" / "mis-transfers.example.toml"
    mapping = tmp_path / "mis-transfers.toml"
    mapping.write_text(shipped.read_text(encoding="utf-8").replace('"CHANGEME"', '"OAK"'))
    raw = tmp_path / "leavers.csv"
    raw.write_text(LEAVERS, encoding="utf-8")
    out = tmp_path / "transfers.csv"
    keys = {"trust_key_path": tmp_path / "trust-link.key"}
    anonymise_file(raw, mapping, tmp_path / "academy.key", out, **keys)
    written = out.read_bytes()
    for secret in ("Testchild", "Alpha", "2014", "Testtown", UPNS[0], UPNS[1]):
        assert secret.encode() not in written, secret
    rows = out_rows(out)
    assert [(r["left_on"], r["to_academy_code"], r["receipt_confirmed_on"]) for r in rows] == [
        (
            "22/07/2026",
            "ELM",
            "04/09/2026",
        ),  # dates as the export wrote them: the ingest reads them
        ("14/11/2025", "", ""),  # a school outside the trust is never named
    ]
    # the same UPN in the academy's concerns export gets the same trust pseudonym
    concerns = tmp_path / "concerns.csv"
    concerns_mapping = tmp_path / "concerns.toml"
    concerns_mapping.write_text(MAPPING)
    anonymise_file(
        write_raw(tmp_path, "utf-8"), concerns_mapping, tmp_path / "academy.key", concerns, **keys
    )
    alpha = {r["trust_pupil_ref"] for r in out_rows(concerns) if r["concern_id"] == "1001"}
    assert alpha == {rows[0]["trust_pupil_ref"]}
    # and the file loads whole
    academies = tmp_path / "academies.csv"
    academies.write_text(ACADEMIES + "ELM,Demo Elm,secondary\n")
    _, result = ingest_files([academies, out], db=tmp_path / "t.duckdb", who="test")
    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("loaded", 2, 0)


def test_a_transfers_export_cannot_be_made_without_the_trust_key(tmp_path):
    anonymise.create_key(tmp_path / "academy.key")
    shipped = PROJECT_ROOT / "config" / "anonymise" / "mis-transfers.example.toml"
    mapping = tmp_path / "mis-transfers.toml"
    mapping.write_text(shipped.read_text(encoding="utf-8").replace('"CHANGEME"', '"OAK"'))
    raw = tmp_path / "leavers.csv"
    raw.write_text(LEAVERS, encoding="utf-8")
    with pytest.raises(AnonymiseRefused, match="--trust-key-file"):
        anonymise_file(raw, mapping, tmp_path / "academy.key", tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()
