"""Limits that protect the machine from one bad file: size, page count, time, memory.

One `Limits` object is active per process (`current()`); `vanban ingest` sets it in each worker
from its options, and readers may consult it to stop early (a PDF reader can refuse a 10,000-page
file before extracting a page). `check_size` and `check_pages` are the checks every file gets
in `pipeline.run.parse`; the time limit is enforced by the batch runner, which kills the worker;
the memory limit is the worker's address-space limit (`apply_memory_cap`), inherited by the tools it
runs, so a file that needs more fails with MemoryError, recorded as LimitExceeded.
"""
from __future__ import annotations

import os
import resource
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from pipeline.errors import LimitExceeded

MB = 1 << 20
# A worker parses real documents in 150-400 MB (OCR and LibreOffice included); 2 GB leaves room for
# large scans and never lets a few workers take the machine. Below 1 GB LibreOffice cannot start.
MEMORY_FLOOR_MB = 1024
MEMORY_CEILING_MB = 2048


@dataclass(frozen=True)
class Limits:
    # Administrative documents are a few MB at most; a scanned 100-page PDF stays under 50 MB.
    max_size_mb: float = 50.0
    max_pages: int = 500
    timeout: float = 300.0  # seconds for one file, OCR included
    max_memory_mb: float | None = None  # per worker process; None: sized for the machine (default_memory_mb)

    @property
    def max_size(self) -> int:
        return int(self.max_size_mb * MB)

    def memory_mb(self, workers: int) -> float:
        return self.max_memory_mb or default_memory_mb(workers)


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


def machine_memory_mb() -> float | None:
    """Physical memory, or the container's memory limit when it is lower (cgroup v2 or v1)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = None
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            value = Path(limit_file).read_text().strip()
        except OSError:
            continue
        if value.isdigit() and (total is None or int(value) < total):
            total = int(value)
    return total / MB if total else None


def default_memory_mb(workers: int) -> int:
    """Three quarters of the machine's memory shared by the workers, between 1 and 2 GB each."""
    total = machine_memory_mb()
    share = 0.75 * total / max(1, workers) if total else MEMORY_CEILING_MB
    return int(min(MEMORY_CEILING_MB, max(MEMORY_FLOOR_MB, share)))


def apply_memory_cap(mb: float) -> None:
    """Limit this process's address space (and that of the programs it starts) to `mb` MB: an allocation
    past it fails with MemoryError instead of swapping the machine to a halt. Address space, not resident
    memory, because it is the limit the kernel enforces; a process never has more resident than that."""
    limit = int(mb * MB)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def memory_exceeded(mb: float | None) -> LimitExceeded:
    cap = f"the limit of {mb:g} MB (--max-memory-mb)" if mb else "the memory available"
    return LimitExceeded(f"parsing the file needs more memory than {cap}: it is too large or built to blow up")
