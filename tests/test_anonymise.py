"""The anonymise tool: a raw academy export becomes a contract file with no real identifiers.

Every name, UPN, date of birth and note below is synthetic ("Testchild Alpha"); the UPNs are
made with a valid check letter so that the ingest would refuse them if they leaked.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import hmac
import io
import os
import stat
from pathlib import Path

import duckdb
import openpyxl
import pytest

from safeguarding import anonymise, cli
from safeguarding.anonymise import AnonymiseRefused, anonymise_file, load_mapping, pseudonym
from safeguarding.ingest import ingest_files
from safeguarding.ingest.identifiers import is_valid_upn, upn_check_letter
from safeguarding.paths import PROJECT_ROOT

TODAY = dt.date(2026, 11, 28)
ACADEMIES = "academy_code,academy_name,phase\nOAK,Demo Oak,primary\n"
posix_modes = pytest.mark.skipif(os.name == "nt", reason="POSIX file permissions")


def make_upn(n: int) -> str:
    body = f"80120000{n:04d}"
    return upn_check_letter(body) + body


UPNS = [make_upn(5001), make_upn(5002), make_upn(5003)]
assert UPNS[0] == "B801200005001" and all(is_valid_upn(u) for u in UPNS)

# fmt: off
RAW_HEADER = ["Incident ID", "Student", "UPN", "DOB", "Date Added", "Categories", "Incident",
              "Notes", "Year Group", "Status", "Reported By"]
RAW_ROWS = [
    # two concerns about Alpha: the same pseudonym twice; CSE listed second in the cell
    ("1001", "Testchild Alpha", UPNS[0], "01/04/2015", "02/03/2026 10:00", "Neglect",
     "Testchild Alpha arrived hungry again", "Spoke to Testparent Alpha", "Year 5", "Open",
     "Teststaff Onewell"),
    ("1002", "Testchild Alpha", UPNS[0], "01/04/2015", "09/03/2026 11:30",
     "Neglect, Child Sexual Exploitation", "Seen getting into an unknown car",
     "Phoned the police", "Year 5", "Closed", "Teststaff Onewell"),
    # a second child: an accent (Windows-1252 differs from UTF-8), nursery year group (-1)
    ("1003", "Testchild Bétaville", UPNS[1], "17/11/2021", "10/03/2026 08:05", "Self Harm",
     "Marks on arm noticed in PE", "Early help offered", "Nursery", "Open",
     "Teststaff Twowell"),
    # a third child, whose category is not in the mapping's list (sent as it is)
    ("1004", "Testchild Gamma", UPNS[2], "23/06/2013", "11/03/2026 14:00", "Online Safety",
     "Shared a picture of Testchild Gamma", "Parents informed by letter", "Year 7", "Open",
     "Teststaff Onewell"),
]
# fmt: on
SECRETS = sorted(
    {
        v
        for row in RAW_ROWS
        for i, v in enumerate(row)
        if RAW_HEADER[i] in ("Student", "UPN", "DOB", "Incident", "Notes", "Reported By")
    }
    | {"2015-04-01", "2021-11-17", "2013-06-23", "Testchild", "Teststaff", "Testparent"}
)

MAPPING = """
dataset = "concerns"
academy_code = "OAK"

[columns]
concern_id = "Incident ID"
pupil_ref = { from = "UPN", pseudonymise = "pupil" }
logged_at = "Date Added"
year_group = "Year Group"
status = "Status"

[columns.category]
from = "Categories"
separator = ","

[columns.category.values]
"Child Sexual Exploitation" = "child_sexual_exploitation"
"Neglect" = "neglect"
"Self Harm" = "mental_health_self_harm"
"""


def csv_text(header, rows) -> str:
    def quote(v):
        return f'"{v}"' if ("," in v or '"' in v) else v

    return "\n".join(",".join(quote(v) for v in line) for line in [header, *rows]) + "\n"


def write_raw(folder: Path, kind: str, header=RAW_HEADER, rows=RAW_ROWS) -> Path:
    if kind == "xlsx":
        path = folder / "raw.xlsx"
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(header)
        for row in rows:
            cells = list(row)
            for i, name in enumerate(header):
                if name in ("DOB", "Date Added"):  # real Excel dates, as an MIS writes them
                    fmt = "%d/%m/%Y %H:%M" if " " in cells[i] else "%d/%m/%Y"
                    cells[i] = dt.datetime.strptime(cells[i], fmt)
            sheet.append(cells)
        book.save(path)
        return path
    path = folder / "raw.csv"
    path.write_bytes(csv_text(header, rows).encode(kind))
    return path


@pytest.fixture
def work(tmp_path):
    """A folder with the test mapping and a fresh key."""
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    anonymise.create_key(tmp_path / "academy.key")
    return tmp_path


def run(work: Path, raw: Path, out_name="out.csv", key="academy.key", mapping="mapping.toml"):
    return anonymise_file(raw, work / mapping, work / key, work / out_name)


def changed(row: tuple, cells: dict[str, str]) -> tuple:
    """A raw row with some cells (by header) replaced."""
    return tuple(cells.get(header, value) for header, value in zip(RAW_HEADER, row, strict=True))


def out_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def ingest(work: Path, path: Path, db_name: str = "t.duckdb"):
    academies = work / "academies.csv"
    academies.write_text(ACADEMIES)
    db = work / db_name
    [reference] = ingest_files([academies], db=db, today=TODAY)
    assert reference.status == "loaded"
    [result] = ingest_files([path], db=db, academy="OAK", today=TODAY)
    return result, db


def assert_no_secrets(data: bytes) -> None:
    lowered = data.lower()
    for secret in SECRETS:
        for encoding in ("utf-8", "cp1252"):
            assert secret.lower().encode(encoding) not in lowered, secret


# --- the round trip --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["utf-8", "utf-8-sig", "cp1252", "xlsx"])
def test_round_trip_is_accepted_by_ingest_and_holds_no_raw_identifier(work, kind):
    raw = write_raw(work, kind)
    summary = run(work, raw)
    data = (work / "out.csv").read_bytes()

    assert_no_secrets(data)
    result, db = ingest(work, work / "out.csv")
    counts = (result.status, result.rows_read, result.rows_loaded, result.rows_quarantined)
    assert counts == ("loaded", 4, 4, 0), result.message or result.quarantined
    written = out_rows(work / "out.csv")
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute(
            "select concern_id, pupil_ref, category, year_group, status from concerns order by 1"
        ).fetchall()
    assert stored == [
        ("1001", written[0]["pupil_ref"], "neglect", 5, "open"),
        # "Neglect, Child Sexual Exploitation": CSE is listed first in the mapping, so it wins
        ("1002", written[0]["pupil_ref"], "child_sexual_exploitation", 5, "closed"),
        ("1003", written[2]["pupil_ref"], "mental_health_self_harm", -1, "open"),
        ("1004", written[3]["pupil_ref"], "online_safety", 7, "open"),
    ]
    assert len({r["pupil_ref"] for r in written}) == 3
    assert summary.rows_written == 4
    assert summary.pseudonymised == [("pupil_ref", ("UPN",), 3)]


def test_pseudonyms_have_the_documented_shape(work):
    run(work, write_raw(work, "utf-8"))
    for row in out_rows(work / "out.csv"):
        # P- + 16 base32 characters = 80 bits
        assert row["pupil_ref"].startswith("P-") and len(row["pupil_ref"]) == 18
        base64.b32decode(row["pupil_ref"][2:])


# --- keys and pseudonyms ---------------------------------------------------------------------


def test_same_input_and_key_give_the_same_pseudonyms_however_the_upn_is_typed(work):
    run(work, write_raw(work, "utf-8"), out_name="first.csv")
    # next week: the same children, UPNs typed in lower case with stray spaces, as XLSX
    retyped = [(r[0], r[1], f" {r[2].lower()} ", *r[3:]) for r in RAW_ROWS]
    run(work, write_raw(work, "xlsx", rows=retyped), out_name="second.csv")
    first = [r["pupil_ref"] for r in out_rows(work / "first.csv")]
    second = [r["pupil_ref"] for r in out_rows(work / "second.csv")]
    assert first == second


def test_a_different_key_gives_different_pseudonyms(work):
    raw = write_raw(work, "utf-8")
    run(work, raw, out_name="a.csv")
    anonymise.create_key(work / "other.key")
    run(work, raw, out_name="b.csv", key="other.key")
    a = {r["pupil_ref"] for r in out_rows(work / "a.csv")}
    b = {r["pupil_ref"] for r in out_rows(work / "b.csv")}
    assert len(a) == len(b) == 3
    assert not a & b


def test_without_the_key_a_pseudonym_cannot_be_reproduced_from_the_upn():
    key = bytes(range(32))
    upn = UPNS[0]
    made = pseudonym(key, "pupil", (upn,))

    def b32(digest: bytes) -> str:
        return "P-" + base64.b32encode(digest[:10]).decode()

    # What someone holding the UPN but not the key might try: plain hashes and guessed keys.
    guesses = {
        "P-" + hashlib.sha256(upn.encode()).hexdigest()[:16],
        b32(hashlib.sha256(upn.encode()).digest()),
        b32(hashlib.sha256(b"pupil\x1f" + upn.encode()).digest()),
        b32(hmac.new(b"", b"pupil\x1f" + upn.encode(), hashlib.sha256).digest()),
        *(pseudonym(bytes([n]) * 32, "pupil", (upn,)) for n in range(256)),
    }
    assert made not in guesses
    # With the key it is the documented HMAC-SHA-256 (an academy can check it by hand).
    assert made == b32(hmac.new(key, b"pupil\x1f" + upn.encode(), hashlib.sha256).digest())
    # A staff member whose id equals a pupil's gets an unrelated pseudonym.
    assert pseudonym(key, "staff", (upn,))[2:] != made[2:]


def test_the_way_an_export_spells_an_id_does_not_change_its_pseudonym():
    key = bytes(32)
    assert pseudonym(key, "staff", ("000123",)) == pseudonym(key, "staff", ("123",))
    assert pseudonym(key, "staff", ("123",)) != pseudonym(key, "staff", ("124",))
    assert pseudonym(key, "staff", ("", None)) is None
    # name + date of birth, as a CSV writes it and as an Excel date cell is read
    by_csv = pseudonym(key, "pupil", ("Testchild  alpha", "1/4/2015"))
    assert by_csv == pseudonym(key, "pupil", ("TESTCHILD ALPHA", "2015-04-01 00:00:00"))
    assert by_csv != pseudonym(key, "pupil", ("Testchild Alpha", "2015-01-04"))


@posix_modes
def test_new_key_is_created_readable_only_by_its_owner_and_never_overwritten(tmp_path):
    path = tmp_path / "academy.key"
    old_umask = os.umask(0)  # even a permissive umask must not widen the key's mode
    try:
        key = anonymise.create_key(path)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) == 32 and anonymise.read_key(path) == key
    before = path.read_bytes()
    with pytest.raises(AnonymiseRefused, match="already exists"):
        anonymise.create_key(path)
    assert path.read_bytes() == before


@posix_modes
@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660])
def test_a_key_other_users_can_read_is_refused_with_the_fix(work, mode):
    os.chmod(work / "academy.key", mode)
    with pytest.raises(AnonymiseRefused, match="chmod 600"):
        run(work, write_raw(work, "utf-8"))
    assert not (work / "out.csv").exists()


def test_a_key_file_that_holds_no_key_is_refused(tmp_path):
    path = tmp_path / "k.key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b"password123\n")
    os.close(fd)
    with pytest.raises(AnonymiseRefused, match="does not hold a key"):
        anonymise.read_key(path)


# --- what is written -------------------------------------------------------------------------


def test_unmapped_columns_are_dropped_and_named_in_the_summary(work):
    header = [*RAW_HEADER, "Favourite Colour"]
    rows = [(*r, "Ultramarine") for r in RAW_ROWS]
    summary = run(work, write_raw(work, "utf-8", header, rows))
    data = (work / "out.csv").read_bytes()
    assert b"Ultramarine" not in data
    assert list(out_rows(work / "out.csv")[0]) == [
        "academy_code", "concern_id", "pupil_ref", "logged_at", "category", "year_group", "status",
    ]  # fmt: skip
    assert summary.columns_dropped == [
        "Student", "DOB", "Incident", "Notes", "Reported By", "Favourite Colour",
    ]  # fmt: skip


def test_formula_looking_cells_are_neutralised_but_numbers_are_not(work):
    rows = [
        changed(RAW_ROWS[0], {"Incident ID": "=1+1", "Categories": "@SUM(A1)",
                              "Year Group": "Nursery"}),
        changed(RAW_ROWS[2], {"Incident ID": "+cmd|' /C calc'!A0", "Categories": "-2+3",
                              "Year Group": "-1"}),
    ]  # fmt: skip
    run(work, write_raw(work, "utf-8", rows=rows))
    written = out_rows(work / "out.csv")
    assert [r["concern_id"] for r in written] == ["'=1+1", "'+cmd|' /C calc'!A0"]
    assert [r["category"] for r in written] == ["'@SUM(A1)", "'-2+3"]
    assert [r["year_group"] for r in written] == ["-1", "-1"]  # nursery stays a number


def test_rows_with_the_wrong_number_of_fields_are_reported_by_line(work):
    raw = work / "raw.csv"
    text = csv_text(RAW_HEADER, RAW_ROWS[:2]) + "1009,Testchild Delta,extra\n"
    raw.write_text(text, encoding="utf-8")
    summary = run(work, raw)
    assert summary.rows_written == 2 and summary.skipped_lines == [4]
    assert "lines 4" in anonymise.format_summary(summary)


def test_a_refusal_leaves_the_previous_output_untouched(work):
    (work / "out.csv").write_text("last week's file")
    (work / "mapping.toml").write_text(MAPPING.replace('"Date Added"', '"Date Logged"'))
    with pytest.raises(AnonymiseRefused, match="no column 'Date Logged'"):
        run(work, write_raw(work, "utf-8"))
    assert (work / "out.csv").read_text() == "last week's file"
    assert sorted(p.name for p in work.iterdir() if p.name.startswith(".out.csv")) == []


def test_a_failed_write_leaves_the_previous_output_and_no_temporary_file(work, monkeypatch):
    (work / "out.csv").write_text("last week's file")

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(anonymise.os, "replace", disk_full)
    with pytest.raises(AnonymiseRefused, match="No space left"):
        run(work, write_raw(work, "utf-8"))
    assert (work / "out.csv").read_text() == "last week's file"
    assert [p.name for p in work.iterdir() if p.name.endswith(".tmp")] == []


def test_a_copied_column_full_of_upns_is_refused(work):
    """The mapping points concern_id at a column whose header looks harmless but which holds
    UPNs: the values give it away, as they would at ingest."""
    header = [*RAW_HEADER, "MIS Ref"]
    rows = [(*r, r[2]) for r in RAW_ROWS]
    (work / "mapping.toml").write_text(MAPPING.replace('"Incident ID"', '"MIS Ref"'))
    with pytest.raises(AnonymiseRefused, match="'MIS Ref', mapped to concern_id, holds UPNs"):
        run(work, write_raw(work, "utf-8", header, rows))
    assert not (work / "out.csv").exists()


# --- the mapping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "column, header",
    [
        ("concern_id", "Notes"),
        ("concern_id", "Incident"),
        ("concern_id", "Student"),
        ("status", "Description"),
        ("logged_at", "DOB"),
        ("concern_id", "Reported By"),
    ],
)
def test_a_mapping_that_copies_free_text_or_names_through_is_refused(work, column, header):
    # column = "Header" #"its usual header": the rest of the line becomes a TOML comment
    text = MAPPING.replace(f'{column} = "', f'{column} = "{header}" #')
    assert text != MAPPING
    (work / "mapping.toml").write_text(text)
    with pytest.raises(AnonymiseRefused, match=f"copies the raw column '{header}'"):
        load_mapping(work / "mapping.toml")


def test_a_free_text_column_passes_only_as_a_closed_list(work):
    """Listing every allowed value with unlisted = "blank" lets a pick-list through: nothing
    that is not written in the mapping can come out."""
    text = MAPPING + (
        '\n[columns.outcome]\nfrom = "Notes"\n'
        'values = { "Phoned the police" = "referral" }\nunlisted = "blank"\n'
    )
    (work / "mapping.toml").write_text(text)
    summary = run(work, write_raw(work, "utf-8"))
    assert [r["outcome"] for r in out_rows(work / "out.csv")] == ["", "referral", "", ""]
    assert summary.unlisted == {"outcome": 3}
    assert_no_secrets((work / "out.csv").read_bytes())


def test_a_pupil_ref_copied_without_pseudonymising_is_refused(work):
    text = MAPPING.replace('{ from = "UPN", pseudonymise = "pupil" }', '"Incident ID"')
    (work / "mapping.toml").write_text(text)
    with pytest.raises(AnonymiseRefused, match='add pseudonymise = "pupil"'):
        load_mapping(work / "mapping.toml")


@pytest.mark.parametrize(
    "change, expected",
    [
        (('academy_code = "OAK"', 'academy_code = "CHANGEME"'), "still the example"),
        (('dataset = "concerns"', 'dataset = "concern"'), "key dataset"),
        (('status = "Status"', 'state = "Status"'), "columns.state"),
        (('logged_at = "Date Added"\n', ""), "no logged_at column"),
        (('pseudonymise = "pupil"', 'pseudonymise = "staff"'), "staff pseudonyms go in"),
    ],
)
def test_mapping_mistakes_are_refused_naming_the_key(work, change, expected):
    text = MAPPING.replace(*change)
    assert text != MAPPING
    (work / "mapping.toml").write_text(text)
    with pytest.raises(AnonymiseRefused, match=expected) as refused:
        load_mapping(work / "mapping.toml")
    assert "mapping.toml" in str(refused.value)


def test_the_example_mappings_work_on_exports_shaped_like_theirs(tmp_path):
    """The documented examples must stay true: each, with its academy code filled in, turns a
    matching synthetic export into a file the ingest loads without quarantine."""
    anonymise.create_key(tmp_path / "k.key")
    folder = PROJECT_ROOT / "config" / "anonymise"
    exports = {
        "cpoms-concerns.example.toml": (
            "Incident ID,Student,UPN,DOB,Date/Time,Date Added,Categories,Incident,Action Taken,"
            "Status,Year Group,Reported By\n"
            f"77,Testchild Alpha,{UPNS[0]},01/04/2015,02/03/2026 09:10,02/03/2026 10:00,"
            '"Neglect, CSE",Text about Testchild Alpha,Called home,Open,Reception,'
            "Teststaff Onewell\n"
        ),
        "scr-staff.example.toml": (
            "Employee No,Surname,Forename,DOB,NI Number,Job Title,Safeguarding Role,Start Date,"
            "Leaving Date\n"
            "00123,Teststaff,Onewell,05/05/1980,QQ123456C,Class Teacher,Deputy DSL,01/09/2020,\n"
            "124,Teststaff,Twowell,06/06/1981,QQ123457C,Chef,,01/09/2021,\n"
        ),
    }
    # the transfers example needs the trust key: tests/test_transfers.py runs it
    assert sorted(p.name for p in folder.glob("*.toml")) == sorted(
        [*exports, "mis-transfers.example.toml"]
    )
    for name, text in exports.items():
        mapping = tmp_path / name
        mapping.write_text((folder / name).read_text().replace('"CHANGEME"', '"OAK"'))
        raw = tmp_path / f"{name}.csv"
        raw.write_text(text)
        out = tmp_path / f"{name}.out.csv"
        anonymise_file(raw, mapping, tmp_path / "k.key", out)
        data = out.read_bytes()
        for secret in ("Teststaff", "Onewell", "Testchild", UPNS[0], "1980", "QQ12", "Called"):
            assert secret.encode() not in data, (name, secret)
        result, _ = ingest(tmp_path, out, db_name=f"{name}.duckdb")
        loaded = (result.status, result.rows_loaded, result.rows_quarantined)
        assert loaded == ("loaded", text.count("\n") - 1, 0), (name, result.quarantined)
    staff = out_rows(tmp_path / "scr-staff.example.toml.out.csv")
    assert [(r["role"], r["safeguarding_role"]) for r in staff] == [
        ("teacher", "deputy_dsl"),
        ("other", ""),  # a job title not listed is sent as "other", never as the title
    ]


# --- the command line ------------------------------------------------------------------------


def cli_args(work: Path, raw: Path, *extra: str) -> list[str]:
    return [
        "anonymise",
        str(raw),
        "--mapping",
        str(work / "mapping.toml"),
        "--key-file",
        str(work / "academy.key"),
        "--out",
        str(work / "out.csv"),
        *extra,
    ]


def test_cli_success_prints_counts_and_headers_but_no_values(work, capsys):
    raw = write_raw(work, "utf-8")
    assert cli.main(cli_args(work, raw)) == cli.EXIT_OK
    printed = capsys.readouterr()
    assert "rows written: 4" in printed.out
    assert "pupil_ref from 'UPN' (3 distinct)" in printed.out
    assert "'Notes'" in printed.out  # headers are named as dropped
    assert_no_secrets((printed.out + printed.err).encode())


def test_cli_refuses_a_notes_mapping_with_exit_1_and_writes_nothing(work, capsys):
    (work / "mapping.toml").write_text(MAPPING.replace('"Incident ID"', '"Notes"'))
    assert cli.main(cli_args(work, write_raw(work, "utf-8"))) == cli.EXIT_REFUSED
    printed = capsys.readouterr()
    assert "Refused, nothing written" in printed.err and "'Notes'" in printed.err
    assert not (work / "out.csv").exists()
    assert_no_secrets((printed.out + printed.err).encode())


@posix_modes
def test_cli_refuses_a_group_readable_key_with_exit_1(work, capsys):
    os.chmod(work / "academy.key", 0o640)
    assert cli.main(cli_args(work, write_raw(work, "utf-8"))) == cli.EXIT_REFUSED
    assert "chmod 600" in capsys.readouterr().err


@posix_modes
def test_cli_new_key_creates_it_then_refuses_to_replace_it(tmp_path, capsys):
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    raw = write_raw(tmp_path, "utf-8")
    args = cli_args(tmp_path, raw, "--new-key")
    assert cli.main(args) == cli.EXIT_OK
    key = (tmp_path / "academy.key").read_bytes()
    assert stat.S_IMODE((tmp_path / "academy.key").stat().st_mode) == 0o600
    first = (tmp_path / "out.csv").read_bytes()
    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == 0o600
    assert cli.main(args) == cli.EXIT_REFUSED
    assert "already exists" in capsys.readouterr().err
    assert (tmp_path / "academy.key").read_bytes() == key
    # the same key without --new-key reproduces the same file
    assert cli.main(cli_args(tmp_path, raw)) == cli.EXIT_OK
    assert (tmp_path / "out.csv").read_bytes() == first


def test_cli_new_key_alone_creates_just_the_key(tmp_path, capsys):
    key = tmp_path / "academy.key"
    assert cli.main(["anonymise", "--new-key", "--key-file", str(key)]) == cli.EXIT_OK
    assert len(anonymise.read_key(key)) == 32
    assert cli.main(["anonymise", "--new-key", "--key-file", str(key)]) == cli.EXIT_REFUSED


def test_cli_missing_key_is_refused_with_exit_1(work):
    os.remove(work / "academy.key")
    assert cli.main(cli_args(work, write_raw(work, "utf-8"))) == cli.EXIT_REFUSED


def test_cli_usage_errors_exit_2(work, capsys):
    raw = write_raw(work, "utf-8")
    no_mapping = [
        "anonymise",
        str(raw),
        "--key-file",
        str(work / "academy.key"),
        "--out",
        str(work / "out.csv"),
    ]
    assert cli.main(no_mapping) == cli.EXIT_USAGE
    assert cli.main(cli_args(work, work / "missing.csv")) == cli.EXIT_USAGE
    with pytest.raises(SystemExit) as exited:
        cli.main(["anonymise", str(raw), "--mapping", str(work / "mapping.toml")])
    assert exited.value.code == cli.EXIT_USAGE
    assert not (work / "out.csv").exists()
