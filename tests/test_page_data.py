"""The data page: freshness and history match the database; an upload through the widget goes
through the same ingest as the command line and shows its result per file, never a traceback."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest
from conftest import TODAY, writer_held_elsewhere
from page_helpers import open_as, run_page

from safeguarding import database, standards

CONCERNS = (
    b"concern_id,pupil_ref,logged_at,category,dsl_reviewed_at,Source System\n"
    b"C1,PUP-OAK-900001,2026-11-27 09:00,neglect,2026-11-27 10:00,CPOMS\n"
    b"C2,PUP-OAK-900002,31/13/2026,neglect,,CPOMS\n"
    b"C3,PUP-OAK-900003,2026-11-26 09:00,neglect,2026-11-25 10:00,CPOMS\n"
)
STAFF_WITH_NAMES = b"staff_ref,role,start_date,surname\nS1,teacher,2020-01-01,Smith\n"


def _last_exports(db) -> dict[tuple[str, str], dt.datetime]:
    """(academy, dataset) -> the last export's time, straight from the ingest log."""
    with database.reader(db) as con:
        found = con.execute(
            "select c.academy_code, l.dataset, max(l.ingested_at) from ingest_coverage c "
            "join ingest_log l using (ingest_id) where l.status in ('loaded', 'unchanged') "
            "group by all"
        ).fetchall()
    return {(a, d): at for a, d, at in found}


def _history_files(db, limit=200) -> list[str]:
    with database.reader(db) as con:
        return [
            name
            for (name,) in con.execute(
                "select file_name from ingest_log order by ingest_id desc limit $n", {"n": limit}
            ).fetchall()
        ]


def test_data_page_default_shows_freshness_history_and_templates(page, demo_db):
    app = page("pages/data.py")
    assert not app.exception
    assert app.title[0].value == "Data"
    assert [s.value for s in app.subheader] == [
        "Upload exports",
        "How fresh each academy's data is",
        "Ingest history (newest first)",
        "Who has seen children's records",  # the trust lead's view of the access log
        "Blank export templates",
    ]
    assert len(app.get("file_uploader")) == 1
    uploader = app.get("file_uploader")[0]
    assert uploader.accept_multiple_files and set(uploader.allowed_type) == {".csv", ".xlsx"}

    matrix = app.dataframe[0].value
    assert list(matrix.columns) == ["concerns", "referrals", "staff", "training", "policies"]
    exports = _last_exports(demo_db)
    academies = sorted({a for a, _ in exports if a != "TRUST"})
    assert len(matrix) == len(academies)
    for label, cells in matrix.iterrows():
        code = label.rsplit("(", 1)[1].rstrip(")")
        for dataset, text in cells.items():
            days = (TODAY - exports[(code, dataset)].date()).days
            assert text.startswith(f"{days} days")

    history = app.dataframe[1].value
    assert list(history["file_name"]) == _history_files(demo_db)[: len(history)]
    labels = {b.proto.label for b in app.get("download_button")}
    assert {"Academies", "Concerns", "Transfers", "All 7 (Excel workbook)"} <= labels
    assert len(labels) == 8


def test_changed_filters_narrow_freshness_and_history_and_mark_stale(page, demo_db, time_machine):
    """30 days after the last export, OAK only: every OAK cell is stale (over 14 days), and
    the history holds OAK's files and trust-wide ones only."""
    exports = _last_exports(demo_db)
    last = max(at for (a, _), at in exports.items() if a == "OAK")
    time_machine.move_to(last + dt.timedelta(days=30))
    as_of = last.date() + dt.timedelta(days=30)
    app = page("pages/data.py", as_of=as_of.isoformat(), academy=["OAK"])
    assert not app.exception
    matrix = app.dataframe[0].value
    assert list(matrix.index) == ["Demo Oak Primary Academy (OAK)"]
    assert standards.load().stale_after_days < 30
    assert all(text.endswith("⚠") for text in matrix.iloc[0])
    assert any("stale" in w.value for w in app.warning)
    history = app.dataframe[1].value
    named = history["academy_code"][history["academy_code"] != "not known (file refused)"]
    assert set(named) <= {"OAK", "TRUST"}
    assert "OAK-concerns.csv" in set(history["file_name"])


@pytest.fixture
def writable_page(demo_db, tmp_path, monkeypatch):
    """The data page on a private copy of the demo database (uploads change it)."""
    db = tmp_path / "trust.duckdb"
    shutil.copyfile(demo_db, db)
    monkeypatch.setenv("SAFEGUARDING_DB", str(db))
    # Loading anything takes a database out of demo mode (tests/test_demo_guard.py); these
    # tests go on previewing roles on the changed copy, as a developer may on their own machine.
    monkeypatch.setenv("SAFEGUARDING_ALLOW_DEMO_MODE", "1")

    def _open(**query_params):
        params = {"as_of": TODAY.isoformat(), **query_params}
        return run_page("pages/data.py", query_params=params)

    return db, _open


def _upload(app, files, academy=None):
    app.get("file_uploader")[0].set_value(files)
    if academy:
        app.selectbox(key="data_academy").set_value(academy)
    app.button(key="data_load").click()
    app.run()
    return app


def test_upload_through_the_widget_shows_the_result_per_file(writable_page):
    db, open_page = writable_page
    app = _upload(
        open_page(),
        [
            ("oak-concerns.csv", CONCERNS, "text/csv"),
            ("staff.csv", STAFF_WITH_NAMES, "text/csv"),
        ],
        academy="OAK",
    )
    assert not app.exception
    # the concerns file: loaded with 2 rows quarantined, shown by line with the reason
    [loaded] = [w.value for w in app.warning if "oak-concerns.csv" in w.value]
    assert "1 of 3 rows loaded" in loaded and "2 quarantined" in loaded
    assert any("Source System" in w.value for w in app.warning)
    quarantine = next(d.value for d in app.dataframe if list(d.value.columns)[:1] == ["line"])
    assert list(quarantine["line"]) == [3, 4]
    # the staff file: refused whole, with the reason, and no traceback
    [refused] = [e.value for e in app.error]
    assert "staff.csv" in refused and "surname" in refused
    # the database holds the upload, logged as the dashboard user. (Read through ATTACH in a
    # fresh in-memory database: a plain connect would get DuckDB's cached instance of the file
    # as it was before the upload, which the page still holds open.)
    with duckdb.connect() as con:
        con.execute("attach $path as fresh (read_only)", {"path": str(db)})
        assert con.execute(
            "select count(*) from fresh.concerns where concern_id = 'C1' and academy_code = 'OAK'"
        ).fetchone() == (1,)
        assert con.execute(
            "select ingested_by from fresh.ingest_log order by ingest_id desc limit 1"
        ).fetchone() == ("dashboard user",)


def test_uploaded_data_shows_on_the_next_run(writable_page):
    _, open_page = writable_page
    app = _upload(open_page(), [("oak-concerns.csv", CONCERNS, "text/csv")], academy="OAK")
    history = next(d.value for d in app.dataframe if "file_name" in d.value.columns)
    assert history["file_name"].iloc[0] == "oak-concerns.csv"


def test_pressing_load_with_no_file_says_so(writable_page):
    _, open_page = writable_page
    app = open_page()
    app.button(key="data_load").click()
    app.run()
    assert not app.exception
    assert any("Choose one or more export files" in e.value for e in app.error)


def test_busy_database_shows_a_clear_message(writable_page, monkeypatch):
    from safeguarding.ui import uploads

    db, open_page = writable_page
    app = open_page()
    monkeypatch.setattr(uploads, "WAIT_SECONDS", 0.3)
    with writer_held_elsewhere(db):
        app = _upload(app, [("oak-concerns.csv", CONCERNS, "text/csv")], academy="OAK")
    assert not app.exception
    assert any("database is busy" in e.value for e in app.error)


def test_governors_see_freshness_but_cannot_upload(demo_db, monkeypatch):
    app = open_as("governor", "pages/data.py", demo_db, monkeypatch)
    assert not app.exception
    assert len(app.get("file_uploader")) == 0
    assert any("does not load data" in i.value for i in app.info)
    assert len(app.dataframe[0].value) > 0  # the freshness matrix is still there


def test_a_dsl_uploads_for_their_own_academy_only(demo_db, monkeypatch):
    app = open_as("dsl", "pages/data.py", demo_db, monkeypatch, academy="OAK")
    assert not app.exception
    assert len(app.get("file_uploader")) == 1
    assert app.selectbox(key="data_academy").options == ["Demo Oak Primary Academy (OAK)"]
