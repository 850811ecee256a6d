"""Importing this module runs the stages once on a small sample, so that the libraries and models
they load on first use (underthesea's tokenizer, vocabulary files) are in memory.

`vanban ingest` imports it before it forks its workers (in the writer on Linux, else in a fork server):
every worker is forked already warm, shares those pages with the others, and a worker started again after
a timeout is ready in milliseconds.
"""
from __future__ import annotations

import gc

from pipeline.normalise import normalise
from pipeline.run import build_documents
from schemas import RawText

# Written for this purpose: one sentence of each kind the extractors read.
SAMPLE = """ỦY BAN NHÂN DÂN
TỈNH MẪU
Số: 1/KH-UBND
Mẫu, ngày 02 tháng 01 năm 2025
KẾ HOẠCH
Thực hiện Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ
I. MỤC TIÊU
Đến năm 2030, tỷ lệ hộ nghèo giảm xuống dưới 2%; xây dựng ít nhất 20 mô hình điểm.
II. TỔ CHỨC THỰC HIỆN
Sở Tài chính chủ trì, phối hợp với các cơ quan có liên quan báo cáo Ủy ban nhân dân tỉnh trước ngày 15/12/2025.
"""


def warm() -> None:
    try:
        raw = RawText(format="txt", pages=[SAMPLE])
        text, page_starts, blocks = normalise(raw)
        build_documents(text, page_starts, raw, blocks=blocks)
    except Exception:  # a cold worker is slower, not wrong: never stop a batch for this
        pass


warm()
# What is loaded now lives as long as the process: out of the collector's sight, so that its passes in
# each forked worker neither walk it (a full pass over it was ~40 ms of a worker's CPU) nor copy its pages.
gc.freeze()

