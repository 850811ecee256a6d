"""Case files (tests/cases/*.csv): loading, parametrising, and the real text each phrase is copied from."""
from __future__ import annotations

import csv
import io
from functools import lru_cache
from typing import Callable

import pytest

from pipeline.normalise import normalise
from pipeline.readers import read
from tests.conftest import CORPUS, ROOT

CASES = ROOT / "tests" / "cases"


def load_cases(name: str) -> list[dict]:
    """Rows of a case file after its `#` header comment (quoted fields may hold blank lines)."""
    text = (CASES / name).read_text(encoding="utf-8")
    while text.startswith("#"):
        text = text.split("\n", 1)[1]
    return list(csv.DictReader(io.StringIO(text)))


def case_params(rows: list[dict], xfail_reason: Callable[[dict], str | None]) -> list:
    """One pytest param per row, id from the `id` column; a row with a reason is a strict xfail."""
    return [pytest.param(row, id=row["id"],
                         marks=[pytest.mark.xfail(strict=True, reason=reason)] if (reason := xfail_reason(row)) else [])
            for row in rows]


@lru_cache(maxsize=None)
def _normalised(name: str):
    path = next(p for p in (CORPUS / "real" / name, CORPUS / "seeds" / name, CORPUS / "legacy" / name,
                            CORPUS / "legacy" / "transcripts" / name, CORPUS / name) if p.exists())
    return normalise(read(path))


def phrase_blocks(name: str, phrase: str) -> list:
    """The layout blocks the reader gives the stretch of source `name` that the phrase copies (a table
    keeps its cells), with offsets into the phrase; none when the phrase is not there as it stands."""
    text, _, blocks = _normalised(name)
    at = text.find(phrase)
    if at < 0 or not phrase:
        return []
    end = at + len(phrase)
    out = []
    for b in blocks:
        if b.kind == "table" and b.start < end and b.end > at:
            out.append(b.model_copy(update={"start": max(b.start, at) - at, "end": min(b.end, end) - at}))
        elif at <= b.start and b.end <= end:
            out.append(b.model_copy(update={"start": b.start - at, "end": b.end - at}))
    return out


@lru_cache(maxsize=None)
def source_text(name: str) -> str:
    """Normalised text of a shared corpus file named in a case file, whitespace collapsed."""
    path = next(p for p in (CORPUS / "real" / name, CORPUS / "seeds" / name, CORPUS / "legacy" / name,
                            CORPUS / "legacy" / "transcripts" / name, CORPUS / name) if p.exists())
    text = normalise(read(path)).text
    return " ".join(text.split())
