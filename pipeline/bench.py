"""`vanban bench`: how fast the pipeline runs against the floor, measured side by side in one run.

On the same files, in one run (so that the load of a shared machine weighs on every figure alike):
- a profile in this process: each file parsed with stage timings (pipeline.run's `timings` hooks) and
  stored into a scratch database, after a warm-up parse (libraries and models load on first use);
  documents/s and characters/s per core for text (CPU seconds of this process, so other jobs on the
  machine count less than in wall-clock figures); peak memory (maximum resident set size);
- the text-layer PDFs, file by file, with each of: raw pypdfium2 text (the floor: pdfium's own text,
  no layout), bare pdfplumber `extract_text`, vanban's reader alone, vanban end to end (parse and
  store); interleaved, so that a change of load hits all four, and each as a ratio of the floor;
- whole processes: `vanban ingest --workers 1` started as a command on the text-layer PDFs and on the
  text files (start-up, writer, workers: what a user waits for), against bare pdfplumber;
- growth: a synthetic document 1x, 4x and 16x the body of the largest document given, parsed, and
  the exponent of time over size (1.0 is linear);
- the batch runner (pipeline.ingest) with N workers into a scratch database: wall clock, the rate
  once every worker has finished a file, and the peak memory of a worker.
"""
from __future__ import annotations

import itertools
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from pipeline import store
from pipeline.ingest import ingest, iter_files
from pipeline.proc import cpu_seconds
from pipeline.run import add_time, parse

STAGES = ("read", "normalise", "segment", "references", "targets", "deadlines", "assignments", "store")
TEXT_FORMATS = ("txt", "md")
GROWTH_FACTORS = (1, 4, 16)


@dataclass
class Timing:
    """Wall and CPU seconds of one measured thing, summed over files."""
    seconds: float = 0.0
    cpu: float = 0.0

    def add(self, seconds: float, cpu: float) -> None:
        self.seconds += seconds
        self.cpu += cpu


def timed(fn: Callable[[], object]) -> tuple[object, float, float]:
    """(result, wall seconds, CPU seconds) of fn()."""
    c0, t0 = cpu_seconds(), time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0, cpu_seconds() - c0


@dataclass
class FileRun:
    path: Path
    format: str
    documents: int
    pages: int
    ocr: bool
    seconds: float
    cpu: float = 0.0
    chars: int = 0  # length of the normalised text


@dataclass
class Profile:
    runs: list[FileRun] = field(default_factory=list)
    failed: int = 0
    warm_up: float = 0.0  # the first parses of the process: libraries and models loading
    seconds: float = 0.0
    cpu: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float = 0.0

    @property
    def documents(self) -> int:
        return sum(r.documents for r in self.runs)

    def of(self, formats: Iterable[str]) -> list[FileRun]:
        formats = set(formats)
        return [r for r in self.runs if r.format in formats]


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
    cpu: float = 0.0


@dataclass
class Floor:
    """The text-layer PDFs read four ways, file by file in turn: raw pypdfium2 text, bare pdfplumber,
    vanban's reader alone, vanban end to end."""
    files: int = 0
    pages: int = 0
    pypdfium2: Timing = field(default_factory=Timing)
    pdfplumber: Timing = field(default_factory=Timing)
    reader: Timing = field(default_factory=Timing)
    pipeline: Timing = field(default_factory=Timing)


@dataclass
class Process:
    """One whole command, started as a process: what a user waits for."""
    label: str
    files: int
    pages: int
    documents: int
    seconds: float
    cpu: float
    ok: bool = True


@dataclass
class Growth:
    source: Path
    sizes: list[int] = field(default_factory=list)  # characters of each synthetic document
    cpu: list[float] = field(default_factory=list)  # best CPU seconds of its parse

    @property
    def exponent(self) -> float | None:
        return growth_exponent(self.sizes, self.cpu)


@dataclass
class Machine:
    cores: int
    cpu_model: str
    python: str
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def machine() -> Machine:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return Machine(cores=os.cpu_count() or 1, cpu_model=model, python=platform.python_version(),
                   load_before=os.getloadavg())


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
        started, cpu_started = time.perf_counter(), cpu_seconds()
        for path in iter_files(paths):
            file_started, file_cpu = time.perf_counter(), cpu_seconds()
            try:
                result = parse(path.resolve(), out.stages)
                stored = cpu_seconds()
                store.save_result(db, result)
                add_time(out.stages, "store", stored)
            except Exception:  # refused input, or a bug: `vanban ingest` reports which; here it is a count
                out.failed += 1
                continue
            out.runs.append(FileRun(path=path, format=result.source.format, documents=len(result.documents),
                                    pages=result.source.pages or 0, ocr=bool(result.ocr_pages),
                                    seconds=time.perf_counter() - file_started, cpu=cpu_seconds() - file_cpu,
                                    chars=len(result.text)))
        out.seconds, out.cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
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


# --- the floor: other ways to get the text of the same PDFs --------------------------------------------

def pypdfium2_text(path: Path) -> int:
    """Raw pypdfium2: open the PDF and take pdfium's text of every page (no layout). Returns the pages."""
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    try:
        for page in pdf:
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        return len(pdf)
    finally:
        pdf.close()


def pdfplumber_text(path: Path) -> int:
    """Bare pdfplumber: open the PDF and extract the text of every page. Returns the pages."""
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
        return len(pdf.pages)


def pdfplumber_reference(pdfs: Iterable[Path]) -> Reference:
    """Bare pdfplumber on each PDF."""
    ref = Reference(files=0, pages=0, seconds=0.0)
    for path in pdfs:
        pages, seconds, cpu = timed(lambda: pdfplumber_text(path))
        ref.pages += pages
        ref.seconds += seconds
        ref.cpu += cpu
        ref.files += 1
    return ref


def floor(pdfs: list[Path]) -> Floor:
    """Each text-layer PDF read by pypdfium2, pdfplumber, vanban's reader and vanban end to end, in turn,
    once each after one untimed round (imports, fonts, the first call of each library)."""
    from pipeline.readers import read
    out = Floor()
    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_db(Path(tmp) / "floor.db")

        def end_to_end(path: Path) -> None:
            store.save_result(db, parse(path))

        ways = [("pypdfium2", pypdfium2_text), ("pdfplumber", pdfplumber_text), ("reader", read),
                ("pipeline", end_to_end)]
        if pdfs:
            for _, fn in ways:
                fn(pdfs[0])
        for i, path in enumerate(pdfs):
            for name, fn in ways[i % len(ways):] + ways[:i % len(ways)]:  # rotate who goes first
                _, seconds, cpu = timed(lambda: fn(path))
                getattr(out, name).add(seconds, cpu)
            out.files += 1
            out.pages += pypdfium2_page_count(path)
        db.close()
    return out


def pypdfium2_page_count(path: Path) -> int:
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


# --- whole processes -----------------------------------------------------------------------------------

def _command(*args: str) -> list[str]:
    """`vanban ARGS` with this interpreter (the same code and environment as this process)."""
    return [sys.executable, "-c", "from pipeline.cli import main; main()", *args]


# Runs a command and reports its wall clock and the CPU seconds of every process it started: as a child
# subreaper (Linux) it inherits the processes the command leaves behind (multiprocessing's fork server,
# which has reaped the workers) and reaps them too, so their CPU is counted.
_MEASURE = """
import ctypes, json, os, resource, subprocess, sys, time
try:
    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
except Exception:
    pass
started = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
seconds = time.perf_counter() - started
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "seconds": seconds, "cpu": use.ru_utime + use.ru_stime}))
"""


def measure_command(cmd: list[str], cwd: str | None = None) -> tuple[int, float, float]:
    """(exit code, wall seconds, CPU seconds of it and every process it started) of a command."""
    import json
    out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True, cwd=cwd)
    try:
        got = json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return 1, 0.0, 0.0
    return got["code"], got["seconds"], got["cpu"]


def whole_process(label: str, files: list[Path], pages: int, documents: int) -> Process:
    """`vanban ingest --workers 1` on files, as a command of its own: wall clock and the CPU seconds of
    the process and everything it starts (workers, a fork server where there is one)."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = _command("ingest", "--workers", "1", "--quiet", "--db", str(Path(tmp) / "bench.db"),
                       *map(str, files))
        code, seconds, cpu = measure_command(cmd, cwd=tmp)
    return Process(label=label, files=len(files), pages=pages, documents=documents, seconds=seconds, cpu=cpu,
                   ok=code == 0)


def pdfplumber_process(files: list[Path], pages: int) -> Process:
    """Bare pdfplumber as a process of its own: start Python, import pdfplumber, extract every page."""
    script = "import sys, pdfplumber\nfor p in sys.argv[1:]:\n    with pdfplumber.open(p) as pdf:\n" \
             "        [page.extract_text() for page in pdf.pages]\n"
    code, seconds, cpu = measure_command([sys.executable, "-c", script, *map(str, files)])
    return Process(label="bare pdfplumber", files=len(files), pages=pages, documents=0, seconds=seconds, cpu=cpu,
                   ok=code == 0)


# --- growth --------------------------------------------------------------------------------------------

def synthetic_document(text: str, factor: int) -> str:
    """A normalised text with the body of its largest document written `factor` times over: headers and
    closings once, sections, facts and headings repeated (repeated headings test path de-duplication)."""
    from extractors.metadata import read_metadata
    from pipeline.segment import split_documents
    lo, hi = max((read_metadata(text, start, end).body for start, end in split_documents(text)),
                 key=lambda body: body[1] - body[0])
    return text[:lo] + "\n".join([text[lo:hi]] * factor) + text[hi:]


def growth(source: Path, factors: Iterable[int] = GROWTH_FACTORS, repeat: int = 2) -> Growth:
    """CPU seconds of parsing synthetic documents `factors` times the body of source (best of `repeat`)."""
    from pipeline.normalise import normalise
    from pipeline.readers import read
    text = normalise(read(source))[0]
    out = Growth(source=source)
    with tempfile.TemporaryDirectory() as tmp:
        for factor in factors:
            path = Path(tmp) / f"synthetic-{factor}x.txt"
            path.write_text(synthetic_document(text, factor), encoding="utf-8")
            best = math.inf
            for _ in range(repeat):
                c0 = time.process_time()
                result = parse(path)
                best = min(best, time.process_time() - c0)
            out.sizes.append(len(result.text))
            out.cpu.append(best)
    return out


def growth_exponent(sizes: list[int], seconds: list[float]) -> float | None:
    """Least-squares slope of log(time) over log(size): 1.0 is linear, 2.0 quadratic."""
    pts = [(math.log(n), math.log(t)) for n, t in zip(sizes, seconds) if n > 0 and t > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    var = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / var if var else None


# --- the report ----------------------------------------------------------------------------------------

@dataclass
class Report:
    profile: Profile
    throughputs: list[Throughput]
    reference: Reference | None
    floor: Floor | None = None
    processes: list[Process] = field(default_factory=list)
    growth: Growth | None = None
    machine: Machine | None = None

    def text_layer_pdfs(self) -> list[FileRun]:
        return [r for r in self.profile.runs if r.format == "pdf" and not r.ocr and r.pages]


def bench(paths: Iterable[str | Path], workers: Iterable[int] = (), processes: bool = True,
          growth_factors: Iterable[int] = GROWTH_FACTORS) -> Report:
    paths = list(paths)
    host = machine()
    prof = profile(paths)  # first, so that the peak memory is the pipeline's, not pdfplumber's
    runs = [throughput(paths, n) for n in (list(workers) or sorted({1, os.cpu_count() or 1}))]
    pdf_runs = [r for r in prof.runs if r.format == "pdf" and not r.ocr and r.pages]
    pdfs = [r.path.resolve() for r in pdf_runs]
    report = Report(profile=prof, throughputs=runs, reference=pdfplumber_reference(pdfs) if pdfs else None,
                    machine=host)
    if pdfs:
        report.floor = floor(pdfs)
    if processes:
        if pdfs:
            pages, docs = sum(r.pages for r in pdf_runs), sum(r.documents for r in pdf_runs)
            report.processes.append(whole_process("vanban ingest, text-layer PDFs", pdfs, pages, docs))
            report.processes.append(pdfplumber_process(pdfs, pages))
        texts = prof.of(TEXT_FORMATS)
        if texts:
            report.processes.append(whole_process("vanban ingest, text files", [r.path.resolve() for r in texts], 0,
                                                  sum(r.documents for r in texts)))
    factors = list(growth_factors)
    if factors and prof.runs:
        largest = max(prof.runs, key=lambda r: r.chars)
        try:
            report.growth = growth(largest.path, factors)
        except Exception:  # a file without a document body to repeat: no growth figure
            report.growth = None
    host.load_after = os.getloadavg()
    return report


def _rate(n: float, seconds: float) -> str:
    return f"{n / seconds:.1f}" if seconds > 0 else "-"


def _big(n: float) -> str:
    return f"{n / 1e6:.2f} M" if n >= 1e6 else f"{n / 1e3:.0f} k" if n >= 1e3 else f"{n:.0f}"


def format_report(report: Report) -> str:
    prof = report.profile
    lines: list[str] = []
    host = report.machine
    if host:
        lines.append(f"Machine: {host.cores} cores ({host.cpu_model}), Python {host.python}; load average "
                     f"{host.load_before[0]:.1f} at the start, {host.load_after[0]:.1f} at the end (other jobs "
                     f"share the cores: per-core figures use CPU seconds, ratios compare figures of this run)")
    pages = sum(r.pages for r in prof.runs)
    lines.append(f"One process: {len(prof.runs)} files parsed and stored ({prof.failed} refused), {prof.documents} "
                 f"documents, {pages} pages in {prof.seconds:.2f} s ({prof.cpu:.2f} s CPU): "
                 f"{_rate(prof.documents, prof.seconds)} documents/s, {_rate(prof.documents, prof.cpu)} per core; "
                 f"peak memory {prof.peak_rss_mb:.0f} MB (max RSS); before that, a warm-up parse of the first "
                 f"files (libraries and models loading) took {prof.warm_up:.2f} s")
    lines.append(f"  {'format':<8}{'files':>6}{'docs':>6}{'pages':>7}{'chars':>9}{'seconds':>9}{'CPU s':>8}"
                 f"{'docs/s':>8}{'docs/s/core':>12}{'chars/s/core':>13}{'pages/s/core':>13}")
    groups = [(fmt, [r for r in prof.runs if r.format == fmt]) for fmt in sorted({r.format for r in prof.runs})]
    texts = prof.of(TEXT_FORMATS)
    if len({r.format for r in texts}) > 1:
        groups.append(("text", texts))
    for fmt, rs in groups:
        secs, cpu = sum(r.seconds for r in rs), sum(r.cpu for r in rs)
        docs, pgs, chars = sum(r.documents for r in rs), sum(r.pages for r in rs), sum(r.chars for r in rs)
        lines.append(f"  {fmt:<8}{len(rs):>6}{docs:>6}{pgs:>7}{_big(chars):>9}{secs:>9.2f}{cpu:>8.2f}"
                     f"{_rate(docs, secs):>8}{_rate(docs, cpu):>12}{_big(chars / cpu) if cpu else '-':>13}"
                     f"{_rate(pgs, cpu) if pgs else '-':>13}")
    total = sum(prof.stages.values())
    if total:
        lines.append("  CPU time per stage: " + ", ".join(
            f"{name} {prof.stages[name]:.2f} s ({100 * prof.stages[name] / total:.0f}%)"
            for name in [*STAGES, *sorted(set(prof.stages) - set(STAGES))] if name in prof.stages))
    fl = report.floor
    if fl and fl.pages:
        lines.append(f"Text-layer PDFs, the same {fl.files} files ({fl.pages} pages) read four ways, file by file "
                     f"in turn (ratio: pages/s of that way over raw pypdfium2's, on CPU seconds):")
        lines.append(f"  {'':<32}{'seconds':>9}{'CPU s':>8}{'pages/s':>9}{'pages/s/core':>14}{'ratio':>8}")
        base = fl.pypdfium2.cpu
        for label, t in (("raw pypdfium2 text", fl.pypdfium2), ("bare pdfplumber extract_text", fl.pdfplumber),
                         ("vanban reader alone", fl.reader), ("vanban end to end", fl.pipeline)):
            ratio = f"{base / t.cpu:.2f}" if t.cpu and base else "-"
            lines.append(f"  {label:<32}{t.seconds:>9.2f}{t.cpu:>8.2f}{_rate(fl.pages, t.seconds):>9}"
                         f"{_rate(fl.pages, t.cpu):>14}{ratio:>8}")
        if fl.pdfplumber.cpu and fl.pipeline.cpu:
            lines.append(f"  vanban end to end is {fl.pdfplumber.cpu / fl.pipeline.cpu:.1f}x bare pdfplumber "
                         f"({fl.pdfplumber.seconds / fl.pipeline.seconds:.1f}x on wall clock)")
    elif report.reference and report.text_layer_pdfs():
        text_pdfs = report.text_layer_pdfs()
        secs, pgs = sum(r.seconds for r in text_pdfs), sum(r.pages for r in text_pdfs)
        ref = report.reference
        lines.append(f"Text-layer PDFs ({len(text_pdfs)} files, {pgs} pages): pipeline {_rate(pgs, secs)} pages/s "
                     f"({secs:.2f} s); bare pdfplumber extract_text {_rate(ref.pages, ref.seconds)} pages/s "
                     f"({ref.seconds:.2f} s)")
    if report.processes:
        lines.append("Whole processes (each started as a command; wall clock is what a user waits for):")
        plumber = next((p for p in report.processes if p.label == "bare pdfplumber"), None)
        ref = report.reference
        for p in report.processes:
            what = f"{p.pages} pages" if p.pages else f"{p.documents} documents"
            count = p.pages or p.documents
            line = (f"  {p.label:<34}{p.files:>4} files, {what}: {p.seconds:.2f} s ({p.cpu:.2f} s CPU), "
                    f"{_rate(count, p.seconds)}/s" + ("" if p.ok else " (the command failed)"))
            if p.pages and p is not plumber and ref and ref.seconds:
                line += (f"; {ref.seconds / p.seconds:.1f}x bare pdfplumber in this process "
                         f"({ref.seconds:.2f} s)")
                if plumber and plumber.seconds:
                    line += f", {plumber.seconds / p.seconds:.1f}x bare pdfplumber as a process"
                    if plumber.cpu and p.cpu:  # wall clock on a shared machine moves with the other jobs
                        line += f" ({plumber.cpu / p.cpu:.1f}x on CPU seconds)"
            lines.append(line)
    g = report.growth
    if g and g.sizes:
        exp = g.exponent
        lines.append(f"Growth: synthetic documents of {g.source.name} with its body repeated "
                     f"{', '.join(f'{s / g.sizes[0]:.0f}x' for s in g.sizes)}: "
                     + ", ".join(f"{_big(n)} chars {t:.2f} s CPU" for n, t in zip(g.sizes, g.cpu))
                     + (f"; time grows as size^{exp:.2f}" if exp is not None else ""))
    for t in report.throughputs:
        lines.append(f"Batch with {t.workers} worker{'s' if t.workers > 1 else ''}: {t.files} files "
                     f"({t.failed} failed), {t.documents} documents, {t.pages} pages in {t.seconds:.2f} s: "
                     f"{_rate(t.documents, t.seconds)} documents/s, {_rate(t.files, t.seconds)} files/s; "
                     f"once started {_rate(t.steady_documents, t.steady_seconds)} documents/s; "
                     f"peak memory per worker {t.worker_peak_rss_mb:.0f} MB")
    return "\n".join(lines)
