"""What an intent model gives: per normalised turn text, the intents it expresses with a confidence
and the span that carries each one; the one small interface every approach sits behind."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Optional, Protocol, Sequence

from scoring.text import has_cjk

#: Intents of agent turns, then of customer turns (see docs/scorecards.md, "The semantic layer").
AGENT_INTENTS = (
    "greeting", "empathy", "blame", "abuse", "profanity", "sarcasm", "dismissal", "promise",
    "review_for_reward", "escalation_offer", "escalation_refusal", "closing",
)
CUSTOMER_INTENTS = ("escalation_request", "upset")
INTENTS = AGENT_INTENTS + CUSTOMER_INTENTS

#: Intents that count only in the speaker's own words: a match inside a negation, a quotation or
#: someone else's reported words never counts. The ones that decide critical verdicts ("I'm not
#: saying it's your fault", "the driver said it was your problem", "I can't guarantee Friday"), the
#: rest of forbidden language (a quoted brush-off or curse is not the agent's), and an apology or an
#: escalation offer that is refused ("I won't apologise", "I can't transfer you"), and a customer's
#: feeling that is denied ("I'm not angry, just asking").
OWN_WORDS_ONLY = frozenset({"blame", "abuse", "sarcasm", "promise", "review_for_reward", "dismissal", "profanity",
                            "empathy", "escalation_offer", "upset"})


@dataclass(frozen=True)
class IntentHit:
    """One intent found in one normalised text: confidence 0..1, the span [start, end) of the
    normalised text that carries it, and what matched (a rule's name, or a classifier's strongest
    n-grams) for explanations."""

    intent: str
    confidence: float
    start: int
    end: int
    matched: str
    rule: str

    def describe(self) -> str:
        """'closing intent (0.91): "anything else i can help with"' (rule names go to evidence views)."""
        return f'{self.intent.replace("_", " ")} intent ({self.confidence:.2f}): "{self.matched}"'


class IntentModel(Protocol):
    """Anything that reads intents from normalised turn texts (scoring.text.normalise), in order.

    `intents` returns one mapping per text: intent name -> IntentHit, holding the intents found (any
    confidence above 0) among `wanted` (None: all of INTENTS; a model may read more than asked, and
    callers look up only what they asked for). For intents in OWN_WORDS_ONLY a hit must come from
    the speaker's own assertion (see `own_words`). `name` says which approach it is in explanations
    and benches. The mappings are read, never changed, by callers (models may hand out cached ones).
    """

    name: str

    def intents(self, texts: Sequence[str], language: str,
                wanted: Optional[Iterable[str]] = None) -> list[dict[str, IntentHit]]: ...


def family_of(text: str, language: str) -> str:
    """"zh" when the text has a CJK character, "en" when it has none; a Chinese conversation's Latin
    turn ("hello!") is read with the English rules, and the other way round."""
    if not text:
        return "zh" if (language or "").lower().startswith("zh") else "en"
    return "zh" if has_cjk(text) else "en"


def own_words(normalised_text: str, start: int, end: int, language: str) -> Optional[str]:
    """None when the span is the speaker's own assertion, else why not ("negated by 'not'",
    "reported speech"). The one door to scoring.speech (negation scope and reported speech);
    until that module exists every span counts as the speaker's own words."""
    judge = _speech_judge()
    return None if judge is None else judge(normalised_text, start, end, language)


@lru_cache(maxsize=1)
def _speech_judge() -> Optional[Callable[[str, int, int, str], Optional[str]]]:
    # Resolved once: a failed import is not cached by Python and would search the path every turn.
    try:
        from scoring.speech import own_words as speech_own_words
    except ImportError:
        return None
    return speech_own_words
