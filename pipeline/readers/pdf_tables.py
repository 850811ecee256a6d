"""Ruled tables of a PDF page: the grid their border lines draw, with merged cells.

Word, LibreOffice and the PDF printers of office software draw a table's borders as path objects: thin
filled rectangles or stroked lines, one per border or per cell side. The lines that touch each other
make one table; the distinct heights of its horizontal lines are its row boundaries and the distinct
positions of its vertical lines its column boundaries. Where the line between two neighbouring grid
cells is missing, they are one merged cell. Coordinates are display points, y growing downwards (as in
pdf_layout).
"""
from __future__ import annotations

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
        if len({round(v, 1) for v in xs}) > 2 or len({round(v, 1) for v in ys}) > 2:
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

    for obj in page.get_objects(filter=(c.FPDF_PAGEOBJ_PATH,), max_depth=4):
        try:
            m = obj.get_matrix()
        except Exception:  # a path we cannot place draws nothing we can use
            continue
        shapes: list[list[tuple[float, float]]] = []
        curved = False
        for i in range(c.FPDFPath_CountSegments(obj.raw)):
            seg = c.FPDFPath_GetPathSegment(obj.raw, i)
            if not seg:
                continue
            kind = c.FPDFPathSegment_GetType(seg)
            c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
            point = to_display(m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f)
            if kind == c.FPDF_SEGMENT_MOVETO or not shapes:
                shapes.append([point])
            else:
                curved |= kind == c.FPDF_SEGMENT_BEZIERTO
                shapes[-1].append(point)
            if c.FPDFPathSegment_GetClose(seg) and shapes[-1][0] != point:
                shapes[-1].append(shapes[-1][0])
        if curved:
            continue  # rounded boxes, seals, signatures: no table borders
        for pts in shapes:
            if len(pts) >= 4 and add_box(pts):
                continue
            add_segments(pts)
    return _merge(horizontal), _merge(vertical)


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

    hs = [i for i, l in enumerate(lines) if l[0] == "h"]
    vs = [i for i, l in enumerate(lines) if l[0] == "v"]
    for i in hs:
        _, y, x0, x1 = lines[i]
        for j in vs:
            _, x, y0, y1 = lines[j]
            if x0 - TOL <= x <= x1 + TOL and y0 - TOL <= y <= y1 + TOL:
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

    def v_line_at(x: float, y: float) -> bool:
        return any(abs(lx - x) <= TOL and y0 - TOL <= y <= y1 + TOL for lx, y0, y1 in v)

    def h_line_at(y: float, x: float) -> bool:
        return any(abs(ly - y) <= TOL and x0 - TOL <= x <= x1 + TOL for ly, x0, x1 in h)

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
            if c + 1 < n_cols and not v_line_at(xs[c + 1], ym):
                parent[find(r * n_cols + c)] = find(r * n_cols + c + 1)
            if r + 1 < n_rows and not h_line_at(ys[r + 1], xm):
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
