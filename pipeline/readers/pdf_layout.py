"""Reading order of PDF pages built from positioned glyphs (pdfium characters or OCR words).

Why our own line building: pdfium's text joins separate visual lines of Word tables into one
line, and no extractor keeps the two columns of a Vietnamese document header (issuer and number
on the left, national motto and date on the right) or of the `Nơi nhận` / signature block apart.

Coordinates are display points with y growing downwards. A glyph's box is its font box (ascent to
descent), so glyphs of one line share `bottom` whatever their shape.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field


class Glyph:
    """One character of the text layer, or one OCR / form-field word (`word=True`).

    pdf._glyphs makes the text layer's glyphs without __init__ (object.__new__, then every slot set):
    a slot added here must be set there too."""

    __slots__ = ("text", "x0", "x1", "top", "bottom", "size", "word", "ink", "fill")

    def __init__(self, text: str, x0: float, x1: float, top: float, bottom: float, word: bool = False,
                 fill: bool = False):
        self.text, self.x0, self.x1, self.top, self.bottom, self.word = text, x0, x1, top, bottom, word
        self.fill = fill  # a value written into a blank of the line (`Số: [35]/QĐ-UBND`)
        if word:
            self.ink = True
        else:
            ink = INK.get(text)
            if ink is None:
                ink = ink_text(text)
                if len(text) == 1:
                    INK[text] = ink
            self.ink = ink
        height = bottom - top
        self.size = 1.0 if height < 1.0 else height  # max(height, 1.0), a call less per glyph

    def __repr__(self) -> str:  # debugging aid
        return f"Glyph({self.text!r}, {self.x0:.1f}-{self.x1:.1f}, {self.top:.1f}-{self.bottom:.1f})"


def ink_text(text: str) -> bool:
    """Spaces and combining marks carry no usable position (pdfium places generated spaces anywhere,
    and a mark's box may sit left of its base letter): they follow their neighbour, and the PDF reader
    gives them no box (0, 0, 0, 0) at all."""
    return not (text.isspace() or unicodedata.combining(text[:1]) > 0)


INK: dict[str, bool] = {}  # ink_text of each character seen: a page has a few dozen distinct ones

Run = list  # list[Glyph] in content order, all on one baseline


def _ink(run: Run) -> list[Glyph]:
    return [g for g in run if g.ink]


@dataclass
class Row:
    """Runs whose baselines coincide: one visual line of the page."""

    runs: list[Run] = field(default_factory=list)
    filled: bool = False  # a form-field value was inserted into it
    _memo: dict = field(default_factory=dict, repr=False)

    def changed(self) -> None:
        """Forget computed values after runs were added or edited."""
        self._memo.clear()

    def memo(self, key, compute):
        """A value computed from the row's runs, kept until changed()."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


    # The properties below are read tens of thousands of times a document: each looks in the memo
    # first, without building a closure for memo() per read.
    def glyphs(self) -> list[Glyph]:
        found = self._memo.get("glyphs")
        if found is None:
            found = self._memo["glyphs"] = [g for run in self.runs for g in run if g.ink]
        return found

    @property
    def bottom(self) -> float:
        found = self._memo.get("bottom")
        if found is None:
            found = self._memo["bottom"] = _run_bottom(max(self.runs, key=lambda r: len(_ink(r))))
        return found

    @property
    def top(self) -> float:
        found = self._memo.get("top")
        if found is None:
            found = self._memo["top"] = min([g.top for g in self.glyphs()])
        return found

    @property
    def x0(self) -> float:
        found = self._memo.get("x0")
        if found is None:
            found = self._memo["x0"] = min([g.x0 for g in self.glyphs()])
        return found

    @property
    def x1(self) -> float:
        found = self._memo.get("x1")
        if found is None:
            found = self._memo["x1"] = max([g.x1 for g in self.glyphs()])
        return found

    @property
    def size(self) -> float:
        found = self._memo.get("size")
        if found is None:
            found = self._memo["size"] = _median([g.size for g in self.glyphs()])
        return found

    @property
    def text(self) -> str:
        found = self._memo.get("text")
        if found is None:
            found = self._memo["text"] = render(self.runs)
        return found


def _median(values: list[float]) -> float:
    values = sorted(values)
    return values[len(values) // 2]


def _run_bottom(run: Run) -> float:
    return _median([g.bottom for g in run if g.ink])


def _run_size(run: Run) -> float:
    return max([g.size for g in run if g.ink])


def _run_x0(run: Run) -> float:
    return min([g.x0 for g in run if g.ink])


# ---------------------------------------------------------------- lines

def runs_from_stream(glyphs: list[Glyph]) -> list[Run]:
    """Cut glyphs in content order into runs at every change of baseline or jump back to the left."""
    runs: list[Run] = []
    cur: Run | None = None  # from the first ink glyph on; a run starts with one, so none is without ink
    last_size = last_bottom = last_x0 = back = 0.0  # the last ink glyph's, read once
    for g in glyphs:
        if not g.ink:
            # pdfium's own line breaks (no ink) are left out: geometry decides instead
            if cur is not None and g.text not in "\r\n":
                cur.append(g)
            continue
        g_size, g_bottom, g_x0 = g.size, g.bottom, g.x0
        if cur is None:
            cur = [g]
        else:
            # a change of baseline, or a jump back left further than 0.6 of a glyph (2 pt at least)
            size = g_size if g_size < last_size else last_size
            if abs(g_bottom - last_bottom) > 0.5 * size or g_x0 < last_x0 - back:
                runs.append(cur)
                cur = [g]
            else:
                cur.append(g)
        last_size, last_bottom, last_x0 = g_size, g_bottom, g_x0
        reach = 0.6 * g_size
        back = 2.0 if 2.0 > reach else reach
    if cur is not None:
        runs.append(cur)
    return runs


def rows_from_runs(runs: list[Run]) -> list[Row]:
    """Group runs into rows by baseline (a superscript joins its line), top to bottom."""
    # Each run's baseline, height, ink count and left edge are computed once; a row's baseline (that of
    # its run with the most ink, the first of equals) and height (median of its glyphs) are kept as runs
    # join it: the values Row.bottom and Row.size give, without recomputing them per joining run.
    inks = [[g for g in run if g.ink] for run in runs]
    bottoms = [_median([g.bottom for g in ink]) for ink in inks]  # _run_bottom of each run
    # [run indices, ink count of the baseline's run, baseline, glyph heights, their median or None]
    groups: list[list] = []
    for k in sorted(range(len(runs)), key=bottoms.__getitem__):
        ink, bottom = inks[k], bottoms[k]
        heights = [g.size for g in ink]
        if groups:
            group = groups[-1]
            sizes = group[3]
            median = group[4]
            if median is None:
                median = group[4] = _median(sizes)
            if abs(bottom - group[2]) <= 0.45 * max(max(heights), median):
                group[0].append(k)
                if len(ink) > group[1]:
                    group[1], group[2] = len(ink), bottom
                sizes.extend(heights)
                group[4] = None  # (computed again when a run is compared with the row)
                continue
        groups.append([[k], len(ink), bottom, heights, _median(heights)])
    rows: list[Row] = []
    for group in groups:
        members = group[0]
        if len(members) > 1:
            members.sort(key=lambda k: min([g.x0 for g in inks[k]]))  # _run_x0
            row = Row(_splice_into_gaps([runs[k] for k in members]))
        else:  # the row is its run as it stands: its baseline, height and ink glyphs are known
            k = members[0]
            row = Row([runs[k]])
            row._memo["bottom"], row._memo["size"], row._memo["glyphs"] = group[2], group[4], inks[k]
        rows.append(row)
    return rows


def _splice_into_gaps(runs: list[Run]) -> list[Run]:
    """A run that stands in a blank of another run of the line goes there: a number and a day a signing
    tool stamps into `Số:      /KH-UBND` and `ngày      tháng` are drawn after the page, in another font,
    a little off the baseline; in x order of runs they would follow the whole line. Such a run may hold
    both stamps (drawn one after the other): it is cut where it leaps forward over a blank."""
    hosts = [list(run) for run in runs]  # x order
    for k, run in enumerate(runs):
        kept: Run = []
        for piece in _pieces(run):
            ink = _ink(piece)
            x0, x1 = ink[0].x0, max(g.x1 for g in ink)
            for j, host in enumerate(hosts):
                at = _gap_at(host, x0, x1) if j != k and host else None
                if at is not None:
                    host[at:at] = piece
                    break
            else:
                kept.extend(piece)
        # what stays of the run: its own glyphs not spliced away, and what was spliced into it
        spliced = {id(g) for g in run} - {id(g) for g in kept}
        hosts[k] = [g for g in hosts[k] if id(g) not in spliced]
    return [h for h in hosts if _ink(h)]


def _pieces(run: Run) -> list[Run]:
    """The run cut before each glyph that stands more than two of its heights right of the one before."""
    pieces: list[Run] = [[]]
    prev = None
    for g in run:
        if g.ink:
            if prev is not None and g.x0 - prev.x1 > 2 * max(prev.size, g.size):
                pieces.append([])
            prev = g
        pieces[-1].append(g)
    return [p for p in pieces if _ink(p)]


def _gap_at(run: Run, x0: float, x1: float) -> int | None:
    """Index in run before which [x0, x1] stands between two of its glyphs, if it does: its middle in a
    blank between them (a stamp wider than the blank it fills runs over its edges)."""
    prev, after = None, 0
    middle = (x0 + x1) / 2
    for i, g in enumerate(run):
        if not g.ink:
            continue
        if prev is not None and prev.x1 < middle < g.x0 and x0 > prev.x0 and g.x0 - prev.x1 > 0.5 * g.size:
            return after  # right after the glyph before the blank: the blank's spaces then end the value
        prev, after = g, i + 1
        if g.x0 > middle:
            return None
    return None


def render(runs: list[Run]) -> str:
    """Text of runs in x order; a space where glyphs stand apart and the text has none."""
    out: list[str] = []
    prev: Glyph | None = None
    ends_space = False  # the text so far ends in a space (kept as glyphs go, not looked up in out)
    for run in (sorted(runs, key=_run_x0) if len(runs) > 1 else runs):
        for g in run:
            text = g.text
            if g.ink:
                if prev is not None and not ends_space:
                    # _needs_space written out for the common case of two characters: a call less per glyph
                    if prev.fill or g.fill or prev.word or g.word:
                        space = _needs_space(prev, g)
                    else:
                        size = g.size if g.size < prev.size else prev.size
                        space = g.x0 - prev.x1 > 0.2 * size or g.x0 < prev.x0 - 1.0
                    if space:
                        out.append(" ")
                prev = g
                # a character with ink is no space; a word (OCR, a field's value) may end in one
                ends_space = (len(text) != 1 or g.word) and text[-1:].isspace()
            else:
                ends_space = text[-1:].isspace()
            out.append(text)
    # each run of whitespace one space, none at the ends (split and strip see the spaces regex \s sees)
    return " ".join("".join(out).split())


def _needs_space(prev: Glyph, g: Glyph) -> bool:
    # The blank a value fills is not a space: `Số: 35` + `/2024/QĐ-UBND` reads `35/2024/QĐ-UBND`.
    if (prev.fill and g.text[:1] in "/-") or (g.fill and prev.text[-1:] in "/-"):
        return False
    if prev.word or g.word:
        return True
    low = g.size if g.size < prev.size else prev.size  # min(prev.size, g.size)
    return g.x0 - prev.x1 > 0.2 * low or g.x0 < prev.x0 - 1.0


# ---------------------------------------------------------------- columns

@dataclass
class Columns:
    start: int  # index of the first row of the region
    end: int  # index after its last row
    gutter: float  # x that separates the two columns


def find_columns(rows: list[Row], start: int, lo: float, hi: float, min_two_sided: int,
                 line_gap: float | None, stop=None) -> Columns | None:
    """Two columns side by side from rows[start] down: the longest run of rows that leaves some
    x in [lo, hi] free of ink, split at the free x that most rows stand beside the other column at.

    A row stands beside the other column when it has text on both sides of the gutter, or when
    the row next to it holds the other column's text at about the same height: a cell whose text
    wraps (a long motto in a narrow cell) shifts its lines off the other cell's baselines, so the
    two columns' rows interleave.

    With a line_gap (the page's space between lines of a paragraph), rows after the last row
    beside the other column are kept only while they carry on one column as closely as its lines
    followed each other above (a wrapped `V/v` subject), so a title after a blank line stays body
    text; without one, all the rows that leave the gutter free are kept. Either way a row for
    which `stop(row)` holds ends the region (a salutation or a title is never part of a column).
    """
    lo_i, hi_i = int(lo), int(hi) + 1
    if hi_i - lo_i < 4:
        return None
    free = bytearray(b"\x01") * (hi_i - lo_i)
    taken: list[Row] = []
    for row in rows[start:]:
        new = bytearray(free)
        for g in row.glyphs():
            a, b = max(int(g.x0), lo_i), min(int(g.x1) + 1, hi_i)
            if a < b:
                new[a - lo_i:b - lo_i] = bytes(b - a)
        # Slivers narrower than a wide word space do not count as a way between columns.
        min_width = max(4, int(0.4 * row.size))
        for a, b in _true_runs(new):
            if b - a < min_width:
                new[a:b] = bytes(b - a)
        if not any(new):
            break
        free = new
        taken.append(row)
    best: tuple[int, int, float] | None = None
    for a, b in _true_runs(free):
        gx = lo_i + (a + b) / 2
        two = len(_beside(taken, gx, line_gap))
        if best is None or (two, b - a) > best[:2]:
            best = (two, b - a, gx)
    if best is None or best[0] < min_two_sided:
        return None
    gutter = best[2]
    end = _beside(taken, gutter, line_gap)[-1] + 1
    if line_gap is not None:
        end = _column_tails(taken, end, gutter, line_gap, stop)
    else:
        end += next((k for k, row in enumerate(taken[end:]) if stop is not None and stop(row)), len(taken) - end)
    return Columns(start, start + end, gutter)


def _side(row: Row, gx: float) -> str | None:
    """`left` or `right` when all the row's text stands on one side of gx."""
    glyphs = row.glyphs()
    if all(g.x1 <= gx for g in glyphs):
        return "left"
    if all(g.x0 >= gx for g in glyphs):
        return "right"
    return None


def _beside(rows: list[Row], gx: float, line_gap: float | None) -> list[int]:
    """Indices of the rows that stand beside the other column: text on both sides of gx, or text
    on one side with the row above or below holding the other side's text no further away than
    lines of one paragraph are."""
    sides = [_side(row, gx) for row in rows]
    out = []
    for i, row in enumerate(rows):
        if _apart(row, gx):
            out.append(i)
            continue
        if sides[i] is None:
            continue
        for j in (i - 1, i + 1):
            if not (0 <= j < len(rows)) or sides[j] in (None, sides[i]):
                continue
            upper, lower = (rows[j], row) if j < i else (row, rows[j])
            if lower.top - upper.bottom <= (line_gap or 0.0) + 0.5 * min(upper.size, lower.size):
                out.append(i)
                break
    return out


def _column_tails(rows: list[Row], end: int, gutter: float, line_gap: float, stop) -> int:
    """End of the region once rows that carry on one column are added: each on one side of the
    gutter, below that column's last line no further than the column's lines were apart in the
    region (or than lines of a paragraph are), and starting or centred where that line does."""
    last: dict[str, int] = {}
    spacing: dict[str, float] = {}
    for i in range(end):
        for side in _sides_of(rows[i], gutter):
            if side in last:
                gap = rows[i].top - rows[last[side]].bottom
                spacing[side] = max(spacing.get(side, 0.0), gap)
            last[side] = i
    while end < len(rows):
        row = rows[end]
        side = _side(row, gutter)
        if side is None or side not in last or (stop is not None and stop(row)):
            break
        above = rows[last[side]]
        if row.top - above.bottom > max(line_gap, spacing.get(side, 0.0)) + 0.5 * above.size:
            break
        if not _aligned(row, [g for g in above.glyphs() if (g.x1 <= gutter) == (side == "left")]):
            break
        last[side] = end
        end += 1
    return end


def _sides_of(row: Row, gutter: float) -> list[str]:
    glyphs = row.glyphs()
    return [side for side, has in (("left", any(g.x1 <= gutter for g in glyphs)),
                                   ("right", any(g.x0 >= gutter for g in glyphs))) if has]


def _aligned(row: Row, above: list) -> bool:
    """The row starts, or is centred, where the text above it in its column does."""
    if not above:
        return False
    glyphs = row.glyphs()
    x0, x1 = min(g.x0 for g in glyphs), max(g.x1 for g in glyphs)
    a0, a1 = min(g.x0 for g in above), max(g.x1 for g in above)
    return abs(x0 - a0) < row.size or abs((x0 + x1) - (a0 + a1)) / 2 < 2 * row.size


def _apart(row: Row, gx: float) -> bool:
    """The row has text on both sides of gx, further apart than words of a justified line are."""
    glyphs = row.glyphs()
    left = [g.x1 for g in glyphs if g.x1 <= gx]
    right = [g.x0 for g in glyphs if g.x0 >= gx]
    return bool(left and right) and min(right) - max(left) >= 1.5 * row.size


def _true_runs(flags: bytearray) -> list[tuple[int, int]]:
    runs, i, n = [], 0, len(flags)
    while i < n:
        if flags[i]:
            j = i
            while j < n and flags[j]:
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def split_columns(rows: list[Row], gutter: float) -> tuple[list[str], list[str]]:
    """Lines of the left column, then of the right one; a glyph goes by its centre."""
    left: list[str] = []
    right: list[str] = []
    for row in rows:
        lruns: list[Run] = []
        rruns: list[Run] = []
        for run in row.runs:
            lr: Run = []
            rr: Run = []
            side = None
            for g in run:
                if g.ink:
                    side = lr if (g.x0 + g.x1) / 2 < gutter else rr
                if side is not None:
                    side.append(g)
            if _ink(lr):
                lruns.append(lr)
            if _ink(rr):
                rruns.append(rr)
        for runs, out in ((lruns, left), (rruns, right)):
            text = strip_rule(render(runs))
            if text and not _RULE_ONLY.fullmatch(text):
                out.append(text)
    return left, right


# ---------------------------------------------------------------- page furniture

_PAGE_NO = re.compile(r"[-–—\s]*(?:(?:trang|page)\s+)?(\d{1,4})(?:\s*/\s*\d{1,4})?[-–—\s]*", re.I)
_RULE_ONLY = re.compile(r"[\s_¯‾\-–—‒―─━═=]*")
_TRAILING_RULE = re.compile(r"\s+[_¯‾\-–—‒―─━═=]{5,}$")
_MARGIN = 0.15  # share of the page height at top and bottom where running headers/footers live


def strip_rule(line: str) -> str:
    """Drop a rule drawn with dashes or underscores at the end of a text line."""
    return _TRAILING_RULE.sub("", line) if _ends_in_rule_char(line) else line


def _ends_in_rule_char(line: str) -> bool:
    """Whether _TRAILING_RULE may match: its last character (before a last line break, where `$` also
    matches) is a rule's. Most lines end otherwise, and the regex tries each space of the line."""
    last = line[-1:]
    if last == "\n":
        last = line[-2:-1]
    return last != "" and last in _RULE_CHARS


_RULE_CHARS = "_¯‾-–—‒―─━═="


def is_rule_row(row: Row) -> bool:
    return bool(_RULE_ONLY.fullmatch(row.text))


def page_number_candidates(rows: list[Row], page_height: float) -> list[tuple[int, int, bool]]:
    """(row index, value, stands apart) of a bare number as the first or last row, in the margin."""
    out = []
    for idx, neighbour in ((0, 1), (len(rows) - 1, len(rows) - 2)):
        if not rows or any(idx == o[0] for o in out):
            continue
        row = rows[idx]
        m = _PAGE_NO.fullmatch(row.text)
        if not m:
            continue
        if not (row.bottom < page_height * _MARGIN or row.top > page_height * (1 - _MARGIN)):
            continue
        if 0 <= neighbour < len(rows):
            other = rows[neighbour]
            apart = (other.top - row.bottom if neighbour > idx else row.top - other.bottom) > 0.5 * row.size
        else:
            apart = True
        out.append((idx, int(m.group(1)), apart))
    return out


def page_number_rows(candidates: list[list[tuple[int, int, bool]]]) -> list[set[int]]:
    """Per page, the candidate rows that are page numbers: standing apart from the text, equal
    to the page's position, or counting up with the pages (one offset from the page index on
    two pages or more: an enclosed document numbered from 1 again)."""
    offsets = Counter(value - p for p, cands in enumerate(candidates) for _, value, _ in cands)
    return [{idx for idx, value, apart in cands if apart or value == p + 1 or offsets[value - p] >= 2}
            for p, cands in enumerate(candidates)]


def furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", unicodedata.normalize("NFC", text).casefold())


def running_rows(pages: list[list[Row]], heights: list[float], protected: list[set[int]]) -> list[set[int]]:
    """Per page, indices of first/last rows in the margins whose text (digits masked) recurs at the
    same end of at least 3 pages and half of them: running headers and footers."""
    n = len(pages)
    found: list[set[int]] = [set() for _ in range(n)]
    if n < 3:
        return found
    for end in ("top", "bottom"):
        keys: dict[int, tuple[int, str]] = {}
        for p, rows in enumerate(pages):
            if not rows:
                continue
            idx = 0 if end == "top" else len(rows) - 1
            if idx in protected[p]:
                continue
            row = rows[idx]
            inside = row.bottom < heights[p] * _MARGIN if end == "top" else row.top > heights[p] * (1 - _MARGIN)
            if inside:
                keys[p] = (idx, furniture_key(row.text))
        counts = Counter(k for _, k in keys.values())
        for p, (idx, key) in keys.items():
            if counts[key] >= 3 and counts[key] * 2 >= n:
                found[p].add(idx)
    return found


# ---------------------------------------------------------------- paragraphs and joins

def typical_gap(rows: list[Row], left: float, right: float) -> float | None:
    """The space between the font boxes of two lines of one paragraph (line spacing): measured on
    pairs where the first line runs to the right margin and the next starts at the left one."""
    width = max(right - left, 1.0)
    gaps = sorted(b.top - a.bottom for a, b in zip(rows, rows[1:])
                  if a.x1 >= right - 0.08 * width and abs(b.x0 - left) < 6)
    return max(gaps[len(gaps) // 2], 0.0) if gaps else None


def body_lines(rows: list[Row], left: float, right: float, gap: float) -> list[str]:
    """One line per row; an empty line where a paragraph visibly starts: extra space above the
    line, or a first-line indent after a line that stopped short of the right margin."""
    out: list[str] = []
    width = max(right - left, 1.0)
    prev: Row | None = None
    for row in rows:
        text = strip_rule(row.text)
        if not text:
            continue
        if prev is not None and _new_paragraph(prev, row, left, right, width, gap):
            out.append("")
        out.append(text)
        prev = row
    return out


_LETTER_ITEM = re.compile(r"[a-zđ]{1,2}[).]\s")


def _continues_sentence(prev: str, text: str) -> bool:
    """A line that starts in lower case (not a `a)` item) after a line without end punctuation
    carries on its sentence: a title or subject typed as separate lines, spaced like paragraphs."""
    return text[:1].islower() and not _LETTER_ITEM.match(text) and prev[-1:] not in ".:;!?"


def _new_paragraph(prev: Row, row: Row, left: float, right: float, width: float, gap: float) -> bool:
    if _continues_sentence(prev.text, row.text):
        return False
    if row.top - prev.bottom > gap + 0.5 * min(prev.size, row.size):
        return True
    indented = left + 6 < row.x0 < left + 0.2 * width
    short = prev.x1 < right - 0.08 * width
    centred = prev.x0 > left + 6 and abs((prev.x0 - left) - (right - prev.x1)) < 0.05 * width
    return indented and short and not centred


_NUMBER_HEAD = re.compile(r"(?<![\w/-])\d+[\w/]*[-/]$")
_NUMBER_TAIL = re.compile(r"([A-ZĐ][A-Za-zĐđ&]*(?:[-/.][A-Za-zĐđ&0-9]+)*)(?=[\s,;.:)]|$)")


def join_number_breaks(lines: list[str]) -> list[str]:
    """`28-` / `CT/TW ...` -> `28-CT/TW` / `...`: a document number cut at a line end. Only when the
    line ends in digits and a hyphen or slash and the next line starts with an upper-case code
    holding a slash (or the line itself ended with the slash)."""
    out = list(lines)
    emptied: set[int] = set()
    for i in range(len(out) - 1):
        head, nxt = out[i], out[i + 1]
        if not head or not nxt or not _NUMBER_HEAD.search(head):
            continue
        m = _NUMBER_TAIL.match(nxt)
        if not m or ("/" not in m.group(1) and not head.endswith("/")):
            continue
        out[i] = head + m.group(1)
        out[i + 1] = nxt[m.end():].lstrip()
        if not out[i + 1]:
            emptied.add(i + 1)
    return [line for i, line in enumerate(out) if i not in emptied]


def left_right_margins(rows: list[Row]) -> tuple[float, float]:
    """Text margins of a page: where most lines start and end."""
    xs0 = sorted(r.x0 for r in rows)
    xs1 = sorted(r.x1 for r in rows)
    return xs0[len(xs0) // 10], xs1[(len(xs1) * 9) // 10]
