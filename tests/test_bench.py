"""`vanban bench` measures what it says: every stage timed, every file counted, the same documents
in one process as with workers. No figure is asserted: speed is for the report, not for a test."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipeline.bench import STAGES, bench, format_report, pdfplumber_reference
from pipeline.cli import cli
from pipeline.readers import READERS
from pipeline.run import parse
from tests.conftest import CORPUS

SEEDS = sorted((CORPUS / "seeds").glob("*.txt"))


def test_bench_times_every_stage_and_counts_every_document(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    report = bench([*SEEDS, tmp_path / "empty.txt"], workers=[1, 2])
    prof = report.profile
    assert [r.path for r in prof.runs] == SEEDS and prof.failed == 1
    assert prof.documents == sum(len(parse(p).documents) for p in SEEDS)
    assert set(STAGES) <= set(prof.stages)
    assert sum(prof.stages.values()) <= prof.seconds  # the stages are parts of the whole
    assert prof.peak_rss_mb > 0
    assert [(t.workers, t.files, t.failed, t.documents) for t in report.throughputs] == [
        (1, 3, 1, prof.documents), (2, 3, 1, prof.documents)]
    assert report.reference is None  # no PDF among the files
    text = format_report(report)
    assert "time per stage: read" in text and "Batch with 2 workers" in text


def test_parse_without_timings_is_unchanged():
    timings: dict[str, float] = {}
    assert parse(SEEDS[0], timings) == parse(SEEDS[0])
    assert set(STAGES) - {"store"} <= set(timings)


def test_cli_bench_prints_the_report():
    result = CliRunner().invoke(cli, ["bench", str(SEEDS[0]), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "One process: 1 files" in result.output and "Batch with 1 worker:" in result.output


def test_pdfplumber_reference_reads_every_page():
    pdf = CORPUS / "real-converted" / "cantho_2010_QD_09-2010-QD-UBND_khcn.pdf"
    import pdfplumber
    with pdfplumber.open(pdf) as doc:
        pages = len(doc.pages)
    ref = pdfplumber_reference([pdf, pdf])
    assert (ref.files, ref.pages) == (2, 2 * pages) and ref.seconds > 0


@pytest.mark.skipif(".pdf" not in READERS, reason="no PDF reader on this branch yet")
def test_bench_compares_text_layer_pdfs_with_pdfplumber():
    pdf = CORPUS / "real-converted" / "cantho_2010_QD_09-2010-QD-UBND_khcn.pdf"
    report = bench([pdf], workers=[1])
    assert [r.pages for r in report.text_layer_pdfs()] == [report.reference.pages]
    assert "bare pdfplumber" in format_report(report)
