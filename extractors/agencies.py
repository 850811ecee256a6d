"""Agency names: the vocabulary (data/agencies.csv, data/agency_groups.csv) and a recogniser.

`match_list(mtext, pos)` reads the agencies written at pos (`Sở Tài chính, Sở Nội vụ và Ủy ban nhân
dân các xã`) and returns one Mention per agency, with its canonical full name (aliases expanded,
the scope written after it kept: `Ủy ban nhân dân các huyện, thị xã, thành phố`). It runs on the
matching copy of the text (textscan.match_text), so old and new tone placement match alike.

Names come from, in order of preference (the longest match wins):
- the vocabulary (`Sở LĐ-TB&XH` -> `Sở Lao động - Thương binh và Xã hội`) plus a scope;
- a Party organ before a body (`Ban cán sự đảng Ủy ban nhân dân tỉnh`, `Đảng đoàn HĐND tỉnh`);
- a pattern for names not in the vocabulary: a head word (`Sở`, `Phòng`, `Trung tâm`, `Ban`...)
  followed by capitalised words (`Sở Ngoại vụ`, `Ban Tuyên giáo Tỉnh ủy`);
- group words (`các cơ quan, đơn vị có liên quan`, `các huyện ủy, thị ủy, thành ủy`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Optional

from extractors.textscan import CAP_WORD, LOW_WORD, LOWER
from extractors.vocab import load_csv, split_aliases
from pipeline.errors import ConfigError
from pipeline.textutil import fold, tone_key

I = re.IGNORECASE
RELATED = "các cơ quan, đơn vị có liên quan"


@dataclass(frozen=True)
class Agency:
    name: str
    kind: Optional[str] = None
    level: Optional[str] = None
    successor: Optional[str] = None
    generic: bool = False

    @property
    def key(self) -> str:
        return fold(self.name)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    agency: Agency
    group: Optional[str] = None  # the group-word group, for merging lists of group words
    related: bool = False  # `có liên quan`: an unspecified related body


# --- vocabulary ---------------------------------------------------------------------------------

def alias_key(text: str) -> str:
    """Key of a name for looking up aliases: tones, case and spacing around - & , / do not matter."""
    text = " ".join(tone_key(text).split())
    return re.sub(r"\s*([-&,/.])\s*", r"\1", text).casefold()


@dataclass(frozen=True)
class Entry:
    agency: Agency
    scope: str  # required, optional, party, none


@lru_cache(maxsize=None)
def vocabulary() -> dict[str, Entry]:
    """alias key -> entry; raises ConfigError if one alias names two agencies."""
    rows = load_csv("agencies.csv", ("name", "kind", "level", "aliases", "successor", "scope"))
    out: dict[str, Entry] = {}
    for row in rows:
        if row["scope"] not in ("required", "optional", "party", "none"):
            raise ConfigError(f"agencies.csv: bad scope {row['scope']!r} for {row['name']}")
        entry = Entry(Agency(tone_key(row["name"]), row["kind"] or None, row["level"] or None,
                             tone_key(row["successor"]) if row["successor"] else None), row["scope"])
        for alias in [row["name"], *split_aliases(row["aliases"])]:
            key = alias_key(alias)
            if key in out and out[key].agency.name != entry.agency.name:
                raise ConfigError(f"agencies.csv: alias {alias!r} names both {out[key].agency.name} and {row['name']}")
            out[key] = entry
    return out


def known_agencies() -> list[Agency]:
    """The vocabulary's agencies, in file order (the agencies table is seeded with them)."""
    seen, out = set(), []
    for entry in vocabulary().values():
        if entry.agency.name not in seen:
            seen.add(entry.agency.name)
            out.append(entry.agency)
    return out


@dataclass(frozen=True)
class Group:
    name: str
    generic: bool
    kind: str
    level: Optional[str]
    requires_cac: bool


@lru_cache(maxsize=None)
def group_words() -> dict[str, Group]:
    rows = load_csv("agency_groups.csv", ("group", "generic", "kind", "level", "requires_cac", "words"))
    out: dict[str, Group] = {}
    for row in rows:
        group = Group(row["group"], row["generic"] == "1", row["kind"], row["level"] or None, row["requires_cac"] == "1")
        for word in split_aliases(row["words"]):
            key = alias_key(word)
            if key in out and out[key].name != group.name:
                raise ConfigError(f"agency_groups.csv: {word!r} is in groups {out[key].name} and {group.name}")
            out[key] = group
    return out


def _flex(name: str) -> str:
    """Regex for a name: any spacing between words and around - & , / ."""
    parts = re.split(r"(\s*[-&,/.]\s*|\s+)", tone_key(name).strip())
    out = []
    for p in parts:
        if not p:
            continue
        if p.isspace():
            out.append(r"[ \t]+")
        elif p.strip() in "-&,/.":
            out.append(r"[ \t]*" + re.escape(p.strip()) + r"[ \t]*")
        else:
            out.append(re.escape(p))
    return "".join(out)


def _alternation(names) -> str:
    return "|".join(_flex(n) for n in sorted(set(names), key=len, reverse=True))


@lru_cache(maxsize=None)
def _alias_rx() -> re.Pattern:
    return re.compile(rf"(?:{_alternation(vocabulary())})(?![\w&])", I)


@lru_cache(maxsize=None)
def _group_rx() -> re.Pattern:
    return re.compile(rf"(?:{_alternation(group_words())})(?![\w])", I)


# --- scope: what follows a name (`tỉnh Bến Tre`, `các huyện, thị xã, thành phố`, `Tỉnh ủy`) ----------

# A place name: capitalised words on the same line (`Bến Tre`, `Bà Rịa - Vũng Tàu`).
_ = r"[ \t]"
# One capitalised word followed by a small one is the start of the next clause (`Thành phố Chỉ đạo`),
# not a place: one-word places end the name.
PLACE = (rf"(?-i:{CAP_WORD}(?:(?:{_}+|{_}*-{_}*){CAP_WORD}){{1,3}}"
         rf"|{CAP_WORD}(?!{_}+[{LOWER}]))")
UNIT = rf"(?:huyện|quận|thị{_}+xã|thành{_}+phố|xã(?!{_}+hội)|phường|thị{_}+trấn|đặc{_}+khu|tỉnh|khu{_}+phố|thôn|ấp|bản)"
UNIT_LIST = rf"{UNIT}(?:{_}*[,/]{_}*{UNIT}|{_}*,?{_}+và{_}+{UNIT})*"
SCOPE_ADMIN = re.compile(
    rf"{_}+(?:"
    rf"(?:các|cấp|những|\d+){_}+{UNIT_LIST}(?:{_}+{PLACE})?"
    rf"|các{_}+cấp"
    rf"|{UNIT}(?:{_}*[,/]{_}*{UNIT})+(?:{_}+{PLACE})?"
    rf"|(?:tỉnh|thành{_}+phố|TP\.?|huyện|quận|thị{_}+xã|xã(?!{_}+hội)|phường|thị{_}+trấn|đặc{_}+khu)(?:{_}+{PLACE})?"
    rf"|khu{_}+vực{_}+[IVXLC]+"
    rf")(?![\w])", I)
PARTY_COMMITTEE = r"(?:Tỉnh|Thành|Huyện|Quận|Thị)\s+ủy|Trung\s+ương|Đảng\s+ủy\s+(?:xã|phường|tỉnh|thành\s+phố)"
SCOPE_PARTY = re.compile(rf"{_}+(?:{PARTY_COMMITTEE})(?:{_}+{PLACE})?(?![\w])", I)
SCOPE_LEVEL = [
    (re.compile(r"^\s*(?:các\s+|cấp\s+|những\s+|\d+\s+)?(?:xã|phường|thị\s+trấn|đặc\s+khu|thôn|ấp|bản|khu\s+phố)\b", I), "commune"),
    (re.compile(r"^\s*(?:các\s+|cấp\s+|những\s+|\d+\s+)?(?:huyện|quận|thị\s+xã|thành\s+phố\s+thuộc)\b|^\s*các\s+thành\s+phố", I), "district"),
    (re.compile(r"^\s*(?:huyện|quận|thị)\s+ủy", I), "district"),
    (re.compile(r"^\s*(?:cấp\s+)?(?:tỉnh|thành\s+phố|TP)\b|^\s*(?:tỉnh|thành)\s+ủy", I), "province"),
    (re.compile(r"^\s*trung\s+ương", I), "central"),
]


def scope_level(scope: str) -> Optional[str]:
    for rx, level in SCOPE_LEVEL:
        if rx.search(scope):
            return level
    return None


def tidy(name: str) -> str:
    """One space between words, none before punctuation (word-segmented texts write `sở , ngành`)."""
    return re.sub(r"\s+([,;/)])", r"\1", " ".join(name.split()))


def _tidy_scope(scope: str) -> str:
    scope = tidy(scope)
    return re.sub(r"^TP\.?(?=\s|$)", "thành phố", scope)


# --- recognising one agency -----------------------------------------------------------------------

TITLE = re.compile(
    r"(?:Phó\s+)?(?:Chủ\s+tịch|Giám\s+đốc|Thủ\s+trưởng|Trưởng\s+ban|Chánh\s+Văn\s+phòng|Người\s+đứng\s+đầu|"
    r"Lãnh\s+đạo|Bí\s+thư)\s+(?=\S)", I)
PARTY_PREFIX = re.compile(r"(?:Ban\s+cán\s+sự\s+đảng|Đảng\s+đoàn|Đảng\s+ủy|Chi\s+bộ)\s+(?=\S)", I)
HEADS = (r"Sở|Phòng|Trung\s+tâm|Chi\s+cục|Cục|Tổng\s+cục|Ban\s+Quản\s+lý|Ban\s+Chỉ\s+đạo|Ban\s+Chỉ\s+huy|Ban|"
         r"Văn\s+phòng|Hội\s+đồng|Hội|Báo|Đài|Viện|Bệnh\s+viện|Trường|Liên\s+đoàn|Hiệp\s+hội|Tổng\s+công\s+ty|"
         r"Công\s+ty|Đội|Chi\s+nhánh|Bộ")
_NOT_NAME = rf"(?!(?:{HEADS}|Ủy|UBND|HĐND|Công\s+an|Các|Tỉnh|Thành\s+phố|Huyện|Quận|Đảng|Mặt\s+trận|Chủ\s+trì|Phối\s+hợp|Thực\s+hiện|Giao|Đề\s+nghị)\b)"
# function words never end a name part: `Sở Công Thương và ...`, `Sở Y tế của ...`
_FUNCTION = r"(?:và|của|các|những|với|tại|về|để|theo|trong|trên|cho|là|có|được|đã|thì|nhằm|cùng|hoặc|hay|từ|đến|ở|do|khi|này|đó|phối|chủ|thực|tổ|xây|triển|tham|căn|chỉ|tăng)\b"
NAME_PART = rf"{_NOT_NAME}{CAP_WORD}(?:{_}+(?!{_FUNCTION}){LOW_WORD})?"
NAMED = re.compile(
    rf"(?P<head>{HEADS}|phòng|sở){_}+(?P<name>{NAME_PART}(?:(?:{_}+và{_}+|{_}*-{_}*|{_}+){NAME_PART}){{0,5}})")
SUBUNIT = re.compile(r"(?:Ban|Văn\s+phòng|Thường\s+trực|Đảng\s+đoàn|Ban\s+cán\s+sự\s+đảng|Đảng\s+ủy|Đoàn|Tổ|"
                     r"Hội\s+đồng|Chi\s+cục|Phòng|Trung\s+tâm|Cơ\s+quan)\b", I)
PARENT_KINDS = {"council", "people_committee", "party", "mass_org", "steering", "department", "police", "military"}
PAREN = re.compile(r"\s*\([^()\n]{0,200}\)")
CAC = re.compile(r"(?:(?:các|những|tất\s+cả\s+các|toàn\s+bộ|mọi)\s+)", I)
RELATED_TAIL = re.compile(r"\s+(?:có\s+)?liên\s+quan(?![\w])", I)
UNDER_TAIL = re.compile(r"\s+(?:trực\s+thuộc|thuộc)\s+", I)
OF_TAIL = re.compile(r"\s+của\s+(?=\S)", I)


def _scope(mtext: str, pos: int, kind: str) -> Optional[re.Match]:
    if kind == "party":
        return SCOPE_PARTY.match(mtext, pos)
    if kind in ("required", "optional"):
        return SCOPE_ADMIN.match(mtext, pos)
    return None


# a place written right after a name, without `tỉnh`/`thành phố`: `Báo và Phát thanh, Truyền hình Cần Thơ`
BARE_PLACE = re.compile(rf"{_}+(?!(?:{HEADS}|Ủy|UBND|HĐND|Công{_}+an|Các|Đảng|Mặt{_}+trận)\b)"
                        rf"(?-i:{CAP_WORD}(?:{_}+{CAP_WORD}){{1,3}})(?![\w])")


def _vocab_at(mtext: str, pos: int) -> Optional[Mention]:
    m = _alias_rx().match(mtext, pos)
    if not m or not mtext[pos].isupper():
        return None
    entry = vocabulary().get(alias_key(m.group()))
    if entry is None:
        return None
    end, agency = m.end(), entry.agency
    scope = _scope(mtext, end, entry.scope)
    if scope is None and entry.scope == "optional":
        scope = BARE_PLACE.match(mtext, end)
    if scope is None and entry.scope in ("required", "party"):
        return None
    if scope:
        text = _tidy_scope(scope.group())
        agency = replace(agency, name=f"{agency.name} {text}", level=scope_level(text) or agency.level)
        end = scope.end()
    return Mention(pos, end, agency)


def _named_at(mtext: str, pos: int) -> Optional[Mention]:
    m = NAMED.match(mtext, pos)
    if not m:
        return None
    name = " ".join(mtext[m.start():m.end()].split())
    name = name[0].upper() + name[1:]
    end = m.end()
    head = m.group("head").capitalize()
    kind = "department" if head in ("Sở", "Phòng") else "party" if head == "Ban" else "state_agency"
    scope = SCOPE_PARTY.match(mtext, end) or SCOPE_ADMIN.match(mtext, end)
    level = "district" if head == "Phòng" else None
    if scope:
        text = _tidy_scope(scope.group())
        name, end, level = f"{name} {text}", scope.end(), scope_level(text) or level
    elif head == "Ban" and not re.match(r"Ban\s+(?:Quản|Chỉ)", name):
        kind = "state_agency"
    return Mention(pos, end, Agency(name, kind, level or ("province" if head == "Sở" else None)))


def _party_prefixed_at(mtext: str, pos: int) -> Optional[Mention]:
    m = PARTY_PREFIX.match(mtext, pos)
    if not m:
        return None
    inner = _single_at(mtext, m.end(), allow_party=False)
    if inner is None or inner.agency.generic or inner.group:
        return None
    prefix = " ".join(mtext[pos:m.end()].split())
    prefix = prefix[0].upper() + prefix[1:]
    return Mention(pos, inner.end, Agency(f"{prefix} {inner.agency.name}", "party", inner.agency.level))


LIST_GOES_ON = re.compile(r"[ \t]*(?:[,;]|và\b|(?:có[ \t]+)?liên[ \t]+quan\b)", I)


def _group_at(mtext: str, pos: int, continuing: bool = False) -> Optional[Mention]:
    cac = CAC.match(mtext, pos)
    start_word = cac.end() if cac else pos
    m = _group_rx().match(mtext, start_word)
    if not m:
        return None
    group = group_words()[alias_key(m.group())]
    if group.requires_cac and not cac and not (continuing and LIST_GOES_ON.match(mtext, m.end())):
        return None
    if alias_key(m.group()) == "ban" and re.match(r"\s+hành\b", mtext[m.end():m.end() + 6], I):
        return None  # `ban hành` is a verb
    end, related = m.end(), False
    tail = RELATED_TAIL.match(mtext, end)
    if tail:
        end, related = tail.end(), True
    under = UNDER_TAIL.match(mtext, end)
    if under:
        parent = _single_at(mtext, under.end(), allow_party=True)
        if parent and not parent.agency.generic:
            end = parent.end
    scope = SCOPE_PARTY.match(mtext, end) or SCOPE_ADMIN.match(mtext, end)
    if scope:
        end = scope.end()
    of = OF_TAIL.match(mtext, end)
    if of:
        parent = _single_at(mtext, of.end(), allow_party=True)
        if parent and not parent.agency.generic:
            end = parent.end
        elif re.match(r"(?:tỉnh|thành\s+phố|mình)\b", mtext[of.end():of.end() + 12], I):
            end = of.end() + re.match(r"\w+(?:\s+phố)?", mtext[of.end():]).end()
    tail = RELATED_TAIL.match(mtext, end)
    if tail:
        end, related = tail.end(), True
    text = tidy(mtext[pos:end])
    level = scope_level(scope.group()) if scope else group.level
    return Mention(pos, end, Agency(text, group.kind, level, None, group.generic), group.name, related)


def _single_at(mtext: str, pos: int, allow_party: bool = True, continuing: bool = False) -> Optional[Mention]:
    vocab = _vocab_at(mtext, pos)
    found = [m for m in (vocab, None if vocab else _named_at(mtext, pos),
                         _party_prefixed_at(mtext, pos) if allow_party else None,
                         _group_at(mtext, pos, continuing)) if m]
    if not found:
        return None
    best = max(found, key=lambda m: (m.end, m.group is None))
    # a sub-unit named with its parent: `Ban Dân tộc Hội đồng nhân dân tỉnh`, `Văn phòng Ban Chỉ huy ...`
    if not best.group and SUBUNIT.match(best.agency.name):
        m = re.match(r"[ \t]+(?:(?:trực[ \t]+)?thuộc[ \t]+)?(?=\S)", mtext[best.end:best.end + 20], I)
        if m:
            parent = _single_at(mtext, best.end + m.end(), allow_party=False)
            if parent and not parent.group and parent.agency.kind in PARENT_KINDS:
                best = Mention(best.start, parent.end,
                               replace(best.agency, name=f"{best.agency.name} {parent.agency.name}",
                                       level=best.agency.level or parent.agency.level))
    return best


def match_agency(mtext: str, pos: int, continuing: bool = False) -> Optional[Mention]:
    """One agency written at pos (after blanks), or None. A title before it (`Chủ tịch`, `Giám đốc`,
    `Thủ trưởng các`) is part of the mention's span, not of the agency's name."""
    while pos < len(mtext) and mtext[pos] in " \t":
        pos += 1
    title = TITLE.match(mtext, pos)
    inner_pos = title.end() if title else pos
    mention = _single_at(mtext, inner_pos, continuing=continuing)
    if mention is None:
        return None
    end = mention.end
    paren = PAREN.match(mtext, end)
    if paren and not re.match(r"\s*\((?:qua|thông\s+qua)\b", mtext[end:paren.end()], I):
        end = paren.end()  # `Sở Nội vụ (Cơ quan thường trực ...)`: a note on the agency
    return Mention(pos, end, mention.agency, mention.group, mention.related)


SEPARATOR = re.compile(r"\s*[,;/]\s*(?:và\s+|cùng\s+(?:với\s+)?)?|\s+(?:và|cùng(?:\s+với)?)\s+", I)


def match_list(mtext: str, pos: int, subject: bool = False) -> tuple[list[Mention], int]:
    """The agencies written from pos on, separated by `,` `;` `và` `cùng`; and where the list ends.
    As a sentence's subject a group of bodies needs `các` (`Các cơ quan, đơn vị ...`): a bare
    `Cơ quan chủ quản ...`, `Đơn vị chủ trì: ...` is a definition or a label."""
    first = match_agency(mtext, pos)
    if first is None or (subject and first.group and not CAC.match(mtext, first.start)
                         and not TITLE.match(mtext, first.start)):
        return [], pos
    mentions, end = [first], first.end
    while True:
        sep = SEPARATOR.match(mtext, end)
        if not sep:
            break
        nxt = match_agency(mtext, sep.end(), continuing=mentions[-1].group is not None)
        if nxt is None:
            break
        mentions.append(nxt)
        end = nxt.end
    return merge_groups(mtext, mentions), end


def merge_groups(mtext: str, mentions: list[Mention]) -> list[Mention]:
    """Consecutive group words are one body: generic ones merge with each other, collective ones
    within their group (`các huyện ủy, thị ủy, thành ủy` | `ban cán sự đảng, đảng đoàn`)."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev and prev.group and m.group and (
                (prev.agency.generic and m.agency.generic) or prev.group == m.group):
            out[-1] = Mention(prev.start, m.end, prev.agency, prev.group, prev.related or m.related)
        else:
            out.append(m)
    return [_finish_group(mtext, m) if m.group else m for m in out]


def _finish_group(mtext: str, m: Mention) -> Mention:
    if m.agency.generic and m.related:
        return replace(m, agency=replace(m.agency, name=RELATED))
    text = tidy(mtext[m.start:m.end])
    text = TITLE.sub("", text)
    if not CAC.match(text):
        text = "các " + text
    text = text[0].lower() + text[1:]
    return replace(m, agency=replace(m.agency, name=text))
