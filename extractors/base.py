"""What every extractor receives: one document of a parsed file, with lookups for provenance.

Shared layers, built once per file and only when first asked for (`TextLayers`): the matching copy
of the text (`view.mtext`), the copy without word-segmentation underscores (`view.work`), an ASCII-folded
copy (`view.folded`), the words and marks of the text (`view.tokens`), and the sentence and clause
boundaries of any of them (`sentence_span`, `clause_span`), looked up by bisect. Every copy has the
length of the text, so an offset found in one is an offset into all of them. Section lookups
(`section_at`, `ancestors_at`, `kind_at`) go through an index of the section tree built on first use.
Nothing here scans from the start of the text per call: an extractor that uses these stays linear.
"""
from __future__ import annotations

import bisect
import heapq
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Iterator

from pipeline.textutil import _TONED_SECOND, tone_key
from schemas import Block, Document, Section


@dataclass
class DocView:
    """One document inside the normalised text of its file.

    Extractors read `text[body[0]:body[1]]` (or any part of `span`) and build facts with
    `provenance(start, end)`, so that span, page, section path and text never drift apart.
    `blocks` are the file's layout blocks (paragraphs, table cells with row and column, header cells,
    signature); `tables` gives this document's tables as grids, and `blocks_in` any blocks in a range.
    """

    text: str
    document: Document
    body: tuple[int, int]
    page_starts: list[int] = field(default_factory=list)
    paged: bool = False
    ocr_pages: list[int] = field(default_factory=list)
    annexes: list[tuple[str, tuple[int, int]]] = field(default_factory=list)  # (label, span) after the signature
    blocks: list[Block] = field(default_factory=list)  # layout blocks of the whole file (ParseResult.blocks)
    _flat: list[Section] = field(default_factory=list, repr=False)
    _tables: list | None = field(default=None, repr=False)
    # The file's layers: the documents of one file share them (layers_of keeps the last file's).
    layers: TextLayers | None = field(default=None, repr=False)
    _index: _SectionIndex | None = field(default=None, repr=False)
    # Per-document answers an extractor asks again and again (a section's own text matched once, not per
    # candidate under it): keyed by the extractor's name and the section's id, alive as long as the view.
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._flat = list(iter_sections(self.document.sections))
        self._block_starts = [b.start for b in self.blocks]
        if self.layers is None:
            self.layers = layers_of(self.text)

    # --- shared layers ---------------------------------------------------------------------------

    @property
    def mtext(self) -> str:
        """Same-length matching copy: new-style tones (`Uỷ` -> `Ủy`), markup that splits words blanked."""
        return self.layers.match

    @property
    def work(self) -> str:
        """Same-length copy with the `_` of word-segmented files as spaces."""
        return self.layers.work

    @property
    def folded(self) -> str:
        """Same-length ASCII-folded copy: lowercase, diacritics off, đ -> d (`Ủy ban` -> `uy ban`)."""
        return self.layers.folded

    @property
    def lower(self) -> str:
        """Same-length lowercase copy of the matching copy, where a lowercase word is found without IGNORECASE
        (see `caseless`)."""
        return caseless(self.layers.match)

    @property
    def tokens(self) -> Tokens:
        """The words and punctuation marks of the text, with their offsets."""
        return self.layers.tokens

    def sentence_span(self, pos: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
        """The sentence of the matching copy around pos, within [lo, hi) (see textscan.sentence_span)."""
        return sentence_index(self.layers.match).sentence_span(pos, lo, hi)

    def clause_span(self, pos: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
        """The clause of the matching copy around pos: its sentence cut at semicolons."""
        return sentence_index(self.layers.match).clause_span(pos, lo, hi)

    # --- the document ----------------------------------------------------------------------------

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

    def _sections(self) -> _SectionIndex:
        if self._index is None:
            self._index = _SectionIndex(self._flat, self.document.sections)
        return self._index

    def section_at(self, offset: int) -> Section | None:
        """The innermost section whose span holds offset."""
        index = self._sections()
        if index.points is not None:
            return index.at(offset)
        found = None
        for sec in self._flat:
            if sec.span[0] <= offset < sec.span[1]:
                found = sec  # depth-first order: later hits are deeper
            elif sec.span[0] > offset:
                break
        return found

    def ancestors_at(self, offset: int) -> list[Section]:
        """Sections holding offset, outermost first."""
        index = self._sections()
        if index.nested:
            return index.chain(index.at(offset))
        chain: list[Section] = []
        level = self.document.sections
        while True:
            hit = next((s for s in level if s.span[0] <= offset < s.span[1]), None)
            if hit is None:
                return chain
            chain.append(hit)
            level = hit.children

    def section_key(self, offset: int) -> object:
        """A key that two offsets share when every section lookup answers the same for both: the innermost
        section's id where the sections nest (its chain of parents is then the ancestors of both), else the
        offset. For memoising, in `memo`, what an extractor derives from those lookups."""
        index = self._sections()
        if index.nested:
            sec = index.at(offset)
            return None if sec is None else id(sec)
        return ("offset", offset)

    def kind_at(self, offset: int) -> str | None:
        """Kind of the top-level section holding offset (objectives, tasks, ...)."""
        index = self._sections()
        if index.nested:
            sec = index.at(offset)
            return index.root(sec).kind if sec is not None else None
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


class _SectionIndex:
    """The innermost section at every offset, as sorted change points (bisect), and each section's parent.

    Built when the sections are in document order (every parser writes them so); `nested` also needs
    children inside their parent and siblings apart, which makes the chain of parents the ancestors.
    Otherwise the DocView falls back to walking the sections."""

    def __init__(self, flat: list[Section], roots: list[Section]) -> None:
        self.points: list[int] | None = None
        self.nested = False
        if any(a.span[0] > b.span[0] for a, b in zip(flat, flat[1:])):
            return
        points = sorted({p for sec in flat for p in sec.span})
        answers: list[Section | None] = []
        heap: list[tuple[int, int]] = []  # (-depth-first index, end) of the sections open at a point
        j = 0
        for p in points:
            while j < len(flat) and flat[j].span[0] <= p:
                heapq.heappush(heap, (-j, flat[j].span[1]))
                j += 1
            while heap and heap[0][1] <= p:
                heapq.heappop(heap)
            answers.append(flat[-heap[0][0]] if heap else None)
        self.points, self.answers = points, answers
        self.parent: dict[int, Section | None] = {}
        self.nested = self._link(roots, None)

    def _link(self, level: list[Section], parent: Section | None) -> bool:
        ok = True
        stack = [(level, parent)]
        while stack:
            secs, up = stack.pop()
            for i, sec in enumerate(secs):
                self.parent[id(sec)] = up
                if up is not None and not (up.span[0] <= sec.span[0] and sec.span[1] <= up.span[1]):
                    ok = False
                if i and secs[i - 1].span[1] > sec.span[0]:
                    ok = False
                stack.append((sec.children, sec))
        return ok

    def at(self, offset: int) -> Section | None:
        i = bisect.bisect_right(self.points, offset) - 1
        return self.answers[i] if i >= 0 else None

    def chain(self, sec: Section | None) -> list[Section]:
        out = []
        while sec is not None:
            out.append(sec)
            sec = self.parent[id(sec)]
        out.reverse()
        return out

    def root(self, sec: Section) -> Section:
        while (up := self.parent[id(sec)]) is not None:
            sec = up
        return sec


class SpanSet:
    """A set of [start, end) spans asked which hold an offset, overlap a span or start inside one, by bisect
    (the spans may overlap each other)."""

    def __init__(self, spans) -> None:
        pairs = sorted((int(a), int(b)) for a, b in spans)
        self.starts = [a for a, _ in pairs]
        self.max_end: list[int] = []  # the largest end among the spans up to each one
        top = None
        for _, b in pairs:
            top = b if top is None or b > top else top
            self.max_end.append(top)

    def holds(self, offset: int) -> bool:
        k = bisect.bisect_right(self.starts, offset) - 1
        return k >= 0 and self.max_end[k] > offset

    def overlaps(self, start: int, end: int) -> bool:
        k = bisect.bisect_left(self.starts, end) - 1
        return k >= 0 and self.max_end[k] > start

    def starts_within(self, start: int, end: int) -> bool:
        k = bisect.bisect_left(self.starts, start)
        return k < len(self.starts) and self.starts[k] < end


# --- layers of one text ------------------------------------------------------------------------------

# The markup blanked: every `*`, and an `_` between two word characters (a word-segmented file's). The `_` is
# matched first and its neighbours checked after, so that the scan looks for the one character.
_JOINING_UNDERSCORE = re.compile(r"_(?<=\w_)(?=\w)")


# Where NFC text may hold an old-style pair: textutil's pair of a bare o/u and a toned a/e/y, not after q, before
# neither a letter nor a mark (the NFC form of _OLD_STYLE's context: an NFC letter or mark decomposes to one).
_OLD_PAIR = re.compile(rf"[oOuU][{_TONED_SECOND}](?<![qQ]..)(?![^\W\d_]|[\u0300-\u036f])")


def tone_key_by_word(text: str) -> str:
    """tone_key(text), keyed one word at a time where a word may be old style (`hoà`): in NFC text white space
    neither composes nor reorders with its neighbours and no old-style pair spans it, so each word's key is its
    key in the text; the other words are kept as they are, without decomposing the whole text."""
    if text.isascii() or not unicodedata.is_normalized("NFC", text):
        return tone_key(text)
    out: list[str] = []
    done = 0
    for m in _OLD_PAIR.finditer(text):
        if m.start() < done:
            continue  # in the word keyed already
        start, end = m.start(), m.end()
        while start > done and not text[start - 1].isspace():
            start -= 1
        while end < len(text) and not text[end].isspace():
            end += 1
        out.append(text[done:start])
        out.append(tone_key(text[start:end]))
        done = end
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def match_text(text: str) -> str:
    """Same-length copy of text for matching: new-style tones, markup blanked (`**`, the `_` of
    word-segmented files). Build it through `layers_of(text).match` to build it once."""
    keyed = tone_key_by_word(text)
    if len(keyed) != len(text):  # never expected; keep offsets exact whatever happens
        keyed = text
    if "*" in keyed:
        keyed = keyed.replace("*", " ")
    return _JOINING_UNDERSCORE.sub(" ", keyed) if "_" in keyed else keyed


_FOLD: dict[str, str] = {}  # character -> its folded character, filled as characters are met


def fold_chars(text: str) -> str:
    """Same-length ASCII fold: each character lowercased without its diacritics (đ -> d); a character
    that does not fold to exactly one character (a lone combining mark) is kept."""
    table = {}
    for c in set(text):
        f = _FOLD.get(c)
        if f is None:
            f = "".join(x for x in unicodedata.normalize("NFD", c.replace("đ", "d").replace("Đ", "D"))
                        if unicodedata.category(x) != "Mn").lower()
            f = _FOLD[c] = f if len(f) == 1 else c
        if f != c:
            table[ord(c)] = f
    return text.translate(table)


# A word (letters, digits and what joins them) or one punctuation mark; `_` and white space separate.
TOKEN = re.compile(r"[^\s_,;:.()\[\]“”\"'*|]+|[,;:.()\[\]“”\"'*|]")


class Tokens:
    """The tokens (TOKEN) of a text with their offsets; `between(a, b)` gives the tokens inside [a, b)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] = []
        self.ends: list[int] = []
        for m in TOKEN.finditer(text):
            self.starts.append(m.start())
            self.ends.append(m.end())

    def __len__(self) -> int:
        return len(self.starts)

    def index_range(self, a: int, b: int) -> range:
        """Indices of the tokens that lie wholly inside [a, b)."""
        i = bisect.bisect_left(self.starts, a)
        j = bisect.bisect_right(self.ends, b)
        return range(i, max(i, j))

    def between(self, a: int, b: int) -> list[tuple[int, int, str]]:
        """(start, end, token) of each token wholly inside [a, b)."""
        return [(self.starts[k], self.ends[k], self.text[self.starts[k]:self.ends[k]]) for k in self.index_range(a, b)]


class TextLayers:
    """Same-length copies of one normalised text, each built on first use and then kept."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def match(self) -> str:
        return match_text(self.text)

    @cached_property
    def work(self) -> str:
        return self.text.replace("_", " ")

    @cached_property
    def folded(self) -> str:
        return fold_chars(self.text)

    @cached_property
    def tokens(self) -> Tokens:
        return Tokens(self.text)

    @cached_property
    def numbers(self) -> NumberRuns:
        return NumberRuns(self.text)


NUMBER_RUN = re.compile(r"\d+")


class NumberRuns:
    """The runs of digits of a text, found once: those of every copy of it as well (no copy changes a digit), so
    the extractors that start their patterns at numbers share one scan."""

    def __init__(self, text: str) -> None:
        spans = [m.span() for m in NUMBER_RUN.finditer(text)]
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]

    def within(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """The runs in [lo, hi), cut at its ends: what NUMBER_RUN.finditer(text, lo, hi) finds."""
        if lo >= hi:
            return []
        i = bisect.bisect_right(self.ends, lo)
        j = bisect.bisect_left(self.starts, hi)
        return [(max(a, lo), min(b, hi)) for a, b in zip(self.starts[i:j], self.ends[i:j])]


_LAST_LAYERS: list[TextLayers] = []


def layers_of(text: str) -> TextLayers:
    """The layers of text, shared by every caller with the same text object (the documents of one file,
    the extractors of one document); only the last two texts are kept."""
    for layers in _LAST_LAYERS:
        if layers.text is text:
            return layers
    layers = TextLayers(text)
    _LAST_LAYERS.insert(0, layers)
    del _LAST_LAYERS[2:]
    return layers


# The characters IGNORECASE takes for a lowercase letter that str.lower() does not map to it (re._casefix).
_CASE_EXTRA = str.maketrans({"ſ": "s", "ı": "i", "\u0130": "i"})


def _lower_char(c: str) -> str:
    low = c.lower()
    return low if len(low) == 1 else c.translate(_CASE_EXTRA)


_LAST_LOWER: list[tuple[str, str]] = []


def caseless(text: str) -> str:
    """Same-length lowercase copy of text: wherever a word written in lowercase matches text with IGNORECASE, it
    stands in this copy as written, so a search without IGNORECASE (a literal scan, where an IGNORECASE pattern
    is tried at every character) finds every such place; what is found there is then matched on the text
    itself. Built once per text object (the last four are kept)."""
    for t, low in _LAST_LOWER:
        if t is text:
            return low
    low = text.lower()
    if len(low) != len(text):  # a character whose lowercase is two (`İ`): one at a time
        low = "".join(map(_lower_char, text))
    low = low.translate(_CASE_EXTRA) if "ſ" in low or "ı" in low else low
    _LAST_LOWER.insert(0, (text, low))
    del _LAST_LOWER[4:]
    return low


# --- sentences and clauses ---------------------------------------------------------------------------

# A sentence ends at . ! ? followed by white space (not inside numbers like 1.1. or 15.12.2024),
# or at a line break; a list bullet starts a new one. (`(?<!\d)[.!?](?=\s)|\n`, written to open with the stop
# itself, so that the scan looks for the four characters.)
SENT_END = re.compile(r"[.!?\n](?:(?<=\n)|(?<!\d.)(?=\s))")


class SentenceIndex:
    """Every sentence end (SENT_END) and semicolon of one text, found once.

    The answers equal those of scanning the window [lo, hi) with the regex, where a stop needs the
    white space after it inside the window: a stop at i counts in a window ending at `end` when
    `limit[i] <= end` (i + 2 for . ! ?, i + 1 for a line break)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] = [m.start() for m in SENT_END.finditer(text)]
        self.limits: list[int] = [i + 1 if text[i] == "\n" else i + 2 for i in self.starts]
        self._semis: list[int] | None = None

    @property
    def semis(self) -> list[int]:
        if self._semis is None:
            text, out, i = self.text, [], self.text.find(";")
            while i != -1:
                out.append(i)
                i = text.find(";", i + 1)
            self._semis = out
        return self._semis

    def sentence_span(self, pos: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
        text = self.text
        hi = len(text) if hi is None else hi
        start = lo
        k = bisect.bisect_right(self.limits, pos) - 1  # the last stop that ends inside [lo, pos)
        if k >= 0 and self.starts[k] >= lo:
            start = self.starts[k] + 1
        k = bisect.bisect_left(self.starts, max(pos, 0))  # the first stop at or after pos, inside [pos, hi)
        if k < len(self.starts) and self.limits[k] <= hi:
            i = self.starts[k]
            end = i if text[i] == "\n" else i + 1
        else:
            end = hi
        while start < end and text[start].isspace():
            start += 1
        return start, end

    def clause_span(self, pos: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
        text = self.text
        s, e = self.sentence_span(pos, lo, hi)
        semis = self.semis
        k = bisect.bisect_left(semis, pos) - 1  # the last `;` in [s, pos)
        if k >= 0 and semis[k] >= s:
            s = semis[k] + 1
        k = bisect.bisect_left(semis, pos)  # the first `;` in [pos, e)
        if k < len(semis) and semis[k] < e:
            e = semis[k]
        while s < e and text[s].isspace():
            s += 1
        return s, e


_LAST_INDEX: list[SentenceIndex] = []


def sentence_index(text: str) -> SentenceIndex:
    """The sentence index of text, built once per text object (the last four are kept)."""
    for index in _LAST_INDEX:
        if index.text is text:
            return index
    index = SentenceIndex(text)
    _LAST_INDEX.insert(0, index)
    del _LAST_INDEX[4:]
    return index


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
