""".doc reader: recognised by content (OLE2 Word, RTF, DOCX, Word-saved HTML), converted with
LibreOffice when it is installed, a clear MissingTool error when it is not."""
from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import docx
import pytest

from pipeline.errors import EmptyDocument, InputError, MissingTool
from pipeline.readers import doc as doc_reader
from pipeline.readers.doc import html_charset, read_doc, sniff

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
REAL = SHARED / "corpus" / "real"
LEGACY = SHARED / "corpus" / "legacy"
NO_SOFFICE = "soffice not installed: apt-get install libreoffice-writer-nogui"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} missing: ../shared/corpus must sit beside the repo")
    return path


def need_soffice() -> None:
    if doc_reader.soffice_path() is None:
        pytest.skip(NO_SOFFICE)


@pytest.mark.parametrize("data, kind", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "ole"),
    (b"PK\x03\x04\x14\x00", "zip"),
    (b"{\\rtf1\\ansi\\deff0 {\\fonttbl}", "rtf"),
    (b"\xef\xbb\xbf<html xmlns:w=\"urn:schemas-microsoft-com:office:word\">", "html"),
    ("<html><body>Kế hoạch</body></html>".encode("utf-16-le"), "html"),
    (b"  <!DOCTYPE html><html>", "html"),
    (b"K\xe1\xba\xbf ho\xe1\xba\xa1ch", "unknown"),
])
def test_sniff(data, kind):
    assert sniff(data) == kind


def test_word_html_saved_as_doc_is_read_as_html():
    raw = read_doc(need(REAL / "phutho_2011_LichLamViec_HTML-saved-as-doc.doc"))
    assert raw.format == "doc"
    assert any("HTML" in w for w in raw.warnings)
    lines = raw.pages[0].split("\n")
    assert lines[0] == "LỊCH LÀM VIỆC CÁ NHÂN"
    assert "Họp giao ban" in lines
    # cells of the schedule table are blocks of their own, never glued to their neighbours
    i = lines.index("Họp giao ban")
    assert lines[i - 1] == "" and lines[i + 1] == ""
    assert "<" not in raw.pages[0] and "mso-" not in raw.pages[0]


def cp1258(text: str) -> bytes:
    """Windows-1258 bytes: letters with their hat or horn precomposed, tones as combining marks."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones)) + tones)
    return "".join(out).encode("cp1258")


def test_html_charset_from_meta_and_table_cells(tmp_path):
    html = ('<html><head><meta http-equiv=Content-Type content="text/html; charset=windows-1258">'
            "<style>p {mso-style-name: x}</style><title>bỏ qua</title></head><body>"
            "<table><tr><td><p>UBND TỈNH BẾN TRE</p><p>SỞ Y TẾ</p></td>"
            "<td><p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p></td></tr></table>"
            "<p>Giao Sở Y tế&nbsp;chủ trì<br>trước ngày 15/12/2024</p>"
            "<!-- ghi chú --></body></html>")
    path = tmp_path / "web.doc"
    path.write_bytes(cp1258(html))
    assert html_charset(path.read_bytes()) == "windows-1258"
    raw = read_doc(path)
    assert unicodedata.normalize("NFC", raw.pages[0]).split("\n") == [
        "UBND TỈNH BẾN TRE", "SỞ Y TẾ", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "",
        "Giao Sở Y tế chủ trì", "trước ngày 15/12/2024",
    ]


def test_docx_named_doc(tmp_path):
    document = docx.Document()
    document.add_paragraph("Kế hoạch phòng, chống dịch bệnh")
    path = tmp_path / "really-docx.doc"
    document.save(path)
    raw = read_doc(path)
    assert raw.pages[0] == "Kế hoạch phòng, chống dịch bệnh"
    assert any("DOCX" in w for w in raw.warnings)


def test_not_a_word_file(tmp_path):
    path = tmp_path / "random.doc"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match="not a Word document"):
        read_doc(path)
    empty = tmp_path / "empty.doc"
    empty.write_bytes(b"")
    with pytest.raises(EmptyDocument):
        read_doc(empty)


def test_plain_text_named_doc(tmp_path):
    path = tmp_path / "export.doc"
    path.write_bytes("Kế hoạch số 12/KH-UBND\nGiao Sở Y tế chủ trì".encode("utf-8"))
    raw = read_doc(path)
    assert raw.pages[0] == "Kế hoạch số 12/KH-UBND\nGiao Sở Y tế chủ trì"
    assert any("plain text" in w for w in raw.warnings)


def test_real_doc_named_docx(tmp_path):
    need_soffice()
    from pipeline.readers.docx import read_docx
    path = tmp_path / "misnamed.docx"
    path.write_bytes(need(REAL / "cantho_2010_QD_09-2010-QD-UBND_khcn.doc").read_bytes())
    raw = read_docx(path)
    assert "Số:09/2010/QĐ-UBND" in raw.pages[0]
    assert any("Word 97-2003" in w for w in raw.warnings)


def test_missing_soffice_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    ole = tmp_path / "old.doc"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    with pytest.raises(MissingTool, match="libreoffice-writer-nogui"):
        read_doc(ole)
    rtf = tmp_path / "rich.doc"
    rtf.write_bytes(b"{\\rtf1\\ansi K\\'e1 ho\\'e1ch}")
    with pytest.raises(MissingTool, match="RTF"):
        read_doc(rtf)


def test_rtf_named_doc_converted_and_flagged(tmp_path):
    need_soffice()
    path = tmp_path / "rich.doc"
    path.write_bytes(rb"{\rtf1\ansi\ansicpg1252 {\fonttbl{\f0 Times New Roman;}}"
                     rb"\f0 K\u7871? ho\u7841?ch s\u7889? 12\par Giao S\u7903? Y t\u7871? ch\u7911? tr\'ec.\par}")
    raw = read_doc(path)
    assert raw.format == "doc"
    assert any("RTF" in w for w in raw.warnings)
    assert "Kế hoạch số 12" in raw.pages[0]
    assert "Giao Sở Y tế chủ trì." in raw.pages[0]


@pytest.mark.parametrize("name, phrases", [
    ("cantho_2010_QD_09-2010-QD-UBND_khcn.doc", ["Số:09/2010/QĐ-UBND", "Theo đề nghị của Giám đốc Sở Khoa học và Công nghệ,"]),
    ("binhduong_2009_CT_09-2009-CT-UBND_khcn.doc", ["Số: 09/2009/CT-UBND", "Thủ Dầu Một, ngày 15"]),
])
def test_real_doc_through_libreoffice(name, phrases):
    need_soffice()
    raw = read_doc(need(REAL / name))
    assert raw.format == "doc"
    lines = [line.strip() for line in raw.pages[0].split("\n")]
    motto = lines.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert lines[motto + 1].startswith("Độc lập")  # the header's columns are not interleaved
    for phrase in phrases:
        assert phrase in raw.pages[0]


def test_legacy_doc_converted_with_capitals():
    need_soffice()
    raw = read_doc(need(LEGACY / "2005-QD-256.doc"))
    text = raw.pages[0]
    assert raw.encoding == "tcvn3"
    # .VnTimeH headings come out in capitals, the body in normal case
    assert "ỦY BAN NHÂN DÂN" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "QUYẾT ĐỊNH CỦA ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ" in text
    assert "Giao Giám đốc Sở Nội vụ chủ trì, phối hợp với các Sở" in text
