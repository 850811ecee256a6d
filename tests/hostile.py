"""Hostile inputs, built by the tests (nothing hostile is committed): each function writes one file
that once hung a batch, crashed it or took gigabytes, and returns its path."""
from __future__ import annotations

import random
import zipfile
from pathlib import Path
from typing import Iterable, Iterator

from tests.conftest import CORPUS

SEED = CORPUS / "seeds" / "004_164697cdc8f48644.txt"
NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DOC_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def docx(path: Path, body: Iterable[bytes] | bytes, parts: dict[str, bytes | Iterable[bytes]] | None = None) -> Path:
    """A Word package: word/document.xml from `body` (bytes or chunks, streamed), and extra parts
    (`word/numbering.xml`, `word/styles.xml`) with their content types and relationships."""
    parts = parts or {}
    kinds = {"word/numbering.xml": ("numbering", "numbering+xml"), "word/styles.xml": ("styles", "styles+xml")}
    overrides = "".join(f'<Override PartName="/{name}" ContentType="{_DOC_TYPE}.{kinds[name][1]}"/>' for name in parts)
    rels = "".join(f'<Relationship Id="rId{i + 10}" Type="{NS_R}/{kinds[name][0]}" Target="{Path(name).name}"/>'
                   for i, name in enumerate(parts))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="xml" ContentType="application/xml"/>'
                    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                    f'<Override PartName="/word/document.xml" ContentType="{_DOC_TYPE}.document.main+xml"/>'
                    f'{overrides}</Types>')
        zf.writestr("_rels/.rels",
                    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                    f'relationships"><Relationship Id="rId1" Type="{NS_R}/officeDocument" '
                    'Target="word/document.xml"/></Relationships>')
        zf.writestr("word/_rels/document.xml.rels",
                    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                    f'relationships">{rels}</Relationships>')
        for name, content in [("word/document.xml", body), *parts.items()]:
            with zf.open(name, "w", force_zip64=True) as fh:
                for chunk in [content] if isinstance(content, bytes) else content:
                    fh.write(chunk)
    return path


def _document(paragraphs: Iterable[bytes]) -> Iterator[bytes]:
    yield f'<w:document xmlns:w="{NS_W}"><w:body>'.encode()
    yield from paragraphs
    yield b"</w:body></w:document>"


def _para(text: str, num: tuple[int, int] | None = None) -> bytes:
    numpr = f'<w:pPr><w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr></w:pPr>' if num else ""
    return f"<w:p>{numpr}<w:r><w:t>{text}</w:t></w:r></w:p>".encode()


def numbering_bomb(path: Path, start: str = "2600000000") -> Path:
    """5 KB: a list whose letter numbering starts at `start` (format_number once repeated the letter
    start/26 times: 100 million letters, 9.8 GB), roman numbering as high, and a level index out of range."""
    numbering = (f'<w:numbering xmlns:w="{NS_W}">'
                 f'<w:abstractNum w:abstractNumId="1">'
                 f'<w:lvl w:ilvl="0"><w:start w:val="{start}"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/></w:lvl>'
                 f'<w:lvl w:ilvl="1"><w:start w:val="{start}"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%2."/></w:lvl>'
                 f'<w:lvl w:ilvl="99999999"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
                 f'</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/>'
                 f'<w:lvlOverride w:ilvl="x"><w:startOverride w:val="{start}"/></w:lvlOverride></w:num></w:numbering>')
    lines = SEED.read_text(encoding="utf-8").splitlines()[:40]
    paras = [_para(line.replace("&", "&amp;").replace("<", "&lt;"), (1, i % 2) if i > 10 else None)
             for i, line in enumerate(lines)]
    paras.append(_para("Mục cuối", (1, 99999999)))
    return docx(path, b"".join(_document(paras)), {"word/numbering.xml": numbering.encode()})


def _words(seed: int, megabytes: float) -> Iterator[bytes]:
    """Paragraphs of varied words (compressing about 3:1, under any zip-bomb ratio: deflate sees 32 KB
    back, so one 1 MB block written again and again compresses no better)."""
    rng = random.Random(seed)
    vocab = [bytes(rng.choice(b"abcdeghiklmnopqrstuvxy") for _ in range(rng.randint(2, 7))) for _ in range(4000)]
    block = b"".join(b"<w:p><w:r><w:t>" + b" ".join(rng.choices(vocab, k=14)) + b"</w:t></w:r></w:p>"
                     for _ in range(10_000))
    for _ in range(int(megabytes * 2**20 // len(block)) + 1):
        yield block


def huge_document_xml(path: Path, megabytes: float = 70) -> Path:
    """A DOCX whose word/document.xml unpacks to `megabytes` MB of ordinary-looking paragraphs (185 MB
    once took 3.9 GB): no zip-bomb ratio, under the 200 MB package limit."""
    return docx(path, _document(_words(1, megabytes)))


def huge_styles(path: Path, entries: int = 3_000_000) -> Path:
    """A small DOCX whose styles.xml defines `entries` styles (3 million once took 2.6 GB)."""
    def styles() -> Iterator[bytes]:
        yield f'<w:styles xmlns:w="{NS_W}">'.encode()
        for start in range(0, entries, 10_000):
            yield b"".join(b'<w:style w:type="paragraph" w:styleId="s%d"><w:basedOn w:val="s%d"/></w:style>'
                           % (i, i - 1) for i in range(start, min(entries, start + 10_000)))
        yield b"</w:styles>"
    return docx(path, b"".join(_document([_para("KẾ HOẠCH")])), {"word/styles.xml": styles()})


def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    return bytes(out)


def giant_scan_pdf(path: Path, points: int = 7200) -> Path:
    """Under 1 KB: one page of `points` x `points` pt (2.5 m) filled by a 1-pixel image, so it reads as a
    scan; rendered at 300 dpi for OCR it would be 900 million pixels (it once took 4.4 GB)."""
    content = b"q %d 0 0 %d 0 0 cm /Im0 Do Q" % (points, points)
    path.write_bytes(_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /XObject << /Im0 5 0 R >> >> "
        b"/Contents 4 0 R >>" % (points, points),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Length 1 >>\nstream\n\x80\nendstream",
    ]))
    return path


def pdf_with_trailing_bytes(path: Path) -> Path:
    """A valid PDF followed by what a mail gateway or a download tool appends: not PDF, after %%EOF."""
    pdf = next((CORPUS / "real-converted").glob("*.pdf")).read_bytes()
    junk = b"\r\n--\r\nThis message was scanned by MailGuard.\r\n" + random.Random(3).randbytes(3000)
    path.write_bytes(pdf + junk.replace(b"%%EOF", b"%%EOX"))
    return path


def nul_after_64kb(path: Path) -> Path:
    """Good UTF-8 text for 100 KB, then a NUL and more text (only the first 64 KB used to be sampled)."""
    text = SEED.read_bytes()
    head = (text * (100_000 // len(text) + 1))[:100_000]
    path.write_bytes(head + b"\x00\x00binary tail\n" + text)
    return path


def deep_headings(path: Path, depth: int = 150) -> Path:
    """A plan whose headings nest `depth` deep (1., 1.1., 1.1.1., ...): RecursionError when sent to the writer."""
    lines = SEED.read_text(encoding="utf-8").splitlines()[:12]
    for level in range(1, depth + 1):
        lines.append(f"{'.'.join(['1'] * level)}. Nhiệm vụ cấp {level}")
        lines.append("Sở Tài chính chủ trì thực hiện.")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def identical_headings(path: Path, count: int = 30_000) -> Path:
    """`count` identical headings (450 KB for 30,000): the path de-duplication was quadratic."""
    head = SEED.read_text(encoding="utf-8").splitlines()[:12]
    path.write_text("\n".join(head) + "\n" + "1. Nội dung\n" * count, encoding="utf-8")
    return path


def one_long_line(path: Path, megabytes: float = 50) -> Path:
    """`megabytes` MB of text without a line break (50 MB once took over 1 GB)."""
    sentence = "Ủy ban nhân dân tỉnh giao Sở Tài chính chủ trì thực hiện trước ngày 15/12/2025; ".encode()
    with open(path, "wb") as fh:
        for _ in range(int(megabytes * 2**20 // len(sentence))):
            fh.write(sentence)
    return path
