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
                  "real": light is not underthesea.word_tokenize}))
"""


def test_light_word_tokenize_gives_underthesea_words_on_counted_nouns():
    out = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps([str(CORPUS / f) for f in FILES]),
                          json.dumps(PHRASES)], capture_output=True, text=True, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["leaked"] == []  # neither the package's __init__, joblib nor numpy was imported
    assert got["real"]  # the light one, not underthesea's package function handed back
    assert got["texts"] > 250 and got["differ"] == []


def test_warm_fork_server_does_not_import_underthesea_package():
    """pipeline.warm (the fork server's preload) runs a target that needs a counted noun; the tokenizer it
    loads leaves no underthesea package, joblib or numpy module behind."""
    code = ("import sys, pipeline.warm\nfrom extractors import wordseg\n"
            "assert wordseg._words.cache_info().currsize > 0, 'the sample asked for no word'\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('underthesea', 'joblib', 'numpy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
