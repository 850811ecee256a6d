"""`vanban export --format csv` (one UTF-8-with-BOM file per table) and `--format spacy` (a DocBin with a span
group per fact type)."""
from __future__ import annotations

import csv

from click.testing import CliRunner

from pipeline import store
from pipeline.cli import cli
from pipeline.export import CSV_TABLES
from pipeline.spans import FACT_GROUPS


def test_csv_one_file_per_table_with_bom(corpus_db, tmp_path):
    out = tmp_path / "csv"
    result = CliRunner().invoke(cli, ["export", "--db", str(corpus_db), "--out", str(out), "--format", "csv"])
    assert result.exit_code == 0, result.output
    db = store.open_db(corpus_db)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.csv" for n in CSV_TABLES)
    for name, table in CSV_TABLES.items():
        raw = (out / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name  # the BOM spreadsheet programs need for UTF-8
        with open(out / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == db[table].count > 0, name
        if table != "documents":
            assert {"source", "document_number", "document_id", "text", "span_start", "page"} <= set(rows[0])
            stored = {r["id"]: r for r in db.query(f"select id, text from [{table}]")}
            assert all(stored[r["id"]]["text"] == r["text"] for r in rows)  # Vietnamese and newlines intact
    docs = list(csv.DictReader(open(out / "documents.csv", encoding="utf-8-sig", newline="")))
    assert any("Ủy ban nhân dân" in (d["issuer"] or "") for d in docs)


def test_spacy_docbin_has_span_groups_per_fact_type(corpus_db, tmp_path):
    import spacy
    from spacy.tokens import DocBin
    result = CliRunner().invoke(cli, ["export", "--db", str(corpus_db), "--out", str(tmp_path), "--format", "spacy"])
    assert result.exit_code == 0, result.output
    db = store.open_db(corpus_db)
    docs = list(DocBin().from_disk(tmp_path / "vanban.spacy").get_docs(spacy.blank("xx").vocab))
    assert len(docs) == db["sources"].count
    for group in FACT_GROUPS:
        assert sum(len(d.spans[group]) for d in docs) == db[group].count, group
    by_text = {r["path"]: r["text"] for r in db.query("select path, text from sources")}
    for doc in docs:
        assert doc.text == by_text[doc.user_data["source"]]
        for group in FACT_GROUPS:
            for span in doc.spans[group]:
                fields = doc.user_data["facts"][span.id_]
                assert span.label_ == group[:-1] and span.text.strip()
                row = db[group].get(f"{doc_id(db, doc, fields['document'])}:{group[0]}{fields['ord']}")
                assert row["text"] == span.text and row["span_start"] == span.start_char


def doc_id(db, doc, index: int) -> str:
    return next(db.query("select id from documents where source = ? and ord = ?",
                         [doc.user_data["source"], index]))["id"]
