"""Golden files: expected metadata, outline and facts per document, one test per file.

Facts are compact tuples (tests/golden_io.py), reviewed by eye against the text: a golden file states the right
facts, and the code's known faults are listed in each document's `known_wrong` with the reason.

Regenerate only on purpose: `pytest tests/test_golden.py --update-golden`, then read the diff (`git diff
tests/golden/`) fact by fact: a changed fact is either a fix (keep it) or a fault (fix the code, or add it to
`known_wrong` with why). Regeneration keeps `known_wrong` and the corrections it records.
A missing golden file fails: a new file never passes silently.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import parse
from tests.conftest import CORPUS, OUR_CORPUS, ROOT
from tests.golden_io import FACT_KINDS, dumps, expected_output, fact_tuples, golden_facts_from

GOLDEN = ROOT / "tests" / "golden"

FILES = [
    CORPUS / "seeds" / "000_626193b0675de070.txt",
    CORPUS / "seeds" / "004_164697cdc8f48644.txt",
    CORPUS / "real" / "bacninh_2025_KH_141-KH-UBND_nang-luc-xay-dung-phap-luat.md",
    CORPUS / "real" / "cantho_2025_KH_165-KH-UBND_dan-so.md",
    CORPUS / "real" / "hcm_2025_CV_4085-UBND-DT_du-lieu-so-nha.md",
    CORPUS / "real" / "sonla_2025_QD_2954-QD-UBND_ban-hanh-KH-xuat-khau.md",
    CORPUS / "real" / "bariavungtau_2017_NQ_HDND_giao-chi-tieu-BHXH-BHYT.md",
    CORPUS / "real" / "dongthap_2025_KH_552-KH-UBND_doi-moi-cong-nghe.md",
    CORPUS / "real" / "quangtri_2025_CT_06-CT-UBND_lan-chiem-rung.md",
    CORPUS / "real" / "hanoi_c2009_KH_77-KH-LT_ho-tro-ho-ngheo-nha-o_wordseg.txt",
    *sorted(p for p in OUR_CORPUS.iterdir() if p.suffix in (".txt", ".md") and p.name != "README.md"),
]


def outline(sections, depth: int = 2) -> list[dict]:
    return [{"number": s.number, "title": s.title, "kind": s.kind,
             **({"children": outline(s.children, depth - 1)} if depth > 1 and s.children else {})}
            for s in sections]


def summary(path: Path) -> dict:
    result = parse(path)
    docs = []
    for d in result.documents:
        docs.append({
            **d.model_dump(mode="json", include={"doc_type", "number", "issuer", "parent_issuer", "issued_date",
                                                 "place", "subject", "signer", "recipients", "warnings"}),
            "sections": outline(d.sections),
            **fact_tuples(d),
        })
    return {"file": path.name, "documents": docs}


def _without_facts(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k not in FACT_KINDS and k not in ("known_wrong", "review")}


@pytest.mark.parametrize("path", FILES, ids=[p.stem[:48] for p in FILES])
def test_golden(path: Path, update_golden: bool):
    golden = GOLDEN / f"{path.stem}.json"
    actual = summary(path)
    if update_golden:
        old = json.loads(golden.read_text(encoding="utf-8"))["documents"] if golden.exists() else []
        for i, doc in enumerate(actual["documents"]):
            before = old[i] if i < len(old) else {}
            facts, wrong = golden_facts_from(doc, before.get("known_wrong", {}), before)
            doc.update(facts)
            if wrong:
                doc["known_wrong"] = wrong
            if i < len(old) and old[i].get("review"):
                doc["review"] = old[i]["review"]
        golden.write_text(dumps(actual) + "\n", encoding="utf-8")
        return
    assert golden.exists(), f"no golden file {golden.name}: run pytest --update-golden and review the diff"
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert [_without_facts(d) for d in actual["documents"]] == [_without_facts(d) for d in expected["documents"]]
    for got, want in zip(actual["documents"], expected["documents"]):
        wrong = want.get("known_wrong", {})
        for kind, facts in expected_output(want, wrong).items():
            have = expected_output({kind: got[kind]}, {})[kind]
            assert have == facts, (f"{kind}: the code no longer gives {sorted((facts - have).elements())}, "
                                   f"and now gives {sorted((have - facts).elements())}")
        for kind, entries in wrong.items():  # a known fault must be a real difference, with its reason
            for e in entries.get("missing", []) + entries.get("extra", []):
                assert e.get("why"), (kind, e)
