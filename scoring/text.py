"""Text normalisation and phrase matching for English (word boundaries) and Chinese (no word boundaries)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

# Han, kana, bopomofo, CJK symbols and compatibility ideographs: scripts written without spaces.
_CJK_RANGES = (
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf"
    "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_CJK_CHAR = re.compile(f"[{_CJK_RANGES}]")
_CJK_GAP = re.compile(f"(?<=[{_CJK_RANGES}]) (?=[{_CJK_RANGES}])")
_LATIN_LETTER = re.compile(r"[^\W\d_]", re.ASCII)
# Apostrophes are deleted, not spaced, so that "can't", "can’t" and "cant" all read "cant".
_APOSTROPHES = "'\u2018\u2019\u02bc\u0060\u00b4\uff07"
# Before a phrase with a Latin/digit edge there must be the text's start, a space or a CJK character.
_LEFT_EDGE = f"(?<![^ {_CJK_RANGES}])"
_RIGHT_EDGE = f"(?![^ {_CJK_RANGES}])"


class _CharMap(dict):
    """str.translate table: punctuation, symbols, separators and controls become a space (computed lazily)."""

    def __missing__(self, codepoint: int) -> Optional[str]:
        category = unicodedata.category(chr(codepoint))
        value = " " if category[0] in "PSZC" else codepoint
        self[codepoint] = value
        return value


_TABLE = _CharMap({ord(c): None for c in _APOSTROPHES})


def normalise(text: Optional[str]) -> str:
    """NFKC (full-width to half-width), casefold, punctuation/symbols to spaces, collapsed whitespace.

    Spaces between two CJK characters are removed, so "您 好" and "您好，" both read "您好".
    None and empty input give "".
    """
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_TABLE)
    collapsed = " ".join(folded.split())
    if " " in collapsed and _CJK_CHAR.search(collapsed):
        collapsed = _CJK_GAP.sub("", collapsed)
    return collapsed


def has_cjk(text: str) -> bool:
    """True when the text contains at least one CJK character."""
    return _CJK_CHAR.search(text) is not None


def detect_language(texts: Iterable[str]) -> Optional[str]:
    """"zh" when CJK characters outnumber Latin letters, "en" when Latin letters do, None for neither."""
    cjk = latin = 0
    for text in texts:
        cjk += len(_CJK_CHAR.findall(text))
        latin += len(_LATIN_LETTER.findall(text))
    if cjk == 0 and latin == 0:
        return None
    # A Chinese character carries about as much as an English word, so weigh it accordingly.
    return "zh" if cjk * 4 >= latin else "en"


@dataclass(frozen=True)
class Match:
    """A phrase found in normalised text: the scorecard phrase (or regex) and the span it covers."""

    phrase: str
    start: int
    end: int
    text: str


def _phrase_pattern(phrase: str) -> str:
    """Regex for one normalised phrase: word boundaries only at Latin/digit edges, none at CJK edges."""
    body = re.escape(phrase)
    left = "" if _CJK_CHAR.match(phrase[0]) else _LEFT_EDGE
    right = "" if _CJK_CHAR.match(phrase[-1]) else _RIGHT_EDGE
    return f"{left}{body}{right}"


class PhraseMatcher:
    """Finds literal phrases (normalised the same way as the text) and regexes in normalised text.

    Regexes run unchanged against normalised text: lower case, half-width, no punctuation.
    Build through `phrase_matcher()`, which caches one matcher per phrase list.
    """

    def __init__(self, phrases: tuple[str, ...], regexes: tuple[str, ...] = ()) -> None:
        labels: list[str] = []
        patterns: list[str] = []
        seen: set[str] = set()
        for phrase in phrases:
            norm = normalise(phrase)
            if norm and norm not in seen:
                seen.add(norm)
                labels.append(phrase)
                patterns.append(_phrase_pattern(norm))
        labels.extend(regexes)
        patterns.extend(f"(?:{r})" for r in regexes)
        self.labels: tuple[str, ...] = tuple(labels)
        self._each = tuple(re.compile(p) for p in patterns)
        # Longest literal first, so "is there anything else" wins over "anything else" at one position.
        order = sorted(range(len(patterns)), key=lambda i: -len(patterns[i]))
        joined = "|".join(f"(?P<_q{i}>{patterns[i]})" for i in order)
        self._any = re.compile(joined) if patterns else None

    def __len__(self) -> int:
        return len(self.labels)

    def search(self, text: str, pos: int = 0) -> Optional[Match]:
        """The leftmost match of any phrase at or after `pos`, or None."""
        if self._any is None:
            return None
        m = self._any.search(text, pos)
        if m is None:
            return None
        index = int(m.lastgroup[2:])
        return Match(self.labels[index], m.start(), m.end(), m.group())

    def each(self, text: str) -> dict[str, Match]:
        """The first match of every phrase that occurs, keyed by phrase (for "all of" rules)."""
        found: dict[str, Match] = {}
        for label, pattern in zip(self.labels, self._each):
            m = pattern.search(text)
            if m is not None:
                found[label] = Match(label, m.start(), m.end(), m.group())
        return found


@lru_cache(maxsize=1024)
def _cached_matcher(phrases: tuple[str, ...], regexes: tuple[str, ...]) -> PhraseMatcher:
    return PhraseMatcher(phrases, regexes)


def phrase_matcher(phrases: Iterable[str] = (), regexes: Iterable[str] = ()) -> PhraseMatcher:
    """A compiled matcher for these phrases and regexes, built once per distinct list."""
    return _cached_matcher(tuple(phrases or ()), tuple(regexes or ()))


def find_phrase(phrases: Iterable[str], text: str) -> Optional[Match]:
    """Convenience: the leftmost of `phrases` in raw `text` (normalised here), or None."""
    return phrase_matcher(phrases).search(normalise(text))
