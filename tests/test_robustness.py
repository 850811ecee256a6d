"""Bad input never stops a batch and never crashes a worker: every file ends stored or refused with
a clear reason (a pipeline.errors class). Property tests: no text makes the stages raise, and
every span slices back into the text."""
from __future__ import annotations

import random
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.base import iter_sections
from pipeline import errors, store
from pipeline.ingest import ingest, parse_safe
from pipeline.limits import Limits
from pipeline.normalise import normalise
from pipeline.readers import READERS
from pipeline.run import build_documents
from schemas import FileError, RawText
from tests.conftest import CORPUS

SUFFIXES = sorted({*READERS, ".txt", ".md", ".pdf", ".docx", ".doc"})
CLEAR_ERRORS = {c.__name__ for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.VanbanError)}


def accounted(db_path: Path, files: list[Path]) -> tuple[set[str], dict[str, dict]]:
    db = store.open_db(db_path)
    stored = {r["path"] for r in db.query("select path from sources")}
    failed = {r["path"]: r for r in db.query("select * from errors")}
    assert stored | set(failed) == {str(p.resolve()) for p in files}
    return stored, failed


def assert_clear(error: dict) -> None:
    """Refused by a reader or a limit, with one of our error classes: not a bug, a crash or a hang."""
    assert error["error_type"] in CLEAR_ERRORS, error
    assert error["stage"] not in ("pipeline", "crash", "timeout"), error


def test_broken_files_under_every_suffix_are_refused_with_a_clear_error(tmp_path):
    rng = random.Random(6)
    folder = tmp_path / "in"
    folder.mkdir()
    for suffix in SUFFIXES:
        (folder / f"empty{suffix}").write_bytes(b"")
        (folder / f"random{suffix}").write_bytes(rng.randbytes(4096))
    for suffix in (".pdf", ".docx"):  # cut in the middle, the way a failed download leaves them
        whole = next((CORPUS / "real-converted").glob(f"*{suffix}")).read_bytes()
        (folder / f"truncated{suffix}").write_bytes(whole[: len(whole) // 2])
    files = sorted(folder.iterdir())
    ingest([folder], tmp_path / "out.db", workers=2)
    _, failed = accounted(tmp_path / "out.db", files)
    for name in ("empty", "random"):
        assert all(str((folder / f"{name}{s}").resolve()) in failed for s in SUFFIXES), name
    for error in failed.values():
        assert_clear(error)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_file_of_zero_bytes_is_refused(tmp_path, suffix):
    zeros = tmp_path / f"zeros{suffix}"
    zeros.write_bytes(bytes(1000))
    ingest([zeros], tmp_path / "out.db", workers=1)
    _, failed = accounted(tmp_path / "out.db", [zeros])
    assert str(zeros.resolve()) in failed
    assert_clear(failed[str(zeros.resolve())])


def test_html_saved_as_doc_is_read_or_refused_clearly(tmp_path):
    html_doc = CORPUS / "real" / "phutho_2011_LichLamViec_HTML-saved-as-doc.doc"
    ingest([html_doc], tmp_path / "out.db", workers=1)
    _, failed = accounted(tmp_path / "out.db", [html_doc])
    for error in failed.values():
        assert_clear(error)


def test_a_document_in_another_language_is_stored_or_refused_clearly(tmp_path):
    english = tmp_path / "memo.txt"
    english.write_text(
        "MINISTRY OF FINANCE\nNo. 12/2024\nMEMORANDUM\nOn the budget plan for 2025\n"
        "I. PURPOSE\n1. Departments shall report before 15 December 2024.\n2. Spending must stay below 5%.\n",
        encoding="utf-8")
    ingest([english], tmp_path / "out.db", workers=1)
    stored, failed = accounted(tmp_path / "out.db", [english])
    for error in failed.values():
        assert_clear(error)


def test_a_50_mb_text_file_is_refused_by_the_size_limit_or_ends_in_bounded_time(tmp_path):
    big = tmp_path / "big.txt"
    paragraph = sorted((CORPUS / "seeds").glob("*.txt"))[0].read_bytes()
    with open(big, "wb") as fh:
        while fh.tell() <= 50 * 2**20:
            fh.write(paragraph)
    summary = ingest([big], tmp_path / "default.db", workers=1)  # default limits
    [error] = summary.errors
    assert (error.stage, error.error_type) == ("read", "LimitExceeded")

    summary = ingest([big], tmp_path / "raised.db", workers=1, limits=Limits(max_size_mb=100, timeout=3))
    assert summary.stored + summary.failed == 1
    for error in summary.errors:
        assert error.stage == "timeout"


def test_a_folder_of_1000_small_files_is_accounted_for(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    files = []
    for i in range(1000):
        path = folder / f"{i:04}.txt"
        body = "" if i % 100 == 0 else (
            f"ỦY BAN NHÂN DÂN\nTỈNH BẾN TRE\nSố: {i}/KH-UBND\nBến Tre, ngày 3 tháng 7 năm 2013\nKẾ HOẠCH\n"
            f"Triển khai nhiệm vụ số {i}\nI. MỤC ĐÍCH\n1. Hoàn thành trước ngày 15/12/2013.\n")
        path.write_text(body, encoding="utf-8")
        files.append(path)
    summary = ingest([folder], tmp_path / "out.db", workers=2)
    stored, failed = accounted(tmp_path / "out.db", files)
    assert (len(stored), len(failed)) == (990, 10)
    assert (summary.files, summary.stored, summary.failed) == (1000, 990, 10)


# --- formats whose readers live in their own modules: tested once the reader is on main -----------

def encrypted_pdf() -> bytes:
    """A one-page PDF under the standard security handler whose user password is not empty."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"ab" * 32 + b"> /U <" + b"cd" * 32 + b"> /P -44 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1, b"01" * 16, b"01" * 16)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


@pytest.mark.skipif(".pdf" not in READERS, reason="no PDF reader on this branch yet")
def test_an_encrypted_pdf_is_recorded_as_encrypted(tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted_pdf())
    [error] = ingest([path], tmp_path / "out.db", workers=1).errors
    assert error.error_type == "EncryptedFile", error


def docx_with(document_xml_chunks, path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("_rels/.rels",
                    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                    '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        with zf.open("word/document.xml", "w") as fh:
            for chunk in document_xml_chunks:
                fh.write(chunk)
    return path


W = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'


@pytest.mark.skipif(".docx" not in READERS, reason="no DOCX reader on this branch yet")
def test_a_docx_zip_bomb_is_refused_by_a_limit(tmp_path):
    filler = b"<w:p><w:r><w:t>" + b" " * (1 << 20) + b"</w:t></w:r></w:p>"
    bomb = docx_with([W, *[filler] * 400, b"</w:body></w:document>"], tmp_path / "bomb.docx")  # 400 MB unpacked
    assert bomb.stat().st_size < 2 * 2**20
    [error] = ingest([bomb], tmp_path / "out.db", workers=1, limits=Limits(timeout=60)).errors
    assert error.error_type == "LimitExceeded", error


@pytest.mark.skipif(".docx" not in READERS, reason="no DOCX reader on this branch yet")
def test_deeply_nested_docx_xml_is_read_or_refused_clearly(tmp_path):
    depth = 100_000
    nested = docx_with([W, b"<w:p>" * depth, b"</w:p>" * depth, b"</w:body></w:document>"], tmp_path / "deep.docx")
    ingest([nested], tmp_path / "out.db", workers=1, limits=Limits(timeout=60))
    _, failed = accounted(tmp_path / "out.db", [nested])
    for error in failed.values():
        assert_clear(error)


# --- properties -------------------------------------------------------------------------------------

# Lines of the kinds the stages look for, so that generated texts reach the header parser, the
# section splitter and the extractors, mixed with arbitrary text.
PHRASES = [
    "ỦY BAN NHÂN DÂN", "TỈNH BẾN TRE", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "Số: 3042/KH-UBND", "Số: /QĐ-UBND", "Bến Tre, ngày 03 tháng 7 năm 2013", "ngày tháng năm 2025", "KẾ HOẠCH",
    "CÔNG VĂN", "V/v triển khai Chương trình", "Kính gửi:", "- Sở Y tế;", "I. MỤC ĐÍCH, YÊU CẦU", "II. NHIỆM VỤ",
    "1. Mục tiêu", "1.1. Nội dung", "a) Giao Sở Y tế chủ trì, phối hợp với các cơ quan có liên quan",
    "(1) Báo cáo trước ngày 15/12/2024.", "Phấn đấu đến năm 2025 đạt 95% trở lên.", "Điều 1.", "Chương II",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ;", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
    "Nguyễn Văn A", "Nơi nhận:", "- Lưu: VT.", "Kèm theo Chương trình số 61-CTr/TU ngày 21/10/2024",
    "| **Số:** | 12 |", "**III. TỔ CHỨC THỰC HIỆN**", "<jsontable name=\"bang_0\"> </jsontable>", "¯¯¯¯¯", "[1]", "",
]
lines = st.one_of(st.sampled_from(PHRASES), st.text(max_size=40))
documents = st.lists(lines, max_size=40).map("\n".join)


def check_spans(text: str, docs, n_pages: int | None) -> None:
    for doc in docs:
        assert 0 <= doc.span[0] <= doc.span[1] <= len(text)
        for sec in iter_sections(doc.sections):
            assert 0 <= sec.span[0] <= sec.span[1] <= len(text)
        for kind in store.FACT_TABLES:
            for fact in getattr(doc, kind):
                start, end = fact.span
                assert text[start:end] == fact.text
                assert (fact.page is None) == (n_pages is None)
                assert fact.page is None or 1 <= fact.page <= n_pages


@settings(max_examples=150, deadline=None)
@given(documents)
def test_no_text_makes_the_stages_raise_and_spans_slice_back(text):
    raw = RawText(format="txt", pages=[text])
    norm, page_starts, _ = normalise(raw)
    check_spans(norm, build_documents(norm, page_starts, raw), None)


@settings(max_examples=75, deadline=None)
@given(st.lists(documents, min_size=1, max_size=4))
def test_paged_text_keeps_pages_in_range(pages):
    raw = RawText(format="pdf", pages=pages, paged=True)
    norm, page_starts, _ = normalise(raw)
    assert len(page_starts) == len(pages)
    check_spans(norm, build_documents(norm, page_starts, raw), len(pages))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=2000), documents.map(lambda t: t.encode("utf-8")),
                 documents.map(lambda t: t.encode("utf-16"))), st.sampled_from([".txt", ".md"]))
def test_no_bytes_make_parse_fail_other_than_clearly(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"doc{suffix}"
        path.write_bytes(data)
        result = parse_safe(path)
    if isinstance(result, FileError):
        assert result.error_type in CLEAR_ERRORS and result.stage != "pipeline", result
    else:
        check_spans(result.text, result.documents, None)


@pytest.mark.skipif(".pdf" not in READERS, reason="no PDF reader on this branch yet")
def test_max_pages_refuses_a_longer_pdf(tmp_path):
    pdf = CORPUS / "real" / "hanoi_2024_QD_35-2024-QD-UBND_cong-dan-thu-do-uu-tu.pdf"  # 9 pages
    [error] = ingest([pdf], tmp_path / "out.db", workers=1, limits=Limits(max_pages=3)).errors
    assert error.error_type == "LimitExceeded" and "3" in error.message
    assert ingest([pdf], tmp_path / "out.db", workers=1, limits=Limits(max_pages=9)).stored == 1
