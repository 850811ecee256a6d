"""Normalise stage: reader output -> one NFC text with paragraphs on their own lines.

Markup (Markdown emphasis, table pipes, headings, footnote markers, HTML placeholders,
rule lines) is dropped; lines wrapped mid-sentence are joined; at most one blank line
separates blocks (the header parser uses them as cell boundaries). The text is fixed
here once: every span of every fact points into it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.textutil import is_upper_line, nfc, tone_key
from schemas import RawText

# Start of a list item or heading: never joined onto the previous line.
MARKER = re.compile(
    r"^(?:[IVXLC]+\s*[.\-–):]\s|[IVXLC]+\s*[.\-–)]$"
    r"|\d{1,2}(?:\.\d{1,2})*\s*[.)]\s?|\d{1,2}(?:\.\d{1,2})+\.?\s"
    r"|[a-zđ]\s*\)|[a-zđ]\.\s|\(\s*\d{1,2}\s*\)|\(\s*[a-zđ]\s*\)"
    r"|[-+•–—*·]\s?"
    r"|(?:Điều|Chương|Mục|Phần|ĐIỀU|CHƯƠNG|MỤC|PHẦN)\s+[\dIVXLC]+"
    r"|(?:Nơi nhận|Kính gửi|NƠI NHẬN|KÍNH GỬI)\b)"
)
_RULE = re.compile(r"^[\s\-_=─—–¯‾*.~•·]*$")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_FOOTNOTE = re.compile(r"(?<=\S)\[\d{1,3}\]|^\[\d{1,3}\]\s*")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_BOLD = re.compile(r"\*\*|__")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")
_TERMINAL = ".;:!?"
# Header fields stay on lines of their own: the number line and the place-and-date line.
_HEADER_FIELD = re.compile(r"^(?:Số\s*[:.]|[^,\d]{2,40},\s*ngày\b)")
# The national motto (or the Party's name) and the slogan under it, each one line however a
# narrow header cell wrapped it.
_MOTTO_LINE = re.compile(r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|ĐẢNG CỘNG SẢN VIỆT NAM"
                         r"|Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc", re.IGNORECASE)


@dataclass
class _Line:
    text: str
    page: int
    toggles: bool = False  # the line opens or closes a bold/italic run


def _clean(line: str) -> tuple[list[str], bool]:
    """Return the cell texts of one raw line (table rows give several) and whether it toggles emphasis."""
    line = line.translate(_INVISIBLE)
    line = _HTML_TAG.sub(" ", line)
    line = _LINK.sub(r"\1", line)
    line = _ESCAPE.sub(r"\1", line)
    if line.strip() == "*":  # a lone star under a Party header is decoration
        return [""], False
    bold = len(_BOLD.findall(line))
    line = _BOLD.sub("", line)
    italic = len(_ITALIC.findall(line))
    # Stars are decoration in these documents: a leading "* " is a bullet, any other star goes.
    line = re.sub(r"^(\s*)\*\s+", r"\1- ", line).replace("*", "")
    line = _FOOTNOTE.sub("", _HEADING.sub("", line))
    cells = [c for c in line.split("|")] if "|" in line else [line]
    out = []
    for cell in cells:
        cell = _SPACES.sub(" ", cell).strip()
        if re.fullmatch(r":?-{3,}:?", cell):  # Markdown table separator row
            cell = ""
        out.append("" if _RULE.fullmatch(cell) else cell)
    if len(out) > 1:  # cells become blocks of their own
        out = [x for c in out for x in (c, "")]
    return out, (bold % 2 == 1 or italic % 2 == 1)


def _starts_lower(text: str) -> bool:
    c = text[:1]
    return c.islower() or c.isdigit() or c in "(,;"


def _titlecase_start(text: str) -> bool:
    word = text.split(" ", 1)[0]
    return word[:1].isupper() and any(c.islower() for c in word)


def _is_heading(text: str) -> bool:
    return bool(MARKER.match(text)) and len(text) < 80


def _joins(cur: str, nxt: str, block_style: bool, emphasis_open: bool, hard_wrapped: bool = True) -> str | None:
    """The separator to join `nxt` onto `cur` with, or None to keep them as separate paragraphs."""
    if re.match(r"[-–]\s+[a-zđà-ỹ]", nxt) and cur[-1] not in _TERMINAL:
        return " "  # "kinh tế" / "- xã hội": a hyphenated word wrapped, not a bullet
    if MARKER.match(nxt):
        return None
    if _MOTTO_LINE.fullmatch(tone_key(f"{cur} {nxt}")):
        return " "  # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA" / "VIỆT NAM"
    if re.search(r"\w-$", cur) and re.match(r"[A-ZĐ][\wĐđ&]*/", nxt):  # 28- / CT/TW
        return ""
    if emphasis_open:  # inside one bold or italic run: one paragraph
        return " "
    if _HEADER_FIELD.match(nxt):
        return None
    if re.match(r"Số\s*[:.]", cur):  # "Số:" / "7360/KH-UBND": the number was wrapped
        return " " if re.fullmatch(r"Số\s*[:.]?", cur) and nxt[:1].isdigit() else None
    if _starts_lower(nxt) and cur[-1] not in ".!?":
        return " "
    if cur[-1] in _TERMINAL:
        return None
    if is_upper_line(cur) and is_upper_line(nxt):
        return None  # header and title lines: the segmenter decides
    if not hard_wrapped:
        return None  # Word paragraphs are never wrapped by hand: a capital starts a new one
    if (block_style and not is_upper_line(cur)) or (_titlecase_start(nxt) and (cur[-1].islower() or cur[-1] == ",")
                       and not _is_heading(cur) and len(cur) >= 50):
        return " "
    return None


def normalise(raw: RawText) -> tuple[str, list[int]]:
    """Return the normalised text and the offset at which each page starts."""
    lines: list[_Line] = []
    for page_no, page in enumerate(raw.pages, start=1):
        page = nfc(page.replace("\r\n", "\n").replace("\r", "\n"))
        page = re.sub(r"<br\s*/?>", "\n", page, flags=re.IGNORECASE)  # line breaks inside table cells
        for raw_line in page.split("\n"):
            cells, toggles = _clean(raw_line)
            for i, cell in enumerate(cells):
                lines.append(_Line(cell, page_no, toggles and i == len(cells) - 1))
    nonblank = sum(1 for l in lines if l.text)
    block_style = nonblank > 0 and (len(lines) - nonblank) / nonblank > 0.25
    hard_wrapped = raw.format not in ("docx", "doc")

    out: list[str] = []  # paragraphs and "" for one blank line
    page_starts = [0] * len(raw.pages)
    seen_pages: set[int] = set()
    offset = 0  # length of "\n".join(out) so far (+1 for the next separator)
    emphasis = False  # inside a bold/italic run that spans lines: one paragraph
    for line in lines:
        text = line.text
        if not text:
            if out and out[-1] != "":
                out.append("")
                offset += 1
            emphasis = False  # Markdown emphasis never spans a blank line
            continue
        sep = _joins(out[-1], text, block_style, emphasis, hard_wrapped) if out and out[-1] else None
        if sep is not None:
            start = offset + len(sep)
            out[-1] += sep + text
            offset += len(sep) + len(text)
        else:
            if out:
                offset += 1
            start = offset
            out.append(text)
            offset += len(text)
        if line.page not in seen_pages:
            seen_pages.add(line.page)
            page_starts[line.page - 1] = start
        emphasis ^= line.toggles
    while out and out[-1] == "":
        out.pop()
    text = "\n".join(out)
    # A page with no text starts where the next one does.
    for i in range(len(page_starts) - 1, -1, -1):
        if (i + 1) not in seen_pages:
            page_starts[i] = page_starts[i + 1] if i + 1 < len(page_starts) else len(text)
    return text, page_starts
