"""Telling Chinese from English text by counting characters: no model, no I/O."""
from __future__ import annotations

import re
from typing import Iterable

# Han ideographs: CJK Unified (with Extension A and B onward) and the compatibility block.
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# Latin letters: ASCII, Latin-1 and Latin Extended-A/B, without the two symbols × and ÷.
_LATIN = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
# One Han character carries about as much as three Latin letters (a Chinese word is 1-2
# characters, an English word about 5 letters), so mixed text such as "我的iPhone订单" counts as
# Chinese while an English sentence quoting a Chinese name stays English.
LATIN_LETTERS_PER_HAN = 3
# A conversation's language shows in its opening; looking further only costs time on bulk ingest.
SAMPLE_CHARACTERS = 4000


def detect_language(texts: Iterable[str]) -> str:
    """"zh" when Han characters dominate the texts, else "en".

    Rule: count Han ideographs (h) and Latin letters (l) over all texts; the answer is "zh"
    when h > 0 and 3 * h >= l, and "en" otherwise, so empty input, digits, punctuation and
    emoji alone give "en". Kana and Hangul count for neither side. A single str is taken as
    one text rather than as a sequence of characters. Only the first SAMPLE_CHARACTERS
    characters of the texts (joined by newlines) are counted.
    """
    if isinstance(texts, str):
        texts = (texts,)
    sample, size = [], 0
    for text in texts:
        sample.append(text)
        size += len(text) + 1
        if size >= SAMPLE_CHARACTERS:
            break
    joined = "\n".join(sample)[:SAMPLE_CHARACTERS]
    han, latin = len(_HAN.findall(joined)), len(_LATIN.findall(joined))
    return "zh" if han > 0 and LATIN_LETTERS_PER_HAN * han >= latin else "en"
