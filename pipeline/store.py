"""SQLite storage with sqlite-utils: one row per source, document, section and fact.

Every source is written in one transaction: re-ingesting an unchanged file (same sha256 and
pipeline version) writes nothing; a changed file has all its rows replaced at once. Facts are
flattened from the pydantic models (`span` -> span_start/span_end, nested `baseline` ->
baseline__value ...), and `load_result` rebuilds the same models, so export equals parse.
"""
from __future__ import annotations

import bisect
import hashlib
import errno
import itertools
import os
import urllib.parse
from contextlib import contextmanager
import json
import re
import sqlite3
import sys
import time
import unicodedata
from functools import lru_cache
import types
import typing
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from pydantic import BaseModel, TypeAdapter


def _import_sqlite_utils():
    """sqlite_utils, imported as if numpy and pandas were not installed (unless something imported them
    already): it imports them only to map their scalar types to column types, and vanban stores neither.
    numpy alone was a fifth of the CPU of starting `vanban ingest`'s writer (it is there for underthesea).
    If a sqlite_utils needs them after all, it is imported again as it is."""
    masked = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in masked:
        sys.modules[name] = None  # `import numpy` raises ImportError, which sqlite_utils expects
    _import_lazily("dateutil.parser")
    try:
        import sqlite_utils
    except ImportError:
        _unmask(masked)
        import sqlite_utils
    finally:
        _unmask(masked)
    return sqlite_utils


def _import_lazily(name: str) -> None:
    """Import a module that runs only once used: sqlite_utils.recipes imports dateutil.parser for date
    conversions vanban never asks for, and its import was a third of sqlite_utils' (~12 ms)."""
    if name in sys.modules:
        return
    import importlib.util
    try:
        spec = importlib.util.find_spec(name)
    except ImportError:
        return
    if spec is None or not hasattr(spec.loader, "exec_module"):
        return  # imported as it is, by sqlite_utils
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    setattr(sys.modules[parent], child, module)  # `from dateutil import parser` finds it without loading it


def _unmask(names: list[str]) -> None:
    for name in names:
        if name in sys.modules and sys.modules[name] is None:
            del sys.modules[name]


sqlite_utils = _import_sqlite_utils()
from sqlite_utils.db import jsonify_if_needed  # noqa: E402

from extractors.numbers import number_key
from extractors.orgnames import issuer_key
from pipeline.errors import StoreError
from pipeline.files import printable
from pipeline.textutil import CharTable, fold, nfc
from pipeline.version import PIPELINE_VERSION
import schemas
from schemas import Block, Document, FileError, ParseResult, Section

FACT_TABLES = {"targets": "Target", "deadlines": "Deadline", "assignments": "Assignment", "references": "Reference"}
_BLOCKS = TypeAdapter(list[Block])  # a file's layout blocks dumped in one call
_DOC_FIELDS = ("doc_type", "number", "issuer", "parent_issuer", "issued_date", "place", "subject", "recipients",
               "page", "warnings")


# Another `vanban ingest` on the same database holds the write lock for one file's transaction at a
# time (well under a second; a few seconds for a huge file): wait for it rather than fail.
BUSY_TIMEOUT = 60.0


def open_db(path: str | Path, readonly: bool = False) -> sqlite_utils.Database:
    """The database at `path`, created with its schema if needed. `readonly` (the read commands: stats,
    search, export, refs) never writes, so it works on a database the user may not modify, and never
    creates one. Raises StoreError with a sentence a user can act on (a folder, not a database, full disk)."""
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file: give a file name with --db")
    try:
        if readonly:
            return _open_readonly(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = _database(sqlite3.connect(str(path), timeout=BUSY_TIMEOUT))
        db.execute("PRAGMA foreign_keys = ON")
        _when_free(lambda: db.execute("PRAGMA journal_mode = WAL"))  # a killed writer leaves the last committed state
        # One transaction that takes the write lock first: a second `vanban ingest` starting at the same
        # moment waits, then finds the tables made, instead of adding the same column twice.
        with write_transaction(db):
            ensure_schema(db)
        return db
    except (sqlite3.Error, OSError) as exc:
        raise storage_error(exc, path) from None


def _open_readonly(path: Path, upgrade: bool = True) -> sqlite_utils.Database:
    if not path.exists():
        raise StoreError(f"there is no database at {path}: `vanban ingest` makes one (or give --db)")
    uri = "file:" + urllib.parse.quote(os.fsencode(path.resolve())) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT)
        shape = _schema_shape(conn)
    except sqlite3.OperationalError:
        # A WAL database in a folder we cannot write has no -shm file to share; nobody can be writing
        # to it then, so it is read as it stands.
        conn = sqlite3.connect(uri + "&immutable=1", uri=True, timeout=BUSY_TIMEOUT)
        shape = _schema_shape(conn)
    if not any(table == "sources" for table, _ in shape):
        raise StoreError(f"{path} is a SQLite database, but not one vanban wrote (it has no sources table)")
    if upgrade and not _current_shape() <= shape and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        conn.close()  # made by an older vanban: brought up to date once, as a writer would
        open_db(path).close()
        return _open_readonly(path, upgrade=False)
    return _database(conn)


def _database(conn: sqlite3.Connection) -> sqlite_utils.Database:
    # No sqlite-utils plugins: one installed for something else would change vanban's connections (its
    # prepare_connection hook), and looking for them scans every installed package (~10 ms an open).
    return sqlite_utils.Database(conn, execute_plugins=False)


def _schema_shape(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    """(table, column) of every table and view."""
    names = [r[0] for r in conn.execute("select name from sqlite_master where type in ('table', 'view')")]
    return {(name, col[1]) for name in names for col in conn.execute(f"pragma table_info([{name}])")}


@lru_cache(maxsize=1)
def _current_shape() -> frozenset[tuple[str, str]]:
    db = _database(sqlite3.connect(":memory:"))
    ensure_schema(db)
    return frozenset(_schema_shape(db.conn))


def storage_error(exc: BaseException, path: str | Path | None = None) -> StoreError:
    """What a failure of SQLite or of the disk means for the user."""
    where = f" {path}" if path else ""
    code = getattr(exc, "sqlite_errorcode", None)
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC or name == "SQLITE_FULL" or "disk is full" in text:
        return StoreError(f"the disk holding the database{where} is full: free some space and run the same "
                          f"command again (what was stored is kept)")
    if name == "SQLITE_NOTADB" or "file is not a database" in text:
        return StoreError(f"{path or 'the database'} is not a SQLite database (the file holds something else): "
                          f"vanban does not overwrite it; give another file with --db")
    if name.startswith("SQLITE_READONLY") or "readonly database" in text or isinstance(exc, PermissionError):
        return StoreError(f"the database{where} cannot be written (read-only file or folder)")
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return StoreError(f"the database{where} cannot be opened: its folder is missing or not writable")
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return StoreError(f"the database{where} is damaged (malformed): restore it or start a new one with --db")
    if name.startswith("SQLITE_BUSY") or "database is locked" in text:
        return StoreError(f"the database{where} stayed locked by another process for more than "
                          f"{BUSY_TIMEOUT:g} s")
    if name.startswith("SQLITE_IOERR") or isinstance(exc, OSError) or code is not None and code & 0xFF == 10:
        return StoreError(f"the database{where} could not be written: disk error ({text})")
    return StoreError(f"the database{where} failed: {text}")


def is_storage_failure(exc: BaseException) -> bool:
    """A failure of the database or the disk (every later file would fail too), not of one file's data."""
    if isinstance(exc, OSError):
        return True
    name = getattr(exc, "sqlite_errorname", "") or ""
    return isinstance(exc, sqlite3.Error) and (
        name.startswith(("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_CORRUPT",
                         "SQLITE_NOTADB", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_NOMEM", "SQLITE_PERM"))
        or any(t in str(exc) for t in ("disk is full", "disk I/O error", "readonly database", "locked")))


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A transaction that takes the write lock at its start (BEGIN IMMEDIATE), waiting up to BUSY_TIMEOUT
    for another writer. A deferred one that reads first and writes later fails at once when another
    process wrote in between (SQLite cannot wait there); inside a transaction, a savepoint."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    _when_free(lambda: db.conn.execute("BEGIN IMMEDIATE"))
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise


def _when_free(statement, timeout: float = BUSY_TIMEOUT):
    """Run `statement`, again while the database is busy, up to `timeout`. SQLite's own wait (the busy
    timeout) is skipped where waiting could deadlock: switching a new database to WAL, or taking the write
    lock while other processes do the same, can fail at once with `database is locked` (seen with eight
    processes opening one new database on a loaded machine)."""
    deadline = time.monotonic() + timeout
    pause = 0.005
    while True:
        try:
            return statement()
        except sqlite3.OperationalError as exc:
            code = getattr(exc, "sqlite_errorcode", None)
            busy = (code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)) if code else "locked" in str(exc)
            if not busy or time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.25)


def ensure_schema(db: sqlite_utils.Database) -> None:
    new_database = "sources" not in db.table_names()
    db["meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)
    db["sources"].create({
        "path": str, "sha256": str, "format": str, "size": int, "pages": int, "encoding": str, "status": str,
        "warnings": str, "text": str, "page_starts": str, "ocr_pages": str, "version": str, "pipeline_version": str,
        "ingested_at": str, "layout": str,
    }, pk="path", if_not_exists=True)
    if "layout" not in db["sources"].columns_dict:  # a database from before layout blocks
        db["sources"].add_column("layout", str)
    db["documents"].create({
        "id": str, "source": str, "ord": int, "doc_type": str, "number": str, "number_key": str, "issuer": str,
        "parent_issuer": str, "issued_date": str, "place": str, "subject": str, "signer_name": str,
        "signer_title": str, "signer_authority": str, "recipients": str, "span_start": int, "span_end": int,
        "page": int, "warnings": str,
    }, pk="id", foreign_keys=[("source", "sources", "path")], if_not_exists=True)
    db["sections"].create({
        "id": str, "document_id": str, "parent_id": str, "ord": int, "number": str, "title": str, "kind": str,
        "level": int, "marker": str, "path": str, "span_start": int, "span_end": int, "page": int,
    }, pk="id", foreign_keys=[("document_id", "documents", "id"), ("parent_id", "sections", "id")],
        if_not_exists=True)
    db["agencies"].create({"id": int, "name": str, "kind": str, "name_key": str, "level": str, "successor": str},
                          pk="id", if_not_exists=True)
    for col in ("level", "successor"):  # databases made before these columns existed
        if col not in db["agencies"].columns_dict:
            db["agencies"].add_column(col, str)
    db["agencies"].create_index(["name_key"], unique=True, if_not_exists=True)
    _seed_agencies(db)
    _migrate_fact_tables(db)
    for table in FACT_TABLES:
        cols = {"id": str, "document_id": str, "ord": int, "span_start": int, "span_end": int, "page": int,
                "section": str, "text": str, "ocr": int}
        fks = [("document_id", "documents", "id")]
        if table == "assignments":
            cols["agency_id"] = int
            fks.append(("agency_id", "agencies", "id"))
        db[table].create(cols, pk="id", foreign_keys=fks, if_not_exists=True)
        db[table].create_index(["document_id"], if_not_exists=True)
        _ensure_model_columns(db[table], getattr(schemas, FACT_TABLES[table]), COLUMN_NAMES.get(table, {}))
    _ensure_reference_columns(db)
    db["errors"].create({"id": int, "path": str, "stage": str, "error_type": str, "message": str, "time": str},
                        pk="id", if_not_exists=True)
    db["errors"].create_index(["path"], if_not_exists=True)
    db["source_paths"].create({"path": str, "sha256": str, "source": str, "seen_at": str}, pk="path",
                              foreign_keys=[("source", "sources", "path")], if_not_exists=True)
    db["source_paths"].create_index(["source"], if_not_exists=True)
    db["sources"].create_index(["sha256"], if_not_exists=True)
    if root_of(db) is None:
        with write_transaction(db):
            db["meta"].insert({"key": "root", "value": os.getcwd()}, replace=True)
            if not new_database:
                _relative_paths(db)
    db["documents"].create_index(["source"], if_not_exists=True)
    db["documents"].create_index(["number_key"], if_not_exists=True)
    db["sections"].create_index(["document_id"], if_not_exists=True)
    _ensure_blocks(db)
    db.__dict__.pop(_COLUMNS_ATTR, None)  # the columns insert_rows knew: some added, renamed or dropped here


def _model_columns(model: type[BaseModel], prefix: str = "") -> dict[str, type]:
    """The columns _flatten writes for a model, typed from its fields: a nested model as prefix__field,
    lists and dates as text, booleans as integers."""
    cols: dict[str, type] = {}
    for name, field in model.model_fields.items():
        kind = field.annotation
        if typing.get_origin(kind) in (typing.Union, types.UnionType):  # Optional[X]
            kind = next(a for a in typing.get_args(kind) if a is not type(None))
        if name == "span":
            cols[f"{prefix}span_start"] = cols[f"{prefix}span_end"] = int
        elif isinstance(kind, type) and issubclass(kind, BaseModel):
            cols.update(_model_columns(kind, f"{prefix}{name}__"))
        else:
            cols[f"{prefix}{name}"] = {int: int, bool: int, float: float}.get(kind, str)
    return cols


# Model fields stored under another column name: the integer foreign key to agencies is `agency_id`, so the
# model's text key (Assignment.agency_id) is the column `agency_key`.
COLUMN_NAMES = {"assignments": {"agency_id": "agency_key"}}


def _ensure_model_columns(table: sqlite_utils.db.Table, model: type[BaseModel], rename: dict[str, str]) -> None:
    """Declare every column of a fact model up front. Left to `insert_all(alter=True)`, a column takes the
    type of the first value stored in it: `year` became TEXT when the first target had none, and then held
    '2030' instead of 2030 in one database and not in another, depending on which file was stored first."""
    have = table.columns_dict
    for name, kind in _model_columns(model).items():
        name = rename.get(name, name)
        if name not in have:
            table.add_column(name, kind)


def _migrate_fact_tables(db: sqlite_utils.Database) -> None:
    """Databases made before the column names were settled: assignments.agency_ref (the foreign key) becomes
    agency_id and the text key agency_key; targets.baseline, a column that only ever held null beside
    baseline__*, goes."""
    tables = set(db.table_names())
    if "assignments" in tables and "agency_ref" in db["assignments"].columns_dict:
        db["assignments"].transform(rename={"agency_id": "agency_key", "agency_ref": "agency_id"})
    if "targets" in tables and "baseline" in db["targets"].columns_dict:
        db["targets"].transform(drop={"baseline"})


def _fact_row(table: str, fact: BaseModel, data: dict | None = None) -> dict:
    """The row of one fact: fields flattened, an absent nested model as its null columns (never a column of
    its own), model fields under their column names. `data`: the fact's model_dump(mode="json"), when the
    caller dumped the facts of a whole document at once (one call into pydantic, not one per fact)."""
    if data is None:
        data = fact.model_dump(mode="json")
    row = _flatten(data, absent=_nested_fields(type(fact)))
    for field, column in COLUMN_NAMES.get(table, {}).items():
        if field in row:
            row[column] = row.pop(field)
    return row


def _model_names(table: str, row: dict) -> dict:
    """A stored row under the model's field names (inverse of the renames of _fact_row); a column that takes
    a renamed field's name (assignments.agency_id, the foreign key) is not a model field."""
    renames = COLUMN_NAMES.get(table, {})
    out = {k: v for k, v in row.items() if k not in renames}
    for field, column in renames.items():
        out[field] = out.pop(column, None)
    return out


@lru_cache(maxsize=None)
def _nested_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of a model that hold a model (Optional or not): one set asked per value, not a cached call."""
    return frozenset(name for name in model.model_fields if _is_model_field(model, name))


def _is_model_field(model: type[BaseModel], name: str) -> bool:
    kind = model.model_fields[name].annotation
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        kind = next(a for a in typing.get_args(kind) if a is not type(None))
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _doc_id(sha256: str, ord_: int) -> str:
    """From the content, not the path: a source keeps its ids when it moves to a copy (prune, a changed
    primary), and one content is one source."""
    return f"{sha256[:12]}-{ord_}"


# --- paths: relative to the root stored once -----------------------------------------------------------

def root_of(db: sqlite_utils.Database) -> str | None:
    """The folder paths are stored relative to (meta.root): the working directory the database was made in."""
    row = next(db.query("select value from meta where key = 'root'"), None) if "meta" in db.table_names() else None
    return row["value"] if row else None


def path_key(db: sqlite_utils.Database, path: str | Path) -> str:
    """How a file is named in the database: below the root, relative to it as a user there types it
    (`corpus/a.txt`), else absolute; symlinks not resolved. The same file gives the same key from any
    working directory, and a folder moved with its database keeps its keys."""
    root = root_of(db) or os.getcwd()
    full = os.path.abspath(path)
    relative = os.path.relpath(full, root)
    return full if relative == ".." or relative.startswith("../") else Path(relative).as_posix()


def abs_path(db: sqlite_utils.Database, key: str) -> Path:
    """The file a stored path names."""
    return Path(os.path.normpath(os.path.join(root_of(db) or os.getcwd(), key)))


def _relative_paths(db: sqlite_utils.Database) -> None:
    """A database of absolute paths (before the root was stored): each path becomes its key."""
    for r in list(db.query("select path from sources")):
        if os.path.isabs(r["path"]):
            move_source(db, r["path"], path_key(db, r["path"]))
    for r in list(db.query("select id, path from errors")):
        if os.path.isabs(r["path"]):
            db["errors"].update(r["id"], {"path": path_key(db, r["path"])})


def move_source(db: sqlite_utils.Database, old: str, new: str) -> None:
    """Give a stored source another path (its file moved, or only a copy of it is left); call in a transaction."""
    if old == new:
        return
    db.execute("PRAGMA defer_foreign_keys = ON")
    db["source_paths"].delete_where("path = ?", [new])
    db.execute("update sources set path = ? where path = ?", [new, old])
    db.execute("update documents set source = ? where source = ?", [new, old])
    db.execute("update source_paths set source = ? where source = ?", [new, old])
    db["source_paths"].delete_where("path = ?", [old])
    sha = db["sources"].get(new)["sha256"]
    db["source_paths"].insert({"path": new, "sha256": sha, "source": new, "seen_at": _now()}, replace=True)


# --- one source per content ------------------------------------------------------------------------------

def stored_copy(db: sqlite_utils.Database, path: str, sha256: str) -> str | None:
    """The path of the source that holds this content under another path, parsed by this pipeline version
    (the file at `path` is then a copy: nothing to parse)."""
    row = next(db.query("select path from sources where sha256 = ? and path != ? and pipeline_version = ?",
                        [sha256, path, PIPELINE_VERSION]), None)
    return row["path"] if row else None


def record_copy(db: sqlite_utils.Database, path: str, source: str) -> bool:
    """Record `path` as another place of the content stored as `source`; returns True when that is news.
    If `path` was a source of its own (its content since changed to the copy's), that source goes."""
    sha = db["sources"].get(source)["sha256"]
    row = next(db.query("select source from source_paths where path = ?", [path]), None)
    if row and row["source"] == source:
        return False
    with write_transaction(db):
        if db["sources"].count_where("path = ?", [path]):
            remove_source(db, path)
        db["source_paths"].insert({"path": path, "sha256": sha, "source": source, "seen_at": _now()}, replace=True)
        db["errors"].delete_where("path = ?", [path])
    return True


def remove_source(db: sqlite_utils.Database, path: str) -> None:
    """Delete a source, keeping its content under a copy that still exists; call in a transaction."""
    copies = [r["path"] for r in db.query("select path from source_paths where source = ? and path != ? "
                                          "order by path", [path, path])]
    alive = next((c for c in copies if abs_path(db, c).exists()), None)
    if alive:
        move_source(db, path, alive)
        return
    keys = {r["number_key"] for r in db.query("select number_key from documents where source = ?", [path])}
    delete_source(db, path)
    resolve_references(db, number_keys=keys - {None})


def prune(db: sqlite_utils.Database, dry_run: bool = False) -> dict[str, list[str]]:
    """Forget files that are gone: a source whose file is missing moves to a copy that exists, else goes with
    everything derived from it; copies and errors of missing files go. Returns what was (or would be) done."""
    done: dict[str, list[str]] = {"moved": [], "removed": [], "copies": [], "errors": []}
    with write_transaction(db):
        for r in list(db.query("select path from source_paths")):
            if not abs_path(db, r["path"]).exists():
                done["copies"].append(r["path"])
                if not dry_run:
                    db["source_paths"].delete_where("path = ?", [r["path"]])
        for r in list(db.query("select path from sources order by path")):
            if abs_path(db, r["path"]).exists():
                continue
            copy = next((c["path"] for c in db.query("select path from source_paths where source = ? order by path",
                                                     [r["path"]]) if abs_path(db, c["path"]).exists()), None)
            done["moved" if copy else "removed"].append(f"{r['path']} -> {copy}" if copy else r["path"])
            if not dry_run:
                remove_source(db, r["path"])
        for r in list(db.query("select id, path from errors")):
            if not abs_path(db, r["path"]).exists():
                done["errors"].append(r["path"])
                if not dry_run:
                    db["errors"].delete_where("id = ?", [r["id"]])
        if dry_run:
            return done
    return done


def is_current(db: sqlite_utils.Database, path: str, sha256: str) -> bool:
    """The file is stored with this content by this pipeline version: nothing to do."""
    rows = list(db.query("select 1 from sources where path = ? and sha256 = ? and pipeline_version = ?",
                         [path, sha256, PIPELINE_VERSION]))
    return bool(rows)


def _flatten(data: dict, prefix: str = "", absent: frozenset[str] = frozenset()) -> dict:
    """A model's dump as columns. `absent`: the keys left out where they are None (a nested model that is not
    there is its null columns, never a column of its own)."""
    row = {}
    for key, value in data.items():
        if type(value) in _PLAIN:  # most values: stored as they are (a bool is not one)
            if value is None and key in absent:
                continue
            row[prefix + key if prefix else key] = value
            continue
        name = prefix + key if prefix else key
        if key == "span" and isinstance(value, (list, tuple)) and len(value) == 2:
            row[f"{prefix}span_start"], row[f"{prefix}span_end"] = value
        elif isinstance(value, dict):
            row.update(_flatten(value, f"{name}__"))
        elif isinstance(value, (list, tuple)):
            row[name] = json.dumps(value, ensure_ascii=False) if value else "[]"  # (most lists are empty)
        elif isinstance(value, bool):
            row[name] = int(value)
        else:
            row[name] = value
    return row


def _unflatten(row: dict, model) -> dict:
    """Inverse of _flatten for a fact model: uses the model's fields to know lists, bools, nests."""
    out: dict = {}
    nested: dict[str, dict] = {}
    for key, value in row.items():
        if "__" in key:
            head, tail = key.split("__", 1)
            nested.setdefault(head, {})[tail] = value
        else:
            out[key] = value
    if "span_start" in out:
        out["span"] = (out.pop("span_start"), out.pop("span_end"))
    for head, sub in nested.items():
        if "span_start" in sub:
            start, end = sub.pop("span_start"), sub.pop("span_end")
            sub["span"] = None if start is None else (start, end)
        out[head] = None if all(v is None for v in sub.values()) else sub
    fields = model.model_fields
    for key, value in list(out.items()):
        if key not in fields:
            del out[key]
        elif isinstance(value, str) and value[:1] in "[{" and "list" in str(fields[key].annotation):
            out[key] = json.loads(value)
        elif fields[key].annotation is bool:
            out[key] = bool(value)
    return out


# The columns of a row of _section_rows, in its order.
_SECTION_COLUMNS = ("id", "document_id", "parent_id", "ord", "number", "title", "kind", "level", "marker", "path",
                    "span_start", "span_end", "page")


def _section_rows(doc_id: str, sections: list[Section], text: str, parent: str | None = None) -> Iterator[tuple]:
    """The rows of a document's sections (values of _SECTION_COLUMNS), each before its children."""
    for i, sec in enumerate(sections):
        sid = f"{doc_id}:{sec.path}"
        yield (sid, doc_id, parent, i, sec.number, sec.title, sec.kind, sec.level, sec.marker, sec.path,
               sec.span[0], sec.span[1], sec.page)
        yield from _section_rows(doc_id, sec.children, text, sid)


def delete_source(db: sqlite_utils.Database, path: str) -> None:
    """Delete a source and everything derived from it (call inside a transaction)."""
    conn = db.conn  # statements of its own: sqlite_utils looks each table up in the schema first
    conn.execute("PRAGMA defer_foreign_keys = ON")  # sections point at sections: check at commit
    doc_ids = [r[0] for r in conn.execute("select id from documents where source = ?", [path])]
    for doc_id in doc_ids:
        conn.execute("update [references] set cited_document_id = null where cited_document_id = ?", [doc_id])
        for table in (*FACT_TABLES, "blocks", "sections"):
            conn.execute(f"delete from [{table}] where document_id = ?", [doc_id])
    conn.execute("delete from documents where source = ?", [path])
    conn.execute("delete from source_paths where source = ?", [path])
    conn.execute("delete from sources where path = ?", [path])


def insert_rows(db: sqlite_utils.Database, table: str, rows, alter: bool = False,
                columns: tuple[str, ...] | None = None) -> None:
    """What `db[table].insert_all(rows, alter=alter)` does, with one prepared INSERT run for every row
    (executemany) when every row has the same keys and the table has those columns (values converted as
    sqlite_utils converts them); other rows go through insert_all. insert_all's per-value work was most of
    the time a file took to store, and a multi-row INSERT of a document's rows was parsed and compiled anew
    for each document (a seventh of storing a text file).

    A table with a full-text index (blocks) is indexed here by one INSERT ... SELECT of the new rows, not by
    an insert trigger: a row with a trigger opens a statement savepoint, and FTS5 writes its pending terms to
    disk at each, so row by row it wrote and merged one index segment per block. The index holds the same
    terms either way; only its segments differ.

    `columns`: each row is a tuple of the values of these columns, each a str, int, float or None (stored as
    it is), rather than a dict: no keys to compare and no values to check for a row of many (blocks)."""
    rows = list(rows)
    if not rows:
        return
    fts = _INDEXED.get(table)
    last = db.conn.execute(f"select max(rowid) from [{table}]").fetchone()[0] if fts else None
    if columns is not None:
        keys, values = list(columns), rows
    else:
        keys = list(rows[0])
        if any(list(r) != keys for r in rows):  # a key some rows lack is null there, as insert_all stores it
            keys = list(dict.fromkeys(k for r in rows for k in r))
            rows = [{k: r.get(k) for k in keys} for r in rows]
        values = None
    if not keys or not _table_columns(db, table).issuperset(keys):
        if values is not None:
            rows = [dict(zip(keys, v)) for v in values]
        db[table].insert_all(rows, alter=alter)
        db.__dict__.get(_COLUMNS_ATTR, {}).pop(table, None)  # insert_all may have added columns
    else:
        if values is None:
            values = [tuple(r.values()) for r in rows]
            if not _PLAIN.issuperset(map(type, itertools.chain.from_iterable(values))):
                values = [tuple(v if type(v) in _PLAIN else jsonify_if_needed(v) for v in row) for row in values]
        db.conn.executemany(f"INSERT INTO [{table}] ({', '.join(f'[{k}]' for k in keys)}) "
                            f"VALUES ({', '.join('?' for _ in keys)})", values)
    if fts:
        cols = ", ".join(f"[{c}]" for c in fts)
        db.conn.execute(f"INSERT INTO [{table}_fts] (rowid, {cols}) SELECT rowid, {cols} FROM [{table}] "
                        "WHERE rowid > ?", [last or 0])


# The columns of each table, kept on the Database (attribute below): `pragma table_info` on every insert_rows
# call was a fifteenth of its time. Columns are only dropped or renamed by ensure_schema, which forgets
# them; one missing here (added since) only sends the rows through insert_all, which forgets the table's.
_COLUMNS_ATTR = "_vanban_columns"


def _table_columns(db: sqlite_utils.Database, table: str) -> frozenset[str]:
    cache = db.__dict__.setdefault(_COLUMNS_ATTR, {})
    if table not in cache:
        cache[table] = frozenset(c[1] for c in db.conn.execute(f"pragma table_info([{table}])"))
    return cache[table]


_FTS_AUTOMERGE = 16
# Tables whose FTS5 index (<table>_fts) insert_rows fills (their insert trigger is dropped), with its columns.
_INDEXED = {"blocks": ("text", "text_folded")}


_PLAIN = frozenset((str, int, float, type(None)))  # stored as they are; sqlite_utils converts the rest


# Python's sqlite3 binds str, int and float as they are but looks every None up as an object to adapt (its
# __adapt__ and __conform__ searched for): a registered adapter is found at once. Most columns of a block or
# a fact are null; this was a twentieth of storing a text file. The adapter is a built-in that returns None for
# None (an empty dict's get): a Python function ran a frame for each null (64,500 storing the 54 bench text files).
sqlite3.register_adapter(type(None), {}.get)


def _layout_json(blocks: list[Block]) -> str:
    """json.dumps(<the blocks dumped, defaults left out>, ensure_ascii=False), from pydantic's own JSON of them (a
    third of the time: json.dumps took a twentieth of storing a text file) spaced as json.dumps spaces it. A block
    holds only its kind (a word) and numbers, so each ',' and ':' in it is a separator."""
    return _BLOCKS.dump_json(blocks, exclude_defaults=True).replace(b",", b", ").replace(b":", b": ").decode()


def save_result(db: sqlite_utils.Database, result: ParseResult) -> None:
    """Store one parsed file, replacing what was stored for its path, in one transaction."""
    path = result.source.path
    sha = result.source.sha256
    conn = db.conn  # statements of its own where sqlite_utils would look each table up in the schema first

    def number_keys(source: str) -> set[str | None]:
        return {r[0] for r in conn.execute("select number_key from documents where source = ?", [source])}

    def seen(copy: str, source: str) -> None:
        conn.execute("insert or replace into source_paths (path, sha256, source, seen_at) values (?, ?, ?, ?)",
                     [copy, sha, source, _now()])

    with write_transaction(db):
        old = conn.execute("select sha256 from sources where path = ?", [path]).fetchone()
        if old and old[0] != sha:
            remove_source(db, path)  # its old content stays stored under a copy that still has it
        old_keys = number_keys(path)
        delete_source(db, path)
        conn.execute("delete from errors where path = ?", [path])
        conn.execute("delete from source_paths where path = ?", [path])
        # One source per content: another source of the same bytes becomes a copy of this one.
        for other in [r[0] for r in conn.execute("select path from sources where sha256 = ? and path != ?",
                                                 [sha, path])]:
            old_keys |= number_keys(other)
            conn.execute("update source_paths set source = ? where source = ?", [path, other])
            delete_source(db, other)
            seen(other, path)
        src = result.source.model_dump(mode="json")
        insert_rows(db, "sources", [{
            **src, "status": result.status, "warnings": json.dumps(result.warnings, ensure_ascii=False),
            "text": result.text, "page_starts": json.dumps(result.page_starts),
            "ocr_pages": json.dumps(result.ocr_pages), "version": result.version,
            "layout": _layout_json(result.blocks),
            "pipeline_version": PIPELINE_VERSION, "ingested_at": _now(),
        }])
        seen(path, path)
        agencies: dict[str, tuple] = {}  # agency_ref's rows of this transaction
        for i, doc in enumerate(result.documents):
            doc_id = _doc_id(sha, i)
            signer = doc.signer.model_dump() if doc.signer else {}
            dumped = doc.model_dump(mode="json", include={*_DOC_FIELDS, *FACT_TABLES})
            row = _flatten({k: v for k, v in dumped.items() if k in _DOC_FIELDS})
            insert_rows(db, "documents", [{
                **row, "id": doc_id, "source": path, "ord": i, "number_key": number_key(doc.number),
                "signer_name": signer.get("name"), "signer_title": signer.get("title"),
                "signer_authority": signer.get("authority"), "span_start": doc.span[0], "span_end": doc.span[1],
            }])
            insert_rows(db, "sections", _section_rows(doc_id, doc.sections, result.text), columns=_SECTION_COLUMNS)
            insert_rows(db, "blocks", _block_rows(doc_id, doc, result.text, result.page_starts, result.blocks),
                        columns=_BLOCK_COLUMNS)
            for table in FACT_TABLES:
                rows = []
                for j, (fact, data) in enumerate(zip(getattr(doc, table), dumped[table], strict=True)):
                    row = _fact_row(table, fact, data)
                    row.update(id=f"{doc_id}:{table[0]}{j}", document_id=doc_id, ord=j)
                    if table == "assignments":
                        row["agency_id"] = agency_ref(db, fact.agency, fact.agency_kind, key=fact.agency_id,
                                                       level=fact.agency_level, successor=fact.agency_successor,
                                                       rows=agencies)
                    if table == "references":
                        row.update(number_key=number_key(fact.number), issuer_key=issuer_key(fact.issuer),
                                   cited_document_id=None)
                    rows.append(row)
                insert_rows(db, table, rows, alter=True)
        new_ids = [_doc_id(sha, i) for i in range(len(result.documents))]
        new_keys = {number_key(d.number) for d in result.documents}
        # Both directions: the new references, and older references to the numbers this file added or removed.
        resolve_references(db, number_keys=(old_keys | new_keys) - {None}, document_ids=new_ids)


# --- the citation graph ---------------------------------------------------------------------------

_REFERENCE_COLUMNS = {"doc_type": str, "number": str, "date": str, "issuer": str, "title": str,
                      "number_key": str, "issuer_key": str, "cited_document_id": str}
CITATION_GRAPH_SQL = """
create view if not exists citation_graph as
select r.id as reference_id, r.ord as reference_ord, r.document_id as citing_document_id, d.number as citing_number,
       d.doc_type as citing_doc_type, d.issuer as citing_issuer, d.source as citing_source, d.ord as citing_ord,
       r.doc_type as cited_doc_type, r.number as cited_number, r.number_key as cited_number_key,
       r.title as cited_title, r.date as cited_date, r.issuer as cited_issuer,
       r.cited_document_id, c.source as cited_source, c.ord as cited_ord,
       r.cited_document_id is not null as resolved
from [references] r join documents d on d.id = r.document_id left join documents c on c.id = r.cited_document_id
"""


def _ensure_reference_columns(db: sqlite_utils.Database) -> None:
    """The contract fields, the match keys and the link of the references table, also in older databases.
    cited_document_id is kept valid by delete_source and resolve_references rather than a foreign key,
    so that re-ingesting a cited file never fails on the references that point at it."""
    table = db["references"]
    have = table.columns_dict
    for name, kind in _REFERENCE_COLUMNS.items():
        if name not in have:
            table.add_column(name, kind)
    table.create_index(["number_key"], if_not_exists=True)
    table.create_index(["cited_document_id"], if_not_exists=True)
    db.execute(CITATION_GRAPH_SQL)
    # `references` is an SQL keyword: every query on the table had to quote it.
    db.execute("create view if not exists citations as select * from [references]")


def _same_body(ref_issuer: str | None, doc_issuer: str | None, citing_issuer: str | None) -> bool:
    """A reference names the document when the issuers agree; a reference without an issuer (`Kế hoạch số
    973/KH-UBND` in the body's own plan) matches only a document of the citing document's own issuer."""
    if ref_issuer:
        return ref_issuer == doc_issuer
    return bool(doc_issuer) and doc_issuer == citing_issuer


def _select(conn: sqlite3.Connection, sql: str, params=()) -> Iterator[dict]:
    """The rows of a SELECT as dicts, as db.query gives them, without the savepoint sqlite_utils opens and
    releases around each query (resolve_references runs a few for every file stored)."""
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return (dict(zip(names, row)) for row in cursor)


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def resolve_references(db: sqlite_utils.Database, number_keys: set[str] | None = None,
                       document_ids: list[str] | None = None) -> int:
    """Point references at the documents they cite (same number key and issuer); returns how many rows changed.

    With no arguments every reference is resolved again; otherwise the references of document_ids and
    every reference to one of number_keys (so a newly stored document also resolves older references).
    Call it inside a transaction (`with db.conn:`); save_result does."""
    conn = db.conn
    select = "select id, document_id, number_key, issuer_key, cited_document_id from [references]"
    if number_keys is None and document_ids is None:
        refs = list(_select(conn, select))
    else:
        seen: dict[str, dict] = {}
        for ids in _chunks(list(document_ids or [])):
            marks = ",".join("?" * len(ids))
            for r in _select(conn, f"{select} where document_id in ({marks})", ids):
                seen[r["id"]] = r
        for keys in _chunks(sorted(number_keys or [])):
            marks = ",".join("?" * len(keys))
            for r in _select(conn, f"{select} where number_key in ({marks})", keys):
                seen[r["id"]] = r
        refs = list(seen.values())
    keys = sorted({r["number_key"] for r in refs if r["number_key"]})
    candidates: dict[str, list[dict]] = {}
    for chunk in _chunks(keys):
        marks = ",".join("?" * len(chunk))
        for d in _select(conn, f"select id, number_key, issuer from documents where number_key in ({marks}) "
                               "order by source, ord", chunk):
            candidates.setdefault(d["number_key"], []).append({**d, "issuer_key": issuer_key(d["issuer"])})
    citing_ids = sorted({r["document_id"] for r in refs})
    citing: dict[str, str | None] = {}
    for chunk in _chunks(citing_ids):
        marks = ",".join("?" * len(chunk))
        for d in _select(conn, f"select id, issuer from documents where id in ({marks})", chunk):
            citing[d["id"]] = issuer_key(d["issuer"])
    changed = 0
    for r in refs:
        target = next((d["id"] for d in candidates.get(r["number_key"], [])
                       if d["id"] != r["document_id"]
                       and _same_body(r["issuer_key"], d["issuer_key"], citing.get(r["document_id"]))), None)
        if target != r["cited_document_id"]:
            db.execute("update [references] set cited_document_id = ? where id = ?", [target, r["id"]])
            changed += 1
    return changed


def citations(db: sqlite_utils.Database, number: str) -> dict:
    """The documents numbered `number`, what they cite and what cites them (resolved links, and references
    to that number that name no stored document)."""
    key = number_key(number)
    docs = list(db.query("select id, source, ord, doc_type, number, issuer, issued_date from documents "
                         "where number_key = ? order by source, ord", [key]))
    ids = [d["id"] for d in docs]
    marks = ",".join("?" * len(ids))
    cites = list(db.query(f"select * from citation_graph where citing_document_id in ({marks}) "
                          "order by citing_source, citing_ord, reference_ord", ids)) if ids else []
    cited_by = list(db.query(
        f"select * from citation_graph where cited_document_id in ({marks or 'null'}) "
        "or (cited_document_id is null and cited_number_key = ?) order by citing_source, citing_ord, reference_ord",
        [*ids, key]))
    return {"number": number, "documents": docs, "cites": cites, "cited_by": cited_by}


def agency_id(key: str) -> int:
    """Id of an agency from its key alone (63 bits of sha1), so ids are the same in every database
    and across re-ingests, whatever order files come in."""
    return int(hashlib.sha1(key.encode()).hexdigest()[:15], 16)


def agency_ref(db: sqlite_utils.Database, name: str, kind: str | None, key: str | None = None,
               level: str | None = None, successor: str | None = None, rows: dict | None = None) -> int:
    """Stable id of an agency, keyed by its folded canonical name; kind/level/successor filled when known.
    `rows`: the agencies rows this transaction has read or written, by key (save_result: a file names most
    agencies several times; nobody else writes while it holds the write lock)."""
    key = fold(key or name)
    # The connection itself, not db.query and db[table]: this runs for every assignment stored, and
    # sqlite_utils wraps each query in a savepoint and looks the table up in the schema each time.
    conn = db.conn
    row = rows.get(key) if rows is not None else None
    if row is None:
        row = conn.execute("select id, name, kind, level from agencies where name_key = ?", [key]).fetchone()
    if row:
        found_id, found_name, found_kind, found_level = row
        # The same agency is written several ways (Uỷ/Ủy, case): keep the least of every value seen,
        # so the row does not depend on the order in which files were stored (workers finish in any order).
        merged = (found_name if key in _vocabulary_keys() else min(found_name, name),
                  _least(found_kind, kind), _least(found_level, level))
        if merged != (found_name, found_kind, found_level):
            conn.execute("update agencies set name = ?, kind = ?, level = ? where id = ?", [*merged, found_id])
        if rows is not None:
            rows[key] = (found_id, *merged)
        return found_id
    new_id = agency_id(key)
    conn.execute("insert into agencies (id, name, kind, name_key, level, successor) values (?, ?, ?, ?, ?, ?)",
                 [new_id, name, kind, key, level, successor])
    if rows is not None:
        rows[key] = (new_id, name, kind, level)
    return new_id


@lru_cache(maxsize=None)
def _vocabulary_keys() -> frozenset[str]:
    """Agencies of the vocabulary keep their canonical name."""
    from extractors.agencies import known_agencies
    return frozenset(a.key for a in known_agencies())


def _least(a: str | None, b: str | None) -> str | None:
    """The lesser of the values given (an empty one is not given): no generator, it runs twice per assignment."""
    if a and b:
        return min(a, b)
    return a or b or None


def _seed_agencies(db: sqlite_utils.Database) -> None:
    """The agencies of the vocabulary (extractors/data/agencies.csv), so the table lists them all."""
    from extractors.agencies import known_agencies
    rows = [{"id": agency_id(a.key), "name": a.name, "kind": a.kind, "name_key": a.key, "level": a.level,
             "successor": a.successor} for a in known_agencies()]
    db["agencies"].insert_all(rows, ignore=True)


def record_error(db: sqlite_utils.Database, error: FileError) -> None:
    row = {k: printable(v) if isinstance(v, str) else v for k, v in error.model_dump().items()}
    with write_transaction(db):
        db["errors"].insert({**row, "time": _now()})


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# --- reading back -----------------------------------------------------------------------------

def _sections_of(db: sqlite_utils.Database, doc_id: str) -> list[Section]:
    rows = list(db.query("select * from sections where document_id = ? order by rowid", [doc_id]))
    by_parent: dict[str | None, list[dict]] = {}
    for r in rows:
        by_parent.setdefault(r["parent_id"], []).append(r)

    def build(parent: str | None) -> list[Section]:
        out = []
        for r in sorted(by_parent.get(parent, []), key=lambda r: r["ord"]):
            out.append(Section(number=r["number"], title=r["title"], kind=r["kind"], level=r["level"],
                               marker=r["marker"], path=r["path"], span=(r["span_start"], r["span_end"]),
                               page=r["page"], children=build(r["id"])))
        return out

    return build(None)


def load_result(db: sqlite_utils.Database, path: str) -> ParseResult:
    import schemas
    src = db["sources"].get(path)
    docs = []
    for d in db.query("select * from documents where source = ? order by ord", [path]):
        data = {k: d[k] for k in _DOC_FIELDS}
        data["recipients"] = json.loads(d["recipients"] or "[]")
        data["warnings"] = json.loads(d["warnings"] or "[]")
        if any(d[k] for k in ("signer_name", "signer_title", "signer_authority")):
            data["signer"] = {"name": d["signer_name"], "title": d["signer_title"], "authority": d["signer_authority"]}
        data["span"] = (d["span_start"], d["span_end"])
        data["sections"] = _sections_of(db, d["id"])
        for table, model_name in FACT_TABLES.items():
            model = getattr(schemas, model_name)
            rows = db.query(f"select * from [{table}] where document_id = ? order by ord", [d["id"]])
            data[table] = [model(**_unflatten(_model_names(table, r), model)) for r in rows]
        docs.append(Document(**data))
    return ParseResult(
        version=src["version"],
        source={k: src[k] for k in ("path", "sha256", "format", "size", "pages", "encoding")},
        status=src["status"], warnings=json.loads(src["warnings"]), text=src["text"],
        page_starts=json.loads(src["page_starts"]), ocr_pages=json.loads(src["ocr_pages"]), documents=docs,
        blocks=json.loads(src.get("layout") or "[]"),
    )


class SearchSyntaxError(ValueError):
    """A query FTS5 cannot read (an unclosed quote, a dangling operator)."""


_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
_BAREWORD = re.compile(r"[\w\u0080-\U0010ffff]+\*?")


def fts_query(query: str) -> str:
    """The user's query in FTS5 syntax, meaning kept: phrases in double quotes, prefix `*`, AND, OR, NOT,
    `NEAR(a b, 5)` and parentheses as FTS5 reads them. A word FTS5 would refuse as a bareword (`3042/KH-UBND`,
    `(2025)`) becomes the phrase of its parts. NFC, so a query typed decomposed finds the stored text."""
    out: list[str] = []
    near = 0  # depth inside NEAR( ... ), where `, N` is FTS5 syntax
    depth = 0
    for m in re.finditer(r'"[^"]*"\*?|"[^"]*$|[(),]|[^\s(),"]+', nfc(query)):
        tok = m.group(0)
        if tok.startswith('"') and not (tok.endswith('"') or tok.endswith('"*')) or tok == '"':
            raise SearchSyntaxError(f"unclosed quote in {query!r}")
        if tok == "(":
            depth += 1
            if out and out[-1] == "NEAR":
                out[-1], near = "NEAR(", depth
                continue
        elif tok == ")":
            near = 0 if depth == near else near
            depth -= 1
        elif tok == ",":
            if near and depth == near:
                out.append(",")
            continue
        if tok.startswith('"') or tok in "()" or tok in _OPERATORS or _BAREWORD.fullmatch(tok):
            out.append(tok)
        else:
            star = "*" if tok.endswith("*") else ""
            words = re.findall(r"[\w\u0080-\U0010ffff]+", tok.rstrip("*"))
            if words:
                out.append('"' + " ".join(words) + '"' + star)
    return " ".join(out).replace("NEAR( ", "NEAR(").replace(" ,", ",")


def search(db: sqlite_utils.Database, query: str, limit: int = 20) -> list[dict]:
    """Full-text search over every block of text (table `blocks`, index `blocks_fts`), FTS5 syntax.

    A word with diacritics matches that spelling only (`số` is not `sở`); a word without them matches
    every spelling (`ke hoach` finds `kế hoạch`, `Kế Hoạch`, `ke hoach`): the index has the text as
    written and a folded column. Each hit gives the block as written with the matched words in [ ].
    Raises SearchSyntaxError for a query FTS5 cannot read."""
    fts = fts_query(query)
    if not fts:
        return []
    sql = """
        select b.id as block_id, b.document_id, d.source, d.number, d.doc_type, b.kind, b.section, b.page,
               b.layout, b.table_no, b.row, b.col, b.span_start, b.span_end, b.text,
               highlight(blocks_fts, 0, char(2), char(3)) as marked, highlight(blocks_fts, 1, char(2), char(3)) as marked_folded
        from blocks_fts join blocks b on b.id = blocks_fts.rowid join documents d on d.id = b.document_id
        where blocks_fts match ? order by rank limit ?"""
    try:
        rows = list(db.query(sql, [fts, limit]))
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc) or "syntax" in str(exc) or "no such column" in str(exc):
            raise SearchSyntaxError(f"cannot read the query {query!r}: {exc}") from exc
        raise
    for row in rows:
        marks = _marks(row.pop("marked")) + _marks(row.pop("marked_folded"))
        row["excerpt"] = _excerpt(row["text"], marks)
    return rows


def _marks(marked: str) -> list[tuple[int, int]]:
    """The [start, end) ranges FTS5's highlight() marked with \\x02 ... \\x03, as offsets into the unmarked text."""
    ranges, pos, start = [], 0, 0
    for ch in marked:
        if ch == "\x02":
            start = pos
        elif ch == "\x03":
            ranges.append((start, pos))
        else:
            pos += 1
    return ranges


def _excerpt(text: str, marks: list[tuple[int, int]], width: int = 240) -> str:
    """The block as written around its first match, every match in [ ] (the folded column's matches land on
    the same characters: fold_chars keeps the length)."""
    merged: list[list[int]] = []
    for s, e in sorted(marks):
        if merged and not text[merged[-1][1]:s].strip(" _\t"):  # `[kế hoạch]`, not `[kế] [hoạch]`
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    lo = max(0, (merged[0][0] if merged else 0) - width // 3)
    hi = min(len(text), lo + width)
    out, pos = [], lo
    for s, e in merged:
        if e <= lo or s >= hi:
            continue
        s, e = max(s, lo), min(e, hi)
        out += [text[pos:s], "[", text[s:e], "]"]
        pos = e
    out.append(text[pos:hi])
    return ("…" if lo else "") + " ".join("".join(out).split()) + ("…" if hi < len(text) else "")


# --- blocks: the search index ---------------------------------------------------------------------

BLOCK_KINDS = {
    "front": "before the first section: header (issuer, number, place and date), type and subject, "
             "Kính gửi, preamble (Căn cứ ...)",
    "section": "inside a numbered section (its `section` column gives the path)",
    "back": "after the last section: signature, Nơi nhận, unnumbered annexes",
    "body": "a paragraph of a document without sections",
}


def fold_chars(text: str) -> str:
    """Diacritics removed character by character (`Kế hoạch` -> `Ke hoach`, đ -> d), the length kept, so
    a match in the folded column is at the same offsets as in the text."""
    if text.isascii():
        return text
    return _FOLD_TABLE.translate(text)


def _fold_char(c: str) -> str:
    if c in "đĐ":
        return "d" if c == "đ" else "D"
    if c.isascii():
        return c
    base = "".join(x for x in unicodedata.normalize("NFD", c) if unicodedata.category(x) != "Mn")
    return base if len(base) == 1 else c


_FOLD_TABLE = CharTable(_fold_char)


def _ensure_blocks(db: sqlite_utils.Database) -> None:
    """Table `blocks` (one row per paragraph) and its FTS5 index `blocks_fts` over the text as written and
    folded. The tokenizer keeps diacritics (remove_diacritics 0), so `kế hoạch` matches that spelling only
    and the folded column gives every spelling to `ke hoach`. Named <table>_fts, datasette's
    `?_search=` and `sqlite-utils search` use it as it is."""
    if "sections_fts" in db.table_names():  # databases of the section-only index
        db["sections"].disable_fts()
    for col in ("title_folded", "search_text"):
        if col in db["sections"].columns_dict:
            db["sections"].transform(drop={col})
    db["blocks"].create({
        "id": int, "document_id": str, "section_id": str, "kind": str, "section": str, "page": int,
        "layout": str, "table_no": int, "row": int, "col": int,
        "span_start": int, "span_end": int, "text": str, "text_folded": str,
    }, pk="id", foreign_keys=[("document_id", "documents", "id"), ("section_id", "sections", "id")],
        if_not_exists=True)
    for col, kind in (("layout", str), ("table_no", int), ("row", int), ("col", int)):
        if col not in db["blocks"].columns_dict:  # a database from before layout blocks
            db["blocks"].add_column(col, kind)
    db["blocks"].create_index(["document_id"], if_not_exists=True)
    if "blocks_fts" not in db.table_names():
        db["blocks"].enable_fts(list(_INDEXED["blocks"]), create_triggers=True,
                                tokenize="unicode61 remove_diacritics 0")
    # insert_rows indexes new blocks in one statement a document (see there); the update and delete
    # triggers stay.
    db.execute("DROP TRIGGER IF EXISTS [blocks_ai]")
    # Each document's blocks are written as one index segment; FTS5 merges segments by fours by default,
    # by sixteens here: each term is rewritten half as often (storing the bench text files: 4.5% fewer
    # instructions), a query reads at most 15 segments a level instead of 3.
    if next(db.conn.execute("select v from blocks_fts_config where k = 'automerge'"), (None,))[0] != _FTS_AUTOMERGE:
        db.execute("INSERT INTO blocks_fts (blocks_fts, rank) VALUES ('automerge', ?)", [_FTS_AUTOMERGE])


def _flat_sections(sections: list[Section]) -> Iterator[Section]:
    for sec in sections:
        yield sec
        yield from _flat_sections(sec.children)


def _trimmed(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _units(doc: Document, text: str, layout: list) -> list[tuple[int, int, object]]:
    """The pieces of the document's text to index, in order: each layout block the reader found (paragraph,
    heading, header cell, signature, table cell, footnote; a table is its cells), then every non-empty line
    no block covers (text readers give no layout). Whitespace trimmed; none overlaps another."""
    start, end = doc.span
    units: list[tuple[int, int, object]] = []
    for b in layout:
        if b.kind == "table" or not (start <= b.start < end):
            continue
        s, e = _trimmed(text, b.start, min(b.end, end))
        if s < e:
            units.append((s, e, b))
    units.sort(key=lambda u: (u[0], -u[1]))
    kept: list[tuple[int, int, object]] = []
    for u in units:
        if not kept or u[0] >= kept[-1][1]:
            kept.append(u)
    starts = [u[0] for u in kept]
    blocks = len(kept)  # kept[:blocks] are the blocks; the lines found below are appended after them
    pos = start
    for line in text[start:end].split("\n"):
        # _trimmed's bounds, from str.strip (the same whitespace as isspace) rather than a step per character
        body = line.lstrip()
        s = pos + len(line) - len(body)
        e = s + len(body.rstrip())
        pos += len(line) + 1
        if s >= e:
            continue
        k = bisect.bisect_right(starts, s) - 1  # the block starting at or before the line
        if (k >= 0 and kept[k][1] > s) or (k + 1 < blocks and kept[k + 1][0] < e):
            continue  # inside a block, or a block begins within the line
        kept.append((s, e, None))
    kept.sort(key=lambda u: u[0])
    return kept


# The columns of a row of _block_rows, in its order.
_BLOCK_COLUMNS = ("document_id", "section_id", "kind", "section", "page", "layout", "table_no", "row", "col",
                  "span_start", "span_end", "text", "text_folded")


def _block_rows(doc_id: str, doc: Document, text: str, page_starts: list[int], layout: list = ()) -> Iterator[tuple]:
    """The search rows of a document (values of _BLOCK_COLUMNS): each layout block, else each non-empty line
    (normalisation joined wrapped lines, so a line is a paragraph), with the innermost section around it."""
    flat = list(_flat_sections(doc.sections))  # preorder: by start, a parent before its children
    first = min((s.span[0] for s in flat), default=None)
    # Folded once for the document, not per block: fold_chars maps each character alone, so a slice of the
    # folded text is the fold of the slice.
    base = doc.span[0]
    folded = fold_chars(text[base:doc.span[1]])
    nxt = 0
    open_: list[Section] = []  # the chain of sections begun so far that have not ended
    for s, e, block in _units(doc, text, list(layout)):
        while nxt < len(flat) and flat[nxt].span[0] <= s:
            while open_ and open_[-1].span[1] <= flat[nxt].span[0]:
                open_.pop()
            open_.append(flat[nxt])
            nxt += 1
        while open_ and open_[-1].span[1] <= s:
            open_.pop()
        # the innermost section holding the line: the last begun that has not ended (nested spans)
        inner = None
        for sec in reversed(open_):
            if sec.span[0] <= s < sec.span[1]:
                inner = sec
                break
        if inner is not None:
            kind = "section"
        elif first is None:
            kind = "body"
        else:
            kind = "front" if s < first else "back"
        cell = block is not None and block.kind == "table_cell"
        yield (doc_id, f"{doc_id}:{inner.path}" if inner else None, kind, inner.path if inner else None,
               bisect.bisect_right(page_starts, s) if page_starts else None,
               block.kind if block is not None else None,
               block.table if cell else None, block.row if cell else None, block.col if cell else None,
               s, e, text[s:e], folded[s - base:e - base])
