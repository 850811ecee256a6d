"""`vanban serve`: datasette on the database, with a metadata file made from the data dictionary.

Datasette is an optional extra (`pip install 'vanban[serve]'`): the metadata says what every table and column
holds (pipeline/dictionary.py), which columns to facet on, which column names a row (a document by its number,
an agency by its name) and that the search box of `blocks` takes FTS5 syntax as `vanban search` does.
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from pipeline import dictionary

FACETS = {
    "documents": ["doc_type", "issuer"],
    "targets": ["unit", "year"],
    "deadlines": ["recurrence"],
    "assignments": ["role", "agency_kind"],
    "references": ["doc_type"],
    "citations": ["doc_type"],
    "agencies": ["kind", "level"],
    "sections": ["kind"],
    "blocks": ["kind"],
    "errors": ["stage", "error_type"],
    "sources": ["format", "status"],
}
LABELS = {"documents": "number", "agencies": "name", "sections": "title", "sources": "path"}


def metadata(db_name: str = "vanban") -> dict:
    """Datasette metadata: descriptions of every table, view and column, facets, label columns, the search
    table of `blocks` in raw FTS5 mode."""
    tables = {}
    for group in (dictionary.TABLES, dictionary.VIEWS):
        for name, (about, cols) in group.items():
            entry: dict = {"description": about,
                           "columns": cols or dictionary.TABLES["references"][1]}
            if name in FACETS:
                entry["facets"] = FACETS[name]
            if name in LABELS:
                entry["label_column"] = LABELS[name]
            tables[name] = entry
    tables["blocks"].update({"fts_table": "blocks_fts", "fts_pk": "id", "searchmode": "raw"})
    enums = "; ".join(f"{k}: {', '.join(v)}" for k, (v, _) in dictionary.enums().items())
    return {
        "title": "vanban",
        "description": "Structured data from Vietnamese administrative documents. Search `blocks` in FTS5 syntax: "
                       "a word with diacritics matches that spelling, without them every spelling. Enums: " + enums,
        "databases": {db_name: {"tables": tables}},
    }


def write_metadata(path: str | Path, db_name: str = "vanban") -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(metadata(db_name), ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def command(db_path: str | Path, metadata_path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    """The datasette command line that serves db_path with the metadata."""
    return [sys.executable, "-m", "datasette", "serve", str(db_path), "--metadata", str(metadata_path),
            "--host", host, "--port", str(port), "--setting", "facet_time_limit_ms", "1000"]


def available() -> bool:
    import importlib.util
    return importlib.util.find_spec("datasette") is not None or shutil.which("datasette") is not None
