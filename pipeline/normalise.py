"""Normalise stage: reader output -> one NFC text with paragraphs on their own lines.

Markup (Markdown emphasis, table pipes, headings, footnote markers, HTML placeholders,
rule lines) is dropped; lines wrapped mid-sentence are joined; at most one blank line
separates blocks (the header parser uses them as cell boundaries). The text is fixed
here once: every span of every fact points into it. The blocks a reader knows (table cells,
header cells, the signature block) are carried through with their offsets in that text.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from pydantic import TypeAdapter

from pipeline.headerfields import SignatureStamp, SitePrefix, header_fields, is_candidate
from pipeline.textutil import CITED_ARTICLE, fold, is_upper_line, nfc, tone_key, upper_test
from schemas import Block, RawBlock, RawText

# Start of a list item or heading: never joined onto the previous line.
MARKER = re.compile(
    r"^(?:[IVXLC]+\s*[.\-–):]\s|[IVXLC]+\s*[.\-–)]$"
    r"|\d{1,2}(?:\.\d{1,2})*\s*[.)]\s?|\d{1,2}(?:\.\d{1,2})+\.?\s"
    r"|[a-zđ]\s*\)|[a-zđ]\.\s|\(\s*\d{1,2}\s*\)|\(\s*[a-zđ]\s*\)"
    r"|[-+•–—*·]\s?"
    r"|(?:Điều|Chương|Mục|Phần|ĐIỀU|CHƯƠNG|MỤC|PHẦN)\s+[\dIVXLC]+"
    r"|(?:Nơi nhận|Kính gửi|NƠI NHẬN|KÍNH GỬI)\b)"
)
_RULE = re.compile(r"^[\s\-_=─—–¯‾*.~•·]*$")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_FOOTNOTE = re.compile(r"(?<=\S)\[\d{1,3}\]|^\[\d{1,3}\]\s*")
_FOOTNOTE_LINE = re.compile(r"\s*\[\d{1,3}\]\s*\S")  # the text of a footnote, after the body
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_BOLD = re.compile(r"\*\*|__")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_BREAKS = re.compile(r"\r\n?|\r|<br\s*/?>", re.IGNORECASE)
_TABLE_RULE = re.compile(r":?-{3,}:?")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")
_TERMINAL = ".;:!?"
# What _clean removes or respaces, other than ASCII spaces: a page without any spares each line the passes.
_ODD_CHARS = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad\t\u00a0\u2000-\u200a\u202f\u3000]")
_INVISIBLE_CHARS = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_ODD_SPACES = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u3000]")
_STAR_BULLET = re.compile(r"^(\s*)\*\s+")
# The characters _clean's markup passes look for (tags, links and footnotes, escapes, emphasis, headings, cells).
_MARKUP_CHARS = re.compile(r"[<\[\\*_#|]")
# `(Kèm theo Quyết định số ...)`, `(Ban hành kèm theo ...)`: the note under an attached text's title, never part
# of the subject line above it
_ENCLOSURE_NOTE = re.compile(r"\((?:Ban\s+hành\s+)?[Kk]èm\s+theo\b")
# Header fields stay on lines of their own: the number line and the place-and-date line.
_HEADER_FIELD = re.compile(r"^(?:Số\s*[:.]|[^,\d]{2,40},\s*ngày\b)")
# The national motto (or the Party's name) and the slogan under it, each one line however a
# narrow header cell wrapped it.
_MOTTO_LINE = re.compile(r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|ĐẢNG CỘNG SẢN VIỆT NAM"
                         r"|Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc", re.IGNORECASE)
# The first two letters of each, without marks: no other line can be one (tone_key neither adds nor drops letters,
# and the case-insensitive equivalents of C, Đ, Ộ, Ả are their other case only).
_MOTTO_STARTS = ("co", "da", "do")


# One output line of the first pass, a plain tuple (tens of thousands per file): its text, page, whether it
# opens or closes a bold/italic run, its kind as the markup says (heading or footnote), and whether it is a header
# field split off the line before (never joined back onto it).
_Line = tuple  # (text, page, toggles, kind, own)


def _clean(line: str, odd_chars: bool = True, invisible: bool | None = None) -> tuple[list[str], bool]:
    """Return the cell texts of one raw line (table rows give several) and whether it toggles emphasis.
    `odd_chars` False: the page has no invisible characters and no spaces but ASCII ones (_ODD_CHARS);
    `invisible` False: it has no invisible characters (None: as odd_chars says)."""
    if (odd_chars if invisible is None else invisible) and _INVISIBLE_CHARS.search(line):
        line = line.translate(_INVISIBLE)
    if not _MARKUP_CHARS.search(line):  # most lines: no markup, one cell (the passes below, without their tests)
        cell = _SPACES.sub(" ", line) if "  " in line or (odd_chars and _ODD_SPACES.search(line)) else line
        cell = cell.strip()
        if "-" in cell and _TABLE_RULE.fullmatch(cell):
            cell = ""
        return ["" if not cell or (not cell[:1].isalnum() and _RULE.fullmatch(cell)) else cell], False
    # Each pattern needs its character: most lines have none of them, and skip the substitutions.
    if "<" in line:
        line = _HTML_TAG.sub(" ", line)
    if "[" in line:
        line = _LINK.sub(r"\1", line)
    if "\\" in line:
        line = _ESCAPE.sub(r"\1", line)
    if "*" in line and line.strip() == "*":  # a lone star under a Party header is decoration
        return [""], False
    bold = italic = 0
    if "*" in line or "__" in line:
        bold = len(_BOLD.findall(line))
        line = _BOLD.sub("", line)
    if "*" in line:
        italic = len(_ITALIC.findall(line))
        # Stars are decoration in these documents: a leading "* " is a bullet, any other star goes.
        line = _STAR_BULLET.sub(r"\1- ", line).replace("*", "")
    if "#" in line:
        line = _HEADING.sub("", line)
    if "[" in line:
        line = _FOOTNOTE.sub("", line)
    cells = line.split("|") if "|" in line else [line]
    # (the substitutions above only ever leave ASCII spaces: a line without others has no cell to look at for them)
    odd_spaces = odd_chars and _ODD_SPACES.search(line) is not None
    out = []
    for cell in cells:
        if odd_spaces or "  " in cell:
            cell = _SPACES.sub(" ", cell)
        cell = cell.strip()
        if "-" in cell and _TABLE_RULE.fullmatch(cell):  # Markdown table separator row
            cell = ""
        # (a letter or digit first: no rule line)
        out.append("" if not cell or (not cell[:1].isalnum() and _RULE.fullmatch(cell)) else cell)
    if len(out) > 1:  # cells become blocks of their own: each followed by a blank
        cells, out = out, [""] * (2 * len(out))
        out[::2] = cells
    return out, (bold % 2 == 1 or italic % 2 == 1)


def _titlecase_start(text: str) -> bool:
    word = text.split(" ", 1)[0]
    return word[:1].isupper() and any(c.islower() for c in word)


def _is_heading(text: str) -> bool:
    return bool(MARKER.match(text)) and len(text) < 80


_WRAPPED_HYPHEN = re.compile(r"[-–]\s+[a-zđà-ỹ]")
_DASH_YEAR = re.compile(r"[-–]\s*(?:19|20)\d\d\b")
_FROM_YEAR = re.compile(r"(?:giai đoạn|thời kỳ|từ năm|từ)\s+(?:19|20)\d\d$")
_DASH_PERCENT = re.compile(r"[-–]\s*\d+(?:,\d+)?\s*%")
_ENDS_FIGURE = re.compile(r"(?<![\d.,/])\d+(?:,\d+)?$")
_CODE_WRAPPED = re.compile(r"\w-$")
_CODE_REST = re.compile(r"[A-ZĐ][\wĐđ&]*/")
_RANGE_WRAPPED = re.compile(r"\d[-–]$")
_NUMBER_LINE = re.compile(r"Số\s*[:.]")
_NUMBER_LABEL = re.compile(r"Số\s*[:.]?")


# The characters MARKER can match at, besides a decimal digit (\\d): most lines start with none of them.
_MARKER_FIRST = frozenset("IVXLC" "abcdefghijklmnopqrstuvwxyzđ" "(" "-+•–—*·" "ĐCMP" "NK")


@lru_cache(maxsize=None)
def _motto_start(two: str) -> bool:
    """Whether a line's first two characters are those of a motto (_MOTTO_STARTS): lines start alike."""
    return fold(two) in _MOTTO_STARTS


def _joins(cur: str, nxt: str, block_style: bool, emphasis_open: bool, hard_wrapped: bool = True,
           names: dict | None = None) -> str | None:
    """The separator to join `nxt` onto `cur` with, or None to keep them as separate paragraphs. `names`: the
    names read at line starts so far in this text (_name_at_start)."""
    # (each pattern is tried only where the first character it needs is there: most lines have none)
    first = nxt[:1]
    dash = first in "-–"
    if dash and _WRAPPED_HYPHEN.match(nxt) and cur[-1] not in _TERMINAL:
        return " "  # "kinh tế" / "- xã hội": a hyphenated word wrapped, not a bullet
    if dash and (_DASH_YEAR.match(nxt) and _FROM_YEAR.search(cur)
                 or _DASH_PERCENT.match(nxt) and _ENDS_FIGURE.search(cur)):
        return " "  # "giai đoạn 2026" / "- 2030", "bình quân 05" / "- 06%/năm": a range wrapped before its dash
    if first == "Đ" and CITED_ARTICLE.match(nxt) and cur[-1] not in _TERMINAL:
        return " "  # `... khoản 4 và khoản 6` / `Điều 22 Luật BHYT:`: a sentence wrapped before a cited article
    if (first in _MARKER_FIRST or first.isdecimal()) and MARKER.match(nxt) \
            or (first == "(" and _ENCLOSURE_NOTE.match(nxt)):
        return None
    last = cur[-1]
    if (last in ".)" or last.isdecimal()) and _BARE_NUMBER.fullmatch(cur):  # (it ends in one of them)
        return " "  # `1.4.` alone on its line, its text on the next
    if cur[:1] in "cCđĐ" and _motto_start(cur[:2]):
        both = f"{cur} {nxt}"
        # (a motto is at most 8 words; tone_key moves marks, never a space: a longer text is looked at no further)
        if len(both.split(None, 8)) <= 8 and _MOTTO_LINE.fullmatch(tone_key(both)):
            return " "  # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA" / "VIỆT NAM"
    if last == "-" and _CODE_WRAPPED.search(cur) and _CODE_REST.match(nxt):  # 28- / CT/TW
        return ""
    if last in "-–" and _RANGE_WRAPPED.search(cur) and nxt[:1].isdigit():  # Năm 2025- / 2030: a range wrapped at its dash
        return ""
    if emphasis_open:  # inside one bold or italic run: one paragraph
        return " "
    if (first == "S" or nxt.find(",", 0, 41) >= 2) and _HEADER_FIELD.match(nxt):  # (`Số`, or a comma at 2 to 40)
        return None
    if cur[:1] == "S" and _NUMBER_LINE.match(cur):  # "Số:" / "7360/KH-UBND": the number was wrapped
        return " " if _NUMBER_LABEL.fullmatch(cur) and nxt[:1].isdigit() else None
    if (first.islower() or first.isdigit() or first in "(,;") and last not in ".!?":  # (nxt goes on the sentence)
        return " "
    if last in _TERMINAL:
        return None
    if is_upper_line(cur) and is_upper_line(nxt):
        return None  # header and title lines: the segmenter decides
    if not hard_wrapped:
        return None  # Word paragraphs are never wrapped by hand: a capital starts a new one
    if block_style and _one_body_a_line(cur, nxt, {} if names is None else names):
        return None
    if (block_style and not is_upper_line(cur)) or (_titlecase_start(nxt) and (last.islower() or last == ",")
                       and not _is_heading(cur) and len(cur) >= 50):
        return " "
    return None


_NAME_GOES_ON = re.compile(r"(?:,|;|\bvà|\bcủa|\bthuộc|\bvới|\bcác|\btỉnh|\bthành phố|\bcấp)$", re.IGNORECASE)


def _one_body_a_line(cur: str, nxt: str, names: dict) -> bool:
    """A cell listing bodies one a line (`Các sở, ngành, UBND xã, phường, đặc khu` / `Sở Tài chính`): the line
    is a whole name and the next starts another, so the break ends the first (a name wrapped at a line end
    leaves a connector or a scope word at it)."""
    if len(cur) > 90 or not nxt[:1].isupper() or _NAME_GOES_ON.search(cur):
        return False
    # (the next line first: it fails more often than the line does, and costs one name read)
    second = _name_at_start(nxt, names)
    return second is not None and second[0] == 0 and _names_only(cur, names)


def _name_at_start(text: str, names: dict) -> tuple[int, int] | None:
    """(start, end) of the body named at the start of text (orgnames.read_org), or None. `names` keeps the
    answers for one text (normalise's own, so calls on other threads keep theirs): a line read as the next line
    is read again as the line before the one after it."""
    found = names.get(text, names)
    if found is not names:
        return found
    from extractors.orgnames import read_org
    name = read_org(text, 0)
    found = names[text] = None if name is None else (name.start, name.end)
    return found


_NAME_SEPARATORS = re.compile(r"[,;]|\s+và\s+")
_GOES_ON = re.compile(r"[a-zđà-ỹ]+(?: [a-zđà-ỹ]+)?")


def _names_only(line: str, names: dict) -> bool:
    """The line is names and nothing else: each piece between commas a body (`Sở Tài chính`, `UBND xã`) or
    the words a group goes on with (`Các sở, ngành, UBND xã, phường, đặc khu`)."""
    pieces = [p.strip() for p in _NAME_SEPARATORS.split(line.rstrip(" .;,"))]
    if not pieces or not pieces[0]:
        return False
    for i, piece in enumerate(pieces):
        if i and _GOES_ON.fullmatch(piece):
            continue  # `ngành`, `đặc khu`: the group before goes on
        name = _name_at_start(piece, names)
        if name is None or name[1] < len(piece):
            return False
    return True


_ITEM_NUMBER = re.compile(r"(\d{1,2}(?:\.\d{1,2})*)\.\s")
_CHILD_NUMBER = re.compile(r"\d{1,2}\.(?:\s|$)")
_BARE_NUMBER = re.compile(r"(?:\d{1,2}\.)+\d{0,2}\.?|[a-zđ]\)|[IVXLC]+\.")


def _glued_items(cell: str) -> list[str]:
    """`2. Nâng cao năng lực ... quan hệ lao động 2.1.` / `3. Giải quyết ... đình công 3.1. Rà soát ...`: a crawled
    page runs the first child item onto its parent's heading; a child's number repeats its parent's, so it starts
    an item of its own."""
    m = _ITEM_NUMBER.match(cell) if cell[:1].isdigit() else None
    if not m:
        return [cell]
    number = m.group(1) + "."  # the child's number after a space: its own, a dot, one or two digits and a dot
    at = cell.find(number, m.end() + 1)
    while at != -1:
        if cell[at - 1].isspace() and _CHILD_NUMBER.match(cell, at + len(number)):
            return [cell[:at - 1].rstrip(), cell[at:]]
        at = cell.find(number, at + 1)
    return [cell]


class _Fields:
    """Header fields of one file's lines (pipeline.headerfields): the site's designation found on the first line
    is dropped there and before later lines; the issuer line is remembered for the subject's enacting authority."""

    def __init__(self) -> None:
        self.site: SitePrefix | None = None
        self.issuer: str | None = None
        self.stamp = SignatureStamp()

    def take(self, cell: str, upper=is_upper_line) -> list[str]:
        """The header fields of one cell; `upper`: is_upper_line, or what answers it on this cell's page."""
        if not cell:
            return [cell]
        # (outside a stamp, only a line starting with K or N can open one: SignatureStamp.drops)
        if (self.stamp.inside or cell[:1] in "KN") and self.stamp.drops(cell):
            return []
        if self.site is None:
            self.site = SitePrefix(cell)
            cell = self.site.first(cell)
        elif self.site.prefix:
            cell = self.site.strip(cell)
        if not cell:
            return []
        if not is_candidate(cell, upper):
            return _glued_items(cell) if cell[:1].isdigit() else [cell]  # (an item number starts with a digit)
        pieces = header_fields(cell, self.issuer)
        if self.issuer is None:
            from extractors.orgnames import org_line_start
            self.issuer = next((p for p in pieces if is_upper_line(p) and not _MOTTO_LINE.search(p)
                                and org_line_start(p) is not None), None)
        return pieces

    def quiet(self) -> bool:
        """Whether take(cell) is [cell] for every cell that starts with none of K, N and a digit and is no
        candidate: the site has no designation to strip and no stamp is open (so neither changes)."""
        return self.site is not None and not self.site.prefix and not self.stamp.inside


class Normalised(NamedTuple):
    """The normalised text, the offset where each page starts, and the layout blocks located in it."""

    text: str
    page_starts: list[int]
    blocks: list[Block]


@dataclass
class _Open:
    """A reader block being carried through: where its text starts and ends in the output."""

    raw: RawBlock
    start: int | None = None
    end: int | None = None


def _line_events(raw: RawText) -> dict[int, dict[int, tuple[list[int], list[int]]]]:
    """page -> raw line -> (blocks opening there, blocks closed before it); a block without lines
    (an empty cell) closes where it opens."""
    events: dict[int, dict[int, tuple[list[int], list[int]]]] = {}
    lines_of_page: dict[int, int] = {}  # counted once per page, not once per block
    pages = raw.pages
    for i, b in enumerate(raw.blocks):
        p = b.page
        if not 0 <= p < len(pages):
            continue
        n = lines_of_page.get(p)
        if n is None:
            n = lines_of_page[p] = pages[p].count("\n") + 1
            events[p] = {}
        page = events[p]
        start, end = min(max(b.line_start, 0), n), min(max(b.line_end, b.line_start), n)
        # (the lists made only where a line has none yet: thousands of cells a file)
        at = page.get(start)
        if at is None:
            at = page[start] = ([], [])
        at[0].append(i)
        at = page.get(end)
        if at is None:
            at = page[end] = ([], [])
        at[1].append(i)
    return events


def normalise(raw: RawText) -> Normalised:
    """Normalise the reader's pages into one text; reader blocks keep their place in it (a block
    boundary is a paragraph boundary: nothing is joined across it) and the paragraphs outside them
    become paragraph, heading or footnote blocks."""
    names: dict = {}  # _name_at_start's answers for this text
    lines: list[_Line] = []
    fields = _Fields()
    quiet = False  # fields.quiet(), kept up to date: most lines need no call of take
    events = _line_events(raw)
    opens: dict[int, list[int]] = {}  # index in `lines` -> raw blocks starting there
    closes: dict[int, list[int]] = {}  # index in `lines` -> raw blocks ending before it
    for page_no, page in enumerate(raw.pages, start=1):
        page = nfc(page)
        odd_chars = _ODD_CHARS.search(page) is not None
        invisible = odd_chars and _INVISIBLE_CHARS.search(page) is not None
        upper = upper_test(page)  # (what is left of a line has no character the page has not, but spaces and `-`)
        raw_lines = page.split("\n")
        page_events = events.get(page_no - 1, {})
        blank = ("", page_no, False, None, False)
        for idx, raw_line in enumerate(raw_lines):
            if page_events:
                ev = page_events.get(idx)
                if ev:
                    closes.setdefault(len(lines), []).extend(ev[1])
                    opens.setdefault(len(lines), []).extend(ev[0])
            if not raw_line or (raw_line.isspace() and "\r" not in raw_line):
                lines.append(blank)  # what _clean and take make of a blank line, without them
                continue
            # CR line ends and line breaks inside table cells
            parts = _BREAKS.split(raw_line) if "\r" in raw_line or "<" in raw_line else (raw_line,)
            for part in parts:
                kind = ("heading" if "#" in part[:4] and _HEADING.match(part)
                        else "footnote" if "[" in part and _FOOTNOTE_LINE.match(part) else None)
                cells, toggles = _clean(part, odd_chars, invisible)
                last = len(cells) - 1
                for i, cell in enumerate(cells):
                    if not cell:
                        lines.append(("", page_no, toggles and i == last, kind, False))
                        continue
                    if quiet and cell[0] not in "KN" and not cell[0].isdigit() and not is_candidate(cell, upper):
                        lines.append((cell, page_no, toggles and i == last, kind, False))  # what take makes of it
                        continue
                    for j, field in enumerate(fields.take(cell, upper)):  # header fields run together, site chrome
                        lines.append((field, page_no, toggles and i == last, kind, j > 0))
                    quiet = fields.quiet()
        ev = page_events.get(len(raw_lines))
        if ev:
            closes.setdefault(len(lines), []).extend(ev[1])
            opens.setdefault(len(lines), []).extend(ev[0])
    nonblank = sum(map(bool, map(itemgetter(0), lines)))  # lines with text (counted without a Python loop)
    block_style = nonblank > 0 and (len(lines) - nonblank) / nonblank > 0.25
    hard_wrapped = raw.format not in ("docx", "doc")

    out: list[str] = []  # paragraphs and "" for one blank line
    paragraphs: list[list] = []  # [start, end, kind or None, inside a reader block]
    carried = [_Open(b) for b in raw.blocks]
    pending: list[_Open] = []  # opened, no text yet
    depth = 0  # reader blocks open
    page_starts = [0] * len(raw.pages)
    seen_pages: set[int] = set()
    offset = 0  # length of "\n".join(out) so far (+1 for the next separator)
    content_end = 0  # end of the last text placed
    emphasis = False  # inside a bold/italic run that spans lines: one paragraph
    hard = False  # the next text starts a paragraph whatever it looks like (a block boundary)

    def boundary(k: int) -> None:
        """Open and close the reader blocks at line k."""
        nonlocal depth
        opening, closing = opens.get(k, ()), closes.get(k, ())
        if opening and closing and any(map(closing.__contains__, opening)):  # an empty block (most have none)
            ending_tables = {carried[j].raw.table for j in closing
                             if j not in opening and carried[j].raw.kind == "table"}
            for i in opening:
                c = carried[i]
                if i in closing and c.raw.kind != "table" and c.raw.table in ending_tables:
                    c.start = c.end = content_end  # an empty last cell: at its table's end
        for i in closing:
            if i in opening:
                continue  # an empty block: below
            for c in pending:  # what is still without text (empty cells, this block if empty) ends here
                c.start = c.end = content_end
            pending.clear()
            carried[i].end = max(content_end, carried[i].start)
            depth -= 1
        for i in opening:
            c = carried[i]
            if c.start is not None:
                continue
            pending.append(c)
            if i in closing:
                c.end = -1  # empty: takes the place of the text after it
            else:
                depth += 1

    at_boundary = opens.keys() | closes.keys()
    for k, (text, page, toggles, kind, own) in enumerate(lines):
        if k in at_boundary:
            boundary(k)
            hard, emphasis = True, False
        if not text:
            if out and out[-1] != "":
                out.append("")
                offset += 1
            emphasis = False  # Markdown emphasis never spans a blank line
            continue
        sep = None if hard or own else \
            _joins(out[-1], text, block_style, emphasis, hard_wrapped, names) if out and out[-1] else None
        hard = False
        if sep is not None:
            start = offset + len(sep)
            out[-1] += sep + text
            offset += len(sep) + len(text)
            paragraphs[-1][1] = offset
        else:
            if out:
                offset += 1
            start = offset
            out.append(text)
            offset += len(text)
            paragraphs.append([start, offset, kind, depth > 0])
        content_end = offset
        if pending:
            for c in pending:
                c.start = start
                if c.end == -1:
                    c.end = start
            pending.clear()
        if page not in seen_pages:
            seen_pages.add(page)
            page_starts[page - 1] = start
        emphasis ^= toggles
    if len(lines) in at_boundary:
        boundary(len(lines))
    for c in pending:
        c.start = c.end = content_end
    while out and out[-1] == "":
        out.pop()
    text = "\n".join(out)
    # A page with no text starts where the next one does.
    for i in range(len(page_starts) - 1, -1, -1):
        if (i + 1) not in seen_pages:
            page_starts[i] = page_starts[i + 1] if i + 1 < len(page_starts) else len(text)
    return Normalised(text, page_starts, _blocks(carried, paragraphs, page_starts if raw.paged else None))


_KIND_ORDER = {"table": 0}
# A file's blocks made in one call (the thousands of paragraphs each through Block's own __init__ cost more);
# each keeps the fields it is given as set, as Block(...) does.
_BLOCK_LIST = TypeAdapter(list[Block])


def _blocks(carried: list[_Open], paragraphs: list[list], page_starts: list[int] | None) -> list[Block]:
    def page(offset: int) -> int | None:
        return max(1, bisect.bisect_right(page_starts, offset)) if page_starts else None

    fields = [{"kind": c.raw.kind, "start": c.start, "end": max(c.start, c.end), "page": page(c.start),
               "table": c.raw.table, "row": c.raw.row, "col": c.raw.col, "row_span": c.raw.row_span,
               "col_span": c.raw.col_span}
              for c in carried if c.start is not None and c.end is not None and c.end >= 0]
    if page_starts:
        fields += [{"kind": kind or "paragraph", "start": a, "end": b, "page": page(a)}
                   for a, b, kind, inside in paragraphs if not inside]
    else:
        fields += [{"kind": kind or "paragraph", "start": a, "end": b, "page": None}
                   for a, b, kind, inside in paragraphs if not inside]
    blocks = _BLOCK_LIST.validate_python(fields)
    blocks.sort(key=lambda b: (b.start, _KIND_ORDER.get(b.kind, 1)))  # stable: cells stay in reading order
    return blocks
