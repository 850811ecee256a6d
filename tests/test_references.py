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
    if row["number"]:
        hits = [r for r in refs if number_key(r.number) == number_key(row["number"])]
    else:
        hits = [r for r in refs if r.number is None and r.title and r.title.casefold() == row["title"].casefold()]
    assert hits, f"no reference {row['number'] or row['title']!r} in {[(r.number, r.title) for r in refs]}"
    ref = hits[0]
    expected = {k: row[k] or None for k in ("doc_type", "number", "issuer", "title")}
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
