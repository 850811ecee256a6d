"""Batch ingestion: files and folders -> SQLite, one transaction per file, every file accounted for."""
from __future__ import annotations

import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pipeline.errors import InputError, VanbanError
from pipeline.run import parse, sha256_of
from pipeline import store
from schemas import FileError, ParseResult


@dataclass
class Summary:
    files: int = 0
    stored: int = 0
    unchanged: int = 0
    failed: int = 0
    documents: int = 0
    errors: list[FileError] = field(default_factory=list)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and every file under folders named (sorted; hidden files and README.md, a folder's
    documentation, skipped)."""
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and name != "README.md":
                        yield Path(root) / name
        else:
            yield p


def parse_safe(path: Path) -> ParseResult | FileError:
    """parse() that never raises: bad input becomes a FileError with the stage and a clear reason."""
    try:
        return parse(path)
    except InputError as exc:
        return FileError(path=str(path), stage=exc.stage, error_type=type(exc).__name__, message=str(exc))
    except VanbanError as exc:
        return FileError(path=str(path), stage=exc.stage, error_type=type(exc).__name__, message=str(exc))
    except FileNotFoundError as exc:
        return FileError(path=str(path), stage="read", error_type="FileNotFound", message=str(exc))
    except Exception as exc:  # a bug must not stop the batch; keep the place it happened
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return FileError(path=str(path), stage="pipeline", error_type=type(exc).__name__,
                         message=f"{exc} (at {Path(where.filename).name}:{where.lineno})")


def ingest(paths: Iterable[str | Path], db_path: str | Path, force: bool = False,
           progress: Callable[[Summary, Path], None] | None = None) -> Summary:
    db = store.open_db(db_path)
    own_files = {Path(f"{Path(db_path).resolve()}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
    summary = Summary()
    for path in iter_files(paths):
        path = path.resolve()  # one identity per file, however it was named on the command line
        if path in own_files:
            continue  # the database may live inside the folder being ingested
        summary.files += 1
        key = str(path)
        try:
            if not force and path.is_file() and store.is_current(db, key, sha256_of(path)):
                summary.unchanged += 1
                if progress:
                    progress(summary, path)
                continue
        except OSError:
            pass
        result = parse_safe(path)
        if not isinstance(result, FileError):
            try:
                store.save_result(db, result)
            except Exception as exc:  # the transaction rolled back; the file is recorded, not lost
                result = FileError(path=key, stage="store", error_type=type(exc).__name__, message=str(exc))
        if isinstance(result, FileError):
            summary.failed += 1
            summary.errors.append(result)
            store.record_error(db, result)
        else:
            summary.stored += 1
            summary.documents += len(result.documents)
        if progress:
            progress(summary, path)
    return summary
