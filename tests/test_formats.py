"""The same document gives the same facts whatever its format: our samples as .txt, as .docx with
the list numbers typed, as .docx with Word's list numbering, and as .pdf made by LibreOffice."""
from __future__ import annotations

import shutil

import pytest

from extractors.base import iter_sections
from pipeline import parse
from tests.conftest import OUR_CORPUS
from tests.sample_formats import build_docx, build_pdf

SAMPLES = sorted(OUR_CORPUS.glob("*.txt"))
FORMATS = ["docx", "docx-word-numbering", "pdf"]
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="PDF samples need LibreOffice: apt-get install libreoffice-writer-nogui")


def facts(result) -> list[dict]:
    """What a user reads off a document, without the offsets that differ between formats."""
    out = []
    for d in result.documents:
        out.append({
            "meta": d.model_dump(mode="json", include={"doc_type", "number", "issuer", "parent_issuer", "issued_date",
                                                       "place", "subject", "signer", "recipients"}),
            "sections": [(s.number, s.kind, s.title) for s in d.sections],
            "targets": [(t.indicator, t.value, t.unit, t.comparator, t.year, t.baseline and t.baseline.value)
                        for t in d.targets],
            "deadlines": [(x.date, x.recurrence, x.month, x.day) for x in d.deadlines],
            "assignments": [(a.agency, a.role, a.deadline) for a in d.assignments],
            "references": [(r.doc_type, r.number, r.date, r.issuer) for r in d.references],
        })
    return out


def build(sample, fmt, tmp_path):
    if fmt == "pdf":
        if shutil.which("soffice") is None:
            pytest.skip("PDF samples need LibreOffice: apt-get install libreoffice-writer-nogui")
        return build_pdf(sample, tmp_path)
    return build_docx(sample, tmp_path / f"{sample.stem}.docx", word_numbering=fmt == "docx-word-numbering")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_same_facts_in_every_format(sample, fmt, tmp_path):
    expected = facts(parse(sample))
    assert any(d["targets"] or d["assignments"] for d in expected), "the sample should carry facts"
    assert facts(parse(build(sample, fmt, tmp_path))) == expected


@needs_soffice
@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_pdf_facts_carry_their_page(sample, tmp_path):
    """Each Roman section starts a page: every fact's page is the page its text is printed on."""
    pdf = build_pdf(sample, tmp_path, page_breaks=True)
    result = parse(pdf)
    assert result.source.pages and result.source.pages > 1
    bounds = result.page_starts + [len(result.text)]
    seen_pages = set()
    for doc in result.documents:
        for kind in ("targets", "deadlines", "assignments", "references"):
            for fact in getattr(doc, kind):
                page = fact.page
                assert bounds[page - 1] <= fact.span[0] < bounds[page], (kind, fact.text, page)
                seen_pages.add(page)
    assert len(seen_pages) > 1
    for doc in result.documents:
        for section in iter_sections(doc.sections):
            assert bounds[section.page - 1] <= section.span[0] < bounds[section.page], section.path
