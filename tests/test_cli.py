"""The CLI: each command runs, prints what it promises, and is documented in the README."""
from __future__ import annotations

import json
import re

import pytest

from click.testing import CliRunner

from pipeline.cli import cli
from tests.conftest import CORPUS, ROOT

SEED = CORPUS / "seeds" / "004_164697cdc8f48644.txt"


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result


def test_parse_prints_contract_json():
    result = run("parse", SEED)
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["source"]["format"] == "txt" and len(data["source"]["sha256"]) == 64
    doc = data["documents"][0]
    for key in ("doc_type", "number", "issuer", "issued_date", "place", "subject", "signer", "recipients",
                "sections", "targets", "deadlines", "assignments", "references"):
        assert key in doc
    assert doc["number"] == "3042/KH-UBND"


def test_parse_bad_file_is_a_clean_error(tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_bytes(b"")
    result = CliRunner().invoke(cli, ["parse", str(bad)])
    assert result.exit_code == 1 and "empty" in result.output and "Traceback" not in result.output


def test_schema_is_json_schema():
    data = json.loads(run("schema").output)
    assert data["title"] == "ParseResult" and "Document" in data["$defs"]


def test_ingest_export_stats(tmp_path):
    db = tmp_path / "v.db"
    result = run("ingest", CORPUS / "seeds", "--db", db, "-q")
    assert result.exit_code == 0 and "2 stored" in result.output
    result = run("export", "--db", db, "--out", tmp_path / "out")
    assert result.exit_code == 0 and (tmp_path / "out" / "documents.jsonl").exists()
    stats = run("stats", "--db", db).output
    assert re.search(r"documents\s+3", stats)


def test_ingest_exit_status_says_something_failed(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    result = CliRunner().invoke(cli, ["ingest", str(bad), "--db", str(tmp_path / "v.db"), "-q"])
    assert result.exit_code == 1 and "1 failed" in result.output


def test_text_command_prints_normalised_text():
    out = run("text", SEED).output
    assert out.splitlines()[:2] == ["UỶ BAN NHÂN DÂN", "TỈNH BẾN TRE"] and "\t" not in out


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert command.help, f"command {name} has no help text"
        assert f"vanban {name}" in readme, f"README does not document `vanban {name}`"


def test_stats_and_refs_print_json(tmp_path):
    db = tmp_path / "v.db"
    run("ingest", CORPUS / "seeds", "--db", db, "-q")
    counts = json.loads(run("stats", "--db", db, "--json").output)
    assert counts["documents"] == 3 and counts["blocks"] > 50 and counts["source_paths"] == 2
    found = json.loads(run("refs", "3042/KH-UBND", "--db", db, "--json").output)
    assert found["documents"][0]["number"] == "3042/KH-UBND" and found["cites"]
    missing = run("refs", "999/XX", "--db", db, "--json")
    assert missing.exit_code == 1 and json.loads(missing.output)["documents"] == []


def _spans(data: dict):
    """(span, text) of every fact, section and block of a parse's JSON."""
    for doc in data["documents"]:
        for kind in ("targets", "deadlines", "assignments", "references"):
            for fact in doc[kind]:
                yield fact["span"], fact["text"]
    for block in data["blocks"]:
        yield (block["start"], block["end"]), None


@pytest.mark.parametrize("name", ["real/hanoi_2025_QD_11-2025-QD-UBND_SGDDT-chuc-nang.pdf",
                                  "real-converted/phutho_2011_KH_STTTT_trien-khai-phan-mem-QLVB.docx",
                                  "real/dongthap_2025_KH_617-KH-UBND.md", "seeds/004_164697cdc8f48644.txt"])
def test_spans_point_into_vanban_text(name):
    """`vanban text FILE` prints exactly the text every span of `vanban parse FILE` points into, in every
    format (a PDF's page starts are in page_starts, not in the text); `--pages` adds the markers."""
    path = CORPUS / name
    printed = run("text", path).output
    assert printed.endswith("\n")
    printed = printed[:-1]  # the line end click.echo adds
    data = json.loads(run("parse", path).output)
    assert data["text"] == printed
    spans = list(_spans(data))
    assert sum(1 for _, t in spans if t) >= 5
    for (start, end), text in spans:
        assert 0 <= start <= end <= len(printed)
        if text is not None:
            assert printed[start:end] == text
    if data["page_starts"]:
        assert "--- page" not in printed
        paged = run("text", "--pages", path).output
        assert paged.count("--- page ") == len(data["page_starts"]) == data["source"]["pages"]
