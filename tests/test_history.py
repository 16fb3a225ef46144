"""What was known when (product.md §2.5): every row version is kept with the ingest that
brought it and the one that superseded or retired it, and every figure can be computed as the
database stood at any past moment. Hand-made rows, ingested at moments the test chooses."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from conftest import rows

from safeguarding import board_pack, cli, database, metrics

HEADER = "academy_code,concern_id,pupil_ref,logged_at,category,dsl_reviewed_at,status\n"
C1 = "OAK,C1,PUPIL-A,2026-10-05 09:00,neglect,,open\n"
C1_REVIEWED = "OAK,C1,PUPIL-A,2026-10-05 09:00,neglect,2026-10-05 11:00,open\n"
C2 = "OAK,C2,PUPIL-B,2026-10-06 09:00,neglect,2026-10-06 10:00,open\n"
C3 = "OAK,C3,PUPIL-C,2026-10-07 09:00,neglect,2026-10-07 10:00,open\n"
C4 = "OAK,C4,PUPIL-D,2026-10-08 09:00,neglect,2026-10-08 10:00,open\n"
MONDAY = dt.datetime(2026, 11, 2, 8, 0)
WEEK = dt.timedelta(days=7)
AS_OF = dt.date(2026, 11, 27)


def _versions(db, concern_id):
    return rows(
        db,
        "select dsl_reviewed_at is not null, known_from, known_until, retired_by "
        f"from concerns_versions where concern_id = '{concern_id}' order by known_from",
    )


def _figures(db, known_at=None):
    with database.reader(db) as con:
        frame = metrics.compute(con, AS_OF, academies=["OAK"], known_at=known_at)
    figures = frame[frame["academy_code"] == "OAK"].set_index("metric")
    return {
        "logged": int(figures.loc["concerns_logged", "value"]),
        "on_time": int(figures.loc["dsl_review_on_time_pct", "numerator"]),
    }


def test_a_changed_row_adds_a_version_and_the_past_keeps_the_old_one(trust, db):
    trust("concerns.csv", HEADER + C1 + C2, now=MONDAY)
    changed = trust("concerns.csv", HEADER + C1_REVIEWED + C2, now=MONDAY + WEEK)
    assert (changed.status, changed.rows_changed) == ("loaded", 1)
    [(second_ingest,)] = rows(db, "select max(ingest_id) from ingest_log")
    assert _versions(db, "C1") == [
        (False, MONDAY, MONDAY + WEEK, second_ingest),  # superseded by the second ingest
        (True, MONDAY + WEEK, None, None),
    ]
    assert _versions(db, "C2") == [(True, MONDAY, None, None)]  # unchanged: one version
    assert _figures(db) == {"logged": 2, "on_time": 2}
    assert _figures(db, MONDAY + dt.timedelta(days=1)) == {"logged": 2, "on_time": 1}
    assert _figures(db, MONDAY - dt.timedelta(minutes=1)) == {"logged": 0, "on_time": 0}


def test_an_identical_re_export_adds_no_version(trust, db):
    trust("concerns.csv", HEADER + C1 + C2, now=MONDAY)
    again = trust("concerns.csv", HEADER + C1 + C2, now=MONDAY + WEEK)
    assert (again.status, again.rows_changed, again.rows_retired) == ("unchanged", 0, 0)
    assert rows(db, "select count(*) from concerns_versions") == [(2,)]


def test_a_full_export_retires_the_rows_it_no_longer_holds_and_a_later_one_restores_them(trust, db):
    trust("concerns.csv", HEADER + C1 + C2 + C3, now=MONDAY)
    full = trust("concerns.csv", HEADER + C1 + C3, now=MONDAY + WEEK, full=True)
    assert (full.status, full.rows_changed, full.rows_retired) == ("loaded", 0, 1)
    assert rows(db, "select concern_id from concerns order by 1") == [("C1",), ("C3",)]
    [(retired_by,)] = rows(db, "select retired_by from concerns_versions where concern_id = 'C2'")
    assert retired_by is not None
    assert _figures(db)["logged"] == 2
    assert _figures(db, MONDAY + dt.timedelta(days=1))["logged"] == 3  # as known before
    # A later export that holds C2 again (merged back at source) restores it as a new version.
    restored = trust("concerns.csv", HEADER + C2, now=MONDAY + 2 * WEEK)
    assert restored.rows_changed == 1
    assert [v[1:3] for v in _versions(db, "C2")] == [
        (MONDAY, MONDAY + WEEK),
        (MONDAY + 2 * WEEK, None),
    ]
    assert _figures(db)["logged"] == 3


def test_a_plain_export_never_retires(trust, db):
    trust("concerns.csv", HEADER + C1 + C2, now=MONDAY)
    plain = trust("concerns.csv", HEADER + C1, now=MONDAY + WEEK)
    assert plain.rows_retired == 0
    assert rows(db, "select count(*) from concerns") == [(2,)]


def test_a_full_export_that_would_retire_most_rows_is_refused_unless_confirmed(trust, db):
    from conftest import table_checksums

    trust("concerns.csv", HEADER + C1 + C2 + C3 + C4, now=MONDAY)
    before = table_checksums(db)
    refused = trust("concerns.csv", HEADER + C1, now=MONDAY + WEEK, full=True)
    assert refused.status == "refused"
    assert "OAK: 3 of its 4 concerns rows" in refused.message
    assert "--allow-mass-retire" in refused.message
    assert table_checksums(db) == before  # nothing stored, history included
    allowed = trust(
        "concerns.csv", HEADER + C1, now=MONDAY + WEEK, full=True, allow_mass_retire=True
    )
    assert (allowed.status, allowed.rows_retired) == ("loaded", 3)


def test_a_quarantined_line_in_a_full_export_retires_nothing(trust, db):
    trust("concerns.csv", HEADER + C1 + C2, now=MONDAY)
    broken_c2 = "OAK,C2,PUPIL-B,not a date,neglect,,open\n"
    full = trust("concerns.csv", HEADER + C1 + broken_c2, now=MONDAY + WEEK, full=True)
    assert (full.rows_quarantined, full.rows_retired) == (1, 0)
    assert rows(db, "select count(*) from concerns") == [(2,)]


def test_the_command_line_reads_the_database_as_it_stood(trust, db, capsys, time_machine):
    time_machine.move_to(MONDAY + dt.timedelta(hours=1), tick=False)
    trust("concerns.csv", HEADER + C1 + C2)
    argv = ["metrics", "--as-of", AS_OF.isoformat(), "--db", str(db), "--format", "json"]
    time_machine.move_to(AS_OF + dt.timedelta(days=1), tick=False)
    assert cli.main(argv) == 0
    printed_then = capsys.readouterr().out
    time_machine.move_to(dt.datetime(2026, 11, 30, 9, 0), tick=False)
    trust("concerns.csv", HEADER + C1_REVIEWED + C3, full=True, allow_mass_retire=True)
    assert cli.main(argv) == 0
    assert capsys.readouterr().out != printed_then
    assert cli.main([*argv, "--known-at", "2026-11-28"]) == 0
    assert capsys.readouterr().out == printed_then
    assert cli.main([*argv, "--known-at", "2026-11-30 08:59"]) == 0
    assert capsys.readouterr().out == printed_then
    assert cli.main([*argv, "--known-at", "2026-12-01"]) == 2  # after now
    assert "--known-at" in capsys.readouterr().err
    assert cli.main([*argv, "--known-at", "last week"]) == 2


def _cells(content: bytes) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {
        (sheet.title, cell.coordinate): cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }


def _cover_cell(cells: dict, label: str) -> tuple[str, str]:
    """The cover's value cell (column B) beside a label in column A."""
    [(_, coordinate)] = [k for k, v in cells.items() if k[0] == "Cover" and v == label]
    return ("Cover", "B" + coordinate[1:])


def _cover_value(cells: dict, label: str):
    return cells[_cover_cell(cells, label)]


@pytest.mark.parametrize("role", ["trust_lead", "governor"])
def test_a_board_pack_rebuilt_as_known_a_week_earlier_is_the_same_cell_for_cell(
    trust, db, time_machine, role
):
    time_machine.move_to(MONDAY, tick=False)
    trust("concerns.csv", HEADER + C1 + C2 + C3)
    time_machine.move_to(MONDAY + dt.timedelta(days=3), tick=False)
    with database.reader(db) as con:
        original = _cells(board_pack.build_board_pack(con, AS_OF - dt.timedelta(days=20), role))
    time_machine.move_to(MONDAY + WEEK + dt.timedelta(days=3), tick=False)
    trust("concerns.csv", HEADER + C1_REVIEWED + C4, full=True, allow_mass_retire=True)
    known_at = _cover_value(original, "As known at")
    with database.reader(db) as con:
        rebuilt = _cells(
            board_pack.build_board_pack(con, AS_OF - dt.timedelta(days=20), role, known_at=known_at)
        )
        latest = _cells(board_pack.build_board_pack(con, AS_OF - dt.timedelta(days=20), role))
    assert known_at == MONDAY + dt.timedelta(days=3)  # the moment it was built
    generated_at = {_cover_cell(original, "Prepared on")}
    same = {k: v for k, v in original.items() if k not in generated_at}
    assert {k: v for k, v in rebuilt.items() if k not in generated_at} == same
    if role == "trust_lead":  # a governor's pack shows these few concerns as c either way
        moments = generated_at | {_cover_cell(original, "As known at")}
        assert {k: v for k, v in latest.items() if k not in moments} != {
            k: v for k, v in same.items() if k not in moments
        }


def test_an_existing_database_keeps_its_rows_as_their_first_version(trust, db):
    trust("concerns.csv", HEADER + C1 + C2, now=MONDAY)
    [(known_from,)] = rows(db, "select distinct known_from from concerns_versions")
    [(ingested_at,)] = rows(
        db, "select max(ingested_at) from ingest_log where dataset = 'concerns'"
    )
    assert known_from == ingested_at
    printed = json.dumps(_figures(db))
    assert printed == json.dumps({"logged": 2, "on_time": 1})


def test_on_the_demo_trust_metrics_known_at_a_moment_are_those_printed_then(
    demo_build, tmp_path, capsys, time_machine
):
    """The demo is loaded on the suite's clock. A week later, two academies send full exports
    with rows changed and rows gone; the figures as known before then are those printed then."""
    import csv
    import shutil

    from safeguarding.ingest import ingest_files

    demo_db, result, _ = demo_build
    db = tmp_path / "trust.duckdb"
    shutil.copyfile(demo_db, db)
    argv = ["metrics", "--db", str(db), "--as-of", AS_OF.isoformat(), "--format", "json"]
    assert cli.main(argv) == 0
    printed_then = capsys.readouterr().out
    loaded_by = rows(db, "select max(ingested_at) from ingest_log")[0][0]

    changed = []
    for path in result.files:
        if path.name not in ("OAK-concerns.csv", "ELM-referrals.csv"):
            continue
        with open(path, newline="", encoding="utf-8-sig") as f:
            records = list(csv.DictReader(f))
        kept = records[: len(records) * 3 // 4]  # a quarter gone at source
        # and some reviews and answers withdrawn (columns in each academy's own words)
        [answered] = [c for c in records[0] if "review" in c.lower() or "feedback" in c.lower()]
        for record in kept[:20]:
            record[answered] = ""
        out = tmp_path / path.name
        with open(out, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(records[0]))
            writer.writeheader()
            writer.writerows(kept)
        changed.append(out)
    time_machine.move_to(loaded_by + WEEK, tick=False)
    loads = ingest_files(changed, db=db, full=True, who="test")
    assert all(r.status == "loaded" and r.rows_retired > 0 for r in loads), loads
    assert cli.main(argv) == 0
    assert capsys.readouterr().out != printed_then
    known_then = (loaded_by + dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    assert cli.main([*argv, "--known-at", known_then]) == 0
    assert capsys.readouterr().out == printed_then


def test_changes_say_which_rows_behind_a_figure_were_added_changed_or_retired(trust, db, capsys):
    trust("concerns.csv", HEADER + C1 + C2 + C3, now=MONDAY)
    trust("concerns.csv", HEADER + C1_REVIEWED + C3 + C4, now=MONDAY + WEEK, full=True)
    argv = ["changes", "--metric", "dsl_review_on_time_pct", "--db", str(db), "--format", "json"]
    assert cli.main([*argv, "--since", "2026-11-03", "--until", "2026-11-10"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [(r["row_ref"], r["change"]) for r in printed] == [
        ("C4", "added"),
        ("C1", "changed"),
        ("C2", "retired"),
    ]
    assert {r["by_file"] for r in printed} == {"concerns.csv"}
    # Nothing changed in the week before, and staff metrics read other datasets.
    assert cli.main([*argv, "--since", "2026-10-20", "--until", "2026-11-01"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    staff = ["changes", "--metric", "staff_in_post", "--since", "2026-11-03", "--db", str(db)]
    assert cli.main(staff) == 0
    assert "No row behind this figure changed" in capsys.readouterr().out
    assert cli.main([*argv, "--since", "2026-11-10", "--until", "2026-11-03"]) == 2


def test_status_reads_the_ingest_history_as_it_stood(trust, db, capsys):
    trust("concerns.csv", HEADER + C1, now=MONDAY)
    trust("concerns.csv", HEADER + C1 + C2, now=MONDAY + WEEK)
    argv = ["status", "--as-of", "2026-11-20", "--db", str(db)]
    assert cli.main([*argv, "--known-at", "2026-11-05"]) == 0
    then = capsys.readouterr().out
    assert cli.main(argv) == 0
    now = capsys.readouterr().out
    assert then.count("concerns.csv") == 1 and now.count("concerns.csv") == 2
    assert "Data freshness at 2026-11-20" in then


def test_an_older_database_is_upgraded_in_place_its_rows_their_first_version(db, monkeypatch):
    """A version-4 file (rows stored in place) keeps every row, now as its first version,
    known from the ingest that wrote it."""
    from safeguarding import sql
    from safeguarding.calendar import refresh_calendar

    version_4 = sql.migrations()[:4]
    with monkeypatch.context() as old_code:
        old_code.setattr(sql, "migrations", lambda: version_4)
        old_code.setattr(database, "SCHEMA_VERSION", 4)
        old_code.setattr(sql, "models", lambda: ())
        with database.writer(db, after_write=refresh_calendar) as con:
            con.execute("insert into academies values ('OAK', 'Oak', 'primary', null, null, 1, 1)")
            con.execute(
                "insert into ingest_log values (7, 'concerns.csv', 'x', 'concerns', 'OAK', "
                "'loaded', 1, 1, 0, [], null, 'test', ?)",
                [MONDAY],
            )
            con.execute(
                "insert into concerns (academy_code, concern_id, pupil_ref, logged_at, category, "
                "status, ingest_id) values ('OAK', 'C1', 'PUPIL-A', '2026-10-05 09:00', "
                "'neglect', 'open', 7)"
            )
    assert _figures(db) == {"logged": 1, "on_time": 0}  # reading upgrades it
    assert rows(db, "select max(version) from schema_version") == [(database.SCHEMA_VERSION,)]
    assert _versions(db, "C1") == [(False, MONDAY, None, None)]
    assert _figures(db, MONDAY - dt.timedelta(seconds=1)) == {"logged": 0, "on_time": 0}
