"""Text normalisation and phrase matching for English (word boundaries) and Chinese (no word boundaries)."""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

from scoring.spelling import canonical

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
# Before a phrase with a Latin/digit edge there must not be a digit or a Latin-1 letter (normalised
# text is lower case): the text's start, a space or a CJK character are edges. Said as "not these",
# not as "space or CJK": `re` compiles a class with a code point above 255 into a 64K bitmap, and
# the CJK ranges in each of a scorecard's hundreds of phrase patterns cost seconds per process.
_WORD_CHARS = "0-9a-z\u00aa\u00b5\u00ba\u00df-\u00f6\u00f8-\u00ff"
_LEFT_EDGE = f"(?<![{_WORD_CHARS}])"
_RIGHT_EDGE = f"(?![{_WORD_CHARS}])"


class _CharMap(dict):
    """str.translate table: punctuation, symbols, separators and controls become a space (computed lazily)."""

    def __missing__(self, codepoint: int) -> Optional[str]:
        category = unicodedata.category(chr(codepoint))
        value = " " if category[0] in "PSZC" else codepoint
        self[codepoint] = value
        return value


_TABLE = _CharMap({ord(c): None for c in _APOSTROPHES})
# The same mapping for ASCII text as a byte table: bytes.translate is several times faster than
# str.translate with a dict, and most English turns are pure ASCII.
_ASCII_DELETE = bytes(c for c in range(128) if _TABLE[c] is None)
_ASCII_TABLE = bytes(32 if _TABLE[c] == " " else c for c in range(128)) + bytes(range(128, 256))


def normalise(text: Optional[str]) -> str:
    """NFKC (full-width to half-width), casefold, "%" to " percent ", apostrophes deleted, other
    punctuation/symbols to spaces, collapsed whitespace, then canonical spellings (scoring.spelling:
    "hiiii" reads "hi", "pls" "please", "dont" "do not", "five" "5", 五星 "5星").

    Spaces between two CJK characters are removed, so "您 好" and "您好，" both read "您好".
    None and empty input give "".
    """
    if not text:
        return ""
    if text.isascii():  # NFKC leaves ASCII alone, casefold is lower there, and there is no CJK gap
        text = text.replace("%", " percent ") if "%" in text else text
        folded = text.lower().encode("ascii").translate(_ASCII_TABLE, _ASCII_DELETE).decode("ascii")
        return canonical(" ".join(folded.split()))
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("%", " percent ") if "%" in text else text
    collapsed = " ".join(text.casefold().translate(_TABLE).split())
    if " " in collapsed and _CJK_CHAR.search(collapsed):
        collapsed = _CJK_GAP.sub("", collapsed)
    return canonical(collapsed)


# Joins the texts of one conversation for `normalise_all`: a control character, so never part of a
# normalised text, and not whitespace to str.split; the batch table keeps it instead of spacing it.
_SEPARATOR = "\x00"
_ASCII_BATCH_TABLE = b"\x00" + _ASCII_TABLE[1:]
_SPACE_RUN = re.compile("  +")
_PADDED_SEPARATOR = f" {_SEPARATOR} "


def normalise_all(texts: Iterable[Optional[str]]) -> tuple[str, ...]:
    """`normalise` of each text, in order. An all-ASCII conversation is folded and its spaces
    collapsed in one pass, which saves most of the per-text cost; anything else goes text by text."""
    texts = [text or "" for text in texts]
    joined = _SEPARATOR.join(texts)
    if not texts or not joined.isascii() or joined.count(_SEPARATOR) != len(texts) - 1:
        return tuple(normalise(text) for text in texts)
    joined = joined.replace("%", " percent ") if "%" in joined else joined
    folded = joined.lower().encode("ascii").translate(_ASCII_BATCH_TABLE, _ASCII_DELETE).decode("ascii")
    # The table turned all other ASCII whitespace into spaces; runs of them are rare, so look first.
    collapsed = _SPACE_RUN.sub(" ", folded) if "  " in folded else folded
    # Canonical spellings in one pass too: the separator stands as a word of its own, so that no
    # rule reads across two texts.
    spelled = canonical(collapsed.replace(_SEPARATOR, _PADDED_SEPARATOR))
    return tuple(part.strip(" ") for part in spelled.split(_SEPARATOR))


def has_cjk(text: str) -> bool:
    """True when the text contains at least one CJK character."""
    return _CJK_CHAR.search(text) is not None


@dataclass(frozen=True)
class Match:
    """A phrase found in normalised text: the scorecard phrase (or regex) and the span it covers."""

    phrase: str
    start: int
    end: int
    text: str


# Chinese phrases of three or more characters still match with up to two of these between two of
# their characters: 核实订单 finds 核实一下订单, 给您带来不便 finds 给您带来了不便. Only particles,
# "a bit", "again" and "you/for you"; never a negation, which would turn the meaning round.
CJK_FILLERS = ("一下", "跟您", "为您", "帮您", "给您", "您的", "了", "的", "哦", "呢", "啊", "呀", "一", "下", "您", "再")
# One alternation, never a class: `re` compiles a class of CJK characters into a 64K bitmap, and
# there is one filler between any two characters of every tolerant phrase.
_FILLER = "(?:" + "|".join(CJK_FILLERS) + "){0,2}"
_DOUBLE_LETTER = re.compile(r"([a-z])\1")
# Assertions at the start of a regex only narrow where it matches: without them it matches wherever
# it did, and `re` can skip ahead by its first character.
_LEADING_ASSERTIONS = re.compile(r"^(?:\\b|\(\?<[!=](?:[^()\\]|\\.)*\))+")


def _phrase_body(phrase: str) -> tuple[str, str]:
    """(regex without edges, a literal every match contains, or "" when none) for one normalised phrase.

    A double letter in a Latin word of four or more letters may be written once ("goooood" reads
    "god" once elongations are folded; "sory", "helo" are common slips): "good" becomes go{1,2}d.
    Shorter words stay exact, as "as"/"ass", "to"/"too" and "of"/"off" are different words. A
    Chinese phrase of three or more characters allows fillers between its characters (CJK_FILLERS).
    The literal is the longest stretch of the phrase between the letters that may be missing (the
    second of each such double): "hole" of "asshole", not "as"."""
    if len(phrase) >= 3 and all(_CJK_CHAR.match(c) for c in phrase):
        return _FILLER.join(map(re.escape, phrase)), ""
    words, cuts, offset = [], [], 0
    for word in phrase.split(" "):
        doubles = list(_DOUBLE_LETTER.finditer(word)) if len(word) >= 4 and word.isalpha() else []
        cuts.extend(offset + d.start() + 1 for d in doubles)  # the letter that may be missing
        words.append(_DOUBLE_LETTER.sub(lambda m: re.escape(m.group(1)) + "{1,2}", word) if doubles
                     else re.escape(word))
        offset += len(word) + 1
    # The second letter of each double may be missing; the stretches between those letters may not.
    stretches = [phrase[a:b] for a, b in zip([0, *(c + 1 for c in cuts)], [*cuts, len(phrase)])]
    return re.escape(" ").join(words), max(stretches, key=len)


def _without_superstrings(needles: set[str]) -> tuple[str, ...]:
    """The needles, sorted, less each one that contains another: wherever it occurs the shorter one
    does too, so `any(n in text ...)` is unchanged and tries about a tenth fewer needles per call."""
    kept: list[str] = []
    for needle in sorted(needles, key=len):  # a needle holding a dropped one holds a kept one too
        if not any(map(needle.__contains__, kept)):
            kept.append(needle)
    return tuple(sorted(kept))


def _phrase_pattern(phrase: str, body: str) -> str:
    """Regex for one normalised phrase: word boundaries only at Latin/digit edges, none at CJK edges."""
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
        bodies: list[str] = []
        needles: set[str] = set()
        tolerant: list[str] = []
        for phrase in phrases:
            norm = normalise(phrase)
            if norm and norm not in seen:
                seen.add(norm)
                labels.append(phrase)
                body, needle = _phrase_body(norm)
                bodies.append(body)
                if needle:
                    needles.add(needle)
                else:
                    tolerant.append(body)
                patterns.append(_phrase_pattern(norm, body))
        labels.extend(regexes)
        patterns.extend(f"(?:{r})" for r in regexes)
        self.labels: tuple[str, ...] = tuple(labels)
        self._patterns = tuple(patterns)
        self._compiled: dict[int, re.Pattern] = {}  # one pattern per phrase, compiled when first asked for
        # Longest literal first, so "is there anything else" wins over "anything else" at one position.
        order = sorted(range(len(patterns)), key=lambda i: -len(patterns[i]))
        joined = "|".join(f"(?P<_q{i}>{patterns[i]})" for i in order)
        self._any = re.compile(joined) if patterns else None
        # The edge lookbehinds keep `re` from skipping ahead by first character, so `_any` scans text
        # about 20 times slower than a bare alternation of the phrases. Every match of `_any` starts
        # with a match of one of the bare phrases or of a regex without its leading \b or lookbehind,
        # so that alternation finds where `_any` may match; and every match of a phrase contains one
        # of the needles (see _phrase_body).
        quick = sorted(bodies) + [f"(?:{_LEADING_ASSERTIONS.sub('', r)})" for r in regexes]
        self._quick = re.compile("|".join(quick)) if quick else None
        self._regexes = tuple(regexes) or None
        self._literals = _without_superstrings(needles)
        self._tolerant = re.compile("|".join(tolerant)) if tolerant else None

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def regexes(self) -> tuple[str, ...]:
        """The regexes it was built with (their labels are the regexes themselves)."""
        return self._regexes or ()

    def search(self, text: str, pos: int = 0) -> Optional[Match]:
        """The leftmost match of any phrase at or after `pos`, or None."""
        if self._any is None:
            return None
        return _search(self, text, pos)

    def _search(self, text: str, pos: int) -> Optional[Match]:
        m = self._quick_search(text, pos)
        if m is None:
            return None
        index = int(m.lastgroup[2:])
        return Match(self.labels[index], m.start(), m.end(), m.group())

    def _quick_search(self, text: str, pos: int) -> Optional[re.Match]:
        """`_any.search(text, pos)`, trying `_any` only where a literal starts: every match of `_any`
        starts with one, and anchored tries cost little next to `_any` scanning the text itself."""
        while (candidate := self._quick.search(text, pos)) is not None:
            m = self._any.match(text, candidate.start())
            if m is not None:
                return m
            pos = candidate.start() + 1  # literals may overlap: the next one can start just after
        return None

    def may_occur(self, texts: Iterable[str]) -> bool:
        """False only when no phrase or regex can match in any of the normalised `texts`: one cheap
        look over all of them, so that checks can skip their turn-by-turn search."""
        if self._any is None:
            return False
        return self._regexes is not None or self._phrases_may_occur(texts)

    def narrowed(self, texts: Iterable[str]) -> Optional["PhraseMatcher"]:
        """A matcher whose `search` finds in each of the normalised `texts` what this one's finds (the
        same match, the same label): this one; the matcher of its regexes alone when none of its
        phrases can occur in any of them (a phrase that occurs nowhere never wins a position); or
        None when nothing can match. For searching turn by turn over many turns."""
        if self._any is None:
            return None
        if self._phrases_may_occur(texts):
            return self
        return None if self._regexes is None else phrase_matcher((), self._regexes)

    def _phrases_may_occur(self, texts: Iterable[str]) -> bool:
        # Normalised texts and phrases hold no newline, so no literal is found across two texts;
        # over a long text, `in` per literal beats the alternation, which tries every likely start.
        joined = "\n".join(texts)
        if any(map(joined.__contains__, self._literals)):  # no Python frame per literal
            return True
        return self._tolerant is not None and self._tolerant.search(joined) is not None

    def _pattern(self, index: int) -> re.Pattern:
        """The compiled pattern of one phrase: built on first use, since most are never asked for
        alone and compiling hundreds of them took a noticeable share of a worker's start."""
        compiled = self._compiled.get(index)
        if compiled is None:
            compiled = self._compiled[index] = re.compile(self._patterns[index])
        return compiled

    def find(self, label: str, text: str, pos: int = 0) -> Optional[Match]:
        """The first match of the one phrase (or regex) `label` at or after `pos`, or None."""
        m = self._pattern(self.labels.index(label)).search(text, pos)
        return None if m is None else Match(label, m.start(), m.end(), m.group())

    def each(self, text: str) -> dict[str, Match]:
        """The first match of every phrase that occurs, keyed by phrase (for "all of" rules)."""
        found: dict[str, Match] = {}
        if self._quick is not None and self._quick.search(text) is None:
            return found
        for index, label in enumerate(self.labels):
            m = self._pattern(index).search(text)
            if m is not None:
                found[label] = Match(label, m.start(), m.end(), m.group())
        return found


# Searches kept by matcher and text: agents' macros and stock phrases repeat across conversations,
# and several checks search the same turn for the same list. Matchers are immutable.
@lru_cache(maxsize=16384)
def _search(matcher: PhraseMatcher, text: str, pos: int) -> Optional[Match]:
    return matcher._search(text, pos)


@lru_cache(maxsize=1024)
def _cached_matcher(phrases: tuple[str, ...], regexes: tuple[str, ...]) -> PhraseMatcher:
    return PhraseMatcher(phrases, regexes)


def phrase_matcher(phrases: Iterable[str] = (), regexes: Iterable[str] = ()) -> PhraseMatcher:
    """A compiled matcher for these phrases and regexes, built once per distinct list."""
    known = _known(phrases, regexes, 1.0)
    if known is not None:
        return known
    return _remember(phrases, regexes, 1.0, _cached_matcher(tuple(phrases or ()), tuple(regexes or ())))


# Matchers by the identity of their phrase and regex tuples: a scorecard's parameters are tuples
# that live as long as the scorecard, and its checks ask for the same ones in every conversation;
# the caches above hash the whole tuple (hundreds of phrases) on each call. Only tuples are kept
# (they cannot change), and each entry holds its tuples, so their ids cannot be reused meanwhile.
_BY_IDENTITY: dict[tuple[int, int, float], tuple[tuple, tuple, object]] = {}
_MAX_BY_IDENTITY = 4096


def _known(phrases: object, regexes: object, similarity: float):
    """The matcher remembered for these very tuples, or None."""
    entry = _BY_IDENTITY.get((id(phrases), id(regexes), similarity))
    return entry[2] if entry is not None and entry[0] is phrases and entry[1] is regexes else None


def _remember(phrases: object, regexes: object, similarity: float, matcher):
    """`matcher`, remembered for `_known` when the phrases and regexes are tuples."""
    if type(phrases) is tuple and type(regexes) is tuple:
        if len(_BY_IDENTITY) >= _MAX_BY_IDENTITY:
            _BY_IDENTITY.clear()
        _BY_IDENTITY[(id(phrases), id(regexes), similarity)] = (phrases, regexes, matcher)
    return matcher


def find_phrase(phrases: Iterable[str], text: str) -> Optional[Match]:
    """Convenience: the leftmost of `phrases` in raw `text` (normalised here), or None."""
    return phrase_matcher(phrases).search(normalise(text))


# ---------------------------------------------------------------- tolerant matching (transcription errors)

# A "unit" is one Latin/digit word or one CJK character: fuzzy windows start and end on units, so a
# phrase never matches part of a word ("hi" cannot match inside "this").
_UNIT = re.compile(f"[{_CJK_RANGES}]|[^ {_CJK_RANGES}]+")


class FuzzyMatcher:
    """Literal phrases found exactly, else in a window of whole units whose difflib similarity
    (SequenceMatcher.ratio on normalised text) is at least `similarity`; regexes match exactly.

    Same interface as PhraseMatcher (`labels`, `len`, `search`, `each`). Build through
    `tolerant_matcher()`, which caches one matcher per (phrases, regexes, similarity).
    """

    def __init__(self, phrases: tuple[str, ...], regexes: tuple[str, ...], similarity: float) -> None:
        self.exact = PhraseMatcher(phrases, regexes)
        self.labels = self.exact.labels
        self.similarity = similarity
        self._targets: list[tuple[str, str, int, difflib.SequenceMatcher]] = []
        for label in self.labels[: len(self.labels) - len(regexes)]:
            norm = normalise(label)
            # set_seq2 caches the analysis of the phrase once; each window only sets seq1.
            sm = difflib.SequenceMatcher(None, autojunk=False)
            sm.set_seq2(norm)
            self._targets.append((label, norm, len(_UNIT.findall(norm)), sm))

    def __len__(self) -> int:
        return len(self.labels)

    def _best(self, target: tuple, text: str, spans: list[tuple[int, int]], first: int):
        """(ratio, match) of the most similar window starting at unit `first` (n-1..n+1 units), or None."""
        label, norm, size, sm = target
        best = None
        best_ratio = self.similarity
        for length in (size, size - 1, size + 1):
            last = first + length - 1
            if length < 1 or last >= len(spans):
                continue
            window = text[spans[first][0]:spans[last][1]]
            total = len(window) + len(norm)
            # Cheap upper bounds first: most windows are rejected without the full ratio.
            if 2 * min(len(window), len(norm)) < best_ratio * total:
                continue
            sm.set_seq1(window)
            if sm.quick_ratio() >= best_ratio and (ratio := sm.ratio()) >= best_ratio:
                best_ratio = ratio
                best = (ratio, Match(label, spans[first][0], spans[last][1], window))
        return best

    def _fuzzy(self, text: str, pos: int, targets: list[tuple]) -> Optional[Match]:
        """The leftmost similar-enough window; of windows starting inside it, the most similar wins."""
        spans = [(m.start(), m.end()) for m in _UNIT.finditer(text)]
        found: list = []
        for first in range(len(spans)):
            if spans[first][0] < pos:
                continue
            if found and spans[first][0] >= min(m.end for _, m in found):
                break
            found.extend(hit for t in targets if (hit := self._best(t, text, spans, first)) is not None)
        return max(found, key=lambda hit: hit[0])[1] if found else None

    def may_occur(self, texts: Iterable[str]) -> bool:
        """Like PhraseMatcher.may_occur; a similar-enough window may be anywhere, so True unless
        there is nothing to find."""
        return len(self.labels) > 0 if self.similarity < 1.0 else self.exact.may_occur(texts)

    def narrowed(self, texts: Iterable[str]) -> Optional["FuzzyMatcher"]:
        """Like PhraseMatcher.narrowed: this matcher, or None when there is nothing to find."""
        return self if self.may_occur(texts) else None

    def search(self, text: str, pos: int = 0) -> Optional[Match]:
        """An exact match if there is one (leftmost), else the leftmost similar-enough window."""
        exact = self.exact.search(text, pos)
        if exact is not None or self.similarity >= 1.0:
            return exact
        return self._fuzzy(text, pos, self._targets)

    def find(self, label: str, text: str, pos: int = 0) -> Optional[Match]:
        """The first exact, else similar-enough, match of the one phrase `label` at or after `pos`."""
        exact = self.exact.find(label, text, pos)
        if exact is not None or self.similarity >= 1.0:
            return exact
        targets = [t for t in self._targets if t[0] == label]
        return self._fuzzy(text, pos, targets) if targets else None

    def each(self, text: str) -> dict[str, Match]:
        """The first exact, else similar-enough, match of every phrase that occurs (regexes: exact)."""
        found = self.exact.each(text)
        if self.similarity < 1.0:
            for target in self._targets:
                if target[0] not in found and (m := self._fuzzy(text, 0, [target])) is not None:
                    found[target[0]] = m
        return found


@lru_cache(maxsize=1024)
def _cached_fuzzy(phrases: tuple[str, ...], regexes: tuple[str, ...], similarity: float) -> FuzzyMatcher:
    return FuzzyMatcher(phrases, regexes, similarity)


def tolerant_matcher(phrases: Iterable[str] = (), regexes: Iterable[str] = (), similarity: float = 1.0):
    """`phrase_matcher()` when `similarity` is 1 (the fast exact path), else a cached FuzzyMatcher."""
    if similarity >= 1.0:
        return phrase_matcher(phrases, regexes)
    similarity = float(similarity)
    known = _known(phrases, regexes, similarity)
    if known is not None:
        return known
    matcher = _cached_fuzzy(tuple(phrases or ()), tuple(regexes or ()), similarity)
    return _remember(phrases, regexes, similarity, matcher)
