"""References: the documents a document cites (văn bản được viện dẫn), one per cited document.

The one citation parser of the project: `find_citations` reads every mention in a range of text,
`extract` merges the mentions of one document into one Reference per cited document, and the
pipeline's cover-letter step (`enclosed_citations`) reads the `Kèm theo Chương trình số ...` line
with the same code.

A mention is found from its number first (`37/2010/QĐ-TTg`, `61-CTr/TU`, `1965 -CV/BCSD`): a number
counts when `số` or a type word (`Quyết định`, `Nghị quyết`, `Kế hoạch hành động`) stands before it.
Then, after it: `ngày <date>` and `của <issuer>`, in either order. Type: the type word next to the
number, else the type code in the number. Issuer: the words after `của`, else the issuer code when
it names one body (issuer_codes.csv). Laws are also cited by name (`Luật Người khuyết tật`), and a
later short mention (`Chỉ thị số 20`) is the full citation made elsewhere in the same document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
import datetime as _dt
from functools import lru_cache
from typing import Iterator

from extractors.base import DocView
from extractors.numbers import (clean_number, issuer_of_number, number_key, sole_issuer, type_abbreviations,
                                type_by_folded_name, type_of_number)
from extractors.orgnames import (TOKEN, caps_issuer, fold_word, is_cap, is_caps, is_type_word_at, locality,
                                 normalise_issuer, parse_issuer, phrase_set, starts_with)
from pipeline.textutil import fold, parse_date, tone_key
from schemas import Reference

_SP = r"[ \t_]"  # word separator: word-segmented texts join syllables with "_"
# A code segment of a number: ASCII letters, digits, Đ; `&` joins parts (`BNN&MT`, `QLN& TTBĐS`).
_SEG = r"[A-Za-z0-9Đđ]+(?:&[ \t]?[A-Za-z0-9Đđ]+)*(?!\w)"
# Separator: `/` or `-`, with a stray space on one side at most (`1965 -CV`, `57- NQ`); ` - ` is a dash, not part of a number.
_SEP = r"(?:[ \t][/\-–](?![ \t])|[/\-–][ \t]?)"
_NUMBER = re.compile(rf"(?<![\w/\-–.])(?P<serial>\d{{1,6}})(?P<rest>(?:{_SEP}{_SEG})+)")
_DATE = (r"(?P<date>\d{1,2}[ \t]*[/\-.][ \t]*\d{1,2}[ \t]*[/\-.][ \t]*\d{4}"
         rf"|\d{{1,2}}{_SP}+tháng{_SP}+\d{{1,2}}{_SP}+năm{_SP}+\d{{4}})")
_DATE_AFTER = re.compile(rf"[ \t]*,?[ \t]*ngày{_SP}*{_DATE}", re.IGNORECASE)
_YEAR_AFTER = re.compile(rf"[ \t]*,?{_SP}*năm{_SP}+(?P<year>\d{{4}})(?!\d)", re.IGNORECASE)
# `của <issuer>`; a Party resolution names the plenum instead: `, Hội nghị lần thứ tám Ban Chấp hành Trung ương ...`
_OF = re.compile(rf"[ \t]*,?{_SP}*(?:\((?:khóa|khoá)\s+[IVXLC]+\){_SP}*)?"
                 rf"(?:của{_SP}+|(?:của{_SP}+)?Hội{_SP}+nghị{_SP}+lần{_SP}+thứ{_SP}+\w+{_SP}+(?:của{_SP}+)?)", re.IGNORECASE)
_SO_BEFORE = re.compile(rf"(?<!\w)số{_SP}*$", re.IGNORECASE)
_ENCLOSED_BEFORE = re.compile(r"kèm\s+theo\s*$", re.IGNORECASE)
# Words that may stand between a type word and `số`/the number without making the type word doubtful.
_TYPE_MODIFIERS = {"hanh dong", "lien tich", "lien bo"}
_MAX_GAP = 5  # words between a type word and `số`: `Kết luận liên ngành Tư pháp Trung ương số 23/KL-LNTPTW`


@dataclass
class Citation:
    """One mention of a cited document in the text."""

    start: int
    end: int
    doc_type: str | None = None
    number: str | None = None
    date: _dt.date | None = None
    issuer: str | None = None
    title: str | None = None
    short: str | None = None  # serial of a short mention (`Chỉ thị số 20`): resolved against full citations
    caps: bool = False  # written in capitals (a title): its issuer words are less reliable
    enclosed: bool = False  # `kèm theo <type> số ...`: the document travels with the citing one
    issuer_from_code: bool = False  # the issuer was not written: it comes from the number's code or the type
    note_start: int | None = None  # where `Kèm theo` starts, for an enclosed citation


# --- finding citations ----------------------------------------------------------------------------

def _type_name_ending(toks: list[tuple[int, str]], k: int) -> int:
    """Number of tokens of a type name ending at token k (`Kế hoạch`, `Thông tư liên tịch`), 0 if none."""
    names = type_by_folded_name()
    for n in (4, 3, 2, 1):
        if k - n + 1 >= 0 and " ".join(fold_word(w) for _, w in toks[k - n + 1:k + 1]) in names \
                and all(re.fullmatch(r"\(?\w+:?", w) for _, w in toks[k - n + 1:k + 1]):
            return n
    return 0


def _type_before(text: str, pos: int, lo: int) -> tuple[str | None, int, bool] | None:
    """The type word nearest before pos on the same line: (type or None for a generic word, its start, adjacent?).

    Adjacent: only `số`, spaces, a colon or a modifier (`hành động`, `liên tịch`) lie between. At most
    _MAX_GAP plain words may lie between; a punctuation mark in between means the word is not this number's."""
    window_start = max(lo, pos - 120, text.rfind("\n", lo, pos) + 1)
    toks = [(window_start + m.start(), m.group()) for m in re.finditer(r"[^\s_]+", text[window_start:pos])]
    if toks and fold(toks[-1][1]) == "so":
        toks.pop()
    if toks and toks[-1][1].strip("(:") in type_abbreviations():  # `theo NQ 49/TTg`, `QĐ số 12/QĐ-UB`
        return type_abbreviations()[toks[-1][1].strip("(:")], toks[-1][0] + toks[-1][1].startswith("("), True
    gap: list[str] = []
    k = len(toks) - 1
    while k >= 0 and len(gap) <= _MAX_GAP:
        n = _type_name_ending(toks, k)
        if n:
            # A compound name is typed by its head: `Thông báo kết luận số ...` is a thông báo.
            head = _type_name_ending(toks, k - n)
            if head:
                gap = [w for _, w in toks[k - n + 1:k + 1]] + gap
                k, n = k - n, head
            first = toks[k - n + 1]
            start = first[0] + (1 if first[1].startswith("(") else 0)
            code = type_by_folded_name().get(" ".join(fold_word(w) for _, w in toks[k - n + 1:k + 1]))
            adjacent = not gap or fold(" ".join(gap)) in _TYPE_MODIFIERS
            return code, start, adjacent
        if not re.fullmatch(r"\w+", toks[k][1]):
            return None
        gap.insert(0, toks[k][1])
        k -= 1
    return None


def _after_number(text: str, pos: int, hi: int, cit: Citation, context: str | None) -> int:
    """Date and issuer after a number (either order); returns the end of what was read."""
    end = pos
    m = _DATE_AFTER.match(text, end, hi)
    if m:
        cit.date = parse_date(m.group("date").replace("_", " "))
        end = m.end()
    else:
        y = _YEAR_AFTER.match(text, end, hi)
        if y and cit.number is None:  # `Luật Kế toán năm 2015`: part of a law's designation
            end = y.end()
    m = _OF.match(text, end, hi) if cit.number or cit.short else None  # a law's issuer is fixed; `của` after its name is not it
    if m:
        if cit.caps:
            name, stop = caps_issuer(text, m.end(), hi)
        else:
            name, stop = parse_issuer(text, m.end(), min(160, hi - m.end()))
        if name:
            cit.issuer = normalise_issuer(name, context)
            end = stop
            if cit.date is None:
                m = _DATE_AFTER.match(text, end, hi)
                if m:
                    cit.date = parse_date(m.group("date").replace("_", " "))
                    end = m.end()
    return end


def _numbered(text: str, lo: int, hi: int, context: str | None) -> Iterator[Citation]:
    for m in _NUMBER.finditer(text, lo, hi):
        if not re.search(r"[A-Za-zĐđ]", m.group("rest")):
            continue  # 77/108, a date
        so = _SO_BEFORE.search(text, max(lo, m.start() - 12), m.start())
        anchor = so.start() if so else m.start()
        typed = _type_before(text, anchor, lo)
        if so is None and (typed is None or not typed[2]):
            continue  # a number with neither `số` nor a type word before it is not a citation
        number = clean_number(m.group())
        start = so.start() if so else m.start()
        word_type = None
        if typed is not None:
            word_type, start = typed[0], typed[1]
        code_type = type_of_number(number)
        doc_type = word_type if (typed and typed[2] and word_type) else (code_type or word_type)
        if word_type and code_type and code_type.startswith(word_type + "_"):
            doc_type = code_type  # `Thông tư số 60/2003/TTLT-BNV-BTC`: the code is the more precise type
        cit = Citation(start=start, end=m.end(), doc_type=doc_type, number=number)
        cit.caps = is_caps(text[start:m.end()])
        note = _ENCLOSED_BEFORE.search(text, max(lo, start - 20), start)
        if note:  # `(Kèm theo Chương trình số ...)`: the note is kept for the cover-letter step's warning
            cit.enclosed, cit.note_start = True, note.start()
        cit.end = _after_number(text, m.end(), hi, cit, context)
        if cit.issuer is None:
            cit.issuer = issuer_of_number(number) or sole_issuer().get(doc_type or "")
            cit.issuer_from_code = cit.issuer is not None
        yield cit


_SO_SERIAL = re.compile(rf"(?<!\w)số{_SP}*(?P<serial>\d{{1,6}})(?!\d)", re.IGNORECASE)


def _short(text: str, lo: int, hi: int, context: str | None) -> Iterator[Citation]:
    """`Chỉ thị số 20` with no code: resolved later against the document's full citations."""
    for m in _SO_SERIAL.finditer(text, lo, hi):
        after = text[m.end():m.end() + 3]
        if re.match(r"[ \t]?[/\-–][ \t]?\w|[.,]\d", after):
            continue  # a full number (`20-CT/TW`) or a decimal
        typed = _type_before(text, m.start(), lo)
        if typed is None or not typed[2] or typed[0] is None:
            continue
        cit = Citation(start=typed[1], end=m.end(), doc_type=typed[0], short=m.group("serial"),
                       caps=is_caps(text[typed[1]:m.end()]))
        cit.end = _after_number(text, m.end(), hi, cit, context)
        yield cit


_LAW = re.compile(r"(?<![\w])(?P<type>Bộ luật|Bộ Luật|Luật|Pháp lệnh|Hiến pháp)(?=[ \t_])")
# First words after `Luật` that make it the anaphoric `the Law` of the text, not a law's name.
_LAW_NOT_NAME = {"và", "vào", "thuộc", "trong", "theo", "hoặc", "này", "đã", "được", "có", "của", "cho", "với", "để",
                 "tại", "trên", "nêu", "sẽ", "là", "đó", "hiện", "mới", "khi", "số", "bao", "năm", "ngày", "trở",
                 "chuyên", "đến", "đối", "từ", "cũng", "do", "phải", "tới", "như", "về", "ra", "thì", "mà"}
_LAW_STOPS = tuple(s.split() for s in (
    "ngày", "năm", "số", "và các", "và những", "được", "đã", "có", "do", "thuộc", "cho", "để", "với", "khi", "tại",
    "trên", "theo", "trong", "bảo đảm", "đảm bảo", "ban hành", "hướng dẫn", "quy định", "của", "này", "sẽ", "ước",
    "là", "nhằm", "sát với", "hiện hành", "thi hành", "triển khai", "vào", "về", "đến", "từ", "cũng", "phải", "như",
    "sau", "trước", "nêu", "và các", "đối với", "gồm", "yêu cầu", "hiệu lực", "thông qua", "qua", "tới", "mà",
    "chưa", "còn", "đang", "cần", "vẫn", "luôn", "góp phần", "tạo", "thì", "và pháp luật", "và văn bản",
))
_LAW_TYPES = {"Bộ luật": "bo_luat", "Bộ Luật": "bo_luat", "Luật": "luat", "Pháp lệnh": "phap_lenh", "Hiến pháp": "hien_phap"}


@lru_cache(maxsize=None)
def _law_stops() -> frozenset:
    return phrase_set(_LAW_STOPS)


def _law_stop(words: list[str], i: int) -> bool:
    if [w.lower() for w in words[i:i + 2]] == ["có", "công"]:
        return False  # `Pháp lệnh Ưu đãi người có công với cách mạng`
    return words[i][:1].islower() and starts_with(words, i, _law_stops())


def _named_laws(text: str, lo: int, hi: int, context: str | None) -> Iterator[Citation]:
    """Laws cited by name: `Luật Người khuyết tật`, `Luật Phòng, chống ma túy`, `Bộ luật Lao động`."""
    for m in _LAW.finditer(text, lo, hi):
        before = text[max(lo, m.start() - 30):m.start()]
        prev = re.split(r"[\s_]+", before.rstrip())[-1] if before.strip() else ""
        if prev and prev[-1:].isalpha() and is_cap(prev) and before[-1:] in " _":
            continue  # `Dân Luật Việt Nam`, `Pháp Luật`: part of another name
        if m.group("type") == "Hiến pháp":  # the constitution has no name: it is known by its year
            y = _YEAR_AFTER.match(text, m.end(), hi)
            if y:
                title = " ".join(text[m.start():y.end()].split())
                yield Citation(start=m.start(), end=y.end(), doc_type="hien_phap", title=title,
                               issuer=sole_issuer().get("hien_phap"), issuer_from_code=True)
            continue
        window = text[m.end():min(hi, m.end() + 200)]
        matches = list(TOKEN.finditer(window))
        words = [t.group() for t in matches]
        if not words or not re.match(r"\w", words[0]) or words[0].isdigit():
            continue
        if words[0].lower() in _LAW_NOT_NAME or _law_stop(words, 0):
            continue
        amending = fold(" ".join(words[:2])) == "sua doi"
        taken = 0
        i = 0
        while i < len(words) and i < (24 if amending else 14):
            w = words[i]
            if i > 0 and "\n" in window[matches[i - 1].end():matches[i].start()]:
                break
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if not re.match(r"\w", w):
                if w == "," and i <= 2 and nxt[:1].islower() and nxt.lower() not in ("các", "những") \
                        and not _law_stop(words, i + 1):
                    i += 1  # `Luật Phòng, chống ma túy`, `Luật bảo vệ, chăm sóc và giáo dục trẻ em`
                    continue
                if w == "," and amending and fold(nxt) == "bo":
                    i += 1  # `Luật sửa đổi, bổ sung một số điều của Luật ...`
                    continue
                break
            if amending and fold(w) in ("cua", "luat", "so", "mot", "dieu"):
                taken = i + 1
                i += 1
                continue
            if i > 0 and _law_stop(words, i):
                break
            if w.lower() == "và":
                if nxt and not _law_stop(words, i + 1) and nxt.lower() not in ("các", "những") \
                        and not (is_cap(nxt) and is_type_word_at(words, i + 1)):
                    i += 1
                    continue
                break
            if i > 0 and is_cap(w) and is_type_word_at(words, i):
                break
            taken = i + 1
            i += 1
        if not taken:
            continue
        name_end = m.end() + matches[taken - 1].end()
        title = " ".join(text[m.start():name_end].replace("_", " ").split())
        doc_type = _LAW_TYPES[m.group("type")]
        cit = Citation(start=m.start(), end=name_end, doc_type=doc_type, title=title)
        cit.end = _after_number(text, name_end, hi, cit, context)
        if cit.issuer is None:
            cit.issuer = sole_issuer().get(doc_type)
            cit.issuer_from_code = cit.issuer is not None
        yield cit


def find_citations(text: str, start: int = 0, end: int | None = None, context: str | None = None) -> list[Citation]:
    """Every mention of a cited document in text[start:end], in reading order (not merged).
    context: the citing document's issuer, which gives the place of a bare `Ủy ban nhân dân tỉnh`."""
    end = len(text) if end is None else end
    found = list(_numbered(text, start, end, context))
    taken = [(c.start, c.end) for c in found]
    for cit in _named_laws(text, start, end, context):
        # `Luật số 44/2024/QH15` is a numbered citation; the law inside `Luật sửa đổi, bổ sung ... của Luật X` is part of it
        if not any(s <= cit.start < e for s, e in taken):
            found.append(cit)
            taken.append((cit.start, cit.end))
    for cit in _short(text, start, end, context):
        if not any(s <= cit.start < e for s, e in taken):
            found.append(cit)
    return sorted(found, key=lambda c: c.start)


def enclosed_citations(text: str, start: int, end: int, context: str | None = None) -> list[Citation]:
    """Citations introduced by `kèm theo`: the documents a cover letter forwards."""
    return [c for c in find_citations(text, start, end, context) if c.enclosed and c.number]


# --- merging mentions -----------------------------------------------------------------------------

def _key(cit: Citation) -> str:
    if cit.number:
        return "n:" + number_key(cit.number)
    return "t:" + fold(cit.title)


def _serial(number: str) -> str:
    return re.split(r"[/\-]", number, maxsplit=1)[0].lstrip("0")


def merge(cits: list[Citation], own_number: str | None = None) -> list[Citation]:
    """One citation per cited document, in order of first mention. The representative mention is the first
    that gives a date (in running text rather than a capitals title), so span, text and date agree; an issuer
    missing there is taken from another mention of the same document. Short mentions are dropped once
    matched to a full citation; a document's mentions of its own number are not references."""
    own = number_key(own_number)
    groups: dict[str, list[Citation]] = {}
    # Laws are keyed by title and date: `Luật Ban hành văn bản quy phạm pháp luật` of 2015 and of 2025 are two laws;
    # a mention without date joins the first dated one of that title.
    full = [c for c in cits if c.short is None and not (c.number and number_key(c.number) == own)]
    for cit in sorted(full, key=lambda c: (c.number is None and c.date is None, c.start)):
        key = _key(cit)
        if cit.number is None:
            dated = next((k for k in groups if k.startswith(key + "@")), None)
            key = f"{key}@{cit.date}" if cit.date else (dated or key)
        groups.setdefault(key, []).append(cit)
    keys = {id(c): k for k, group in groups.items() for c in group}
    for short, match in resolve_short(cits):
        if match is not None and id(match) in keys:
            groups[keys[id(match)]].append(short)  # it may name the issuer the full citations leave out
    out = []
    for key, group in groups.items():
        rep = min((c for c in group if c.short is None), key=lambda c: (c.date is None, c.caps, c.start))
        if rep.issuer is None or rep.issuer_from_code:
            named = next((c.issuer for c in sorted(group, key=lambda c: (c.caps, c.start))
                          if c.issuer and not c.issuer_from_code), None)
            if named:
                rep = replace(rep, issuer=named, issuer_from_code=False)
        if rep.doc_type is None:
            rep = replace(rep, doc_type=next((c.doc_type for c in group if c.doc_type), None))
        out.append(rep)
    return sorted(out, key=lambda c: c.start)


def resolve_short(cits: list[Citation]) -> list[tuple[Citation, Citation | None]]:
    """Each short mention with the full citation it stands for (None when no single one fits)."""
    full = [c for c in cits if c.number]
    out = []
    for cit in cits:
        if cit.short is None:
            continue
        keys = {number_key(c.number): c for c in full
                if c.doc_type == cit.doc_type and _serial(c.number) == cit.short.lstrip("0")}
        out.append((cit, next(iter(keys.values())) if len(keys) == 1 else None))
    return out


def extract(view: DocView) -> Iterator[Reference]:
    context = view.document.issuer if view.document.issuer and locality(tone_key(view.document.issuer)) \
        else view.document.parent_issuer
    cits = find_citations(view.text, view.span[0], view.span[1], context)
    for cit in merge(cits, view.document.number):
        yield Reference(**view.provenance(cit.start, cit.end), doc_type=cit.doc_type, number=cit.number,
                        date=cit.date, issuer=cit.issuer, title=cit.title)
