"""The review page: every fact highlighted with exactly its text, a colour per type, fields on hover, a fact
list that links to each fact, page numbers; seen by headless Chromium as a person would."""
from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import parse, store
from pipeline.cli import cli
from pipeline.review import COLORS, render, write_pages
from pipeline.spans import FACT_GROUPS, fact_id, to_doc
from tests.conftest import shared_file

PDF = "real/hanoi_2024_QD_35-2024-QD-UBND_cong-dan-thu-do-uu-tu.pdf"
PLAN = "real/dongthap_2025_KH_552-KH-UBND_doi-moi-cong-nghe.md"


class Page(HTMLParser):
    """Text of every highlight (by fact id), anchors, fact-list links and page markers of a review page."""

    def __init__(self) -> None:
        super().__init__()
        self.highlight: dict[str, str] = {}
        self.titles: dict[str, str] = {}
        self.anchors: set[str] = set()
        self.links: set[str] = set()
        self.pages: list[str] = []
        self._open: list[list[str] | None] = []
        self._in_text = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("data-f"):
            self.links.add(a["data-f"])
        if "id" in a:
            self.anchors.add(a["id"])
        if tag == "span":
            cls = a.get("class", "")
            if cls.startswith("f "):
                ids = a["data-f"].split()
                for fid in ids:
                    self.titles.setdefault(fid, a.get("title", ""))
                self._open.append(ids)
            else:
                self._open.append(None)
                if cls == "page":
                    self.pages.append(a["id"])

    def handle_endtag(self, tag):
        if tag == "span" and self._open:
            self._open.pop()

    def handle_data(self, data):
        for ids in self._open:
            for fid in ids or ():
                self.highlight[fid] = self.highlight.get(fid, "") + data


def all_facts(result):
    for i, doc in enumerate(result.documents):
        for group in FACT_GROUPS:
            for j, fact in enumerate(getattr(doc, group)):
                yield fact_id(group, i, j), group, fact


@pytest.mark.parametrize("relative", [PDF, PLAN])
def test_every_highlight_is_its_fact_text(relative):
    result = parse(shared_file(relative))
    page = Page()
    page.feed(render(result))
    facts = list(all_facts(result))
    assert len(facts) > 5
    for fid, group, fact in facts:
        assert page.highlight.get(fid) == fact.text, fid
        assert fid in page.anchors and fid in page.links, fid
        assert f"{fid} (" in page.titles[fid]
    targets = [(fid, f) for fid, g, f in facts if g == "targets"]
    for fid, f in targets:
        assert f"comparator: {f.comparator}" in page.titles[fid] and f"indicator: {f.indicator}" in page.titles[fid]
    if result.page_starts:
        assert page.pages == [f"page-{n}" for n in range(1, len(result.page_starts) + 1)]
    else:
        assert page.pages == []


def test_spacy_doc_spans_equal_the_facts(corpus_db):
    db = store.open_db(corpus_db)
    n = 0
    for path in [r["path"] for r in db.query("select path from sources")]:
        result = store.load_result(db, path)
        doc = to_doc(result)
        assert doc.text == result.text
        spans = {s.id_: s for g in FACT_GROUPS for s in doc.spans[g]}
        for fid, group, fact in all_facts(result):
            assert spans[fid].text == fact.text and spans[fid].label_ == group[:-1]
            n += 1
        assert len(doc.spans["documents"]) == len(result.documents)
    assert n > 500


def test_review_from_the_database(corpus_db, tmp_path):
    out = tmp_path / "review"
    result = CliRunner().invoke(cli, ["review", "--db", str(corpus_db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    n = store.open_db(corpus_db)["sources"].count
    assert len(list(out.glob("*.html"))) == n + 1
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("<li>") == n
    # --source takes a path as the user types it from here, as well as the stored one
    stored = next(store.open_db(corpus_db).query("select path from sources order by path"))["path"]
    one = CliRunner().invoke(cli, ["review", "--db", str(corpus_db), "--source", os.path.relpath(stored),
                                   "--out", str(tmp_path / "one")])
    assert one.exit_code == 0 and len(list((tmp_path / "one").glob("*.html"))) == 2, one.output
    bad = CliRunner().invoke(cli, ["review", "--db", str(corpus_db), "--source", "nope.txt", "--out", str(out)])
    assert bad.exit_code == 2 and "nope.txt" in bad.output
    neither = CliRunner().invoke(cli, ["review", "--out", str(out)])
    assert neither.exit_code == 2


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_chromium_shows_every_fact_type(tmp_path):
    browser = chromium()
    if browser is None:
        pytest.skip("chromium is not installed (Debian package chromium; .ci/run installs it)")
    from PIL import Image
    result = parse(shared_file(PLAN))
    [page] = write_pages([result], tmp_path)
    shot = tmp_path / "shot.png"
    args = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1400,4000",
            f"--user-data-dir={tmp_path / 'profile'}"]
    subprocess.run([*args, f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120, check=True)
    image = Image.open(shot).convert("RGB")
    assert image.size == (1400, 4000)
    colours = {c for _, c in image.getcolors(maxcolors=1 << 20)}
    present = {g for g in FACT_GROUPS if any(getattr(d, g) for d in result.documents)}
    assert present == set(FACT_GROUPS)
    for group in present:
        rgb = tuple(int(COLORS[group][i:i + 2], 16) for i in (1, 3, 5))
        assert rgb in colours, f"no {group} highlight ({COLORS[group]}) on the screen"
    # The DOM the browser built: its highlights read as the facts do.
    dom = subprocess.run([*args, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    seen = Page()
    seen.feed(dom)
    for fid, _, fact in all_facts(result):
        assert seen.highlight.get(fid) == fact.text, fid
