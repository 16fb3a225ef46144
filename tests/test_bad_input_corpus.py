"""The bad-input corpus (product.md §2 "What bad input gets"), generated here, one test per case.

Every case states its exact outcome: either the whole file is refused (a message naming the
file, the problem and the fix) and every table is byte-for-byte as before, or the file loads
with exactly the named lines quarantined for exactly the named reasons. Always
rows read = loaded + quarantined, and no cell value ever reaches a message or the quarantine.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import openpyxl
import pytest
from conftest import (
    ACADEMIES_CSV,
    DATASET_TABLES,
    copy_database,
    loader,
    quarantine_reasons,
    rows,
)

from safeguarding import exports
from safeguarding.ingest import reading
from safeguarding.ingest.identifiers import is_valid_upn, upn_check_letter

CONCERNS_HEADER = "academy_code,concern_id,pupil_ref,logged_at,category,dsl_reviewed_at,outcome"
STAFF_HEADER = "academy_code,staff_ref,role,start_date,leave_date"
TRAINING_HEADER = "academy_code,staff_ref,course,completed_on,kcsie_edition"
REFERRALS_HEADER = "academy_code,referral_id,agency,referred_at,pupil_ref,feedback_at"

# Values that must never appear in a message, a log or the quarantine table.
SENTINELS = ("B801200005001", "SENTINEL", "ab12 3cd", "QQ123456C", "07700900123", "@example")

BAD_DATE = (
    "{c} is not a date in an accepted form (2026-03-31, 2026-03-31 14:05, 31/03/2026 or "
    "31/03/2026 14:05)"
)
ANONYMISE = "safeguarding anonymise"
ALL_TABLES = (*DATASET_TABLES, "quarantine", "ingest_coverage")


def concern(n: int, academy="OAK", logged="2026-03-02 09:00", reviewed="", outcome="", ref=None):
    pupil = ref if ref is not None else f"PUP-{academy}-{n:06d}"
    return f"{academy},CON-{academy}-{n:06d},{pupil},{logged},neglect,{reviewed},{outcome}"


def concerns_csv(*lines: str, header: str = CONCERNS_HEADER) -> bytes:
    return ("\n".join((header, *lines)) + "\n").encode()


def valid_upns(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        body = "".join(rng.choice("0123456789") for _ in range(12))
        out.append(upn_check_letter(body) + body)
    assert all(is_valid_upn(u) for u in out)
    return out


def xlsx(rows_: list[list], title="concerns", formulas=False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows_:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def concerns_rows_for_xlsx() -> list[list]:
    return [
        CONCERNS_HEADER.split(","),
        ["OAK", "X1", "PUP-X1", "2026-03-02", "neglect", None, None],
        ["OAK", "X2", "PUP-X2", "2026-03-02", "neglect", None, None],
    ]


def garbage(seed: int, size: int, allow_nul: bool) -> bytes:
    rng = random.Random(seed)
    alphabet = range(256) if allow_nul else range(1, 256)
    data = bytes(rng.choice(alphabet) for _ in range(size))
    return data if allow_nul else data.replace(b"PK", b"QK")


@dataclass
class Case:
    id: str
    file_name: str
    content: Callable[[], bytes]
    refused: str | None = None  # the problem, as worded in the message
    fix: str | None = None  # a phrase of the fix
    read: int = 0
    loaded: int = 0
    quarantined: dict[int, list[str]] = field(default_factory=dict)
    table: str | None = None  # the dataset the file loads into
    options: dict = field(default_factory=dict)
    size_cap: int | None = None
    warning: str | None = None


CASES: list[Case] = [
    # --- Unreadable files: refused ------------------------------------------------------
    Case("empty-file", "c.csv", lambda: b"", "the file is empty", "export it again"),
    Case("whitespace-only", "c.csv", lambda: b"\n \r\n\t\n", "the file is empty", "header row"),
    Case(
        "binary-garbage-with-nul",
        "concerns.csv",
        lambda: garbage(1, 4096, allow_nul=True),
        "the file is UTF-16 or binary, not a CSV text file",
        "CSV UTF-8 (comma delimited)",
    ),
    Case(
        "binary-garbage-high-bytes",
        "concerns.csv",
        lambda: b"\x81\x8d" + garbage(2, 4096, allow_nul=False),
        "the file is neither UTF-8 nor Windows-1252 text",
        "CSV UTF-8 (comma delimited)",
    ),
    Case(
        "binary-garbage-control-chars",
        "concerns.csv",
        lambda: bytes(random.Random(5).choice(b"abc,\x01\x02\x03\x1b\n") for _ in range(4096)),
        "the file contains binary data, not CSV text",
        "CSV UTF-8 (comma delimited)",
    ),
    Case(
        "utf16-csv",
        "concerns.csv",
        lambda: concerns_csv(concern(1)).decode().encode("utf-16"),
        "the file is UTF-16 or binary, not a CSV text file",
        "CSV UTF-8 (comma delimited)",
    ),
    Case(
        "truncated-xlsx",
        "concerns.xlsx",
        lambda: xlsx(concerns_rows_for_xlsx())[:900],
        "the Excel file could not be opened (it is damaged, truncated, password-protected or "
        "not really .xlsx: BadZipFile)",
        "remove any password",
    ),
    Case(
        "password-protected-xlsx",  # Excel encrypts to an OLE compound file, not a zip
        "concerns.xlsx",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + garbage(3, 4000, allow_nul=True),
        "the Excel file could not be opened (it is damaged, truncated, password-protected or "
        "not really .xlsx: BadZipFile)",
        "remove any password",
    ),
    Case(
        "password-protected-workbook-named-csv",
        "concerns.csv",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + garbage(4, 4000, allow_nul=True),
        "the file is an old-style Excel (.xls) workbook or a password-protected workbook",
        "without a password",
    ),
    Case(
        "zip-that-is-not-a-workbook",
        "concerns.xlsx",
        lambda: _zip_of({"hello.txt": b"not a workbook"}),
        "the Excel file could not be opened (it is damaged, truncated, password-protected or "
        "not really .xlsx: KeyError)",
        "save it again as .xlsx",
    ),
    Case(
        "file-over-size-cap",
        "concerns.csv",
        lambda: concerns_csv(*(concern(n) for n in range(1, 200))),
        "the file is larger than the upload limit",
        "split it into files under 0 MB",
        size_cap=2048,
    ),
    Case(
        "semicolon-delimited",
        "concerns.csv",
        lambda: concerns_csv(
            concern(1).replace(",", ";"), header=CONCERNS_HEADER.replace(",", ";")
        ),
        "the file is semicolon-delimited; only comma-separated files are accepted",
        "CSV UTF-8 (comma delimited)",
    ),
    Case(
        "tab-delimited",
        "concerns.csv",
        lambda: concerns_csv(
            concern(1).replace(",", "\t"), header=CONCERNS_HEADER.replace(",", "\t")
        ),
        "the file is tab-delimited; only comma-separated files are accepted",
        "CSV UTF-8 (comma delimited)",
    ),
    Case(
        "unclosed-quote",
        "concerns.csv",
        lambda: concerns_csv(concern(1), 'OAK,C2,"PUP-2,2026-03-02,neglect,,'),
        "the CSV could not be read at line 3 (unexpected end of data)",
        "closing quotes",
    ),
    # --- Headers: refused -----------------------------------------------------------------
    Case(
        "duplicated-header-names",
        "concerns.csv",
        lambda: concerns_csv(concern(1) + ",CON-OAK-9", header=CONCERNS_HEADER + ",Concern ID"),
        "two columns are both read as concern_id (column 8 and an earlier one)",
        "keep one of them",
    ),
    Case(
        "headers-match-no-dataset",
        "export.csv",
        lambda: b"colour,size,weight\nred,1,2\n",
        "its headers match none of the 7 datasets (academies, concerns, referrals, staff, "
        "training, policies, transfers)",
        "--dataset",
    ),
    Case(
        "header-only-no-dataset",
        "export.csv",
        lambda: b"foo,bar\n",
        "its headers match none of the 7 datasets (academies, concerns, referrals, staff, "
        "training, policies, transfers)",
        "config/aliases.toml",
    ),
    Case(
        "missing-required-column",
        "concerns.csv",
        lambda: b"academy_code,concern_id,pupil_ref,category\nOAK,C1,P1,neglect\n",
        "it looks like a concerns export but has no logged_at column",
        "add the column(s) logged_at",
    ),
    Case(
        "no-academy-column-no-academy-given",
        "concerns.csv",
        lambda: b"concern_id,pupil_ref,logged_at,category\nC1,P1,2026-03-02,neglect\n",
        "it has no academy_code column and no academy was given",
        "--academy CODE",
    ),
]

# Identifying and free-text headers (product.md §2): each one, as an extra column, refuses the file.
IDENTIFYING_HEADERS = {
    "name": "name",
    "Forename": "name",  # the first identifying word found is named
    "Surname": "name",
    "DOB": "dob",
    "date_of_birth": "dateofbirth",
    "UPN": "upn",
    "Home Address": "address",
    "Postcode": "postcode",
    "E-mail": "email",
    "Phone": "phone",
    "NHS Number": "nhsnumber",
    "NI Number": "ninumber",
    "Description": "description",
    "Notes": "notes",
    "Details": "details",
    "Narrative": "narrative",
    "Summary": "summary",
}
for _header, _word in IDENTIFYING_HEADERS.items():
    CASES.append(
        Case(
            f"identifying-header-{_header.lower().replace(' ', '-')}",
            "concerns.csv",
            (
                lambda h=_header: concerns_csv(
                    concern(1) + ",SENTINEL", header=CONCERNS_HEADER + "," + h
                )
            ),
            f"column 8 ({_header!r}) looks like identifying or free-text data (its name contains "
            f"{_word!r}); such data must never be loaded",
            ANONYMISE,
        )
    )

# Identifier-shaped values (product.md §2): a column mostly made of them refuses the file,
# whether it is a contract column or an extra one.
IDENTIFIER_VALUES = {
    "UPNs (unique pupil numbers)": valid_upns(6),
    "e-mail addresses": [f"child{n}@example.org" for n in range(6)],
    "UK postcodes": ["AB12 3CD", "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT"],
    "National Insurance numbers": ["QQ123456C", "AB123456A", "CE 12 34 56 D"] * 2,
    "UK phone numbers": ["07700 900123", "020 7946 0018", "+44 7700 900456"] * 2,
}
for _kind, _values in IDENTIFIER_VALUES.items():
    _slug = {"UK postcodes": "postcodes", "UK phone numbers": "phones"}.get(
        _kind, _kind.split(" ")[0].lower()
    )
    CASES.append(
        Case(
            f"values-{_slug}-in-extra-column",
            "concerns.csv",
            (
                lambda vs=_values: concerns_csv(
                    *(concern(n) + f",{v}" for n, v in enumerate(vs, 1)),
                    header=CONCERNS_HEADER + ",ref2",
                )
            ),
            f"column 8 ('ref2') holds {_kind}; real identifiers must never be loaded",
            ANONYMISE,
        )
    )
    CASES.append(
        Case(
            f"values-{_slug}-as-pupil-ref",
            "concerns.csv",
            (lambda vs=_values: concerns_csv(*(concern(n, ref=v) for n, v in enumerate(vs, 1)))),
            f"column 3 ('pupil_ref') holds {_kind}; real identifiers must never be loaded",
            ANONYMISE,
        )
    )

# --- Files that load, with exactly the named rows quarantined ----------------------------
CASES += [
    Case("header-only", "concerns.csv", lambda: concerns_csv(), table="concerns"),
    Case(
        "header-only-xlsx",
        "concerns.xlsx",
        lambda: xlsx([CONCERNS_HEADER.split(",")]),
        table="concerns",
    ),
    Case(
        "xlsx-with-formulas",  # openpyxl writes no cached value: a formula cell reads as blank
        "concerns.xlsx",
        lambda: xlsx(
            [
                CONCERNS_HEADER.split(","),
                ["OAK", "X1", '=CONCATENATE("PUP","-1")', "2026-03-02", "neglect", None, None],
                ["OAK", "X2", "PUP-X2", "2026-03-02", "neglect", None, '="monitor"'],
                ["OAK", "X3", "PUP-X3", "2026-03-02", "neglect", None, None],
            ]
        ),
        read=3,
        loaded=2,
        quarantined={2: ["pupil_ref is required but blank"]},
        table="concerns",
    ),
    Case(
        "mixed-date-formats-in-one-column",
        "concerns.csv",
        lambda: concerns_csv(
            concern(1, logged="2026-03-02"),
            concern(2, logged="2026-03-02T14:05"),
            concern(3, logged="2026-03-02 14:05:00"),
            concern(4, logged="02/03/2026"),
            concern(5, logged="2/3/2026 14:05"),
            concern(6, logged="03/31/2026"),  # US order
            concern(7, logged="2026/03/02"),
            concern(8, logged="2026-03-02T14:05:00Z"),
            concern(9, logged="2026-03-02 14:05:00.250"),
            concern(10, logged="46083"),  # an Excel serial written as text
            concern(11, logged="2 March 2026"),
        ),
        read=11,
        loaded=5,
        quarantined={line: [BAD_DATE.format(c="logged_at")] for line in range(7, 13)},
        table="concerns",
    ),
    Case(
        "embedded-newlines-in-quoted-fields",
        "concerns.csv",
        lambda: concerns_csv(
            'OAK,CON-OAK-1,PUP-1,2026-03-02,"Self\nharm",,',
            'OAK,CON-OAK-2,PUP-2,2026-03-02,"neglect",,"monitor"',
            'OAK,CON-OAK-3,PUP-3,not-a-date,"Domestic\r\nviolence",,',
            "OAK,CON-OAK-4,PUP-4,bad,neglect,,",
        ),
        read=4,
        loaded=2,
        quarantined={5: [BAD_DATE.format(c="logged_at")], 7: [BAD_DATE.format(c="logged_at")]},
        table="concerns",
    ),
    Case(
        "ragged-row",
        "concerns.csv",
        lambda: concerns_csv(concern(1), concern(2) + ",extra", concern(3)[:-2]),
        read=3,
        loaded=1,
        quarantined={
            3: ["the row has 8 values but the header has 7 columns"],
            4: ["the row has 5 values but the header has 7 columns"],
        },
        table="concerns",
    ),
    Case(
        "formula-strings-in-cells",  # stored as given, neutralised on export (checked below)
        "concerns.csv",
        lambda: concerns_csv(
            "OAK,CON-OAK-1,=1+1,2026-03-02,neglect,,",
            "OAK,CON-OAK-2,+cmd|' /C calc'!A0,2026-03-02,@SUM(A1),,",
            'OAK,CON-OAK-3,-PUP-3,2026-03-02,=HYPERLINK("http://x"),,',
        ),
        read=3,
        loaded=3,
        table="concerns",
        warning="2 row(s) had a category that is not in the trust's taxonomy",
    ),
    Case(
        "unknown-academy",
        "concerns.csv",
        lambda: concerns_csv(concern(1), concern(2, academy="ASH"), concern(3, academy="ELM")),
        read=3,
        loaded=2,
        quarantined={
            3: ["academy_code is not in the academies reference (load the academies file first)"]
        },
        table="concerns",
    ),
    Case(
        "academy-disagrees-with-option",
        "concerns.csv",
        lambda: concerns_csv(concern(1), concern(2, academy="ELM")),
        read=2,
        loaded=1,
        quarantined={3: ["academy_code differs from the --academy given"]},
        table="concerns",
        options={"academy": "OAK"},
    ),
    Case(
        "future-training-date",
        "training.csv",
        lambda: (
            TRAINING_HEADER + "\n"
            "OAK,STF-OAK-1,safeguarding_update,2026-11-28,\n"
            "OAK,STF-OAK-1,safeguarding_update,2026-11-29,\n"
            "OAK,STF-OAK-1,kcsie_part1,2031-01-01,2025\n"
        ).encode(),
        read=3,
        loaded=1,
        quarantined={3: ["completed_on is in the future"], 4: ["completed_on is in the future"]},
        table="training",
    ),
    Case(
        "leave-before-start",
        "staff.csv",
        lambda: (
            STAFF_HEADER + "\n"
            "OAK,STF-OAK-11,teacher,2020-09-01,2024-07-31\n"
            "OAK,STF-OAK-12,teacher,2020-09-01,2019-07-31\n"
            "OAK,STF-OAK-13,support,2020-09-01,\n"
        ).encode(),
        read=3,
        loaded=2,
        quarantined={3: ["leave_date is before start_date"]},
        table="staff",
    ),
    Case(
        "reviewed-before-logged",
        "concerns.csv",
        lambda: concerns_csv(
            concern(1, logged="2026-03-02 09:00", reviewed="2026-03-02 10:00"),
            concern(2, logged="2026-03-02 09:00", reviewed="2026-03-02 08:59"),
            concern(3, logged="2026-03-02 09:00", reviewed="01/03/2026"),
        ),
        read=3,
        loaded=1,
        quarantined={
            3: ["dsl_reviewed_at is before logged_at"],
            4: ["dsl_reviewed_at is before logged_at"],
        },
        table="concerns",
    ),
    Case(
        "feedback-before-referral",
        "referrals.csv",
        lambda: (
            REFERRALS_HEADER + "\n"
            "OAK,R1,children_social_care,2026-03-02 10:00,PUP-1,2026-03-03 10:00\n"
            "OAK,R2,children_social_care,2026-03-02 10:00,PUP-2,2026-03-01 10:00\n"
        ).encode(),
        read=2,
        loaded=1,
        quarantined={3: ["feedback_at is before referred_at"]},
        table="referrals",
    ),
    Case(
        "duplicate-keys-within-a-file",
        "concerns.csv",
        lambda: concerns_csv(concern(1), concern(2), concern(1, outcome="monitor"), concern(1)),
        read=4,
        loaded=2,
        quarantined={
            4: ["the same key as line 2 (the first row is kept)"],
            5: ["the same key as line 2 (the first row is kept)"],
        },
        table="concerns",
    ),
    Case(
        "a-single-upn-as-pupil-ref",  # a minority of the column: the row, not the file
        "concerns.csv",
        lambda: concerns_csv(concern(1), concern(2, ref="B801200005001"), concern(3)),
        read=3,
        loaded=2,
        quarantined={3: ["pupil_ref is a real UPN; use a pseudonym (safeguarding anonymise)"]},
        table="concerns",
    ),
    Case(
        "required-value-blank-and-out-of-range",
        "concerns.csv",
        lambda: concerns_csv(
            concern(1),
            "OAK,CON-OAK-2,,2026-03-02,neglect,,",
            "OAK,CON-OAK-3,PUP-3,2026-03-02,neglect,,teleport",
        ),
        read=3,
        loaded=1,
        quarantined={
            3: ["pupil_ref is required but blank"],
            4: ["outcome is not one of the allowed values (see docs/data-contract.md)"],
        },
        table="concerns",
    ),
    Case(
        "windows-1252-with-blank-lines",
        "concerns.csv",
        lambda: concerns_csv(concern(1), "", concern(2, outcome="monitor"), "").replace(
            b"CON-OAK-000002", "CON-OAK-£2".encode("cp1252")
        ),
        read=2,
        loaded=2,
        table="concerns",
    ),
    Case(
        "fifty-thousand-rows-a-few-bad",
        "concerns.csv",
        lambda: concerns_csv(
            *(
                concern(n, logged="31/02/2026")
                if n in (1_000, 25_000)
                else concern(n, academy="ASH")
                if n == 49_999
                else concern(n)
                for n in range(1, 50_001)
            ),
            concern(7),
        ),
        read=50_001,
        loaded=49_997,
        quarantined={
            1_001: [BAD_DATE.format(c="logged_at")],
            25_001: [BAD_DATE.format(c="logged_at")],
            50_000: [
                "academy_code is not in the academies reference (load the academies file first)"
            ],
            50_002: ["the same key as line 8 (the first row is kept)"],
        },
        table="concerns",
    ),
]


def _zip_of(files: dict[str, bytes]) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def all_checksums(db) -> dict[str, str]:
    """A digest of every table a refusal must leave alone (the six datasets, quarantine and
    coverage), in full-row order."""
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            table: hashlib.sha256(
                repr(con.execute(f"select * from {table} order by all").fetchall()).encode()
            ).hexdigest()
            for table in ALL_TABLES
        }


def count(db, table: str) -> int:
    return rows(db, f"select count(*) from {table}")[0][0]


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory):
    """A trust with something in every dataset table, so that a change would show: built once
    for the module, copied for each test."""
    folder = tmp_path_factory.mktemp("seeded")
    db = folder / "trust.duckdb"
    load = loader(db, folder)
    assert load("academies.csv", ACADEMIES_CSV).status == "loaded"
    for name, text in (
        ("seed-concerns.csv", concerns_csv(concern(900_001), concern(900_002, academy="ELM"))),
        ("seed-staff.csv", (STAFF_HEADER + "\nOAK,STF-OAK-1,teacher,2019-09-01,\n").encode()),
        (
            "seed-training.csv",
            (TRAINING_HEADER + "\nOAK,STF-OAK-1,safeguarding_update,2025-09-01,\n").encode(),
        ),
        (
            "seed-referrals.csv",
            (REFERRALS_HEADER + "\nELM,R9,police,2026-01-05 10:00,PUP-ELM-9,\n").encode(),
        ),
        ("seed-policies.csv", b"academy_code,policy_title\nTRUST,Child Protection Policy\n"),
        ("seed-bad.csv", concerns_csv(concern(900_003, logged="bad"))),
    ):
        result = load(name, text)
        assert result.status == "loaded", result.message
    return db


@pytest.fixture
def seeded(seeded_template, db, load):
    """load(...) into a copy of the seeded trust."""
    copy_database(seeded_template, db)
    return load


def test_the_corpus_has_at_least_forty_distinct_cases():
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, seeded, db, monkeypatch):
    if case.size_cap is not None:
        monkeypatch.setattr(reading, "MAX_FILE_BYTES", case.size_cap)
    content = case.content()
    if case.size_cap is not None:
        assert len(content) > case.size_cap
    before = all_checksums(db)
    counts_before = {table: count(db, table) for table in ALL_TABLES}
    log_before = count(db, "ingest_log")

    result = seeded(case.file_name, content, **case.options)

    assert result.rows_read == result.rows_loaded + result.rows_quarantined
    assert result.rows_quarantined == len(result.quarantined)
    [(status, read, loaded, quarantined, message)] = rows(
        db,
        "select status, rows_read, rows_loaded, rows_quarantined, message from ingest_log "
        "order by ingest_id desc limit 1 offset 0",
    )
    assert count(db, "ingest_log") == log_before + 1
    assert (status, read, loaded, quarantined) == (
        result.status,
        result.rows_read,
        result.rows_loaded,
        result.rows_quarantined,
    )
    stored_quarantine = rows(db, "select * from quarantine")
    for value in (result.message or "", repr(result.quarantined), repr(stored_quarantine)):
        for sentinel in SENTINELS:
            assert sentinel.lower() not in value.lower(), (sentinel, value)

    if case.refused is not None:
        assert result.status == "refused"
        assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (0, 0, 0)
        assert result.message.startswith(f"{case.file_name}: refused, {case.refused}. Fix: ")
        assert case.fix.lower() in result.message.lower()
        assert message == result.message
        assert all_checksums(db) == before, "a refused file changed a table"
        return

    assert result.status == "loaded", result.message
    assert result.dataset == case.table
    assert (result.rows_read, result.rows_loaded) == (case.read, case.loaded)
    assert quarantine_reasons(result) == case.quarantined
    assert count(db, "quarantine") == counts_before["quarantine"] + len(case.quarantined)
    assert count(db, case.table) == counts_before[case.table] + case.loaded
    after = all_checksums(db)
    for table in DATASET_TABLES:
        if table != case.table:
            assert after[table] == before[table], f"{table} changed by a {case.table} file"
    if case.warning:
        assert any(case.warning in w for w in result.warnings), result.warnings


def test_formula_strings_are_stored_as_given_and_neutralised_on_export(seeded, db):
    case = next(c for c in CASES if c.id == "formula-strings-in-cells")
    seeded(case.file_name, case.content())
    frame = (
        duckdb.connect(str(db), read_only=True)
        .execute(
            "select pupil_ref, category, category_label from concerns "
            "where concern_id in ('CON-OAK-1', 'CON-OAK-2', 'CON-OAK-3') order by concern_id"
        )
        .df()
    )
    assert list(frame.pupil_ref) == ["=1+1", "+cmd|' /C calc'!A0", "-PUP-3"]
    assert list(frame.category) == ["neglect", "other", "other"]
    text = exports.csv_bytes(frame).decode("utf-8-sig")
    for cell in ("=1+1", "+cmd|' /C calc'!A0", "-PUP-3", "@SUM(A1)", '=HYPERLINK("http://x")'):
        assert f"'{cell}" in text.replace('""', '"')
    for line in text.splitlines()[1:]:
        for cell in line.split(","):
            assert not cell.lstrip('"').startswith(exports.FORMULA_STARTS)


def test_a_refused_file_is_refused_again_identically_and_still_changes_nothing(seeded, db):
    """Refusal is deterministic: loading the same bad file twice changes no dataset table."""
    content = concerns_csv(concern(1) + ",x", header=CONCERNS_HEADER + ",Surname")
    before = all_checksums(db)
    first = seeded("c.csv", content)
    second = seeded("c.csv", content)
    assert first.status == second.status == "refused"
    assert first.message == second.message
    assert all_checksums(db) == before
