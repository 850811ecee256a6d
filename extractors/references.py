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
from extractors.vocab import doc_types, load_csv, split_aliases
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
# A word that names a document without naming its type: the type then comes from the number's code.
_GENERIC_TYPE_WORDS = ("văn bản",)


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


# --- vocabulary -----------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _type_by_folded_name() -> dict[str, str | None]:
    """folded type name -> type; generic words (`văn bản`) map to None."""
    return {**{fold(r["name"]): r["code"] for r in doc_types()}, **{fold(w): None for w in _GENERIC_TYPE_WORDS}}


@lru_cache(maxsize=None)
def _type_codes() -> dict[tuple[str, str], str]:
    """(number form, code in capitals) -> type; form is 'state' or 'party'. `Đ` is kept: ĐA (đề án) != DA (dự án)."""
    out: dict[tuple[str, str], str] = {}
    for r in doc_types():
        forms = [r["form"]] if r.get("form") else ["state", "party"]
        for abbr in split_aliases(r["abbr"]):
            for form in forms:
                out.setdefault((form, abbr.upper()), r["code"])
    return out


@lru_cache(maxsize=None)
def _type_abbreviations() -> dict[str, str]:
    """Type codes written as the type word (`NQ 49/TTg`), exactly as printed in capitals; TT (thông tư or
    thông tri) is left out."""
    out: dict[str, str] = {}
    for r in doc_types():
        for abbr in split_aliases(r["abbr"]):
            if abbr.isupper() and len(abbr) >= 2:
                out[abbr] = None if abbr in out else r["code"]
    return {k: v for k, v in out.items() if v}


@lru_cache(maxsize=None)
def _sole_issuer() -> dict[str, str]:
    """type -> the one body that issues every text of that type (luật: Quốc hội)."""
    return {r["code"]: r["issuer"] for r in doc_types() if r.get("issuer")}


@lru_cache(maxsize=None)
def issuer_codes() -> dict[str, dict]:
    rows = load_csv("issuer_codes.csv", ("code", "issuer", "scope", "term"))
    return {r["code"].upper(): r for r in rows}


def _code_row(code: str) -> dict | None:
    codes = issuer_codes()
    key = code.upper()
    if key in codes:
        return codes[key]
    m = re.fullmatch(r"(.*?)(\d{1,2})", key)  # QH15, UBTVQH13: the body and its term
    if m and m.group(1) in codes and codes[m.group(1)]["term"] == "1":
        return codes[m.group(1)]
    return None


def issuer_of_code(code: str | None) -> str | None:
    """Name of the body an issuer code stands for, or None when the code is local, ambiguous or unknown."""
    row = _code_row(code) if code else None
    return row["issuer"] if row and row["scope"] == "national" else None


# --- numbers --------------------------------------------------------------------------------------

def clean_number(raw: str) -> str:
    """As printed, spaces removed; an en dash is a hyphen."""
    return re.sub(r"\s+", "", raw).replace("–", "-")


def number_key(number: str | None) -> str | None:
    """Key for matching document numbers: no spaces, capitals, Đ as D (`24-CTR/TU` == `24-CTr/TU`)."""
    if not number:
        return None
    return clean_number(number).upper().replace("Đ", "D")


@dataclass
class NumberParts:
    serial: str
    type_code: str | None
    issuer_code: str | None
    party: bool
    year: bool


def parse_number(number: str) -> NumberParts:
    """`37/2010/QĐ-TTg` -> type QĐ, issuer TTg; `61-CTr/TU` (Party form) -> type CTr, issuer TU;
    `3452/UBND-VX` (công văn: no type code) -> issuer UBND."""
    number = clean_number(number)
    party = re.match(r"^\d+-[A-Za-zĐđ]+/", number) is not None
    segs = re.split(r"[/\-]", number)
    serial, rest = segs[0], segs[1:]
    if party:
        return NumberParts(serial, rest[0], rest[1] if len(rest) > 1 else None, True, False)
    year = False
    while rest and re.fullmatch(r"\d{4}", rest[0]):
        year, rest = True, rest[1:]
    letters = [s for s in rest if re.search(r"[A-Za-zĐđ]", s)]
    if not letters:
        return NumberParts(serial, None, None, False, year)
    if ("state", letters[0].upper()) in _type_codes():
        return NumberParts(serial, letters[0], letters[1] if len(letters) > 1 else None, False, year)
    return NumberParts(serial, None, letters[0], False, year)


def type_of_number(number: str) -> str | None:
    parts = parse_number(number)
    if parts.type_code:
        return _type_codes().get(("party" if parts.party else "state", parts.type_code.upper()))
    if parts.issuer_code and not parts.year:
        return "cong_van"  # N/ISSUER-UNIT: a công văn has no type code
    return None


def issuer_of_number(number: str) -> str | None:
    parts = parse_number(number)
    if parts.type_code and parts.type_code.upper() in ("TTLT",):
        return None  # joint texts: several issuers
    return issuer_of_code(parts.issuer_code)


# --- issuers --------------------------------------------------------------------------------------

_ABBREVIATIONS = (("UBND", "Ủy ban nhân dân"), ("HĐND", "Hội đồng nhân dân"), ("UBMTTQ", "Ủy ban Mặt trận Tổ quốc"),
                  ("MTTQ", "Mặt trận Tổ quốc"))
# Verbs and connectives that end an issuer's name (`của Bộ Y tế hướng dẫn ...`); matched on lower-case words only,
# so `Bộ Xây dựng` and `Ban Tổ chức` keep their capitalised words.
_ISSUER_STOPS = tuple(s.split() for s in (
    "về", "v/v", "phê duyệt", "ban hành", "quy định", "hướng dẫn", "thực hiện", "triển khai", "sửa đổi", "bổ sung",
    "điều chỉnh", "trong", "trên", "tại", "theo", "đã", "đến", "khoảng", "ngày", "năm", "số", "các", "với", "để", "cho",
    "là", "được", "có", "thông qua", "giao", "kèm theo", "nhằm", "yêu cầu", "đề nghị", "tăng cường",
    "xây dựng", "gửi", "từ", "thì", "mà", "sẽ", "cũng", "vì", "do", "hoặc", "tiếp tục", "hỗ trợ", "nay", "này",
    "quy hoạch", "phân loại", "phân bổ", "giao chỉ tiêu", "tổ chức thực hiện", "đồng thời", "và các", "như", "khi",
    "sau", "trước", "nêu", "ký", "gồm", "bao gồm", "đối với", "trình", "đánh giá", "kết luận", "thi hành",
))
# Verb phrases that end a name even when capitalised by mistake (`của UBND tỉnh Sửa đổi, bổ sung ...`).
_ISSUER_STOPS_ANY_CASE = ("phê duyệt", "sửa đổi", "ban hành", "hướng dẫn", "quy định", "về việc", "thực hiện", "triển khai")
_UNITS = (("thành", "phố"), ("thị", "xã"), ("thị", "trấn"), ("tỉnh",), ("huyện",), ("quận",), ("xã",), ("phường",))
_COMMITTEES = ("tỉnh ủy", "thành ủy", "huyện ủy", "quận ủy", "thị ủy", "đảng ủy")
_ORG_HEAD = re.compile(r"^(?:Ủy|Uỷ|UBND|Hội|HĐND|Sở|Bộ|Ban|Văn|Tỉnh|Thành|Huyện|Đảng|Công|Cục|Tổng|Chi|Phòng|Thủ|Chính|"
                       r"Quốc|Mặt|Trung|Thường|Tòa|Viện|Kiểm|Thanh|Ngân|Đoàn|Liên)$")
_TOKEN = re.compile(r"[^\s_,;:.()\[\]“”\"'*|]+|[,;:.()\[\]“”\"'*|]")


def expand_abbreviations(name: str) -> str:
    """`UBND tỉnh` -> `Ủy ban nhân dân tỉnh`: the contract wants names written in full."""
    for abbr, full in _ABBREVIATIONS:
        name = re.sub(rf"(?<!\w){abbr}(?!\w)", full, name)
    return name


_fold_word = lru_cache(maxsize=1 << 16)(fold)  # words repeat: fold each once


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _phrase_set(phrases) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(tone_key(w) for w in (p.split() if isinstance(p, str) else p)) for p in phrases)


@lru_cache(maxsize=None)
def _issuer_stops() -> tuple[frozenset, frozenset]:
    return _phrase_set(_ISSUER_STOPS), _phrase_set(_ISSUER_STOPS_ANY_CASE)


def _starts_with(words: list[str], i: int, phrases: frozenset) -> bool:
    low = tuple(tone_key(w.lower()) for w in words[i:i + 4])
    return any(low[:n] in phrases for n in range(1, len(low) + 1))


def _stop_at(words: list[str], i: int) -> bool:
    lower_stops, any_case_stops = _issuer_stops()
    return (words[i][:1].islower() and _starts_with(words, i, lower_stops)) or _starts_with(words, i, any_case_stops)


def _is_type_word_at(words: list[str], i: int) -> bool:
    names = _type_by_folded_name()
    return any(" ".join(_fold_word(w) for w in words[i:i + n]) in names for n in (3, 2, 1))


def _unit_at(words: list[str], i: int) -> int:
    """Length of an administrative unit word at i (`tỉnh`, `thành phố`), 0 if none. `Tỉnh ủy` is an organ, not a unit;
    a capitalised unit word is one only after the people's bodies (`UBND Thành phố`), not in `Ban Văn hóa - Xã hội`."""
    if i < len(words) and _is_cap(words[i]) and not (i > 0 and words[i - 1] in ("dân", "UBND", "HĐND", "ủy", "uỷ")):
        return 0
    for unit in _UNITS:
        n = len(unit)
        if [tone_key(w.lower()) for w in words[i:i + n]] == list(unit):
            nxt = words[i + n].lower() if i + n < len(words) else ""
            if tone_key(nxt) == "ủy":
                return 0
            return n
    return 0


def _committee_at(words: list[str], i: int) -> bool:
    """`Tỉnh ủy`, `Đảng ủy` (not `đảng Ủy ban ...`, where Ủy starts the next body)."""
    return (i + 1 < len(words) and words[i + 1][:1].islower()
            and tone_key(" ".join(words[i:i + 2]).lower()) in _COMMITTEES)


@lru_cache(maxsize=None)
def _complete_names() -> frozenset[str]:
    """Folded names that are whole bodies (`Chính phủ`, `Bộ Y tế`): a lower-case word after one ends the name."""
    names = {"bo chinh tri", "ban bi thu", "ban chap hanh trung uong"}
    for row in issuer_codes().values():
        if row["scope"] != "local":
            names.update(fold(n) for n in split_aliases(row["issuer"]))
    return frozenset(names)


def _ends_with_complete_name(words: list[str]) -> bool:
    folded = [_fold_word(w) for w in words[-6:]]
    return any(" ".join(folded[-n:]) in _complete_names() for n in range(1, len(folded) + 1))


def parse_issuer(text: str, start: int, limit: int = 160) -> tuple[str | None, int]:
    """The body named from text[start:] (after `của`): (name as written, end offset), or (None, start).

    Names capitalise the first syllable of each part (`Ban Thường vụ Tỉnh ủy Sóc Trăng`,
    `Bộ Lao động - Thương binh và Xã hội`); a place name after a unit word is all capitalised, so a
    lower-case word after it ends the name. Verbs and connectives (`về`, `phê duyệt`) end it too."""
    window = text[start:start + limit]
    matches = list(_TOKEN.finditer(window))
    words = [m.group() for m in matches]
    taken = 0
    state = "name"  # name -> unit (after tỉnh, thành phố: a place must follow) -> place
    i = 0
    while i < len(words) and i < 18:
        w = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if i > 0 and "\n" in window[matches[i - 1].end():matches[i].start()]:
            break
        if not re.match(r"\w", w):
            if w in "-–" and _is_cap(nxt) and taken:
                i += 1
                continue
            if w == "," and state == "name" and _is_cap(nxt) and not _ORG_HEAD.match(nxt) \
                    and not _is_type_word_at(words, i + 1) and taken:
                i += 1  # `Bộ Văn hóa, Thể thao và Du lịch`
                continue
            break
        if i == 0 and not _is_cap(w):
            return None, start
        if state == "place":
            if re.fullmatch(r"khóa|khoá", w, re.IGNORECASE) and re.fullmatch(r"[IVXLC]+", nxt):
                taken = i + 2
                break
            if not _is_cap(w):
                break
            taken = i + 1
            i += 1
            continue
        if state == "unit":
            n_unit = _unit_at(words, i)
            if n_unit and _is_cap(w):  # `Thành ủy Thành phố Hồ Chí Minh`
                taken = i + n_unit
                i += n_unit
                continue
            if _is_cap(w) and not _is_type_word_at(words, i) and not _stop_at(words, i):
                state = "place"
                taken = i + 1
                i += 1
                continue
            break
        if i > 0 and _stop_at(words, i):
            break
        if i > 0 and _is_type_word_at(words, i) and _is_cap(w) and not _ORG_HEAD.match(words[i - 1]):
            break  # `của Tỉnh ủy và Kế hoạch số ...`; but `Bộ Kế hoạch và Đầu tư` is a name
        continues = (w.lower() in ("đảng", "và") or re.fullmatch(r"khóa|khoá", w, re.IGNORECASE)
                     and re.fullmatch(r"[IVXLC]+", nxt))  # `Ban Chấp hành Trung ương đảng khóa XIII`
        if i > 0 and not _is_cap(w) and not continues and _ends_with_complete_name(words[:taken]):
            break  # `của Chính phủ quy đinh chi tiết ...`
        if w.lower() == "và":
            if _is_cap(nxt) and not _is_type_word_at(words, i + 1):
                i += 1
                continue
            break
        n_unit = _unit_at(words, i)
        if n_unit:
            taken = i + n_unit
            i += n_unit
            state = "unit"
            continue
        if _committee_at(words, i):
            taken = i + 2
            i += 2
            state = "unit"
            continue
        taken = i + 1
        i += 1
    if not taken:
        return None, start
    name = window[matches[0].start():matches[taken - 1].end()]
    return name, start + matches[taken - 1].end()


def normalise_issuer(name: str | None, context: str | None = None) -> str | None:
    """Issuer as the contract wants it: abbreviations expanded, new-style tones, one space; a unit left without
    its place (`Ủy ban nhân dân tỉnh`, `Tỉnh ủy`) takes the place of the citing document's issuer, which is what
    such a mention means in an official text."""
    if not name:
        return None
    name = " ".join(name.replace("_", " ").split()).strip(" ,.-")
    name = tone_key(expand_abbreviations(name))
    name = re.sub(r"^Hội nghị lần thứ \w+ (?:của )?", "", name)  # the plenum of a committee issues in its name
    if context:
        name = _complete_place(name, tone_key(" ".join(context.split())))
    return name or None


_BARE_UNIT = re.compile(r"(?:^|\s)(tỉnh|thành phố|Tỉnh|Thành phố)$")
_BARE_COMMITTEE = re.compile(r"(?:^|\s)(Tỉnh ủy|Thành ủy)$", re.IGNORECASE)


def _locality(name: str) -> tuple[str, str] | None:
    """('tỉnh' | 'thành phố', place) of a body's name: `Ủy ban nhân dân tỉnh Bến Tre` -> ('tỉnh', 'Bến Tre')."""
    for m in re.finditer(r"(?:^|\s)(tỉnh ủy|thành ủy|tỉnh|thành phố)\s+", name, re.IGNORECASE):
        place = name[m.end():].split()
        if place and all(w[:1].isupper() or w in "-–" for w in place):
            kind = m.group(1).lower()
            kind = {"tỉnh ủy": "tỉnh", "thành ủy": "thành phố"}.get(kind, kind)
            return kind, " ".join(place)
    return None


def _complete_place(name: str, context: str) -> str:
    loc = _locality(context)
    if loc is None:
        return name
    kind, place = loc
    m = _BARE_UNIT.search(name)
    if m and m.group(1).lower() == kind:
        return f"{name[:m.start(1)]}{kind} {place}"
    m = _BARE_COMMITTEE.search(name)
    if m and {"tỉnh ủy": "tỉnh", "thành ủy": "thành phố"}[m.group(1).lower()] == kind:
        return f"{name} {place}"
    return name


def issuer_key(name: str | None) -> str | None:
    """Key for matching issuers: `Ban Thường vụ Tỉnh ủy Sóc Trăng` == `Tỉnh ủy Sóc Trăng`, `UBND tỉnh X` ==
    `Ủy ban nhân dân tỉnh X`, `Bộ trưởng Bộ Tài chính` == `Bộ Tài chính` (the collective and its standing body,
    a minister and the ministry, sign for the same body's series of numbers)."""
    if not name:
        return None
    key = fold(normalise_issuer(name))
    key = re.sub(r"^hoi nghi lan thu \w+ ", "", key)
    key = re.sub(r"^(?:ban thuong vu|thuong truc|ban chap hanh dang bo) ", "", key)
    key = re.sub(r"^ban chap hanh dang bo (tinh|thanh pho) ", lambda m: ("tinh uy " if m.group(1) == "tinh" else "thanh uy "), key)
    key = re.sub(r"^(?:bo truong|chu tich|thu truong) (?=bo |uy ban )", "", key)
    key = re.sub(r" khoa [ivxlc]+$", "", key)
    return key or None


# --- finding citations ----------------------------------------------------------------------------

def _type_name_ending(toks: list[tuple[int, str]], k: int) -> int:
    """Number of tokens of a type name ending at token k (`Kế hoạch`, `Thông tư liên tịch`), 0 if none."""
    names = _type_by_folded_name()
    for n in (4, 3, 2, 1):
        if k - n + 1 >= 0 and " ".join(_fold_word(w) for _, w in toks[k - n + 1:k + 1]) in names \
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
    if toks and toks[-1][1].strip("(:") in _type_abbreviations():  # `theo NQ 49/TTg`, `QĐ số 12/QĐ-UB`
        return _type_abbreviations()[toks[-1][1].strip("(:")], toks[-1][0] + toks[-1][1].startswith("("), True
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
            code = _type_by_folded_name().get(" ".join(_fold_word(w) for _, w in toks[k - n + 1:k + 1]))
            adjacent = not gap or fold(" ".join(gap)) in _TYPE_MODIFIERS
            return code, start, adjacent
        if not re.fullmatch(r"\w+", toks[k][1]):
            return None
        gap.insert(0, toks[k][1])
        k -= 1
    return None


def _is_caps(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


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
            name, stop = _caps_issuer(text, m.end(), hi)
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


def _caps_issuer(text: str, start: int, hi: int) -> tuple[str | None, int]:
    """Issuer in a title set in capitals (`... CỦA THỦ TƯỚNG CHÍNH PHỦ VỀ ...`): capitals up to a stop word."""
    from extractors.metadata import vn_case
    window = text[start:min(hi, start + 80)]
    matches = list(_TOKEN.finditer(window))
    words = [m.group() for m in matches]
    taken = 0
    for i, w in enumerate(words):
        if not re.match(r"\w", w) or not _is_caps(w) or i >= 8:
            break
        if i > 0 and "\n" in window[matches[i - 1].end():matches[i].start()]:
            break
        if i > 0 and (_stop_at([x.lower() for x in words], i) or _is_type_word_at(words, i)):
            break
        taken = i + 1
    if not taken:
        return None, start
    return vn_case(window[:matches[taken - 1].end()]), start + matches[taken - 1].end()


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
        cit.caps = _is_caps(text[start:m.end()])
        note = _ENCLOSED_BEFORE.search(text, max(lo, start - 20), start)
        if note:  # `(Kèm theo Chương trình số ...)`: the note is kept for the cover-letter step's warning
            cit.enclosed, cit.note_start = True, note.start()
        cit.end = _after_number(text, m.end(), hi, cit, context)
        if cit.issuer is None:
            cit.issuer = issuer_of_number(number) or _sole_issuer().get(doc_type or "")
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
                       caps=_is_caps(text[typed[1]:m.end()]))
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
    return _phrase_set(_LAW_STOPS)


def _law_stop(words: list[str], i: int) -> bool:
    if [w.lower() for w in words[i:i + 2]] == ["có", "công"]:
        return False  # `Pháp lệnh Ưu đãi người có công với cách mạng`
    return words[i][:1].islower() and _starts_with(words, i, _law_stops())


def _named_laws(text: str, lo: int, hi: int, context: str | None) -> Iterator[Citation]:
    """Laws cited by name: `Luật Người khuyết tật`, `Luật Phòng, chống ma túy`, `Bộ luật Lao động`."""
    for m in _LAW.finditer(text, lo, hi):
        before = text[max(lo, m.start() - 30):m.start()]
        prev = re.split(r"[\s_]+", before.rstrip())[-1] if before.strip() else ""
        if prev and prev[-1:].isalpha() and _is_cap(prev) and before[-1:] in " _":
            continue  # `Dân Luật Việt Nam`, `Pháp Luật`: part of another name
        if m.group("type") == "Hiến pháp":  # the constitution has no name: it is known by its year
            y = _YEAR_AFTER.match(text, m.end(), hi)
            if y:
                title = " ".join(text[m.start():y.end()].split())
                yield Citation(start=m.start(), end=y.end(), doc_type="hien_phap", title=title,
                               issuer=_sole_issuer().get("hien_phap"), issuer_from_code=True)
            continue
        window = text[m.end():min(hi, m.end() + 200)]
        matches = list(_TOKEN.finditer(window))
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
                        and not (_is_cap(nxt) and _is_type_word_at(words, i + 1)):
                    i += 1
                    continue
                break
            if i > 0 and _is_cap(w) and _is_type_word_at(words, i):
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
            cit.issuer = _sole_issuer().get(doc_type)
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
    context = view.document.issuer if view.document.issuer and _locality(tone_key(view.document.issuer)) \
        else view.document.parent_issuer
    cits = find_citations(view.text, view.span[0], view.span[1], context)
    for cit in merge(cits, view.document.number):
        yield Reference(**view.provenance(cit.start, cit.end), doc_type=cit.doc_type, number=cit.number,
                        date=cit.date, issuer=cit.issuer, title=cit.title)
