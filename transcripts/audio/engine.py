"""The speech-to-text engine interface, and its faster-whisper implementation (imported lazily)."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Protocol

from transcripts.audio.errors import ModelUnavailable
from transcripts.audio.settings import WhisperSettings, resolve_model

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Word:
    """One recognised word with its start/end seconds from the start of the audio."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Segment:
    """One engine segment. `words` is empty when the engine gave no word timestamps."""

    start: float
    end: float
    text: str
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class ChannelText:
    """What the engine heard on one channel: every segment it produced, and the language it used."""

    language: str
    segments: tuple[Segment, ...]


class Transcriber(Protocol):
    """Turns one channel of 16 kHz float32 samples into segments with word timestamps.

    An implementation must not drop segments on its own confidence tests (the pipeline drops and
    counts them), and should skip non-speech (VAD) and not condition on its previous text.
    `language` None means detect it.
    """

    def transcribe(self, samples: "np.ndarray", language: Optional[str]) -> ChannelText: ...


class FasterWhisperTranscriber:
    """faster-whisper on the CPU. The model is loaded on first use, once per instance; thread-safe."""

    def __init__(self, settings: Optional[WhisperSettings] = None) -> None:
        self.settings = settings or WhisperSettings()
        self._model = None
        self._lock = threading.Lock()

    def load(self):
        """The loaded WhisperModel (loads it on the first call). Raises ModelUnavailable."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return self._model

    def _load(self):
        path = resolve_model(self.settings.model)
        from faster_whisper import WhisperModel  # heavy: CTranslate2, ONNX runtime, tokenizers

        try:
            model = WhisperModel(path, device="cpu", compute_type=self.settings.compute_type,
                                 cpu_threads=self.settings.threads, local_files_only=True)
        except (RuntimeError, ValueError, OSError) as error:
            raise ModelUnavailable(f"the Whisper model at {path} cannot be loaded: {error}") from error
        _check_language(model, self.settings.language)
        return model

    def transcribe(self, samples: "np.ndarray", language: Optional[str]) -> ChannelText:
        """Segments of one channel, decoded with VAD, word timestamps and no conditioning.

        `language` overrides the settings' language. Raises ModelUnavailable when the model cannot
        be loaded or is English-only and another language is asked for.
        """
        model = self.load()
        language = language or self.settings.language
        _check_language(model, language)
        segments, info = model.transcribe(samples, **whisper_options(language))
        return ChannelText(info.language, tuple(_segment(s) for s in segments))


def _check_language(model, language: Optional[str]) -> None:
    # faster-whisper would only log a warning and transcribe Chinese speech as English gibberish.
    if language not in (None, "en") and not model.model.is_multilingual:
        raise ModelUnavailable(
            f"language {language!r} was asked for but the Whisper model is English-only; set "
            f"WHISPER_MODEL to a multilingual model directory (see transcripts.audio.settings)")


def whisper_options(language: Optional[str]) -> dict:
    """The keyword arguments the pipeline gives WhisperModel.transcribe (the benchmark reuses them).

    Whisper hallucinates in silence and repeats itself when fed its own output: VAD removes the
    silence and condition_on_previous_text=False stops the loops. no_speech_threshold=None keeps
    faster-whisper from dropping low-confidence segments silently, so the pipeline can count them.
    """
    return {"language": language, "vad_filter": True, "condition_on_previous_text": False,
            "word_timestamps": True, "no_speech_threshold": None}


def _segment(raw) -> Segment:
    words = tuple(Word(float(w.start), float(w.end), w.word) for w in (raw.words or ()))
    return Segment(float(raw.start), float(raw.end), raw.text, float(raw.avg_logprob),
                   float(raw.no_speech_prob), words)
