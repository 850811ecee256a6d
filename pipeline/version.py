"""The pipeline's version: a digest of the code and vocabulary that make the output (sources.pipeline_version).

Its own module, without pydantic or the database layer, so that `vanban --version` starts in a few
hundredths of a second; pipeline.store takes it from here.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

# Modules that run or measure the pipeline without shaping what it stores.
_NOT_OUTPUT = {"cli.py", "bench.py", "evaluate.py", "ingest.py", "worker.py", "warm.py", "limits.py", "export.py",
               "review.py", "serve.py", "spans.py", "dictionary.py", "files.py", "forkguard.py", "proc.py",
               "version.py"}


def _code_version() -> str:
    """Digest of the code and vocabulary that make the output: a stored file whose digest differs is
    parsed again, so an improved extractor reaches existing databases without --force."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha1()
    for package in ("pipeline", "extractors", "schemas"):
        for path in sorted((root / package).rglob("*")):
            if (path.suffix in (".py", ".csv", ".json", ".jsonl", ".tsv") and "__pycache__" not in path.parts
                    and path.name not in _NOT_OUTPUT):
                h.update(path.relative_to(root).as_posix().encode())
                h.update(path.read_bytes())
    return h.hexdigest()[:16]


PIPELINE_VERSION = _code_version()
