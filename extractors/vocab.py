"""Loading vocabulary data files (extractors/data/*.csv): comment header, then a CSV table.

A malformed file raises ConfigError at load time: a bad pattern fails loudly, never silently.
"""
from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.textutil import fold

DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=None)
def load_csv(name: str, required: tuple[str, ...] = ()) -> tuple[dict, ...]:
    path = DATA / name
    try:
        lines = [l for l in path.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")]
    except OSError as exc:
        raise ConfigError(f"vocabulary file {path} cannot be read: {exc}") from exc
    rows = tuple(csv.DictReader(io.StringIO("\n".join(lines))))
    missing = [c for c in required if rows and c not in rows[0]]
    if not rows or missing:
        raise ConfigError(f"vocabulary file {path} is empty or lacks columns {missing}")
    for i, row in enumerate(rows, start=2):
        if None in row or any(v is None for v in row.values()):
            raise ConfigError(f"{path}: row {i} has the wrong number of fields: {row}")
    return rows


def split_aliases(value: str) -> list[str]:
    return [a.strip() for a in (value or "").split(";") if a.strip()]


@lru_cache(maxsize=None)
def doc_types() -> tuple[dict, ...]:
    return load_csv("doc_types.csv", ("code", "name", "abbr"))


@lru_cache(maxsize=None)
def type_by_name() -> dict[str, str]:
    """folded type name -> code, longest names first so `thông tư liên tịch` beats `thông tư`."""
    pairs = sorted(((fold(r["name"]), r["code"]) for r in doc_types()), key=lambda p: -len(p[0]))
    return dict(pairs)


@lru_cache(maxsize=None)
def type_title() -> str:
    """A type name in capitals (`KẾ HOẠCH`, `CHƯƠNG TRÌNH`), as a regular expression; also a plan or programme of
    action (`KẾ HOẠCH HÀNH ĐỘNG`, `CHƯƠNG TRÌNH HÀNH ĐỘNG`: the name the Government and provinces give the text that
    carries out a resolution or directive)."""
    names = sorted((r["name"].upper() for r in doc_types()), key=len, reverse=True)
    return r"(?:" + "|".join(re.escape(n) for n in names) + r")(?:\s+HÀNH\s+ĐỘNG)?"


@lru_cache(maxsize=None)
def type_name_pattern() -> re.Pattern:
    """A line that is only a type name in capitals (type_title)."""
    return re.compile(rf"^{type_title()}$")


@lru_cache(maxsize=None)
def section_kinds() -> tuple[tuple[str, tuple[str, ...]], ...]:
    rows = load_csv("section_kinds.csv", ("kind", "keywords"))
    return tuple((r["kind"], tuple(split_aliases(r["keywords"]))) for r in rows)


def classify_section(title: str | None) -> str:
    """Kind of a section from its title: the keyword that appears earliest wins."""
    key = f" {fold(title)} "
    best, best_pos = "other", len(key) + 1
    for kind, words in section_kinds():
        for w in words:
            pos = key.find(f" {w} ")
            if 0 <= pos < best_pos:
                best, best_pos = kind, pos
    return best
