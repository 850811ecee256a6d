"""Header fields run together on one line, and a legal web site's page chrome, taken apart in the normalise stage.

Nghị định 30/2020/NĐ-CP lays a header out as fields in two columns: the issuer (tên cơ quan), the national motto,
the number (`Số: ...`), the place and date, the type name and the subject (or a `V/v ...` line), each on a line of
its own. Texts taken from web pages and PDF text layers often run them together:
`Số: 627/BYT-BH V/v hướng dẫn ...`, `Hà Nội, ngày 27 tháng 01 năm 2021 Kính gửi:`, `Số: 435/QĐ-UBND Kon Tum, ngày
04 tháng 5 năm 2020 QUYẾT ĐỊNH V/V BAN HÀNH ... ỦY BAN NHÂN DÂN TỈNH KON TUM`. `header_fields` splits such a line
at each field start, so the header parser reads one field per line as in every other format.

A crawled legal site also puts the document's designation before its text (`Quyết định 435/QĐ-UBND năm 2020.
ỦY BAN NHÂN DÂN ...`, `Công văn 627/BYT-BH năm 2021 về ... do Bộ Y tế ban hành.`) and repeats it before each
article (`Quyết định 435/QĐ-UBND năm 2020. Điều 1.`), with the annex's name as a breadcrumb (`... năm 2020.
CHƯƠNG TRÌNH HÀNH ĐỘNG. II. NỘI DUNG ...`). `SitePrefix` drops that chrome; it is not part of the document.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.textutil import is_upper_line

_NUMBER = re.compile(r"Số\s*[:.]?\s*\S+")
_PLACE_DATE = re.compile(r"[^\W\d][^,\d]{1,40},\s*ngày\s*\d{0,2}\s*tháng\s*\d{0,2}\s*năm\s*\d{4}")
_MOTTO = re.compile(r"CỘNG\s+HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM")
_SLOGAN_END = re.compile(r"Hạnh\s+phúc\b[\s\-_–—]*", re.IGNORECASE)
_VV = re.compile(r"V/[Vv]\b")
_SALUTATION = re.compile(r"Kính\s+gửi\b", re.IGNORECASE)
_CODE_PART = re.compile(r"[A-ZĐ0-9][A-ZĐ0-9.\-–/&]*(?=\s|$)")
_RULE_TAIL = re.compile(r"\s+[-_=─—–¯‾]{3,}\s*$")


@lru_cache(maxsize=None)
def _type_title() -> re.Pattern:
    """A type name in capitals at a field start (`QUYẾT ĐỊNH`, `KẾ HOẠCH HÀNH ĐỘNG`), not the enacting word
    `QUYẾT ĐỊNH:` nor a name in running text."""
    from extractors.vocab import type_title
    return re.compile(rf"{type_title()}(?=\s*\.?\s+\S|$)")


def _field_start(text: str, pos: int) -> bool:
    """A header field starts at pos: a V/v line, a place and date, a type name in capitals, the salutation, the motto."""
    return bool(_VV.match(text, pos) or _PLACE_DATE.match(text, pos) or _type_title().match(text, pos)
                or _SALUTATION.match(text, pos) or _MOTTO.match(text, pos) or _NUMBER.match(text, pos))


def header_fields(line: str, issuer: str | None = None) -> list[str]:
    """The fields of one line: itself when it holds one; `issuer` (the header's body in capitals, when known)
    is the enacting authority that may close a subject run onto its line (`... (ĐỢT 1) BỘ TRƯỞNG BỘ Y TẾ`)."""
    line = _RULE_TAIL.sub("", line)
    out: list[str] = []
    rest = line
    while rest:
        head, tail = _split_once(rest, issuer, inner=bool(out))
        out.append(head)
        rest = tail
    return [p for p in out if p]


_NOTE = re.compile(r"\s+(?=\((?:Ban\s+hành\s+)?[Kk]èm\s+theo\b)")


def _split_once(text: str, issuer: str | None, inner: bool) -> tuple[str, str]:
    """(first field, the rest) of text. `inner`: text is what follows a field on the same line."""
    m = _NUMBER.match(text) or _PLACE_DATE.match(text)
    if m:
        end = m.end()
        while True:
            after = end + len(text[end:]) - len(text[end:].lstrip())
            if after >= len(text) or after == end:
                return text, ""
            code = _CODE_PART.match(text, after) if m.re is _NUMBER and not _VV.match(text, after) else None
            if code is not None:
                end = code.end()  # `Số : /QĐ. BQL–VP`: the number's code written with a space
                continue
            if _field_start(text, after):
                return text[:end], text[after:]
            return text, ""
    m = _MOTTO.search(text)
    if m and m.start() > 0 and is_upper_line(text[:m.start()]) and re.search(r"\w\s+$", text[:m.start()]):
        return _RULE_TAIL.sub("", text[:m.start()].rstrip()), text[m.start():]  # the issuer, then the motto
    if m and m.start() == 0:
        end = _SLOGAN_END.search(text, m.end())
        if end and end.end() < len(text) and _field_start(text, end.end()):
            return text[:end.start()] + "Hạnh phúc", text[end.end():]
        return text, ""
    m = _type_title().match(text)
    if m:
        after = re.match(r"\s*\.?\s+", text[m.end():])
        # the type name, then the subject: after another field, or as `QUYẾT ĐỊNH V/V ...`, `KẾ HOẠCH. TRIỂN KHAI ...`
        if after and (_VV.match(text, m.end() + after.end()) or (
                (inner or "." in after.group(0)) and is_upper_line(text[m.end():m.end() + 40]))):
            return text[:m.end()], text[m.end() + after.end():]
        return text, ""
    if not inner or _SALUTATION.match(text) or not is_upper_line(text[:60]):
        return text, ""
    note = _NOTE.search(text)  # `... TRONG TÌNH HÌNH MỚI” (Ban hành kèm theo Quyết định số ...)`
    if note and is_upper_line(text[:note.start()]):
        return text[:note.start()], text[note.end():]
    cut = _enacting_tail(text, issuer) if issuer else None
    if cut is not None:
        return text[:cut].rstrip(), text[cut:]
    return text, ""


_NOT_BEFORE_AUTHORITY = {"CỦA", "VỚI", "VÀ", "CHO", "TẠI", "THUỘC", "GIỮA", "CÙNG", "VỀ"}


def _enacting_tail(text: str, issuer: str) -> int | None:
    """Where the enacting authority starts at the end of a subject in capitals: the issuer itself or an office
    of it (`BỘ TRƯỞNG BỘ Y TẾ`, `ỦY BAN NHÂN DÂN TỈNH KON TUM`), not a body the subject names (`... CỦA BỘ Y TẾ`)."""
    from extractors.orgnames import title_at
    key = " ".join(issuer.split())
    flat = " ".join(text.split())
    if flat != text or not flat.endswith(key) or len(flat) <= len(key) + 10:
        return None
    at = len(flat) - len(key)
    before = flat[:at].rstrip()
    words = before.split()
    # an office written before the issuer (`BỘ TRƯỞNG` BỘ Y TẾ, `CHỦ TỊCH` ỦY BAN NHÂN DÂN ...)
    for k in range(max(0, len(words) - 4), len(words)):
        office = " ".join(words[k:])
        if title_at(office) == len(office):
            at = len(" ".join(words[:k])) + 1
            before = " ".join(words[:k])
            break
    last = before.split()[-1] if before.split() else ""
    if not before or last.strip("“”\"()") in _NOT_BEFORE_AUTHORITY:
        return None
    return at


def is_candidate(text: str, upper=is_upper_line) -> bool:
    """A line that may hold several header fields (cheap test before header_fields); `upper`: is_upper_line, or
    what answers it on this text (textutil.upper_test)."""
    return bool(text) and (text.startswith("Số") or upper(text[:24])
                           or ("ngày" in text and _PLACE_DATE.match(text) is not None))


# A signed PDF's stamp as its text layer gives it (`Ký bởi: CÔNG BÁO ...` / `Cơ quan: VĂN PHÒNG CHÍNH PHỦ` / `Ngày ký:
# ...`, `Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ` / `Email: ...`): the signing software's, not the document's.
_STAMP_START = re.compile(r"(?:Ký\s+bởi|Người\s+ký)\s*:\s*(?=\S)")
_STAMP_LINE = re.compile(r"(?:Email|Cơ\s+quan|Ngày\s+ký|Thời\s+gian\s+ký|Ký\s+bởi)\s*:")


class SignatureStamp:
    """Drops the lines of a digital signature's stamp, line by line."""

    def __init__(self) -> None:
        self.inside = False

    def drops(self, line: str) -> bool:
        m = _STAMP_START.match(line) if line[:1] in "KN" else None  # (Ký bởi, Người ký)
        if m and is_upper_line(line[m.end():]):
            self.inside = True
            return True
        if self.inside and _STAMP_LINE.match(line):
            return True
        self.inside = False
        return False


class SitePrefix:
    """The designation a legal web site prints before a document's text and before each of its articles."""

    _DESIGNATION = None

    def __init__(self, first_line: str) -> None:
        self.prefix: str | None = None
        self.title_end = 0  # where the site's title ends in the first line
        m = self._designation().match(first_line)
        if not m:
            return
        rest = first_line[m.end():]
        if re.match(r"\.\s+", rest):
            self.prefix = m.group(0)
            self.title_end = m.end() + re.match(r"\.\s+", rest).end()
            return
        # `Công văn 627/BYT-BH năm 2021 về ... do Bộ Y tế ban hành.` (a header may follow on the same line)
        end = re.search(r"\bban\s+hành\.(?:\s+|$)", rest)
        if end and m.group("year"):
            self.prefix = m.group(0)
            self.title_end = m.end() + end.end()

    @classmethod
    def _designation(cls) -> re.Pattern:
        if cls._DESIGNATION is None:
            from extractors.vocab import doc_types
            names = sorted((r["name"][:1].upper() + r["name"][1:] for r in doc_types()), key=len, reverse=True)
            cls._DESIGNATION = re.compile(
                r"(?:" + "|".join(re.escape(n) for n in names) + r")\s+\d[\w.\-&]*/[\w./\-&]*\w(?:\s+năm\s+(?P<year>\d{4}))?")
        return cls._DESIGNATION

    def first(self, line: str) -> str:
        return line[self.title_end:] if self.prefix else line

    def strip(self, line: str) -> str:
        """A later line without the designation and the annex breadcrumb before its heading."""
        if not self.prefix or not line.startswith(self.prefix):
            return line
        rest = re.match(r"\.\s*", line[len(self.prefix):])
        if rest is None:
            return line
        line = line[len(self.prefix) + rest.end():]
        from pipeline.normalise import MARKER
        crumb = re.match(r"([^.]{3,100}?)\.\s+", line)
        if crumb and is_upper_line(crumb.group(1)) and MARKER.match(line[crumb.end():]):
            line = line[crumb.end():]
        return line
