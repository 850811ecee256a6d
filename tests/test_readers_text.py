"""Text readers: encodings are detected (never guessed silently), bad bytes give clear errors."""
from __future__ import annotations

import pytest

from pipeline.errors import DecodeError, EmptyDocument, UnsupportedFormat
from pipeline.readers import read, reader_for
from pipeline.readers.text import decode

SAMPLE = "Ủy ban nhân dân tỉnh Sóc Trăng ban hành Kế hoạch thực hiện Chỉ thị số 28-CT/TW về chăm sóc trẻ em."


@pytest.mark.parametrize("encoding,expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16"),
])
def test_unicode_encodings(encoding, expected):
    text, found = decode(SAMPLE.encode(encoding))
    assert text.lstrip("\ufeff") == SAMPLE
    assert found == expected


def to_cp1258(text: str) -> bytes:
    """Windows-1258 has â ê ô ă ơ ư as letters but the five tones as combining marks."""
    import unicodedata
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_windows_1258_is_detected_and_reported(tmp_path):
    import unicodedata
    data = to_cp1258(SAMPLE)
    path = tmp_path / "old.txt"
    path.write_bytes(data)
    raw = read(path)
    assert unicodedata.normalize("NFC", raw.pages[0]) == SAMPLE
    assert raw.encoding.startswith("cp1258")
    assert any("Windows-1258" in w for w in raw.warnings)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(EmptyDocument):
        read(path)


def test_whitespace_only_file(tmp_path):
    path = tmp_path / "blank.md"
    path.write_text("  \n\n\t \n", encoding="utf-8")
    with pytest.raises(EmptyDocument):
        read(path)


def test_binary_junk_named_txt(tmp_path):
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(DecodeError, match="binary"):
        read(path)


def test_undecodable_bytes(tmp_path):
    # Latin-1 French is neither UTF-8 nor Vietnamese Windows-1258
    path = tmp_path / "latin1.txt"
    path.write_bytes("Le résumé de la réunion était très intéressant. Ça va? Où êtes-vous?".encode("latin-1"))
    with pytest.raises(DecodeError, match="not UTF-8"):
        read(path)


def test_unknown_suffix(tmp_path):
    path = tmp_path / "table.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(UnsupportedFormat, match="xlsx"):
        reader_for(path)
