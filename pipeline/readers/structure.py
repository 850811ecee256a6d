"""What readers share to report a page's structure: lines with the blocks they form, table grids,
and what kind of table a table is.

A reader writes its page text line by line through `Lines`; each block (a table, each of its cells,
a header column, the signature block) covers whole lines, so the normaliser can carry its boundaries
into the normalised text (see schemas.RawBlock). Cells are written one after the other, row by row,
each followed by a blank line: the text reads as it did before blocks existed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from schemas import RawBlock

# A document header table holds the national motto or the Party's name; a signature table the
# `Nơi nhận` list or the signer's authority.
_MOTTO = re.compile(r"CỘNG\s+HO[ÀÒ]A\s+XÃ\s+HỘI|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM|Độc\s+lập\s*[-–]\s*Tự\s+do", re.I)
_SIGNATURE = re.compile(r"^\W*(?:Nơi\s+nhận|NƠI\s+NHẬN)|^\W*(?:KT|TM|T/M|TL|TUQ)\s*\.\s*\S", re.M)


class Lines:
    """The lines of one page and the blocks over them."""

    def __init__(self, page: int = 0) -> None:
        self.page = page
        self.lines: list[str] = []
        self.blocks: list[RawBlock] = []

    def add(self, text: str) -> None:
        self.lines.extend(text.split("\n"))

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def open(self, kind: str, **grid) -> RawBlock:
        block = RawBlock(kind=kind, page=self.page, line_start=len(self.lines), line_end=len(self.lines), **grid)
        self.blocks.append(block)
        return block

    def close(self, block: RawBlock) -> None:
        end = len(self.lines)
        while end > block.line_start and self.lines[end - 1] == "":
            end -= 1
        block.line_end = end

    def text(self) -> str:
        return "\n".join(self.lines)


def table_kind(texts: list[str]) -> str:
    """The kind of a table's cells: `header_cell` for the document header, `signature` for the
    `Nơi nhận` / signer table, else `table_cell`."""
    joined = "\n".join(t.strip() for t in texts)
    if len(texts) <= 8 and _MOTTO.search(joined):
        return "header_cell"
    if len(texts) <= 6 and _SIGNATURE.search(joined):
        return "signature"
    return "table_cell"


@dataclass
class Cell:
    """A cell as a reader finds it in a row: its text lines and spans; `col` is set by place_cells."""

    lines: list[str]
    col_span: int = 1
    row_span: int = 1
    col: int = 0
    at: tuple[int, int] | None = None  # the cell's lines [start, end) in the text, when it stays in place
    plain: str | None = None  # _plain(lines), when the reader has it already


def place_cells(rows: list[list[Cell]]) -> int:
    """Give every cell its column, the way HTML lays out a table: a cell takes the first column its
    row has free, after the columns cells spanning down from rows above hold. Returns the width."""
    taken: dict[tuple[int, int], bool] = {}
    width = 0
    for r, row in enumerate(rows):
        col = 0
        for cell in row:
            while taken.get((r, col)):
                col += 1
            cell.col = col
            for dr in range(cell.row_span):
                for dc in range(cell.col_span):
                    taken[(r + dr, col + dc)] = True
            col += cell.col_span
            width = max(width, col)
    return width


def write_table(out: Lines, rows: list[list[Cell]], table: int, kind: str | None = None) -> None:
    """Write a table cell by cell, row by row, each cell closed by a blank line, with a table block
    and a block per cell. Cells must be placed (place_cells)."""
    if kind is None:
        kind = table_kind(["\n".join(c.lines) for row in rows for c in row])
    out.blank()
    block = out.open("table", table=table)
    end = block.line_start
    for r, row in enumerate(rows):
        for cell in row:
            cb = out.open(kind, table=table, row=r, col=cell.col, row_span=cell.row_span, col_span=cell.col_span)
            for line in cell.lines:
                out.add(line)
            out.close(cb)
            end = max(end, cb.line_end)
            out.blank()
    out.close(block)
    block.line_end = max(block.line_end, end)  # an empty last cell stays inside its table


# ---------------------------------------------------------------- Markdown pipe tables

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_ROW_NUMBER = re.compile(r"^\W*(?:[IVXLC]+|[A-ZĐ]|\d{1,3})(?:\.\d{1,3})*\W*$")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_LABEL_HEADER = re.compile(r"^\W*(?:S?TT|Số\s+TT|nội\s+dung|chỉ\s+tiêu|đơn\s+vị(?:\s+tính)?|ĐVT|nhiệm\s+vụ|tên)\b", re.I)


def markdown_tables(text: str, first_table: int = 0) -> tuple[str, list[RawBlock]]:
    """Tables in Markdown text as blocks; GitHub rows are rewritten so each cell stands on lines of its own.

    Two forms: GitHub rows (`| a | b |` on one line, a `|---|` row under the header), and the form
    legal web sites export, where a line holding only `|` closes each cell and a row ends with a
    second `|` (so the cells of a row and the rows themselves have to be told apart: see
    _bar_region). A blank line ends a table in both."""
    lines = text.split("\n")
    out = Lines()
    table = first_table
    i = 0
    while i < len(lines):
        line = lines[i]
        if "|" not in line:  # (every table line holds a bar)
            out.lines.append(line)
            i += 1
            continue
        if line.strip() == "|":
            j = i
            while j < len(lines) and lines[j].strip():
                j += 1
            base = len(out.lines)
            out.lines.extend(lines[i:j])  # (the cells stay on their lines)
            for rows in _bar_tables(lines[i:j], base):
                out.blocks.extend(_blocks_in_place(rows, table))
                table += 1
            i = j
            continue
        elif _PIPE_ROW.match(line) and "|" in line.strip()[1:-1]:
            j = i
            while j < len(lines) and _PIPE_ROW.match(lines[j]):
                j += 1
            rows = [[Cell([c.strip()]) for c in _split_row(row)] for row in lines[i:j] if not _SEPARATOR_ROW.match(row)]
            place_cells(rows)
            write_table(out, rows, table)
            table += 1
            i = j
            continue
        out.add(line)
        i += 1
    return out.text(), out.blocks


def _split_row(row: str) -> list[str]:
    row = row.strip()
    cells = re.split(r"(?<!\\)\|", row[1:-1] if row.endswith("|") else row[1:])
    return cells


_HUGE_CELL = 60  # lines: a chunk this long is body text the site's page layout wraps, not a cell
_NO_HEADER = re.compile(r"\W*(?:S?TT|Số\s+TT|Số\s+thứ\s+tự)\W*", re.I)
_ANNEX_TITLE = re.compile(r"^\W*PHỤ\s+LỤC\b")


def _plain(chunk: list[str]) -> str:
    return " ".join(" ".join(chunk).replace("*", " ").split())


def _cell_plain(cell: Cell) -> str:
    return cell.plain if cell.plain is not None else _plain(cell.lines)


def _bar_tables(lines: list[str], base: int) -> Iterator[list[list[Cell]]]:
    """The tables in lines of the `|` form (starting with a bar, up to a blank line; the first is line
    `base` of the text), each as rows of cells that stay where they are (Cell.at).

    The sites flatten their page layout into the same bars, so several tables and the text between
    them can run together without a row end. A table therefore also ends before a chunk that cannot
    be a cell (body text longer than any cell, an annex title `PHỤ LỤC ...`), before a header row
    (`TT`, `STT` as its first cell), before a row holding the national motto (the document header)
    or `Nơi nhận` (the signature), and after a row with more cells than its width. Its width is that
    of the widest of its first eight rows as the bars show them (a header may take two rows over a
    wider body; empty cells make rows look shorter, never longer)."""
    chunks: list[list[str]] = [[]]
    starts = [base + 1]
    for k, line in enumerate(lines[1:], start=1):
        if line.strip() == "|":
            chunks.append([])
            starts.append(base + k + 1)
        else:
            chunks[-1].append(line)
    chunks.pop()  # after the last bar
    starts.pop()
    n = len(chunks)
    plain = [_plain(c) for c in chunks]
    empty = [not p for p in plain]
    text = [len(c) > _HUGE_CELL or bool(_ANNEX_TITLE.match(p)) for c, p in zip(chunks, plain)]
    opens = [bool(_NO_HEADER.fullmatch(p)) for p in plain]  # a header row starts here

    def runs_from(k: int):
        """(start, end) of the rows as the bars show them (runs of non-empty chunks), up to a chunk
        that is text or opens another table."""
        first = k
        while k < n:
            while k < n and empty[k]:
                k += 1
            start = k
            while k < n and not empty[k] and not text[k] and not (opens[k] and k > first):
                k += 1
            if k > start:
                if start > first and any(_MOTTO.search(p) or _SIGNATURE.search(p) for p in plain[start:k]):
                    return  # the document header or the signature: a table of its own
                yield start, k
            if k < n and (text[k] or (opens[k] and k > first)):
                return

    pos = 0
    while pos < n:
        if empty[pos]:
            pos += 1
            continue
        rows = list(runs_from(pos))
        width = max((b - a for a, b in rows[:8]), default=0)
        if width < 2 and not (rows and len(rows) > 1):
            pos += 1  # text between bars
            continue
        end = rows[-1][1]
        for a, b in rows:
            if b - a > width:
                end = a + width
                break
        cells = [Cell(chunks[k], at=(starts[k], starts[k] + len(chunks[k])), plain=plain[k]) for k in range(pos, end)]
        yield _bar_rows(cells, empty[pos:end], width)
        pos = end


def _bar_rows(cells: list[Cell], empty: list[bool], width: int) -> list[list[Cell]]:
    """Rows of a table written with `|` lines: the chunks between bars are cells, and an empty chunk
    is either an empty cell or the end of a row (see _segment); then columns (see _place_short_rows)."""
    heads = [bool(_GROUP_NUMBER.fullmatch(_cell_plain(c))) for c in cells]
    seg = _segment(empty, width, heads)
    bounds = seg[1] if seg is not None else [(0, len(cells))]
    rows = [cells[a:b] for a, b in bounds]
    _place_short_rows(rows, max(width, max(len(r) for r in rows)))
    return rows


def _blocks_in_place(rows: list[list[Cell]], table: int) -> list[RawBlock]:
    """Blocks of a table whose cells stay on their lines of the text."""
    kind = table_kind(["\n".join(c.lines) for row in rows for c in row])
    cells = [RawBlock(kind=kind, line_start=c.at[0], line_end=c.at[1], table=table, row=r, col=c.col,
                      row_span=c.row_span, col_span=c.col_span) for r, row in enumerate(rows) for c in row]
    return [RawBlock(kind="table", line_start=cells[0].line_start, line_end=cells[-1].line_end, table=table), *cells]


_GROUP_NUMBER = re.compile(r"\W*(?:[IVXLC]+(?:\.\d{1,2})*|\d{1,2}(?:\.\d{1,2}){1,3})\.?\W*")


def _segment(empty: list[bool], width: int, heads: list[bool] | None = None):
    """Split the chunks into rows of 1..width chunks, each row but the last followed by an empty chunk
    (the row end). Cost: one per row shorter than width, 0.6 per empty cell (an empty chunk is more
    often a row end) and a little more for an empty first cell (where the row number stands), two
    more for a row of empty cells only, and two for a group number (`III.1.1`, `IV`) inside a row:
    it opens one."""
    heads = heads or [False] * len(empty)
    n = len(empty)
    INF = float("inf")
    cost = [INF] * (n + 2)
    choice = [0] * (n + 2)
    cost[n + 1] = 0  # past the end
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, min(n, i + width) + 1):
            if j < n and not empty[j]:
                continue  # a row must end at an empty chunk or at the end
            after = n + 1 if j == n else j + 1
            if after > n and j != n:
                continue
            blanks = sum(empty[i:j])
            c = (cost[after] + (0 if j - i == width else 1) + 0.6 * blanks + 0.05 * empty[i]
                 + (2 if blanks == j - i else 0) + 2 * sum(heads[i + 1:j]))
            if c < cost[i]:
                cost[i], choice[i] = c, j
    if cost[0] == INF:
        return None
    bounds, i = [], 0
    while i < n:
        j = choice[i]
        bounds.append((i, j))
        i = j + 1
    return cost[0], bounds


def _place_short_rows(rows: list[list[Cell]], width: int) -> None:
    """Columns for a table whose spans the text does not give. A full row is one cell a column.
    Two header rows that together hold more cells than the width: the upper cells without a year
    of their own (`GIAI ĐOẠN 2026-2030`, `Năm hiện hành`) span the lower row's cells, the others
    span down. A short row starting with a group number (`I`, `II.`, `A`) or holding one cell: its
    last cell spans to the right edge. Any other short row stands under cells spanning down from
    the row above: its cells take the last columns."""
    r = 0
    if len(rows) >= 2 and len(rows[0]) < width and len(rows[1]) < width:
        upper, lower = rows[0], rows[1]
        spanning = len(upper) + len(lower) - width
        if 1 <= spanning <= len(upper) and len(lower) >= spanning:
            def rank(k: int) -> tuple:
                t = " ".join(upper[k].lines)
                years = _YEAR.findall(t)
                return (bool(_LABEL_HEADER.match(t)), len(years) == 1, k)
            wide = sorted(sorted(range(len(upper)), key=rank)[:spanning])
            share, extra = divmod(len(lower), spanning)
            for rank_no, k in enumerate(wide):
                upper[k].col_span = share + (1 if rank_no < extra else 0)
            for k, cell in enumerate(upper):
                if k not in wide:
                    cell.row_span = 2
            place_cells([upper, lower])
            r = 2
    full = [row for row in rows[r:] if len(row) == width]
    profiles = None  # of the full rows, made for the first short row that needs them (most tables have none)
    for row in rows[r:]:
        numbered = bool(_ROW_NUMBER.match(_cell_plain(row[0])))
        filled = [k for k, c in enumerate(row) if _cell_plain(c)]
        for k, cell in enumerate(row):
            cell.col = k
        if len(row) == width:
            continue
        if len(row) == 1 or (numbered and filled and filled[-1] <= 1):  # a group heading: `I | Hoàn thiện thể chế`
            row[-1].col_span = width - len(row) + 1
        elif full:  # under cells spanning down: each cell where cells like it stand
            profiles = profiles or _column_profiles(full, width)
            for cell, col in zip(row, _align(row, profiles)):
                cell.col = col
        elif not numbered:
            for k, cell in enumerate(row):
                cell.col = width - len(row) + k
    # Cells spanning down over the columns a short row lacks (header rows excepted).
    owner: dict[int, tuple[int, Cell]] = {}  # column -> (row, cell) last seen there
    for k in range(r, len(rows)):
        row = rows[k]
        held = {c.col + dc for c in row for dc in range(c.col_span)}
        for col in range(width):
            if col not in held and col in owner:
                top, cell = owner[col]
                if top + cell.row_span == k and cell.col == col and cell.col_span == 1:
                    cell.row_span += 1
        for cell in row:
            for dc in range(cell.col_span):
                owner[cell.col + dc] = (k, cell)
        for col in range(width):
            if col not in held and col in owner and owner[col][0] + owner[col][1].row_span <= k:
                del owner[col]


_TIME_WORDS = re.compile(r"\b(?:tháng|quý|quí|năm|hằng|hàng|thường\s+xuyên|định\s+kỳ)\b|(?:19|20)\d{2}", re.I)
_ORG_HEAD = re.compile(r"^\W*(?:các\s+)?(?:sở|ban|bộ|ubnd|ủy\s+ban|uỷ\s+ban|công\s+an|văn\s+phòng|trung\s+tâm|viện|"
                       r"hội|đài|báo|cục|chi\s+cục|kho\s+bạc|thuế|bảo\s+hiểm|đảng\s+ủy|mặt\s+trận|cơ\s+quan|đơn\s+vị|"
                       r"tỉnh\s+đoàn|thành\s+đoàn|liên\s+đoàn|ngân\s+hàng|bộ\s+chỉ\s+huy|tòa\s+án|viện\s+kiểm\s+sát)\b", re.I)
_VALUE = re.compile(r"^[\d\s.,%/<>=≥≤+\-–]+$")


def _features(cell: Cell) -> tuple[float, ...]:
    t = _cell_plain(cell)
    return (float(bool(_ROW_NUMBER.match(t))), min(len(t), 300) / 300, float(bool(_TIME_WORDS.search(t))),
            float(bool(_ORG_HEAD.match(t))), float(bool(_VALUE.match(t))) if t else 0.0, float(not t))


def _column_profiles(full_rows: list[list[Cell]], width: int) -> list[tuple[float, ...]] | None:
    """The mean features (row number, length, time words, agency name, figure, empty) of each column
    over the full rows."""
    if not full_rows:
        return None
    feats = [[_features(c) for c in row] for row in full_rows]
    return [tuple(sum(f[col][i] for f in feats) / len(feats) for i in range(6)) for col in range(width)]


def _align(row: list[Cell], profiles: list[tuple[float, ...]]) -> list[int]:
    """Columns, in increasing order, that the cells of a short row resemble best."""
    k, w = len(row), len(profiles)
    feats = [_features(c) for c in row]
    sim = [[-sum(abs(a - b) for a, b in zip(f, p)) for p in profiles] for f in feats]
    NEG = float("-inf")
    best = [[NEG] * (w + 1) for _ in range(k + 1)]  # best[i][j]: cells i.. placed in columns j..
    for j in range(w + 1):
        best[k][j] = 0.0
    for i in range(k - 1, -1, -1):
        for j in range(w - 1, -1, -1):
            take = sim[i][j] + best[i + 1][j + 1] if best[i + 1][j + 1] > NEG else NEG
            best[i][j] = max(take, best[i][j + 1])
    cols, j = [], 0
    for i in range(k):
        while best[i][j] != sim[i][j] + best[i + 1][j + 1]:
            j += 1
        cols.append(j)
        j += 1
    return cols
