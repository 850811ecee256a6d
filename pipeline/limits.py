"""Limits that protect the machine from one bad file: size, page count, time.

One `Limits` object is active per process (`current()`); `vanban ingest` sets it in each worker
from its options, and readers may consult it to stop early (a PDF reader can refuse a 10,000-page
file before extracting a page). `check_size` and `check_pages` are the checks every file gets
in `pipeline.run.parse`; the time limit is enforced by the batch runner, which kills the worker.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from pipeline.errors import LimitExceeded

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    # Administrative documents are a few MB at most; a scanned 100-page PDF stays under 50 MB.
    max_size_mb: float = 50.0
    max_pages: int = 500
    timeout: float = 300.0  # seconds for one file, OCR included

    @property
    def max_size(self) -> int:
        return int(self.max_size_mb * MB)


DEFAULT = Limits()
_active = DEFAULT


def current() -> Limits:
    return _active


def set_current(limits: Limits) -> None:
    global _active
    _active = limits


@contextmanager
def applied(limits: Limits) -> Iterator[Limits]:
    """Make `limits` the active ones for the duration of a block (tests, benchmarks)."""
    previous = current()
    set_current(limits)
    try:
        yield limits
    finally:
        set_current(previous)


def check_size(path: Path, limits: Limits | None = None) -> None:
    limits = limits or current()
    size = path.stat().st_size
    if size > limits.max_size:
        raise LimitExceeded(f"the file is {size / MB:.1f} MB, more than the limit of {limits.max_size_mb:g} MB "
                            f"(--max-size-mb)")


def check_pages(pages: int, limits: Limits | None = None) -> None:
    limits = limits or current()
    if pages > limits.max_pages:
        raise LimitExceeded(f"the file has {pages} pages, more than the limit of {limits.max_pages} (--max-pages)")
