"""Accuracy against gold answers: precision, recall and F1 per fact type, accuracy per metadata field.

Gold: one JSON per source file, in the shape of ../shared/gold/: `{"file": <source file name>,
"documents": [...]}` in the export contract, where an item may be marked `"optional": true` (neither
required nor a false positive when found) and may list accepted alternatives (`agency_accept`,
`recurrence_accept`, `comparator_accept`). Predictions: the export JSON of the same file
(`vanban parse`, `vanban export`), or the pipeline run on the source file here.

The matching rules are those of the project's shared scorer (../shared/tools/score.py), so the
figures agree with it (tests/test_eval.py checks this); users run them without that script:
- facts are pooled per source file (a wrong split into documents costs metadata, not facts), a fact
  said twice counts once, and gold and predicted facts are aligned one to one, best pairs first;
- a target matches on value and year with at least half the gold indicator's words; a deadline on
  its date, or on recurrence, month and day; an assignment on the agency name (the file's own place
  names and a `thuộc ...` tail left out); a reference on its number, or on its title when unnumbered;
- attributes (comparator, unit, role, ...) are scored on matched pairs only;
- documents are paired with gold documents by number, type and issuer before metadata is compared.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Callable, Iterable

from pipeline.textutil import fold as _fold_text

FACTS = ("targets", "deadlines", "assignments", "references")
META_FIELDS = ("doc_type", "number", "issuer", "issued_date", "place", "subject", "signer.name", "signer.title")

Matcher = Callable[[dict, dict], float]


# --- keys -------------------------------------------------------------------------------------

def fold(value) -> str:
    return _fold_text(None if value is None else str(value))


def fold_number(value) -> str:
    """The shared scorer's number key, exactly (an en dash stays an en dash there)."""
    if not value:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", str(value))).upper().replace("Đ", "D")


def _words(text) -> set[str]:
    return set(fold(text).split())


def containment(gold_text, pred_text) -> float:
    """Share of the gold words found in the prediction."""
    g, p = _words(gold_text), _words(pred_text)
    return len(g & p) / len(g) if g and p else 0.0


def similar(a, b) -> float:
    return SequenceMatcher(None, fold(a), fold(b)).ratio()


def get(obj, dotted: str):
    for part in dotted.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _float(x) -> float | None:
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


# --- fact matchers: (gold, pred) -> similarity in [0, 1]; 0 means "not the same fact" ---------------

def match_target(g: dict, p: dict) -> float:
    gv, pv = _float(g.get("value")), _float(p.get("value"))
    if gv is None or pv is None or abs(gv - pv) > 1e-6 or g.get("year") != p.get("year"):
        return 0.0
    c = containment(g.get("indicator"), p.get("indicator"))
    return c if c >= 0.5 else 0.0


def match_deadline(g: dict, p: dict) -> float:
    if g.get("date"):
        return float(g["date"] == p.get("date"))
    if p.get("date"):
        return 0.0
    recurrence_ok = p.get("recurrence") in g.get("recurrence_accept", [g.get("recurrence")])
    return float(recurrence_ok and (g.get("month"), g.get("day")) == (p.get("month"), p.get("day")))


def agency_key(name, places: Iterable[str] = ()) -> str:
    """Folded agency name without the file's own place names and without a `thuộc <parent>` tail."""
    key = f" {fold(name)} ".split(" thuoc ")[0] + " "
    for place in places:
        key = key.replace(f" {place} ", " ")
    return " ".join(key.split())


def assignment_matcher(places: Iterable[str]) -> Matcher:
    places = tuple(places)

    def match_assignment(g: dict, p: dict) -> float:
        """Same agency (gold may list accepted names); the same role scores higher."""
        pa = agency_key(p.get("agency"), places)
        best = 0.0
        for name in [g.get("agency"), *g.get("agency_accept", [])]:
            ga = agency_key(name, places)
            if ga and pa:
                best = max(best, similar(ga, pa), min(containment(ga, pa), containment(pa, ga)))
        if best < 0.8:
            return 0.0
        return 0.9 * best + 0.1 * (g.get("role") == p.get("role"))

    return match_assignment


def match_reference(g: dict, p: dict) -> float:
    if g.get("number"):
        return float(fold_number(g["number"]) == fold_number(p.get("number")))
    if p.get("number"):
        return 0.0
    s = similar(g.get("title"), p.get("title"))
    return s if s >= 0.8 else 0.0


def matchers(places: Iterable[str] = ()) -> dict[str, Matcher]:
    return {"targets": match_target, "deadlines": match_deadline,
            "assignments": assignment_matcher(places), "references": match_reference}


def attribute_checks(kind: str, g: dict, p: dict) -> dict[str, bool]:
    """Attributes of a matched pair, each right or wrong."""
    if kind == "targets":
        checks = {"comparator": p.get("comparator") in g.get("comparator_accept", [g.get("comparator")]),
                  "unit": (p.get("unit") or "") == (g.get("unit") or "")}
        if "baseline" in g:
            checks["baseline"] = _float((g.get("baseline") or {}).get("value")) == _float(
                (p.get("baseline") or {}).get("value"))
        return checks
    if kind == "assignments":
        checks = {"role": p.get("role") == g.get("role")}
        if g.get("deadline"):
            checks["deadline"] = p.get("deadline") == g["deadline"]
        return checks
    if kind == "references":
        checks = {"doc_type": p.get("doc_type") == g.get("doc_type")}
        if g.get("date"):
            checks["date"] = p.get("date") == g["date"]
        return checks
    return {}


# --- alignment ---------------------------------------------------------------------------------

def pooled(documents, kind: str) -> list[dict]:
    return [x for doc in documents or [] for x in (doc.get(kind) or []) if isinstance(x, dict)]


def dedupe(items: list[dict], matcher: Matcher) -> list[dict]:
    """A fact said twice is one fact; of a duplicate pair, the required item is kept over an optional one."""
    kept: list[dict] = []
    for item in sorted(items, key=lambda x: bool(x.get("optional"))):
        if not any(matcher(k, item) >= 0.999 for k in kept):
            kept.append(item)
    return kept


def align(gold: list, pred: list, similarity: Callable, floor: float = 0.0) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index), greedily by similarity, best first, ties to later
    items; pairs scoring `floor` or less are never made."""
    scored = sorted(((s, gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred)
                     if (s := similarity(g, p)) > floor), reverse=True)
    used_g, used_p, pairs = set(), set(), []
    for _, gi, pi in scored:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return pairs


def meta_value(doc: dict, name: str) -> str:
    value = get(doc, name)
    return fold_number(value) if name == "number" else fold(value)


def _doc_closeness(g: dict, p: dict) -> float:
    same_number = bool(get(g, "number")) and meta_value(g, "number") == meta_value(p, "number")
    return 2 * same_number + (get(g, "doc_type") == get(p, "doc_type")) + similar(get(g, "issuer"), get(p, "issuer"))


def meta_field_ok(g: dict, p: dict, name: str) -> bool:
    if name.startswith("signer.") and g.get("signer") is None:
        return not get(p, "signer") or not get(p, name)
    if name == "subject":
        return similar(get(g, name), get(p, name)) >= 0.9 if get(g, name) else not get(p, name)
    return meta_value(g, name) == meta_value(p, name)


# --- tallies -----------------------------------------------------------------------------------

@dataclass
class Tally:
    facts: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0, 0] for k in FACTS})  # tp, fp, fn
    attributes: dict[str, list[int]] = field(default_factory=dict)  # right, of
    metadata: dict[str, list[int]] = field(default_factory=dict)  # right, of
    sections: list[int] | None = None  # tp, gold, predicted
    misses: list[str] = field(default_factory=list)
    files: int = 0
    unscored: list[str] | None = None  # where gold files that could not be scored are reported

    def miss_file(self, reason: str) -> None:
        self.misses.append(reason)
        if self.unscored is not None:
            self.unscored.append(reason)

    def count(self, table: dict[str, list[int]], name: str, ok: bool) -> None:
        row = table.setdefault(name, [0, 0])
        row[0] += ok
        row[1] += 1

    def add_file(self, stem: str, gold: dict, pred: dict) -> None:
        """Score one source file: gold and predicted JSON objects (pred {} when there is none)."""
        self.files += 1
        gold_docs, pred_docs = gold.get("documents", []), pred.get("documents", []) or []
        self._add_metadata(gold_docs, pred_docs)
        places = {fold(d.get("place")) for d in gold_docs if d.get("place")}
        for kind, matcher in matchers(places).items():
            self._add_facts(stem, kind, dedupe(pooled(gold_docs, kind), matcher),
                            dedupe(pooled(pred_docs, kind), matcher), matcher)

    def _add_facts(self, stem: str, kind: str, gold: list[dict], pred: list[dict], matcher: Matcher) -> None:
        pairs = align(gold, pred, matcher)
        for gi, pi in pairs:
            if gold[gi].get("optional"):
                continue
            self.facts[kind][0] += 1
            for name, ok in attribute_checks(kind, gold[gi], pred[pi]).items():
                self.count(self.attributes, f"{kind}.{name}", ok)
        matched_g, matched_p = {gi for gi, _ in pairs}, {pi for _, pi in pairs}
        for gi, g in enumerate(gold):
            if gi not in matched_g and not g.get("optional"):
                self.facts[kind][2] += 1
                self.misses.append(f"{stem}: missed {kind[:-1]}: {json.dumps(g, ensure_ascii=False)[:160]}")
        for pi, p in enumerate(pred):
            if pi not in matched_p:
                self.facts[kind][1] += 1
                self.misses.append(f"{stem}: extra {kind[:-1]}: {json.dumps(p, ensure_ascii=False)[:160]}")

    def _add_metadata(self, gold_docs: list[dict], pred_docs: list[dict]) -> None:
        paired = dict(align(gold_docs, pred_docs, _doc_closeness, floor=-1))  # any pair beats none
        for gi, g in enumerate(gold_docs):
            p = pred_docs[paired[gi]] if gi in paired else {}
            for name in META_FIELDS:
                self.count(self.metadata, name, meta_field_ok(g, p, name))
            gold_secs = {(fold(s.get("number")), s.get("kind")) for s in g.get("sections") or []}
            pred_secs = {(fold(s.get("number")), s.get("kind")) for s in p.get("sections") or [] if isinstance(s, dict)}
            if gold_secs:
                self.sections = self.sections or [0, 0, 0]
                self.sections[0] += len(gold_secs & pred_secs)
                self.sections[1] += len(gold_secs)
                self.sections[2] += len(pred_secs)

    def result(self, with_misses: bool = False) -> dict:
        """The figures, in the JSON shape of the shared scorer's --json output."""
        out: dict = {"files": self.files, "facts": {}, "attributes": {}, "metadata": {}}
        for kind, (tp, fp, fn) in self.facts.items():
            p, r, f = prf(tp, fp, fn)
            out["facts"][kind] = {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 3), "recall": round(r, 3),
                                  "f1": round(f, 3)}
        for name, (ok, n) in sorted(self.attributes.items()):
            out["attributes"][name] = _accuracy(ok, n)
        for name, (ok, n) in self.metadata.items():
            out["metadata"][name] = _accuracy(ok, n)
        if self.sections:
            tp, n_gold, n_pred = self.sections
            p, r, f = prf(tp, n_pred - tp, n_gold - tp)
            out["metadata"]["sections"] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}
        fact_f1 = [v["f1"] for v in out["facts"].values()]
        meta_acc = [v["accuracy"] for k, v in out["metadata"].items() if k != "sections" and v["accuracy"] is not None]
        out["summary"] = {"facts_macro_f1": round(sum(fact_f1) / len(fact_f1), 3),
                          "metadata_accuracy": round(sum(meta_acc) / len(meta_acc), 3) if meta_acc else None}
        if with_misses:
            out["misses"] = list(self.misses)
        return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _accuracy(ok: int, n: int) -> dict:
    return {"correct": ok, "of": n, "accuracy": round(ok / n, 3) if n else None}


# --- entry points --------------------------------------------------------------------------------

def gold_files(gold_dir: Path) -> list[tuple[str, dict]]:
    """(source file name, gold JSON) for each gold file of the folder."""
    out = []
    for path in sorted(Path(gold_dir).glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        out.append((gold.get("file", path.stem), gold))
    return out


def evaluate_predictions(gold_dir: Path, pred_dir: Path, with_misses: bool = False,
                         unscored: list[str] | None = None) -> dict:
    """Score <pred_dir>/<source stem>.json against each gold file of gold_dir. A gold file without a readable
    prediction counts as all missed (as the shared scorer counts it) and is appended to `unscored`."""
    tally = Tally(unscored=unscored)
    for name, gold in gold_files(gold_dir):
        stem = Path(name).stem
        try:
            pred = json.loads((Path(pred_dir) / f"{stem}.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            pred = {}
            tally.miss_file(f"{stem}: no prediction file")
        except ValueError as exc:
            pred = {}
            tally.miss_file(f"{stem}: prediction is not JSON ({exc})")
        tally.add_file(stem, gold, pred)
    return tally.result(with_misses)


def evaluate_sources(gold_dir: Path, search: Iterable[str | Path] = (), with_misses: bool = False,
                     unscored: list[str] | None = None) -> dict:
    """Run the pipeline on the source file each gold file names, found among `search` (files and
    folders, searched recursively) or beside the gold files, and score the result. A gold file whose
    source is not found or does not parse counts as all missed and is appended to `unscored`."""
    from pipeline.ingest import iter_files, parse_safe
    from schemas import FileError

    wanted = {unicodedata.normalize("NFC", name): name for name, _ in gold_files(gold_dir)}
    found: dict[str, Path] = {}
    for path in iter_files([*search, gold_dir]):
        key = unicodedata.normalize("NFC", path.name)
        if key in wanted and key not in found:
            found[key] = path
    tally = Tally(unscored=unscored)
    for name, gold in gold_files(gold_dir):
        stem = Path(name).stem
        source = found.get(unicodedata.normalize("NFC", name))
        pred: dict = {}
        if source is None:
            tally.miss_file(f"{stem}: source file {name} not found")
        else:
            result = parse_safe(source)
            if isinstance(result, FileError):
                tally.miss_file(f"{stem}: {result.error_type}: {result.message}")
            else:
                pred = result.model_dump(mode="json", exclude={"text"})
        tally.add_file(stem, gold, pred)
    return tally.result(with_misses)


def format_report(result: dict) -> str:
    lines = [f"{'fact':<12} {'P':>6} {'R':>6} {'F1':>6}   tp/fp/fn"]
    for kind, v in result["facts"].items():
        lines.append(f"{kind:<12} {v['precision']:>6.3f} {v['recall']:>6.3f} {v['f1']:>6.3f}   "
                     f"{v['tp']}/{v['fp']}/{v['fn']}")
    for name, v in result["attributes"].items():
        lines.append(f"  {name:<28} {v['correct']}/{v['of']}")
    for name, v in result["metadata"].items():
        shown = f"{v['f1']:.3f} F1" if name == "sections" else f"{v['correct']}/{v['of']}"
        lines.append(f"  meta {name:<23} {shown}")
    lines.extend("  " + line for line in result.get("misses", []))
    s = result["summary"]
    lines.append(f"facts macro F1 {s['facts_macro_f1']:.3f}, metadata accuracy {s['metadata_accuracy']}")
    return "\n".join(lines)
