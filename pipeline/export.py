"""Export stage: the database -> contract JSON files, from the same pydantic models as parse."""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from pipeline import store
from pipeline.errors import StoreError

# File names are at most 255 bytes on common file systems; a source's name may be longer (or long
# in UTF-8: 3 bytes a Vietnamese letter). The stem is cut to leave room for the id and `.json`.
MAX_STEM_BYTES = 120


def source_id(path: str) -> str:
    """The stable id of a source: the first 12 hex digits of the SHA-1 of its stored path."""
    return hashlib.sha1(path.encode()).hexdigest()[:12]


def _cut(stem: str, limit: int = MAX_STEM_BYTES) -> str:
    data = stem.encode("utf-8")
    if len(data) <= limit:
        return stem
    return data[:limit].decode("utf-8", "ignore").rstrip(" .")


def export_names(paths: list[str]) -> dict[str, str]:
    """The JSON file name of each source: `<stem>.json`, or `<stem>.<source id>.json` when another source
    would get the same name (same stem in another folder or format, names equal but for case, stems equal
    once cut to MAX_STEM_BYTES, or a stem that is itself another's `<stem>.<id>`). Names never collide."""
    stems = {p: _cut(Path(p).stem) or "source" for p in paths}
    plain = {p: f"{stems[p]}.json" for p in paths}
    with_id = {p: f"{stems[p]}.{source_id(p)}.json" for p in paths}
    taken = Counter(name.casefold() for name in plain.values())
    names = {p: plain[p] if taken[plain[p].casefold()] == 1 else with_id[p] for p in paths}
    ids = {with_id[p].casefold() for p in paths if names[p] == with_id[p]}
    for p in paths:  # a plain name equal to another source's name with id: that one takes its id too
        if names[p] == plain[p] and plain[p].casefold() in ids:
            names[p] = with_id[p]
    return names


@contextmanager
def _atomic(path: Path) -> Iterator[IO[str]]:
    """Write to a temporary file beside `path` and rename it over `path` once complete: a reader never
    sees half a file, and a failure (disk full) leaves the previous one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def export_db(db_path: str | Path, out_dir: str | Path) -> tuple[int, int]:
    """Write one JSON file per source (names from export_names) and documents.jsonl; every file is
    written whole or not at all. Raises StoreError when the folder cannot be written (disk full)."""
    out_dir = Path(out_dir)
    db = store.open_db(db_path, readonly=True)
    paths = [r["path"] for r in db.query("select path from sources order by path")]
    names = export_names(paths)
    n_docs = 0
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with _atomic(out_dir / "documents.jsonl") as jsonl:
            for p in paths:
                result = store.load_result(db, p)
                with _atomic(out_dir / names[p]) as fh:
                    fh.write(result.model_dump_json(indent=2))
                for i, doc in enumerate(result.documents):
                    line = {"source": p, "index": i, **doc.model_dump(mode="json")}
                    jsonl.write(json.dumps(line, ensure_ascii=False) + "\n")
                    n_docs += 1
    except OSError as exc:
        raise StoreError(f"the export to {out_dir} stopped: {exc.strerror or exc} (files already written are "
                         f"whole; documents.jsonl was left as it was)") from None
    return len(paths), n_docs


def db_stats(db_path: str | Path) -> dict[str, int]:
    db = store.open_db(db_path, readonly=True)
    out = {t: db[t].count for t in ("sources", "source_paths", "documents", "sections", "blocks", *store.FACT_TABLES,
                                    "agencies", "errors")}
    return out


# --- CSV and spaCy ------------------------------------------------------------------------------------

CSV_TABLES = {"documents": "documents", "targets": "targets", "deadlines": "deadlines",
              "assignments": "assignments", "citations": "references"}
# Columns of the database an analyst's spreadsheet does not need: the whole text, match keys, internals.
_CSV_SKIP = {"text_folded", "page_starts", "number_key", "issuer_key"}


def export_csv(db_path: str | Path, out_dir: str | Path) -> dict[str, int]:
    """One CSV per table (documents.csv and one per fact type, citations.csv for references), UTF-8 with a
    BOM so spreadsheet programs read Vietnamese right; each fact row carries its document's source file and
    number. Returns rows written per file."""
    import csv
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    db = store.open_db(db_path, readonly=True)
    counts = {}
    for name, table in CSV_TABLES.items():
        if table == "documents":
            sql = "select * from documents order by source, ord"
        else:
            sql = (f"select d.source, d.number as document_number, x.* from [{table}] x "
                   f"join documents d on d.id = x.document_id order by d.source, d.ord, x.ord")
        cursor = db.execute(sql)
        columns = [c[0] for c in cursor.description]
        keep = [i for i, c in enumerate(columns) if c not in _CSV_SKIP]
        with open(out_dir / f"{name}.csv", "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([columns[i] for i in keep])
            n = 0
            for row in cursor:
                writer.writerow(["" if row[i] is None else row[i] for i in keep])
                n += 1
        counts[f"{name}.csv"] = n
    return counts


def export_spacy(db_path: str | Path, out_path: str | Path) -> tuple[int, int]:
    """A spaCy DocBin (`vanban.spacy`): one Doc per source file, the normalised text, span groups `documents`,
    `targets`, `deadlines`, `assignments`, `references` (pipeline/spans.py), fields in user_data.
    Read it with `DocBin().from_disk(path).get_docs(spacy.blank("vi").vocab)`. Returns (docs, spans)."""
    from spacy.tokens import DocBin

    from pipeline.spans import FACT_GROUPS, to_doc
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    db = store.open_db(db_path, readonly=True)
    docbin = DocBin(store_user_data=True)
    n_docs = n_spans = 0
    for p in [r["path"] for r in db.query("select path from sources order by path")]:
        doc = to_doc(store.load_result(db, p))
        docbin.add(doc)
        n_docs += 1
        n_spans += sum(len(doc.spans[g]) for g in FACT_GROUPS)
    docbin.to_disk(out_path)
    return n_docs, n_spans
