"""The board pack (`board-pack` and build_board_pack): sheets, figures as computed, suppression
for governor roles, a local governor's pack holding no other academy, no formula from data."""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from safeguarding import board_pack, cli, clock, disclosure, metrics, periods, suppressed_views
from safeguarding.ingest import ingest_files

AS_OF = dt.date(2026, 11, 28)
C = disclosure.SUPPRESSED
AREA_SHEETS = ("Referrals & concerns", "Training", "Policies")
GOVERNOR_SHEETS = ["Cover", *AREA_SHEETS, "Commitments", "Trends", "Definitions"]
# The fixture's pupil, staff, concern and referral references.
RECORD_REF = re.compile(r"\b(P[ABC]\d{3}|S[ABC]\d|R[ABC]\d|[AB]\d{1,2})\b")
PLANTED = ('=HYPERLINK("http://x")', "+SUM(1)", "@cmd", "-2+3")


def csv_file(folder: Path, name: str, header: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    """Three academies, every figure chosen by hand (as of 28 Nov 2026, window from 29 Nov 2025):
    - concerns_logged: QZA 3 (small: c), QZB 12, QZC 0. TRUST 15 would reveal QZA's 3 with QZB
      shown, so QZB's 12 is hidden too; QZC's 0 is shown.
    - referrals_made (all to children's social care): QZA 3 (c), QZB 7, QZC 8; QZB's 7 is the
      next smallest and is hidden too; TRUST 18.
    - staff_in_post: QZA 3, QZB 2, QZC 1: staff figures are never hidden.
    - policies: planted titles that a spreadsheet would run as formulas, all overdue; the
      academy name of QZC is a planted formula too.
    """
    folder = tmp_path_factory.mktemp("board-pack")
    files = [
        csv_file(
            folder,
            "academies.csv",
            "academy_code,academy_name,phase,pupils_on_roll",
            [
                "QZA,Alpha Primary,primary,210",
                "QZB,Beta Secondary,secondary,900",
                'QZC,"=HYPERLINK(""http://x"",""Gamma"")",primary,150',
            ],
        ),
        csv_file(
            folder,
            "concerns.csv",
            "academy_code,concern_id,pupil_ref,logged_at,category,dsl_reviewed_at,decision_recorded",
            [
                f"QZA,A{i},PA{i:03d},2026-10-0{i} 09:00,neglect,2026-10-0{i} 12:00,yes"
                for i in range(1, 4)
            ]
            + [
                f"QZB,B{i},PB{i:03d},2026-09-{10 + i} 09:00,online_safety,2026-09-{10 + i} 10:00,no"
                for i in range(1, 13)
            ],
        ),
        csv_file(
            folder,
            "referrals.csv",
            "academy_code,referral_id,agency,referred_at,pupil_ref,feedback_at",
            [f"QZA,RA{i},children_social_care,2026-10-0{i} 10:00,PA{i:03d}," for i in range(1, 4)]
            + [
                f"QZB,RB{i},children_social_care,2026-09-{10 + i} 10:00,PB{i:03d},"
                f"2026-09-{10 + i} 15:00"
                for i in range(1, 8)
            ]
            + [
                f"QZC,RC{i},children_social_care,2026-08-{10 + i} 10:00,PC{i:03d},"
                f"2026-08-{10 + i} 16:00"
                for i in range(1, 9)
            ],
        ),
        csv_file(
            folder,
            "staff.csv",
            "academy_code,staff_ref,role,safeguarding_role,start_date",
            [
                "QZA,SA1,teacher,dsl,2020-09-01",
                "QZA,SA2,teacher,deputy_dsl,2020-09-01",
                "QZA,SA3,support,none,2021-09-01",
                "QZB,SB1,teacher,dsl,2020-09-01",
                "QZB,SB2,support,none,2020-09-01",
                "QZC,SC1,principal,dsl,2020-09-01",
            ],
        ),
        csv_file(
            folder,
            "training.csv",
            "academy_code,staff_ref,course,completed_on",
            [
                "QZA,SA1,safeguarding_update,2026-09-02",
                "QZA,SA2,safeguarding_update,2026-09-02",
                "QZB,SB1,safeguarding_update,2026-09-02",
            ],
        ),
        csv_file(
            folder,
            "policies.csv",
            "academy_code,policy_title,policy_type,last_reviewed_on,next_review_on",
            [
                'QZA,"=HYPERLINK(""http://x"")",child_protection_safeguarding,2025-01-01,'
                "2026-01-01",
                "QZB,+SUM(1),online_safety,2025-01-01,2026-01-01",
                "QZC,@cmd,acceptable_use,2025-01-01,2026-01-01",
                "TRUST,-2+3,whistleblowing,2025-01-01,2026-01-01",
            ],
        ),
    ]
    db = folder / "trust.duckdb"
    results = ingest_files(files, db=db, today=AS_OF, who="test-runner")
    for result in results:
        assert result.status == "loaded" and not result.quarantined, (result.file_name, result)
    return db


# Governors' packs count whole terms that have ended: the fixture's concerns and referrals of
# September and October 2026 are in the Autumn term 2026/27, which ends on 31 December.
GOVERNOR_AS_OF = dt.date(2027, 1, 4)
AUTUMN_2026 = (dt.date(2026, 9, 1), dt.date(2026, 12, 31))


def pack(db: Path, role: str, academy: str | None = None, **options) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(pack_bytes(db, role, academy, **options)))


def pack_bytes(db: Path, role: str, academy: str | None = None, **options) -> bytes:
    as_of = AS_OF if role == "trust_lead" else GOVERNOR_AS_OF
    with duckdb.connect(str(db), read_only=True) as con:
        return board_pack.build_board_pack(con, as_of, role, academy, **options)


@functools.cache
def _shared_pack_bytes(db: Path, role: str, academy: str | None) -> bytes:
    return pack_bytes(db, role, academy)


def shared_pack(db: Path, role: str, academy: str | None = None) -> openpyxl.Workbook:
    """pack(), built once per database, role and academy for the tests that change nothing
    (no config, no patched setting): this module's databases never change. Each call gets a
    workbook of its own."""
    return openpyxl.load_workbook(io.BytesIO(_shared_pack_bytes(db, role, academy)))


def computed(db: Path):
    with duckdb.connect(str(db), read_only=True) as con:
        return metrics.compute(con, AS_OF)


def area_figures(book: openpyxl.Workbook) -> dict[tuple[str, str], tuple]:
    """(academy code, metric id) -> (value, numerator, denominator, RAG) from the area sheets."""
    found = {}
    for title in AREA_SHEETS:
        sheet = book[title]
        header = [cell.value for cell in sheet[5]][:9]
        assert header == list(board_pack.AREA_HEADERS)
        for row in sheet.iter_rows(min_row=6, max_col=9, values_only=True):
            if row[0] is None:
                break
            _label, code, _name, value, _unit, numerator, denominator, rag, metric_id = row
            found[(code, metric_id)] = (value, numerator, denominator, rag)
    return found


def every_text(book: openpyxl.Workbook) -> list[str]:
    """Every text in the workbook: cells, sheet names, chart titles."""
    texts = list(book.sheetnames)
    for sheet in book:
        for row in sheet.iter_rows(values_only=True):
            texts += [str(v) for v in row if v is not None]
    return texts


def same(a, b) -> bool:
    """A computed figure (NaN or NA for none) and the cell read back (None for none)."""
    if a is None or a is pd.NA or (isinstance(a, float) and math.isnan(a)):
        return b is None
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return b is not None and math.isclose(float(a), float(b))


# --- content -----------------------------------------------------------------------------------


def test_the_trust_lead_pack_holds_every_figure_as_computed(small_db):
    book = pack(small_db, "trust_lead", trust_name="Test Trust")
    assert book.sheetnames == [*GOVERNOR_SHEETS, *board_pack.LIST_SHEETS.values()]
    figures = area_figures(book)
    raw = computed(small_db)
    assert len(figures) == len(raw)  # every academy and TRUST, every metric, once
    for row in raw.itertuples():
        value, numerator, denominator, _ = figures[(row.academy_code, row.metric)]
        assert same(row.value, value), (row.academy_code, row.metric)
        assert same(row.numerator, numerator)
        assert same(row.denominator, denominator)
    # Hand-checked cells (the fixture's docstring): nothing hidden for the trust lead.
    assert figures[("QZA", "concerns_logged")][0] == 3
    assert figures[("TRUST", "referrals_made")][0] == 18
    assert figures[("QZA", "csc_feedback_on_time_pct")][:3] == (0, 0, 3)
    assert figures[("QZA", "csc_feedback_on_time_pct")][3] == "Red"
    cover = {row[0]: row[1] for row in book["Cover"].iter_rows(values_only=True) if row[0]}
    assert cover["Trust"] == "Test Trust\n3 academies"  # the name, then the academy count
    assert cover["As of"].date() == AS_OF
    assert cover["Events counted from"].date() == dt.date(2025, 11, 29)
    assert "trust safeguarding lead" in cover["Prepared for"].lower()


def commitment_rows(book: openpyxl.Workbook) -> list[dict]:
    sheet = book["Commitments"]
    rows = list(sheet.iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if row[:3] == board_pack.COMMITMENT_HEADERS[:3])
    header = rows[at]
    return [dict(zip(header, row, strict=False)) for row in rows[at + 1 :] if row[0]]


@pytest.mark.parametrize("role", ["trust_lead", "governor"])
def test_the_commitments_sheet_lists_every_promise_measured_or_not(small_db, role):
    from safeguarding import commitments

    [mapping] = commitments.load_all().values()
    listed = commitment_rows(shared_pack(small_db, role))
    assert [r["Promise"] for r in listed] == [c.promise for c in mapping.commitments]
    unmeasured = [r for r in listed if r["RAG"] == "Not measured"]
    assert len(unmeasured) == len(mapping.commitments) - len(mapping.measured)
    assert all(r["Why not measured"] and r["Data that would measure it"] for r in unmeasured)
    concerns = next(r for r in listed if r["Section"] == "§15" and "DSL" in r["Promise"])
    assert "Concerns reviewed by the DSL on time" in concerns["Measured by"]
    text = " ".join(str(v) for r in listed for v in r.values() if v)
    if role == "governor":
        # a figure resting on a handful of children is hidden here as on the area sheets
        assert ": c" in text
    assert not RECORD_REF.search(text)


def test_numbers_stay_numbers(small_db):
    figures = area_figures(shared_pack(small_db, "trust_lead"))
    assert isinstance(figures[("QZB", "concerns_logged")][0], int)
    assert isinstance(figures[("QZA", "safeguarding_training_in_date_pct")][0], float)
    assert isinstance(figures[("QZA", "safeguarding_training_in_date_pct")][1], int)


def test_the_governor_pack_hides_small_counts_and_what_would_reveal_them(small_db):
    """As in the fixture's docstring: QZA's 3 concerns and 3 referrals are c, and QZB's 12
    concerns and 7 referrals are c too so the TRUST totals give neither away."""
    book = shared_pack(small_db, "governor")
    assert book.sheetnames == GOVERNOR_SHEETS
    figures = area_figures(book)
    concerns = {code: figures[(code, "concerns_logged")][0] for code in ("QZA", "QZB", "QZC")}
    referrals = {code: figures[(code, "referrals_made")][0] for code in ("QZA", "QZB", "QZC")}
    assert concerns == {"QZA": C, "QZB": C, "QZC": 0}
    # QZC's 8 referrals of August 2026 are in the summer term, not this pack's autumn
    assert referrals == {"QZA": C, "QZB": C, "QZC": 0}
    assert figures[("TRUST", "concerns_logged")][0] == 15
    assert figures[("TRUST", "referrals_made")][0] == 10
    # 0 of 3 referrals had feedback: all c, and no RAG that would hint at the figure.
    assert figures[("QZA", "csc_feedback_on_time_pct")] == (C, 0, C, None)
    # Staff figures are never hidden, however small.
    assert figures[("QZC", "staff_in_post")][0] == 1
    assert figures[("QZA", "safeguarding_training_in_date_pct")][:3] == (66.7, 2, 3)
    # Every cell is exactly what the suppressed views make of the computed figures.
    with duckdb.connect(str(small_db), read_only=True) as con:
        suppressed = suppressed_views.metric_table(
            con, GOVERNOR_AS_OF, *AUTUMN_2026, metrics.academy_codes(con), limit=5
        )
    for row in suppressed.itertuples():
        value, numerator, denominator, rag = figures[(row.academy_code, row.metric)]
        assert (value, numerator, denominator) == tuple(
            _as_read(v) for v in (row.value, row.numerator, row.denominator)
        )
        if row.value == C:
            assert rag is None
    cover = {row[0]: row[1] for row in book["Cover"].iter_rows(values_only=True) if row[0]}
    assert "1 to 5 children" in cover["Suppression"]


def _as_read(value):
    """A figure as openpyxl reads it back: whole floats of counts come back as ints."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def test_governor_packs_hold_no_pupil_or_staff_rows(small_db):
    for role, academy in (("governor", None), ("local_governor", "QZA")):
        texts = every_text(shared_pack(small_db, role, academy))
        refs = [t for t in texts if RECORD_REF.search(t)]
        assert refs == [], role
    lead = every_text(shared_pack(small_db, "trust_lead"))
    assert "PA001" in lead  # the trust lead's lists carry pseudonymous references


def test_a_local_governor_pack_holds_no_other_academy(small_db):
    book = shared_pack(small_db, "local_governor", "QZA")
    texts = every_text(book)
    for other in ("QZB", "QZC", "Beta Secondary", "Gamma"):
        assert not [t for t in texts if other in t], other
    assert any("QZA" in t for t in texts)
    figures = area_figures(book)
    assert {code for code, _ in figures} == {"QZA", "TRUST"}
    # The trust totals cover every academy, and the academy is hidden as in the governors'
    # pack: the same figure is suppressed the same way in both.
    governors = area_figures(shared_pack(small_db, "governor"))
    for key, shown in figures.items():
        assert governors[key] == shown, key
    assert figures[("TRUST", "concerns_logged")][0] == 15
    for sheet in book:
        for chart in sheet._charts:
            for series in chart.series:
                for ref in (series.val.numRef.f, series.cat.numRef.f if series.cat else ""):
                    assert sheet.title in ref.replace("'", "")


def test_no_cell_holds_a_formula_even_from_planted_text(small_db):
    for role, academy in (("trust_lead", None), ("governor", None), ("local_governor", "QZC")):
        book = shared_pack(small_db, role, academy)
        for sheet in book:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (role, sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
    lead = every_text(shared_pack(small_db, "trust_lead"))
    for planted in PLANTED:
        assert "'" + planted in lead, planted  # shown, as text
    local = every_text(shared_pack(small_db, "local_governor", "QZC"))
    assert any(t.startswith("'=HYPERLINK") and "Gamma" in t for t in local)


def test_each_area_sheet_and_the_trends_have_a_chart_of_plain_values(small_db):
    book = shared_pack(small_db, "governor")
    for title in (*AREA_SHEETS, "Trends"):
        sheet = book[title]
        assert len(sheet._charts) == 1, title
        for series in sheet._charts[0].series:
            ref = series.val.numRef.f.split("!")[1].replace("$", "")
            for row in sheet[ref]:
                for cell in row:
                    assert cell.value is None or isinstance(cell.value, int | float), ref


def test_the_trends_sheet_matches_the_term_series(small_db):
    book = shared_pack(small_db, "trust_lead")
    sheet = book["Trends"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[4][0] == "Trust total"
    labels = [v for v in rows[5][2:] if v is not None][: board_pack.TREND_TERMS + 1]
    assert labels[-1] == "Autumn 2026/27 to date"
    assert labels[0] == "Autumn 2024/25"
    with duckdb.connect(str(small_db), read_only=True) as con:
        windows = metrics.term_windows(con, dt.date(2024, 1, 1), AS_OF)[-board_pack.TREND_TERMS :]
        windows.append(metrics.Window(AS_OF, dt.date(2026, 9, 1), AS_OF))
        series = metrics.series(con, windows)
    trust = series[(series["academy_code"] == "TRUST") & (series["metric"] == "referrals_made")]
    concerns_row = next(r for r in rows if r[0] == "Referrals made")
    assert list(concerns_row[2 : 2 + len(windows)]) == [int(v) for v in trust["value"]]


def test_the_definitions_sheet_lists_every_metric(small_db):
    sheet = shared_pack(small_db, "governor")["Definitions"]
    ids = [row[0] for row in sheet.iter_rows(min_row=5, values_only=True)]
    from safeguarding import metrics_definitions

    assert ids[: len(metrics_definitions.METRIC_IDS)] == list(metrics_definitions.METRIC_IDS)
    assert "suppression.threshold" in ids


ANNEX_B = "KCSIE Annex B read (current edition)"
PART_1 = "KCSIE Part 1 read (current edition)"
NOT_APPLICABLE_NOTE = (
    "KCSIE 2025 came into force on 1 September 2025: earlier periods are not applicable."
)


def trends_rows(sheet, heading: str = "Trust total") -> dict[str, list]:
    """The Trends sheet's block under `heading`: metric label -> its cells, term by term, with
    the terms' labels under "Metric"."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == heading) + 1
    block = {}
    for row in rows[start:]:
        if row[0] is None:
            break
        block[row[0]] = list(row[2:])
    width = block["Metric"].index(None) if None in block["Metric"] else len(block["Metric"])
    terms = block["Metric"][:width]
    return {label: cells[: len(terms)] for label, cells in block.items()}


@pytest.mark.parametrize("role", ["trust_lead", "governor"])
def test_kcsie_read_before_the_edition_came_into_force_is_not_applicable(small_db, role):
    """No one in the fixture has read KCSIE, so the query gives 0 % every term; but KCSIE 2025
    (the current edition) came into force on 1 September 2025: the terms ending before that are
    n/a, not 0 (the chart data left blank), and the sheet says what n/a means, once."""
    sheet = shared_pack(small_db, role)["Trends"]
    block = trends_rows(sheet)
    terms = block["Metric"]
    before = [t.startswith(("Autumn 2024/25", "Spring 2024/25", "Summer 2024/25")) for t in terms]
    assert any(before) and not all(before)
    for label in (ANNEX_B, PART_1):
        for term, is_before, cell in zip(terms, before, block[label], strict=True):
            if is_before:
                assert cell == "n/a", (label, term)
            else:
                assert cell == 0, (label, term)
    # Other figures of those terms are figures (staff in post: 3 + 2 + 1).
    assert block["Staff in post"][0] == 6
    texts = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    notes = [t for t in texts if NOT_APPLICABLE_NOTE in t]
    assert len(notes) == 1
    assert notes[0].startswith("n/a = not applicable") and ANNEX_B in notes[0]
    # The chart's block of plain values: blank (not 0) before the edition came into force.
    left = 3 + len(terms) + 1
    header = [sheet.cell(5, left + j).value for j in range(len(board_pack.TREND_CHART_METRICS) + 1)]
    column = left + header.index(PART_1)
    chart_cells = [sheet.cell(6 + i, column).value for i in range(len(terms))]
    assert chart_cells == [None if b else 0 for b in before]


def test_an_area_figure_before_the_edition_came_into_force_is_not_applicable(small_db):
    """A pack as of 30 June 2025 (KCSIE 2025 not yet in force): KCSIE read is n/a, with no
    numerator, denominator or RAG, and the Training sheet says why."""
    with duckdb.connect(str(small_db), read_only=True) as con:
        content = board_pack.build_board_pack(con, dt.date(2025, 6, 30), "trust_lead")
    book = openpyxl.load_workbook(io.BytesIO(content))
    figures = area_figures(book)
    for code in ("QZA", "TRUST"):
        assert figures[(code, "kcsie_annex_b_read_pct")] == ("n/a", None, None, None)
        assert figures[(code, "kcsie_part1_read_pct")] == ("n/a", None, None, None)
    assert figures[("TRUST", "staff_in_post")][0] == 6
    assert NOT_APPLICABLE_NOTE in book["Training"]["A4"].value
    assert book["Policies"]["A4"].value is None


# --- the trust's name and the record lists --------------------------------------------------


def cover_facts(book: openpyxl.Workbook) -> dict:
    return {row[0]: row[1] for row in book["Cover"].iter_rows(values_only=True) if row[0]}


def test_the_cover_names_the_trust_from_its_config_file(small_db, tmp_path, monkeypatch):
    """name in config/trust.toml, the academy count on a second line; without the file the
    count alone; the shipped file names the demo trust."""
    assert cover_facts(pack(small_db, "governor"))["Trust"] == "Demo Learning Trust\n3 academies"
    monkeypatch.setenv("SAFEGUARDING_CONFIG", str(tmp_path))
    assert cover_facts(pack(small_db, "governor"))["Trust"] == "Multi-academy trust (3 academies)"
    (tmp_path / "trust.toml").write_text('name = "Northfield Learning Trust"\n', encoding="utf-8")
    lines = cover_facts(pack(small_db, "local_governor", "QZA"))["Trust"].split("\n")
    assert lines == ["Northfield Learning Trust", "3 academies"]


def test_the_dashboards_pack_names_the_configured_trust(small_db, tmp_path, monkeypatch):
    from safeguarding import identity
    from safeguarding.ui import data
    from safeguarding.ui.filters import Filters

    (tmp_path / "trust.toml").write_text('name = "Northfield Learning Trust"\n', encoding="utf-8")
    monkeypatch.setenv("SAFEGUARDING_CONFIG", str(tmp_path))
    scope = identity.scope_for(identity.User("", "governor", ()), ("QZA", "QZB", "QZC"))
    filters = Filters(GOVERNOR_AS_OF, *AUTUMN_2026, (), (), "Autumn 2026/27")
    content = data.board_pack_bytes(str(small_db), scope, filters)
    trust = cover_facts(openpyxl.load_workbook(io.BytesIO(content)))["Trust"]
    assert trust.split("\n")[0] == "Northfield Learning Trust"


def test_the_command_line_name_overrides_the_config_file(small_db, tmp_path, monkeypatch, capsys):
    (tmp_path / "trust.toml").write_text('name = "Northfield Learning Trust"\n', encoding="utf-8")
    monkeypatch.setenv("SAFEGUARDING_CONFIG", str(tmp_path))
    out = tmp_path / "pack.xlsx"
    argv = ["--as-of", "2026-11-28", "--role", "trust_lead", "--out", str(out)]
    code, _, err = run(capsys, *argv, "--trust-name", "Southfield Trust", "--db", str(small_db))
    assert (code, err) == (0, "")
    assert cover_facts(openpyxl.load_workbook(out))["Trust"].split("\n")[0] == "Southfield Trust"
    code, _, _ = run(capsys, *argv, "--db", str(small_db))
    assert cover_facts(openpyxl.load_workbook(out))["Trust"].startswith("Northfield")


def test_a_broken_trust_file_is_reported_with_its_name(small_db, tmp_path, monkeypatch, capsys):
    (tmp_path / "trust.toml").write_text("name = 3\n", encoding="utf-8")
    monkeypatch.setenv("SAFEGUARDING_CONFIG", str(tmp_path))
    argv = ["--as-of", "2026-11-28", "--role", "governor", "--out", str(tmp_path / "p.xlsx")]
    code, _, err = run(capsys, *argv, "--db", str(small_db))
    assert code == cli.EXIT_REFUSED
    assert "trust.toml: name must be" in err


def test_record_lists_show_labels_not_codes(small_db):
    """Staff training due: every fixture member of staff without training. Roles, safeguarding
    roles, statuses and yes/no as a person reads them; headings too."""
    sheet = shared_pack(small_db, "trust_lead")[board_pack.LIST_SHEETS["staff_training_due_list"]]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    header = list(rows[0])
    assert header[:5] == ["Academy code", "Staff ref", "Role", "Safeguarding role", "Governor"]
    records = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    by_ref = {r["Staff ref"]: r for r in records}
    assert by_ref["SA3"]["Role"] == "Support"
    assert by_ref["SC1"]["Role"] == "Principal"
    assert by_ref["SC1"]["Safeguarding role"] == "DSL"
    assert by_ref["SA3"]["Status"] == "Never trained"
    assert by_ref["SA3"]["Governor"] == "No"
    codes = {"support", "principal", "never_trained", "none", "dsl"}
    assert not [v for r in records for v in r.values() if isinstance(v, bool) or v in codes]


# --- usage -------------------------------------------------------------------------------------


def test_build_refuses_a_local_governor_without_an_academy(small_db):
    with duckdb.connect(str(small_db), read_only=True) as con:
        with pytest.raises(board_pack.BoardPackError, match="--academy"):
            board_pack.build_board_pack(con, AS_OF, "local_governor")
        with pytest.raises(board_pack.BoardPackError, match="Unknown academy") as refused:
            board_pack.build_board_pack(con, AS_OF, "local_governor", "NOPE")
        assert "QZB" not in str(refused.value)  # no other academy named to the asker
        with pytest.raises(board_pack.BoardPackError, match="Unknown role"):
            board_pack.build_board_pack(con, AS_OF, "dsl")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(["board-pack", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_writes_the_pack(small_db, tmp_path, capsys):
    out = tmp_path / "pack.xlsx"
    code, stdout, err = run(
        capsys, "--as-of", "2026-11-28", "--role", "local_governor", "--academy", "qza",
        "--out", str(out), "--db", str(small_db),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "QZA" in stdout and str(out) in stdout
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == GOVERNOR_SHEETS
    assert {code for code, _ in area_figures(book)} == {"QZA", "TRUST"}
    assert not list(tmp_path.glob(".*writing*"))


def test_the_command_window_options(small_db, tmp_path, capsys):
    """--from/--to narrow the event window: only QZB's September concerns are in it."""
    out = tmp_path / "pack.xlsx"
    code, _, err = run(
        capsys, "--as-of", "2026-11-28", "--role", "trust_lead", "--from", "2026-09-01",
        "--to", "2026-09-30", "--out", str(out), "--db", str(small_db),
    )  # fmt: skip
    assert (code, err) == (0, "")
    figures = area_figures(openpyxl.load_workbook(out))
    assert figures[("QZA", "concerns_logged")][0] == 0
    assert figures[("QZB", "concerns_logged")][0] == 12


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--role", "local_governor"], "--academy"),
        (["--role", "governor", "--academy", "QZA"], "local governor"),
        (["--role", "local_governor", "--academy", "NOPE"], "Unknown academy"),
        (["--role", "trust_lead", "--from", "2026-12-01"], "starts"),
        (["--role", "governor", "--from", "2026-11-01", "--to", "2026-11-27"], "whole term"),
    ],
)
def test_usage_errors_exit_2(small_db, tmp_path, capsys, argv, message):
    out = tmp_path / "pack.xlsx"
    code, _, err = run(
        capsys, "--as-of", "2026-11-28", *argv, "--out", str(out), "--db", str(small_db)
    )
    assert code == cli.EXIT_USAGE
    assert message in err
    assert not out.exists()


def test_a_malformed_date_or_role_exits_2(small_db, tmp_path, capsys):
    out = str(tmp_path / "pack.xlsx")
    for argv in (
        ["--as-of", "28/11/2026", "--role", "governor"],
        ["--as-of", "2026-11-28", "--role", "dsl"],
        ["--as-of", "2026-11-28"],
    ):
        with pytest.raises(SystemExit) as stopped:
            cli.main(["board-pack", *argv, "--out", out, "--db", str(small_db)])
        assert stopped.value.code == cli.EXIT_USAGE
    capsys.readouterr()


def test_the_pack_is_as_of_today_when_no_date_is_given(small_db, tmp_path, capsys):
    out = tmp_path / "pack.xlsx"
    code, printed, _ = run(capsys, "--role", "governor", "--out", str(out), "--db", str(small_db))
    assert code == cli.EXIT_OK
    assert f"as of {clock.today()}, written to {out}" in printed
    cover = openpyxl.load_workbook(out).worksheets[0]
    facts = {row[0].value: row[1].value for row in cover.iter_rows(min_row=3) if row[0].value}
    assert facts["As of"].date() == clock.today()


def test_the_cover_says_when_the_pack_was_made_as_well_as_what_it_is_as_of(
    small_db, tmp_path, capsys, time_machine
):
    """A pack for 31 October made on 3 November says both: what it shows, and when."""
    time_machine.move_to(dt.datetime(2026, 11, 3, 14, 25), tick=False)
    out = tmp_path / "pack.xlsx"
    argv = ["--as-of", "2026-10-31", "--role", "governor", "--out", str(out)]
    code, _, _ = run(capsys, *argv, "--db", str(small_db))
    assert code == cli.EXIT_OK
    cover = openpyxl.load_workbook(out).worksheets[0]
    facts = {row[0].value: row[1] for row in cover.iter_rows(min_row=3) if row[0].value}
    assert facts["Prepared on"].value == dt.datetime(2026, 11, 3, 14, 25)
    assert facts["Prepared on"].number_format == "d mmm yyyy hh:mm"
    assert facts["As of"].value.date() == dt.date(2026, 10, 31)


def test_no_database_or_no_folder_exits_1(small_db, tmp_path, capsys):
    code, _, err = run(
        capsys, "--as-of", "2026-11-28", "--role", "governor", "--out", str(tmp_path / "p.xlsx"),
        "--db", str(tmp_path / "missing.duckdb"),
    )  # fmt: skip
    assert code == cli.EXIT_REFUSED and "no database" in err
    code, _, err = run(
        capsys, "--as-of", "2026-11-28", "--role", "governor",
        "--out", str(tmp_path / "no-such-folder" / "p.xlsx"), "--db", str(small_db),
    )  # fmt: skip
    assert code == cli.EXIT_REFUSED and "could not write" in err


def test_a_database_without_academies_exits_1(tmp_path, capsys):
    academies = csv_file(tmp_path, "academies.csv", "academy_code,academy_name,phase", [])
    db = tmp_path / "empty.duckdb"
    [result] = ingest_files([academies], db=db, today=AS_OF, who="test-runner")
    assert result.status == "loaded"
    code, _, err = run(
        capsys, "--as-of", "2026-11-28", "--role", "governor", "--out", str(tmp_path / "p.xlsx"),
        "--db", str(db),
    )  # fmt: skip
    assert code == cli.EXIT_REFUSED and "no academies" in err


def test_a_long_list_is_cut_with_a_note(small_db, monkeypatch):
    """QZA's 3 referrals have no feedback: with the limit at 2 the list shows 2 and says so."""
    monkeypatch.setattr(board_pack, "LIST_ROW_LIMIT", 2)
    sheet = pack(small_db, "trust_lead")[board_pack.LIST_SHEETS["csc_feedback_overdue_list"]]
    assert sheet["A3"].value.startswith("The first 2 of 3 rows")
    assert [row[0] for row in sheet.iter_rows(min_row=5, values_only=True)] == ["QZA", "QZA"]


# --- the demo trust ----------------------------------------------------------------------------


def test_the_demo_governor_pack_matches_the_suppressed_metrics(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        content = board_pack.build_board_pack(con, AS_OF, "governor")
        summer = periods.whole_periods_by(AS_OF)[0]  # the latest whole term: Summer 2025/26
        suppressed = suppressed_views.metric_table(
            con, AS_OF, summer.starts_on, summer.ends_on, metrics.academy_codes(con), limit=5
        )
    figures = area_figures(openpyxl.load_workbook(io.BytesIO(content)))
    assert (suppressed["value"] == C).any()
    for row in suppressed.itertuples():
        value, numerator, denominator, _ = figures[(row.academy_code, row.metric)]
        for expected, got in zip(
            (row.value, row.numerator, row.denominator),
            (value, numerator, denominator),
            strict=True,
        ):
            assert same(expected, got), (row.academy_code, row.metric, expected, got)


def test_the_demo_local_governor_pack_names_one_academy(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        codes = metrics.academy_codes(con)
        names = dict(con.execute("select academy_code, academy_name from academies").fetchall())
    mine, others = codes[0], codes[1:]
    texts = every_text(shared_pack(demo_db, "local_governor", mine))
    for other in others:
        leaks = [t for t in texts if other in t or names[other] in t]
        assert leaks == [], other
    assert any(names[mine] in t for t in texts)
