"""Legacy TCVN3 / VNI text: the published tables, the corpus README's real strings, round trips
of our own text, Unicode left alone, capitals for .VnTimeH, and accuracy against the corpus
transcripts of real 2004-2008 documents."""
from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest

from pipeline.legacy import (
    _DATA, choose_encoding, convert, encoding_for_font, fix_legacy, is_capital_font, is_syllable,
)
from pipeline.readers.text import decode

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
CORPUS = SHARED / "corpus"

# Our own text (not from the corpus): a plan's typical sentences.
OURS = [
    "Ủy ban nhân dân tỉnh giao Sở Y tế chủ trì, phối hợp với các sở, ngành liên quan",
    "Phấn đấu đến năm 2025 giảm tỷ lệ suy dinh dưỡng thể thấp còi xuống dưới 22,5%",
    "Trước ngày 15 tháng 12 hằng năm, báo cáo kết quả thực hiện về Ủy ban nhân dân tỉnh",
    "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh tuyên truyền, vận động nhân dân",
    "Người lao động, thương binh và xã hội được hưởng chế độ ưu đãi; khuyến khích đổi mới",
    "Quỹ bảo lãnh tín dụng hỗ trợ doanh nghiệp nhỏ và vừa ở vùng sâu, vùng xa, hải đảo",
]


def table(encoding: str) -> dict[str, str]:
    rows = {}
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if line.startswith("#") or cols[0] != encoding:
            continue
        rows[cols[2]] = cols[3]
    return rows


def encode(text: str, encoding: str) -> str:
    """Unicode -> legacy characters with the inverse of the data file (for round trips)."""
    inverse = {}
    for legacy, uni in table(encoding).items():
        inverse.setdefault(uni, legacy)  # first row wins: the canonical spelling
    return "".join(inverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def test_tables_cover_every_vietnamese_letter():
    vowels = "aăâeêioôơuưy"
    tones = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]
    letters = {unicodedata.normalize("NFC", v + t) for v in vowels for t in tones} - set("aeiouy") | {"đ"}
    tcvn3 = set(table("tcvn3").values())
    assert letters <= tcvn3  # TCVN3 (ABC): all small letters
    assert {"Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"} <= tcvn3  # and only these capitals
    assert len(table("tcvn3")) == 74
    vni = set(table("vni").values())  # VNI: every letter, small and capital
    assert {c for c in letters | {c.upper() for c in letters} if not c.isascii()} <= vni


@pytest.mark.parametrize("legacy, unicode_, encoding", [
    # the published tables, spot checks (TCVN 5712:1993 VN3; VNI Windows)
    ("µ¸¶·¹", "àáảãạ", "tcvn3"),
    ("¨»¾¼½Æ", "ăằắẳẵặ", "tcvn3"),
    ("©ÇÊÈÉË", "âầấẩẫậ", "tcvn3"),
    ("®§", "đĐ", "tcvn3"),
    ("­¬«ª", "ươôê", "tcvn3"),
    ("aøaùaûaõaï", "àáảãạ", "vni"),
    ("aêaèaéaúaüaë", "ăằắẳẵặ", "vni"),
    ("oâoàoáoåoãoä", "ôồốổỗộ", "vni"),
    ("ôöñÑÔÖ", "ơưđĐƠƯ", "vni"),
    ("ìíæóòî", "ìíỉĩịỵ", "vni"),
    ("AØAÙAÛAÕAÏ", "ÀÁẢÃẠ", "vni"),
])
def test_published_table_samples(legacy, unicode_, encoding):
    assert convert(legacy, encoding) == unicode_


@pytest.mark.parametrize("legacy, expected, encoding", [
    # strings quoted in the corpus README, from real documents
    ("céng hoµ x· héi chñ nghÜa ViÖt nam", "cộng hoà xã hội chủ nghĩa Việt nam", "tcvn3"),
    ("bé tµi chÝnh", "bộ tài chính", "tcvn3"),
    ("Hµ néi, ngµy 22 th¸ng 11 n¨m 2002", "Hà nội, ngày 22 tháng 11 năm 2002", "tcvn3"),
    ("Céng hßa x· héi chñ nghÜa ViÖt Nam §éc lËp - Tù do - H¹nh phóc",
     "Cộng hòa xã hội chủ nghĩa Việt Nam Độc lập - Tự do - Hạnh phúc", "tcvn3"),
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam", "vni"),
])
def test_readme_strings_detected_and_converted(legacy, expected, encoding):
    assert fix_legacy(legacy) == (expected, encoding)


@pytest.mark.parametrize("sentence", OURS)
@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_round_trip_of_our_text(sentence, encoding):
    text = sentence if encoding == "vni" else _tcvn3_writable(sentence)
    legacy = encode(text, encoding)
    assert legacy != text
    assert convert(legacy, encoding) == text
    assert fix_legacy(legacy) == (text, encoding)


def _tcvn3_writable(text: str) -> str:
    # TCVN3 has no accented capitals: a typist writes them small (`ñy ban`), as real files do.
    return "".join(ch.lower() if ch.isupper() and ch not in "ĂÂÊÔƠƯĐ" and not ch.isascii() else ch for ch in text)


def test_mixed_lines_each_get_their_encoding():
    text = "\n".join([encode(OURS[0], "vni"), encode(_tcvn3_writable(OURS[1]), "tcvn3"), OURS[2]])
    fixed, encoding = fix_legacy(text)
    assert fixed.split("\n") == [OURS[0], _tcvn3_writable(OURS[1]), OURS[2]]
    assert encoding == "tcvn3+vni"


def test_capital_fonts_and_capital_headings():
    assert convert("ñy ban nh©n d©n tØnh bÕn tre", "tcvn3", capitals=True) == "ỦY BAN NHÂN DÂN TỈNH BẾN TRE"
    # caps lock in a normal ABC font: the accented letters stay small in the bytes
    assert convert("§¸NH GI¸ HIÖN TR¹NG Vµ GI¶I PH¸P", "tcvn3") == "ĐÁNH GIÁ HIỆN TRẠNG VÀ GIẢI PHÁP"
    assert convert("Sè: 256/2004/Q§-UB", "tcvn3") == "Số: 256/2004/QĐ-UB"  # one capital: not a heading
    assert convert("TØNH L¢M §åNG giai ®o¹n", "tcvn3") == "TỈNH LÂM ĐỒNG giai đoạn"


@pytest.mark.parametrize("font, encoding, capitals", [
    (".VnTime", "tcvn3", False), (".VnTimeH", "tcvn3", True), (".VnArialH", "tcvn3", True),
    ("VnTime", "tcvn3", False), ("FBHPFN+VnTimeHBold", "tcvn3", True), ("VnArialH(Ds)", "tcvn3", True),
    ("VnSouthern(Ds)", "tcvn3", False), (".VnTime Bold", "tcvn3", False),
    ("VNI-Times", "vni", False), ("VNI-Helve-Condense", "vni", False),
    ("Times New Roman", None, False), ("Arial", None, False), (None, None, False), ("Symbol", None, False),
])
def test_fonts(font, encoding, capitals):
    assert encoding_for_font(font) == encoding
    assert is_capital_font(font) is capitals


def test_pdf_glyph_names_for_tcvn3():
    # a TCVN3 PDF's text layer gives MINUS SIGN for ư and BULLET OPERATOR for ã
    assert convert("ng\u2212êi d©n", "tcvn3") == "người dân"
    assert fix_legacy("céng hoµ x\u2219 héi chñ nghÜa ViÖt nam") == ("cộng hoà xã hội chủ nghĩa Việt nam", "tcvn3")


def test_font_claim_overridden_by_letters():
    # a file whose "TCVN3" font holds VNI text (2004-duanLD9820 declares VNSTCVN3 over VNI)
    assert choose_encoding("Coäng hoøa xaõ hoäi", prefer="tcvn3") == "vni"
    assert choose_encoding("céng hoµ x· héi", prefer="tcvn3") == "tcvn3"
    assert choose_encoding("Cộng hòa", prefer="vni") is None


@pytest.mark.parametrize("word, ok", [
    ("nghiêng", True), ("khuỷu", True), ("quốc", True), ("giữa", True), ("hoà", True), ("hòa", True),
    ("thuở", True), ("người", True), ("Tân", True), ("hòan", False), ("caỉ", False), ("tặnh", False),
    ("céng", False), ("hoµ", False), ("Coọng", False), ("kính", True), ("cính", False),
])
def test_syllables(word, ok):
    assert is_syllable(word) is ok


def unicode_texts():
    for folder in ("real", "seeds"):
        for path in sorted((CORPUS / folder).glob("*")):
            if path.suffix in (".md", ".txt"):
                yield path


def test_unicode_vietnamese_passes_unchanged():
    paths = list(unicode_texts())
    if not paths:
        pytest.skip("../shared/corpus missing")
    for path in paths:
        text, _ = decode(path.read_bytes())
        assert fix_legacy(text) == (text, None), path.name
    # lines with only Latin-1 accented letters are the risky ones
    for line in ["Tân Bình", "Cà Mau", "Bà Rịa", "Ô Môn", "Sóc Sơn", "Hòa Bình", "Yên Bái", "café Tân Định"]:
        assert fix_legacy(line) == (line, None)


# --- accuracy against the corpus transcripts (LibreOffice reads the .doc files) ---------------

sys.path.insert(0, str(Path(__file__).parent))


@pytest.mark.parametrize("name, floor", [
    ("2004-duanLD9820.doc", 0.985),
    ("2005-QD-256.doc", 0.99),
    ("2006-quydinhkiemtra02.doc", 0.99),
    ("2007-Quy-che-chi-tieu-noi-bo-2007.doc", 0.99),
    ("2008-23.QD-991-UBND.doc", 0.99),
])
def test_accuracy_against_transcripts(name, floor, capsys):
    from legacy_accuracy import CORRECTIONS, LEGACY, read_legacy, score
    from pipeline.readers.doc import soffice_path
    if soffice_path() is None:
        pytest.skip("soffice not installed: apt-get install libreoffice-writer-nogui")
    truth_path = LEGACY / "transcripts" / (Path(name).stem + ".txt")
    if not truth_path.exists():
        pytest.skip(f"{truth_path} missing")
    truth = truth_path.read_text(encoding="utf-8")
    for wrong, right in CORRECTIONS.get(truth_path.name, []):
        truth = truth.replace(wrong, right)
    ours = read_legacy(name, columns=False)
    result = score(ours, truth, fold_case=True, trusted_only=True)
    with capsys.disabled():
        print(f"\n{name}: char {result.char_accuracy:.3f} diacritic {result.diacritic_accuracy:.3f}")
    assert result.diacritic_accuracy >= floor
    assert result.char_accuracy >= 0.98
