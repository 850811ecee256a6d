"""Pydantic models: the one document model every stage passes along, and the export contract."""
from schemas.models import (
    Assignment, Baseline, Block, Deadline, Document, Fact, FileError, ParseResult, RawText,
    RawBlock, Reference, Section, Signer, Source, Target, EXPORT_VERSION,
)

__all__ = [
    "Assignment", "Baseline", "Block", "Deadline", "Document", "Fact", "FileError", "ParseResult", "RawText",
    "RawBlock", "Reference", "Section", "Signer", "Source", "Target", "EXPORT_VERSION",
]
