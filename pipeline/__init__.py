"""vanban pipeline: read -> normalise -> split -> segment -> extract -> store/export."""
from pipeline.run import parse

__all__ = ["parse"]
