"""`vanban bench` measures what it says: every stage timed, every file counted, the same documents
in one process as with workers, the same pages four ways, whole processes with all they start. No
speed is asserted: speed is for the report, not for a test (tests/test_scaling.py asserts a ratio)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

import sys

from pipeline.bench import STAGES, bench, format_report, growth_exponent, measure_command, pdfplumber_reference
from pipeline.cli import cli
from pipeline.readers import READERS
from pipeline.run import parse
from tests.conftest import CORPUS

SEEDS = sorted((CORPUS / "seeds").glob("*.txt"))


def test_bench_times_every_stage_and_counts_every_document(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    report = bench([*SEEDS, tmp_path / "empty.txt"], workers=[1, 2], processes=False, growth_factors=())
    prof = report.profile
    assert [r.path for r in prof.runs] == SEEDS and prof.failed == 1
    assert prof.documents == sum(len(parse(p).documents) for p in SEEDS)
    assert set(STAGES) <= set(prof.stages)
    assert sum(prof.stages.values()) <= prof.seconds  # the stages are parts of the whole
    assert prof.peak_rss_mb > 0
    assert [(t.workers, t.files, t.failed, t.documents) for t in report.throughputs] == [
        (1, 3, 1, prof.documents), (2, 3, 1, prof.documents)]
    assert report.reference is None and report.floor is None  # no PDF among the files
    assert all(r.cpu > 0 and r.chars > 0 for r in prof.runs) and prof.cpu >= sum(r.cpu for r in prof.runs) * 0.99
    text = format_report(report)
    assert "time per stage: read" in text and "Batch with 2 workers" in text and "docs/s/core" in text


def test_parse_without_timings_is_unchanged():
    timings: dict[str, float] = {}
    assert parse(SEEDS[0], timings) == parse(SEEDS[0])
    assert set(STAGES) - {"store"} <= set(timings)


def test_cli_bench_prints_the_report():
    result = CliRunner().invoke(cli, ["bench", str(SEEDS[0]), "--workers", "1", "--no-processes", "--no-growth"])
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
    report = bench([pdf, SEEDS[0]], workers=[1])
    assert [r.pages for r in report.text_layer_pdfs()] == [report.reference.pages]
    floor = report.floor
    assert (floor.files, floor.pages) == (1, report.reference.pages)
    assert all(t.seconds > 0 and t.cpu > 0 for t in (floor.pypdfium2, floor.pdfplumber, floor.reader, floor.pipeline))
    labels = [p.label for p in report.processes]
    assert labels == ["vanban ingest, text-layer PDFs", "bare pdfplumber", "vanban ingest, text files"]
    assert all(p.ok and p.seconds > 0 and p.cpu > 0 for p in report.processes)
    assert report.growth.sizes[1] > 3 * report.growth.sizes[0] and report.growth.exponent is not None
    text = format_report(report)
    for words in ("raw pypdfium2 text", "bare pdfplumber extract_text", "vanban reader alone", "vanban end to end",
                  "Whole processes", "x on CPU seconds)", "time grows as size^", "peak memory per worker"):
        assert words in text


def test_growth_exponent_reads_the_power_law():
    sizes = [1_000, 4_000, 16_000]
    assert abs(growth_exponent(sizes, [0.01 * n for n in sizes]) - 1.0) < 1e-9
    assert abs(growth_exponent(sizes, [1e-6 * n * n for n in sizes]) - 2.0) < 1e-9
    assert growth_exponent([1_000], [0.1]) is None


def test_a_command_is_charged_the_cpu_of_the_processes_it_leaves_behind():
    # the command forks a child that burns 0.3 s of CPU after the command has exited (as the fork
    # server of `vanban ingest` outlives it): that CPU is the command's too
    script = ("import os, time\nif os.fork() == 0:\n    t = time.process_time()\n"
              "    while time.process_time() - t < 0.3:\n        pass\n    os._exit(0)\nos._exit(3)\n")
    code, seconds, cpu = measure_command([sys.executable, "-c", script])
    assert code == 3 and seconds > 0 and cpu >= 0.3
