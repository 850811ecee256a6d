"""A parsed file as a spaCy `Doc`: the normalised text, tokens cut at every fact boundary, one span group per
fact type (and one of documents), each fact's fields in `doc.user_data`.

The review page (pipeline/review.py) renders these span groups and `vanban export --format spacy` writes them
as a DocBin for training models; both read the same spans, so what a reviewer sees is what a model learns from.
Token boundaries are cut at every fact start and end, so `doc.char_span` is exact and `span.text == fact.text`.
"""
from __future__ import annotations

import re
from functools import lru_cache

from schemas import ParseResult

FACT_GROUPS = ("targets", "deadlines", "assignments", "references")
LABELS = {"targets": "target", "deadlines": "deadline", "assignments": "assignment", "references": "reference"}
_TOKEN = re.compile(r"[^\W_]+|\s+|[^\w\s]|_", re.UNICODE)


@lru_cache(maxsize=1)
def vocab():
    # spaCy's Vietnamese language without pyvi (not a dependency): only its vocabulary and language code are
    # used, the tokens are cut here.
    import spacy
    return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}}).vocab


def fact_id(group: str, doc_index: int, ord_: int) -> str:
    """The id a fact carries in the Doc, the review page and the export: `targets-0-3`."""
    return f"{group}-{doc_index}-{ord_}"


def fact_fields(fact) -> dict:
    """What a fact says besides its provenance (for hover text and user_data)."""
    data = fact.model_dump(mode="json", exclude={"span", "text"})
    return {k: v for k, v in data.items() if v not in (None, [], {}, False) or k == "ocr" and v}


def _cuts(result: ParseResult) -> set[int]:
    cuts = {0, len(result.text), *result.page_starts}
    for doc in result.documents:
        cuts.update(doc.span)
        for group in FACT_GROUPS:
            for fact in getattr(doc, group):
                cuts.update(fact.span)
    return cuts


def _words(text: str, cuts: set[int]) -> tuple[list[str], list[bool]]:
    """Tokens (words, punctuation marks, whitespace runs) cut at every offset of `cuts`; a single space after
    a token becomes its trailing space, as spaCy stores it."""
    words: list[str] = []
    spaces: list[bool] = []
    ordered = sorted(cuts)
    import bisect
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        i = bisect.bisect_right(ordered, start)
        pieces = []
        pos = start
        while i < len(ordered) and ordered[i] < end:
            pieces.append((pos, ordered[i]))
            pos = ordered[i]
            i += 1
        pieces.append((pos, end))
        for a, b in pieces:
            piece = text[a:b]
            if piece == " " and words and not spaces[-1] and not words[-1].isspace() and a not in cuts:
                spaces[-1] = True
            else:
                words.append(piece)
                spaces.append(False)
    return words, spaces


def to_doc(result: ParseResult):
    """The Doc of one parsed file; span groups `documents` and one per fact type, facts in their order, each
    span's `id_` its fact_id; doc.user_data: source, page_starts, and `facts` {fact_id: fields}."""
    from spacy.tokens import Doc
    words, spaces = _words(result.text, _cuts(result))
    doc = Doc(vocab(), words=words, spaces=spaces)
    assert doc.text == result.text
    doc.user_data["source"] = result.source.path
    doc.user_data["page_starts"] = list(result.page_starts)
    facts: dict[str, dict] = {}
    groups: dict[str, list] = {g: [] for g in ("documents", *FACT_GROUPS)}
    for i, document in enumerate(result.documents):
        span = doc.char_span(*document.span, label="document", span_id=f"document-{i}")
        if span is not None:
            groups["documents"].append(span)
        for group in FACT_GROUPS:
            for j, fact in enumerate(getattr(document, group)):
                fid = fact_id(group, i, j)
                span = doc.char_span(*fact.span, label=LABELS[group], span_id=fid)
                if span is None:  # a fact starting or ending inside whitespace that is a token's trailing space
                    raise ValueError(f"{fid}: span {fact.span} does not fall on token boundaries")
                groups[group].append(span)
                facts[fid] = {"document": i, "ord": j, "page": fact.page, "section": fact.section,
                              **fact_fields(fact)}
    for name, spans in groups.items():
        doc.spans[name] = spans
    doc.user_data["facts"] = facts
    return doc
