"""extractors.wordseg: underthesea's word_tokenize loaded without the package's __init__ gives underthesea's
own words, and the parts of underthesea it skips are never imported."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import CORPUS

# The corpus files whose targets ask for the most counted nouns (about 280 texts between them).
FILES = ["legacy/transcripts/2004-duanLD9820.txt", "real/thanhhoa_2025_KH_235-KH-UBND_quan-trac-thuy-san.md",
         "legacy/transcripts/2007-Quy-che-chi-tieu-noi-bo-2007.txt",
         "real/dongthap_2017_NQ_HDND_chuong-trinh-phat-trien-do-thi.md",
         "real/camau_2025_KH_0204-KH-UBND_tai-chinh-ngan-sach-3-nam.md",
         "real/hagiang_2017_NQ_86-2017-NQ-HDND_ho-tro-SXNN.md", "real/nghean_2025_KH_987-KH-UBND.md"]
PHRASES = ["mô hình điểm về nông thôn mới", "doanh nghiệp công nghệ số", "hộ gia đình được hỗ trợ",
           "Hợp tác xã nông nghiệp", "xã đạt chuẩn nông thôn mới nâng cao", "km đường giao thông nông thôn",
           "ha rừng trồng mới", "N'Thôn Hạ", "lượt người tham gia", "", "   ", "123", "(ĐVT: tỷ đồng)"]

# In a fresh interpreter: the light tokenizer is loaded first, the texts targets hand it are recorded, then
# the real package is imported and asked the same texts.
SCRIPT = r"""
import json, sys
from extractors import wordseg
from pipeline import parse
files, phrases = json.loads(sys.argv[1]), json.loads(sys.argv[2])
light = wordseg._tokenizer()
leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("underthesea", "joblib", "numpy"))
texts = list(phrases)
words = wordseg.word_tokenize
def record(text):
    texts.append(text)
    return words(text)
wordseg.word_tokenize = record
for f in files:
    parse(f)
import underthesea
differ = [t for t in texts if underthesea.word_tokenize(t) != light(t)]
print(json.dumps({"leaked": leaked, "texts": len(texts), "differ": differ,
                  "real": light is not underthesea.word_tokenize,
                  "featurizer": type(light.__globals__["word_tokenize_model"].featurizer).__name__}))
"""


def test_light_word_tokenize_gives_underthesea_words_on_counted_nouns():
    out = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps([str(CORPUS / f) for f in FILES]),
                          json.dumps(PHRASES)], capture_output=True, text=True, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["leaked"] == []  # neither the package's __init__, joblib nor numpy was imported
    assert got["real"]  # the light one, not underthesea's package function handed back
    assert got["featurizer"] == "_Featurizer"  # with the dictionary features looked up by wordseg
    assert got["texts"] > 250 and got["differ"] == []


def test_warm_fork_server_does_not_import_underthesea_package():
    """pipeline.warm (the fork server's preload) runs a target that needs a counted noun; the tokenizer it
    loads leaves no underthesea package, joblib or numpy module behind."""
    code = ("import sys, pipeline.warm\nfrom extractors import wordseg\n"
            "assert wordseg._words.cache_info().currsize > 0, 'the sample asked for no word'\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('underthesea', 'joblib', 'numpy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_dictionary_features_are_underthesea_cores():
    """wordseg._Featurizer gives the features of underthesea_core's CRFFeaturizer, in its order, at the edges of
    a text (BOS before, EOS after, BOS first when both), for runs of one to three words, in any case."""
    import importlib.util
    import pickle
    from pathlib import Path

    import underthesea_core

    from extractors import wordseg
    package = Path(list(importlib.util.find_spec("underthesea").submodule_search_locations)[0])
    root = package / "pipeline/word_tokenize/models/ws_crf_vlsp2013_20230727"
    templates = pickle.loads((root / "features.bin").read_bytes())
    dictionary = {"mô hình", "mô hình điểm", "hình", "i\u0307", "σς", "x y z"}
    theirs = underthesea_core.CRFFeaturizer(templates, dictionary)
    ours = wordseg._Featurizer(templates, dictionary)
    assert ours._spans  # the dictionary templates are computed here
    for words in [[], ["Mô"], ["Mô", "hình"], ["Mô", "hình", "điểm", "về", "x", "Y", "z"], ["İ"], ["ΣΣ"],
                  ["MÔ", "HÌNH", "ĐIỂM"], ["x", "y", "z", "x", "y", "z"]]:
        sample = [[[w] for w in words]]
        assert ours.process(sample) == theirs.process(sample), words

