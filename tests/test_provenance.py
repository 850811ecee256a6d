"""The provenance invariant on every real text document: each span slices back to its text."""
from __future__ import annotations

import pytest

from extractors.base import iter_sections
from pipeline import parse
from tests.conftest import CORPUS, OUR_CORPUS

FILES = sorted([*CORPUS.glob("real/*.md"), *CORPUS.glob("real/*.txt"), *CORPUS.glob("seeds/*.txt"),
                *OUR_CORPUS.glob("*.txt"), *(p for p in OUR_CORPUS.glob("*.md") if p.name != "README.md")])
FACTS = ("targets", "deadlines", "assignments", "references")


@pytest.mark.parametrize("path", FILES, ids=[p.stem[:40] for p in FILES])
def test_spans_slice_back(path):
    result = parse(path)
    text = result.text
    assert result.documents, "no document found"
    previous_end = 0
    for doc in result.documents:
        start, end = doc.span
        assert previous_end <= start < end <= len(text)
        previous_end = end
        for sec in iter_sections(doc.sections):
            assert start <= sec.span[0] < sec.span[1] <= end, sec.path
            heading = text[sec.span[0]:sec.span[1]].split("\n", 1)[0]
            assert sec.number is None or sec.number in heading, (sec.path, heading)
        for kind in FACTS:
            for fact in getattr(doc, kind):
                assert text[fact.span[0]:fact.span[1]] == fact.text, (kind, fact)
                assert start <= fact.span[0] <= fact.span[1] <= end, (kind, fact.span, doc.span)
