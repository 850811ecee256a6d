"""PDF reader on the real PDFs of ../shared/corpus: reading order, page furniture, signature
fields, OCR of scanned pages, and clear errors for bad files."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from pipeline.errors import EmptyDocument, EncryptedFile, InputError, LimitExceeded, MissingTool
from pipeline.readers import pdf as pdf_reader
from pipeline.readers import pdf_layout as lay
from pipeline.readers import reader_for
from pipeline.readers.pdf import read_pdf
from tests.conftest import shared_file

QD35 = "real/hanoi_2024_QD_35-2024-QD-UBND_cong-dan-thu-do-uu-tu.pdf"  # signed, Word
QD11 = "real/hanoi_2025_QD_11-2025-QD-UBND_SGDDT-chuc-nang.pdf"  # signed, 16 pages, annex renumbered
QD32 = "real/hanoi_2025_QD_32-2025-QD-UBND_dinh-muc-thuy-loi.pdf"  # signed, macron rule lines
NQ11 = "real/hanoi_2025_NQ_11-2025-NQ-HDND_phan-cap-ngan-sach.pdf"  # number printed, not signed
BINHDUONG = "real-converted/binhduong_2009_CT_09-2009-CT-UBND_khcn.pdf"  # LibreOffice: cells share lines
HANOI2010 = "real-converted/hanoi_2010_QD_15-2010-QD-UBND_internet.pdf"
SCAN_4532 = "real/phutho_2011_CV_4532-UBND-KSTTHC_scan.pdf"
SCAN_275 = "real/phutho_2011_CV_275-STTTT-CNTT_scan.pdf"
TEXT_PDFS = [QD35, QD11, QD32, NQ11, BINHDUONG, HANOI2010,
             "real-converted/cantho_2010_QD_09-2010-QD-UBND_khcn.pdf",
             "real-converted/phutho_2011_KH_STTTT_trien-khai-phan-mem-QLVB.pdf"]

_cache: dict[str, object] = {}


def read(relative: str):
    if relative not in _cache:  # each real file is read once per session
        _cache[relative] = read_pdf(shared_file(relative))
    return _cache[relative]


def lines(text: str) -> list[str]:
    return [unicodedata.normalize("NFC", line) for line in text.split("\n")]


def index_of(page_lines: list[str], pattern: str) -> int:
    for i, line in enumerate(page_lines):
        if re.search(pattern, line):
            return i
    raise AssertionError(f"no line matches {pattern!r}:\n" + "\n".join(page_lines[:30]))


def test_pdf_reader_is_registered():
    assert reader_for(Path("x.PDF")) is read_pdf


# ---------------------------------------------------------------- reading order

@pytest.mark.parametrize("relative", TEXT_PDFS)
def test_header_columns_are_read_one_after_the_other(relative):
    page = lines(read(relative).pages[0])
    number = index_of(page, r"^Số\s*:")
    motto = index_of(page, r"^CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM$")
    date = index_of(page, r"ngày .*tháng .*năm")
    assert number < motto < date
    assert not re.search(r"ngày|tháng", page[number]), "number and date interleaved"
    assert "CỘNG HÒA" not in page[index_of(page, r"^(ỦY BAN|HỘI ĐỒNG|UBND)")]


def test_header_of_an_enclosed_document_on_a_later_page():
    page3 = lines(read(HANOI2010).pages[2])
    assert page3[:2] == ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI"]
    assert index_of(page3, r"^CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM$") > 1


@pytest.mark.parametrize("relative,page_no,last_recipient,authority", [
    (HANOI2010, 2, "- Lưu: VT, VHKGh.", "KT. CHỦ TỊCH"),
    (BINHDUONG, 4, "- Lưu VT.", "KT.CHỦ TỊCH"),
    (QD35, 1, "- Lưu: VT, SNV.", "CHỦ TỊCH"),
])
def test_signature_block_columns_do_not_interleave(relative, page_no, last_recipient, authority):
    page = lines(read(relative).pages[page_no - 1])
    start = index_of(page, r"^Nơi nhận:$")
    end = page.index(last_recipient)
    recipients = page[start + 1:end + 1]
    assert recipients and all(line.startswith("-") for line in recipients), recipients
    assert index_of(page, "^" + re.escape(authority) + "$") > end


def test_page_count_and_page_of_a_phrase():
    raw = read(QD11)
    assert raw.paged and raw.format == "pdf" and len(raw.pages) == 16
    phrase = "Căn cứ Nghị định số 127/2018/NĐ-CP"
    assert [i + 1 for i, p in enumerate(raw.pages) if phrase in unicodedata.normalize("NFC", p)] == [2]


@pytest.mark.parametrize("relative", [QD11, QD35, HANOI2010, BINHDUONG])
def test_page_numbers_are_removed(relative):
    raw = read(relative)
    for number, page in enumerate(raw.pages, start=1):
        # a ruled table's cells may hold a bare number (a row number of a table carried over from the page before)
        in_cells = {i for b in raw.blocks if b.page == number - 1 and b.kind == "table_cell"
                    for i in range(b.line_start, b.line_end)}
        text = [line for i, line in enumerate(page.split("\n")) if line.strip() and i not in in_cells]
        if not text:
            continue
        assert not re.fullmatch(r"\d{1,3}", text[0]), f"page {number} starts with {text[0]!r}"
        assert not re.fullmatch(r"\d{1,3}", text[-1]), f"page {number} ends with {text[-1]!r}"


def test_table_cells_that_are_numbers_stay():
    # the tax-share table of the resolution ends rows with "100"; they are not page numbers
    text = "\n".join(read(NQ11).pages)
    assert len(re.findall(r"\b100$", text, re.M)) > 10


def test_rule_lines_of_macrons_and_underscores_are_dropped():
    for relative in (QD32, HANOI2010):
        text = "\n".join(read(relative).pages)
        assert not re.search(r"^[\s¯_\-—–]+$", text, re.M)
        assert "¯" not in text


def test_paragraphs_are_separated_and_lines_kept():
    page = lines(read(BINHDUONG).pages[0])
    i = index_of(page, r"^Trong thời gian qua")
    assert page[i - 1] == ""  # a paragraph starts
    assert page[i + 1].startswith("huyện, thị xã được tỉnh quan tâm")  # one line per visual line


# ---------------------------------------------------------------- signature fields

@pytest.mark.parametrize("relative,number,issued", [
    (QD35, "35/2024/QĐ-UBND", "2024-05-28"),
    (QD11, "11/2025/QĐ-UBND", "2025-02-28"),
    (QD32, "32/2025/QĐ-UBND", "2025-04-16"),
])
def test_number_and_date_drawn_in_signature_fields_are_recovered(relative, number, issued):
    raw = read(relative)
    assert raw.hints == {"number": number, "issued_date": issued}
    page = lines(raw.pages[0])
    assert f"Số: {number}" in page  # the value is put into the blank it fills
    assert any("form/signature fields" in w for w in raw.warnings)
    assert not any("could not be recovered" in w for w in raw.warnings)


def test_body_blanks_filled_by_signature_fields():
    text = unicodedata.normalize("NFC", "\n".join(read(QD32).pages))
    assert "\n150/TTr-SNNMT ngày 11 tháng 4 năm 2025" in text  # the proposal the decision cites
    assert "có hiệu lực kể từ ngày 26 tháng 4 năm 2025" in text


def test_signature_field_glyphs_have_pdfminers_boxes():
    """pdf_fields reads the widgets through pdfium with the boxes pdfminer gave them (values taken from
    pdfminer's LTChar): from the font's descent up by the font size, the advance wide; a slanted field
    (`16`, matrix c 0.2126) as wide at its top as pdfminer makes it, not as pdfium's loose box."""
    import pypdfium2 as pdfium

    from pipeline.readers.pdf_fields import draws_text, field_texts

    doc = pdfium.PdfDocument(shared_file(QD32))
    try:
        pages = []
        for i in range(len(doc)):
            page = doc[i]
            if draws_text(page.raw):
                pages.append(i)
        found = field_texts(doc, pages)
    finally:
        doc.close()
    assert pages == [0, 1]
    assert [(f.page, f.signature, "".join(ch.text for ch in f.chars)) for f in found] == [
        (0, True, "32"), (0, True, "16"), (0, True, "4"), (1, True, "150"), (1, True, "11"), (1, True, "4"),
        (1, True, "26 4")]  # pdfium keeps one of a run of spaces: a word ends there all the same
    six = found[1].chars[1]
    assert (six.x0, six.x1, six.y0, six.y1) == pytest.approx((384.9059, 394.1692, 716.505, 729.505), abs=1e-3)
    two = found[0].chars[1]
    assert (two.x0, two.x1, two.y0, two.y1) == pytest.approx((126.5, 133.0, 716.505, 729.505), abs=1e-3)


def _pdf_with_widgets(path: Path) -> Path:
    """One page with a blank (`So:        /QD-UBND`) and six annotations drawing a value each in
    Helvetica: a widget of a signature field whose type its parent field gives (35), a NoView one (99),
    a hidden one (77), a stamp (55), a check box in state /On (12, its /Off drawing 00), and an
    Invisible-flagged text field (44, a widget's type being known, it is drawn)."""
    def stream(head: bytes, data: bytes) -> bytes:
        return b"<< " + head + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

    def shown(value: bytes) -> bytes:
        return stream(b"/Type /XObject /Subtype /Form /BBox [0 0 40 20] /Resources << /Font << /F1 4 0 R >> >>",
                      b"BT /F1 13 Tf 2 4 Td (" + value + b") Tj ET")

    widget = b"<< /Type /Annot /Subtype /Widget %s /Rect [%d 696 %d 716] /F %d /AP << /N %s >> >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R] >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R /Annots [7 0 R 8 0 R 9 0 R 10 0 R 11 0 R 12 0 R] >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        stream(b"", b"BT /F1 13 Tf 72 700 Td (So:        /QD-UBND) Tj ET"),
        b"<< /FT /Sig /T (sig1) /Kids [7 0 R] >>",
        widget % (b"/Parent 6 0 R", 100, 140, 4, b"13 0 R"),
        widget % (b"/FT /Sig", 200, 240, 4 | 32, b"14 0 R"),
        widget % (b"/FT /Sig", 250, 290, 4 | 2, b"15 0 R"),
        b"<< /Type /Annot /Subtype /Stamp /Rect [300 696 340 716] /F 4 /AP << /N 16 0 R >> >>",
        widget % (b"/FT /Btn /AS /On", 350, 390, 4, b"<< /On 17 0 R /Off 18 0 R >>"),
        widget % (b"/FT /Tx", 400, 440, 4 | 1, b"19 0 R"),
        shown(b"35"), shown(b"99"), shown(b"77"), shown(b"55"), shown(b"12"), shown(b"00"), shown(b"44"),
    ]
    out, offsets = b"%PDF-1.7\n", []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(out)
    return path


def test_only_shown_widgets_give_field_text(tmp_path):
    """Hidden and NoView widgets and other annotations draw no field text; a check box draws its state's
    appearance; a widget's field type may be its parent field's."""
    import pypdfium2 as pdfium

    from pipeline.readers.pdf_fields import field_texts

    doc = pdfium.PdfDocument(_pdf_with_widgets(tmp_path / "widgets.pdf"))
    try:
        found = field_texts(doc, [0])
    finally:
        doc.close()
    assert [(f.signature, "".join(ch.text for ch in f.chars)) for f in found] == [(True, "35"), (False, "12"), (False, "44")]
    raw = read_pdf(tmp_path / "widgets.pdf")
    assert raw.pages[0].split("\n")[0].startswith("So: 35/QD-UBND")


def test_unrecoverable_signature_fields_give_a_warning_not_a_guess(monkeypatch):
    from pipeline.readers import pdf_fields

    monkeypatch.setattr(pdf_fields, "field_texts", lambda doc, pages=None: [pdf_fields.FieldText(0, True, [])])
    raw = read_pdf(shared_file(QD35))
    assert raw.hints == {}
    assert "number and date are drawn in signature fields and could not be recovered" in raw.warnings
    assert "Số: /2024/QĐ-UBND" in lines(raw.pages[0])


def test_unsigned_pdf_has_no_hints():
    raw = read(NQ11)
    assert raw.hints == {} and raw.warnings == []


# ---------------------------------------------------------------- bad input

def test_truncated_pdf_is_an_input_error(tmp_path):
    for relative in (QD32, BINHDUONG):  # QD32's first half holds a complete earlier revision
        data = shared_file(relative).read_bytes()
        cut = tmp_path / "cut.pdf"
        cut.write_bytes(data[: len(data) // 2])
        with pytest.raises(InputError, match="truncated"):
            read_pdf(cut)


def test_random_bytes_are_an_input_error(tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(os.urandom(5000))
    with pytest.raises(InputError, match="not a PDF"):
        read_pdf(junk)
    junk.write_bytes(b"%PDF-1.7\n" + os.urandom(5000) + b"\n%%EOF\n")
    with pytest.raises(InputError, match="cannot be opened"):
        read_pdf(junk)
    junk.write_bytes(b"")
    with pytest.raises(EmptyDocument):
        read_pdf(junk)


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: bytes) -> bytes:
    """A one-page PDF protected by the standard security handler, revision 2 (PDF 32000-1, 7.6.3)."""
    pad = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
    padded = (user_password + pad)[:32]
    owner = _rc4(hashlib.md5((b"owner" + pad)[:32]).digest()[:5], padded)
    perms, file_id = -4, b"0123456789abcdef"
    key = hashlib.md5(padded + owner + perms.to_bytes(4, "little", signed=True) + file_id).digest()[:5]
    user = _rc4(key, pad)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /Filter /Standard /V 1 /R 2 /O <" + owner.hex().encode() + b"> /U <"
            + user.hex().encode() + b"> /P " + str(perms).encode() + b" >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, file_id.hex().encode(), file_id.hex().encode(), xref))
    return bytes(out)


def test_encrypted_pdf_is_reported(tmp_path):
    import pypdfium2 as pdfium

    locked = tmp_path / "locked.pdf"
    locked.write_bytes(encrypted_pdf(b"secret"))
    assert len(pdfium.PdfDocument(locked, password="secret")) == 1  # the fixture is a valid encrypted PDF
    with pytest.raises(EncryptedFile, match="encrypted/password-protected"):
        read_pdf(locked)


def test_pdf_without_text_is_empty(tmp_path):
    import pypdfium2 as pdfium

    blank = pdfium.PdfDocument.new()
    blank.new_page(595, 842)
    path = tmp_path / "blank.pdf"
    blank.save(path)
    with pytest.raises(EmptyDocument):
        read_pdf(path)


def test_page_limit():
    from pipeline import limits
    with limits.applied(limits.Limits(max_pages=3)), pytest.raises(LimitExceeded, match="max-pages"):
        read_pdf(shared_file(BINHDUONG))


def test_decomposed_file_name(tmp_path):
    name = unicodedata.normalize("NFD", "NQsố11.2025.pdf")
    link = tmp_path / name
    link.symlink_to(shared_file(NQ11))  # a link, not a copy of the shared file
    assert read_pdf(link).pages == read(NQ11).pages


def test_rotated_page_reads_the_same(tmp_path):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(shared_file(BINHDUONG))
    doc[0].set_rotation(90)
    path = tmp_path / "rotated.pdf"
    doc.save(path)
    doc.close()
    assert read_pdf(path).pages[0] == read(BINHDUONG).pages[0]


# ---------------------------------------------------------------- scanned pages

def _mixed_pdf(tmp_path) -> Path:
    """Page 1 with a text layer, page 2 a scan."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    out.import_pages(pdfium.PdfDocument(shared_file(BINHDUONG)), [0])
    out.import_pages(pdfium.PdfDocument(shared_file(SCAN_4532)), [0])
    path = tmp_path / "mixed.pdf"
    out.save(path)
    return path


def test_scanned_pages_without_tesseract_name_the_packages(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "_tesseract_status", lambda: "the tesseract program is not installed")
    with pytest.raises(MissingTool, match="tesseract-ocr tesseract-ocr-vie") as err:
        read_pdf(_mixed_pdf(tmp_path))
    assert str(err.value).startswith("page 2 of the PDF")  # detected per page: page 1 has its text layer


needs_ocr = pytest.mark.skipif(pdf_reader._tesseract_status() is not None,
                               reason=f"OCR unavailable: {pdf_reader._tesseract_status()}")


@needs_ocr
def test_scanned_letter_is_read_by_ocr():
    raw = read(SCAN_4532)
    assert raw.ocr_pages == [1, 2] and len(raw.pages) == 2
    page1 = lines(raw.pages[0])
    assert "trước ngày 05/01/2012" in raw.pages[0]
    assert index_of(page1, r"^Kính gửi") > index_of(page1, r"^CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM$")
    assert "CỘNG HOÀ" not in page1[index_of(page1, r"ỦY BAN NHÂN DÂN")]
    assert any("OCR" in w for w in raw.warnings)


@needs_ocr
def test_second_scan_gives_text():
    raw = read(SCAN_275)
    assert raw.ocr_pages == [1, 2]
    assert "trước ngày 22/ 12/ 2011" in raw.pages[0] or "trước ngày 22/12/2011" in raw.pages[0]


@needs_ocr
def test_only_the_scanned_page_is_ocred(tmp_path):
    raw = read_pdf(_mixed_pdf(tmp_path))
    assert raw.ocr_pages == [2]
    assert raw.pages[0] == read(BINHDUONG).pages[0]


def test_a_ruled_table_row_broken_by_a_page_end_is_one_row():
    """Nghị quyết 11/2025 of Hà Nội: the annex table runs over pages 3-6; page 4 starts with row `4 | Thuế sử
    dụng đất phi nông nghiệp`, whose top border Word leaves out, and its last row breaks into page 5: the
    row joins the table and the broken cell is one cell, on the page it starts on."""
    from pipeline import parse
    result = parse(shared_file(NQ11))
    cells = [b for b in result.blocks if b.kind == "table_cell"]
    text = lambda b: result.text[b.start:b.end]  # noqa: E731
    row4 = next(b for b in cells if text(b) == "Thuế sử dụng đất phi nông nghiệp")
    assert row4.page == 4 and row4.row == 0
    assert any(text(b) == "4" and b.table == row4.table and b.row == 0 and b.col == 0 for b in cells)
    broken = next(b for b in cells if text(b).startswith("Các khoản thu hồi vốn của ngân sách địa phương"))
    assert broken.page == 4 and text(broken).endswith("đại diện chủ sở hữu vốn nhà nước.")


# ---------------------------------------------------------------- stamps drawn into the text layer

def _stamped_pdf(path: Path, size: float, rise: float, mode: int, stop: str) -> Path:
    """A plan's header printed with blanks (`Số:          /KH-UBND`, `ngày      tháng`), then the number
    and the day the signing tool stamps into them: drawn after the page, in another font and size, a
    little off the line's baseline, in render mode `mode`, both in one text run."""
    from tests.pdf_builder import PdfBuilder, text_width
    b = PdfBuilder().page()
    b.text(80, 60, "ỦY BAN NHÂN DÂN", size=12).text(70, 76, "TỈNH QUẢNG NAM", size=12, font="serif-bold")
    b.text(80, 100, "Số:          /KH-UBND")
    b.text(300, 60, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, font="serif-bold")
    b.text(330, 76, "Độc lập - Tự do - Hạnh phúc", font="serif-bold")
    b.text(320, 100, "Quảng Nam, ngày      tháng 5 năm 2025")
    b.text(250, 150, "KẾ HOẠCH", font="serif-bold")
    b.lines(60, 175, ["Triển khai chuyển đổi số năm 2025", "", "I. MỤC ĐÍCH",
                      "1. Sở Nội vụ chủ trì tổ chức tập huấn trước ngày 30/6/2025."])
    red = (200, 0, 0)
    b.text(80 + text_width("Số: ") + 4, 100 + rise, "3070" + stop, size=size, font="sans", mode=mode, color=red)
    b.text(320 + text_width("Quảng Nam, ngày ") + 2, 100 + rise, "20", size=size, font="sans", mode=mode, color=red)
    return b.save(path)


def _layer_chars(path: Path) -> Counter:
    """Every character of the PDF's text layer but spaces, as pdfium reads it (what pdftotext shows)."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(path)
    try:
        text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    return Counter(ch for ch in unicodedata.normalize("NFC", text) if not ch.isspace())


@pytest.mark.parametrize("size,rise,mode,stop", [
    (11, 1.5, 0, ""),  # smaller, a little lower
    (14, -1.5, 0, "."),  # larger than the blank, higher, with a full stop (`Số: 3070. /KH-UBND`)
    (12, 0.0, 2, ""),  # fill and stroke
    (12, 0.5, 3, ""),  # invisible text over a stamp image
    (12, 0.0, 7, ""),  # glyphs that clip the stamp's ink
])
def test_stamped_number_and_day_are_read_where_they_stand(tmp_path, size, rise, mode, stop):
    from pipeline import parse
    path = _stamped_pdf(tmp_path / "stamped.pdf", size, rise, mode, stop)
    raw = read_pdf(path)
    page = lines(raw.pages[0])
    assert index_of(page, f"^Số: 3070{re.escape(stop)} ?/KH-UBND$") < index_of(page, "^Quảng Nam, ngày 20 tháng 5 năm 2025$")
    # every glyph of the text layer is kept
    assert Counter(ch for ch in unicodedata.normalize("NFC", raw.pages[0]) if not ch.isspace()) == _layer_chars(path)
    doc = parse(path).documents[0]
    assert (doc.number, str(doc.issued_date), doc.issuer) == ("3070/KH-UBND", "2025-05-20", "Ủy ban nhân dân tỉnh Quảng Nam")


# ---------------------------------------------------------------- two-column headers drawn line by line

MOTTO, MOTTO2 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"


def _header_pdf(path: Path, left: list[str], right: list[str], left_top: float = 60, right_top: float = 60,
                left_centre: float = 150, right_centre: float = 400, right_size: float = 12) -> Path:
    """A plan whose header is two cells of centred lines, as Word prints a borderless header table: the
    issuer and number on the left, the motto (wrapped where the cell is narrow) and date on the right;
    the cells' first lines need not share a baseline."""
    from tests.pdf_builder import PdfBuilder, text_width
    b = PdfBuilder().page()

    def centred(cx: float, y: float, text: str, size: float) -> None:
        font = "serif" if text.startswith(("Số", "ỦY BAN")) or "ngày" in text else "serif-bold"
        b.text(cx - text_width(text, size, font) / 2, y, text, size=size, font=font)

    for i, line in enumerate(left):
        centred(left_centre, left_top + 16 * i, line, 12.5)
    for i, line in enumerate(right):
        centred(right_centre, right_top + 16 * i, line, right_size)
    y = max(left_top + 16 * len(left), right_top + 16 * len(right)) + 30
    centred(297, y, "KẾ HOẠCH", 13)
    b.text(200, y + 18, "Triển khai chuyển đổi số năm 2025")
    b.lines(60, y + 50, ["I. MỤC ĐÍCH", "1. Sở Nội vụ chủ trì tổ chức tập huấn trước ngày 30/6/2025."])
    return b.save(path)


QUANG_NAM = ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM", "Số: 45/KH-UBND"]
DATED = "Quảng Nam, ngày 12 tháng 3 năm 2025"


@pytest.mark.parametrize("left,right,layout,issuer,parent", [
    (QUANG_NAM, [MOTTO, MOTTO2, DATED], {}, "Ủy ban nhân dân tỉnh Quảng Nam", None),
    # the motto wrapped in a narrow cell, after any word
    (QUANG_NAM, ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "VIỆT NAM", MOTTO2, DATED], {}, "Ủy ban nhân dân tỉnh Quảng Nam", None),
    (QUANG_NAM, ["CỘNG HÒA XÃ HỘI", "CHỦ NGHĨA VIỆT NAM", MOTTO2, DATED], {}, "Ủy ban nhân dân tỉnh Quảng Nam", None),
    (["BỘ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 45/KH-BGDĐT"], ["CỘNG HÒA XÃ HỘI CHỦ", "NGHĨA VIỆT NAM", "Độc lập - Tự do -",
                                                    "Hạnh phúc", "Hà Nội, ngày 12 tháng 3 năm 2025"], {},
     "Bộ Giáo dục và Đào tạo", None),
    # the issuer's cell centred lower than the motto's, its lines between the motto's
    (QUANG_NAM, ["CỘNG HÒA XÃ HỘI CHỦ", "NGHĨA VIỆT NAM", MOTTO2, DATED], {"left_top": 70}, "Ủy ban nhân dân tỉnh Quảng Nam", None),
    (QUANG_NAM, ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "VIỆT NAM", MOTTO2, DATED], {"left_top": 68}, "Ủy ban nhân dân tỉnh Quảng Nam", None),
    (["UBND TỈNH ĐỒNG THÁP", "SỞ KHOA HỌC VÀ", "CÔNG NGHỆ", "Số: 45/KH-SKHCN"],
     ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "VIỆT NAM", MOTTO2, "Đồng Tháp, ngày 12 tháng 3 năm 2025"], {},
     "Sở Khoa học và Công nghệ tỉnh Đồng Tháp", "Ủy ban nhân dân tỉnh Đồng Tháp"),
    (["SỞ Y TẾ", "Số: 45/KH-SYT"], [MOTTO, MOTTO2, DATED], {"left_centre": 110, "right_centre": 380, "right_size": 13.5},
     "Sở Y tế", None),
])
def test_issuer_is_the_left_column_above_the_number(tmp_path, left, right, layout, issuer, parent):
    """The issuer is the left column's lines above the number, never a line of the motto's column,
    however the motto wraps and whichever cell starts higher."""
    from pipeline import parse
    path = _header_pdf(tmp_path / "header.pdf", left, right, **layout)
    page = lines(read_pdf(path).pages[0])
    assert page[:len(left)] == left
    doc = parse(path).documents[0]
    assert (doc.issuer, doc.parent_issuer, doc.number, str(doc.issued_date)) == (
        issuer, parent, left[-1].removeprefix("Số: "), "2025-03-12")


# ---------------------------------------------------------------- garbled text layers

SOUND = ("Điều 3. Chánh Văn phòng Ủy ban nhân dân Thành phố; Giám đốc Sở Nội vụ; thủ trưởng các sở, ban, ngành, "
         "đơn vị trực thuộc Thành phố, Mặt trận Tổ quốc và các tổ chức chính trị - xã hội Thành phố; Chủ tịch Ủy "
         "ban nhân dân các quận, huyện, thị xã; các tập thể, cá nhân liên quan chịu trách nhiệm thi hành Quyết định "
         "này. Quy chế này quy định về đối tượng, nguyên tắc, tiêu chuẩn, quy trình, hồ sơ xét tặng; kinh phí khen "
         "thưởng và quyền lợi cá nhân được tặng thưởng danh hiệu; quy trình, hồ sơ đề nghị thu hồi danh hiệu.")
# what hanoi_2024_QD_35's text layer says for accented vowels: plain letters and Cyrillic look-alikes
BROKEN_MAP = str.maketrans({"à": "j", "á": "i", "é": "p", "í": "t", "ã": "m", "ì": "u", "ó": "y", "è": "q"})
CYRILLIC = str.maketrans({"ứ": "ӭ", "ồ": "ӗ", "ả": "ҧ", "ạ": "ҥ", "ấ": "ҩ"})


def test_garbled_text_layers_are_told_from_sound_ones():
    from pipeline.legacy import garbled
    assert garbled(SOUND) is None
    assert "no Vietnamese syllable" in garbled(SOUND.translate(BROKEN_MAP))  # plain letters only: `cic`, `njy`
    assert "another script" in garbled(SOUND.translate(CYRILLIC))  # `chӭc`: two such words are enough
    # every page of the sound PDFs; English (`Internet`, a web site's copyright notice), chemical symbols
    # (`Hg`, `Cd`, `Vibrio`) and Tây Nguyên place names (`Đắk Lắk`, `Krông`) cut into pages of 3000 characters
    for relative in TEXT_PDFS[1:]:
        assert all(garbled(page) is None for page in read(relative).pages), relative
    for name in ("thanhhoa_2025_KH_235-KH-UBND_quan-trac-thuy-san.md", "daklak_2025_KH_0129-KH-UBND.md",
                 "hcm_2025_CV_4085-UBND-DT_du-lieu-so-nha.md"):
        text = shared_file(f"real/{name}").read_text(encoding="utf-8")
        assert all(garbled(text[i:i + 3000]) is None for i in range(0, len(text), 3000)), name


@needs_ocr
def test_garbled_pages_are_mended_from_ocr():
    """hanoi_2024_QD_35: Word fonts re-embedded by the signing tool with wrong character maps on pages 1-7
    and 9 (`Quy chế njy`, `Thjnh phố`, `chӭc`). Each such page is OCR'd and its words mended: the layer's
    digits, punctuation and signature-field values stay, OCR gives the letters the map hides."""
    from pipeline.legacy import GARBLED_SHARE, garbled
    raw = read(QD35)
    assert raw.ocr_pages == [1, 2, 3, 4, 5, 6, 7, 9]
    assert any("text layer is garbled" in w and "mended from OCR" in w for w in raw.warnings)
    assert all(garbled(page, mixed_share=GARBLED_SHARE) is None for page in raw.pages)
    assert raw.hints == {"number": "35/2024/QĐ-UBND", "issued_date": "2024-05-28"}  # fields kept
    from pipeline import parse
    result = parse(shared_file(QD35))
    assert result.status == "success" and result.ocr_pages == raw.ocr_pages
    text = result.text
    for wrong in ("Thjnh", "njy", "xpt", "chӭc", "Cic ", "thing"):
        assert wrong not in text
    assert "Quy chế này quy định về đối tượng, nguyên tắc, tiêu chuẩn, quy trình, hồ sơ xét tặng;" in text
    assert "Điều 3. Chánh Văn phòng Ủy ban nhân dân Thành phố; Giám đốc Sở Nội vụ;" in text
    assert "- Lưu: VT, SNV." in text and "Trần Sỹ Thanh" in text
    decision = result.documents[0]
    assert (decision.doc_type, decision.number, decision.issuer, str(decision.issued_date)) == (
        "quyet_dinh", "35/2024/QĐ-UBND", "Ủy ban nhân dân thành phố Hà Nội", "2024-05-28")
    assert decision.signer.name == "Trần Sỹ Thanh"


def test_garbled_words_are_mended_word_by_word():
    """The layer keeps what it has right (`phố`, where OCR lost the tone: `phó`), takes OCR's word where its
    own is no syllable (`Thjnh`, `chӭc`), learns the font's swaps from those (`j` is `à`, `i` is `á`) and so
    mends a word that is a syllable by chance (`Chinh` for `Chánh`) and one OCR missed (`cic`)."""
    from pipeline.readers.pdf_garbled import Repair

    def rows(words: list[str], word_glyphs: bool):
        out, x = [], 50.0
        for w in words:
            if word_glyphs:
                out.append(lay.Glyph(w, x, x + 6 * len(w), 88, 100, word=True))
            else:
                out.extend(glyphs(w, x, 100) + [lay.Glyph(" ", x + 6 * len(w), x + 6 * len(w) + 3, 88, 100)])
            x += 6 * len(w) + 6
        return lay.rows_from_runs(lay.runs_from_stream(out))

    layer = "Chinh Văn phòng Thjnh phố và cic tổ chӭc cic ban ngjnh Thjnh ủy cic cơ quan".split()
    ocr = "Chánh Văn phòng Thành phó và các tổ chức các ban ngành Thành ủy ~ cơ quan".split()
    layer_rows = rows(layer, False)
    repair = Repair()
    page = repair.add_page(layer_rows, rows(ocr, True))
    assert repair.apply(page) == 8
    layer_rows[0].changed()
    assert layer_rows[0].text == "Chánh Văn phòng Thành phố và các tổ chức các ban ngành Thành ủy các cơ quan"


def test_garbled_pages_without_tesseract_make_the_file_partial(monkeypatch):
    monkeypatch.setattr(pdf_reader, "_tesseract_status", lambda: "the tesseract program is not installed")
    from pipeline import parse
    result = parse(shared_file(QD35))
    assert result.status == "partial" and result.ocr_pages == []
    [note] = [w for w in result.warnings if "garbled" in w]
    assert note.startswith("pages 1, 2, 3, 4, 5, 6, 7, 9: the text layer is garbled")
    assert "tesseract program is not installed" in note and "tesseract-ocr tesseract-ocr-vie" in note


# ---------------------------------------------------------------- layout rules on synthetic glyphs

def glyphs(text: str, x: float, bottom: float, size: float = 12.0, width: float = 6.0) -> list[lay.Glyph]:
    out = []
    for ch in text:
        if unicodedata.combining(ch):  # a mark drawn over the letter before it, its box to the left
            out.append(lay.Glyph(ch, x - width * 1.5, x - width, bottom - size, bottom))
            continue
        out.append(lay.Glyph(ch, x, x + width, bottom - size, bottom))
        x += width
    return out


def test_combining_marks_stay_with_their_letter():
    nfd = unicodedata.normalize("NFD", "Số: 28-CT/TW ngày tháng năm")
    rows = lay.rows_from_runs(lay.runs_from_stream(glyphs(nfd, 50, 100)))
    assert len(rows) == 1
    assert rows[0].text == nfd


def test_two_cells_on_one_baseline_split_at_the_gutter():
    stream = glyphs("ỦY BAN NHÂN DÂN", 60, 100) + glyphs("CỘNG HÒA XÃ HỘI", 300, 100) \
        + glyphs("TỈNH BẾN TRE", 70, 116) + glyphs("Độc lập - Tự do", 310, 116) \
        + glyphs("Số: 12/KH-UBND", 65, 140) + glyphs("Bến Tre, ngày 3", 320, 140) \
        + glyphs("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 và", 60, 180)
    rows = lay.rows_from_runs(lay.runs_from_stream(stream))
    cols = lay.find_columns(rows, 0, 150, 400, min_two_sided=2, line_gap=0.0)
    assert cols is not None and (cols.start, cols.end) == (0, 3)
    left, right = lay.split_columns(rows[:3], cols.gutter)
    assert left == ["ỦY BAN NHÂN DÂN", "TỈNH BẾN TRE", "Số: 12/KH-UBND"]
    assert right == ["CỘNG HÒA XÃ HỘI", "Độc lập - Tự do", "Bến Tre, ngày 3"]


def test_wrapped_subject_stays_in_its_column_and_the_title_does_not():
    stream = glyphs("UBND TỈNH SÓC TRĂNG", 60, 100) + glyphs("CỘNG HÒA XÃ HỘI", 300, 100) \
        + glyphs("Số: 12/UBND-VX", 66, 116) + glyphs("Sóc Trăng, ngày 3", 310, 116) \
        + glyphs("V/v phòng chống", 66, 132) + glyphs("dịch bệnh", 84, 148) \
        + glyphs("Kính gửi: Sở Y tế", 200, 190)
    rows = lay.rows_from_runs(lay.runs_from_stream(stream))
    cols = lay.find_columns(rows, 0, 150, 400, min_two_sided=2, line_gap=4.0)
    assert cols is not None and (cols.start, cols.end) == (0, 4)
    left, right = lay.split_columns(rows[:4], cols.gutter)
    assert left == ["UBND TỈNH SÓC TRĂNG", "Số: 12/UBND-VX", "V/v phòng chống", "dịch bệnh"]
    assert right == ["CỘNG HÒA XÃ HỘI", "Sóc Trăng, ngày 3"]


def test_header_cells_whose_lines_interleave_are_read_column_by_column():
    # The motto wraps in its narrow cell, so the right cell's lines fall between the left cell's;
    # the cells' paragraphs are spaced, and the title after the header stays body text.
    stream = glyphs("UBND TỈNH HẬU GIANG", 60, 100) + glyphs("CỘNG HÒA XÃ HỘI", 300, 100) \
        + glyphs("VIỆT NAM", 300, 114) + glyphs("SỞ GIÁO DỤC", 60, 124) \
        + glyphs("Độc lập - Tự do", 300, 142) + glyphs("Số: 310/KH-SGDĐT", 60, 152) \
        + glyphs("Hậu Giang, ngày 20", 300, 168) + glyphs("2024", 300, 184) \
        + glyphs("KẾ HOẠCH", 60, 226)
    rows = lay.rows_from_runs(lay.runs_from_stream(stream))
    cols = lay.find_columns(rows, 0, 150, 400, min_two_sided=2, line_gap=4.0)
    assert cols is not None and (cols.start, cols.end) == (0, 7)  # not the title, rows[7]
    left, right = lay.split_columns(rows[:7], cols.gutter)
    assert left == ["UBND TỈNH HẬU GIANG", "SỞ GIÁO DỤC", "Số: 310/KH-SGDĐT"]
    assert right == ["CỘNG HÒA XÃ HỘI", "VIỆT NAM", "Độc lập - Tự do", "Hậu Giang, ngày 20", "2024"]


def test_a_column_ends_where_the_stop_row_stands():
    stream = glyphs("UBND TỈNH SÓC TRĂNG", 60, 100) + glyphs("CỘNG HÒA XÃ HỘI", 300, 100) \
        + glyphs("Số: 12/UBND-VX", 66, 116) + glyphs("Sóc Trăng, ngày 3", 310, 116) \
        + glyphs("V/v phòng chống", 66, 132) + glyphs("Kính gửi:", 66, 148)
    rows = lay.rows_from_runs(lay.runs_from_stream(stream))
    assert lay.find_columns(rows, 0, 150, 400, min_two_sided=2, line_gap=4.0).end == 4
    cols = lay.find_columns(rows, 0, 150, 400, min_two_sided=2, line_gap=4.0,
                            stop=lambda row: row.text.startswith("Kính gửi"))
    assert (cols.start, cols.end) == (0, 3)


def test_a_lower_case_line_after_a_paragraph_space_carries_on_its_sentence():
    stream = glyphs("Thực hiện Quyết định số 812/QĐ-UBND của Ủy ban nhân", 60, 100) \
        + glyphs("dân tỉnh", 60, 130) + glyphs("a) Sở Y tế chủ trì", 60, 160) \
        + glyphs("Các sở phối hợp.", 60, 190) + glyphs("các huyện thực hiện", 60, 220)
    rows = lay.rows_from_runs(lay.runs_from_stream(stream))
    assert lay.body_lines(rows, 60, 400, 4.0) == [
        "Thực hiện Quyết định số 812/QĐ-UBND của Ủy ban nhân", "dân tỉnh", "", "a) Sở Y tế chủ trì", "",
        "Các sở phối hợp.", "", "các huyện thực hiện"]


def test_justified_body_lines_are_not_columns():
    stream = []
    for i in range(4):  # word spaces line up by chance; they are narrow
        stream += glyphs("Các sở ban ngành", 60, 100 + 16 * i) + glyphs("huyện thị xã tổ chức", 160, 100 + 16 * i)
    rows = lay.rows_from_runs(lay.runs_from_stream(stream))
    assert lay.find_columns(rows, 0, 100, 300, min_two_sided=2, line_gap=0.0) is None


@pytest.mark.parametrize("before,after", [
    (["theo Chỉ thị số 28-", "CT/TW ngày 25/12/2018"], ["theo Chỉ thị số 28-CT/TW", "ngày 25/12/2018"]),
    (["Quyết định số 15/2010/", "QĐ-UBND ngày 26/4/2010"], ["Quyết định số 15/2010/QĐ-UBND", "ngày 26/4/2010"]),
    (["Kế hoạch số 61-", "CTr/TU"], ["Kế hoạch số 61-CTr/TU"]),
    (["giai đoạn 2021-", "2025 và các năm"], ["giai đoạn 2021-", "2025 và các năm"]),  # not a document number
    (["kinh tế - xã hội, 28-", "Các sở"], ["kinh tế - xã hội, 28-", "Các sở"]),
])
def test_document_number_split_at_line_end_is_joined(before, after):
    assert lay.join_number_breaks(before) == after


def test_running_headers_repeated_in_the_margin_are_found():
    pages = []
    for p in range(4):
        stream = glyphs(f"CÔNG BÁO TỈNH SÓC TRĂNG Số {10 + p}", 60, 40) \
            + glyphs("Điều 5. Trách nhiệm của các sở, ban, ngành", 60, 200) \
            + glyphs("Sở Y tế chủ trì, phối hợp với các cơ quan liên quan", 60, 216)
        pages.append(lay.rows_from_runs(lay.runs_from_stream(stream)))
    found = lay.running_rows(pages, [842.0] * 4, [set()] * 4)
    assert found == [{0}] * 4
    assert lay.running_rows(pages, [842.0] * 4, [{0}, set(), set(), set()])[0] == set()  # a header is kept
    assert lay.running_rows(pages[:2], [842.0] * 2, [set()] * 2) == [set(), set()]  # two pages prove nothing


def test_legacy_font_pdf_is_converted_or_flagged():
    raw = read("legacy/2006-16EZE_TT01.06GopvonDNNVV.pdf")  # fonts VnTime: TCVN3 bytes
    page = lines(raw.pages[0])
    assert raw.encoding == "tcvn3"
    assert "Thông tư" in page
    assert index_of(page, r"^ngân hàng nhà nước$") < index_of(page, r"^cộng hoà xã hội chủ nghĩa việt nam$")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice: apt-get install libreoffice-writer-nogui")
def test_stacked_mark_capital_stays_on_its_line(tmp_path):
    """LibreOffice exports a plain text file in a font that declares no ascent/descent: pdfium then gives
    ink boxes, and the box of `Ở` holds its hook alone, above the line. The letter stays in its word."""
    from pipeline.readers.doc import convert_to_docx

    source = tmp_path / "signer.txt"
    source.write_text("ỦY BAN NHÂN DÂN TỈNH\nKT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\nNguyễn Văn An\n", encoding="utf-8")
    pdf = convert_to_docx(source, tmp_path, target="pdf")
    lines = [line.strip() for line in "\n".join(read_pdf(pdf).pages).splitlines() if line.strip()]
    assert lines[:4] == ["ỦY BAN NHÂN DÂN TỈNH", "KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "Nguyễn Văn An"]


# --- shortcuts of the reader give what the plain computation gives -------------------------------------------

def test_path_objects_are_those_get_objects_gives():
    """pdf_tables reads path objects through pdfium's raw calls: the same objects, in the same order, as
    pypdfium2's get_objects on pages with table borders and without."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    from pipeline.readers.pdf_tables import _path_objects

    doc = pdfium.PdfDocument(shared_file(QD11))
    try:
        seen = 0
        for i in (0, 9, 15):
            page = doc[i]
            ours = [ctypes_address(o) for o in _path_objects(page.raw, max_depth=4)]
            theirs = [ctypes_address(o.raw) for o in page.get_objects(filter=(c.FPDF_PAGEOBJ_PATH,), max_depth=4)]
            assert ours == theirs
            seen += len(ours)
        assert seen > 100  # page 10 is a ruled table
    finally:
        doc.close()


def ctypes_address(handle) -> int:
    import ctypes

    return ctypes.cast(handle, ctypes.c_void_p).value


def test_cell_locator_answers_as_cell_at():
    """Grid.locator (bisection over the cells' edges) finds the cell cell_at's scan finds: for every glyph
    centre of a real page's ruled tables, for points on the edges and corners, and outside the grid."""
    from pipeline.readers.pdf_tables import find_tables, page_lines
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(shared_file(QD11))
    try:
        page = doc[10]
        grids = find_tables(*page_lines(page, pdf_reader._transform(page, 0)))
        info, _ = pdf_reader._text_layer(page, 11)
    finally:
        doc.close()
    assert grids
    points = [((g.x0 + g.x1) / 2, (g.top + g.bottom) / 2) for row in info.rows for g in row.glyphs()]
    checked = 0
    for grid in grids:
        edges_x = sorted({v for cell in grid.cells for v in (cell.x0, cell.x1)})
        edges_y = sorted({v for cell in grid.cells for v in (cell.top, cell.bottom)})
        extra = [(x, y) for x in edges_x for y in edges_y[:3]] + [(edges_x[0] - 5, edges_y[0] + 5),
                                                                  (edges_x[-1] + 5, edges_y[-1] - 5),
                                                                  (float("nan"), edges_y[1])]
        at = grid.locator()
        for x, y in points + extra:
            assert at(x, y) is grid.cell_at(x, y), (x, y)
            checked += grid.cell_at(x, y) is not None
    assert checked > 500


def test_row_memo_is_forgotten_when_the_row_changes():
    """The plain text anchors are matched against is kept with the row until its runs change."""
    row = lay.Row([glyphs("Nơi nhận:", 10, 100)])
    assert pdf_reader._plain(row, False) == "noinhan"
    assert pdf_reader._unicode(row, False) == "Nơi nhận:"
    row.runs[0][0].text = "M"
    assert pdf_reader._plain(row, False) == "noinhan"  # kept
    row.changed()
    assert pdf_reader._plain(row, False) == "moinhan"
    assert pdf_reader._unicode(row, False) == "Mơi nhận:"


def test_plain_keeps_letters_and_digits_of_any_script():
    """_plain's table (a CharTable) drops what the per-character definition drops, inside and outside the
    ranges it maps up front."""
    import random

    rnd = random.Random(15)
    texts = ["Nơi nhận: UBND tỉnh (để b/c); Lưu: VT.", unicodedata.normalize("NFD", "cộng hòa xã hội ²½ Ⅳ ⓐ")]
    texts += ["".join(chr(rnd.randrange(0x3000)) for _ in range(40)) for _ in range(2000)]
    for text in texts:
        assert pdf_reader._PLAIN_CHARS.translate(text) == "".join(
            ch for ch in text if ch.isalnum() and not unicodedata.combining(ch))


def test_glyph_ink_is_that_of_its_character():
    """Glyph keeps each character's ink once looked at: letters ink, spaces and combining marks not."""
    for _ in range(2):
        for ch in ("a", "Đ", "5", " ", "\u00a0", "\t", "\u0301", "\u0323", "ơ", "_"):
            assert lay.Glyph(ch, 0, 5, 0, 10).ink == lay.ink_text(ch) == (not (ch.isspace() or unicodedata.combining(ch)))
    assert lay.Glyph(" ", 0, 5, 0, 10, word=True).ink
    assert lay.Glyph("a", 0, 5, 0, 0.5).size == 1.0 and lay.Glyph("a", 0, 5, 0, 10).size == 10



def test_text_layer_glyphs_are_those_glyph_makes():
    """_glyphs sets each glyph's slots itself (no Glyph.__init__ call per character): every slot is set,
    to what Glyph(text, x0, x1, top, bottom) gives, on every page of the real text-layer PDFs."""
    import pypdfium2 as pdfium

    slots = lay.Glyph.__slots__
    for relative in TEXT_PDFS:
        doc = pdfium.PdfDocument(shared_file(relative))
        try:
            for i in range(len(doc)):
                page = doc[i]
                textpage = page.get_textpage()
                glyphs = pdf_reader._glyphs(textpage.raw, page)[0]
                textpage.close()
                for g in glyphs:
                    made = lay.Glyph(g.text, g.x0, g.x1, g.top, g.bottom)
                    assert [getattr(g, s) for s in slots] == [getattr(made, s) for s in slots], (relative, i, g)
        finally:
            doc.close()

def test_may_head_counts_roles_as_each_role_expression_does():
    """_may_head looks first for any role at all: the answer is that of counting the roles one by one,
    on every line of a real PDF with annex tables and on header lines."""
    from extractors.tables import ROLES
    from pipeline.readers.pdf_tables import _may_head

    texts = [line for page in read(QD11).pages for line in page.split("\n")]
    texts += ["TT | Nội dung | Cơ quan chủ trì | Thời gian hoàn thành", "STT Nhiệm vụ Đơn vị phối hợp",
              "Sản phẩm chủ yếu", "Ghi chú", "ĐVT", "Thời hạn Kinh phí", ""]
    heads = 0
    for text in texts:
        expected = sum(1 for role, rx in ROLES if role != "number" and rx.search(text)) >= 2
        assert _may_head(text) == expected, text
        heads += expected
    assert heads >= 3


def test_untyped_loose_box_gives_the_binding_boxes():
    """The glyph loop calls FPDFText_GetLooseCharBox without pypdfium2's argument types: the same boxes."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    doc = pdfium.PdfDocument(shared_file(BINHDUONG))
    try:
        textpage = doc[0].get_textpage()
        tp, n = textpage.raw, c.FPDFText_CountChars(textpage.raw)
        plain = pdf_reader._untyped(c.FPDFText_GetLooseCharBox)
        a, b = c.FS_RECTF(), c.FS_RECTF()
        for i in range(n):
            assert plain(tp, i, ctypes.byref(a)) == c.FPDFText_GetLooseCharBox(tp, i, ctypes.byref(b))
            assert (a.left, a.top, a.right, a.bottom) == (b.left, b.top, b.right, b.bottom)
        assert n > 500
        textpage.close()
    finally:
        doc.close()
