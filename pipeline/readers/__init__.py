"""Readers: one function per format, chosen by file suffix from READERS.

A reader takes a path and returns RawText (text per page, not yet normalised).
It raises an InputError subclass with a message a user can act on.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from pipeline.errors import UnsupportedFormat
from pipeline.readers.text import read_markdown, read_text
from schemas import RawText

Reader = Callable[[Path], RawText]


class _Readers(dict):
    """suffix -> reader. A reader named "module:function" is imported on its first lookup and replaces its
    name: a text file never loads the PDF and Word readers (start-up of `vanban parse` on a text file)."""

    def __getitem__(self, suffix: str) -> Reader:
        reader = super().__getitem__(suffix)
        if isinstance(reader, str):
            from importlib import import_module
            module, name = reader.split(":")
            reader = getattr(import_module(module), name)
            self[suffix] = reader
        return reader

    def get(self, suffix: str, default=None):
        return self[suffix] if suffix in self else default


# Paged and Word formats live in their own modules; they import heavy libraries lazily.
READERS: dict[str, Reader] = _Readers({
    ".txt": read_text,
    ".md": read_markdown,
    ".pdf": "pipeline.readers.pdf:read_pdf",
    ".docx": "pipeline.readers.docx:read_docx",
    ".doc": "pipeline.readers.doc:read_doc",
})


def reader_for(path: Path) -> Reader:
    check_readable(path)
    return READERS[path.suffix.lower()]


def check_readable(path: Path) -> None:
    """Raise UnsupportedFormat for a suffix no reader takes; the reader itself is not imported (the writer
    of `vanban ingest` sorts files, its workers read them)."""
    if path.suffix.lower() not in READERS:
        known = ", ".join(sorted(READERS))
        raise UnsupportedFormat(f"no reader for suffix {path.suffix or '(none)'!r}; readable: {known}")


def read(path: Path) -> RawText:
    return reader_for(path)(path)
