"""Our text samples (corpus/*.txt) rebuilt as Word and PDF files, the way offices produce them.

The header and the signature become two-column tables; with `word_numbering`, the list markers
(`I.`, `1.`, `a)`, `-`) leave the text and are drawn by Word's list numbering instead; with
`page_breaks`, every Roman-numbered section after the first starts a new page (PDF page tests).
Run as a script to write the files into a folder: `python -m tests.sample_formats OUTDIR`.
"""
from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK

from pipeline.segment import AUTHORITY, is_type_title
from pipeline.textutil import is_upper_line
from extractors.metadata import is_person_name, is_signer_role
from tests.docx_builder import add_numbering, numbered

# (marker pattern, Word list level in tests.docx_builder's numId 90: I. / 1. / a) / -)
_MARKERS = [(re.compile(r"^[IVX]+\.\s+"), 0), (re.compile(r"^\d+\.\s+"), 1),
            (re.compile(r"^[a-zđ]\)\s+"), 2), (re.compile(r"^-\s+"), 3)]
_RIGHT_COLUMN = re.compile(r"CỘNG HÒA|Độc lập|, ngày \d")


def _blocks(lines: list[str]):
    """Split a sample into ('header', left, right), ('body', line), ('closing', left, right) blocks."""
    i = 0
    while i < len(lines):
        if i == 0 or (lines[i].isupper() and not is_type_title(lines[i]) and _starts_header(lines, i)):
            left, right = [], []
            while i < len(lines) and not is_type_title(lines[i]) and not lines[i].startswith("Kính gửi"):
                if lines[i].strip():
                    (right if _RIGHT_COLUMN.search(lines[i]) else left).append(lines[i])
                i += 1
            yield "header", left, right
            continue
        if lines[i].startswith("Nơi nhận") or (AUTHORITY.match(lines[i]) and is_upper_line(lines[i])):
            left, right = [], []
            while i < len(lines):
                line = lines[i]
                if line.strip():
                    (left if line.startswith(("Nơi nhận", "- ")) else right).append(line)
                i += 1
                if is_person_name(line) and not is_signer_role(line):
                    break
            yield "closing", left, right
            continue
        yield "body", lines[i]
        i += 1


def _starts_header(lines: list[str], i: int) -> bool:
    return any(l.startswith("Số:") for l in lines[i:i + 8])


def _table(document, left: list[str], right: list[str]) -> None:
    table = document.add_table(rows=1, cols=2)
    for cell, lines in zip(table.rows[0].cells, (left, right)):
        cell.paragraphs[0].text = lines[0] if lines else ""
        for line in lines[1:]:
            cell.add_paragraph(line)


def build_docx(sample: Path, out: Path, word_numbering: bool = False, page_breaks: bool = False) -> Path:
    lines = sample.read_text(encoding="utf-8").splitlines()
    document = docx.Document()
    if word_numbering:
        add_numbering(document)
    romans = 0
    for block in _blocks(lines):
        if block[0] != "body":
            _table(document, block[1], block[2])
            continue
        line = block[1]
        if not line.strip():
            continue
        if re.match(r"^[IVX]+\.\s", line):
            romans += 1
            if page_breaks and romans > 1:
                document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        level = next((lvl for rx, lvl in _MARKERS if rx.match(line)), None)
        if word_numbering and level is not None:
            numbered(document, next(rx for rx, _ in _MARKERS if rx.match(line)).sub("", line), 90, level)
        else:
            document.add_paragraph(line)
    document.save(out)
    return out


def build_pdf(sample: Path, outdir: Path, page_breaks: bool = False) -> Path:
    """Word file first, then LibreOffice to PDF, as offices do. Needs soffice."""
    from pipeline.readers.doc import convert_to_docx
    source = build_docx(sample, outdir / f"{sample.stem}.docx", page_breaks=page_breaks)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = convert_to_docx(source, Path(tmp), target="pdf")
        return Path(pdf.replace(outdir / f"{sample.stem}.pdf"))


if __name__ == "__main__":
    outdir = Path(sys.argv[1])
    outdir.mkdir(parents=True, exist_ok=True)
    for sample in sorted(Path(__file__).resolve().parents[1].glob("corpus/*.txt")):
        build_docx(sample, outdir / f"{sample.stem}.numbered.docx", word_numbering=True)
        print(build_pdf(sample, outdir))


# --- one task table in every format ---------------------------------------------------------------------

TASK_TABLE = [
    ("TT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"),
    ("I", "Hoàn thiện thể chế"),
    ("1", "Xây dựng quy chế quản lý dữ liệu dùng chung của tỉnh", "Sở Tài chính", "Sở Nội vụ, Công an tỉnh",
     "Tháng 3/2026"),
    ("2", "Ban hành danh mục cơ sở dữ liệu dùng chung", "Sở Khoa học và Công nghệ", "Các sở, ban, ngành",
     "Quý II/2026"),
    ("II", "Phát triển nhân lực số"),
    ("3", "Tập huấn kỹ năng số cho cán bộ, công chức", "Sở Nội vụ", "Sở Khoa học và Công nghệ",
     "Từ tháng 3 đến tháng 9/2026"),
    ("4", "Tổ chức sơ kết, đánh giá kết quả thực hiện", "Sở Khoa học và Công nghệ", "", "Năm 2025-2030"),
]
TASK_HEAD = ["ỦY BAN NHÂN DÂN TỈNH HẬU GIANG", "Số: 15/KH-UBND", "KẾ HOẠCH",
             "Triển khai chuyển đổi số năm 2026", "I. NHIỆM VỤ"]


def task_table_markdown(out: Path) -> Path:
    """The task table as a GitHub Markdown table under a short plan."""
    width = len(TASK_TABLE[0])
    rows = [list(r) + [""] * (width - len(r)) for r in TASK_TABLE]
    lines = [*[f"{line}\n" for line in TASK_HEAD], "| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def task_table_docx(out: Path) -> Path:
    """The task table as Word draws it: bordered cells, each group row one cell merged across the table."""
    document = docx.Document()
    for line in TASK_HEAD:
        document.add_paragraph(line)
    width = len(TASK_TABLE[0])
    table = document.add_table(rows=len(TASK_TABLE), cols=width)
    table.style = "Table Grid"
    _fill_rows(table, TASK_TABLE)
    document.save(out)
    return out


def _fill_rows(table, rows, first: int = 0) -> None:
    """Write `rows` into a Word table from row `first`; a short row (number, title) is a group row: its title
    one cell merged across the rest of the table."""
    width = len(table.columns)
    for r, row in enumerate(rows, start=first):
        if len(row) < width:
            table.cell(r, 0).text = row[0]
            table.cell(r, 1).merge(table.cell(r, width - 1)).text = row[1]
            continue
        for c, text in enumerate(row):
            table.cell(r, c).text = text


def task_table_pdf(outdir: Path) -> Path:
    from pipeline.readers.doc import convert_to_docx
    source = task_table_docx(outdir / "task-table.docx")
    with tempfile.TemporaryDirectory() as tmp:
        pdf = convert_to_docx(source, Path(tmp), target="pdf")
        return Path(pdf.replace(outdir / "task-table.pdf"))


# --- a long task table, as annexes print it over several pages ------------------------------------------

_AGENCIES = ["Sở Tài chính", "Sở Nội vụ", "Sở Khoa học và Công nghệ", "Sở Y tế", "Công an tỉnh", "Sở Giáo dục và Đào tạo"]
_TIMES = ["Tháng 3/2026", "Quý II/2026", "Năm 2026", "Từ tháng 3 đến tháng 9/2026", "Năm 2025-2030", "Hằng năm"]
_TASKS = ["Xây dựng quy chế quản lý dữ liệu dùng chung của tỉnh, bảo đảm kết nối, chia sẻ dữ liệu giữa các cơ quan nhà nước",
          "Tập huấn kỹ năng số cho cán bộ, công chức, viên chức các cấp",
          "Triển khai nền tảng số dùng chung phục vụ chỉ đạo, điều hành",
          "Đánh giá mức độ chuyển đổi số của các cơ quan, đơn vị và công bố kết quả"]


def long_task_rows(groups: int = 3, per_group: int = 9) -> list[tuple]:
    """Group rows (`I`, title) and numbered task rows (number, task, lead, support, time)."""
    out: list[tuple] = []
    k = 0
    for g in range(1, groups + 1):
        out.append(("I" * g if g < 4 else "IV", f"Nhóm nhiệm vụ thứ {g}"))
        for _ in range(per_group):
            k += 1
            out.append((str(k), _TASKS[k % 4], _AGENCIES[k % 6], f"{_AGENCIES[(k + 1) % 6]}, {_AGENCIES[(k + 2) % 6]}",
                        _TIMES[k % 6]))
    return out


def long_task_table_docx(out: Path, borders: str = "none", repeat_header: bool = True) -> Path:
    """A plan whose annex is a task table of 27 rows in narrow columns (cells wrap, rows break across page
    ends): `borders` none, `horizontal` (rules between rows only), `vertical` (column lines and the frame
    only) or `grid`; the header row repeated on
    each page (Word's `tblHeader`) or not."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    document = docx.Document()
    for line in ["ỦY BAN NHÂN DÂN TỈNH HẬU GIANG", "Số: 15/KH-UBND", "KẾ HOẠCH", "Triển khai chuyển đổi số năm 2026",
                 "I. NHIỆM VỤ", "Các nhiệm vụ cụ thể tại Phụ lục kèm theo.", "PHỤ LỤC"]:
        document.add_paragraph(line)
    body = long_task_rows()
    head = ("TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện")
    table = document.add_table(rows=1 + len(body), cols=len(head))
    if borders == "grid":
        table.style = "Table Grid"
    elif borders == "horizontal":
        table._tbl.tblPr.append(parse_xml(
            f'<w:tblBorders {nsdecls("w")}><w:top w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/>'
            f'<w:insideH w:val="single" w:sz="4"/></w:tblBorders>'))
    elif borders == "vertical":  # column lines and the frame, no rules between rows
        table._tbl.tblPr.append(parse_xml(
            f'<w:tblBorders {nsdecls("w")}><w:top w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/>'
            f'<w:left w:val="single" w:sz="4"/><w:right w:val="single" w:sz="4"/>'
            f'<w:insideV w:val="single" w:sz="4"/></w:tblBorders>'))
    for c, text in enumerate(head):
        table.cell(0, c).text = text
    if repeat_header:
        table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    _fill_rows(table, body, first=1)
    document.save(out)
    return out


def to_pdf(source: Path) -> Path:
    """LibreOffice's PDF of a Word file, beside it."""
    from pipeline.readers.doc import convert_to_docx
    with tempfile.TemporaryDirectory() as tmp:
        pdf = convert_to_docx(source, Path(tmp), target="pdf")
        return Path(pdf.replace(source.with_suffix(".pdf")))
