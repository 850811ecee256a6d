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
    out = {t: db[t].count for t in ("sources", "documents", "sections", *store.FACT_TABLES, "agencies", "errors")}
    return out
