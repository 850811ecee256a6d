"""Organisation names: how the name of a body is read, cased, completed and keyed.

The lower layer that metadata (header issuer and parent body), references (`của <issuer>`),
the store (issuer keys) and the pipeline (cover-letter notes) share.
- `parse_issuer(text, start)`: the name written at start (after `của`) and where it ends;
  `caps_issuer` the same in a title set in capitals.
- `vn_case`: an all-caps header line as written in running text.
- `expand_abbreviations`, `normalise_issuer`: names as the export contract wants them;
  `issuer_key`: one key for the forms of one body's name.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.numbers import issuer_codes, type_by_folded_name
from extractors.vocab import split_aliases
from pipeline.textutil import fold, is_upper_line, tone_key

# Names of administrative units: the words after them are a place name, capitalised syllable by syllable.
ADMIN_UNITS = ("thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "xã", "phường", "đặc khu")

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
_UNITS = tuple(tuple(u.split()) for u in ADMIN_UNITS)
_COMMITTEES = ("tỉnh ủy", "thành ủy", "huyện ủy", "quận ủy", "thị ủy", "đảng ủy")
_ORG_HEAD = re.compile(r"^(?:Ủy|Uỷ|UBND|Hội|HĐND|Sở|Bộ|Ban|Văn|Tỉnh|Thành|Huyện|Đảng|Công|Cục|Tổng|Chi|Phòng|Thủ|Chính|"
                       r"Quốc|Mặt|Trung|Thường|Tòa|Viện|Kiểm|Thanh|Ngân|Đoàn|Liên)$")
TOKEN = re.compile(r"[^\s_,;:.()\[\]“”\"'*|]+|[,;:.()\[\]“”\"'*|]")


def expand_abbreviations(name: str) -> str:
    """`UBND tỉnh` -> `Ủy ban nhân dân tỉnh`: the contract wants names written in full."""
    for abbr, full in _ABBREVIATIONS:
        name = re.sub(rf"(?<!\w){abbr}(?!\w)", full, name)
    return name


fold_word = lru_cache(maxsize=1 << 16)(fold)  # words repeat: fold each once


def is_cap(word: str) -> bool:
    return word[:1].isupper()


def phrase_set(phrases) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(tone_key(w) for w in (p.split() if isinstance(p, str) else p)) for p in phrases)


@lru_cache(maxsize=None)
def _issuer_stops() -> tuple[frozenset, frozenset]:
    return phrase_set(_ISSUER_STOPS), phrase_set(_ISSUER_STOPS_ANY_CASE)


def starts_with(words: list[str], i: int, phrases: frozenset) -> bool:
    low = tuple(tone_key(w.lower()) for w in words[i:i + 4])
    return any(low[:n] in phrases for n in range(1, len(low) + 1))


def _stop_at(words: list[str], i: int) -> bool:
    lower_stops, any_case_stops = _issuer_stops()
    return (words[i][:1].islower() and starts_with(words, i, lower_stops)) or starts_with(words, i, any_case_stops)


def is_type_word_at(words: list[str], i: int) -> bool:
    names = type_by_folded_name()
    return any(" ".join(fold_word(w) for w in words[i:i + n]) in names for n in (3, 2, 1))


def _unit_at(words: list[str], i: int) -> int:
    """Length of an administrative unit word at i (`tỉnh`, `thành phố`), 0 if none. `Tỉnh ủy` is an organ, not a unit;
    a capitalised unit word is one only after the people's bodies (`UBND Thành phố`), not in `Ban Văn hóa - Xã hội`."""
    if i < len(words) and is_cap(words[i]) and not (i > 0 and words[i - 1] in ("dân", "UBND", "HĐND", "ủy", "uỷ")):
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
    folded = [fold_word(w) for w in words[-6:]]
    return any(" ".join(folded[-n:]) in _complete_names() for n in range(1, len(folded) + 1))


def parse_issuer(text: str, start: int, limit: int = 160) -> tuple[str | None, int]:
    """The body named from text[start:] (after `của`): (name as written, end offset), or (None, start).

    Names capitalise the first syllable of each part (`Ban Thường vụ Tỉnh ủy Sóc Trăng`,
    `Bộ Lao động - Thương binh và Xã hội`); a place name after a unit word is all capitalised, so a
    lower-case word after it ends the name. Verbs and connectives (`về`, `phê duyệt`) end it too."""
    window = text[start:start + limit]
    matches = list(TOKEN.finditer(window))
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
            if w in "-–" and is_cap(nxt) and taken:
                i += 1
                continue
            if w == "," and state == "name" and is_cap(nxt) and not _ORG_HEAD.match(nxt) \
                    and not is_type_word_at(words, i + 1) and taken:
                i += 1  # `Bộ Văn hóa, Thể thao và Du lịch`
                continue
            break
        if i == 0 and not is_cap(w):
            return None, start
        if state == "place":
            if re.fullmatch(r"khóa|khoá", w, re.IGNORECASE) and re.fullmatch(r"[IVXLC]+", nxt):
                taken = i + 2
                break
            if not is_cap(w):
                break
            taken = i + 1
            i += 1
            continue
        if state == "unit":
            n_unit = _unit_at(words, i)
            if n_unit and is_cap(w):  # `Thành ủy Thành phố Hồ Chí Minh`
                taken = i + n_unit
                i += n_unit
                continue
            if is_cap(w) and not is_type_word_at(words, i) and not _stop_at(words, i):
                state = "place"
                taken = i + 1
                i += 1
                continue
            break
        if i > 0 and _stop_at(words, i):
            break
        if i > 0 and is_type_word_at(words, i) and is_cap(w) and not _ORG_HEAD.match(words[i - 1]):
            break  # `của Tỉnh ủy và Kế hoạch số ...`; but `Bộ Kế hoạch và Đầu tư` is a name
        continues = (w.lower() in ("đảng", "và") or re.fullmatch(r"khóa|khoá", w, re.IGNORECASE)
                     and re.fullmatch(r"[IVXLC]+", nxt))  # `Ban Chấp hành Trung ương đảng khóa XIII`
        if i > 0 and not is_cap(w) and not continues and _ends_with_complete_name(words[:taken]):
            break  # `của Chính phủ quy đinh chi tiết ...`
        if w.lower() == "và":
            if is_cap(nxt) and not is_type_word_at(words, i + 1):
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


def locality(name: str) -> tuple[str, str] | None:
    """('tỉnh' | 'thành phố', place) of a body's name: `Ủy ban nhân dân tỉnh Bến Tre` -> ('tỉnh', 'Bến Tre')."""
    for m in re.finditer(r"(?:^|\s)(tỉnh ủy|thành ủy|tỉnh|thành phố)\s+", name, re.IGNORECASE):
        place = name[m.end():].split()
        if place and all(w[:1].isupper() or w in "-–" for w in place):
            kind = m.group(1).lower()
            kind = {"tỉnh ủy": "tỉnh", "thành ủy": "thành phố"}.get(kind, kind)
            return kind, " ".join(place)
    return None


def _complete_place(name: str, context: str) -> str:
    loc = locality(context)
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



def is_caps(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)



def caps_issuer(text: str, start: int, hi: int) -> tuple[str | None, int]:
    """Issuer in a title set in capitals (`... CỦA THỦ TƯỚNG CHÍNH PHỦ VỀ ...`): capitals up to a stop word."""
    window = text[start:min(hi, start + 80)]
    matches = list(TOKEN.finditer(window))
    words = [m.group() for m in matches]
    taken = 0
    for i, w in enumerate(words):
        if not re.match(r"\w", w) or not is_caps(w) or i >= 8:
            break
        if i > 0 and "\n" in window[matches[i - 1].end():matches[i].start()]:
            break
        if i > 0 and (_stop_at([x.lower() for x in words], i) or is_type_word_at(words, i)):
            break
        taken = i + 1
    if not taken:
        return None, start
    return vn_case(window[:matches[taken - 1].end()]), start + matches[taken - 1].end()



# --- casing ---------------------------------------------------------------------------------------

# Multi-word organ and office names whose first syllable is capitalised (Ủy ban nhân dân, Ban Thường vụ).
_COMPOUNDS = (
    "ủy ban", "hội đồng", "ban", "sở", "bộ", "văn phòng", "tỉnh ủy", "thành ủy", "huyện ủy", "đảng ủy", "đảng đoàn",
    "chủ tịch", "bí thư", "giám đốc", "thường trực", "thường vụ", "trưởng ban", "chánh văn phòng", "công an",
    "tuyên giáo", "dân vận", "tổ chức", "kiểm tra", "nội chính", "mặt trận", "tổ quốc", "việt nam", "chính phủ",
    "thủ tướng", "trưởng", "phó", "cán sự", "chấp hành",
)
# Organs whose name after the head word is capitalised part by part: Sở Kế hoạch và Đầu tư.
_PART_HEADS = ("sở", "bộ", "ban", "cục", "chi cục", "tổng cục", "phòng", "trung tâm", "hội", "viện", "trường")



def vn_case(caps: str) -> str:
    """Render an all-caps name as written in running text: `ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG` ->
    `Ủy ban nhân dân tỉnh Sóc Trăng`, `BAN THƯỜNG VỤ TỈNH ỦY` -> `Ban Thường vụ Tỉnh ủy`."""
    if not is_upper_line(caps):
        return caps
    caps = re.sub(r"\bUBND\b", "ỦY BAN NHÂN DÂN", re.sub(r"\bHĐND\b", "HỘI ĐỒNG NHÂN DÂN", caps))
    words = caps.split()
    out: list[str] = []
    i = 0
    low = [w.lower() for w in words]
    while i < len(words):
        unit = next((u for u in ADMIN_UNITS if low[i:i + len(u.split())] == u.split()), None)
        party_committee = i + 1 < len(words) and tone_key(low[i + 1]) == "ủy"  # TỈNH ỦY is an organ, not a place
        if unit and not party_committee and i + len(unit.split()) < len(words):
            n = len(unit.split())
            out.extend(low[i:i + n])
            out.extend(_place_case(w) for w in words[i + n:])
            break
        comp = next((c for c in sorted(_COMPOUNDS, key=len, reverse=True)
                     if [tone_key(x) for x in low[i:i + len(c.split())]] == [tone_key(x) for x in c.split()]), None)
        if comp:
            n = len(comp.split())
            out.append(low[i][:1].upper() + low[i][1:])
            out.extend(low[i + 1:i + n])
            i += n
            if comp in _PART_HEADS:  # "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI": each part starts with a capital
                new_part = True
                while i < len(words) and not any(low[i:i + len(u.split())] == u.split() for u in ADMIN_UNITS):
                    w = low[i]
                    out.append(w[:1].upper() + w[1:] if new_part and w not in ("và", "-") else w)
                    new_part = w in ("và", "-") or w.endswith(",")
                    i += 1
            continue
        w = words[i]
        out.append(w if (re.search(r"[\d/.&]", w) or w in ("T/M",)) else low[i])
        i += 1
    text = tone_key(" ".join(out))
    return text[:1].upper() + text[1:]


def _place_case(word: str) -> str:
    """`RỊA-VŨNG` -> `Rịa-Vũng`: every syllable of a place name is capitalised."""
    if re.search(r"\d", word):
        return word
    return "-".join(p[:1] + p[1:].lower() for p in word.split("-"))


_NUMBER_TOKEN = re.compile(r"\d[\w.]*(?:\s*[/\-&]\s*[\w.]+)*-?")
