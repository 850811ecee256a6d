"""The extractor chain: what each extractor needs is read from its signature and checked when loaded."""
from __future__ import annotations

import pytest

from extractors import EXTRACTORS, chain, needs_of, run_extractors
from extractors.base import phrase_view
from pipeline.errors import ConfigError


def test_needs_are_the_keyword_only_parameters():
    names = {e.name: e.needs for e in EXTRACTORS}
    assert names == {"references": (), "targets": (), "deadlines": ("references",), "assignments": ("deadlines",)}

    def extract(view, *, deadlines, targets):
        return iter(())
    assert needs_of(extract) == ("deadlines", "targets")


def test_a_need_no_earlier_extractor_produces_is_a_config_error():
    def first(view):
        return iter(())

    def second(view, *, first):
        return iter(())
    assert [e.name for e in chain(("first", first), ("second", second))] == ["first", "second"]
    with pytest.raises(ConfigError, match="second.*first"):
        chain(("second", second), ("first", first))


def test_run_passes_each_extractor_the_facts_it_names():
    seen = {}

    def numbers(view):
        yield 1
        yield 2

    def total(view, *, numbers):
        seen["numbers"] = numbers
        yield sum(numbers)
    timings: dict[str, float] = {}
    found = run_extractors(phrase_view("x"), chain(("numbers", numbers), ("total", total)), timings)
    assert found == {"numbers": [1, 2], "total": [3]} and seen["numbers"] == [1, 2]
    assert set(timings) == {"numbers", "total"}
