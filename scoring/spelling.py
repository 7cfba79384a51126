"""Canonical spellings, applied by scoring.text.normalise after folding (lower case, no punctuation,
apostrophes deleted), to texts and to scorecard phrases alike, so that either spelling matches:

- letters typed three or more times in a row count once: "hiiii" reads "hi", "sooo" reads "so"
  (a legitimate double letter is never tripled in English; matchers also accept a phrase's double
  letters written once, see scoring.text, so "goooood" still matches "good");
- chat spellings and contractions read in full: pls/plz "please", thx "thanks", ty "thank you",
  u "you", ur "your", r "are", im "i am", dont "do not", cant and "can not" "cannot", wont "will
  not", its "it is", thats "that is", gonna "going to", wanna "want to", np "no problem",
  okay "ok", sry "sorry"...; "2" reads "to" only between a word that takes "to" and a word that is
  no unit ("happy 2 help", not "need 2 days");
- number words read as digits: "five" "5", "twenty five" "25", "one hundred" "100"; a lone "one"
  only before a unit ("one star", not "no one" or "one moment"); "%" reads "percent";
- Chinese numerals before a unit read as digits: 五星 "5星", 七天 "7天", 二十四小时 "24小时"
  (not 一下, 一定, 十分, 百分之百 or 一个, which are words).
"""
from __future__ import annotations

import re
from typing import Optional

_ELONGATED = re.compile(r"([a-z])\1\1+")

_WORDS = {
    "pls": "please", "plz": "please", "plez": "please", "pleas": "please", "thx": "thanks", "thanx": "thanks",
    "thnx": "thanks", "thnks": "thanks", "thks": "thanks", "tnx": "thanks", "ty": "thank you",
    "tysm": "thank you so much", "tyvm": "thank you very much", "u": "you", "ur": "your", "r": "are",
    "im": "i am", "ive": "i have", "youre": "you are", "youve": "you have", "theyre": "they are",
    "weve": "we have", "dont": "do not", "doesnt": "does not", "didnt": "did not", "isnt": "is not",
    "arent": "are not", "wasnt": "was not", "werent": "were not", "wont": "will not", "wouldnt": "would not",
    "shouldnt": "should not", "couldnt": "could not", "cant": "cannot", "havent": "have not",
    "hasnt": "has not", "hadnt": "had not", "mustnt": "must not", "neednt": "need not", "its": "it is",
    "thats": "that is", "whats": "what is", "theres": "there is", "heres": "here is", "wheres": "where is",
    "whos": "who is", "gonna": "going to", "wanna": "want to", "gotta": "got to", "np": "no problem",
    "okay": "ok", "okey": "ok", "okie": "ok", "kk": "ok", "sry": "sorry", "srry": "sorry", "soz": "sorry",
    "cuz": "because", "coz": "because", "idk": "i do not know", "can not": "cannot", "per cent": "percent",
}
_TWO_WORDS = re.compile("(?<![^ ])(?:can not|per cent)(?![^ ])")
_UNITS_0_19 = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
               "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = {w: 10 * k for k, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if k > 1}
_NUMBER_WORDS = {**{w: k for k, w in enumerate(_UNITS_0_19)}, **_TENS}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
# What a lone "one" or "2" must be next to before it is read as a number or as "to".
_UNIT_WORDS = frozenset(
    "star stars day days hour hours minute minutes second seconds week weeks month months year years "
    "percent time times item items pound pounds dollar dollars euro euros working business order orders "
    "parcel parcels package packages piece pieces pair pairs size sizes".split()
)
_TAKES_TO = frozenset(
    "happy glad nice pleased going want need have has had able unable talk speak back due reply respond "
    "listen like love welcome used how up".split()
)
_CONTEXT_WORDS = frozenset(("2",)) | _NUMBER_WORDS.keys() | _SCALES.keys()
_KEYS = frozenset(_WORDS) | _CONTEXT_WORDS

_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_SCALES = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_ZH_UNITS = "星|天|日|周|个月|个工作日|个小时|月|年|小时|分钟|秒|元|块|件|次|倍|折|号|单|位|岁|箱|包"
_ZH_NUMBER = re.compile(f"[零一二两三四五六七八九十百千万]+(?={_ZH_UNITS})")


def canonical(folded: str) -> str:
    """The canonical spelling of one folded, space-collapsed text (see the module docstring); a
    "\\x00" token (scoring.text's batch separator) passes unchanged and nothing reads across it."""
    if _ELONGATED.search(folded):
        folded = _ELONGATED.sub(r"\1", folded)
    if "can not" in folded or "per cent" in folded:
        folded = _TWO_WORDS.sub(lambda m: _WORDS[m.group()], folded)
    words = folded.split(" ")
    if not _KEYS.isdisjoint(words):
        if not _CONTEXT_WORDS.isdisjoint(words):
            words = _in_context(words)
        folded = " ".join(map(_WORDS.get, words, words))  # word for word, without a Python loop
    if not folded.isascii() and _ZH_NUMBER.search(folded):
        folded = _ZH_NUMBER.sub(_zh_number, folded)
    return folded


def _in_context(words: list[str]) -> list[str]:
    """Number words and "2", whose reading depends on their neighbours, spelled canonically."""
    out: list[Optional[str]] = list(words)
    for k in [k for k, w in enumerate(words) if w in _CONTEXT_WORDS]:
        word = words[k]
        if out[k] is None:  # already read as part of a number
            continue
        if word in _NUMBER_WORDS or (k and word in _SCALES and words[k - 1].isdigit()):
            _number(words, k, out)
        elif word == "2" and k and words[k - 1] in _TAKES_TO and k + 1 < len(words):
            nxt = words[k + 1]
            out[k] = "to" if nxt.isalpha() and nxt not in _UNIT_WORDS else word
    return [w for w in out if w is not None]


def _number(words: list[str], k: int, out: list[Optional[str]]) -> None:
    """Write the value of the number-word run starting at `words[k]` into `out[k]` (the run's other
    words become None). A lone "one" before no unit stays a word; a scale word after a digit
    multiplies it ("5 hundred")."""
    if words[k] in _SCALES:
        out[k - 1], out[k] = str(int(words[k - 1]) * _SCALES[words[k]]), None
        return
    total = current = 0
    end = k
    while end < len(words):
        word = words[end]
        value = _NUMBER_WORDS.get(word)
        if value is not None:
            if current % 100 and (value >= 10 or current % 10):  # "five six", "twenty thirty": two numbers
                break
            current += value
        elif word in _SCALES:
            if _SCALES[word] == 100:
                current *= 100
            else:
                total, current = total + current * _SCALES[word], 0
        else:
            break
        end += 1
    if end == k + 1 and words[k] == "one" and (end >= len(words) or words[end] not in _UNIT_WORDS):
        return
    out[k] = str(total + current)
    for j in range(k + 1, end):
        out[j] = None


def _zh_number(m: re.Match) -> str:
    value = _zh_value(m.group())
    return m.group() if value is None else str(value)


def _zh_value(numeral: str) -> Optional[int]:
    """The value of a Chinese numeral (二十四, 一百零五, 两千); None when it is not one number."""
    if numeral in ("百", "千", "万"):
        return None  # words on their own (百分之百, 千万)
    total = section = 0
    digit: Optional[int] = None
    for char in numeral:
        if char == "零":
            continue
        if char in _ZH_DIGITS:
            if digit is not None:
                return None  # 二三: two numbers
            digit = _ZH_DIGITS[char]
        elif char == "万":
            section += digit or 0
            if not section:
                return None
            total, section, digit = total + section * 10000, 0, None
        else:
            section += (1 if digit is None else digit) * _ZH_SCALES[char]
            digit = None
    return 0 if numeral == "零" else total + section + (digit or 0)
