"""Audio files (wav, mp3, m4a, ogg, flac, ...) decoded with PyAV to 16 kHz float channels."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Union

from transcripts.audio.errors import AudioError
from transcripts.audio.truncation import truncation_reason

if TYPE_CHECKING:
    import numpy as np

SAMPLE_RATE = 16000
# A container's declared duration is an estimate for some formats; only a clear shortfall is
# truncation, not the few milliseconds an encoder's padding or a rounded header can account for.
TRUNCATION_TOLERANCE = 0.25  # seconds
TRUNCATION_SHARE = 0.02


@dataclass(frozen=True)
class DecodedAudio:
    """The samples of one file: one float32 array per channel (one for mono, left then right for stereo)."""

    source: str
    channels: tuple["np.ndarray", ...]
    sample_rate: int = SAMPLE_RATE

    @property
    def duration(self) -> float:
        return len(self.channels[0]) / self.sample_rate if self.channels else 0.0

    @property
    def mono(self) -> bool:
        return len(self.channels) == 1


def load_audio(path: Union[str, os.PathLike]) -> DecodedAudio:
    """The file's channels at 16 kHz. A file with more than two channels is refused.

    Raises AudioError naming the file when it is missing, empty, a directory, not decodable
    audio, has no audio stream or no samples, or is clearly shorter than its header declares.
    """
    source = str(path)
    _check_file(Path(path), source)
    channels, declared = _probe(source)
    samples = _decode(source, stereo=channels == 2)
    decoded = DecodedAudio(source, samples)
    if decoded.duration == 0:
        raise AudioError(source, "contains no audio samples (empty or truncated audio stream)")
    if declared and decoded.duration < declared - max(TRUNCATION_TOLERANCE, TRUNCATION_SHARE * declared):
        raise AudioError(source, f"is truncated: its header declares {declared:.2f} s of audio but only "
                                 f"{decoded.duration:.2f} s could be decoded")
    return decoded


def _check_file(path: Path, source: str) -> None:
    if not path.exists():
        raise AudioError(source, "file not found")
    if path.is_dir():
        raise AudioError(source, "is a directory, not an audio file")
    if path.stat().st_size == 0:
        raise AudioError(source, "file is empty")
    try:
        reason = truncation_reason(path)
    except OSError as error:
        raise AudioError(source, f"cannot be read ({error.strerror or error})") from error
    if reason:
        raise AudioError(source, reason)


def _probe(source: str) -> tuple[int, Optional[float]]:
    """(channel count, duration declared by the container or None) of the first audio stream."""
    import av  # PyAV is heavy; imported only when a file is actually read

    try:
        with av.open(source, mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioError(source, "contains no audio stream")
            stream = container.streams.audio[0]
            channels = stream.codec_context.channels
            declared = _declared_duration(stream, container)
    except (av.FFmpegError, OSError, UnicodeDecodeError) as error:
        raise AudioError(source, f"not a readable audio file ({_reason(error)})") from error
    if channels not in (1, 2):
        raise AudioError(source, f"has {channels} audio channels; only mono and two-channel "
                                 f"(agent/customer) recordings are supported")
    return channels, declared


def _declared_duration(stream, container) -> Optional[float]:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000  # av.time_base: microseconds
    return None


def _decode(source: str, stereo: bool) -> tuple["np.ndarray", ...]:
    import av
    from faster_whisper.audio import decode_audio

    try:
        decoded = decode_audio(source, sampling_rate=SAMPLE_RATE, split_stereo=stereo)
    except (av.FFmpegError, OSError, ValueError) as error:
        raise AudioError(source, f"could not be decoded ({_reason(error)})") from error
    return tuple(decoded) if stereo else (decoded,)


def _reason(error: Exception) -> str:
    """FFmpeg's own wording without the file name it repeats."""
    strerror = getattr(error, "strerror", None)
    return str(strerror or error)
