"""Ingest: export files (CSV, XLSX) into the database, checked against the data contract."""

from safeguarding.ingest.errors import FileRefused
from safeguarding.ingest.pipeline import FileResult, QuarantinedRow, Upload, ingest_files

__all__ = ["FileRefused", "FileResult", "QuarantinedRow", "Upload", "ingest_files"]
