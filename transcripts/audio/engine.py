"""The speech-to-text engine interface, and its faster-whisper implementation (imported lazily)."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Protocol

from transcripts.audio.errors import ModelUnavailable
from transcripts.audio.settings import WhisperSettings, resolve_model

# Whisper's own threshold for trusting a language it detected: from this probability on, the
# model for that language transcribes the call; below, the model for unknown languages does.
DETECTION_CONFIDENCE = 0.5

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
    """What the engine heard on one channel: every segment it produced, and the language it used.

    `language_probability` is the engine's confidence in `language` when it detected it, None
    when the language was given. `model` names the model that transcribed the channel.
    """

    language: str
    segments: tuple[Segment, ...]
    language_probability: Optional[float] = None
    model: str = ""


class Transcriber(Protocol):
    """Turns one channel of 16 kHz float32 samples into segments with word timestamps.

    An implementation must not drop segments on its own confidence tests (the pipeline drops and
    counts them), and should skip non-speech (VAD) and not condition on its previous text.
    `language` None means detect it.
    """

    def transcribe(self, samples: "np.ndarray", language: Optional[str]) -> ChannelText: ...


class FasterWhisperTranscriber:
    """faster-whisper on the CPU, with the model chosen per language (WhisperSettings.model_for).

    Each model is loaded on first use, once per instance; thread-safe.

    Spoken-language detection lives here, in the speech-to-text adapter: Whisper tells the
    language from the sound of a channel (multilingual models only). It is not the product's
    language detector for text (transcripts.language.detect_language), which reads characters.
    """

    def __init__(self, settings: Optional[WhisperSettings] = None) -> None:
        self.settings = settings or WhisperSettings()
        self._models: dict[str, object] = {}
        self._lock = threading.Lock()

    def load(self, language: Optional[str] = None):
        """The loaded WhisperModel for calls in `language` (None: the settings' language, else
        unknown), loaded on the first call. Raises ModelUnavailable, also when that model is
        English-only and another language is asked for."""
        language = language or self.settings.language
        name = self.settings.model_for(language)
        model = self._named(name)
        _check_language(model, name, language)
        return model

    def _named(self, name: str):
        with self._lock:  # also keeps two threads from assembling the bundled model at once
            if name not in self._models:
                self._models[name] = self._load(name)
            return self._models[name]

    def _load(self, name: str):
        path = resolve_model(name, self.settings.cache_dir)
        from faster_whisper import WhisperModel  # heavy: CTranslate2, ONNX runtime, tokenizers

        try:
            return WhisperModel(path, device="cpu", compute_type=self.settings.compute_type,
                                cpu_threads=self.settings.threads, local_files_only=True)
        except (RuntimeError, ValueError, OSError) as error:
            raise ModelUnavailable(f"the Whisper model at {path} cannot be loaded: {error}") from error

    def transcribe(self, samples: "np.ndarray", language: Optional[str]) -> ChannelText:
        """Segments of one channel, decoded with VAD, word timestamps and no conditioning.

        `language` overrides the settings' language. When neither gives one, the language is
        detected first (detect) and the channel is transcribed by the model for that language,
        or by the model for unknown languages when the detection is not confident. Raises
        ModelUnavailable when a model cannot be loaded or is English-only and another language
        is asked for.
        """
        language = language or self.settings.language
        probability, chosen = None, language
        if language is None:
            language, probability = self.detect(samples)
            chosen = language if probability >= DETECTION_CONFIDENCE else None
        model = self.load(chosen)
        segments, info = model.transcribe(samples, **whisper_options(language))
        segments = tuple(_segment(s) for s in segments)  # the generator does the work
        return ChannelText(info.language, segments, probability, self.settings.model_for(chosen))

    def detect(self, samples: "np.ndarray") -> tuple[str, float]:
        """The spoken language of one channel and Whisper's probability for it, by the model for
        unknown languages, from the first 30 seconds of speech (VAD on)."""
        model = self._named(self.settings.model_for(None))
        if not model.model.is_multilingual:
            return "en", 1.0  # an English-only model hears everything as English
        language, probability, _ = model.detect_language(samples, vad_filter=True)
        return language, round(float(probability), 3)


def _check_language(model, name: str, language: Optional[str]) -> None:
    # faster-whisper would only log a warning and transcribe Chinese speech as English gibberish.
    if language not in (None, "en") and not model.model.is_multilingual:
        raise ModelUnavailable(
            f"language {language!r} was asked for but the Whisper model {name!r} is English-only; "
            f"choose a multilingual model such as base for it in WHISPER_MODEL_BY_LANGUAGE or "
            f"WHISPER_MODEL (see transcripts.audio.settings)")


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
