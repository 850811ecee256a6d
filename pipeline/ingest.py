"""Batch ingestion: files and folders -> SQLite, every file accounted for.

Worker processes parse; this process is the one writer and stores each result in its own
transaction (store.save_result), so a crash or `kill -9` leaves the database as of the last
stored file. Files are listed lazily (pipeline.files.walk) and each worker holds one file at a time,
so memory stays bounded whatever the size of the batch. Every file listed ends stored, skipped as
stored unchanged, or as a row in `errors`: bad input (stage of the pipeline that refused it), an entry
that is not read (stage 'list': an unreadable folder, a link not followed), a worker that ran past the
time limit (killed, stage 'timeout'), a worker that died (stage 'crash').

One file cannot take the machine: each worker has an address-space limit (--max-memory-mb) and dies
with the writer (the kernel's parent-death signal, or a watchdog thread); the tools it runs
(LibreOffice, tesseract) are killed with their process group and its temporary files removed when
the worker is stopped. Ctrl-C stops the workers and keeps what was stored; the next run skips files
stored unchanged and completes the batch. A database that cannot be written (disk full) stops the
batch with a summary, not a traceback.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import gc
import itertools
import multiprocessing
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pipeline import limits as limits_mod
from pipeline import proc as tools
from pipeline import store
from pipeline.errors import InputError, StoreError
from pipeline.files import path_text, printable, sha256_of, walk
from pipeline.limits import Limits
from pipeline.readers import READERS, check_readable
from pipeline.worker import _serve, _where, parse_safe  # noqa: F401 (parse_safe: the library's name for it)
from schemas import FileError, ParseResult


@dataclass
class Summary:
    files: int = 0  # entries taken up (files, and folders or links not read); stored + unchanged + copies + failed
    stored: int = 0
    unchanged: int = 0
    copies: int = 0  # files whose bytes are stored under another path (recorded in source_paths)
    failed: int = 0
    documents: int = 0
    pages: int = 0  # pages of the paged files stored
    seconds: float = 0.0
    interrupted: bool = False
    stopped: str | None = None  # why the batch stopped before its end: the database could not be written
    memory_mb: float = 0.0  # the memory limit each worker had
    worker_peak_rss_mb: float = 0.0  # the largest resident memory any worker (or a tool it ran) reached
    errors: list[FileError] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # files in folders of no known format, by suffix
    partial: list[str] = field(default_factory=list)  # stored files with a document of no type and no issuer, or a garbled text
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


def listing(paths: Iterable[str | Path], selection: Selection = Selection(), skipped: Counter | None = None,
            follow_links: bool = False) -> Iterator[Path | FileError]:
    """The entries of a batch (files.walk): files named, and the files under folders named (sorted; hidden
    entries and README.md, a folder's documentation, left out), listed lazily, and a FileError for each
    entry not read. In a folder, a file of no known format (MANIFEST.tsv, a spreadsheet) is skipped and
    counted in `skipped` by suffix; named on its own it is given, and then recorded as UnsupportedFormat."""
    return walk(paths, follow_links, wants=selection.wants, skipped=skipped, known=lambda suffix: suffix in READERS)


def iter_files(paths: Iterable[str | Path], selection: Selection = Selection(), skipped: Counter | None = None,
               follow_links: bool = False) -> Iterator[Path]:
    """The files of `listing` (entries that are not read left out)."""
    return (entry for entry in listing(paths, selection, skipped, follow_links) if isinstance(entry, Path))


def count_files(paths: Iterable[str | Path], selection: Selection = Selection(), follow_links: bool = False) -> int:
    """How many entries a batch takes up (a walk of the folders, nothing kept): the progress bar's total."""
    return sum(1 for _ in listing(paths, selection, None, follow_links))


# --- worker processes ---------------------------------------------------------------------------

# BLAS and OpenMP start a thread per core at import, each reserving memory: on a large machine that
# alone could exceed a worker's address-space limit, and the workers already use every core.
_ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
               "OMP_THREAD_LIMIT": "1"}


@contextmanager
def _worker_environment() -> Iterator[None]:
    """While the workers' pipeline loads (the fork server starting, or the warm-up here): one thread per
    library, the writer's pid (pipeline.forkguard), and Ctrl-C kept from it (a Ctrl-C while a fork server
    imports the pipeline would kill it with a traceback; the writer handles Ctrl-C, once it is loaded).
    The collector is paused meanwhile: what loads lives as long as the process (pipeline.warm freezes it),
    and its passes over it were wasted."""
    saved = {k: os.environ.get(k) for k in [*_ONE_THREAD, tools.WRITER_PID_ENV]}
    for k, v in _ONE_THREAD.items():
        os.environ.setdefault(k, v)
    os.environ[tools.WRITER_PID_ENV] = str(os.getpid())
    # Blocked, not ignored: the fork server starts with it blocked (and never sees it), while a Ctrl-C
    # meanwhile is only held back and reaches the writer once the fork server is started.
    mask = hasattr(signal, "pthread_sigmask")
    if mask:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if mask:  # last: a Ctrl-C held back is raised here
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _context() -> tuple[multiprocessing.context.BaseContext, bool]:
    """How workers start. Workers are forked warm: the pipeline is imported and its models loaded once
    (pipeline.warm), the workers share those pages, and one started again after a timeout is ready in
    milliseconds. On Linux, in a process with no other thread, they are forked from this process, warmed
    here: a fork server would be a second interpreter importing pydantic, the schemas and the extractors
    again (and a resource tracker), about a third of the CPU of a small batch. A forked worker holds this
    process's SQLite connection without touching it, and ends with os._exit (as multiprocessing's forked
    children do), so SQLite never closes it there. Elsewhere, or beside a caller's threads (a fork copies
    their locks, held or not), a fork server (which never opens the database) forks them.

    Also whether the caller is to unfreeze the collector when the batch ends (gc.freeze: see below)."""
    import threading
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        # What this process holds is kept out of the collector's sight while workers are forked
        # (pipeline.warm's reason), also in a second batch. When nothing was frozen before (a script calling
        # ingest(), not the `vanban` command, which froze what it loaded), ingest unfreezes it as the batch
        # ends: the script gets its collector back whole.
        unfreeze = gc.get_freeze_count() == 0
        with _worker_environment():
            import pipeline.warm  # noqa: F401 (importing it warms the pipeline)
        gc.freeze()
        return multiprocessing.get_context("fork"), unfreeze
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.forkguard", "pipeline.warm", "pipeline.worker"])
        from multiprocessing import forkserver, resource_tracker
        resource_tracker.ensure_running()  # first: starting it unblocks Ctrl-C, which the fork server must not get
        with _worker_environment():
            forkserver.ensure_running()
        return ctx, False
    return multiprocessing.get_context("spawn"), False


@contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and `kill` held back while a worker starts: a forked worker has this process's handlers until
    its loop ignores Ctrl-C and installs its own SIGTERM handler (worker._serve, which releases them); one
    arriving meanwhile would end it with a traceback. Held back here, they reach this process afterwards."""
    held = {signal.SIGINT, signal.SIGTERM}
    mask = hasattr(signal, "pthread_sigmask")
    if mask:
        signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        if mask:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


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


class _Worker:
    """One worker process with its pipe; it parses one file at a time and can be killed and replaced.
    Its temporary folder (LibreOffice's copies of the input, rendered pages) goes with it."""

    def __init__(self, ctx, limits: Limits, temp_root: Path, number: int) -> None:
        self.ctx, self.limits = ctx, limits
        self.temp_root, self.number, self.generation = temp_root, number, 0
        self.path: Path | None = None
        self.deadline = 0.0
        self._start()

    def _start(self) -> None:
        self.generation += 1
        self.temp_dir = self.temp_root / f"worker-{self.number}-{self.generation}"
        self.conn, child = self.ctx.Pipe()
        self.process = self.ctx.Process(target=_serve, args=(child, self.limits, self.temp_dir), daemon=True)
        with _main_module_hidden(), _signals_held():
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
        path = path_text(self.path)
        hung_up = False
        if self.conn.poll():
            try:
                result, peak, retire = self.conn.recv()
            except (EOFError, OSError):
                hung_up = True  # its end of the pipe closed: the process is exiting
            else:
                if retire:
                    self._restart()
                return result, peak
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
        how = f"exit code {code}"
        if code is not None and code < 0 and -code in signal.valid_signals():
            how += f", {signal.Signals(-code).name}"
        cap = f" of {self.limits.max_memory_mb:g} MB (--max-memory-mb)" if self.limits.max_memory_mb else ""
        return FileError(path=path, stage="crash", error_type="WorkerDied",
                         message=f"the worker parsing this file died ({how}): the file made a library crash, "
                                 f"or it needs more memory than the limit{cap}"), 0

    def _restart(self) -> None:
        self.stop()
        self._start()

    def stop(self) -> None:
        tools.kill_recorded(self.temp_dir)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        tools.kill_recorded(self.temp_dir)  # a tool started while the worker was being killed
        shutil.rmtree(self.temp_dir, ignore_errors=True)
        self.conn.close()


_TEMP_PREFIX = "vanban-batch-"


def _batch_temp_root() -> Path:
    """A temporary folder for the workers of this batch, after removing those of batches whose writer
    was killed (`kill -9` leaves them; their workers died with it)."""
    base = Path(tempfile.gettempdir())
    for old in base.glob(f"{_TEMP_PREFIX}*"):
        pid = old.name[len(_TEMP_PREFIX):].split("-")[0]
        try:
            if not pid.isdigit() or old.stat().st_uid != os.getuid():
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(old, ignore_errors=True)
        except OSError:
            continue
    return Path(tempfile.mkdtemp(prefix=f"{_TEMP_PREFIX}{os.getpid()}-"))


# --- the writer -----------------------------------------------------------------------------------

def ingest(paths: Iterable[str | Path], db_path: str | Path, force: bool = False, workers: int | None = None,
           limits: Limits | None = None, progress: Callable[[Summary, Path], None] | None = None,
           selection: Selection = Selection(), follow_links: bool = False) -> Summary:
    """Parse files and folders with `workers` processes (default: the machine's cores) into db_path.

    Files stored unchanged are skipped unless `force`; `selection` picks files of the folders. Symbolic
    links to folders, and to files outside the folders given, are recorded and not read unless
    `follow_links`. Returns when every file is accounted for, on Ctrl-C with `interrupted` set (what was
    stored stays; run again to finish), or with `stopped` set when the database cannot be written. Raises
    StoreError when it cannot be opened. Safe to call from a script without a `__main__` guard.
    """
    limits = limits or limits_mod.current()
    workers = max(1, workers or os.cpu_count() or 1)
    memory_mb = limits.memory_mb(workers)
    limits = dataclasses.replace(limits, max_memory_mb=memory_mb)
    batch = _Batch(store.open_db(db_path), Path(db_path), Summary(memory_mb=memory_mb), progress)
    started = time.monotonic()
    pool: list[_Worker] = []
    unfreeze = False
    temp_root = _batch_temp_root()
    todo = batch.files_to_parse(list(paths), force, limits, selection, follow_links)
    try:
        # Workers start with the first file that needs one: a batch of stored files loads no pipeline.
        first = next(todo, None)
        if first is not None:
            ctx, unfreeze = _context()
            pool = [_Worker(ctx, limits, temp_root, n) for n in range(workers)]
        queue = itertools.chain([first] if first is not None else [], todo)
        idle, busy = list(pool), []
        more = True
        while True:
            while idle and more:
                path = next(queue, None)
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
                batch.summary.worker_peak_rss_mb = max(batch.summary.worker_peak_rss_mb, rss_kb / 1024)
                busy.remove(worker)
                idle.append(worker)
                batch.store(result, worker.path)
        batch.record_copies()
    except KeyboardInterrupt:
        batch.summary.interrupted = True
    except StoreError as exc:
        batch.summary.stopped = str(exc)
    finally:
        todo.close()
        for worker in pool:
            worker.stop()
        shutil.rmtree(temp_root, ignore_errors=True)
        # Closed now, not whenever the collector reaches it (frozen with the warm-up: perhaps never): the
        # last connection's close checkpoints the WAL and removes the -wal and -shm files.
        batch.db.close()
        if unfreeze:
            gc.unfreeze()
        batch.summary.seconds = time.monotonic() - started
    return batch.summary


class _Batch:
    """The writer's side: what is settled without a worker, and storing each answer."""

    def __init__(self, db, db_path: Path, summary: Summary, progress) -> None:
        self.db, self.db_path, self.summary, self.progress = db, db_path, summary, progress
        self.copies: list[tuple[str, str]] = []  # (key, the key with the same bytes given to a worker in this batch)

    def _storage(self, exc: BaseException) -> StoreError:
        return store.storage_error(exc, self.db_path)

    def key(self, path: str | Path) -> str:
        """How the database names a file (store.path_key: relative to its root, links kept)."""
        return store.path_key(self.db, path_text(path))

    def files_to_parse(self, paths: list, force: bool, limits: Limits, selection: Selection,
                       follow_links: bool) -> Iterator[Path]:
        """The files that need a worker; entries not read, files stored unchanged, copies of stored files,
        files of an unknown format or over the size limit are settled here, without one."""
        own_files = {Path(f"{self.db_path.resolve()}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
        given: dict[str, str] = {}  # sha256 -> the first key of the batch with those bytes
        self._clear_listing_errors(paths)
        for entry in listing(paths, selection, self.summary.skipped, follow_links):
            if isinstance(entry, FileError):
                self.summary.files += 1
                self.store(entry, None)
                continue
            path = entry  # absolute, links kept
            if path.resolve() in own_files:
                continue  # the database may live inside the folder being ingested
            self.summary.files += 1
            key = self.key(path)
            try:
                check_readable(path)
                limits_mod.check_size(path, limits)
                digest = sha256_of(path)
                try:
                    if not force and store.is_current(self.db, key, digest):
                        self.summary.unchanged += 1
                        self._progress(path)
                        continue
                    copy_of = store.stored_copy(self.db, key, digest)
                    if copy_of is not None and copy_of not in given.values():
                        # the same bytes are stored under another path: recorded, not parsed again
                        store.record_copy(self.db, key, copy_of)
                        self.summary.copies += 1
                        self._progress(path)
                        continue
                except sqlite3.Error as exc:
                    raise self._storage(exc) from None
                first = given.setdefault(digest, key)
                if first != key:  # a copy of a file being parsed: recorded once it is stored
                    self.copies.append((key, first))
                    self.summary.copies += 1
                    self._progress(path)
                    continue
            except InputError as exc:
                self.store(FileError(path=path_text(path), stage=exc.stage, error_type=type(exc).__name__,
                                     message=printable(str(exc))), path)
                continue
            except OSError:
                pass  # unreadable or gone: the worker's parse reports it in the reader's words
            yield path

    def _progress(self, path: Path) -> None:
        if self.progress:
            self.progress(self.summary, path)

    def record_copies(self) -> None:
        """Files whose bytes another file of the batch has: a copy of its source, or its error."""
        for key, first in self.copies:
            try:
                if self.db["sources"].count_where("path = ?", [first]):
                    store.record_copy(self.db, key, first)
                    continue
                error = next(self.db.query("select stage, error_type, message from errors where path = ?", [first]),
                             None)
            except sqlite3.Error as exc:
                raise self._storage(exc) from None
            if error:
                self.summary.copies -= 1
                self.store(FileError(path=key, stage=error["stage"], error_type=error["error_type"],
                                     message=f"{error['message']} (same bytes as {first})"), None, count=False)

    def _clear_listing_errors(self, paths: list) -> None:
        """Entries under the folders given that were not read last time are listed again now: their old
        rows go, and the walk records those that are still not read."""
        roots = [self.key(os.path.abspath(p)) for p in paths if os.path.isdir(p)]
        try:
            with store.write_transaction(self.db):
                for root in roots:
                    if root == ".":  # the database's own root: every relative path is below it
                        self.db.execute("delete from errors where stage = 'list' and substr(path, 1, 1) != '/'")
                        continue
                    prefix = root.rstrip("/") + "/"
                    self.db.execute("delete from errors where stage = 'list' and (path = ? or substr(path, 1, ?) = ?)",
                                    [root, len(prefix), prefix])
        except sqlite3.Error as exc:
            raise self._storage(exc) from None

    def store(self, result: ParseResult | FileError, real: Path | None, count: bool = True) -> None:
        """Store one answer (raises StoreError when the database cannot be written: the batch stops).
        Workers are given absolute paths; the database names files by their key (relative to its root)."""
        if isinstance(result, FileError):
            result = result.model_copy(update={"path": self.key(result.path)})
        else:
            result = result.model_copy(update={"source": result.source.model_copy(
                update={"path": self.key(result.source.path)})})
        if not isinstance(result, FileError):
            try:
                store.save_result(self.db, result)
            except Exception as exc:  # the transaction rolled back; the file is recorded, not lost
                if store.is_storage_failure(exc):
                    raise self._storage(exc) from None
                spot, _ = _where(exc)
                result = FileError(path=result.source.path, stage="store", error_type="InternalError",
                                   message=printable(f"the results could not be stored, a bug to report with "
                                                     f"the file ({spot}: {exc})"))
        if isinstance(result, FileError):
            try:
                result = self._record_error(result, real)
            except Exception as exc:
                if store.is_storage_failure(exc):
                    raise self._storage(exc) from None
                raise
            self.summary.failed += 1
            self.summary.errors.append(result)
        else:
            self.summary.stored += 1
            self.summary.documents += len(result.documents)
            self.summary.pages += result.source.pages or 0
            path = result.source.path
            if result.status == "partial":
                self.summary.partial.append(path)
            if result.ocr_pages:
                self.summary.ocr_pages[path] = list(result.ocr_pages)
            n_warnings = len(result.warnings) + sum(len(d.warnings) for d in result.documents)
            if n_warnings:
                self.summary.warnings[path] = n_warnings
            if any(w.startswith("OCR confidence is low") for w in result.warnings):
                self.summary.low_ocr.append(path)
        if self.progress and count:
            self.progress(self.summary, real or Path(result.path if isinstance(result, FileError)
                                                     else result.source.path))

    def _record_error(self, error: FileError, real: Path | None) -> FileError:
        """One row per failed path: the latest attempt (a re-run retries failed files). A file stored
        earlier whose content changed loses its stale rows in the same transaction; one whose content is
        what was stored (a timeout under load, a tool missing now) keeps them, and the message says so."""
        db = self.db
        stored = next(db.query("select sha256, ingested_at from sources where path = ?", [error.path]), None)
        drop = False
        if stored:
            try:
                current = sha256_of(real) if real else None
            except (OSError, InputError):
                current = None
            drop = current != stored["sha256"]
            note = ("the rows stored for this file earlier were removed: they no longer match its content"
                    if drop else f"the version stored at {stored['ingested_at']} is kept: the file's content "
                                 f"is unchanged")
            error = error.model_copy(update={"message": f"{error.message} ({note})"})
        with store.write_transaction(db):
            if drop:
                store.remove_source(db, error.path)
            db["errors"].delete_where("path = ?", [error.path])
            store.record_error(db, error)
        return error
