"""Retention and erasure (issue 22.2-3): `purge` removes rows past config/retention.toml and every
version of each, at every knowledge time; logs counts, never values; shrinks the file; erasing
one pupil leaves every other child's rows. The suite's today is 28 November 2026, so a 25-year
retention keeps what closed on or after 28 November 2001 and a 6-year one 28 November 2020."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil

import duckdb
import pytest
from conftest import NOW, TODAY
from metric_fixtures import build

from safeguarding import access_log, cli, database, metrics, retention

EARLY = dt.datetime(2001, 1, 1)  # a first export, long ago
LATER = dt.datetime(2005, 6, 1)  # the export that changed C-OLD


def _versions(db, table: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"select * from {table} order by all").fetchall()


@pytest.fixture
def trust(tmp_path):
    return build(
        tmp_path,
        concerns=[
            # closed in 2000, two versions: the first superseded in 2005
            {"concern_id": "C-OLD", "pupil_ref": "P-OLD", "logged_at": "2000-01-10 09:00",
             "status": "open", "known_from": EARLY, "known_until": LATER},
            {"concern_id": "C-OLD", "pupil_ref": "P-OLD", "logged_at": "2000-01-10 09:00",
             "status": "closed", "closed_at": "2000-02-01 10:00", "known_from": LATER},
            # as old, never closed: an open record is never past retention
            {"concern_id": "C-OPEN", "pupil_ref": "P-OLD", "logged_at": "2000-01-11 09:00"},
            # closed on the first day still kept
            {"concern_id": "C-EDGE", "pupil_ref": "P-EDGE", "logged_at": "2001-11-01 09:00",
             "status": "closed", "closed_at": "2001-11-28 09:00"},
            {"concern_id": "C-NEW", "pupil_ref": "P-NEW", "logged_at": "2026-01-05 09:00"},
        ],
        staff=[
            {"staff_ref": "S-LEFT", "start_date": "2010-09-01", "leave_date": "2020-07-31"},
            {"staff_ref": "S-IN", "start_date": "2010-09-01"},
        ],
        training=[
            {"staff_ref": "S-LEFT", "course": "safeguarding_update", "completed_on": "2019-09-01"},
            {"staff_ref": "S-IN", "course": "safeguarding_update", "completed_on": "2026-09-01"},
        ],
    )  # fmt: skip


def _knowledge_times(db) -> list[dt.datetime]:
    """Every moment at which some version began or ended, and one before them all."""
    with duckdb.connect(str(db), read_only=True) as con:
        moments = con.execute(
            "select distinct m from (select known_from as m from row_versions() union all "
            "select known_until from row_versions()) where m is not null order by m"
        ).fetchall()
    return [dt.datetime(1970, 1, 1), *(m for (m,) in moments), NOW]


def _refs_known(db, at: dt.datetime) -> set[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return set(
            con.execute(
                "select dataset, row_ref from row_versions() "
                "where is_known(known_from, known_until, ?::timestamp)",
                [at],
            ).fetchall()
        )


def test_purge_removes_rows_past_retention_and_every_version_of_them(trust):
    moments = _knowledge_times(trust)
    summary = retention.purge(trust)
    assert {(p["dataset"], p["academy_code"]): (p["rows"], p["versions"]) for p in summary[
        "purged"]} == {
        ("concerns", "OAK"): (1, 2),  # C-OLD, both versions
        ("staff", "OAK"): (1, 1),  # left in July 2020, over 6 years ago
        ("training", "OAK"): (1, 1),  # S-LEFT's 2019 course
    }  # fmt: skip
    gone = {("concerns", "C-OLD"), ("staff", "S-LEFT"),
            ("training", "S-LEFT safeguarding_update 2019-09-01")}  # fmt: skip
    kept = {("concerns", "C-OPEN"), ("concerns", "C-EDGE"), ("concerns", "C-NEW"),
            ("staff", "S-IN")}  # fmt: skip
    for moment in moments:
        known = _refs_known(trust, moment)
        assert not known & gone, moment
    assert kept <= _refs_known(trust, NOW)
    assert [v[1] for v in _versions(trust, "concerns_versions")] == ["C-EDGE", "C-NEW", "C-OPEN"]


def test_the_purge_log_holds_counts_and_never_a_value(trust):
    retention.purge(trust)
    logged = _versions(trust, "purge_log")
    assert {(row[2], row[4], row[5], row[6], row[7]) for row in logged} == {
        ("retention", "concerns", "OAK", 1, 2),
        ("retention", "staff", "OAK", 1, 1),
        ("retention", "training", "OAK", 1, 1),
    }
    text = json.dumps(logged, default=str)
    for value in ("C-OLD", "P-OLD", "S-LEFT"):
        assert value not in text


def test_a_dry_run_changes_nothing_and_says_what_would_go(trust):
    before = hashlib.sha256(trust.read_bytes()).hexdigest()
    summary = retention.purge(trust, dry_run=True)
    assert summary["dry_run"] and summary["rows"] == 3 and summary["versions"] == 4
    assert hashlib.sha256(trust.read_bytes()).hexdigest() == before


def test_the_file_shrinks_after_a_purge(demo_db, tmp_path):
    db = tmp_path / "trust.duckdb"
    shutil.copy(demo_db, db)
    rules = retention.load()
    rules["concerns"] = retention.Rule("concerns", 1, "test: keep a year")
    summary = retention.purge(db, rules=rules)
    assert summary["rows"] > 1000
    assert summary["file_bytes_after"] < summary["file_bytes_before"] * 0.9
    assert db.stat().st_size == summary["file_bytes_after"]
    with database.reader(db) as con:  # the database is whole: models, calendar, figures
        assert con.execute("select count(*) from concerns").fetchone()[0] > 0
        figures = metrics.compute(con, TODAY)
    assert figures[figures["metric"] == "staff_in_post"]["value"].sum() > 0


def test_erasing_one_pupil_removes_their_records_everywhere_and_nothing_else(tmp_path):
    child, other = "T-" + "A" * 16, "T-" + "B" * 16
    db = build(
        tmp_path,
        concerns=[
            {"concern_id": "C1", "pupil_ref": "P-OAK1", "trust_pupil_ref": child},
            {"concern_id": "C2", "pupil_ref": "P-ELM1", "trust_pupil_ref": child,
             "academy_code": "ELM"},
            {"concern_id": "C3", "pupil_ref": "P-OAK2", "trust_pupil_ref": other},
        ],
        referrals=[
            {"referral_id": "R1", "pupil_ref": "P-ELM1", "academy_code": "ELM"},
            {"referral_id": "R2", "pupil_ref": "P-OAK2", "trust_pupil_ref": other},
            {"referral_id": "R3", "pupil_ref": None, "concern_id": "C1"},  # about C1's pupil
        ],
        transfers=[{"trust_pupil_ref": child, "left_on": "2025-07-22", "to_academy_code": "ELM"}],
    )  # fmt: skip
    summary = retention.erase_pupil(db, child)
    assert summary["reason"] == "erasure" and summary["rows"] == 4
    assert [r[1] for r in _versions(db, "concerns_versions")] == ["C3"]
    # R3 names no pupil: it is about C1's, so it goes with C1
    assert [r[1] for r in _versions(db, "referrals_versions")] == ["R1", "R2"]
    # and the table that found R3's pupil through C1 was rebuilt without it
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select * from referred_concern_pupils").fetchall() == []
    assert _versions(db, "transfers_versions") == []
    # the academy pseudonym erases what carries it (R1 names the child only by P-ELM1)
    retention.erase_pupil(db, "P-ELM1")
    assert [r[1] for r in _versions(db, "referrals_versions")] == ["R2"]


def test_figures_as_known_before_a_purge_say_that_rows_were_purged(trust, capsys):
    retention.purge(trust)
    arguments = ["metrics", "--db", str(trust), "--as-of", "2026-11-27", "--format", "json"]
    assert cli.main([*arguments, "--known-at", "2026-11-27"]) == 0
    assert "were purged (retention) on 2026-11-28" in capsys.readouterr().err
    assert cli.main(arguments) == 0  # the latest figures: nothing to say
    assert "purged" not in capsys.readouterr().err


def test_the_access_log_keeps_entries_for_its_retention_only(trust, tmp_path, monkeypatch):
    path = tmp_path / "log.jsonl"
    monkeypatch.setenv(access_log.PATH_VARIABLE, str(path))
    access_log.record(trust, "lead@trust.example", "trust_lead", "recent", ["OAK"])
    [recent] = access_log.read(trust)
    old = {**recent, "at": "2019-01-01T09:00:00", "view": "old"}
    path.write_text(json.dumps(old) + "\n" + path.read_text(), encoding="utf-8")
    summary = retention.purge(trust)
    assert summary["access_log_entries_purged"] == 1
    assert [e["view"] for e in access_log.read(trust)] == ["recent"]


def test_a_bad_retention_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "retention.toml"
    path.write_text("[concerns]\nkeep_years = -1\n")
    with pytest.raises(retention.RetentionFileError, match="keep_years") as error:
        retention.load(path)
    assert str(path) in str(error.value)
    path.write_text("[pupils]\nkeep_years = 3\n")
    with pytest.raises(retention.RetentionFileError, match="not a dataset"):
        retention.load(path)


def test_the_purge_command_prints_and_exits(trust, capsys):
    assert cli.main(["purge", "--db", str(trust), "--dry-run"]) == 0
    assert "would remove 3 row(s), 4 version(s)" in capsys.readouterr().out
    assert cli.main(["purge", "--db", str(trust), "--pupil", "P-NEW", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 1
    assert cli.main(["purge", "--db", str(trust), "--pupil", " "]) == cli.EXIT_USAGE
