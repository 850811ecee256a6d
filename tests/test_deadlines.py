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
