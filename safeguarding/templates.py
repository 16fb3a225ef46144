"""Blank export templates for academies' data leads: `templates/<dataset>.csv` and one workbook.

Each template is the contract's header row (safeguarding.contract) and one or two obviously
synthetic example rows. `python -m safeguarding.templates [DIR]` rewrites them; the workbook is
byte-for-byte reproducible, so regenerating it changes nothing in git unless the contract did.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook

from safeguarding.codes import TRUST
from safeguarding.contract import CONTRACT, DATASETS
from safeguarding.paths import PROJECT_ROOT

TEMPLATES_DIR = PROJECT_ROOT / "templates"
WORKBOOK_NAME = "safeguarding-exports.xlsx"
# The workbook's own "created" stamp; fixed so the file does not change on every run.
TEMPLATE_STAMP = dt.datetime(2025, 9, 1)

EXAMPLE_ROWS: dict[str, list[dict[str, str]]] = {
    "academies": [
        {
            "academy_code": "OAK",
            "academy_name": "Example Oak Primary Academy",
            "phase": "primary",
            "urn": "999001",
            "local_authority": "Example Shire Council",
            "pupils_on_roll": "210",
        },
        {
            "academy_code": "ELM",
            "academy_name": "Example Elm Secondary Academy",
            "phase": "secondary",
            "urn": "999002",
            "local_authority": "Example Shire Council",
            "pupils_on_roll": "1150",
        },
    ],
    "concerns": [
        {
            "academy_code": "OAK",
            "concern_id": "CON-OAK-000001",
            "pupil_ref": "PUP-OAK-000123",
            "logged_at": "2025-10-06 09:40:00",
            "category": "neglect",
            "incident_at": "2025-10-06 08:50:00",
            "year_group": "4",
            "cse_flag": "false",
            "dsl_reviewed_at": "2025-10-06 12:15:00",
            "decision_recorded": "true",
            "outcome": "monitor",
            "status": "open",
            "looked_after": "false",
            "send": "false",
            "child_protection_plan": "false",
            "missing_episode": "false",
            "pupil_informed_on": "2025-10-07",
            "pupil_views_recorded": "true",
        },
        {
            "academy_code": "OAK",
            "concern_id": "CON-OAK-000002",
            "pupil_ref": "PUP-OAK-000456",
            "logged_at": "2025-10-07 14:05:00",
            "category": "child_sexual_exploitation",
            "year_group": "6",
            "cse_flag": "true",
            "dsl_reviewed_at": "2025-10-07 14:30:00",
            "decision_recorded": "true",
            "outcome": "referral",
            "status": "closed",
            "closed_at": "2025-11-20 10:00:00",
            "mentor_allocated": "true",
            "looked_after": "false",
            "send": "true",
            "child_protection_plan": "false",
            "missing_episode": "true",
            "pupil_informed_on": "2025-10-09",
            "pupil_views_recorded": "false",
            "mentor_last_contact_on": "2025-11-18",
            "trust_pupil_ref": "T-EXAMPLEPUPIL2345",
        },
    ],
    "referrals": [
        {
            "academy_code": "OAK",
            "referral_id": "REF-OAK-00001",
            "agency": "children_social_care",
            "referred_at": "2025-10-07 15:00:00",
            "concern_id": "CON-OAK-000002",
            "pupil_ref": "PUP-OAK-000456",
            "trust_pupil_ref": "T-EXAMPLEPUPIL2345",
            "immediate_danger": "false",
            "feedback_at": "2025-10-08 11:30:00",
            "decision": "section_47",
        },
        {
            "academy_code": "OAK",
            "referral_id": "REF-OAK-00002",
            "agency": "lado",
            "referred_at": "2025-11-03 13:10:00",
            "allegation_at": "2025-11-03 09:30:00",
            "feedback_at": "2025-11-05 10:00:00",
            "decision": "advice",
        },
    ],
    "staff": [
        {
            "academy_code": "OAK",
            "staff_ref": "STF-OAK-0042",
            "role": "teacher",
            "safeguarding_role": "deputy_dsl",
            "works_with_children": "true",
            "start_date": "2021-09-01",
        },
        {
            "academy_code": "OAK",
            "staff_ref": "STF-OAK-0043",
            "role": "governor",
            "safeguarding_role": "safeguarding_governor",
            "works_with_children": "false",
            "start_date": "2023-01-16",
            "leave_date": "2025-07-31",
        },
    ],
    "training": [
        {
            "academy_code": "OAK",
            "staff_ref": "STF-OAK-0042",
            "course": "safeguarding_update",
            "completed_on": "2025-09-01",
            "provider": "Trust safeguarding team",
        },
        {
            "academy_code": "OAK",
            "staff_ref": "STF-OAK-0042",
            "course": "kcsie_annex_b",
            "completed_on": "2025-09-03",
            "kcsie_edition": "2025",
            "provider": "In-house INSET",
        },
    ],
    "policies": [
        {
            "academy_code": "OAK",
            "policy_title": "Child Protection and Safeguarding Policy",
            "policy_type": "child_protection_safeguarding",
            "last_reviewed_on": "2025-09-15",
            "next_review_on": "2026-09-15",
            "review_cycle_months": "12",
            "category": "Safeguarding",
            "owner": "DSL",
            "approved_by": "Local governing body",
            "issued_on": "2025-09-22",
            "kcsie_edition_referenced": "2025",
            "published_on_website": "true",
        },
        {
            "academy_code": TRUST,
            "policy_title": "Trust Whistleblowing Policy",
            "policy_type": "whistleblowing",
            "last_reviewed_on": "2024-12-10",
            "review_cycle_months": "24",
            "owner": "Trust safeguarding lead",
            "approved_by": "Trust board",
        },
    ],
    "transfers": [
        {
            "academy_code": "OAK",
            "trust_pupil_ref": "T-EXAMPLEPUPIL2345",
            "pupil_ref": "PUP-OAK-000456",
            "left_on": "2025-07-22",
            "to_academy_code": "ELM",
            "cp_file_sent_on": "2025-09-03",
            "receipt_confirmed_on": "2025-09-04",
        },
        {
            "academy_code": "OAK",
            "trust_pupil_ref": "T-EXAMPLEPUPIL7777",
            "pupil_ref": "PUP-OAK-000789",
            "left_on": "2025-11-14",
            "cp_file_sent_on": "2025-11-18",
        },
    ],
}


def template_rows(dataset: str) -> list[list[str]]:
    """Header row (the contract's columns, in order) and the example rows."""
    columns = CONTRACT[dataset].column_names
    return [list(columns)] + [
        [example.get(column, "") for column in columns] for example in EXAMPLE_ROWS[dataset]
    ]


def _typed_cell(dataset: str, column: str, text: str):
    """Example values as an academy's spreadsheet holds them: real dates and numbers."""
    if not text:
        return None
    kind = CONTRACT[dataset].column(column).kind
    if kind == "datetime":
        return dt.datetime.fromisoformat(text)
    if kind == "date":
        return dt.date.fromisoformat(text)
    if kind == "int":
        return int(text)
    return text


def save_reproducible_xlsx(workbook: Workbook, path: Path, stamp: dt.datetime) -> None:
    """Save a workbook whose bytes depend only on its content and `stamp`.

    openpyxl writes the time of saving into docProps/core.xml and into every zip entry; both
    are replaced by `stamp`, so the same content always gives the same file.
    """
    workbook.properties.creator = "safeguarding"
    workbook.properties.created = stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    iso_stamp = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    zip_time = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(<)",
                    rb"\g<1>" + iso_stamp.encode() + rb"\g<2>",
                    data,
                )
            info = zipfile.ZipInfo(entry.filename, date_time=zip_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, data)


def write_templates(out_dir: Path = TEMPLATES_DIR) -> list[Path]:
    """Write one CSV per dataset and the workbook with one sheet per dataset."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    workbook = Workbook()
    workbook.remove(workbook.active)
    for dataset in DATASETS:
        rows = template_rows(dataset)
        path = out_dir / f"{dataset}.csv"
        with open(path, "w", encoding="utf-8", newline="") as out:
            csv.writer(out, lineterminator="\n").writerows(rows)
        written.append(path)

        sheet = workbook.create_sheet(dataset)
        header, *examples = rows
        sheet.append(header)
        for example in examples:
            sheet.append([_typed_cell(dataset, c, v) for c, v in zip(header, example, strict=True)])
        for cells in sheet.iter_cols(min_row=1, max_row=1):
            sheet.column_dimensions[cells[0].column_letter].width = max(14, len(cells[0].value) + 2)
    path = out_dir / WORKBOOK_NAME
    save_reproducible_xlsx(workbook, path, TEMPLATE_STAMP)
    written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATES_DIR
    for written_path in write_templates(target):
        print(written_path)
