"""Safeguarding governance dashboard for multi-academy trusts: ingest, metrics, exports."""
