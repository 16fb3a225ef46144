"""Scoring the policy reader against documents whose fields a person has labelled.

A corpus is a folder of documents (.txt, .md, .docx, .pdf) and a `truth.toml` with one table
per document, keyed by its file name without the extension:

    [documents."03-waycroft-online-safety"]
    title = "Online Safety Policy"
    issued_on = "2023-11-01"       # ISO; a month-only date is the 1st of the month
    next_review_on = "2024-11-01"  # "" where the document does not say
    owner = "Trust Board"

Four fields are scored, as the register needs them: the title the document states (a title
made from the file name scores as empty), the date of the version in force (issued or
approved, else last reviewed), the next review date (its first day) and the owner. Text is
compared without case, punctuation or spacing, "&" read as "and".

    python -m safeguarding.policy_import.corpus tests/fixtures/policies/corpus [--misses]
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from safeguarding.policy_import.extract import PolicyExtract, extract
from safeguarding.policy_import.labels import normalise
from safeguarding.policy_import.reading import read_document

FIELDS = ("title", "issued_on", "next_review_on", "owner")
DATE_FIELDS = ("issued_on", "next_review_on")
_SUFFIXES = (".txt", ".md", ".docx", ".pdf")


@dataclass(frozen=True)
class Miss:
    document: str
    field: str
    read: str
    truth: str


@dataclass
class Score:
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    documents: int = 0
    misses: list[Miss] = field(default_factory=list)

    def share(self, fields=FIELDS) -> float:
        total = self.documents * len(fields)
        return sum(self.right[f] for f in fields) / total if total else 0.0

    def lines(self) -> list[str]:
        shown = []
        for name in FIELDS:
            right = self.right[name]
            shown.append(f"{name:15} {right:3}/{self.documents} {right / self.documents:6.1%}")
        shown.append(f"{'dates':15} {self.share(DATE_FIELDS):14.1%}")
        shown.append(f"{'all fields':15} {self.share():14.1%}")
        return shown


def fields_read(found: PolicyExtract) -> dict[str, str]:
    version = found.version_date
    next_review = found.value("next_review")
    return {
        "title": found.title if found.title_from_document else "",
        "issued_on": version.start.isoformat() if version else "",
        "next_review_on": next_review.start.isoformat() if next_review else "",
        "owner": found.value("owner") or "",
    }


def same(read: str, truth: str) -> bool:
    def key(text: str) -> str:
        return "".join(ch for ch in normalise(text) if ch.isalnum())

    return key(read) == key(truth)


def score(folder: Path) -> Score:
    truth = tomllib.loads((folder / "truth.toml").read_text(encoding="utf-8"))["documents"]
    result = Score()
    for name, expected in sorted(truth.items()):
        path = next(
            (folder / f"{name}{s}" for s in _SUFFIXES if (folder / f"{name}{s}").is_file()), None
        )
        if path is None:
            raise FileNotFoundError(
                f"{folder / name}: labelled in truth.toml but not in the folder"
            )
        read = fields_read(extract(read_document(path.name, path.read_bytes())))
        result.documents += 1
        for name_of_field in FIELDS:
            if same(read[name_of_field], expected.get(name_of_field, "")):
                result.right[name_of_field] += 1
            else:
                result.misses.append(
                    Miss(name, name_of_field, read[name_of_field], expected.get(name_of_field, ""))
                )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="score the policy reader on a labelled corpus")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--misses", action="store_true", help="list every field read wrong")
    args = parser.parse_args(argv)
    result = score(args.folder)
    print(f"{result.documents} documents")
    print("\n".join(result.lines()))
    if args.misses:
        for miss in result.misses:
            print(f"{miss.document}: {miss.field} read {miss.read!r}, labelled {miss.truth!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
