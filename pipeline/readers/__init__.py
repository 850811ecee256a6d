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

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_markdown,
}


def _register_optional() -> None:
    # Paged and Word formats live in their own modules; they import heavy libraries lazily.
    try:
        from pipeline.readers.pdf import read_pdf
        READERS[".pdf"] = read_pdf
    except ImportError:
        pass
    try:
        from pipeline.readers.docx import read_docx
        READERS[".docx"] = read_docx
    except ImportError:
        pass
    try:
        from pipeline.readers.doc import read_doc
        READERS[".doc"] = read_doc
    except ImportError:
        pass


_register_optional()


def reader_for(path: Path) -> Reader:
    try:
        return READERS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(READERS))
        raise UnsupportedFormat(f"no reader for suffix {path.suffix or '(none)'!r}; readable: {known}") from None


def read(path: Path) -> RawText:
    return reader_for(path)(path)
