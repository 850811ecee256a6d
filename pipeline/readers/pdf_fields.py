"""Text drawn by form-field widgets (digital-signature fields) of a PDF.

Signing services of Vietnamese state bodies stamp the document number and day into signature
fields laid over the blanks of `Số:      /QĐ-UBND` and `ngày    tháng    năm`; the page's own
text layer keeps the blanks. pdfium's text page holds no annotation's text, and its page objects
give no character of a text object on their own; so each page with widgets is read once more, its
visible widgets' normal appearances flattened into it (pdfium places each on the page the way a
viewer places it, PDF 32000-1, 12.5.5), every other annotation hidden: the glyphs of the page's
text page that stand in those appearances are the fields' text. This changes the document in memory
only, and after its pages are read and rendered.
"""
from __future__ import annotations

import ctypes
import logging
from dataclasses import dataclass
from typing import Iterable

log = logging.getLogger(__name__)

_HIDDEN, _NO_VIEW, _INVISIBLE = 2, 32, 1  # annotation flags (12.5.3)
_MAX_DEPTH = 20  # of nested forms


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


def field_texts(doc, pages: Iterable[int] | None = None) -> list[FieldText]:
    """Glyphs of every visible widget appearance, per widget, on the given pages (0-based; all when
    None) of a pypdfium2 document, in the order of the pages' annotations. The widgets are flattened
    into their pages (in memory): call it once every page has been read and rendered."""
    out: list[FieldText] = []
    try:
        for i in (range(len(doc)) if pages is None else pages):
            out.extend(_page_fields(doc.raw, i))
    except Exception as exc:  # a damaged annotation must not cost the page text
        log.warning("cannot read form fields: %s", exc)
    return out


def draws_text(page) -> bool:
    """Whether a widget of the page (a raw pdfium page) draws text: the pages field_texts reads
    (a signature field may draw only its image)."""
    import pypdfium2.raw as c

    for i in range(c.FPDFPage_GetAnnotCount(page)):
        annot = c.FPDFPage_GetAnnot(page, i)
        if not annot:
            continue
        try:
            if c.FPDFAnnot_GetSubtype(annot) == c.FPDF_ANNOT_WIDGET and any(
                    _holds_text(c.FPDFAnnot_GetObject(annot, k), 0) for k in range(c.FPDFAnnot_GetObjectCount(annot))):
                return True
        finally:
            c.FPDFPage_CloseAnnot(annot)
    return False


def _holds_text(obj, depth: int) -> bool:
    import pypdfium2.raw as c

    kind = c.FPDFPageObj_GetType(obj) if obj else None
    if kind == c.FPDF_PAGEOBJ_TEXT:
        return True
    return kind == c.FPDF_PAGEOBJ_FORM and depth < _MAX_DEPTH and any(
        _holds_text(c.FPDFFormObj_GetObject(obj, j), depth + 1) for j in range(c.FPDFFormObj_CountObjects(obj)))


def _page_fields(doc, index: int) -> list[FieldText]:
    import pypdfium2.raw as c

    page = c.FPDF_LoadPage(doc, index)
    if not page:
        return []
    try:
        signature = _show_widgets_only(doc, page)
        if not signature or c.FPDFPage_Flatten(page, c.FLAT_NORMALDISPLAY) != c.FLATTEN_SUCCESS:
            return []
    finally:
        c.FPDF_ClosePage(page)
    page = c.FPDF_LoadPage(doc, index)  # flattened: its content parsed anew
    if not page:
        return []
    try:
        n = c.FPDFPage_CountObjects(page)
        last = c.FPDFPage_GetObject(page, n - 1) if n > 0 else None
        if not last or c.FPDFPageObj_GetType(last) != c.FPDF_PAGEOBJ_FORM:
            return []
        # the form flattening appends to the page's content: a form per widget, in annotation order
        k = c.FPDFFormObj_CountObjects(last)
        widgets = [c.FPDFFormObj_GetObject(last, j) for j in range(k)]
        if not all(w and c.FPDFPageObj_GetType(w) == c.FPDF_PAGEOBJ_FORM for w in widgets):
            return []  # not what flattening draws: the page's own last form
        owner: dict[int, int] = {}
        for j, w in enumerate(widgets):
            _text_objects(w, j, owner, 0)
        if k != len(signature):  # pdfium left out an appearance we did not: which widget is which is unknown
            signature = [any(signature)] * k
        chars = _chars(page, owner)
    finally:
        c.FPDF_ClosePage(page)
    return [FieldText(index, signature[j], chars[j]) for j in sorted(chars)]


def _show_widgets_only(doc, page) -> list[bool]:
    """Hide every annotation of the page but the widgets shown (not Hidden, not NoView) with a normal
    appearance to draw and a rectangle to draw it in; whether each shown one is a signature field."""
    import pypdfium2.raw as c

    shown: list[bool] = []
    rect = c.FS_RECTF()
    form = None  # pdfium's form-filling handle, made for a widget whose field type is inherited
    try:
        for i in range(c.FPDFPage_GetAnnotCount(page)):
            annot = c.FPDFPage_GetAnnot(page, i)
            if not annot:
                continue
            try:
                flags = c.FPDFAnnot_GetFlags(annot)
                show = (c.FPDFAnnot_GetSubtype(annot) == c.FPDF_ANNOT_WIDGET and not flags & (_HIDDEN | _NO_VIEW)
                        and c.FPDFAnnot_GetRect(annot, rect) and rect.left != rect.right and rect.bottom != rect.top
                        # the normal appearance (of the widget's state, AS): its content as text, 2 bytes when none
                        and c.FPDFAnnot_GetAP(annot, c.FPDF_ANNOT_APPEARANCEMODE_NORMAL, None, 0) > 2)
                if not show:
                    c.FPDFAnnot_SetFlags(annot, flags | _HIDDEN)
                    continue
                c.FPDFAnnot_SetFlags(annot, flags & ~_INVISIBLE)  # a widget's type is known: it is drawn
                if c.FPDFAnnot_HasKey(annot, b"FT"):  # a field of one widget (signing services' are)
                    shown.append(_string(annot, b"FT") == "Sig")
                    continue
                if form is None:  # the type is its parent field's: pdfium's form reads the field tree
                    info = c.FPDF_FORMFILLINFO(version=1)
                    form = (c.FPDFDOC_InitFormFillEnvironment(doc, info), info)
                shown.append(bool(form[0]) and c.FPDFAnnot_GetFormFieldType(form[0], annot) == c.FPDF_FORMFIELD_SIGNATURE)
            finally:
                c.FPDFPage_CloseAnnot(annot)
    finally:
        if form is not None and form[0]:
            c.FPDFDOC_ExitFormFillEnvironment(form[0])
    return shown


def _string(annot, key: bytes) -> str:
    import pypdfium2.raw as c

    size = c.FPDFAnnot_GetStringValue(annot, key, None, 0)
    buf = ctypes.create_string_buffer(size)
    c.FPDFAnnot_GetStringValue(annot, key, ctypes.cast(buf, ctypes.POINTER(c.FPDF_WCHAR)), size)
    return buf.raw[:max(0, size - 2)].decode("utf-16-le", "replace")


def _text_objects(obj, widget: int, owner: dict[int, int], depth: int) -> None:
    import pypdfium2.raw as c

    kind = c.FPDFPageObj_GetType(obj)
    if kind == c.FPDF_PAGEOBJ_TEXT:
        owner[ctypes.cast(obj, ctypes.c_void_p).value] = widget
    elif kind == c.FPDF_PAGEOBJ_FORM and depth < _MAX_DEPTH:
        for j in range(c.FPDFFormObj_CountObjects(obj)):
            _text_objects(c.FPDFFormObj_GetObject(obj, j), widget, owner, depth + 1)


def _chars(page, owner: dict[int, int]) -> dict[int, list[FieldChar]]:
    """The text page's characters drawn by each widget's text objects, in content order (the
    characters pdfium adds, spaces and line breaks it infers, left out)."""
    import pypdfium2.raw as c

    out: dict[int, list[FieldChar]] = {}
    tp = c.FPDFText_LoadPage(page)
    if not tp:
        return out
    try:
        text_object = _address_of(c.FPDFText_GetTextObject)
        m = c.FS_MATRIX()
        ox, oy, value = ctypes.c_double(), ctypes.c_double(), ctypes.c_float()
        pending = None  # a high surrogate, waiting for its pair
        for i in range(c.FPDFText_CountChars(tp)):
            obj = text_object(tp, i)
            widget = owner.get(obj)
            if widget is None or c.FPDFText_IsGenerated(tp, i) == 1:
                continue
            code = c.FPDFText_GetUnicode(tp, i)
            if 0xD800 <= code < 0xDC00:  # a character outside the BMP comes as two
                pending = code
                continue
            if 0xDC00 <= code < 0xE000:
                code = 0xFFFD if pending is None else 0x10000 + ((pending - 0xD800) << 10) + code - 0xDC00
            pending = None
            size = c.FPDFText_GetFontSize(tp, i)
            font = c.FPDFTextObj_GetFont(ctypes.cast(obj, c.FPDF_PAGEOBJECT))
            if not (font and c.FPDFText_GetCharOrigin(tp, i, ox, oy) and c.FPDFText_GetMatrix(tp, i, m)):
                continue
            descent = value.value if c.FPDFFont_GetDescent(font, size, value) else 0.0
            advance = value.value if c.FPDFFont_GetGlyphWidth(font, code, size, value) else 0.0
            out.setdefault(widget, []).append(_char_box(chr(code), ox.value, oy.value, m, size, descent, advance))
    finally:
        c.FPDFText_ClosePage(tp)
    return out


def _address_of(func):
    """The pdfium function returning a handle, called without pypdfium2's argument types and giving
    the handle's address (an int; None for none): a ctypes cast per character cost more than the call."""
    plain = type(func)(ctypes.cast(func, ctypes.c_void_p).value)
    plain.restype = ctypes.c_void_p
    return plain


def _char_box(text: str, x: float, y: float, m, size: float, descent: float, advance: float) -> FieldChar:
    """The character's box as pdfminer (pdfplumber) gives it: from the font's descent up by the
    font size, the advance wide, placed by the character's matrix at its origin. (A standard font
    without a descriptor has the descent of the font pdfium puts in its place, pdfminer the AFM's:
    Helvetica's box stands 0.2 pt lower at 13 pt.)"""
    x0, y0 = m.c * descent + x, m.d * descent + y
    x1, y1 = m.a * advance + m.c * (descent + size) + x, m.b * advance + m.d * (descent + size) + y
    return FieldChar(text, min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1))
