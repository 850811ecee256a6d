"""Batch ingestion: files and folders -> SQLite, every file accounted for.

Worker processes parse; this process is the one writer and stores each result in its own
transaction (store.save_result), so a crash or `kill -9` leaves the database as of the last
stored file. Files are listed lazily and each worker holds one file at a time, so memory stays
bounded whatever the size of the batch. Every file ends stored, skipped as stored unchanged, or
as a row in `errors`: bad input (stage of the pipeline that refused it), a worker that ran past
the time limit (killed, stage 'timeout'), a worker that died (stage 'crash'). Ctrl-C stops the
workers and keeps what was stored; the next run skips files stored unchanged and completes the batch.
"""
from __future__ import annotations

import fnmatch
import multiprocessing
import os
import sys
import resource
import signal
import time
import traceback
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pipeline import limits as limits_mod
from pipeline import store
from pipeline.errors import InputError, VanbanError
from pipeline.limits import Limits
from pipeline.readers import READERS, reader_for
from pipeline.run import parse, sha256_of
from schemas import FileError, ParseResult


@dataclass
class Summary:
    files: int = 0  # files taken up; stored + unchanged + copies + failed unless interrupted
    stored: int = 0
    unchanged: int = 0
    copies: int = 0  # files whose bytes are stored under another path (recorded in source_paths)
    failed: int = 0
    documents: int = 0
    pages: int = 0  # pages of the paged files stored
    seconds: float = 0.0
    interrupted: bool = False
    worker_peak_rss_mb: float = 0.0  # the largest resident memory any worker reached
    errors: list[FileError] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # files in folders of no known format, by suffix
    partial: list[str] = field(default_factory=list)  # stored files with a document that has no type and no issuer
    ocr_pages: dict[str, list[int]] = field(default_factory=dict)  # stored file -> its pages read by OCR
    warnings: dict[str, int] = field(default_factory=dict)  # stored file -> warnings of the file and its documents
    low_ocr: list[str] = field(default_factory=list)  # stored files with a page of low OCR confidence


@dataclass(frozen=True)
class Selection:
    """Which files of the folders named are taken: `include`/`exclude` globs (`*.pdf`, `2025/**`) matched
    against the path below the folder and the file name; a file named on its own is always taken."""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def wants(self, relative: str) -> bool:
        name = relative.rsplit("/", 1)[-1]
        def hit(globs):
            return any(fnmatch.fnmatchcase(relative, g) or fnmatch.fnmatchcase(name, g) for g in globs)
        return (not self.include or hit(self.include)) and not hit(self.exclude)


def iter_files(paths: Iterable[str | Path], selection: Selection = Selection(),
               skipped: Counter | None = None) -> Iterator[Path]:
    """Files named, and the files under folders named (sorted; hidden files and README.md, a folder's
    documentation, left out), listed lazily. In a folder, a file of no known format (MANIFEST.tsv, a
    spreadsheet) is skipped and counted in `skipped` by suffix; named on its own it is given, and then
    recorded as an UnsupportedFormat error."""
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or name == "README.md":
                        continue
                    path = Path(root) / name
                    if not selection.wants(path.relative_to(p).as_posix()):
                        continue
                    if path.suffix.lower() not in READERS:
                        if skipped is not None:
                            skipped[path.suffix.lower() or "(none)"] += 1
                        continue
                    yield path
        else:
            yield p


def count_files(paths: Iterable[str | Path], selection: Selection = Selection()) -> int:
    """How many files iter_files will give (a walk of the folders, nothing kept): the progress bar's total."""
    return sum(1 for _ in iter_files(paths, selection))


def parse_safe(path: Path) -> ParseResult | FileError:
    """parse() that never raises: bad input becomes a FileError with the stage and a clear reason."""
    try:
        return parse(path)
    except VanbanError as exc:
        return FileError(path=str(path), stage=exc.stage, error_type=type(exc).__name__, message=str(exc))
    except FileNotFoundError as exc:
        return FileError(path=str(path), stage="read", error_type="FileNotFound", message=str(exc))
    except RecursionError as exc:  # deeply nested input (XML, PDF objects) that a library walks recursively
        return FileError(path=str(path), stage="read", error_type="LimitExceeded",
                         message=f"the file is nested too deeply to read ({exc})")
    except Exception as exc:  # a bug must not stop the batch; keep the place it happened
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return FileError(path=str(path), stage="pipeline", error_type=type(exc).__name__,
                         message=f"{exc} (at {Path(where.filename).name}:{where.lineno})")


# --- worker processes ---------------------------------------------------------------------------

def _context() -> multiprocessing.context.BaseContext:
    # Not fork: a forked child would share this process's open SQLite connection. The fork server
    # imports the pipeline and loads its models once (pipeline.warm): workers are forked warm, share
    # those pages, and one started again after a timeout is ready in milliseconds.
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.warm"])
        return ctx
    return multiprocessing.get_context("spawn")


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start a worker without it importing the caller's main module. multiprocessing runs the main script
    again in every child it does not fork; a script that calls ingest() at its top level, without an
    `if __name__ == "__main__":` guard, would start a batch inside each worker, and every file came back as
    a dead worker. The workers need nothing from __main__ (their loop is _serve, here)."""
    main = sys.modules.get("__main__")
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if main is not None and k in main.__dict__}
    try:
        for k in saved:
            if k == "__spec__":
                main.__spec__ = None
            else:
                del main.__dict__[k]
        yield
    finally:
        if main is not None:
            main.__dict__.update(saved)


def _serve(conn, limits: Limits) -> None:
    """Worker loop: receive a path, send back (ParseResult | FileError, peak RSS in KB); None stops."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle
    limits_mod.set_current(limits)
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):  # the writer is gone
            return
        if path is None:
            return
        result = parse_safe(path)
        try:
            conn.send((result, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
        except (BrokenPipeError, OSError):
            return
        except Exception as exc:  # a result that cannot be pickled is still an answer
            conn.send((FileError(path=str(path), stage="pipeline", error_type=type(exc).__name__,
                                 message=f"the result could not be sent to the writer: {exc}"), 0))


class _Worker:
    """One worker process with its pipe; it parses one file at a time and can be killed and replaced."""

    def __init__(self, ctx, limits: Limits) -> None:
        self.ctx, self.limits = ctx, limits
        self.path: Path | None = None
        self.deadline = 0.0
        self._start()

    def _start(self) -> None:
        self.conn, child = self.ctx.Pipe()
        self.process = self.ctx.Process(target=_serve, args=(child, self.limits), daemon=True)
        with _main_module_hidden():
            self.process.start()
        child.close()

    def give(self, path: Path) -> None:
        if not self.process.is_alive():  # died while idle: not this file's doing
            self._restart()
        self.path, self.deadline = path, time.monotonic() + self.limits.timeout
        try:
            self.conn.send(path)
        except OSError:
            pass  # the worker died before taking the file: outcome() reports the crash

    def handles(self) -> list:
        return [self.conn, self.process.sentinel]

    def outcome(self, now: float) -> tuple[ParseResult | FileError, int] | None:
        """The answer for the file in hand, or None while it is still being parsed."""
        path = str(self.path)
        hung_up = False
        if self.conn.poll():
            try:
                return self.conn.recv()
            except (EOFError, OSError):
                hung_up = True  # its end of the pipe closed: the process is exiting
        if not hung_up and self.process.is_alive():
            if now < self.deadline:
                return None
            self._restart()
            return FileError(path=path, stage="timeout", error_type="Timeout",
                             message=f"parsing took longer than {self.limits.timeout:g} s (--timeout); "
                                     f"the worker was stopped"), 0
        self.process.join(5)
        code = self.process.exitcode
        self._restart()
        return FileError(path=path, stage="crash", error_type="WorkerDied",
                         message=f"the worker parsing this file died (exit code {code}): "
                                 f"out of memory or a crash in a library"), 0

    def _restart(self) -> None:
        self.stop()
        self._start()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


# --- the writer -----------------------------------------------------------------------------------

def ingest(paths: Iterable[str | Path], db_path: str | Path, force: bool = False, workers: int | None = None,
           limits: Limits | None = None,
           progress: Callable[[Summary, Path], None] | None = None,
           selection: Selection = Selection()) -> Summary:
    """Parse files and folders with `workers` processes (default: the machine's cores) into db_path.

    Files stored unchanged are skipped unless `force`; `selection` picks files of the folders. Returns when
    every file is accounted for, or on Ctrl-C with `interrupted` set (what was stored stays; run again to
    finish). Safe to call from a script without a `__main__` guard.
    """
    limits = limits or limits_mod.current()
    workers = max(1, workers or os.cpu_count() or 1)
    db = store.open_db(db_path)
    summary = Summary()
    started = time.monotonic()
    copies: list[tuple[str, str]] = []  # (path, the path with the same bytes given to a worker in this batch)
    todo = _files_to_parse(paths, db, Path(db_path), force, limits, summary, progress, selection, copies)
    pool: list[_Worker] = []
    try:
        ctx = _context()
        pool = [_Worker(ctx, limits) for _ in range(workers)]
        idle, busy = list(pool), []
        more = True
        while True:
            while idle and more:
                path = next(todo, None)
                if path is None:
                    more = False
                else:
                    worker = idle.pop()
                    worker.give(path)
                    busy.append(worker)
            if not busy:
                break
            now = time.monotonic()
            wait([h for w in busy for h in w.handles()], timeout=max(0.0, min(w.deadline for w in busy) - now))
            now = time.monotonic()
            for worker in list(busy):
                answer = worker.outcome(now)
                if answer is None:
                    continue
                result, rss_kb = answer
                summary.worker_peak_rss_mb = max(summary.worker_peak_rss_mb, rss_kb / 1024)
                busy.remove(worker)
                idle.append(worker)
                _store(db, result, summary)
                if progress:
                    progress(summary, worker.path)
        _record_copies(db, copies, summary)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        todo.close()
        for worker in pool:
            worker.stop()
        summary.seconds = time.monotonic() - started
    return summary


def _record_copies(db, copies: list[tuple[str, str]], summary: Summary) -> None:
    """Files whose bytes another file of the batch has: a copy of its source, or its error."""
    for key, first in copies:
        if db["sources"].count_where("path = ?", [first]):
            store.record_copy(db, key, first)
            continue
        error = next(db.query("select stage, error_type, message from errors where path = ?", [first]), None)
        if error:
            summary.copies -= 1
            _store(db, FileError(path=key, stage=error["stage"], error_type=error["error_type"],
                                 message=f"{error['message']} (same bytes as {first})"), summary)


def _files_to_parse(paths, db, db_path: Path, force: bool, limits: Limits, summary: Summary,
                    progress, selection: Selection = Selection(),
                    copies: list[tuple[str, str]] | None = None) -> Iterator[Path]:
    """The files that need a worker; files stored unchanged, of an unknown format or over the size
    limit are settled here, without one."""
    own_files = {Path(f"{db_path.resolve()}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
    given: dict[str, str] = {}  # sha256 -> the first path of the batch with those bytes
    for path in iter_files(paths, selection, summary.skipped):
        path = Path(os.path.abspath(path))  # as given, symlinks kept; stored relative to the root (store.path_key)
        if path.resolve() in own_files:
            continue  # the database may live inside the folder being ingested
        summary.files += 1
        key = store.path_key(db, path)
        try:
            reader_for(path)
            limits_mod.check_size(path, limits)
            digest = sha256_of(path)
            if not force and store.is_current(db, key, digest):
                summary.unchanged += 1
                if progress:
                    progress(summary, path)
                continue
            copy_of = store.stored_copy(db, key, digest)
            if copy_of is not None and copy_of not in given.values():
                # the same bytes are stored under another path: recorded, not parsed again
                store.record_copy(db, key, copy_of)
                summary.copies += 1
                if progress:
                    progress(summary, path)
                continue
            first = given.setdefault(digest, key)
            if first != key and copies is not None:  # a copy of a file being parsed: recorded once it is stored
                copies.append((key, first))
                summary.copies += 1
                if progress:
                    progress(summary, path)
                continue
        except InputError as exc:
            _store(db, FileError(path=key, stage=exc.stage, error_type=type(exc).__name__, message=str(exc)),
                   summary)
            if progress:
                progress(summary, path)
            continue
        except OSError:
            pass  # unreadable or gone: the worker's parse reports it with the reader's words
        yield path


def _store(db, result: ParseResult | FileError, summary: Summary) -> None:
    # Workers are given absolute paths; the database names files by their key (relative to its root).
    if isinstance(result, FileError):
        result = result.model_copy(update={"path": store.path_key(db, result.path)})
    else:
        result = result.model_copy(update={"source": result.source.model_copy(
            update={"path": store.path_key(db, result.source.path)})})
    if not isinstance(result, FileError):
        try:
            store.save_result(db, result)
        except Exception as exc:  # the transaction rolled back; the file is recorded, not lost
            result = FileError(path=result.source.path, stage="store", error_type=type(exc).__name__,
                               message=str(exc))
    if isinstance(result, FileError):
        summary.failed += 1
        summary.errors.append(result)
        _record_error(db, result)
    else:
        summary.stored += 1
        summary.documents += len(result.documents)
        summary.pages += result.source.pages or 0
        path = result.source.path
        if result.status == "partial":
            summary.partial.append(path)
        if result.ocr_pages:
            summary.ocr_pages[path] = list(result.ocr_pages)
        n_warnings = len(result.warnings) + sum(len(d.warnings) for d in result.documents)
        if n_warnings:
            summary.warnings[path] = n_warnings
        if any(w.startswith("OCR confidence is low") for w in result.warnings):
            summary.low_ocr.append(path)


def _record_error(db, error: FileError) -> None:
    """One row per failed path: the latest attempt (a re-run retries failed files)."""
    with db.atomic():
        db["errors"].delete_where("path = ?", [error.path])
        store.record_error(db, error)
