"""`vanban eval` gives the figures of the shared scorer (../shared/tools/score.py), which users do
not have: checked on the gold set and on predictions made wrong in many ways."""
from __future__ import annotations

import copy
import importlib.util
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.evaluate import FACTS, evaluate_predictions, evaluate_sources
from pipeline.run import parse
from tests.conftest import CORPUS, GOLD, SHARED

SCORER = SHARED / "tools" / "score.py"


@pytest.fixture(scope="module")
def shared_scorer():
    spec = importlib.util.spec_from_file_location("shared_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gold_items() -> list[tuple[str, dict]]:
    return [(json.loads(p.read_text(encoding="utf-8"))["file"], json.loads(p.read_text(encoding="utf-8")))
            for p in sorted(GOLD.glob("*.json"))]


@pytest.fixture(scope="module")
def pipeline_predictions(tmp_path_factory) -> Path:
    """What `vanban parse` prints for each gold file's source, in a folder the shared scorer reads."""
    out = tmp_path_factory.mktemp("pred")
    for name, _ in gold_items():
        source = next((CORPUS).rglob(name))
        (out / f"{Path(name).stem}.json").write_text(parse(source).model_dump_json(), encoding="utf-8")
    return out


def test_eval_of_the_pipeline_on_the_gold_set_agrees_with_the_shared_scorer(shared_scorer, pipeline_predictions):
    expected = shared_scorer.score(GOLD, pipeline_predictions, True)
    assert evaluate_sources(GOLD, [CORPUS], with_misses=True) == expected
    assert evaluate_predictions(GOLD, pipeline_predictions, with_misses=True) == expected


def test_cli_prints_what_the_shared_scorer_prints(pipeline_predictions):
    expected = subprocess.run([sys.executable, str(SCORER), "--gold", str(GOLD), "--pred", str(pipeline_predictions),
                               "--misses"], capture_output=True, text=True, check=True).stdout
    by_pred = CliRunner().invoke(cli, ["eval", "--gold", str(GOLD), "--pred", str(pipeline_predictions), "--misses"])
    by_parse = CliRunner().invoke(cli, ["eval", "--gold", str(GOLD), str(CORPUS), "--misses"])
    assert by_pred.exit_code == 0 and by_parse.exit_code == 0, by_pred.output + by_parse.output
    assert by_pred.output == expected
    assert by_parse.output == expected


# --- wrong predictions, made from the gold answers -------------------------------------------------

def _typos(rng: random.Random, text: str | None, n: int) -> str:
    """`text` with n characters replaced: names from near-identical to unrecognisable."""
    chars = list(text or "")
    for _ in range(n if chars else 0):
        chars[rng.randrange(len(chars))] = rng.choice("aăâeêioôơuưy ")
    return "".join(chars)


def _wiggle(rng: random.Random, item: dict, kind: str) -> dict:
    """The same fact with one attribute possibly wrong or written differently."""
    item = {k: v for k, v in item.items() if not k.endswith("_note")}
    item.pop("optional", None)
    change = rng.randrange(8)
    if kind == "targets":
        if change == 0:
            item["value"] = (item.get("value") or 0) + 1
        elif change == 1:  # around half the words, where a match starts
            words = (item.get("indicator") or "").split()
            item["indicator"] = " ".join(words[: len(words) // 2 + rng.choice([-1, 0, 0, 1])])
        elif change == 2:
            item["comparator"] = rng.choice(["<", "<=", ">", ">=", "="])
        elif change == 3:
            item["year"] = rng.choice([None, 2030, item.get("year")])
        elif change == 4:
            item["baseline"] = rng.choice([None, {"value": 1.0, "year": 2020}])
        elif change == 5:
            item["unit"] = rng.choice([None, "%", "xã"])
    elif kind == "deadlines":
        if change == 0:
            item["date"] = rng.choice([None, "2024-12-31", item.get("date")])
        elif change == 1:
            item.update(recurrence=rng.choice([None, "annual", "monthly"]), month=rng.choice([None, 11]), day=1)
    elif kind == "assignments":
        if change == 0:
            item["role"] = rng.choice(["lead", "support", "implement"])
        elif change == 1:
            item["agency"] = (item.get("agency") or "").replace("Ủy ban nhân dân", "UBND")
        elif change == 2:
            item["agency"] = (item.get("agency") or "") + " thuộc Ủy ban nhân dân tỉnh"
        elif change == 3:
            item["agency"] = _typos(rng, item.get("agency"), rng.randrange(1, 12))
        elif change == 4:
            item["deadline"] = rng.choice([None, "2024-11-30", "2025-01-01"])
    elif kind == "references":
        if change == 0:
            item["number"] = (item.get("number") or "").lower().replace("/", " / ") or None
        elif change == 1:
            item["number"] = rng.choice([None, "99/2020/NĐ-CP"])
        elif change == 2:
            item["doc_type"] = rng.choice(["luat", "nghi_dinh", "cong_van"])
        elif change == 3:
            item["date"] = rng.choice([None, "2020-01-01"])
        elif change == 4:
            item["title"] = _typos(rng, item.get("title") or "Luật Ngân sách nhà nước", rng.randrange(0, 8))
    return item


def wrong_prediction(rng: random.Random, gold: dict) -> dict:
    """A prediction as a weak extractor might make it: facts dropped, repeated, changed, made up;
    documents split differently; metadata fields wrong or missing."""
    docs = []
    for doc in gold["documents"]:
        pred = {k: copy.deepcopy(v) for k, v in doc.items() if k not in FACTS and not k.endswith("_note")}
        for field in ("number", "issuer", "issued_date", "place", "subject", "doc_type"):
            if rng.random() < 0.2:
                pred[field] = rng.choice([None, "", "khác", str(pred.get(field) or "").upper()])
        if rng.random() < 0.2:
            pred["signer"] = rng.choice([None, {"name": "Nguyễn Văn A", "title": "Chủ tịch"}])
        if rng.random() < 0.3:
            pred["sections"] = [s for s in pred.get("sections", []) if rng.random() < 0.7]
        for kind in FACTS:
            items = []
            for item in doc.get(kind, []):
                roll = rng.random()
                if roll < 0.15:
                    continue
                items.append(_wiggle(rng, item, kind) if roll < 0.6 else copy.deepcopy(item))
                if roll > 0.9:
                    items.append(copy.deepcopy(item))  # said twice
                if kind == "references" and not item.get("number") and rng.random() < 0.5:
                    items.append({**item, "title": _typos(rng, item.get("title"), rng.randrange(1, 10))})
            pred[kind] = items
        docs.append(pred)
    if len(docs) > 1 and rng.random() < 0.3:  # facts pooled into one document, or documents swapped
        if rng.random() < 0.5:
            for kind in FACTS:
                docs[0][kind] = [x for d in docs for x in d[kind]]
            docs = docs[:1]
        else:
            docs.reverse()
    if docs and rng.random() < 0.3:
        docs[-1]["assignments"].append({"agency": "các cơ quan có liên quan", "role": "support"})
        docs[-1]["targets"].append({"indicator": "tỷ lệ hộ nghèo", "value": 2.5, "unit": "%", "comparator": "<",
                                    "year": 2025})
    return {"documents": docs}


@pytest.mark.parametrize("seed", range(40))
def test_eval_agrees_with_the_shared_scorer_on_wrong_predictions(shared_scorer, tmp_path, seed):
    rng = random.Random(seed)
    for name, gold in gold_items():
        if rng.random() < 0.1:
            continue  # no prediction for this file
        pred = wrong_prediction(rng, gold)
        (tmp_path / f"{Path(name).stem}.json").write_text(json.dumps(pred, ensure_ascii=False), encoding="utf-8")
    expected = shared_scorer.score(GOLD, tmp_path, True)
    assert evaluate_predictions(GOLD, tmp_path, with_misses=True) == expected


def test_the_gold_answers_score_perfectly_against_themselves(tmp_path):
    for name, gold in gold_items():
        (tmp_path / f"{Path(name).stem}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    result = evaluate_predictions(GOLD, tmp_path)
    assert all(v["f1"] == 1.0 for v in result["facts"].values())
    assert result["summary"]["metadata_accuracy"] == 1.0


def test_a_source_that_cannot_be_found_or_parsed_counts_as_all_missed(tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "a.json").write_text(json.dumps({"file": "nowhere.txt", "documents": [
        {"doc_type": "ke_hoach", "targets": [{"indicator": "tỷ lệ", "value": 5, "comparator": "<", "year": 2030}]}]}))
    (gold / "b.json").write_text(json.dumps({"file": "empty.txt", "documents": [
        {"doc_type": "ke_hoach", "deadlines": [{"date": "2024-12-31"}]}]}))
    (gold / "empty.txt").write_text("")  # beside the gold file: found there, and refused
    result = evaluate_sources(gold, with_misses=True)
    assert result["facts"]["targets"]["fn"] == 1 and result["facts"]["deadlines"]["fn"] == 1
    assert "nowhere: source file nowhere.txt not found" in result["misses"]
    assert "empty: EmptyDocument: the file is empty" in result["misses"]
