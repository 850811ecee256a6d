"""The shared layers of extractors.base answer exactly what the scans they replace answered."""
from __future__ import annotations

import re
import unicodedata as _ud

from hypothesis import given, settings, strategies as st

from extractors.base import DocView, SentenceIndex, Tokens, TOKEN, caseless, fold_chars, layers_of, match_text
from extractors.textscan import clause_span, sentence_span
from pipeline.textutil import fold
from schemas import Document, Section

_SENT_END = re.compile(r"(?<!\d)[.!?](?=\s)|\n")


def scan_sentence(text, pos, lo=0, hi=None):
    """The definition: scan the window [lo, pos) for the last stop and [pos, hi) for the next."""
    hi = len(text) if hi is None else hi
    start = lo
    for m in _SENT_END.finditer(text, lo, pos):
        start = m.end()
    m = _SENT_END.search(text, pos, hi)
    end = m.end() if m and m.group() != "\n" else (m.start() if m else hi)
    while start < end and text[start].isspace():
        start += 1
    return start, end


def scan_clause(text, pos, lo=0, hi=None):
    s, e = scan_sentence(text, pos, lo, hi)
    semi = text.rfind(";", s, pos)
    if semi != -1:
        s = semi + 1
    semi = text.find(";", pos, e)
    if semi != -1:
        e = semi
    while s < e and text[s].isspace():
        s += 1
    return s, e


texts = st.text(alphabet="ab1 .!?;\n\t", max_size=60)


@settings(max_examples=400, deadline=None)
@given(texts, st.data())
def test_sentence_and_clause_spans_equal_the_scan(text, data):
    n = len(text)
    lo = data.draw(st.integers(0, n))
    hi = data.draw(st.integers(lo, n))
    pos = data.draw(st.integers(0, n))
    index = SentenceIndex(text)
    assert index.sentence_span(pos, lo, hi) == scan_sentence(text, pos, lo, hi)
    assert index.clause_span(pos, lo, hi) == scan_clause(text, pos, lo, hi)
    assert sentence_span(text, pos, lo) == scan_sentence(text, pos, lo)
    assert clause_span(text, pos) == scan_clause(text, pos)


def test_layers_are_built_once_per_text_and_keep_offsets():
    text = "Uỷ ban nhân dân **tỉnh** phối_hợp. Đồng Tháp"
    layers = layers_of(text)
    assert layers_of(text) is layers and layers.match is layers.match
    assert len(layers.match) == len(layers.work) == len(layers.folded) == len(text)
    assert layers.match == match_text(text)
    assert layers.match.startswith("Ủy ban") and "  tỉnh  " in layers.match and "phối hợp" in layers.match
    assert layers.folded.startswith("uy ban nhan dan") and layers.folded.endswith("dong thap")
    assert fold(text) == fold(layers.folded)
    assert [text[s:e] for s, e, _ in layers.tokens.between(0, len(text))] == TOKEN.findall(text)


def _vietnamese_lowercase() -> list[str]:
    tones = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
    vowels = [_ud.normalize("NFC", v + t) for v in ("a", "a\u0306", "a\u0302", "e", "e\u0302", "i", "o", "o\u0302",
                                                    "o\u031b", "u", "u\u031b", "y") for t in tones]
    return sorted(set("abcdefghijklmnopqrstuvwxyz" + "đ" + "".join(vowels)))


def test_caseless_holds_every_word_ignorecase_matches():
    """Every character that IGNORECASE matches with a Vietnamese lowercase letter is that letter in the
    caseless copy: a lowercase word found there without IGNORECASE is found wherever it matches with it."""
    every = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    low = caseless(every)
    assert len(low) == len(every)
    letters = _vietnamese_lowercase()
    for m in re.finditer("[" + "".join(letters) + "]", every, re.IGNORECASE):
        c = m.group()
        same = [x for x in letters if re.fullmatch(x, c, re.IGNORECASE)]
        assert same == [low[m.start()]], (c, same)
    text = "NGÀY 5 Tháng 6 ſáu İı"
    assert caseless(text) == "ngày 5 tháng 6 sáu ii" and caseless(text) is caseless(text)


_MARKUP = re.compile(r"\*+|(?<=\w)_(?=\w)")  # the definition of the blanked markup


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="a1_* .\nÀ\u0301", max_size=40))
def test_match_text_blanks_the_markup_of_its_definition(text):
    keyed = textutil.tone_key(text)
    keyed = keyed if len(keyed) == len(text) else text
    assert match_text(text) == _MARKUP.sub(lambda m: " " * len(m.group()), keyed)


def test_fold_chars_keeps_a_lone_combining_mark():
    assert fold_chars("a\u0301") == "a\u0301" and len(fold_chars("İ")) == 1


def test_tokens_between_takes_whole_tokens_only():
    tokens = Tokens("Sở Y tế, Sở Nội vụ")
    assert [t for _, _, t in tokens.between(1, 8)] == ["Y", "tế", ","]


def _sec(path, a, b, children=(), kind="other"):
    return Section(path=path, span=(a, b), kind=kind, children=list(children))


def _scan_section_at(flat, offset):
    found = None
    for sec in flat:
        if sec.span[0] <= offset < sec.span[1]:
            found = sec
        elif sec.span[0] > offset:
            break
    return found


def _scan_ancestors(roots, offset):
    chain, level = [], roots
    while True:
        hit = next((s for s in level if s.span[0] <= offset < s.span[1]), None)
        if hit is None:
            return chain
        chain.append(hit)
        level = hit.children


@st.composite
def trees(draw, lo=0, hi=200, depth=0):
    """Section trees as the segmenter writes them: children inside their parent, siblings apart, in order."""
    cuts = sorted(draw(st.lists(st.integers(lo, hi), max_size=8 if depth < 2 else 0, unique=True)))
    out = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        kids = draw(trees(a + 1, b, depth + 1)) if b - a > 2 else []
        out.append(_sec(f"{depth}:{a}", a, b, kids, kind=draw(st.sampled_from(["tasks", "objectives", "other"]))))
    return out


@settings(max_examples=200, deadline=None)
@given(trees(), st.lists(st.integers(-1, 201), max_size=20))
def test_section_lookups_equal_the_walk(roots, offsets):
    view = DocView(text="x" * 200, document=Document(span=(0, 200), sections=roots), body=(0, 200))
    for offset in offsets:
        assert view.section_at(offset) is _scan_section_at(view.sections, offset)
        assert view.ancestors_at(offset) == _scan_ancestors(roots, offset)
        chain = _scan_ancestors(roots, offset)
        assert view.kind_at(offset) == (chain[0].kind if chain else None)


def test_overlapping_sections_fall_back_to_the_walk():
    # not what the segmenter writes, but a DocView must still answer as the walk does
    roots = [_sec("I", 0, 50, [_sec("I/1", 10, 60)]), _sec("II", 40, 90)]
    view = DocView(text="x" * 100, document=Document(span=(0, 100), sections=roots), body=(0, 100))
    for offset in range(-1, 101):
        assert view.section_at(offset) is _scan_section_at(view.sections, offset)
        assert view.ancestors_at(offset) == _scan_ancestors(roots, offset)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 20)), max_size=12), st.integers(-2, 75), st.integers(0, 10))
def test_span_set_equals_the_scan(pairs, x, width):
    from extractors.base import SpanSet
    spans = [(a, a + w) for a, w in pairs]
    got = SpanSet(spans)
    assert got.holds(x) == any(s <= x < e for s, e in spans)
    assert got.overlaps(x, x + width) == any(s < x + width and x < e for s, e in spans)
    assert got.starts_within(x, x + width) == any(x <= s < x + width for s, _ in spans)


# --- the fast paths of pipeline.textutil answer what the plain definitions answer -----------------------

import unicodedata as _ud

from pipeline import textutil

_VIET = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵiìíỉĩịđ"
# (with letters that have no case and cased characters that are no letters: is_upper_line's fast path must see them)
viet_text = st.text(alphabet=_VIET + _VIET.upper() + "qQ \n.,-1_\u0300\u0301\u0303\u0309\u0323\u0302İﬁKΣ"
                    + "ʼªʰǅⓐⒶⅰⅠ中\u0345", max_size=40)


def _tone_key_def(text):
    decomposed = _ud.normalize("NFD", text)
    return _ud.normalize("NFC", textutil._OLD_STYLE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed))


def _fold_def(text):
    if not text:
        return ""
    text = _ud.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if _ud.category(c) != "Mn").lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _is_upper_def(text):
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


@settings(max_examples=1500, deadline=None)
@given(viet_text)
def test_text_keys_equal_their_definitions(text):
    for t in (text, _ud.normalize("NFC", text), _ud.normalize("NFD", text)):
        assert textutil.tone_key(t) == _tone_key_def(t)
        assert textutil.fold(t) == _fold_def(t)
        assert textutil.is_upper_line(t) == _is_upper_def(t)


def test_is_upper_line_equals_its_definition_next_to_every_character():
    """The fast path (str.isupper where letters and cased characters coincide) against the definition, for every
    character below U+3100 and a sample above, alone and beside a capital and a small letter."""
    import sys
    chars = [chr(i) for i in range(0x3100)] + [chr(i) for i in range(0x3100, sys.maxunicode + 1, 97)]
    for c in chars:
        for t in (c, "Ệ" + c, "ệ" + c, c + " A", "1" + c):
            assert textutil.is_upper_line(t) == _is_upper_def(t), (hex(ord(c)), t)


@settings(max_examples=1500, deadline=None)
@given(viet_text)
def test_tone_key_by_word_equals_tone_key(text):
    from extractors.base import tone_key_by_word
    for t in (text, _ud.normalize("NFC", text), _ud.normalize("NFD", text), "hoà " + text + " Uỷ\tthuỷ"):
        assert tone_key_by_word(t) == textutil.tone_key(t)


def _runs(text, lo=0, hi=None):
    from extractors.base import NUMBER_RUN
    return [m.span() for m in NUMBER_RUN.finditer(text, lo, len(text) if hi is None else hi)]


@settings(max_examples=800, deadline=None)
@given(viet_text.map(lambda t: t + "12 3*4_5 ٣6"), st.data())
def test_number_runs_are_every_copys_and_cut_at_the_window(text, data):
    """Every copy has the text's runs of digits (the extractors start their patterns at them), and `within`
    gives what a scan of the window gives."""
    from extractors.base import NumberRuns
    layers = layers_of(text)
    assert _runs(text) == _runs(layers.match) == _runs(layers.work)
    lo = data.draw(st.integers(0, len(text)))
    hi = data.draw(st.integers(lo, len(text)))
    assert NumberRuns(text).within(lo, hi) == _runs(text, lo, hi)


def test_number_runs_are_every_copys_on_real_documents():
    from pipeline.normalise import normalise
    from pipeline.readers import read
    from tests.conftest import text_corpus_files
    for path in text_corpus_files()[::4]:
        layers = layers_of(normalise(read(path))[0])
        assert _runs(layers.text) == _runs(layers.match) == _runs(layers.work), path.name


def test_an_nfc_letter_or_mark_decomposes_to_one():
    """What base._OLD_PAIR's lookahead relies on: a character after an old-style pair that is a letter or a mark
    in NFC text starts its decomposition with one."""
    after = re.compile(r"[^\W\d_]|[\u0300-\u036f]")
    for i in range(0x110000):
        c = chr(i)
        if not 0xD800 <= i < 0xE000 and after.match(c) and _ud.normalize("NFC", c) == c:
            assert after.match(_ud.normalize("NFD", c)), hex(i)


def test_tone_key_still_moves_old_style_tones():
    assert textutil.tone_key("Uỷ ban, hoà bình, Thuận") == "Ủy ban, hòa bình, Thuận"
    assert textutil.fold("Ủy ban nhân dân TỈNH Đồng Tháp") == "uy ban nhan dan tinh dong thap"


# --- the fast paths of pipeline.segment answer what the plain definitions answer ------------------------------

from pipeline import segment as _segment  # noqa: E402


def _lines_of_def(text, start=0, end=None):
    end = len(text) if end is None else end
    out, pos = [], start
    while pos <= end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        out.append(_segment.Line(pos, stop, text[pos:stop]))
        if nl == -1:
            break
        pos = nl + 1
    return out


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="ab \n", max_size=30), st.integers(0, 32), st.integers(0, 32))
def test_lines_of_a_part_are_those_the_scan_finds(text, a, b):
    """lines_of splits text[start:end] at once: the lines a scan for each line break finds."""
    assert _segment.lines_of(text) == _lines_of_def(text)
    assert _segment.lines_of(text, a, b) == _lines_of_def(text, a, b)
    assert _segment.lines_of(text, a) == _lines_of_def(text, a)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab\n", max_size=14))
def test_lines_of_every_part_of_one_text_are_those_the_scan_finds(text):
    """After the first call, lines_of takes the lines of a part from those of the whole text it keeps: every
    range, starting or ending inside a line, on a line break or past the text, gives the scan's lines."""
    _segment.lines_of(text)
    for a in range(len(text) + 3):
        for b in range(len(text) + 3):
            assert _segment.lines_of(text, a, b) == _lines_of_def(text, a, b), (a, b)


def _heading_of_def(text):
    if text.startswith(("Điều", "ĐIỀU")) and _segment.CITED_ARTICLE.match(text):
        return None
    for style, rx, rank in _segment._HEADINGS:  # every pattern, in order
        m = rx.match(text)
        if m:
            number, rest = m.group(1), m.group(2).strip()
            if style == "decimal":
                rank += 0.1 * (number.count(".") - 1)
            return style, None if style in ("dash", "plus") else number, rest, rank
    return None


def test_heading_of_tries_the_patterns_a_first_character_can_start():
    """heading_of tries only the patterns whose first character the line has: for every first character below
    U+3000 (and decimal digits of other scripts), followed by what each style takes, the answer of every pattern."""
    tails = ("", ". Mục tiêu", ") Sở Y tế", "1. Nội dung", ".2. Giao", " x", "HẦN I. CHUNG", "hương 2 Tổ chức",
             "iều 3. Hiệu lực", "I. NHIỆM VỤ", ")1", "\u0301. a")
    for i in list(range(0x3000)) + [0x0663, 0x0967, 0xFF11]:
        for tail in tails:
            text = chr(i) + tail
            assert _segment.heading_of(text) == _heading_of_def(text), text


def test_type_title_and_annex_prechecks_answer_what_the_patterns_answer():
    """is_type_title looks only at lines in capitals, the annex heading only at lines in capitals starting with P:
    for every first character of the Latin, combining-mark and Vietnamese blocks (and the letter-like signs
    that decompose to letters) before the rest of a type name or of `PHỤ LỤC`, written in NFC, NFD and
    with old-style tones, the answer of the pattern on the tone key."""
    from extractors.metadata import _ANNEX, _is_annex_heading
    from extractors.vocab import type_name_pattern
    rests = ["HỤ LỤC I", "HỤ LỤC 02. DANH MỤC", "Ế HOẠCH", "UYẾT ĐỊNH", "HƯƠNG TRÌNH HÀNH ĐỘNG", "HỈ THỊ.", "ế hoạch"]
    rests += [_ud.normalize("NFD", r) for r in rests] + ["HỤ LỤC I", "Ế HOẠCH HÀNH ĐỘNG", "UỶ BAN"]
    for i in [*range(0x370), *range(0x1E00, 0x1F00), 0x2126, 0x212A, 0x212B]:
        for rest in rests:
            for text in (chr(i) + rest, chr(i) + " " + rest, "P" + chr(i) + rest[1:]):
                assert _segment.is_type_title(text) == bool(
                    type_name_pattern().match(textutil.tone_key(text).strip(" ."))), text
                assert bool(_is_annex_heading(text)) == bool(
                    _ANNEX.match(textutil.tone_key(text)) and textutil.is_upper_line(text)), text


def test_section_kinds_cached_are_those_classify_section_gives():
    """segment classifies each section title once per process (_section_kind): the kinds of a real document's
    sections, asked twice, are those classify_section gives."""
    from pipeline.segment import _section_kind
    from extractors.vocab import classify_section
    from pipeline import parse
    from tests.conftest import shared_file
    doc = parse(shared_file("real/dongnai_2025_KH_179-KH-UBND_kinh-te-so.md")).documents[0]
    titles = []
    stack = list(doc.sections)
    while stack:
        sec = stack.pop()
        titles.append(sec.title)
        stack.extend(sec.children)
    assert len(titles) > 20
    for title in titles + titles:
        assert _section_kind(title) == classify_section(title)


def test_bar_table_cells_carry_the_plain_text_of_their_lines():
    """The `|` tables' cells keep the plain text _bar_tables found for their chunk (read by the row and column
    passes instead of joining the lines again): it is the plain text of the cell's own lines."""
    from pipeline.readers.structure import _bar_tables, _plain
    from tests.conftest import shared_file
    lines = shared_file("real/dongnai_2025_KH_179-KH-UBND_kinh-te-so.md").read_text(encoding="utf-8").split("\n")
    cells = 0
    i = 0
    while i < len(lines):
        if lines[i].strip() != "|":
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].strip():
            j += 1
        for rows in _bar_tables(lines[i:j], i):
            for cell in (c for row in rows for c in row):
                assert cell.plain == _plain(cell.lines)
                cells += 1
        i = j
    assert cells > 100
