"""Telling Chinese from English text by counting characters: no model, no I/O.

The product's one language detector: parsing, scoring and sentiment all ask this module.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

# Han ideographs: CJK Unified (with Extension A and B onward) and the compatibility block.
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# Latin letters: ASCII, Latin-1 and Latin Extended-A/B, without the two symbols × and ÷.
_LATIN = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
# Order numbers, SKUs and tracking codes ("ABCDEFG", "SF1234567", "iPhone15") say nothing about the
# language around them: Latin letters inside a token with a digit, or in an all-capitals token, are
# not counted while there is other text to go by.
_LATIN_TOKEN = re.compile("[A-Za-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+")
# One Han character carries about as much as three Latin letters (a Chinese word is 1-2
# characters, an English word about 5 letters), so mixed text such as "我的iPhone订单" counts as
# Chinese while an English sentence quoting a Chinese name stays English.
LATIN_LETTERS_PER_HAN = 3
# A conversation's language shows in its opening; looking further only costs time on bulk ingest.
SAMPLE_CHARACTERS = 4000


def detect_language(texts: Iterable[str], default: Optional[str] = "en") -> Optional[str]:
    """"zh" when Han characters dominate the texts, else "en".

    Rule: count Han ideographs (h) and Latin letters (l) over all texts, leaving out letters of
    code-like tokens (with a digit, or all capitals: order numbers, SKUs); the answer is "zh"
    when h > 0 and 3 * h >= l, and "en" otherwise, so empty input, digits, punctuation and
    emoji alone give `default` ("en" unless the caller asks for, say, None: unknown). Kana and Hangul count for neither side. A single str is taken as
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
    if joined.isascii():  # no Han character: the same answer as below without counting letters
        return "en" if _LATIN.search(joined) else default
    han, latin = len(_HAN.findall(joined)), _word_letters(joined)
    if han == 0 and latin == 0 and not _LATIN.search(joined):
        return default
    return "zh" if han > 0 and LATIN_LETTERS_PER_HAN * han >= latin else "en"


def _is_code(token: str) -> bool:
    return any(c.isdigit() for c in token) or (len(token) > 1 and token.isupper())


def _word_letters(text: str) -> int:
    """Latin letters in word tokens, leaving out code-like tokens (see _LATIN_TOKEN)."""
    return sum(len(_LATIN.findall(tok)) for tok in _LATIN_TOKEN.findall(text) if not _is_code(tok))
