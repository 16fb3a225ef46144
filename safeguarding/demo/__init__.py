"""A synthetic demo trust: contract export files with a few planted faults.

Every value is drawn from seeded generators, one per academy and purpose, so the same seed and
the same "today" give byte-identical files (XLSX included: the timestamps inside the workbook
and its zip container are pinned). Identifiers are obvious pseudonyms (PUP-OAK-000123,
STF-OAK-0042); nothing is shaped like a UPN, a name, an e-mail address or a postcode.

The files exercise the contract the way real exports do: CSV in UTF-8, UTF-8 with a BOM and
Windows-1252, XLSX with real date cells, header and value aliases from config/aliases.toml, UK
dates, a couple of category labels outside the taxonomy (they load as `other`), one academy
whose exports lack the optional columns added later (later_columns.py: "not collected"), and a
few rows that ingest must quarantine, listed in planted_faults.json.

Volumes follow a realistic trust by default. product.md §7 defines its large-trust benchmark by
volumes (100 academies x 5 years = about a million concerns), which needs about five times the
concerns per pupil of an ordinary school, so concern volumes scale up with the trust's size
unless `scale` is given.

`generate_demo` (generate.py) is the way in. The trust's shape and its generators are in
trust.py; each dataset has its own module; styles.py says how each academy's systems write
their files, faults.py which rows are planted, writing.py how a file is written.
"""

from safeguarding.demo.faults import FAULT_PLANS, PlantedFault
from safeguarding.demo.generate import (
    ACADEMY_DATASETS,
    MANIFEST_NAME,
    DemoResult,
    generate_demo,
)
from safeguarding.demo.policies import add_months
from safeguarding.demo.school_calendar import SchoolCalendar, epoch_day
from safeguarding.demo.trust import (
    DEFAULT_ACADEMIES,
    DEFAULT_YEARS,
    Academy,
    DemoOptions,
    make_academies,
)

__all__ = [
    "ACADEMY_DATASETS",
    "DEFAULT_ACADEMIES",
    "DEFAULT_YEARS",
    "FAULT_PLANS",
    "MANIFEST_NAME",
    "Academy",
    "DemoOptions",
    "DemoResult",
    "PlantedFault",
    "SchoolCalendar",
    "add_months",
    "epoch_day",
    "generate_demo",
    "make_academies",
]
