"""Batch ingestion: every file ends stored or as a row in `errors`; re-runs skip, retry and resume."""
from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from pipeline import limits, store
from pipeline.ingest import _Worker, _context, count_files, ingest, iter_files
from pipeline.limits import Limits
from tests.conftest import CORPUS

SEEDS = sorted((CORPUS / "seeds").glob("*.txt"))


def stored_paths(db_path: Path) -> set[str]:
    return {r["path"] for r in store.open_db(db_path).query("select path from sources")}


def error_rows(db_path: Path) -> list[dict]:
    return list(store.open_db(db_path).query("select path, stage, error_type, message, time from errors"))


def mixed_folder(root: Path) -> list[Path]:
    """Good documents beside broken ones, some in a subfolder: the files a researcher's folder holds."""
    root.mkdir()
    (root / "sub").mkdir()
    files = {
        "good-1.txt": SEEDS[0].read_bytes(),
        "sub/good-2.md": SEEDS[1].read_bytes(),
        "empty.txt": b"",
        "blank.md": b" \n\t\n",
        "binary.txt": bytes(range(256)) * 40,
        "latin1.txt": "Résumé naïve façade, déjà vu".encode("latin-1"),
        "notes.xyz": b"a file of a format nobody reads",
        "sub/fake.pdf": b"%PDF-1.7\n this is not a PDF body",
        "sub/fake.docx": b"PK\x03\x04 not really a zip",
    }
    paths = []
    for name, data in files.items():
        (root / name).write_bytes(data)
        paths.append(root / name)
    (root / "gone.txt").symlink_to(root / "nowhere.txt")  # a dangling link: listed, unreadable
    paths.append(root / "gone.txt")
    return paths


def test_mixed_folder_every_file_is_stored_or_recorded(tmp_path):
    files = mixed_folder(tmp_path / "in")
    db_path = tmp_path / "out.db"
    summary = ingest([tmp_path / "in"], db_path, workers=2)

    # paths as given (a symlink is not resolved); a file of no known format in a folder is skipped and counted
    expected = {os.path.abspath(p) for p in files if p.suffix != ".xyz"}
    stored, errors = stored_paths(db_path), error_rows(db_path)
    recorded = {e["path"] for e in errors}
    assert stored | recorded == expected
    assert not stored & recorded
    assert len(errors) == len(recorded)  # one row per failed file
    assert summary.files == len(files) - 1 == summary.stored + summary.failed
    assert summary.skipped == {".xyz": 1}
    assert {os.path.abspath(p) for p in files if p.name.startswith("good")} <= stored
    for e in errors:
        assert e["stage"] and e["error_type"] and e["message"] and e["time"]
        assert e["stage"] != "pipeline", e  # bad input is refused with a reason, not by a bug
    by_name = {Path(e["path"]).name: e for e in errors}
    assert by_name["empty.txt"]["error_type"] == "EmptyDocument"
    assert by_name["binary.txt"]["error_type"] == "DecodeError"
    assert "notes.xyz" not in by_name


def test_rerun_skips_stored_files_and_retries_failed_ones(tmp_path):
    files = mixed_folder(tmp_path / "in")
    db_path = tmp_path / "out.db"
    first = ingest([tmp_path / "in"], db_path, workers=2)
    before = error_rows(db_path)
    again = ingest([tmp_path / "in"], db_path, workers=2)
    assert again.unchanged == first.stored and again.stored == 0
    assert again.failed == first.failed
    after = error_rows(db_path)
    assert sorted(e["path"] for e in after) == sorted(e["path"] for e in before)  # replaced, not piled up

    # fixed with a text of its own (the bytes of good-1.txt would make it a copy, not a source)
    (tmp_path / "in" / "empty.txt").write_text(SEEDS[0].read_text(encoding="utf-8") + "\n", encoding="utf-8")
    fixed = ingest([tmp_path / "in"], db_path, workers=1)
    assert fixed.stored == 1 and fixed.failed == first.failed - 1
    assert str((tmp_path / "in" / "empty.txt").resolve()) not in {e["path"] for e in error_rows(db_path)}
    assert len(stored_paths(db_path) | {e["path"] for e in error_rows(db_path)}) == len(files) - 1


def test_database_inside_the_ingested_folder_is_not_ingested(tmp_path):
    (tmp_path / "a.txt").write_bytes(SEEDS[0].read_bytes())
    summary = ingest([tmp_path], tmp_path / "vanban.db", workers=1)
    again = ingest([tmp_path], tmp_path / "vanban.db", workers=1)  # now with vanban.db, -wal, -shm beside it
    assert (summary.files, summary.stored) == (1, 1)
    assert (again.files, again.unchanged, again.failed) == (1, 1, 0)


def test_the_batch_closes_its_database(tmp_path):
    """The writer's connection is closed when the batch ends, in the library and in a `vanban ingest` process
    (whose warm-up freezes what it holds, so no collector closes it at exit): the close checkpoints the WAL
    and removes the -wal and -shm files."""
    import subprocess
    ingest([SEEDS[0]], tmp_path / "lib.db", workers=1)
    subprocess.run([sys.executable, "-c", "from pipeline.cli import main; main()", "ingest", "-j", "1", "-q",
                    "--db", str(tmp_path / "cli.db"), str(SEEDS[0])], check=True, capture_output=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cli.db", "lib.db"]


def test_a_script_calling_ingest_gets_its_collector_back_whole(tmp_path):
    """The writer freezes what it holds before it forks warm workers (their collections then neither walk nor
    copy it); in a process nothing had frozen before (a script, not the `vanban` command), it is unfrozen when
    the batch ends: the script's objects are collected again."""
    import gc
    import threading
    if not (sys.platform.startswith("linux") and threading.active_count() == 1):
        pytest.skip("the writer forks its workers (and freezes) on Linux, with no other thread, only")
    gc.unfreeze()  # whatever this test process froze before (pipeline.warm, imported by an earlier test)
    assert gc.get_freeze_count() == 0
    summary = ingest([SEEDS[0]], tmp_path / "v.db", workers=1)
    assert summary.stored == 1 and summary.failed == 0
    assert gc.get_freeze_count() == 0


def slow_file(folder: Path) -> Path:
    """A text file that takes hundreds of times as long to parse as a real document, and many times
    as long as a fresh worker's first file (which loads the NLP models)."""
    path = folder / "slow.txt"
    paragraph = SEEDS[1].read_text(encoding="utf-8")
    with open(path, "w", encoding="utf-8") as fh:
        for _ in range(16_000_000 // len(paragraph)):
            fh.write(paragraph)
    return path


def test_a_file_over_the_time_limit_is_recorded_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    slow = slow_file(folder)
    (folder / "z-after.txt").write_bytes(SEEDS[0].read_bytes())
    db_path = tmp_path / "out.db"
    summary = ingest([folder], db_path, workers=1, limits=Limits(timeout=4))
    errors = {e["path"]: e for e in error_rows(db_path)}
    assert errors[str(slow.resolve())]["stage"] == "timeout"
    assert "4 s" in errors[str(slow.resolve())]["message"]
    assert str((folder / "z-after.txt").resolve()) in stored_paths(db_path)  # the replacement worker went on
    assert (summary.stored, summary.failed) == (1, 1)


def test_size_limit_refuses_before_parsing(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(SEEDS[0].read_bytes() * 50)
    summary = ingest([big], tmp_path / "out.db", workers=1, limits=Limits(max_size_mb=0.5))
    [error] = summary.errors
    assert (error.stage, error.error_type) == ("read", "LimitExceeded")
    assert "--max-size-mb" in error.message


def test_page_limit_applies_in_the_workers(tmp_path):
    # A text file is one page: a limit of 1 lets it through, and the limit reaches the worker processes.
    (tmp_path / "a.txt").write_bytes(SEEDS[0].read_bytes())
    assert ingest([tmp_path / "a.txt"], tmp_path / "out.db", workers=1, limits=Limits(max_pages=1)).stored == 1


def test_a_worker_that_dies_is_recorded_as_a_crash_and_replaced(tmp_path):
    slow = slow_file(tmp_path)
    worker = _Worker(_context()[0], Limits(timeout=60), tmp_path, 0)
    try:
        worker.give(slow)
        time.sleep(0.2)
        first_pid = worker.process.pid
        os.kill(first_pid, signal.SIGKILL)  # what the kernel's OOM killer does
        answer = None
        while answer is None:
            worker.process.join(0.05)
            answer = worker.outcome(time.monotonic())
        error, _ = answer
        assert (error.stage, error.error_type) == ("crash", "WorkerDied")
        assert str(-signal.SIGKILL) in error.message
        assert worker.process.pid != first_pid and worker.process.is_alive()
        worker.give(SEEDS[0].resolve())
        answer = None
        while answer is None:
            time.sleep(0.05)
            answer = worker.outcome(time.monotonic())
        assert len(answer[0].documents) >= 1
    finally:
        worker.stop()


def test_a_failing_save_keeps_what_was_stored(tmp_path, monkeypatch):
    """store.save_result is one transaction: a failure half-way leaves the previous version whole."""
    from pipeline.run import parse
    db = store.open_db(tmp_path / "out.db")
    result = parse(SEEDS[0].resolve())
    store.save_result(db, result)
    before = store.load_result(db, result.source.path)
    n_sections = db["sections"].count

    def broken_rows(doc_id, sections, text, parent=None):
        yield from original(doc_id, sections[:1], text, parent)
        raise RuntimeError("disk full")

    original = store._section_rows
    monkeypatch.setattr(store, "_section_rows", broken_rows)
    with pytest.raises(RuntimeError):
        store.save_result(db, result)
    monkeypatch.undo()
    assert store.load_result(db, result.source.path) == before
    assert db["sections"].count == n_sections


def test_iter_files_is_lazy_and_count_matches(tmp_path):
    for i in range(5):
        (tmp_path / f"{i}.txt").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    files = iter_files([tmp_path])
    assert next(files).name == "0.txt"  # a generator: nothing listed ahead
    assert count_files([tmp_path]) == 5



def test_cli_ingest_passes_workers_and_limits(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import cli
    for i in range(25):
        (tmp_path / f"{i:02}.txt").write_bytes(SEEDS[0].read_bytes())
    db_path = tmp_path / "out.db"
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path), "--db", str(db_path), "--workers", "2",
                                      "--max-size-mb", "0.001", "-q"])
    assert result.exit_code == 1
    assert "25 files: 0 stored, 0 unchanged, 25 failed" in result.output
    assert "... and 5 more: select * from errors" in result.output  # the first 20 are listed
    assert {e["error_type"] for e in error_rows(db_path)} == {"LimitExceeded"}
    assert limits.current() == limits.DEFAULT  # the options held for that run only


def test_fact_columns_are_typed_whatever_file_comes_first(tmp_path):
    """With workers, files are stored in the order they finish: the tables must not depend on it."""
    from schemas import Document, ParseResult, Source, Target

    def result(name: str, year: int | None) -> ParseResult:
        text = "tỷ lệ hộ nghèo dưới 2%"
        target = Target(span=(0, len(text)), text=text, indicator="tỷ lệ hộ nghèo", value=2, unit="%",
                        comparator="<", year=year)
        return ParseResult(source=Source(path=str(tmp_path / name), sha256=name, format="txt"), text=text,
                           documents=[Document(span=(0, len(text)), targets=[target])])

    db = store.open_db(tmp_path / "out.db")
    store.save_result(db, result("a.txt", None))  # the first target stored has no year
    store.save_result(db, result("b.txt", 2030))
    assert {(r["t"], r["year"]) for r in db.query("select typeof(year) as t, year from targets")} == {
        ("null", None), ("integer", 2030)}


def test_beside_a_callers_thread_the_workers_come_from_a_fork_server(tmp_path):
    """A fork copies every thread's locks, held or not: beside a caller's thread the workers are forked by a
    fork server, which never opens the database; alone (Linux), the writer forks them warm itself."""
    import threading
    if not sys.platform.startswith("linux"):
        pytest.skip("the writer forks its workers on Linux only")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert _context()[0].get_start_method() == "forkserver"
        summary = ingest([SEEDS[0]], tmp_path / "v.db", workers=1)
    finally:
        stop.set()
        thread.join()
    assert summary.stored == 1 and summary.failed == 0
    if threading.active_count() == 1:
        assert _context()[0].get_start_method() == "fork"
