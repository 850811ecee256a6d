"""Start-up of `vanban ingest`: importing the writer loads neither the parsing pipeline nor numpy (it loads
the pipeline only when a file needs a worker, to fork warm workers), a fork server loads neither the database
layer nor the writer; each is loaded where it is used."""
from __future__ import annotations

import subprocess
import sys

from tests.conftest import CORPUS

HEAVY = ("numpy", "pandas", "underthesea", "joblib")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint('MODULES', ' '.join(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True)
    line = next(line for line in out.stdout.splitlines() if line.startswith("MODULES "))
    return set(line.split()[1:])


def test_writer_loads_no_parser_and_no_numpy():
    loaded = _modules_after("import pipeline.cli, pipeline.ingest, pipeline.store")
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}
    assert "pipeline.run" not in loaded and "pipeline.readers.pdf" not in loaded
    assert not {"extractors.assignments", "extractors.deadlines", "extractors.targets", "extractors.references"} & loaded
    assert "sqlite_utils" in loaded and "extractors.numbers" in loaded


def test_quiet_ingest_loads_no_progress_bar(tmp_path):
    seed = CORPUS / "seeds" / "000_626193b0675de070.txt"
    code = (f"from pipeline.cli import cli\ntry:\n    cli(['ingest', '--quiet', '--workers', '1', '--db', "
            f"{str(tmp_path / 'v.db')!r}, {str(seed)!r}], standalone_mode=False)\nexcept SystemExit:\n    pass")
    loaded = _modules_after(code)
    assert "tqdm" not in loaded and "pipeline.worker" in loaded
    from pipeline import store
    db = store.open_db(tmp_path / "v.db")
    assert db["sources"].count == 1 and db["documents"].count >= 1


def test_numpy_still_imports_after_the_store():
    """sqlite_utils is imported with numpy masked: the mask is lifted afterwards."""
    code = ("import pipeline.store, sys\nassert 'numpy' not in sys.modules\nimport numpy\n"
            "assert numpy.zeros(2).sum() == 0\nimport sqlite_utils\nassert sqlite_utils.Database(memory=True)")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_worker_loads_no_database_layer():
    """Where workers are forked from a fork server (ingest._context), it preloads pipeline.warm and
    pipeline.worker; the loop a worker runs (_serve) lives in pipeline.worker, so unpickling it imports nothing
    more."""
    loaded = _modules_after("import pipeline.forkguard, pipeline.warm, pipeline.worker")
    assert not {"sqlite_utils", "pipeline.store", "pipeline.ingest", "tqdm", "click"} & loaded
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}
    from pipeline import ingest
    assert ingest._serve.__module__ == "pipeline.worker"


def test_suffix_is_checked_without_loading_its_reader():
    loaded = _modules_after("from pathlib import Path\nfrom pipeline.readers import check_readable\n"
                            "check_readable(Path('a.PDF')); check_readable(Path('b.docx'))")
    assert not {"pipeline.readers.pdf", "pipeline.readers.docx"} & loaded
    from pathlib import Path

    import pytest

    from pipeline.errors import UnsupportedFormat
    from pipeline.readers import check_readable
    with pytest.raises(UnsupportedFormat, match="no reader for suffix '.xlsx'"):
        check_readable(Path("a.xlsx"))
