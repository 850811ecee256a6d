"""Text drawn by form-field widgets (digital-signature fields) of a PDF.

Signing services of Vietnamese state bodies stamp the document number and day into signature
fields laid over the blanks of `Số:      /QĐ-UBND` and `ngày    tháng    năm`; the page's own
text layer keeps the blanks. pdfium does not expose a widget's appearance text, so pdfminer
(pdfplumber's parser) interprets each widget's normal appearance stream, placed on the page the
way a viewer places it (PDF 32000-1, 12.5.5).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_HIDDEN = 2 | 32  # annotation flags Hidden and NoView


@dataclass
class FieldChar:
    text: str
    x0: float  # PDF user space of the page
    x1: float
    y0: float
    y1: float


@dataclass
class FieldText:
    page: int  # 0-based
    signature: bool
    chars: list[FieldChar]


def field_texts(path: Path) -> list[FieldText]:
    """Glyphs of every visible widget appearance, per page. Empty when pdfminer cannot parse the file."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdfinterp import PDFResourceManager

    out: list[FieldText] = []
    try:
        with open(path, "rb") as fh:
            doc = PDFDocument(PDFParser(fh))
            rm = PDFResourceManager(caching=True)
            for pageno, page in enumerate(PDFPage.create_pages(doc)):
                for annot in _list(page.annots):
                    found = _widget_text(annot, rm)
                    if found is not None and found[1]:
                        out.append(FieldText(pageno, found[0], found[1]))
    except Exception as exc:  # a damaged annotation must not cost the page text
        log.warning("cannot read form fields of %s: %s", path, exc)
    return out


def _list(obj) -> list:
    from pdfminer.pdftypes import resolve1
    obj = resolve1(obj)
    return list(obj) if isinstance(obj, list) else []


def _name(obj) -> str | None:
    from pdfminer.pdftypes import resolve1
    obj = resolve1(obj)
    return getattr(obj, "name", None)


def _field_type(annot: dict) -> str | None:
    from pdfminer.pdftypes import resolve1
    node, depth = annot, 0
    while isinstance(node, dict) and depth < 20:  # /FT may be inherited from the parent field
        if "FT" in node:
            return _name(node["FT"])
        node, depth = resolve1(node.get("Parent")), depth + 1
    return None


def _widget_text(annot_ref, rm) -> tuple[bool, list[FieldChar]] | None:
    from pdfminer.pdftypes import PDFStream, resolve1

    annot = resolve1(annot_ref)
    if not isinstance(annot, dict) or _name(annot.get("Subtype")) != "Widget":
        return None
    if int(resolve1(annot.get("F", 0)) or 0) & _HIDDEN:
        return None
    ap = resolve1(annot.get("AP"))
    normal = resolve1(ap.get("N")) if isinstance(ap, dict) else None
    if isinstance(normal, dict) and not isinstance(normal, PDFStream):  # appearance states
        state = _name(annot.get("AS"))
        normal = resolve1(normal.get(state)) if state else None
    if not isinstance(normal, PDFStream):
        return None
    rect = [float(v) for v in _list(annot.get("Rect"))]
    if len(rect) != 4 or rect[0] == rect[2] or rect[1] == rect[3]:
        return None
    ctm = _placement(normal, rect)
    if ctm is None:
        return None
    return _field_type(annot) == "Sig", _run_stream(normal, ctm, rm)


def _placement(form, rect: list[float]):
    """Matrix that maps the appearance's form space onto the annotation rectangle."""
    from pdfminer.utils import apply_matrix_pt, mult_matrix

    bbox = [float(v) for v in _list(form.attrs.get("BBox"))]
    matrix = tuple(float(v) for v in (_list(form.attrs.get("Matrix")) or [1, 0, 0, 1, 0, 0]))
    if len(bbox) != 4 or len(matrix) != 6:
        return None
    corners = [apply_matrix_pt(matrix, (x, y)) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])]
    tx0, ty0 = min(c[0] for c in corners), min(c[1] for c in corners)
    tx1, ty1 = max(c[0] for c in corners), max(c[1] for c in corners)
    if tx1 - tx0 < 1e-6 or ty1 - ty0 < 1e-6:
        return None
    rx0, ry0, rx1, ry1 = min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])
    sx, sy = (rx1 - rx0) / (tx1 - tx0), (ry1 - ry0) / (ty1 - ty0)
    fit = (sx, 0.0, 0.0, sy, rx0 - tx0 * sx, ry0 - ty0 * sy)
    return mult_matrix(matrix, fit)


class _Box:
    """What pdfminer's layout device needs of a page."""

    def __init__(self):
        self.mediabox = (0, 0, 1, 1)
        self.cropbox = self.mediabox
        self.rotate = 0
        self.pageid = 0


def _run_stream(form, ctm, rm) -> list[FieldChar]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTContainer
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfminer.pdftypes import resolve1

    device = PDFPageAggregator(rm)
    interp = PDFPageInterpreter(rm, device)
    box = _Box()
    device.begin_page(box, (1, 0, 0, 1, 0, 0))
    interp.render_contents(resolve1(form.attrs.get("Resources")) or {}, [form], ctm=ctm)
    device.end_page(box)

    chars: list[FieldChar] = []

    def walk(item):
        for obj in item:
            if isinstance(obj, LTChar):
                chars.append(FieldChar(obj.get_text(), obj.x0, obj.x1, obj.y0, obj.y1))
            elif isinstance(obj, LTContainer):
                walk(obj)

    walk(device.get_result())
    return chars
