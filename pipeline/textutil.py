"""Small text helpers shared by stages and extractors: matching keys, Vietnamese case and numbers."""
from __future__ import annotations

import re
import unicodedata

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
# Old-style placement puts the tone on the second vowel of oa/oe/uy in an open syllable (hoà, uỷ);
# new style on the first (hòa, ủy). Matching keys use the new style; the text itself keeps what was written.
# The second vowel must carry nothing but the tone: in NFD the dot below of `ậ` comes before its circumflex, and
# `Thuận`, `luật` are not old style.
_OLD_STYLE = re.compile(r"(?<![qQ])([oOuU])([aAeEyY])([" + _TONES + r"])(?![^\W\d_]|[\u0300-\u036f])")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# In NFC text, old style needs a bare o/u followed by a precomposed a/e/y whose first mark is a tone: a text
# without that pair has nothing to move, and its tone key is the text itself (the fast path of tone_key).
_TONED_SECOND = "".join(c for c in map(chr, range(0xC0, 0x1F00))
                        if len(d := unicodedata.normalize("NFD", c)) > 1 and d[0] in "aAeEyY" and d[1] in _TONES)
_MAYBE_OLD = re.compile(f"[oOuU][{_TONED_SECOND}]")


def tone_key(text: str) -> str:
    """NFC text with old-style tone placement moved to the new style: `Uỷ` -> `Ủy`, `hoà` -> `hòa`."""
    if text.isascii() or (not _MAYBE_OLD.search(text) and unicodedata.is_normalized("NFC", text)):
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return nfc(_OLD_STYLE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed))


def name_key(text: str | None) -> str:
    """Key for matching names: tone placement, case and spacing do not matter."""
    if not text:
        return ""
    return " ".join(tone_key(text).casefold().split())


def fold(text: str | None) -> str:
    """ASCII key without diacritics (đ -> d), lowercase, words separated by single spaces."""
    if not text:
        return ""
    # one translate: each character to its folded, lowercased letters and digits, anything else to a space
    return " ".join(_FOLD_TABLE.translate(text).split())


class CharTable:
    """str.translate with a table that maps each character by `per_char`, worked out the first time a text shows it.
    The table is a plain dict, whose entries translate reads directly (a dict subclass's, as one with __missing__,
    it reads through __getitem__: three times the cost a character, a fifth of storing a text file). So the
    characters of a text not in it yet are looked for first, outside the ranges `eager` maps when first used
    (ASCII, Latin with the Vietnamese letters), where nearly all characters of a text are."""

    def __init__(self, per_char, eager=((0, 0x250), (0x1E00, 0x1F00))) -> None:
        self.per_char = per_char
        self.eager = eager
        self.table: dict[int, str] | None = None
        ranges = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b - 1))}" for a, b in eager)
        self._outside = re.compile(f"[^{ranges}]")
        self._inside = re.compile(f"[{ranges}]+")

    def translate(self, text: str) -> str:
        table = self.table
        if table is None:
            table = self.table = {cp: self.per_char(chr(cp)) for a, b in self.eager for cp in range(a, b)}
        if not text.isascii() and self._outside.search(text):
            # (the text without its runs of eager characters: one piece per other character in a Vietnamese
            # text, nearly the whole text in a Chinese one, where a list of its characters would be slower)
            for c in set(self._inside.sub("", text)):
                if ord(c) not in table:
                    table[ord(c)] = self.per_char(c)
        return text.translate(table)


def _fold_key_char(c: str) -> str:
    """What a character gives a fold key (`Ế` -> `e`, `,` -> a space). Per character, as fold was defined
    (decomposition, marks and case are per character; the one lowercasing that looks at neighbours, a final
    sigma, gives no ASCII letter either way)."""
    return "".join(x if "a" <= x <= "z" or "0" <= x <= "9" else " " for x in _fold_one(c).lower())


_FOLD_TABLE = CharTable(_fold_key_char)


def _fold_one(c: str) -> str:
    d = unicodedata.normalize("NFD", c.replace("đ", "d").replace("Đ", "D"))
    return "".join(x for x in d if unicodedata.category(x) != "Mn")


def _uncased_letter_or_cased_mark() -> re.Pattern:
    """The characters where being a letter and having a case differ (uncased letters: CJK, `ʼ`; cased non-letters:
    `ⓐ`, `Ⅰ`), below U+3000, and everything from U+3000 on: a text without them has exactly its cased characters
    as letters, so str.isupper answers is_upper_line."""
    odd = [i for i in range(0x3000) if (c := chr(i)).isalpha() != (c.isupper() or c.islower() or c.istitle())]
    ranges, start = [], None
    for k, i in enumerate(odd):
        if start is None:
            start = i
        if k + 1 == len(odd) or odd[k + 1] != i + 1:
            ranges.append(re.escape(chr(start)) + ("-" + re.escape(chr(i)) if i > start else ""))
            start = None
    return re.compile("[" + "".join(ranges) + "\u3000-\U0010ffff]")


_CASE_ODD = _uncased_letter_or_cased_mark()


def is_upper_line(text: str) -> bool:
    """All letters are capitals (a heading or header line), and there are some letters."""
    if text.isascii() or not _CASE_ODD.search(text):
        return text.isupper()  # its letters are exactly its cased characters
    letters = [c for c in set(text) if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def upper_test(text: str):
    """is_upper_line, or str.isupper where that answers it alike for every piece of text (text is ASCII or has no
    character _CASE_ODD finds): a caller asking it of the many lines of one page looks at the page once."""
    return str.isupper if text.isascii() or not _CASE_ODD.search(text) else is_upper_line


def sentence_case(text: str) -> str:
    """`ĐẶC ĐIỂM, TÌNH HÌNH` -> `Đặc điểm, tình hình`, leaving mixed-case text alone."""
    if not is_upper_line(text):
        return text
    lower = text.lower()
    return lower[:1].upper() + lower[1:]


def parse_number(raw: str) -> float | None:
    """Vietnamese number: decimal comma, thousands dot (`1.250` -> 1250, `97,2` -> 97.2)."""
    raw = raw.strip()
    if not raw:
        return None
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", raw):
        raw = raw.replace(".", "")
    elif re.fullmatch(r"\d{1,3}(,\d{3})+", raw) and not re.fullmatch(r"\d{1,3},\d{3}", raw):
        raw = raw.replace(",", "")  # 1,250,000 (English thousands) only when unambiguous
    raw = raw.replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        return None


_DATE_NUMERIC = re.compile(r"(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4})")
_DATE_WORDS = re.compile(r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)


def parse_date(text: str):
    """First full date in text: `21/10/2024`, `23 /10/2024`, `22 tháng 4 năm 2010` -> datetime.date."""
    from datetime import date
    for rx in (_DATE_WORDS, _DATE_NUMERIC):
        m = rx.search(text)
        if m:
            d, mo, y = (int(g) for g in m.groups())
            try:
                return date(y, mo, d)
            except ValueError:
                return None
    return None


# `Điều 22 Luật BHYT`, `Điều 69 của Luật Hải quan`: an article of another text cited at a line start (a wrapped
# sentence), not an article heading of the document
CITED_ARTICLE = re.compile(r"(?:Điều|ĐIỀU)\s+\d+\s+(?:của\s|(?:Luật|Bộ\s+luật|Nghị\s+định|Thông\s+tư|Quyết\s+định|"
                           r"Nghị\s+quyết|Pháp\s+lệnh|Hiến\s+pháp)\b)")
