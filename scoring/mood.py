"""The customer's mood over a conversation: start, end and lowest polarity, and a label for the end.

One owner for "how did the customer feel at the end": the stored summary (conversation metadata),
the `customer_sentiment_end` check and `qadesk scorer eval` all read it from here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from transcripts.model import Conversation

#: End polarity at or above POSITIVE_AT reads "positive", below NEGATIVE_AT "negative", else "neutral".
POSITIVE_AT = 0.2
NEGATIVE_AT = -0.2
MOOD_LABELS = ("positive", "neutral", "negative")


@dataclass(frozen=True)
class CustomerMood:
    """Polarities (-1..1) of the customer: first scored turn, the end reading, and the lowest turn."""

    start: float
    end: float
    lowest: float

    @property
    def label(self) -> str:
        return mood_label(self.end)

    def as_meta(self) -> dict[str, object]:
        """The form stored in conversation metadata under "sentiment"."""
        return {"start": self.start, "end": self.end, "min": self.lowest, "label": self.label}


def mood_label(polarity: float) -> str:
    """"positive", "neutral" or "negative" for an end polarity."""
    if polarity >= POSITIVE_AT:
        return "positive"
    if polarity < NEGATIVE_AT:
        return "negative"
    return "neutral"


def customer_mood(conversation: Conversation, polarity: Mapping[int, float]) -> Optional[CustomerMood]:
    """The customer's mood from the polarity of turns by index; None when no customer turn was scored.

    The end reading is the last scored customer turn's polarity.
    """
    scored = [polarity[i] for i, _ in conversation.customer_turns() if i in polarity]
    if not scored:
        return None
    return CustomerMood(start=scored[0], end=scored[-1], lowest=min(scored))
