"""Targets (chỉ tiêu): every numeric objective of a plan, with comparator, horizon and baseline.

Reading order, paragraph by paragraph (the normalise stage puts one paragraph on each line):
1. every figure: a percentage (`97,2%`, `13-13,5 %`), a ratio (`77/108 xã`), or a number with a unit
   (`1.250 trẻ`, `400 triệu USD`) that a comparator word opens (`ít nhest 20 mô hình`);
2. the words right before it give the comparator (comparators.csv: the closest word decides);
3. the indicator is read before the comparator (`Tỷ lệ X đạt 60%`) or after the value (`100% X được Y`),
   or carried over from the figure before it (`xuống dưới 22,5% và xuống còn 20%`);
4. the year comes from the words after the figure, else from the sentence before it, else from an
   enclosing heading (`Mục tiêu cụ thể đến năm 2035`), else null - never from the document's date;
5. where the figure stands decides what it is: the objectives section or a sentence with a target word
   (`phấn đấu`) gives a target, the situation section or a result word (`đến nay`, `ước đạt`) a baseline,
   a legal share (`hỗ trợ 70% mức đóng`) or a cited title nothing;
6. each target takes the baseline whose indicator says the most of the target's words in the same unit.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator, Optional

from extractors.base import DocView, NumberRuns, caseless
from extractors.textscan import FirstWords, alternatives, matches_at, word_start
from extractors.vocab import load_csv
from pipeline.errors import ConfigError
from pipeline.textutil import fold, is_upper_line, parse_number
from schemas import Baseline, Target

NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_LEFT = r"(?<![\w/.,%])"  # a figure starts after a space or punctuation, not inside a date or a number
PERCENT = re.compile(_LEFT + rf"(?P<a>{NUM})\s*%?\s*(?:(?:-|–|đến)\s*(?P<b>{NUM})\s*)?%")
RATIO = re.compile(_LEFT + rf"(?P<a>{NUM})\s?/\s?(?P<d>{NUM})(?![\d/.,]|\s*/)")
COUNT = re.compile(_LEFT + rf"(?P<a>{NUM})(?:\s*(?:-|–)\s*(?P<b>{NUM}))?(?![\d%/]|[.,]\d|\s*%)(?=\s+[^\W\d_]|(?:ha|km|m2|m3)\b)")
YEAR = r"(?:19[5-9]\d|20\d\d|21\d\d)"
# A year that is a horizon: `vào năm 2020`, `đến hết năm 2030`, `năm 2025`, `giai đoạn 2026 - 2030` -> 2030.
YEAR_PHRASE = re.compile(
    rf"(?<!tháng )(?<!tháng \d )(?<!tháng \d\d )\b(?:(?:vào|đến|tới|trong|từ|sau|trước)\s+)?(?:(?:cuối|hết|đầu)\s+)?năm\s+(?:{YEAR}\s*[-–]\s*)?(?P<y>{YEAR})\b"
    rf"|giai\s+đoạn\s+{YEAR}\s*[-–]\s*(?P<y2>{YEAR})\b",
    re.IGNORECASE)
HEADING_YEAR = re.compile(rf"\b(?:năm\s+)?(?P<y>{YEAR})\b")
SENTENCE_END = re.compile(r"[.!?](?=\s+\S)")
CLAUSE_END = re.compile(r"[.!?](?=\s+\S)|[;:]")
TABLE_ROW_NUMBER = re.compile(r"\s*\d{1,3}\s*(?:\s[A-ZĐ]|$)")  # a table's row number cell, never a run-on
RUNS_ON = re.compile(r"\s*(?:[a-zđà-ỹ]|\d|[IVX]+\s+[a-zđà-ỹ])")
CITATION = re.compile(r"\b(?:Luật|Nghị quyết|Quyết định|Nghị định|Thông tư|Chỉ thị|Kế hoạch|Chương trình|Đề án|"
                      r"Kết luận|Công văn|Chiến lược|Hướng dẫn)\s+(?:số\s+)?[\w.]*\d[\w./-]*")
CITED_BY = re.compile(r"\s+theo\s+(?:Luật|Nghị quyết|Quyết định|Nghị định|Thông tư|Chỉ thị|Kế hoạch|Chương trình|Đề án)\b.*$")
FUNCTION_START = re.compile(r"^(?:(?:của|với|so|vào|đến|trong|từ|trở|năm|và|hoặc|ở|theo|trên|dưới|tại thời điểm)(?![\w])|[/(])",
                            re.IGNORECASE)
# A rate's tail: `ca sinh/1.000 phụ nữ`, and in words `bác sĩ trên 10.000 dân` (per a round number of people).
_POWER = r"1(?:0{1,2}|0{0,2}(?:\.?000)+)\s"  # 10, 100, 1.000, 10.000, 100.000
PER_TAIL = re.compile(rf"(?P<num>[^\W\d_]+(?:\s[^\W\d_]+){{0,3}})(?:\s?/\s?(?:\d[\d.]*\s)?|\s+trên\s+(?={_POWER}))"
                      rf"(?P<den>(?:{_POWER})?[^\W\d_][^;,.()\n]*)")
MORE_PER = re.compile(r"(?:\s?/\s?[^\W\d_]+(?:\s[^\W\d_]+)?)+")
MULTIPLIERS = {"triệu", "nghìn", "ngàn", "vạn", "tỷ"}
NOT_UNIT_WORDS = {"của", "và", "hoặc", "với", "là", "để", "trong", "tại", "theo", "cho", "so", "từ", "đến", "vào",
                  "trên", "dưới", "các", "những", "được", "có", "đã", "sẽ", "thì", "mà", "này", "đó"}


@dataclass
class Candidate:
    """One figure with what surrounds it, before it is kept as a target or a baseline."""

    vstart: int
    vend: int  # end of the value and its unit
    value: float
    unit: str
    ustart: int = 0  # where the unit is written
    noun_unit: bool = False  # the unit is the counted noun that opens an indicator (`20 mô hình ...`)
    strive: bool = False  # a count the plan strives to have (`Phấn đấu đến năm 2030 có 2 triệu doanh nghiệp`)
    item: bool = False  # the count follows the marker of a list item and a few words (`- Hoàn thành xây dựng 05 ...`)
    goal: Optional["Candidate"] = None  # the present value a goal is written beside (`đạt 93,5%, mục tiêu ... 95%`)
    value_max: Optional[float] = None
    denominator: Optional[float] = None
    chain_start: int = 0
    comparator: Optional[str] = None
    explicit: bool = False
    indicator: str = ""
    ind_start: Optional[int] = None
    phrase_end: Optional[int] = None  # end of an indicator read after the value
    after_value: bool = False
    year: Optional[int] = None
    stated_year: Optional[int] = None
    role: Optional[str] = None
    inline_baseline: Optional[Baseline] = None
    action: str = ""  # the action a figure after a preposition counts (`duy trì điều trị cho 100% người nghiện`)
    label: bool = False  # `Lắp đặt mới trạm 3G/4G: 58 trạm`: the count is the value of a label
    rank: bool = False  # `thuộc nhóm 4 nước dẫn đầu`: a rank within the top N
    subject: str = ""  # what a rank ranks (`Việt Nam thuộc`), carried along a list of ranks
    sentence: tuple[int, int] = (0, 0)
    clause: tuple[int, int] = (0, 0)
    dropped: bool = False
    words: set = field(default_factory=set)

    @property
    def start(self) -> int:
        return min(x for x in (self.ind_start, self.chain_start, self.vstart) if x is not None)

    @property
    def end(self) -> int:
        return max(self.vend, self.phrase_end or 0)


# --- vocabulary ---------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def comparators() -> tuple[tuple[str, str, str], ...]:
    rows = load_csv("comparators.csv", ("phrase", "comparator", "position"))
    out = []
    for r in rows:
        if r["comparator"] not in ("", "<", "<=", ">", ">=", "="):
            raise ConfigError(f"comparators.csv: unknown comparator {r['comparator']!r} for {r['phrase']!r}")
        if r["position"] not in ("before", "after"):
            raise ConfigError(f"comparators.csv: position must be before or after: {r}")
        out.append((r["phrase"], r["comparator"], r["position"]))
    return tuple(out)


@lru_cache(maxsize=None)
def words(kind: str) -> tuple[str, ...]:
    rows = load_csv("target_words.csv", ("word", "kind"))
    kinds = {"head", "start", "leadin", "result", "share", "share_after", "not_unit", "target", "condition", "modifier",
             "predicate", "rate", "growth"}
    bad = [r for r in rows if r["kind"] not in kinds]
    if bad:
        raise ConfigError(f"target_words.csv: unknown kinds {bad}")
    return tuple(sorted((r["word"] for r in rows if r["kind"] == kind), key=len, reverse=True))


@lru_cache(maxsize=None)
def units() -> tuple[str, ...]:
    rows = load_csv("target_units.csv", ("phrase", "kind"))
    return tuple(sorted((r["phrase"] for r in rows), key=len, reverse=True))


@lru_cache(maxsize=None)
def _chain_rx() -> re.Pattern:
    before = [p for p, _, pos in comparators() if pos == "before"]
    return re.compile(rf"(?:(?<![\w])(?<!trở\s)(?:{alternatives(before)})\s+)+$", re.IGNORECASE)


@lru_cache(maxsize=None)
def _chain_last_rx() -> re.Pattern:
    """The last word of a `before` comparator and the white space after it, to the end (see _chain_at)."""
    last = {p.split()[-1] for p, _, pos in comparators() if pos == "before"}
    return re.compile(rf"(?:{alternatives(sorted(last, key=len, reverse=True))})\s+", re.IGNORECASE)


def _chain_at(text: str, lo: int, hi: int) -> Optional[re.Match]:
    """_chain_rx().search(text, lo, hi), tried only where it can match: a chain ends in white space after a
    comparator word, whose last word is the run of word characters before that space (the words of
    comparators.csv are letters; a non-word character or a space comes before each), so most texts are
    turned down without the pattern being tried at each of their characters."""
    end = hi
    while end > lo and text[end - 1].isspace():  # (str.isspace is the pattern's `\s`)
        end -= 1
    if end == hi:
        return None
    start = word_start(text, end, lo)
    if start == end or _chain_last_rx().fullmatch(text, start, hi) is None:
        return None
    return _chain_rx().search(text, lo, hi)


@lru_cache(maxsize=None)
def _cue_rx() -> re.Pattern:
    before = [p for p, _, pos in comparators() if pos == "before"]
    return re.compile(rf"(?<![\w])({alternatives(before)})(?![\w])", re.IGNORECASE)


@lru_cache(maxsize=None)
def _after_rx() -> re.Pattern:
    after = [p for p, _, pos in comparators() if pos == "after"]
    return re.compile(rf"\s*({alternatives(after)})(?![\w])", re.IGNORECASE)


@lru_cache(maxsize=None)
def _comparator_of() -> dict[str, str]:
    return {fold(p): c for p, c, _ in comparators()}


@lru_cache(maxsize=None)
def _words_in(kind: str, before: str = "", after: str = r"(?![\w])") -> re.Pattern:
    """The words of `kind` between `before` and `after`, with IGNORECASE: built once, not per figure."""
    return re.compile(rf"{before}(?:{alternatives(words(kind))}){after}", re.IGNORECASE)


@lru_cache(maxsize=None)
def _words_rx(kind: str, anchored: str = "") -> re.Pattern:
    """The words of `kind` as whole words; anchored `start` / `end`: a run of them opening / closing a text."""
    whole = _words_in(kind, r"(?<![\w])")
    if anchored == "start":
        return re.compile(rf"^\s*(?:{whole.pattern}[\s,]*)+", re.IGNORECASE)
    if anchored == "end":
        return re.compile(rf"(?:[\s,]*{whole.pattern})+[\s,]*$", re.IGNORECASE)
    return whole


@lru_cache(maxsize=None)
def _unit_rx() -> re.Pattern:
    tail = r"(?:\s?/\s?(?:\d[\d.]*\s)?[^\W\d_]+(?:\s[^\W\d_]+)?)*"
    return re.compile(rf"\s*(?:{alternatives(units())})(?![\w]){tail}")  # `9.500ha` has no space


@lru_cache(maxsize=None)
def _after_stop_rx() -> re.Pattern:
    before = [p for p, _, pos in comparators() if pos == "before"]
    cue = rf"(?:(?:{alternatives(before)})\s+)*"
    lead = alternatives(words("leadin") + words("head"))
    return re.compile(
        rf"\s+(?:ngay\s+)?(?:(?:vào|đến|tới|trong|từ|sau)\s+)?(?:(?:cuối|hết|đầu)\s+)?năm\s+{YEAR}"
        rf"|\s+giai\s+đoạn\s+{YEAR}|\s+trở\s+(?:lên|đi|xuống)|\s+so\s+(?:với\s+)?|\s+(?:mỗi|hằng|hàng)\s+(?:năm|quý|tháng)(?=\s*(?:[,;.)]|$|(?:và|đến|vào)\s))"
        rf"|,?\s+(?:và|hoặc)\s+(?={cue}\d|(?:nhóm|top|tốp)\s+\d)|,\s*(?={cue}\d)|,\s+(?=(?:{lead}|đồng thời)(?![\w]))|\s*\((?=[^()\n]*\d|[^()\n]*(?:\n|$))|,?\s+(?:nhằm|để|góp phần|từng bước|gắn với|đồng thời)(?![\w])",
        re.IGNORECASE)


# --- the text -----------------------------------------------------------------------------------

def _paragraphs(work: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Lines, with a line that runs on (no closing stop, next line opens in lowercase or a digit) joined
    to the next: converted files still break some sentences (`khoảng` / `14.800ha`)."""
    lines = []  # (start, end, whether the line closes with a stop)
    pos = start
    for line in work[start:end].split("\n"):  # (one split of the region, not a find and a slice a line)
        stop = pos + len(line)
        if line and not line.isspace():
            lines.append((pos, stop, line.rstrip().endswith((".", ";", ":", "!", "?"))))
        pos = stop + 1
    i = 0
    while i < len(lines):
        ps, pe, closed = lines[i]
        # (a joined paragraph ends as its last line does: that line's stop is the paragraph's)
        while i + 1 < len(lines) and not closed \
                and RUNS_ON.match(work, lines[i + 1][0]) and not LIST_MARKER.match(work[lines[i + 1][0]:lines[i + 1][1]]) \
                and not TABLE_ROW_NUMBER.match(work[lines[i + 1][0]:lines[i + 1][1]]):
            i += 1
            pe, closed = lines[i][1], lines[i][2]
        yield ps, pe
        i += 1


def _bounds(work: str, rx: re.Pattern, lo: int, hi: int, at: int) -> tuple[int, int]:
    start = lo
    for m in rx.finditer(work, lo, at):
        start = m.end()
    m = rx.search(work, at, hi)
    return start, (m.start() if m else hi)


def _tidy(text: str) -> str:
    text = " ".join(text.split()).strip(" ,;:.-–+*•")
    if text.startswith("(") and ")" not in text:
        text = text[1:].strip()
    if text.endswith("(") or (text.count("(") > text.count(")") and text.rfind("(") > len(text) - 3):
        text = text[:text.rfind("(")].strip()
    return re.sub(r"\s+(?:từ|là|và|hoặc|của)$", "", text).strip(" ,;:.-–+*•")


# --- figures ------------------------------------------------------------------------------------

class FigureStarts:
    """Where the figures of a region can begin, found once for the region, so that each paragraph's patterns are
    tried there only (textscan.matches_at): the first digit of each number (PERCENT, RATIO and COUNT open with
    one after `_LEFT`), the words that open a RANK, and the bounds (`ít nhất`, `tối đa`) without which no
    WORD_COUNT is kept; the words are found on the lowercase copy (base.caseless) by a literal scan."""

    def __init__(self, work: str, lo: int, hi: int, numbers: NumberRuns | None = None) -> None:
        low = caseless(work)
        runs = numbers or NumberRuns(work)
        # the starts of NumberRuns.within(lo, hi), sliced (a run over lo is cut at lo)
        self.numbers = runs.starts[bisect.bisect_right(runs.ends, lo):bisect.bisect_left(runs.starts, hi)]
        if self.numbers and self.numbers[0] < lo:
            self.numbers[0] = lo
        self.ranks = _starts_of(RANK_START, _RANK_FIRST, low, lo, hi)
        self.bounds = _starts_of(BOUND_START, _BOUND_FIRST, low, lo, hi)

    @staticmethod
    def within(offsets: list[int], ps: int, pe: int) -> list[int]:
        return offsets[bisect.bisect_left(offsets, ps):bisect.bisect_left(offsets, pe)]

    def any_within(self, ps: int, pe: int) -> bool:
        """Whether a figure can begin in [ps, pe) (most paragraphs have none: _figures is not asked)."""
        for offsets in (self.numbers, self.ranks, self.bounds):
            k = bisect.bisect_left(offsets, ps)
            if k < len(offsets) and offsets[k] < pe:
                return True
        return False


_RANK_WORDS = ("nhóm", "top", "tốp")
_BOUND_WORDS = ("ít nhất", "tối thiểu", "tối đa", "không quá", "không ít hơn")  # BOUND_START's and WORD_BOUND's
RANK_START = re.compile(alternatives(_RANK_WORDS))
BOUND_START = re.compile(alternatives(_BOUND_WORDS))
_RANK_FIRST, _BOUND_FIRST = FirstWords(_RANK_WORDS), FirstWords(_BOUND_WORDS)


def _starts_of(rx: re.Pattern, firsts: FirstWords, low: str, lo: int, hi: int) -> list[int]:
    """The starts of rx.finditer(low, lo, hi), rx tried only where one of its first words stands."""
    return [m.start() for m in matches_at(rx, firsts.starts(low, lo, hi), low, lo, hi)]


def _figures(work: str, ps: int, pe: int, starts: FigureStarts | None = None) -> list[Candidate]:
    """Every percentage, ratio and counted number of one paragraph, without overlaps (`starts`: those of the
    region the paragraph is in, else found for the paragraph)."""
    starts = starts or FigureStarts(work, ps, pe)
    numbers = starts.within(starts.numbers, ps, pe)
    ranks, bounds = starts.within(starts.ranks, ps, pe), starts.within(starts.bounds, ps, pe)
    if not numbers and not ranks and not bounds:
        return []  # every figure opens with a digit or a rank word, or is a number word after a bound (below)
    found: list[Candidate] = []
    taken: list[tuple[int, int]] = []

    def free(s, e):
        return all(e <= a or s >= b for a, b in taken)

    for m in matches_at(PERCENT, numbers if work.find("%", ps, pe) >= 0 else [], work, ps, pe):  # no `%`, none
        a = parse_number(m["a"])
        if a is None:
            continue
        b = parse_number(m["b"]) if m["b"] else None
        start = m.start()
        if b is not None and a > b:  # `Mục tiêu năm 2024 - 80% ...`: a year and a dash before the figure, no range
            a, b, start = b, None, m.start("b")
        found.append(Candidate(start, m.end(), a, "%", value_max=b, ustart=m.end()))
        taken.append((start, m.end()))
    for m in matches_at(RATIO, numbers if work.find("/", ps, pe) >= 0 else [], work, ps, pe):
        if not free(*m.span()):
            continue
        a, d = parse_number(m["a"]), parse_number(m["d"])
        before = work[max(ps, m.start() - 12):m.start()].lower()
        if a is None or not d or a > d or re.search(r"(ngày|trước|sau|đến|từ|tháng|số|quý)\s*$", before):
            continue
        unit = _count_unit(work, m.end(), pe)
        if unit is None:
            continue
        text, ustart, uend, noun = unit
        found.append(Candidate(m.start(), uend, a, text, denominator=d, ustart=ustart, noun_unit=noun))
        taken.append((m.start(), uend))
    for m in matches_at(RANK, ranks, work, ps, pe):
        if free(*m.span("a")):
            # `thuộc nhóm 4 nước dẫn đầu ASEAN`: a rank within the top N, whatever N counts
            found.append(Candidate(m.start("a"), m.end("u"), float(m["a"]), m["u"], ustart=m.start("u"), noun_unit=True,
                                   chain_start=m.start(), comparator="<=", explicit=True, rank=True))
            taken.append((m.start(), m.end("u")))
    for m in matches_at(COUNT, numbers, work, ps, pe):
        if not free(*m.span()):
            continue
        lead = work[max(ps, m.start() - 40):m.start()]
        # (each $-anchored test only where the end of the lead allows it: a colon, a joining word, `có`)
        tail = lead.rstrip()
        label = ":" in lead and bool(LABEL_END.search(lead))
        strive = len(tail) < len(lead) and tail[-2:].lower() == "có" and bool(STRIVE_TO_HAVE.search(lead))
        item = ITEM_LEAD.match(work, max(ps, work.rfind("\n", ps, m.start()) + 1), m.start())
        if not (label or _chain_at(lead, 0, len(lead)) or (tail.endswith(_JOINS_COUNT) and _JOINED_COUNT.search(lead))
                or strive or item):
            continue  # a count is a figure only when words open it: skip the costly unit reading
        a = parse_number(m["a"])
        if a is None or (item and a.is_integer() and 1900 <= a <= 2100):
            continue
        unit = _count_unit(work, m.end(), pe)
        if unit is None:
            continue
        text, ustart, uend, noun = unit
        if label and not re.match(r"\s*(?:[(;,.]|$)", work[uend:pe]):
            continue  # `label: N unit` is the whole item, not the start of a sentence
        b = parse_number(m["b"]) if m["b"] else None
        found.append(Candidate(m.start(), uend, a, text, value_max=b, ustart=ustart, noun_unit=noun, label=label,
                               strive=strive, item=bool(item)))
        taken.append((m.start(), uend))
    # a number word counts only after a bound (below): a paragraph without one has none
    for m in WORD_COUNT.finditer(work, ps, pe) if bounds else ():
        lead = _chain_at(work, max(ps, m.start() - 40), m.start())
        if not free(*m.span()) or not lead or not WORD_BOUND.search(lead.group(0)):
            continue  # `ít nhất một cơ sở`: a number word counts only after a bound (`là một chỉ tiêu`, `dựa trên ba`)
        unit = _count_unit(work, m.end(), pe)
        if unit is None:
            continue
        text, ustart, uend, noun = unit
        found.append(Candidate(m.start(), uend, float(NUMBER_WORDS[m.group(1).lower()]), text, ustart=ustart, noun_unit=noun))
        taken.append((m.start(), uend))
    found.sort(key=lambda c: c.vstart)
    return found


# `đạt 93,5%, mục tiêu năm 2026 đạt 95%`: the words between a present value and the goal for the same indicator.
GOAL_BESIDE = re.compile(r"[\s,;]*(?:và\s+|trong\s+khi\s+)?(?:mục\s+tiêu|chỉ\s+tiêu)(?:\s+(?:đến|của|trong)?\s*năm\s+\d{4})?"
                         r"\s*(?:là|đạt|đề\s+ra|đặt\s+ra)?\s*(?:là|:)?\s*$", re.IGNORECASE)
# `khi có trên 50% ...`, `nếu đạt 90% ...`: the figure states when something holds, a condition or quorum, no objective.
CONDITION_BEFORE = re.compile(r"(?<![\w])(?:khi\s+(?:có|đạt|được)|nếu)\s+(?:\S+\s+){0,2}$", re.IGNORECASE)
# `tinh giản tối thiểu 10% biên chế so với năm 2022`: the year the figure is compared with is no horizon.
COMPARED_YEAR = re.compile(r"so\s+(?:với\s+)?(?:cùng\s+kỳ\s+)?(?:năm\s+)?(?:19|20)\d\d", re.IGNORECASE)
# A list item's marker and at most four words before a count (`- 1.250 giáo viên`, `- Hoàn thành xây dựng 05 cơ sở`).
ITEM_LEAD = re.compile(r"\s*(?:[-+•]|[a-zđ]\)|\d{1,2}[.)])\s+(?:[^\W\d_]+\s+){0,4}$", re.IGNORECASE)
# `Phấn đấu đến năm 2030 có 2 triệu doanh nghiệp`: what the plan strives to have is counted.
STRIVE_TO_HAVE = re.compile(r"phấn\s+đấu\b[^.;:!?]*\bcó\s+$", re.IGNORECASE)
# `..., 20 mô hình`, `và 05 ...`: a count coordinated with what comes before it (the words its end can be).
_JOINED_COUNT = re.compile(r"(?:,|\bvà|\bhoặc|\btừ|\bkhoảng)\s*$")
_JOINS_COUNT = (",", "và", "hoặc", "từ", "khoảng")
# `Lắp đặt mới trạm 3G/4G: 58 trạm`: a label names the count written after its colon.
LABEL_END = re.compile(r"[^\W\d_]\s*:\s*$")
RANK = re.compile(r"(?<![\w])(?:nhóm|top|tốp)\s+(?P<a>\d{1,3})\s+(?P<u>[^\W\d_]+(?:\s[^\W\d_]+)?)(?=\s+(?:(?:dẫn|đứng|hàng)\s+đầu|cao\s+nhất|tốt\s+nhất))",
                  re.IGNORECASE)
WORD_BOUND = re.compile(rf"(?:{alternatives(_BOUND_WORDS)})\s+$", re.IGNORECASE)
NUMBER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}
# `năm` is left out (it is mostly `year`); `một số`, `một vài`, `một trong` are `some`, `a few`, `one of`.
WORD_COUNT = re.compile(r"(?<![\w])(" + "|".join(NUMBER_WORDS) + r")(?=\s+[^\W\d_])(?!\s+(?:số|vài|trong|phần|cách|chút|nửa|lúc|khi)\b)",
                        re.IGNORECASE)


def _count_unit(work: str, pos: int, pe: int) -> Optional[tuple[str, int, int, bool]]:
    """The unit after a number: (text, start, end, is_noun). A known money or measure unit (`tỷ đồng`,
    `9.500ha`), else the counted noun underthesea reads (`mô hình`), with a rate's tail (`ca sinh/1.000 phụ nữ`)."""
    m = _unit_rx().match(work, pos, pe)
    if m:
        ustart = pos + len(m.group(0)) - len(m.group(0).lstrip())
        return " ".join(m.group(0).split()), ustart, m.end(), False
    rest = work[pos:min(pe, pos + 60)]
    first = re.match(r"\s+([^\W\d_][\w]*)", rest)
    if not first or first.group(1).lower() in NOT_UNIT_WORDS:
        return None
    if first.group(1).lower() in words("not_unit") and _token_ends(first.group(1), rest[first.end():first.end() + 1]):
        return None  # a whole syllable the tokenizer's first word would start with (`tháng`): no need to ask it
    word = _first_word(rest)
    if not word or word.lower() in NOT_UNIT_WORDS or word.lower() in words("not_unit") \
            or word.split()[0].lower() in words("not_unit"):
        return None
    start = pos + rest.find(word)
    end = start + len(word)
    if word.lower() in MULTIPLIERS:  # `3 triệu doanh nghiệp`: the multiplier and the noun it counts
        noun = re.match(r"\s+([^\W\d_]+)", work[end:pe])
        if noun and noun.group(1).lower() not in NOT_UNIT_WORDS:
            nxt = _first_word(work[end:min(pe, end + 60)])
            end = end + work[end:pe].find(nxt) + len(nxt) if nxt and work[end:pe].find(nxt) >= 0 else end + noun.end()
    per = PER_TAIL.match(work, start, pe)
    if per and len(per["num"].split()) <= 4:
        # a rate `N ca sinh/1.000 phụ nữ`: the unit runs to as many words after the slash as before it
        n = max(2, len(per["num"].split()))
        tail = re.match(r"(?:%s)?[^\W\d_]+(?:\s[^\W\d_]+){0,%d}" % (_POWER, n - 1), per["den"])
        if tail:
            words_ = tail.group(0).split(" ")
            while len(words_) > 1 and words_[-1].lower() in NOT_UNIT_WORDS | {"năm", "đạt"}:
                words_.pop()  # `giường bệnh trên 10.000 dân vào năm 2030`: the tail ends before the words of the clause
            end = per.start("den") + len(" ".join(words_))
            more = MORE_PER.match(work, end, pe)
            end = more.end() if more else end
    return " ".join(work[start:end].split()), start, end, True


def _token_ends(run: str, nxt: str) -> bool:
    """Whether underthesea's regex tokenizer ends its first token with this leading letter run, given the
    character after it: at a space or the end; at `,;/()!?"`, which none of its patterns takes on from a
    letter; at `.` or `:` unless the run is ASCII (urls, emails, `Tp.`, `http:`) or all upper-case
    (abbreviations `UBND.`, `T.Ư`). Its other joiners (`-`, `'`, `’`, `&`, `@`) are left to it."""
    if not nxt or nxt.isspace() or nxt in ',;/()!?"':
        return True
    return nxt in ".:" and not run.isascii() and not run.isupper()


def _first_word(text: str) -> str:
    """underthesea's first word of a short text (`mô hình`, `doanh nghiệp`), as written."""
    from extractors.wordseg import word_tokenize  # underthesea's, without importing the whole package
    stripped = text.strip()
    if not stripped:
        return ""
    tokens = word_tokenize(stripped[:60])
    for tok in tokens:
        if re.match(r"[^\W\d_]", tok):
            # keep the token only if it is a substring of the text as written (tokens may be normalised)
            return tok if stripped.startswith(tok) else tok.split()[0] if stripped.startswith(tok.split()[0]) else ""
        return ""
    return ""


# --- comparator, indicator, year ----------------------------------------------------------------

def _read_chain(work: str, cand: Candidate, lo: int) -> None:
    m = _chain_at(work, lo, cand.vstart)
    cand.chain_start = m.start() if m else cand.vstart
    cmp_of = _comparator_of()
    if m:
        for cue in reversed(_cue_rx().findall(m.group(0))):
            c = cmp_of.get(fold(cue), "")
            if c:
                cand.comparator, cand.explicit = c, True
                break
    after = _after_rx().match(work, cand.vend)
    if after:
        cand.comparator, cand.explicit = cmp_of[fold(after.group(1))], True
        cand.vend = after.end()
    if not cand.explicit and re.search(r"(?<![\w])từ\s+$", work[lo:cand.vstart], re.IGNORECASE):
        cand.comparator, cand.explicit = ">=", True  # `phát triển từ 05 bộ dữ liệu`: from N on
        cand.chain_start = cand.vstart - len(re.search(r"từ\s+$", work[lo:cand.vstart], re.IGNORECASE).group(0))


@lru_cache(maxsize=4096)
def _clean_before(text: str) -> str:
    """The words before a comparator, less opening verbs, time phrases and a trailing horizon (the same words
    come back for a figure: 576 distinct of 1,343 over the bench files)."""
    text = _words_in("leadin", r",\s+(?=", r"(?![\w]))").split(text)[-1]
    for _ in range(3):  # a round that changes nothing ends the rounds: the next ones would change nothing either
        was = text
        text = LEAD_JUNK.sub("", text)
        text = LIST_MARKER.sub("", text)
        text = ROW_NUMBER_LEAD.sub("", text)  # a table row number before the cell text
        text = YEAR_LEAD.sub("", text)
        text = _words_rx("leadin", "start").sub("", text)
        if text == was:
            break
    for _ in range(3):
        was = text
        # (each tail pattern is tried only on a text whose last characters it can end with)
        text = YEAR_TAIL.sub("", text)
        if _ends_in_leadin(text):  # (a vocabulary pattern: tried only after a last word of its phrases)
            text = _words_rx("leadin", "end").sub("", text)
        text = BOUND_TAIL.sub("", text)
        if text == was:
            break
    text = CITED_BY.sub("", text)
    head = _words_rx("head").search(text)
    if head:
        text = text[head.start():]
    return _tidy(text)


def _ends_in_leadin(text: str) -> bool:
    """Whether _words_rx("leadin", "end") can match text: the run of word characters before its trailing
    white space and commas must be the last word of a leadin phrase (their words are letters)."""
    end = len(text)
    while end and (text[end - 1].isspace() or text[end - 1] == ","):  # `[\s,]*$`
        end -= 1
    start = word_start(text, end)
    return start < end and _leadin_last_rx().fullmatch(text, start, end) is not None


@lru_cache(maxsize=None)
def _leadin_last_rx() -> re.Pattern:
    last = {w.split()[-1] for w in words("leadin")}
    if not all(w.isalpha() for w in last):
        return re.compile(r"(?s).*")  # a phrase ending in something else: no shortcut, every text is tried
    return re.compile(rf"(?:{alternatives(sorted(last, key=len, reverse=True))})", re.IGNORECASE)


LEAD_JUNK = re.compile(r"^[\s,;:.\-–+*•(]*(?:(?:và|hoặc|nhưng)\s+)?", re.IGNORECASE)
ROW_NUMBER_LEAD = re.compile(r"^\d{1,3}\s+(?=[A-ZĐÀ-Ỹ])")
BOUND_TAIL = re.compile(r"[\s,]+(?:ít nhất|tối thiểu|dự kiến|phấn đấu)$", re.IGNORECASE)
LIST_MARKER = re.compile(r"^\s*(?:[a-zđ]\s?\)|\(\s?\w{1,3}\s?\)|\d{1,2}(?:\.\d{1,2})*\s?[.)]|[IVX]+\s?[.)]|[-+•])\s+")
YEAR_LEAD = re.compile(rf"^\s*(?:(?:vào|đến|tới|trong|từ)\s+)?(?:(?:cuối|hết|đầu)\s+)?năm\s+{YEAR}(?:\s+trở\s+đi)?[\s,]*"
                       rf"|^\s*giai\s+đoạn\s+{YEAR}\s*[-–]\s*{YEAR}[\s,]*", re.IGNORECASE)
YEAR_TAIL = re.compile(rf"[\s,]*(?:(?:vào|đến|tới|trong|từ)\s+)?(?:(?:cuối|hết|đầu)\s+)?năm\s+{YEAR}(?:\s+trở\s+đi)?\s*$",
                       re.IGNORECASE)


def _phrase_after(work: str, cand: Candidate, clause_end: int) -> tuple[str, int]:
    """The noun phrase after a value (`100% cơ sở ... đủ điều kiện`), up to the horizon or the next figure."""
    start = cand.ustart if cand.noun_unit else cand.vend
    if cand.unit == "%":
        after = _after_rx().match(work, cand.vend, clause_end)
        if after:
            return "", cand.vend
    m = _after_stop_rx().search(work, start, clause_end)
    end = m.start() if m else clause_end
    text = work[start:end]
    if text.rfind("(") > text.rfind(")"):
        end = start + text.rfind("(")  # a parenthesis the clause does not close is no part of the indicator
        text = work[start:end]
    close = text.find(")")
    if close >= 0 and "(" not in text[:close]:
        end = start + close  # nor is a parenthesis the figure stands in: `(100% thủ tục ...)` ends at its `)`
        text = work[start:end]
    if FUNCTION_START.match(text.strip()) or (not cand.noun_unit and re.match(r"\s*,", text)):
        return "", cand.vend
    tidy = _tidy(text)
    if not tidy:
        return "", cand.vend
    lead = len(text) - len(text.lstrip(" ,;:.-–+*•"))
    return tidy, start + lead + len(text.strip(" ,;:.-–+*•").rstrip())


def _year_in(text: str, last: bool = False) -> Optional[int]:
    if not _may_hold_year(text):
        return None  # (most texts around a figure name no year: not the pattern tried at each character)
    hits = [int(m["y"] or m["y2"]) for m in YEAR_PHRASE.finditer(text)]
    if not hits:
        return None
    return hits[-1] if last else hits[0]


def _may_hold_year(text: str) -> bool:
    """Whether text can hold a YEAR (1950-2199), as every YEAR_PHRASE and COMPARED_YEAR does."""
    return "20" in text or "19" in text or "21" in text


def _heading_year(view: DocView, offset: int) -> Optional[int]:
    """The horizon of the nearest heading that names one: a section title, else the title of the annex
    the figure sits in (`PHÂN CÔNG THỰC HIỆN CÁC CHỈ TIÊU ... ĐẾN NĂM 2030`)."""
    # the answer depends on offset only through its sections and what of its annex's opening lines lie before it
    annex = next(((a, min(b, offset, a + 600)) for _, (a, b) in view.annexes if a <= offset < b), None)
    memo = view.memo.setdefault("targets.heading_year", {})
    key = (view.section_key(offset), annex)
    if key in memo:
        return memo[key]
    year = memo[key] = _heading_year_at(view, offset)
    return year


HEADING_HORIZON = re.compile(rf"\bnăm\s+{YEAR}|{YEAR}\s*[-–]\s*{YEAR}|đến\s+{YEAR}", re.IGNORECASE)


def _heading_year_at(view: DocView, offset: int) -> Optional[int]:
    titles = [sec.title or "" for sec in reversed(view.ancestors_at(offset))]
    titles.append(_annex_title(view, offset))
    for title in titles:
        if HEADING_HORIZON.search(title):
            years = [int(m["y"]) for m in HEADING_YEAR.finditer(title)]
            if years:
                return max(years)
    return None


ANNEX_NOTE = re.compile(r"\(\s*(?:Ban\s+hành\s+)?kèm\s+theo\b", re.IGNORECASE)


def _annex_title(view: DocView, offset: int) -> str:
    """The capitalised title lines that open the annex holding offset, up to its `(Kèm theo ...)` note
    (the note's date is the parent document's, not a horizon)."""
    for _, (a, b) in view.annexes:
        if not a <= offset < b:
            continue
        lines = []
        for line in view.text[a:min(b, offset, a + 600)].split("\n")[:8]:
            note = ANNEX_NOTE.search(line)
            line = line[:note.start()] if note else line
            if line.strip() and not is_upper_line(line):
                break
            lines.append(line)
            if note:
                break
        return " ".join(" ".join(lines).split())
    return ""


def _intro_year(work: str, view: DocView, ps: int) -> Optional[int]:
    """The year of the paragraph that opens a list (`... đạt các mục tiêu sau đến năm 2020:`)."""
    intro = _intro_line(work, view, ps)
    return _year_in(intro, last=True) if intro else None


def _intro_line(work: str, view: DocView, ps: int) -> Optional[str]:
    """The line ending in `:` that opens the list of items a paragraph belongs to, within its section."""
    memo = view.memo.setdefault("targets.intro_line", {})  # asked per figure: once per paragraph
    if ps in memo:
        return memo[ps]
    line = memo[ps] = _intro_line_at(work, view, ps)
    return line


def _intro_line_at(work: str, view: DocView, ps: int) -> Optional[str]:
    sec = view.section_at(ps)
    lo = sec.span[0] if sec else view.body[0]
    pos = ps - 1
    for _ in range(12):
        if pos <= lo:
            return None
        prev_start = work.rfind("\n", lo, pos) + 1
        prev = work[max(prev_start, lo):pos].strip()
        if prev.endswith(":"):
            return prev
        if not re.match(r"^(?:[-+•–]|[a-zđ]\)|\(\d+\)|\d+(?:\.\d+)*[.)])\s", prev):
            return None
        pos = prev_start - 1
    return None


def _list_leads(work: str, view: DocView, ps: int) -> list[str]:
    """The paragraphs that open the lists a paragraph sits in, innermost first: the line ending in `:` before
    its run of items, and the last line before the first item of each enclosing section when it ends in `:`
    (`... các nội dung này được cụ thể hóa bằng các chỉ tiêu cụ thể như sau:`)."""
    intro = _intro_line(work, view, ps)
    leads = [intro] if intro else []
    for sec in reversed(view.ancestors_at(ps)):
        if not sec.children or sec.children[0].span[0] > ps:
            continue
        head = work[sec.span[0]:sec.children[0].span[0]].strip().split("\n")[-1].strip()
        if head.endswith(":"):
            leads.append(head)
    return leads


# --- what a figure is ---------------------------------------------------------------------------

def _section_kind(view: DocView, offset: int) -> Optional[str]:
    """A situation, objectives or funding section anywhere above decides; else the outermost kind that says something
    (deep titles such as `Chi thực hiện các chương trình mục tiêu, nhiệm vụ` name no part of a plan)."""
    memo = view.memo.setdefault("targets.section_kind", {})  # asked several times per figure: once per section
    key = view.section_key(offset)
    if key in memo:
        return memo[key]
    kind = memo[key] = _section_kind_at(view, offset)
    return kind


def _section_kind_at(view: DocView, offset: int) -> Optional[str]:
    kinds = [sec.kind for sec in view.ancestors_at(offset)]
    for kind in ("situation", "objectives", "funding"):
        if kind in kinds:
            return kind
    return next((k for k in kinds if k != "other"), None)


def _is_share(work: str, cand: Candidate, clause_start: int) -> bool:
    """A legal share of money, not an objective: `hỗ trợ 15% mức đóng`, `đạt 45% kế hoạch`,
    `được ngân sách nhà nước hỗ trợ một phần mức đóng bảo hiểm y tế là 70%`."""
    after = work[cand.vend:cand.vend + 25]
    if _words_in("share_after", r"\s*").match(after):
        return True
    before = work[clause_start:cand.chain_start]
    if _words_in("share", r"(?<![\w])", r"(?:\s+[^\s\d]+){0,2}\s*$").search(before):
        return True
    clause = work[clause_start:cand.vstart]
    return bool(_words_rx("share").search(clause) and re.search(r"mức đóng|kinh phí|ngân sách", clause, re.IGNORECASE))


def _in_quote_or_title(work: str, cand: Candidate, ps: int, clause_start: int) -> bool:
    before = work[ps:cand.vstart]
    if before.count("“") > before.count("”") or before.count('"') % 2 == 1:
        return True
    cited = list(CITATION.finditer(work, clause_start, cand.vstart))
    opened = work.rfind("(", ps, cand.vstart)
    if cited and opened > max(work.rfind(")", ps, cand.vstart), cited[-1].end()):
        return True  # `theo ... Quyết định số 10/2024/QĐ-UBND ... (tỷ lệ không quá 10% ...)`: the cited rule's figure
    if cited and not cand.explicit:
        # `Quyết định số X về ... 10% ...`: a figure in a cited title, unless a target word opens it after the title
        between = work[cited[-1].end():cand.vstart]
        return bool(re.search(r"\b(?:về|phê duyệt|ban hành)\b", between)) and not _words_rx("target").search(between)
    return False


RATE_HEAD = re.compile(r"(?:tỷ|tỉ)\s+(?:lệ|trọng)(?![\w])", re.IGNORECASE)  # a share, measured in per cent

# Points awarded in a scoring rubric: `cộng 02 điểm`, `được cộng trực tiếp 05 điểm`, `đạt 0 điểm`, `không cộng điểm`.
SCORE = re.compile(r"(?<![\w])(?:(?:cộng|trừ|chấm|tính|đạt|được|cho)(?:\s+(?:thêm|trực\s+tiếp))?\s+(?:\d+(?:,\d+)?\s+)?điểm"
                   r"|điểm\s+(?:chuẩn|cộng|trừ|thưởng))(?![\w])", re.IGNORECASE)


def _role(view: DocView, work: str, cand: Candidate) -> Optional[str]:
    kind = _section_kind(view, cand.vstart)
    cs, ce = cand.clause
    ss, se = cand.sentence
    clause = work[cs:ce]
    sentence = work[ss:se]
    if kind in ("basis", "funding") or _words_rx("condition", "start").match(clause):
        return None  # a funding section's shares (`bố trí tối thiểu 03% ngân sách`) are budget rules
    # (what the sentence says, asked once per sentence: several figures share one)
    said = view.memo.setdefault("targets.sentence", {}).get(cand.sentence)
    if said is None:
        said = view.memo["targets.sentence"][cand.sentence] = _sentence_says(sentence)
    score, result, target = said
    if score:
        return None  # `Từ 88 - 90% cộng 02 điểm`: the figure earns points in a rubric, it is no objective
    if CONDITION_BEFORE.search(work, cs, cand.vstart):
        return None  # `được thông qua khi có trên 50% tổng số đại biểu tán thành`: a quorum, a condition
    if _words_rx("rate", "start").match(cand.indicator):
        return None  # `Mức thu bằng 50%`, `diện tích hỗ trợ tối thiểu 0,5 ha`: a fee, a benefit or its threshold
    if cand.goal:
        return "target"  # the goal stated beside a present value, in a report or a situation section
    if result or re.search(r"(?<![\w])(?:ước|đã)\s+(?:\S+\s+){0,2}$", work[cs:cand.vstart]):
        return "baseline"
    if kind == "situation":
        return "baseline"
    if kind == "objectives":
        return "target"
    if cand.explicit and cand.unit == "%":
        return "target"
    if cand.label:
        pass  # a label's count is a target only where the section or the list says so (a fee schedule is none)
    elif target or (cand.explicit and cand.year):
        return "target"
    if _leads_to_targets(work, view, ss):
        return "target"  # an item of a list its opening paragraph calls targets (`phấn đấu ..., cụ thể như sau:`)
    return None


def _sentence_says(sentence: str) -> tuple[bool, bool, bool]:
    """Whether a sentence scores points (SCORE), reports a result, names a target."""
    return (SCORE.search(sentence) is not None, _words_rx("result").search(sentence) is not None,
            _words_rx("target").search(sentence) is not None)


def _leads_to_targets(work: str, view: DocView, ss: int) -> bool:
    """Whether a paragraph that opens a list the sentence at ss sits in names targets (once per sentence start)."""
    memo = view.memo.setdefault("targets.leads_to_targets", {})
    if ss not in memo:
        memo[ss] = any(_words_rx("target").search(lead) for lead in _list_leads(work, view, ss))
    return memo[ss]


# --- the extractor ------------------------------------------------------------------------------

def candidates(view: DocView) -> list[Candidate]:
    """Every figure of the document with its comparator, indicator, year and role."""
    work = view.work
    out: list[Candidate] = []
    for start, end in view.regions():
        starts = FigureStarts(work, start, end, view.layers.numbers)  # the work copy's digits are the text's
        for ps, pe in _paragraphs(work, start, end):
            if starts.any_within(ps, pe):
                out.extend(_read_paragraph(view, work, ps, pe, starts))
    out.extend(_table_figures(view, out))
    _follow_the_body(view, out)
    _share_years(out)
    return out


# A figure cell of an indicator table: a bound, the number, a percent sign (`≥ 95%`, `27.000`, `Trên 90%`).
TABLE_FIGURE = re.compile(r"^\s*(?P<cmp>≥|>=|≤|<=|>|<|(?:trên|dưới|tối\s+thiểu|tối\s+đa|ít\s+nhất|không\s+quá)\s)?\s*"
                          r"(?P<n>\d[\d.,]*)\s*(?P<pct>%)?\s*$", re.IGNORECASE)
_TABLE_BOUNDS = {"≥": ">=", ">=": ">=", "≤": "<=", "<=": "<=", ">": ">", "<": "<", "trên": ">", "dưới": "<",
                 "tối thiểu": ">=", "ít nhất": ">=", "tối đa": "<=", "không quá": "<="}


def _table_figures(view: DocView, found: list[Candidate]) -> list[Candidate]:
    """The figures of indicator tables (extractors.tables.indicator_rows: `Chỉ tiêu | ĐVT | Năm 2026 ...`):
    each planned figure a target for its column's year (or the year its group row names), in the unit
    column's unit; the column that reports a result (`ƯTH năm 2025`) its baseline. A sub-item's indicator
    (`- Diện tích` under `1 | Cà phê`) is named with its group. Cells the text reading already made a
    figure of stay as read."""
    from extractors.tables import indicator_rows

    taken = [(c.vstart, c.vend) for c in found]
    out: list[Candidate] = []
    for row in indicator_rows(view):
        table = row.table
        indicator = re.sub(r"^[-+•]\s*", "", table.cell_text(row.indicator))
        parent = _parent_item(table, row)
        if parent and not _tokens(parent) <= _tokens(indicator):
            indicator = f"{indicator} {parent}"
        unit_text = table.cell_text(row.unit) if row.unit is not None else ""
        baseline = None
        for cell, col in row.values:
            m = TABLE_FIGURE.match(table.cell_text(cell))
            if col.actual and m and (value := parse_number(m["n"])) is not None:
                baseline = Baseline(value=value, year=col.year, span=(cell.start, cell.end), text=None)
        for cell, col in row.values:
            m = TABLE_FIGURE.match(table.cell_text(cell))
            if col.actual or not m or any(a < cell.end and cell.start < b for a, b in taken):
                continue
            value = parse_number(m["n"])
            year = col.year or row.group_year
            if value is None or (year is None and not re.search(r"mục\s+tiêu|kế\s+hoạch", col.header, re.IGNORECASE)):
                continue
            unit = "%" if m["pct"] else unit_text
            if not unit:
                continue
            bound = re.sub(r"\s+", " ", (m["cmp"] or "").strip().lower())
            out.append(Candidate(cell.start, cell.end, value, unit, ustart=cell.end, chain_start=row.indicator.start,
                                 comparator=_TABLE_BOUNDS.get(bound, ">="), explicit=True, indicator=indicator,
                                 ind_start=row.indicator.start, year=year, stated_year=year, role="target",
                                 inline_baseline=baseline))
    return out


def _parent_item(table, row) -> str:
    """What a sub-item row (`-` or nothing in the number column) breaks down: the indicator of the nearest
    numbered row above it (`1 | Cà phê` for `- | Diện tích`, `5 | Kim ngạch xuất khẩu` for `- | Tốc độ tăng
    trưởng`); "" for a numbered row."""
    def numbered(r: int) -> bool:
        cell = table.grid[r][0]
        return cell is not None and cell.row == r and bool(re.search(r"\w", table.cell_text(cell)))

    if numbered(row.row):
        return ""
    col = row.indicator.col
    for r in range(row.row - 1, -1, -1):
        if numbered(r):
            cell = table.grid[r][col]
            if cell is None or cell.row != r:  # a group row: its title stands after the number
                cell = next((c for c in table.row_cells(r) if c.row == r and c.col > 0), None)
            return table.cell_text(cell).rstrip(" :") if cell is not None and cell.row == r else ""
    return ""


def _follow_the_body(view: DocView, cands: list[Candidate]) -> None:
    """An annex row that restates a figure of the body is what the body made of it: a funding rule
    restated in a task table stays a funding rule."""
    body_end = view.body[1]
    body = [c for c in cands if c.vstart < body_end]
    for c in cands:
        if c.vstart < body_end:
            continue
        first = next((k for k in body if _restates(k, c)), None)
        if first is not None:
            c.role = first.role


def _share_years(cands: list[Candidate]) -> None:
    """An annex table restates an objective without its horizon: it takes the year of the same figure
    for the same indicator stated earlier (`Tỷ lệ doanh nghiệp ... đạt 60%` under `đến năm 2030`)."""
    stated = [c for c in cands if c.role == "target" and c.year]
    for c in cands:
        if c.role != "target" or c.year:
            continue
        for k in stated:
            if k.vstart < c.vstart and _restates(k, c):
                c.year = k.year
                break


def _restates(first: Candidate, later: Candidate) -> bool:
    """`later` states the same figure for the same indicator as `first` (an annex row, a summary): the same
    words but for a rate's head (`Tỷ lệ`) and one more or less; `bạo lực gia đình` and `bạo lực trên cơ sở giới`
    are two indicators however many words they share."""
    if first.unit != later.unit or not _same_value(first.value, later.value) \
            or (first.value_max is None) != (later.value_max is None) \
            or (first.value_max is not None and not _same_value(first.value_max, later.value_max)):
        return False  # `10 - 14%` and `10 - 12%` are two figures
    a, b = _tokens(RATE_HEAD.sub("", first.indicator)), _tokens(RATE_HEAD.sub("", later.indicator))
    return bool(a and b) and len(a ^ b) <= max(1, 0.1 * max(len(a), len(b)))


def _same_value(a: float, b: float) -> bool:
    return abs(a - b) < 1e-9


def _read_paragraph(view: DocView, work: str, ps: int, pe: int, starts: FigureStarts | None = None) -> list[Candidate]:
    figs = _figures(work, ps, pe, starts)
    if not figs:
        return []
    kept: list[Candidate] = []
    prev: Optional[Candidate] = None
    for cand in figs:
        cand.sentence = _bounds(work, SENTENCE_END, ps, pe, cand.vstart)
        cand.clause = _bounds(work, CLAUSE_END, ps, pe, cand.vstart)
        cs, ce = cand.clause
        same_clause = prev is not None and prev.clause == cand.clause and not prev.dropped
        lo = max(cs, prev.vend) if same_clause else cs
        if not cand.rank:
            _read_chain(work, cand, lo)
        if prev is not None and _breaks_down(work, prev, cand) and (
                cand.label or not cand.explicit or re.match(r"chiếm", work[cand.chain_start:cand.vstart], re.IGNORECASE)):
            # `58 trạm (Trong đó: VNPT: 25 trạm, ...)`, `(Chiếm 32,2 %)`: the parts of the figure before, no targets of
            # their own; `60 % (trong đó đào tạo nghề đạt 40 %)` sets a target for a part
            continue
        if cand.unit != "%" and not cand.denominator and not cand.explicit and not cand.label \
                and _section_kind(view, cand.vstart) != "situation":
            # a bare count is a figure only in a list opened by a counted target: `100 doanh nghiệp ..., 50 doanh nghiệp`;
            # in the situation section it is a present value (`Trong đó, có 28 trạm 5G`), a baseline to be
            if not (same_clause and prev.unit != "%" and prev.phrase_end and
                    re.fullmatch(r"[\s,]*(?:và|hoặc)?\s*", work[prev.phrase_end:cand.vstart])) \
                    and not _objective_item(view, work, cand, cs) and not cand.strive:
                continue
        if _in_quote_or_title(work, cand, ps, cs) or _is_share(work, cand, cs):
            continue
        if cand.unit != "%" and not cand.denominator and RATE_HEAD.match(_clean_before(work[lo:cand.chain_start])):
            continue  # `Tỉ lệ cơ quan sử dụng ít nhất 01 ứng dụng AI`: the count defines whom a rate counts
        if cand.unit != "%" and any(k.unit == "%" and k.phrase_end and k.ind_start is not None and k.ind_start < cand.vstart < k.phrase_end
                                    for k in kept):
            continue  # `70% phụ nữ được tầm soát ít nhất 4 loại bệnh`: the count qualifies the percentage
        window = work[lo:cand.chain_start]
        before = _clean_before(window)
        if same_clause and re.fullmatch(r"[^,;()]*\s(?:và|hoặc|nhưng)\s*", window):
            before = ""  # `dưới 5,5% tổng số trẻ em và xuống còn 4%`: the words complete the figure before
        after, after_end = _phrase_after(work, cand, ce)
        coordinated = bool(re.search(r"(?:\bvà|\bhoặc|,)\s*$", window)) and not cand.explicit
        starts_head = bool(_words_in("start").match(before))
        opened = re.search(r"(?<![\w])(?:cho|tại|ở)\s+$", work[cand.chain_start:cand.vstart], re.IGNORECASE)
        use_after = bool(after) and (coordinated or not before or opened or (
            not _words_rx("head").search(before) and not starts_head and len(after.split()) > 2))
        if cand.rank:
            _read_rank(work, cand, prev, lo, after, after_end)
        elif cand.label:
            # `+ Lắp đặt mới trạm 3G/4G: 58 trạm`, `nâng tổng số trạm 5G: 188 trạm`: the label names the count
            ls = max(work.rfind(ch, ps, cs - 1) for ch in ",;:.)(\n") + 1
            ls = max(ls, ps)
            cand.indicator = _clean_before(work[ls:cs - 1])
            if re.fullmatch(r"(?:ĐVT|đơn vị(?: tính)?)", cand.indicator, re.IGNORECASE):
                continue  # `ĐVT: 1000 đồng`: a table's unit of account, no figure
            cand.ind_start = ls + len(work[ls:cs]) - len(work[ls:cs].lstrip()) if cand.indicator else None
        elif use_after:
            cand.indicator, cand.after_value = after, True
            cand.ind_start = cand.ustart if cand.noun_unit else cand.vstart
            cand.phrase_end = after_end
            # `tổ chức tuyên truyền ... cho người học tại 100% nhà trường và trên 70% người lao động`: the action
            # before the preposition is what the figure counts, for it and for the items coordinated with it
            if opened and before:
                cand.action = re.split(r"\s(?:và|hoặc)\s", before)[-1]
                cand.ind_start = lo + window.find(cand.action) if cand.action in window else cand.ind_start
            elif same_clause and prev.action and re.search(r"(?:\bvà|\bhoặc|,)\s*$", window):
                cand.action = prev.action
            if cand.action:
                cand.indicator = _tidy(f"{after} {cand.action}")
        elif before:
            if same_clause and prev.indicator:
                before = _splice(prev.indicator, before)
            if cand.strive and cand.noun_unit and fold(cand.unit) not in fold(before):
                before = _tidy(f"{cand.unit} {before}")  # `Phấn đấu toàn Tỉnh có 23 đô thị`: the towns of the province
            cand.indicator = before
            cand.ind_start = lo + window.find(before.split()[0]) if before.split()[0] in window else cand.chain_start
        elif same_clause and prev.indicator:
            cand.indicator = prev.indicator
        elif not same_clause and work[ps:cs].rstrip().endswith(":") and not work[cs:cand.chain_start].strip():
            # `Nhu cầu vốn đầu tư ...: khoảng 80.731 tỷ đồng`: the label names the figure
            ls = _bounds(work, CLAUSE_END, ps, pe, cs - 1)[0]
            cand.indicator = _clean_before(work[ls:cs].rstrip().rstrip(":"))
            cand.ind_start = ls + len(work[ls:cs]) - len(work[ls:cs].lstrip()) if cand.indicator else None
        elif prev is not None and prev.sentence == cand.sentence and prev.indicator and not prev.dropped:
            cand.indicator = prev.indicator
        if prev is not None and prev.sentence == cand.sentence and prev.indicator and not prev.dropped \
                and GOAL_BESIDE.match(work[max(cs, prev.end):cand.chain_start]):
            # `Tỷ lệ bao phủ bảo hiểm y tế đạt 93,5%, mục tiêu năm 2026 đạt 95%`: the goal of the figure before it
            cand.indicator, cand.goal = prev.indicator, prev
        if cand.indicator and prev is not None and prev.sentence == cand.sentence and prev.indicator \
                and _names_no_quantity(cand.indicator) and not _names_no_quantity(prev.indicator):
            # `tổng giá trị ... đạt 48,3 triệu USD, tốc độ tăng bình quân 05 - 06%/năm`: the growth of that value
            cand.indicator = _tidy(f"{cand.indicator} {prev.indicator}")
        if not cand.indicator:
            continue
        if not cand.explicit and same_clause and prev.comparator and coordinated:
            if not (cand.unit == "%" and cand.value >= 100 and prev.comparator in (">", ">=")):
                cand.comparator = prev.comparator
        if cand.comparator is None:
            cand.comparator = "=" if cand.unit == "%" and cand.value == 100 else ">="
        cand.stated_year, context_year = _year_of(view, work, cand, ps, pe)
        cand.year = cand.stated_year or context_year
        if cand.stated_year is None and prev is not None and prev.year and BREAKDOWN.match(work, cand.sentence[0]):
            cand.year = prev.year  # `... đến năm 2030 đạt 400 triệu USD. Trong đó: Giá trị ... đạt 395 triệu USD`
        cand.role = _role(view, work, cand)
        if cand.role is None and prev is not None and prev.role == "target" and prev.sentence == cand.sentence:
            cand.role = "target"  # a list of figures opened by a target: `đạt 85% X và 60% Y; 100% Z`
        _pair_from_to(work, prev, cand)
        kept.append(cand)
        prev = cand
    _share_predicates(work, kept)
    _bounds_of_a_norm(work, kept)
    return [c for c in kept if not c.dropped]


MINIMUM = re.compile(r"(?<![\w])(?:tối\s+thiểu|ít\s+nhất)(?![\w])", re.IGNORECASE)
MAXIMUM = re.compile(r"(?<![\w])tối\s+đa(?![\w])", re.IGNORECASE)


def _bounds_of_a_norm(work: str, cands: list[Candidate]) -> None:
    """`mức tối thiểu là 100m2 và tối đa không quá 1.000m2`, `tối thiểu là 0,5 ha nhưng tối đa không quá 30 ha`:
    a floor and a ceiling of one quantity set the range a rule allows, not an objective to reach."""
    for a, b in zip(cands, cands[1:]):
        if a.sentence == b.sentence and a.unit == b.unit and MINIMUM.search(work[a.chain_start:a.vstart]) \
                and MAXIMUM.search(work[b.chain_start:b.vstart]):
            a.role = b.role = None


def _objective_item(view: DocView, work: str, cand: Candidate, cs: int) -> bool:
    """A count that opens an item of an objectives list (`3. Có 126 trường học kết nối Internet tốc độ cao.`,
    `- 1.250 giáo viên được bồi dưỡng kỹ năng số.`): the item states it as the objective."""
    if _section_kind(view, cand.vstart) != "objectives" or not cand.noun_unit:
        return False
    if cand.item:
        # an item under a heading that says so (`Mục tiêu cụ thể`, `Chỉ tiêu`; not a norm: `Định mức tiêu hao`),
        # counting a noun (`giáo viên`), not a measure in capitals (`64 MB`)
        return cand.unit[:1].islower() and any(re.search(r"(?<!\w)(?:mục tiêu|chỉ tiêu)(?!\w)", (sec.title or "").lower())
                                               for sec in view.ancestors_at(cand.vstart))
    line_start = work.rfind("\n", 0, cand.vstart) + 1
    lead = LIST_MARKER.sub("", work[max(line_start, cs):cand.vstart].lstrip())
    return not _words_rx("leadin", "start").sub("", lead).strip()


# A sentence that breaks down the figure of the sentence before it: its parts share that figure's horizon.
BREAKDOWN = re.compile(r"\s*(?:[-+•]\s*)?Trong\s+đó\b", re.IGNORECASE)


def _names_no_quantity(indicator: str) -> bool:
    """An indicator made only of the words of a growth rate (`tốc độ tăng bình quân`) measures no quantity of its own."""
    rest = f" {indicator.lower()} "
    for w in sorted(words("growth"), key=len, reverse=True):
        rest = rest.replace(f" {w} ", " ")
    return not rest.strip()


def _breaks_down(work: str, prev: Candidate, cand: Candidate) -> bool:
    """`cand` stands in a parenthesis opened right after the figure `prev` (`58 trạm (Trong đó: VNPT: 25 trạm`,
    `28 trạm 5G ... (Chiếm 32,2 %)`): a breakdown or a share of that figure."""
    opened = work.rfind("(", prev.vend, cand.vstart)
    return opened >= 0 and work.find(")", opened, cand.vstart) < 0 and prev.sentence == cand.sentence \
        and not re.search(r"\d", work[prev.vend:opened]) and opened - prev.vend < 60


RANK_VERB = re.compile(r"^(?:và|hoặc)?\s*(?:thuộc|vào|lọt\s+vào|nằm\s+trong|đứng\s+trong|trong)?$", re.IGNORECASE)


def _read_rank(work: str, cand: Candidate, prev: Optional[Candidate], lo: int, after: str, after_end: int) -> None:
    """`Việt Nam thuộc nhóm 4 nước dẫn đầu ASEAN và nhóm 60 nước dẫn đầu thế giới`: the indicator is what is
    ranked and the group it ranks in; an item that names no subject ranks the subject of the rank before it."""
    if prev is not None and prev.clause == cand.clause and prev.phrase_end:
        lo = max(lo, prev.phrase_end)
    seg = re.split(r"[,;:]", work[lo:cand.chain_start])[-1].strip()
    if RANK_VERB.match(seg) and prev is not None and prev.rank and prev.sentence == cand.sentence:
        seg = prev.subject
    cand.subject = _tidy(re.sub(r"^(?:và|hoặc)\s+", "", seg, flags=re.IGNORECASE))
    cand.indicator = _tidy(f"{cand.subject} nhóm {after}")
    cand.after_value, cand.phrase_end = True, after_end
    cand.ind_start = lo + work[lo:cand.chain_start].rfind(seg) if seg and seg in work[lo:cand.chain_start] else cand.chain_start


def _splice(prev: str, part: str) -> str:
    """`tỷ lệ đi học ở cấp tiểu học` + `ở cấp trung học cơ sở` -> `tỷ lệ đi học ở cấp trung học cơ sở`."""
    if _words_rx("head").match(part) or _words_rx("start", "start").match(part):
        return part
    mod = _words_in("modifier").match(part)
    if not mod:
        return part
    first = mod.group(0).lower()
    pos = f" {prev.lower()} ".rfind(f" {first} ")
    if pos > 0:
        return _tidy(prev[:pos - 1] + " " + part) if pos - 1 > 0 else part
    return part


def _year_of(view: DocView, work: str, cand: Candidate, ps: int, pe: int) -> tuple[Optional[int], Optional[int]]:
    """(year stated in the sentence, year from the list intro or heading).

    The words after the figure come first (`lên 55% vào năm 2020`), up to the next figure or a parenthesis;
    then the clause before it; then a year that opens an earlier clause of the sentence
    (`Đến năm 2025 đạt 80% ...; 50% ...`), never one inside it (`gấp 2 lần năm 2010; ... 46%`)."""
    ss, se = cand.sentence
    cs, ce = cand.clause
    nxt = PERCENT.search(work, cand.end, se)
    stop = min(ce, nxt.start() if nxt else se)
    later = NEXT_HORIZON.search(work, cand.vend, stop)  # `đạt 95,5% dân số, đến năm 2030 đạt ...`: the next clause's
    stop = later.start() if later else stop
    paren = re.compile(r"\((?=[^()]*\d)").search(work, cand.vend, stop)  # `(năm 2020 đạt 30%)` is another figure's
    after = work[cand.vend:paren.start() if paren else stop]
    year = _year_in(COMPARED_YEAR.sub(" ", after)) if _may_hold_year(after) else None
    if year is None:
        year = _year_in(_outside_citations(work, cs, cand.chain_start), last=True)
    if year is None:
        for m in CLAUSE_END.finditer(work, ss, cs):
            lead = YEAR_LEAD.match(LIST_MARKER.sub("", work[m.end():cs].lstrip()))
            lead = lead or YEAR_LEAD.match(_words_rx("leadin", "start").sub("", work[m.end():cs].lstrip()))
            if lead and _year_in(lead.group(0)):
                year = _year_in(lead.group(0))
        first = LIST_MARKER.sub("", work[ss:cs].lstrip())  # `Phấn đấu đến năm 2030 có ...; ... khoảng 55%`
        lead = (YEAR_LEAD.match(first) or YEAR_LEAD.match(_words_rx("leadin", "start").sub("", first))) if ss < cs else None
        if year is None and lead:
            year = _year_in(lead.group(0))
    if year is not None:
        return year, None
    return None, _intro_year(work, view, ps) or _heading_year(view, cand.vstart)


# A comma, then a horizon that words go on after: the horizon opens the next clause, it is not this figure's
# (`đạt 55%, vào năm 2020.` keeps its year: nothing follows the horizon).
NEXT_HORIZON = re.compile(rf",\s*(?:(?:đến|tới|vào|trong)\s+)?(?:(?:cuối|hết|đầu)\s+)?năm\s+{YEAR}\s+(?=[^\W\d_])",
                          re.IGNORECASE)


def _outside_citations(work: str, lo: int, hi: int) -> str:
    """The words of [lo, hi) after any cited title: `theo Nghị quyết số 66/NQ-CP ... năm 2025 và 2026, đảm bảo`
    names the cited programme's years, not the horizon of the figure after it."""
    cited = CITATION.search(work, lo, hi)
    if not cited:
        return work[lo:hi]
    comma = work.rfind(",", cited.end(), hi)  # a title may hold commas: the figure's own words follow the last
    return work[lo:cited.start()] + " " + (work[comma + 1:hi] if comma >= 0 else "")


def _pair_from_to(work: str, prev: Optional[Candidate], cand: Candidate) -> None:
    """`giảm từ 23 ca sinh/1.000 phụ nữ xuống 18 ca sinh`: the first figure is the second's baseline."""
    if prev is None or prev.clause != cand.clause or prev.unit.split("/")[0] != cand.unit.split("/")[0]:
        return
    if re.search(r"(?<![\w])từ\s+$", work[prev.chain_start - 5 if prev.chain_start >= 5 else 0:prev.vstart], re.IGNORECASE) \
            and re.search(r"(?<![\w])(?:xuống|lên|còn|đến)\s", work[prev.vend:cand.vstart], re.IGNORECASE):
        prev.dropped = True
        cand.inline_baseline = Baseline(value=prev.value, year=None, span=(prev.vstart, prev.vend),
                                        text=work[prev.vstart:prev.vend])
        cand.indicator = prev.indicator or cand.indicator
        cand.ind_start = prev.ind_start if prev.ind_start is not None else cand.ind_start


def _share_predicates(work: str, cands: list[Candidate]) -> None:
    """Items of a coordinated list share what only one of them says:
    `12,5% trẻ em nhà trẻ và 80% trẻ em mẫu giáo được chăm sóc`, `Trên 80% số trạm y tế ... và 100% cơ sở cai
    nghiện ... đủ điều kiện ...`: the last item's predicate is everyone's; `100% bộ, ngành, địa phương đạt cấp độ 4
    và 90% đạt cấp độ 5`: an item that opens with its predicate takes the subject of the item before."""
    for i in range(len(cands) - 1, 0, -1):
        a, b = cands[i - 1], cands[i]
        if not (a.after_value and b.after_value and a.phrase_end and a.sentence == b.sentence):
            continue
        if not re.fullmatch(r"[\s,]*(?:và|hoặc)\s*", work[a.phrase_end:b.chain_start]):
            continue
        pred_a, pred_b = _predicate_at(a.indicator), _predicate_at(b.indicator)
        if pred_b is not None and pred_b == 0 and pred_a:
            b.indicator = _tidy(a.indicator[:pred_a] + " " + b.indicator)
        elif pred_b and pred_a is None:
            a.indicator = _tidy(a.indicator + " " + b.indicator[pred_b:])


def _predicate_at(indicator: str) -> Optional[int]:
    """Where the predicate of an indicator starts (`trẻ em mẫu giáo| được chăm sóc`), None when it has none."""
    passive = re.search(r"(?<![\w])(?:được|bị)(?![\w])", indicator)  # the passive marks it before any verb
    m = passive or _words_rx("predicate").search(indicator)
    return m.start() if m else None


# --- baselines ----------------------------------------------------------------------------------

def _tokens(text: str) -> set[str]:
    return set(fold(text).split())


def _baseline_score(target: Candidate, base: Candidate) -> float:
    """How well a present value's indicator names the target's: most of the target's words, beyond the generic
    measure that opens it (`tổng số`, `tỷ lệ`), and not lost among many others."""
    t, b = _content_words(target.indicator), base.words
    if not t or not b:
        return 0.0
    inter = len(t & b)
    contain = inter / len(t)
    dice = 2 * inter / (len(t) + len(b))
    if contain < 0.7 or dice < 0.4:
        return 0.0
    return 0.7 * contain + 0.3 * dice


def _content_words(indicator: str) -> set[str]:
    stripped = _words_rx("start", "start").sub("", _words_rx("head", "start").sub("", indicator))
    return _tokens(stripped) or _tokens(indicator)


def _link_baseline(target: Candidate, bases: list[Candidate]) -> Optional[Baseline]:
    if target.inline_baseline is not None:
        return target.inline_baseline
    best, best_score = None, 0.0
    for base in bases:
        if base.unit != target.unit or base is target:
            continue
        if target.year and base.year and base.year >= target.year:
            continue
        s = _baseline_score(target, base)
        if s > best_score:
            best, best_score = base, s
    if best is None:
        return None
    return Baseline(value=best.value, year=best.stated_year, span=(best.start, best.end), text=None)


def extract(view: DocView) -> Iterator[Target]:
    cands = candidates(view)
    for c in cands:
        c.words = _tokens(c.indicator)
    bases = [c for c in cands if c.role == "baseline"]
    kept: list[tuple[Candidate, Target]] = []
    for c in cands:
        if c.role != "target":
            continue
        first = next((t for k, t in kept if k.year == c.year and _restates(k, c)), None)
        if first is not None:
            first.restated.append((c.start, c.end))  # one target, however often the document states it
            continue
        baseline = _link_baseline(c, bases)
        if baseline is None and c.goal is not None and c.goal.unit == c.unit and c.goal.role != "target":
            g = c.goal  # the present value the goal is written beside is its baseline
            baseline = Baseline(value=g.value, year=g.stated_year, span=(g.start, g.end), text=None)
        if baseline is not None and baseline.span and baseline.text is None:
            baseline = baseline.model_copy(update={"text": view.text[baseline.span[0]:baseline.span[1]]})
        kept.append((c, Target(**view.provenance(c.start, c.end), indicator=c.indicator, value=c.value, unit=c.unit,
                               comparator=c.comparator, year=c.year, baseline=baseline,
                               value_max=c.value_max, denominator=c.denominator)))
    for _, target in kept:
        yield target
