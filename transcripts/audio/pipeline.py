"""A call recording to a Transcript: decode, transcribe each channel, guard, split at pauses, merge."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional, Union

from transcripts.audio.decode import DecodedAudio, load_audio
from transcripts.audio.engine import DETECTION_CONFIDENCE, ChannelText, Transcriber
from transcripts.audio.result import ChannelStats, Transcript
from transcripts.audio.segments import is_hallucination, merge_channels, split_at_pauses
from transcripts.model import SPEAKERS, Turn

# Two channels whose samples differ by less than this everywhere are one signal recorded twice.
IDENTICAL_CHANNELS = 1e-3


@dataclass(frozen=True)
class PipelineOptions:
    """How channels map to speakers and which segments count as hallucinations.

    `stereo_map` names the speakers of the left and right channel. `pause_split` is the longest
    pause in seconds inside one turn. A segment is dropped when its no-speech probability is above
    `no_speech_threshold` and its average log probability below `logprob_threshold`.
    `language` None uses the transcriber's setting (detection by default): the first channel with
    speech whose language Whisper detects confidently sets the language of the other channel.
    """

    stereo_map: tuple[str, str] = ("agent", "customer")
    pause_split: float = 0.8
    no_speech_threshold: float = 0.6
    logprob_threshold: float = -1.0
    language: Optional[str] = None

    def __post_init__(self) -> None:
        if len(self.stereo_map) != 2 or any(s not in SPEAKERS for s in self.stereo_map):
            raise ValueError(f"stereo_map: must be two speakers from {', '.join(SPEAKERS)}, "
                             f"got {self.stereo_map!r}")
        if not self.pause_split > 0:
            raise ValueError(f"pause_split: must be more than 0 seconds, got {self.pause_split!r}")
        if not 0 <= self.no_speech_threshold <= 1:
            raise ValueError(f"no_speech_threshold: must be between 0 and 1, got {self.no_speech_threshold!r}")
        if not self.logprob_threshold <= 0:
            raise ValueError(f"logprob_threshold: must be 0 or less, got {self.logprob_threshold!r}")


def transcribe_call(path: Union[str, os.PathLike], transcriber: Transcriber,
                    options: PipelineOptions = PipelineOptions()) -> Transcript:
    """The transcript of the audio file at `path`.

    Raises AudioError for a file that cannot be used, and whatever the transcriber raises
    (ModelUnavailable for FasterWhisperTranscriber when its model cannot be loaded offline).
    """
    return transcribe_audio(load_audio(path), transcriber, options)


def transcribe_audio(audio: DecodedAudio, transcriber: Transcriber,
                     options: PipelineOptions = PipelineOptions()) -> Transcript:
    """The transcript of decoded audio; each channel is transcribed separately, then merged by time.

    Left and right become the speakers of options.stereo_map. One channel, or two identical ones,
    give turns by "unknown" and mono=True.
    """
    layout = _layout(audio, options)
    channel_turns, stats = [], []
    language = options.language
    for name, speaker, samples in layout:
        heard = transcriber.transcribe(samples, language)
        turns, channel_stats = _channel(heard, name, speaker, options)
        channel_turns.append(turns)
        stats.append(channel_stats)
        language = language or _call_language(heard, turns)
    turns = merge_channels(channel_turns, options.pause_split)
    return Transcript(source=audio.source, turns=turns, language=_main_language(stats),
                      duration=audio.duration, mono=len(layout) == 1,
                      dropped_segments=sum(s.dropped_segments for s in stats), channel_stats=tuple(stats))


def _call_language(heard: ChannelText, turns: list[Turn]) -> Optional[str]:
    """The language Whisper detected on a channel with speech, for the call's other channel.

    Both sides of a call speak one language, and a few short answers ("好的", "ok") are too
    little for Whisper to tell; so the first channel that says something confidently decides.
    """
    confident = heard.language_probability is not None and heard.language_probability >= DETECTION_CONFIDENCE
    return heard.language if turns and confident else None


def _layout(audio: DecodedAudio, options: PipelineOptions) -> list[tuple[str, str, object]]:
    """(channel name, speaker, samples) for each channel to transcribe."""
    if audio.mono:
        return [("mono", "unknown", audio.channels[0])]
    left, right = audio.channels
    if len(left) == len(right) and (abs(left - right) < IDENTICAL_CHANNELS).all():
        return [("mono", "unknown", left)]
    return [("left", options.stereo_map[0], left), ("right", options.stereo_map[1], right)]


def _channel(heard: ChannelText, name: str, speaker: str,
             options: PipelineOptions) -> tuple[list[Turn], ChannelStats]:
    kept = [s for s in heard.segments
            if not is_hallucination(s, options.no_speech_threshold, options.logprob_threshold)]
    turns = [turn for segment in kept for turn in split_at_pauses(segment, speaker, options.pause_split)]
    stats = ChannelStats(channel=name, speaker=speaker, language=heard.language,
                         segments=len(heard.segments), dropped_segments=len(heard.segments) - len(kept),
                         turns=len(turns), speech_seconds=sum(t.end - t.start for t in turns),
                         language_probability=heard.language_probability, model=heard.model)
    return turns, stats


def _main_language(stats: list[ChannelStats]) -> str:
    """The language of the channel with the most speech (the first channel's when none has speech)."""
    return max(stats, key=lambda s: s.speech_seconds).language
