"""About the figures: every measure from the definitions file, the standards with their
sources, and where the data came from, checked against the files and the database."""

from __future__ import annotations

import datetime as dt

from conftest import TODAY

from safeguarding import database, metrics_definitions, standards


def _expanders(app) -> dict[str, str]:
    """Expander label -> the markdown inside it."""
    return {e.label: "\n".join(m.value for m in e.markdown) for e in app.expander if e.markdown}


def test_about_page_lists_every_measure_with_its_definition_and_source(page):
    app = page("pages/about.py")
    assert not app.exception
    assert app.title[0].value == "About the figures"
    assert [s.value for s in app.subheader] == [
        "The measures",
        "The standards in force",
        "Where the data comes from, and how recent it is",
    ]
    definitions = metrics_definitions.load()
    shown = _expanders(app)
    assert set(shown) == {d.label for d in definitions.values()}
    for d in definitions.values():
        text = shown[d.label]
        assert d.definition in text and d.source in text and f"`{d.id}`" in text
        if d.interpretation:
            assert d.interpretation in text
    feedback = shown[definitions["csc_feedback_on_time_pct"].label]
    assert "green ≥ 90.0%, amber ≥ 75.0%" in feedback
    assert "none (a count to watch" in shown[definitions["concerns_logged"].label]
    glance = app.table[0].value
    assert list(glance["measure"]) == [d.label for d in definitions.values()]


def test_standards_in_force_with_their_sources(page):
    app = page("pages/about.py")
    in_force = standards.load()
    table = app.table[1].value
    assert len(table) == len(standards.SCHEMA)
    assert list(table["source"]) == [in_force.sources[s] for s in standards.SCHEMA]
    kcsie = table[table["standard"] == "Keeping Children Safe in Education"].iloc[0]
    assert kcsie["setting"] == f"current edition: {in_force.kcsie_edition}"
    stale = table[table["standard"] == "Data freshness"].iloc[0]
    assert stale["setting"] == f"stale after days: {in_force.stale_after_days}"


def test_where_the_data_came_from_matches_the_database(page, demo_db):
    app = page("pages/about.py")
    sources = app.dataframe[-1].value
    with database.reader(demo_db) as con:
        academies = con.execute("select count(*) from academies").fetchone()[0]
        oak_concerns = con.execute(
            "select count(*), max(logged_at)::date from concerns where academy_code = 'OAK'"
        ).fetchone()
    assert len(sources) == academies * 5
    oak = sources[
        (sources["academy"] == "Demo Oak Primary Academy (OAK)")
        & (sources["dataset"] == "concerns")
    ].iloc[0]
    assert oak["file"] == "OAK-concerns.csv"
    assert oak["rows held"] == oak_concerns[0]
    assert oak["latest date in the data"].date() == oak_concerns[1]


def test_changed_filters_narrow_the_data_and_mark_it_stale(page, demo_db, time_machine):
    """OAK only, 60 days after the demo was loaded: five rows, all stale."""
    with database.reader(demo_db) as con:
        last = con.execute("select max(ingested_at) from ingest_log").fetchone()[0]
    time_machine.move_to(last + dt.timedelta(days=60))
    as_of = last.date() + dt.timedelta(days=60)
    app = page("pages/about.py", as_of=as_of.isoformat(), academy=["OAK"])
    assert not app.exception
    sources = app.dataframe[-1].value
    assert set(sources["academy"]) == {"Demo Oak Primary Academy (OAK)"}
    assert len(sources) == 5 and (sources["stale"] == "⚠ stale").all()
    assert any("**5 of 5** pairs are stale" in m.value for m in app.markdown)


def test_finding_a_measure(page):
    app = page("pages/about.py")
    app.text_input(key="about_search").input("feedback").run()
    assert not app.exception
    labels = set(_expanders(app))
    definitions = metrics_definitions.load()
    assert definitions["csc_feedback_on_time_pct"].label in labels
    assert definitions["staff_in_post"].label not in labels
    app.text_input(key="about_search").input("zzzz nothing").run()
    assert not app.exception
    assert any("No measure mentions" in i.value for i in app.info)
    assert not _expanders(app)


def test_before_any_export_the_page_says_so(page):
    app = page("pages/about.py", as_of=(TODAY - dt.timedelta(days=3650)).isoformat())
    assert not app.exception
    assert any("No export had arrived" in w.value for w in app.warning)
