"""Accuracy on the shared gold set, scored by the shared scorer: the bars of the issues."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import parse
from tests.conftest import CORPUS, GOLD, SHARED


@pytest.fixture(scope="module")
def scores(tmp_path_factory) -> dict:
    pred = tmp_path_factory.mktemp("pred")
    for gold in sorted(GOLD.glob("*.json")):
        name = json.loads(gold.read_text(encoding="utf-8"))["file"]
        source = next(CORPUS.rglob(name))
        (pred / f"{Path(name).stem}.json").write_text(parse(source).model_dump_json(), encoding="utf-8")
    out = subprocess.run([sys.executable, str(SHARED / "tools" / "score.py"), "--gold", str(GOLD),
                          "--pred", str(pred), "--json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_metadata_accuracy(scores):
    assert scores["summary"]["metadata_accuracy"] >= 0.95


def test_top_level_sections_f1(scores):
    assert scores["metadata"]["sections"]["f1"] >= 0.95
