"""The demo generator's files, read back from disk: shapes, volumes, pseudonyms, planted faults.

The checks here re-read every file independently of the ingest (a small reader and validator
below), so a generator bug shows up even when the ingest would hide it. The end-to-end test
(demo ingests with no refusal and exactly the planted rows quarantined) lives with the ingest.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

import openpyxl
import pytest

from safeguarding import demo, standards
from safeguarding.contract import CONTRACT, ENUMS, normalise_label
from safeguarding.demo import writing
from safeguarding.paths import PROJECT_ROOT

TODAY = dt.date(2026, 3, 18)  # a Wednesday in the spring term
OPTIONS = demo.DemoOptions(seed=7, today=TODAY, kcsie_edition=2025)
ALIASES = tomllib.loads((PROJECT_ROOT / "config" / "aliases.toml").read_text(encoding="utf-8"))
# The policy types every academy must have, as the dashboard judges them (the shipped
# config/standards.toml; test_standards.py pins that list).
REQUIRED_POLICY_TYPES = standards.load(standards.SHIPPED_STANDARDS).required_policy_types


# ---------------------------------------------------------------------------------------------
# Reading the files back


def header_map(dataset: str) -> dict[str, str]:
    """Normalised header -> contract column, through config/aliases.toml."""
    mapping = {normalise_label(c): c for c in CONTRACT[dataset].column_names}
    for section in ("any", dataset):
        for column, aliases in ALIASES["headers"].get(section, {}).items():
            if column in CONTRACT[dataset].column_names:
                mapping.update({normalise_label(a): column for a in aliases})
    return mapping


def value_map(domain: str) -> dict[str, str]:
    mapping = {normalise_label(v): v for v in ENUMS[domain]}
    for value, aliases in ALIASES["values"].get(domain, {}).items():
        mapping.update({normalise_label(a): value for a in aliases})
    return mapping


def dataset_of(path: Path) -> str:
    return "academies" if path.stem == "academies" else path.stem.rsplit("-", 1)[1]


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[object]]]]:
    """Headers and (physical line, cells) for each record."""
    if path.suffix == ".xlsx":
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = workbook[dataset_of(path)]
        rows = list(sheet.iter_rows(values_only=True))
        workbook.close()
        width = len(rows[0])  # a write-only sheet has no dimension: rows end at their last value
        return [str(h) for h in rows[0]], [
            (number, [*cells, *[None] * (width - len(cells))])
            for number, cells in enumerate(rows[1:], start=2)
        ]
    reader = csv.reader(io.StringIO(decode(path.read_bytes()), newline=""))
    headers = next(reader)
    records, last_line = [], reader.line_num
    for cells in reader:
        records.append((last_line + 1, cells))
        last_line = reader.line_num
    return headers, records


def canonical_records(path: Path) -> list[tuple[int, dict[str, object]]]:
    """Each record as {contract column: cell}, extra columns dropped."""
    headers, records = read_rows(path)
    mapping = header_map(dataset_of(path))
    columns = [mapping.get(normalise_label(h)) for h in headers]
    return [
        (line, {c: v for c, v in zip(columns, cells, strict=True) if c}) for line, cells in records
    ]


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


ISO = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?")
UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?")


def parse_timestamp(value: object) -> dt.datetime:
    """product.md §2 date forms; raises ValueError for anything else (31 February included)."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    text = str(value).strip()
    if ISO.fullmatch(text):
        return dt.datetime.fromisoformat(text)
    match = UK.fullmatch(text)
    if match:
        day, month, year, hour, minute, second = (int(g or 0) for g in match.groups())
        return dt.datetime(year, month, day, hour, minute, second)
    raise ValueError(text)


BOOLEANS = {"true", "false", "yes", "no", "y", "n", "1", "0"}


def row_faults(dataset: str, row: dict[str, object], academies: set[str]) -> list[str]:
    """The contract columns this row breaks a rule on (product.md §2), category labels excepted."""
    faults, values = [], {}
    for column in CONTRACT[dataset].columns:
        value = row.get(column.name)
        if blank(value):
            if column.required:
                faults.append(column.name)
            continue
        try:
            if column.kind in ("date", "datetime"):
                values[column.name] = parse_timestamp(value)
            elif column.kind == "int":
                values[column.name] = int(value)
            elif column.kind == "bool":
                if str(value).strip().lower() not in BOOLEANS:
                    raise ValueError
            elif column.kind == "enum" and column.domain != "category":
                values[column.name] = value_map(column.domain)[normalise_label(value)]
            elif column.kind == "code" and not re.fullmatch(r"[A-Z0-9]{2,10}", str(value)):
                raise ValueError
        except (ValueError, KeyError):
            faults.append(column.name)
    if faults:
        return faults

    code = row.get("academy_code")
    allowed = academies | ({"TRUST"} if dataset == "policies" else set())
    if dataset != "academies" and code not in allowed:
        faults.append("academy_code")

    def before(early: str, late: str, fault: str) -> None:
        if early in values and late in values and values[late] < values[early]:
            faults.append(fault)

    if dataset == "concerns":
        before("incident_at", "logged_at", "incident_at")
        before("logged_at", "dsl_reviewed_at", "dsl_reviewed_at")
        before("logged_at", "closed_at", "closed_at")
    elif dataset == "referrals":
        for column in ("feedback_at", "followed_up_at", "escalated_at"):
            before("referred_at", column, column)
        before("allegation_at", "referred_at", "allegation_at")
        if values["agency"] == "lado" and "allegation_at" not in values:
            faults.append("allegation_at")
        if values["agency"] != "lado" and blank(row.get("pupil_ref")):
            faults.append("pupil_ref")
    elif dataset == "staff":
        before("start_date", "leave_date", "leave_date")
    elif dataset == "training":
        if values["completed_on"].date() > TODAY:
            faults.append("completed_on")
        if values["course"].startswith("kcsie") and "kcsie_edition" not in values:
            faults.append("kcsie_edition")
    return faults


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> demo.DemoResult:
    return demo.generate_demo(tmp_path_factory.mktemp("demo"), OPTIONS)


@pytest.fixture(scope="module")
def records(generated) -> dict[str, list[tuple[int, dict[str, object]]]]:
    return {path.name: canonical_records(path) for path in generated.files}


@pytest.fixture(scope="module")
def academies(records) -> dict[str, dict[str, object]]:
    return {row["academy_code"]: row for _, row in records["academies.csv"]}


def rows_of(records, dataset: str) -> list[dict[str, object]]:
    return [
        row
        for name, file_records in records.items()
        if dataset_of(Path(name)) == dataset
        for _, row in file_records
    ]


# ---------------------------------------------------------------------------------------------
# Files and formats


def test_every_academy_has_one_file_per_dataset_and_academies_come_first(generated):
    codes = [a.code for a in demo.make_academies(OPTIONS)]
    assert len(codes) == 8 and len(set(codes)) == 8
    stems = [path.stem for path in generated.files]
    expected = {"academies", "TRUST-policies"} | {
        f"{code}-{dataset}" for code in codes for dataset in demo.ACADEMY_DATASETS
    }
    assert sorted(stems) == sorted(expected)
    assert generated.files[0].name == "academies.csv"
    on_disk = {p.name for p in generated.out_dir.iterdir()}
    assert on_disk == {p.name for p in generated.files} | {demo.MANIFEST_NAME}


def test_files_mix_encodings_and_formats(generated):
    kinds = Counter()
    for path in generated.files:
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            kinds["xlsx"] += 1
        elif data.startswith(b"\xef\xbb\xbf"):
            kinds["utf-8 with BOM"] += 1
        else:
            try:
                data.decode("utf-8")
                kinds["utf-8"] += 1
            except UnicodeDecodeError:
                data.decode("cp1252")
                kinds["windows-1252"] += 1
    assert kinds["windows-1252"] == 1
    assert kinds["utf-8 with BOM"] == 1
    assert kinds["xlsx"] >= 3
    assert kinds["utf-8"] > 20


def test_xlsx_files_hold_real_date_cells_on_a_sheet_named_after_the_dataset(generated):
    staff_workbook = next(p for p in generated.files if p.name.endswith("-staff.xlsx"))
    workbook = openpyxl.load_workbook(staff_workbook, read_only=True)
    assert workbook.sheetnames == ["staff"]
    headers, rows = read_rows(staff_workbook)
    start = [normalise_label(h) for h in headers].index(normalise_label("Date Started"))
    assert all(isinstance(cells[start], dt.datetime) for _, cells in rows)


def test_headers_are_contract_columns_or_configured_aliases(generated):
    used_aliases, extras = set(), set()
    for path in generated.files:
        headers, _ = read_rows(path)
        mapping = header_map(dataset_of(path))
        mapped = [mapping.get(normalise_label(h)) for h in headers]
        extras |= {h for h, column in zip(headers, mapped, strict=True) if column is None}
        used_aliases |= {h for h in headers if h not in CONTRACT[dataset_of(path)].column_names}
        assert len([c for c in mapped if c]) == len({c for c in mapped if c}), path.name
    assert extras == {"Source System"}  # the one extra column, loaded with a warning
    assert {"Date Logged", "Referred To", "Job Role"} <= used_aliases


def test_some_files_use_uk_dates_and_value_aliases(records):
    texts = [
        str(v)
        for file_records in records.values()
        for _, row in file_records
        for v in row.values()
        if isinstance(v, str)
    ]
    assert any(UK.fullmatch(t) and " " in t for t in texts)
    assert any(re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", t) for t in texts)
    for label in ("CSE", "Sexting", "CSC", "NFA", "Headteacher", "Deputy DSL", "KCSIE Part 1"):
        assert label in texts, label


# ---------------------------------------------------------------------------------------------
# Planted faults


def test_manifest_lists_exactly_the_rows_that_break_a_rule(generated, records, academies):
    found = set()
    for name, file_records in records.items():
        dataset = dataset_of(Path(name))
        seen_keys: dict[tuple, int] = {}
        for line, row in file_records:
            faults = row_faults(dataset, row, set(academies))
            key = tuple(str(row.get(c)) for c in CONTRACT[dataset].key)
            if key in seen_keys:
                faults.append(CONTRACT[dataset].key[-1])
            seen_keys.setdefault(key, line)
            found |= {(name, line, column) for column in faults}

    manifest = json.loads((generated.out_dir / demo.MANIFEST_NAME).read_text(encoding="utf-8"))
    listed = {(entry["file"], entry["line"], entry["column"]) for entry in manifest}
    assert found == listed
    assert len(manifest) == 8
    assert all(entry["rule"] for entry in manifest)


def test_faults_cover_the_rules_ingest_must_enforce(generated):
    columns = Counter(fault.column for fault in generated.faults)
    assert columns == {
        "dsl_reviewed_at": 1,
        "logged_at": 1,
        "academy_code": 1,
        "referral_id": 1,
        "agency": 1,
        "pupil_ref": 1,
        "leave_date": 1,
        "completed_on": 1,
    }
    impossible = next(f for f in generated.faults if f.column == "logged_at")
    _, rows = read_rows(generated.out_dir / impossible.file)
    cells = dict(rows)[impossible.line]
    assert any(isinstance(c, str) and c.startswith("31/02/") for c in cells)
    duplicate = next(f for f in generated.faults if f.column == "referral_id")
    first_line = int(re.search(r"line (\d+)", duplicate.rule).group(1))
    assert (
        dict(rows_for(generated, duplicate.file))[first_line][1]
        == (dict(rows_for(generated, duplicate.file))[duplicate.line][1])
    )
    assert any(f.file.endswith(".xlsx") for f in generated.faults)


def rows_for(generated, name: str):
    return read_rows(generated.out_dir / name)[1]


def test_unknown_category_labels_are_planted_to_load_as_other(records):
    categories = value_map("category")
    unknown = Counter(
        row["category"]
        for row in rows_of(records, "concerns")
        if normalise_label(row["category"]) not in categories
    )
    assert unknown == {"Bullying": 3, "Attendance": 2}


def test_training_refers_only_to_staff_in_the_same_academy(records):
    staff = {(row["academy_code"], row["staff_ref"]) for row in rows_of(records, "staff")}
    training = {(row["academy_code"], row["staff_ref"]) for row in rows_of(records, "training")}
    assert training <= staff


# ---------------------------------------------------------------------------------------------
# No real identifiers

UPN_SHAPED = re.compile(r"[A-Z]\d{11}[0-9A-Z]")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b", re.I)
PHONE = re.compile(r"(?<!\d)(?:\+44|0)\d{9,10}(?!\d)")
NI_NUMBER = re.compile(r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.I)


def test_no_value_looks_like_a_real_identifier(generated):
    for path in generated.files:
        _, rows = read_rows(path)
        for line, cells in rows:
            for cell in cells:
                if not isinstance(cell, str):
                    continue
                for shape in (UPN_SHAPED, POSTCODE, PHONE, NI_NUMBER):
                    assert not shape.search(cell), (path.name, line, cell)
                assert "@" not in cell, (path.name, line)


def test_identifiers_are_obvious_pseudonyms(records):
    for row in rows_of(records, "concerns"):
        assert re.fullmatch(r"PUP-[A-Z0-9]+-\d{6}", row["pupil_ref"])
        assert re.fullmatch(r"CON-[A-Z0-9]+-\d{6}", row["concern_id"])
    for row in rows_of(records, "staff"):
        assert re.fullmatch(r"STF-[A-Z0-9]+-\d{4}", row["staff_ref"])
    for row in rows_of(records, "academies"):
        assert row["academy_name"].startswith("Demo ")


# ---------------------------------------------------------------------------------------------
# Volumes and realism


def years_of_data() -> float:
    return (TODAY - OPTIONS.window_start).days / 365.25


def test_concern_volumes_by_phase(records, academies):
    per_academy = Counter(row["academy_code"] for row in rows_of(records, "concerns"))
    ranges = {"primary": (40, 350), "secondary": (250, 1600), "special": (80, 500)}
    phases = Counter(row["phase"] for row in academies.values())
    assert phases == {"primary": 4, "secondary": 3, "special": 1}
    rolls = [int(row["pupils_on_roll"]) for row in academies.values()]
    assert min(rolls) < 200 and max(rolls) > 1400
    for code, row in academies.items():
        low, high = ranges[row["phase"]]
        assert low <= per_academy[code] / years_of_data() <= high, code


def test_cse_and_referral_shares(records):
    concerns = rows_of(records, "concerns")
    cse = value_map("category")
    cse_share = sum(
        cse.get(normalise_label(r["category"])) == "child_sexual_exploitation" for r in concerns
    ) / len(concerns)
    assert 0.01 <= cse_share <= 0.03
    referrals = rows_of(records, "referrals")
    agencies = Counter(value_map("agency").get(normalise_label(r["agency"])) for r in referrals)
    assert 0.04 <= len(referrals) / len(concerns) <= 0.08
    assert agencies.most_common(1)[0][0] == "children_social_care"
    assert {"police", "early_help", "camhs", "lado"} <= set(agencies)
    for row in referrals:
        if value_map("agency").get(normalise_label(row["agency"])) == "lado":
            assert blank(row["pupil_ref"]) and not blank(row["allegation_at"])


def test_csc_feedback_is_mostly_on_time_with_some_late_and_missing(records):
    calendar = demo.SchoolCalendar(OPTIONS.window_start, TODAY + dt.timedelta(days=30))
    outcomes = Counter()
    for row in rows_of(records, "referrals"):
        if value_map("agency").get(normalise_label(row["agency"])) != "children_social_care":
            continue
        referred = parse_timestamp(row["referred_at"]).date()
        deadline = calendar.add_working_days(demo.epoch_day(referred), 1)
        if deadline > demo.epoch_day(TODAY) - 20:
            continue  # too recent for feedback to be judged missing
        if blank(row["feedback_at"]):
            outcomes["missing"] += 1
        elif demo.epoch_day(parse_timestamp(row["feedback_at"]).date()) <= deadline:
            outcomes["on time"] += 1
        else:
            outcomes["late"] += 1
        outcomes["followed up"] += not blank(row["followed_up_at"])
    total = outcomes["missing"] + outcomes["on time"] + outcomes["late"]
    assert 0.6 <= outcomes["on time"] / total <= 0.9
    assert 0.05 <= outcomes["late"] / total <= 0.25
    assert 0.03 <= outcomes["missing"] / total <= 0.2
    assert 0 < outcomes["followed up"] < outcomes["missing"] + outcomes["late"]


def test_dsl_reviews_are_mostly_same_or_next_working_day(records):
    delays = Counter()
    for row in rows_of(records, "concerns"):
        try:
            logged = parse_timestamp(row["logged_at"])
        except ValueError:
            continue  # the planted impossible date
        if blank(row["dsl_reviewed_at"]):
            delays["none"] += 1
        else:
            days = (parse_timestamp(row["dsl_reviewed_at"]).date() - logged.date()).days
            delays["same day" if days == 0 else "later"] += 1
    total = sum(delays.values())
    assert delays["same day"] / total > 0.5
    assert 0 < delays["none"] / total < 0.1


def staff_in_post(row) -> bool:
    if value_map("role")[normalise_label(row["role"])] in ("governor", "trustee"):
        return False
    left = not blank(row["leave_date"]) and parse_timestamp(row["leave_date"]).date() <= TODAY
    return parse_timestamp(row["start_date"]).date() <= TODAY and not left


def test_staff_rosters(records, academies):
    refs = valid_refs(records)
    staff = [r for r in rows_of(records, "staff") if r["staff_ref"] in refs]
    roles = value_map("role")
    safeguarding_roles = value_map("safeguarding_role")
    by_academy = defaultdict(list)
    for row in staff:
        by_academy[row["academy_code"]].append(row)
    for code in academies:
        people = by_academy[code]
        in_post = [r for r in people if staff_in_post(r)]
        assert 30 <= len(in_post) <= 180, code
        sg = Counter(
            safeguarding_roles[normalise_label(r["safeguarding_role"])]
            for r in in_post
            if not blank(r["safeguarding_role"])
        )
        assert sg["dsl"] == 1 and 1 <= sg["deputy_dsl"] <= 2, code
        kinds = Counter(roles[normalise_label(r["role"])] for r in people)
        assert kinds["governor"] >= 7 and kinds["principal"] >= 1, code
        assert any(not blank(r["leave_date"]) for r in people), code
    all_roles = Counter(roles[normalise_label(r["role"])] for r in staff)
    assert all_roles["trustee"] >= 5
    week_ago = TODAY - dt.timedelta(days=7)
    assert any(parse_timestamp(r["start_date"]).date() > week_ago for r in staff)


def valid_refs(records) -> set[str]:
    """Staff refs of rows that are not planted faults."""
    return {
        row["staff_ref"]
        for name, file_records in records.items()
        if dataset_of(Path(name)) == "staff"
        for _, row in file_records
        if not row_faults("staff", row, {row["academy_code"]})
    }


def latest_courses(records) -> dict[tuple[str, str], dict[str, dt.date]]:
    courses = value_map("course")
    latest: dict[tuple[str, str], dict[str, dt.date]] = defaultdict(dict)
    for row in rows_of(records, "training"):
        completed = parse_timestamp(row["completed_on"]).date()
        if completed > TODAY:
            continue  # the planted future row
        course = courses[normalise_label(row["course"])]
        person = latest[(row["academy_code"], row["staff_ref"])]
        person[course] = max(completed, person.get(course, completed))
    return latest


def test_safeguarding_training_coverage_varies_with_some_expired_and_some_expiring(records):
    latest = latest_courses(records)
    year_ago = demo.add_months(TODAY, -12)
    coverage, expiring = {}, 0
    by_academy = defaultdict(list)
    refs = valid_refs(records)
    for row in rows_of(records, "staff"):
        if row["staff_ref"] in refs and staff_in_post(row):
            by_academy[row["academy_code"]].append(row["staff_ref"])
    for code, refs in by_academy.items():
        in_date = 0
        for ref in refs:
            done = latest[(code, ref)]
            last = max(
                (
                    done.get(c, dt.date.min)
                    for c in ("safeguarding_induction", "safeguarding_update")
                ),
            )
            in_date += last > year_ago
            expiring += year_ago < last <= year_ago + dt.timedelta(days=30)
        coverage[code] = in_date / len(refs)
    assert max(coverage.values()) - min(coverage.values()) > 0.05
    assert min(coverage.values()) < 0.97 and max(coverage.values()) > 0.9
    assert expiring >= 3


def test_dsl_and_kcsie_training(records, academies):
    latest = latest_courses(records)
    safeguarding_roles = value_map("safeguarding_role")
    two_years_ago = demo.add_months(TODAY, -24)
    trained_deputies = Counter()
    for row in rows_of(records, "staff"):
        if blank(row["safeguarding_role"]) or not staff_in_post(row):
            continue
        role = safeguarding_roles[normalise_label(row["safeguarding_role"])]
        done = latest[(row["academy_code"], row["staff_ref"])]
        if role == "deputy_dsl":
            trained = done.get("dsl_full", dt.date.min) > two_years_ago
            trained_deputies[row["academy_code"]] += trained
    without = {code for code in academies if not trained_deputies[code]}
    assert without == {demo.make_academies(OPTIONS)[4].code}
    editions = {
        int(row["kcsie_edition"])
        for row in rows_of(records, "training")
        if value_map("course")[normalise_label(row["course"])].startswith("kcsie")
    }
    first = OPTIONS.window_start.year - 2  # reads in the history year before the window
    assert {2024, 2025} <= editions <= set(range(first, 2026))


def derived_policy_type(title: str) -> str:
    key = normalise_label(title)
    patterns = ALIASES["policy_type_from_title"]["patterns"]
    return next((kind for pattern, kind in patterns if pattern in key), "other")


def test_policy_registers_are_due_overdue_and_missing_where_planted(records, academies):
    present = defaultdict(set)
    overdue = due_soon = 0
    for row in rows_of(records, "policies"):
        kind = row["policy_type"]
        kind = derived_policy_type(row["policy_title"]) if blank(kind) else kind
        present[row["academy_code"]].add(kind)
        next_review = parse_timestamp(row["next_review_on"] or row["last_reviewed_on"]).date()
        if blank(row["next_review_on"]):
            next_review = demo.add_months(next_review, int(row["review_cycle_months"]))
        overdue += next_review < TODAY
        due_soon += TODAY <= next_review <= TODAY + dt.timedelta(days=30)
    assert present["TRUST"]
    missing = {
        code: {t for t in REQUIRED_POLICY_TYPES if t not in present[code] | present["TRUST"]}
        for code in academies
    }
    codes = [a.code for a in demo.make_academies(OPTIONS)]
    assert {code: kinds for code, kinds in missing.items() if kinds} == {
        codes[4]: {"acceptable_use"},
        codes[6]: {"relationships_sex_education"},
    }
    assert overdue >= 2 and due_soon >= 2


# ---------------------------------------------------------------------------------------------
# Determinism and size


def test_same_seed_and_today_give_byte_identical_files(tmp_path):
    options = demo.DemoOptions(seed=3, academies=3, years=1, today=TODAY, kcsie_edition=2025)
    first = demo.generate_demo(tmp_path / "first", options)
    second = demo.generate_demo(tmp_path / "second", options)
    other = demo.generate_demo(tmp_path / "other", demo.DemoOptions(**{**vars(options), "seed": 4}))
    names = sorted(p.name for p in first.out_dir.iterdir())
    assert any(name.endswith(".xlsx") for name in names)
    assert names == sorted(p.name for p in second.out_dir.iterdir())
    for name in names:
        assert (first.out_dir / name).read_bytes() == (second.out_dir / name).read_bytes(), name
    assert any(
        (first.out_dir / name).read_bytes() != (other.out_dir / name).read_bytes()
        for name in names
        if name.endswith("-concerns.csv")
    )


def test_every_fault_is_planted_even_in_a_one_academy_trust(tmp_path):
    options = demo.DemoOptions(seed=5, academies=1, years=1, today=TODAY, kcsie_edition=2025)
    result = demo.generate_demo(tmp_path, options)
    assert len(result.faults) == len(demo.FAULT_PLANS)
    assert {fault.file.split("-")[0] for fault in result.faults} == {"OAK"}
    academies = {"OAK"}
    found = set()
    for path in result.files:
        for line, row in canonical_records(path):
            found |= {(path.name, line, c) for c in row_faults(dataset_of(path), row, academies)}
    # The duplicate key breaks no row rule on its own; every other fault does.
    listed = {(f.file, f.line, f.column) for f in result.faults if f.column != "referral_id"}
    assert found == listed


def test_big_files_fall_back_from_xlsx_to_csv(tmp_path, monkeypatch):
    monkeypatch.setattr(writing, "XLSX_MAX_ROWS", 10)
    result = demo.generate_demo(tmp_path, demo.DemoOptions(academies=5, years=1, today=TODAY))
    assert all(path.suffix == ".csv" for path in result.files)
    assert {f.file for f in result.faults} <= {p.name for p in result.files}


def test_concern_volume_scales_up_to_the_large_trust_benchmark():
    assert demo.DemoOptions(academies=8).concern_scale == 1
    assert demo.DemoOptions(academies=100).concern_scale == 5
    assert demo.DemoOptions(academies=100, scale=1.5).concern_scale == 1.5


def test_regenerating_removes_stale_exports_but_nothing_else(tmp_path):
    (tmp_path / "HOLLY-concerns.csv").write_text("from a bigger trust\n")
    (tmp_path / "my-notes.csv").write_text("not the generator's\n")
    demo.generate_demo(tmp_path, demo.DemoOptions(academies=1, years=1, today=TODAY))
    assert not (tmp_path / "HOLLY-concerns.csv").exists()
    assert (tmp_path / "my-notes.csv").read_text() == "not the generator's\n"
