"""Shared fixtures: the shared corpus beside the checkout, and the golden-file flag."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold"
OUR_CORPUS = ROOT / "corpus"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/*.json from the current output instead of comparing")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


def shared_file(relative: str) -> Path:
    path = CORPUS / relative
    if not path.exists():
        pytest.fail(f"shared corpus file missing: {path} (../shared must sit beside the checkout)")
    return path


def text_corpus_files() -> list[Path]:
    """The text and Markdown files of ../shared/corpus (real documents and seeds) and our samples: quick to
    ingest (no OCR, no LibreOffice), and every kind of document the analysts' features are tried on."""
    files = sorted(p for sub in ("real", "seeds") for p in (CORPUS / sub).glob("*") if p.suffix in (".md", ".txt"))
    if not files:
        pytest.fail(f"shared corpus missing: {CORPUS} (../shared must sit beside the checkout)")
    return files + sorted(OUR_CORPUS.glob("*.txt")) + sorted(OUR_CORPUS.glob("*.md"))


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory) -> Path:
    """A database of text_corpus_files(), ingested once for the session; tests only read it."""
    from pipeline.ingest import ingest
    path = tmp_path_factory.mktemp("corpus") / "vanban.db"
    summary = ingest(text_corpus_files(), path)
    assert summary.failed == 0, summary.errors
    return path
