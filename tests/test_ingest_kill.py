"""A batch killed in the middle (kill -9, Ctrl-C) leaves a consistent database, and running the same
command again ends with the database an uninterrupted run gives."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import store
from tests.conftest import CORPUS

TABLES = ("sources", "documents", "sections", *store.FACT_TABLES)
VOLATILE = {"ingested_at", "agency_id"}  # a clock, and ids handed out in the order files finish


def batch_folder(root: Path, n: int = 80) -> Path:
    """Copies of real documents under many names, and some broken files among them."""
    root.mkdir()
    sources = sorted((CORPUS / "real").glob("*.md")) + sorted((CORPUS / "seeds").glob("*.txt"))
    for i in range(n):
        if i % 20 == 7:
            (root / f"{i:04}-empty.txt").write_bytes(b"")
        else:
            src = sources[i % len(sources)]
            (root / f"{i:04}-{src.name}").write_bytes(src.read_bytes())
    return root


def _as_in_a_terminal() -> None:
    # A job started with `&` by a non-interactive shell (as CI runners may start the suite) inherits
    # SIGINT ignored, and Python then keeps ignoring it; a batch run in a terminal never does.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def vanban(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_as_in_a_terminal, **kwargs)


def ingest_cmd(folder: Path, db_path: Path) -> list[str]:
    return ["ingest", str(folder), "--db", str(db_path), "--workers", "2", "--quiet"]


def stored_count(db_path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
            return conn.execute("select count(*) from sources").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def wait_until_stored(proc: subprocess.Popen, db_path: Path, n: int) -> int:
    deadline = time.monotonic() + 120
    while (count := stored_count(db_path)) < n:
        assert proc.poll() is None, f"the batch ended before {n} files were stored: {proc.stderr.read()}"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return count


def wait_group_gone(pgid: int) -> None:
    """Every process of the batch (writer, fork server, workers) has exited."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail("processes of the interrupted batch are still running")


def snapshot(db_path: Path) -> dict:
    """Table contents, order-free, without clocks and insertion-order ids; errors without id and time."""
    db = store.open_db(db_path)
    out = {}
    for table in TABLES:
        rows = [tuple(sorted((k, v) for k, v in r.items() if k not in VOLATILE)) for r in db[table].rows]
        out[table] = sorted(rows, key=repr)
    out["errors"] = sorted((r["path"], r["stage"], r["error_type"], r["message"]) for r in db["errors"].rows)
    out["agencies"] = sorted((r["name"], r["kind"], r["name_key"]) for r in db["agencies"].rows)
    out["export"] = {p: store.load_result(db, p).model_dump(mode="json") for p in (r["path"] for r in db["sources"].rows)}
    return out


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The folder and the database of an uninterrupted run of it."""
    root = tmp_path_factory.mktemp("batch")
    folder = batch_folder(root / "in")
    proc = vanban(*ingest_cmd(folder, root / "whole.db"))
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 1, err  # the broken files failed, nothing else went wrong
    return folder, snapshot(root / "whole.db")


def test_kill_9_mid_batch_then_rerun_equals_an_uninterrupted_run(batch, tmp_path):
    folder, whole = batch
    db_path = tmp_path / "killed.db"
    proc = vanban(*ingest_cmd(folder, db_path))
    wait_until_stored(proc, db_path, 20)
    proc.kill()  # SIGKILL to the writer only: no cleanup code runs
    proc.wait()
    at_kill = snapshot(db_path)
    assert 20 <= len(at_kill["sources"]) < len(whole["sources"]), "the kill came too late to test anything"
    for path, result in at_kill["export"].items():  # what is there is whole: no file half stored
        assert result == whole["export"][path]
    wait_group_gone(proc.pid)  # the workers notice the writer is gone and exit

    rerun = vanban(*ingest_cmd(folder, db_path))
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 1, err
    assert f"{len(at_kill['sources'])} unchanged" in out
    assert snapshot(db_path) == whole


def test_ctrl_c_stops_workers_keeps_what_was_stored_and_prints_a_summary(batch, tmp_path):
    folder, whole = batch
    db_path = tmp_path / "interrupted.db"
    proc = vanban(*ingest_cmd(folder, db_path))
    wait_until_stored(proc, db_path, 10)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends: the whole foreground group
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Interrupted" in err and " files: " in out
    wait_group_gone(proc.pid)
    assert stored_count(db_path) < len(whole["sources"])

    rerun = vanban(*ingest_cmd(folder, db_path))
    rerun.communicate(timeout=600)
    assert snapshot(db_path) == whole
