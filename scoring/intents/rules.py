"""Approach A: engineered intent rules (scoring/intents/rules_en.py, rules_zh.py) over normalised text.

Each intent of each language is one compiled alternation of its rules, so a turn costs one regex
search per intent; results are kept per (language family, text) in a bounded cache.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Mapping, Optional, Sequence

from scoring.intents import rules_en, rules_zh
from scoring.intents.base import INTENTS, OWN_WORDS_ONLY, IntentHit, family_of, own_words

_SLOT = re.compile(r"<([a-z0-9]+)>")
# Latin rules match whole words: the text's start, a space or a CJK character on either side.
_LEFT, _RIGHT = r"(?<![a-z0-9])", r"(?![a-z0-9])"
RULE_SETS: Mapping[str, tuple[dict, dict]] = {"en": (rules_en.SLOTS, rules_en.RULES), "zh": (rules_zh.SLOTS, rules_zh.RULES)}


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

    def __init__(self, intent: str, family: str, rules: Sequence[tuple[float, str]], slots: Mapping[str, str]):
        self.intent = intent
        self.confidences = tuple(c for c, _ in rules)
        self.names = tuple(f"{family}.{intent}.{n + 1}" for n in range(len(rules)))
        # Longest-confidence first: at one position the strongest rule wins the alternation.
        order = sorted(range(len(rules)), key=lambda n: -rules[n][0])
        edge = (_LEFT, _RIGHT) if family == "en" else ("", "")
        joined = "|".join(f"(?P<_r{n}>{edge[0]}(?:{expand(rules[n][1], slots)}){edge[1]})" for n in order)
        self.regex = re.compile(joined)

    def best(self, text: str, family: str, own_only: bool) -> Optional[IntentHit]:
        """The most confident match (the first of equals); with `own_only`, only spans that are
        the speaker's own words (scoring.intents.base.own_words)."""
        best: Optional[IntentHit] = None
        for m in self.regex.finditer(text):
            if m.end() == m.start():
                continue
            n = int(m.lastgroup[2:])
            confidence = self.confidences[n]
            if best is not None and confidence <= best.confidence:
                continue
            if own_only and own_words(text, m.start(), m.end(), family) is not None:
                continue
            best = IntentHit(self.intent, confidence, m.start(), m.end(), m.group().strip(), self.names[n])
        return best


@lru_cache(maxsize=2)
def _compiled(family: str) -> tuple[_IntentRules, ...]:
    slots, rules = RULE_SETS[family]
    return tuple(_IntentRules(intent, family, rules[intent], slots) for intent in INTENTS if intent in rules)


class RuleIntents:
    """IntentModel of engineered rules: a text is read with the rules of its own script (see
    base.family_of); confidence is the strongest matching rule's; deterministic, no training."""

    name = "rules"

    def intents(self, texts: Sequence[str], language: str) -> list[dict[str, IntentHit]]:
        return [_read(text, family_of(text, language)) for text in texts]


@lru_cache(maxsize=65536)
def _read(text: str, family: str) -> dict[str, IntentHit]:
    # Callers get the cached dict: IntentModel results are read, never changed.
    found: dict[str, IntentHit] = {}
    if not text:
        return found
    for rules in _compiled(family):
        hit = rules.best(text, family, rules.intent in OWN_WORDS_ONLY)
        if hit is not None:
            found[rules.intent] = hit
    return found
