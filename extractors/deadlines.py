"""Deadlines (thời hạn): the time limits the document sets for an action.

Rule based, on the matching copy of the text (extractors.textscan.match_text):
- a date expression (full date, day-month, month, quarter, half year, year, `ngày 20 hằng tháng`);
- a cue that makes it a time limit (`trước`, `chậm nhất`, `trong`, `hoàn thành`, `đến hết`,
  a `Thời gian thực hiện:` label, a table cell holding only the date); full dates need none;
- guards that make it something else: the date of a cited document (`Quyết định số ... ngày`),
  a start (`từ ngày`, `kể từ`), a target's horizon (`đến năm 2030`, a year in a target clause),
  the situation and basis sections (they report the past);
- recurrence: a day-month without a year in a clause that says `định kỳ` or `hằng năm` comes
  back every year (date null, month/day filled); `ngày 20 hằng tháng` every month. A bare
  reporting period (`báo cáo định kỳ 6 tháng`, `báo cáo năm`) is kept only where reporting duties
  are set (implementation and reporting sections, or a document without sections): in the
  tasks sections such words describe a cadence, not a time limit.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, time as time_of_day
from typing import Iterator, Optional, Sequence

from extractors.base import NUMBER_RUN, DocView, NumberRuns, SpanSet, caseless
from extractors.tables import time_cells
from extractors.textscan import alternatives, clause_span, LastWords, match_text, matches_at, sentence_span, word_start
from pipeline.textutil import is_upper_line
from schemas import Deadline, Reference

I = re.IGNORECASE
YEAR = r"(?:19|20)\d{2}"

# name -> pattern; groups d, m, y, m1 (range start month), q (quarter), w (đầu/cuối)
PATTERNS: dict[str, re.Pattern] = {
    "full_num": re.compile(
        rf"(?<![\d/.])(?:ngày\s+)?(?P<d>\d{{1,2}})\s*(?P<sep>[/.\-])\s*(?P<m>\d{{1,2}})\s*(?P=sep)\s*(?P<y>{YEAR})(?![\d/])", I),
    "full_words": re.compile(
        rf"(?:ngày\s+)?(?P<d>\d{{1,2}})\s+tháng\s+(?P<m>\d{{1,2}})\s*,?\s*năm\s+(?P<y>{YEAR})(?!\d)", I),
    "dm_words": re.compile(r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})(?!\d)(?!\s*,?\s*năm\s+\d)", I),
    "dm_num": re.compile(r"(?<![\d/.,])(?:ngày\s+)?(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?![\d/])", I),
    "day_monthly": re.compile(r"ngày\s+(?P<d>\d{1,2})\s+(?:hằng|hàng|mỗi)\s+tháng", I),
    "month_year": re.compile(
        rf"tháng\s+(?:(?P<m1>\d{{1,2}})\s*(?:-|–|đến)\s*(?:tháng\s+)?)?(?P<m>\d{{1,2}})\s*(?:[/\-]\s*|\s+năm\s+)(?P<y>{YEAR})(?!\d)", I),
    "month_only": re.compile(r"tháng\s+(?P<m>\d{1,2})(?![\d/])(?!\s*(?:-|–)\s*\d)(?!\s+năm\s+\d)", I),
    "quarter": re.compile(
        rf"qu[ýí]\s+(?P<q>IV|III|II|I|[1-4])(?![\w])(?:\s*(?:[/\-]|năm)\s*(?P<y>{YEAR})(?!\d))?", I),
    "half": re.compile(rf"(?:6|06|sáu)\s+tháng\s+(?P<w>đầu|cuối)\s+năm(?:\s+(?P<y>{YEAR})(?!\d))?", I),
    "year_range": re.compile(rf"năm\s+(?P<y1>{YEAR})\s*(?:-|–|đến)\s*(?:năm\s+)?(?P<y>{YEAR})(?!\d)", I),
    "year": re.compile(rf"năm\s+(?P<y>{YEAR})(?![\d/\-–])", I),
    "bare_year_range": re.compile(rf"(?<![\d/.\-–])(?P<y1>{YEAR})\s*(?:-|–)\s*(?P<y>{YEAR})(?![\d/])", I),
    # a time of day: `19h00’`, `17 giờ 00 phút`, `9h`; it belongs to the date after it, or recurs daily
    "time": re.compile(r"(?<![\d,./])(?P<h>[01]?\d|2[0-3])\s*(?:giờ|h)\s*(?:(?P<mi>[0-5]\d)\s*(?:phút|’|'|p)?)?(?![\w\d])", I),
    "weekday": re.compile(r"(?<![\w])(?:thứ\s+(?P<wd>hai|ba|tư|năm|sáu|bảy|[2-7])|(?P<cn>chủ\s+nhật))(?![\w])", I),
}
# Where the matches of each pattern can begin: tried only there (rx.match), a pattern finds finditer's matches,
# without the engine trying it at every character of the text (an IGNORECASE word, a lookbehind or an
# alternation admits no fast scan). Each list holds every offset a match can start at. The words are found
# on the lowercase copy (base.caseless) by a literal scan; `number`: the first digit of a number (a match
# after `(?<![\d...])` opens one), `short` of a number of one or two digits (a day, a month, an hour: what
# follows them is no digit), `year` of a number of four; `day`: one of the last two digits of a number followed by
# spaces and a `tháng` (`23 tháng` in `123 tháng`); `six`: the `6`, `06` or `sáu` before the spaces before a `tháng` (a half year).
WORD_STARTS: dict[str, re.Pattern] = {w: re.compile(rx) for w, rx in (
    ("ngày", "ngày"), ("tháng", "tháng"), ("năm", "năm"), ("quý", "qu[ýí]"), ("thứ", "thứ"), ("chủ", "chủ"),
    ("định", "định"), ("báo", "báo"), ("hằng", "hằng"), ("hàng", "hàng"), ("mỗi", "mỗi"))}
PATTERN_STARTS: dict[str, tuple[str, ...]] = {
    "full_num": ("short", "ngày"), "full_words": ("day", "ngày"), "dm_words": ("ngày",), "dm_num": ("short", "ngày"),
    "day_monthly": ("ngày",), "month_year": ("tháng",), "month_only": ("tháng",), "quarter": ("quý",),
    "half": ("six",), "year_range": ("năm",), "year": ("năm",), "bare_year_range": ("year",), "time": ("short",),
    "weekday": ("thứ", "chủ"),
}
WEEKDAYS = {"hai": 1, "2": 1, "ba": 2, "3": 2, "tư": 3, "4": 3, "năm": 4, "5": 4, "sáu": 5, "6": 5, "bảy": 6, "7": 6}
# Kinds that are a time limit only with a cue word or a label before them.
# Kinds that count as a cue-less table cell or label value.
CELL_OK = {"full_num", "full_words", "month_year", "quarter"}
PERIOD_KINDS = {"year", "year_range", "bare_year_range", "half"}  # the kinds a target horizon takes

# The words that make a date after them a time limit (CUE, and _CUE_LAST made from them).
CUE_WORDS = ("đến cuối", "trước cuối", "trước", "chậm nhất là", "chậm nhất", "muộn nhất là", "muộn nhất", "trong vòng",
             "trong", "ngay trong", "đến hết", "đến", "hết", "cuối", "hạn chót", "hạn", "không quá", "vào cuối", "vào",
             "xong", "hoàn thành")
CUE = re.compile(rf"(?:(?:hoàn\s+thành|xong|kết\s+thúc)\s+)?(?P<cue>{alternatives(CUE_WORDS)})\s*$", I)
# A year or half year is a time limit after these cues only: `đến năm 2030`, `vào năm 2020` are a target's horizon.
PERIOD_CUES = re.compile(r"trước|chậm|muộn|trong|ngay|hết|đến\s+(?:hết|cuối)|xong|hoàn", I)
HORIZON_CUE = re.compile(r"(?:đến|vào|tới|giai\s+đoạn)\s*$", I)  # `đến năm 2030` is a target's horizon
# The words that make a date after them a start (`từ` apart: it alone is a whole word), and those between them and
# the date (START_CUE, and _START_LAST made from them).
START_WORDS = ("kể từ", "bắt đầu từ", "bắt đầu", "tính từ", "hiệu lực")
START_OF = ("ngày", "cuối", "đầu", "giữa")
START_CUE = re.compile(rf"(?:\btừ|{alternatives(START_WORDS)})\s*(?:(?:{alternatives(START_OF)})\s*)?$", I)
# A preamble line (`Căn cứ Luật ... ngày 19 tháng 6 năm 2015`) cites texts; its dates are theirs.
PREAMBLE = re.compile(r"\s*(?:Căn\s+cứ|Xét|Theo\s+đề\s+nghị)\b", I)  # used with .match(text, line_start): no `^`
# `tháng 4 và tháng 8 năm 2026`: months of a list share the year written after the last one.
SHARED_YEAR = re.compile(rf"^\s*(?:,|và|-|–)\s*(?:tháng\s+)?\d{{1,2}}\s*(?:[/\-]\s*|\s+năm\s+)(?P<y>{YEAR})(?!\d)", I)
LABEL = re.compile(
    r"(?:thời\s+gian|thời\s+hạn|hạn(?:\s+(?:chót|cuối))?|tiến\s+độ)"
    r"(?:\s+(?:thực\s+hiện|hoàn\s+thành|báo\s+cáo|gửi|nộp|triển\s+khai|hồ\s+sơ|văn\s+bản|kết\s+quả|ý\s+kiến))*"
    r"\s*:\s*(?:(?:hoàn\s+thành|thực\s+hiện)\s+)?(?:xong\s+)?$", I)
RANGE_LINK = re.compile(r"^\s*(?:-|–|đến(?:\s+hết)?)\s*", I)
# The date of a cited document: `số 61-CTr/TU ngày`, `Quyết định 1899/QĐ-TTg ngày`, `số 15972/SXD-QLN& TTBĐS ngày`.
REF_NUMBER = re.compile(r"\d+[\w.&]*\s*(?:[/\-]\s*[\w.&]+)*[/\-]\s*[\w.&]*[A-ZĐ][\w.&/\-]*\s*,?\s*$")
REF_SO = re.compile(r"\bsố\s*:?\s*[^\s,;]*\d[^\s,;]*(?:\s+[^\s,;]+)?\s*,?\s*$", I)
OF_ISSUER = re.compile(r"^\s*,?\s*(?:của|do)\s+[A-ZĐ]")
TARGET_CLAUSE = re.compile(r"phấn\s+đấu|\d\s*%|tỷ\s+lệ|chỉ\s+tiêu", I)
ONGOING = re.compile(r"^\s*(?:và|,)\s*(?:các|những)\s+năm\s+tiếp\s+theo", I)
NEXT_YEAR = re.compile(r"năm\s+sau|năm\s+tiếp\s+theo|năm\s+kế\s+tiếp", I)
# `trước ngày 30 tháng 01 của năm tiếp theo`: the year after each reporting year, so every year
OF_NEXT_YEAR = re.compile(r"\s*(?:của\s+)?năm\s+(?:sau|tiếp\s+theo|kế\s+tiếp)\b", I)
# `Tính đến 12h00 ngày 21/11/2025`, `số liệu từ ngày ... đến ngày ...`: the date the data of a report covers
DATA_CUTOFF = re.compile(r"(?:tính|cập\s+nhật|số\s+liệu)\s+(?:đến|tới)(?:\s+(?:hết|cuối))?\s*(?:ngày\s*)?$"
                         r"|(?:số\s+liệu|(?<!định\s)kỳ\s+báo\s+cáo|tại\s+thời\s+điểm)[^.;:\n]{0,40}?"
                         r"(?:từ|đến|tới)\s+(?:hết\s+)?(?:ngày\s*)?$", I)
# `để cải thiện ... trong năm 2025`: a purpose clause names when the aim is met, not when the work is due
PURPOSE = re.compile(r"(?<![\w])(?:để|nhằm|góp\s+phần|hướng\s+tới)\s[^,;.:]*$", I)
# `Đúng 14 tháng trước, ngày 31/3/2020, ... đã ...`: a date told as the past
PAST = re.compile(r"^\s*,\s*[^,.;]{0,60}?(?<![\w])(?:đã|vừa)\s", I)
PAST_BEFORE = re.compile(r"(?:(?<![\w])(?:đã|vừa)\s+(?:[^\s.;,]+\s+){0,4}(?:vào\s+|trong\s+)?(?:ngày\s*)?|\btrước\s*,\s*)$", I)
AS_OF = re.compile(r"^(?:[-+•]\s*)?(?:tính\s+)?(?:đến|tới)(?:\s+(?:hết|cuối))?\s*(?:ngày\s*)?$", I)
DUTY = re.compile(r"(?<![\w])(?:phải|cần|hoàn\s+thành|xong|báo\s+cáo|gửi|nộp|triển\s+khai|thực\s+hiện|ban\s+hành|"
                  r"tổ\s+chức|xây\s+dựng)(?![\w])", I)
TIME_CUE = re.compile(r"trước|chậm\s+nhất|muộn\s+nhất|hạn", I)
DAILY = re.compile(r"(?:hằng|hàng|mỗi)\s+ngày|lần\s*/\s*ngày|/\s*ngày\b", I)
WEEKLY = re.compile(r"(?:hằng|hàng|mỗi)\s+tuần", I)
COORDINATED = re.compile(r"\s*(?:,|và|hoặc)\s*(?:ngày\s*)?$", I)

PERIOD_WORD = {"năm": "annual", "quý": "quarterly", "quí": "quarterly", "tháng": "monthly", "tuần": "weekly",
               "ngày": "daily"}
RECUR_MARK = re.compile(r"(?:hằng|hàng|mỗi)\s+(?P<p>năm|quý|quí|tháng|tuần|ngày)\b|định\s+kỳ", I)
# `ngân sách hằng năm`, `kế hoạch hằng năm`: an attribute of a noun, not a recurrence of the deadline.
ATTRIBUTIVE = re.compile(r"(?:ngân\s+sách|dự\s+toán|kế\s+hoạch|chỉ\s+tiêu|nhiệm\s+vụ|kinh\s+phí)(?:\s+\w+){0,2}\s+$", I)
REPORT_PERIOD = re.compile(
    r"(?:định\s+kỳ\s+(?:(?:hằng|hàng|mỗi)\s+)?(?P<p1>năm|quý|quí|tháng|tuần|ngày|(?:6|06|sáu)\s+tháng)"
    r"|báo\s+cáo\s+(?:định\s+kỳ\s+)?(?:(?:hằng|hàng|mỗi)\s+)?(?P<p2>năm|quý|quí|tháng|tuần|ngày|(?:6|06|sáu)\s+tháng)"
    r"|(?:hằng|hàng|mỗi)\s+(?P<p3>năm|quý|quí|tháng|tuần|ngày)\s*,?\s*báo\s+cáo"
    # `báo cáo Chủ tịch Ủy ban nhân dân tỉnh kết quả thực hiện hằng năm`: the period closes the reporting clause
    r"|báo\s+cáo\s[^.;:\n]{0,90}?(?:hằng|hàng|mỗi)\s+(?P<p4>năm|quý|quí|tháng|tuần|ngày)(?=\s*(?:[.;,\n]|theo\b|$)))"
    r"(?![\w])(?!\s+\d)", I)
REPORT_PERIOD_STARTS = ("định", "báo", "hằng", "hàng", "mỗi")
RECUR_PREFIX = re.compile(
    r"(?:(?:định\s+kỳ|báo\s+cáo|tổng\s+kết|sơ\s+kết)\s+)?(?:(?:hằng|hàng|mỗi)\s+)?(?:(?:\d{1,2}|sáu)\s+)?"
    r"(?:năm|tháng|quý|quí|tuần)\s*\(\s*$", I)
RECUR_TAIL = re.compile(r"\s+(?:hằng|hàng|mỗi)\s+(?:năm|tháng|quý|quí)\b", I)
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
SKIP_KINDS = {"basis", "situation"}
NO_BARE_RECURRENCE = {"tasks", "objectives", "purpose", "situation", "basis"}


@dataclass
class Candidate:
    kind: str
    start: int
    end: int
    m: re.Match
    range_start: Optional[int] = None  # the end of a range (`Quý IV/2025 - Quý II/2026`) remembers its start
    time: Optional[time_of_day] = None  # `trước 17 giờ 00 phút, ngày 05/12/2025`: the date's time of day
    coordinated: bool = False  # `trước ngày 01/6 và 15/11`: the date shares the cue of the deadline before it


def extract(view: DocView, *, references: Sequence[Reference]) -> Iterator[Deadline]:
    """`references`: the references extractor's facts of this document (a cited text's date is not a limit)."""
    text = view.text
    mtext = match_text(text)
    doc_date = view.doc_date or header_date(view, mtext)
    in_reference = SpanSet(f.span for f in references if f.span)
    cells = [(c.start, c.end) for c in time_cells(view)]  # a task table's time column labels its cells
    in_cell = SpanSet(cells)
    found: list[tuple[int, int, dict]] = []
    for lo, hi in view.regions():  # the body, then annexes (tables of tasks with their time limits)
        region_found = []
        last_end = None
        for cand in candidates(mtext, lo, hi, view.layers.numbers):
            if view.kind_at(cand.start) in SKIP_KINDS:
                continue
            if in_reference.holds(cand.start):
                continue
            cand.coordinated = last_end is not None and bool(COORDINATED.fullmatch(mtext[last_end:cand.start]))
            fields = read_candidate(view, mtext, cand, doc_date, (lo, hi), in_cell.holds(cand.start))
            if fields is not None:
                region_found.append(fields)
                last_end = cand.end
        region_found.extend(bare_recurrences(view, mtext, lo, hi, [(s, e) for s, e, _ in region_found]))
        region_found.extend(cell_recurrences(mtext, [c for c in cells if lo <= c[0] < hi],
                                             [(s, e) for s, e, _ in region_found]))
        found.extend(region_found)
    found.sort(key=lambda f: f[0])
    for start, end, values in found:
        yield Deadline(**view.provenance(start, end), **values)


def candidates(mtext: str, lo: int, hi: int, numbers: NumberRuns | None = None) -> list[Candidate]:
    """Every date expression in [lo, hi); where two overlap the longer (then earlier) wins (`numbers`: the runs of
    digits of the text, base.TextLayers.numbers, else found here)."""
    starts: dict[str, list] = {} if numbers is None else {"runs": numbers.within(lo, hi)}
    raw = [Candidate(kind, m.start(), m.end(), m) for kind in PATTERNS for m in pattern_matches(kind, mtext, lo, hi, starts)]
    raw.sort(key=lambda c: (-(c.end - c.start), c.start))
    kept: list[Candidate] = []
    taken = bytearray(max(0, hi - lo))  # characters a kept candidate covers: an overlap test costs its length
    for c in raw:
        if taken.find(1, c.start - lo, c.end - lo) == -1:
            kept.append(c)
            taken[c.start - lo:c.end - lo] = b"\x01" * (c.end - c.start)
    kept.sort(key=lambda c: c.start)
    # a range `Quý IV/2025 - Quý II/2026`, `tháng 11 đến tháng 12/2025`: the end is the time limit
    out = []
    for i, c in enumerate(kept):
        nxt = kept[i + 1] if i + 1 < len(kept) else None
        if c.kind == "time" and nxt and nxt.kind in ("full_num", "full_words", "dm_words", "dm_num") \
                and re.fullmatch(r"\s*,?\s*", mtext[c.end:nxt.start]):
            nxt.time, nxt.start = _time_of(c.m), c.start  # `17 giờ 00 phút, ngày 05/12/2025`: one limit
            continue
        if nxt and _links(mtext[c.end:nxt.start]):
            nxt.range_start = c.range_start if c.range_start is not None else c.start
            continue
        out.append(c)
    return out


def pattern_matches(kind: str, mtext: str, lo: int, hi: int, starts: dict[str, list[int]]) -> Iterator[re.Match]:
    """PATTERNS[kind].finditer(mtext, lo, hi), the pattern tried only where PATTERN_STARTS says a match can
    begin; `starts` keeps the offsets found in [lo, hi) for the other patterns of the same window."""
    return matches_from(PATTERNS[kind], PATTERN_STARTS[kind], mtext, lo, hi, starts)


def matches_from(rx: re.Pattern, names: tuple[str, ...], mtext: str, lo: int, hi: int,
                 starts: dict[str, list[int]]) -> Iterator[re.Match]:
    """rx.finditer(mtext, lo, hi) for a pattern whose matches begin only at the offsets of the STARTS sets
    `names` (a pattern that matches no empty string)."""
    lists = [_starts(name, mtext, lo, hi, starts) for name in names]
    return matches_at(rx, lists[0] if len(lists) == 1 else sorted(set().union(*lists)), mtext, lo, hi)


def _starts(name: str, mtext: str, lo: int, hi: int, starts: dict[str, list[int]]) -> list[int]:
    """The offsets of one PATTERN_STARTS set in [lo, hi), in order, found once per window (kept in `starts`)."""
    found = starts.get(name)
    if found is not None:
        return found
    if name in WORD_STARTS:
        found = [m.start() for m in WORD_STARTS[name].finditer(caseless(mtext), lo, hi)]
    elif name == "runs":
        found = [m.span() for m in NUMBER_RUN.finditer(mtext, lo, hi)]
    elif name == "short":
        found = [s for s, e in _starts("runs", mtext, lo, hi, starts) if e - s <= 2]
    elif name == "year":
        found = [s for s, e in _starts("runs", mtext, lo, hi, starts) if e - s == 4]
    elif name == "day":
        # only before spaces and a `tháng`: a day there ends its number (`\d{1,2}` then `\s+tháng`)
        months = set(_starts("tháng", mtext, lo, hi, starts))
        found = []
        if months:
            for s, e in _starts("runs", mtext, lo, hi, starts):
                w = e
                while w < hi and mtext[w].isspace():
                    w += 1
                if w > e and w in months:
                    found.extend(p for p in (e - 2, e - 1) if p >= s)
    elif name == "six":
        found = []
        for t in _starts("tháng", mtext, lo, hi, starts):
            w = t
            while w > lo and mtext[w - 1].isspace():  # str.isspace is the patterns' `\s`
                w -= 1
            if w < t:
                found.extend(p for p in (w - 3, w - 2, w - 1) if p >= lo)
    else:
        raise KeyError(name)
    starts[name] = found
    return found


def _time_of(m: re.Match) -> time_of_day:
    return time_of_day(int(m["h"]), int(m["mi"] or 0))


def _links(gap: str) -> bool:
    m = RANGE_LINK.match(gap)
    return bool(m) and m.end() == len(gap)


# Each $-anchored pattern tried on the window before a date is tried only where a cheap test says it can match
# (most windows match none): the window ends with one of its last words (made from its words), a code in capitals
# (REF_NUMBER's end, `[A-ZĐ][\w.&/\-]*\s*,?\s*$`), or holds the word `số` (REF_SO), or one of PAST_BEFORE's words
# (on the window lowercased: no character of them has a case form str.lower and the pattern's IGNORECASE take
# apart). tests/test_deadlines.py checks each test below against its pattern's search on the corpus and on
# strings each pattern matches.
_START_LAST = LastWords(("từ",) + START_WORDS + START_OF)
_CUE_LAST = LastWords(CUE_WORDS)
_CODE_TAIL = re.compile(r"[\w.&/\-]*[A-ZĐ][\w.&/\-]*\s*,?\s*$")
_SO_WORD = re.compile(r"số", I)
_PAST_WORD = re.compile(r"đã|vừa|trước")


def _start_cue(before: str) -> Optional[re.Match]:
    """START_CUE.search(before)."""
    return START_CUE.search(before) if _START_LAST.ends(before) else None


def _cue(before: str) -> Optional[re.Match]:
    """CUE.search(before)."""
    return CUE.search(before) if _CUE_LAST.ends(before) else None


def _ref_number(before: str) -> Optional[re.Match]:
    """REF_NUMBER.search(before)."""
    tail = before.rstrip()
    tail = tail[:-1].rstrip() if tail.endswith(",") else tail
    end = len(tail)
    start = word_start(tail, end, more=".&/-")  # the code: a `[\w.&/\-]` run
    return REF_NUMBER.search(before) if start < end and _CODE_TAIL.match(tail, start) else None


def _ref_so(before: str) -> Optional[re.Match]:
    """REF_SO.search(before)."""
    return REF_SO.search(before) if _SO_WORD.search(before) else None


def _past_before(before: str) -> Optional[re.Match]:
    """PAST_BEFORE.search(before)."""
    return PAST_BEFORE.search(before) if _PAST_WORD.search(before.lower()) else None


def _cites_before(before: str) -> bool:
    """REF_NUMBER or REF_SO ends the window before a date: the date of a cited document."""
    return bool(_ref_number(before) or _ref_so(before))


def read_candidate(view: DocView, mtext: str, c: Candidate, doc_date: date | None,
                   region: tuple[int, int] | None = None, labelled: bool = False) -> Optional[tuple[int, int, dict]]:
    """labelled: the expression stands in a cell of a time column, which labels it as a `Thời gian:` does."""
    lo, hi = region or view.body
    in_annex = (lo, hi) != tuple(view.body)
    sent_lo, sent_hi = sentence_span(mtext, c.start, lo, hi)
    before = mtext[max(sent_lo, c.start - 80):c.start]
    after = mtext[c.end:min(sent_hi + 1, c.end + 60)]
    if _start_cue(before) or re.search(r"tính\s+từ", mtext[sent_lo:c.start], I):
        return None  # `từ ngày 01/7/2025`: when something starts (a range's end is its own candidate)
    if _cites_before(before):
        return None
    line_start = mtext.rfind("\n", 0, c.start) + 1
    if PREAMBLE.match(mtext, line_start) and view.section_at(c.start) is None:
        return None  # the preamble's `Căn cứ ...` lines, before the first section, cite texts and their periods
    range_before = mtext[max(sent_lo, c.range_start - 80):c.range_start] if c.range_start is not None else ""
    if DATA_CUTOFF.search(before) or (c.range_start is not None and DATA_CUTOFF.search(range_before)):
        return None  # `Tính đến 12h00 ngày 21/11/2025`: the cut-off of the data a report covers
    if PAST.match(after) or _past_before(before):
        return None  # `Đúng 14 tháng trước, ngày 31/3/2020, ... đã bật Thông báo này`: a past event
    if AS_OF.search(mtext[sent_lo:c.start]) and re.match(r"\s*,", after) and not DUTY.search(mtext, c.end, sent_hi):
        return None  # `Đến 12h00 ngày 21/11/2025, toàn tỉnh ghi nhận ...`: the date the figures are told as of
    cue = _cue(before)
    label = (":" in before and LABEL.search(before)) or labelled
    cell = _alone_in_paragraph(mtext, c.start if c.range_start is None else c.range_start, c.end) and (
        in_annex or view.section_at(c.start) is not None)  # a table cell, not a stray header line
    if c.range_start is not None and not cue:
        label = label or LABEL.search(range_before)
    if ONGOING.match(after):
        return None  # `Năm 2025 và các năm tiếp theo`: from then on, not by then
    if c.kind == "time":
        return _time_limit(view, mtext, c, cue, (sent_lo, sent_hi), (lo, hi))
    if c.kind == "weekday":
        return _weekly_limit(mtext, c, cue, (lo, hi))
    if c.kind in PERIOD_KINDS:
        if not (label or (cue and PERIOD_CUES.match(cue.group("cue")))):
            return None
        if view.kind_at(c.start) == "objectives" or TARGET_CLAUSE.search(mtext[sent_lo:sent_hi]):
            return None
        clause_lo = clause_span(mtext, c.start, lo, hi)[0]
        if PURPOSE.search(mtext[max(clause_lo, c.start - 120):c.start]):
            return None  # `để cải thiện ... trong năm 2025`: when an aim is met, not when work is due
    if c.kind == "month_only" and cue and cue.group("cue").lower().startswith("vào"):
        return None  # `vào tháng 4`: when something happens, not a limit
    if c.kind == "month_only" and c.range_start is not None and not label:
        return None  # `từ tháng 3 đến tháng 10`: a season, every year or none
    if not (cue or label or c.coordinated or (cell and c.kind in CELL_OK)):
        return None
    start = c.start
    if c.range_start is not None:  # the text is the whole range, with its `từ`
        opener = re.search(r"\btừ\s*$", range_before, I)
        start = c.range_start - (len(range_before) - opener.start() if opener else 0)
    elif cue:
        start = c.start - (len(before) - cue.start())
    clause_lo, clause_hi = clause_span(mtext, c.start, lo, hi)
    recurring = _recurrence(mtext, max(clause_lo, sent_lo), clause_hi, c)
    next_year = OF_NEXT_YEAR.match(after) if c.kind in ("dm_words", "dm_num") else None
    if next_year and (next_year.group(0).strip().startswith("của") or _recurrence(mtext, sent_lo, sent_hi, c)):
        recurring = True  # `báo cáo ... trước ngày 30 tháng 01 của năm tiếp theo`: every year, after each year
    shared = SHARED_YEAR.match(after) if c.kind == "month_only" else None
    values = _values(c, doc_date, recurring, mtext[sent_lo:sent_hi], int(shared.group("y")) if shared else None)
    if values is None:
        return None
    end = c.end
    if next_year and recurring:
        end += next_year.end()
    if recurring:
        pre = RECUR_PREFIX.search(mtext[max(sent_lo, start - 40):start])
        if pre:
            start = start - (len(mtext[max(sent_lo, start - 40):start]) - pre.start())
        tail = RECUR_TAIL.match(mtext, end)
        if tail:
            end = tail.end()
        if pre:
            close = re.match(r"\s*\)", mtext[end:end + 3])
            if close:
                end += close.end()
    if c.time is not None:
        values["time"] = c.time
    while start < end and mtext[start].isspace():
        start += 1
    return start, end, values


def read_time_cell(text: str, doc_date: date | None = None) -> Optional[dict]:
    """The time limit one cell of a task table's time column states, as Deadline fields (date, recurrence,
    month, day, time, weekday): `Tháng 3/2026` -> 2026-03-31, `Quý II/2026` -> 2026-06-30, `Năm 2025-2030` ->
    2030-12-31, `Hằng năm` -> annual; None for `Thường xuyên`, `Khi có phát sinh`, a start (`Từ năm 2026`) or an open
    period (`Năm 2025 và các năm tiếp theo`). The same reading extract() gives the cells tables.time_cells finds."""
    from schemas import Document
    cell = " ".join(text.split())
    view = DocView(text=cell, document=Document(span=(0, len(cell)), issued_date=doc_date), body=(0, len(cell)))
    mtext = match_text(cell)
    found = [f for c in candidates(mtext, 0, len(cell))
             if (f := read_candidate(view, mtext, c, doc_date, (0, len(cell)), labelled=True)) is not None]
    found += list(cell_recurrences(mtext, [(0, len(cell))], [(s, e) for s, e, _ in found]))
    if not found:
        return None
    values = found[-1][2]  # a range's end, or the last of several limits
    return {k: values.get(k) for k in ("date", "recurrence", "month", "day", "time", "weekday")}


def _time_limit(view: DocView, mtext: str, c: Candidate, cue, sentence: tuple[int, int],
                region: tuple[int, int]) -> Optional[tuple[int, int, dict]]:
    """A time of day with no date: a limit only when it recurs, `trước 19h00 hằng ngày`,
    `02 lần/ngày (trước 9h00’ và 16h00’)`; `trước 9h00’ và 16h00’` share one cue."""
    if c.range_start is not None or not ((cue and TIME_CUE.match(cue.group("cue"))) or c.coordinated):
        return None  # `từ 7h30 đến 11h30`, `đến 23 giờ hằng ngày`: hours of work or opening, no time limit
    clause_lo, clause_hi = clause_span(mtext, c.start, *region)
    if not DAILY.search(mtext, max(clause_lo, c.start - 80), min(clause_hi, c.end + 40)):
        return None
    start = c.start - (len(mtext[max(sentence[0], c.start - 80):c.start]) - cue.start()) if cue else c.start
    end = c.end
    tail = DAILY.match(mtext, end + len(mtext[end:end + 3]) - len(mtext[end:end + 3].lstrip()))
    if tail:
        end = tail.end()
    return start, end, {"date": None, "recurrence": "daily", "month": None, "day": None, "time": _time_of(c.m)}


def _weekly_limit(mtext: str, c: Candidate, cue, region: tuple[int, int]) -> Optional[tuple[int, int, dict]]:
    """`trước 15 giờ thứ Sáu hằng tuần`, `vào thứ Năm hằng tuần`: a weekday that recurs every week."""
    clause_lo, clause_hi = clause_span(mtext, c.start, *region)
    weekly = WEEKLY.search(mtext, c.end, min(clause_hi, c.end + 30)) or WEEKLY.search(mtext, max(clause_lo, c.start - 40), c.start)
    if not weekly:
        return None
    day = 7 if c.m["cn"] else WEEKDAYS[c.m["wd"].lower()]
    start, end = min(c.start, weekly.start()), max(c.end, weekly.end())
    before = mtext[max(clause_lo, start - 60):start]
    timed = re.search(r"(?:(?:trước|chậm\s+nhất|vào|lúc)\s+)?(?P<h>[01]?\d|2[0-3])\s*(?:giờ|h)\s*(?:(?P<mi>[0-5]\d)\s*(?:phút|’|'|p)?)?\s*,?\s*(?:ngày\s+)?$",
                      before, I)
    values = {"date": None, "recurrence": "weekly", "month": None, "day": None, "weekday": day}
    if timed:
        start -= len(before) - timed.start()
        values["time"] = time_of_day(int(timed["h"]), int(timed["mi"] or 0))
    elif cue:
        start = c.start - (len(mtext[max(clause_lo, c.start - 80):c.start]) - cue.start())
    return start, end, values


def _alone_in_paragraph(mtext: str, start: int, end: int) -> bool:
    line_start = mtext.rfind("\n", 0, start) + 1
    line_end = mtext.find("\n", end)
    line_end = len(mtext) if line_end == -1 else line_end
    return not mtext[line_start:start].strip() and not mtext[end:line_end].strip(" .;")


def _recurrence(mtext: str, lo: int, hi: int, c: Candidate) -> bool:
    for m in RECUR_MARK.finditer(mtext, lo, hi):
        if m.group("p") and ATTRIBUTIVE.search(mtext[max(lo, m.start() - 40):m.start()]):
            continue
        return True
    return False


def _values(c: Candidate, doc_date: date | None, recurring: bool, sentence: str,
            shared_year: int | None = None) -> Optional[dict]:
    g = c.m.groupdict()
    year = int(g["y"]) if g.get("y") else shared_year
    kind = c.kind
    if kind == "day_monthly":
        day = int(g["d"])
        return {"date": None, "recurrence": "monthly", "month": None, "day": day} if 1 <= day <= 31 else None
    if kind in ("full_num", "full_words", "dm_words", "dm_num"):
        day, month = int(g["d"]), int(g["m"])
    elif kind in ("month_year", "month_only"):
        month, day = int(g["m"]), None
    elif kind == "quarter":
        q = ROMAN.get(g["q"].upper()) or int(g["q"])
        month, day = 3 * q, None
    elif kind == "half":
        month, day = (6 if g["w"].lower() == "đầu" else 12), None
    else:  # year
        month, day = 12, 31
    if not 1 <= month <= 12:
        return None
    if year is None and recurring:
        last = calendar.monthrange(2001, month)[1]
        if day is not None and not 1 <= day <= last + (month == 2):
            return None
        return {"date": None, "recurrence": "annual", "month": month, "day": day if day is not None else last}
    if year is None:
        if doc_date is None:
            return None
        year = doc_date.year
        if day is not None and (month, day) < (doc_date.month, doc_date.day) and NEXT_YEAR.search(sentence):
            year += 1
    if day is None:
        day = calendar.monthrange(year, month)[1]
    try:
        return {"date": date(year, month, day), "recurrence": None, "month": None, "day": None}
    except ValueError:
        return None


CELL_RECURRENCE = re.compile(r"\W*(?:(?:thường\s+xuyên|định\s+kỳ)\s*,?\s*)*(?:hằng|hàng|mỗi)\s+(?P<p>năm|quý|quí|tháng|tuần)\W*", I)


def cell_recurrences(mtext: str, cells: list[tuple[int, int]], taken: list[tuple[int, int]]):
    """A time cell that only says how often (`Hằng năm`, `Thường xuyên, hằng quý`): a recurring time limit."""
    for lo, hi in cells:
        m = CELL_RECURRENCE.fullmatch(mtext, lo, hi)
        if m and not any(s < hi and lo < e for s, e in taken):
            start, end = lo + len(mtext[lo:hi]) - len(mtext[lo:hi].lstrip()), hi
            while end > start and not mtext[end - 1].isalnum():
                end -= 1
            yield start, end, {"date": None, "recurrence": PERIOD_WORD[m.group("p").lower()], "month": None, "day": None}


def bare_recurrences(view: DocView, mtext: str, lo: int, hi: int, taken: list[tuple[int, int]]):
    """`báo cáo định kỳ 6 tháng`, `báo cáo năm`, `báo cáo ... kết quả thực hiện hằng năm`: a reporting period with
    no due day."""
    spans = SpanSet(taken)
    yielded: list[tuple[int, int]] = []  # `báo cáo định kỳ 6 tháng, báo cáo năm`: both, once each
    for m in matches_from(REPORT_PERIOD, REPORT_PERIOD_STARTS, mtext, lo, hi, {}):
        if view.kind_at(m.start()) in NO_BARE_RECURRENCE:
            continue
        if spans.overlaps(m.start(), m.end()) or any(s < m.end() and m.start() < e for s, e in yielded):
            continue
        sent_lo, sent_hi = sentence_span(mtext, m.start(), lo, hi)
        if spans.starts_within(sent_lo, sent_hi):
            continue  # `Định kỳ hằng năm (trước ngày 15/12)`: the dated deadline says it
        period = (m.group("p1") or m.group("p2") or m.group("p3") or m.group("p4")).lower()
        recurrence = "semiannual" if "tháng" in period and period != "tháng" else PERIOD_WORD[period]
        yielded.append((m.start(), m.end()))
        yield m.start(), m.end(), {"date": None, "recurrence": recurrence, "month": None, "day": None}


_HEADER_DATE = re.compile(rf"ngày\s+(\d{{1,2}})\s+tháng\s+(\d{{1,2}})\s+năm\s+({YEAR})|ngày\s+(\d{{1,2}})/(\d{{1,2}})/({YEAR})", I)


def header_date(view: DocView, mtext: str) -> date | None:
    """The date line of the header when metadata left issued_date empty (`Bắc Ninh, ngày 20 tháng 11 năm 2025`)."""
    start, body_start = view.span[0], view.body[0]
    for m in _HEADER_DATE.finditer(mtext, start, body_start):
        d, mo, y = [int(x) for x in (m.groups()[:3] if m.group(1) else m.groups()[3:])]
        try:
            return date(y, mo, d)
        except ValueError:
            continue
    return None
