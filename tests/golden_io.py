"""Golden files: what one document must give, metadata, outline and facts, written so a diff reads fact by fact.

Each fact is a compact tuple (the fields a reader checks, no offsets):

- target:     [indicator, value, unit, comparator, year, baseline value]
- deadline:   [text, date, recurrence, month, day, time, weekday]
- assignment: [agency, role, deadline]
- reference:  [doc_type, number, date, issuer, title]

A golden file states the right facts, reviewed by eye against the text. Where the code is wrong today, the
document's `known_wrong` lists the difference: `missing` (right facts the code does not give) and `extra` (facts it
gives that are wrong), each entry `{"fact": [...], "why": "..."}`; the code must give exactly the golden facts
without the missing ones and with the extra ones, so a known miss that starts passing fails until it is removed.
"""
from __future__ import annotations

import json
from collections import Counter

FACT_KINDS = ("targets", "deadlines", "assignments", "references")


def fact_tuples(doc) -> dict[str, list[list]]:
    """The facts of a schemas.Document as compact tuples (JSON values)."""
    def j(value):
        return value.isoformat() if hasattr(value, "isoformat") else value
    return {
        "targets": [[t.indicator, t.value, t.unit, t.comparator, t.year, t.baseline and t.baseline.value]
                    for t in doc.targets],
        "deadlines": [[" ".join(x.text.split()), j(x.date), x.recurrence, x.month, x.day, j(x.time), x.weekday]
                      for x in doc.deadlines],
        "assignments": [[a.agency, a.role, j(a.deadline)] for a in doc.assignments],
        "references": [[r.doc_type, r.number, j(r.date), r.issuer, r.title] for r in doc.references],
    }


def _key(fact: list) -> str:
    return json.dumps(fact, ensure_ascii=False)


def expected_output(golden_facts: dict, known_wrong: dict) -> dict[str, Counter]:
    """What the code must give today: the golden facts without the known missing ones, with the known extra ones."""
    out = {}
    for kind in FACT_KINDS:
        want = Counter(_key(f) for f in golden_facts.get(kind, []))
        wrong = known_wrong.get(kind, {})
        want -= Counter(_key(e["fact"]) for e in wrong.get("missing", []))
        want += Counter(_key(e["fact"]) for e in wrong.get("extra", []))
        out[kind] = want
    return out


def golden_facts_from(actual: dict, known_wrong: dict, before: dict | None = None) -> tuple[dict[str, list], dict]:
    """On regeneration: the code's facts, with the known extra ones taken out and the known missing ones put back
    (at the end), so the reviewed corrections survive; a known fault the code no longer makes leaves `known_wrong`
    (the diff shows it go): an extra fact it no longer gives, a missing one it now gives as often as the golden
    file `before` states it. Every other change shows in the diff as a changed fact."""
    out, still = {}, {}
    for kind in FACT_KINDS:
        facts = list(actual[kind])
        stated = Counter(_key(f) for f in (before or {}).get(kind, []))
        wrong = known_wrong.get(kind, {})
        have = Counter(_key(f) for f in facts)
        kept = {"extra": [e for e in wrong.get("extra", []) if have[_key(e["fact"])]],
                "missing": [e for e in wrong.get("missing", []) if have[_key(e["fact"])] < stated[_key(e["fact"])]]}
        for e in kept["extra"]:
            facts.remove(e["fact"])
        facts += [e["fact"] for e in kept["missing"]]
        out[kind] = facts
        if kept["extra"] or kept["missing"]:
            still[kind] = {k: v for k, v in kept.items() if v}
    return out, still


def dumps(obj, indent: int = 0) -> str:
    """JSON with one space per level, a list of scalars (a fact, a recipient list) on one line."""
    pad, inner = " " * indent, " " * (indent + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {dumps(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list):
        if not obj:
            return "[]"
        if all(not isinstance(v, (dict, list)) for v in obj):
            return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in obj) + "]"
        return "[\n" + ",\n".join(inner + dumps(v, indent + 1) for v in obj) + "\n" + pad + "]"
    return json.dumps(obj, ensure_ascii=False)
