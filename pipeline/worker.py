"""The worker side of `vanban ingest`: the loop each worker process runs (receive a path, parse it, send the
result back) and parse_safe, the parse that never raises.

Its own module so that a fork server loads no more than parsing needs: where workers are forked from one
(ingest._context), it preloads this module beside the warmed pipeline, and pipeline.ingest (the writer: the
database, sqlite_utils and numpy under it) is never imported there. On Linux the writer forks the workers
itself, once it has warmed the pipeline.
"""
from __future__ import annotations

import os
import resource
import shutil
import signal
import threading
import time
import traceback
from pathlib import Path

from pipeline import limits as limits_mod
from pipeline import proc as tools
from pipeline.errors import VanbanError
from pipeline.files import path_text, printable
from pipeline.limits import Limits
from schemas import FileError, ParseResult


# --- one file, never raising ------------------------------------------------------------------------

_OURS = Path(__file__).resolve().parents[1]


def _where(exc: BaseException) -> tuple[str, bool]:
    """`OverflowError at docx.py:218`, and whether it happened while reading the file (in a reader or
    in a library a reader called) rather than in the stages after it."""
    frames = traceback.extract_tb(exc.__traceback__)
    last = frames[-1] if frames else None
    spot = f"{type(exc).__name__} at {Path(last.filename).name}:{last.lineno}" if last else type(exc).__name__
    in_reader = any("readers" in Path(f.filename).parts for f in frames) and not any(
        Path(f.filename).is_relative_to(_OURS) and {"extractors", "schemas"} & set(Path(f.filename).parts)
        for f in frames)
    return spot, in_reader


def parse_safe(path: Path) -> ParseResult | FileError:
    """parse() that never raises: bad input becomes a FileError with the stage and a reason that says
    what is wrong with the file; a Python exception name appears only as the detail of a bug."""
    name = path_text(path)

    def error(stage: str, error_type: str, message: str) -> FileError:
        return FileError(path=name, stage=stage, error_type=error_type, message=printable(message))

    from pipeline.run import parse  # loaded by pipeline.warm before the workers fork; the writer never parses

    try:
        return parse(path)
    except VanbanError as exc:
        return error(exc.stage, type(exc).__name__, str(exc))
    except FileNotFoundError:
        return error("read", "FileNotFound", "the file is gone: moved or deleted after it was listed")
    except PermissionError:
        return error("read", "Unreadable", "the file cannot be read: permission denied")
    except MemoryError:
        exc = limits_mod.memory_exceeded(limits_mod.current().max_memory_mb)
        return error("read", "LimitExceeded", str(exc))
    except RecursionError:  # deeply nested input (XML, PDF objects) that a library walks recursively
        return error("read", "LimitExceeded", "the file is nested too deeply to read (thousands of levels)")
    except OSError as exc:
        return error("read", "Unreadable", f"the file cannot be read: {exc.strerror or exc}")
    except Exception as exc:  # a bug must not stop the batch; keep the place it happened for the report
        spot, in_reader = _where(exc)
        if in_reader:
            return error("read", "DamagedFile", f"the {path.suffix.lstrip('.').upper() or 'file'}'s content is "
                         f"damaged or built in a way vanban cannot read ({spot}: {exc})")
        return error("pipeline", "InternalError", f"vanban failed on this file, a bug to report with the file "
                     f"({spot}: {exc})")


# --- the worker loop ------------------------------------------------------------------------------

def _die_with_parent(temp_dir: Path) -> None:
    """When the process that started this worker dies (the writer, or the fork server, which dies with
    the writer), the worker dies too: left alone it would go on parsing a file nobody will store. Linux
    kills it outright (PR_SET_PDEATHSIG, SIGKILL: whatever it is doing, even inside a C library); the
    tools it runs die with it (proc.run), and the next batch removes its temporary folder. Elsewhere a
    thread watches the parent. `kill` (SIGTERM) stops it cleanly."""
    parent = os.getppid()

    def die(signum=None, frame=None) -> None:
        tools.kill_tools()
        shutil.rmtree(temp_dir, ignore_errors=True)
        os._exit(1)

    signal.signal(signal.SIGTERM, die)
    if not tools.arm_parent_death(signal.SIGKILL):
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1)
            die()
        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # it died before the signal was armed
        die()


def _resident_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / limits_mod.MB
    except (OSError, ValueError, IndexError):
        return 0.0


def _serve(conn, limits: Limits, temp_dir: Path) -> None:
    """Worker loop: receive a path, send back (ParseResult | FileError, peak RSS in KB, retire); None stops.
    `retire` asks for a fresh worker: this one hit its memory limit or still holds half of it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle
    _die_with_parent(temp_dir)
    if hasattr(signal, "pthread_sigmask"):  # held back while the writer started this worker (ingest._signals_held)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    tools.enter_worker(temp_dir)
    if limits.max_memory_mb:
        limits_mod.apply_memory_cap(limits.max_memory_mb)
    limits_mod.set_current(limits)
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):  # the writer is gone
            return
        if path is None:
            return
        result = parse_safe(path)
        peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        retire = bool(limits.max_memory_mb) and (
            _resident_mb() > limits.max_memory_mb / 2
            or isinstance(result, FileError) and result.message.startswith("parsing the file needs more memory"))
        try:
            conn.send((result, peak, retire))
        except (BrokenPipeError, OSError):
            return
        except Exception as exc:  # a result that cannot be pickled is still an answer
            if isinstance(exc, MemoryError):
                why = limits_mod.memory_exceeded(limits.max_memory_mb)
            elif isinstance(exc, RecursionError):
                why = "the file's structure is nested too deeply to hand over to the writer"
            else:
                why = f"the result could not be handed over to the writer ({type(exc).__name__}: {exc})"
            conn.send((FileError(path=path_text(path), stage="read" if isinstance(exc, (MemoryError, RecursionError))
                                 else "pipeline", error_type="LimitExceeded" if isinstance(
                                     exc, (MemoryError, RecursionError)) else "InternalError",
                                 message=str(why)), peak, True))
