"""Helpers the deadline and assignment extractors share: a matching copy of the text, sentences, items.

`match_text` returns a copy of the text with the same length (so offsets carry over unchanged)
in which old-style tone placement is moved to the new style (`Uỷ` -> `Ủy`) and markup that
splits words (`**`, the `_` of word-segmented files) is blanked. Regexes run on that copy;
facts slice the original text. The copy and the sentence boundaries are built once per text
(extractors.base): calling these per candidate costs a lookup, not a scan.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from typing import Iterator

from extractors.base import SENT_END, DocView, layers_of, sentence_index
from schemas import Section


def _letters(upper: bool) -> str:
    chars = []
    for cp in range(0x41, 0x1EFA):
        c = chr(cp)
        if not c.isalpha() or (c.isupper() != upper):
            continue
        name = unicodedata.name(c, "")
        if "LATIN" in name:
            chars.append(c)
    return "".join(chars)


UPPER = _letters(True)
LOWER = _letters(False)
# One word that starts with a capital / with a small letter (Vietnamese syllables are short).
CAP_WORD = f"[{UPPER}][{UPPER}{LOWER}]*"
LOW_WORD = f"[{LOWER}]+"


def match_text(text: str) -> str:
    """Same-length copy of text for matching: new-style tones, markup blanked. Built once per text
    (extractors.base.layers_of): every extractor and document of a file share it."""
    return layers_of(text).match


_SENT_END = SENT_END


def sentence_span(text: str, pos: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    """The sentence around pos, within [lo, hi). The stops of text are found once (base.sentence_index)
    and looked up by bisect: the same answer as scanning [lo, hi), without the scan."""
    return sentence_index(text).sentence_span(pos, lo, hi)


def clause_span(text: str, pos: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    """The clause around pos: a sentence cut at semicolons."""
    return sentence_index(text).clause_span(pos, lo, hi)


def word_start(text: str, end: int, lo: int = 0, more: str = "") -> int:
    """Where the run of word characters (`\\w`, and those of `more`) that ends at `end` begins, not before lo:
    the last word before a pattern's `$`, looked at first so that a pattern is tried only where it can match."""
    start = end
    while start > lo and (text[start - 1].isalnum() or text[start - 1] == "_" or text[start - 1] in more):
        start -= 1
    return start


def alternatives(phrases) -> str:
    """Phrases as the alternatives of a pattern, in the order given, any white space between their words."""
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)


class FirstWords:
    """The first words of phrases, lowercased: where a match of a pattern that opens with one of them can begin,
    found on the lowercase copy (base.caseless) instead of the IGNORECASE pattern tried at every character
    (matches_at); made from the phrases the pattern is, it cannot miss one added later. One literal scan per word:
    the engine finds a literal by a fast search, where an alternation of the words is tried at every character
    (about twice the time on the corpus)."""

    def __init__(self, phrases) -> None:
        self.words = sorted({p.split()[0].lower() for p in phrases})
        self._scans = [re.compile(re.escape(w)).finditer for w in self.words]

    def starts(self, low: str, lo: int = 0, hi: int = sys.maxsize) -> list[int]:
        """Where one of the words begins in low[lo:hi], in order (overlapping ones too: a superset is safe)."""
        if len(self._scans) == 1:
            return [m.start() for m in self._scans[0](low, lo, hi)]
        return sorted({m.start() for scan in self._scans for m in scan(low, lo, hi)})


class LastWords:
    """Whether a text, less its trailing white space, ends with the last word of one of phrases (case aside): a
    pattern made of the phrases that closes with `\\s*$` can match a text only then. Only the last characters are
    looked at, not the pattern tried at each character of the text."""

    def __init__(self, phrases) -> None:
        words = sorted({p.split()[-1] for p in phrases}, key=len, reverse=True)
        self.width = max(map(len, words))
        self.rx = re.compile(rf"(?:{'|'.join(map(re.escape, words))})\Z", re.IGNORECASE)

    def ends(self, text: str) -> bool:
        end = len(text.rstrip())  # (str.rstrip strips what `\\s` is)
        return self.rx.search(text, max(0, end - self.width), end) is not None


def matches_at(rx: re.Pattern, offsets: list[int], text: str, lo: int, hi: int) -> Iterator[re.Match]:
    """rx.finditer(text, lo, hi) for a pattern whose matches can begin only at `offsets` (sorted; a superset of
    where they begin) and that matches no empty string: the pattern is tried there only, not at every character
    (an IGNORECASE word, a lookbehind or an alternation that opens a pattern admits no fast scan)."""
    end, match = lo, rx.match
    for p in offsets:
        if p >= end and p < hi and (m := match(text, p, hi)) is not None:
            yield m
            end = m.end()


def own_end(sec: Section) -> int:
    """End of a section's own text, before its first child."""
    return sec.children[0].span[0] if sec.children else sec.span[1]


_NUMBER = re.compile(r"\s*(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ]|\(\d+\)|\d+\))\s*[.)\-:/]?\s*(?=\S)|\s*[-+•]\s*")


def content_start(text: str, sec: Section) -> int:
    """Offset after a section's number marker (`1.`, `a)`, `-`, `IV-`)."""
    m = _NUMBER.match(text, sec.span[0], own_end(sec))
    return m.end() if m else sec.span[0]


def top_kind(view: DocView, offset: int) -> str | None:
    return view.kind_at(offset)


def trim(text: str, start: int, end: int, strip: str = " \t\n,;:.-–") -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in strip):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in strip):
        end -= 1
    return start, end
