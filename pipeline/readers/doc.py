"""Word 97-2003 (.doc), recognised by content, not by name.

- OLE2 compound file (real .doc): LibreOffice headless converts it to .docx, read_docx reads that;
- RTF named .doc: converted the same way, with a warning saying it is RTF;
- a DOCX zip named .doc: read_docx directly;
- Word "Web Page" HTML named .doc: text taken with the standard library's html.parser
  (tables cell by cell, charset from the BOM or the meta tag);
- plain text named .doc: read as text.
"""
from __future__ import annotations

import codecs
import os
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from pipeline import proc as tools
from pipeline.errors import EmptyDocument, EncryptedFile, InputError, LimitExceeded, MissingTool
from pipeline.readers.docx import is_encrypted_ole, read_docx
from pipeline.readers.text import decode, single_text
from pipeline.readers.structure import table_kind
from schemas import RawBlock, RawText

MAX_DOC_BYTES = 100 * 1024 * 1024
CONVERT_TIMEOUT = 120  # seconds for one soffice conversion
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_INSTALL_HINT = "install LibreOffice Writer: apt-get install libreoffice-writer-nogui (or libreoffice-writer)"


def sniff(data: bytes) -> str:
    """"ole", "rtf", "zip", "html" or "unknown" from the first bytes."""
    if data.startswith(_OLE_MAGIC):
        return "ole"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    head = data[:4096]
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            head = head[len(bom):]
            break
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    probe = head.replace(b"\x00", b"").lower()  # UTF-16 HTML reads as ASCII with NULs removed
    if re.search(rb"<html|<!doctype html|urn:schemas-microsoft-com:office:word|<body|<head", probe):
        return "html"
    return "unknown"


def read_doc(path: Path) -> RawText:
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        raise InputError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    if size > MAX_DOC_BYTES:
        raise LimitExceeded(f"the .doc file is {size / 2**20:.0f} MB (limit {MAX_DOC_BYTES // 2**20} MB)")
    if not head.strip(b"\x00 \r\n\t"):
        raise EmptyDocument("the file is empty")
    kind = sniff(head)
    if kind == "html":
        return _read_html(path.read_bytes())
    if kind == "zip":
        raw = read_docx(path)
        raw.warnings.append("the .doc file is really a DOCX (zip) document")
        return raw
    if kind == "ole":
        if is_encrypted_ole(path):
            raise EncryptedFile("the document is password-protected; save it without a password")
        raw = _via_libreoffice(path, "Word 97-2003")
        raw.format = "doc"
        return raw
    if kind == "rtf":
        try:
            raw = _via_libreoffice(path, "RTF")
        except MissingTool as exc:
            raise MissingTool(f"the .doc file is really RTF (Rich Text Format); {exc}") from None
        raw.format = "doc"
        raw.warnings.append("the .doc file is really RTF (Rich Text Format); converted with LibreOffice")
        return raw
    return _read_plain_text(path)


def _read_plain_text(path: Path) -> RawText:
    """Plain text saved under a .doc name (some systems export text so): read it as text."""
    try:
        text, encoding = decode(path.read_bytes())
    except InputError:
        raise InputError("not a Word document: neither Word 97-2003 (OLE2), RTF, DOCX, Word-saved HTML "
                         "nor plain text") from None
    return single_text("doc", text, encoding, ["the .doc file is plain text; read as text"],
                       empty="the file holds only whitespace")


# --- LibreOffice --------------------------------------------------------------------------


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(path: Path, outdir: Path, timeout: int = CONVERT_TIMEOUT,
                    target: str = "docx:MS Word 2007 XML") -> Path:
    """Convert with LibreOffice headless into outdir; return the output path (.docx, or the
    suffix `target` names: `pdf` makes the PDF samples of the format tests)."""
    soffice = soffice_path()
    if soffice is None:
        raise MissingTool(f"reading .doc files needs LibreOffice (soffice), which is not installed: {_INSTALL_HINT}")
    # A private profile per call: parallel conversions with one shared profile lock each other out.
    profile = Path(tempfile.mkdtemp(prefix="vanban-lo-profile-"))
    # soffice names its output after the input: copy the input under a plain name so odd file
    # names (spaces, NFD, a leading dash) cannot confuse it.
    # (a Word 97 file named .docx must not share its name with the .docx LibreOffice writes)
    suffix = ".doc" if target.startswith("docx") else (path.suffix.lower() or ".doc")
    src = outdir / f"input{suffix}"
    try:
        shutil.copyfile(path, src)
        cmd = [soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               f"-env:UserInstallation={profile.as_uri()}",
               "--convert-to", target, "--outdir", str(outdir), str(src)]
        env = dict(os.environ, HOME=str(profile))  # LibreOffice writes under $HOME too
        # Its own process group, killed whole on a timeout or Ctrl-C: soffice.bin outlives the launcher.
        try:
            proc = tools.run(cmd, env=env, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise LimitExceeded(f"LibreOffice did not convert the file within {timeout} s") from exc
        out = outdir / f"input.{target.split(':')[0]}"
        if proc.returncode != 0 or not out.exists():
            detail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()
            raise InputError(f"LibreOffice could not convert the file: {detail[-1] if detail else 'no output'}")
        return out
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _via_libreoffice(path: Path, what: str) -> RawText:
    with tempfile.TemporaryDirectory(prefix="vanban-doc-") as tmp:
        out = convert_to_docx(path, Path(tmp))
        try:
            raw = read_docx(out)
        except EmptyDocument:
            raise EmptyDocument(f"the {what} document holds no text") from None
    raw.warnings.append(f"{what} document converted to DOCX with LibreOffice")
    return raw


# --- Word-saved HTML ---------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "blockquote", "pre", "ul", "ol",
           "title", "center", "address", "dt", "dd"}
_CELLS = {"td", "th"}
_SKIP = {"script", "style", "head", "xml", "noscript", "template"}


def html_charset(data: bytes) -> str:
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return enc
    match = _META_CHARSET.search(data[:16384])
    if match:
        name = match.group(1).decode("ascii").lower()
        try:
            codecs.lookup(name)
            return name
        except LookupError:
            pass
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"  # Word's default for Western "Web Page" files


class _HTMLText(HTMLParser):
    """Paragraphs one per line; each table cell closed by a blank line and kept as a block with its row,
    column and spans (rowspan, colspan laid out as browsers do)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip = 0
        self.blocks: list[RawBlock] = []
        self.tables: list[dict] = []  # open tables, innermost last
        self.count = 0

    def _flush(self) -> None:
        text = re.sub(r"[ \t\r\n\u00a0]+", " ", "".join(self.current)).strip()
        self.current = []
        if text:
            self.lines.append(text)

    def _blank(self) -> None:
        self._flush()
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def _open(self, kind: str, **grid) -> RawBlock:
        block = RawBlock(kind=kind, line_start=len(self.lines), line_end=len(self.lines), **grid)
        self.blocks.append(block)
        return block

    def _close(self, block: RawBlock) -> None:
        end = len(self.lines)
        while end > block.line_start and self.lines[end - 1] == "":
            end -= 1
        block.line_end = end

    def _close_cell(self) -> None:
        table = self.tables[-1]
        if table["cell"] is not None:
            self._flush()
            self._close(table["cell"])
            table["cell"] = None

    def _start_cell(self, attrs) -> None:
        table = self.tables[-1]
        self._close_cell()
        if table["row"] < 0:
            table["row"] = 0
        spans = {k: v for k, v in attrs if k in ("colspan", "rowspan")}
        col_span, row_span = (min(max(int(v), 1), 1000) if (v or "").strip().isdigit() else 1
                              for v in (spans.get("colspan"), spans.get("rowspan")))
        row, col = table["row"], table["col"]
        while (row, col) in table["taken"]:
            col += 1
        for r in range(row, row + row_span):
            for c in range(col, col + col_span):
                table["taken"].add((r, c))
        block = self._open("table_cell", table=table["number"], row=row, col=col, row_span=row_span, col_span=col_span)
        table["cells"].append(block)
        table["cell"], table["col"] = block, col + col_span

    def _end_table(self) -> None:
        self._close_cell()
        table = self.tables.pop()
        self._close(table["block"])
        table["block"].line_end = max([table["block"].line_end, *(b.line_end for b in table["cells"])])
        rows = {b.row for b in table["cells"]}
        for b in table["cells"]:  # a rowspan past the last row covers nothing
            b.row_span = max(1, min(b.row_span, max(rows, default=0) + 1 - b.row))
        kind = table_kind(["\n".join(self.lines[b.line_start:b.line_end]) for b in table["cells"]])
        for b in table["cells"]:
            b.kind = kind

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
        elif tag == "br":
            self._flush()
        elif tag in _BLOCKS or tag in _CELLS:
            self._flush()
            if tag == "table":
                self._blank()
                self.tables.append({"number": self.count, "block": self._open("table", table=self.count), "row": -1,
                                    "col": 0, "taken": set(), "cells": [], "cell": None})
                self.count += 1
            elif tag == "tr" and self.tables:
                self._close_cell()
                self.tables[-1]["row"] += 1
                self.tables[-1]["col"] = 0
            elif tag in _CELLS and self.tables:
                self._start_cell(attrs)

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self._flush()

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _CELLS or tag == "table":
            if self.tables and tag in _CELLS:
                self._close_cell()
            elif self.tables:
                self._end_table()
            self._blank()
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data):
        if not self.skip:
            self.current.append(data)

    def text(self) -> str:
        self._flush()
        while self.tables:
            self._end_table()
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines)


def _read_html(data: bytes) -> RawText:
    charset = html_charset(data)
    html = data.decode(charset, errors="replace")
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    text = parser.text()
    # HTML from the ABC/VNI era keeps the font encodings: single_text converts them
    return single_text("doc", text, charset, ["the .doc file is really HTML (a Word \"Web Page\"); read as HTML"],
                       empty="the HTML document holds no text", blocks=parser.blocks)
