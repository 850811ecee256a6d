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

from extractors.base import DocView, caseless, layers_of
from extractors.numbers import (clean_number, issuer_of_number, number_key, sole_issuer, type_abbreviations,
                                type_by_folded_name, type_of_number)
from extractors.orgnames import (TOKEN, caps_issuer, fold_word, is_cap, is_caps, is_type_word_at, locality,
                                 normalise_issuer, parse_issuer, phrase_set, starts_with)
from extractors.textscan import matches_at
from pipeline.textutil import fold, parse_date, tone_key
from schemas import Reference

_SP = r"[ \t_]"  # word separator: word-segmented texts join syllables with "_"
# A code segment of a number: ASCII letters, digits, Đ; `&` joins parts (`BNN&MT`, `QLN& TTBĐS`).
_SEG = r"[A-Za-z0-9Đđ]+(?:&[ \t]?[A-Za-z0-9Đđ]+)*(?![^\W_])"
# Separator: `/` or `-`, with a stray space on one side at most (`1965 -CV`, `57- NQ`); ` - ` is a dash, not part of a
# number. A line may break after it (`Kế hoạch số 185/KH-` / `UBND`) before a code in capitals; an underscore typed for
# a hyphen joins two codes in capitals (`10/2007/QĐ_BKHCN`), while word-segmented texts join a number to the next
# word with it (`QĐ-TTg_ngày`).
_SEP = r"(?:[ \t][/\-–](?![ \t])|[/\-–][ \t]?|[/\-–]\n(?=[A-ZĐ])|_(?=[A-ZĐ][A-ZĐ0-9]+(?![^\W_])))"
# The serial may have a decimal part (`66.2/2025/NQ-CP`).
_NUMBER = re.compile(rf"(?<![\w/\-–.])(?P<serial>\d{{1,6}}(?:\.\d{{1,2}}(?=/))?)(?P<rest>(?:{_SEP}{_SEG})+)")
_DATE = (r"(?P<date>\d{1,2}[ \t]*[/\-.][ \t]*\d{1,2}[ \t]*[/\-.][ \t]*\d{4}"
         rf"|\d{{1,2}}{_SP}+tháng{_SP}+\d{{1,2}}{_SP}+năm{_SP}+\d{{4}})")
_DATE_AFTER = re.compile(rf"[ \t]*,?[ \t]*ngày{_SP}*{_DATE}", re.IGNORECASE)
_YEAR_AFTER = re.compile(rf"[ \t]*,?{_SP}*năm{_SP}+(?P<year>\d{{4}})(?!\d)", re.IGNORECASE)
# `của <issuer>`; a Party resolution names the plenum instead: `, Hội nghị lần thứ tám Ban Chấp hành Trung ương ...`
_OF = re.compile(rf"[ \t]*,?{_SP}*(?:\((?:khóa|khoá)\s+[IVXLC]+\){_SP}*)?"
                 rf"(?:của{_SP}+|(?:của{_SP}+)?Hội{_SP}+nghị{_SP}+lần{_SP}+thứ{_SP}+\w+{_SP}+(?:của{_SP}+)?)", re.IGNORECASE)
_SO_BEFORE = re.compile(r"(?<!\w)số[\s_]*$", re.IGNORECASE)  # a line may break after `số`
_ENCLOSED_BEFORE = re.compile(r"kèm\s+theo\s*$", re.IGNORECASE)
# Words that may stand between a type word and `số`/the number without making the type word doubtful.
_TYPE_MODIFIERS = {"hanh dong", "lien tich", "lien bo", "phoi hop"}  # `Quy chế phối hợp số 49/QCPH-...`
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
    number_at: int | None = None  # where the number starts, for a numbered citation


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


# Where the mentions can begin, found by a fast scan (textscan.matches_at): a number's first digit (_NUMBER opens
# with one after its lookbehind; the text's runs of digits are found once, base.TextLayers.numbers), `số` on the
# lowercase copy (_SO_SERIAL ignores case), a law's type word (_LAW).
_SO_START = re.compile("số")
_LAW_START = re.compile("Bộ|Luật|Pháp|Hiến")


def _numbered(text: str, lo: int, hi: int, context: str | None) -> Iterator[Citation]:
    for m in matches_at(_NUMBER, [a for a, _ in layers_of(text).numbers.within(lo, hi)], text, lo, hi):
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
        cit = Citation(start=start, end=m.end(), doc_type=doc_type, number=number, number_at=m.start())
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
    for m in matches_at(_SO_SERIAL, [r.start() for r in _SO_START.finditer(caseless(text), lo, hi)], text, lo, hi):
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
# Lower-case words that end a law's name. `số` ends it only before a number (`Luật Đất đai số 31/2024/QH15`, not
# `Luật Chuyển đổi số`); `sửa đổi` after a name is the revision, not the name (`Luật Quy hoạch sửa đổi`); a plural
# word starts a clause (`sửa đổi Luật Quy hoạch và xây dựng các văn bản ...`).
_LAW_STOPS = tuple(s.split() for s in (
    "ngày", "năm", "và các", "và những", "được", "đã", "có", "do", "thuộc", "cho", "để", "với", "khi", "tại",
    "trên", "theo", "trong", "bảo đảm", "đảm bảo", "ban hành", "hướng dẫn", "quy định", "của", "này", "sẽ", "ước",
    "là", "nhằm", "sát với", "hiện hành", "thi hành", "triển khai", "vào", "về", "đến", "từ", "cũng", "phải", "như",
    "sau", "trước", "nêu", "và các", "đối với", "gồm", "yêu cầu", "hiệu lực", "thông qua", "qua", "tới", "mà",
    "chưa", "còn", "đang", "cần", "vẫn", "luôn", "góp phần", "tạo", "thì", "và pháp luật", "và văn bản",
    "sửa đổi", "các", "những",
))
# A stop word that goes on with the name: the start of a fixed phrase of a law's name (`Pháp lệnh Ưu đãi người có
# công với cách mạng`, `Luật Đầu tư theo phương thức đối tác công tư`), the second syllable of a word (`Luật Trí tuệ
# nhân tạo`, `đào tạo`).
_LAW_GOES_ON = ("có công", "theo phương thức")
_LAW_COMPOUNDS = ("nhân tạo", "đào tạo", "sáng tạo", "cải tạo", "chế tạo", "kiến tạo")
# The words right before a law still to be written: a task (`Nghiên cứu, xây dựng Luật Chuyển đổi số`), not a cited text.
_DRAFTING = re.compile(r"(?:^|\s)(?:xay dung|du thao|soan thao|du an|chua ban hanh)$")
_LAW_TYPES = {"Bộ luật": "bo_luat", "Bộ Luật": "bo_luat", "Luật": "luat", "Pháp lệnh": "phap_lenh", "Hiến pháp": "hien_phap"}


@lru_cache(maxsize=None)
def _law_stops() -> frozenset:
    return phrase_set(_LAW_STOPS)


@lru_cache(maxsize=None)
def _law_goes_on() -> tuple[frozenset, frozenset]:
    return phrase_set(_LAW_GOES_ON), phrase_set(_LAW_COMPOUNDS)


def _law_stop(words: list[str], i: int) -> bool:
    phrases, compounds = _law_goes_on()
    if starts_with(words, i, phrases):
        return False
    if i > 0 and (tone_key(words[i - 1].lower()), tone_key(words[i].lower())) in compounds:
        return False
    if words[i].lower() == "số":
        return i + 1 < len(words) and words[i + 1][:1].isdigit()
    return words[i][:1].islower() and starts_with(words, i, _law_stops())


def _clause_follows(words: list[str], newline: list[bool], j: int) -> bool:
    """The words after a `và` inside a name hold a plural word before the name could end: a clause
    (`Luật Quy hoạch và xây dựng các văn bản`), not the second half of a name (`Luật Phí và lệ phí`)."""
    k = j
    while k < len(words) and k - j < 8 and re.match(r"\w", words[k]) and not (k > j and newline[k]):
        if words[k].lower() in ("các", "những"):
            return True
        if k > j and _law_stop(words, k):
            return False
        k += 1
    return False


def _name_end(words: list[str], newline: list[bool], i0: int, in_list: bool = False) -> int:
    """Index after the last word of a law's name whose first word is words[i0] (i0 when there is none).
    newline[k]: a line break stands before words[k]. in_list: inside an amending law's list of titles,
    where a comma before a lower-case word goes on with the name however long it is (`Luật Thuế xuất
    khẩu, thuế nhập khẩu, Luật Đầu tư`): the titles are set apart by `, Luật`."""
    taken = i = i0
    while i < len(words) and i - i0 < 14:
        w = words[i]
        if i > i0 and newline[i]:
            break
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if not re.match(r"\w", w):
            if w == "," and (i - i0 <= 2 or in_list) and nxt[:1].islower() and not _law_stop(words, i + 1):
                i += 1  # `Luật Phòng, chống ma túy`, `Luật bảo vệ, chăm sóc và giáo dục trẻ em`
                continue
            break
        if i > i0 and _law_stop(words, i):
            break
        if w.lower() == "và":
            if nxt and not _law_stop(words, i + 1) and not (is_cap(nxt) and is_type_word_at(words, i + 1)) \
                    and not _clause_follows(words, newline, i + 1):
                i += 1
                continue
            break
        if i > i0 and is_cap(w) and is_type_word_at(words, i):
            break
        i += 1
        taken = i
    return taken


def _law_word(words: list[str], j: int) -> int:
    """Tokens of the type word of a law at words[j] (`Luật`, `Bộ luật`), 0 if none."""
    if j < len(words) and fold_word(words[j]) == "luat":
        return 1
    if j + 1 < len(words) and fold_word(words[j]) == "bo" and fold_word(words[j + 1]) == "luat":
        return 2
    return 0


def _amended_list(words: list[str], newline: list[bool]) -> int | None:
    """Where the list of amended laws starts in an amending law's name (`sửa đổi, bổ sung một số điều của
    Luật ...`, `sửa đổi, bổ sung Luật ...`, `sửa đổi, bổ sung Điều 6 ... của Luật ...`), None if none."""
    if [fold_word(w) for w in words[:2]] != ["sua", "doi"]:
        return None
    for j in range(2, min(len(words), 24)):
        if newline[j] or words[j] in (";", ".", ":", "("):
            return None
        if _law_word(words, j) and (fold_word(words[j - 1]) in ("cua", "sung") or j == 2):
            return j
    return None


@dataclass
class _Law:
    """A law named in the text: the span of its name, its title, where the number after it (`số N`) starts."""

    start: int
    end: int
    title: str
    number_at: int | None = None


def _named_laws(text: str, lo: int, hi: int, context: str | None) -> Iterator[tuple[Citation, _Law | None, list[_Law]]]:
    """Laws cited by name: `Luật Người khuyết tật`, `Luật Phòng, chống ma túy`, `Bộ luật Lao động`. Each comes
    with the number written after its name, if any (`Luật Tổ chức chính quyền địa phương số 72/2025/QH15`: the
    numbered citation is that law), and, for an amending law, the laws of its title: an amending law's title is
    one citation (`Luật sửa đổi, bổ sung một số điều của Luật Quy hoạch, Luật Đầu tư ... và Luật Đấu thầu`),
    never one per law named in it, and a number after the one law it amends is its own (`... của Luật Xây dựng
    số 62/2020/QH14`)."""
    resume = lo
    for m in matches_at(_LAW, [r.start() for r in _LAW_START.finditer(text, lo, hi)], text, lo, hi):
        if m.start() < resume:
            continue  # a law named inside an amending law's title
        before = text[max(lo, m.start() - 30):m.start()]
        prev = re.split(r"[\s_]+", before.rstrip())[-1] if before.strip() else ""
        if prev and prev[-1:].isalpha() and is_cap(prev) and before[-1:] in " _":
            continue  # `Dân Luật Việt Nam`, `Pháp Luật`: part of another name
        if _DRAFTING.search(fold(before)):
            continue
        if m.group("type") == "Hiến pháp":  # the constitution has no name: it is known by its year
            y = _YEAR_AFTER.match(text, m.end(), hi)
            if y:
                title = " ".join(text[m.start():y.end()].split())
                yield Citation(start=m.start(), end=y.end(), doc_type="hien_phap", title=title,
                               issuer=sole_issuer().get("hien_phap"), issuer_from_code=True), None, []
            continue
        base = m.end()
        window = text[base:min(hi, base + 400)]
        matches = list(TOKEN.finditer(window))
        words = [t.group() for t in matches]
        if not words or not re.match(r"\w", words[0]) or words[0].isdigit():
            continue
        newline = [k > 0 and "\n" in window[matches[k - 1].end():matches[k].start()] for k in range(len(words))]

        def pos(k: int) -> int:
            return base + matches[k].start()

        def end_of(k: int) -> int:  # end of words[k - 1]
            return base + matches[k - 1].end()

        head = _amended_list(words, newline)
        numbered_at = name_from = None
        if head is None and words[0].lower() == "số" and len(words) > 3 and words[1][:1].isdigit():
            # `Luật số 56/2024/QH15 (ngày ...) sửa đổi, bổ sung một số điều của Luật Chứng khoán, ...`: a numbered
            # amending law; the laws it names are its title
            k = 2
            dated = _DATE_AFTER.match(text, end_of(2), hi)
            while dated and k < len(words) and pos(k) < dated.end():
                k += 1
            sub = _amended_list(words[k:], newline[k:])
            if sub is not None:
                head, numbered_at, name_from = sub + k, pos(1), pos(k)
        if head is None and (words[0].lower() in _LAW_NOT_NAME or _law_stop(words, 0)):
            continue

        def number_after(k: int) -> int | None:
            if k + 1 < len(words) and words[k].lower() == "số" and words[k + 1][:1].isdigit():
                return pos(k + 1)
            return None

        laws: list[_Law] = []
        if head is not None:
            j = head
            while True:
                n = _law_word(words, j)
                e = _name_end(words, newline, j + n, in_list=True) if n else j
                if e == j + n:
                    break
                at = number_after(e)
                laws.append(_Law(pos(j), end_of(e), " ".join(text[pos(j):end_of(e)].split()), at))
                e += 2 if at is not None else 0
                if e + 1 < len(words) and (words[e] == "," or words[e].lower() == "và") and not newline[e + 1] \
                        and _law_word(words, e + 1):
                    j = e + 1
                    continue
                break
            if not laws:
                continue
            name_end = end_of(e)
            if numbered_at is not None:
                title = " ".join(f"{m.group('type')} {text[name_from:name_end]}".replace("_", " ").split())
                whole = _Law(m.start(), name_end, title, numbered_at)
                resume = name_end
            else:
                own = laws[0].number_at if len(laws) == 1 else None
                if own is not None:
                    name_end = laws[0].end
                title = " ".join(text[m.start():name_end].replace("_", " ").split())
                whole = _Law(m.start(), name_end, title, own)
                resume = name_end
                if own is not None:
                    laws = []
        else:
            e = _name_end(words, newline, 0)
            if not e:
                continue
            if e + 2 < len(words) and words[e].lower() == "của" and is_cap(words[e + 1]):
                # `Luật Hoạt động giám sát của Quốc hội và Hội đồng nhân dân ngày 20 tháng 11 năm 2015`: what stands
                # between `của` and the law's date is part of its name (a law's issuer is the Quốc hội anyway)
                k = e + 1
                while k < len(words) and k - e <= 10 and re.match(r"\w", words[k]) and not newline[k] \
                        and words[k].lower() != "ngày":
                    k += 1
                if k < len(words) and words[k].lower() == "ngày" and _DATE_AFTER.match(text, end_of(k), hi) \
                        and fold(" ".join(words[e + 1:k])) != "quoc hoi":
                    e = k
            name_end = end_of(e)
            title = " ".join(text[m.start():name_end].replace("_", " ").split())
            whole = _Law(m.start(), name_end, title, number_after(e))
        doc_type = _LAW_TYPES[m.group("type")]
        cit = Citation(start=m.start(), end=name_end, doc_type=doc_type, title=title)
        cit.end = _after_number(text, name_end, hi, cit, context)
        if cit.issuer is None:
            cit.issuer = sole_issuer().get(doc_type)
            cit.issuer_from_code = cit.issuer is not None
        yield cit, whole, laws


def find_citations(text: str, start: int = 0, end: int | None = None, context: str | None = None) -> list[Citation]:
    """Every mention of a cited document in text[start:end], in reading order (not merged).
    context: the citing document's issuer, which gives the place of a bare `Ủy ban nhân dân tỉnh`."""
    end = len(text) if end is None else end
    found = list(_numbered(text, start, end, context))
    by_number = {c.number_at: c for c in found}
    taken = [(c.start, c.end) for c in found]
    for cit, whole, laws in _named_laws(text, start, end, context):
        # A law named with its number is that numbered citation: it takes the name as its title, and a type
        # the number's code does not give (`Luật Tổ chức chính quyền địa phương số 72/2025/QH15`).
        for law in ([whole] if whole else []) + laws:
            numbered = by_number.get(law.number_at)
            if numbered is not None:
                numbered.title = law.title
                numbered.doc_type = numbered.doc_type or cit.doc_type
                numbered.start = min(numbered.start, law.start)
        if whole is not None and whole.number_at in by_number:
            numbered = by_number[whole.number_at]
            if whole.start <= whole.number_at < whole.end:  # `Luật số 56/2024/QH15 sửa đổi ...`: the title follows
                numbered.end = max(numbered.end, whole.end)
            taken.append((numbered.start, numbered.end))
            continue
        # the law inside `Luật số 44/2024/QH15` or `Luật Đất đai số ...` is that numbered citation
        if not any(s <= cit.start < e for s, e in taken):
            found.append(cit)
            taken.append((cit.start, cit.end))
    for cit in _short(text, start, end, context):
        if not any(s <= cit.start < e for s, e in taken):
            found.append(cit)
    found.sort(key=lambda c: c.start)
    _share_dates(text, found)
    return found


_AND = re.compile(r"\s+và\s+")


def _share_dates(text: str, cits: list[Citation]) -> None:
    """Numbers of one type joined by `và` share the date written after the last (`số 008/CĐ-UBND và số
    009/CĐ-UBND ngày 19/11/2025`): the first, written without one, takes it."""
    for a, b in zip(reversed(cits[:-1]), reversed(cits[1:])):
        if a.number and b.number and a.date is None and b.date is not None and b.doc_type == a.doc_type \
                and a.end <= b.start and _AND.fullmatch(text, a.end, b.start):
            a.date = b.date


def enclosed_citations(text: str, start: int, end: int, context: str | None = None) -> list[Citation]:
    """Citations introduced by `kèm theo`: the documents a cover letter forwards."""
    return [c for c in find_citations(text, start, end, context) if c.enclosed and c.number]


# --- merging mentions -----------------------------------------------------------------------------

def _key(cit: Citation) -> str:
    if cit.number:
        return "n:" + number_key(cit.number)
    # `Luật Phí và lệ phí` and `Luật Phí, lệ phí` are one law: a comma and `và` join the parts of a name alike
    return "t:" + " ".join(w for w in fold(cit.title).split() if w != "va")


def _serial(number: str) -> str:
    return re.split(r"[/\-]", number, maxsplit=1)[0].lstrip("0")


def _date_fits(cit: Citation, own_date: _dt.date | None) -> bool:
    """A cited text is issued before the citing one, in the year its number names (`163/2024/QH15`: 2024)."""
    if cit.date is None:
        return False
    year = re.search(r"[/\-](\d{4})(?:[/\-]|$)", cit.number or "")
    return (own_date is None or cit.date <= own_date) and (year is None or int(year.group(1)) == cit.date.year)


def merge(cits: list[Citation], own_number: str | None = None, own_date: _dt.date | None = None) -> list[Citation]:
    """One citation per cited document, in order of first mention. The representative mention is the first
    that gives a date (in running text rather than a capitals title), so span, text and date agree; where the
    mentions disagree, one whose date fits the number's year and falls before the citing document's date
    (`own_date`) wins over a misprint. An issuer missing there is taken from another mention of the same
    document. Short mentions are dropped once matched to a full citation; a document's mentions of its own
    number are not references."""
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
        rep = min((c for c in group if c.short is None),
                  key=lambda c: (c.date is None, not _date_fits(c, own_date), c.caps, c.start))
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
    for cit in merge(cits, view.document.number, view.document.issued_date):
        yield Reference(**view.provenance(cit.start, cit.end), doc_type=cit.doc_type, number=cit.number,
                        date=cit.date, issuer=cit.issuer, title=cit.title)
