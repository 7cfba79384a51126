"""Pure steps from engine segments to turns: confidence guard, splitting at pauses, merging channels."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from transcripts.audio.engine import Segment
from transcripts.model import Turn


def is_hallucination(segment: Segment, no_speech_threshold: float, logprob_threshold: float) -> bool:
    """Whisper's own silence test: likely no speech AND a low-confidence decoding.

    A high no-speech probability alone is not enough (quiet speech has one too), nor is a low
    log probability alone (an accent or a noisy line has one too).
    """
    return segment.no_speech_prob > no_speech_threshold and segment.avg_logprob < logprob_threshold


def split_at_pauses(segment: Segment, speaker: str, pause: float) -> list[Turn]:
    """The segment as one turn per run of words with no gap longer than `pause` seconds between them.

    Whisper segments can run across long pauses in which the other party speaks; splitting them
    keeps the true order once the channels are merged. A segment without word timestamps stays
    whole. Runs without any text are left out.
    """
    if not segment.words:
        text = segment.text.strip()
        return [Turn(speaker, text, start=segment.start, end=segment.end)] if text else []
    runs: list[list] = [[segment.words[0]]]
    for word in segment.words[1:]:
        if word.start - runs[-1][-1].end > pause:
            runs.append([])
        runs[-1].append(word)
    turns = []
    for run in runs:
        text = "".join(word.text for word in run).strip()
        if text:
            turns.append(Turn(speaker, text, start=run[0].start, end=run[-1].end))
    return turns


def merge_channels(channels: Sequence[Iterable[Turn]], pause: float) -> tuple[Turn, ...]:
    """All channels' turns in order of start time, consecutive turns of one speaker joined.

    Ties in start time keep channel order (left before right). Two turns of the same speaker
    next to each other are joined when the gap between them is at most `pause` seconds, which
    undoes Whisper's own segment breaks but keeps real pauses as separate turns.
    """
    ordered = sorted(
        ((turn.start, index, position, turn)
         for index, turns in enumerate(channels) for position, turn in enumerate(turns)),
        key=lambda item: item[:3])
    merged: list[Turn] = []
    for *_, turn in ordered:
        last = merged[-1] if merged else None
        if last is not None and last.speaker == turn.speaker and turn.start - last.end <= pause:
            merged[-1] = Turn(last.speaker, f"{last.text} {turn.text}", start=last.start,
                              end=max(last.end, turn.end))
        else:
            merged.append(turn)
    return tuple(merged)
