"""Fact extractors: one module per fact type, each with `extract(view: DocView, *, <needs>) -> Iterator[Fact]`.

An extractor that needs the facts of another says so in its signature: each keyword-only parameter
names a fact type (`def extract(view, *, deadlines)` in assignments.py), and `run_extractors` passes
that type's facts, as found in this document. EXTRACTORS is the one list the pipeline runs; it is
checked when it is first used: a need that no earlier extractor produces is a ConfigError, so order
and wiring cannot drift apart silently. The extractor modules load with it, not with this package: a
process that only needs a helper module (the database writer: numbers, orgnames) does not compile every
extractor's patterns.
To add a fact type: write the module, add a field to schemas.Document, add it here.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from pipeline.errors import ConfigError
from pipeline.proc import cpu_seconds


@dataclass(frozen=True)
class Extractor:
    name: str  # the fact type, also the Document field and the keyword other extractors ask for
    extract: Callable
    needs: tuple[str, ...]  # fact types passed as keyword arguments, read from the signature


def needs_of(fn: Callable) -> tuple[str, ...]:
    """The fact types `fn` asks for: its keyword-only parameters."""
    return tuple(p.name for p in inspect.signature(fn).parameters.values() if p.kind is p.KEYWORD_ONLY)


def chain(*pairs: tuple[str, Callable]) -> tuple[Extractor, ...]:
    """Extractors in run order; raises ConfigError when one needs facts no earlier one produces."""
    out: list[Extractor] = []
    for name, fn in pairs:
        needs = needs_of(fn)
        missing = [n for n in needs if n not in {e.name for e in out}]
        if missing:
            raise ConfigError(f"extractor {name!r} needs {missing}, which no earlier extractor produces")
        out.append(Extractor(name, fn, needs))
    return tuple(out)


@lru_cache(maxsize=1)
def _extractors() -> tuple[Extractor, ...]:
    from extractors import assignments, deadlines, references, targets
    return chain(
        ("references", references.extract),
        ("targets", targets.extract),
        ("deadlines", deadlines.extract),      # needs references: a cited text's date is not a time limit
        ("assignments", assignments.extract),  # needs deadlines: a dated deadline in a duty's item is its due date
    )


def __getattr__(name: str):
    if name == "EXTRACTORS":  # built on first use (module __getattr__, PEP 562)
        return _extractors()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run_extractors(view, extractors: tuple[Extractor, ...] | None = None,
                   timings: dict[str, float] | None = None) -> dict[str, list]:
    """Every fact of one document, by fact type (`extractors`: EXTRACTORS unless given); `timings` receives
    the seconds each extractor took."""
    if extractors is None:
        extractors = _extractors()
    found: dict[str, list] = {}
    for ex in extractors:
        started = cpu_seconds() if timings is not None else 0.0
        found[ex.name] = list(ex.extract(view, **{n: found[n] for n in ex.needs}))
        if timings is not None:
            timings[ex.name] = timings.get(ex.name, 0.0) + cpu_seconds() - started
    return found
