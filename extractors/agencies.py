"""Agencies that documents give duties to: their mentions in running text and lists of them.

`match_list(text, pos)` reads the agencies written at pos (`Sở Tài chính, Sở Nội vụ và Ủy ban nhân dân các
xã`) and returns one Mention per agency; `match_agency` reads one. The names come from the one
organisation-name grammar (extractors/orgnames.read_org), which the header and the citations read too:
a known body takes its vocabulary name (`Sở LĐ-TB&XH` -> `Sở Lao động - Thương binh và Xã hội`), any other
body its name as written with its scope (`Chi cục Bảo vệ môi trường`, `Ủy ban nhân dân các huyện, thị xã,
thành phố`). Group words in a row are one generic body, kept as written (`các sở, ban, ngành có liên
quan`, `các doanh nghiệp viễn thông`); a title before a body (`Giám đốc Sở Y tế`) is part of the mention's
span, not of the agency's name, and so is a note in brackets after it (`Sở Nội vụ (Cơ quan thường trực)`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Optional

from extractors.orgnames import alias_key, group_words, read_org, vocabulary  # noqa: F401 (vocabulary API)

__all__ = ["Agency", "Mention", "alias_key", "group_words", "known_agencies", "match_agency", "match_list", "may_lead",
           "vocabulary"]
from pipeline.textutil import fold

I = re.IGNORECASE


@dataclass(frozen=True)
class Agency:
    name: str
    kind: Optional[str] = None
    level: Optional[str] = None
    successor: Optional[str] = None
    generic: bool = False

    @cached_property  # asked for each row and each comparison of an assignment's agencies
    def key(self) -> str:
        return fold(self.name)


@dataclass(frozen=True)
class Mention:
    start: int  # the mention: a title before the name and a note after it included
    end: int
    agency: Agency
    group: Optional[str] = None  # the group-word group, for merging lists of group words
    related: bool = False  # `có liên quan`: an unspecified related body
    name_start: int = -1  # the body's name as written: text[name_start:name_end]
    name_end: int = -1


def known_agencies() -> list[Agency]:
    """The vocabulary's agencies, in file order (the agencies table is seeded with them)."""
    seen, out = set(), []
    for entry in vocabulary().values():
        if entry.name not in seen:
            seen.add(entry.name)
            out.append(Agency(entry.name, entry.kind, entry.level, entry.successor))
    return out


PAREN = re.compile(r"[ \t]*\([^()\n]{0,200}\)")
UNDER = re.compile(r"[ \t]+(?:trực[ \t]+)?thuộc[ \t]+(?=\w)", I)


def match_agency(text: str, pos: int, continuing: bool = False) -> Optional[Mention]:
    """One agency written at pos (after blanks), or None. `continuing`: inside a list that `các` began."""
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    org = read_org(text, pos, continuing=continuing)
    if org is None:
        return None
    end = org.end
    under = UNDER.match(text, end)
    if under and not org.generic:
        parent = read_org(text, under.end(), groups=False)
        if parent is not None:
            end = parent.end  # `Chi cục Bảo vệ môi trường thuộc Sở ...`: the parent is part of the mention, not the name
    paren = PAREN.match(text, end)
    if paren and not re.match(r"\s*\((?:qua|thông\s+qua)\b", text[end:paren.end()], I):
        end = paren.end()  # `Sở Nội vụ (Cơ quan thường trực ...)`: a note on the agency
    agency = Agency(org.name, org.kind, org.level, org.successor, org.generic)
    return Mention(org.start, end, agency, org.group, org.related, org.name_start, org.end)


SEPARATOR = re.compile(r"[ \t]*[,;/][ \t]*(?:và[ \t]+|cùng[ \t]+(?:với[ \t]+)?)?|[ \t]+(?:và|cùng(?:[ \t]+với)?)[ \t]+", I)
CAC = re.compile(r"(?:các|những|tất\s+cả\s+các|toàn\s+bộ|mọi)\s+", I)


def match_list(text: str, pos: int, subject: bool = False) -> tuple[list[Mention], int]:
    """The agencies written from pos on, separated by `,` `;` `và` `cùng`; and where the list ends.
    As a sentence's subject a group of bodies needs `các` (`Các cơ quan, đơn vị ...`): a bare
    `Cơ quan chủ quản ...`, `Đơn vị chủ trì: ...` is a definition or a label."""
    first = match_agency(text, pos)
    if first is None or (subject and not may_lead(text, first)):
        return [], pos
    mentions, end = [first], first.end
    while True:
        sep = SEPARATOR.match(text, end)
        if not sep:
            break
        nxt = match_agency(text, sep.end(), continuing=mentions[-1].group is not None)
        if nxt is None:
            break
        mentions.append(nxt)
        end = nxt.end
    out = []
    for m in merge_groups(text, mentions):
        out.append(m)
        out.extend(_named_inside(text, m))
    return out, end


def may_lead(text: str, first: Mention) -> bool:
    """Whether the first body of a list may be a sentence's subject: a group of bodies needs `các`. (The first
    mention match_list returns keeps the first body's group and start, so this may be asked of it afterwards.)"""
    return not first.group or bool(CAC.match(text, first.name_start))


NAMING = re.compile(r"[ \t]*\([ \t]*(?:cụ[ \t]+thể|gồm|bao[ \t]+gồm)[ \t]*:?[ \t]*", I)


def _named_inside(text: str, m: Mention) -> list[Mention]:
    """The bodies a note in brackets names after a group: `các sở, ngành (cụ thể: Sở Tài chính, Sở Y tế)`.
    (No document of ../shared/corpus writes it; the form is the issue's, from documents of other sources.)"""
    note = NAMING.match(text, m.name_end, m.end)
    if note is None:
        return []
    inner, _ = match_list(text[:m.end - 1], note.end())
    return inner


def merge_groups(text: str, mentions: list[Mention]) -> list[Mention]:
    """Consecutive group words are one body: generic ones merge with each other, collective ones
    within their group (`các huyện ủy, thị ủy, thành ủy` | `ban cán sự đảng, đảng đoàn`)."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        # `;` separates bodies, and a title starts a new one (`các tổ chức thành viên, Thủ trưởng sở, ban, ngành`)
        apart = ";" in text[prev.end:m.start] if prev else True
        if prev and prev.group and m.group and not apart and m.name_start == m.start and (
                (prev.agency.generic and m.agency.generic) or prev.group == m.group):
            out[-1] = Mention(prev.start, m.end, prev.agency, prev.group, prev.related or m.related,
                              prev.name_start, m.name_end)
        else:
            out.append(m)
    return [_finish_group(text, m) if m.group else m for m in out]


def _finish_group(text: str, m: Mention) -> Mention:
    """A group's name is its words as written (`các sở, ban, ngành có liên quan`), a capital that only starts
    the sentence lowered."""
    name = " ".join(text[m.name_start:m.name_end].replace("_", " ").split())
    name = re.sub(r"\s+([,;/)])", r"\1", name)
    if name[:1].isupper() and name[1:2].islower():
        name = name[0].lower() + name[1:]
    return replace(m, agency=replace(m.agency, name=name))
