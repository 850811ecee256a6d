"""Deadlines: real phrases (tests/cases/deadlines.csv), constructed forms, gold, and robustness."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors import deadlines
from extractors.base import phrase_view

from tests import casefiles
from tests.casefiles import load_cases, source_text



def case_params(name: str):
    return casefiles.case_params(load_cases(name), lambda c: c["note"] if c["status"] == "xfail" else None)


def run(phrase: str, doc_date: str = "", section_title: str = "", source: str = ""):
    view = phrase_view(phrase, date.fromisoformat(doc_date) if doc_date else None, section_title or None,
                       casefiles.phrase_blocks(source, phrase) if source else None)
    return list(deadlines.extract(view, references=[]))


def shape(d) -> tuple:
    return (d.date.isoformat() if d.date else "", d.recurrence or "", str(d.month or ""), str(d.day or ""))


@pytest.mark.parametrize("case", case_params("deadlines.csv"))
def test_case(case):
    found = run(case["phrase"], case["doc_date"], case["section_title"], case["source"])
    if case["date"] == "none":
        assert found == [], [f.text for f in found]
    else:
        want = (case["date"], case["recurrence"], case["month"], case["day"])
        assert want in [shape(f) for f in found], [(f.text, shape(f)) for f in found]
    for f in found:
        assert case["phrase"][f.span[0]:f.span[1]] == f.text


def test_case_file_covers_enough():
    cases = load_cases("deadlines.csv")
    assert len(cases) >= 50
    assert len({c["source"] for c in cases}) >= 10
    assert len({c["id"] for c in cases}) == len(cases)


@pytest.mark.parametrize("name", sorted({c["source"] for c in load_cases("deadlines.csv")}))
def test_phrases_are_verbatim(name):
    """Every phrase is copied from the normalised text of its source document."""
    text = source_text(name)
    for c in load_cases("deadlines.csv"):
        if c["source"] == name:
            assert " ".join(c["phrase"].split()) in text, c["id"]


# Forms the brief names that the real corpus does not contain; phrases written in the corpus's style.
CONSTRUCTED = [
    ("trước ngày 30/6", "2025-03-01", ("2025-06-30", "", "", "")),
    ("hoàn thành trước ngày 15 tháng 12 năm 2024", "", ("2024-12-15", "", "", "")),
    ("báo cáo trước ngày 15-12-2024", "", ("2024-12-15", "", "", "")),
    ("chậm nhất ngày 20.11.2025", "", ("2025-11-20", "", "", "")),
    ("hoàn thành trong quý III/2025", "", ("2025-09-30", "", "", "")),
    ("hoàn thành trong quý 3 năm 2025", "", ("2025-09-30", "", "", "")),
    ("triển khai xong trong 6 tháng đầu năm 2025", "", ("2025-06-30", "", "", "")),
    ("hoàn thành trong năm 2026", "", ("2026-12-31", "", "", "")),
    ("báo cáo kết quả trước ngày 31/3 năm sau", "2025-11-20", ("2026-03-31", "", "", "")),
    ("báo cáo kết quả trước ngày 31/12 năm sau", "2025-11-20", ("2025-12-31", "", "", "")),
    ("báo cáo hằng quý về Sở Tài chính", "", ("", "quarterly", "", "")),
    ("báo cáo hằng tháng về Sở Tài chính", "", ("", "monthly", "", "")),
    ("định kỳ hằng năm (trước ngày 15/12) báo cáo", "", ("", "annual", "12", "15")),
    # a ministry's letter: the sentence opens with the agency, the limit sits inside it
    ("Bộ Công Thương đề nghị Ủy ban nhân dân các tỉnh, thành phố chỉ đạo các cơ quan chức năng khẩn trương rà soát, "
     "gửi kết quả về Bộ Công Thương (qua Vụ Thị trường trong nước) trước ngày 05 tháng 12 năm 2025.", "2025-11-20",
     ("2025-12-05", "", "", "")),
    ("Đề nghị Quý Cơ quan gửi ý kiến bằng văn bản về Bộ Nội vụ trước ngày 25/11/2025; quá thời hạn trên, nếu không "
     "nhận được ý kiến, Bộ Nội vụ xem như Quý Cơ quan thống nhất.", "2025-11-20", ("2025-11-25", "", "", "")),
    ("Bộ Giáo dục và Đào tạo đề nghị các Sở Giáo dục và Đào tạo hoàn thành trước 30/11/2025.", "2025-11-20",
     ("2025-11-30", "", "", "")),
    ("Hạn chót nộp hồ sơ: ngày 30/12/2025.", "2025-11-20", ("2025-12-30", "", "", "")),
]


@pytest.mark.parametrize("phrase,doc_date,want", CONSTRUCTED, ids=[c[0] for c in CONSTRUCTED])
def test_constructed_form(phrase, doc_date, want):
    found = run(phrase, doc_date, "Tổ chức thực hiện")
    assert want in [shape(f) for f in found], [(f.text, shape(f)) for f in found]


def test_bare_cadence_in_tasks_section_is_not_a_deadline():
    """`báo cáo định kỳ hằng năm` where tasks are described is a cadence; where reporting is set, a deadline."""
    phrase = "Thường xuyên báo cáo tình hình thực hiện định kỳ hằng năm và giai đoạn."
    assert run(phrase, "2024-10-21", "Nhiệm vụ và giải pháp") == []
    assert [shape(f) for f in run(phrase, "2024-10-21", "Tổ chức thực hiện")] == [("", "annual", "", "")]


def test_cited_reference_spans_are_skipped():
    """A date inside a span the references extractor found is the cited text's date."""
    from schemas import Reference
    phrase = "theo Kế hoạch ngày 15/3/2025 của Ủy ban nhân dân tỉnh, hoàn thành trước ngày 15/3/2025"
    view = phrase_view(phrase, date(2025, 1, 2), "Tổ chức thực hiện")
    start = phrase.index("Kế hoạch")
    cited = [Reference(span=(start, start + 30), text=phrase[start:start + 30])]
    texts = [d.text for d in deadlines.extract(view, references=cited)]
    assert texts == ["hoàn thành trước ngày 15/3/2025"]


# Times of day and weekdays (the forms; the corpus has only the daily `trước 19h00’ hằng ngày` kind):
# (phrase, doc date, (date, recurrence, month, day), time, weekday).
TIMED = [
    ("Các đơn vị gửi báo cáo trước 17 giờ 00 phút, ngày 05/12/2025.", "2025-11-20", ("2025-12-05", "", "", ""), "17:00", None),
    ("báo cáo UBND tỉnh trước 19h00 hằng ngày", "2025-11-20", ("", "daily", "", ""), "19:00", None),
    ("Gửi báo cáo tuần trước 15 giờ thứ Sáu hằng tuần về Văn phòng.", "2025-11-20", ("", "weekly", "", ""), "15:00", 5),
    ("Tổ chức giao ban vào sáng thứ Hai hằng tuần.", "2025-11-20", ("", "weekly", "", ""), None, 1),
    ("Báo cáo số liệu gửi chậm nhất vào Chủ nhật hằng tuần.", "2025-11-20", ("", "weekly", "", ""), None, 7),
]


@pytest.mark.parametrize("phrase,doc_date,want,at,weekday", TIMED, ids=[c[0][:40] for c in TIMED])
def test_time_of_day_and_weekday(phrase, doc_date, want, at, weekday):
    found = [f for f in run(phrase, doc_date, "Tổ chức thực hiện") if shape(f) == want]
    assert found, [(f.text, shape(f)) for f in run(phrase, doc_date, "Tổ chức thực hiện")]
    assert (found[0].time.strftime("%H:%M") if found[0].time else None) == at
    assert found[0].weekday == weekday


# Not time limits: what a date does there decides (data cut-off, purpose, a range of working hours).
NOT_LIMITS = [
    "Số liệu tính đến ngày 30/11/2025.",
    "Để cải thiện chỉ số PCI trong năm 2025, các sở tập trung thực hiện các giải pháp.",
    "Buổi sáng làm việc từ 7h30 đến 11h30 hằng ngày.",
    "Báo cáo số liệu từ ngày 01/01/2025 đến ngày 30/11/2025.",
]


@pytest.mark.parametrize("phrase", NOT_LIMITS, ids=[p[:40] for p in NOT_LIMITS])
def test_not_a_time_limit(phrase):
    assert run(phrase, "2025-11-20", "Tổ chức thực hiện") == []


CELLS = [
    ("Tháng 3/2026", ("2026-03-31", "", "", "")),
    ("Quý II/2026", ("2026-06-30", "", "", "")),
    ("Năm 2025-2030", ("2030-12-31", "", "", "")),
    ("Năm 2025 - 2026", ("2026-12-31", "", "", "")),
    ("2025 - 2030", ("2030-12-31", "", "", "")),
    ("Quí IV-2025", ("2025-12-31", "", "", "")),
    ("Hằng năm", ("", "annual", "", "")),
    ("Thường xuyên, hằng năm", ("", "annual", "", "")),
    ("Trước ngày 15/12 hàng năm", ("", "annual", "12", "15")),
    ("Thường xuyên", None),
    ("Khi có phát sinh", None),
    ("Từ năm 2026", None),
    ("Năm 2025 và các năm tiếp theo", None),
]


@pytest.mark.parametrize("cell,want", CELLS, ids=[c[0] for c in CELLS])
def test_time_column_cell(cell, want):
    """The phrase parser a table reader calls for a task table's time column (extractors.deadlines.read_time_cell)."""
    got = deadlines.read_time_cell(cell, date(2025, 11, 20))
    if want is None:
        assert got is None
        return
    shaped = (got["date"].isoformat() if got["date"] else "", got["recurrence"] or "", str(got["month"] or ""),
              str(got["day"] or ""))
    assert shaped == want


def test_annex_time_column_on_real_plans():
    """Task annexes: each row's time cell is a deadline (`Năm 2025-2030`, `Hằng năm`); a header row of years
    (`Năm 2026` | `Năm 2027` | ...) and a capitalised title line (`... NĂM 2026`) are not."""
    from pipeline import parse
    from tests.conftest import CORPUS

    def found(name):
        return [(x.text, x.date, x.recurrence) for d in parse(CORPUS / "real" / name).documents for x in d.deadlines]
    tw = found("tw_2025_QD_2629-QD-TTg_chinh-phu-so.md")
    assert ("Năm 2025-2030", date(2030, 12, 31), None) in tw and ("Tháng 02/2026", date(2026, 2, 28), None) in tw
    hcm = found("hcm_2025_QD_2820-QD-UBND.md")
    assert any(r == "annual" and t.startswith("Hằng năm") for t, _, r in hcm)
    assert not [t for t, _, _ in found("sonla_2025_QD_2954-QD-UBND_ban-hanh-KH-xuat-khau.md") if t.startswith("Năm 202")]
    assert not [t for t, _, _ in found("thanhhoa_2025_KH_235-KH-UBND_quan-trac-thuy-san.md") if t.isupper()]


VOCAB = ["trước ngày ", "chậm nhất ", "trong tháng ", "quý IV/", "hằng năm", "định kỳ 6 tháng (", "ngày ", "tháng ",
         "năm ", "/", "-", ".", ",", ";", "(", ")", " ", "\n", "Số 12/KH-UBND ngày ", "từ ", "đến ", "Uỷ ban "]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(VOCAB), st.integers(0, 2100).map(str), st.text(max_size=4)), max_size=40),
       st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2040, 12, 31))),
       st.sampled_from([None, "Tổ chức thực hiện", "Nhiệm vụ", "Mục tiêu", "Tình hình"]))
def test_random_text_never_raises_and_spans_slice_back(parts, doc_date, title):
    phrase = "".join(parts)
    view = phrase_view(phrase, doc_date, title)
    for d in deadlines.extract(view, references=[]):
        assert phrase[d.span[0]:d.span[1]] == d.text
        assert d.date is not None or d.recurrence is not None


# The pieces date expressions and their look-alikes are made of, in every case, with the characters IGNORECASE
# takes for a letter (`ſ`, `ı`, `İ`): what the patterns meet where PATTERN_STARTS decides where they are tried.
PIECES = ["ngày", "Ngày", "NGÀY", "tháng", "Tháng", "THÁNG", "năm", "Năm", "NĂM", "quý", "Quý", "QUÍ", "6", "06", "sáu",
          "Sáu", "ſáu", "đầu", "cuối", "thứ", "Thứ", "hai", "bảy", "chủ nhật", "Chủ Nhật", "giờ", "h", "phút", "’",
          "hằng", "hàng", "mỗi", "Mỗı", "định kỳ", "Định kỳ", "báo cáo", "BÁO CÁO", "İ", "đến", "và", "IV", "II",
          " ", "  ", "\n", "\t", "/", ".", "-", "–", ",", ";", ":", "a", "1", "9", "12", "123", "2025", "1990", "20",
          "19", "0", "00"]


def scanned(rx, text, lo, hi):
    return [(m.span(), m.groupdict()) for m in rx.finditer(text, lo, hi)]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.data())
def test_pattern_starts_give_the_finditer_matches(parts, data):
    text = "".join(parts)
    lo = data.draw(st.integers(0, len(text)))
    hi = data.draw(st.integers(lo, len(text)))
    starts: dict = {}
    for kind, rx in deadlines.PATTERNS.items():
        got = [(m.span(), m.groupdict()) for m in deadlines.pattern_matches(kind, text, lo, hi, starts)]
        assert got == scanned(rx, text, lo, hi), kind
    got = deadlines.matches_from(deadlines.REPORT_PERIOD, deadlines.REPORT_PERIOD_STARTS, text, lo, hi, {})
    assert [(m.span(), m.groupdict()) for m in got] == scanned(deadlines.REPORT_PERIOD, text, lo, hi)


def test_pattern_starts_give_the_finditer_matches_on_real_documents():
    from extractors.textscan import match_text
    from pipeline.normalise import normalise
    from pipeline.readers import read
    from tests.conftest import text_corpus_files

    for path in text_corpus_files()[::6]:
        mtext = match_text(normalise(read(path))[0])
        n = len(mtext)
        for lo, hi in ((0, n), (n // 3, 2 * n // 3 + 7)):
            starts: dict = {}
            for kind, rx in deadlines.PATTERNS.items():
                got = [(m.span(), m.groupdict()) for m in deadlines.pattern_matches(kind, mtext, lo, hi, starts)]
                assert got == scanned(rx, mtext, lo, hi), (path.name, kind)
            got = deadlines.matches_from(deadlines.REPORT_PERIOD, deadlines.REPORT_PERIOD_STARTS, mtext, lo, hi, {})
            assert [(m.span(), m.groupdict()) for m in got] == scanned(deadlines.REPORT_PERIOD, mtext, lo, hi)


# Each $-anchored pattern read_candidate tries on the window before a date, and the function that tries it only where
# a cheap test says it can match (its last words, a code in capitals, the word `số`, PAST_BEFORE's words): the two must
# agree on every window, or a word added to a pattern and not to its test would be lost without a sign.
GATED = {"START_CUE": deadlines._start_cue, "CUE": deadlines._cue, "REF_NUMBER": deadlines._ref_number,
         "REF_SO": deadlines._ref_so, "PAST_BEFORE": deadlines._past_before}


def _gate_agrees(name: str, before: str) -> bool:
    got, full = GATED[name](before), getattr(deadlines, name).search(before)
    assert (got and got.span()) == (full and full.span()), (name, before)
    return full is not None


def corpus_texts() -> list[tuple[str, str, str]]:
    """(name, normalised text, its matching copy) of every text file tests.conftest.text_corpus_files lists."""
    from extractors.textscan import match_text
    from pipeline.normalise import normalise
    from pipeline.readers import read
    from tests.conftest import text_corpus_files

    if not _CORPUS_TEXTS:
        for path in text_corpus_files():
            text = normalise(read(path))[0]
            _CORPUS_TEXTS.append((path.name, text, match_text(text)))
    return _CORPUS_TEXTS


_CORPUS_TEXTS: list[tuple[str, str, str]] = []


def test_gated_patterns_find_what_their_search_finds_on_every_corpus_text():
    """The window before every date candidate and every number of every corpus text (where read_candidate looks),
    cut at 80 characters and at the sentence start as read_candidate cuts it."""
    import re
    from extractors.textscan import sentence_span

    found = dict.fromkeys(GATED, 0)
    for _, _, mtext in corpus_texts():
        ends = {c.start for c in deadlines.candidates(mtext, 0, len(mtext))} | {m.start() for m in re.finditer(r"\d+", mtext)}
        for end in sorted(ends):
            sent_lo = sentence_span(mtext, end)[0]
            for lo in {max(0, end - 80), max(sent_lo, end - 80)}:
                for name in GATED:
                    found[name] += _gate_agrees(name, mtext[lo:end])
    assert all(n >= 20 for n in found.values()), found  # each pattern is met, not only turned down


def pattern_strings(rx):
    """Strings a pattern matches, made from the pattern itself (hypothesis from_regex: every alternative, in any
    case), of the letters it names in both cases, the characters IGNORECASE takes for a letter (`ſ`, `ı`, `İ`, the
    Kelvin sign), digits, capitals, white space and punctuation."""
    letters = {c for c in rx.pattern if c.isalpha()}
    alphabet = "".join(sorted(letters | {c.upper() for c in letters} | set("ſıİ\u212aaAĐQUBND0123456789 \t\n\xa0,.;:/-–&_()")))
    return st.from_regex(rx, alphabet=alphabet)


@pytest.mark.parametrize("name", GATED)
@settings(max_examples=100, deadline=None, derandomize=True)
@given(data=st.data())
def test_gated_patterns_find_what_their_search_finds_on_strings_they_match(name, data):
    """Strings each pattern matches (pattern_strings), after a piece of text a window may hold."""
    rx = getattr(deadlines, name)
    before = data.draw(st.sampled_from(["", "Số 12/KH-UBND ngày ", "đã ", "trước ", "a", " ", "\n", ", "]))
    _gate_agrees(name, before + data.draw(pattern_strings(rx)))


@pytest.mark.parametrize("words, name", [(deadlines.CUE_WORDS, "CUE"), (deadlines.START_WORDS + ("từ",), "START_CUE"),
                                         (deadlines.START_OF, "START_CUE")])
def test_every_word_of_a_gated_pattern_passes_its_gate(words, name):
    for word in words:
        for form in (word, word.upper(), word.title()):
            phrase = f"hoàn thành {form} " if name == "CUE" else (f"kể từ {form} " if word in deadlines.START_OF else f"{form} ")
            assert _gate_agrees(name, "Các đơn vị " + phrase), phrase


# The dates `pattern_matches` tries only where PATTERN_STARTS says one can begin: generated texts of numbers,
# date words and separators give finditer's matches.
_PIECES = ["ngày", "Ngày", "tháng", "THÁNG", "năm", "2025", "123", "5", "05", "1", " ", "  ", "\n", ",", "/", "-",
           "quý", "IV", "6", "sáu", "đầu", "giờ", "h", "x", "5 tháng", "12 tháng 3 năm 2025", "1  tháng\n12, năm 2020", "6 tháng đầu"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14), st.integers(0, 3), st.integers(0, 3))
def test_pattern_matches_equal_finditer(pieces, cut_lo, cut_hi):
    text = "".join(pieces)
    lo, hi = min(cut_lo, len(text)), max(min(cut_lo, len(text)), len(text) - cut_hi)
    starts: dict = {}
    for kind, rx in deadlines.PATTERNS.items():
        assert [m.span() for m in deadlines.pattern_matches(kind, text, lo, hi, starts)] == \
               [m.span() for m in rx.finditer(text, lo, hi)], kind
