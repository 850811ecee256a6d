"""The data dictionary: what every table, view and column of the database holds, and the values of every enum.

One place for `vanban schema --tables`, the datasette metadata of `vanban serve` and the README table;
tests/test_dictionary.py fails when a column of an ingested database is not described here.
"""
from __future__ import annotations

import csv
import typing
from functools import lru_cache
from pathlib import Path

PROVENANCE = {
    "span_start": "start of the fact in sources.text (0-based character offset; text = substr(sources.text, "
                  "span_start + 1, span_end - span_start))",
    "span_end": "end of the fact in sources.text (exclusive)",
    "page": "1-based page of the span start in paged formats (PDF); null for text and Word files",
    "section": "path of the innermost section around the fact (sections.path), null outside sections",
    "text": "the source text of the span, exactly",
    "ocr": "1 when the span's text came from OCR",
}
FACT = {"id": "row key: <document id>:<table letter><ord>", "document_id": "the document (documents.id)",
        "ord": "0-based order of the fact in its document (the order of the export's list)", **PROVENANCE}

TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "meta": ("Facts about the database itself, one row per key", {
        "key": "`root`: the folder relative paths are stored against (sources.path, errors.path); "
               "`schema_version`", "value": "its value"}),
    "sources": ("One row per distinct input file content (sha256); the same bytes at another path are listed in "
                "source_paths", {
        "path": "the file: relative to meta.root when it lies below it, else absolute; symlinks not resolved",
        "sha256": "SHA-256 of the file's bytes (unique)", "format": "reader used: txt, md, pdf, docx, doc",
        "size": "bytes", "pages": "page count of paged formats (PDF), else null",
        "encoding": "detected byte encoding or legacy font encoding (utf-8, utf-16, windows-1258, tcvn3, vni ...)",
        "status": "success, or partial when a document in the file has neither a type nor an issuer, or the reader knows "
                  "its text is not as printed (a PDF's garbled text layer that OCR could not mend; the warning says why)",
        "warnings": "JSON list of the reader's warnings (encoding detected, fields recovered ...)",
        "text": "the normalised (NFC) text of the whole file: every span_start/span_end points into it",
        "page_starts": "JSON list: offset in text where each page starts (paged formats)",
        "ocr_pages": "JSON list of the 1-based pages whose text came from OCR",
        "version": "version of the export contract", "pipeline_version": "digest of the code that parsed the file",
        "ingested_at": "UTC time the file was stored",
        "layout": "JSON list of the layout blocks (ParseResult.blocks, in reading order): kind (paragraph, heading, "
                  "header_cell, signature, table, table_cell, footnote), start and end in text, page; table cells "
                  "also table (ordinal in the file), row, col, row_span, col_span (defaults 1 left out)"}),
    "source_paths": ("Every path at which a stored content was found (the source's own path included)", {
        "path": "a file path, stored like sources.path", "sha256": "its content (sources.sha256)",
        "source": "the source row holding that content (sources.path)", "seen_at": "UTC time last seen there"}),
    "documents": ("One row per document in a file (a cover letter and the plan it forwards are two)", {
        "id": "row key: <first 12 hex digits of the source's sha256>-<ord>", "source": "the file (sources.path)",
        "ord": "0-based order of the document in its file", "doc_type": "document type (enum doc_type)",
        "number": "number as printed (3042/KH-UBND)", "number_key": "number folded for matching (references)",
        "issuer": "issuing body", "parent_issuer": "the body above the issuer in the header",
        "issued_date": "ISO date of issue", "place": "place of issue (header)", "subject": "trích yếu (V/v ...)",
        "signer_name": "who signed", "signer_title": "the signer's title",
        "signer_authority": "KT., TM., TL., Q. ... before the title",
        "recipients": "JSON list of the Kính gửi recipients", "span_start": "start of the document in sources.text",
        "span_end": "end of the document in sources.text", "page": "1-based page where it starts (paged formats)",
        "warnings": "JSON list of values the pipeline filled from elsewhere (a cover letter's note ...)"}),
    "sections": ("One row per section or list item of the outline (I., 1., 1.1., a), -, + ...)", {
        "id": "row key: <document id>:<path>", "document_id": "the document (documents.id)",
        "parent_id": "the enclosing section (sections.id), null at the top", "ord": "0-based order among siblings",
        "number": "number as printed (IV, 2, 1.1, a), null for bullets", "title": "heading text, sentence case",
        "kind": "what the section is for (enum section_kind)", "level": "1 for top-level sections",
        "marker": "numbering style (enum marker)",
        "path": "numbers from the top joined by / (IV/2/a); a bullet is d<N> (dash) or p<N> (plus), its "
                "order among its siblings; ~N is added when a list restarts its numbering (2~2)",
        "span_start": "start in sources.text", "span_end": "end in sources.text (children included)",
        "page": "1-based page of the heading (paged formats)"}),
    "blocks": ("One row per paragraph or table cell of every document (header, preamble, sections, signature, "
               "annexes); the full-text index blocks_fts covers text and text_folded", {
        "id": "row key (integer, the index's rowid)", "document_id": "the document (documents.id)",
        "section_id": "the innermost section around it (sections.id), null outside sections",
        "kind": "where it sits (enum block_kind)", "section": "the innermost section's path",
        "page": "1-based page (paged formats)",
        "layout": "the reader's block kind (enum layout_kind); null for a line of a format without layout (text)",
        "table_no": "for a table cell: the table's 0-based ordinal in the file", "row": "for a table cell: its 0-based row",
        "col": "for a table cell: its 0-based column", "span_start": "start in sources.text",
        "span_end": "end in sources.text", "text": "the paragraph or cell as written",
        "text_folded": "the paragraph without diacritics, same length (Kế hoạch -> Ke hoach): a word typed "
                       "without accents finds every spelling"}),
    "targets": ("One row per numeric target (chỉ tiêu)", {
        **FACT, "indicator": "what is measured", "value": "the figure (a range's lower end)",
        "value_max": "upper end of a range: 13-13,5% -> value 13, value_max 13.5",
        "denominator": "a ratio's whole: 77/108 xã -> value 77, denominator 108",
        "unit": "unit as written (%, xã, tỷ đồng ...)", "comparator": "enum comparator", "year": "horizon year",
        "baseline__value": "the baseline figure", "baseline__year": "the baseline's year",
        "baseline__span_start": "start of the baseline in sources.text",
        "baseline__span_end": "end of the baseline in sources.text", "baseline__text": "the baseline's text",
        "restated": "JSON list of [start, end] spans where the document states the same target again (an annex "
                    "restating the objectives): counted once, in this row"}),
    "deadlines": ("One row per time limit", {
        **FACT, "date": "ISO date of the limit (a month, quarter or year gives its last day); null when recurring",
        "recurrence": "enum recurrence, null for a dated limit", "month": "month of a recurring limit",
        "day": "day of a recurring limit", "time": "time of day of the limit (HH:MM:SS), e.g. trước 17 giờ 00",
        "weekday": "day of the week of a weekly limit, ISO (Monday 1 ... Sunday 7)"}),
    "assignments": ("One row per agency given a task, with its role", {
        **FACT, "agency": "the agency as written", "agency_id": "the agency (agencies.id)",
        "agency_key": "canonical key of the agency (agencies.name_key)", "agency_kind": "enum agency_kind",
        "agency_level": "enum agency_level", "agency_successor": "the body that took over after the 2025 "
                                                                  "reorganisation",
        "generic": "1 for a generic body (các cơ quan, đơn vị có liên quan)", "role": "enum role",
        "task": "the duty", "deadline": "ISO date of the deadline tied to the task"}),
    "references": ("One row per cited document; query it as the view `citations` (references is an SQL keyword)", {
        **FACT, "doc_type": "type of the cited text (enum doc_type)", "number": "its number as printed",
        "date": "its ISO date", "issuer": "its issuer", "title": "its title (laws cited by name)",
        "number_key": "number folded for matching", "issuer_key": "issuer folded for matching",
        "cited_document_id": "the cited document when its text is in the database (documents.id)"}),
    "agencies": ("One row per agency: the vocabulary and every agency met", {
        "id": "stable id derived from name_key (the same in every database)", "name": "canonical name",
        "kind": "enum agency_kind", "name_key": "folded canonical name (assignments.agency_key)",
        "level": "enum agency_level", "successor": "the body that took over after the 2025 reorganisation"}),
    "errors": ("One row per file that failed (its latest attempt); a later success removes it", {
        "id": "row key", "path": "the file, stored like sources.path", "stage": "enum error_stage",
        "error_type": "EmptyDocument, DecodeError, UnsupportedFormat, LimitExceeded, Timeout, WorkerDied ...",
        "message": "what went wrong and what to do", "time": "UTC time of the attempt"}),
}

VIEWS: dict[str, tuple[str, dict[str, str]]] = {
    "citations": ("The table references under a name that needs no quoting", {}),
    "citation_graph": ("One row per reference with the citing and, when stored, the cited document", {
        "reference_id": "references.id", "reference_ord": "references.ord",
        "citing_document_id": "documents.id of the citing document", "citing_number": "its number",
        "citing_doc_type": "its type", "citing_issuer": "its issuer", "citing_source": "its file",
        "citing_ord": "its 0-based order in the file", "cited_doc_type": "type of the cited text",
        "cited_number": "number of the cited text", "cited_number_key": "that number folded",
        "cited_title": "title of the cited text", "cited_date": "its date", "cited_issuer": "its issuer",
        "cited_document_id": "documents.id of the cited document when stored", "cited_source": "its file",
        "cited_ord": "its 0-based order in the file", "resolved": "1 when the cited document is stored"}),
}


def _literal(name: str) -> tuple[str, ...]:
    import schemas.models as m
    return typing.get_args(getattr(m, name))


def _csv_column(name: str, column: str) -> tuple[str, ...]:
    path = Path(__file__).resolve().parents[1] / "extractors" / "data" / name
    with open(path, encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return tuple(sorted({r[column] for r in rows if r.get(column)}))


@lru_cache(maxsize=None)
def enums() -> dict[str, tuple[tuple[str, ...], str]]:
    """Each enum: (values, the columns that hold it)."""
    from pipeline.store import BLOCK_KINDS
    import schemas.models as m
    comparators = typing.get_args(m.Target.model_fields["comparator"].annotation)
    return {
        "doc_type": (_csv_column("doc_types.csv", "code"), "documents.doc_type, references.doc_type"),
        "section_kind": (_literal("SectionKind"), "sections.kind"),
        "marker": (("part", "chapter", "roman", "article", "arabic", "decimal", "paren", "letter", "dash", "plus"),
                   "sections.marker"),
        "layout_kind": (_literal("BlockKind"), "blocks.layout (a table itself is indexed as its cells)"),
        "block_kind": (tuple(BLOCK_KINDS), "blocks.kind: " + "; ".join(f"{k}: {v}" for k, v in BLOCK_KINDS.items())),
        "comparator": (comparators, "targets.comparator"),
        "recurrence": (_literal("Recurrence"), "deadlines.recurrence"),
        "role": (_literal("Role"), "assignments.role: lead (chủ trì), support (phối hợp), implement (thực hiện)"),
        "agency_kind": (tuple(sorted({*_csv_column("agencies.csv", "kind"), *_csv_column("agency_groups.csv", "kind"),
                                      *_csv_column("org_heads.csv", "kind")} - {"title", "-"})),
                        "agencies.kind, assignments.agency_kind"),
        "agency_level": (tuple(dict.fromkeys(("central", "province", "district", "commune",
                                              *_csv_column("admin_units.csv", "level")))),
                         "agencies.level, assignments.agency_level"),
        "status": (_literal("Status"), "sources.status"),
        "format": (_literal("Format"), "sources.format"),
        "error_stage": (("read", "config", "pipeline", "store", "timeout", "crash"),
                        "errors.stage"),
    }


def describe(table: str, column: str) -> str | None:
    for group in (TABLES, VIEWS):
        if table in group:
            cols = group[table][1] or TABLES.get("references", ("", {}))[1]
            return cols.get(column)
    return None


def format_tables() -> str:
    """The dictionary as text: every table and view with its columns, then every enum."""
    lines = []
    for kind, group in (("table", TABLES), ("view", VIEWS)):
        for name, (about, cols) in group.items():
            lines.append(f"{kind} {name}: {about}")
            for col, text in cols.items():
                lines.append(f"  {col:<22} {text}")
            lines.append("")
    lines.append("enums:")
    for name, (values, where) in enums().items():
        lines.append(f"  {name} ({where}): {', '.join(values)}")
    return "\n".join(lines)
