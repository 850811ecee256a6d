"""vanban pipeline: read -> normalise -> split -> segment -> extract -> store/export."""


def parse(path):
    """Parse one file into a ParseResult (see pipeline.run.parse)."""
    from pipeline.run import parse as _parse
    return _parse(path)


__all__ = ["parse"]
