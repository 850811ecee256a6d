"""The stages wired together: parse(path) -> ParseResult.

read -> normalise -> split into documents -> segment (metadata zones, sections) -> extract.
Each stage is a plain function. `parse` raises an InputError subclass on bad input;
`pipeline.ingest.parse_safe` turns any error into a FileError record, so a batch never stops on one file.
"""
from __future__ import annotations

import re
from pathlib import Path

from extractors import run_extractors
from extractors.base import DocView
from extractors.metadata import read_metadata
from extractors.orgnames import issuer_key
from extractors.references import enclosed_citations
from extractors.vocab import type_by_name
from pipeline.errors import EmptyDocument
from pipeline.files import check_regular, path_text, sha256_of
from pipeline.limits import check_pages, check_size
from pipeline.normalise import normalise
from pipeline.proc import cpu_seconds
from pipeline.readers import read, reader_for
from pipeline.segment import segment_sections, split_documents
from pipeline.textutil import fold
from schemas import Block, Document, ParseResult, RawText, Source


def add_time(timings: dict[str, float] | None, stage: str, since: float) -> None:
    """Add the CPU seconds since `since` (proc.cpu_seconds) to timings[stage]: the hooks of `vanban bench`."""
    if timings is not None:
        timings[stage] = timings.get(stage, 0.0) + cpu_seconds() - since


def make_source(path: Path, raw: RawText | None = None, digest: str | None = None) -> Source:
    fmt = raw.format if raw else path.suffix.lower().lstrip(".")
    return Source(
        path=path_text(path), sha256=digest or sha256_of(path), format=fmt if fmt in ("txt", "md", "pdf", "docx", "doc") else "txt",
        size=path.stat().st_size, pages=len(raw.pages) if raw and raw.paged else None,
        encoding=raw.encoding if raw else None,
    )


def build_documents(text: str, page_starts: list[int], raw: RawText,
                    timings: dict[str, float] | None = None, blocks: list[Block] | None = None) -> list[Document]:
    """Split, segment and extract: the documents of one normalised text (`blocks`: its layout blocks)."""
    started = cpu_seconds()
    docs: list[Document] = []
    for start, end in split_documents(text):
        meta = read_metadata(text, start, end)
        doc = Document(
            doc_type=meta.doc_type, number=meta.number, issuer=meta.issuer, parent_issuer=meta.parent_issuer,
            issued_date=meta.issued_date, place=meta.place, subject=meta.subject, signer=meta.signer,
            recipients=meta.recipients, span=(start, meta.end), warnings=list(meta.warnings),
            sections=segment_sections(text, *meta.body),
        )
        view = DocView(text=text, document=doc, body=meta.body, page_starts=page_starts,
                       paged=raw.paged, ocr_pages=raw.ocr_pages, annexes=meta.annexes, blocks=blocks or [])
        doc.page = view.page_of(start)
        for section in view.sections:
            section.page = view.page_of(section.span[0])
        docs.append((doc, view))
    _fill_from_cover_letter(docs, text)
    _fill_from_issuing_decision([d for d, _ in docs], text)
    add_time(timings, "segment", started)
    for doc, view in docs:
        for name, facts in run_extractors(view, timings=timings).items():
            setattr(doc, name, facts)
    return [d for d, _ in docs]


def _fill_from_enclosure_note(doc: Document, text: str, region: tuple[int, int], same_issuer: bool,
                              context: str | None) -> bool:
    """Fill number, date and issuer of `doc` from a note in `region` naming it:
    `Kèm theo Chương trình số 61-CTr/TU ngày 21/10/2024 của Ban Thường vụ Tỉnh ủy Sóc Trăng`,
    read with the references parser (one citation parser for the project).
    With same_issuer, the note must name the issuer the document already has (an annex heading
    naming its own resolution), so a note about another body's text is never taken."""
    for cit in enclosed_citations(text, region[0], region[1], context):
        if cit.doc_type != doc.doc_type:
            continue
        issuer = cit.issuer if not cit.issuer_from_code else None
        if same_issuer and not (doc.issuer and issuer and issuer_key(issuer) == issuer_key(doc.issuer)):
            continue
        if doc.number is None:
            doc.number = cit.number
        if doc.issued_date is None and cit.date:
            doc.issued_date = cit.date
        if issuer and (doc.issuer is None or fold(doc.issuer) in fold(issuer)):
            doc.issuer = issuer
        doc.warnings.append(f"number and date taken from the note {text[cit.note_start:cit.end]!r}")
        return True
    return False


def _fill_from_cover_letter(docs: list[tuple[Document, DocView]], text: str) -> None:
    """A cover letter that encloses the next document names it; the attachment often prints neither
    its number nor its date. A document without a number may also name itself in an annex heading,
    after its body: a note inside the body (`Quy định ban hành kèm theo Nghị quyết số ...` in an article)
    names another text."""
    for (prev, _), (doc, _) in zip(docs, docs[1:]):
        if doc.number is None:
            _fill_from_enclosure_note(doc, text, prev.span, same_issuer=False, context=prev.issuer)
    for doc, view in docs:
        if doc.number is None:
            _fill_from_enclosure_note(doc, text, (view.body[1], doc.span[1]), same_issuer=True, context=doc.issuer)


def _fill_from_issuing_decision(docs: list[Document], text: str) -> None:
    """A decision that says `Ban hành kèm theo Quyết định này Kế hoạch ...` issues the next document:
    the plan's issuer and date are the decision's (the plan itself prints neither)."""
    for prev, doc in zip(docs, docs[1:]):
        if prev.doc_type != "quyet_dinh" or doc.doc_type is None or doc.doc_type == "quyet_dinh":
            continue
        head = text[prev.span[0]:prev.span[1]]
        m = re.search(r"kèm theo\s+Quyết định này\s+(\S+(?:\s+\S+)?)", head, re.IGNORECASE)
        if not m or type_by_name().get(fold(m.group(1))) != doc.doc_type:
            continue
        if doc.issuer is None and prev.issuer:
            doc.issuer, doc.parent_issuer = prev.issuer, prev.parent_issuer
        if doc.issued_date is None and prev.issued_date:
            doc.issued_date = prev.issued_date
        doc.warnings.append(f"issuer and date taken from the decision that issues it ({prev.number})")


def parse(path: str | Path, timings: dict[str, float] | None = None) -> ParseResult:
    """Parse one file. Raises an InputError subclass on unreadable input or a file over the limits
    of pipeline.limits. `timings`, when given, receives the seconds spent in each stage."""
    path = Path(path)
    reader_for(path)  # unknown suffix fails before any work
    check_regular(path)  # a pipe or a device would block or never end
    check_size(path)
    digest = sha256_of(path)
    started = cpu_seconds()
    raw = read(path)
    add_time(timings, "read", started)
    check_pages(len(raw.pages))  # one item for unpaged formats
    started = cpu_seconds()
    text, page_starts, blocks = normalise(raw)
    add_time(timings, "normalise", started)
    if not text.strip():
        raise EmptyDocument("no text left after normalisation")
    docs = build_documents(text, page_starts, raw, timings, blocks)
    warnings = list(raw.warnings)
    # Warnings inform (a value recovered from a signature field, a number taken from a cover letter);
    # a document is only partial when nothing identifies it: no type and no issuer.
    # A text the reader knows to be wrong (garbled pages OCR could not replace) is partial too.
    status = "partial" if raw.incomplete or any(d.doc_type is None and d.issuer is None for d in docs) else "success"
    return ParseResult(
        source=make_source(path, raw, digest), status=status, warnings=warnings, text=text,
        page_starts=page_starts if raw.paged else [], ocr_pages=raw.ocr_pages, blocks=blocks, documents=docs,
    )
