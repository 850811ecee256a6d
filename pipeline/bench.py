"""`vanban bench`: how fast the pipeline runs, stage by stage, how much memory it takes, and how
that compares with bare pdfplumber text extraction of the same PDFs.

Three measurements over the same files:
- a profile in this process: each file parsed with stage timings (pipeline.run's `timings` hooks)
  and stored into a scratch database; peak memory is this process's maximum resident set size;
- the batch runner (pipeline.ingest) with N workers into a scratch database, wall clock;
- pdfplumber `page.extract_text()` on the PDFs the pipeline read from their text layer (no OCR),
  the floor any PDF pipeline built on it pays.
"""
from __future__ import annotations

import itertools
import os
import resource
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from pipeline import store
from pipeline.ingest import ingest, iter_files
from pipeline.run import add_time, parse

STAGES = ("read", "normalise", "segment", "references", "targets", "deadlines", "assignments", "store")


@dataclass
class FileRun:
    path: Path
    format: str
    documents: int
    pages: int
    ocr: bool
    seconds: float


@dataclass
class Profile:
    runs: list[FileRun] = field(default_factory=list)
    failed: int = 0
    warm_up: float = 0.0  # the first parse of the process: libraries and models loading
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float = 0.0

    @property
    def documents(self) -> int:
        return sum(r.documents for r in self.runs)


@dataclass
class Throughput:
    workers: int
    files: int
    failed: int
    documents: int
    pages: int
    seconds: float
    worker_peak_rss_mb: float
    # The steady part of the run: from the moment each worker has finished a file (started, models
    # loaded) to the end, and the documents stored in it.
    steady_seconds: float = 0.0
    steady_documents: int = 0


@dataclass
class Reference:
    files: int
    pages: int
    seconds: float


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def warm_up(paths: Iterable[str | Path], files: int = 5) -> float:
    """Parse the first few files outside the timings: libraries and models load on first use
    (underthesea, when an extractor first needs it), once per process, and would be charged to
    whichever stage comes first."""
    started = time.perf_counter()
    parsed = 0
    for path in itertools.islice(iter_files(paths), 2 * files):
        try:
            parse(path.resolve())
            parsed += 1
        except Exception:
            continue
        if parsed == files:
            break
    return time.perf_counter() - started


def profile(paths: Iterable[str | Path]) -> Profile:
    """Parse and store every file in this process, timing each stage (after a warm-up parse)."""
    paths = list(paths)
    out = Profile(warm_up=warm_up(paths))
    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_db(Path(tmp) / "bench.db")
        started = time.perf_counter()
        for path in iter_files(paths):
            file_started = time.perf_counter()
            try:
                result = parse(path.resolve(), out.stages)
                stored = time.perf_counter()
                store.save_result(db, result)
                add_time(out.stages, "store", stored)
            except Exception:  # refused input, or a bug: `vanban ingest` reports which; here it is a count
                out.failed += 1
                continue
            out.runs.append(FileRun(path=path, format=result.source.format, documents=len(result.documents),
                                    pages=result.source.pages or 0, ocr=bool(result.ocr_pages),
                                    seconds=time.perf_counter() - file_started))
        out.seconds = time.perf_counter() - started
        db.close()
    out.peak_rss_mb = _peak_rss_mb()
    return out


def throughput(paths: Iterable[str | Path], workers: int) -> Throughput:
    """The batch runner with `workers` processes on a fresh database: wall clock for the whole batch,
    and for its steady part, once as many files as workers are done."""
    paths = list(paths)
    warm: list[tuple[float, int]] = []  # (time, documents) when the workers-th file was done

    def progress(summary, path) -> None:
        if not warm and summary.stored + summary.failed + summary.unchanged >= workers:
            warm.append((time.monotonic(), summary.documents))

    with tempfile.TemporaryDirectory() as tmp:
        summary = ingest(paths, Path(tmp) / "bench.db", workers=workers, progress=progress)
    ended = time.monotonic()
    run = Throughput(workers=workers, files=summary.files, failed=summary.failed, documents=summary.documents,
                     pages=summary.pages, seconds=summary.seconds, worker_peak_rss_mb=summary.worker_peak_rss_mb)
    if warm:
        run.steady_seconds, run.steady_documents = ended - warm[0][0], summary.documents - warm[0][1]
    return run


def pdfplumber_reference(pdfs: Iterable[Path]) -> Reference:
    """Bare pdfplumber: open each PDF and extract the text of every page."""
    import pdfplumber
    ref = Reference(files=0, pages=0, seconds=0.0)
    for path in pdfs:
        started = time.perf_counter()
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                ref.pages += 1
        ref.seconds += time.perf_counter() - started
        ref.files += 1
    return ref


@dataclass
class Report:
    profile: Profile
    throughputs: list[Throughput]
    reference: Reference | None

    def text_layer_pdfs(self) -> list[FileRun]:
        return [r for r in self.profile.runs if r.format == "pdf" and not r.ocr and r.pages]


def bench(paths: Iterable[str | Path], workers: Iterable[int] = ()) -> Report:
    paths = list(paths)
    prof = profile(paths)  # first, so that the peak memory is the pipeline's, not pdfplumber's
    runs = [throughput(paths, n) for n in (list(workers) or sorted({1, os.cpu_count() or 1}))]
    pdfs = [r.path for r in prof.runs if r.format == "pdf" and not r.ocr and r.pages]
    return Report(profile=prof, throughputs=runs, reference=pdfplumber_reference(pdfs) if pdfs else None)


def _rate(n: float, seconds: float) -> str:
    return f"{n / seconds:.1f}" if seconds > 0 else "-"


def format_report(report: Report) -> str:
    prof = report.profile
    pages = sum(r.pages for r in prof.runs)
    lines = [f"One process: {len(prof.runs)} files parsed and stored ({prof.failed} refused), {prof.documents} "
             f"documents, {pages} pages in {prof.seconds:.2f} s: {_rate(prof.documents, prof.seconds)} documents/s; "
             f"peak memory {prof.peak_rss_mb:.0f} MB (max RSS); before that, a warm-up parse of the first "
             f"files (libraries and models loading) took {prof.warm_up:.2f} s"]
    lines.append(f"  {'format':<8}{'files':>6}{'docs':>6}{'pages':>7}{'seconds':>9}{'docs/s':>8}{'pages/s':>9}")
    for fmt in sorted({r.format for r in prof.runs}):
        rs = [r for r in prof.runs if r.format == fmt]
        secs, docs, pgs = sum(r.seconds for r in rs), sum(r.documents for r in rs), sum(r.pages for r in rs)
        lines.append(f"  {fmt:<8}{len(rs):>6}{docs:>6}{pgs:>7}{secs:>9.2f}{_rate(docs, secs):>8}"
                     f"{_rate(pgs, secs) if pgs else '-':>9}")
    total = sum(prof.stages.values())
    lines.append("  time per stage: " + ", ".join(
        f"{name} {prof.stages[name]:.2f} s ({100 * prof.stages[name] / total:.0f}%)"
        for name in [*STAGES, *sorted(set(prof.stages) - set(STAGES))] if name in prof.stages))
    text_pdfs = report.text_layer_pdfs()
    if report.reference and text_pdfs:
        secs, pgs = sum(r.seconds for r in text_pdfs), sum(r.pages for r in text_pdfs)
        ref = report.reference
        lines.append(f"Text-layer PDFs ({len(text_pdfs)} files, {pgs} pages): pipeline {_rate(pgs, secs)} pages/s "
                     f"({secs:.2f} s); bare pdfplumber extract_text {_rate(ref.pages, ref.seconds)} pages/s "
                     f"({ref.seconds:.2f} s)")
    for t in report.throughputs:
        lines.append(f"Batch with {t.workers} worker{'s' if t.workers > 1 else ''}: {t.files} files "
                     f"({t.failed} failed), {t.documents} documents, {t.pages} pages in {t.seconds:.2f} s: "
                     f"{_rate(t.documents, t.seconds)} documents/s, {_rate(t.files, t.seconds)} files/s; "
                     f"once started {_rate(t.steady_documents, t.steady_seconds)} documents/s; "
                     f"peak worker memory {t.worker_peak_rss_mb:.0f} MB")
    return "\n".join(lines)
