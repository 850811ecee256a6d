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
"""
from __future__ import annotations

import importlib
import importlib.util
import pickle
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
        module.word_tokenize("khởi động")  # loads the CRF model (through the stand-in joblib)
        if module.word_tokenize_model is None:
            raise ImportError("underthesea's word_tokenize did not load its model")
        return module.word_tokenize
    finally:
        for name in set(sys.modules) - before:
            if name == "joblib" or name == "underthesea" or name.startswith("underthesea."):
                del sys.modules[name]
