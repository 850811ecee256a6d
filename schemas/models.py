"""The document model and the JSON export contract (../shared/docs/export-contract.md).

Every span is a half-open ``[start, end)`` character range into ``ParseResult.text``,
the normalised (NFC) text of the whole source file; ``text[start:end] == fact.text``
always holds. ``page`` is 1-based for paged formats and null for text files.
The contract's field names are kept as they are; provenance fields are added.
"""
from __future__ import annotations

import datetime as _dt
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from schemas import EXPORT_VERSION

Format = Literal["txt", "md", "pdf", "docx", "doc"]
Role = Literal["lead", "support", "implement"]
Recurrence = Literal["annual", "semiannual", "quarterly", "monthly", "weekly", "daily"]
SectionKind = Literal[
    "basis", "situation", "purpose", "objectives", "tasks", "implementation", "funding", "reporting", "other"
]
Status = Literal["success", "partial", "failure"]
BlockKind = Literal["paragraph", "heading", "header_cell", "signature", "table", "table_cell", "footnote"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RawBlock(Model):
    """A block as a reader sees it: whole lines of one page of RawText (`pages[page].split("\\n")`
    [line_start:line_end]). Readers put each cell on lines of its own, so the normaliser can carry the
    boundaries through whatever it joins or drops inside them."""

    kind: BlockKind
    page: int = Field(0, description="0-based index into RawText.pages")
    line_start: int
    line_end: int = Field(description="exclusive")
    table: Optional[int] = None
    row: Optional[int] = None
    col: Optional[int] = None
    row_span: int = 1
    col_span: int = 1


class Block(Model):
    """A unit of the document's layout, located in the normalised text: `text[start:end]` is its text
    (an empty cell has start == end). Blocks are in reading order; a table comes before its cells.

    kind: paragraph, heading, header_cell (a cell or column of the document header: issuer, number,
    motto, place and date), signature (the `Nơi nhận` list and the signer's column), table, table_cell,
    footnote. Cells carry their table's ordinal (`table`, counted over the file from 0; the table block
    carries its own), their 0-based `row` and `col` in the table's grid and how many rows and columns
    they span; the rows and columns a merged cell covers hold no block of their own."""

    kind: BlockKind
    start: int
    end: int
    page: Optional[int] = Field(None, description="1-based page of the start; null for unpaged formats")
    table: Optional[int] = None
    row: Optional[int] = None
    col: Optional[int] = None
    row_span: int = 1
    col_span: int = 1


class RawText(Model):
    """What a reader returns: the text of each page, before normalisation."""

    format: Format
    pages: list[str] = Field(description="text of each page; one item for unpaged formats")
    paged: bool = False
    encoding: Optional[str] = Field(None, description="detected byte encoding or legacy font encoding")
    ocr_pages: list[int] = Field(default_factory=list, description="1-based pages whose text came from OCR")
    warnings: list[str] = Field(default_factory=list)
    # Values a reader recovered outside the page text (PDF signature fields, ...).
    hints: dict[str, str] = Field(default_factory=dict)
    blocks: list[RawBlock] = Field(default_factory=list, description="structure the reader knows (tables, cells, header)")
    incomplete: list[str] = Field(default_factory=list, description="why the text is not all there or not as printed "
                                                                       "(garbled pages OCR could not replace): the file is partial")


class Fact(Model):
    """Provenance shared by every extracted fact."""

    span: tuple[int, int] = Field(description="[start, end) into ParseResult.text")
    page: Optional[int] = Field(None, description="1-based page of the span start; null for text files")
    section: Optional[str] = Field(None, description="path of the enclosing section, e.g. 'III/2/a'")
    text: str = Field(description="the source text of the span")
    ocr: bool = Field(False, description="the span's text came from OCR")


class Baseline(Model):
    value: float
    year: Optional[int] = None
    span: Optional[tuple[int, int]] = None
    text: Optional[str] = None


class Target(Fact):
    indicator: str
    value: float
    unit: Optional[str] = None
    comparator: Literal["<", "<=", ">", ">=", "="]
    year: Optional[int] = None
    baseline: Optional[Baseline] = None
    value_max: Optional[float] = Field(None, description="upper end of a range: `13-13,5%` -> value 13, value_max 13.5")
    denominator: Optional[float] = Field(None, description="a ratio's whole: `77/108 xã` -> value 77, denominator 108")
    restated: list[tuple[int, int]] = Field(
        default_factory=list, description="spans where the document states the same target again (an annex table "
                                          "restating the objectives): one target, one row")


class Deadline(Fact):
    date: Optional[_dt.date] = None  # _dt.date: a field named `date` would hide the type
    recurrence: Optional[Recurrence] = None
    month: Optional[int] = None
    day: Optional[int] = None
    time: Optional[_dt.time] = Field(None, description="time of day of the limit: `trước 17 giờ 00 phút, ngày 05/12/2025`, "
                                                       "`trước 19h00 hằng ngày` -> 17:00, 19:00")
    weekday: Optional[int] = Field(None, description="for a weekly limit, the day of the week, ISO numbering "
                                                      "(Monday 1 ... Sunday 7): `thứ Sáu hằng tuần` -> 5")


class Assignment(Fact):
    agency: str
    agency_id: Optional[str] = Field(None, description="canonical key of the agency (agencies table)")
    agency_kind: Optional[str] = None
    agency_level: Optional[str] = Field(None, description="central, province, district or commune")
    agency_successor: Optional[str] = Field(None, description="the body that took over after the 2025 reorganisation")
    generic: bool = Field(False, description="a generic body such as 'các cơ quan có liên quan'")
    role: Role
    task: Optional[str] = None
    deadline: Optional[_dt.date] = None


class Reference(Fact):
    doc_type: Optional[str] = None
    number: Optional[str] = None
    date: Optional[_dt.date] = None
    issuer: Optional[str] = None
    title: Optional[str] = None


class Signer(Model):
    name: Optional[str] = None
    title: Optional[str] = None
    authority: Optional[str] = None


class Section(Model):
    number: Optional[str] = None
    title: Optional[str] = None
    kind: SectionKind = "other"
    level: int = 1
    marker: str = Field("", description="numbering style: roman, arabic, decimal, paren, letter, dash, plus, article")
    path: str = ""
    span: tuple[int, int]
    page: Optional[int] = None
    children: list[Section] = Field(default_factory=list)


class Document(Model):
    doc_type: Optional[str] = None
    number: Optional[str] = None
    issuer: Optional[str] = None
    parent_issuer: Optional[str] = None
    issued_date: Optional[_dt.date] = None
    place: Optional[str] = None
    subject: Optional[str] = None
    signer: Optional[Signer] = None
    recipients: list[str] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    assignments: list[Assignment] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    span: tuple[int, int] = Field(description="the document's extent in ParseResult.text")
    page: Optional[int] = None
    warnings: list[str] = Field(default_factory=list)


class Source(Model):
    path: str
    sha256: str
    format: Format
    size: int = 0
    pages: Optional[int] = Field(None, description="page count for paged formats")
    encoding: Optional[str] = None


class FileError(Model):
    path: str
    stage: str
    error_type: str
    message: str


class ParseResult(Model):
    """One source file: the JSON object `vanban parse` prints and `vanban export` writes."""

    version: str = EXPORT_VERSION
    source: Source
    status: Status = "success"
    warnings: list[str] = Field(default_factory=list)
    text: str = Field(description="normalised text of the whole file; every span points into it")
    page_starts: list[int] = Field(default_factory=list, description="offset in text where each page starts")
    ocr_pages: list[int] = Field(default_factory=list)
    blocks: list[Block] = Field(default_factory=list, description="layout blocks (paragraphs, tables, cells) with spans into text")
    documents: list[Document] = Field(default_factory=list)


Section.model_rebuild()
