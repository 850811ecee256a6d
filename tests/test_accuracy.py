"""Accuracy on the shared gold set, scored by the shared scorer: the bars of the issues, in one place."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import parse
from tests.conftest import CORPUS, GOLD, SHARED

BARS = [
    # (figure, path in the scorer's JSON, bar)
    ("metadata accuracy", ("summary", "metadata_accuracy"), 0.95),
    ("top-level sections F1", ("metadata", "sections", "f1"), 0.95),
    ("targets F1", ("facts", "targets", "f1"), 0.95),
    ("target comparator accuracy", ("attributes", "targets.comparator", "accuracy"), 0.95),
    ("target baseline accuracy", ("attributes", "targets.baseline", "accuracy"), 0.8),
    ("deadlines F1", ("facts", "deadlines", "f1"), 0.95),
    ("assignments F1", ("facts", "assignments", "f1"), 0.9),
    ("assignment role accuracy", ("attributes", "assignments.role", "accuracy"), 0.95),
    ("references F1", ("facts", "references", "f1"), 0.97),
    ("reference date accuracy", ("attributes", "references.date", "accuracy"), 0.95),
]


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


@pytest.mark.parametrize("name, path, bar", BARS, ids=[b[0] for b in BARS])
def test_bar(scores, name, path, bar):
    value = scores
    for key in path:
        value = value[key]
    assert value >= bar, f"{name} {value} < {bar}"
