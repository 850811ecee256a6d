"""`vanban serve`: datasette on 127.0.0.1 with the metadata; a table page and a `?_search=kế hoạch` answer."""
from __future__ import annotations

import json
import re
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner

from pipeline import dictionary, serve
from pipeline.cli import cli


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read().decode("utf-8")


def test_metadata_describes_every_table_and_facets():
    meta = serve.metadata("vanban")
    tables = meta["databases"]["vanban"]["tables"]
    assert set(dictionary.TABLES) | set(dictionary.VIEWS) <= set(tables)
    assert tables["documents"]["facets"] == ["doc_type", "issuer"] and tables["documents"]["label_column"] == "number"
    assert tables["assignments"]["columns"]["agency_id"] == dictionary.describe("assignments", "agency_id")
    for table, facets in (("assignments", "role"), ("targets", "unit"), ("targets", "year")):
        assert facets in tables[table]["facets"]
    assert tables["blocks"]["fts_table"] == "blocks_fts"


def test_datasette_serves_the_database_with_search(corpus_db, tmp_path):
    if not serve.available():
        pytest.fail("datasette is not installed: the test extra installs it (pip install -e '.[test]')")
    meta = tmp_path / "meta.json"
    written = CliRunner().invoke(cli, ["serve", "--db", str(corpus_db), "--metadata", str(meta), "--write-metadata"])
    assert written.exit_code == 0 and json.loads(meta.read_text(encoding="utf-8"))["databases"]["vanban"]
    port = free_port()
    proc = subprocess.Popen(serve.command(corpus_db, meta, "127.0.0.1", port), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):  # up to 30 s for it to start
            try:
                get(f"{base}/-/versions.json")
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"datasette exited: {proc.stdout.read().decode(errors='replace')}")
                time.sleep(0.25)
        status, page = get(f"{base}/vanban/documents")
        assert status == 200 and "3042/KH-UBND" in page
        assert dictionary.TABLES["documents"][0].split(" (")[0] in page  # the description from the metadata
        assert "doc_type" in page and "facet" in page.lower()
        query = urllib.parse.urlencode({"_search": "kế hoạch", "_shape": "array", "_size": "20"})
        status, body = get(f"{base}/vanban/blocks.json?{query}")
        rows = json.loads(body)
        assert status == 200 and len(rows) == 20
        assert all({"kế", "hoạch"} <= set(words(r["text"])) for r in rows)
        status, body = get(f"{base}/vanban/blocks.json?" + urllib.parse.urlencode(
            {"_search": '"thực hiện kế hoạch"', "_shape": "array"}))
        rows = json.loads(body)
        assert rows and all("thực hiện kế hoạch" in " ".join(words(r["text"])) for r in rows)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
