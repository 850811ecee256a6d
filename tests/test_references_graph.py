"""The citation graph in SQLite: references point at the stored documents they cite, in either ingest order."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import store
from pipeline.cli import cli
from pipeline.ingest import ingest
from tests.conftest import OUR_CORPUS, shared_file

# Our samples: the Sở's plan implements the province's decision 812/QĐ-UBND, which the other file holds
# (with the plan the decision issues); the công văn forwards plan 57/KH-UBND and cites the decision too.
DEPARTMENT_PLAN = OUR_CORPUS / "ke-hoach-so-giao-duc.txt"
DECISION = OUR_CORPUS / "qd-ban-hanh-ke-hoach-chuyen-doi-so.md"
COVER_LETTER = OUR_CORPUS / "cv-trien-khai-ke-hoach.txt"


def links(db) -> set[tuple[str | None, str | None, str | None]]:
    """(citing number, cited number, cited file name) of every resolved reference."""
    rows = db.query("select citing_number, cited_number, cited_source from citation_graph where resolved")
    return {(r["citing_number"], r["cited_number"], Path(r["cited_source"]).name) for r in rows}


@pytest.mark.parametrize("order", [[DEPARTMENT_PLAN, DECISION], [DECISION, DEPARTMENT_PLAN]],
                         ids=["citing-first", "cited-first"])
def test_documents_that_cite_each_other_are_linked_in_either_order(tmp_path, order):
    db_path = tmp_path / "v.db"
    for path in order:  # two ingests: the second must resolve the first one's references or be resolved by them
        assert ingest([path], db_path).failed == 0
    db = store.open_db(db_path)
    assert ("310/KH-SGDĐT", "812/QĐ-UBND", DECISION.name) in links(db)
    # the plan the decision issues cites it too (same file)
    assert (None, "812/QĐ-UBND", DECISION.name) in links(db)


def test_whole_corpus_links_and_reingest_keeps_links(tmp_path):
    db_path = tmp_path / "v.db"
    ingest([OUR_CORPUS], db_path)
    db = store.open_db(db_path)
    expected = {
        ("310/KH-SGDĐT", "812/QĐ-UBND", DECISION.name),
        ("1045/UBND-KGVX", "812/QĐ-UBND", DECISION.name),
        ("1045/UBND-KGVX", "57/KH-UBND", COVER_LETTER.name),  # the plan the letter encloses
    }
    assert expected <= links(db)
    ingest([DECISION], db_path, force=True)  # the cited file's rows are replaced: links are made again
    assert expected <= links(db)


def test_a_number_of_another_body_is_not_linked(tmp_path):
    """Đồng Tháp's plan cites its own province's Kế hoạch 310/KH-UBND; Hà Nội's plan 310/KH-UBND is another text."""
    db_path = tmp_path / "v.db"
    ingest([shared_file("real/dongthap_2025_KH_556-KH-UBND_tai-nguyen-nuoc.md"),
            shared_file("real/hanoi_2025_KH_310-KH-UBND_5G-IoT.md")], db_path)
    db = store.open_db(db_path)
    rows = list(db.query("select cited_issuer, resolved from citation_graph where cited_number_key = '310/KH-UBND'"))
    assert rows == [{"cited_issuer": "Ủy ban nhân dân tỉnh Đồng Tháp", "resolved": 0}]


def test_cover_letter_links_to_the_programme_it_forwards(tmp_path):
    db_path = tmp_path / "v.db"
    ingest([shared_file("seeds/000_626193b0675de070.txt")], db_path)
    db = store.open_db(db_path)
    assert ("3452/UBND-VX", "61-CTr/TU", "000_626193b0675de070.txt") in links(db)


def test_refs_command(tmp_path):
    db_path = tmp_path / "v.db"
    ingest([OUR_CORPUS], db_path)
    runner = CliRunner()
    out = runner.invoke(cli, ["refs", "812/QĐ-UBND", "--db", str(db_path)])
    assert out.exit_code == 0, out.output
    assert "cited by (3):" in out.output and "310/KH-SGDĐT" in out.output and "1045/UBND-KGVX" in out.output
    assert "131/QĐ-TTg" in out.output and "[not in the database]" in out.output
    out = runner.invoke(cli, ["refs", "812/qd-ubnd", "--db", str(db_path)])  # the key ignores case and Đ
    assert out.exit_code == 0 and "cited by (3):" in out.output
    out = runner.invoke(cli, ["refs", "131/QĐ-TTg", "--db", str(db_path)])  # cited, not stored
    assert out.exit_code == 0 and "not in the database" in out.output and "812/QĐ-UBND" in out.output
    out = runner.invoke(cli, ["refs", "9999/XX-YY", "--db", str(db_path)])
    assert out.exit_code == 1


def test_resolve_all_is_idempotent(tmp_path):
    db_path = tmp_path / "v.db"
    ingest([OUR_CORPUS], db_path)
    db = store.open_db(db_path)
    before = links(db)
    assert store.resolve_references(db) == 0  # incremental resolution already left every row right
    db.execute("update [references] set cited_document_id = null")
    assert store.resolve_references(db) == len(before)
    assert links(db) == before
