"""Metadata of one document: issuer, number, type, place and date, subject, signer, recipients.

Works on the zones of a document: the header (lines before the type title or the first body
line), the title block, and the closing block (signature, `Nơi nhận`). What the text does not
state stays null: a header replaced by a placeholder gives only what the body supports.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Iterator

from extractors.vocab import type_by_name
from extractors.numbers import header_number, number_key, type_of_number
from extractors.orgnames import (ADMIN_UNITS, expand_abbreviations, is_org_line, locality, office_case, org_line_start,
                                 read_org, title_at, title_case, vn_case)
from pipeline.segment import (AUTHORITY, MOTTO, Line, heading_of, is_closing_line, is_signer_title, is_type_title,
                              lines_of)
from pipeline.textutil import fold, is_upper_line, parse_date, tone_key
from schemas import Signer

_NUMBER = re.compile(r"^Số\s*(?:,?\s*ký hiệu)?\s*[:.]?\s*(.*)$", re.IGNORECASE)
_DATE_LINE = re.compile(
    r"^(?P<place>[^,\d]{2,40}?)\s*,\s*ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*năm\s*(?P<y>\d{4})", re.IGNORECASE
)
_BODY_START = re.compile(r"^(?:Kính gửi|Căn cứ|Thực hiện|Triển khai|Theo|Xét|Nhằm|Để|Quán triệt|Ngày|Sau khi)\b")
_SUBJECT_PREFIX = re.compile(r"^(?:V/v|V/V|v/v)\s*[:.]?\s*")


@dataclass
class Meta:
    doc_type: str | None = None
    number: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None
    issued_date: date | None = None
    place: str | None = None
    subject: str | None = None
    signer: Signer | None = None
    recipients: list[str] = field(default_factory=list)
    body: tuple[int, int] = (0, 0)
    end: int = 0  # where the document ends: after its closing block and annexes
    annexes: list[tuple[str, tuple[int, int]]] = field(default_factory=list)  # (label, span) after the signature
    warnings: list[str] = field(default_factory=list)


def _type_of_title(text: str) -> str | None:
    key = fold(text.strip(" ."))
    return type_by_name().get(key) or type_by_name().get(re.sub(r"\s+hanh dong$", "", key))


def _subject_text(parts: list[str]) -> str | None:
    text = " ".join(p.strip() for p in parts if p.strip())
    text = _SUBJECT_PREFIX.sub("", text).strip()
    if not text:
        return None
    return title_case(text)  # an all-caps title in sentence case, names restored; any other as written


def _enacting(line: Line, below: list[Line]) -> bool:
    """A line in capitals under the subject names the enacting body when it is one body's name as a whole
    and the body or the council's term (`KHÓA XVII`) follows it: a wrapped subject line that starts with `HỘI`,
    `BAN`, `SỞ` or `TRƯỜNG` (`... MÔI` / `TRƯỜNG TRÊN ĐỊA BÀN ...`) goes on with the subject."""
    if not is_org_line(line.text):
        return False
    nxt = next((l for l in below if l.text), None)
    return nxt is None or bool(_BODY_START.match(nxt.text) or re.match(r"(?:KHÓA|KHOÁ|Khóa|Khoá)\s", nxt.text)
                               or not is_upper_line(nxt.text) or heading_of(nxt.text))


def _subject_under_title(text: str, spaced: bool) -> bool:
    """The first line under the type name is the subject (`Thực hiện Quyết định số ...`), also
    when a paragraph space stands between them, unless it opens the body: legal bases, the
    salutation, a line ending in a colon."""
    if heading_of(text):
        return False
    return not spaced or not (re.match(r"(?:Căn cứ|Kính gửi|Xét)\b", text) or text.endswith(":"))


def _bodies(lines: list[str]) -> list[str]:
    """Group header lines into bodies: a line that starts with a body's name starts a new body; other lines
    carry on the one above (`ỦY BAN NHÂN DÂN` / `THÀNH PHỐ CẦN THƠ`)."""
    bodies: list[list[str]] = []
    for text in lines:
        if org_line_start(text) is not None or not bodies:
            bodies.append([text])
        else:
            bodies[-1].append(text)
    return [" ".join(b) for b in bodies]


def _with_parent_place(issuer: str, parent: str | None) -> str:
    """A body under a provincial one is named with its province: `SỞ NỘI VỤ` under `UBND TỈNH LÂM ĐỒNG` is
    `Sở Nội vụ tỉnh Lâm Đồng`."""
    loc = locality(parent) if parent else None
    if loc is None or locality(issuer) is not None:
        return issuer
    org = read_org(issuer, 0, groups=False, titles=False)
    if org is None or org.kind in ("people_committee", "council") or org.level in ("central", "district", "commune"):
        return issuer
    if re.search(r"\s(tỉnh|thành phố|Tỉnh|Thành phố)$", issuer):
        return f"{issuer} {loc[1]}"
    return f"{issuer} {loc[0]} {loc[1]}"


@lru_cache(maxsize=None)  # (asked for every name-like line of every closing)
def _surnames() -> frozenset[str]:
    from extractors.vocab import load_csv
    return frozenset(tone_key(r["surname"]).casefold() for r in load_csv("surnames.csv", ("surname",)))


def is_person_name(text: str) -> bool:
    """`Lâm Hoàng Nghiệp`, `NGUYỄN VĂN AN`: 2-6 capitalised words starting with a family name."""
    words = text.split()
    if not 2 <= len(words) <= 6 or re.search(r"[\d:;,()/]", text):
        return False
    if not all(w[:1].isupper() for w in words):
        return False
    return tone_key(words[0]).casefold() in _surnames()


is_signer_role = is_signer_title
_SIGNED = re.compile(r"\s*[\(\[]\s*(?:đã\s+ký|đã\s+ký\s+và\s+đóng\s+dấu|ký)\s*[\)\]]\s*|^\s*(?:đã\s+ký)\s*$", re.IGNORECASE)


def _trailing_name(piece: str) -> tuple[str, str | None]:
    """`THỨ TRƯỞNG Nguyễn Trường Sơn` -> (`THỨ TRƯỞNG`, `Nguyễn Trường Sơn`): a signature run onto one line
    (crawled and converted texts) ends with the signer's name after the capitals of the authority and title."""
    words = piece.split()
    for k in range(1, len(words) - 1):
        head, name = " ".join(words[:k]), " ".join(words[k:])
        if not is_upper_line(head):
            break
        if all(len(w) == 1 or not is_upper_line(w) for w in words[k:]) and is_person_name(name):
            return head, name
    return piece, None


def _is_title_run(text: str) -> bool:
    """`THỨ TRƯỞNG`, `BỘ TRƯỞNG, CHỦ NHIỆM`: one or more offices, nothing else."""
    parts = [re.sub(r"\s+(?:THƯỜNG TRỰC|Thường trực)$", "", p.strip()) for p in text.split(",")]
    return all(p and title_at(p) == len(p) for p in parts)  # `THỨ TRƯỞNG THƯỜNG TRỰC`: an office and its standing


def _split_offices(head: str) -> list[str]:
    """The offices of a line in capitals: `KT. BỘ TRƯỞNG THỨ TRƯỞNG` is the authority `KT. BỘ TRƯỞNG` and the
    signer's title `THỨ TRƯỞNG`; `TM. ỦY BAN NHÂN DÂN CHỦ TỊCH` the authority and `CHỦ TỊCH`."""
    m = AUTHORITY.match(head)
    if not m:
        return [head]
    rest = head[m.end():]
    n = title_at(rest)
    if not n:
        org = org_line_start(rest)
        n = org.end if org is not None else 0
    tail = rest[n:].strip()
    if n and tail and _is_title_run(tail):
        return [head[:m.end() + n].rstrip(), tail]
    return [head]


def _signature_pieces(text: str) -> list[str]:
    """Authorities, title and name of one closing line, in order. `KT. CHỦ TỊCH PHÓ CHỦ TỊCH` joined on one line
    is split before each authority and role word; `(Đã ký)` after the title in Word files marks the signature and
    is not part of the title; `KT. BỘ TRƯỞNG THỨ TRƯỞNG Nguyễn Văn A` (the whole block on one line) gives its name too."""
    plain = _SIGNED.sub(" ", text).strip()
    out: list[str] = []
    for part in re.split(r"\s+(?=(?:KT|TM|T/M|TL|TUQ)(?:\s*\.|\s))", plain):
        head, name = _trailing_name(part)
        for office in _split_offices(head):
            out.extend(p for p in re.split(r"\s+(?=PHÓ\s)", office) if p)
        if name:
            out.append(name)
    return out


def _glued_signature(text: str) -> list[str]:
    """A crawled page may run the signature onto the last line of the `Nơi nhận` list: `- Lưu: VT, ĐMDN (2b).
    Trung Anh BỘ TRƯỞNG, CHỦ NHIỆM Mai Tiến Dũng`. The offices in capitals and the name that end the line."""
    words = text.split()
    for j in range(1, len(words) - 2):
        if not (is_upper_line(words[j]) and words[j][:1].isalpha()) or is_upper_line(words[j - 1]):
            continue
        head, name = _trailing_name(" ".join(words[j:]))
        if name and (_is_title_run(head) or AUTHORITY.match(head)):
            return [p for o in _split_offices(head) for p in re.split(r"\s+(?=PHÓ\s)", o)] + [name]
    return []


def _bare_signature(lines: list[Line], i: int) -> bool:
    """A signature with no `KT.`/`TM.` and no `Nơi nhận` before it (`THỦ TƯỚNG` / `Lê Minh Hưng`): a line that is
    only an office in capitals, the signer's name within the next lines (a seal or `(Đã ký)` may stand between)."""
    text = lines[i].text.strip()
    if not (is_upper_line(text) and _is_title_run(text)):
        return False
    for nxt in lines[i + 1:i + 4]:
        t = _SIGNED.sub(" ", nxt.text).strip()
        if is_person_name(t) and not is_upper_line(t):
            return True
        if re.search(r"\w{2}", t):
            return False
    return False


def _closing_pieces(closing: list[Line]) -> Iterator[str]:
    """The pieces of the closing lines in order, read as they are asked for: the signer's name ends the signature,
    and the annexes and tables after it are never read."""
    for line in closing:
        if not line.text or line.text.startswith(("Nơi nhận", "NƠI NHẬN")):
            continue
        if line.text.startswith(("-", "+")):
            yield from _glued_signature(line.text)
            continue
        yield from _signature_pieces(line.text)


def _signer(closing: list[Line]) -> Signer | None:
    authorities: list[str] = []
    title = name = None
    for piece in _closing_pieces(closing):
        if AUTHORITY.match(piece) and is_upper_line(piece):
            authorities.append(piece)
        elif title is None and is_signer_role(piece):
            title = piece
        elif (title or authorities) and is_person_name(piece):
            name = piece
            break  # what follows the name (annexes, tables) is not the signature
    if not (title or authorities or name):
        return None
    last = AUTHORITY.sub("", authorities[-1]) if authorities else None
    if title is None and last and title_at(last):
        title = last  # "KT. CHỦ TỊCH" alone: the title is the role signed for
    authority = ", ".join(m.group(1) + (". " if m.group(1) != "T/M" else " ") + _office_or_body(a[m.end():])
                          for a in authorities if (m := AUTHORITY.match(a))) or None
    if name and is_upper_line(name):
        name = " ".join(w[:1] + w[1:].lower() for w in name.split())
    return Signer(name=name, title=_office_or_body(title) if title else None, authority=authority)


def _office_or_body(caps: str) -> str:
    """`THỦ TƯỚNG` signed as or for is the office `Thủ tướng`; `ỦY BAN NHÂN DÂN` is a body."""
    return office_case(caps) if _is_title_run(caps.strip()) else vn_case(caps)


def read_metadata(text: str, start: int, end: int) -> Meta:
    """Metadata of the document text[start:end] and the span of its body."""
    meta = Meta()
    lines = lines_of(text, start, end)
    nonblank = [l for l in lines if l.text]

    # Closing block: from the first closing line after some body text to the end.
    close_at = end
    for i, l in enumerate(nonblank):
        if i > 3 and (is_closing_line(l.text) or _bare_signature(nonblank, i)):
            close_at = l.start
            break
    # An annex heading ends the body even where no signature is printed (resolutions, attached plans).
    annex_at = next((l.start for i, l in enumerate(nonblank) if i > 3 and _is_annex_heading(l.text)), end)
    close_at = min(close_at, annex_at)
    closing = [l for l in nonblank if l.start >= close_at]

    header: list[Line] = []
    title_idx = None
    body_start = None
    for i, l in enumerate(nonblank):
        if l.start >= close_at:
            break
        if is_type_title(l.text):
            title_idx = i
            break
        if _BODY_START.match(l.text) or heading_of(l.text) and heading_of(l.text)[0] in ("roman", "article", "part"):
            body_start = i
            break
        if len(l.text) > 200 and not l.text.startswith(("V/v", "V/V")):
            body_start = i
            break
        header.append(l)

    # Header: number, place and date, subject (V/v), issuer.
    issuer_lines: list[str] = []
    subject_parts: list[str] = []
    in_vv = False
    for l in header:
        t = l.text
        m = _NUMBER.match(t)
        if m:
            meta.number = header_number(m.group(1))
            if meta.number is None:
                meta.warnings.append(f"the number is blank in the text ({t!r}): drawn in a signature field or not filled in")
            in_vv = False
            continue
        m = _DATE_LINE.match(t)
        if m:
            meta.place = m.group("place").strip(" *")
            if m.group("d") and m.group("m"):
                try:
                    meta.issued_date = date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
                except ValueError:
                    meta.warnings.append(f"invalid date in {t!r}")
            else:
                meta.warnings.append(f"the date is incomplete in the text ({t!r})")
            in_vv = False
            continue
        if t.startswith(("V/v", "V/V", "v/v")):
            in_vv = True
            subject_parts.append(t)
            continue
        if text[max(start, l.start - 2):l.start] == "\n\n" or MOTTO.search(t):
            in_vv = False  # the V/v block ends at a blank line or where the other column begins
        if in_vv and not is_upper_line(t):
            subject_parts.append(t)
            continue
        if MOTTO.search(t):
            continue
        if is_upper_line(t) and len(t) < 120:
            issuer_lines.append(t)

    # Title block: type name, then the subject lines until a blank line after them.
    authority_line = None
    if title_idx is not None:
        title_line = nonblank[title_idx]
        meta.doc_type = _type_of_title(title_line.text)
        after = [l for l in lines if title_line.end < l.start < close_at]
        taken: list[Line] = []
        first = next((l for l in after if l.text), None)
        for k, l in enumerate(after):
            if not l.text:
                if taken:
                    break
                continue
            if l is first and _subject_under_title(l.text, spaced=k > 0):
                taken.append(l)
                continue
            if _BODY_START.match(l.text) or heading_of(l.text) or l.text.startswith("("):
                break  # a parenthesis under the subject is a note (`(Ban hành kèm theo ...)`)
            if taken and not is_upper_line(l.text) and not l.text[:1].islower() and (
                    len(l.text) > 120 or l.text[-1] in ".:;"):
                break  # a sentence: the body has begun
            if taken and is_upper_line(l.text) and _enacting(l, after[k + 1:]):
                break  # the enacting body under the subject (`HỘI ĐỒNG NHÂN DÂN TỈNH HÀ GIANG`), not a wrapped line
            taken.append(l)
        parts = [l.text for l in taken]
        if parts and re.match(r"^CỦA\s", parts[0]):  # "CỦA BAN THƯỜNG VỤ TỈNH ỦY thực hiện ..."
            words = parts[0].split()
            n = next((i for i, w in enumerate(words) if not is_upper_line(w)), len(words))
            authority_line = " ".join(words[1:n])
            parts[0] = " ".join(words[n:])
        if meta.subject is None:
            meta.subject = _subject_text(parts)
        last = taken[-1].end if taken else title_line.end
        rest = [l for l in nonblank if last < l.start < close_at]
        # The enacting authority under the title ("ỦY BAN NHÂN DÂN TỈNH SƠN LA", "HỘI ĐỒNG NHÂN DÂN TỈNH ...").
        for l in rest[:3]:
            if is_upper_line(l.text) and is_org_line(l.text):
                authority_line = authority_line or l.text
                last = l.end
                break
            if _BODY_START.match(l.text):
                break
        body_from = last
    else:
        body_from = nonblank[body_start].start if body_start is not None else (header[-1].end if header else start)
    if subject_parts and meta.subject is None:
        meta.subject = _subject_text(subject_parts)

    bodies = _bodies(issuer_lines)
    if bodies:
        meta.issuer = expand_abbreviations(vn_case(bodies[-1]))
        if len(bodies) > 1:
            meta.parent_issuer = expand_abbreviations(vn_case(bodies[-2]))
            meta.issuer = _with_parent_place(meta.issuer, meta.parent_issuer)
    elif authority_line:
        meta.issuer = expand_abbreviations(vn_case(re.split(r"\s+KHÓA\s|\s+KHOÁ\s", authority_line)[0]))
    if meta.doc_type is None:
        meta.doc_type = (type_of_number(meta.number) if meta.number else None) or ("cong_van" if subject_parts else None)

    # Recipients: "Kính gửi: X" or a list of "- X;" lines after it.
    body_lines = [l for l in nonblank if body_from <= l.start < close_at]
    for i, l in enumerate(body_lines):
        if l.text.startswith(("Kính gửi", "KÍNH GỬI")):
            rest = l.text.split(":", 1)[1].strip() if ":" in l.text else ""
            items = [rest] if rest else []
            j = i + 1
            while j < len(body_lines) and body_lines[j].text.startswith(("-", "+", "•")):
                items.append(body_lines[j].text.lstrip("-+• "))
                j += 1
            meta.recipients = _recipients(items)
            body_from = body_lines[j - 1].end if j > i + 1 else l.end
            break
    meta.body = (body_from, close_at)
    if meta.issued_date is None and meta.doc_type == "nghi_quyet":
        # A council resolution is dated the day it is adopted; the closing article states it.
        m = _ADOPTED.search(text, body_from, end)
        if m:
            meta.issued_date = parse_date(m.group(1))
            meta.warnings.append(f"date taken from the adoption clause {m.group(0)!r}")
    meta.signer = _signer(closing)
    caption = _site_caption(closing, meta.number)
    if caption is not None:  # what the web site appended ends the document, inside an annex too
        closing = [l for l in closing if l.start < caption]
        end = max(close_at, _rstrip_at(text, start, caption))
    meta.annexes = _annexes(closing, end)
    meta.end = end if meta.annexes else _closing_end(closing, end)
    return meta


def _rstrip_at(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


# A web site's caption of the document it shows, printed after it: its type and number without `số`, and its year
# (`Kế hoạch 980/KH-UBND năm 2025 thực hiện ... do tỉnh Nghệ An ban hành`); the site's notices follow.
_CAPTION = re.compile(r"^(?P<type>[^\d\n]{3,30}?)\s+(?P<number>\d[\w.]*(?:[/\-][\w.&]+)+)\s+năm\s+\d{4}\b")
# Lines of a web page, not of a document: contact labels, copyright notices.
_WEB_LINE = re.compile(r"^(?:(?:Địa chỉ|Điện thoại|E-?mail|Fax|Hotline|Website|Mã số thuế)\s*:\s*$|.*(?:©|Copyright))",
                       re.IGNORECASE)


def _site_caption(closing: list[Line], number: str | None) -> int | None:
    """Where a web site's caption of this document starts among the lines after its body, if it has one."""
    for line in closing:
        m = _CAPTION.match(line.text)
        if m and type_by_name().get(fold(m.group("type"))) \
                and (number is None or number_key(m.group("number")) == number_key(number)):
            return line.start
    return None


def _closing_end(closing: list[Line], end: int) -> int:
    """End of the document after the signature and `Nơi nhận` block: what follows them before the next document
    (footnotes, a signature marked `(Đã ký)`, tables of forms) belongs to it, up to a line of a web page
    (contact details, a copyright notice) where the page's text starts."""
    last = None
    for line in closing:
        if _WEB_LINE.match(line.text):
            break
        last = line
    return last.end if last is not None else end


def _is_annex_heading(text: str) -> re.Match | None:
    """`PHỤ LỤC I`, in capitals (the match of _ANNEX). tone_key keeps a text's first letter P as it is and makes
    none: only a line starting with P can be one."""
    return _ANNEX.match(tone_key(text)) if text[:1] == "P" and is_upper_line(text) else None


_ADOPTED = re.compile(r"thông qua ngày\s+(\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4})")
_ANNEX = re.compile(r"^PHỤ LỤC\s*([IVXLC]+|\d+|[A-Z])?\s*[.:]?\s*(.*)$")


def _annexes(closing: list[Line], end: int) -> list[tuple[str, tuple[int, int]]]:
    """Annexes (`PHỤ LỤC I`, `PHỤ LỤC 02`) printed after the signature: tables of targets and tasks."""
    starts = [(l, m) for l in closing if (m := _is_annex_heading(l.text))]
    out = []
    for i, (line, m) in enumerate(starts):
        stop = starts[i + 1][0].start if i + 1 < len(starts) else end
        out.append((f"PL{m.group(1) or i + 1}", (line.start, stop)))
    return out


def _recipients(items: list[str]) -> list[str]:
    """The bodies of the `Kính gửi` list, read with the organisation-name grammar (`Sở LĐTBXH, Sở Y tế` are two,
    abbreviations written in full); an item that is not a list of bodies (`Như trên`) is kept as written."""
    from extractors.agencies import match_list
    out = []
    for item in items:
        for piece in re.split(r";", item):
            piece = piece.strip(" .,;")
            # "tỉnh Sóc Trăng." after the list qualifies every item; it is not a recipient
            if not piece or piece.split(" ", 1)[0] in ADMIN_UNITS:
                continue
            mentions, end = match_list(piece, 0)
            if mentions and not piece[end:].strip(" .,;:"):
                out.extend(m.agency.name for m in mentions)
            else:
                out.append(expand_abbreviations(piece))
    return out
