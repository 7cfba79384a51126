"""The whole pipeline with the real bundled tiny.en model on the committed espeak-ng calls."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from transcripts.audio import (FasterWhisperTranscriber, ModelUnavailable, PipelineOptions, WhisperSettings,
                               to_conversation, transcribe_call)
from transcripts.metrics import conversation_metrics

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "audio"
# The lines of scripts/make_audio_fixtures.sh in order: (speaker, key words, any of which shows the
# line was heard; several per line because tiny.en mishears synthetic voices now and then).
SCRIPT = [
    ("agent", {"calling", "bright", "shop", "help"}),
    ("customer", {"parcel", "arrived", "refund"}),
    ("agent", {"sorry", "order"}),
    ("customer", {"blue", "winter", "jacket"}),
    ("agent", {"check", "delivery"}),
    ("customer", {"okay", "thanks"}),
    ("agent", {"courier", "lost", "package"}),
    ("customer", {"great", "much"}),
    ("agent", {"welcome", "goodbye"}),
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def transcriber():
    """One real tiny.en engine for the module (for every language, so nothing detects), as the app
    keeps one per process; the multilingual model is tested in test_audio_base_model.py."""
    return FasterWhisperTranscriber(WhisperSettings.from_mapping({"WHISPER_THREADS": "2", "WHISPER_MODEL": "tiny.en"}))


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def speaker_blocks(turns) -> list[tuple[str, set[str]]]:
    """Consecutive turns of one speaker as one block: (speaker, the words said)."""
    blocks: list[tuple[str, set[str]]] = []
    for turn in turns:
        if blocks and blocks[-1][0] == turn.speaker:
            blocks[-1][1].update(words(turn.text))
        else:
            blocks.append((turn.speaker, words(turn.text)))
    return blocks


def test_the_stereo_call_gives_every_line_to_the_right_speaker_in_spoken_order(transcriber):
    transcript = transcribe_call(FIXTURES / "call_stereo.ogg", transcriber)
    blocks = speaker_blocks(transcript.turns)
    assert [speaker for speaker, _ in blocks] == [speaker for speaker, _ in SCRIPT]
    for index, ((speaker, heard), (_, keys)) in enumerate(zip(blocks, SCRIPT)):
        assert heard & keys, f"line {index} ({speaker}): expected one of {sorted(keys)}, heard {sorted(heard)}"
    assert not transcript.mono and transcript.language == "en" and transcript.dropped_segments == 0
    assert all(t.start < t.end for t in transcript.turns)
    assert [t.start for t in transcript.turns] == sorted(t.start for t in transcript.turns)
    assert 15 <= transcript.duration <= 26


def test_the_stereo_call_becomes_a_conversation_whose_metrics_see_both_speakers(transcriber):
    conversation = to_conversation(transcribe_call(FIXTURES / "call_stereo.ogg", transcriber), "fx-1", "anna")
    metrics = conversation_metrics(conversation)
    assert metrics["kind"] == "call" and set(metrics["talk_time"]) == {"agent", "customer"}
    assert 0.5 < metrics["agent_talk_ratio"] < 0.85  # the agent has the longer lines
    assert metrics["response_gaps"]["count"] == 4
    assert conversation.metadata["audio"]["channels"][0]["speaker"] == "agent"


def test_a_swapped_stereo_map_swaps_every_speaker(transcriber):
    transcript = transcribe_call(FIXTURES / "call_stereo.ogg", transcriber,
                                 PipelineOptions(stereo_map=("customer", "agent")))
    swapped = {"agent": "customer", "customer": "agent"}
    assert [s for s, _ in speaker_blocks(transcript.turns)] == [swapped[s] for s, _ in SCRIPT]


def test_the_mono_call_is_transcribed_with_unknown_speakers_and_the_mono_flag(transcriber):
    transcript = transcribe_call(FIXTURES / "call_mono.ogg", transcriber)
    assert transcript.mono is True and transcript.turns
    assert {t.speaker for t in transcript.turns} == {"unknown"}
    heard = set().union(*(words(t.text) for t in transcript.turns))
    assert all(heard & keys for _, keys in SCRIPT)


def test_an_english_only_model_refuses_chinese_instead_of_guessing(transcriber):
    chinese = FasterWhisperTranscriber(WhisperSettings(model="tiny.en", threads=1, language="zh"))
    with pytest.raises(ModelUnavailable, match="model 'tiny.en' is English-only"):
        chinese.load()
    with pytest.raises(ModelUnavailable, match="English-only"):
        transcribe_call(FIXTURES / "call_mono.ogg", transcriber, PipelineOptions(language="zh"))


def test_the_model_is_loaded_once_per_transcriber(transcriber):
    assert transcriber.load() is transcriber.load()
