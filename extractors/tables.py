"""Tables read by what their columns are: one table grammar for assignments, deadlines and targets.

The readers give each table as cells with row, column and spans (schemas.Block); here a table becomes
a grid, its header rows give each column a role from what the header says, and its body rows become
task rows or indicator rows:

- a task table has a column of who leads (`chủ trì`, `đầu mối`), supports (`phối hợp`) or carries
  out (`cơ quan thực hiện`); each body row gives its task text (`nội dung`, `nhiệm vụ`, `công việc`,
  `giải pháp` ...), the cells of those columns, the time column's cell (`thời gian`, `thời hạn`,
  `tiến độ`) and the product (`sản phẩm`, `kết quả`);
- an indicator table has a column of indicators (`chỉ tiêu`, `tiêu chí`, or a `nội dung` column beside
  a unit column `đơn vị tính`, `ĐVT`) and columns of figures: a year in the header (`Năm 2026`,
  `GIAI ĐOẠN 2026-2030 / Năm 2030`, `Kế hoạch 2027`) gives the figure its year; a header saying the
  figure is a result (`ước thực hiện`, `ƯTH`, `thực hiện`, `năm hiện hành`) makes it a baseline.

Wherever the table stands (body or annex) and whatever its first column: header rows are found by
their words, a header over two rows (a cell spanning down beside cells under a spanning one) is read
as one, a row numbering the columns (`1 | 2 | 3 ...`) is skipped, group rows (`I. | Hoàn thiện thể
chế`, `III.1.2 | Nhóm ...`) name the group of the rows under them, and empty or merged cells end
nothing: a cell merged over several rows belongs to each of them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from schemas import Block

I = re.IGNORECASE

# Column roles, tried in this order on a column's header text (all its header rows).
ROLES: list[tuple[str, re.Pattern]] = [
    ("number", re.compile(r"^\W*(?:S?TT|Số\s+TT|Số\s+thứ\s+tự)\W*$", I)),
    ("lead", re.compile(r"chủ\s+trì|đầu\s+mối", I)),
    ("support", re.compile(r"phối\s+hợp", I)),
    ("implement", re.compile(r"(?:cơ\s+quan|đơn\s+vị|bộ\s+phận|người)\s+(?:thực\s+hiện|triển\s+khai|phụ\s+trách)"
                             r"|^\W*(?:thực\s+hiện|trách\s+nhiệm(?:\s+thực\s+hiện)?|phân\s+công)\W*$", I)),
    ("time", re.compile(r"thời\s+gian|thời\s+hạn|tiến\s+độ|hạn\s+hoàn\s+thành|lộ\s+trình|thời\s+điểm", I)),
    ("funding", re.compile(r"kinh\s+phí|nguồn\s+vốn|nguồn\s+lực|dự\s+toán|ngân\s+sách", I)),
    ("indicator", re.compile(r"chỉ\s+tiêu|tiêu\s+chí", I)),
    ("unit", re.compile(r"^\W*(?:đơn\s+vị(?:\s+tính)?|ĐVT|đv\s*t)\W*$", I)),
    ("task", re.compile(r"nội\s+dung|nhiệm\s+vụ|công\s+việc|hoạt\s+động|giải\s+pháp|đề\s+án|dự\s+án|tên\b|sản\s+phẩm\s+chủ\s+yếu", I)),
    ("product", re.compile(r"sản\s+phẩm|kết\s+quả|đầu\s+ra|yêu\s+cầu", I)),
    ("note", re.compile(r"ghi\s+chú", I)),
]
AGENCY_ROLES = ("lead", "support", "implement")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*[-–]\s*((?:19|20)\d{2}))?(?!\d)")
# a figure's column that reports a result, not a target
ACTUAL = re.compile(r"ước\s+(?:thực\s+hiện|đạt|tính)|\bƯTH\b|thực\s+hiện\s+(?:năm|\d)|năm\s+hiện\s+hành|đánh\s+giá\s+thực\s+hiện|"
                    r"kết\s+quả\s+(?:thực\s+hiện|đạt)|thực\s+tế|hiện\s+trạng|năm\s+gốc", I)
GROUP_NUMBER = re.compile(r"^\W*(?:[IVXLC]+|[A-ZĐ]|\d{1,2})(?:\.\d{1,2})*\W*$")


@dataclass
class Table:
    """A table as a grid of cells: grid[r][c] is the cell covering row r, column c (a merged cell
    covers several), or None."""

    block: Block
    cells: list[Block]
    grid: list[list[Optional[Block]]]
    text: str = field(repr=False)

    @property
    def n_rows(self) -> int:
        return len(self.grid)

    @property
    def n_cols(self) -> int:
        return len(self.grid[0]) if self.grid else 0

    def cell_text(self, cell: Optional[Block]) -> str:
        return " ".join(self.text[cell.start:cell.end].split()) if cell else ""

    def row_cells(self, r: int) -> list[Block]:
        """The distinct cells of row r, left to right (merged cells from above included)."""
        out: list[Block] = []
        for cell in self.grid[r]:
            if cell is not None and (not out or out[-1] is not cell):
                out.append(cell)
        return out


@dataclass
class Column:
    index: int
    header: str
    role: Optional[str]
    year: Optional[int] = None  # from the header: `Năm 2026`, the end of `2026-2030`
    actual: bool = False  # the header says its figures are results (`ước thực hiện`)


@dataclass
class TaskRow:
    """One body row of a task table; cells are blocks (text[cell.start:cell.end])."""

    table: Table
    row: int
    number: Optional[Block]
    task: Optional[Block]
    agencies: dict[str, list[Block]]  # role -> cells of that role's columns
    time: Optional[Block]
    product: Optional[Block]
    group: Optional[str]  # the group row above: `I. Hoàn thiện thể chế`
    span: tuple[int, int]  # from the row's first own cell to its last


@dataclass
class IndicatorRow:
    table: Table
    row: int
    indicator: Block
    unit: Optional[Block]
    values: list[tuple[Block, Column]]  # figure cells with their column (year, actual)
    group: Optional[str]
    group_year: Optional[int]  # a year the group row names (`I | Giai đoạn 2025-2027` -> 2027)


def tables_of(view) -> list[Table]:
    """The tables whose start lies in the document's span."""
    lo, hi = view.span
    out = []
    for block in view.blocks_in(lo, hi, "table"):
        cells = [b for b in view.blocks_in(block.start, block.end + 1)
                 if b.table == block.table and b.kind != "table" and b.row is not None]
        if cells:
            out.append(build_table(block, cells, view.text))
    return out


def build_table(block: Block, cells: list[Block], text: str) -> Table:
    n_rows = max(c.row + c.row_span for c in cells)
    n_cols = max(c.col + c.col_span for c in cells)
    grid: list[list[Optional[Block]]] = [[None] * n_cols for _ in range(n_rows)]
    for c in cells:
        for r in range(c.row, c.row + c.row_span):
            for k in range(c.col, c.col + c.col_span):
                if grid[r][k] is None:
                    grid[r][k] = c
    return Table(block, cells, grid, text)


# --- header -----------------------------------------------------------------------------------------

def role_of(header: str) -> Optional[str]:
    for role, rx in ROLES:
        if rx.search(header):
            return role
    return None


def header_rows(table: Table) -> int:
    """How many rows at the top are header: the first row when two or more of its cells name a role,
    and the rows header cells span down into."""
    if not table.grid:
        return 0
    roles = [role_of(table.cell_text(c)) for c in table.row_cells(0)]
    if sum(r is not None for r in roles) < 2:
        return 0
    n = 1
    while n < table.n_rows and any(c is not None and c.row < n for c in table.grid[n]):
        # a row some header cell spans down into, holding no row number of its own
        own = [c for c in table.grid[n] if c is not None and c.row == n]
        if any(GROUP_NUMBER.match(table.cell_text(c)) and c.col == 0 for c in own):
            break
        n += 1
    return n


def columns(table: Table, n_header: int) -> list[Column]:
    out = []
    for k in range(table.n_cols):
        parts: list[str] = []
        for r in range(n_header):
            cell = table.grid[r][k]
            t = table.cell_text(cell)
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        header = " / ".join(parts)
        # the lowest header cell of the column decides its role (`GIAI ĐOẠN 2026-2030 / Năm 2026`)
        role = next((role_of(p) for p in reversed(parts) if role_of(p)), None)
        year = None
        for p in parts:
            for m in YEAR.finditer(p):
                year = int(m.group(2) or m.group(1))
        out.append(Column(k, header, role, year, bool(ACTUAL.search(header))))
    return out


def _numbering_row(table: Table, r: int) -> bool:
    """`1 | 2 | 3 | ...` under the header: the columns numbered, no content."""
    cells = table.row_cells(r)
    texts = [table.cell_text(c).strip("()") for c in cells]
    return len(cells) >= 3 and all(t == str(i + 1) for i, t in enumerate(texts))


def _body_rows(table: Table, n_header: int):
    r = n_header
    while r < table.n_rows and _numbering_row(table, r):
        r += 1
    return range(r, table.n_rows)


def _group(table: Table, r: int, content_cols: set[int]) -> Optional[str]:
    """The text of a group row (`I | Hoàn thiện thể chế`): only its first cells hold text, starting with
    a group number or spanning the table, and no agency, time or figure column has its own text."""
    own = [c for c in table.row_cells(r) if c.row == r and table.cell_text(c)]
    if not own or len(own) > 2:
        return None
    if any(table.grid[r][k] is not None and table.grid[r][k].row < r for k in content_cols):
        return None  # a cell merged from the row above runs through it: a row of the same group
    if any(c.col in content_cols and c.col > 1 for c in own) and not any(c.col_span > 1 for c in own):
        return None
    first = table.cell_text(own[0])
    if len(own) == 1 and own[0].col_span < max(2, table.n_cols - 1) and not GROUP_NUMBER.match(first.split()[0] if first else ""):
        return None
    if len(own) == 2 and not GROUP_NUMBER.match(first):
        return None
    return " ".join(table.cell_text(c) for c in own)


def headed_tables(view):
    """(table, header row count, columns, carried on) for each table of the document with a header. A
    table right after a headed table of the same width carries it on (a table broken by a page end, or a
    page break inside the table) when it has no header or repeats that one (Word repeats a header row on
    each page): it takes that table's columns, and its rows go on in the group the rows before were in."""
    last = None  # (table, columns) of the previous headed table
    for table in view.tables:
        n = header_rows(table)
        follows = False
        if last is not None and last[0].n_cols == table.n_cols:
            between = view.text[last[0].block.end:table.block.start]
            follows = len("".join(between.split())) <= 40  # at most a page number or a running header
        if n:
            cols = columns(table, n)
            carried = follows and [c.header for c in cols] == [c.header for c in last[1]]
            last = (table, cols)
            yield table, n, cols, carried
            continue
        if follows:
            last = (table, last[1])
            yield table, 0, last[1], True
            continue
        last = None


# --- task tables --------------------------------------------------------------------------------------

def task_rows(view) -> list[TaskRow]:
    """The body rows of the document's task tables (tables with an agency column)."""
    out: list[TaskRow] = []
    group = None
    for table, n, cols, carried in headed_tables(view):
        by_role: dict[str, list[int]] = {}
        for col in cols:
            if col.role:
                by_role.setdefault(col.role, []).append(col.index)
        if not any(role in by_role for role in AGENCY_ROLES):
            continue
        number_col = by_role.get("number", [None])[0]
        task_col = _task_column(cols, by_role)
        content = {c for role in (*AGENCY_ROLES, "time") for c in by_role.get(role, [])}
        if not carried:
            group = None  # a carried-on table keeps the group its rows continue
        for r in _body_rows(table, n):
            g = _group(table, r, content)
            if g is not None:
                group = g
                continue
            own = [c for c in table.row_cells(r) if c.row == r]
            if not own:
                continue

            def cell(k: Optional[int]) -> Optional[Block]:
                c = table.grid[r][k] if k is not None else None
                return c if c is not None and table.cell_text(c) else None

            agencies = {role: _distinct(cell(k) for k in by_role.get(role, [])) for role in AGENCY_ROLES}
            task = cell(task_col)
            if task is None and not any(agencies.values()):
                continue
            out.append(TaskRow(
                table=table, row=r, number=cell(number_col), task=task, agencies=agencies,
                time=cell(by_role.get("time", [None])[0]), product=cell(by_role.get("product", [None])[0]),
                group=group, span=(min(c.start for c in own), max(c.end for c in own)),
            ))
    return out


def _distinct(cells) -> list[Block]:
    out: list[Block] = []
    for c in cells:
        if c is not None and all(c is not o for o in out):
            out.append(c)
    return out


def _task_column(cols: list[Column], by_role: dict[str, list[int]]) -> Optional[int]:
    """The column of the task text: the one its header names, else the first column that is not the
    row number nor a column of another role."""
    if "task" in by_role:
        return by_role["task"][0]
    if "indicator" in by_role:
        return by_role["indicator"][0]
    free = [c.index for c in cols if c.role is None]
    return free[0] if free else None


# --- indicator tables ---------------------------------------------------------------------------------

def indicator_rows(view) -> list[IndicatorRow]:
    """The body rows of the document's indicator tables: an indicator column (`chỉ tiêu`, or `nội dung`
    beside a unit column) and figure columns (a year in the header, or `kết quả`, `giá trị`, `mục tiêu`)."""
    out: list[IndicatorRow] = []
    group, group_year = None, None
    for table, n, cols, carried in headed_tables(view):
        roles = {c.role for c in cols}
        ind = next((c.index for c in cols if c.role == "indicator"), None)
        if ind is None and "unit" in roles:
            ind = next((c.index for c in cols if c.role == "task"), None)
        if ind is None:
            continue
        figures = [c for c in cols if c.index != ind and c.role not in ("number", "unit", "note", *AGENCY_ROLES, "task")
                   and (c.year is not None or c.role == "product" or re.search(r"giá\s+trị|mục\s+tiêu|kế\s+hoạch", c.header, I))]
        if not figures:
            continue
        unit_col = next((c.index for c in cols if c.role == "unit"), None)
        content = {c.index for c in figures} | ({unit_col} if unit_col is not None else set())
        if not carried:
            group, group_year = None, None
        for r in _body_rows(table, n):
            g = _group(table, r, content)
            if g is not None:
                group = g
                years = [int(m.group(2) or m.group(1)) for m in YEAR.finditer(g)]
                group_year = years[-1] if years else group_year
                continue
            indicator = table.grid[r][ind]
            if indicator is None or not table.cell_text(indicator):
                continue
            values = [(table.grid[r][c.index], c) for c in figures
                      if table.grid[r][c.index] is not None and table.grid[r][c.index].row == r
                      and re.search(r"\d", table.cell_text(table.grid[r][c.index]))]
            if not values:
                continue
            unit = table.grid[r][unit_col] if unit_col is not None else None
            out.append(IndicatorRow(table, r, indicator, unit if unit is not None and table.cell_text(unit) else None,
                                    values, group, group_year))
    return out


def time_cells(view) -> list[Block]:
    """The cells of the time columns of the document's task tables, once each."""
    seen: dict[int, Block] = {}
    for row in task_rows(view):
        if row.time is not None:
            seen.setdefault(row.time.start, row.time)
    return list(seen.values())
