"""Document numbers and type codes: `37/2010/QĐ-TTg`, `61-CTr/TU`, `3452/UBND-VX`.

The lower layer that metadata (the header's `Số:` line), references (cited numbers), the store
(number keys) and the pipeline (cover-letter notes) share: what a number's parts are, which type
its code names (doc_types.csv) and which body its issuer code stands for (issuer_codes.csv).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extractors.vocab import doc_types, load_csv, split_aliases
from pipeline.textutil import fold

# A word that names a document without naming its type: the type then comes from the number's code.
GENERIC_TYPE_WORDS = ("văn bản",)


# --- types ----------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def type_by_folded_name() -> dict[str, str | None]:
    """folded type name -> type; generic words (`văn bản`) map to None."""
    return {**{fold(r["name"]): r["code"] for r in doc_types()}, **{fold(w): None for w in GENERIC_TYPE_WORDS}}


@lru_cache(maxsize=None)
def type_codes() -> dict[tuple[str, str], str]:
    """(number form, code in capitals) -> type; form is 'state' or 'party'. `Đ` is kept: ĐA (đề án) != DA (dự án)."""
    out: dict[tuple[str, str], str] = {}
    for r in doc_types():
        forms = [r["form"]] if r.get("form") else ["state", "party"]
        for abbr in split_aliases(r["abbr"]):
            for form in forms:
                out.setdefault((form, abbr.upper()), r["code"])
    return out


@lru_cache(maxsize=None)
def type_abbreviations() -> dict[str, str]:
    """Type codes written as the type word (`NQ 49/TTg`), exactly as printed in capitals; TT (thông tư or
    thông tri) is left out."""
    out: dict[str, str] = {}
    for r in doc_types():
        for abbr in split_aliases(r["abbr"]):
            if abbr.isupper() and len(abbr) >= 2:
                out[abbr] = None if abbr in out else r["code"]
    return {k: v for k, v in out.items() if v}


@lru_cache(maxsize=None)
def sole_issuer() -> dict[str, str]:
    """type -> the one body that issues every text of that type (luật: Quốc hội)."""
    return {r["code"]: r["issuer"] for r in doc_types() if r.get("issuer")}


@lru_cache(maxsize=None)
def issuer_codes() -> dict[str, dict]:
    rows = load_csv("issuer_codes.csv", ("code", "issuer", "scope", "term"))
    return {r["code"].upper(): r for r in rows}


def _code_row(code: str) -> dict | None:
    codes = issuer_codes()
    key = code.upper()
    if key in codes:
        return codes[key]
    m = re.fullmatch(r"(.*?)(\d{1,2})", key)  # QH15, UBTVQH13: the body and its term
    if m and m.group(1) in codes and codes[m.group(1)]["term"] == "1":
        return codes[m.group(1)]
    return None


def issuer_of_code(code: str | None) -> str | None:
    """Name of the body an issuer code stands for, or None when the code is local, ambiguous or unknown."""
    row = _code_row(code) if code else None
    return row["issuer"] if row and row["scope"] == "national" else None


# --- numbers --------------------------------------------------------------------------------------

def clean_number(raw: str) -> str:
    """As printed, spaces removed; an en dash, or an underscore typed for one, is a hyphen."""
    return re.sub(r"\s+", "", raw).replace("–", "-").replace("_", "-")


_HEADER_NUMBER = re.compile(r"\d[\w.]*(?:\s*[/\-&]\s*[\w.]+)*-?")


def header_number(raw: str) -> str | None:
    """The number on a header's `Số:` line: `3452 /UBND-VX` -> `3452/UBND-VX`; what follows it on the
    same line (a place name when the two header columns share a line) is not part of it."""
    m = _HEADER_NUMBER.match(raw.strip())
    if not m:
        return None
    # `3070. /KH-UBND`: signing tools stamp the number with a full stop into the blank before the slash
    # (no document of ../shared/corpus is stamped so; the signed PDFs of issue #10 are)
    return re.sub(r"(?<=\d)\.(?=/)", "", re.sub(r"\s+", "", m.group(0))).rstrip(".,;-")


def number_key(number: str | None) -> str | None:
    """Key for matching document numbers: no spaces, capitals, Đ as D (`24-CTR/TU` == `24-CTr/TU`)."""
    if not number:
        return None
    return clean_number(number).upper().replace("Đ", "D")


@dataclass
class NumberParts:
    serial: str
    type_code: str | None
    issuer_code: str | None
    party: bool
    year: bool


def parse_number(number: str) -> NumberParts:
    """`37/2010/QĐ-TTg` -> type QĐ, issuer TTg; `61-CTr/TU` (Party form) -> type CTr, issuer TU;
    `3452/UBND-VX` (công văn: no type code) -> issuer UBND."""
    number = clean_number(number)
    party = re.match(r"^\d+-[A-Za-zĐđ]+/", number) is not None
    segs = re.split(r"[/\-]", number)
    serial, rest = segs[0], segs[1:]
    if party:
        return NumberParts(serial, rest[0], rest[1] if len(rest) > 1 else None, True, False)
    year = False
    while rest and re.fullmatch(r"\d{4}", rest[0]):
        year, rest = True, rest[1:]
    letters = [s for s in rest if re.search(r"[A-Za-zĐđ]", s)]
    if not letters:
        return NumberParts(serial, None, None, False, year)
    if ("state", letters[0].upper()) in type_codes():
        return NumberParts(serial, letters[0], letters[1] if len(letters) > 1 else None, False, year)
    return NumberParts(serial, None, letters[0], False, year)


def type_of_number(number: str) -> str | None:
    parts = parse_number(number)
    if parts.type_code:
        return type_codes().get(("party" if parts.party else "state", parts.type_code.upper()))
    if parts.issuer_code and not parts.year:
        return "cong_van"  # N/ISSUER-UNIT: a công văn has no type code
    return None


def issuer_of_number(number: str) -> str | None:
    parts = parse_number(number)
    if parts.type_code and parts.type_code.upper() in ("TTLT",):
        return None  # joint texts: several issuers
    return issuer_of_code(parts.issuer_code)
