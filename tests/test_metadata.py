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


# --- signatures run onto one line (crawled pages, converted PDFs); held-out ministry and provincial texts ---

BODY = "Số: 12/BYT-KCB\nHà Nội, ngày 02 tháng 3 năm 2021\n\nKính gửi: Sở Y tế các tỉnh.\n\nĐề nghị các đơn vị thực hiện.\n"


@pytest.mark.parametrize("closing, signer", [
    ("Nơi nhận:\n- Như trên;\n- Lưu: VT, BH.\nKT. BỘ TRƯỞNG THỨ TRƯỞNG Nguyễn Trường Sơn\n",
     ("Nguyễn Trường Sơn", "Thứ trưởng", "KT. Bộ trưởng")),
    ("Nơi nhận:\n- Như trên;\nKT. TỔNG GIÁM ĐỐC PHÓ TỔNG GIÁM ĐỐC Phạm Lương Sơn",
     ("Phạm Lương Sơn", "Phó Tổng Giám đốc", "KT. Tổng Giám đốc")),
    ("Nơi nhận:\n- Như điều 2;\n- Lưu VT.\nTM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Hữu Tháp \n",
     ("Nguyễn Hữu Tháp", "Phó Chủ tịch", "TM. Ủy ban nhân dân, KT. Chủ tịch")),
    # no KT./TM. and no Nơi nhận: the office alone on its line, a seal drawn before the name
    ("THỦ TƯỚNG\n[\n\nLê Minh Hưng\n", ("Lê Minh Hưng", "Thủ tướng", None)),
    # the signature glued onto the last line of the Nơi nhận list, after the drafter's name
    ("Nơi nhận:\n- Như trên;\n- Lưu: VT, ĐMDN (2b). Trung Anh BỘ TRƯỞNG, CHỦ NHIỆM Mai Tiến Dũng\n",
     ("Mai Tiến Dũng", "Bộ trưởng, Chủ nhiệm", None)),
    ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH (đã ký) Ngô Thị Thanh Hằng\n",
     ("Ngô Thị Thanh Hằng", "Phó Chủ tịch", "TM. Ủy ban nhân dân, KT. Chủ tịch")),
])
def test_signature_blocks_run_onto_one_line(closing, signer):
    s = meta("BỘ Y TẾ\n\n" + BODY + closing).signer
    assert (s.name, s.title, s.authority) == signer


def test_a_line_that_only_names_an_office_in_the_body_is_no_signature():
    text = "BỘ Y TẾ\n\n" + BODY + "Điều 3. Trách nhiệm\nGIÁM ĐỐC\nchịu trách nhiệm thi hành.\n"
    assert meta(text).signer is None


@pytest.mark.parametrize("title, code", [("KẾ HOẠCH HÀNH ĐỘNG", "ke_hoach"), ("CHƯƠNG TRÌNH HÀNH ĐỘNG", "chuong_trinh")])
def test_a_plan_of_action_is_a_plan(title, code):
    """The Government's and provinces' texts carrying out a resolution are titled so (held-out 844/QĐ-TTg, 435/QĐ-UBND
    Kon Tum); no document of ../shared/corpus is."""
    m = meta(f"THỦ TƯỚNG CHÍNH PHỦ\n\n{title}\nThực hiện Chỉ thị số 52-CT/TW của Ban Bí thư\n\nI. MỤC TIÊU\nBao phủ.\n")
    assert (m.doc_type, m.subject) == (code, "Thực hiện Chỉ thị số 52-CT/TW của Ban Bí thư")


def test_an_office_and_its_standing():
    s = meta("BỘ Y TẾ\n\n" + BODY + "Nơi nhận:\n- Lưu: VT, BH.\nKT. BỘ TRƯỞNG THỨ TRƯỞNG THƯỜNG TRỰC Vũ Mạnh Hà\n").signer
    assert (s.name, s.title, s.authority) == ("Vũ Mạnh Hà", "Thứ trưởng Thường trực", "KT. Bộ trưởng")
