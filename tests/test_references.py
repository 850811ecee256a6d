"""References: the case file of real citations, number and issuer codes, merging mentions, the seeds.

tests/cases/references.csv holds phrases copied from real documents of ../shared/corpus; each row says
what the extractor must read from its phrase. Known misses are xfail(strict=True): fixing one fails
the test until the row's xfail cell is cleared.
"""
from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.base import phrase_view
from extractors.numbers import issuer_of_number, number_key, type_of_number
from extractors.orgnames import issuer_key
from extractors.references import extract, find_citations, resolve_short
from pipeline import parse
from tests.conftest import GOLD, shared_file
from tests import casefiles
from tests.casefiles import load_cases, source_text



ROWS = load_cases("references.csv")


def case_params() -> list:
    return casefiles.case_params(ROWS, lambda row: row["xfail"] or None)


def references_of(text: str, context_issuer: str | None = None, own_number: str | None = None):
    view = phrase_view(text)
    view.document.issuer = context_issuer or None
    view.document.number = own_number
    return list(extract(view))


def test_case_file_is_large_and_varied():
    assert len(ROWS) >= 50
    assert len({r["source"] for r in ROWS}) >= 10
    assert len({r["id"] for r in ROWS}) == len(ROWS), "case ids must be unique"


@pytest.mark.parametrize("row", case_params())
def test_case(row: dict):
    refs = references_of(row["text"], row["context_issuer"])
    if row["doc_type"] == "none":  # no document cited by that number, nor a title starting so
        assert not [r for r in refs if (row["number"] and number_key(r.number) == number_key(row["number"]))
                    or (row["title"] and r.title and r.title.casefold().startswith(row["title"].casefold()))], refs
        return
    if row["number"]:
        hits = [r for r in refs if number_key(r.number) == number_key(row["number"])]
    else:
        hits = [r for r in refs if r.number is None and r.title and r.title.casefold() == row["title"].casefold()]
    assert hits, f"no reference {row['number'] or row['title']!r} in {[(r.number, r.title) for r in refs]}"
    ref = hits[0]
    expected = {k: row[k] or None for k in ("doc_type", "number", "issuer")}
    if not row["number"] or row["title"]:  # a numbered law is checked for its name only where the row gives it
        expected["title"] = row["title"] or None
    expected["date"] = date.fromisoformat(row["date"]) if row["date"] else None
    got = {k: getattr(ref, k) for k in expected}
    assert got == expected
    assert row["text"][ref.span[0]:ref.span[1]] == ref.text


@pytest.mark.parametrize("source", sorted({r["source"] for r in ROWS}))
def test_case_phrases_are_in_their_source(source: str):
    """Every phrase is copied from the normalised text of the real document it names."""
    text = source_text(source)
    missing = [r["id"] for r in ROWS if r["source"] == source and " ".join(r["text"].split()) not in text]
    assert not missing


# --- numbers and codes ---------------------------------------------------------------------------

@pytest.mark.parametrize("number, doc_type", [
    ("37/2010/QĐ-TTg", "quyet_dinh"), ("61-CTr/TU", "chuong_trinh"), ("24-CTR/TU", "chuong_trinh"),
    ("3452/UBND-VX", "cong_van"), ("1965-CV/BCSD", "cong_van"), ("02-TT/TU", "thong_tri"),
    ("55/2023/TT-BTC", "thong_tu"), ("08/2011/TTLT-BNV-BTC", "thong_tu_lien_tich"), ("728/PA-UBND", "phuong_an"),
    ("44/2024/QH15", None), ("19-2017/NQ-CP", "nghi_quyet"), ("23/KL-LNTPTW", "ket_luan"),
])
def test_type_of_number(number, doc_type):
    assert type_of_number(number) == doc_type


@pytest.mark.parametrize("number, issuer", [
    ("37/2010/QĐ-TTg", "Thủ tướng Chính phủ"), ("67/2007/NĐ-CP", "Chính phủ"), ("44/2024/QH15", "Quốc hội"),
    ("60/2024/UBTVQH15", "Ủy ban Thường vụ Quốc hội"), ("55/2023/TT-BTC", "Bộ Tài chính"),
    ("6676/BYT-CDS", "Bộ Y tế"), ("4255/QĐ-BNN-KHCN", "Bộ Nông nghiệp và Phát triển nông thôn"),
    # never guessed: TW is Ban Chấp hành Trung ương, Bộ Chính trị or Ban Bí thư; UBND and TU lack the place
    ("28-CT/TW", None), ("3042/KH-UBND", None), ("61-CTr/TU", None), ("08/2011/TTLT-BNV-BTC", None),
    ("133/TTr-SKHCN", None),
])
def test_issuer_of_number(number, issuer):
    assert issuer_of_number(number) == issuer


def test_number_key_ignores_case_spaces_and_d():
    assert number_key("24-CTR/TU") == number_key("24-CTr/TU") == number_key("24 -CTr/TU")
    assert number_key("37/2010/QĐ-TTg") == number_key("37/2010/QD-TTG")


def test_issuer_key_matches_forms_of_one_body():
    assert issuer_key("Ban Thường vụ Tỉnh ủy Sóc Trăng") == issuer_key("Tỉnh uỷ Sóc Trăng")
    assert issuer_key("UBND tỉnh Bến Tre") == issuer_key("Ủy ban nhân dân tỉnh Bến Tre")
    assert issuer_key("Bộ trưởng Bộ Tài chính") == issuer_key("Bộ Tài chính")
    assert issuer_key("Ủy ban nhân dân tỉnh Bến Tre") != issuer_key("Ủy ban nhân dân tỉnh Sóc Trăng")


# --- merging mentions ----------------------------------------------------------------------------

# From seed 000's programme: the first mention gives the date, a later one the issuer.
TWO_MENTIONS = ("Sau hơn 10 năm thực hiện Chỉ thị số 20-CT/TW, ngày 05/11/2012, các cấp uỷ, chính quyền đã tập trung "
                "lãnh đạo. Nguyên nhân của những hạn chế trên chủ yếu do nhận thức chưa đầy đủ, sâu sắc về mục đích, "
                "ý nghĩa, tầm quan trọng của Chỉ thị số 20-CT/TW, ngày 05/11/2012 của Bộ Chính trị về tăng cường")


def test_mentions_of_one_document_merge_into_the_first_full_citation():
    refs = references_of(TWO_MENTIONS)
    assert [(r.number, r.date, r.issuer) for r in refs] == [("20-CT/TW", date(2012, 11, 5), "Bộ Chính trị")]
    assert refs[0].span[0] == TWO_MENTIONS.index("Chỉ thị số 20-CT/TW, ngày 05/11/2012, các")


def test_short_mention_resolves_to_the_full_citation():
    """Seed 004's title says `CHỈ THỊ SỐ 20 CỦA BỘ CHÍNH TRỊ`; its body gives `Chỉ thị số 20-CT/TW ngày ...`."""
    text = ("THỰC HIỆN CHỈ THỊ SỐ 20 CỦA BỘ CHÍNH TRỊ (KHOÁ XI) VỀ TĂNG CƯỜNG\n"
            "Thực hiện Chỉ thị số 20-CT/TW ngày 05 tháng 11 năm 2012 của Bộ Chính trị (khoá XI) về tăng cường")
    cits = find_citations(text)
    (short, full), = resolve_short(cits)
    assert short.short == "20" and full.number == "20-CT/TW"
    assert [r.number for r in references_of(text)] == ["20-CT/TW"]


def test_short_mention_without_full_citation_is_dropped():
    assert references_of("thực hiện Chỉ thị số 20 của Bộ Chính trị") == []


def test_a_document_does_not_cite_its_own_number():
    text = "(Kèm theo Kế hoạch số 0204/KH-UBND ngày 24/11/2025 của Ủy ban nhân dân tỉnh Cà Mau)"
    assert references_of(text, own_number="0204/KH-UBND") == []
    assert [r.number for r in references_of(text)] == ["0204/KH-UBND"]


@pytest.mark.parametrize("text", [
    "toàn tỉnh có 77/108 xã, phường, thị trấn đạt tiêu chuẩn",  # a fraction
    "Số: 3452 /UBND-VX",  # the document's own number line
    "Kế hoạch 2027 | Kế hoạch 2028",  # years in a table header
    "và kết nối cộng đồng Dân Luật Việt Nam,",  # a web site's name
    "Luật này có hiệu lực thi hành kể từ ngày 01 tháng 7 năm 2025.",  # the anaphoric `Luật`
])
def test_not_a_citation(text):
    assert references_of(text) == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Số số Quyết định Luật Chỉ thị của Bộ Tỉnh ủy ngày tháng năm "
                                             "0123456789/-–_ ,.;()\nĐđQĐTTgCTrTUNQKH&ƯỞ")), max_size=300))
def test_random_text_never_raises_and_spans_slice_back(text):
    for ref in references_of(text):
        assert text[ref.span[0]:ref.span[1]] == ref.text


# --- whole documents -----------------------------------------------------------------------------

def gold_numbers(name: str) -> dict[str, str | None]:
    gold = json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8"))
    return {number_key(r["number"]): r.get("date") for d in gold["documents"] for r in d["references"]
            if r.get("number")}


@pytest.mark.parametrize("name", ["000_626193b0675de070", "004_164697cdc8f48644"])
def test_seed_references_match_gold(name: str):
    result = parse(shared_file(f"seeds/{name}.txt"))
    found = {number_key(r.number): (r.date.isoformat() if r.date else None)
             for d in result.documents for r in d.references if r.number}
    assert found == gold_numbers(name)
    for d in result.documents:
        for r in d.references:
            assert result.text[r.span[0]:r.span[1]] == r.text


def test_cover_letter_gives_the_attachment_its_number():
    docs = parse(shared_file("seeds/000_626193b0675de070.txt")).documents
    assert [d.number for d in docs] == ["3452/UBND-VX", "61-CTr/TU"]
    assert docs[1].issued_date == date(2024, 10, 21)
    assert docs[1].issuer == "Ban Thường vụ Tỉnh ủy Sóc Trăng"


def test_short_mention_may_name_the_issuer():
    """`28-CT/TW` alone names no issuer (TW is ambiguous); a later `Chỉ thị số 28 của Bộ Chính trị` does."""
    text = "Triển khai Chỉ thị số 28-CT/TW ngày 25/12/2023; sơ kết việc thực hiện Chỉ thị số 28 của Bộ Chính trị."
    assert [(r.number, r.issuer) for r in references_of(text)] == [("28-CT/TW", "Bộ Chính trị")]


@pytest.mark.parametrize("text, expected", [
    ("Căn cứ Luật số 44/2024/QH15 ngày 29 tháng 11 năm 2024;",
     ("luat", "44/2024/QH15", date(2024, 11, 29), "Quốc hội", None)),
    ("theo quy định của Bộ luật Lao động năm 2019;", ("bo_luat", None, None, "Quốc hội", "Bộ luật Lao động")),
    ("phù hợp với Hiến pháp năm 2013 và pháp luật", ("hien_phap", None, None, "Quốc hội", "Hiến pháp năm 2013")),
    ("Pháp lệnh Ưu đãi người có công; ", ("phap_lenh", None, None, "Ủy ban Thường vụ Quốc hội",
                                         "Pháp lệnh Ưu đãi người có công")),
])
def test_legal_texts(text, expected):
    assert [(r.doc_type, r.number, r.date, r.issuer, r.title) for r in references_of(text)] == [expected]


def test_constitution_without_year_is_not_a_citation():
    assert references_of("phù hợp với Hiến pháp, pháp luật và thực tiễn") == []


def test_two_laws_of_one_title_stay_two():
    text = ("Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 22 tháng 6 năm 2015; Luật Ban hành văn bản quy phạm "
            "pháp luật ngày 19 tháng 02 năm 2025; theo Luật Ban hành văn bản quy phạm pháp luật.")
    assert [r.date for r in references_of(text)] == [date(2015, 6, 22), date(2025, 2, 19)]


# --- how citations are written: constructed cases ------------------------------------------------

def test_amending_law_title_is_one_reference():
    text = ("Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Quy hoạch, Luật Đầu tư, Luật Đầu tư theo phương thức "
            "đối tác công tư và Luật Đấu thầu ngày 29 tháng 11 năm 2024;")
    refs = references_of(text)
    assert [(r.title, r.date) for r in refs] == [
        ("Luật sửa đổi, bổ sung một số điều của Luật Quy hoạch, Luật Đầu tư, Luật Đầu tư theo phương thức đối tác "
         "công tư và Luật Đấu thầu", date(2024, 11, 29))]


def test_laws_numbered_inside_an_amending_title_are_cited_with_their_names():
    text = ("Luật sửa đổi, bổ sung một số điều của Luật Đất đai số 31/2024/QH15, Luật Nhà ở số 27/2023/QH15 và Luật "
            "Kinh doanh bất động sản số 29/2023/QH15;")
    refs = references_of(text)
    assert [(r.number, r.title) for r in refs] == [
        (None, "Luật sửa đổi, bổ sung một số điều của Luật Đất đai số 31/2024/QH15, Luật Nhà ở số 27/2023/QH15 và "
               "Luật Kinh doanh bất động sản số 29/2023/QH15"),
        ("31/2024/QH15", "Luật Đất đai"), ("27/2023/QH15", "Luật Nhà ở"),
        ("29/2023/QH15", "Luật Kinh doanh bất động sản")]
    assert all(r.doc_type == "luat" and r.issuer == "Quốc hội" for r in refs)


def test_number_after_the_one_law_amended_is_the_amending_laws():
    text = "Luật sửa đổi, bổ sung một số điều của Luật Xây dựng số 62/2020/QH14 ngày 17 tháng 6 năm 2020;"
    assert [(r.number, r.date, r.title, r.span[0]) for r in references_of(text)] == [
        ("62/2020/QH14", date(2020, 6, 17), "Luật sửa đổi, bổ sung một số điều của Luật Xây dựng", 0)]


def test_a_numbered_amending_law_takes_the_laws_it_names_as_its_title():
    text = ("Căn cứ Luật số 56/2024/QH15 ngày 29 tháng 11 năm 2024 sửa đổi, bổ sung một số điều của Luật Chứng khoán, "
            "Luật Kế toán và Luật Quản lý thuế;")
    (ref,) = references_of(text)
    assert (ref.number, ref.date, ref.title) == ("56/2024/QH15", date(2024, 11, 29), "Luật sửa đổi, bổ sung một số điều "
                                                 "của Luật Chứng khoán, Luật Kế toán và Luật Quản lý thuế")
    assert ref.text.endswith("Luật Quản lý thuế")


def test_amending_law_of_articles_names_its_law_after_cua():
    text = "theo Luật sửa đổi, bổ sung Điều 6 và Phụ lục 4 của Luật Đầu tư ngày 22 tháng 11 năm 2016."
    assert [(r.title, r.date) for r in references_of(text)] == [
        ("Luật sửa đổi, bổ sung Điều 6 và Phụ lục 4 của Luật Đầu tư", date(2016, 11, 22))]


def test_law_named_before_its_number_is_that_numbered_citation():
    text = "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025;"
    assert [(r.doc_type, r.number, r.title, r.span[0]) for r in references_of(text)] == [
        ("luat", "72/2025/QH15", "Luật Tổ chức chính quyền địa phương", text.index("Luật"))]


@pytest.mark.parametrize("text", [
    "- Nghiên cứu, xây dựng Luật Trí tuệ nhân tạo và các Nghị định hướng dẫn thi hành.",
    "Hoàn thiện dự thảo Luật Chuyển đổi số trình Chính phủ.",
    "Tham gia ý kiến vào Dự án Luật Đất đai (sửa đổi).",
    "trong thời gian chưa ban hành Luật Quy hoạch (sửa đổi);",
    "Bộ Tư pháp chủ trì soạn thảo Luật Ban hành văn bản quy phạm pháp luật mới.",
])
def test_law_still_to_be_drafted_is_not_cited(text):
    assert references_of(text) == []


@pytest.mark.parametrize("text, title", [
    ("triển khai Luật Trí tuệ nhân tạo và các Nghị định hướng dẫn", "Luật Trí tuệ nhân tạo"),
    ("thực hiện Luật Chuyển đổi số và các văn bản", "Luật Chuyển đổi số"),
    ("theo Luật Công nghiệp công nghệ số ngày 14 tháng 6 năm 2025", "Luật Công nghiệp công nghệ số"),
    ("Luật Đầu tư theo phương thức đối tác công tư; Luật Đấu thầu", "Luật Đầu tư theo phương thức đối tác công tư"),
    ("Căn cứ Luật Phí và lệ phí ngày 25 tháng 11 năm 2015;", "Luật Phí và lệ phí"),
    ("hướng dẫn thi hành Luật Quy hoạch sửa đổi.", "Luật Quy hoạch"),
    ("sửa đổi Luật Quy hoạch và xây dựng các văn bản có liên quan", "Luật Quy hoạch"),
])
def test_law_names_are_read_whole_and_no_further(text, title):
    assert [r.title for r in references_of(text)][:1] == [title]


@pytest.mark.parametrize("text, number", [
    ("thực hiện Kế hoạch số 185/KH-\nUBND ngày 12/3/2025 của UBND tỉnh", "185/KH-UBND"),
    ("Căn cứ Nghị quyết số\n66.2/2025/NQ-CP ngày 28 tháng 8 năm 2025 của Chính phủ", "66.2/2025/NQ-CP"),
    ("Căn cứ Quyết định số 10/2007/QĐ_BKHCN ngày 11 tháng 5 năm 2007 của Bộ Khoa học và Công nghệ", "10/2007/QĐ-BKHCN"),
])
def test_numbers_as_typed_and_broken(text, number):
    (ref,) = references_of(text)
    assert ref.number == number and ref.date is not None and text[ref.span[0]:ref.span[1]] == ref.text


def test_word_segmented_number_ends_at_the_underscore():
    assert [r.number for r in references_of("Quyết_định số 167/2008/QĐ-TTg_ngày 12/12/2008")] == ["167/2008/QĐ-TTg"]


def test_a_comma_and_va_spell_one_law():
    text = ("Căn cứ Luật Phí, lệ phí ngày 25/11/2015; Nghị định số 120/2016/NĐ-CP ngày 23/8/2016 của Chính phủ quy định "
            "chi tiết thi hành một số điều của Luật phí và lệ phí;")
    assert [(r.title or r.number) for r in references_of(text)] == ["Luật Phí, lệ phí", "120/2016/NĐ-CP"]


def test_numbers_joined_by_va_share_the_date_after_them():
    text = "Các Công điện: số 008/CĐ-UBND và số 009/CĐ-UBND ngày 19/11/2025 của UBND tỉnh"
    assert [(r.number, r.date) for r in references_of(text)] == [("008/CĐ-UBND", date(2025, 11, 19)),
                                                                ("009/CĐ-UBND", date(2025, 11, 19))]


def test_a_misprinted_date_gives_way_to_one_that_fits_the_number():
    """The year a number names, and a date before the citing document's own, tell a misprint."""
    text = ("thực hiện Nghị quyết số 163/2024/QH15 ngày 27 tháng 11 năm 2025 của Quốc hội; theo Nghị quyết số "
            "163/2024/QH15 ngày 27/11/2024 của Quốc hội")
    view = phrase_view(text)
    view.document.issued_date = date(2025, 11, 17)
    assert [(r.number, r.date) for r in extract(view)] == [("163/2024/QH15", date(2024, 11, 27))]


PLAN = """ỦY BAN NHÂN DÂN
TỈNH AN GIANG
Số: 12/KH-UBND
An Giang, ngày 10 tháng 11 năm 2025
KẾ HOẠCH
Triển khai công tác dân số
I. MỤC ĐÍCH, YÊU CẦU
1. Triển khai các văn bản của Trung ương và của Tỉnh[1].
2. Bảo đảm thực hiện đầy đủ.
II. TỔ CHỨC THỰC HIỆN
Sở Y tế chủ trì, phối hợp với các sở, ngành triển khai Kế hoạch này.
Nơi nhận:
- Sở Y tế;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn An
{annex}
[1] Quyết định số 1679/QĐ-TTg ngày 22/11/2019 của Thủ tướng Chính phủ về việc phê duyệt Chiến lược dân số.
{trailer}"""


def test_footnotes_after_the_signature_are_read(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text(PLAN.format(annex="", trailer=""), encoding="utf-8")
    (doc,) = parse(path).documents
    assert [r.number for r in doc.references] == ["1679/QĐ-TTg"]


def test_a_web_sites_trailer_is_cut_even_inside_an_annex(tmp_path):
    annex = "PHỤ LỤC\nDANH MỤC NHIỆM VỤ\n1. Rà soát dữ liệu dân cư | Sở Y tế | Năm 2026"
    trailer = ("Kế hoạch 12/KH-UBND năm 2025 triển khai công tác dân số do tỉnh An Giang ban hành\n"
               "Kính gửi: Quý Thành viên, Nghị định 13/2023/NĐ-CP về Bảo vệ dữ liệu cá nhân yêu cầu xác nhận\n"
               "Địa chỉ:\n17 Nguyễn Gia Thiều")
    path = tmp_path / "plan.md"
    path.write_text(PLAN.format(annex=annex, trailer="").replace("\n[1]", "\n" + trailer + "\n[1]"), encoding="utf-8")
    result = parse(path)
    (doc,) = result.documents
    assert "13/2023/NĐ-CP" not in [r.number for r in doc.references]
    assert result.text[doc.span[0]:doc.span[1]].rstrip().endswith("Năm 2026")


# --- whole documents of ../shared/corpus ---------------------------------------------------------

# (source, number, expected date or None, present?, rule)
DOCUMENT_CASES = [
    ("real/cantho_2025_KH_165-KH-UBND_dan-so.md", "1679/QĐ-TTg", date(2019, 11, 22), True, "footnotes-after-signature"),
    ("real/camau_2025_KH_0204-KH-UBND_tai-chinh-ngan-sach-3-nam.md", "87/2025/NĐ-CP", date(2025, 4, 11), True,
     "footnotes-after-signature"),
    ("real/cantho_2025_KH_153-KH-UBND_ma-tuy.md", "163/2024/QH15", date(2024, 11, 27), True,
     "footnotes-after-signature;date-fits-number"),
    ("real/tw_2025_QD_2629-QD-TTg_chinh-phu-so.md", "13/2023/NĐ-CP", None, False, "site-trailer-cut"),
    ("real/nghean_2025_KH_980-KH-UBND_QD-1899-QD-TTg.md", "13/2023/NĐ-CP", None, False, "site-trailer-cut"),
]


@pytest.mark.parametrize("source, number, when, present, rule", DOCUMENT_CASES,
                         ids=[f"{c[4]}:{c[0].split('/')[-1][:30]}" for c in DOCUMENT_CASES])
def test_document_case(source, number, when, present, rule):
    refs = [r for d in parse(shared_file(source)).documents for r in d.references
            if number_key(r.number) == number_key(number)]
    if not present:
        assert refs == []
        return
    assert [r.date for r in refs] == [when]


# Rules that fire on one document of ../shared/corpus only, and why.
SINGLE_RULES = {
    "amending-inner-number": "only the HCM planning-database decision numbers the laws an amending law amends",
    "amending-own-number": "only the HCM planning-database decision numbers an amending law after the one law it "
                           "amends; constructed case test_number_after_the_one_law_amended_is_the_amending_laws",
    "law-name-then-number": "only the HCM planning-database decision writes laws' names before their numbers; the "
                            "others write `Luật số ...` or the name alone",
    "law-name-stop-phrase": "`theo phương thức` of the public-private partnership law: the Hà Nội resolution 12/2025 "
                            "that also names it is a scan (OCR); constructed case in test_law_names_are_read_whole",
    "law-revision-is-not-name": "only the HCM decision names a revised law `Luật X sửa đổi`; constructed case",
    "law-and-clause": "only the HCM decision joins a clause to a law's name with `và`; constructed case",
    "law-to-be-drafted": "only the Prime Minister's digital-government decision tasks the drafting of laws; the issue "
                         "names it for unseen documents; constructed cases test_law_still_to_be_drafted_is_not_cited",
    "number-underscore": "only the Cần Thơ 2010 decision (in .doc and its .docx and .pdf conversions) types `_`",
    "number-after-line-break": "only the HCM decision breaks a line inside a citation; constructed cases for `KH-`/`UBND`",
    "numbers-share-date": "only the Đắk Lắk flood plan joins two numbers under one date",
    "type-modifier": "only the Đắk Lắk flood plan cites a `Quy chế phối hợp`",
    "date-fits-number": "only the Cần Thơ drug plan misprints a cited date (`27 tháng 11 năm 2025` for 2024)",
}


def test_rules_fire_on_two_documents_or_say_why_not():
    docs: dict[str, set] = {}
    for row in ROWS:
        for rule in filter(None, row["rule"].split(";")):
            docs.setdefault(rule, set())
            if not row["xfail"]:
                docs[rule].add(row["source"])
    for source, _, _, _, rules in DOCUMENT_CASES:
        for rule in rules.split(";"):
            docs.setdefault(rule, set()).add(source)
    lonely = {r for r, d in docs.items() if len(d) < 2}
    assert lonely - set(SINGLE_RULES) == set(), f"rules on one document only, with no reason: {sorted(lonely - set(SINGLE_RULES))}"
    assert set(SINGLE_RULES) - lonely == set(), f"rules now on two documents, drop their reason: {sorted(set(SINGLE_RULES) - lonely)}"


def _mention_scans_agree(text: str, lo: int, hi: int) -> None:
    """Tried only where a mention can begin (a number's first digit, `số`, a law's type word), each pattern of
    find_citations finds what finditer finds."""
    from extractors import references as R
    from extractors.base import NUMBER_RUN, caseless
    from extractors.textscan import matches_at

    for rx, starts, on in ((R._NUMBER, NUMBER_RUN, text), (R._SO_SERIAL, R._SO_START, caseless(text)),
                           (R._LAW, R._LAW_START, text)):
        offsets = [m.start() for m in starts.finditer(on, lo, hi)]
        assert [m.span() for m in matches_at(rx, offsets, text, lo, hi)] == [m.span() for m in rx.finditer(text, lo, hi)]


MENTION_PIECES = ["12", "2025", "/", "-", " -", "- ", "–", "\n", " ", "_", ".", "QĐ", "TTg", "KH", "UBND", "số", "Số",
                  "SỐ", "ſố", "Luật", "Bộ luật", "Bộ Luật", "Pháp lệnh", "Hiến pháp", "Đất đai", "a", "&", "Bộ", "x"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(MENTION_PIECES), max_size=30), st.data())
def test_mention_starts_give_the_finditer_matches(parts, data):
    text = "".join(parts)
    lo = data.draw(st.integers(0, len(text)))
    _mention_scans_agree(text, lo, data.draw(st.integers(lo, len(text))))


def test_mention_starts_give_the_finditer_matches_on_real_documents():
    from pipeline.normalise import normalise
    from pipeline.readers import read
    from tests.conftest import text_corpus_files

    for path in text_corpus_files()[::5]:
        text = normalise(read(path))[0]
        _mention_scans_agree(text, 0, len(text))
        _mention_scans_agree(text, len(text) // 3, len(text) // 2)
