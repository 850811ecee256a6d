"""Full-text search over every paragraph: exact spelling with diacritics, every spelling without, FTS5 syntax,
the same answers from `vanban search`, sqlite-utils and the table a datasette user searches."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from pipeline import store
from pipeline.cli import cli
from pipeline.store import fold_chars, fts_query


def hits(db_path, query, limit=1000):
    return store.search(store.open_db(db_path), query, limit)


def words(text: str) -> list[str]:
    """Words as FTS5's unicode61 tokenizer cuts them (the underscore of word-segmented files separates)."""
    return re.findall(r"[^\W_]+", text.lower())


def marked(excerpt: str) -> list[str]:
    return re.findall(r"\[([^\]]*)\]", excerpt)


def test_every_character_of_every_document_is_in_one_block(corpus_db):
    db = store.open_db(corpus_db)
    n_docs = 0
    for doc in db.query("select d.id, d.span_start, d.span_end, s.text from documents d join sources s on s.path = d.source"):
        n_docs += 1
        text = doc["text"]
        covered = [0] * len(text)
        for b in db.query("select span_start, span_end, text from blocks where document_id = ?", [doc["id"]]):
            assert text[b["span_start"]:b["span_end"]] == b["text"] == b["text"].strip() and b["text"]
            for k in range(b["span_start"], b["span_end"]):
                covered[k] += 1
        inside = range(doc["span_start"], doc["span_end"])
        assert all(covered[k] == 1 for k in inside if not text[k].isspace()), doc["id"]
        assert all(covered[k] <= 1 for k in inside)
    assert n_docs > 40
    kinds = {r["kind"] for r in db.query("select distinct kind from blocks")}
    assert kinds == set(store.BLOCK_KINDS)
    for b in db.query("select text, text_folded from blocks limit 5000"):
        assert len(b["text_folded"]) == len(b["text"])


def test_table_cells_are_blocks_of_their_own(corpus_db):
    db = store.open_db(corpus_db)
    cells = list(db.query("select * from blocks where layout = 'table_cell'"))
    assert len(cells) > 100
    assert all(c["row"] is not None and c["col"] is not None and c["table_no"] is not None for c in cells)
    # a word of a cell is found in that cell, with its row and column
    cell = next(c for c in cells if len(words(c["text"])) >= 3)
    found = hits(corpus_db, '"' + " ".join(words(cell["text"])[:3]) + '"', 100000)
    assert any(h["block_id"] == cell["id"] for h in found)


def test_header_preamble_signature_and_documents_without_sections_are_found(corpus_db):
    db = store.open_db(corpus_db)
    # a document without sections: the index used to hold nothing of it
    bare = [r["id"] for r in db.query("select id from documents where id not in (select document_id from sections)")]
    assert bare
    for where, query in (("front", '"kính gửi"'), ("back", '"nơi nhận"'), ("body", '"kính gửi"'), ("front", "căn cứ")):
        found = [h for h in hits(corpus_db, query) if h["kind"] == where]
        assert found, (where, query)
    assert any(h["document_id"] in bare for h in hits(corpus_db, '"kính gửi"'))


def test_diacritics_exact_and_folded(corpus_db):
    exact = hits(corpus_db, "kế hoạch")
    folded = hits(corpus_db, "ke hoach")
    assert exact and len(folded) >= len(exact)
    for h in exact:
        assert {"kế", "hoạch"} <= set(words(h["text"])), h["text"]
    assert {h["block_id"] for h in exact} <= {h["block_id"] for h in hits(corpus_db, "ke hoach", 100000)}
    # số (number) and sở (department) are different words; without accents both are found
    so_dept = hits(corpus_db, "sở")
    assert so_dept and all("sở" in words(h["text"]) for h in so_dept)
    folded_so = {h["block_id"] for h in hits(corpus_db, "so", 100000)}
    assert {h["block_id"] for h in so_dept} <= folded_so
    assert {h["block_id"] for h in hits(corpus_db, "số")} <= folded_so


def test_excerpt_marks_the_words_as_written(corpus_db):
    for h in hits(corpus_db, "ke hoach", 50):
        found = marked(h["excerpt"])
        assert found and all(set(words(fold_chars(w))) <= {"ke", "hoach"} for w in found), h["excerpt"]
    for h in hits(corpus_db, "kế hoạch", 50):
        assert all(set(words(w)) <= {"kế", "hoạch"} for w in marked(h["excerpt"])), h["excerpt"]


def test_fts5_syntax_phrases_prefix_or_not(corpus_db):
    phrase = hits(corpus_db, '"thực hiện kế hoạch"')
    assert phrase and all("thực hiện kế hoạch" in " ".join(words(h["text"])) for h in phrase)
    loose = hits(corpus_db, "thực hiện kế hoạch")
    assert len(loose) > len(phrase)
    prefix = hits(corpus_db, "trien*")
    assert prefix and any("triển" in h["text"].lower() for h in prefix)
    a, b = hits(corpus_db, "mầm"), hits(corpus_db, "ma túy")
    either = hits(corpus_db, "mầm OR (ma túy)")
    assert {h["block_id"] for h in a} | {h["block_id"] for h in b} == {h["block_id"] for h in either}
    without = hits(corpus_db, "kế hoạch NOT năm")
    assert without and all("năm" not in words(h["text"]) for h in without)
    assert len(without) < len(hits(corpus_db, "kế hoạch"))
    # lower-case `or` is a word, as in FTS5
    assert fts_query("ke or hoach") == "ke or hoach"
    near = hits(corpus_db, "NEAR(sở chủ trì, 3)")
    assert near and all({"sở", "chủ", "trì"} <= set(words(h["text"])) for h in near)
    assert len(near) < len(hits(corpus_db, "sở chủ trì"))
    assert hits(corpus_db, "kế hoạch, chương trình")  # a comma outside NEAR is punctuation, not an error


def test_numbers_and_punctuation_are_phrases():
    assert fts_query("3042/KH-UBND") == '"3042 KH UBND"'
    assert fts_query('"abc" kh-*') == '"abc" "kh"*'
    with pytest.raises(store.SearchSyntaxError):
        fts_query('"unclosed')


def test_number_search_finds_the_header(corpus_db):
    found = hits(corpus_db, "3042/KH-UBND")
    assert any(h["kind"] == "front" and "3042/KH-UBND" in h["text"] for h in found)


def test_cli_says_when_nothing_matched_and_prints_json(corpus_db):
    runner = CliRunner()
    none = runner.invoke(cli, ["search", "xyzzyqwerty", "--db", str(corpus_db)])
    assert none.exit_code == 1 and "no match" in none.output
    out = runner.invoke(cli, ["search", "kế hoạch", "--db", str(corpus_db), "--json", "--limit", "5"])
    assert out.exit_code == 0
    rows = json.loads(out.output)
    assert len(rows) == 5 and all({"source", "number", "kind", "section", "page", "excerpt", "text"} <= set(r)
                                  for r in rows)
    bad = runner.invoke(cli, ["search", "kế NOT", "--db", str(corpus_db)])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    text = runner.invoke(cli, ["search", "ke hoach", "--db", str(corpus_db), "--limit", "3"])
    assert text.exit_code == 0 and text.output.count("[") >= 3


def test_sqlite_utils_search_works_as_it_is(corpus_db):
    import sqlite_utils
    db = sqlite_utils.Database(corpus_db)
    assert db["blocks"].detect_fts() == "blocks_fts"
    rows = list(db["blocks"].search("kế hoạch", limit=5))
    assert len(rows) == 5 and all("hoạch" in r["text"].lower() for r in rows)
    out = subprocess.run([sys.executable, "-m", "sqlite_utils", "search", str(corpus_db), "blocks", "kế hoạch",
                          "--limit", "3"], capture_output=True, text=True, check=True)
    assert len(json.loads(out.stdout)) == 3
