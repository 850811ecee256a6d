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
    """One character of the text layer, or one OCR / form-field word (`word=True`)."""

    __slots__ = ("text", "x0", "x1", "top", "bottom", "size", "word", "ink", "fill")

    def __init__(self, text: str, x0: float, x1: float, top: float, bottom: float, word: bool = False,
                 fill: bool = False):
        self.text, self.x0, self.x1, self.top, self.bottom, self.word = text, x0, x1, top, bottom, word
        self.fill = fill  # a value written into a blank of the line (`Số: [35]/QĐ-UBND`)
        # Spaces and combining marks carry no usable position (pdfium places generated spaces
        # anywhere, and a mark's box may sit left of its base letter): they follow their neighbour.
        self.ink = word or not (text.isspace() or unicodedata.combining(text[:1]) > 0)
        self.size = max(bottom - top, 1.0)

    def __repr__(self) -> str:  # debugging aid
        return f"Glyph({self.text!r}, {self.x0:.1f}-{self.x1:.1f}, {self.top:.1f}-{self.bottom:.1f})"


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

    def _get(self, key: str, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def glyphs(self) -> list[Glyph]:
        return self._get("glyphs", lambda: [g for run in self.runs for g in run if g.ink])

    @property
    def bottom(self) -> float:
        return self._get("bottom", lambda: _run_bottom(max(self.runs, key=lambda r: len(_ink(r)))))

    @property
    def top(self) -> float:
        return self._get("top", lambda: min(g.top for g in self.glyphs()))

    @property
    def x0(self) -> float:
        return self._get("x0", lambda: min(g.x0 for g in self.glyphs()))

    @property
    def x1(self) -> float:
        return self._get("x1", lambda: max(g.x1 for g in self.glyphs()))

    @property
    def size(self) -> float:
        return self._get("size", lambda: _median([g.size for g in self.glyphs()]))

    @property
    def text(self) -> str:
        return self._get("text", lambda: render(self.runs))


def _median(values: list[float]) -> float:
    values = sorted(values)
    return values[len(values) // 2]


def _run_bottom(run: Run) -> float:
    return _median([g.bottom for g in _ink(run)])


def _run_size(run: Run) -> float:
    return max(g.size for g in _ink(run))


def _run_x0(run: Run) -> float:
    return min(g.x0 for g in _ink(run))


# ---------------------------------------------------------------- lines

def runs_from_stream(glyphs: list[Glyph]) -> list[Run]:
    """Cut glyphs in content order into runs at every change of baseline or jump back to the left."""
    runs: list[Run] = []
    cur: Run = []
    last: Glyph | None = None
    for g in glyphs:
        if g.text in "\r\n":
            continue  # pdfium's own line breaks: geometry decides instead
        if not g.ink:
            if cur:
                cur.append(g)
            continue
        if last is not None and _breaks(last, g):
            runs.append(cur)
            cur = []
        cur.append(g)
        last = g
    if cur:
        runs.append(cur)
    return [r for r in runs if _ink(r)]


def _breaks(prev: Glyph, g: Glyph) -> bool:
    if abs(g.bottom - prev.bottom) > 0.5 * min(prev.size, g.size):
        return True
    return g.x0 < prev.x0 - max(0.6 * prev.size, 2.0)


def rows_from_runs(runs: list[Run]) -> list[Row]:
    """Group runs into rows by baseline (a superscript joins its line), top to bottom."""
    rows: list[Row] = []
    for run in sorted(runs, key=_run_bottom):
        if rows:
            row = rows[-1]
            if abs(_run_bottom(run) - row.bottom) <= 0.45 * max(_run_size(run), row.size):
                row.runs.append(run)
                row.changed()
                continue
        rows.append(Row([run]))
    for row in rows:
        row.runs.sort(key=_run_x0)
        row.changed()
    return rows


def render(runs: list[Run]) -> str:
    """Text of runs in x order; a space where glyphs stand apart and the text has none."""
    out: list[str] = []
    prev: Glyph | None = None
    for run in sorted(runs, key=_run_x0):
        for g in run:
            if g.ink and prev is not None and _needs_space(prev, g) and out and not out[-1][-1:].isspace():
                out.append(" ")
            out.append(g.text)
            if g.ink:
                prev = g
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _needs_space(prev: Glyph, g: Glyph) -> bool:
    # The blank a value fills is not a space: `Số: 35` + `/2024/QĐ-UBND` reads `35/2024/QĐ-UBND`.
    if (prev.fill and g.text[:1] in "/-") or (g.fill and prev.text[-1:] in "/-"):
        return False
    if prev.word or g.word:
        return True
    gap = g.x0 - prev.x1
    return gap > 0.2 * min(prev.size, g.size) or g.x0 < prev.x0 - 1.0


# ---------------------------------------------------------------- columns

@dataclass
class Columns:
    start: int  # index of the first row of the region
    end: int  # index after its last row
    gutter: float  # x that separates the two columns


def find_columns(rows: list[Row], start: int, lo: float, hi: float, min_two_sided: int,
                 line_gap: float | None) -> Columns | None:
    """Two columns side by side from rows[start] down: the longest run of rows that leaves some
    x in [lo, hi] free of ink, split at the free x that most rows have ink on both sides of.

    With a line_gap (the page's space between lines of a paragraph), rows after the last two-sided
    row are kept only while they follow the row above as closely (a wrapped `V/v` subject), so a
    title or `Kính gửi` after a blank line stays body text.
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
        two = sum(1 for row in taken if _apart(row, gx))
        if best is None or (two, b - a) > best[:2]:
            best = (two, b - a, gx)
    if best is None or best[0] < min_two_sided:
        return None
    gutter = best[2]
    two_sided = [i for i, row in enumerate(taken) if _apart(row, gutter)]
    end = two_sided[-1] + 1
    if line_gap is not None:
        while end < len(taken) and _continues(taken[end - 1], taken[end], gutter, line_gap):
            end += 1
    else:
        end = len(taken)
    return Columns(start, start + end, gutter)


def _continues(prev: Row, row: Row, gutter: float, line_gap: float) -> bool:
    """The row wraps the text of one column of the row above: close below it, on one side of the
    gutter, starting or centred where that column's text in the row above does."""
    if row.top - prev.bottom > line_gap + 0.5 * prev.size:
        return False
    side = [g for g in row.glyphs()]
    if not (all(g.x1 <= gutter for g in side) or all(g.x0 >= gutter for g in side)):
        return False
    on_left = side[0].x1 <= gutter
    above = [g for g in prev.glyphs() if (g.x1 <= gutter) == on_left]
    if not above:
        return False
    x0, x1 = min(g.x0 for g in side), max(g.x1 for g in side)
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
    return _TRAILING_RULE.sub("", line)


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
        text = _TRAILING_RULE.sub("", row.text)
        if not text:
            continue
        if prev is not None and _new_paragraph(prev, row, left, right, width, gap):
            out.append("")
        out.append(text)
        prev = row
    return out


def _new_paragraph(prev: Row, row: Row, left: float, right: float, width: float, gap: float) -> bool:
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
