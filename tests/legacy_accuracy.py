"""Accuracy of our legacy-encoding conversion against the corpus transcripts.

Metric as the transcripts' corpus defines it (TrizenX/viparse-corpus METRIC.md), so the figures
compare with the published ones: both texts NFC, whitespace collapsed, no case folding.
- char accuracy: matched characters of an alignment / transcript characters;
- diacritic accuracy: transcript characters carrying a diacritic (NFD has a combining mark,
  or đ/Đ) that we reproduce exactly at the aligned position / all such characters;
- syllable accuracy: transcript tokens we reproduce exactly / transcript tokens.
Also printed: the case-folded figure (the transcripts lowercase .VnTimeH headings) and the
case-folded figure over "trusted" transcript lines only (lines that read as Vietnamese; the
2004 transcript has ~55 lines of TCVN3 run through the VNI table). Faults the corpus README
documents precisely are corrected first (CORRECTIONS).

Run: python tests/legacy_accuracy.py [--no-columns] [--diff]   (needs LibreOffice for .doc files)
"""
from __future__ import annotations

import sys
import time
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEGACY = ROOT / ".." / "shared" / "corpus" / "legacy"


def prepare(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _base(ch: str) -> str:
    if ch in "đĐ":
        return "d" if ch == "đ" else "D"
    return "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")[:1] or ch


def has_diacritic(ch: str) -> bool:
    return ch in "đĐ" or any(unicodedata.category(c) == "Mn" for c in unicodedata.normalize("NFD", ch))


def align(a: str, b: str) -> list[tuple[int, int]]:
    """Pairs (i, j) of equal characters a[i] == b[j] of an alignment: words first, then the
    characters inside differing stretches (difflib on 200k characters at once is too slow)."""
    wa, wb = a.split(" "), b.split(" ")
    sa, sb = _starts(wa), _starts(wb)
    pairs: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                pairs.extend((sa[i1 + k] + c, sb[j1 + k] + c) for c in range(len(wa[i1 + k])))
        elif tag == "replace":
            ca, cb = " ".join(wa[i1:i2]), " ".join(wb[j1:j2])
            for block in SequenceMatcher(None, ca, cb, autojunk=False).get_matching_blocks():
                pairs.extend((sa[i1] + block.a + c, sb[j1] + block.b + c) for c in range(block.size))
    return pairs


def _starts(words: list[str]) -> list[int]:
    out, pos = [], 0
    for w in words:
        out.append(pos)
        pos += len(w) + 1
    return out


@dataclass
class Score:
    chars: int
    char_accuracy: float
    diacritics: int
    diacritic_accuracy: float
    syllable_accuracy: float


# Faults of the transcripts that the corpus README documents, corrected before comparing.
CORRECTIONS = {
    # "writes ẵ 17 times where the bytes say ặ (aë)": every ẵ of that file is one of them.
    "2006-quydinhkiemtra02.txt": [("ẵ", "ặ")],
}


def trusted_mask(truth: str) -> list[bool]:
    """For each character of prepare(truth): whether its transcript line reads as Vietnamese.
    Lines where at least a fifth (and two or more) of the accented words are no Vietnamese
    syllable are transcript faults (TCVN3 run through the VNI table, ...)."""
    from pipeline.legacy import _TOKEN, is_syllable
    mask: list[bool] = []
    for line in unicodedata.normalize("NFC", truth).splitlines():
        words = line.split()
        if not words:
            continue
        tokens = [t for t in _TOKEN.findall(line) if not t.isascii() and not any(c.isdigit() for c in t)]
        bad = sum(1 for t in tokens if not is_syllable(t))
        ok = not (bad >= 2 and bad * 5 >= len(tokens))
        if mask:
            mask.append(ok)  # the space before the line
        mask.extend([ok] * len(" ".join(words)))
    return mask


def score(ours: str, truth: str, fold_case: bool = False, trusted_only: bool = False) -> Score:
    mask = trusted_mask(truth) if trusted_only else None
    ours, truth = prepare(ours), prepare(truth)
    if fold_case:
        ours, truth = ours.lower(), truth.lower()
    # Characters: align the texts themselves, spaces count as in the metric's definition.
    matched = len(align(truth, ours)) + _matched_spaces(truth, ours)
    # Diacritics: align base letters, then compare the original characters.
    base_t = "".join(_base(c) for c in truth)
    base_o = "".join(_base(c) for c in ours)
    marked = [i for i, c in enumerate(truth) if has_diacritic(c) and (mask is None or mask[i])]
    partner = dict(align(base_t, base_o))
    good = sum(1 for i in marked if i in partner and ours[partner[i]] == truth[i])
    words_t, words_o = truth.split(" "), ours.split(" ")
    same = sum(block.size for block in SequenceMatcher(None, words_t, words_o, autojunk=False).get_matching_blocks())
    return Score(
        chars=len(truth),
        char_accuracy=matched / max(len(truth), 1),
        diacritics=len(marked),
        diacritic_accuracy=good / max(len(marked), 1),
        syllable_accuracy=same / max(len(words_t), 1),
    )


def _matched_spaces(a: str, b: str) -> int:
    # align() pairs the characters of words; the single spaces between matched words match too.
    wa, wb = a.split(" "), b.split(" ")
    blocks = SequenceMatcher(None, wa, wb, autojunk=False).get_matching_blocks()
    return sum(max(block.size - 1, 0) for block in blocks)


def differences(ours: str, truth: str, limit: int = 20) -> list[tuple[str, str]]:
    """The most frequent word substitutions (transcript word, our word)."""
    from collections import Counter
    wa, wb = prepare(truth).split(" "), prepare(ours).split(" ")
    counts: Counter = Counter()
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            counts.update(zip(wa[i1:i2], wb[j1:j2]))
    return counts.most_common(limit)


def read_legacy(name: str, columns: bool = True) -> str:
    """Our text of a legacy file. columns=False reads Word files without splitting tab-laid
    header columns, as the transcripts keep them: the figures then measure the encoding
    conversion alone, not the layout."""
    from pipeline.readers import read
    path = LEGACY / name
    if path.suffix == ".doc" and not columns:
        import tempfile
        from pipeline.readers.doc import convert_to_docx
        from pipeline.readers.docx import read_docx
        with tempfile.TemporaryDirectory() as tmp:
            return "\n".join(read_docx(convert_to_docx(path, Path(tmp)), columns=False).pages)
    try:
        return "\n".join(read(path).pages)
    except Exception:
        if path.suffix != ".pdf":
            raise
    # No PDF reader on this branch yet: plain pdfplumber text through fix_legacy, which is what
    # a PDF reader without font-aware conversion would give.
    import pdfplumber
    from pipeline.legacy import fix_legacy
    with pdfplumber.open(str(path)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    return fix_legacy(text)[0]


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    show = "--diff" in argv
    columns = "--no-columns" not in argv
    files = sorted(p.name for p in LEGACY.iterdir() if p.suffix in (".doc", ".docx", ".txt", ".pdf"))
    print(f"{'file':42} {'chars':>7} {'char':>6} {'diacr.':>7} {'syll.':>6} {'diacr.folded':>13} "
          f"{'diacr.trusted':>14} {'s':>5}")
    for name in files:
        truth_path = LEGACY / "transcripts" / (Path(name).stem + ".txt")
        if not truth_path.exists():
            continue
        t0 = time.perf_counter()
        try:
            ours = read_legacy(name, columns)
        except Exception as exc:  # report a file we cannot read and go on
            print(f"{name:42} not read: {type(exc).__name__}: {exc}")
            continue
        seconds = time.perf_counter() - t0
        truth = truth_path.read_text(encoding="utf-8")
        for wrong, right in CORRECTIONS.get(truth_path.name, []):
            truth = truth.replace(wrong, right)
        strict, folded = score(ours, truth), score(ours, truth, fold_case=True)
        trusted = score(ours, truth, fold_case=True, trusted_only=True)
        print(f"{name:42} {strict.chars:7d} {strict.char_accuracy:6.3f} {strict.diacritic_accuracy:7.3f} "
              f"{strict.syllable_accuracy:6.3f} {folded.diacritic_accuracy:13.3f} "
              f"{trusted.diacritic_accuracy:14.3f} {seconds:5.1f}")
        if show:
            for (t, o), n in differences(ours, truth):
                print(f"    {n:4d}  transcript {t!r:24} ours {o!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
