"""Plain text and Markdown: decode bytes with a detected encoding, never a silent guess."""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from pipeline.errors import DecodeError, EmptyDocument
from schemas import RawBlock, RawText

# Marks only Vietnamese uses among Windows-1258 texts: ă ơ ư đ, the hook above and the dot below.
_VIET = re.compile(r"[ăơưđĂƠƯĐ\u0309\u0323]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    return b"\x00" in sample or len(_CONTROL.findall(sample.decode("latin-1"))) > len(sample) * 0.01


def _no_nul(text: str, encoding: str) -> tuple[str, str]:
    """Text has no NUL characters: one anywhere (not only in the first 64 KB sampled) means binary data
    or a file cut and padded, and a NUL stored as text breaks every tool that reads it later."""
    at = text.find("\x00")
    if at >= 0:
        raise DecodeError(f"the file holds binary data, not text: a NUL character at character {at:,} "
                          f"of {len(text):,}")
    return text, encoding


def _utf16_without_bom(data: bytes) -> str | None:
    # UTF-16 text has NUL high bytes on one side only (Latin and Vietnamese letters); NULs on both
    # sides are binary, not text.
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if len(sample) < 4 or max(even, odd) <= len(sample) * 0.2 or min(even, odd) > len(sample) * 0.02:
        return None
    try:
        text = data.decode("utf-16-le" if odd > even else "utf-16-be")
    except UnicodeDecodeError:
        return None
    return None if _CONTROL.search(text[:65536]) else text


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raises EmptyDocument or DecodeError."""
    if not data.strip():
        raise EmptyDocument("the file is empty")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _no_nul(data.decode(enc), enc)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"the file starts with a {enc} byte-order mark but is not valid {enc}: {exc}") from exc
    text = _utf16_without_bom(data)
    if text is not None:
        return _no_nul(text, "utf-16")
    if _looks_binary(data):
        raise DecodeError("the file holds binary data (NUL or control bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    else:
        return _no_nul(text, "utf-8")
    # Windows-1258 writes tones as combining marks; accept it only when the result reads as Vietnamese.
    text = data.decode("cp1258", errors="replace")
    if "\ufffd" not in text and len(_VIET.findall(unicodedata.normalize("NFD", text))) >= max(3, len(text) // 100):
        return _no_nul(text, "cp1258")
    raise DecodeError(
        f"not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}), UTF-16 or Windows-1258 Vietnamese text"
    )


def _read(path: Path, fmt: str) -> RawText:
    text, encoding = decode(path.read_bytes())
    warnings = []
    if encoding == "cp1258":
        warnings.append("decoded as Windows-1258 (not valid UTF-8)")
    return single_text(fmt, text, encoding, warnings, empty="the file holds only whitespace", tables=True)


def single_text(fmt: str, text: str, encoding: str, warnings: list[str], empty: str,
                blocks: list[RawBlock] | None = None, tables: bool = False) -> RawText:
    """RawText of an unpaged reader, with legacy 8-bit font encodings (TCVN3, VNI) hidden in text that
    decoded fine converted to Unicode and reported. The conversion works line by line, so `blocks`
    (over lines) keep their place; with `tables`, Markdown tables are read into blocks after it."""
    from pipeline.legacy import fix_legacy
    text, legacy = fix_legacy(text)
    if legacy:
        encoding = f"{encoding}+{legacy}"
        warnings = [*warnings, f"converted from {legacy} to Unicode"]
    if not text.strip():
        raise EmptyDocument(empty)
    if tables:
        from pipeline.readers.structure import markdown_tables
        text, blocks = markdown_tables(text.replace("\r\n", "\n"))
    return RawText(format=fmt, pages=[text], paged=False, encoding=encoding, warnings=warnings, blocks=blocks or [])


def read_text(path: Path) -> RawText:
    return _read(path, "txt")


def read_markdown(path: Path) -> RawText:
    return _read(path, "md")
