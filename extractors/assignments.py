"""Assignments (phân công): who leads, who supports, who carries out each duty, and by when.

A duty unit is a stretch of text with the agencies it binds (its subjects). Units come from:
- list items that start with agencies: `1. Sở Y tế: Chủ trì, phối hợp ...`, `2. Giao Công an tỉnh ...`,
  `4. Ủy ban nhân dân các xã` over its sub-items; an item written as a sentence (`Ban Tuyên giáo
  Tỉnh ủy chủ trì, ...`) too;
- cue words anywhere: `Giao X ...`, `Đề nghị X ...`, `Yêu cầu X ...` (the rest of the sentence);
- labels: `Cơ quan chủ trì: X`, `Đơn vị phối hợp: Y`, `Đơn vị thực hiện: Z` (the item's task);
- in implementation sections (and documents without sections): sentences whose subject is an agency
  (`Sở Tài chính chủ trì ...`, `Ủy ban nhân dân các xã tăng cường ...`).
Roles: `lead` when the unit says chủ trì / đầu mối, `support` when it starts with phối hợp, else
`implement`; the agencies after `phối hợp (với)` inside a unit are `support` rows of their own.
Tasks in the objectives, purpose, situation and basis sections are not read: they describe goals and
the past. The issuer itself (`Ủy ban nhân dân tỉnh đề nghị ...`) is never an assignee.
A dated deadline inside the unit's item or sentence is tied to its rows.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import Iterator, Optional, Sequence

from extractors.agencies import Mention, match_list, may_lead
from extractors.orgnames import is_unspecified, may_start, title_at
from extractors.base import DocView, caseless
from extractors.tables import task_rows
from extractors.textscan import (LOW_WORD, alternatives, content_start, FirstWords, match_text, matches_at, own_end,
                                 sentence_span, trim)
from pipeline.textutil import fold
from schemas import Assignment, Deadline, Section

I = re.IGNORECASE
SKIP_KINDS = {"basis", "situation", "objectives", "purpose"}
SUBJECT_KINDS = frozenset({"implementation", "reporting", "funding", "other", None})

# The verbs that give the body after them a duty (the prefilter CUE_WORD is made from them)
CUE_VERBS = ("Giao", "Đề nghị", "Yêu cầu")
CUE = re.compile(rf"(?P<cue>\b(?:{alternatives(CUE_VERBS)}))(?:\s*:)?(?:\s+(?:cho|nhiệm\s+vụ(?:\s+cho)?))?\s+(?=\S)", I)
# `bàn giao`, `được giao`, `chuyển giao`: giao not as a command
NOT_CUE_BEFORE = re.compile(r"(?:bàn|được|chuyển|phân|đã|nhận|bố|thu|tiếp|theo)\s+$", I)
# `hiệp y và đề nghị Ủy ban nhân dân cùng cấp quyết định`, `theo dõi, hỗ trợ và đề nghị các cơ quan Trung ương`: a cue
# joined to other verbs is one step of a body's task; its object is given a duty only when the issuer is the one
# asking (`Hội đồng nhân dân tỉnh thống nhất ... và yêu cầu Ủy ban nhân dân tỉnh ...`)
JOINED_CUE = re.compile(r"\b(?:và|hoặc)\s+$", I)
# `Cơ quan chủ trì: X`, `Đơn vị phối hợp: Y`, `Chủ trì: Z`, and any duty a label names (`Đơn vị thu: Chi cục ...`,
# `Cơ quan thẩm định: ...`: implement), at a line start or after a dash the line was joined at; not the labels that
# name no duty (`Đơn vị tính:`, `Cơ quan chủ quản:`).
_LABEL_DASHES = "-–"  # the dashes a label may open after (LABEL_AT is made from them)
LABEL = re.compile(
    rf"(?:^[ \t]*(?:[-+•]\s*)?(?:[a-zđ]\)\s*)?|(?<=\s)[{_LABEL_DASHES}]\s+)"
    r"(?:(?:(?:Cơ\s+quan|Đơn\s+vị)(?:\s*,\s*(?:đơn\s+vị|cơ\s+quan))?\s+)?"
    r"(?P<role>chủ\s+trì|phối\s+hợp|thực\s+hiện|đầu\s+mối)(?:\s+(?:tham\s+mưu|thực\s+hiện|triển\s+khai|chính))*"
    rf"|(?:Cơ\s+quan|Đơn\s+vị)\s+(?!(?:tính|chủ\s+quản|ban\s+hành|nhận|có|liên\s+quan|cấp\s+trên|trực\s+thuộc)\b)"
    rf"(?P<duty>{LOW_WORD}(?:[ \t]+{LOW_WORD}){{0,2}}))[ \t]*:[ \t]*",
    I | re.MULTILINE)
TASK_LABEL = re.compile(r"(?:Nhiệm\s+vụ|Nội\s+dung(?:\s+thực\s+hiện)?)\s*:\s*", I)
LABEL_ROLE = {"chủ trì": "lead", "đầu mối": "lead", "phối hợp": "support", "thực hiện": "implement"}
# `đầu mối` is a role only when the agency is it (`làm đầu mối`, `là cơ quan đầu mối`): `cử đầu mối cấp xã` names people.
LEAD = re.compile(r"(?<!cơ quan )(?<!đơn vị )\bchủ\s+trì\b|(?:\b(?:làm|là|giữ\s+vai\s+trò|đóng\s+vai\s+trò)\s+(?:cơ\s+quan\s+)?|^\W*)đầu\s+mối\b", I)
# a word every LEAD match holds, on the lowercase copy (base.caseless): where neither is, LEAD is not looked for
# (_leads; tests/test_assignments.py checks the pair)
LEAD_WORD = re.compile("trì|mối")
SUPPORT_START = re.compile(r"\W*(?:(?:[a-zđ]\)|\d+(?:\.\d+)*\.?)\s*)?(?:(?:tham\s+gia|chủ\s+động|tích\s+cực|có\s+trách\s+nhiệm|"
                           r"thường\s+xuyên|tiếp\s+tục|kịp\s+thời)\s+)*phối\s+hợp\b", I)
COAGENCY = re.compile(r"\bphối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+(?:với|cùng))?\s+(?=\S)", I)
INTRO = re.compile(r"^[\s:]*(?:cụ\s+thể\s+)?(?:như\s+sau|có\s+ý\s+kiến)", I)
# after a subject, words that show it is not acting: `Ủy ban nhân dân tỉnh về ...`, `... đã ban hành`
NOT_VERB = re.compile(r"^\s*(?:về|tại|của|đối|theo|trong|và|là|được|đã|số|ngày|năm|thì|như|qua|để|với|đến|do|thuộc)\b", I)
NOT_VERB_ITEM = re.compile(r"^\s*(?:về|tại|của|là|được|đã|số|ngày|năm|như|do|thuộc)\b", I)
# sections that define who a text applies to, not who must act; and, in a decision on a body's functions (the
# template of such decisions: Vị trí và chức năng / Nhiệm vụ và quyền hạn / Cơ cấu tổ chức), the sections that
# describe the body and list its internal units; the powers of a body a decision sets up (`Quyền hạn của Ban Chỉ đạo`:
# `Yêu cầu các Bộ ... cung cấp thông tin` is what the body may ask, not a duty the decision gives)
SCOPE_TITLE = re.compile(r"phạm\s+vi|đối\s+tượng|giải\s+thích\s+từ\s+ngữ|nguyên\s+tắc|cơ\s+cấu\s+tổ\s+chức|"
                         r"vị\s+trí(?:\s*,|\s+và)\s+chức\s+năng|biên\s+chế|^quyền\s+hạn\b", I)
# `Chủ tịch Ủy ban nhân dân Thành phố đề nghị ...`: the issuer speaking, not a body given a duty
SPEAKS = re.compile(r"^\s*(?:đề\s+nghị|yêu\s+cầu|giao|có\s+ý\s+kiến|quyết\s+định|ban\s+hành)\b", I)
# `4. Các cơ sở nuôi trồng thủy sản:`, `7. Các doanh nghiệp hoạt động trong lĩnh vực ... trên địa bàn Tỉnh` (a heading
# line): a group word with its qualifier, up to the item's colon or the end of its heading line
QUALIFIER = re.compile(r"[ \t]+(?P<q>[^\n:;.]{1,160}?)[ \t]*(?::|\n|$)")
DUTY_WORD = re.compile(r"\b(?:chủ\s+trì|phối\s+hợp|tham\s+mưu|thực\s+hiện|triển\s+khai|chịu\s+trách\s+nhiệm|có\s+trách\s+nhiệm)\b", I)
# a clause that opens with these leads to its subject after the first comma
OPENER = re.compile(r"(?:Trên\s+cơ\s+sở|Căn\s+cứ|Sau\s+khi|Đồng\s+thời|Ngoài\s+ra)\b[^,;.\n]{0,120},\s*", I)
# words that may stand between a clause start and its verb `phối hợp`
PRE_VERB = re.compile(r"(?:\W|chủ\s+trì|chủ\s+động|tích\s+cực|tăng\s+cường|thường\s+xuyên|tiếp\s+tục|có\s+trách\s+nhiệm|"
                      r"trực\s+tiếp|cùng|đồng\s+thời|và|tham\s+gia|kịp\s+thời|chặt\s+chẽ|\s)*$", I)
_STOPS = ".;!?:"  # besides a line break, what a sentence (SENTENCE_START) opens after; SENTENCE_STOP is made from them
SENTENCE_START = re.compile(rf"(?:^|(?<=[{_STOPS}])|(?<=\n))[ \t]*(?:[-+•]\s*|[a-zđ]\)\s*|\d+(?:\.\d+)*\.?\s+)?(?=\S)", re.MULTILINE)
# Where the matches of the patterns scanned over a whole body or duty can begin: tried there only
# (textscan.matches_at), the engine does not try them at every character (an IGNORECASE word, a lookbehind or an
# alternation that opens a pattern admits no fast scan). Words are found on the lowercase copy (base.caseless).
# Each is made from its pattern's words or characters where they are a list; tests/test_assignments.py checks every
# pair (the scans below against finditer) on the corpus and on strings each pattern matches.
CUE_WORD = FirstWords(CUE_VERBS)
LABEL_AT = re.compile(rf"\n|[{_LABEL_DASHES}]")  # LABEL opens at a line start or at a dash
SENTENCE_STOP = re.compile(rf"[{_STOPS}\n]")  # SENTENCE_START opens after one, or at the text's start
COAGENCY_WORD = re.compile("phối")


def _cues(mtext: str, lo: int, hi: int) -> Iterator[re.Match]:
    """CUE.finditer(mtext, lo, hi)."""
    return matches_at(CUE, CUE_WORD.starts(caseless(mtext), lo, hi), mtext, lo, hi)


def _labels(mtext: str, lo: int, hi: int) -> Iterator[re.Match]:
    """LABEL.finditer(mtext, lo, hi)."""
    starts = ([0] if lo == 0 else []) + [m.end() if m.group() == "\n" else m.start()
                                         for m in LABEL_AT.finditer(mtext, max(lo - 1, 0), hi)]
    return matches_at(LABEL, starts, mtext, lo, hi)


def _sentence_starts(mtext: str, lo: int, hi: int) -> Iterator[re.Match]:
    """SENTENCE_START.finditer(mtext, lo, hi): its matches at distinct offsets, the empty ones too (one at an offset
    is its only match there)."""
    starts = ([0] if lo == 0 else []) + [m.end() for m in SENTENCE_STOP.finditer(mtext, max(lo - 1, 0), hi)]
    return matches_at(SENTENCE_START, starts, mtext, lo, hi)


def _coagencies(mtext: str, lo: int, hi: int) -> Iterator[re.Match]:
    """COAGENCY.finditer(mtext, lo, hi)."""
    return matches_at(COAGENCY, [m.start() for m in COAGENCY_WORD.finditer(caseless(mtext), lo, hi)], mtext, lo, hi)


def _leads(mtext: str, lo: int, hi: int) -> Iterator[re.Match]:
    """LEAD.finditer(mtext, lo, hi); LEAD's look-behinds at every offset cost, most duties hold neither LEAD_WORD."""
    return LEAD.finditer(mtext, lo, hi) if LEAD_WORD.search(caseless(mtext), lo, hi) else iter(())


@dataclass
class Unit:
    subjects: list[Mention]
    task: tuple[int, int]   # the duty's text
    scope: tuple[int, int]  # where a tied deadline may be
    role: Optional[str] = None  # set by a label
    duty: Optional[tuple[int, int]] = None  # where the role and partners are read, when not the task (a label's clause)


def extract(view: DocView, *, deadlines: Sequence[Deadline]) -> Iterator[Assignment]:
    """`deadlines`: the deadline extractor's facts of this document (a dated one ties to the duty around it)."""
    text, mtext = view.text, match_text(view.text)
    issuer = fold(view.document.issuer) if view.document.issuer else None
    deadlines = Deadlines(d for d in deadlines if d.date)
    rows: dict[tuple[int, str, int], Assignment] = {}
    groups: dict[tuple[str, str | None], tuple[int, str, int]] = {}  # a generic body's row in an item
    for unit in units(view, mtext):
        for mention, role, task in rows_of(view, unit, mtext):
            key = (mention.start, role, mention.end)  # one row per span and role, whatever units read it
            if _is_issuer(mention, issuer, view.document.issuer) or key in rows:
                continue
            if mention.agency.generic:
                if role == "support" and is_unspecified(mention.agency.name):
                    continue  # `phối hợp: các đơn vị liên quan` names no one in particular
                # a group of bodies is named once per item, in its strongest role (`Các sở, ban, ngành`
                # over bullets: phối hợp ..., hỗ trợ ..., chủ trì ...)
                item = view.section_at(mention.start)
                gkey = (mention.agency.key, item.path if item else None)
                if gkey in groups:
                    prev = groups[gkey]
                    if _STRENGTH[role] <= _STRENGTH[prev[1]]:
                        continue
                    del rows[prev]
                groups[gkey] = key
            rows[key] = _row(view, text, mention, role, task, unit.scope, deadlines)
    yield from sorted(rows.values(), key=lambda a: (a.span[0], a.role))


_STRENGTH = {"lead": 2, "implement": 1, "support": 0}


def units(view: DocView, mtext: str) -> Iterator[Unit]:
    taken: set[int] = set()
    for unit in table_units(view, mtext):
        taken.update(m.start for m in unit.subjects)
        yield unit
    for unit in item_units(view, mtext):
        taken.update(m.start for m in unit.subjects)
        yield unit
    labelled: list[tuple[int, int]] = []  # the tasks of items whose labels name their doers
    for unit in label_units(view, mtext):
        taken.update(m.start for m in unit.subjects)
        labelled.append(unit.task)
        yield unit
    for unit in cue_units(view, mtext):
        # `Cơ quan thực hiện: Sở X` under `... kiểm tra, đề nghị các doanh nghiệp thực hiện ...`: the cue is what the
        # labelled doer does, its object is not given the duty by the text
        if any(lo <= unit.subjects[0].start < hi for lo, hi in labelled):
            continue
        if not any(m.start in taken for m in unit.subjects):
            taken.update(m.start for m in unit.subjects)
            yield unit
    for unit in subject_units(view, mtext):
        if not any(m.start in taken for m in unit.subjects):
            yield unit


def _allowed(view: DocView, offset: int, kinds: frozenset | None = None) -> bool:
    lo, hi = view.body
    if not lo <= offset < hi:
        return False
    # the answer depends on the offset only through the sections around it: once per section (and kinds)
    memo = view.memo.setdefault("assignments.allowed", {})
    key = (view.section_key(offset), kinds)
    allowed = memo.get(key)
    if allowed is None:
        allowed = memo[key] = _allowed_in(view, offset, kinds)
    return allowed


def _allowed_in(view: DocView, offset: int, kinds: frozenset | None) -> bool:
    kind = view.kind_at(offset)
    if kind in SKIP_KINDS or (kinds is not None and kind not in kinds):
        return False
    chain = view.ancestors_at(offset)
    # a section's title and own text are matched once per document, not per candidate under it
    memo = view.memo.setdefault("assignments.section_blocked", {})
    for sec in chain:
        blocked = memo.get(id(sec))
        if blocked is None:
            blocked = memo[id(sec)] = bool(sec.title and SCOPE_TITLE.search(sec.title)) or _introduces_members(view.text, sec)
        if blocked:
            return False
    if not chain:
        return True
    roles = view.memo.setdefault("assignments.member_role", {})
    item = chain[-1]
    role = roles.get(id(item))
    if role is None:
        role = roles[id(item)] = _ends_with_member_role(view.text, item)
    return not role


# A decision setting up a steering committee or working group lists its members by office (`Trưởng ban: Phó Chủ tịch
# ...`, `- Bộ trưởng Bộ Y tế;`, `Ông X, Giám đốc Sở Y tế - Thành viên`): a member is named, no duty is given.
# The sentence forms open with `gồm` or `thành` (looked for on the lowercase copy: see CUE_WORD), the line form at a line
# start; each is looked for apart.
MEMBERS_SAID = re.compile(
    r"\bgồm\s+(?:có\s+)?(?:các\s+)?(?:thành\s+viên|ông\s*(?:,|/)\s*bà|đồng\s+chí)\b|\bthành\s+phần\s+(?:gồm|như\s+sau)\b", I)
MEMBERS_WORD = re.compile("gồm|thành")
MEMBERS_LINE = re.compile(
    r"^[^\w\n]*(?:\d+\.\s*)?(?:(?:Phó\s+)?Trưởng\s+ban|Tổ\s+(?:trưởng|phó)|(?:Các\s+)?(?:Ủy|Uỷ)\s+viên|(?:Các\s+)?Thành\s+viên)"
    r"\b[^:\n]{0,100}:", I | re.MULTILINE)
MEMBER_ROLE = re.compile(r"[-–,]\s*(?:Phó\s+)?(?:Trưởng\s+ban|Tổ\s+trưởng|Tổ\s+phó|Thành\s+viên|Ủy\s+viên|Uỷ\s+viên|Thư\s+ký)"
                         r"(?:\s+(?:thường\s+trực|Ban\s+Chỉ\s+đạo|Tổ\s+công\s+tác))?\s*[;.]?\s*$", I)


# An offset is in a list of members when a section above it (or its own) introduces members, or its item ends
# with the member's role in the body (`- Thành viên`).
def _introduces_members(text: str, sec: Section) -> bool:
    lo, hi = sec.span[0], own_end(sec)
    if MEMBERS_LINE.search(text, lo, hi):
        return True
    return next(_members_said(text, lo, hi), None) is not None


def _members_said(text: str, lo: int, hi: int) -> Iterator[re.Match]:
    """MEMBERS_SAID.finditer(text, lo, hi)."""
    return matches_at(MEMBERS_SAID, [m.start() for m in MEMBERS_WORD.finditer(caseless(text), lo, hi)], text, lo, hi)


def _ends_with_member_role(text: str, item: Section) -> bool:
    return bool(MEMBER_ROLE.search(text[item.span[0]:own_end(item)].rstrip()))


def _agencies(view: DocView, mtext: str, pos: int, subject: bool = False) -> tuple[list[Mention], int]:
    """agencies.match_list at pos, read once per document: the unit readers (items, cues, labels, sentences,
    table cells, partners after `phối hợp`) try many of the same places."""
    memo = view.memo.setdefault("assignments.agencies", {})
    found = memo.get(pos)
    if found is None:
        found = memo[pos] = match_list(mtext, pos)
    mentions, end = found
    if not mentions or (subject and not may_lead(mtext, mentions[0])):
        return [], pos
    return list(mentions), end  # a copy: readers edit their list (an item's qualifier)


# --- where units come from -------------------------------------------------------------------------

def item_units(view: DocView, mtext: str) -> Iterator[Unit]:
    """List items that start with (Giao / Đề nghị +) agencies."""
    for sec in view.sections:
        start = content_start(mtext, sec)
        pos = start
        cue = CUE.match(mtext, pos)
        if cue:
            pos = cue.end()
        if not may_start(mtext, pos) or not _allowed(view, start):
            continue  # the look-up first: most items start with no name
        subjects, end = _agencies(view, mtext, pos, subject=not cue)
        if not cue:
            subjects = [m for m in subjects if not _is_fund(m)]
        if not subjects:
            continue
        rest_end = own_end(sec)
        qualifier = QUALIFIER.match(mtext, end, rest_end)
        if qualifier and subjects[-1].group and not subjects[-1].related and not DUTY_WORD.search(qualifier.group("q")):
            last = subjects[-1]
            name = f"{last.agency.name} {' '.join(qualifier.group('q').split())}"
            subjects[-1] = replace(last, end=qualifier.end("q"), agency=replace(last.agency, name=name))
            end = qualifier.end("q")
        after = mtext[end:rest_end]
        if INTRO.match(after):
            continue
        delim = re.match(r"[ \t]*(?::|\n|$)", after)
        if delim:  # `Sở Y tế: ...` or a title line: the duties follow, inline or as sub-items
            body_start = end + delim.end()
            inline = trim(mtext, body_start, rest_end)
            if inline[1] > inline[0] or not sec.children:
                yield Unit(subjects, trim(mtext, body_start, sec.span[1]), sec.span)
            else:
                for child in sec.children:
                    c0 = content_start(mtext, child)
                    yield Unit(subjects, trim(mtext, c0, child.span[1]), child.span)
        elif cue or not (NOT_VERB_ITEM.match(after) or SPEAKS.match(after)):  # `Ban Tuyên giáo Tỉnh ủy chủ trì, ...`
            yield Unit(subjects, trim(mtext, end, sec.span[1]), sec.span)


def cue_units(view: DocView, mtext: str) -> Iterator[Unit]:
    """`Giao X ...`, `đề nghị X ...`, `Yêu cầu X ...` inside a sentence: the rest of the sentence."""
    lo, hi = view.body
    for cue in _cues(mtext, lo, hi):
        if not _allowed(view, cue.start()) or NOT_CUE_BEFORE.search(mtext[max(lo, cue.start() - 12):cue.start()]):
            continue
        subjects, end = _agencies(view, mtext, cue.end(), subject=True)
        if not subjects:
            continue
        s_lo, s_hi = sentence_span(mtext, cue.start(), lo, hi)
        if JOINED_CUE.search(mtext[max(s_lo, cue.start() - 8):cue.start()]) and not _issuer_speaks(view, mtext, s_lo):
            continue
        if INTRO.match(mtext[end:s_hi]):
            continue
        sec = view.section_at(cue.start())
        item_hi = sec.span[1] if sec else s_hi
        if re.match(r"[ \t]*(?::|\n)", mtext[end:end + 3]):  # a cue line over the item's duties
            yield Unit(subjects, trim(mtext, end, item_hi), (s_lo, item_hi))
        else:
            yield Unit(subjects, trim(mtext, end, s_hi), _to_item_end(view, s_lo, s_hi))


ARTICLE_START = re.compile(r"Điều\s+\d+\s*[.:]\s*")


def _issuer_speaks(view: DocView, mtext: str, s_lo: int) -> bool:
    """The sentence at s_lo opens with the issuer as its subject."""
    start = SENTENCE_START.match(mtext, s_lo)
    pos = start.end() if start else s_lo
    article = ARTICLE_START.match(mtext, pos)
    named, _ = _agencies(view, mtext, article.end() if article else pos)
    issuer = fold(view.document.issuer) if view.document.issuer else None
    return bool(named) and _is_issuer(named[0], issuer, view.document.issuer)


def _to_item_end(view: DocView, s_lo: int, s_hi: int) -> tuple[int, int]:
    """A sentence's deadline scope: to the end of its paragraph, or of its list item (`Thời gian hoàn thành
    ...` often closes the item); a Roman-numbered part is too large to count as one item."""
    nl = view.text.find("\n", s_hi)
    end = max(s_hi, view.body[1] if nl == -1 else min(nl, view.body[1]))
    sec = view.section_at(s_lo)
    if sec and sec.marker not in ("roman", "article"):
        end = max(end, sec.span[1])
    return s_lo, end


def label_units(view: DocView, mtext: str) -> Iterator[Unit]:
    """`Cơ quan chủ trì: Sở Tư pháp.` / `Đơn vị phối hợp: ...`: roles of the item's task."""
    lo, hi = view.body
    for m in _labels(mtext, lo, hi):
        if not _allowed(view, m.start()):
            continue
        sec = _labelled_item(view, mtext, m.start())
        task = _item_task(mtext, sec, m.start()) if sec else trim(mtext, *sentence_span(mtext, m.start(), lo, hi))
        scope = sec.span if sec else sentence_span(mtext, m.start(), lo, hi)
        role = LABEL_ROLE[" ".join(m.group("role").lower().split())] if m.group("role") else "implement"
        # the label's line may go on in clauses with subjects of their own: `Cơ quan thực hiện: Sở Nội vụ chủ trì
        # tham mưu ...; Sở Tư pháp và ... chủ động tổ chức triển khai ...`
        line_end = mtext.find("\n", m.end(), hi)
        line_end = hi if line_end == -1 else line_end
        pos = m.end()
        while pos < line_end:
            subjects, end = _agencies(view, mtext, pos)
            semi = mtext.find(";", max(end, pos), line_end)
            clause_end = line_end if semi == -1 else semi
            duty = trim(mtext, end, clause_end)
            if subjects and (duty[1] > duty[0] or pos == m.end()):
                explicit = _explicit_role(mtext, *duty)
                yield Unit(subjects, task, scope, explicit or role, duty if duty[1] > duty[0] else None)
            elif not subjects and pos == m.end():
                break
            # a later clause of bodies alone (`...phối hợp với Liên đoàn Lao động tỉnh; các sở, ngành liên quan; Ủy ban
            # nhân dân các huyện`) goes on with the partners of the clause before it, which read them
            pos = clause_end + 1


def _labelled_item(view: DocView, mtext: str, label_at: int) -> Section | None:
    """The item a label belongs to. `- Cơ quan thực hiện: X` is a bullet of its own under the numbered
    item that states the duty: the labels describe that item, not the bullet."""
    chain = view.ancestors_at(label_at)
    while len(chain) > 1 and chain[-1].marker in ("dash", "plus") and LABEL.match(mtext, chain[-1].span[0]):
        chain.pop()
    return chain[-1] if chain else None


def _item_task(mtext: str, sec: Section, label_at: int) -> tuple[int, int]:
    """The duty an item's labels refer to: its `Nhiệm vụ:` text, else its text before the labels."""
    task_label = None
    for t in TASK_LABEL.finditer(mtext, sec.span[0], label_at):
        task_label = t
    if task_label:
        end = LABEL.search(mtext, task_label.end(), sec.span[1])
        return trim(mtext, task_label.end(), end.start() if end else sec.span[1])
    start = content_start(mtext, sec)
    first_label = LABEL.search(mtext, start, sec.span[1])
    stop = first_label.start() if first_label else label_at
    span = trim(mtext, start, stop)
    if span[1] <= span[0] and sec.title:
        return trim(mtext, start, start + len(sec.title))
    return span


def subject_units(view: DocView, mtext: str) -> Iterator[Unit]:
    """Sentences whose subject is an agency, in implementation sections and sectionless documents."""
    lo, hi = view.body
    for m in _sentence_starts(mtext, lo, hi):
        pos = m.end()
        if pos >= hi:
            continue
        opener = OPENER.match(mtext, pos)
        # most sentences start with no name: the look-up first, the section checks only where one may start
        ats = [at for at in ((pos, opener.end()) if opener else (pos,)) if may_start(mtext, at)]
        if not ats or not _allowed(view, pos, SUBJECT_KINDS):
            continue
        if LABEL.match(mtext, m.start()) or LABEL.match(mtext, pos):
            continue
        for at in ats:
            subjects, end = _agencies(view, mtext, at, subject=True)
            if not subjects:
                continue
            s_lo, s_hi = sentence_span(mtext, at, lo, hi)
            after = mtext[end:s_hi]
            if NOT_VERB.match(after) or SPEAKS.match(after) or INTRO.match(after) or not re.match(r"\s+\w", after):
                continue
            subjects = [m for m in subjects if not _is_fund(m)]
            if subjects:
                yield Unit(subjects, trim(mtext, end, s_hi), _to_item_end(view, s_lo, s_hi))


# --- tables: read by column role in extractors.tables -----------------------------------------------

def table_units(view: DocView, mtext: str) -> Iterator[Unit]:
    """Rows of task tables: the agencies of the chủ trì / phối hợp / thực hiện columns, with the row's task;
    a deadline is tied from the row's time cell (a merged time cell is each of its rows')."""
    regions = view.regions()
    for row in task_rows(view):
        if not any(lo <= row.span[0] < hi for lo, hi in regions):
            continue
        task = (row.task.start, row.task.end) if row.task else row.span
        scope = (row.time.start, row.time.end) if row.time else row.span
        for role, cells in row.agencies.items():
            for cell in cells:
                subjects = _cell_agencies(view, mtext, (cell.start, cell.end))
                if subjects:
                    yield Unit(subjects, task, scope, role)


CELL_RESTART = re.compile(r"[;,]\s*|\s+(?=(?:Sở|Ban|Bộ|Ủy|UBND|Công\s+an|Văn\s+phòng|Trung\s+tâm|Hội|Đài|Báo|Các)\b)")


def _cell_agencies(view: DocView, mtext: str, cell: tuple[int, int]) -> list[Mention]:
    """Every agency in a cell, even where a comma is missing (`Sở Khoa học và Công nghệ Sở Công Thương`)."""
    out, pos = [], cell[0]
    while pos < cell[1]:
        mentions, end = _agencies(view, mtext, pos)
        if not mentions:
            nxt = CELL_RESTART.search(mtext, pos + 1, cell[1])
            if not nxt:
                break
            pos = nxt.end()
            continue
        out.extend(m for m in mentions if m.end <= cell[1])
        pos = end
    return out


# --- rows of a unit --------------------------------------------------------------------------------

def rows_of(view: DocView, unit: Unit, mtext: str) -> Iterator[tuple[Mention, str, tuple[int, int]]]:
    """The rows of a unit: each subject in every role its duty gives it (a sentence that says chủ trì gives
    lead, one that starts with phối hợp support, any other duty implement), and each body named after
    `phối hợp (với)` support. A body the unit's heading lists and its text names as a partner (`2. Sở A, Sở B`
    / `Sở A chủ trì, phối hợp với Sở B`) takes the partner's role only; a group that names no one in
    particular (`phối hợp với các đơn vị liên quan`) gives no row."""
    t0, t1 = unit.duty or unit.task
    co_spans: list[tuple[int, int]] = []
    co_rows = []
    for co in _coagencies(mtext, t0, t1):
        clause_start = max(t0, max(mtext.rfind(c, t0, co.start()) for c in ",;:.\n") + 1)
        if not PRE_VERB.match(mtext[clause_start:co.start()]):
            named, named_end = _agencies(view, mtext, clause_start + len(mtext[clause_start:co.start()]) -
                                          len(mtext[clause_start:co.start()].lstrip()))
            if not named or not PRE_VERB.match(mtext[named_end:co.start()]):
                continue  # `chỉ đạo các đơn vị chủ rừng phối hợp với ...`: someone else coordinates
        mentions, end = _agencies(view, mtext, co.end())
        if not mentions:
            continue
        co_spans.append((co.start(), end))
        clause_end = _clause_end(mtext, end, t1)
        task = trim(mtext, end, clause_end)
        for m in mentions:
            if not (m.agency.generic and is_unspecified(m.agency.name)):
                co_rows.append((m, "support", task if task[1] > task[0] else unit.task))
    co_keys = {m.agency.key for m, _, _ in co_rows}
    roles = [(unit.role, unit.task)] if unit.role else _roles(mtext, t0, t1, co_spans)
    for m in unit.subjects:
        if len(unit.subjects) > 1 and m.agency.key in co_keys:
            continue
        for role, task in roles:
            yield m, role, task
    subject_keys = {m.agency.key for m in unit.subjects}
    for m, r, task in co_rows:
        if m.agency.key not in subject_keys or len(unit.subjects) > 1:
            yield m, r, task


# A clause of a duty: up to `.`, `;`, `!`, `?` before a space, or a line end.
_CLAUSE = re.compile(r"[^\n.;!?]*(?:[.;!?](?=\s)|\n|$)|[^\n]+?(?:\n|$)")
# `Thời gian thực hiện: ...`, `Sản phẩm: ...`: a label inside a duty, not a duty of its own
_INNER_LABEL = re.compile(r"\W*[\w ]{1,30}:")


def _roles(mtext: str, t0: int, t1: int, co_spans: list[tuple[int, int]]) -> list[tuple[str, tuple[int, int]]]:
    """The roles a duty gives its subjects: the role of the whole duty, then each other role one of its
    paragraphs gives, and the lead or support a clause gives (`Chủ trì ...; phối hợp với Y ...` -> lead,
    support), each with that paragraph or clause as its task."""
    out = [(_role(mtext, t0, t1, co_spans), (t0, t1))]

    def add(role: str, span: tuple[int, int]) -> None:
        if all(r != role for r, _ in out):
            out.append((role, span))

    for line in re.finditer(r"[^\n]+", mtext[t0:t1]):
        l0, l1 = trim(mtext, t0 + line.start(), t0 + line.end())
        if l1 <= l0 or _INNER_LABEL.match(mtext, l0, l1):
            continue
        add(_role(mtext, l0, l1, co_spans), (l0, l1))
        pos = l0
        while pos < l1:
            m = _CLAUSE.match(mtext, pos, l1)
            end = m.end() if m and m.end() > pos else l1
            s0, s1 = trim(mtext, pos, end)
            pos = end
            if s1 > s0 and (role := _role(mtext, s0, s1, co_spans)) != "implement":
                add(role, (s0, s1))
    return out


def _clause_end(mtext: str, pos: int, hi: int) -> int:
    m = re.compile(r"[;]|[.!?](?=\s)|\n").search(mtext, pos, hi)
    return m.start() if m else hi


def _explicit_role(mtext: str, t0: int, t1: int) -> Optional[str]:
    """lead or support when the text says so (`chủ trì ...`, `phối hợp ...`), else None."""
    role = _role(mtext, t0, t1, [])
    return role if role != "implement" else None


def _role(mtext: str, t0: int, t1: int, co_spans: list[tuple[int, int]]) -> str:
    for m in _leads(mtext, t0, t1):
        if not any(s <= m.start() < e for s, e in co_spans):
            return "lead"
    if SUPPORT_START.match(mtext, t0, t1):
        return "support"
    return "implement"


def _is_fund(mention: Mention) -> bool:
    """A fund (`Quỹ BHYT thanh toán ...`, `Quỹ khen thưởng được ... chi trả`) as the subject of a sentence or item
    states what it pays under the rules, not a duty; a fund is an assignee where a cue or a label names it."""
    return mention.agency.key.split(" ", 1)[0] == "quy" and not mention.agency.generic


def _is_issuer(mention: Mention, issuer: str | None, office_name: str | None = None) -> bool:
    """`issuer`: the document's issuer folded; `office_name`: as written (`Thủ tướng Chính phủ`)."""
    if not issuer or mention.agency.generic:
        return False
    key = mention.agency.key
    if issuer == key or (issuer.startswith(key + " ") and mention.agency.kind in ("people_committee", "council", "party")):
        return True
    # the body whose head issues the text (`Chính phủ` in a decision of the `Thủ tướng Chính phủ`, `Ủy ban nhân dân
    # tỉnh X` in one of its `Chủ tịch`) is not given duties by it
    if not issuer.endswith(" " + key):
        return False
    office = " ".join(office_name.split()[:len(issuer.split()) - len(key.split())]) if office_name else ""
    return bool(office) and title_at(office) == len(office)


def _first_deadline(deadlines: Deadlines, lo: int, hi: int):
    """The first deadline (in text order) starting in [lo, hi), by bisect."""
    k = bisect.bisect_left(deadlines.starts, lo)
    return deadlines[k] if k < len(deadlines) and deadlines.starts[k] < hi else None


class Deadlines(list):
    """The dated deadlines of a document in text order, with their starts for bisect."""

    def __init__(self, items) -> None:
        super().__init__(sorted(items, key=lambda d: d.span[0]))
        self.starts = [d.span[0] for d in self]


def _row(view: DocView, text: str, mention: Mention, role: str, task: tuple[int, int], scope: tuple[int, int],
         deadlines: Deadlines) -> Assignment:
    start, end = trim(text, mention.start, mention.end, " \t\n,;:")
    tied = _first_deadline(deadlines, max(scope[0], start), scope[1]) or _first_deadline(deadlines, scope[0], scope[1])
    agency = mention.agency
    return Assignment(
        **view.provenance(start, end), agency=agency.name, agency_id=agency.key, agency_kind=agency.kind,
        agency_level=agency.level, agency_successor=agency.successor, generic=agency.generic, role=role,
        task=" ".join(text[task[0]:task[1]].split()) or None, deadline=tied.date if tied else None,
    )
