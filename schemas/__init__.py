"""Pydantic models: the one document model every stage passes along, and the export contract.

The models load on first use (PEP 562 module __getattr__): `vanban --version` reads EXPORT_VERSION without
building them or importing pydantic."""
EXPORT_VERSION = "1.0"

__all__ = [
    "Assignment", "Baseline", "Block", "Deadline", "Document", "Fact", "FileError", "ParseResult", "RawText",
    "RawBlock", "Reference", "Section", "Signer", "Source", "Target", "EXPORT_VERSION",
]


def __getattr__(name: str):
    if name in __all__ or name == "models":
        import importlib
        models = importlib.import_module("schemas.models")
        return models if name == "models" else getattr(models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
