"""The same document gives the same facts whatever its format: our samples as .txt, as .docx with
the list numbers typed, as .docx with Word's list numbering, and as .pdf made by LibreOffice."""
from __future__ import annotations

import shutil
from datetime import date

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


def task_table_rows(path) -> list[tuple]:
    """What the table reader makes of a file's task table, and the facts the document gets from it."""
    from extractors.base import DocView
    from extractors.tables import task_rows
    from pipeline.normalise import normalise
    from pipeline.readers import read
    raw = read(path)
    text, starts, blocks = normalise(raw)
    result = parse(path)
    doc = result.documents[-1]
    view = DocView(text=text, document=doc, body=doc.span, page_starts=starts, paged=raw.paged, blocks=blocks)
    rows = [tuple(" ".join(r.table.cell_text(c).split()) if c else "" for c in (r.number, r.task, r.time))
            + tuple(" | ".join(r.table.cell_text(c) for c in r.agencies[role]) for role in ("lead", "support"))
            + (r.group,) for r in task_rows(view)]
    facts = ([(a.agency, a.role, a.deadline) for a in doc.assignments], [(d.text, d.date) for d in doc.deadlines])
    return rows, facts


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_same_task_table_in_every_format(fmt, tmp_path):
    """One task table as Markdown, as Word (bordered, group rows merged across) and as the PDF LibreOffice
    prints from it: the same rows (number, task, time, lead, support, group) and the same facts."""
    from tests.sample_formats import TASK_TABLE, task_table_docx, task_table_markdown, task_table_pdf
    expected_rows, expected_facts = task_table_rows(task_table_markdown(tmp_path / "task-table.md"))
    assert len(expected_rows) == sum(1 for r in TASK_TABLE[1:] if len(r) == len(TASK_TABLE[0]))
    assert expected_rows[2][2] == "Từ tháng 3 đến tháng 9/2026" and expected_rows[0][5] == "I Hoàn thiện thể chế"
    assert ("Sở Tài chính", "lead", date(2026, 3, 31)) in expected_facts[0]
    if fmt == "pdf":
        if shutil.which("soffice") is None:
            pytest.skip("PDF samples need LibreOffice: apt-get install libreoffice-writer-nogui")
        path = task_table_pdf(tmp_path)
    else:
        path = task_table_docx(tmp_path / "task-table.docx")
    assert task_table_rows(path) == (expected_rows, expected_facts)


@needs_soffice
@pytest.mark.parametrize("borders,repeat", [("none", True), ("none", False), ("horizontal", True), ("vertical", True),
                                            ("grid", False)])
def test_long_task_table_over_pages_reads_as_in_word(borders, repeat, tmp_path):
    """A 27-row annex table in narrow columns over six pages, printed without borders, with rules between
    rows only, with column lines only, or ruled, its header repeated on each page or not, rows broken by
    page ends (a page of the column-lines table ruled as one row, another with no line at all): the PDF gives
    the rows the Word file gives (number, task, time, lead, support, group), and the same facts."""
    from tests.sample_formats import long_task_rows, long_task_table_docx, to_pdf
    source = long_task_table_docx(tmp_path / "annex.docx", borders, repeat)
    expected_rows, expected_facts = task_table_rows(source)
    assert len(expected_rows) == sum(1 for r in long_task_rows() if len(r) > 2) == 27
    assert expected_rows[26][:3] == ("27", "Đánh giá mức độ chuyển đổi số của các cơ quan, đơn vị và công bố kết quả",
                                     "Từ tháng 3 đến tháng 9/2026")
    pdf = to_pdf(source)
    import pypdfium2 as pdfium
    assert len(pdfium.PdfDocument(pdf)) >= 4
    assert task_table_rows(pdf) == (expected_rows, expected_facts)
