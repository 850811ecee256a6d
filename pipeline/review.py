"""`vanban review`: one static HTML page per parsed file with every fact highlighted in its text.

Built on the spaCy Doc of pipeline/spans.py (span groups per fact type). The page is rendered here rather
than by displacy's span renderer: that renderer joins tokens with a space whatever the text had and drops line
breaks, so a highlight would not read as the fact's text (`97,2 %`), and it takes no attributes per span for
the fields shown on hover. Here the text is cut at every span boundary and every piece is written as it is,
so the characters of a fact's highlight are exactly its text (tests/test_review.py checks it).
"""
from __future__ import annotations

import html
import json
from pathlib import Path

from pipeline.spans import FACT_GROUPS, LABELS, to_doc
from schemas import ParseResult

COLORS = {"targets": "#ffd166", "deadlines": "#ff9b9b", "assignments": "#9ec5ff", "references": "#a8e6a1"}

_CSS = """
body { font: 15px/1.6 system-ui, sans-serif; margin: 0; display: flex; height: 100vh; }
main { flex: 1; overflow: auto; padding: 1em 2em; }
aside { width: 26em; overflow: auto; border-left: 1px solid #ccc; padding: 0.5em 1em; background: #fafafa; font-size: 13px; }
.text { white-space: pre-wrap; font-family: "Noto Serif", Georgia, serif; max-width: 52em; }
.f { border-radius: 2px; cursor: help; }
.f.x { outline: 2px solid #222; }
.page { display: block; color: #777; border-top: 1px dashed #aaa; margin: 1em 0 0.3em; font: 12px system-ui; }
.doc { display: block; background: #eee; padding: 0.2em 0.5em; margin: 1em 0 0.3em; font: bold 13px system-ui; }
.legend span { padding: 0 0.4em; margin-right: 0.4em; border-radius: 2px; }
aside ol { padding-left: 1.6em; } aside li { margin: 0.2em 0; } aside a { color: inherit; text-decoration: none; }
aside li small { color: #666; }
"""
_JS = """
document.querySelectorAll('aside a[data-f]').forEach(a => a.addEventListener('click', e => {
  document.querySelectorAll('.f.x').forEach(x => x.classList.remove('x'));
  const id = a.dataset.f;
  document.querySelectorAll('.f').forEach(x => { if (x.dataset.f.split(' ').includes(id)) x.classList.add('x'); });
}));
"""


def _describe(fid: str, fields: dict) -> str:
    where = [f"page {fields['page']}" if fields.get("page") else None,
             f"§{fields['section']}" if fields.get("section") else None]
    skip = {"document", "ord", "page", "section"}
    parts = [f"{k}: {json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v}"
             for k, v in fields.items() if k not in skip]
    return f"{fid} ({', '.join(w for w in where if w) or 'no page'})\n" + "\n".join(parts)


def render(result: ParseResult) -> str:
    """The review page of one parsed file."""
    doc = to_doc(result)
    facts = doc.user_data["facts"]
    spans = [(s.start_char, s.end_char, group, s.id_) for group in FACT_GROUPS for s in doc.spans[group]]
    text = result.text
    cuts = sorted({0, len(text), *result.page_starts, *(d.span[0] for d in result.documents),
                   *(x for s in spans for x in s[:2])})
    pages = {start: n + 1 for n, start in enumerate(result.page_starts)}
    doc_starts = {d.span[0]: (i, d) for i, d in enumerate(result.documents)}
    out: list[str] = []
    seen: set[str] = set()
    for a, b in zip(cuts, cuts[1:]):
        if a in doc_starts:
            i, d = doc_starts[a]
            label = " · ".join(x for x in (d.doc_type, d.number, d.issuer, str(d.issued_date or "")) if x)
            out.append(f'<span class="doc" id="document-{i}">Document {i + 1}: {html.escape(label or "-")}</span>')
        if a in pages:
            out.append(f'<span class="page" id="page-{pages[a]}">page {pages[a]}</span>')
        piece = html.escape(text[a:b])
        covering = [s for s in spans if s[0] <= a and b <= s[1]]
        if not covering:
            out.append(piece)
            continue
        covering.sort(key=lambda s: s[1] - s[0])  # the innermost fact gives the colour
        inner, outer = covering[0], covering[-1]
        style = f"background:{COLORS[inner[2]]}"
        if outer[2] != inner[2]:
            style += f";box-shadow:inset 0 -3px 0 {COLORS[outer[2]]}"
        ids = [s[3] for s in covering]
        # an empty anchor per fact where it starts (several facts may share a start, an element has one id)
        out.extend(f'<a class="anchor" id="{fid}"></a>' for fid in ids if fid not in seen)
        seen.update(ids)
        title = "\n\n".join(_describe(fid, facts[fid]) for fid in ids)
        out.append(f'<span class="f {" ".join("t-" + s[2] for s in covering)}" data-f="{" ".join(ids)}" '
                   f'style="{style}" title="{html.escape(title)}">{piece}</span>')
    name = html.escape(Path(result.source.path).name)
    legend = "".join(f'<span style="background:{COLORS[g]}">{LABELS[g]} ({len(doc.spans[g])})</span>'
                     for g in FACT_GROUPS)
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{name} — vanban review</title>'
            f'<style>{_CSS}</style></head><body><main><h1>{name}</h1><p class="legend">{legend}</p>'
            f'<div class="text">{"".join(out)}</div></main><aside>{_fact_list(result, facts)}</aside>'
            f'<script>{_JS}</script></body></html>\n')


def _fact_list(result: ParseResult, facts: dict[str, dict]) -> str:
    """The facts of each document by type, each a link to its place in the text."""
    parts = []
    for i, d in enumerate(result.documents):
        parts.append(f"<h3>Document {i + 1}: {html.escape(d.number or d.doc_type or '-')}</h3>")
        for group in FACT_GROUPS:
            items = getattr(d, group)
            if not items:
                continue
            parts.append(f'<h4 style="background:{COLORS[group]}">{group} ({len(items)})</h4><ol start="0">')
            for j, fact in enumerate(items):
                fid = f"{group}-{i}-{j}"
                page = f" p.{fact.page}" if fact.page else ""
                parts.append(f'<li><a href="#{fid}" data-f="{fid}" title="{html.escape(_describe(fid, facts[fid]))}">'
                             f'{html.escape(_summary(group, fact))}</a> <small>{html.escape(fact.section or "")}'
                             f'{page}</small></li>')
            parts.append("</ol>")
    return "".join(parts)


def _summary(group: str, fact) -> str:
    if group == "targets":
        unit = "" if not fact.unit else fact.unit if fact.unit == "%" else f" {fact.unit}"
        return f"{fact.indicator} {fact.comparator} {fact.value:g}{unit} ({fact.year or '-'})"
    if group == "deadlines":
        return f"{fact.date or fact.recurrence}: {fact.text}"
    if group == "assignments":
        return f"{fact.role}: {fact.agency}"
    return f"{fact.doc_type or ''} {fact.number or fact.title or ''}".strip()


def write_pages(results, out_dir: str | Path) -> list[Path]:
    """One <stem>.html per result (a short hash added when two files share a stem) and an index.html."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = list(results)
    stems: dict[str, int] = {}
    for r in results:
        stems[Path(r.source.path).stem] = stems.get(Path(r.source.path).stem, 0) + 1
    written, rows = [], []
    for r in results:
        stem = Path(r.source.path).stem
        if stems[stem] > 1:
            stem = f"{stem}.{r.source.sha256[:8]}"
        page = out_dir / f"{stem}.html"
        page.write_text(render(r), encoding="utf-8")
        written.append(page)
        counts = ", ".join(f"{sum(len(getattr(d, g)) for d in r.documents)} {g}" for g in FACT_GROUPS)
        rows.append(f'<li><a href="{html.escape(page.name)}">{html.escape(r.source.path)}</a> '
                    f'<small>{len(r.documents)} documents; {counts}</small></li>')
    (out_dir / "index.html").write_text(
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>vanban review</title></head><body>'
        f'<h1>vanban review</h1><ul>{"".join(rows)}</ul></body></html>\n', encoding="utf-8")
    return written
