"""Header and title block rules of extractors.metadata on short texts."""
from __future__ import annotations

import pytest

from extractors.metadata import is_person_name, is_signer_role, read_metadata

HEADER = "UBND TỈNH HẬU GIANG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\n\nSố: 310/KH-SGDĐT\n\n"


def meta(text: str):
    return read_metadata(text, 0, len(text))


@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_subject_under_the_type_name_also_after_a_paragraph_space(gap):
    text = (HEADER + f"KẾ HOẠCH{gap}Thực hiện Quyết định số 812/QĐ-UBND của Ủy ban nhân dân tỉnh\n\n"
            "I. MỤC ĐÍCH, YÊU CẦU\nNâng cao nhận thức.\n")
    assert meta(text).subject == "Thực hiện Quyết định số 812/QĐ-UBND của Ủy ban nhân dân tỉnh"


@pytest.mark.parametrize("first", ["Căn cứ Luật Giáo dục năm 2019;", "Thực hiện Quyết định số 812/QĐ-UBND, Sở xây dựng Kế hoạch như sau:"])
def test_the_body_after_a_paragraph_space_is_no_subject(first):
    text = HEADER + f"KẾ HOẠCH\n\n{first}\nI. MỤC ĐÍCH, YÊU CẦU\nNâng cao nhận thức.\n"
    assert meta(text).subject is None


def test_a_signer_title_is_not_a_name():
    assert is_person_name("PHÓ GIÁM ĐỐC") and is_signer_role("PHÓ GIÁM ĐỐC")  # Phó is a family name too
    assert is_person_name("Phó Đức Phương") and not is_signer_role("Phó Đức Phương")
