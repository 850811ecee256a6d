"""Ruled tables of a PDF page: the grid their border lines draw, with merged cells.

Word, LibreOffice and the PDF printers of office software draw a table's borders as path objects: thin
filled rectangles or stroked lines, one per border or per cell side. The lines that touch each other
make one table; the distinct heights of its horizontal lines are its row boundaries and the distinct
positions of its vertical lines its column boundaries. Where the line between two neighbouring grid
cells is missing, they are one merged cell. Coordinates are display points, y growing downwards (as in
pdf_layout).
"""
from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

THIN = 2.5  # points: a path this narrow is a line
MIN_LENGTH = 4.0  # points: shorter marks are not borders
TOL = 2.0  # points: lines this close are one line, touching lines are joined


@dataclass
class Cell:
    row: int
    col: int
    row_span: int
    col_span: int
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class Grid:
    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom
    cells: list[Cell] = field(default_factory=list)
    header_rows: int = 0  # rows of column headers at its top (found by alignment; 0 when unknown)
    # A table row broken by a page end: the next page's first row goes into this table's last row
    # (`tail`: that row's lines by column), and is left out of the table it stands in (`drop_row`).
    tail: dict[int, list[str]] | None = None
    drop_row: int | None = None
    memo: dict = field(default_factory=dict, repr=False, compare=False)  # pdf._cell_lines's results

    @property
    def top(self) -> float:
        return self.ys[0]

    @property
    def bottom(self) -> float:
        return self.ys[-1]

    def cell_at(self, x: float, y: float) -> Cell | None:
        for c in self.cells:
            if c.x0 <= x <= c.x1 and c.top <= y <= c.bottom:
                return c
        return None

    def locator(self):
        """cell_at for the many glyphs of the table, as long as its cells do not change: the point's slot
        between the cells' distinct edges is found by bisection, and the first cell covering a slot is
        looked up once. A point exactly on an edge (or not a number) is left to cell_at's scan."""
        from bisect import bisect_left

        cells = list(self.cells)
        xs = sorted({v for c in cells for v in (c.x0, c.x1)})
        ys = sorted({v for c in cells for v in (c.top, c.bottom)})
        nx, ny = len(xs), len(ys)
        slots: dict[int, Cell | None] = {}  # by i * ny + j
        unknown = object()

        def at(x: float, y: float) -> Cell | None:
            i, j = bisect_left(xs, x), bisect_left(ys, y)
            if 0 < i < nx and 0 < j < ny and xs[i] != x and ys[j] != y:  # between edges (not a number: i or j is 0)
                key = i * ny + j
                found = slots.get(key, unknown)
                if found is unknown:
                    lo, hi, top, bottom = xs[i - 1], xs[i], ys[j - 1], ys[j]
                    found = slots[key] = next((c for c in cells if c.x0 <= lo and hi <= c.x1 and c.top <= top
                                               and bottom <= c.bottom), None)
                return found
            if i == nx or j == ny:
                return None if x == x and y == y else self.cell_at(x, y)  # beyond every cell
            return self.cell_at(x, y)  # on an edge, before the first one, or not a number

        return at


_UNTYPED: dict[str, object] = {}


def untyped(func):
    """The pdfium function a pypdfium2.raw binding calls, without the binding's argument types: for the
    calls made per glyph or per path segment, ctypes' conversion of the arguments to them costs twice
    pdfium's own work (0.8 against 0.3 microseconds a call). Its arguments must then be given as what
    the C function takes: ints, and ctypes pointers (as pdfium's calls return them) or byref() of the
    right objects; the result keeps its type. Made once per function."""
    import ctypes

    plain = _UNTYPED.get(func.__name__)
    if plain is None:
        plain = type(func)(ctypes.cast(func, ctypes.c_void_p).value)
        plain.restype = func.restype
        _UNTYPED[func.__name__] = plain
    return plain


def page_lines(page, to_display) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Horizontal (y, x0, x1) and vertical (x, top, bottom) lines drawn on the page. A path may hold
    many shapes (one path for all of a row's borders): each closed shape that is a thin box is a line,
    a wider box gives its four sides, and other straight segments along an axis count as they are."""
    import ctypes

    import pypdfium2.raw as c

    horizontal: list[tuple[float, float, float]] = []
    vertical: list[tuple[float, float, float]] = []
    x, y = ctypes.c_float(), ctypes.c_float()

    def add_box(pts: list[tuple[float, float]]) -> bool:
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        # rounding only merges values: two distinct ones (a drawn rectangle's) need no rounding to tell
        if (len(set(xs)) > 2 and len({round(v, 1) for v in xs}) > 2) or (
                len(set(ys)) > 2 and len({round(v, 1) for v in ys}) > 2):
            return False
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        w, h = x1 - x0, y1 - y0
        if h <= THIN and w >= MIN_LENGTH:
            horizontal.append(((y0 + y1) / 2, x0, x1))
        elif w <= THIN and h >= MIN_LENGTH:
            vertical.append(((x0 + x1) / 2, y0, y1))
        elif w >= MIN_LENGTH and h >= MIN_LENGTH:
            horizontal.extend([(y0, x0, x1), (y1, x0, x1)])
            vertical.extend([(x0, y0, y1), (x1, y0, y1)])
        return True

    def add_segments(pts: list[tuple[float, float]]) -> None:
        for (ax, ay), (bx, by) in zip(pts, pts[1:]):
            if abs(ay - by) <= THIN and abs(ax - bx) >= MIN_LENGTH:
                horizontal.append(((ay + by) / 2, min(ax, bx), max(ax, bx)))
            elif abs(ax - bx) <= THIN and abs(ay - by) >= MIN_LENGTH:
                vertical.append(((ax + bx) / 2, min(ay, by), max(ay, by)))

    # pdfium's calls (untyped: a page of table borders has thousands of segments) and constants bound once
    x_p, y_p = ctypes.byref(x), ctypes.byref(y)
    m = c.FS_MATRIX()
    m_p = ctypes.byref(m)
    get_matrix, count_segments = untyped(c.FPDFPageObj_GetMatrix), untyped(c.FPDFPath_CountSegments)
    get_segment, get_type, get_point, get_close = (untyped(c.FPDFPath_GetPathSegment), untyped(c.FPDFPathSegment_GetType),
                                                   untyped(c.FPDFPathSegment_GetPoint), untyped(c.FPDFPathSegment_GetClose))
    moveto, bezierto = c.FPDF_SEGMENT_MOVETO, c.FPDF_SEGMENT_BEZIERTO
    get_bounds = untyped(c.FPDFPageObj_GetBounds)
    edges = [ctypes.c_float() for _ in range(4)]
    edges_p = [ctypes.byref(v) for v in edges]
    for raw, level in _paths(page.raw, max_depth=4):
        # A path on the page whose bounds (the hull of its points, widened by its stroke) are shorter than
        # a line both ways, with a point to spare for pdfium's float arithmetic, draws no line: a dot, the
        # square Word draws where borders meet (a third of the paths of a ruled page). Its segments are not
        # read. (In a form XObject, bounds and points may not be in one space: read them all.)
        if level == 0 and get_bounds(raw, *edges_p) and (edges[2].value - edges[0].value < MIN_LENGTH - 1.0
                                                         and edges[3].value - edges[1].value < MIN_LENGTH - 1.0):
            continue
        if not get_matrix(raw, m_p):
            continue  # a path we cannot place draws nothing we can use
        ma, mb, mc, md, me, mf = m.a, m.b, m.c, m.d, m.e, m.f
        shapes: list[list[tuple[float, float]]] = []
        curved = False
        for i in range(count_segments(raw)):
            seg = get_segment(raw, i)
            if not seg:
                continue
            kind = get_type(seg)
            get_point(seg, x_p, y_p)
            xv, yv = x.value, y.value
            point = to_display(ma * xv + mc * yv + me, mb * xv + md * yv + mf)
            if kind == moveto or not shapes:
                shapes.append([point])
            else:
                curved |= kind == bezierto
                shapes[-1].append(point)
            if get_close(seg) and shapes[-1][0] != point:
                shapes[-1].append(shapes[-1][0])
        if curved:
            continue  # rounded boxes, seals, signatures: no table borders
        for pts in shapes:
            if len(pts) >= 4 and add_box(pts):
                continue
            add_segments(pts)
    return _merge(horizontal), _merge(vertical)


def _path_objects(parent, max_depth: int):
    """Raw handles of the path objects of a page, descending into form XObjects, in the order of
    pypdfium2's PdfPage.get_objects (whose Python object per page object, text ones too, cost more
    than the paths' own reading)."""
    return (obj for obj, _ in _paths(parent, max_depth))


def _paths(parent, max_depth: int, form: bool = False, level: int = 0):
    """_path_objects with the depth of each (0: on the page itself, 1: in a form XObject on it...)."""
    import pypdfium2.raw as c
    from pypdfium2 import PdfiumError

    count, get = (c.FPDFFormObj_CountObjects, c.FPDFFormObj_GetObject) if form else (c.FPDFPage_CountObjects,
                                                                                       c.FPDFPage_GetObject)
    get, get_type = untyped(get), untyped(c.FPDFPageObj_GetType)
    path, xobject, unknown = c.FPDF_PAGEOBJ_PATH, c.FPDF_PAGEOBJ_FORM, c.FPDF_PAGEOBJ_UNKNOWN
    n = count(parent)
    if n < 0:
        raise PdfiumError("Failed to get number of pageobjects.")
    for i in range(n):
        obj = get(parent, i)
        if not obj:
            raise PdfiumError("Failed to get pageobject.")
        kind = get_type(obj)
        if kind == path:
            yield obj, level
        elif kind == xobject and level < max_depth - 1:
            yield from _paths(obj, max_depth, True, level + 1)
        elif kind == unknown:
            raise PdfiumError("Failed to determine pageobject type.")


def _merge(lines: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Join lines at one position whose extents touch or overlap."""
    out: list[list[float]] = []
    for pos, a, b in sorted(lines):
        for line in reversed(out):
            if pos - line[0] > TOL:
                out.append([pos, a, b])
                break
            if a <= line[2] + TOL and b >= line[1] - TOL:
                line[1], line[2] = min(line[1], a), max(line[2], b)
                break
        else:
            out.append([pos, a, b])
    return [tuple(x) for x in out]


def find_tables(horizontal, vertical) -> list[Grid]:
    """Tables of at least two rows or two columns drawn by lines that cross or touch each other."""
    lines = [("h", *l) for l in horizontal] + [("v", *l) for l in vertical]
    parent = list(range(len(lines)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # which lines touch decides the groups, not the order they are joined in: each horizontal line is
    # joined to the vertical ones it touches, those within its reach found by bisection over their
    # positions (their reach padded once, not per pair; a position that is not a number touches nothing)
    vs = sorted((x, j, y0 - TOL, y1 + TOL) for j, (kind, x, y0, y1) in enumerate(lines) if kind == "v" and x == x)
    v_xs = [v[0] for v in vs]
    for i, (kind, y, x0, x1) in enumerate(lines):
        lo, hi = x0 - TOL, x1 + TOL
        if kind != "h" or not lo <= hi:
            continue
        for _, j, top, bottom in vs[bisect_left(v_xs, lo):bisect_right(v_xs, hi)]:
            if top <= y <= bottom:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(lines)):
        groups.setdefault(find(i), []).append(i)
    grids = []
    for members in groups.values():
        h = [lines[i][1:] for i in members if lines[i][0] == "h"]
        v = [lines[i][1:] for i in members if lines[i][0] == "v"]
        if len(h) < 2 or len(v) < 2:
            continue
        grid = _grid(h, v)
        if grid is not None:
            grids.append(grid)
    return sorted(grids, key=lambda g: g.top)


def _positions(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > TOL:
            out.append(v)
    return out


def _grid(h: list[tuple[float, float, float]], v: list[tuple[float, float, float]]) -> Grid | None:
    ys, xs = _positions([y for y, _, _ in h]), _positions([x for x, _, _ in v])
    if len(ys) < 2 or len(xs) < 3:
        return None  # a frame around a box or a column of boxes is not a table
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    # the lines at each row and column boundary, looked up once per boundary, not once per grid cell
    v_at = [[(y0, y1) for lx, y0, y1 in v if abs(lx - x) <= TOL] for x in xs]
    h_at = [[(x0, x1) for ly, x0, x1 in h if abs(ly - y) <= TOL] for y in ys]

    def v_line_at(c: int, y: float) -> bool:
        return any(y0 - TOL <= y <= y1 + TOL for y0, y1 in v_at[c])

    def h_line_at(r: int, x: float) -> bool:
        return any(x0 - TOL <= x <= x1 + TOL for x0, x1 in h_at[r])

    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        ym = (ys[r] + ys[r + 1]) / 2
        for c in range(n_cols):
            xm = (xs[c] + xs[c + 1]) / 2
            if c + 1 < n_cols and not v_line_at(c + 1, ym):
                parent[find(r * n_cols + c)] = find(r * n_cols + c + 1)
            if r + 1 < n_rows and not h_line_at(r + 1, xm):
                parent[find(r * n_cols + c)] = find((r + 1) * n_cols + c)
    spans: dict[int, list[int]] = {}
    for i in range(n_rows * n_cols):
        spans.setdefault(find(i), []).append(i)
    grid = Grid(xs, ys)
    taken: set[int] = set()
    for members in sorted(spans.values(), key=min):
        if members[0] in taken:
            continue
        rows = [i // n_cols for i in members]
        cols = [i % n_cols for i in members]
        r0, r1, c0, c1 = min(rows), max(rows), min(cols), max(cols)
        box = [r * n_cols + c for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
        if any(i in taken for i in box):
            continue  # an L-shaped merge: its corner cells stay as found
        taken.update(box)
        grid.cells.append(Cell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, xs[c0], xs[c1 + 1], ys[r0], ys[r1 + 1]))
    grid.cells.sort(key=lambda c: (c.row, c.col))
    return grid


# ---------------------------------------------------------------- tables without ruling lines

# Annex tables printed without borders, or with only some (rules between rows), are found by their
# columns: a header row naming what the columns hold (`TT | Nội dung | Cơ quan chủ trì | Thời gian`,
# the vocabulary of extractors.tables) whose blanks the rows under it do not run across; a table goes
# on over a page break under the same columns, with or without its header repeated.

CELL_GAP = 0.6  # times the line height: a wider blank inside a line separates cells, not words (Word pads
# cells 5.4 pt a side: 10.8 pt between two cells, 0.7 of a 13 pt line; a word space is a quarter of it)
_GROUP_NUMBER = re.compile(r"^\W*(?:[IVXLC]+|[A-ZĐ]|\d{1,3}|[a-zđ])(?:\.\d{1,3})*\W*$")


@dataclass
class _Cluster:
    x0: float
    x1: float
    text: str


@dataclass
class Columns:
    """The columns of a table found by alignment: the blank between each two header cells (a cell of
    the rows under it may reach into it, not across it), and the table's edges."""
    gaps: list[tuple[float, float]]
    left: float
    right: float
    header: list[str]  # the header text of each column

    @property
    def xs(self) -> list[float]:
        """Left edge, a boundary in each blank, right edge."""
        return [self.left] + [(a + b) / 2 for a, b in self.gaps] + [self.right]

    def column_of(self, x: float) -> int:
        for k, (a, b) in enumerate(self.gaps):
            if x < (a + b) / 2:
                return k
        return len(self.gaps)


def _clusters(row) -> list[_Cluster]:
    """The row's text cut at blanks wider than a cell gap."""
    from pipeline.readers.pdf_layout import render

    glyphs = sorted(row.glyphs(), key=lambda g: g.x0)
    if not glyphs:
        return []
    groups: list[list] = [[glyphs[0]]]
    right = glyphs[0].x1
    for g in glyphs[1:]:
        if g.x0 - right > CELL_GAP * row.size:
            groups.append([g])
        else:
            groups[-1].append(g)
        right = max(right, g.x1) if len(groups[-1]) > 1 else g.x1
    return [_Cluster(c[0].x0, max(g.x1 for g in c), render([c])) for c in groups]


def _role(text: str) -> str | None:
    from extractors.tables import role_of  # one vocabulary of column headers

    return role_of(text)


def aligned_tables(rows, carry: Columns | None = None, skip: set[int] = frozenset()) -> tuple[list[Grid], Columns | None]:
    """Tables of the page found by alignment (rows not in `skip`: header and signature columns, ruled
    tables), and the columns of a table that runs to the page's end, for the next page to go on with.
    `carry` is such a table of the page before."""
    grids: list[Grid] = []
    clusters = _LazyClusters(rows, skip)
    i = 0
    open_columns = None
    if carry is not None:
        start = next((k for k in range(len(clusters)) if clusters[k]), None)
        if start is not None and _header_band(rows, clusters, start) is None and _fits(clusters[start], carry):
            end = _table_end(rows, clusters, start, carry)
            first = clusters[start][0]
            # cells side by side; or the rest of one cell, a sentence going on in a column after the first
            if any(len(clusters[k]) >= 2 for k in range(start, end)) or (
                    first.text[:1].islower() and carry.column_of(first.x0) >= 1):
                grids.append(_aligned_grid(rows, clusters, start, start, end, carry))
                i = end
                open_columns = carry if _at_page_end(clusters, end) else None
    while i < len(rows):
        head = _header_band(rows, clusters, i) if i not in skip and _may_head(rows[i].text) else None
        if head is None:
            i += 1
            continue
        hend, columns = head
        end = _table_end(rows, clusters, hend, columns)
        if end > hend:
            columns = _settle(clusters, i, end, columns)
            grids.append(_aligned_grid(rows, clusters, i, hend, end, columns))
            open_columns = columns if _at_page_end(clusters, end) else None
            i = end
        else:
            i = hend
    return grids, open_columns


class _LazyClusters:
    """Each row's clusters, cut when first asked for (most rows of most pages never are); None for a
    row to skip."""

    def __init__(self, rows, skip) -> None:
        self.rows, self.skip, self.done = rows, skip, {}

    def __getitem__(self, i: int):
        if i not in self.done:
            self.done[i] = None if i in self.skip else _clusters(self.rows[i])
        return self.done[i]

    def __len__(self) -> int:
        return len(self.rows)


def _may_head(text: str) -> bool:
    """A quick look before cutting a line into cells: two column roles named in it."""
    roles, any_role = _head_roles()
    if any_role is not None and not any_role.search(text):
        return False  # most lines name no role at all: one search, not one per role
    return sum(1 for rx in roles if rx.search(text)) >= 2


@functools.lru_cache(maxsize=1)
def _head_roles():
    """The column roles _may_head counts (all but the row number), and one expression matching where any
    of them does (None when their flags differ and cannot be joined)."""
    from extractors.tables import ROLES

    roles = [rx for role, rx in ROLES if role != "number"]
    if len({rx.flags for rx in roles}) != 1:
        return roles, None
    return roles, re.compile("|".join(f"(?:{rx.pattern})" for rx in roles), roles[0].flags)


def _header_band(rows, clusters, i: int) -> tuple[int, Columns] | None:
    """(index after the header rows, the columns the header draws) when rows[i] heads a table: three
    cells or more, two of them naming a column role. Wrapped header cells go on in the rows below it."""
    first = clusters[i]
    if not first or len(first) < 3 or sum(_role(c.text) is not None for c in first) < 2:
        return None
    spans = [[c.x0, c.x1, c.text] for c in first]
    end = i + 1
    while end < len(rows) and clusters[end] and end - i < 4:
        below = clusters[end]
        if rows[end].top - rows[end - 1].bottom > 0.8 * rows[end].size:
            break
        if any(_under(c, spans) is None for c in below) or _GROUP_NUMBER.match(below[0].text):
            break
        if not all(c.text[:1].islower() or _role(c.text) for c in below):
            break
        for c in below:
            s = spans[_under(c, spans)]
            s[0], s[1], s[2] = min(s[0], c.x0), max(s[1], c.x1), f"{s[2]} {c.text}"
        end += 1
    gaps = [(a[1], b[0]) for a, b in zip(spans, spans[1:])]
    return end, Columns(gaps, spans[0][0] - 1.0, max(s[1] for s in spans) + 1.0, [s[2] for s in spans])


def _under(c: _Cluster, spans) -> int | None:
    """The header span a cluster of the next line stands under (overlapping it, and no other)."""
    hits = [k for k, s in enumerate(spans) if c.x0 < s[1] and s[0] < c.x1]
    return hits[0] if len(hits) == 1 else None


def _crosses(c: _Cluster, columns: Columns) -> bool:
    return any(c.x0 < a and b < c.x1 for a, b in columns.gaps)


def _fits(cl: list[_Cluster], columns: Columns) -> bool:
    """A table row: each cell within a column, or a group row (`I | Nhóm nhiệm vụ ...`, a title spanning
    the columns after the first): its last cell may run over them."""
    if cl[0].x0 < columns.left - 4.0 or cl[-1].x1 > columns.right + 40:
        return False
    if not any(_crosses(c, columns) for c in cl):
        return True
    if any(_crosses(c, columns) for c in cl[:-1]) or len(cl) > 2:
        return False
    if len(cl) == 2:
        return bool(_GROUP_NUMBER.match(cl[0].text)) and columns.column_of(cl[0].x1) == 0
    return columns.column_of(cl[0].x0) >= 1  # a title in the second column, across the others


def _table_end(rows, clusters, start: int, columns: Columns) -> int:
    end = start
    while end < len(rows) and clusters[end] and _fits(clusters[end], columns):
        if end > start and rows[end].top - rows[end - 1].bottom > 3 * rows[end].size:
            break  # a wide space: the table has ended and text under it lines up by chance
        end += 1
    return end


def _at_page_end(clusters, end: int) -> bool:
    return all(not clusters[k] for k in range(end, len(clusters)))


def _settle(clusters, start: int, end: int, columns: Columns) -> Columns:
    """Each boundary put where the table's rows leave the blank between two header cells free (headers
    are centred, cells start at their left edge): just before the leftmost cell start in the blank that
    no row's text runs over, else the blank's middle."""
    body = [c for k in range(start, end) for c in (clusters[k] or [])]
    inside = [c for c in body if not _crosses(c, columns)]
    gaps = []
    for a, b in columns.gaps:
        starts = sorted({c.x0 - 0.5 for c in inside if a - 0.5 <= c.x0 - 0.5 <= b + 0.5})
        free = [x for x in starts if not any(c.x0 < x < c.x1 for c in inside)]
        x = free[0] if free else (a + b) / 2
        gaps.append((x, x))
    left = min([columns.left] + [c.x0 - 1.0 for c in body])
    right = max([columns.right] + [c.x1 + 1.0 for c in inside])
    return Columns(gaps, left, right, columns.header)


def _aligned_grid(rows, clusters, start: int, hend: int, end: int, columns: Columns) -> Grid:
    """The grid of the table's rows: the header band one row; then a row starts at each line whose
    first column holds text (a row number) when the table numbers its rows, else at each line after a
    space wider than the lines of a cell have; a group row spans the columns its title runs over."""
    n_cols = len(columns.gaps) + 1
    numbered = (_role(columns.header[0]) == "number" if columns.header and columns.header[0]
                else any(columns.column_of(clusters[k][0].x0) == 0 for k in range(hend, end)))
    lead = _typical_lead(rows, hend, end)
    starts = [start] if hend > start else []
    for k in range(hend, end):
        cl = clusters[k]
        if k == hend or any(_crosses(c, columns) for c in cl) or any(_crosses(c, columns) for c in clusters[k - 1]):
            starts.append(k)  # the first row, a group row, the row after a group row
        elif numbered and columns.column_of(cl[0].x0) == 0:
            starts.append(k)
        elif not numbered and rows[k].top - rows[k - 1].bottom > lead + 0.3 * rows[k].size:
            starts.append(k)
    ys = [rows[s].top - 1.0 for s in starts] + [rows[end - 1].bottom + 1.0]
    xs = columns.xs
    grid = Grid(list(xs), ys, header_rows=1 if hend > start else 0)
    for r, s in enumerate(starts):
        cl = clusters[s]
        spans_from = columns.column_of(cl[-1].x0) if s >= hend and any(_crosses(c, columns) for c in cl) else None
        for c in range(n_cols):
            span = n_cols - c if spans_from is not None and c == spans_from else 1
            grid.cells.append(Cell(r, c, 1, span, xs[c], xs[c + span], ys[r], ys[r + 1]))
            if span > 1:
                break
    return grid


def _typical_lead(rows, start: int, end: int) -> float:
    """The space between the lines of one cell: the smallest common gap between lines in the table."""
    gaps = sorted(max(0.0, rows[k].top - rows[k - 1].bottom) for k in range(start + 1, end))
    return gaps[len(gaps) // 4] if gaps else 0.0


def rows_by_alignment(rows, grid: Grid) -> Grid:
    """A ruled grid without lines between its rows (column lines and a frame only: one grid row holding
    the whole table) cut into rows as a table without rulings is: at each row number in the first column
    (or each wider space), the header band apart, a group row spanning what its title runs over.
    `rows` are the page's rows inside the grid. A grid with rows of its own is returned as it is."""
    if len(grid.ys) > 2 or len(grid.xs) < 4 or len(rows) < 3:
        return grid
    clusters = _LazyClusters(rows, set())
    xs = grid.xs
    columns = Columns([(x, x) for x in xs[1:-1]], xs[0], xs[-1], [])
    hend = 0
    head = _header_band(rows, clusters, 0) if _may_head(rows[0].text) else None
    if head is not None:
        hend = head[0]
        columns.header = [" ".join(c.text for k in range(hend) for c in clusters[k]
                                   if columns.column_of((c.x0 + c.x1) / 2) == j) for j in range(len(xs) - 1)]
    if not all(clusters[k] and _fits(clusters[k], columns) for k in range(hend, len(rows))):
        return grid
    out = _aligned_grid(rows, clusters, 0, hend, len(rows), columns)
    out.ys[0], out.ys[-1] = grid.ys[0], grid.ys[-1]
    for c in out.cells:
        c.top, c.bottom = out.ys[c.row], out.ys[c.row + c.row_span]
    return out if len(out.ys) > 2 else grid
