"""Tables: the readers' cells (row, column, spans) carried into the normalised text, and tables read by
column role (extractors.tables) into task rows and indicator rows, on the annex tables of the shared
corpus and on small tables of each form."""
from __future__ import annotations

from datetime import date

import pytest

from extractors.base import DocView
from extractors.tables import indicator_rows, task_rows
from pipeline import parse
from pipeline.normalise import normalise
from pipeline.readers.structure import markdown_tables
from pipeline.run import build_documents
from schemas import RawText
from tests.conftest import CORPUS


def views_of(path) -> list[DocView]:
    """The DocViews the pipeline builds for a file (each document's view)."""
    from pipeline.readers import read
    raw = read(path)
    text, starts, blocks = normalise(raw)
    out = []
    for doc in build_documents(text, starts, raw, blocks=blocks):
        out.append(DocView(text=text, document=doc, body=doc.span, page_starts=starts, paged=raw.paged,
                           blocks=blocks))
    return out


def rows_of(path) -> list:
    return [row for view in views_of(path) for row in task_rows(view)]


def cell(row, name: str) -> str:
    c = getattr(row, name)
    return row.table.cell_text(c)


def agencies(row, role: str) -> str:
    return " | ".join(row.table.cell_text(c) for c in row.agencies[role])


# --- the annex tables of the shared corpus ------------------------------------------------------------

def test_2629_annex_ii_read_in_full():
    """Phụ lục II of 2629/QĐ-TTg: 75 task rows in 14 groups (I-IX with III.1, III.1.1-3, III.2), every one
    with its lead, support and time; Phụ lục I's 22 indicator rows give their lead column."""
    rows = rows_of(CORPUS / "real" / "tw_2025_QD_2629-QD-TTg_chinh-phu-so.md")
    annex_ii = [r for r in rows if r.time is not None]
    annex_i = [r for r in rows if r.time is None]
    assert len(annex_ii) == 75 and len(annex_i) == 22
    assert all(r.agencies["lead"] and r.agencies["support"] and r.task for r in annex_ii)
    assert all(r.agencies["lead"] and not r.agencies["support"] for r in annex_i)
    groups = [g.split()[0] for g in dict.fromkeys(r.group for r in annex_ii)]
    assert groups == ["I", "II", "III.1.1", "III.1.2", "III.1.3", "III.2", "IV", "V", "VI", "VII", "VIII", "IX"]
    first, last = annex_ii[0], annex_ii[-1]
    assert cell(first, "task").startswith("Nghiên cứu, xây dựng Luật Chuyển đổi số")
    assert agencies(first, "lead") == "Bộ Khoa học và Công nghệ"
    assert agencies(first, "support").startswith("Bộ Công an, Bộ Tài chính, Bộ Nội vụ")
    assert cell(first, "time") == "Tháng 12/2025"
    assert cell(last, "number") == "2" and last.group.startswith("IX")
    times = {cell(r, "time") for r in annex_ii}
    assert {"Tháng 02/2026", "Năm 2025-2030", "Năm 2025-2026", "Bắt đầu triển khai từ năm 2026"} <= times
    # section III numbers its rows 1-32 across its sub-groups
    assert [cell(r, "number") for r in annex_ii if r.group.startswith("III")] == [str(i) for i in range(1, 33)]


def test_2820_appendix_read_in_full():
    """The appendix of 2820/QĐ-UBND: 25 numbered rows in groups I-VI, plus three rows of a second task
    under a numbered one (their number, support and time cells merged from the row above)."""
    rows = rows_of(CORPUS / "real" / "hcm_2025_QD_2820-QD-UBND.md")
    assert len(rows) == 28
    assert all(r.agencies["lead"] and r.agencies["support"] and r.time and r.task for r in rows)
    assert [g.split()[0] for g in dict.fromkeys(r.group for r in rows)] == ["I", "II", "III", "IV", "V", "VI"]
    row = next(r for r in rows if cell(r, "task").startswith("Tham gia rà soát, đơn giản hóa"))
    assert (agencies(row, "lead"), agencies(row, "support"), cell(row, "time")) == (
        "Các sở, ngành, UBND xã, phường, đặc khu", "Sở Tài chính", "Quý II/2027")
    second = next(r for r in rows if cell(r, "task").startswith("Xây dựng hạ tầng kỹ thuật dự phòng"))
    assert cell(second, "number") == "1" and cell(second, "time") == "Quý IV/2026"
    assert agencies(second, "lead") == "Trung tâm Chuyển đổi số Thành phố"


def test_617_appendix_read_in_full():
    rows = rows_of(CORPUS / "real" / "dongthap_2025_KH_617-KH-UBND.md")
    assert [cell(r, "number") for r in rows] == [str(i) for i in range(1, 12)]
    assert all(r.agencies["lead"] and r.agencies["support"] and r.time for r in rows)
    by_no = {cell(r, "number"): r for r in rows}
    assert agencies(by_no["3"], "lead") == "Sở Nội vụ"
    assert agencies(by_no["3"], "support").startswith("Sở KH&CN")
    assert agencies(by_no["8"], "support").startswith("Ban Quản lý Khu kinh tế, Sở Công Thương")
    assert cell(by_no["5"], "time") == "Quí IV-2025"
    assert by_no["8"].group.startswith("III.")


def test_annex_rows_give_assignments_and_deadlines():
    result = parse(CORPUS / "real" / "tw_2025_QD_2629-QD-TTg_chinh-phu-so.md")
    doc = result.documents[0]
    deadlines = {(d.text, d.date) for d in doc.deadlines}
    assert ("Tháng 02/2026", date(2026, 2, 28)) in deadlines
    assert ("Năm 2025-2030", date(2030, 12, 31)) in deadlines
    assert not any("Bắt đầu" in d.text or d.text.endswith("từ năm 2026") for d in doc.deadlines)
    leads = {(a.agency, a.deadline) for a in doc.assignments if a.role == "lead"}
    assert ("Bộ Công an", date(2026, 12, 31)) in leads  # row I.3: Luật An ninh dữ liệu, Tháng 12/2026
    for a in doc.assignments:
        assert result.text[a.span[0]:a.span[1]] == a.text


# --- blocks through the normaliser ----------------------------------------------------------------------

def normalised(text: str, fmt: str = "md"):
    body, blocks = markdown_tables(text)
    return normalise(RawText(format=fmt, pages=[body], blocks=blocks))


def cells_of(result) -> dict[tuple[int, int], str]:
    text, _, blocks = result
    return {(b.row, b.col): text[b.start:b.end] for b in blocks if b.kind in ("table_cell", "header_cell")}


def test_github_table_cells_keep_their_place():
    out = normalised("Bảng phân công:\n\n| TT | Nội dung | Cơ quan chủ trì | Thời gian |\n|---|---|---|---|\n"
                     "| 1 | Xây dựng **kế hoạch** | Sở Y tế | Quý II/2026 |\n| 2 | Tập huấn |  | Năm 2026 |\n\nHết.")
    cells = cells_of(out)
    assert cells[(1, 1)] == "Xây dựng kế hoạch" and cells[(1, 3)] == "Quý II/2026"
    assert cells[(2, 2)] == "" and cells[(2, 3)] == "Năm 2026"
    text, _, blocks = out
    assert [b.kind for b in blocks][:2] == ["paragraph", "table"] and blocks[-1].kind == "paragraph"
    assert text[blocks[-1].start:blocks[-1].end] == "Hết."


BARS = """|
**TT**
|
**Nhiệm vụ**
|
**Cơ quan chủ trì**
|
**Cơ quan phối hợp**
|
**Thời gian thực
hiện**
|
|
**I**
|
**Hoàn thiện thể chế**
|
|
1
|
Xây dựng quy chế quản lý
dữ liệu dùng chung.
|
Sở Tài chính
|
|
Quý IV/2025
|
|
2
|
Ban hành danh mục dữ liệu.
|
Sở Nội vụ
|
Sở Tài chính, Công an tỉnh
|
Năm 2025 - 2026
|"""


def test_bar_form_tables():
    """The form legal web sites export: a bar closes each cell, a second bar ends the row; an empty
    cell and a group row spanning the table are told apart from row ends."""
    cells = cells_of(normalised(BARS))
    assert cells[(0, 4)] == "Thời gian thực hiện"
    assert cells[(1, 0)] == "I" and cells[(1, 1)] == "Hoàn thiện thể chế"
    assert cells[(2, 1)] == "Xây dựng quy chế quản lý dữ liệu dùng chung."
    assert cells[(2, 3)] == "" and cells[(2, 4)] == "Quý IV/2025"
    assert cells[(3, 3)] == "Sở Tài chính, Công an tỉnh"
    text, _, blocks = normalised(BARS)
    group = next(b for b in blocks if b.row == 1 and b.col == 1)
    assert group.col_span == 4


def test_bar_form_text_is_unchanged():
    """Blocks change nothing in the text: cells were already paragraphs of their own."""
    raw = RawText(format="md", pages=[BARS])
    assert normalised(BARS).text == normalise(raw).text


def test_task_rows_from_bar_form():
    text, _, blocks = normalised(BARS)
    from schemas import Document
    view = DocView(text=text, document=Document(span=(0, len(text))), body=(0, len(text)), blocks=blocks)
    rows = task_rows(view)
    assert [(cell(r, "number"), agencies(r, "lead"), agencies(r, "support"), cell(r, "time"), r.group)
            for r in rows] == [("1", "Sở Tài chính", "", "Quý IV/2025", "I Hoàn thiện thể chế"),
                               ("2", "Sở Nội vụ", "Sở Tài chính, Công an tỉnh", "Năm 2025 - 2026", "I Hoàn thiện thể chế")]


def test_indicator_table_with_two_header_rows():
    """`ƯTH Năm 2025 | GIAI ĐOẠN 2026-2030` over `Năm 2026 ... Năm 2030`: each figure gets its column's
    year; the estimate of 2025 is a result."""
    bars = "\n".join(["|", "TT", "|", "Chỉ tiêu", "|", "ĐVT", "|", "ƯTH Năm 2025", "|", "GIAI ĐOẠN 2026 - 2030", "|",
                      "|", "Năm 2026", "|", "Năm 2027", "|", "Năm 2030", "|",
                      "|", "1", "|", "Diện tích cà phê", "|", "Ha", "|", "26.120", "|", "27.000", "|", "27.500", "|",
                      "30.000", "|",
                      "|", "2", "|", "Sản lượng", "|", "Tấn", "|", "37.724", "|", "39.800", "|", "40.602", "|",
                      "54.468", "|"])
    text, _, blocks = normalised(bars)
    from schemas import Document
    view = DocView(text=text, document=Document(span=(0, len(text))), body=(0, len(text)), blocks=blocks)
    rows = indicator_rows(view)
    assert [(r.table.cell_text(r.indicator), [(r.table.cell_text(c), col.year, col.actual) for c, col in r.values])
            for r in rows][0] == ("Diện tích cà phê", [("26.120", 2025, True), ("27.000", 2026, False),
                                                       ("27.500", 2027, False), ("30.000", 2030, False)])


@pytest.mark.parametrize("name", ["real/tw_2025_QD_2629-QD-TTg_chinh-phu-so.md", "real/hcm_2025_QD_2820-QD-UBND.md",
                                  "real/dongthap_2025_KH_617-KH-UBND.md",
                                  "real/sonla_2025_QD_2954-QD-UBND_ban-hanh-KH-xuat-khau.md",
                                  "real/hanoi_2025_QD_11-2025-QD-UBND_SGDDT-chuc-nang.pdf",
                                  "real/hanoi_2025_NQ_11-2025-NQ-HDND_phan-cap-ngan-sach.pdf",
                                  "real-converted/phutho_2011_KH_STTTT_trien-khai-phan-mem-QLVB.docx",
                                  "real-converted/phutho_2011_KH_STTTT_trien-khai-phan-mem-QLVB.pdf",
                                  "real/phutho_2011_LichLamViec_HTML-saved-as-doc.doc"])
def test_blocks_are_well_formed(name):
    """Every block lies in the text, in reading order, on its page; cells lie in their table and tile its
    grid once."""
    result = parse(CORPUS / name)
    text, blocks = result.text, result.blocks
    assert blocks and [b.start for b in blocks] == sorted(b.start for b in blocks)
    tables = {b.table: b for b in blocks if b.kind == "table"}
    seen: dict[int, set] = {}
    bounds = result.page_starts + [len(text)]
    for b in blocks:
        assert 0 <= b.start <= b.end <= len(text)
        if result.page_starts:
            assert bounds[b.page - 1] <= b.start <= bounds[b.page], b
        if b.row is not None:
            t = tables[b.table]
            assert t.start <= b.start and b.end <= t.end
            grid = seen.setdefault(b.table, set())
            for r in range(b.row, b.row + b.row_span):
                for c in range(b.col, b.col + b.col_span):
                    assert (r, c) not in grid, (b.table, r, c)
                    grid.add((r, c))
        elif b.kind == "paragraph":
            assert "\n" not in text[b.start:b.end]


# --- Word and Word-saved HTML ---------------------------------------------------------------------------

def test_docx_cells_with_grid_span_and_vertical_merge(tmp_path):
    import docx
    from pipeline.readers.docx import read_docx
    document = docx.Document()
    document.add_paragraph("Phụ lục")
    table = document.add_table(rows=4, cols=4)
    for c, text in enumerate(["TT", "Nội dung", "Cơ quan chủ trì", "Thời gian"]):
        table.cell(0, c).text = text
    table.cell(1, 0).merge(table.cell(1, 3)).text = "I. Hoàn thiện thể chế"  # gridSpan 4
    for r, (no, task) in enumerate([("1", "Ban hành quy chế"), ("2", "Tập huấn")], start=2):
        table.cell(r, 0).text, table.cell(r, 1).text = no, task
    merged = table.cell(2, 2).merge(table.cell(3, 2))  # vMerge over two rows
    merged.text = "Sở Nội vụ"
    table.cell(2, 3).text = "Quý IV/2025"
    path = tmp_path / "t.docx"
    document.save(path)
    raw = read_docx(path)
    text, _, blocks = normalise(raw)
    cells = {(b.row, b.col): (text[b.start:b.end], b.row_span, b.col_span) for b in blocks if b.kind == "table_cell"}
    assert cells[(1, 0)] == ("I. Hoàn thiện thể chế", 1, 4)
    assert cells[(2, 2)] == ("Sở Nội vụ", 2, 1) and (3, 2) not in cells
    assert cells[(2, 3)] == ("Quý IV/2025", 1, 1) and cells[(3, 3)] == ("", 1, 1)
    from schemas import Document
    view = DocView(text=text, document=Document(span=(0, len(text))), body=(0, len(text)), blocks=blocks)
    rows = task_rows(view)
    assert [(cell(r, "number"), agencies(r, "lead"), cell(r, "time"), r.group) for r in rows] == [
        ("1", "Sở Nội vụ", "Quý IV/2025", "I. Hoàn thiện thể chế"), ("2", "Sở Nội vụ", "", "I. Hoàn thiện thể chế")]


def test_word_html_cells_with_rowspan_and_colspan():
    from pipeline.readers.doc import _read_html
    html = ("<html><body><p>Lịch công tác</p><table><tr><td rowspan=2>Thứ hai</td><td>Sáng</td><td>Họp</td></tr>"
            "<tr><td>Chiều</td><td>Tiếp dân</td></tr><tr><td colspan=3>Ghi chú</td></tr></table></body></html>")
    raw = _read_html(html.encode("utf-8"))
    text, _, blocks = normalise(raw)
    cells = {(b.row, b.col): (text[b.start:b.end], b.row_span, b.col_span) for b in blocks if b.kind == "table_cell"}
    assert cells == {(0, 0): ("Thứ hai", 2, 1), (0, 1): ("Sáng", 1, 1), (0, 2): ("Họp", 1, 1),
                     (1, 1): ("Chiều", 1, 1), (1, 2): ("Tiếp dân", 1, 1), (2, 0): ("Ghi chú", 1, 3)}


# --- PDF tables printed without ruling lines ------------------------------------------------------------

def _borderless_pdf(path, rows_per_page: tuple[int, int] = (13, 4)):
    """Two pages of a task table drawn without any line: headers centred over their columns, cells
    starting at the column's left edge, task and support cells wrapped over two lines, row numbers
    centred; the header is not repeated on page 2, whose rows line up under page 1's columns; a closing
    paragraph under the table runs across the columns."""
    from tests.pdf_builder import PdfBuilder, text_width
    cols = [(60, 90), (95, 265), (270, 360), (365, 470), (475, 545)]  # column edges
    heads = ["TT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn"]
    b = PdfBuilder().page()
    b.lines(60, 60, ["ỦY BAN NHÂN DÂN TỈNH HẬU GIANG", "Số: 15/KH-UBND", "KẾ HOẠCH", "Triển khai chuyển đổi số năm 2026",
                     "I. NHIỆM VỤ", "Các sở, ngành thực hiện các nhiệm vụ tại Phụ lục kèm theo."], size=12)
    b.text(60, 180, "PHỤ LỤC", font="serif-bold")
    for (x0, x1), h in zip(cols, heads):
        b.text((x0 + x1 - text_width(h, 11, "serif-bold")) / 2, 210, h, size=11, font="serif-bold")
    expected = []
    y, number = 235, 0
    for page, n in enumerate(rows_per_page):
        if page:
            b.page()
            y = 60
        for _ in range(n):
            number += 1
            task = ["Rà soát, cập nhật dữ liệu", f"chuyên ngành đợt {number}"]
            lead = ["Sở Tài chính", "Sở Nội vụ", "Sở Y tế"][number % 3]
            support = ["Các sở, ban, ngành;", "UBND cấp xã"]
            time = f"Quý {['I', 'II', 'III', 'IV'][number % 4]}/2026"
            b.text((cols[0][0] + cols[0][1] - text_width(str(number), 10)) / 2, y, str(number), size=10)
            b.lines(cols[1][0], y, task, size=10, leading=13)
            b.text(cols[2][0], y, lead, size=10)
            b.lines(cols[3][0], y, support, size=10, leading=13)
            b.text(cols[4][0], y, time, size=10)
            expected.append((str(number), " ".join(task), lead, " ".join(support), time))
            y += 40
    b.lines(60, y + 20, ["Các cơ quan, đơn vị căn cứ nhiệm vụ được giao tổ chức triển khai thực hiện, báo cáo",
                         "kết quả về Sở Tài chính trước ngày 15 tháng 12 hằng năm để tổng hợp."], size=12)
    return b.save(path), expected


def test_pdf_table_without_rulings_over_two_pages(tmp_path):
    """Failure class seen on unseen annexes: cells came out one a line over the pages. Columns come from
    the header's cells and the blanks the rows keep free; page 2 goes on under the same columns."""
    path, expected = _borderless_pdf(tmp_path / "borderless.pdf")
    rows = rows_of(path)
    assert [(cell(r, "number"), cell(r, "task"), agencies(r, "lead"), agencies(r, "support"), cell(r, "time"))
            for r in rows] == expected
    result = parse(path)
    assert {t.page for t in [b for b in result.blocks if b.kind == "table"]} == {1, 2}
    closing = result.text.index("Các cơ quan, đơn vị căn cứ nhiệm vụ")
    assert not any(b.start <= closing < b.end for b in result.blocks if b.kind == "table")
    leads = {(a.agency, a.role) for a in result.documents[0].assignments}
    assert {("Sở Tài chính", "lead"), ("Sở Nội vụ", "lead"), ("Sở Y tế", "lead")} <= leads


# --- indicator tables give targets ------------------------------------------------------------------------

def test_indicator_tables_give_targets_for_their_columns_years():
    """Phụ lục 01 of Sơn La 2954 (`TT | Chỉ tiêu | ĐVT | ƯTH Năm 2025 | GIAI ĐOẠN 2026 - 2030 / Năm 2026 ...
    Năm 2030`): 23 indicator rows, each a target for each year 2026-2030 in its unit, the 2025 estimate
    its baseline; a sub-item (`- | Diện tích` under `1 | Cà Phê`) is named with the item it breaks down."""
    result = parse(CORPUS / "real" / "sonla_2025_QD_2954-QD-UBND_ban-hanh-KH-xuat-khau.md")
    annex = [t for d in result.documents for t in d.targets if t.section == "PL01"]
    assert len(annex) == 115 and {t.year for t in annex} == {2026, 2027, 2028, 2029, 2030}
    coffee = {t.year: t for t in annex if t.indicator == "Diện tích Cà Phê"}
    assert [coffee[y].value for y in range(2026, 2031)] == [27000, 27500, 28000, 29000, 30000]
    assert coffee[2030].unit == "Ha" and coffee[2030].comparator == ">="
    assert (coffee[2030].baseline.value, coffee[2030].baseline.year, coffee[2030].baseline.text) == (26120, 2025, "26.120")
    assert {t.value for t in annex if t.indicator == "Sản lượng cà phê nhân"} >= {39800, 54468}
    for t in annex:
        assert result.text[t.span[0]:t.span[1]] == t.text and t.text.rstrip().endswith(
            f"{t.value:,.0f}".replace(",", "."))
    # the 3-year plan of Cà Mau: a table of socio-economic indicators, `Năm hiện hành 2025` the baseline
    camau = parse(CORPUS / "real" / "camau_2025_KH_0204-KH-UBND_tai-chinh-ngan-sach-3-nam.md")
    grdp = {t.year: t for d in camau.documents for t in d.targets
            if t.indicator == "Tổng sản phẩm trong nước của địa phương (GRDP) giá hiện hành"}
    assert {y: (t.value, t.unit, t.baseline.value) for y, t in grdp.items()} == {
        2026: (193549, "Tỷ đồng", 172033), 2027: (218628, "Tỷ đồng", 172033), 2028: (247907, "Tỷ đồng", 172033)}
    export = {t.year: t.value for d in camau.documents for t in d.targets
              if t.indicator == "Tốc độ tăng trưởng Kim ngạch xuất khẩu hàng hóa"}
    assert export == {2026: 107.2, 2027: 105.8, 2028: 109.6}
