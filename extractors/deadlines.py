"""Deadlines: not yet extracted (see the issue for this fact type)."""
from __future__ import annotations

from typing import Iterator

from extractors.base import DocView
from schemas import Deadline


def extract(view: DocView) -> Iterator[Deadline]:
    return iter(())
