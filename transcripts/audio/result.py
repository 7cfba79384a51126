"""The transcript of one recording, its per-channel statistics, and the Conversation built from it."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from transcripts.model import Conversation, Turn


@dataclass(frozen=True)
class ChannelStats:
    """What happened on one channel. `channel` is "left", "right" or "mono"."""

    channel: str
    speaker: str
    language: str
    segments: int  # segments the engine produced, dropped ones included
    dropped_segments: int
    turns: int  # speech runs kept after splitting at pauses, before the channels were merged
    speech_seconds: float
    language_probability: Optional[float] = None  # Whisper's confidence when it detected the language
    model: str = ""  # the Whisper model that transcribed the channel

    def as_dict(self) -> dict:
        return {"channel": self.channel, "speaker": self.speaker, "language": self.language,
                "language_probability": self.language_probability, "model": self.model,
                "segments": self.segments, "dropped_segments": self.dropped_segments,
                "turns": self.turns, "speech_seconds": round(self.speech_seconds, 3)}


@dataclass(frozen=True)
class Transcript:
    """A recording as timed turns (start/end seconds from the start of the file), in spoken order.

    `mono` is True when speakers could not be told apart by channel (one channel, or two identical
    ones): every turn's speaker is then "unknown". `dropped_segments` counts segments dropped as
    likely hallucinations over all channels.
    """

    source: str
    turns: tuple[Turn, ...]
    language: str
    duration: float
    mono: bool
    dropped_segments: int
    channel_stats: tuple[ChannelStats, ...]

    def metadata(self) -> dict:
        """JSON-safe statistics for Conversation.metadata["audio"]."""
        return {"source": self.source, "duration": round(self.duration, 3), "mono": self.mono,
                "dropped_segments": self.dropped_segments,
                "channels": [stats.as_dict() for stats in self.channel_stats]}


def to_conversation(transcript: Transcript, external_id: str, agent: str, *,
                    started_at: Optional[datetime] = None, queue: Optional[str] = None,
                    customer: Optional[str] = None, csat: Optional[int] = None,
                    metadata: Optional[Mapping[str, object]] = None) -> Conversation:
    """A call Conversation of the transcript's turns; its statistics go in metadata["audio"].

    Keys of `metadata` are kept, except "audio", which the transcript's statistics replace.
    """
    if not external_id:
        raise ValueError("external_id: must not be empty")
    if not agent:
        raise ValueError("agent: must not be empty")
    merged = {**(metadata or {}), "audio": transcript.metadata()}
    return Conversation(external_id=external_id, agent=agent, turns=transcript.turns, channel="call",
                        started_at=started_at, language=transcript.language or None, queue=queue,
                        customer=customer, csat=csat, metadata=merged)
