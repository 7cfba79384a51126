"""The conversation model every other package reads: frozen, typed values with no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping, Optional

SPEAKERS = ("agent", "customer", "bot", "system", "unknown")
CHANNELS = ("chat", "call", "email", "social")


@dataclass(frozen=True)
class Turn:
    """One utterance. A chat turn has `at`; a call turn has `start`/`end` seconds from call start."""

    speaker: str
    text: str
    at: Optional[datetime] = None
    start: Optional[float] = None
    end: Optional[float] = None

    @property
    def is_agent(self) -> bool:
        return self.speaker == "agent"

    @property
    def is_customer(self) -> bool:
        return self.speaker == "customer"


@dataclass(frozen=True)
class Conversation:
    """A whole conversation as ingested. `external_id` is the source system's id, unique per instance."""

    external_id: str
    agent: str
    turns: tuple[Turn, ...]
    channel: str = "chat"
    started_at: Optional[datetime] = None
    language: Optional[str] = None
    queue: Optional[str] = None
    customer: Optional[str] = None
    csat: Optional[int] = None
    metadata: Mapping[str, object] = field(default_factory=dict)

    def agent_turns(self) -> list[tuple[int, Turn]]:
        """(index, turn) pairs of the agent's turns, in order."""
        return [(i, t) for i, t in enumerate(self.turns) if t.is_agent]

    def customer_turns(self) -> list[tuple[int, Turn]]:
        """(index, turn) pairs of the customer's turns, in order."""
        return [(i, t) for i, t in enumerate(self.turns) if t.is_customer]
