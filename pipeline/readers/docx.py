"""Word 2007+ (.docx): the body's paragraphs and tables in document order.

What a reader of the printed page sees, one line per paragraph:
- Word's automatic list numbers (`1.`, `a)`, `-`) rebuilt from w:numPr and numbering.xml;
- tables cell by cell, row by row, a blank line closing each cell, so the two columns of the
  header table (issuer | national motto, number | place and date) never interleave;
- headers laid out with tab stops split into their columns the same way;
- text boxes once (the mc:Fallback copy is skipped); page headers and footers left out;
- runs in legacy fonts (.VnTime, VNI-Times...) converted to Unicode, capital fonts in capitals.

The package is checked before python-docx opens it (zip bombs, corrupt zips); python-docx
parses XML with resolve_entities=False and without huge_tree, so entity expansion and
absurdly deep trees fail instead of eating memory.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import EmptyDocument, EncryptedFile, InputError, LimitExceeded
from pipeline.legacy import choose_encoding, convert, convert_mixed, encoding_for_font, is_capital_font
from pipeline.readers.structure import table_kind
from schemas import RawBlock, RawText

MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed size of word/document.xml
MIN_RATIO_SIZE = 1024 * 1024  # below this a high ratio cannot hurt
MAX_ENTRIES = 10_000
# XML is parsed whole (lxml needs about 10 bytes of memory per byte of XML): word/document.xml of a
# 500-page document is 10-30 MB, styles and numbering well under 1 MB. Images are not parsed.
MAX_DOCUMENT_XML = 64 * 1024 * 1024
MAX_PART_XML = 16 * 1024 * 1024

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _val(el, tag: str) -> str | None:
    child = el.find(_w(tag)) if el is not None else None
    return None if child is None else child.get(_w("val"))


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default


# --- package checks --------------------------------------------------------------------


class _NotZip(InputError):
    "A Word 97-2003 file under a .docx name: handed to the .doc reader"


def is_encrypted_ole(path: Path) -> bool:
    # Office encryption wraps the package in an OLE2 file with an "EncryptedPackage" stream.
    with path.open("rb") as fh:
        return "EncryptedPackage".encode("utf-16-le") in fh.read(1 << 20)



def check_package(path: Path) -> None:
    """Refuse what is not a sane zip before any XML is parsed."""
    try:
        head = path.open("rb").read(8)
    except OSError as exc:
        raise InputError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    if head.startswith(_OLE_MAGIC):
        if is_encrypted_ole(path):
            raise EncryptedFile("the DOCX is password-protected (an encrypted OLE package); save it without a password")
        raise _NotZip("an OLE2 compound file (Word 97-2003) named .docx")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise InputError(f"not a valid DOCX file (a DOCX is a zip archive): {exc}") from exc
    if len(infos) > MAX_ENTRIES:
        raise LimitExceeded(f"the DOCX zip holds {len(infos)} entries (limit {MAX_ENTRIES})")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise LimitExceeded(
            f"the DOCX would unpack to {total / 2**20:.0f} MB (limit {MAX_TOTAL_UNCOMPRESSED // 2**20} MB): a zip bomb?"
        )
    for info in infos:
        limit = MAX_DOCUMENT_XML if info.filename == "word/document.xml" else MAX_PART_XML
        if info.filename.endswith((".xml", ".rels")) and info.file_size > limit:
            raise LimitExceeded(f"{info.filename} unpacks to {info.file_size / 2**20:.0f} MB of XML "
                                f"(limit {limit // 2**20} MB): far larger than any Word document's")
    names = {info.filename: info for info in infos}
    main = names.get("word/document.xml")
    if main is None:
        raise InputError("not a Word document: the zip has no word/document.xml")
    if main.file_size > MIN_RATIO_SIZE and main.file_size > MAX_RATIO * max(main.compress_size, 1):
        raise LimitExceeded(
            f"word/document.xml is compressed {main.file_size // max(main.compress_size, 1)}:1 "
            f"(limit {MAX_RATIO}:1): a zip bomb?"
        )


# --- styles ----------------------------------------------------------------------------


@dataclass
class _Style:
    based_on: str | None = None
    font: str | None = None  # w:hAnsi, else w:ascii
    caps: bool | None = None
    vanish: bool | None = None
    num_id: str | None = None
    ilvl: int | None = None


def _font_of(rpr) -> str | None:
    fonts = rpr.find(_w("rFonts")) if rpr is not None else None
    if fonts is None:
        return None
    return fonts.get(_w("hAnsi")) or fonts.get(_w("ascii"))


def _flag(rpr, tag: str) -> bool | None:
    el = rpr.find(_w(tag)) if rpr is not None else None
    if el is None:
        return None
    return el.get(_w("val"), "true") not in ("0", "false", "off")


class _Styles:
    def __init__(self, document) -> None:
        self.styles: dict[str, _Style] = {}
        self.default_paragraph: str | None = None
        self.default_font: str | None = None
        try:
            root = document.styles.element
        except (KeyError, NotImplementedError, ValueError):
            return
        defaults = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
        self.default_font = _font_of(defaults)
        for el in root.iterfind(_w("style")):
            sid = el.get(_w("styleId"))
            if not sid:
                continue
            rpr, ppr = el.find(_w("rPr")), el.find(_w("pPr"))
            numpr = ppr.find(_w("numPr")) if ppr is not None else None
            ilvl = _val(numpr, "ilvl")
            self.styles[sid] = _Style(
                based_on=_val(el, "basedOn"),
                font=_font_of(rpr),
                caps=_flag(rpr, "caps"),
                vanish=_flag(rpr, "vanish"),
                num_id=_val(numpr, "numId"),
                ilvl=_level_index(ilvl),
            )
            if el.get(_w("type")) == "paragraph" and el.get(_w("default")) in ("1", "true"):
                self.default_paragraph = sid

    def chain(self, sid: str | None):
        seen = set()
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            yield self.styles[sid]
            sid = self.styles[sid].based_on

    def lookup(self, attr: str, *style_ids: str | None):
        for sid in style_ids:
            for style in self.chain(sid):
                value = getattr(style, attr)
                if value is not None:
                    return value
        return None


# --- numbering -------------------------------------------------------------------------


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # w:lvlRestart: 0 = never restart
    legal: bool = False
    suffix: str = "tab"
    font: str | None = None
    style: str | None = None


# Word's own bounds: list levels 0-8, start values up to 32767. A file may claim anything
# (w:start="2600000000" made a 10 GB letter label): values outside are read at the bound.
MAX_LEVEL = 8
MAX_LIST_NUMBER = 32767


def _number_value(text: str | None, default: int | None) -> int | None:
    if not text or not text.lstrip("-").isdigit() or len(text) > 12:
        return default
    return max(0, min(int(text), MAX_LIST_NUMBER))


def _level_index(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and int(text) <= MAX_LEVEL else None


def _parse_level(el) -> _Level:
    return _Level(
        start=_number_value(_val(el, "start"), 1),
        fmt=_val(el, "numFmt") or "decimal",
        text=_val(el, "lvlText") or "",
        restart=_number_value(_val(el, "lvlRestart"), None),
        legal=el.find(_w("isLgl")) is not None,
        suffix=_val(el, "suff") or "tab",
        font=_font_of(el.find(_w("rPr"))),
        style=_val(el, "pStyle"),
    )


_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
_DASHES = {"-", "–", "—", "−", "\uf02d", "\u2010", "\u2011"}


def _roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    if fmt == "none":
        return ""
    if n > MAX_LIST_NUMBER:  # a counter pushed past Word's range: digits, never a label of n letters
        return str(n)
    if n <= 0 and fmt not in ("decimal", "decimalZero"):
        fmt = "decimal"
    if fmt in ("upperRoman", "lowerRoman"):
        text = _roman(n)
        return text.upper() if fmt == "upperRoman" else text
    if fmt in ("upperLetter", "lowerLetter"):
        # Word repeats the letter past z: 27 -> aa, 28 -> bb.
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    return str(n)  # decimal and every format Vietnamese documents render as digits


def _bullet(text: str) -> str:
    glyph = text.strip()
    if not glyph:
        return ""
    if glyph in _DASHES:
        return "-"
    if glyph in ("+", "\uf02b"):
        return "+"
    return "•"  # Symbol/Wingdings glyphs (U+F0B7, §, Ø, o...) all draw a bullet of some shape


class _Numbering:
    """Word's list numbering: counters per list instance (numId) and level."""

    def __init__(self, document, styles: _Styles) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_link: dict[str, str] = {}  # abstractNum with numStyleLink -> style id
        self.nums: dict[str, tuple[str, dict[int, _Level], dict[int, int]]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.styles = styles
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, ValueError):
            return
        for el in root.iterfind(_w("abstractNum")):
            aid = el.get(_w("abstractNumId"))
            levels = {}
            for lvl in el.iterfind(_w("lvl")):
                ilvl = _level_index(lvl.get(_w("ilvl"), "0"))
                if ilvl is not None:
                    levels[ilvl] = _parse_level(lvl)
            self.abstract[aid] = levels
            link = _val(el, "numStyleLink")
            if link:
                self.style_link[aid] = link
        for el in root.iterfind(_w("num")):
            nid = el.get(_w("numId"))
            aid = _val(el, "abstractNumId")
            overrides: dict[int, _Level] = {}
            starts: dict[int, int] = {}
            for ov in el.iterfind(_w("lvlOverride")):
                ilvl = _level_index(ov.get(_w("ilvl"), "0"))
                if ilvl is None:
                    continue
                start = _number_value(_val(ov, "startOverride"), None)
                if start is not None:
                    starts[ilvl] = start
                lvl = ov.find(_w("lvl"))
                if lvl is not None:
                    overrides[ilvl] = _parse_level(lvl)
            self.nums[nid] = (aid, overrides, starts)

    def _levels(self, num_id: str) -> dict[int, _Level]:
        aid, overrides, starts = self.nums[num_id]
        levels = dict(self.abstract.get(aid, {}))
        if aid in self.style_link:  # the list's definition lives with a numbering style
            linked = self.styles.lookup("num_id", self.style_link[aid])
            if linked and linked in self.nums and linked != num_id:
                levels = dict(self.abstract.get(self.nums[linked][0], {}))
        levels.update(overrides)
        for ilvl, start in starts.items():
            if ilvl in levels:
                lvl = levels[ilvl]
                levels[ilvl] = _Level(start, lvl.fmt, lvl.text, lvl.restart, lvl.legal, lvl.suffix, lvl.font, lvl.style)
        return levels

    def level_for_style(self, num_id: str, style_id: str | None) -> int:
        if num_id in self.nums and style_id:
            for ilvl, lvl in self._levels(num_id).items():
                if lvl.style == style_id:
                    return ilvl
        return 0

    def next_label(self, num_id: str, ilvl: int) -> tuple[str, str, str | None]:
        """Advance the counter of (num_id, ilvl); return (label, separator, font of the label)."""
        if num_id not in self.nums:
            return "", "", None
        levels = self._levels(num_id)
        if ilvl not in levels:
            return "", "", None
        counters = self.counters.setdefault(num_id, [None] * 10)
        lvl = levels[ilvl]
        counters[ilvl] = lvl.start if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, len(counters)):
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and ilvl + 1 <= restart):
                counters[deeper] = None
        if lvl.fmt == "bullet":
            label = _bullet(lvl.text)
        else:
            def number(match: re.Match) -> str:
                k = int(match.group(1)) - 1
                other = levels.get(k, _Level())
                value = counters[k] if counters[k] is not None else other.start
                return format_number(value, "decimal" if lvl.legal and other.fmt != "none" else other.fmt)
            label = re.sub(r"%([1-9])", number, lvl.text).strip()
        # Word's suffix (tab, space or nothing) is layout; the text always gets one space, or a
        # number glued to its text ("1.1Trên" with w:suff="nothing") would not read as a number.
        separator = " " if label else ""
        return label, separator, lvl.font


# --- paragraphs ------------------------------------------------------------------------


@dataclass
class _Segment:
    text: str
    encoding: str | None  # what the font says
    capitals: bool


@dataclass
class _Para:
    segments: list[_Segment] = field(default_factory=list)
    floating: list[str] = field(default_factory=list)  # lines of text boxes anchored here


_SKIP = {_w("pPr"), _w("rPr"), _w("del"), _w("moveFrom"), _w("delText"), _w("instrText"), _w("proofErr"),
         _w("bookmarkStart"), _w("bookmarkEnd"), _w("commentRangeStart"), _w("commentRangeEnd"),
         _w("footnoteReference"), _w("endnoteReference"), _w("commentReference"), _w("annotationRef"),
         f"{{{MC}}}Fallback"}
# The Symbol font's codes for the signs documents use (Adobe Symbol encoding); Word stores them
# as U+F0xx (private use) or as the plain code.
_SYMBOL = {0x2D: "−", 0xA3: "≤", 0xA5: "∞", 0xAB: "↔", 0xAC: "←", 0xAD: "↑", 0xAE: "→", 0xAF: "↓",
           0xB0: "°", 0xB1: "±", 0xB3: "≥", 0xB4: "×", 0xB7: "•", 0xB8: "÷", 0xB9: "≠", 0xBB: "≈",
           0xBC: "…", 0xD6: "√", 0xD7: "⋅", 0xDB: "⇔", 0xDE: "⇒", 0xE5: "∑", 0xF2: "∫"}
_DINGBAT_FONTS = ("wingdings", "webdings", "zapf", "marlett")


def symbol_text(text: str, font: str | None) -> str:
    """Text in a symbol font as the signs it draws: Symbol through its table, dingbat fonts
    (Wingdings...: bullets, arrows, check marks in lists) as a bullet."""
    name = (font or "").lower()
    if name == "symbol":
        return "".join(_SYMBOL.get(ord(ch) & 0xFF, ch) if 0xF000 <= ord(ch) <= 0xF0FF or ord(ch) >= 0x80
                       else ch for ch in text)
    if name.startswith(_DINGBAT_FONTS):
        return "".join("•" if not ch.isspace() else ch for ch in text)
    return "".join(_SYMBOL.get(ord(ch) & 0xFF, "•") if 0xF000 <= ord(ch) <= 0xF0FF else ch for ch in text)


# A list marker alone to the left of a tab: the tab follows a number, it does not split columns.
_MARKER_ONLY = re.compile(
    r"^(?:[IVXLCivxlc]+|\d{1,3}(?:\.\d{1,3})*|[a-zđA-ZĐ]|\(?\d{1,3}\)|\(?[a-zđ]\))[.):\-]?$"
    r"|^[-+•–—*·o]$|^(?:Điều|Chương|Mục|Phần|ĐIỀU|CHƯƠNG|MỤC|PHẦN)\s+[\dIVXLC]+[.:]?$"
)
_TAB_RUN = re.compile(r"[ \u00a0]*\t[ \t\u00a0]*")
_GAP = re.compile(r"[ \u00a0]*\t[ \t\u00a0]*|[ \u00a0]{4,}")
# A gap that is a blank left for a hand-written number or day, not a column gap.
_BLANK_BEFORE = re.compile(r"(?:\bngày|\btháng|\bnăm|\bSố\s*:?|\bsố|/)$", re.I)
_BLANK_AFTER = re.compile(r"(?:tháng|năm|/|\d{1,2}\s*(?:/|tháng))", re.I)
_NATION = re.compile(r"(?:CỘNG HÒA|CỘNG HOÀ|ĐẢNG CỘNG SẢN)")
_MOTTO = re.compile(r"(?:CỘNG HÒA|CỘNG HOÀ|ĐẢNG CỘNG SẢN|Độc lập\s*[-–])")
_HEADER_ZONE = 12  # body paragraphs that may still be the document header
_LONG = 200  # a paragraph this long is body text: the header is over


class _Extractor:
    def __init__(self, document, columns: bool = True) -> None:
        self.document = document
        self.split = columns  # de-interleave tab-laid columns (off: paragraphs as they come)
        self.styles = _Styles(document)
        self.numbering = _Numbering(document, self.styles)
        self.lines: list[str] = []
        self.encodings: set[str] = set()
        self.body_paragraphs = 0
        self.header_over = False
        self.columns: list[list[str]] | None = None  # an open block of tab-laid columns
        self.recipients = False  # the open block is the "Nơi nhận" | signer block
        self.blocks: list[RawBlock] = []  # tables, cells and header columns over self.lines
        self.tables = 0

    # -- walking the body --

    def run(self) -> list[str]:
        body = self.document.element.body
        self._block(body, in_cell=False)
        self._close_columns()
        return self.lines

    def _block(self, parent, in_cell: bool) -> None:
        for child in parent.iterchildren():
            tag = child.tag
            if tag == _w("p"):
                self._paragraph(child, in_cell)
            elif tag == _w("tbl"):
                self._table(child)
            elif tag in (_w("sdt"), _w("customXml")):
                content = child.find(_w("sdtContent")) if tag == _w("sdt") else child
                if content is not None:
                    self._block(content, in_cell)
            elif tag == f"{{{MC}}}AlternateContent":
                choice = child.find(f"{{{MC}}}Choice")
                if choice is not None:
                    self._block(choice, in_cell)

    def _table(self, tbl) -> None:
        """Cell by cell, row by row, each cell a block with its place in the grid: w:gridBefore skips
        columns, w:gridSpan spans them, a w:vMerge continuation adds a row to the cell above."""
        self._close_columns()
        self._blank()
        number = self.tables
        self.tables += 1
        table = self._open("table", table=number)
        cells: list[RawBlock] = []
        above: dict[int, RawBlock] = {}  # column -> the cell a vMerge continuation there extends
        for r, row in enumerate(tbl.iterfind(_w("tr"))):
            col = _int(_val(row.find(_w("trPr")), "gridBefore"), 0)
            for cell in row.iterfind(_w("tc")):
                tcpr = cell.find(_w("tcPr"))
                span = max(1, _int(_val(tcpr, "gridSpan"), 1))
                merge = tcpr.find(_w("vMerge")) if tcpr is not None else None
                if merge is not None and merge.get(_w("val"), "continue") == "continue":
                    top = above.get(col)
                    if top is not None and top.row + top.row_span == r:
                        top.row_span += 1  # the lower part of a vertically merged cell: its text is above
                    col += span
                    continue
                block = self._open("table_cell", table=number, row=r, col=col, col_span=span)
                before = len(self.lines)
                self._block(cell, in_cell=True)
                self._close(block)
                if len(self.lines) > before:
                    self._blank()
                cells.append(block)
                above[col] = block
                col += span
        self._close(table)
        table.line_end = max([table.line_end, *(b.line_end for b in cells)])  # an empty last cell stays inside
        kind = table_kind(["\n".join(self.lines[b.line_start:b.line_end]) for b in cells])
        for b in cells:
            b.kind = kind

    def _open(self, kind: str, **grid) -> RawBlock:
        block = RawBlock(kind=kind, line_start=len(self.lines), line_end=len(self.lines), **grid)
        self.blocks.append(block)
        return block

    def _close(self, block: RawBlock) -> None:
        end = len(self.lines)
        while end > block.line_start and self.lines[end - 1] == "":
            end -= 1
        block.line_end = end

    def _blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def _paragraph(self, p, in_cell: bool) -> None:
        ppr = p.find(_w("pPr"))
        style_id = _val(ppr, "pStyle") or self.styles.default_paragraph
        para = _Para()
        self._inline(p, para, style_id)
        text = self._convert(para.segments)
        label = self._number(ppr, style_id, para.segments)
        for visual in text.split("\n") if text.strip() else []:
            self._emit(visual, in_cell, label)
            label = None
        for line in para.floating:
            self._emit(line, True, None)

    # -- inline content --

    def _inline(self, parent, para: _Para, style_id: str | None) -> None:
        for child in parent.iterchildren():
            tag = child.tag
            if tag in _SKIP or not isinstance(tag, str):
                continue
            if tag == _w("r"):
                self._run(child, para, style_id)
            elif tag == f"{{{MC}}}AlternateContent":
                self._alternate(child, para, style_id)
            elif tag == _w("txbxContent"):
                para.floating.extend(self._text_box(child))
            else:  # hyperlink, ins, smartTag, fldSimple, sdt, drawing containers...
                self._inline(child, para, style_id)

    def _alternate(self, el, para: _Para, style_id: str | None) -> None:
        """mc:AlternateContent holds one thing twice (a DrawingML shape and its VML fallback):
        read the choice, and the fallback only when the choice gave nothing."""
        before = (len(para.segments), len(para.floating))
        choice = el.find(f"{{{MC}}}Choice")
        if choice is not None:
            self._inline(choice, para, style_id)
        fallback = el.find(f"{{{MC}}}Fallback")
        if (len(para.segments), len(para.floating)) == before and fallback is not None:
            self._inline(fallback, para, style_id)

    def _text_box(self, content) -> list[str]:
        saved, self.lines = self.lines, []
        saved_columns, self.columns = self.columns, None
        saved_blocks, self.blocks = self.blocks, []  # a text box's lines are placed later, without structure
        self._block(content, in_cell=True)
        lines, self.lines, self.columns, self.blocks = self.lines, saved, saved_columns, saved_blocks
        return [line for line in lines if line]

    def _run(self, r, para: _Para, style_id: str | None) -> None:
        rpr = r.find(_w("rPr"))
        run_style = _val(rpr, "rStyle")
        vanish = _flag(rpr, "vanish")
        if vanish is None:
            vanish = self.styles.lookup("vanish", run_style)
        if vanish:
            return
        font = _font_of(rpr) or self.styles.lookup("font", run_style, style_id) or self.styles.default_font
        caps = _flag(rpr, "caps")
        if caps is None:
            caps = self.styles.lookup("caps", run_style, style_id)
        parts: list[str] = []
        for child in r.iterchildren():
            tag = child.tag
            if tag == _w("t"):
                parts.append(child.text or "")
            elif tag == _w("tab") or tag == _w("ptab"):
                parts.append("\t")
            elif tag in (_w("br"), _w("cr")):
                parts.append("\n")
            elif tag == _w("softHyphen"):
                parts.append("\u00ad")  # TCVN3's ư: Word keeps byte 0xAD as an optional hyphen
            elif tag == _w("noBreakHyphen"):
                parts.append("-")
            elif tag == _w("sym"):
                code = child.get(_w("char")) or ""
                if re.fullmatch(r"[0-9A-Fa-f]{2,4}", code):
                    parts.append(symbol_text(chr(0xF000 | (int(code, 16) & 0xFF)), child.get(_w("font"))))
            elif tag in (_w("drawing"), _w("pict"), _w("object"), f"{{{MC}}}AlternateContent"):
                holder = _Para()  # text boxes only: a drawing's own runs are not paragraph text
                if tag == f"{{{MC}}}AlternateContent":
                    self._alternate(child, holder, style_id)
                else:
                    self._inline(child, holder, style_id)
                para.floating.extend(holder.floating)
        text = "".join(parts)
        if font and encoding_for_font(font) is None:
            text = symbol_text(text, font)
        if text:
            para.segments.append(_Segment(text, encoding_for_font(font), bool(caps) or is_capital_font(font)))

    # -- legacy fonts --

    def _convert(self, segments: list[_Segment]) -> str:
        """Unicode text of a paragraph: each legacy font group read in the encoding its letters
        fit best (the font's own on a tie), adjacent runs converted together so a VNI letter
        split across two runs stays whole."""
        final: list[str | None] = [None] * len(segments)
        # Runs in Unicode fonts are checked too: legacy text whose font was changed afterwards
        # keeps its 8-bit letters, and real Unicode never reads better as TCVN3 or VNI.
        for claimed in (None, "tcvn3", "vni"):
            group = [i for i, s in enumerate(segments) if s.encoding == claimed]
            if group:
                chosen = choose_encoding("".join(segments[i].text for i in group), prefer=claimed)
                for i in group:
                    final[i] = chosen
        out: list[str] = []
        i = 0
        while i < len(segments):
            j = i
            while j + 1 < len(segments) and final[j + 1] == final[i] and segments[j + 1].capitals == segments[i].capitals:
                j += 1
            text = "".join(s.text for s in segments[i:j + 1])
            if final[i]:
                text = convert_mixed(text, final[i])
                self.encodings.add(final[i])
            if segments[i].capitals:
                text = text.upper()
            out.append(text)
            i = j + 1
        return "".join(out).replace("\u00ad", "")

    # -- numbering --

    def _number(self, ppr, style_id: str | None, segments: list[_Segment]) -> str | None:
        numpr = ppr.find(_w("numPr")) if ppr is not None else None
        num_id = _val(numpr, "numId") or self.styles.lookup("num_id", style_id)
        if not num_id or num_id == "0":
            return None
        ilvl = _level_index(_val(numpr, "ilvl"))
        if ilvl is None:
            ilvl = self.styles.lookup("ilvl", style_id)
            if ilvl is None:
                ilvl = self.numbering.level_for_style(num_id, style_id)
        label, separator, font = self.numbering.next_label(num_id, ilvl)
        if not label:
            return None
        enc = encoding_for_font(font) or (segments[0].encoding if segments and not font else None)
        if enc and label != "-" and choose_encoding(label, prefer=enc):
            label = convert(label, enc, capitals=is_capital_font(font))
        return label + separator

    # -- lines and tab-laid columns --

    def _emit(self, line: str, in_cell: bool, label: str | None) -> None:
        if in_cell:
            text = _TAB_RUN.sub(" ", line).strip()
            if label:
                text = label + text
            if text:
                self.lines.append(text)
            return
        stripped = line.strip(" \t\u00a0")
        if not stripped and not label:
            return
        columns = self._split_columns(line) if self.split and not label else None
        if self.split and columns is None and self.recipients and (stripped[:1] in "-+•" or stripped[:1].islower()):
            columns = [stripped]  # "- Như trên;" under "Nơi nhận:": the left column goes on
        if columns:
            if self.columns is None:
                self.columns = [[] for _ in columns]
            while len(self.columns) < len(columns):
                self.columns.append([])
            for k, cell in enumerate(columns):
                if cell:
                    self.columns[k].append(cell)
        else:
            self._close_columns()
            text = _TAB_RUN.sub(" ", stripped)
            self.lines.append((label or "") + text)
        self.body_paragraphs += 1
        if len(stripped) > _LONG or self.body_paragraphs > _HEADER_ZONE:
            self.header_over = True

    def _split_columns(self, line: str) -> list[str] | None:
        """The columns of a line laid out with tabs or runs of spaces (header, signature block),
        or None for a line of body text."""
        body = line.strip(" \t\u00a0")
        leading = line[: len(line) - len(line.lstrip(" \t\u00a0"))]
        parts = _cut_columns(body)
        if len(parts) == 1:
            if self.columns is not None and "\t" in leading:
                return ["", parts[0]]  # only the right column has text on this line
            return None
        first = parts[0]
        signature = first.startswith(("Nơi nhận", "NƠI NHẬN"))
        if signature:
            self.recipients = True
        if _MARKER_ONLY.match(first) or (first.endswith(":") and not signature):
            return None  # "1.<tab>text", "PHẦN I:<tab>title", "Kính gửi:<tab>..."
        if any(_MOTTO.match(p) for p in parts[1:]):
            national = any(_NATION.match(p) for p in parts[1:])
            if self.recipients or national and self.columns is not None \
                    and any(_NATION.match(c) for col in self.columns[1:] for c in col):
                self._close_columns()  # the previous block is over: a new document's header starts
            self.body_paragraphs, self.header_over = 0, False
            return parts
        if not self.header_over or self.columns is not None or signature:
            return parts
        right = parts[-1]
        if right.isupper() and len(right) > 3 and ("\t\t" in line or re.search(r"\s{4}", body)):
            return parts  # "- Lưu VT.<tabs>PHÓ CHỦ TỊCH"
        return None

    def _close_columns(self) -> None:
        if self.columns is None:
            return
        self._blank()
        kind = "signature" if self.recipients else "header_cell"
        for column in self.columns:
            if column:
                block = self._open(kind)
                self.lines.extend(column)
                self._close(block)
                self._blank()
        self.columns = None
        self.recipients = False


def _cut_columns(body: str) -> list[str]:
    parts, last = [], 0
    for match in _GAP.finditer(body):
        before, after = body[last:match.start()].rstrip(), body[match.end():]
        if not before or _BLANK_BEFORE.search(before) or _BLANK_AFTER.match(after):
            continue
        parts.append(before.strip())
        last = match.end()
    parts.append(body[last:].strip())
    return parts


def read_docx(path: Path, columns: bool = True) -> RawText:
    """columns=False keeps tab-laid lines whole (for measuring the text against transcripts
    that keep them so); the pipeline always splits them."""
    path = Path(path)
    try:
        check_package(path)
    except _NotZip:
        from pipeline.readers.doc import read_doc
        try:
            raw = read_doc(path)
        except InputError as exc:
            raise type(exc)(f"a Word 97-2003 document named .docx: {exc}") from exc
        raw.warnings.append("the .docx file is really a Word 97-2003 document")
        return raw
    import docx  # python-docx; imported here so the other readers work without it
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise InputError(f"cannot open the Word document: {type(exc).__name__}: {exc}") from exc
    extractor = _Extractor(document, columns)
    try:
        lines = extractor.run()
    except RecursionError as exc:
        raise LimitExceeded("the document's XML is nested too deeply to read") from exc
    while lines and lines[-1] == "":
        lines.pop()
    text = "\n".join(lines)
    if not text.strip():
        raise EmptyDocument("the Word document holds no text in its body")
    warnings = []
    encoding = "+".join(e for e in ("tcvn3", "vni") if e in extractor.encodings) or None
    if encoding:
        warnings.append(f"converted runs in legacy fonts ({encoding}) to Unicode")
    return RawText(format="docx", pages=[text], paged=False, encoding=encoding, warnings=warnings,
                   blocks=extractor.blocks)
