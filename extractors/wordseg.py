"""underthesea's word segmentation (`word_tokenize`), loaded without the cost of `import underthesea`.

`import underthesea` runs the package's __init__, which imports every pipeline it has (NER, POS, chunking,
classification: numpy, requests, joblib's process pools) and took about as much CPU as parsing a small
file; word_tokenize needs none of it. Here underthesea's own modules for it (the regex tokenizer, the text
normaliser, the CRF tagger) are imported under a bare stand-in for the package, with a stand-in for joblib
whose `load` is pickle's (the three model files it reads are plain pickles; the CRF itself is loaded by
underthesea_core), and underthesea's own `word_tokenize` function is called: the tokens are its tokens.
The stand-ins and the modules imported under them are taken out of sys.modules afterwards, so a later
`import underthesea` elsewhere gets the real package. If any of this fails (another underthesea layout),
the real `underthesea.word_tokenize` is used.

The CRF's dictionary features (`T[0,1].is_in_dict=True`: is this word or run of words in its 72k-word
dictionary) are looked up here, in the dictionary as loaded (`_Featurizer`): underthesea_core's featurizer
copies the whole dictionary into its own set as it is made, ~40 ms, a third of loading the model, for a
few dozen lookups a text.
"""
from __future__ import annotations

import importlib
import importlib.util
import pickle
import re
import sys
import types
from functools import lru_cache
from typing import Callable


def word_tokenize(text: str) -> list[str]:
    """underthesea.word_tokenize(text): the words of a Vietnamese text (`mô hình`, `doanh nghiệp`)."""
    return list(_words(text))


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    # the same short texts come back (`mô hình`, `doanh nghiệp` after a number): 356 distinct of 586 on the corpus
    return tuple(_tokenizer()(text))


@lru_cache(maxsize=1)
def _tokenizer() -> Callable[[str], list[str]]:
    try:
        return _light_tokenizer()
    except Exception:  # another underthesea layout: the package as it is, slower to import, same words
        from underthesea import word_tokenize as full
        return full


def _load_pickle(path):
    with open(path, "rb") as fh:
        return pickle.load(fh)


# A dictionary feature of the CRF's templates: `T[-1,1].is_in_dict`, the words from one before to one after.
_DICT_TEMPLATE = re.compile(r"T\[(-?\d+)(?:,(-?\d+))?\]\.is_in_dict")


class _Featurizer:
    """underthesea_core's CRFFeaturizer(templates, dictionary), with the dictionary templates (the last ones)
    computed here as it computes them: the words at the template's positions joined by spaces, lower-cased,
    looked up in the dictionary; `BOS` when the first position is before the text, `EOS` when the last is after
    it. The other templates are still underthesea_core's. Templates laid out otherwise go to it whole."""

    def __init__(self, templates: list[str], dictionary: set[str]) -> None:
        from underthesea_core import CRFFeaturizer
        n_plain = len(templates)
        while n_plain and _DICT_TEMPLATE.fullmatch(templates[n_plain - 1]):
            n_plain -= 1
        # per dictionary template: its first and last position, and its four possible features
        self._spans = [(int(m[1]), int(m[2] or m[1]), {v: f"{m[0]}={v}" for v in ("True", "False", "BOS", "EOS")})
                       for m in map(_DICT_TEMPLATE.fullmatch, templates[n_plain:])]
        if any(".is_in_dict" in t for t in templates[:n_plain]) or any(hi < lo for lo, hi, _ in self._spans):
            self._inner, self._spans = CRFFeaturizer(templates, dictionary), []
            return
        self._inner = CRFFeaturizer(templates[:n_plain], set())
        self._dictionary = dictionary

    def process(self, samples: list[list[list[str]]]) -> list[list[list[str]]]:
        out = self._inner.process(samples)
        if not self._spans:
            return out
        for sample, rows in zip(samples, out):
            words = [token[0] for token in sample]
            n = len(words)
            found = {}  # run length -> whether the run starting at each word is in the dictionary
            for lo, hi, _ in self._spans:
                size = hi - lo + 1
                if size not in found:
                    found[size] = [str(" ".join(words[j:j + size]).lower() in self._dictionary)
                                   for j in range(n - size + 1)]
            for lo, hi, feature in self._spans:  # template by template: each row gets them in template order
                runs = found[hi - lo + 1]
                for i, row in enumerate(rows):
                    row.append(feature["BOS" if i + lo < 0 else "EOS" if i + hi >= n else runs[i + lo]])
        return out


def _light_tokenizer() -> Callable[[str], list[str]]:
    if "underthesea" in sys.modules:  # already imported whole: nothing left to save
        from underthesea import word_tokenize as full
        return full
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("underthesea is not installed")
    root = list(spec.submodule_search_locations)[0]
    before = set(sys.modules)
    stand_ins = {"underthesea": root, "underthesea.pipeline": f"{root}/pipeline",
                 "underthesea.models": f"{root}/models"}
    for name, path in stand_ins.items():
        package = types.ModuleType(name)
        package.__path__ = [path]  # a package whose __init__ is not run
        sys.modules[name] = package
    if "joblib" not in sys.modules:
        sys.modules["joblib"] = types.SimpleNamespace(load=_load_pickle)
    try:
        # text_normalize first, as the package's __init__ has it: it imports the regex tokenizer, which
        # imports it back
        importlib.import_module("underthesea.pipeline.text_normalize")
        module = importlib.import_module("underthesea.pipeline.word_tokenize")
        tagger = importlib.import_module("underthesea.models.fast_crf_sequence_tagger")
        tagger.CRFFeaturizer = _Featurizer  # the name its load() makes the featurizer with
        module.word_tokenize("khởi động")  # loads the CRF model (through the stand-in joblib)
        if module.word_tokenize_model is None:
            raise ImportError("underthesea's word_tokenize did not load its model")
        return module.word_tokenize
    finally:
        for name in set(sys.modules) - before:
            if name == "joblib" or name == "underthesea" or name.startswith("underthesea."):
                del sys.modules[name]
