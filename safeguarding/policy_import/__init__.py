"""Policy documents (Word, PDF, text) into the policy register, with what was found in them,
where, and what was not found."""

from safeguarding.policy_import.extract import PolicyExtract
from safeguarding.policy_import.importer import (
    ImportResult,
    PolicyFile,
    import_documents,
    policy_type_for,
    read_file,
)
from safeguarding.policy_import.reading import SUPPORTED, UnreadableDocument

__all__ = [
    "SUPPORTED",
    "ImportResult",
    "PolicyExtract",
    "PolicyFile",
    "UnreadableDocument",
    "import_documents",
    "policy_type_for",
    "read_file",
]
