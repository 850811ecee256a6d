"""Small PDFs drawn glyph by glyph for the reader's tests: text in embedded TrueType fonts at given
positions, sizes and render modes, and straight lines (table rulings), written with pdfium's own
page-object API (no PDF library beyond the one the reader uses).

Coordinates are points from the top-left corner of an A4 page (y down, as the reader's display
space); `y` is a text line's baseline.
"""
from __future__ import annotations

import ctypes
from pathlib import Path

import pytest

FONT_FILES = {
    "serif": ["/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"],
    "serif-bold": ["/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
                   "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf"],
    "sans": ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"],
}
A4 = (595.0, 842.0)


def font_file(name: str) -> Path:
    for candidate in FONT_FILES[name]:
        if Path(candidate).exists():
            return Path(candidate)
    pytest.skip(f"no {name} TrueType font with Vietnamese letters (apt-get install fonts-dejavu-core)")


class PdfBuilder:
    """pages of positioned text and lines; `save(path)` writes the PDF."""

    def __init__(self, size: tuple[float, float] = A4):
        import pypdfium2 as pdfium
        import pypdfium2.raw as c

        self._c = c
        self.doc = pdfium.PdfDocument.new()
        self.width, self.height = size
        self._fonts: dict[str, object] = {}
        self._font_data: list = []  # kept alive until the document is saved
        self._page = None
        self.pages: list = []

    def page(self) -> "PdfBuilder":
        self._finish()
        self._page = self._c.FPDFPage_New(self.doc.raw, len(self.pages), self.width, self.height)
        self.pages.append(self._page)
        return self

    def _font(self, name: str):
        if name not in self._fonts:
            data = font_file(name).read_bytes()
            buf = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
            self._font_data.append(buf)
            self._fonts[name] = self._c.FPDFText_LoadFont(self.doc.raw, buf, len(data), self._c.FPDF_FONT_TRUETYPE, True)
        return self._fonts[name]

    def text(self, x: float, y: float, text: str, size: float = 13.0, font: str = "serif", mode: int = 0,
             color: tuple[int, int, int] = (0, 0, 0)) -> "PdfBuilder":
        """One text object: `text` from (x, baseline y), in `font` at `size` points, render mode `mode`
        (0 fill, 1 stroke, 2 fill and stroke, 3 invisible, 7 clip only)."""
        c = self._c
        obj = c.FPDFPageObj_CreateTextObj(self.doc.raw, self._font(font), size)
        wide = ctypes.create_unicode_buffer(text)  # pdfium reads UTF-16LE: encode explicitly
        data = (text + "\0").encode("utf-16-le")
        buf = ctypes.create_string_buffer(data, len(data))
        c.FPDFText_SetText(obj, ctypes.cast(buf, c.FPDF_WIDESTRING))
        del wide
        c.FPDFTextObj_SetTextRenderMode(obj, mode)
        c.FPDFPageObj_SetFillColor(obj, *color, 255)
        c.FPDFPageObj_SetStrokeColor(obj, *color, 255)
        c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, self.height - y)
        c.FPDFPage_InsertObject(self._page, obj)
        return self

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.5) -> "PdfBuilder":
        c = self._c
        path = c.FPDFPageObj_CreateNewPath(x0, self.height - y0)
        c.FPDFPath_LineTo(path, x1, self.height - y1)
        c.FPDFPageObj_SetStrokeColor(path, 0, 0, 0, 255)
        c.FPDFPageObj_SetStrokeWidth(path, width)
        c.FPDFPath_SetDrawMode(path, c.FPDF_FILLMODE_NONE, True)
        c.FPDFPage_InsertObject(self._page, path)
        return self

    def lines(self, x: float, y: float, lines: list[str], size: float = 13.0, leading: float = 17.0, **kw) -> float:
        """Lines of text one under the other from baseline y; returns the baseline after the last."""
        for line in lines:
            if line:
                self.text(x, y, line, size=size, **kw)
            y += leading
        return y

    def _finish(self) -> None:
        if self._page is not None:
            self._c.FPDFPage_GenerateContent(self._page)

    def save(self, path: Path) -> Path:
        self._finish()
        for page in self.pages:
            self._c.FPDF_ClosePage(page)
        self.pages, self._page = [], None
        self.doc.save(path)
        self.doc.close()
        return path


def text_width(text: str, size: float = 13.0, font: str = "serif") -> float:
    """Advance width of text in points (for placing a value into a blank, a cell beside another)."""
    from PIL import ImageFont
    return ImageFont.truetype(str(font_file(font)), 1000).getlength(text) * size / 1000
