"""Batch UX: include/exclude, unknown formats skipped and counted, a summary that lists partial files, OCR'd
pages and warnings; one source per content with its other paths; prune; paths relative to the stored root;
--version; the README's API example as written; eval that fails loudly."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pipeline import store
from pipeline.cli import cli, summary_lines
from pipeline.ingest import Selection, Summary, _Batch, ingest, iter_files
from pipeline.run import parse
from tests.conftest import CORPUS, OUR_CORPUS, ROOT

SEED = CORPUS / "seeds" / "004_164697cdc8f48644.txt"
OTHER = CORPUS / "seeds" / "000_626193b0675de070.txt"


def folder(tmp_path: Path) -> Path:
    top = tmp_path / "in"
    (top / "2025").mkdir(parents=True)
    shutil.copy(SEED, top / "a.txt")
    shutil.copy(OTHER, top / "2025" / "b.txt")
    shutil.copy(OUR_CORPUS / "qd-ban-hanh-ke-hoach-chuyen-doi-so.md", top / "2025" / "c.md")
    (top / "MANIFEST.tsv").write_text("file\tnote\n", encoding="utf-8")
    (top / "2025" / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    return top


def test_unknown_formats_in_folders_are_skipped_and_counted(tmp_path):
    top = folder(tmp_path)
    result = CliRunner().invoke(cli, ["ingest", str(top), "--db", str(tmp_path / "v.db"), "-q"])
    assert result.exit_code == 0, result.output  # MANIFEST.tsv no longer fails every batch
    assert "3 files: 3 stored" in result.output
    assert "skipped 2 files of no known format (1 .tsv, 1 .xlsx)" in result.output or \
        "skipped 2 files of no known format (1 .xlsx, 1 .tsv)" in result.output
    named = CliRunner().invoke(cli, ["ingest", str(top / "MANIFEST.tsv"), "--db", str(tmp_path / "v.db"), "-q"])
    assert named.exit_code == 1 and "UnsupportedFormat" in named.output


def test_include_and_exclude(tmp_path):
    top = folder(tmp_path)
    assert [p.name for p in iter_files([top], Selection(include=("*.md",)))] == ["c.md"]
    assert [p.name for p in iter_files([top], Selection(include=("2025/*",)))] == ["b.txt", "c.md"]
    assert [p.name for p in iter_files([top], Selection(exclude=("2025/*",)))] == ["a.txt"]
    assert [p.name for p in iter_files([top], Selection(include=("*.txt",), exclude=("b.*",)))] == ["a.txt"]
    result = CliRunner().invoke(cli, ["ingest", str(top), "--db", str(tmp_path / "v.db"), "-q",
                                      "--include", "*.txt", "--exclude", "a.txt"])
    assert result.exit_code == 0 and "1 files: 1 stored" in result.output


def test_summary_lists_partial_files_ocr_pages_and_warnings(tmp_path):
    db = store.open_db(tmp_path / "v.db")
    summary = Summary()
    base = parse(SEED)
    scanned = base.model_copy(update={
        "ocr_pages": [1, 2], "status": "partial",
        "warnings": ["OCR confidence is low on page 2 (41/100): check its text", "encoding: windows-1258"],
        "source": base.source.model_copy(update={"path": str(tmp_path / "scan.pdf"), "sha256": "1" * 64})})
    batch = _Batch(db, tmp_path / "v.db", summary, None)  # what the writer does with each answer
    batch.store(scanned, None)
    batch.store(base, None)
    assert summary.partial == [store.path_key(db, tmp_path / "scan.pdf")]
    assert summary.ocr_pages == {store.path_key(db, tmp_path / "scan.pdf"): [1, 2]}
    assert summary.low_ocr == summary.partial
    lines = "\n".join(summary_lines(summary, "v.db"))
    assert "partial: 1 files with a document of no type and no issuer" in lines
    assert "OCR: 2 pages of 1 files read by OCR, 1 files with low OCR confidence" in lines
    assert "scan.pdf: pages 1, 2 (low confidence)" in lines
    assert re.search(r"warnings: \d+ in [12] files", lines)


def test_same_bytes_at_two_paths_are_one_source(tmp_path):
    top = tmp_path / "in"
    top.mkdir()
    shutil.copy(SEED, top / "a.txt")
    shutil.copy(SEED, top / "copy-of-a.txt")
    db_path = tmp_path / "v.db"
    first = ingest([top], db_path)
    assert (first.stored, first.copies) == (1, 1)
    db = store.open_db(db_path)
    assert db["sources"].count == 1
    paths = {r["path"]: r["source"] for r in db.query("select path, source from source_paths")}
    [source] = [r["path"] for r in db.query("select path from sources")]
    assert set(paths.values()) == {source} and {Path(p).name for p in paths} == {"a.txt", "copy-of-a.txt"}
    refs = next(db.query("select count(*) n from citations"))["n"]
    assert refs == len(parse(SEED).documents[0].references) + sum(len(d.references) for d in parse(SEED).documents[1:])
    again = ingest([top], db_path)
    assert (again.unchanged, again.copies, again.stored) == (1, 1, 0)
    # the primary changes: its old content stays stored under the copy
    shutil.copy(OTHER, top / "a.txt")
    ingest([top], db_path)
    db = store.open_db(db_path)
    assert db["sources"].count == 2
    by_sha = {r["sha256"]: Path(r["path"]).name for r in db.query("select path, sha256 from sources")}
    assert by_sha[parse(SEED).source.sha256] == "copy-of-a.txt" and by_sha[parse(OTHER).source.sha256] == "a.txt"


def test_prune_forgets_files_that_are_gone(tmp_path):
    top = tmp_path / "in"
    top.mkdir()
    shutil.copy(SEED, top / "a.txt")
    shutil.copy(SEED, top / "b.txt")
    shutil.copy(OTHER, top / "c.txt")
    (top / "empty.txt").write_bytes(b"")
    db_path = tmp_path / "v.db"
    ingest([top], db_path)
    (top / "a.txt").unlink()
    (top / "c.txt").unlink()
    (top / "empty.txt").unlink()
    dry = CliRunner().invoke(cli, ["prune", "--db", str(db_path), "--dry-run"])
    assert dry.exit_code == 0 and store.open_db(db_path)["sources"].count == 2
    result = CliRunner().invoke(cli, ["prune", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    db = store.open_db(db_path)
    assert [Path(r["path"]).name for r in db.query("select path from sources")] == ["b.txt"]  # moved to its copy
    assert db["errors"].count == 0
    assert next(db.query("select count(*) n from documents where source not in (select path from sources)"))["n"] == 0
    assert [Path(r["path"]).name for r in db.query("select path from source_paths")] == ["b.txt"]
    assert store.search(db, "3042/KH-UBND")  # the moved source is still searchable
    # ingest --prune does the same after a batch
    (top / "b.txt").unlink()
    shutil.copy(OTHER, top / "d.txt")
    out = CliRunner().invoke(cli, ["ingest", str(top), "--db", str(db_path), "-q", "--prune"])
    assert out.exit_code == 0 and "1 sources removed" in out.output
    assert [Path(r["path"]).name for r in store.open_db(db_path).query("select path from sources")] == ["d.txt"]


def test_paths_are_relative_to_the_stored_root(tmp_path):
    work = tmp_path / "work"
    (work / "docs").mkdir(parents=True)
    shutil.copy(SEED, work / "docs" / "a.txt")
    os.symlink(work / "docs", work / "link")
    code = ("import sys; from pipeline.ingest import ingest; ingest(sys.argv[1:-1], sys.argv[-1], workers=1)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code, "docs", "out/v.db"], cwd=work, env=env, check=True)
    db = store.open_db(work / "out" / "v.db")
    assert [r["path"] for r in db.query("select path from sources")] == ["docs/a.txt"]
    assert store.root_of(db) == str(work)
    # from another working directory, the same file is the same key: nothing to do
    again = subprocess.run([sys.executable, "-c", code + "; import sys; print('ok')", str(work / "docs"),
                            str(work / "out" / "v.db")], cwd=tmp_path, env=env, check=True)
    assert again.returncode == 0 and store.open_db(work / "out" / "v.db")["sources"].count == 1
    # through a symlink: the path as given, one source for the one content
    subprocess.run([sys.executable, "-c", code, "link", "out/v.db"], cwd=work, env=env, check=True)
    db = store.open_db(work / "out" / "v.db")
    assert db["sources"].count == 1
    assert {r["path"] for r in db.query("select path from source_paths")} == {"docs/a.txt", "link/a.txt"}
    exported = tmp_path / "export"
    CliRunner().invoke(cli, ["export", "--db", str(work / "out" / "v.db"), "--out", str(exported)])
    assert json.loads((exported / "a.json").read_text(encoding="utf-8"))["source"]["path"] == "docs/a.txt"


def test_version_prints_package_and_pipeline():
    out = CliRunner().invoke(cli, ["--version"]).output
    assert re.match(r"vanban \S+, pipeline [0-9a-f]{16} .*export contract 1\.0", out), out
    assert store.PIPELINE_VERSION in out


def test_readme_api_example_runs_as_written(tmp_path):
    """The README's Python block, as a script without a __main__ guard (the workers used to die)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Python API\n\n```python\n(.*?)```", readme, re.S).group(1)
    (tmp_path / "corpus").symlink_to(OUR_CORPUS)
    (tmp_path / "example.py").write_text(block + "\nprint('SUMMARY', summary.stored, summary.failed)\n",
                                         encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr
    n = len([p for p in OUR_CORPUS.iterdir() if p.suffix in (".txt", ".md") and p.name != "README.md"])
    assert f"SUMMARY {n} 0" in out.stdout, out.stdout + out.stderr


def test_eval_fails_loudly_when_a_gold_source_is_missing(tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "a.json").write_text(json.dumps({"file": "nowhere.txt", "documents": [{"doc_type": "ke_hoach"}]}))
    result = CliRunner().invoke(cli, ["eval", "--gold", str(gold), str(tmp_path)])
    assert result.exit_code == 1
    assert "1 of 1 gold files could not be scored" in result.output and "nowhere.txt not found" in result.output
    pred = CliRunner().invoke(cli, ["eval", "--gold", str(gold), "--pred", str(tmp_path)])
    assert pred.exit_code == 1 and "no prediction file" in pred.output
    empty = tmp_path / "nogold"
    empty.mkdir()
    none = CliRunner().invoke(cli, ["eval", "--gold", str(empty), str(tmp_path)])
    assert none.exit_code == 1 and "no gold files" in none.output
