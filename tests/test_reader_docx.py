"""DOCX reader: document order, Word list numbering, header columns, text boxes, legacy fonts,
and refusal of broken or hostile packages. Files are built in tmp_path with python-docx from
our own Vietnamese text; real layouts come from ../shared/corpus/real-converted."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from pipeline.errors import EmptyDocument, InputError, LimitExceeded
from pipeline.readers.docx import format_number, read_docx
from tests.docx_builder import add_numbering, numbered

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
CONVERTED = SHARED / "corpus" / "real-converted"


def lines_of(path: Path) -> list[str]:
    raw = read_docx(path)
    assert raw.format == "docx" and raw.paged is False and len(raw.pages) == 1
    return raw.pages[0].split("\n")


# --- numbering -----------------------------------------------------------------------------

def test_word_list_numbering_is_rebuilt(tmp_path):
    document = docx.Document()
    add_numbering(document)
    numbered(document, "MỤC ĐÍCH, YÊU CẦU", 90, 0)
    numbered(document, "Mục đích", 90, 1)
    numbered(document, "Nâng cao chất lượng khám chữa bệnh", 90, 2)
    numbered(document, "Giảm tỷ lệ suy dinh dưỡng trẻ em xuống dưới 15%", 90, 2)
    numbered(document, "Trạm y tế xã đạt chuẩn", 90, 3)
    numbered(document, "Yêu cầu", 90, 1)
    numbered(document, "Bảo đảm tiến độ", 90, 2)
    numbered(document, "Có trang thiết bị", 90, 4)
    numbered(document, "TỔ CHỨC THỰC HIỆN", 90, 0)
    numbered(document, "Sở Y tế: chủ trì, phối hợp với các sở, ngành", 90, 1)
    numbered(document, "Trong quý III/2025", 90, 2)
    path = tmp_path / "numbering.docx"
    document.save(path)
    assert [line for line in lines_of(path) if line] == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "a) Nâng cao chất lượng khám chữa bệnh",
        "b) Giảm tỷ lệ suy dinh dưỡng trẻ em xuống dưới 15%",
        "- Trạm y tế xã đạt chuẩn",
        "2. Yêu cầu",
        "a) Bảo đảm tiến độ",  # deeper levels restart under a new parent
        "• Có trang thiết bị",
        "II. TỔ CHỨC THỰC HIỆN",
        "1. Sở Y tế: chủ trì, phối hợp với các sở, ngành",
        "a) Trong quý III/2025",
    ]


def test_multilevel_numbers_start_override_and_literal_text(tmp_path):
    document = docx.Document()
    add_numbering(document)
    numbered(document, "Mục tiêu chung", 91, 0)
    numbered(document, "Mục tiêu cụ thể", 91, 0)
    numbered(document, "Đến năm 2025 đạt 97,2%", 91, 1)
    numbered(document, "Duy trì 100% xã có trạm y tế", 91, 1)
    numbered(document, "Tiếp tục từ số năm", 92, 0)
    numbered(document, "Phạm vi điều chỉnh", 93, 0)
    numbered(document, "Đối tượng áp dụng", 93, 0)
    document.add_paragraph("Không đánh số")
    path = tmp_path / "multilevel.docx"
    document.save(path)
    assert [line for line in lines_of(path) if line] == [
        "1. Mục tiêu chung",
        "2. Mục tiêu cụ thể",
        "2.1. Đến năm 2025 đạt 97,2%",
        "2.2. Duy trì 100% xã có trạm y tế",
        "5. Tiếp tục từ số năm",  # its own list instance, restarted at 5
        "Điều 1. Phạm vi điều chỉnh",
        "Điều 2. Đối tượng áp dụng",
        "Không đánh số",
    ]


@pytest.mark.parametrize("n, fmt, expected", [
    (4, "upperRoman", "IV"), (9, "lowerRoman", "ix"), (1, "lowerLetter", "a"), (27, "lowerLetter", "aa"),
    (3, "upperLetter", "C"), (7, "decimalZero", "07"), (12, "decimal", "12"), (2, "none", ""),
    (3, "vietnameseCounting", "3"),
])
def test_number_formats(n, fmt, expected):
    assert format_number(n, fmt) == expected


# --- tables and header columns ---------------------------------------------------------------


def header_document() -> docx.Document:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    issuer, motto = table.cell(0, 0), table.cell(0, 1)
    issuer.paragraphs[0].text = "UBND TỈNH BẾN TRE"
    issuer.add_paragraph("SỞ Y TẾ")
    motto.paragraphs[0].text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    table.cell(1, 0).text = "Số: 123/KH-SYT"
    table.cell(1, 1).text = "Bến Tre, ngày 03 tháng 7 năm 2013"
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Phòng, chống dịch bệnh năm 2013")
    document.add_paragraph("Sở Y tế chủ trì, phối hợp với các sở, ngành thực hiện.")
    sign = document.add_table(rows=1, cols=2)
    sign.cell(0, 0).text = "Nơi nhận:"
    sign.cell(0, 0).add_paragraph("- Như trên;")
    sign.cell(0, 0).add_paragraph("- Lưu: VT.")
    sign.cell(0, 1).text = "GIÁM ĐỐC"
    sign.cell(0, 1).add_paragraph("Nguyễn Văn An")
    section = document.sections[0]
    section.header.paragraphs[0].text = "TIÊU ĐỀ TRANG KHÔNG ĐƯỢC ĐỌC"
    section.footer.paragraphs[0].text = "Trang 1"
    return document


def test_tables_cell_by_cell_in_document_order(tmp_path):
    path = tmp_path / "header.docx"
    header_document().save(path)
    assert lines_of(path) == [
        "UBND TỈNH BẾN TRE", "SỞ Y TẾ", "",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "",
        "Số: 123/KH-SYT", "",
        "Bến Tre, ngày 03 tháng 7 năm 2013", "",
        "KẾ HOẠCH",
        "Phòng, chống dịch bệnh năm 2013",
        "Sở Y tế chủ trì, phối hợp với các sở, ngành thực hiện.",
        "",
        "Nơi nhận:", "- Như trên;", "- Lưu: VT.", "",
        "GIÁM ĐỐC", "Nguyễn Văn An",
    ]  # page header and footer left out


def test_vertically_merged_cell_read_once(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    merged = table.cell(0, 0).merge(table.cell(1, 0))
    merged.text = "Sở Tài chính"
    table.cell(0, 1).text = "Quý I/2025"
    table.cell(1, 1).text = "Quý II/2025"
    path = tmp_path / "merged.docx"
    document.save(path)
    assert [line for line in lines_of(path) if line] == ["Sở Tài chính", "Quý I/2025", "Quý II/2025"]


def test_tab_laid_header_split_into_columns(tmp_path):
    document = docx.Document()
    document.add_paragraph("ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    document.add_paragraph("TỈNH BÌNH DƯƠNG\t\tĐộc lập - Tự do - Hạnh phúc")
    document.add_paragraph("Số: 09/2009/CT-UBND\tThủ Dầu Một, ngày 15 tháng 4 năm 2009")
    document.add_paragraph("CHỈ THỊ")
    document.add_paragraph("1.\tTổ chức triển khai ứng dụng tiến bộ khoa học")
    document.add_paragraph("Ngày\t\ttháng 4 năm 2009 để trống số ngày")
    path = tmp_path / "tabs.docx"
    document.save(path)
    assert lines_of(path) == [
        "ỦY BAN NHÂN DÂN", "TỈNH BÌNH DƯƠNG", "Số: 09/2009/CT-UBND", "",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Thủ Dầu Một, ngày 15 tháng 4 năm 2009", "",
        "CHỈ THỊ",
        "1. Tổ chức triển khai ứng dụng tiến bộ khoa học",  # a tab after a number is a space
        "Ngày tháng 4 năm 2009 để trống số ngày",  # a blank left for the day is no column gap
    ]


# --- inline content ---------------------------------------------------------------------------

TEXT_BOX = f"""
<w:r {nsdecls('w', 'wp', 'a')} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
     xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
     xmlns:v="urn:schemas-microsoft-com:vml">
  <mc:AlternateContent>
    <mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>
      <w:txbxContent><w:p><w:r><w:t>Dự thảo lần 2</w:t></w:r></w:p></w:txbxContent>
    </wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>
    <mc:Fallback><w:pict><v:shape><v:textbox>
      <w:txbxContent><w:p><w:r><w:t>Dự thảo lần 2</w:t></w:r></w:p></w:txbxContent>
    </v:textbox></v:shape></w:pict></mc:Fallback>
  </mc:AlternateContent>
</w:r>"""


def test_text_box_read_once(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph("Kế hoạch triển khai")
    paragraph._p.append(parse_xml(TEXT_BOX))
    document.add_paragraph("Nội dung chính")
    path = tmp_path / "textbox.docx"
    document.save(path)
    lines = lines_of(path)
    assert lines.count("Dự thảo lần 2") == 1
    assert lines == ["Kế hoạch triển khai", "Dự thảo lần 2", "Nội dung chính"]


def test_text_box_only_in_fallback_is_read(tmp_path):
    only_fallback = TEXT_BOX.replace(
        "<w:txbxContent><w:p><w:r><w:t>Dự thảo lần 2</w:t></w:r></w:p></w:txbxContent>\n    </wps:txbx>",
        "</wps:txbx>", 1)
    assert only_fallback != TEXT_BOX
    document = docx.Document()
    document.add_paragraph("Kế hoạch triển khai")._p.append(parse_xml(only_fallback))
    path = tmp_path / "fallback.docx"
    document.save(path)
    assert lines_of(path) == ["Kế hoạch triển khai", "Dự thảo lần 2"]


def test_revisions_hidden_text_hyperlinks_and_breaks(tmp_path):
    document = docx.Document()
    p = document.add_paragraph()
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve">Giao Sở </w:t></w:r>'))
    p._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="x"><w:r><w:delText>Nội vụ</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="x"><w:r><w:t>Tài chính</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:rPr><w:vanish/></w:rPr><w:t>ẩn</w:t></w:r>'))
    p._p.append(parse_xml(
        f'<w:hyperlink {nsdecls("w")}><w:r><w:t xml:space="preserve"> chủ trì</w:t></w:r></w:hyperlink>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:br/><w:t>trước ngày 15/12/2024</w:t></w:r>'))
    path = tmp_path / "inline.docx"
    document.save(path)
    assert lines_of(path) == ["Giao Sở Tài chính chủ trì", "trước ngày 15/12/2024"]


# --- legacy fonts -------------------------------------------------------------------------------


def legacy_run(paragraph, text: str, font: str) -> None:
    run = paragraph.add_run(text)
    run.font.name = font  # sets w:ascii and w:hAnsi


def test_legacy_font_runs_converted_per_run(tmp_path):
    document = docx.Document()
    p = document.add_paragraph()
    legacy_run(p, "ñy ban nh©n d©n", ".VnTimeH")
    p = document.add_paragraph()
    legacy_run(p, "Céng hoµ x· héi chñ nghÜa ViÖt Nam", ".VnTime")
    p = document.add_paragraph()
    legacy_run(p, "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "VNI-Times")
    p = document.add_paragraph()
    legacy_run(p, "Së Y tÕ chñ tr× ", ".VnTime")
    legacy_run(p, "vaø UÛy ban nhaân daân tænh phoái hôïp", "VNI-Times")
    p = document.add_paragraph()
    legacy_run(p, "Vie", "VNI-Times")  # a VNI letter split over two runs
    legacy_run(p, "ät Nam", "VNI-Times")
    p = document.add_paragraph()
    legacy_run(p, "Ng\u00adêi d©n", ".VnTime")
    p.runs[0]._r.clear_content()
    p.runs[0]._r.append(parse_xml(f'<w:t {nsdecls("w")}>Ng</w:t>'))
    p.runs[0]._r.append(parse_xml(f'<w:softHyphen {nsdecls("w")}/>'))  # Word keeps 0xAD (ư) so
    p.runs[0]._r.append(parse_xml(f'<w:t {nsdecls("w")}>êi d©n</w:t>'))
    document.add_paragraph("Văn bản Unicode giữ nguyên: Tân Bình, Cà Mau")
    path = tmp_path / "legacy.docx"
    document.save(path)
    raw = read_docx(path)
    assert raw.pages[0].split("\n") == [
        "ỦY BAN NHÂN DÂN",
        "Cộng hoà xã hội chủ nghĩa Việt Nam",
        "Cộng hòa xã hội chủ nghĩa Việt Nam",
        "Sở Y tế chủ trì và Ủy ban nhân dân tỉnh phối hợp",
        "Việt Nam",
        "Người dân",
        "Văn bản Unicode giữ nguyên: Tân Bình, Cà Mau",
    ]
    assert raw.encoding == "tcvn3+vni"
    assert any("legacy" in w for w in raw.warnings)


# --- real Word layouts ---------------------------------------------------------------------------

REAL = {
    "binhduong_2009_CT_09-2009-CT-UBND_khcn.docx": (
        ["ỦY BAN NHÂN DÂN", "TỈNH BÌNH DƯƠNG"],
        ["Số: 09/2009/CT-UBND", "Thủ Dầu Một, ngày 15", "Ủy ban nhân dân tỉnh yêu cầu"]),
    "cantho_2010_QD_09-2010-QD-UBND_khcn.docx": (
        ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ CẦN THƠ"],
        ["Số:09/2010/QĐ-UBND", "Cần Thơ, ngày 21 tháng", "Nơi nhận:", "Trần Tuấn Anh"]),
    "hanoi_2010_QD_15-2010-QD-UBND_internet.docx": (
        ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI"],
        ["Số: 15/2010/QĐ-UBND", "Hà Nội, ngày 26 tháng 04 năm 2010", "Chương I"]),
    "phutho_2011_KH_STTTT_trien-khai-phan-mem-QLVB.docx": (
        ["UBND TỈNH PHÚ THỌ", "SỞ THÔNG TIN VÀ TRUYỂN THÔNG"],
        ["I. MỤC ĐÍCH, YÊU CẦU", "Phú Thọ, ngày", "Ngày 03/01/2012 (thứ 3)"]),
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_converted_header_columns_do_not_interleave(name):
    path = CONVERTED / name
    if not path.exists():
        pytest.skip(f"{path} missing: ../shared/corpus must sit beside the repo")
    issuer, phrases = REAL[name]
    lines = [line.strip() for line in lines_of(path)]
    text = "\n".join(lines)
    first = lines.index(issuer[0])
    assert lines[first:first + len(issuer)] == issuer  # issuer lines together, motto not between
    motto = next(i for i, line in enumerate(lines) if line.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
    assert lines[motto + 1].startswith("Độc lập")
    for phrase in phrases:
        assert phrase in text


# --- hostile and broken packages --------------------------------------------------------------------


def test_corrupt_zip_named_docx(tmp_path):
    path = tmp_path / "broken.docx"
    good = io.BytesIO()
    header_document().save(good)
    path.write_bytes(good.getvalue()[: len(good.getvalue()) // 2])
    with pytest.raises(InputError, match="zip"):
        read_docx(path)


def test_text_and_ole_files_named_docx(tmp_path):
    text = tmp_path / "notes.docx"
    text.write_text("Kế hoạch số 12/KH-UBND", encoding="utf-8")
    with pytest.raises(InputError, match="not a valid DOCX"):
        read_docx(text)
    ole = tmp_path / "old.docx"  # an OLE2 header and nothing of a Word file: the .doc reader says so
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(InputError, match="Word 97-2003 document named .docx"):
        read_docx(ole)


def rewrite(src: Path, dst: Path, replace: dict[str, bytes], extra: dict[str, bytes] | None = None) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
        for name, data in (extra or {}).items():
            zout.writestr(name, data)


def test_zip_bomb_by_ratio(tmp_path):
    base = tmp_path / "base.docx"
    header_document().save(base)
    body = (f'<w:document {nsdecls("w")}><w:body><w:p><w:r><w:t>'.encode()
            + b" " * (30 * 1024 * 1024) + b"</w:t></w:r></w:p></w:body></w:document>")
    bomb = tmp_path / "bomb.docx"
    rewrite(base, bomb, {"word/document.xml": body})
    with pytest.raises(LimitExceeded, match="zip bomb"):
        read_docx(bomb)


def test_zip_bomb_by_total_size(tmp_path):
    base = tmp_path / "base.docx"
    header_document().save(base)
    bomb = tmp_path / "big.docx"
    rewrite(base, bomb, {})
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as zout:
        with zout.open("word/media/filler.bin", "w", force_zip64=True) as fh:
            chunk = b"\x00" * (1 << 20)
            for _ in range(205):
                fh.write(chunk)
    with pytest.raises(LimitExceeded, match="MB"):
        read_docx(bomb)


def test_deep_xml_and_entities_are_refused_or_inert(tmp_path):
    base = tmp_path / "base.docx"
    header_document().save(base)
    deep = (f'<w:document {nsdecls("w")}><w:body>'.encode() + b"<w:sdt><w:sdtContent>" * 5000
            + b"</w:sdtContent></w:sdt>" * 5000 + b"</w:body></w:document>")
    nested = tmp_path / "deep.docx"
    rewrite(base, nested, {"word/document.xml": deep})
    with pytest.raises(InputError):
        read_docx(nested)
    laughs = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "lollollollollol">'
              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
              f'<w:document {nsdecls("w")}><w:body><w:p><w:r><w:t>Kế hoạch &c;</w:t></w:r></w:p>'
              '</w:body></w:document>').encode()
    entity = tmp_path / "entity.docx"
    rewrite(base, entity, {"word/document.xml": laughs})
    try:
        text = read_docx(entity).pages[0]
    except InputError:
        return
    assert "lollol" not in text  # entities are not expanded


def test_empty_body(tmp_path):
    path = tmp_path / "empty.docx"
    document = docx.Document()
    document.add_paragraph("   ")
    document.save(path)
    with pytest.raises(EmptyDocument):
        read_docx(path)
