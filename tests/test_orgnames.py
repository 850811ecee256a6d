"""The organisation-name grammar (extractors/orgnames): real names with their boundaries (tests/cases/orgnames.csv),
the header's casing of names and titles set in capitals, and the API the header, citations and assignments share."""
from __future__ import annotations

import pytest

from extractors.orgnames import (is_org_line, is_unspecified, issuer_key, parse_issuer, read_org, title_case,
                                 vn_case)
from tests.casefiles import case_params, load_cases, source_text

ROWS = load_cases("orgnames.csv")


@pytest.mark.parametrize("row", case_params(ROWS, lambda row: row["xfail"] or None))
def test_case(row):
    phrase, mention = row["phrase"], row["mention"]
    org = read_org(phrase, phrase.index(mention))
    if not row["name"]:
        assert org is None or phrase[org.start:org.end] != mention, org
        return
    assert org is not None, "no body read"
    assert (phrase[org.start:org.end], org.name) == (mention, row["name"])


def test_case_file_is_large_and_varied():
    assert len(ROWS) >= 150
    assert len({r["source"] for r in ROWS}) >= 25
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    assert sum(1 for r in ROWS if not r["xfail"]) >= 150


@pytest.mark.parametrize("name", sorted({r["source"] for r in ROWS}))
def test_phrases_are_verbatim(name):
    text = source_text(name.split("/", 1)[1] if "/" in name else name)
    for row in ROWS:
        if row["source"] == name:
            assert row["phrase"] in text, row["id"]
            assert row["mention"] in row["phrase"], row["id"]


@pytest.mark.parametrize("caps, running", [
    ("ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG", "Ủy ban nhân dân tỉnh Sóc Trăng"),
    ("UBND TỈNH BẾN TRE", "Ủy ban nhân dân tỉnh Bến Tre"),
    ("BAN THƯỜNG VỤ TỈNH ỦY", "Ban Thường vụ Tỉnh ủy"),
    ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Sở Lao động - Thương binh và Xã hội"),
    ("ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ", "Ủy ban nhân dân thành phố Cần Thơ"),
    ("THỦ TƯỚNG CHÍNH PHỦ", "Thủ tướng Chính phủ"),
    ("PHÓ CHỦ TỊCH", "Phó Chủ tịch"),
    ("PHÓ BÍ THƯ THƯỜNG TRỰC", "Phó Bí thư Thường trực"),
    ("HỘI ĐỒNG NHÂN DÂN TỈNH ĐỒNG THÁP KHOÁ IX", "Hội đồng nhân dân tỉnh Đồng Tháp khoá IX"),
])
def test_names_in_capitals_as_running_text_writes_them(caps, running):
    assert vn_case(caps) == running


@pytest.mark.parametrize("caps, running", [
    ("VIỆC SỬA ĐỔI MỘT SỐ NỘI DUNG CỦA ĐIỀU 1 TẠI NGHỊ QUYẾT SỐ 209/2015/NQ-HĐND CỦA HBND TỈNH",
     "việc sửa đổi một số nội dung của Điều 1 tại Nghị quyết số 209/2015/NQ-HĐND của HBND tỉnh"),
    ("TRIỂN KHAI QUYẾT ĐỊNH SỐ 06/QĐ-TTG CỦA THỦ TƯỚNG CHÍNH PHỦ VÀ QUYẾT ĐỊNH SỐ 3103/QĐ-BTC CỦA BỘ TÀI CHÍNH",
     "triển khai Quyết định số 06/QĐ-TTG của Thủ tướng Chính phủ và Quyết định số 3103/QĐ-BTC của Bộ Tài chính"),
    ("PHÁT TRIỂN KINH TẾ SỐ TỈNH BẮC NINH GIAI ĐOẠN 2026 - 2030", "phát triển kinh tế số tỉnh Bắc Ninh giai đoạn 2026 - 2030"),
    ("THỰC HIỆN CHỈ THỊ SỐ 28-CT/TW CỦA BAN BÍ THƯ KHÓA XIII", "thực hiện Chỉ thị số 28-CT/TW của Ban Bí thư khóa XIII"),
    ("chuyển đổi số trong giáo dục", "chuyển đổi số trong giáo dục"),  # mixed case: kept as written
])
def test_titles_in_capitals_in_sentence_case_with_names_restored(caps, running):
    assert title_case(caps) == running


@pytest.mark.parametrize("line, whole", [
    ("HỘI ĐỒNG NHÂN DÂN TỈNH HÀ GIANG", True), ("THỦ TƯỚNG CHÍNH PHỦ", True), ("ỦY BAN NHÂN DÂN TỈNH SƠN LA", True),
    ("BAN HÀNH CHÍNH SÁCH KHUYẾN KHÍCH PHÁT TRIỂN SẢN XUẤT NÔNG", False),  # a wrapped subject line, not a body
    ("TRƯỜNG TRÊN ĐỊA BÀN TỈNH TRÀ VINH", False), ("SỞ DỮ LIỆU QUỐC GIA VỀ QUY HOẠCH", False),
    ("HỘI KHÔNG DÙNG TIỀN MẶT TRÊN ĐỊA BÀN THÀNH PHỐ CẦN THƠ", False),
])
def test_whole_lines_that_name_a_body(line, whole):
    assert is_org_line(line) is whole


def test_unspecified_groups():
    assert is_unspecified("các đơn vị liên quan") and is_unspecified("các sở, ban, ngành có liên quan")
    assert not is_unspecified("các doanh nghiệp viễn thông") and not is_unspecified("các sở, ban, ngành tỉnh")


@pytest.mark.parametrize("text, issuer", [
    ("của Bộ Công an và Bộ Nông nghiệp và Môi trường về", "Bộ Công an và Bộ Nông nghiệp và Môi trường"),
    ("của Ban Chấp hành Trung ương Đảng khóa XII về", "Ban Chấp hành Trung ương Đảng khóa XII"),
    ("của Hội nghị lần thứ sáu Ban Chấp hành Trung ương Đảng khóa XII về", "Ban Chấp hành Trung ương Đảng khóa XII"),
    ("của Tổ giúp việc Ban chỉ đạo Trung ương về", "Tổ giúp việc Ban chỉ đạo Trung ương"),
    ("của Bộ trưởng Bộ Tài chính hướng dẫn", "Bộ trưởng Bộ Tài chính"),
])
def test_citation_issuers_by_the_same_grammar(text, issuer):
    assert parse_issuer(text, len("của "))[0] == issuer


def test_issuer_keys():
    assert issuer_key("Ban Thường vụ Tỉnh uỷ Sóc Trăng") == issuer_key("Tỉnh ủy Sóc Trăng")
    assert issuer_key("UBND tỉnh Bến Tre") == issuer_key("Ủy ban nhân dân tỉnh Bến Tre")


@pytest.mark.parametrize("text, mention, name", [
    # an abbreviation is a word whole: it takes no small syllable after it (2004-duanLD9820 `Sở KH-CN & MT ngoài ...`)
    ("Quỹ BHYT thanh toán theo mức hưởng", "Quỹ BHYT", "Quỹ BHYT"),
    # national bodies that ministries' and the Government's texts assign (held-out texts of issue 11)
    ("giao Bảo hiểm xã hội Việt Nam tổ chức thực hiện", "Bảo hiểm xã hội Việt Nam", "Bảo hiểm xã hội Việt Nam"),
    ("đề nghị BHXH Việt Nam chỉ đạo", "BHXH Việt Nam", "Bảo hiểm xã hội Việt Nam"),
    ("phối hợp với BHXH tỉnh, thành phố", "BHXH tỉnh, thành phố", "Bảo hiểm xã hội tỉnh, thành phố"),
])
def test_abbreviations_and_national_bodies(text, mention, name):
    org = read_org(text, text.index(mention.split()[0]))
    assert (text[org.start:org.end], org.name) == (mention, name)


def test_the_look_up_before_reading_changes_no_reading_on_a_real_document():
    """read_org skips the grammar where `may_start` says no name can start, and takes a first word in small
    letters as not capitals without looking further: on every word of a real plan it reads what the grammar
    run unchecked reads."""
    from extractors.base import match_text
    from extractors.orgnames import _caps_text, _Reader, _TOK, Tokens, may_start
    from pipeline.normalise import normalise
    from pipeline.readers import read
    from tests.conftest import CORPUS
    text = match_text(normalise(read(CORPUS / "real" / "dongthap_2025_KH_617-KH-UBND.md")).text)
    starts = [m.start() for m in _TOK.finditer(text)][:6000]
    found = skipped = 0
    for pos in starts:
        unchecked = _Reader(Tokens(text, pos), _caps_text(text, pos, None)).read(0)
        assert read_org(text, pos) == unchecked, text[pos:pos + 60]
        if not may_start(text, pos):
            assert unchecked is None
            skipped += 1
        found += unchecked is not None
    assert found > 100 and skipped > len(starts) // 2


def test_readings_made_without_init_equal_the_constructors():
    """_org and _replace skip the frozen dataclass's __init__ for speed: what they make must be what
    OrgName(...) and dataclasses.replace make, field for field and in field order (equality and hash)."""
    import dataclasses
    from extractors.orgnames import OrgName, _org, _replace
    fields = {f.name for f in dataclasses.fields(OrgName)}
    made = _org("Sở Tài chính", "so", "tinh", known=True, successor="Sở Tài chính mới")
    built = OrgName(0, 0, "Sở Tài chính", "so", "tinh", known=True, successor="Sở Tài chính mới")
    assert made == built and hash(made) == hash(built)
    assert list(made.__dict__) == [f.name for f in dataclasses.fields(OrgName)]
    changed = _replace(made, start=3, end=9, title="Giám đốc")
    assert changed == dataclasses.replace(built, start=3, end=9, title="Giám đốc")
    assert set(changed.__dict__) == fields
