"""Fact extractors: one module per fact type, each with `extract(view: DocView) -> Iterator[Fact]`.

EXTRACTORS is the one list the pipeline runs, in order: a later extractor may read the facts of
an earlier one from `view.facts` (assignments tie deadlines found by the deadline extractor).
To add a fact type: write the module, add a field to schemas.Document, add it here.
"""
from extractors import assignments, deadlines, references, targets

EXTRACTORS = (
    ("references", references.extract),
    ("targets", targets.extract),
    ("deadlines", deadlines.extract),
    ("assignments", assignments.extract),
)
