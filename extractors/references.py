"""References: not yet extracted (see the issue for this fact type)."""
from __future__ import annotations

from typing import Iterator

from extractors.base import DocView
from schemas import Reference


def extract(view: DocView) -> Iterator[Reference]:
    return iter(())
