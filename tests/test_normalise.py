"""Normalisation: markup never leaks, wrapped lines are joined, pages are tracked, tone placement folds."""
from __future__ import annotations

import pytest

from pipeline.normalise import normalise
from pipeline.textutil import fold, name_key, parse_number, tone_key
from schemas import RawText


def norm(text: str, fmt: str = "md") -> str:
    return normalise(RawText(format=fmt, pages=[text]))[0]


def test_markdown_markup_removed():
    text = norm("# Tiêu đề\n\n**Sở Y tế**: *chủ trì* triển khai[1]\n\n| **ỦY BAN** | Số: 12/KH-UBND |\n")
    assert "*" not in text and "#" not in text and "|" not in text and "[1]" not in text
    assert "Sở Y tế: chủ trì triển khai" in text
    assert "ỦY BAN" in text.splitlines() and "Số: 12/KH-UBND" in text.splitlines()


def test_trailing_double_space_breaks_and_wrapped_lines_join():
    text = norm("V/v triển khai Chương trình  \nthực hiện Chỉ thị số 28-  \nCT/TW ngày 25/12/2023\n")
    assert text == "V/v triển khai Chương trình thực hiện Chỉ thị số 28-CT/TW ngày 25/12/2023"


def test_list_items_and_headings_are_not_joined():
    text = norm("I. MỤC TIÊU\n1. Tỷ lệ trẻ em đạt 90%\na) Sở Y tế chủ trì\n- Sở Tài chính phối hợp", fmt="txt")
    assert text.splitlines() == ["I. MỤC TIÊU", "1. Tỷ lệ trẻ em đạt 90%", "a) Sở Y tế chủ trì",
                                 "- Sở Tài chính phối hợp"]


def test_hyphenated_word_wrapped_is_not_a_bullet():
    assert norm("phát triển kinh tế\n- xã hội của tỉnh") == "phát triển kinh tế - xã hội của tỉnh"


def test_year_range_wrapped_before_its_dash_is_not_a_bullet():
    """Bắc Ninh KH 141, Đồng Nai KH 179, HCM KH 174 wrap `giai đoạn 2026` / `- 2030`; Sơn La QĐ 2954 `05` / `- 06%`."""
    assert norm("4. Trong giai đoạn 2026\n- 2030 phấn đấu có ít nhất 10%") == \
        "4. Trong giai đoạn 2026 - 2030 phấn đấu có ít nhất 10%"
    assert norm("tốc độ tăng bình quân 05\n- 06%/năm. Thị trường") == "tốc độ tăng bình quân 05 - 06%/năm. Thị trường"
    assert norm("Kết quả năm 2025\n- 2026: Sở Y tế báo cáo") == "Kết quả năm 2025\n- 2026: Sở Y tế báo cáo"


def test_italic_run_over_two_lines_is_one_paragraph():
    assert norm("*Thành phố Hồ Chí\nMinh, ngày 18 tháng 11 năm 2025*") == "Thành phố Hồ Chí Minh, ngày 18 tháng 11 năm 2025"


def test_motto_wrapped_in_a_narrow_cell_is_one_line():
    lines = norm("UBND TỈNH HẬU GIANG\n\nCỘNG HOÀ XÃ HỘI CHỦ NGHĨA\nVIỆT NAM\nĐộc lập - Tự do -\nHạnh phúc\n"
                 "NGHỊ QUYẾT\nVIỆT NAM", fmt="txt").splitlines()
    assert lines == ["UBND TỈNH HẬU GIANG", "", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "NGHỊ QUYẾT", "VIỆT NAM"]


def test_header_fields_stay_apart():
    lines = norm("\tSố: 3042/KH-UBND\n\tBến Tre, ngày 03 tháng 7 năm 2013\n", fmt="txt").splitlines()
    assert lines == ["Số: 3042/KH-UBND", "Bến Tre, ngày 03 tháng 7 năm 2013"]


def test_placeholder_and_rules_dropped():
    text = norm('<jsontable name="bang_0"> </jsontable>\n-------\nNGHỊ QUYẾT')
    assert text == "NGHỊ QUYẾT"


def test_nfc_and_page_starts():
    import unicodedata
    raw = RawText(format="pdf", paged=True, pages=[unicodedata.normalize("NFD", "Trang một."), "Trang hai."])
    text, starts, _ = normalise(raw)
    assert text == unicodedata.normalize("NFC", text)
    assert text[starts[1]:].startswith("Trang hai")
    assert starts[0] == 0


def test_paragraph_split_by_page_end_is_joined():
    raw = RawText(format="pdf", paged=True, pages=["tỷ lệ trẻ em được tiêm chủng đầy đủ đạt", "95% vào năm 2025."])
    text, starts, _ = normalise(raw)
    assert text == "tỷ lệ trẻ em được tiêm chủng đầy đủ đạt 95% vào năm 2025."
    assert text[starts[1]:].startswith("95%")


def test_old_and_new_tone_placement_compare_equal():
    assert tone_key("Uỷ ban") == tone_key("Ủy ban") == "Ủy ban"
    assert name_key("hoà bình, khoẻ mạnh, thuỷ lợi") == name_key("Hòa Bình, khỏe mạnh, thủy lợi")
    assert tone_key("quý") == "quý"  # qu + y: nothing to move
    assert fold("Kế hoạch Đầu tư") == "ke hoach dau tu"


@pytest.mark.parametrize("word", ["Thuận", "luật", "LUẬT", "thuấn", "tuần", "Tuấn", "hoạt", "quận", "thuộc", "Huệ"])
def test_tone_key_leaves_a_marked_second_vowel(word):
    """`uậ`, `uấ`: the second vowel carries its own mark, so the tone is where new style puts it already."""
    assert tone_key(word) == word


def test_stored_names_keep_their_tones():
    from extractors.orgnames import read_org
    text = "Giao Ủy ban nhân dân huyện Thuận Châu chủ trì"
    assert read_org(text, 5).name == "Ủy ban nhân dân huyện Thuận Châu"
    assert read_org("Uỷ ban nhân dân tỉnh Thuận Hoá", 0).name == "Uỷ ban nhân dân tỉnh Thuận Hoá"


def test_vietnamese_numbers():
    assert parse_number("97,2") == 97.2
    assert parse_number("1.250") == 1250
    assert parse_number("1.250.000") == 1250000
    assert parse_number("12") == 12


def test_word_paragraphs_are_not_joined_on_a_capital():
    title = "Về việc đẩy mạnh hoạt động khoa học và công nghệ cấp cơ sở"
    body = "Trong thời gian qua, hoạt động khoa học và công nghệ được tỉnh quan tâm."
    assert norm(f"{title}\n{body}", fmt="docx").splitlines() == [title, body]
    assert norm(f"{title}\nthuộc tỉnh.", fmt="docx") == f"{title} thuộc tỉnh."  # a lowercase start still continues


# --- header fields run together (web pages, PDF text layers), a legal site's chrome; held-out texts of issue 11 ---

@pytest.mark.parametrize("line, fields", [
    ("Số: 627/BYT-BH V/v hướng dẫn thực hiện một số quy định tại Điều 22 Luật BHYT",
     ["Số: 627/BYT-BH", "V/v hướng dẫn thực hiện một số quy định tại Điều 22 Luật BHYT"]),
    ("Hà Nội, ngày 27 tháng 01 năm 2021 Kính gửi:", ["Hà Nội, ngày 27 tháng 01 năm 2021", "Kính gửi:"]),
    ("Số: 435/QĐ-UBND Kon Tum, ngày 04 tháng 5 năm 2020 QUYẾT ĐỊNH V/V BAN HÀNH CHƯƠNG TRÌNH HÀNH ĐỘNG VỀ LAO ĐỘNG",
     ["Số: 435/QĐ-UBND", "Kon Tum, ngày 04 tháng 5 năm 2020", "QUYẾT ĐỊNH", "V/V BAN HÀNH CHƯƠNG TRÌNH HÀNH ĐỘNG VỀ LAO ĐỘNG"]),
    ("BỘ Y TẾ --------", ["BỘ Y TẾ"]),
    ("BỘ Y TẾ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Số: 12/BYT-KCB",
     ["BỘ Y TẾ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc", "Số: 12/BYT-KCB"]),
    # the number's code written with a space is one field (legacy transcript 2007-Quy-che-chi-tieu-noi-bo)
    ("Số : /QĐ. BQL–VP Vũng Tàu , ngày tháng năm 2007", ["Số : /QĐ. BQL–VP", "Vũng Tàu , ngày tháng năm 2007"]),
    # a title in capitals in the body is left whole; so is a number line with nothing after it
    ("KẾ HOẠCH SỬ DỤNG ĐẤT NĂM 2025", ["KẾ HOẠCH SỬ DỤNG ĐẤT NĂM 2025"]),
    ("Số: 12/KH-UBND", ["Số: 12/KH-UBND"]),
])
def test_header_fields_run_together_are_taken_apart(line, fields):
    assert norm(line, fmt="txt").splitlines() == fields


def test_the_enacting_authority_after_a_subject_on_one_line():
    text = norm("BỘ Y TẾ\nSố: 1227/QĐ-BYT\nHà Nội, ngày 11 tháng 4 năm 2025 QUYẾT ĐỊNH VỀ VIỆC BAN HÀNH DANH MỤC MÃ "
                "DÙNG CHUNG (ĐỢT 1) BỘ TRƯỞNG BỘ Y TẾ\nCăn cứ Luật Khám bệnh, chữa bệnh;", fmt="txt")
    assert text.splitlines()[3:6] == ["QUYẾT ĐỊNH", "VỀ VIỆC BAN HÀNH DANH MỤC MÃ DÙNG CHUNG (ĐỢT 1)", "BỘ TRƯỞNG BỘ Y TẾ"]
    # a subject that names the issuer after `của` keeps it
    text = norm("BỘ Y TẾ\nSố: 12/QĐ-BYT Hà Nội, ngày 11 tháng 4 năm 2025 QUYẾT ĐỊNH VỀ CHỨC NĂNG CỦA BỘ Y TẾ\n", fmt="txt")
    assert text.splitlines()[-1] == "VỀ CHỨC NĂNG CỦA BỘ Y TẾ"


def test_a_legal_site_s_designation_is_dropped():
    text = norm("Quyết định 435/QĐ-UBND năm 2020. ỦY BAN NHÂN DÂN TỈNH KON TUM -------\nSố: 435/QĐ-UBND\n"
                "Quyết định 435/QĐ-UBND năm 2020. Điều 1.\nBan hành kèm theo Quyết định này Chương trình.\n"
                "Quyết định 435/QĐ-UBND năm 2020. CHƯƠNG TRÌNH HÀNH ĐỘNG. II. NỘI DUNG HOẠT ĐỘNG\n", fmt="txt")
    assert text.splitlines() == ["ỦY BAN NHÂN DÂN TỈNH KON TUM", "Số: 435/QĐ-UBND", "Điều 1.",
                                 "Ban hành kèm theo Quyết định này Chương trình.", "II. NỘI DUNG HOẠT ĐỘNG"]
    text = norm("Công văn 296/BHXH-CSYT năm 2021 hướng dẫn Điều 22 do Bảo hiểm xã hội Việt Nam ban hành. "
                "BẢO HIỂM XÃ HỘI VIỆT NAM --------\nSố: 296/BHXH-CSYT\n", fmt="txt")
    assert text.splitlines() == ["BẢO HIỂM XÃ HỘI VIỆT NAM", "Số: 296/BHXH-CSYT"]
    # a document whose text starts by citing another (`Quyết định số ...`) keeps its first line
    assert norm("Quyết định số 12/QĐ-UBND. Điều 1 sửa đổi.\n", fmt="txt").startswith("Quyết định số 12")


def test_the_enclosure_note_under_a_title_is_its_own_line():
    """Hà Nội 2024 QĐ 35 (PDF) and 2010 QĐ 15 wrap the subject of an attached text straight into its note."""
    text = norm("QUY CHẾ\nXét tặng danh hiệu “Công dân Thủ đô ưu tú”\n(Kèm theo Quyết định số 35/2024/QĐ-UBND\n"
                "ngày 28 tháng 5 năm 2024 của Ủy ban nhân dân thành phố Hà Nội)\n", fmt="pdf")
    assert text.splitlines()[1:] == ["Xét tặng danh hiệu “Công dân Thủ đô ưu tú”", "(Kèm theo Quyết định số "
                                     "35/2024/QĐ-UBND ngày 28 tháng 5 năm 2024 của Ủy ban nhân dân thành phố Hà Nội)"]


def test_item_numbers_glued_onto_a_heading_or_alone_on_a_line():
    """A crawled page (held-out Kon Tum 435/QĐ-UBND) runs a child's number onto its parent's heading and leaves
    numbers alone on their lines; a Roman numeral alone over its title (Đồng Tháp 2017 urban programme) too."""
    text = norm("2. Nâng cao năng lực quản lý nhà nước về quan hệ lao động 2.1.\nRà soát, kiến nghị sửa đổi.\n"
                "2.2.\nTăng cường kiểm tra.\n3. Giải quyết tranh chấp lao động 3.1. Rà soát thiết chế.\nII.\nMục tiêu\n", fmt="txt")
    assert text.splitlines() == ["2. Nâng cao năng lực quản lý nhà nước về quan hệ lao động", "2.1. Rà soát, kiến nghị sửa đổi.",
                                 "2.2. Tăng cường kiểm tra.", "3. Giải quyết tranh chấp lao động", "3.1. Rà soát thiết chế.",
                                 "II. Mục tiêu"]
    # a number inside a sentence that is not the item's child stays
    assert norm("2. Đạt tỷ lệ 3.1. Tăng 2.5 lần.", fmt="txt") == "2. Đạt tỷ lệ 3.1. Tăng 2.5 lần."


def test_a_signed_pdf_s_stamp_is_dropped():
    """The stamp a signing tool prints into the text layer (held-out Công báo texts of issue 11; the corpus's signed
    Hà Nội PDFs keep theirs in annotations, so no corpus text has one)."""
    text = norm("Điều 1. Công bố Danh mục, gồm:\nNgười ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ\nEmail: thongtinchinhphu@chinhphu.vn\n"
                "Cơ quan: VĂN PHÒNG CHÍNH PHỦ\nThời gian ký: 20.03.2025 15:28:25 +07:00\n\n1. Danh mục văn bản hết hiệu lực.\n"
                "Cơ quan: Sở Y tế chủ trì.\n", fmt="txt")
    assert "CỔNG THÔNG TIN" not in text and "VĂN PHÒNG CHÍNH PHỦ" not in text and "Cơ quan: Sở Y tế chủ trì." in text
    # a site's table label with the name on another line is not a stamp
    assert norm("Người ký:\nBùi Xuân Cường\n", fmt="txt").splitlines() == ["Người ký:", "Bùi Xuân Cường"]


def test_a_site_designation_without_its_year():
    assert norm("Công văn 19046/BTC-TCHQ. BỘ TÀI CHÍNH --------\nSố: 19046/BTC-TCHQ\n", fmt="txt").splitlines()[0] == "BỘ TÀI CHÍNH"


def test_a_cited_article_at_a_line_start_is_no_heading():
    """`... khoản 4 và khoản 6` / `Điều 22 Luật BHYT:` (held-out 627/BYT-BH, 19046/BTC-TCHQ: `Điều 69 của Luật Hải
    quan`): a wrapped sentence, not an article of the document; no corpus text wraps so."""
    from pipeline.segment import heading_of
    text = norm("3. Mức hưởng theo quy định tại điểm c khoản 3, khoản 4 và khoản 6\nĐiều 22 Luật BHYT:\na) Đối với ...", fmt="txt")
    assert text.splitlines()[0].endswith("khoản 6 Điều 22 Luật BHYT:")
    assert heading_of("Điều 69 của Luật Hải quan năm 2014.") is None and heading_of("Điều 2. Tổ chức thực hiện")[0] == "article"


def test_a_cell_listing_bodies_one_a_line_keeps_its_lines():
    """A table cell that lists one body a line (2820/QĐ-UBND: `Các sở, ngành, UBND xã, phường, đặc khu` over
    `Sở Tài chính`, the only such cell of ../shared/corpus) keeps the break between two whole names; a name
    wrapped over lines (`Sở Khoa học và` / `Công nghệ`, `Sở Y tế,` / `Công an tỉnh`, `Văn phòng` / `UBND tỉnh`)
    is joined as before."""
    from pipeline.readers.structure import markdown_tables
    bars = "\n".join(["|", "TT", "|", "Nhiệm vụ", "|", "Cơ quan chủ trì", "|", "Cơ quan phối hợp", "|", "|",
                      "1", "|", "Bố trí nhân lực", "|", "Các sở, ngành, UBND xã, phường, đặc khu", "Sở Tài chính", "|",
                      "Sở Khoa học và", "Công nghệ, Sở Y tế,", "Công an tỉnh", "|", "|",
                      "2", "|", "Tập huấn", "|", "Văn phòng", "UBND tỉnh", "|", "Bộ Công an", "Bộ Quốc phòng", "|"])
    body, blocks = markdown_tables(bars)
    text, _, out = normalise(RawText(format="md", pages=[body], blocks=blocks))
    cells = {(b.row, b.col): text[b.start:b.end] for b in out if b.kind == "table_cell"}
    assert cells[(1, 2)] == "Các sở, ngành, UBND xã, phường, đặc khu\nSở Tài chính"
    assert cells[(1, 3)] == "Sở Khoa học và Công nghệ, Sở Y tế, Công an tỉnh"
    assert cells[(2, 2)] == "Văn phòng UBND tỉnh" and cells[(2, 3)] == "Bộ Công an\nBộ Quốc phòng"


# --- the fast paths of the normaliser answer what the full passes answer ------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

_LINE_CHARS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạệỘĐ IVX0123456789.,;:()-–*_#|[]<>/\\\r\u00a0\t\u200b"


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet=_LINE_CHARS, max_size=30))
def test_a_line_is_cleaned_alike_with_and_without_the_page_s_odd_characters(line):
    """_clean skips the invisible characters and the respacing of odd spaces on a page that has none of them, and
    the markup passes on a line without markup: both ways give the same cells; blank lines, taken without _clean,
    read as it does."""
    from pipeline.normalise import _MARKUP_CHARS, _ODD_CHARS, _clean
    if not _ODD_CHARS.search(line):
        assert _clean(line, odd_chars=False) == _clean(line, odd_chars=True)
    if not _MARKUP_CHARS.search(line):  # the markup-free fast path: what the full passes make of it under a heading mark
        assert _clean(line) == _clean("# " + line) and _clean(line, False) == _clean("# " + line, False)
    odd = "\u00a0\t" + line + "\u200b"
    assert norm(odd + "\n\n" + line, fmt="txt") == norm(odd + "\n\u2060\n" + line, fmt="txt")
    text = f"{line}\n   \n\t\n\r\n{line}"
    assert norm(text, fmt="txt") == norm(f"{line}\n\u00a0\n\t\n\r\n{line}", fmt="txt")


_MOTTOS = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ĐẢNG CỘNG SẢN VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@pytest.mark.parametrize("motto", _MOTTOS)
def test_the_motto_precheck_lets_every_split_of_the_motto_through(motto):
    """_joins looks for a motto wrapped over two lines only where the first line's first two letters are those of
    one (_MOTTO_STARTS): every way the motto can be written and split still passes and is joined."""
    import unicodedata
    from pipeline.normalise import _MOTTO_LINE, _MOTTO_STARTS
    forms = {motto, motto.upper(), motto.lower(), motto.replace("HÒA", "HOÀ"), motto.replace(" - ", "–")}
    forms |= {unicodedata.normalize("NFD", f) for f in forms}
    for form in forms:
        for cut in [i for i, c in enumerate(form) if c == " "]:
            cur, nxt = form[:cut], form[cut + 1:]
            assert _MOTTO_LINE.fullmatch(tone_key(f"{cur} {nxt}"))
            assert fold(cur[:2]) in _MOTTO_STARTS


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_LINE_CHARS + "ÀẦẬĂẮÊỀỆƠỞỨ\u0301\u0323ǅⓐⒶªʰ一", max_size=24))
def test_the_page_s_upper_test_answers_is_upper_line_on_each_piece(page):
    """normalise asks upper_test(page) rather than is_upper_line of each line's start: alike on every piece."""
    from pipeline.textutil import is_upper_line, upper_test
    upper = upper_test(page)
    for a in range(len(page)):
        for b in range(a, len(page) + 1):
            assert upper(page[a:b]) == is_upper_line(page[a:b])


def test_the_marker_precheck_lets_every_marker_through():
    """_joins tries MARKER only at a line whose first character is in _MARKER_FIRST or a decimal digit, and
    _BARE_NUMBER only at a line that ends in `.`, `)` or a decimal digit: no other character starts (ends) one."""
    from pipeline.normalise import _BARE_NUMBER, _MARKER_FIRST, MARKER
    rests = ["", " ", ". ", ")", " )", ".1 ", "1.2 ", "-", ":", " a)", "iều 1", "IỀU 1", "hương I", "HƯƠNG I",
             "ục 2", "ỤC 2", "hần 3", "HẦN 3", "ơi nhận", "ƠI NHẬN", "ính gửi", "ÍNH GỬI", "1)", "a )"]
    for c in map(chr, range(0x3000)):
        if c not in _MARKER_FIRST and not c.isdecimal():
            assert not any(MARKER.match(c + rest) for rest in rests), c
        if c not in ".)" and not c.isdecimal():
            assert not any(_BARE_NUMBER.fullmatch(head + c) for head in ("", "1", "1.", "12.3", "a", "IV")), c
