"""Legacy 8-bit Vietnamese font encodings (TCVN3/ABC and VNI) to Unicode.

Text typed in a TCVN3 or VNI font is stored as Latin-1/cp1252 code points that only look
Vietnamese in that font: `céng hoµ` (TCVN3) and `Coäng hoøa` (VNI) both mean `cộng hòa`.
The mapping lives in pipeline/data/legacy_vn.tsv.

- convert(text, encoding) converts a run whose encoding is known (from its font);
- encoding_for_font(name) tells a font's encoding;
- fix_legacy(text) finds such text by its letters alone, line by line, and converts it.

Choosing between "as is", TCVN3 and VNI is done by counting the words that are well-formed
Vietnamese syllables under each reading: real Vietnamese passes unchanged because no
conversion can make more of its words well-formed.

For PDF text: with the font of each character (pdfplumber's fontname, subset prefix and all),
convert(text, encoding_for_font(name), capitals=is_capital_font(name)) per run of one font;
without fonts, fix_legacy(page_text). TCVN3 PDFs give U+2212 for ư and U+2219 for ã: the TCVN3
table reads both.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from pipeline.errors import ConfigError

ENCODINGS = ("tcvn3", "vni")
_DATA = Path(__file__).parent / "data" / "legacy_vn.tsv"

# PDF text layers of TCVN3 fonts name some glyphs after their Latin-1 look-alikes: the soft
# hyphen (0xAD, ư) comes out as MINUS SIGN and the middle dot (0xB7, ã) as BULLET OPERATOR.
_TCVN3_PDF_ALIASES = {"\u2212": "\u00ad", "\u2219": "\u00b7"}

# Letters only Unicode Vietnamese has (outside Latin-1), or combining tone marks (NFD text,
# Windows-1258): a line holding one is already Unicode; 8-bit font text has neither.
_UNICODE_VIET = re.compile("[\u0300-\u036f\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")
# Characters a legacy line must contain for a conversion to change anything.
_CANDIDATE = re.compile("[\u00a1-\u00ff\u2212\u2219]")
_TOKEN = re.compile(r"[^\s!-/:-@\[-`{-~\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2022]+")


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, str]]:
    tables: dict[str, dict[str, str]] = {enc: {} for enc in ENCODINGS}
    try:
        lines = _DATA.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read the legacy encoding table {_DATA}: {exc}") from exc
    header_seen = False
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if not header_seen:
            header_seen = True
            if cols[:4] != ["encoding", "codes", "legacy", "unicode"]:
                raise ConfigError(f"{_DATA}:{number}: unexpected header {cols!r}")
            continue
        if len(cols) != 4 or cols[0] not in tables:
            raise ConfigError(f"{_DATA}:{number}: expected 4 columns 'encoding codes legacy unicode', got {cols!r}")
        enc, codes, legacy, uni = cols
        if "".join(chr(int(c, 16)) for c in codes.split()) != legacy:
            raise ConfigError(f"{_DATA}:{number}: codes {codes} do not spell {legacy!r}")
        tables[enc][legacy] = unicodedata.normalize("NFC", uni)
    for table in tables.values():
        if not table:
            raise ConfigError(f"{_DATA}: an encoding has no rows")
    tables["tcvn3"].update({alias: tables["tcvn3"][code] for alias, code in _TCVN3_PDF_ALIASES.items()})
    return tables


def convert(text: str, encoding: str, capitals: bool = False) -> str:
    """Convert text known to be in `encoding` ("tcvn3" or "vni") to NFC Unicode.

    capitals=True for the capital-only fonts (.VnTimeH, .VnArialH...): TCVN3 has no codes
    for accented capitals, those fonts draw every code as a capital.
    """
    out = _convert_raw(text, encoding)
    out = out.upper() if capitals else _restore_capitals(out)
    return unicodedata.normalize("NFC", out)


def convert_mixed(text: str, encoding: str, capitals: bool = False) -> str:
    """convert(), except that a word which is no Vietnamese syllable in `encoding` but is one
    in the other table is read in the other: typists switched keyboards inside one font run."""
    other = next(e for e in ENCODINGS if e != encoding)

    def word(match: re.Match) -> str:
        token = match.group(0)
        first = _convert_raw(token, encoding)
        if token.isascii() or len(token) < 2 or is_syllable(first) or (first.isupper() and len(first) > 1):
            return first  # abbreviations (NĐ, QĐ) and stray marks are no evidence
        second = _convert_raw(token, other)
        return second if is_syllable(second) else first

    out = _TOKEN.sub(word, text)
    out = out.upper() if capitals else _restore_capitals(out)
    return unicodedata.normalize("NFC", out)


def _convert_raw(text: str, encoding: str) -> str:
    """Table conversion alone (no case handling, not normalised)."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding {encoding!r}; known: {', '.join(ENCODINGS)}")
    table, pattern = _compiled(encoding)
    if pattern is None:
        return text.translate(table)
    return pattern.sub(lambda m: table[m.group(0)], text)


@lru_cache(maxsize=None)
def _compiled(encoding: str) -> tuple[dict, re.Pattern | None]:
    table = _tables()[encoding]
    if encoding == "tcvn3":
        return str.maketrans(table), None
    sequences = dict(table)
    for key, value in table.items():
        if len(key) == 2:
            # A capital letter followed by a small mark (or the reverse) happens when typing;
            # the base letter decides the case.
            sequences.setdefault(key[0] + key[1].swapcase(), value)
    for key, value in list(sequences.items()):
        if value.lower() in _VNI_HATTED:
            # A tone typed after a letter that already has its hat (vieâïc): the font stacks both.
            for tone, mark in _VNI_TONES.items():
                sequences.setdefault(key + tone, unicodedata.normalize("NFC", value + mark))
    # Longest first: at each position a letter with its marks beats the bare letter.
    pattern = re.compile("|".join(map(re.escape, sorted(sequences, key=len, reverse=True))))
    return sequences, pattern


_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323",
              "Ù": "\u0301", "Ø": "\u0300", "Û": "\u0309", "Õ": "\u0303", "Ï": "\u0323"}
_VNI_HATTED = set("âêôơưă")
_ASCII_UPPER = re.compile(r"[A-Z]")
_ASCII_LOWER = re.compile(r"[a-z]")


def _restore_capitals(text: str) -> str:
    """TCVN3 has no accented capitals: words typed in capitals in a normal ABC font keep their
    accented letters small (`§¸NH GI¸` reads `ĐáNH GIá`); VNI typists with caps lock on leave
    small marks too (`THöù`). A word with two plain capitals, no plain small letter and a small
    accented letter is a capital word; a piece of text (line or tab-separated cell) holding one
    whose plain letters are nearly all capitals is a heading (`... Vµ §¸NH GI¸`)."""
    pieces = re.split(r"([\n\t])", text)
    for k, piece in enumerate(pieces):
        if not _CAPITAL_WORD.search(piece):
            continue  # one capital (`Số`, `Và`) is a capitalised word, not a capital one
        upper, lower = len(_ASCII_UPPER.findall(piece)), len(_ASCII_LOWER.findall(piece))
        if upper >= 9 * lower:
            pieces[k] = piece.upper()
        else:
            pieces[k] = _CAPITAL_WORD.sub(lambda m: m.group(0).upper(), piece)
    return "".join(pieces)


_CAPITAL_WORD = re.compile(r"(?<!\w)(?=(?:[^\W_]*[A-Z]){2})(?=[^\W_]*[^\W\d_A-Za-z])(?![^\W_]*[a-z])[^\W_]+")


# --- fonts -------------------------------------------------------------------------------

_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
_STYLE_SUFFIX = re.compile(r"(?:[ ,-]*(?:bold|italic|oblique|regular|black|narrow\b|condensed))+$", re.I)


def encoding_for_font(font_name: str | None) -> str | None:
    """"tcvn3" for ABC fonts (.VnTime, .VnTimeH, VnTime in PDF subsets), "vni" for VNI-*
    fonts, None for anything else (Unicode fonts)."""
    if not font_name:
        return None
    name = _SUBSET_PREFIX.sub("", font_name.strip()).lstrip(".").lower()
    if name.startswith("vni") or name.startswith("vn-i"):
        return "vni"
    if name.startswith("vn") or "tcvn3" in name or name.startswith("abc"):
        # "VnTimes New Roman"-style Unicode fonts do not exist; every Vn* font family is ABC.
        return "tcvn3"
    return None


def is_capital_font(font_name: str | None) -> bool:
    """True for TCVN3 capital fonts: the family name ends in a capital H (.VnTimeH, .VnArialH,
    VnTimeHBold in PDF subsets)."""
    if encoding_for_font(font_name) != "tcvn3":
        return False
    name = re.sub(r"\s*\([^)]*\)$", "", _SUBSET_PREFIX.sub("", font_name.strip()))  # VnTimeH(Ds)
    family = _STYLE_SUFFIX.sub("", name).rstrip()
    return family.endswith("H")


# --- recognising Vietnamese ---------------------------------------------------------------

_ONSETS = sorted("b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split() + [""], key=len)
_NUCLEI = set(
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi ua uâ uê ui uô uơ uy "
    "ưa ưi ưu ươ yê iêu oai oay oao oeo uây uôi ươi ươu uya uyê uyu yêu".split()
)
_CODAS = sorted("c ch m n ng nh p t".split() + [""], key=len)
# Nuclei ending in a glide take no final consonant; these others need one.
_GLIDE_FINAL = set("ai ao au ay âu ây eo êu iu oi ôi ơi ui ưi ưu oai oay oao oeo uây uôi ươi ươu uyu iêu yêu".split())
_NEED_CODA = set("ă â oă uâ iê yê uô ươ uyê".split())
_NO_CODA = set("ia ua ưa uya".split())
_BEFORE_CH_NH = set("a ê i y oa uy uê".split())
_FRONT = ("i", "e", "ê", "y")
_MODIFIED = set("ăâêôơư")
_TONES = {"\u0300": "huyen", "\u0301": "sac", "\u0303": "nga", "\u0309": "hoi", "\u0323": "nang"}


def _split_tone(word: str) -> tuple[str, int | None, str | None]:
    """(word without tone marks, index of the toned letter, tone); index -1 for several tones."""
    bare, index, tone = [], None, None
    for i, ch in enumerate(word):
        parts = unicodedata.normalize("NFD", ch)
        marks = [c for c in parts if c in _TONES]
        if marks:
            if index is not None or len(marks) > 1:
                return "", -1, None
            index, tone = i, _TONES[marks[0]]
        bare.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES)))
    return "".join(bare), index, tone


def _tone_fits(nucleus: str, coda: str, pos: int) -> bool:
    """Whether a tone on the pos-th letter of the nucleus is where Vietnamese spelling puts it
    (old style `hoà`, `uỷ` and new style `hòa`, `ủy` both accepted)."""
    modified = [i for i, ch in enumerate(nucleus) if ch in _MODIFIED]
    if modified:
        return pos == modified[-1]
    if len(nucleus) == 1:
        return True
    if nucleus in ("oa", "oe", "uy"):
        return pos == 1 if coda else True
    if nucleus in ("oai", "oay", "oao", "oeo", "uya", "uyu"):
        return pos == 1
    return pos == 0  # ai ao au ay eo iu oi ui ia ua: the first vowel


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable (any case): onset, nucleus, final consonant, and one
    tone mark on the letter where spelling puts it."""
    bare, index, tone = _split_tone(word.lower())
    if index == -1 or not bare:
        return False
    for onset in _ONSETS:
        if not bare.startswith(onset):
            continue
        for coda in _CODAS:
            if not bare.endswith(coda) or len(onset) + len(coda) >= len(bare):
                continue
            nucleus = bare[len(onset):len(bare) - len(coda)]
            if nucleus not in _NUCLEI or not _syllable_ok(onset, nucleus, coda, tone):
                continue
            if index is None:
                return True
            pos = index - len(onset)
            if 0 <= pos < len(nucleus) and _tone_fits(nucleus, coda, pos):
                return True
    return False


def _syllable_ok(onset: str, nucleus: str, coda: str, tone: str | None) -> bool:
    """False when the parts cannot go together (spelling rules)."""
    if coda and nucleus in _GLIDE_FINAL | _NO_CODA:
        return False
    if not coda and nucleus in _NEED_CODA:
        return False
    if coda in ("ch", "nh") and nucleus not in _BEFORE_CH_NH:
        return False
    if coda in ("c", "ch", "p", "t") and tone not in (None, "sac", "nang"):
        return False
    if onset in ("k", "gh", "ngh") and not nucleus.startswith(_FRONT):
        return False
    if onset in ("c", "ng") and nucleus.startswith(_FRONT):
        return False
    if onset == "qu" and nucleus.startswith(("u", "o")):
        return False
    return True


def vietnamese_score(text: str) -> int:
    """Well-formed minus ill-formed words, counting only words with non-ASCII characters
    (plain ASCII words read the same in every encoding)."""
    score = 0
    for token in _TOKEN.findall(text):
        if token.isascii() or any(ch.isdigit() for ch in token):
            continue
        score += 1 if is_syllable(token) else -1
    return score


def choose_encoding(text: str, prefer: str | None = None) -> str | None:
    """The reading of text that makes the most well-formed words: None (as is), "tcvn3" or "vni".

    `prefer` is the encoding a font name claims; it wins ties. Without it, ties keep the text
    as is and a conversion needs positive evidence (more well-formed than ill-formed words).
    """
    if not _CANDIDATE.search(text) or _UNICODE_VIET.search(text):
        return None
    # The font's word outranks the other table, which outranks the text as is: a font that
    # claims a legacy encoding rules out plain Latin-1 accented letters.
    order: list[str | None] = [prefer] if prefer else [None]
    order += [enc for enc in ENCODINGS if enc not in order]
    if prefer:
        order.append(None)
    scores = {enc: vietnamese_score(_convert_raw(text, enc) if enc else text) for enc in order}
    best = max(order, key=lambda enc: scores[enc])  # max keeps the first of equals
    if prefer is None and best is not None and scores[best] <= 0:
        return None
    return best


def fix_legacy(text: str) -> tuple[str, str | None]:
    """Convert the lines of text that are TCVN3 or VNI read as Latin-1.

    Returns (text, encoding) where encoding is "tcvn3", "vni", "tcvn3+vni" or None when nothing
    was converted. Unicode Vietnamese passes through unchanged.
    """
    if not _CANDIDATE.search(text):
        return text, None
    used: set[str] = set()
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        # (choose_encoding's own first test, here: most lines are Unicode Vietnamese or plain ASCII)
        enc = choose_encoding(line) if _CANDIDATE.search(line) and not _UNICODE_VIET.search(line) else None
        if enc:
            lines[i] = convert_mixed(line, enc)
            used.add(enc)
    if not used:
        return text, None
    return "".join(lines), "+".join(e for e in ENCODINGS if e in used)


# --- text layers whose character maps are wrong ------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")
# Letters of other scripts that PDF fonts with broken ToUnicode maps put for Vietnamese letters:
# Cyrillic (`chӭc` for `chức`, `hӗ` for `hồ`), Greek.
_FOREIGN_SCRIPT = re.compile("[\u0370-\u03ff\u0400-\u052f]")
GARBLED_SHARE = 0.06  # ill-formed share of a page's distinct words; sound pages stay under 0.03 in the corpus
GARBLED_MIN_WORDS = 30  # distinct words a page needs before its share says anything


def garbled(text: str, mixed_share: float = 0.0) -> str | None:
    """Why a text layer is not the Vietnamese it shows, or None when it reads as Vietnamese.

    A font whose ToUnicode map is wrong gives the page letters that only look right: `Thjnh phố`,
    `njy`, `xpt` and Cyrillic look-alikes (`chӭc`). Two signs, each enough: words that mix Latin
    letters with another script's (two are enough, or `mixed_share` of the distinct words: a page
    already mended may keep a few), and many distinct ill-formed syllables (is_syllable) among the
    words written in lower case, several of them with Vietnamese letters or one marked vowel away from a
    syllable (foreign words, chemical symbols and place names like `Đắk Lắk` stay few, and English
    words are further from Vietnamese than one letter)."""
    text = unicodedata.normalize("NFC", text)
    words = _WORD.findall(text)
    # a page without another script's letters (nearly every one) has no mixed word to look for
    mixed = [w for w in words if _FOREIGN_SCRIPT.search(w) and re.search("[A-Za-zÀ-ỹ]", w)] if _FOREIGN_SCRIPT.search(text) else []
    if mixed and len(mixed) >= max(2, mixed_share * len({w.lower() for w in words})):
        return f"{len(mixed)} words mix Latin letters with another script's (" + ", ".join(sorted(set(mixed))[:3]) + ")"
    distinct = {w.lower() for w in words if len(w) >= 2 and w[1:].islower()}
    if len(distinct) < GARBLED_MIN_WORDS:
        return None
    bad = sorted(w for w in distinct if not is_syllable(w))
    if len(bad) < GARBLED_SHARE * len(distinct):
        return None
    viet = [w for w in bad if not w.isascii()]
    near = [w for w in bad if w.isascii() and _one_vowel_off(w)]
    if len(viet) >= 3 or len(near) >= max(3, 0.5 * GARBLED_SHARE * len(distinct)):
        shown = (viet + near)[:3]
        return f"{len(bad)} of {len(distinct)} distinct words are no Vietnamese syllable (" + ", ".join(shown) + ")"
    return None


# Vowels with a mark: what broken maps most often turn into a plain letter (`bjn` for `bàn`).
_MARKED_VOWELS = sorted({unicodedata.normalize("NFC", base + tone) for base in "aăâeêioôơuưy"
                         for tone in ("", *_TONES)} - set("aeiouy")) + ["đ"]


def _one_vowel_off(word: str) -> bool:
    """An ASCII word that one marked vowel in place of one of its letters makes a syllable (`bjn`,
    `xpt`, `cic`): a Vietnamese word with a letter mapped wrong. English words (`click`, `online`)
    are not."""
    if not 3 <= len(word) <= 7:  # two letters are too easily one off (`cd` -> `cả`)
        return False
    return any(is_syllable(word[:i] + v + word[i + 1:]) for i in range(len(word)) for v in _MARKED_VOWELS)
