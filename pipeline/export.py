"""Export stage: the database -> contract JSON files, from the same pydantic models as parse."""
from __future__ import annotations

import json
from pathlib import Path

from pipeline import store


def export_db(db_path: str | Path, out_dir: str | Path) -> tuple[int, int]:
    """Write <stem>.json per source (a short hash is added when two sources share a stem) and documents.jsonl."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    db = store.open_db(db_path)
    paths = [r["path"] for r in db.query("select path from sources order by path")]
    stems: dict[str, int] = {}
    for p in paths:
        stems[Path(p).stem] = stems.get(Path(p).stem, 0) + 1
    n_docs = 0
    with open(out_dir / "documents.jsonl", "w", encoding="utf-8") as jsonl:
        for p in paths:
            result = store.load_result(db, p)
            stem = Path(p).stem
            if stems[stem] > 1:
                stem = f"{stem}.{result.source.sha256[:8]}"
            (out_dir / f"{stem}.json").write_text(result.model_dump_json(indent=2), encoding="utf-8")
            for i, doc in enumerate(result.documents):
                line = {"source": p, "index": i, **doc.model_dump(mode="json")}
                jsonl.write(json.dumps(line, ensure_ascii=False) + "\n")
                n_docs += 1
    return len(paths), n_docs


def db_stats(db_path: str | Path) -> dict[str, int]:
    db = store.open_db(db_path)
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
    db = store.open_db(db_path)
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
    db = store.open_db(db_path)
    docbin = DocBin(store_user_data=True)
    n_docs = n_spans = 0
    for p in [r["path"] for r in db.query("select path from sources order by path")]:
        doc = to_doc(store.load_result(db, p))
        docbin.add(doc)
        n_docs += 1
        n_spans += sum(len(doc.spans[g]) for g in FACT_GROUPS)
    docbin.to_disk(out_path)
    return n_docs, n_spans
