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


def _deferred(module: str, name: str) -> Reader:
    """The reader `name` of `module`, imported on its first call: a text file never loads the PDF and Word
    readers (start-up of `vanban parse` on a text file)."""
    def reader(path: Path) -> RawText:
        from importlib import import_module
        return getattr(import_module(module), name)(path)
    reader.__name__ = reader.__qualname__ = name
    return reader


# Paged and Word formats live in their own modules; they import heavy libraries lazily.
READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_markdown,
    ".pdf": _deferred("pipeline.readers.pdf", "read_pdf"),
    ".docx": _deferred("pipeline.readers.docx", "read_docx"),
    ".doc": _deferred("pipeline.readers.doc", "read_doc"),
}


def reader_for(path: Path) -> Reader:
    try:
        return READERS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(READERS))
        raise UnsupportedFormat(f"no reader for suffix {path.suffix or '(none)'!r}; readable: {known}") from None


def read(path: Path) -> RawText:
    return reader_for(path)(path)
