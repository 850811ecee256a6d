"""Organisation names: one grammar for every place a body is named.

Assignments (`Sở Y tế chủ trì ...`), the header (issuer, parent body, recipients, the signer's body) and
citations (`... của Bộ Tài chính`) all read names with `read_org(text, pos)`. A name is read on tokens
(words and marks with their offsets), matched against data files without regard to case and tone
placement (`Uỷ` = `Ủy`):
- known bodies and their abbreviations (data/agencies.csv: `Sở LĐ-TB&XH`), group words (data/agency_groups.csv:
  `các sở, ban, ngành`), head words (data/org_heads.csv: `Sở`, `Trung tâm`, `Chi cục`, `Ban cán sự đảng`, and the
  titles written before a body, `Giám đốc`), administrative units (data/admin_units.csv), the lower-case domain
  words names go on with (data/name_words.csv: `Chi cục Bảo vệ môi trường`) and the words that end a name
  (data/name_stops.csv: `chủ trì`, `phối hợp`, `về`, `thuộc`).
- A name is a head and its name part, or a known body, then a scope (`tỉnh Bắc Ninh`, `các xã, phường`, `cấp
  tỉnh`, `khu vực XII`); a sub-unit takes its parent (`Văn phòng Ủy ban nhân dân tỉnh`, `Ban Tuyên giáo Tỉnh
  ủy`); a Party organ prefixes a body (`Đảng đoàn Hội đồng nhân dân tỉnh`).
- Boundaries come from the grammar, not from capitals: the name part takes capitalised words with the next
  syllable of each (`Tài chính`), domain words, `và` and a dash between two parts (`Kinh tế - Ngân sách`),
  and ends at a stop word, a unit, a new body or a mark. In text set in capitals (`SỞ DỮ LIỆU QUỐC GIA VỀ ...`)
  every word goes on until one of those.

Also here: `vn_case` (an all-caps header line as running text writes it), `expand_abbreviations`,
`normalise_issuer` and `issuer_key` (one key for the forms of one body's name). Names are kept as written;
the tone key is for matching only, except that a known body or head word takes its vocabulary spelling.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from extractors.numbers import type_by_folded_name
from extractors.vocab import load_csv, split_aliases
from pipeline.errors import ConfigError
from pipeline.textutil import fold, is_upper_line, tone_key

# --- tokens ---------------------------------------------------------------------------------------

_TOK = re.compile(r"[^\W_]+|[^\w\s]")
_DASHES = {"–": "-", "—": "-", "‐": "-"}


@lru_cache(maxsize=1 << 16)
def key_of(word: str) -> str:
    """Matching form of a token: new-style tone placement, case folded, dashes as `-`."""
    return _DASHES.get(word) or tone_key(word).casefold()


@lru_cache(maxsize=1 << 16)
def _shape(word: str) -> tuple[str, bool, bool, bool, bool]:
    """(key, word, cap, lower, upper) of a token's text: words repeat, so each is looked at once."""
    return key_of(word), word[0].isalnum(), word[0].isupper(), word[0].islower(), word.isupper()


class Tok:
    """A token: offsets, text and matching key; `word` (starts with a letter or digit), `cap`, `lower` (its
    first letter's case) and `upper` (all capitals) are set when it is made, the grammar asks them often."""
    __slots__ = ("start", "end", "text", "key", "word", "cap", "lower", "upper")

    def __init__(self, start: int, end: int, text: str, key: str | None = None) -> None:
        self.start, self.end, self.text = start, end, text
        k, self.word, self.cap, self.lower, self.upper = _shape(text)
        self.key = k if key is None else key

    def __repr__(self) -> str:
        return f"Tok({self.start}, {self.end}, {self.text!r}, {self.key!r})"


class Tokens:
    """The tokens of text from pos on, read as they are asked for. The stream ends at a blank line and, unless
    `lines`, at a line break, except before a lower-case word: a name wrapped over a line goes on."""

    def __init__(self, text: str, pos: int, end: int | None = None, lines: bool = False,
                 first: re.Match | None = None) -> None:
        """`first`: the first token's match (_TOK.search(text, pos, end)), when the caller has found it."""
        self.text, self.pos, self.end, self.lines = text, pos, len(text) if end is None else end, lines
        self.items: list[Tok] = []
        self.done = False
        if first is not None:
            self.pos = first.end()
            self.items.append(Tok(first.start(), self.pos, first.group()))

    def __getitem__(self, i: int) -> Tok | None:
        items = self.items
        if i < len(items):
            return items[i]
        while len(items) <= i and not self.done:
            self._read()
        return items[i] if i < len(items) else None

    def _read(self) -> None:
        text, pos = self.text, self.pos
        m = _TOK.search(text, pos, self.end)
        if m is None:
            self.done = True
            return
        start, end = m.span()
        word = m.group()
        if self.items and text.find("\n", pos, start) != -1:
            para = text.count("\n", pos, start) > 1
            if para or not (self.lines or word[0].islower() or self._unfinished()):
                self.done = True
                return
        self.pos = end
        self.items.append(Tok(start, end, word))

    def _unfinished(self) -> bool:
        """Whether what was read so far cannot end a name, so a line break goes on with it: a connector
        (`Sở Tài nguyên và` / `Môi trường`) or a head word alone (`Phòng` / `Tài nguyên và Môi trường ...`)."""
        last = self.items[-1]
        if last.key in ("và", "-", "&"):
            return True
        lexicon = _lexicons()["heads"]
        probe = Tokens(self.text, self.items[0].start, self.items[-1].end, lines=True)
        m = lexicon.match(probe, 0)
        return bool(m) and m[0] == len(self.items) and m[1].name and m[1].kind != "-"

    def keys(self, i: int, n: int) -> tuple[str, ...] | None:
        if n <= 0 or i < 0:
            toks = [self[k] for k in range(i, i + n)]
            return None if any(t is None for t in toks) else tuple(t.key for t in toks)
        if self[i + n - 1] is None:  # reads up to the last one; tokens come in order, so all before it are read
            return None
        return tuple(t.key for t in self.items[i:i + n])

    def spaced(self, i: int) -> bool:
        """Whether white space stands before token i."""
        t = self[i]
        return t is not None and i > 0 and self.items[i - 1].end < t.start


def phrase_keys(phrase: str) -> tuple[str, ...]:
    return tuple(key_of(m.group()) for m in _TOK.finditer(phrase))


@lru_cache(maxsize=None)
def _cac_first_keys() -> frozenset[str]:
    """The first keys of the plural words: most tokens start none, and are not matched against each."""
    return frozenset(keys[0] for _, keys in _cac_keys() if keys)


@lru_cache(maxsize=None)
def _cac_keys() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The plural words (`các`, `tất cả các`) longest first, with their keys: computed once."""
    return tuple((phrase, phrase_keys(phrase)) for phrase in sorted(_CAC, key=len, reverse=True))


_NONE = object()


class Lexicon:
    """Phrases (as token keys) -> value; `match` gives the longest phrase at a token."""

    def __init__(self) -> None:
        # the phrases as a trie, key -> [value or _NONE, {next key: node}]: a match reads only as far as some
        # phrase goes on, and looks each key up once
        self.trie: dict[str, list] = {}

    def add(self, phrase: str, value: object) -> tuple[str, ...]:
        keys = phrase_keys(phrase)
        if keys:
            level = self.trie
            for key in keys[:-1]:
                level = level.setdefault(key, [_NONE, {}])[1]
            level.setdefault(keys[-1], [_NONE, {}])[0] = value
        return keys

    def match(self, ts: Tokens, i: int) -> tuple[int, object] | None:
        items = ts.items  # the tokens read so far, looked at without a call
        t = items[i] if i < len(items) else ts[i]
        if t is None:
            return None
        node = self.trie.get(t.key)
        if node is None:
            return None
        value, nxt = node
        found = None if value is _NONE else (1, value)
        n = 1
        while nxt:
            j = i + n
            t = items[j] if j < len(items) else ts[j]
            if t is None:
                break
            node = nxt.get(t.key)
            if node is None:
                break
            n += 1
            value, nxt = node
            if value is not _NONE:
                found = n, value
        return found


# --- vocabulary -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Known:
    """A body of data/agencies.csv."""
    name: str
    kind: Optional[str]
    level: Optional[str]
    successor: Optional[str]
    scope: str  # required, optional, party, none


@dataclass(frozen=True)
class Head:
    text: str
    kind: str
    level: Optional[str]
    name: bool
    parent: bool
    prefix: bool


@dataclass(frozen=True)
class Group:
    name: str
    generic: bool
    kind: str
    level: Optional[str]
    requires_cac: bool


def alias_key(text: str) -> str:
    """Key of a name for looking up aliases: tones, case and spacing around - & , / do not matter."""
    return " ".join(phrase_keys(text)).replace(" - ", "-").replace(" & ", "&").replace(" , ", ",")


@lru_cache(maxsize=None)
def vocabulary() -> dict[str, Known]:
    """alias key -> known body; raises ConfigError if one alias names two bodies."""
    rows = load_csv("agencies.csv", ("name", "kind", "level", "aliases", "successor", "scope"))
    out: dict[str, Known] = {}
    for row in rows:
        if row["scope"] not in ("required", "optional", "party", "none"):
            raise ConfigError(f"agencies.csv: bad scope {row['scope']!r} for {row['name']}")
        entry = Known(row["name"], row["kind"] or None, row["level"] or None, row["successor"] or None, row["scope"])
        for alias in [row["name"], *split_aliases(row["aliases"])]:
            key = alias_key(alias)
            if key in out and out[key].name != entry.name:
                raise ConfigError(f"agencies.csv: alias {alias!r} names both {out[key].name} and {row['name']}")
            out[key] = entry
    return out


@lru_cache(maxsize=None)
def group_words() -> dict[str, Group]:
    rows = load_csv("agency_groups.csv", ("group", "generic", "kind", "level", "requires_cac", "words"))
    out: dict[str, Group] = {}
    for row in rows:
        group = Group(row["group"], row["generic"] == "1", row["kind"], row["level"] or None, row["requires_cac"] == "1")
        for word in split_aliases(row["words"]):
            key = alias_key(word)
            if key in out and out[key].name != group.name:
                raise ConfigError(f"agency_groups.csv: {word!r} is in groups {out[key].name} and {group.name}")
            out[key] = group
    return out


@lru_cache(maxsize=None)
def _lexicons() -> dict[str, Lexicon]:
    lex = {name: Lexicon() for name in ("known", "heads", "titles", "groups", "units", "words", "stops")}
    for alias, entry in vocabulary().items():
        lex["known"].add(alias, entry)
    for word, group in group_words().items():
        lex["groups"].add(word, group)
    for row in load_csv("org_heads.csv", ("head", "kind", "level", "name", "parent", "prefix")):
        head = Head(row["head"], row["kind"], row["level"] or None, row["name"] == "1", row["parent"] == "1",
                    row["prefix"] == "1")
        lex["titles" if head.kind == "title" else "heads"].add(row["head"], head)
    for row in load_csv("admin_units.csv", ("unit", "level")):
        lex["units"].add(row["unit"], row["level"])
    for row in load_csv("name_words.csv", ("words",)):
        lex["words"].add(row["words"], True)
    for row in load_csv("name_stops.csv", ("words", "any_case")):
        lex["stops"].add(row["words"], row["any_case"] == "1")
    return lex


def _type_word_at(ts: Tokens, i: int) -> bool:
    """Whether a type name (`quyết định`) of 3, 2 or 1 words starts at token i."""
    if i < 0:
        return any(_type_words(ts, i, n) for n in (3, 2, 1))
    ts[i + 2]  # reads as far as the longest (tokens come in order)
    items = ts.items
    if len(items) <= i or not items[i].word:
        return False  # (each run starts with token i: a mark there ends them all)
    for n in (3, 2, 1):
        if len(items) >= i + n and all(t.word for t in items[i + 1:i + n]) \
                and _is_type_name(tuple(t.key for t in items[i:i + n])):
            return True
    return False


def _type_words(ts: Tokens, i: int, n: int) -> bool:
    keys = ts.keys(i, n)
    return bool(keys) and all(ts[i + k].word for k in range(n)) and _is_type_name(keys)


@lru_cache(maxsize=1 << 14)  # the same few words are asked about in every name
def _is_type_name(keys: tuple[str, ...]) -> bool:
    return fold(" ".join(keys)) in type_by_folded_name()


# --- the grammar ----------------------------------------------------------------------------------

PARENT_KINDS = {"council", "people_committee", "party", "mass_org", "steering", "department", "police", "military",
                "central", "state_agency"}
_CAC = ("các", "những", "mọi", "tất cả các", "toàn bộ", "toàn thể")
_ROMAN = re.compile(r"[IVXLC]+|\d+", re.IGNORECASE)
_LETTER = re.compile(r"[A-Z]")  # a placeholder (`xã A`, `Sở A`)


@dataclass(frozen=True)
class OrgName:
    """One body named in the text."""
    start: int                  # first token, a title included
    end: int                    # after the name and its scope
    name: str                   # the body's name: as written (spaces normalised, abbreviations expanded), a known body in its vocabulary spelling
    kind: Optional[str] = None
    level: Optional[str] = None
    generic: bool = False
    group: Optional[str] = None     # group-word group (data/agency_groups.csv)
    related: bool = False           # `(có) liên quan`
    title: Optional[str] = None     # a person's office before the body: `Giám đốc`
    successor: Optional[str] = None
    known: bool = False             # in data/agencies.csv
    name_start: int = 0             # where the body's name starts (after a title)


class _Reader:
    """The grammar over one token stream. Indices are token indices."""

    def __init__(self, ts: Tokens, caps: bool, continuing: bool = False) -> None:
        self.ts, self.caps, self.continuing = ts, caps, continuing  # continuing: inside a list that `các` began
        self.lex = _lexicons()
        # head(i), unit(i), scope(i, generic) and _parent(i) by their arguments: the stream's tokens never change,
        # and a name's pieces are asked for again by each reading that tries them
        self.heads: dict[int, tuple[int, Head] | None] = {}
        self.units: dict[int, tuple[int, str] | None] = {}
        self.scopes: dict[tuple[int, bool], tuple[int, Optional[str]]] = {}
        self.parents: dict[int, tuple[int, OrgName] | None] = {}

    # vocabulary at a token
    def stop(self, i: int) -> int:
        t = self.ts[i]
        if t is None:
            return 0
        m = self.lex["stops"].match(self.ts, i)
        if m and (m[1] or t.lower or self.caps):
            return m[0]
        return 0

    def unit(self, i: int) -> tuple[int, str] | None:
        """A unit word at i (`tỉnh`, `thành phố`); `Tỉnh ủy` is an organ and `xã hội` a word, not units."""
        units = self.units
        if i in units:
            return units[i]
        found = units[i] = self._unit(i)
        return found

    def _unit(self, i: int) -> tuple[int, str] | None:
        m = self.lex["units"].match(self.ts, i)
        if not m:
            return None
        nxt = self.ts[i + m[0]]
        if nxt is not None and nxt.key in ("ủy", "hội", "đoàn", "đội") and self.ts.spaced(i + m[0]):
            return None
        return m[0], m[1]

    def word(self, i: int) -> int:
        m = self.lex["words"].match(self.ts, i)
        return m[0] if m else 0

    def head(self, i: int) -> tuple[int, Head] | None:
        heads = self.heads
        if i in heads:
            return heads[i]  # a name's first token is asked for its head by each reading of `read`
        t = self.ts[i]
        m = None
        if t is not None and (t.cap or self.caps):
            m = self.lex["heads"].match(self.ts, i)
            if m is not None and m[1].kind == "-":
                m = None
        heads[i] = m
        return m

    def known(self, i: int) -> tuple[int, Known] | None:
        t = self.ts[i]
        if t is None or not t.cap:
            return None
        return self.lex["known"].match(self.ts, i)

    def starts_body(self, i: int) -> bool:
        return bool(self.known(i) or self.head(i))

    # pieces of a name
    def name_part(self, i: int) -> int:
        """End (token index) of the name part that starts at i; i when there is none."""
        ts, k, parts, spare, joined = self.ts, i, 0, 0, False
        while True:
            t = ts[k]
            if t is None or any(c.isdigit() for c in t.text):
                break
            if not t.word:
                nxt = ts[k + 1]
                if not parts or nxt is None or not nxt.word:
                    break
                if t.key == "-" and (nxt.cap or self.caps or self.word(k + 1)) and not self.starts_body(k + 1) \
                        and not self.lex["stops"].match(ts, k + 1) and not self._group(k + 1):
                    # ` - Đánh giá ...`, ` - Là cơ quan ...`, ` - Cơ quan thường trực` start a clause or a note
                    k, spare, joined = k + 1, 0, True  # `Kinh tế - Ngân sách`, `Tài chính – Kế hoạch`
                    continue
                if t.key == "&" and not ts.spaced(k + 1) or t.key == "&" and nxt.upper:
                    k, spare = k + 1, 0  # `KH&ĐT`
                    continue
                if t.key == "," and (nxt.cap and not self.caps) and not self.starts_body(k + 1) \
                        and not self.unit(k + 1) and not _type_word_at(ts, k + 1) and self._comma_part(k + 1):
                    k, spare = k + 1, 0  # `Văn hóa, Thể thao và Du lịch`
                    continue
                break
            if parts and self.stop(k):
                break
            if t.key == "và":
                nxt = ts[k + 1]
                if parts and nxt is not None and nxt.word and not self.starts_body(k + 1) and not self.stop(k + 1) \
                        and not self.unit(k + 1) and not self._group(k + 1) \
                        and (nxt.cap or self.caps or self.word(k + 1)) and not _type_word_at(ts, k + 1):
                    k, spare = k + 1, 0
                    continue
                break
            if parts and self.unit(k):
                break
            n = self.word(k)
            if n and (t.lower or self.caps or not parts):
                k, parts, spare = k + n, parts + 1, 0  # a domain word: `môi trường`, `đất đai`
                continue
            if t.cap or self.caps:
                if parts and (self.starts_body(k) or _type_word_at(ts, k) and not joined):
                    break  # a parent body or the next one, a cited text (`của Tỉnh ủy và Kế hoạch số ...`)
                if not parts and self.stop(k):
                    break
                after_cap = k > i and ts[k - 1].word and ts[k - 1].cap
                abbreviation = t.upper and len(t.text) > 1 and not self.caps
                # a capitalised word takes the next small syllable (`Tài chính`); a proper name of capitalised
                # words does not (`Báo Cần Thơ chậm nhất ...`), nor an abbreviation, a word whole (`Quỹ BHYT thanh toán`)
                k, parts, spare, joined = k + 1, parts + 1, 0 if after_cap or abbreviation else 1, False
                continue
            if t.lower and spare and not self.stop(k) and t.text.isalpha():
                k, spare = k + 1, 0  # the second syllable of a capitalised word: `Tài chính`
                continue
            break
        while k > i and not ts[k - 1].word:
            k -= 1  # a mark that led nowhere
        return k

    def _lower_part(self, k: int) -> int:
        """A name part in lower case before the parent it belongs to (at most three words); k if none."""
        for j in range(k + 1, k + 4):
            t = self.ts[j - 1]
            if t is None or not t.word or not t.lower or self.unit(j - 1):
                return k
            if self._parent(j):
                return j
        return k

    def _comma_part(self, i: int) -> bool:
        """After a comma, a capitalised part belongs to the name when `và` and a last part follow it (`Văn hóa,
        Thể thao và Du lịch`, `Lao động, Thương binh và Xã hội`); a list of bodies after a head (`Hội Phụ nữ,
        Công đoàn, Cựu chiến binh`) is not one name."""
        ts, k = self.ts, i
        while ts[k] is not None and ts[k].word and ts[k].key != "và" and not self.stop(k) and k < i + 4:
            k += 1
        return k > i and ts[k] is not None and ts[k].key == "và" and ts[k + 1] is not None and ts[k + 1].word \
            and (ts[k + 1].cap or self.caps) and not self.starts_body(k + 1)

    def _body_word(self, i: int) -> bool:
        """A group word that names bodies by itself (`cơ quan`, `sở`), not one that is also a common word (`cấp`)."""
        m = self.lex["groups"].match(self.ts, i)
        return bool(m) and not m[1].requires_cac

    def _group(self, i: int) -> int:
        m = self.lex["groups"].match(self.ts, i)
        return m[0] if m else 0

    def place(self, i: int) -> int:
        """End of a place name at i (`Bến Tre`, `Bà Rịa - Vũng Tàu`, `Hồ Chí Minh`)."""
        ts, k, words = self.ts, i, 0
        while True:
            t = ts[k]
            if t is None:
                break
            if t.word and (t.cap or self.caps) and not self._place_stop(k) and not self.starts_body(k) \
                    and not _type_word_at(ts, k) and not (words and self.unit(k)) and words < 5:
                k, words = k + 1, words + 1
                continue
            if t.key == "-" and words and ts[k + 1] is not None and (ts[k + 1].cap or self.caps) \
                    and not self.lex["stops"].match(ts, k + 1):  # `Bà Rịa - Vũng Tàu`; not `Đông Nam - Đề xuất ...`
                k += 1
                continue
            break
        while k > i and not ts[k - 1].word:
            k -= 1
        if k == i + 1 and _LETTER.fullmatch(ts[i].text):
            return i  # `xã A`: a placeholder in a worked example
        if k == i + 1 and not self.caps:
            nxt = ts[k]
            if nxt is not None and nxt.word and nxt.lower and not self.stop(k):
                return i  # `Thành phố Chỉ đạo ...`: one capitalised word before a small one starts the next clause
        return k

    def _place_stop(self, k: int) -> bool:
        """A word that ends a place name. In capitals only the words that end a name in any case do (`... CẦN
        THƠ` is a place, `cần` a small word), `và`, and a word before a number (`... NĂM 2025`)."""
        if not self.caps:
            return bool(self.stop(k))
        m = self.lex["stops"].match(self.ts, k)
        nxt = self.ts[k + 1]
        return bool(m and m[1]) or self.ts[k].key == "và" or (nxt is not None and nxt.text[0].isdigit())

    def unit_list(self, i: int) -> tuple[int, str] | None:
        """`xã, phường, đặc khu`, `huyện, thị xã và thành phố`: end and the level of the first unit."""
        u = self.unit(i)
        if not u:
            return None
        k, level = i + u[0], u[1]
        while True:
            t = self.ts[k]
            if t is None:
                break
            j = k
            if t.key in (",", "/", "và"):
                j = k + 1 + (t.key == "," and self.ts[k + 1] is not None and self.ts[k + 1].key == "và")
            nu = self.unit(j)  # `xã, phường và đặc khu`; `các phường xã` (a comma left out)
            if nu and (j > k or t.lower):
                k = j + nu[0]
                continue
            break
        return k, level

    def scope(self, i: int, generic: bool = False) -> tuple[int, Optional[str]]:
        """The scope written after a name: (end, level); (i, None) when there is none."""
        key = (i, generic)
        found = self.scopes.get(key)
        if found is None:
            found = self.scopes[key] = self._scope(i, generic)
        return found

    def _scope(self, i: int, generic: bool) -> tuple[int, Optional[str]]:
        ts = self.ts
        t = ts[i]
        if t is None or not t.word:
            return i, None
        if t.key in ("các", "những") or t.text.isdigit():
            if ts[i + 1] is not None and ts[i + 1].key == "cấp":
                return i + 2, None  # `các cấp`
            ul = self.unit_list(i + 1)
            if ul:
                return self._tail(ul[0]), ul[1]
            return i, None
        if t.key == "cấp":
            u = self.unit(i + 1)
            return (i + 1 + u[0], u[1]) if u else (i, None)
        if t.key == "tp":
            k = i + 1 + (ts[i + 1] is not None and ts[i + 1].key == ".")
            return self.place(k), "province"
        if t.key in ("khu", "chi") or t.key == "trên" and generic:
            k = i
            if ts.keys(i, 2) == ("chi", "nhánh"):
                k = i + 2
            if ts.keys(k, 2) == ("khu", "vực") and ts[k + 2] is not None and _ROMAN.fullmatch(ts[k + 2].text):
                return k + 3, None  # `khu vực XII`, `chi nhánh khu vực 14`
            if generic and ts.keys(i, 3) == ("trên", "địa", "bàn"):
                end, level = self.scope(i + 3)
                return (end if end > i + 3 else i + 3), level  # `các đơn vị điện lực trên địa bàn tỉnh`
            return i, None
        ul = self.unit_list(i)
        if ul is None:
            return i, None
        return self._tail(ul[0]), ul[1]

    def _tail(self, k: int) -> int:
        """A place after a unit list, or `trực thuộc trung ương`."""
        if self.ts.keys(k, 3) == ("trực", "thuộc", "trung") and self.ts.keys(k, 4) == ("trực", "thuộc", "trung", "ương"):
            return k + 4
        return self.place(k)

    # a whole name
    def read(self, i: int, groups: bool = True, titles: bool = True) -> Optional[OrgName]:
        ts = self.ts
        first = ts[i]
        if first is None or not first.word:
            return None
        known = self._known(i)
        if titles:
            m = self.lex["titles"].match(ts, i)
            if m:
                inner = self.read(i + m[0], groups=groups, titles=False)
                if inner is not None and not (known and ts[known[0] - 1].end >= inner.end):
                    text = m[1].text if self.caps else _tidy(ts.text[first.start:ts[i + m[0] - 1].end])
                    return _replace(inner, start=first.start, title=text)
                if known is None:
                    return None  # `Giám đốc` alone is a person
        headed = self._headed(i)
        if known and headed and headed[0] > known[0] and (self.caps or not any(
                ts[j].cap for j in range(known[0], headed[0]))):
            headed = None  # a known body goes on only with capitalised words (`Ban Quản lý Khu kinh tế Đông Nam`)
        head = self.head(i)
        letter = ts[i + head[0]] if head else None
        after = ts[i + head[0] + 1] if head else None
        if headed and letter is not None and _LETTER.fullmatch(letter.text) and (
                after is None or not (after.word and after.lower) or self.stop(i + head[0] + 1)):
            headed = None  # `Sở A đạt 90 điểm`: a worked example names a placeholder, not a body (`Phòng Y tế` is one)
        found = [r for r in (known, headed, self._prefixed(i), self._grouped(i) if groups else None) if r]
        if not found:
            return None
        end, org = max(found, key=lambda r: (r[0], r[1].group is None))
        return _replace(org, start=first.start, end=ts[end - 1].end, name_start=first.start)

    def _known(self, i: int) -> tuple[int, OrgName] | None:
        m = self.known(i)
        if m is None:
            return None
        n, entry = m
        k = i + n
        if entry.scope == "party":
            parent = self._parent(k)
            if parent is None or parent[1].kind != "party":
                return None  # `Ban Tuyên giáo Tỉnh ủy`; `Văn phòng Chủ tịch nước` is not the Party's
            end, org = parent
            return end, _org(f"{self._known_text(i, k, entry)} {org.name}", entry.kind,
                                entry.level or org.level, successor=entry.successor, known=True)
        head = self.head(i)
        end, level = self.scope(k)
        if end == k and entry.scope == "required":
            return None
        if end == k and entry.scope in ("optional", "none") and not self.caps:
            end = self.place(k) if entry.scope == "optional" or entry.kind == "party" else k  # `... Cần Thơ`
        name = self._known_text(i, k, entry) + self._text(k, end)
        org = _org(name, entry.kind, level or entry.level, successor=entry.successor, known=True)
        # a known body may extend to a longer name with capitals (`Ban Quản lý Khu kinh tế Đông Nam`)
        if head and head[1].parent and end == k:
            parent = self._parent(k)
            if parent:
                end2, porg = parent
                return end2, _replace(org, name=f"{name} {porg.name}", level=org.level or porg.level)
        return end, org

    def _headed(self, i: int) -> tuple[int, OrgName] | None:
        m = self.head(i)
        if m is None or m[1].prefix:
            return None
        n, head = m
        k = i + n
        end = k
        parent = self._parent(k) if head.parent else None  # `Văn phòng Ủy ban nhân dân tỉnh`
        if parent is None and head.name:
            end = self.name_part(k)
            if end == k and head.parent:
                end = self._lower_part(k)  # `Tổ giúp việc Ban Chỉ đạo ...`, `Đoàn giám sát Hội đồng nhân dân tỉnh`
            if end == k:
                return None
            parent = self._parent(end) if head.parent else None  # `Ban Tuyên giáo Tỉnh ủy`
        if parent:
            pend, porg = parent
            name = self._name_text(i, n, head, end) + " " + porg.name
            return pend, _org(name, head.kind, head.level or porg.level)
        send, level = self.scope(end)
        name = self._name_text(i, n, head, end) + self._text(end, send)
        return send, _org(name, head.kind, level or head.level)

    def _prefixed(self, i: int) -> tuple[int, OrgName] | None:
        m = self.head(i)
        if m is None or not m[1].prefix:
            return None
        n, head = m
        inner = self._parent(i + n)
        if inner is None:
            return None
        end, org = inner
        prefix = head.text if self.caps else _tidy(self.ts.text[self.ts[i].start:self.ts[i + n - 1].end])
        return end, _org(f"{prefix} {org.name}", "party", org.level)

    def _parent(self, k: int) -> tuple[int, OrgName] | None:
        """A parent body at k (`Ủy ban nhân dân tỉnh`, `Tỉnh ủy`, `(trực) thuộc Sở X` is not one)."""
        parents = self.parents
        if k in parents:
            return parents[k]
        found = parents[k] = self._parent_at(k)
        return found

    def _parent_at(self, k: int) -> tuple[int, OrgName] | None:
        t = self.ts[k]
        if t is None or not t.word or not (t.cap or self.caps):
            return None
        org = self.read(k, groups=False, titles=False)
        if org is None or org.kind not in PARENT_KINDS:
            return None
        return self._index_after(k, org.end), org

    def _index_after(self, k: int, offset: int) -> int:
        while self.ts[k] is not None and self.ts[k].start < offset:
            k += 1
        return k

    def _grouped(self, i: int) -> tuple[int, OrgName] | None:
        ts, k = self.ts, i
        cac = None
        first = ts[i]
        for phrase, keys in _cac_keys() if first is not None and first.key in _cac_first_keys() else ():
            if ts.keys(i, len(keys)) == keys:
                cac, k = phrase, i + len(keys)
                break
        if cac is not None:
            named = self._headed(k) or self._known(k)
            if named:  # `các Phòng Giáo dục và Đào tạo các quận, huyện`: the plural of a named kind of body
                end, org = named
                g = self.lex["groups"].match(ts, k)
                if end > k + (g[0] if g else 0):
                    return end, _replace(org, name=f"{_tidy(ts.text[ts[i].start:ts[k - 1].end])} {org.name}")
        m = self.lex["groups"].match(ts, k)
        if m is None:
            return None
        n, group = m
        not_head = self.lex["heads"].match(ts, k)
        if not_head and not_head[1].kind == "-" and not_head[0] > n:
            return None  # `Sở hữu trí tuệ`, `các Hội nghị`: a word that only starts like a body
        if group.requires_cac and cac is None:
            after = ts[k + n]
            if not self.continuing or not (after is None or after.key in (",", ";", ".", "và", "liên", "có")):
                return None  # `tổ chức`, `cấp` are common words too: one counts in a list that goes on
        longer = self.lex["stops"].match(ts, k)
        if longer and longer[0] > n:
            return None  # `ban hành` is a verb, not the group word `ban`
        k += n
        end, level, related = self.qualifier(k)
        name = _tidy(ts.text[ts[i].start:ts[end - 1].end])
        return end, _org(name, group.kind, level or group.level, generic=group.generic, group=group.name,
                            related=related)

    def qualifier(self, k: int) -> tuple[int, Optional[str], bool]:
        """What follows a group word and belongs to it: `có liên quan`, `trực thuộc <body>`, a scope, `của <body>`,
        lower-case words up to a stop (`các doanh nghiệp viễn thông`, `các tổ chức cung cấp dịch vụ chi trả`)."""
        ts, level, related, words = self.ts, None, False, 0
        while True:
            t = ts[k]
            if t is None or not t.word:
                break
            if t.key == "có" and ts.keys(k, 3) == ("có", "liên", "quan") or t.key == "liên" and ts.keys(k, 2) == ("liên", "quan"):
                k += 3 if t.key == "có" else 2
                related = True
                send, slevel = self.scope(k, generic=True)  # only a scope may follow: `có liên quan của tỉnh`
                return send, slevel or level, related
            if t.key in ("thuộc", "trực") or t.key == "của":
                j = k + (2 if ts.keys(k, 2) == ("trực", "thuộc") else 1)
                parent = self._parent(j)
                if parent:
                    k = parent[0]
                    continue
                if t.key == "của" and ts[j] is not None and ts[j].key in ("tỉnh", "mình", "thành"):
                    k = j + (2 if ts.keys(j, 2) == ("thành", "phố") else 1)
                    continue
                break
            send, slevel = self.scope(k, generic=True)
            if send > k:
                k, level = send, slevel or level
                continue
            if not t.lower or t.key == "và" or words >= 6 or self.stop(k) or self._body_word(k) \
                    or self.starts_body(k) or _type_word_at(ts, k):
                break  # (the token's own tests first: a capitalised word ends it without a look-up)
            k, words = k + 1, words + 1
        return k, level, related

    # text of pieces
    def _text(self, a: int, b: int) -> str:
        """` tỉnh Bắc Ninh`: the tokens [a, b) as written (cased in capitals), with a leading space; '' if none."""
        if b <= a:
            return ""
        if self.caps:
            return " " + _case_scope(self, a, b)
        return " " + _tidy(self.ts.text[self.ts[a].start:self.ts[b - 1].end])

    def _known_text(self, i: int, k: int, entry: Known) -> str:
        """A known body's name: as written when written in full, its vocabulary name when abbreviated
        (`Sở KH&CN`) or set in capitals."""
        toks = [self.ts[j] for j in range(i, k)]
        if self.caps or any(t.word and t.upper and len(t.text) > 1 for t in toks):
            return entry.name
        return _tidy(self.ts.text[toks[0].start:toks[-1].end])

    def _name_text(self, i: int, n: int, head: Head, end: int) -> str:
        if not self.caps:
            return _tidy(self.ts.text[self.ts[i].start:self.ts[end - 1].end])
        parts = [head.text]
        rest = [self.ts[k] for k in range(i + n, end)]
        if rest:
            parts.append(_case_part(rest))
        return " ".join(parts)


_ORG_DEFAULTS = {f: getattr(OrgName, f, None) if f != "end" and f != "start" else 0
                 for f in OrgName.__dataclass_fields__}  # in field order, as __init__ sets them


def _org(name: str, kind: Optional[str] = None, level: Optional[str] = None, **more) -> OrgName:
    """OrgName(0, 0, name, kind, level, **more) without the frozen dataclass's __init__: the grammar makes one
    for each reading it tries."""
    new = object.__new__(OrgName)
    d = new.__dict__
    d.update(_ORG_DEFAULTS)
    d.update(name=name, kind=kind, level=level)
    d.update(more)
    return new


def _replace(org: OrgName, **changes) -> OrgName:
    # a copy of the fields, without the frozen dataclass's __init__ (one object.__setattr__ a field)
    new = object.__new__(OrgName)
    new.__dict__.update(org.__dict__)
    new.__dict__.update(changes)
    return new


@lru_cache(maxsize=1 << 14)  # names repeat: each is tidied once
def _tidy(name: str) -> str:
    """One space between words, none before marks (word-segmented texts write `sở , ngành`)."""
    name = re.sub(r"\s+([,;/)])", r"\1", " ".join(name.replace("_", " ").split()))
    return expand_abbreviations(name)


def _caps_text(text: str, pos: int, end: int | None) -> bool:
    """Whether the text at pos is set in capitals: its first words are (`SỞ Y TẾ`; not `UBND tỉnh`,
    `UB MTTQ Thành phố`)."""
    words = re.findall(r"[^\W\d_]+", text[pos:pos + 50 if end is None else min(end, pos + 50)])[:4]
    return len(words) >= 2 and all(w.isupper() for w in words) and len(words[0]) + len(words[1]) > 3


def read_org(text: str, pos: int, end: int | None = None, *, groups: bool = True, titles: bool = True,
             lines: bool = False, caps: bool | None = None, continuing: bool = False) -> Optional[OrgName]:
    """The body named at text[pos:] (pos at its first word), or None. `groups`: also group words (`các sở,
    ngành`); `titles`: a person's office before the body is read (`Giám đốc Sở Y tế`, kept in `title`);
    `lines`: the name may go on over line breaks (a header block); `caps`: the text is set in capitals
    (found from the text when None); `continuing`: inside a list that `các` began, a group word needs no `các`
    of its own (`các tổ chức, cá nhân`)."""
    limit = len(text) if end is None else end
    first = _TOK.search(text, pos, limit)
    if first is None or key_of(first.group()) not in _first_keys():
        return None  # most sentences and clauses start with a word no name starts with: no reader for them
    if caps is None:
        word = first.group()
        # a first word in letters not all capitals is the first word _caps_text looks at: not capitals
        caps = False if word.isalpha() and not word.isupper() and first.end() <= min(limit, pos + 50) \
            else _caps_text(text, pos, end)
    return _Reader(Tokens(text, pos, end, lines, first), caps, continuing).read(0, groups, titles)


def may_start(text: str, pos: int, end: int | None = None) -> bool:
    """Whether a name can start at text[pos:] (read_org is None where not): its first token is a word some
    title, known body, head, group or plural word starts with. A look-up, for callers that try many places."""
    first = _TOK.search(text, pos, len(text) if end is None else end)
    return first is not None and key_of(first.group()) in _first_keys()


@lru_cache(maxsize=None)
def _first_keys() -> frozenset[str]:
    """The keys a name can start with: a title, a known body, a head word, a group word or a plural word
    (`read` tries nothing else at a name's first token)."""
    lex = _lexicons()
    return frozenset(key for name in ("titles", "known", "heads", "groups") for key in lex[name].trie) \
        | _cac_first_keys()


_VAGUE = {"các", "những", "mọi", "tất", "cả", "toàn", "bộ", "thể", "có", "liên", "quan", "khác", "và", "cùng", ",", ";"}


def is_unspecified(name: str) -> bool:
    """Whether a group names no body in particular: group words and `(có) liên quan`, `khác` only
    (`các đơn vị liên quan`, `các sở, ngành`; not `các doanh nghiệp viễn thông`, `các sở, ban, ngành tỉnh`)."""
    ts = Tokens(name, 0, lines=True)
    lex = _lexicons()["groups"]
    k = 0
    while ts[k] is not None:
        m = lex.match(ts, k)
        if m:
            k += m[0]
        elif ts[k].key in _VAGUE:
            k += 1
        else:
            return False
    return True


def is_org_line(text: str) -> bool:
    """Whether a whole line (or block of lines) is one body's name: `HỘI ĐỒNG NHÂN DÂN TỈNH HÀ GIANG`,
    `THỦ TƯỚNG CHÍNH PHỦ` (not `BAN HÀNH CHÍNH SÁCH ...`, `SỞ DỮ LIỆU QUỐC GIA VỀ QUY HOẠCH`)."""
    stripped = text.strip(" .*")
    if not stripped:
        return False
    start = len(text) - len(text.lstrip(" .*"))
    org = read_org(text, start, lines=True, groups=False)
    return org is not None and not text[org.end:].strip(" .*:")


# --- casing ---------------------------------------------------------------------------------------

@lru_cache(maxsize=1 << 16)  # words repeat: each is cased once
def _word_case(word: str, first: bool) -> str:
    if not re.search(r"[aeiouyăâêôơưàáảãạ]", fold(word)) or re.search(r"\d", word):
        return word  # an abbreviation or code (`HBND`, `CNTT`, `5G`)
    low = word.lower()
    return low[:1].upper() + low[1:] if first else low


def _case_part(toks: list[Tok]) -> str:
    """A name part in capitals as running text writes it: each part's first syllable capitalised
    (`LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI` -> `Lao động - Thương binh và Xã hội`)."""
    out, new = [], True
    for t in toks:
        if not t.word:
            out.append(t.text)
            new = True
            continue
        if t.key == "và":
            out.append("và")
            new = True
            continue
        out.append(_word_case(t.text, new))
        new = False
    return _join(toks, out)


def _case_scope(reader: _Reader, a: int, b: int) -> str:
    """Tokens [a, b) of a scope in capitals: units and their words in lower case, a place capitalised syllable
    by syllable (`TỈNH BÀ RỊA - VŨNG TÀU` -> `tỉnh Bà Rịa - Vũng Tàu`)."""
    toks = [reader.ts[k] for k in range(a, b)]
    out, k = [], a
    while k < b:
        t = reader.ts[k]
        u = reader.unit(k) if t.word else None
        n = u[0] if u else 1
        if u or t.key in _SCOPE_WORDS:
            out.extend(reader.ts[j].text.lower() for j in range(k, min(b, k + n)))
        else:
            out.append(_word_case(t.text, True) if t.word else t.text)
        k += n
    return _join(toks, out)


_SCOPE_WORDS = {"các", "những", "cấp", "và", "trực", "thuộc", "trung", "ương", "khu", "vực", "chi", "nhánh", "trên", "địa",
                "bàn"}


def _join(toks: list[Tok], words: list[str]) -> str:
    text = ""
    for i, (t, w) in enumerate(zip(toks, words)):
        if i and toks[i - 1].end < t.start:
            text += " "
        text += w
    return re.sub(r"\s+([,;)])", r"\1", text)


def vn_case(caps: str) -> str:
    """An all-caps name or title as running text writes it: `ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG` -> `Ủy ban nhân dân
    tỉnh Sóc Trăng`, `BAN THƯỜNG VỤ TỈNH ỦY` -> `Ban Thường vụ Tỉnh ủy`, `PHÓ CHỦ TỊCH` -> `Phó Chủ tịch`.
    A known body or head word takes its vocabulary spelling; other words are lower-cased."""
    if not is_upper_line(caps):
        return caps
    text = " ".join(caps.split())
    org = read_org(text, 0, lines=True, groups=False, caps=True)
    if org is not None:
        name = org.name if org.title is None else f"{_vocab_case(org.title)} {org.name}"
        rest = text[org.end:].strip()
        if rest and rest.strip(" .*"):
            name = f"{name} {title_case(rest)}"  # `... TỈNH ĐỒNG THÁP KHOÁ IX` -> `... tỉnh Đồng Tháp khoá IX`
        return name[:1].upper() + name[1:]
    out = _vocab_case(text)
    return out[:1].upper() + out[1:]


def office_case(caps: str) -> str:
    """A person's office in capitals as running text writes it: `PHÓ CHỦ TỊCH` -> `Phó Chủ tịch`, `THỦ TƯỚNG` ->
    `Thủ tướng` (the office, not the body `Thủ tướng Chính phủ` that vn_case would name)."""
    if not is_upper_line(caps):
        return caps
    out = _vocab_case(" ".join(caps.split()))
    return out[:1].upper() + out[1:]


def _vocab_case(text: str) -> str:
    """Words in capitals: known bodies, head and title words in their vocabulary spelling, the rest lower case."""
    ts = Tokens(text, 0, lines=True)
    lex = _lexicons()
    out: list[str] = []
    toks: list[Tok] = []
    k = 0
    while ts[k] is not None:
        t = ts[k]
        m = lex["known"].match(ts, k) or lex["titles"].match(ts, k) or lex["heads"].match(ts, k)
        if m and getattr(m[1], "kind", None) != "-":
            n, entry = m
            spelled = entry.name if isinstance(entry, Known) else entry.text
            words = spelled.split()
            span = [ts[j] for j in range(k, k + n)]
            if len(words) == sum(1 for x in span if x.word):
                it = iter(words)
                out.extend(next(it) if x.word else x.text for x in span)
                toks.extend(span)
                k += n
                continue
        toks.append(t)
        out.append(t.text if t.text in ("T/M",) or not t.word else _word_case(t.text, False))
        k += 1
    return _join(toks, out)


_NUMBERED = {"điều", "khoản", "chương", "phần", "mục", "khóa", "khoá", "kỳ", "lần", "đợt"}


@lru_cache(maxsize=1 << 16)
def _type_name_words(keys: tuple[str, ...]) -> int:
    """How many of the first 3, 2 or 1 keys (longest first) fold to a type name (`quyết định`), 0 if none:
    keys repeat from title to title, so each run is folded once."""
    return next((m for m in (3, 2, 1) if m <= len(keys) and fold(" ".join(keys[:m])) in type_by_folded_name()), 0)


def title_case(caps: str) -> str:
    """A title set in capitals in sentence case, with what running text capitalises restored: the body after
    `của` and known bodies (`... CỦA THỦ TƯỚNG CHÍNH PHỦ` -> `... của Thủ tướng Chính phủ`), places after a unit
    (`tỉnh Bắc Ninh`), a type name before its number (`Quyết định số`), `Điều 1`, Roman numerals (`khóa XI`),
    codes as printed. Mixed-case text is returned as it is."""
    if not is_upper_line(caps):
        return caps
    ts = Tokens(caps, 0, lines=True)
    reader = _Reader(ts, True)
    toks: list[Tok] = []
    out: list[str] = []
    k = 0
    while ts[k] is not None:
        t, prev = ts[k], ts[k - 1] if k else None
        in_code = prev is not None and prev.key in ("-", "/", "&") and not ts.spaced(k)  # `NQ-HĐND`
        if t.word and not in_code and (prev is not None and prev.key == "của" or reader.known(k)):
            org = reader.read(k, groups=False)
            if org is not None:
                j = reader._index_after(k, org.end)
                toks.append(Tok(t.start, org.end, org.name, t.key))
                out.append(org.name if org.title is None else f"{_vocab_case(org.title)} {org.name}")
                k = j
                continue
        u = reader.unit(k) if t.word else None
        if u:
            end = reader.place(k + u[0])
            if end > k + u[0]:
                span = [ts[j] for j in range(k, end)]
                toks.extend(span)
                out.extend([x.text.lower() for x in span[:u[0]]]
                           + [_word_case(x.text, True) if x.word else x.text for x in span[u[0]:]])
                k = end
                continue
        keys = ts.keys(k, 3) or ts.keys(k, 2) or ts.keys(k, 1)  # (each shorter one is a prefix of the longest)
        n = (_type_name_words(keys) if keys else 0) or (1 if t.key in ("điều", "khoản", "chương", "phần", "mục") else 0)
        after = ts[k + n] if n else None
        if t.word and after is not None and (after.key == "số" or after.text.isdigit() or _ROMAN.fullmatch(after.text)):
            span = [ts[j] for j in range(k, k + n)]  # `Quyết định số`, `Nghị quyết 214`, `Điều 1`
            toks.extend(span)
            out.extend(_word_case(x.text, j == 0) for j, x in enumerate(span))
            k += n
            continue
        toks.append(t)
        roman = prev is not None and prev.key in _NUMBERED and re.fullmatch(r"[IVXLC]+", t.text)
        nxt = ts[k + 1]
        code = in_code or nxt is not None and nxt.key in ("-", "/", "&") and not ts.spaced(k + 1) and ts[k + 2] \
            is not None and not ts.spaced(k + 2)  # a part of a number's code: `24-CTr/TU`
        out.append(t.text if roman or code or not t.word else _word_case(t.text, False))
        k += 1
    return _join(toks, out)


def title_at(text: str) -> int:
    """Length in characters of a person's office at the start of text (`PHÓ CHỦ TỊCH`, `Giám đốc`), 0 if none."""
    ts = Tokens(text, len(text) - len(text.lstrip()), lines=True)
    m = _lexicons()["titles"].match(ts, 0)
    return ts[m[0] - 1].end if m else 0


def org_line_start(text: str) -> Optional[OrgName]:
    """The body a header line set in capitals starts with (`ỦY BAN NHÂN DÂN`, `SỞ Y TẾ`, `THỦ TƯỚNG CHÍNH PHỦ`),
    or None (`CỘNG HÒA ...`, `BAN HÀNH ...`, `PHÓ CHỦ TỊCH`)."""
    start = len(text) - len(text.lstrip(" .*"))
    if not is_upper_line(text[start:start + 60]):
        return None
    return read_org(text, start, groups=False, titles=False, caps=True)


# --- issuers (header and citations) ---------------------------------------------------------------

_ABBREVIATIONS = (("UBND", "Ủy ban nhân dân"), ("HĐND", "Hội đồng nhân dân"), ("UBMTTQ", "Ủy ban Mặt trận Tổ quốc"),
                  ("MTTQ", "Mặt trận Tổ quốc"))


def expand_abbreviations(name: str) -> str:
    """`UBND tỉnh` -> `Ủy ban nhân dân tỉnh`: the contract wants names written in full."""
    for abbr, full in _ABBREVIATIONS:
        if abbr in name:
            name = re.sub(rf"(?<!\w){abbr}(?!\w)", full, name)
    return name


_PLENUM = re.compile(r"Hội[ \t_]+nghị[ \t_]+lần[ \t_]+thứ[ \t_]+\w+[ \t_]+(?:của[ \t_]+)?", re.IGNORECASE)


def parse_issuer(text: str, start: int, limit: int = 160) -> tuple[str | None, int]:
    """The body named at text[start:] (after `của`): (name, end offset), or (None, start). A person's office
    before it stays in the name (`Chủ tịch Ủy ban nhân dân tỉnh`); `khóa XI` after a Party body is part of it."""
    hi = min(len(text), start + limit)
    plenum = _PLENUM.match(text, start, hi)  # the plenum of a committee issues in the committee's name
    names, end = [], plenum.end() if plenum else start
    while True:
        org = read_org(text, end, hi, groups=False)
        if org is None:
            break
        name = org.name if org.title is None else f"{org.title} {org.name}"
        end = org.end
        m = re.match(r"[ \t]+(khóa|khoá)[ \t]+([IVXLC]+)\b", text[end:end + 20], re.IGNORECASE)
        if m and org.kind in ("party", "council", "central"):
            name, end = f"{name} {m.group(1)} {m.group(2)}", end + m.end()
        names.append(name)
        joint = re.match(r"[ \t_]+và[ \t_]+(?=\w)", text[end:end + 6])
        if not joint or not read_org(text, end + joint.end(), hi, groups=False):
            break  # `của Bộ Công an và Bộ Nông nghiệp và Môi trường`: issued jointly
        end += joint.end()
    return (" và ".join(names), end) if names else (None, start)


def caps_issuer(text: str, start: int, hi: int) -> tuple[str | None, int]:
    """Issuer in a title set in capitals (`... CỦA THỦ TƯỚNG CHÍNH PHỦ VỀ ...`): the name, cased as running text."""
    org = read_org(text, start, min(hi, start + 120), groups=False, caps=True)
    if org is None:
        return None, start
    name = org.name if org.title is None else f"{_vocab_case(org.title)} {org.name}"
    return name[:1].upper() + name[1:], org.end


def normalise_issuer(name: str | None, context: str | None = None) -> str | None:
    """Issuer as the contract wants it: abbreviations expanded, one space; a unit left without its place
    (`Ủy ban nhân dân tỉnh`, `Tỉnh ủy`) takes the place of the citing document's issuer, which is what such a
    mention means in an official text."""
    if not name:
        return None
    name = " ".join(name.replace("_", " ").split()).strip(" ,.-")
    name = expand_abbreviations(name)
    name = re.sub(r"^Hội nghị lần thứ \w+ (?:của )?", "", name)  # the plenum of a committee issues in its name
    if context:
        name = _complete_place(name, " ".join(context.split()))
    return name or None


_BARE_UNIT = re.compile(r"(?:^|\s)(tỉnh|thành phố|Tỉnh|Thành phố)$")
_BARE_COMMITTEE = re.compile(r"(?:^|\s)(Tỉnh ủy|Thành ủy|Tỉnh uỷ|Thành uỷ)$", re.IGNORECASE)


def locality(name: str) -> tuple[str, str] | None:
    """('tỉnh' | 'thành phố', place) of a body's name: `Ủy ban nhân dân tỉnh Bến Tre` -> ('tỉnh', 'Bến Tre')."""
    for m in re.finditer(r"(?:^|\s)(tỉnh ủy|thành ủy|tỉnh uỷ|thành uỷ|tỉnh|thành phố)\s+", name, re.IGNORECASE):
        place = name[m.end():].split()
        if place and all(w[:1].isupper() or w in "-–" for w in place):
            kind = tone_key(m.group(1).lower())
            kind = {"tỉnh ủy": "tỉnh", "thành ủy": "thành phố"}.get(kind, kind)
            return kind, " ".join(place)
    return None


def _complete_place(name: str, context: str) -> str:
    loc = locality(context)
    if loc is None:
        return name
    kind, place = loc
    m = _BARE_UNIT.search(name)
    if m and m.group(1).lower() == kind:
        return f"{name[:m.start(1)]}{kind} {place}"
    m = _BARE_COMMITTEE.search(name)
    if m and {"tỉnh ủy": "tỉnh", "thành ủy": "thành phố"}[tone_key(m.group(1).lower())] == kind:
        return f"{name} {place}"
    return name


def issuer_key(name: str | None) -> str | None:
    """Key for matching issuers: `Ban Thường vụ Tỉnh ủy Sóc Trăng` == `Tỉnh ủy Sóc Trăng`, `UBND tỉnh X` ==
    `Ủy ban nhân dân tỉnh X`, `Bộ trưởng Bộ Tài chính` == `Bộ Tài chính` (the collective and its standing body,
    a minister and the ministry, sign for the same body's series of numbers)."""
    if not name:
        return None
    key = fold(normalise_issuer(name))
    key = re.sub(r"^hoi nghi lan thu \w+ ", "", key)
    key = re.sub(r"^(?:ban thuong vu|thuong truc|ban chap hanh dang bo) ", "", key)
    key = re.sub(r"^ban chap hanh dang bo (tinh|thanh pho) ", lambda m: ("tinh uy " if m.group(1) == "tinh" else "thanh uy "), key)
    key = re.sub(r"^(?:bo truong|chu tich|thu truong) (?=bo |uy ban )", "", key)
    key = re.sub(r" khoa [ivxlc]+$", "", key)
    return key or None


# --- word helpers the references' law parser shares -------------------------------------------------

TOKEN = re.compile(r"[^\s_,;:.()\[\]“”\"'*|]+|[,;:.()\[\]“”\"'*|]")
fold_word = lru_cache(maxsize=1 << 16)(fold)  # words repeat: fold each once
# Names of administrative units: the words after them are a place name.
ADMIN_UNITS = tuple(r["unit"] for r in load_csv("admin_units.csv", ("unit", "level")))


def is_cap(word: str) -> bool:
    return word[:1].isupper()


def is_caps(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def phrase_set(phrases) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(tone_key(w) for w in (p.split() if isinstance(p, str) else p)) for p in phrases)


def starts_with(words: list[str], i: int, phrases: frozenset) -> bool:
    low = tuple(tone_key(w.lower()) for w in words[i:i + 4])
    return any(low[:n] in phrases for n in range(1, len(low) + 1))


def is_type_word_at(words: list[str], i: int) -> bool:
    names = type_by_folded_name()
    return any(" ".join(fold_word(w) for w in words[i:i + n]) in names for n in (3, 2, 1))
