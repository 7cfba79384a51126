"""Numbers read out as words ("four one one one", "四幺幺幺") in transcribed calls, as digit runs."""
from __future__ import annotations

import re

_DIGIT_CHARS = "0123456789"


def count_digits(text: str) -> int:
    """How many ASCII digits the text holds."""
    return sum(map(text.count, _DIGIT_CHARS))


_EN_DIGITS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
              "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_ZH_DIGITS = {"零": "0", "〇": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_REPEATS = {"double": 2, "triple": 3}
_SPOKEN_TOKEN = re.compile(
    r"(?P<en>\b(?:(?P<repeat>double|triple)[\s\-]+)?(?P<word>zero|oh|o|one|two|three|four|five|six"
    r"|seven|eight|nine)\b)"
    r"|(?P<zh>[零〇一幺二两三四五六七八九])"
    r"|(?<![0-9A-Za-z])(?P<num>[0-9]+)(?![0-9A-Za-z])",
    re.IGNORECASE,
)
# What may stand between two digits of one spoken number: spaces, commas, pauses, dashes.
_SPOKEN_GAP = re.compile(r"[\s,，、.。\-]{0,3}")
# Searched in lower-cased text: a case-sensitive search is four times faster than IGNORECASE.
_SPOKEN_WORD = re.compile(
    r"\b(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine)\b|[零〇一幺二两三四五六七八九]")


def may_hold_spoken_number(text: str, at_least: int = 13) -> bool:
    """False only if the spoken and written digits in the whole text come to fewer than `at_least`."""
    folded = fold_case(text)
    words = len(_SPOKEN_WORD.findall(folded))
    if not words:
        return False
    # A word gives one digit, or two or three after "double" or "triple".
    most = words + folded.count("double") + 2 * folded.count("triple") + count_digits(text)
    return most >= at_least


def spoken_runs(text: str) -> list[list[tuple[int, int, str, bool]]]:
    """Runs of digit tokens (start, end, digits, spoken) separated only by short pauses."""
    runs: list[list[tuple[int, int, str, bool]]] = []
    for m in _SPOKEN_TOKEN.finditer(text):
        token = (m.start(), m.end(), _token_digits(m), m.group("num") is None)
        if runs and _SPOKEN_GAP.fullmatch(text, runs[-1][-1][1], m.start()):
            runs[-1].append(token)
        else:
            runs.append([token])
    return runs


def _token_digits(m: re.Match[str]) -> str:
    if m.group("num") is not None:
        return m.group("num")
    if m.group("zh") is not None:
        return _ZH_DIGITS[m.group("zh")]
    repeat = _REPEATS[fold_case(m.group("repeat"))] if m.group("repeat") else 1
    return _EN_DIGITS[fold_case(m.group("word"))] * repeat


def fold_case(text: str) -> str:
    """Lower case as IGNORECASE matches: "İ" and "ı" are the only characters it takes for a letter of
    the digit words that lower() does not turn into that letter ("fıve" is "five")."""
    return text.replace("İ", "i").replace("ı", "i").lower()
