"""What every extractor receives: one document of a parsed file, with lookups for provenance."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date
from typing import Iterator

from schemas import Block, Document, Section


@dataclass
class DocView:
    """One document inside the normalised text of its file.

    Extractors read `text[body[0]:body[1]]` (or any part of `span`) and build facts with
    `provenance(start, end)`, so that span, page, section path and text never drift apart.
    `facts` holds what earlier extractors of the EXTRACTORS tuple found (assignments read deadlines).
    `blocks` are the file's layout blocks (paragraphs, table cells with row and column, header cells,
    signature); `tables` gives this document's tables as grids, and `blocks_in` any blocks in a range.
    """

    text: str
    document: Document
    body: tuple[int, int]
    page_starts: list[int] = field(default_factory=list)
    paged: bool = False
    ocr_pages: list[int] = field(default_factory=list)
    facts: dict[str, list] = field(default_factory=dict)
    annexes: list[tuple[str, tuple[int, int]]] = field(default_factory=list)  # (label, span) after the signature
    blocks: list[Block] = field(default_factory=list)  # layout blocks of the whole file (ParseResult.blocks)
    _flat: list[Section] = field(default_factory=list, repr=False)
    _tables: list | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._flat = list(iter_sections(self.document.sections))
        self._block_starts = [b.start for b in self.blocks]

    @property
    def span(self) -> tuple[int, int]:
        return self.document.span

    @property
    def doc_date(self) -> date | None:
        return self.document.issued_date

    @property
    def sections(self) -> list[Section]:
        """Every section, depth first, in document order."""
        return self._flat

    def regions(self) -> list[tuple[int, int]]:
        """Where facts are looked for: the body, then each annex."""
        return [self.body, *(span for _, span in self.annexes)]

    def blocks_in(self, start: int, end: int, kind: str | None = None) -> list[Block]:
        """Blocks that start in [start, end), of one kind if given, in reading order."""
        i = bisect.bisect_left(self._block_starts, start)
        out = []
        for b in self.blocks[i:]:
            if b.start >= end:
                break
            if kind is None or b.kind == kind:
                out.append(b)
        return out

    @property
    def tables(self) -> list:
        """The tables of this document (body and annexes), as extractors.tables.Table grids."""
        if self._tables is None:
            from extractors.tables import tables_of
            self._tables = tables_of(self)
        return self._tables

    def page_of(self, offset: int) -> int | None:
        if not self.paged or not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))

    def section_at(self, offset: int) -> Section | None:
        """The innermost section whose span holds offset."""
        found = None
        for sec in self._flat:
            if sec.span[0] <= offset < sec.span[1]:
                found = sec  # depth-first order: later hits are deeper
            elif sec.span[0] > offset:
                break
        return found

    def ancestors_at(self, offset: int) -> list[Section]:
        """Sections holding offset, outermost first."""
        chain: list[Section] = []
        level = self.document.sections
        while True:
            hit = next((s for s in level if s.span[0] <= offset < s.span[1]), None)
            if hit is None:
                return chain
            chain.append(hit)
            level = hit.children

    def kind_at(self, offset: int) -> str | None:
        """Kind of the top-level section holding offset (objectives, tasks, ...)."""
        chain = self.ancestors_at(offset)
        return chain[0].kind if chain else None

    def provenance(self, start: int, end: int) -> dict:
        """Fields of schemas.Fact for the span [start, end)."""
        section = self.section_at(start)
        path = section.path if section else next((label for label, (a, b) in self.annexes if a <= start < b), None)
        page = self.page_of(start)
        return {
            "span": (start, end),
            "page": page,
            "section": path,
            "text": self.text[start:end],
            "ocr": page is not None and page in self.ocr_pages,
        }


def iter_sections(sections: list[Section]) -> Iterator[Section]:
    for sec in sections:
        yield sec
        yield from iter_sections(sec.children)


def phrase_view(text: str, issued_date: date | None = None, section_title: str | None = None,
                blocks: list[Block] | None = None) -> DocView:
    """A DocView over a bare phrase, for case-file tests: one document, optionally inside one section
    whose title gives context (`Mục tiêu đến năm 2030`), with the document date given, and the layout
    blocks of the phrase where it has some (a table copied from a real document: tests.casefiles)."""
    from extractors.vocab import classify_section
    sections = []
    if section_title is not None:
        sections = [Section(number="I", title=section_title, kind=classify_section(section_title),
                            marker="roman", path="I", span=(0, len(text)))]
    doc = Document(span=(0, len(text)), issued_date=issued_date, sections=sections)
    return DocView(text=text, document=doc, body=(0, len(text)), blocks=blocks or [])
