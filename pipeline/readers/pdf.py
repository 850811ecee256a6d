"""PDF reader: text of each page in reading order, OCR for pages without a text layer.

pdfium (pypdfium2) gives every character with its font box; pdf_layout turns them into lines,
reads the two-column header and the `Nơi nhận` / signature block column by column, drops page
numbers, running headers and rule lines, and marks paragraph starts with a blank line.
Values that signing services draw into signature fields (number, day) are put back into the line
they fill (pdf_fields). Scanned pages go through the `tesseract` CLI.
"""
from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import hashlib
import io
import math
import re
import shutil
import struct
import subprocess
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipeline import limits
from pipeline import proc as tools
from pipeline.errors import EmptyDocument, EncryptedFile, InputError, LimitExceeded, MissingTool
from pipeline.readers import pdf_layout as lay
from pipeline.readers.pdf_layout import Glyph, Row
from pipeline.readers.pdf_tables import Cell as GridCell, Grid, aligned_tables, find_tables, page_lines, rows_by_alignment
from pipeline.readers.pdf_tables import untyped as _untyped
from pipeline.readers.structure import Cell, Lines, write_table
from pipeline.textutil import CharTable
from schemas import RawBlock, RawText

OCR_DPI = 300
OCR_TIMEOUT = 180  # seconds per page
# An A3 page at 300 dpi is 17.4 million pixels; a larger page is rendered at a lower resolution, so a
# PDF that declares a page of metres cannot make a gigabyte image (tesseract needs ~20 bytes a pixel).
OCR_MAX_PIXELS = 25_000_000
OCR_PACKAGES = "tesseract-ocr tesseract-ocr-vie"
# A page is scanned when images cover much of it and it has (almost) no characters. A page with
# some text and a large picture (a certificate template in an annex) keeps its text layer.
_SCAN_MAX_CHARS = 20
_SCAN_MIN_IMAGE_SHARE = 0.3
_LEGACY_FONT = re.compile(r"^(?:[A-Z]{6}\+)?(?:\.?Vn[A-Z]|VNI[-_ ]?[A-Z])", re.I)
_BLANK_NUMBER = re.compile(r"Số\s*[:.]?\s*/")
_BLANK_DATE = re.compile(r"ngày\s+(?:tháng|/)|tháng\s+(?:năm|/)")
_NUMBER = re.compile(r"Số\s*[:.]?\s*(\d[\w/.\-&Đđ]*)")
_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")


@dataclass
class _Page:
    number: int  # 1-based
    width: float
    height: float
    rows: list[Row] = field(default_factory=list)
    ocr: bool = False
    garbled: bool = False  # the text layer's character maps are wrong: its words are mended from OCR
    legacy_font: bool = False
    headers: list[lay.Columns] = field(default_factory=list)
    line_gap: float = 0.0  # space between lines of one paragraph
    to_display: object = None  # PDF user space -> display points of the text layer
    grids: list[Grid] = field(default_factory=list)  # ruled tables
    kept_margins: tuple | None = field(default=None, repr=False, compare=False)  # (rows, their margins): _margins


def _margins(page: _Page) -> tuple[float, float]:
    """lay.left_right_margins of the page's rows, kept while page.rows is the same list: the layout asks
    for them a few times a page, and from then on it replaces the list to drop rows, changing none."""
    kept = page.kept_margins
    if kept is None or kept[0] is not page.rows:
        kept = page.kept_margins = (page.rows, lay.left_right_margins(page.rows))
    return kept[1]


def read_pdf(path: Path) -> RawText:
    import pypdfium2 as pdfium

    path = Path(path)
    note = _check_container(path)
    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        raise _load_error(exc) from None
    try:
        with _collector_paused():
            raw = _read(path, doc)
    finally:
        doc.close()
    if note:
        raw.warnings.append(note)
    return raw


@contextlib.contextmanager
def _collector_paused():
    """The cyclic garbage collector off while a PDF is read: the reader makes an object or two per
    character (glyphs, runs, rows), none in a reference cycle, and the collector's passes over them and
    over all else alive in the process cost ~8% of the reader. Cycles made meanwhile (pdfminer's
    document and parser) are collected once it is back on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


_PDF_SYNTAX = re.compile(rb"\d+\s+\d+\s+obj\b|\bendobj\b|\bendstream\b|\bxref\b|\btrailer\b|\bstartxref\b")


def _check_container(path: Path) -> str | None:
    """A PDF starts with %PDF- and ends with %%EOF; a cut file is refused, not half read. Bytes after
    the last %%EOF that are not PDF (a mail footer, a download tool's padding) are ignored, as every
    viewer does, with the returned warning; PDF objects there are an update cut short: refused."""
    size = path.stat().st_size
    if size == 0:
        raise EmptyDocument("the PDF file is empty")
    with open(path, "rb") as fh:
        head = fh.read(1024)
        fh.seek(max(0, size - 2048))
        tail = fh.read()
        if b"%PDF-" not in head:
            raise InputError("not a PDF: the file does not start with a %PDF- header")
        if b"%%EOF" in tail.rstrip(b"\x00\r\n\t\f ")[-1024:]:
            return None
        fh.seek(0)
        data = fh.read()
    end = data.rfind(b"%%EOF")
    if end < 0 or _PDF_SYNTAX.search(data, end + 5):
        raise InputError("the PDF is truncated or damaged: no %%EOF end marker at the end of the file")
    return f"{size - end - 5} bytes after the PDF's end marker (%%EOF) were ignored"


def _load_error(exc) -> InputError:
    import pypdfium2.raw as pdfium_c

    code = getattr(exc, "err_code", None)
    if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return EncryptedFile("the PDF is encrypted/password-protected")
    return InputError(f"the PDF cannot be opened (broken or not a PDF): {exc}")


def _read(path: Path, doc) -> RawText:
    import pypdfium2 as pdfium

    n = len(doc)
    max_pages = limits.current().max_pages  # refused before a page is read: OCR takes seconds a page
    if n > max_pages:
        raise LimitExceeded(f"the PDF has {n} pages; the limit is {max_pages} (--max-pages)")
    if n == 0:
        raise EmptyDocument("the PDF has no pages")
    warnings: list[str] = []
    pages: list[_Page] = []
    scanned: list[int] = []
    widget_pages: list[int] = []
    for i in range(n):
        try:
            page = doc[i]
            info, widgets = _text_layer(page, i + 1)
        except pdfium.PdfiumError as exc:
            raise InputError(f"page {i + 1} of the PDF cannot be read: {exc}") from None
        if widgets:
            widget_pages.append(i)
        if info is None:
            scanned.append(i)
            info = _Page(i + 1, *_display_size(page), ocr=True)
        pages.append(info)
    if scanned:
        _require_tesseract([i + 1 for i in scanned])
        for i in scanned:
            pages[i].rows, note = _ocr_rows(doc[i], i + 1)
            if note:
                warnings.append(note)
    incomplete = _garbled_pages(doc, pages, warnings)
    hints: dict[str, str] = {}
    # after every page is rendered for OCR: the fields are read by flattening them into their pages
    signed = _fill_fields(doc, pages, warnings, widget_pages) if widget_pages else False
    texts, blocks = _layout(pages)
    if signed:
        _signature_hints(pages, hints, warnings)
    encoding = None
    if any(p.legacy_font for p in pages):
        texts, encoding = _fix_legacy(texts, pages, warnings)
    if not any(t.strip() for t in texts):
        if scanned:
            raise EmptyDocument(f"OCR found no text on the {len(scanned)} scanned page(s) of the PDF")
        raise EmptyDocument("the PDF holds no text: no text layer and no scanned page images")
    ocr_pages = [p.number for p in pages if p.ocr or p.garbled]
    if scanned:
        warnings.append(f"{_pages([i + 1 for i in scanned])}: no text layer, text from OCR (tesseract, vie)")
    return RawText(format="pdf", pages=texts, paged=True, encoding=encoding, ocr_pages=ocr_pages,
                   warnings=warnings, hints=hints, blocks=blocks, incomplete=incomplete)


def _garbled_pages(doc, pages: list[_Page], warnings: list[str]) -> list[str]:
    """Pages whose text layer is not the Vietnamese it shows (pipeline.legacy.garbled): with tesseract,
    their words are mended from OCR (pdf_garbled), or the page is read from OCR alone when mending
    leaves it garbled; without, their text stays and the returned reasons make the file partial."""
    from pipeline.legacy import GARBLED_SHARE, garbled
    from pipeline.readers.pdf_garbled import Repair

    found: dict[int, str] = {}
    for i, page in enumerate(pages):
        if page.rows and not page.ocr:
            why = garbled(_page_plain_text(page))
            if why:
                found[i] = why
    if not found:
        return []
    where = _pages([i + 1 for i in found])
    first = min(found)
    what = f"the text layer is garbled (fonts with wrong character maps; page {first + 1}: {found[first]})"
    problem = _tesseract_status()
    if problem:
        note = (f"{where}: {what} and OCR cannot mend it: {problem}; install the Debian packages: "
                f"apt-get install {OCR_PACKAGES}")
        warnings.append(note)
        return [note]
    repair = Repair()
    ocr_rows = {}
    index = {}
    for i in found:
        ocr_rows[i], note = _ocr_rows(doc[i], i + 1)
        if note:
            warnings.append(note)
        index[i] = repair.add_page(pages[i].rows, ocr_rows[i])
    mended, replaced = 0, []
    for i in found:
        page = pages[i]
        page.garbled = True
        if not page.legacy_font:  # a legacy font's glyphs hold 8-bit codes, not letters to mend
            mended += repair.apply(index[i])
            for row in page.rows:
                row.changed()
        if page.legacy_font or garbled(_page_plain_text(page), mixed_share=GARBLED_SHARE):
            page.rows, page.ocr = ocr_rows[i], True
            replaced.append(i + 1)
    how = f"{mended} words mended from OCR (tesseract, vie)"
    if replaced:
        how += f"; {_pages(replaced)} read from OCR alone"
    warnings.append(f"{where}: {what}: {how}")
    return []


def _page_plain_text(page: _Page) -> str:
    return "\n".join(_unicode(r, page.legacy_font) for r in page.rows)


def _pages(nums: list[int]) -> str:
    """`page 3`, `pages 1, 2`, `pages 1-7`."""
    if len(nums) == 1:
        return f"page {nums[0]}"
    consecutive = nums == list(range(nums[0], nums[-1] + 1))
    return f"pages {nums[0]}-{nums[-1]}" if consecutive and len(nums) > 2 else "pages " + ", ".join(map(str, nums))


# ---------------------------------------------------------------- text layer

def _display_size(page) -> tuple[float, float]:
    left, bottom, right, top = page.get_cropbox()
    return abs(right - left), abs(top - bottom)


def _text_layer(page, number: int) -> tuple[_Page | None, bool]:
    """The page's glyphs as rows, or None when the page is a scan to OCR; and whether it has widgets."""
    widgets = _has_widget(page)
    textpage = page.get_textpage()
    try:
        glyphs, ink, fonts, to_display = _glyphs(textpage.raw, page)
    finally:
        textpage.close()
    width, height = _display_size(page)
    if ink < _SCAN_MAX_CHARS and _image_share(page, width * height) >= _SCAN_MIN_IMAGE_SHARE:
        return None, widgets
    info = _Page(number, width, height, rows=lay.rows_from_runs(lay.runs_from_stream(glyphs)), to_display=to_display,
                 grids=find_tables(*page_lines(page, to_display)))
    info.legacy_font = any(_LEGACY_FONT.match(f) for f in fonts)
    return info, widgets


def _has_widget(page) -> bool:
    """Whether the page has form-field widgets that draw text (signature fields draw the number and
    date there)."""
    from pipeline.readers.pdf_fields import draws_text

    return draws_text(page.raw)


def _glyphs(tp, page):
    """Characters with font boxes in display coordinates, the count of visible ones, the font
    names seen, and the mapping from PDF user space to display coordinates."""
    import pypdfium2.raw as c

    n = c.FPDFText_CountChars(tp)
    if n <= 0:
        return [], 0, set(), _transform(page, 0)
    buf = (ctypes.c_ushort * (n + 1))()
    c.FPDFText_GetText(tp, 0, n, buf)
    text = bytes(buf)[: 2 * n].decode("utf-16-le", "replace")
    if len(text) != n:  # characters outside the BMP: fall back to one call per character
        text = "".join(chr(c.FPDFText_GetUnicode(tp, i)) for i in range(n))
    angle = _dominant_angle(tp, n)
    to_display = _transform(page, angle)
    rect = c.FS_RECTF()
    rect_p = ctypes.byref(rect)
    loose_box = _untyped(c.FPDFText_GetLooseCharBox)  # given the textpage's pointer, an int and byref(FS_RECTF)
    box = struct.Struct("4f").unpack_from  # FS_RECTF's left, top, right, bottom in one call, not four fields
    origin = _Origins(tp, n, to_display)
    glyphs: list[Glyph] = []
    append = glyphs.append
    inks = lay.INK  # ink_text of each character, as Glyph keeps it
    # Glyphs are made without Glyph.__init__: object.__new__ and its slots set here cost half of what a
    # call of the class does, on every character of the page. The values are those __init__ would set.
    new = object.__new__
    ink = 0
    reach = math.inf  # 0.6 of the last ink glyph's size (none yet: the first glyph is looked at)
    skip = "\r\n\x00\ufffe\uffff"
    upright = angle == 0  # nearly every page: to_display's arithmetic inline, no call per corner
    left, _, _, top = page.get_cropbox()
    for i, ch in enumerate(text):
        if ch in skip:
            continue
        has_ink = inks.get(ch)
        if has_ink is None:
            has_ink = inks[ch] = lay.ink_text(ch)
        g = new(Glyph)
        g.text, g.word, g.fill = ch, False, False
        if not has_ink:
            # a space or a mark has no position of its own (it follows its neighbour): no box asked for
            g.x0 = g.x1 = g.top = g.bottom = 0.0
            g.size, g.ink = 1.0, False
            append(g)
            continue
        loose_box(tp, i, rect_p)
        r_left, r_top, r_right, r_bottom = box(rect)
        if upright:
            u0, u1, v0, v1 = r_left - left, r_right - left, top - r_top, top - r_bottom
        else:
            u0, v0 = to_display(r_left, r_top)
            u1, v1 = to_display(r_right, r_bottom)
        if u0 <= u1:
            g.x0, g.x1 = u0, u1
        else:
            g.x0, g.x1 = u1, u0
        if v0 <= v1:
            g.top, g.bottom = v0, v1
        else:
            g.top, g.bottom = v1, v0
        height = g.bottom - g.top
        g.size = size = 1.0 if height < 1.0 else height
        g.ink = True
        # only a box shorter than the one before can be a mark's fragment: one call per mark, not per glyph
        if size < reach:
            g = origin.mend(i, g)
            size = g.size
        append(g)
        ink += 1
        reach = 0.6 * size
    fonts: set[str] = set()
    name = ctypes.create_string_buffer(128)
    font_info, size = _untyped(c.FPDFText_GetFontInfo), ctypes.c_ulong(128)  # its length is an unsigned long
    for i in range(0, n, max(1, n // 40)):  # a sample is enough to see a legacy font family
        if font_info(tp, i, name, size, None):
            fonts.add(name.value.decode("latin-1"))
    return glyphs, ink, fonts, to_display


class _Origins:
    """Character origins of a text page, asked for the few glyphs whose box may be a mark's alone."""

    def __init__(self, tp, n: int, to_display):
        import pypdfium2.raw as c

        self.tp, self.n, self.to_display, self.call = tp, n, to_display, c.FPDFText_GetCharOrigin
        self.ox, self.oy = ctypes.c_double(), ctypes.c_double()

    def _at(self, i: int):
        if self.call(self.tp, i, ctypes.byref(self.ox), ctypes.byref(self.oy)):
            return self.to_display(self.ox.value, self.oy.value)
        return None

    def mend(self, i: int, g: Glyph) -> Glyph:
        """A font that declares no ascent/descent (LibreOffice exports some so) leaves pdfium the ink box,
        and for a letter with stacked marks that box may hold the top mark alone (`Ở`: its hook, wholly
        above the line and narrower than the letter). A box that stops above its glyph's own baseline is
        widened to the glyph's cell: down to the baseline, from its origin to the next glyph's origin."""
        at = self._at(i)
        if at is None:
            return g
        x0, x1, top, bottom = g.x0, g.x1, g.top, g.bottom
        start, base = at
        if not bottom < base < bottom + 4 * max(bottom - top, 1.0):  # an origin far off is no baseline
            return g
        bottom, x0 = base, min(x0, start)
        nxt = self._at(i + 1) if i + 1 < self.n else None
        if nxt is not None:
            end = nxt[0]
            if x1 < end < x0 + 2 * (bottom - top):
                x1 = end
        return Glyph(g.text, x0, x1, top, bottom)


def _dominant_angle(tp, n: int) -> int:
    """The text direction most characters have (0, 90, 180, 270 degrees counter-clockwise)."""
    import pypdfium2.raw as c

    votes = [0, 0, 0, 0]
    char_angle = _untyped(c.FPDFText_GetCharAngle)
    samples = range(0, n, max(1, n // 200))
    for i in samples:
        a = char_angle(tp, i)
        if a >= 0:
            k = int(round(math.degrees(a) / 90)) % 4
            votes[k] += 1
            if 2 * votes[k] > len(samples):
                break  # most of all the samples: no other direction can have more
    return 90 * votes.index(max(votes))


def _transform(page, angle: int):
    """Map PDF user space to display points (y down) in which text of `angle` runs left to right."""
    left, bottom, right, top = page.get_cropbox()
    if angle == 90:
        return lambda x, y: (y - bottom, x - left)
    if angle == 180:
        return lambda x, y: (right - x, y - bottom)
    if angle == 270:
        return lambda x, y: (top - y, right - x)
    return lambda x, y: (x - left, top - y)


def _image_share(page, area: float) -> float:
    import pypdfium2.raw as c

    covered = 0.0
    for obj in page.get_objects(filter=(c.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
        try:
            x0, y0, x1, y1 = obj.get_bounds()
        except Exception:  # an image without bounds does not help decide
            continue
        covered += abs(x1 - x0) * abs(y1 - y0)
    return covered / area if area else 0.0


# ---------------------------------------------------------------- OCR

@functools.lru_cache(maxsize=1)
def _tesseract_status() -> str | None:
    """None when tesseract with Vietnamese data is usable, else what is missing."""
    exe = shutil.which("tesseract")
    if not exe:
        return "the tesseract program is not installed"
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"tesseract cannot run: {exc}"
    langs = {line.strip() for line in (out.stdout + out.stderr).splitlines()}
    if "vie" not in langs:
        return "tesseract has no Vietnamese language data (vie)"
    return None


def _require_tesseract(pages: list[int]) -> None:
    problem = _tesseract_status()
    if problem:
        raise MissingTool(
            f"{_pages(pages)} of the PDF: scanned images that need OCR, but {problem}; "
            f"install the Debian packages: apt-get install {OCR_PACKAGES}"
        )


def ocr_dpi(width_pt: float, height_pt: float) -> float:
    """The resolution a page is rendered at for OCR: OCR_DPI, lowered so the image stays within
    OCR_MAX_PIXELS (a 7200 pt page at 300 dpi would be 900 million pixels)."""
    pixels = (width_pt / 72 * OCR_DPI) * (height_pt / 72 * OCR_DPI)
    if pixels <= OCR_MAX_PIXELS:
        return OCR_DPI
    return OCR_DPI * math.sqrt(OCR_MAX_PIXELS / pixels)


def _ocr_rows(page, number: int) -> tuple[list[Row], str | None]:
    """OCR one page image with tesseract; words become glyphs so the layout rules apply to them too."""
    width, height = _display_size(page)
    dpi = ocr_dpi(width, height)
    notes = []
    if dpi < OCR_DPI:
        notes.append(f"page {number} is {width / 72 * 2.54:.0f} x {height / 72 * 2.54:.0f} cm, larger than a "
                     f"document page: OCR'd at {dpi:.0f} dpi to stay within {OCR_MAX_PIXELS // 10**6} million pixels")
    image = page.render(scale=dpi / 72, grayscale=True, may_draw_forms=False).to_pil()
    png = io.BytesIO()
    image.save(png, format="PNG", compress_level=1)
    del image
    runs, confs = _tsv_runs(_tesseract_tsv(png.getvalue(), dpi, number), 72 / dpi)
    # Specks, seal edges and table borders come out as lines of bars and quotes: no text.
    runs = [r for r in runs if any(ch.isalnum() for g in r for ch in g.text)]
    if confs and sum(confs) / len(confs) < 60:
        notes.append(f"OCR confidence is low on page {number} ({sum(confs) / len(confs):.0f}/100): check its text")
    return lay.rows_from_runs(runs), "; ".join(notes) or None


_OCR_CACHE: dict[bytes, str] = {}
_OCR_CACHE_PAGES = 16


def _tesseract_tsv(png: bytes, dpi: float, number: int) -> str:
    """Tesseract's TSV for a page image. The same image is OCR'd once per process (a page takes ~10 s;
    a file parsed twice, by `vanban parse` then `review`, or by tests, reads the result again)."""
    key = hashlib.blake2b(png, digest_size=20).digest() + str(round(dpi)).encode()
    if key in _OCR_CACHE:
        return _OCR_CACHE[key]
    try:
        out = tools.run(["tesseract", "stdin", "stdout", "-l", "vie", "--dpi", str(round(dpi)), "tsv"],
                        input=png, timeout=OCR_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise InputError(f"OCR of page {number} took longer than {OCR_TIMEOUT} s") from None
    if out.returncode != 0:
        raise InputError(f"tesseract failed on page {number}: {out.stderr.decode('utf-8', 'replace')[-300:]}")
    tsv = out.stdout.decode("utf-8", "replace")
    if len(_OCR_CACHE) >= _OCR_CACHE_PAGES:
        del _OCR_CACHE[next(iter(_OCR_CACHE))]
    _OCR_CACHE[key] = tsv
    return tsv


def _tsv_runs(tsv: str, scale: float) -> tuple[list[list[Glyph]], list[float]]:
    """Tesseract TSV -> one run per OCR line, each word a glyph sharing the line's top and bottom."""
    lines: dict[tuple[str, str, str], list[tuple[str, float, float, float, float]]] = {}
    confs: list[float] = []
    for rec in tsv.splitlines()[1:]:
        cols = rec.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, w, h = (float(v) for v in cols[6:10])
        lines.setdefault((cols[2], cols[3], cols[4]), []).append((cols[11].strip(), left, left + w, top, top + h))
        try:
            confs.append(float(cols[10]))
        except ValueError:
            pass
    runs = []
    for words in lines.values():
        top = min(w[3] for w in words) * scale
        bottom = max(w[4] for w in words) * scale
        runs.append([Glyph(t, x0 * scale, x1 * scale, top, bottom, word=True) for t, x0, x1, _, _ in words])
    return runs, confs


# ---------------------------------------------------------------- signature fields

def _fill_fields(doc, pages: list[_Page], warnings: list[str], widget_pages: list[int]) -> bool:
    """Put values drawn by form fields (on the pages with widgets) into the gaps of the lines they
    fill. True when the PDF has signature fields."""
    from pipeline.readers.pdf_fields import field_texts

    found = field_texts(doc, widget_pages)
    filled = 0
    for ft in found:
        page = pages[ft.page] if ft.page < len(pages) else None
        if page is None or (page.ocr and not page.garbled):
            continue  # a scanned page already shows what the widget draws (a garbled one is OCR'd without)
        for word in _field_words(ft.chars, page.to_display):
            filled += _insert(page.rows, word)
    if filled:
        warnings.append(f"{filled} value(s) drawn in form/signature fields (not in the text layer) were put into the page text")
    return any(f.signature for f in found)


def _signature_hints(pages: list[_Page], hints: dict[str, str], warnings: list[str]) -> None:
    """Number and date of the first header, when signature-field values completed them; a warning
    when the header still shows blanks."""
    first = next((p for p in pages if p.rows and (p.garbled or not p.ocr)), None)
    if first is None or not first.headers:
        return
    header = first.rows[first.headers[0].start:first.headers[0].end]
    for row in header:
        if not row.filled:
            continue
        t = unicodedata.normalize("NFC", row.text)
        m = _NUMBER.search(t)
        if m and "number" not in hints:
            hints["number"] = m.group(1).rstrip(".,;:")
        m = _DATE.search(t)
        if m and "issued_date" not in hints:
            try:
                hints["issued_date"] = date(int(m[3]), int(m[2]), int(m[1])).isoformat()
            except ValueError:
                pass
    text = unicodedata.normalize("NFC", "\n".join(r.text for r in header))
    if _BLANK_NUMBER.search(text) or _BLANK_DATE.search(text):
        warnings.append("number and date are drawn in signature fields and could not be recovered")


def _field_words(chars, to_display) -> list[Glyph]:
    """Field glyphs grouped into words, in display coordinates."""
    words: list[Glyph] = []
    cur: list = []

    def flush():
        if cur:
            boxes = [(*to_display(ch.x0, ch.y1), *to_display(ch.x1, ch.y0)) for ch in cur]
            words.append(Glyph("".join(ch.text for ch in cur),
                               min(min(b[0], b[2]) for b in boxes), max(max(b[0], b[2]) for b in boxes),
                               min(min(b[1], b[3]) for b in boxes), max(max(b[1], b[3]) for b in boxes),
                               word=True, fill=True))
            cur.clear()

    for ch in chars:
        if not ch.text.strip():
            flush()
            continue
        if cur and ch.x0 - cur[-1].x1 > 0.3 * (ch.y1 - ch.y0):
            flush()
        cur.append(ch)
    flush()
    return words


def _insert(rows: list[Row], word: Glyph) -> int:
    """Insert a field word into the row whose baseline it shares, if it lands in a gap of that row."""
    best = None
    for row in rows:
        d = abs(row.bottom - word.bottom)
        if d <= 0.5 * max(row.size, word.size) and (best is None or d < best[0]):
            best = (d, row)
    if best is None:
        return 0
    row = best[1]
    if any(min(g.x1, word.x1) - max(g.x0, word.x0) > 0.5 for g in row.glyphs()):
        return 0  # drawn over printed text: not a fill-in
    for run in row.runs:
        ink = [g for g in run if g.ink]
        if ink and min(g.x0 for g in ink) < word.x0 and max(g.x1 for g in ink) > word.x1:
            # before the next printed glyph, after the spaces of the blank
            at = min(i for i, g in enumerate(run) if g.ink and g.x0 >= word.x1 - 0.5)
            run.insert(at, word)
            break
    else:
        row.runs.append([word])
        row.runs.sort(key=lambda r: min(g.x0 for g in r if g.ink))
    row.filled = True
    row.changed()
    return 1


# ---------------------------------------------------------------- page assembly

def _headers(page: _Page) -> list[lay.Columns]:
    """Two-column document headers: around each row holding the national motto (or the Party's
    name), the rows where text stands in two columns. A table at the top of a page has no motto,
    so it keeps its rows."""
    rows = page.rows
    if not rows:
        return []
    left, right = _margins(page)
    width = max(right - left, 1.0)
    found: list[lay.Columns] = []
    for i, row in enumerate(rows):
        if (found and i < found[-1].end) or not _MOTTO.search(_plain(row, page.legacy_font)):
            continue
        cols = lay.find_columns(rows, i, left + 0.2 * width, left + 0.75 * width, min_two_sided=2,
                                line_gap=page.line_gap, stop=lambda r: _opens_part(r, page.legacy_font))
        if cols is None:
            continue
        floor = found[-1].end if found else 0
        while (cols.start > floor and i - cols.start < 2 and rows[cols.start - 1].x1 < cols.gutter
               and rows[cols.start].top - rows[cols.start - 1].bottom < rows[cols.start].size):
            cols.start -= 1  # the issuer's parent body may stand a line above the motto
        found.append(cols)
    return found


def _layout(pages: list[_Page]) -> tuple[list[str], list[RawBlock]]:
    for page in pages:
        page.rows = [r for r in page.rows if not lay.is_rule_row(r)]
    numbers = lay.page_number_rows([lay.page_number_candidates(p.rows, p.height) for p in pages])
    for page, drop in zip(pages, numbers):
        page.rows = [r for i, r in enumerate(page.rows) if i not in drop]
    # Line spacing of the page, or of the document when the page has too few full lines to tell.
    gaps = [lay.typical_gap(p.rows, *_margins(p)) if p.rows else None for p in pages]
    known = sorted(g for g in gaps if g is not None)
    fallback = known[len(known) // 2] if known else 0.0
    for page, gap in zip(pages, gaps):
        page.line_gap = fallback if gap is None else gap
        page.headers = _headers(page)
    _aligned_tables(pages)
    # header columns and table rows are no running headers (a table's header repeated on each page)
    protected = [{i for c in p.headers for i in range(c.start, c.end)} | _grid_rows(p) for p in pages]
    running = lay.running_rows([p.rows for p in pages], [p.height for p in pages], protected)
    for page, drop in zip(pages, running):
        if drop:
            page.rows = [r for i, r in enumerate(page.rows) if i not in drop]
            page.headers = _headers(page)
    _join_broken_rows(pages)
    texts, blocks = [], []
    table = 0
    for page in pages:
        lines = _page_text(page, table)
        texts.append(lines.text())
        blocks.extend(lines.blocks)
        table += sum(1 for b in lines.blocks if b.kind == "table")
    return texts, blocks


def _join_broken_rows(pages: list[_Page]) -> None:
    """A table that ends a page and one that starts the next under the same columns are one table; when
    the next page's first row below its repeated header has no row number, it is the rest of a row the
    page end broke (`Từ tháng 3 đến tháng` / `9/2026`): its lines go into that row, on its page."""
    for prev, page in zip(pages, pages[1:]):
        if not prev.grids or not page.grids or not prev.rows or not page.rows:
            continue
        last, first = prev.grids[-1], page.grids[0]
        # the same columns: a column line and a boundary found by alignment stand a cell's padding apart;
        # the outer edges follow the text of each page's rows
        if len(last.xs) != len(first.xs) or any(abs(a - b) > 8.0 for a, b in zip(last.xs[1:-1], first.xs[1:-1])):
            continue
        _open_edge(prev, last, below=True)
        _open_edge(page, first, below=False)
        after, before = prev.rows[-1], page.rows[0]
        if (after.top + after.bottom) / 2 > last.bottom + 1 or (before.top + before.bottom) / 2 < first.top - 1:
            continue  # text after the table, or before the next one
        inside = [r for r in page.rows if first.top - 1 <= (r.top + r.bottom) / 2 <= first.bottom + 1]
        cells, outside = _cell_lines(inside, first)
        if outside:
            continue  # text in no cell of the grid: its rows are not what they seem
        head = first.header_rows or _repeated_header(prev, last, cells)
        row = cells[head] if head < len(cells) else []
        if not row or any(lines for c, lines in row if c.col == 0) or len(row) < 2 or any(c.col_span > 1 for c, _ in row):
            continue  # a numbered row, a group row: a row of its own
        last.tail = {c.col: lines for c, lines in row if lines}
        first.drop_row = head


def _open_edge(page: _Page, grid: Grid, below: bool) -> None:
    """A ruled table broken by a page end may leave its broken row without the border on that side (Word
    draws none there): lines between the grid and the page's end (or start) whose text stands in the
    grid's columns, none across a column line, are that row: the grid grows over them."""
    def centre(r):
        return (r.top + r.bottom) / 2

    rows = [r for r in page.rows if (centre(r) > grid.bottom + 1 if below else centre(r) < grid.top - 1)]
    if not rows or len(rows) > 6:
        return
    inner = grid.xs[1:-1]
    for r in rows:
        glyphs = r.glyphs()
        if min(g.x0 for g in glyphs) < grid.xs[0] - 2 or max(g.x1 for g in glyphs) > grid.xs[-1] + 2:
            return
        if any(g.x0 < x - 0.5 and g.x1 > x + 0.5 for g in glyphs for x in inner):
            return
    edge = (rows[-1].bottom + 1) if below else (rows[0].top - 1)
    n_cols = len(grid.xs) - 1
    if below:
        r0 = max(c.row + c.row_span for c in grid.cells)
        grid.cells.extend(GridCell(r0, k, 1, 1, grid.xs[k], grid.xs[k + 1], grid.ys[-1], edge) for k in range(n_cols))
        grid.ys.append(edge)
    else:
        for c in grid.cells:
            c.row += 1
        grid.cells[:0] = [GridCell(0, k, 1, 1, grid.xs[k], grid.xs[k + 1], edge, grid.ys[0]) for k in range(n_cols)]
        grid.ys.insert(0, edge)


def _repeated_header(prev: _Page, grid: Grid, cells) -> int:
    """1 when the table's first row repeats the first row of the table it continues (a ruled table whose
    header Word repeats on each page), else 0."""
    prev_rows = [r for r in prev.rows if grid.top - 1 <= (r.top + r.bottom) / 2 <= grid.bottom + 1]
    before, _ = _cell_lines(prev_rows, grid)
    if not before or not cells:
        return 0
    text = lambda row: [" ".join(lines) for _, lines in row]  # noqa: E731
    return 1 if text(before[0]) == text(cells[0]) else 0


def _grid_rows(page: _Page) -> set[int]:
    return {i for i, r in enumerate(page.rows)
            if any(g.top - 1 <= (r.top + r.bottom) / 2 <= g.bottom + 1 for g in page.grids)}


def _aligned_tables(pages: list[_Page]) -> None:
    """Tables without ruling lines, found by their columns (pdf_tables.aligned_tables), page after page:
    one that runs to a page's end goes on at the top of the next under the same columns."""
    carry = None
    for page in pages:
        if not page.rows:
            carry = None
            continue
        # a ruled grid with column lines only is cut into rows by its text first
        page.grids = [rows_by_alignment([r for r in page.rows if g.top - 1 <= (r.top + r.bottom) / 2 <= g.bottom + 1], g)
                      for g in page.grids]
        skip = {i for c in page.headers for i in range(c.start, c.end)} | _grid_rows(page)
        grids, carry = aligned_tables(page.rows, carry if not page.grids else None, skip)
        page.grids = sorted(page.grids + grids, key=lambda g: g.top)


# Matched on letters only, without tone marks: OCR and old fonts get marks wrong more often than letters.
# Its first words are enough: a narrow cell wraps the motto anywhere (`CỘNG HÒA XÃ HỘI` / `CHỦ NGHĨA VIỆT NAM`).
_MOTTO = re.compile(r"conghoaxahoi|dangcongsanviet")


def _unicode(row: Row, legacy: bool) -> str:
    """Row text in NFC, legacy font text converted (kept with the row: headers, signature blocks and
    the garbled-text check each ask for it)."""
    return row.memo(("unicode", legacy), lambda: unicodedata.normalize("NFC", _legacy(row)[0] if legacy else row.text))


def _legacy(row: Row) -> tuple[str, str | None]:
    """fix_legacy of the row's text, kept: _fix_legacy converts the page's lines, mostly these rows."""
    return row.memo("legacy", lambda: _legacy_line(row.text))


def _legacy_line(text: str) -> tuple[str, str | None]:
    try:
        from pipeline.legacy import fix_legacy
    except ImportError:
        return text, None
    return fix_legacy(text)


def _plain_char(ch: str) -> str | None:
    """What a character gives _plain: a letter or digit stays, anything else (a combining mark, a space,
    punctuation) is dropped."""
    return ch if ch.isalnum() and not unicodedata.combining(ch) else None


# the combining marks NFD gives Vietnamese letters (U+0300-U+036F) are mapped up front too: nearly every
# row has them, and a character outside the eager ranges costs a look for new ones in the row
_PLAIN_CHARS = CharTable(_plain_char, eager=((0, 0x250), (0x300, 0x370), (0x1E00, 0x1F00)))


def _plain(row: Row, legacy: bool) -> str:
    """Row text to match anchors against: lower case, letters and digits only, tone marks and
    spaces dropped."""
    return row.memo(("plain", legacy), lambda: _PLAIN_CHARS.translate(unicodedata.normalize(
        "NFD", _unicode(row, legacy).casefold().replace("đ", "d"))))


def _opens_part(row: Row, legacy: bool) -> bool:
    """`Kính gửi:` or a document type name (`KẾ HOẠCH`): the body or the next document begins
    there, however close to a header or signature column it stands."""
    from pipeline.segment import is_type_title

    return _plain(row, legacy).startswith("kinhgui") or is_type_title(_unicode(row, legacy))


def _regions(page: _Page) -> list[lay.Columns]:
    """Two-column blocks of the page: document headers, and signature blocks beside `Nơi nhận`."""
    rows = page.rows
    left, right = _margins(page)
    width = max(right - left, 1.0)
    found: list[lay.Columns] = list(page.headers)

    def inside(i: int) -> bool:
        return any(c.start <= i < c.end for c in found)

    for i, row in enumerate(rows):
        if inside(i):
            continue
        cols = None
        if _plain(row, page.legacy_font).startswith("noinhan"):
            first = i
            while first - 1 >= 0 and not inside(first - 1) and i - first < 3 and rows[first - 1].x0 > left + 0.45 * width:
                first -= 1  # `TM. ỦY BAN NHÂN DÂN` may stand a line or two above `Nơi nhận:`
            cols = lay.find_columns(rows, first, left + 0.2 * width, left + 0.8 * width, min_two_sided=1,
                                    line_gap=None, stop=lambda r: _opens_part(r, page.legacy_font))
        if cols and not any(inside(j) for j in range(cols.start, cols.end)):
            found.append(cols)
    return sorted(found, key=lambda c: c.start)


def _table_regions(page: _Page) -> list[tuple[lay.Columns, Grid]]:
    """The rows each ruled table holds (a region of the page, its gutter unused)."""
    out = []
    for grid in page.grids:
        inside = [i for i, r in enumerate(page.rows) if grid.top - 1 <= (r.top + r.bottom) / 2 <= grid.bottom + 1]
        if inside:
            out.append((lay.Columns(inside[0], inside[-1] + 1, 0.0), grid))
    return out


def _page_text(page: _Page, first_table: int = 0) -> Lines:
    """The page's lines, with blocks: the header columns, the signature block, each ruled table's cells."""
    out = Lines(page.number - 1)
    rows = page.rows
    if not rows:
        return out
    left, right = _margins(page)
    gap = page.line_gap
    tables = _table_regions(page)
    regions: list[tuple[lay.Columns, object]] = [(c, g) for c, g in tables]
    for cols in _regions(page):
        if not any(cols.start < t.end and t.start < cols.end for t, _ in tables):
            regions.append((cols, "header_cell" if cols in page.headers else "signature"))
    regions.sort(key=lambda r: r[0].start)
    pos = 0
    number = first_table

    def emit(lines: list[str], kind: str | None) -> None:
        lines = lay.join_number_breaks([lay.strip_rule(line) for line in lines])
        if not any(lines):
            return
        out.blank()
        block = out.open(kind) if kind else None
        out.add("\n".join(lines))
        if block is not None:
            out.close(block)

    for cols, what in regions:
        if cols.start < pos:
            continue
        emit(lay.body_lines(rows[pos:cols.start], left, right, gap), None)
        if isinstance(what, Grid):
            cells, outside = _cell_lines(rows[cols.start:cols.end], what)
            if what.drop_row is not None and what.drop_row < len(cells):
                del cells[what.drop_row]  # the rest of the row the page before ends with (_join_broken_rows)
            if what.tail and cells:
                cells[-1] = [(c, lines + what.tail.get(c.col, [])) for c, lines in cells[-1]]
            write_table(out, [[Cell(lines, c.col_span, c.row_span, c.col) for c, lines in row] for row in cells], number)
            number += 1
            emit(outside, None)
        else:
            for column in lay.split_columns(rows[cols.start:cols.end], cols.gutter):
                emit(column, what)
        pos = cols.end
    emit(lay.body_lines(rows[pos:], left, right, gap), None)
    return out


def _cell_lines(rows: list[Row], grid: Grid):
    """Each grid cell's lines (rows of table, a cell at a time in reading order), and the text of the
    table's rows that falls in no cell. A glyph goes to the cell holding its centre. Kept with the grid
    for the same rows and cells: a table broken by a page end is read on both pages before its text is
    written (rows do not change in the layout, a grid's cells may: _open_edge)."""
    key = (tuple(map(id, rows)), tuple((id(c), c.row, c.col, c.row_span, c.col_span, c.x0, c.x1, c.top, c.bottom)
                                       for c in grid.cells))
    kept = grid.memo.get(key)
    if kept is None:
        kept = grid.memo[key] = (*_read_cells(rows, grid), rows)  # the rows held: their ids stay theirs
    by_row, outside, _ = kept
    return [list(row) for row in by_row], list(outside)  # callers edit the lists, not the cells' lines


def _read_cells(rows: list[Row], grid: Grid):
    texts: dict[int, list[str]] = {id(c): [] for c in grid.cells}
    outside: list[str] = []
    cell_at = grid.locator()
    for row in rows:
        parts: dict[int, list] = {}
        stray: list = []
        for run in row.runs:
            current = None
            target = stray
            for g in run:
                if g.ink:
                    cell = cell_at((g.x0 + g.x1) / 2, (g.top + g.bottom) / 2)
                    if cell is not current:  # a cell's run stays the same list until this run ends
                        current = cell
                        target = stray if cell is None else parts.setdefault(id(cell), [[]])[-1]
                target.append(g)
            for runs in parts.values():  # a run of content order crossing a cell border starts anew there
                if runs[-1]:
                    runs.append([])
        for key, runs in parts.items():
            text = lay.render([r for r in runs if any(g.ink for g in r)])
            if text:
                texts[key].append(text)
        if any(g.ink for g in stray):
            outside.append(lay.render([stray]))
    by_row: list[list[tuple]] = []
    for c in grid.cells:
        while len(by_row) <= c.row:
            by_row.append([])
        by_row[c.row].append((c, texts[id(c)]))
    return [row for row in by_row], outside


def _fix_legacy(texts: list[str], pages: list[_Page], warnings: list[str]) -> tuple[list[str], str | None]:
    try:
        from pipeline.legacy import ENCODINGS, fix_legacy
    except ImportError:
        warnings.append("the PDF uses legacy TCVN3/VNI fonts (.VnTime, VNI-Times) and pipeline.legacy is not "
                        "available: Vietnamese letters are not converted")
        return texts, None
    used: set[str] = set()
    out = []
    for text, page in zip(texts, pages):
        if page.legacy_font:
            # fix_legacy(text) a line at a time (it converts each line on its own; a line break
            # is no part of what it reads), so the lines its rows gave are not converted again
            known = {r.text: _legacy(r) for r in page.rows}
            lines = [known.get(line) or fix_legacy(line) for line in text.split("\n")]
            text = "\n".join(line for line, _ in lines)
            encs = {e for _, enc in lines if enc for e in enc.split("+")}
            if encs:
                used.add("+".join(e for e in ENCODINGS if e in encs))
        out.append(text)
    if used:
        enc = "+".join(sorted(used))
        warnings.append(f"converted from {enc} (legacy font encoding) to Unicode")
        return out, enc
    return out, None
