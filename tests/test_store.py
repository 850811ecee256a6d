"""Storage: re-ingest changes nothing, a changed file is replaced, export equals parse, errors are recorded."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline import parse, store
from pipeline.export import export_db
from pipeline.ingest import ingest
from tests.conftest import CORPUS, OUR_CORPUS

SEED = CORPUS / "seeds" / "000_626193b0675de070.txt"


def table_dump(db_path: Path) -> dict:
    db = store.open_db(db_path)
    out = {}
    for table in ("sources", "documents", "sections", *store.FACT_TABLES, "agencies", "errors"):
        rows = [dict(r) for r in db.query(f"select * from [{table}] order by rowid")]
        for r in rows:
            r.pop("time", None)
        out[table] = rows
    return out


@pytest.fixture
def workdir(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    for sample in OUR_CORPUS.glob("*.txt"):
        shutil.copy(sample, folder / sample.name)
    return folder


def test_ingest_twice_changes_nothing(workdir, tmp_path):
    db_path = tmp_path / "v.db"
    first = ingest([workdir], db_path)
    assert first.stored == first.files and first.failed == 0
    before = table_dump(db_path)
    second = ingest([workdir], db_path)
    assert second.unchanged == first.files and second.stored == 0
    assert table_dump(db_path) == before  # not even the ingestion time moved


def test_changed_file_replaces_its_rows(workdir, tmp_path):
    db_path = tmp_path / "v.db"
    ingest([workdir], db_path)
    target = workdir / "ke-hoach-so-giao-duc.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("310/KH-SGDĐT", "311/KH-SGDĐT"), encoding="utf-8")
    summary = ingest([workdir], db_path)
    assert summary.stored == 1 and summary.unchanged == summary.files - 1
    db = store.open_db(db_path)
    numbers = [r["number"] for r in db.query("select number from documents where source = ?", [str(target.resolve())])]
    assert numbers == ["311/KH-SGDĐT"]
    assert db["sources"].count == summary.files
    orphans = list(db.query("select count(*) n from sections where document_id not in (select id from documents)"))
    assert orphans[0]["n"] == 0


def test_export_round_trip_equals_parse(workdir, tmp_path):
    db_path = tmp_path / "v.db"
    ingest([workdir], db_path)
    out = tmp_path / "export"
    n_sources, n_docs = export_db(db_path, out)
    assert n_sources == len(list(workdir.iterdir()))
    for src in workdir.iterdir():
        parsed = parse(src.resolve()).model_dump(mode="json")
        exported = json.loads((out / f"{src.stem}.json").read_text(encoding="utf-8"))
        assert exported == parsed, src.name
    lines = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == n_docs and all(json.loads(l)["source"] for l in lines)


def test_bad_files_are_recorded_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.txt").write_bytes(bytes(range(256)) * 10)
    (folder / "sheet.xlsx").write_bytes(b"PK\x03\x04junk")
    db_path = tmp_path / "v.db"
    summary = ingest([folder], db_path)
    assert (summary.files, summary.stored, summary.failed) == (3, 1, 2)
    assert summary.skipped == {".xlsx": 1}  # in a folder, a file of no known format is skipped and counted
    ingest([folder / "sheet.xlsx"], db_path)  # named on its own, it is an error that says why
    db = store.open_db(db_path)
    errors = {Path(r["path"]).name: r for r in db.query("select * from errors")}
    assert set(errors) == {"empty.txt", "junk.txt", "sheet.xlsx"}
    assert errors["empty.txt"]["error_type"] == "EmptyDocument"
    assert errors["junk.txt"]["error_type"] == "DecodeError"
    assert errors["sheet.xlsx"]["error_type"] == "UnsupportedFormat" and "xlsx" in errors["sheet.xlsx"]["message"]
    assert all(r["time"] for r in errors.values())


def test_database_inside_the_input_folder_is_not_ingested(workdir):
    summary = ingest([workdir], workdir / "v.db")
    again = ingest([workdir], workdir / "v.db")
    assert summary.failed == again.failed == 0 and again.files == summary.files


def test_fixed_file_clears_its_error(tmp_path):
    path = tmp_path / "later.txt"
    path.write_bytes(b"")
    db_path = tmp_path / "v.db"
    ingest([path], db_path)
    shutil.copy(SEED, path)
    ingest([path], db_path)
    db = store.open_db(db_path)
    assert db["errors"].count == 0 and db["sources"].count == 1


def test_schema_has_foreign_keys_and_indexes(tmp_path):
    db = store.open_db(tmp_path / "v.db")
    fks = {(fk.table, fk.other_table) for t in ("documents", "sections", "assignments") for fk in db[t].foreign_keys}
    assert ("documents", "sources") in fks and ("sections", "documents") in fks and ("assignments", "agencies") in fks
    assert any(ix.columns == ["document_id"] for ix in db["targets"].indexes)


def test_rows_inserted_in_several_calls_are_all_stored_and_indexed(tmp_path):
    """insert_rows stores every block once, in order, a key some rows lack as null, and fills the FTS index
    with the rows of each call (the blocks have no insert trigger), so it finds every row."""
    db = store.open_db(tmp_path / "v.db")
    db["sources"].insert({"path": "a.txt", "sha256": "x"})
    db["documents"].insert({"id": "d", "source": "a.txt", "ord": 0})
    rows = [{"document_id": "d", "kind": "body", "span_start": i, "span_end": i + 1, "text": f"dòng {i} chín",
             "text_folded": f"dong {i} chin"} for i in range(7)]
    del rows[3]["kind"]
    with store.write_transaction(db):
        store.insert_rows(db, "blocks", rows[:2])
        store.insert_rows(db, "blocks", rows[2:])
    stored = list(db.query("select kind, span_start, text from blocks order by rowid"))
    assert [r["span_start"] for r in stored] == list(range(7)) and stored[3]["kind"] is None
    assert stored[4]["kind"] == "body"
    assert len(store.search(db, "chín")) == 7 and len(store.search(db, "chin")) == 7
    assert [h["text"] for h in store.search(db, '"dòng 5"')] == ["dòng 5 chín"]


@pytest.mark.parametrize("name", ["real/hcm_2025_KH_174-KH-UBND_binh-dang-gioi.md", "real/dongthap_2025_KH_617-KH-UBND.md",
                                  "real-converted/hanoi_2010_QD_15-2010-QD-UBND_internet.docx"])
def test_rows_of_a_document_dumped_at_once_equal_rows_of_each_fact(name):
    """save_result dumps a document's facts in one model_dump and folds its text once: each fact's row is the
    row of its own dump, and each block's folded text the fold of its text."""
    result = parse(CORPUS / name)
    checked = 0
    for i, doc in enumerate(result.documents):
        dumped = doc.model_dump(mode="json", include=set(store.FACT_TABLES))
        for table in store.FACT_TABLES:
            for fact, data in zip(getattr(doc, table), dumped[table], strict=True):
                assert store._fact_row(table, fact, data) == store._fact_row(table, fact)
                checked += 1
        blocks = [dict(zip(store._BLOCK_COLUMNS, b))
                  for b in store._block_rows(f"d-{i}", doc, result.text, result.page_starts, result.blocks)]
        assert blocks and all(b["text_folded"] == store.fold_chars(b["text"]) for b in blocks)
    assert checked > 10
    layout = [b.model_dump(exclude_defaults=True) for b in result.blocks]
    assert store._BLOCKS.dump_python(result.blocks, exclude_defaults=True) == layout


def test_every_line_no_block_covers_is_indexed_after_the_last_block():
    # The lines found between blocks were appended to the list the block lookup reads: after the last block,
    # a line was taken for "a block beginning within" the one before it, and only the first such line was kept.
    from types import SimpleNamespace

    text = "Alpha\nBeta\nGamma\n  Delta  \n"
    doc = SimpleNamespace(span=(0, len(text)))
    block = SimpleNamespace(kind="paragraph", start=0, end=5)
    units = store._units(doc, text, [block])
    assert [text[s:e] for s, e, _ in units] == ["Alpha", "Beta", "Gamma", "Delta"]
    assert [u[2] for u in units] == [block, None, None, None]
    # with no block at all (a text reader's document), every non-empty line
    assert [text[s:e] for s, e, _ in store._units(doc, text, [])] == ["Alpha", "Beta", "Gamma", "Delta"]
    # a line that holds a block is not indexed again, a line before it is
    mid = SimpleNamespace(kind="paragraph", start=6, end=10)
    assert [text[s:e] for s, e, _ in store._units(doc, text, [mid])] == ["Alpha", "Beta", "Gamma", "Delta"]
