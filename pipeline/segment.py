"""Split and segment stages: documents inside a file, then the zones and section tree of each.

A file may hold several documents (a cover letter and the programme it forwards; a decision and
the plan it issues). A new document starts after a closing block (signature or `Nơi nhận`) at a
new header or a type title (`KẾ HOẠCH`). Inside a document: header (issuer, number, date), title
and subject, body (sections), closing (signature, recipients list).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate
from operator import add
from typing import NamedTuple

from extractors.orgnames import org_line_start, title_at
from extractors.vocab import classify_section, type_name_pattern
from pipeline.textutil import CITED_ARTICLE, is_upper_line, sentence_case, tone_key
from schemas import Section


class Line(NamedTuple):
    start: int
    end: int
    text: str


_make_line = tuple.__new__  # Line(...) runs a Python-level __new__; tens of thousands of lines a file
# The lines of the last text asked for, and where each starts: the splitter, the metadata reader and the
# segmenter each ask for lines of the same text, and all but the first take a slice of these.
_last_lines: tuple[str, list[Line], list[int]] | None = None


def lines_of(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """Lines of text[start:end] with their offsets; blank lines are kept with text ''."""
    global _last_lines
    end = len(text) if end is None else end
    if start > end:
        return []
    if start < 0 or end > len(text):
        return _split_lines(text, start, end)
    cached = _last_lines
    if cached is not None and cached[0] is text:  # (held here, so no other string can take its id)
        whole, starts = cached[1], cached[2]
    else:
        parts = text.split("\n")
        starts = list(accumulate([len(p) + 1 for p in parts], initial=0))
        starts.pop()
        whole = [_make_line(Line, t) for t in zip(starts, map(add, starts, map(len, parts)), parts)]
        _last_lines = (text, whole, starts)
    i, j = bisect_right(starts, start) - 1, bisect_right(starts, end) - 1
    out = whole[i:j + 1]
    first = out[0]
    if start > first.start or end < first.end:  # the range starts or ends inside its first line
        stop = min(first.end, end)
        out[0] = _make_line(Line, (start, stop, text[start:stop]))
    if j > i and end < out[-1].end:  # it ends inside its last line
        out[-1] = _make_line(Line, (out[-1].start, end, text[out[-1].start:end]))
    return out


def _split_lines(text: str, start: int, end: int) -> list[Line]:
    """lines_of by splitting text[start:end] itself (also for a range outside the text)."""
    out, pos = [], start
    for part in text[start:end].split("\n"):
        out.append(Line(pos, pos + len(part), part))
        pos += len(part) + 1
    if end > len(text):  # the last line reaches end, as a scan up to end finds it
        out[-1] = Line(out[-1].start, end, out[-1].text)
    return out


# `KT. CHỦ TỊCH`, `TM.ỦY BAN NHÂN DÂN` (Word files often drop the space), `T/M BAN THƯỜNG VỤ`.
_AUTHORITY_WORDS = ("KT", "TM", "T/M", "TL", "TUQ", "Q")
AUTHORITY = re.compile(rf"^({'|'.join(map(re.escape, _AUTHORITY_WORDS))})(?:\s*\.\s*|\s+)(?=\S)")
MOTTO = re.compile(r"CỘNG HÒA XÃ|CHỦ NGHĨA VIỆT NAM|Độc lập\s*-\s*Tự do|Hạnh phúc$|ĐẢNG CỘNG SẢN VIỆT NAM", re.IGNORECASE)


_RECIPIENTS = ("Nơi nhận", "NƠI NHẬN")
# The first letter of every closing line (`Nơi nhận`, an AUTHORITY), made from the same words: a line that
# starts with none of them is no closing line, and is_closing_line is not asked.
_CLOSING_FIRST = frozenset(w[0] for w in _RECIPIENTS + _AUTHORITY_WORDS)


def is_closing_line(text: str) -> bool:
    """`Nơi nhận:`, or an authority in capitals (`KT. CHỦ TỊCH`), also with the signer's name run onto its line
    (`KT. BỘ TRƯỞNG THỨ TRƯỞNG Nguyễn Văn A` in crawled and converted texts)."""
    if text.startswith(_RECIPIENTS):
        return True
    if not AUTHORITY.match(text):
        return False
    words = text.split()
    k = len(words)
    while k > 1 and len(words) - k < 6 and words[k - 1][:1].isupper() and not is_upper_line(words[k - 1]):
        k -= 1  # the name's words: a capital, then lower case
    return (len(words) - k == 0 or len(words) - k >= 2) and is_upper_line(" ".join(words[:k]))


def is_type_title(text: str) -> bool:
    # (a type name is in capitals, and tone_key changes no letter's case: a line with a small letter is none)
    return is_upper_line(text) and _type_name(text)


def _type_name(text: str) -> bool:
    return bool(type_name_pattern().match(tone_key(text).strip(" .")))


def is_header_start(text: str) -> bool:
    """A header line: the motto, or a line in capitals that starts with a body's name (the organisation-name
    grammar: `ỦY BAN NHÂN DÂN`, `SỞ Y TẾ`, `THỦ TƯỚNG CHÍNH PHỦ`; not `BAN HÀNH ...`)."""
    return is_upper_line(text) and _header_words(text)


def _header_words(text: str) -> bool:
    return bool(MOTTO.search(text)) or org_line_start(text) is not None


def is_signer_title(text: str) -> bool:
    """`PHÓ GIÁM ĐỐC`, `CHỦ TỊCH`: a signer's title in capitals (`Phó` is also a family name)."""
    return is_upper_line(text) and title_at(text) > 0


def _starts_document(text: str) -> bool:
    """(is_header_start(text) or is_type_title(text)) and not is_signer_title(text), asking is_upper_line once
    rather than in each: every line after a closing block is asked."""
    return is_upper_line(text) and (_header_words(text) or _type_name(text)) and title_at(text) <= 0


def split_documents(text: str) -> list[tuple[int, int]]:
    """Spans of the documents in a file's text, in reading order."""
    lines = [l for l in lines_of(text) if l.text]
    starts = [_first_start(lines)]
    closed = False
    for line in lines:
        if line.start < starts[0]:
            continue
        if line.text[0] in _CLOSING_FIRST and is_closing_line(line.text):
            closed = True
        elif closed and _starts_document(line.text):
            starts.append(line.start)
            closed = False
    ends = starts[1:] + [len(text)]
    return [(s, _rstrip(text, s, e)) for s, e in zip(starts, ends)]


def _first_start(lines: list[Line]) -> int:
    """Where the first document starts: its header, skipping what a web site put before it
    (copyright notices, a metadata table), when a header comes before the type title."""
    for line in lines[:120]:
        if is_type_title(line.text):
            return 0
        if is_header_start(line.text):
            return line.start
    return 0


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


# --- sections -------------------------------------------------------------------------------

# (style, regex with groups (number, rest), rank). Lower rank = higher in the tree.
_HEADINGS = [
    ("part", re.compile(r"^(?:PHẦN|Phần)\s+([IVXLC]+|\d+|THỨ\s+\w+)\s*[.:\-–]?\s*(.*)$"), 0),
    ("chapter", re.compile(r"^(?:CHƯƠNG|Chương)\s+([IVXLC]+|\d+)\s*[.:\-–]?\s*(.*)$"), 1),
    ("roman", re.compile(r"^([IVX]{1,5}|L|LI{1,3})\s*[.\-–):]\s*(.+)$"), 2),
    ("article", re.compile(r"^Điều\s+(\d+)\s*[.:]?\s*(.*)$"), 3),
    ("decimal", re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+(.*)$"), 5),
    ("arabic", re.compile(r"^(\d{1,2})\s*(?:\.(?!\d)|\))\s*(.*)$"), 4),
    ("paren", re.compile(r"^\((\d{1,2})\)\s*(.*)$"), 6),
    ("letter", re.compile(r"^([a-zđ])\s*\)\s*(.*)$"), 7),
    ("dash", re.compile(r"^([-–—•])\s*(.+)$"), 8),
    ("plus", re.compile(r"^(\+)\s*(.+)$"), 9),
]


# The headings that may start with a character, in the order of _HEADINGS: each pattern's first character is one
# of a few, so a line is tried only against the patterns its first character can start (a decimal digit: both
# numbered styles).
_HEADINGS_AT: dict[str, list] = {}
for _h in _HEADINGS:
    for _c in {"part": "P", "chapter": "C", "roman": "IVXL", "article": "Đ", "decimal": "0123456789",
               "arabic": "0123456789", "paren": "(", "letter": "abcdefghijklmnopqrstuvwxyzđ", "dash": "-–—•",
               "plus": "+"}[_h[0]]:
        _HEADINGS_AT.setdefault(_c, []).append(_h)
_NUMBERED = _HEADINGS_AT["0"]


def heading_of(text: str) -> tuple[str, str, str, float] | None:
    """(style, number, rest, rank) when the line starts a section or list item."""
    if text.startswith(("Điều", "ĐIỀU")) and CITED_ARTICLE.match(text):
        return None
    first = text[:1]
    candidates = _HEADINGS_AT.get(first) or (_NUMBERED if first.isdecimal() else ())  # (\d: any decimal digit)
    for style, rx, rank in candidates:
        m = rx.match(text)
        if m:
            number, rest = m.group(1), m.group(2).strip()
            if style == "decimal":
                rank += 0.1 * (number.count(".") - 1)
            if style in ("dash", "plus"):
                number = None
            return style, number, rest, rank
    return None


def _title(rest: str) -> str | None:
    rest = rest.strip()
    if not rest:
        return None
    if len(rest) <= 150 and not rest.endswith(";"):
        return sentence_case(rest.rstrip(":. ").strip()) or None
    head = rest.split(":", 1)[0]
    return sentence_case(head.strip()) if ":" in rest and len(head) <= 100 else None


# Real documents nest at most 7-8 levels (Phần, Chương, Điều, khoản, điểm, dash, plus); a heading
# deeper than this is text of its section, so no file can build a tree too deep to store or send.
MAX_DEPTH = 16
# The closing formula of a plan or directive after its last section (`Trên đây là Kế hoạch ...`, `Trên là nội dung ...`).
_CLOSING_FORMULA = re.compile(r"^\W*Trên\s+(?:đây\s+)?là\s")


# Section titles repeat from document to document (`Mục tiêu`, `Tổ chức thực hiện`): each classified once.
_section_kind = lru_cache(maxsize=1 << 14)(classify_section)


def segment_sections(text: str, start: int, end: int) -> list[Section]:
    """The section tree of the body text[start:end]."""
    roots: list[Section] = []
    stack: list[tuple[float, Section]] = []  # (rank, section) of open sections
    counters: dict[str, int] = {}
    used: set[str] = set()  # a list may restart its numbering: paths stay unique
    suffix: dict[str, int] = {}  # path -> the last ~n given to a repeat of it

    def close(sec: Section, at: int) -> None:
        sec.span = (sec.span[0], _rstrip(text, sec.span[0], at))

    for line in lines_of(text, start, end):
        if not line.text:
            continue
        if _CLOSING_FORMULA.match(line.text):
            while stack:  # `Trên đây là Kế hoạch ...`: the closing paragraph belongs to no section
                close(stack.pop()[1], line.start)
            continue
        found = heading_of(line.text)
        if not found:
            continue
        style, number, rest, rank = found
        if not stack and style in ("dash", "plus"):
            continue  # bullets before the first heading belong to the preamble, not the outline
        if len(stack) >= MAX_DEPTH and stack[-1][0] < rank:
            continue
        while stack and stack[-1][0] >= rank:
            close(stack.pop()[1], line.start)
        parent = stack[-1][1] if stack else None
        siblings = parent.children if parent else roots
        key = f"{parent.path if parent else ''}|{style}"
        counters[key] = counters.get(key, 0) + 1
        label = number if number else f"{style[0]}{counters[key]}"
        path = f"{parent.path}/{label}" if parent else label
        if path in used:  # `I/1~2`, `I/1~3`: the next suffix of this path, remembered (30,000 equal headings stay linear)
            n = suffix.get(path, 1) + 1
            while f"{path}~{n}" in used:
                n += 1
            suffix[path] = n
            path = f"{path}~{n}"
        used.add(path)
        title = _title(rest)
        kind = _section_kind(title) if style not in ("dash", "plus") else "other"
        if kind == "other" and parent is not None:
            kind = parent.kind
        sec = Section(
            number=number, title=title, kind=kind, level=len(stack) + 1, marker=style,
            path=path, span=(line.start, end),
        )
        siblings.append(sec)
        stack.append((rank, sec))
    while stack:
        close(stack.pop()[1], end)
    return roots
