"""SQL without traps: every README query runs on the ingested corpus, every column is in the data dictionary,
no column is dead, no query needs quoting, the foreign key is the column named *_id."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from pipeline import dictionary, store
from pipeline.cli import cli
from tests.conftest import ROOT


def readme_sql() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", readme, re.S)
    statements = []
    for block in blocks:
        body = "\n".join(l for l in block.splitlines() if not l.strip().startswith("--"))
        statements += [s.strip() for s in body.split(";") if s.strip()]
    return statements


# A query whose answer may rightly be empty on a corpus where every file parses.
MAY_BE_EMPTY = ("from errors", "having count(*) > 1")


def test_readme_has_sql():
    assert len(readme_sql()) >= 10


@pytest.mark.parametrize("sql", readme_sql(), ids=lambda s: " ".join(s.split())[:60])
def test_every_readme_query_runs_on_the_corpus(corpus_db, sql):
    db = store.open_db(corpus_db)
    rows = list(db.query(sql))
    if not any(m in sql.lower() for m in MAY_BE_EMPTY):
        assert rows, f"no rows: {sql}"
    assert "[references]" not in sql and '"references"' not in sql  # the view `citations` needs no quoting


def test_every_column_is_described(corpus_db):
    db = store.open_db(corpus_db)
    missing = []
    for name in db.table_names() + db.view_names():
        if "_fts" in name:
            continue
        if name not in dictionary.TABLES and name not in dictionary.VIEWS:
            missing.append(name)
            continue
        for col in db[name].columns_dict:
            if not dictionary.describe(name, col):
                missing.append(f"{name}.{col}")
    assert not missing, f"not in pipeline/dictionary.py: {missing}"
    for name, (_, cols) in dictionary.TABLES.items():
        if name in db.table_names():
            assert set(cols) == set(db[name].columns_dict), f"described but not in {name}: " \
                f"{set(cols) - set(db[name].columns_dict)}"


def test_enums_hold_the_stored_values(corpus_db):
    db = store.open_db(corpus_db)
    enums = dictionary.enums()
    for enum, (values, where) in enums.items():
        for column in re.findall(r"(\w+)\.(\w+)", where.split(":")[0]):
            table, col = column
            if table not in db.table_names():
                continue
            stored = {r[col] for r in db.query(f"select distinct [{col}] from [{table}]") if r[col] is not None}
            assert stored <= set(values), (enum, table, col, stored - set(values))


def test_no_dead_columns(corpus_db):
    """A column that is null in every row of the corpus is a trap (targets.baseline was one)."""
    db = store.open_db(corpus_db)
    sometimes_null = {"errors", "meta"}
    # Columns the corpus has no case for (no OCR, no PDF page, no recurring weekly limit) are listed here.
    rare = {"ocr", "page", "baseline__span_start", "baseline__span_end", "baseline__text", "agency_successor",
            "cited_document_id", "ocr_pages", "page_starts", "pages", "title", "value_max", "denominator",
            "parent_id", "section_id", "signer_authority", "weekday"}
    dead = []
    for table in ("sources", "documents", "sections", "blocks", *store.FACT_TABLES):
        if table in sometimes_null:
            continue
        for col in db[table].columns_dict:
            n = next(db.query(f"select count(*) n from [{table}] where [{col}] is not null"))["n"]
            if n == 0 and col not in rare:
                dead.append(f"{table}.{col}")
    assert not dead
    assert "baseline" not in db["targets"].columns_dict


def test_agency_id_is_the_foreign_key(corpus_db):
    db = store.open_db(corpus_db)
    fks = {fk.column: fk.other_table for fk in db["assignments"].foreign_keys}
    assert fks["agency_id"] == "agencies"
    rows = list(db.query("select s.agency_key, a.name_key from assignments s join agencies a on a.id = s.agency_id"))
    assert rows and all(r["agency_key"] == r["name_key"] for r in rows if r["agency_key"])
    assert next(db.query("select count(*) n from assignments where agency_id is null"))["n"] == 0


def test_citations_needs_no_quoting(corpus_db):
    db = store.open_db(corpus_db)
    assert next(db.query("select count(*) n from citations"))["n"] == db["references"].count > 0


def test_old_database_is_migrated(tmp_path):
    """A database of the earlier schema (agency_ref, targets.baseline, the section-only index) opens in the new one."""
    import sqlite_utils
    old = sqlite_utils.Database(tmp_path / "old.db")
    old["agencies"].create({"id": int, "name": str, "kind": str, "name_key": str}, pk="id")
    old["assignments"].create({"id": str, "document_id": str, "agency_ref": int, "agency_id": str, "agency": str},
                              pk="id")
    old["assignments"].insert({"id": "x", "document_id": "d", "agency_ref": 7, "agency_id": "so y te",
                               "agency": "Sở Y tế"})
    old["targets"].create({"id": str, "document_id": str, "baseline": str}, pk="id")
    old["sections"].create({"id": str, "document_id": str, "title_folded": str, "search_text": str}, pk="id")
    old["sections"].enable_fts(["title_folded", "search_text"], create_triggers=True)
    old.conn.close()
    db = store.open_db(tmp_path / "old.db")
    row = db["assignments"].get("x")
    assert row["agency_id"] == 7 and row["agency_key"] == "so y te" and "agency_ref" not in row
    assert "baseline" not in db["targets"].columns_dict and "sections_fts" not in db.table_names()
    assert "blocks_fts" in db.table_names()


def test_schema_tables_prints_the_dictionary():
    out = CliRunner().invoke(cli, ["schema", "--tables"]).output
    for name in ("table sources", "table blocks", "view citations", "agency_key", "enums:", "section_kind",
                 "d<N>", "lead, support, implement"):
        assert name in out, name
