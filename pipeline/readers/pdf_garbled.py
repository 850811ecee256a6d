"""Text layers whose fonts map glyphs to the wrong letters, corrected word by word from OCR.

Some PDF producers (signing tools re-embedding Word's fonts) write ToUnicode maps that send some
accented vowels to plain letters or to Cyrillic look-alikes: the page shows `Thành phố, các tổ chức`
and its text layer says `Thjnh phố, cic tổ chӭc`. pipeline.legacy.garbled finds such pages; here each
page is OCR'd and the two readings are put together word by word, keeping what each does best:

- the text layer has every glyph where it stands, digits, punctuation, form-field values and most
  letters right; OCR gets the letters the broken map hides, but loses tone marks now and then
  (`Thành phó`, `QUYÉT`);
- so a layer word that is no Vietnamese syllable (or mixes scripts) takes the OCR word at its place
  when that one is a syllable;
- the letter swaps those words show (`j` read `à`, `ӭ` read `ứ`) are the font's broken map: a layer
  word that is a syllable by chance (`Chinh` for `Chánh`) takes the OCR word when they differ only by
  swaps seen at least twice, and a word OCR could not read is mended by those swaps when that alone
  makes it a syllable (`xpt` -> `xét`).

A word OCR and the map cannot mend keeps its layer text; a page still garbled afterwards is read from
OCR alone (the caller's choice).
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from pipeline.legacy import is_syllable
from pipeline.readers.pdf_layout import Glyph, Row

_FOREIGN = re.compile("[\u0370-\u03ff\u0400-\u052f]")
_CORE = re.compile(r"[^\W\d_]+")
MIN_SWAP_COUNT = 2  # a letter swap is the font's when two mended words show it


@dataclass
class _Word:
    run: list  # the run of the row the word stands in
    glyphs: list[Glyph]  # the letters of the word, in order (combining marks included)
    text: str  # NFC
    x0: float
    x1: float
    top: float
    bottom: float


def _layer_words(rows: list[Row]) -> list[_Word]:
    """Maximal runs of letters of the text layer (a digit, a space or punctuation ends a word)."""
    out: list[_Word] = []
    for row in rows:
        for run in row.runs:
            cur: list[Glyph] = []
            for g in list(run) + [None]:
                letter = g is not None and not g.word and (g.text.isalpha() or (cur and unicodedata.combining(g.text[:1])))
                if letter:
                    cur.append(g)
                    continue
                ink = [x for x in cur if x.ink]
                if ink:
                    out.append(_Word(run, list(cur), unicodedata.normalize("NFC", "".join(x.text for x in cur)),
                                     min(x.x0 for x in ink), max(x.x1 for x in ink),
                                     min(x.top for x in ink), max(x.bottom for x in ink)))
                cur = []
    return out


def _ocr_words(rows: list[Row]) -> list[tuple[str, Glyph]]:
    """OCR words that are one run of letters between punctuation (`phố;`, `“Công`), as (letters, box)."""
    out = []
    for row in rows:
        for g in row.glyphs():
            cores = _CORE.findall(unicodedata.normalize("NFC", g.text))
            if len(cores) == 1:
                out.append((cores[0], g))
    return out


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _match(word: _Word, ocr: list[tuple[str, Glyph]], parts: tuple[_Word, ...] = ()) -> str | None:
    """The OCR word printed where the layer word stands: same line, most of both widths shared (and
    most of each of `parts`, the halves of a word the layer broke)."""
    best, best_score = None, 0.0
    for text, g in ocr:
        v = _overlap(word.top, word.bottom, g.top, g.bottom)
        if v < 0.5 * min(word.bottom - word.top, g.bottom - g.top):
            continue
        if any(_overlap(p.x0, p.x1, g.x0, g.x1) < 0.7 * (p.x1 - p.x0) for p in parts):
            continue
        h = _overlap(word.x0, word.x1, g.x0, g.x1)
        score = h / max(word.x1 - word.x0, g.x1 - g.x0, 1e-6)
        if score > best_score:
            best, best_score = text, score
    return best if best_score >= 0.5 else None


def _suspect(text: str) -> bool:
    return bool(_FOREIGN.search(text)) or not is_syllable(text)


def _swaps(layer: str, ocr: str) -> list[tuple[str, str]] | None:
    """The letters that differ between two readings of one word (same length), lower case."""
    if len(layer) != len(ocr):
        return None
    return [(a, b) for a, b in zip(layer.lower(), ocr.lower()) if a != b]


class Repair:
    """Pairs of layer words and OCR words over the garbled pages of one file, then the mended text."""

    def __init__(self) -> None:
        self.pages: list[list[tuple[_Word, str | None]]] = []
        self.swaps: Counter = Counter()

    def add_page(self, layer_rows: list[Row], ocr_rows: list[Row]) -> int:
        """Pair the page's words; returns the page's index for apply()."""
        ocr = _ocr_words(ocr_rows)
        pairs: list[tuple[_Word, str | None]] = []
        for w in _layer_words(layer_rows):
            prev = pairs[-1][0] if pairs else None
            if prev is not None and w.run is prev.run and _suspect(prev.text) and _suspect(w.text):
                # `t̿ ng`: a mark the font sets apart broke one word in two; one OCR word covers both
                joined = _Word(w.run, prev.glyphs + _between(prev, w) + w.glyphs, prev.text + w.text,
                               prev.x0, w.x1, min(prev.top, w.top), max(prev.bottom, w.bottom))
                o = _match(joined, ocr, parts=(prev, w))
                if o is not None and not _suspect(o):
                    pairs[-1] = (joined, o)
                    continue
            pairs.append((w, _match(w, ocr)))
        for w, o in pairs:
            if o and o != w.text and _suspect(w.text) and not _suspect(o):
                for swap in _swaps(w.text, o) or ():
                    self.swaps[swap] += 1
        self.pages.append(pairs)
        return len(self.pages) - 1

    def _learned(self) -> dict[str, list[str]]:
        """Each layer letter's readings, most seen first."""
        out: dict[str, list[str]] = {}
        for (a, b), n in self.swaps.most_common():
            if n >= MIN_SWAP_COUNT:
                out.setdefault(a, []).append(b)
        return out

    def apply(self, index: int) -> int:
        """Mend the page's layer words in place; returns how many words changed."""
        learned = self._learned()
        changed = 0
        for word, ocr in self.pages[index]:
            new = _mended(word.text, ocr, learned)
            if new != word.text:
                _set_text(word, new)
                changed += 1
        return changed


def _foreign(ch: str) -> bool:
    """A character no Vietnamese word has: another script's letter, a mark standing alone."""
    return bool(_FOREIGN.match(ch)) or unicodedata.combining(ch) > 0


def _mended(text: str, ocr: str | None, learned: dict[str, list[str]]) -> str:
    if text.isascii() and text.isupper():
        return text  # `II`, `VT`, `UBND`: no syllables, and the broken maps give plain letters in lower case
    # A character of another script stands for one letter: the reading most words showed.
    fixed = "".join(_case_like(learned[ch.lower()][0], ch) if _foreign(ch) and ch.lower() in learned else ch
                    for ch in text)
    fixed = unicodedata.normalize("NFC", fixed)
    ocr_ok = ocr is not None and not _suspect(ocr)
    if not _suspect(fixed):
        # a plain letter the broken map gives for an accented one (`Chinh` for `Chánh`): where OCR
        # reads the word with nothing but such swaps
        swaps = _swaps(fixed, ocr) if ocr_ok else None
        if swaps and all(b in learned.get(a, ()) for a, b in swaps):
            return _case_like(ocr, fixed)
        return fixed
    if ocr_ok:
        return ocr
    return _by_swaps(fixed, learned) or fixed


def _by_swaps(text: str, learned: dict[str, list[str]]) -> str | None:
    """The one syllable the learned swaps make of a word, if exactly one."""
    slots = [[ch] + [b for b in learned.get(ch.lower(), ())] for ch in text]
    if sum(len(s) > 1 for s in slots) > 4:
        return None
    found = {"".join(c) for c in itertools.product(*slots) if is_syllable("".join(c))
             and not _FOREIGN.search("".join(c))}
    if len(found) != 1:
        return None
    return _case_like(found.pop(), text)


def _case_like(new: str, old: str) -> str:
    """`new` in the case of `old` letter by letter (swaps are learned in lower case)."""
    if len(new) != len(old):
        return new
    return "".join(n.upper() if o.isupper() else n.lower() if o.islower() else n for n, o in zip(new, old))


def _between(first: _Word, second: _Word) -> list[Glyph]:
    """The glyphs of the run between two words (the space that split them)."""
    ids = [id(g) for g in first.run]
    a, b = ids.index(id(first.glyphs[-1])), ids.index(id(second.glyphs[0]))
    return first.run[a + 1:b]


def _set_text(word: _Word, text: str) -> None:
    """Put the mended text on the word's glyphs: letter for letter when each is a letter with its place,
    else all on the first one, widened to the word, the others leaving the run (a mark set apart took
    room a letter would leave a gap at)."""
    glyphs = word.glyphs
    if len(glyphs) == len(text) and all(g.ink for g in glyphs):
        for g, ch in zip(glyphs, text):
            g.text = ch
        return
    glyphs[0].text, glyphs[0].x1 = text, word.x1
    drop = {id(g) for g in glyphs[1:]}
    word.run[:] = [g for g in word.run if id(g) not in drop]
