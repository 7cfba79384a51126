"""Approach A: engineered intent rules (scoring/intents/rules_en.py, rules_zh.py) over normalised text.

Each intent of each language is one compiled alternation of its rules, so a turn costs one regex
search per intent; results are kept per (language family, text) in a bounded cache.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Callable, Iterable, Mapping, Optional, Sequence

from scoring.intents import rules_en, rules_zh
from scoring.intents.base import INTENTS, OWN_WORDS_ONLY, IntentHit, family_of, own_words
from scoring.intents.prefilter import Weight, by_length, necessary_literals, union

_SLOT = re.compile(r"<([a-z0-9]+)>")
# English rules match whole words: the text is matched with a space on either side, and each
# pattern starts with a space and must end before one. A literal first character lets `re` skip
# to the next space instead of trying every position (5 to 10 times faster than lookarounds).
_PAD = " "
RULE_SETS: Mapping[str, tuple[dict, dict]] = {
    "en": (rules_en.SLOTS, rules_en.RULES),
    "zh": (rules_zh.SLOTS, rules_zh.RULES),
}


def _padded(body: str) -> str:
    """A rule for the padded text: its start and end anchors stand just inside the padding spaces."""
    return _END.sub("(?= $)", _START.sub("(?<=^ )", body))


_START = re.compile(r"(?<![\\\[])\^")
_END = re.compile(r"(?<!\\)\$")


def expand(pattern: str, slots: Mapping[str, str]) -> str:
    """The pattern with every `<slot>` replaced by its synonyms (slots may use other slots);
    KeyError names an unknown slot."""
    for _ in range(3):
        if "<" not in pattern:
            break
        pattern = _SLOT.sub(lambda m: slots[m.group(1)], pattern)
    return pattern


class _IntentRules:
    """One intent's rules of one language as a single regex; group `_rN` is rule N."""

    def __init__(self, intent: str, family: str, rules: Sequence[tuple[float, str]], slots: Mapping[str, str],
                 weight: Weight = by_length):
        self.intent = intent
        self.confidences = tuple(c for c, _ in rules)
        self.names = tuple(f"{family}.{intent}.{n + 1}" for n in range(len(rules)))
        # Most confident first: at one position the strongest rule wins the alternation.
        order = sorted(range(len(rules)), key=lambda n: -rules[n][0])
        self.padded = family == "en"
        bodies = [expand(rules[n][1], slots) for n in order]
        if self.padded:
            bodies = [_padded(b) for b in bodies]
        joined = "|".join(f"(?P<_r{n}>{body})" for n, body in zip(order, bodies))
        self.regex = re.compile(f" (?:{joined})(?= )" if self.padded else joined)
        # Literals one of which every match holds: most turns hold none, and skip the regex.
        # English literals are found in the padded text, so they may hold the word start before them.
        shape = (lambda body: f" (?:{_padded(body)})(?= )") if self.padded else (lambda body: body)
        self.literals = union(necessary_literals(shape(expand(pattern, slots)), weight) for _, pattern in rules)

    def best(self, text: str, family: str, own_only: bool) -> Optional[IntentHit]:
        """The most confident match (the first of equals); with `own_only`, only spans that are
        the speaker's own words (scoring.intents.base.own_words)."""
        best: Optional[IntentHit] = None
        subject = f" {text} " if self.padded else text
        for m in self.regex.finditer(subject):
            start, end = (m.start(), m.end() - 1) if self.padded else (m.start(), m.end())
            if end <= start:
                continue
            n = int(m.lastgroup[2:])
            confidence = self.confidences[n]
            if best is not None and confidence <= best.confidence:
                continue
            if own_only and own_words(text, start, end, family) is not None:
                continue
            best = IntentHit(self.intent, confidence, start, end, text[start:end].strip(), self.names[n])
        return best


@lru_cache(maxsize=2)
def _compiled(family: str) -> dict[str, _IntentRules]:
    slots, rules = RULE_SETS[family]
    weight = _commonness(family)
    return {intent: _IntentRules(intent, family, rules[intent], slots, weight) for intent in INTENTS if intent in rules}


def _commonness(family: str) -> Weight:
    """How often a literal occurs in the shipped example turns (plus a little for short ones), so
    the prefilter keeps literals that ordinary turns seldom hold ("else" rather than "is")."""
    from scoring.intents.corpus import shipped_examples
    from scoring.text import normalise

    joined = "\n".join(f" {normalise(row.text)} " for row in shipped_examples(family))
    share = 1.0 / max(1, joined.count("\n") + 1)

    @lru_cache(maxsize=None)
    def weight(literal: str) -> float:
        return joined.count(literal) * share + 0.02 * by_length(literal)

    return weight


class _GramKeys:
    """Keys of a text: its characters and its substrings of `n` characters ("grams"). A literal of
    n or more characters occurs in a text only if each of its grams does; a literal of one
    character is its own key; other literals have none."""

    def __init__(self, n: int) -> None:
        self.n = n

    def of_text(self, text: str) -> set[str]:
        """Every character of `text` and every gram."""
        n, keys = self.n, set(text)
        keys.update([text[i:i + n] for i in range(len(text) - n + 1)])
        return keys

    def of_literal(self, literal: str) -> tuple[str, ...]:
        """Keys of which `of_text(text)` holds every one whenever `literal` occurs in `text`."""
        n = self.n
        if len(literal) < n:
            return (literal,) if len(literal) == 1 else ()
        return tuple(literal[i:i + n] for i in range(len(literal) - n + 1))


class _LiteralIndex:
    """Which intents may match a text, from their rules' necessary literals (prefilter.py).

    Each literal is filed under one of its keys (_GramKeys: grams of three characters for English,
    of two for Chinese, whose literals are mostly two characters long), the one fewest shipped
    example turns hold: a text can hold the literal only if it holds that key, and a rare key is
    seldom there, so a text tests with `in` only the few literals filed under its own keys. A
    literal with no key is tested on every text. Each literal is filed once with the frozenset of
    intents it stands for. Intents with a rule that has no necessary literal (or a blank one) are
    always candidates."""

    def __init__(self, compiled: Mapping[str, _IntentRules], keys, count: Callable[[str], int]) -> None:
        self.always = frozenset(i for i, r in compiled.items()
                                if r.literals is None or not all(x.strip() for x in r.literals))
        self.padded = any(r.padded for r in compiled.values())
        self.keys_of = keys.of_text
        intents_of: dict[str, set[str]] = {}
        for intent, rules in compiled.items():
            for literal in rules.literals if intent not in self.always else ():
                intents_of.setdefault(literal, set()).add(intent)
        filed: dict[str, list[tuple[str, frozenset[str]]]] = {}
        direct: dict[str, frozenset[str]] = {}
        for literal, intents in sorted(intents_of.items()):
            choices = keys.of_literal(literal)
            if choices:  # the rarest; the first of equals
                filed.setdefault(min(choices, key=count), []).append((literal, frozenset(intents)))
            else:
                direct[literal] = frozenset(intents)
        self.by_key = {k: tuple(v) for k, v in filed.items()}
        # A frozenset, not the dict: set & frozenset walks the smaller side (the text's few keys),
        # set.intersection(dict) walks every key of the dict.
        self.keys = frozenset(self.by_key)
        self.direct, self.direct_literals = direct, tuple(direct)

    def candidates(self, text: str) -> frozenset[str]:
        """The intents whose rules may match `text` (a normalised turn): a superset of those that do."""
        if self.padded:  # as the English regexes see it
            text = f" {text} "
        found = set(self.always)
        for literal in filter(text.__contains__, self.direct_literals):  # no Python frame per literal
            found |= self.direct[literal]
        for key in self.keys_of(text) & self.keys:
            for literal, intents in self.by_key[key]:
                if not intents <= found and (literal == key or literal in text):
                    found |= intents
        return frozenset(found)


def _key_counts(family: str, keys) -> Callable[[str], int]:
    """In how many shipped example turns of the family (normalised, and padded as the English rules
    read them) each key occurs."""
    from scoring.intents.corpus import shipped_examples
    from scoring.text import normalise

    pad = _PAD if family == "en" else ""
    counts: Counter[str] = Counter()
    for row in shipped_examples(family):
        counts.update(keys.of_text(f"{pad}{normalise(row.text)}{pad}"))
    return counts.__getitem__


@lru_cache(maxsize=2)
def _index(family: str) -> _LiteralIndex:
    keys = _GramKeys(3 if family == "en" else 2)
    return _LiteralIndex(_compiled(family), keys, _key_counts(family, keys))


class RuleIntents:
    """IntentModel of engineered rules: a text is read with the rules of its own script (see
    base.family_of); confidence is the strongest matching rule's; deterministic, no training.
    Only the `wanted` intents are read (all by default); each (text, intent) is read once per process
    (bounded cache)."""

    name = "rules"

    def __init__(self, cache_size: int = 65536) -> None:
        self._cache: dict[tuple[str, str], tuple[set[str], dict[str, IntentHit]]] = {}
        self._cache_size = cache_size

    def intents(self, texts: Sequence[str], language: str,
                wanted: Optional[Iterable[str]] = None) -> list[dict[str, IntentHit]]:
        wanted = INTENTS if wanted is None else tuple(wanted)
        return [self._read(text, family_of(text, language), wanted) for text in texts]

    def _read(self, text: str, family: str, wanted: tuple[str, ...]) -> dict[str, IntentHit]:
        entry = self._cache.get((family, text))
        if entry is None:
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            candidates = _index(family).candidates(text) if text else set()
            entry = self._cache[(family, text)] = (set(INTENTS) - candidates, {})
        done, found = entry
        if done.issuperset(wanted):  # the usual case: every wanted intent read or ruled out
            return found
        compiled = _compiled(family)
        for intent in wanted:
            if intent not in done:
                done.add(intent)
                rules = compiled.get(intent)
                hit = rules.best(text, family, intent in OWN_WORDS_ONLY) if rules is not None else None
                if hit is not None:
                    found[intent] = hit
        # Callers get the cached dict, holding at least the wanted intents: results are read, never changed.
        return found
