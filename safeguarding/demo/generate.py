"""The whole trust: every academy's tables, written as files in ingest order, and the manifest
of planted faults."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from safeguarding import standards
from safeguarding.contract import LATER_OPTIONAL_COLUMNS
from safeguarding.demo.concerns import make_concerns, plant_unknown_categories
from safeguarding.demo.faults import PlantedFault, fault_rows
from safeguarding.demo.later_columns import (
    fill_concern_columns,
    fill_referral_columns,
    later_columns_rng,
    sends_later_columns,
)
from safeguarding.demo.policies import academy_policies, trust_policies
from safeguarding.demo.referrals import make_referrals
from safeguarding.demo.school_calendar import SchoolCalendar
from safeguarding.demo.staff import StaffBuilder
from safeguarding.demo.styles import ExportStyle, export_style
from safeguarding.demo.tables import Table, table_length
from safeguarding.demo.transfers import make_transfers
from safeguarding.demo.trust import (
    Academy,
    DemoOptions,
    academies_table,
    academy_rng,
    make_academies,
    make_traits,
    seeded_random,
)
from safeguarding.demo.trust_links import link_pupils
from safeguarding.demo.writing import write_export

MANIFEST_NAME = "planted_faults.json"
ACADEMIES_FILE = "academies.csv"
TRUST_POLICIES_FILE = "TRUST-policies.csv"
ACADEMY_DATASETS = ("staff", "training", "policies", "concerns", "referrals", "transfers")
GENERATED_FILE = re.compile(
    r"academies\.csv|TRUST-policies\.csv|planted_faults\.json"
    r"|[A-Z0-9]{2,10}-(staff|training|policies|concerns|referrals|transfers)\.(csv|xlsx)"
)


@dataclass
class DemoResult:
    out_dir: Path
    files: list[Path]  # in ingest order: academies first
    faults: list[PlantedFault]
    row_counts: dict[str, int]


def academy_tables(
    academy: Academy, options: DemoOptions, calendar: SchoolCalendar
) -> dict[str, Table]:
    traits = make_traits(academy, seeded_random(options, academy.code, "traits"))
    rng = academy_rng(options, academy)
    concerns = make_concerns(academy, traits, options, calendar, rng)
    referrals = make_referrals(academy, traits, concerns, options, calendar, rng)
    plant_unknown_categories(academy, concerns, rng)
    if sends_later_columns(academy):
        later = later_columns_rng(options, academy)
        fill_concern_columns(concerns, options, calendar, later)
        fill_referral_columns(referrals, options, calendar, later)
    staff = StaffBuilder(
        academy, traits, options, calendar, seeded_random(options, academy.code, "staff")
    )
    staff.build()
    return {
        "concerns": concerns,
        "referrals": referrals,
        "staff": staff.staff_table(),
        "training": staff.training.table(),
        "policies": academy_policies(academy, options),
    }


def generate_demo(out_dir: Path, options: DemoOptions) -> DemoResult:
    """Write the demo trust's exports and the manifest of planted faults into `out_dir`."""
    if options.kcsie_edition is None:
        options = replace(options, kcsie_edition=standards.load().kcsie_edition)
    out_dir.mkdir(parents=True, exist_ok=True)
    # A smaller trust than last time must not leave files behind; other files are left alone.
    for old in out_dir.iterdir():
        if GENERATED_FILE.fullmatch(old.name):
            old.unlink()
    stamp = dt.datetime.combine(options.today, dt.time())
    academies = make_academies(options)
    calendar = SchoolCalendar(
        options.window_start - dt.timedelta(days=1200), options.today + dt.timedelta(days=120)
    )
    files: list[Path] = []
    faults: list[PlantedFault] = []
    counts = dict.fromkeys(("academies", *ACADEMY_DATASETS), 0)

    reference = academies_table(academies)
    path, _ = write_export(
        out_dir / ACADEMIES_FILE, "academies", reference, ExportStyle(), [], stamp
    )
    files.append(path)
    counts["academies"] = len(academies)

    trust_register = trust_policies(options)
    trust_file, _ = write_export(
        out_dir / TRUST_POLICIES_FILE, "policies", trust_register, ExportStyle(), [], stamp
    )
    counts["policies"] += table_length(trust_register)

    by_dataset: dict[str, list[Path]] = {dataset: [] for dataset in ACADEMY_DATASETS}
    every_table = {
        academy.code: academy_tables(academy, options, calendar) for academy in academies
    }
    moves = link_pupils(academies, every_table, options)
    for code, transfers in make_transfers(academies, moves, options, calendar).items():
        every_table[code]["transfers"] = transfers
    for academy in academies:
        tables = every_table[academy.code]
        for dataset in ACADEMY_DATASETS:
            table = tables[dataset]
            style = export_style(academy.style_position, dataset)
            if not sends_later_columns(academy):
                style = replace(style, omitted_columns=LATER_OPTIONAL_COLUMNS.get(dataset, ()))
            planted_rows = fault_rows(dataset, table, academy, len(academies), options, style)
            path, planted = write_export(
                out_dir / f"{academy.code}-{dataset}", dataset, table, style, planted_rows, stamp
            )
            by_dataset[dataset].append(path)
            faults.extend(planted)
            counts[dataset] += table_length(table) + len(planted_rows)
    files.extend(by_dataset["staff"] + by_dataset["training"])
    files.append(trust_file)
    for dataset in ("policies", "concerns", "referrals", "transfers"):
        files.extend(by_dataset[dataset])

    manifest = [fault.as_json() for fault in faults]
    (out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return DemoResult(out_dir, files, faults, counts)
