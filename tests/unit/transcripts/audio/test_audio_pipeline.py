"""The pipeline with a scripted fake engine: channel to speaker mapping, guards, merging, Conversation."""
from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import datetime, timezone

import numpy as np
import pytest

from transcripts.audio import (ChannelText, DecodedAudio, PipelineOptions, Segment, Word,
                               to_conversation, transcribe_audio)


class ScriptedTranscriber:
    """A fake engine: returns the scripted ChannelText for the n-th call, records what it was given."""

    def __init__(self, *answers: ChannelText) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[np.ndarray, object]] = []

    def transcribe(self, samples, language):
        self.calls.append((samples, language))
        return self.answers[len(self.calls) - 1]


def seg(text, start, end, *, no_speech=0.1, logprob=-0.3, timed=True):
    """A segment whose words are spread evenly from start to end (or none when timed=False)."""
    tokens = text.split()
    step = (end - start) / len(tokens)
    words = tuple(Word(start + i * step, start + (i + 1) * step, f" {w}") for i, w in enumerate(tokens))
    return Segment(start, end, f" {text}", avg_logprob=logprob, no_speech_prob=no_speech,
                   words=words if timed else ())


def stereo(seconds=10.0):
    left = np.zeros(int(seconds * 16000), dtype=np.float32)
    right = left.copy()
    right[100] = 0.5  # the channels differ, so they are not taken for one signal twice
    return DecodedAudio("call.wav", (left, right))


LEFT = ChannelText("en", (seg("hello how can I help", 0.0, 2.0),))
RIGHT = ChannelText("en", (seg("my parcel is late", 2.5, 4.5),))


def test_left_is_the_agent_and_right_the_customer_by_default():
    transcript = transcribe_audio(stereo(), ScriptedTranscriber(LEFT, RIGHT))
    assert [(t.speaker, t.text, t.start, t.end) for t in transcript.turns] == [
        ("agent", "hello how can I help", 0.0, 2.0), ("customer", "my parcel is late", 2.5, 4.5)]
    assert transcript.mono is False and transcript.duration == 10.0


def test_the_stereo_map_can_put_the_customer_on_the_left():
    options = PipelineOptions(stereo_map=("customer", "agent"))
    transcript = transcribe_audio(stereo(), ScriptedTranscriber(LEFT, RIGHT), options)
    assert [t.speaker for t in transcript.turns] == ["customer", "agent"]


def test_each_channel_is_transcribed_separately_left_first_with_the_options_language():
    audio = stereo()
    engine = ScriptedTranscriber(LEFT, RIGHT)
    transcribe_audio(audio, engine, PipelineOptions(language="en"))
    assert [language for _, language in engine.calls] == ["en", "en"]
    assert engine.calls[0][0] is audio.channels[0] and engine.calls[1][0] is audio.channels[1]


def test_a_long_agent_segment_is_split_so_the_customer_reply_in_its_pause_lands_between():
    left = ChannelText("en", (Segment(0.0, 9.0, " sorry let me check", words=(
        Word(0.0, 0.5, " sorry"), Word(6.0, 6.5, " let"), Word(6.5, 7.0, " me"), Word(7.0, 9.0, " check"))),))
    right = ChannelText("en", (seg("okay thanks", 2.0, 3.0),))
    transcript = transcribe_audio(stereo(), ScriptedTranscriber(left, right))
    assert [(t.speaker, t.text) for t in transcript.turns] == [
        ("agent", "sorry"), ("customer", "okay thanks"), ("agent", "let me check")]


@pytest.mark.parametrize("pause_split, texts", [(0.8, ["a", "b"]), (1.4, ["a", "b"]), (1.5, ["a b"])])
def test_the_pause_threshold_is_configurable(pause_split, texts):
    gap = ChannelText("en", (Segment(0, 3, " a b", words=(Word(0, 1, " a"), Word(2.5, 3, " b"))),))
    engine = ScriptedTranscriber(gap, ChannelText("en", ()))
    assert [t.text for t in transcribe_audio(stereo(), engine, PipelineOptions(pause_split=pause_split)).turns] == texts


def test_hallucinated_segments_are_dropped_and_counted_per_channel_and_in_total():
    left = ChannelText("en", (seg("hello", 0, 1), seg("thanks for watching", 5, 6, no_speech=0.9, logprob=-1.4)))
    right = ChannelText("en", (seg("subscribe", 7, 8, no_speech=0.95, logprob=-2.0), seg("yes", 2, 3)))
    transcript = transcribe_audio(stereo(), ScriptedTranscriber(left, right))
    assert [t.text for t in transcript.turns] == ["hello", "yes"]
    assert transcript.dropped_segments == 2
    assert [(s.segments, s.dropped_segments) for s in transcript.channel_stats] == [(2, 1), (2, 1)]


def test_the_hallucination_thresholds_are_configurable():
    left = ChannelText("en", (seg("hello", 0, 1, no_speech=0.5, logprob=-0.8),))
    strict = PipelineOptions(no_speech_threshold=0.4, logprob_threshold=-0.5)
    transcript = transcribe_audio(stereo(), ScriptedTranscriber(left, ChannelText("en", ())), strict)
    assert transcript.turns == () and transcript.dropped_segments == 1


def test_a_mono_recording_gives_unknown_speakers_and_the_mono_flag():
    audio = DecodedAudio("call.wav", (np.zeros(16000, dtype=np.float32),))
    engine = ScriptedTranscriber(ChannelText("en", (seg("hello", 0, 0.5), seg("hi there", 0.6, 1.0))))
    transcript = transcribe_audio(audio, engine)
    assert [(t.speaker, t.text) for t in transcript.turns] == [("unknown", "hello hi there")]
    assert transcript.mono is True and len(engine.calls) == 1
    assert transcript.channel_stats[0].channel == "mono"


def test_two_identical_channels_are_transcribed_once_as_mono():
    same = np.linspace(-0.5, 0.5, 16000, dtype=np.float32)
    engine = ScriptedTranscriber(ChannelText("en", (seg("hello", 0, 0.5),)))
    transcript = transcribe_audio(DecodedAudio("dup.wav", (same, same.copy())), engine)
    assert transcript.mono is True and len(engine.calls) == 1
    assert transcript.turns[0].speaker == "unknown"


def test_channel_stats_and_language_come_from_the_channel_with_most_speech():
    left = ChannelText("en", (seg("hi", 0, 1),))
    right = ChannelText("zh", (seg("我 的 包裹 没有 到", 2, 6),))
    transcript = transcribe_audio(stereo(), ScriptedTranscriber(left, right))
    assert transcript.language == "zh"
    assert [(s.channel, s.speaker, s.language, s.turns) for s in transcript.channel_stats] == [
        ("left", "agent", "en", 1), ("right", "customer", "zh", 1)]
    assert transcript.channel_stats[1].speech_seconds == pytest.approx(4.0)


def test_silence_on_both_channels_gives_an_empty_transcript_not_an_error():
    transcript = transcribe_audio(stereo(), ScriptedTranscriber(ChannelText("en", ()), ChannelText("en", ())))
    assert transcript.turns == () and transcript.dropped_segments == 0 and transcript.language == "en"


def test_segments_without_word_timestamps_still_become_turns():
    left = ChannelText("en", (seg("hello there", 0, 2, timed=False),))
    transcript = transcribe_audio(stereo(), ScriptedTranscriber(left, ChannelText("en", ())))
    assert [(t.text, t.start, t.end) for t in transcript.turns] == [("hello there", 0, 2)]


@pytest.mark.parametrize("options, field", [
    (dict(stereo_map=("agent",)), "stereo_map"),
    (dict(stereo_map=("agent", "caller")), "stereo_map"),
    (dict(pause_split=0), "pause_split"),
    (dict(pause_split=-1.0), "pause_split"),
    (dict(no_speech_threshold=1.5), "no_speech_threshold"),
    (dict(logprob_threshold=0.5), "logprob_threshold"),
])
def test_bad_pipeline_options_are_refused_naming_the_option(options, field):
    with pytest.raises(ValueError, match=f"^{field}:"):
        PipelineOptions(**options)


def transcript():
    return transcribe_audio(stereo(), ScriptedTranscriber(LEFT, RIGHT))


def test_a_transcript_is_frozen():
    with pytest.raises(FrozenInstanceError):
        transcript().mono = True  # type: ignore[misc]


def test_to_conversation_builds_a_call_with_the_turns_language_and_audio_statistics():
    started = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)
    conversation = to_conversation(transcript(), "call-17", "ann", started_at=started, queue="returns",
                                   metadata={"recording": "r17.wav", "audio": "overwritten"})
    assert (conversation.external_id, conversation.agent, conversation.channel) == ("call-17", "ann", "call")
    assert conversation.language == "en" and conversation.started_at == started and conversation.queue == "returns"
    assert [t.speaker for t in conversation.turns] == ["agent", "customer"]
    assert conversation.metadata["recording"] == "r17.wav"
    assert conversation.metadata["audio"] == {
        "source": "call.wav", "duration": 10.0, "mono": False, "dropped_segments": 0,
        "channels": [
            {"channel": "left", "speaker": "agent", "language": "en", "language_probability": None, "model": "",
             "segments": 1, "dropped_segments": 0, "turns": 1, "speech_seconds": 2.0},
            {"channel": "right", "speaker": "customer", "language": "en", "language_probability": None,
             "model": "", "segments": 1, "dropped_segments": 0, "turns": 1, "speech_seconds": 2.0}]}


def test_a_language_detected_with_confidence_on_the_first_channel_is_the_language_of_the_other():
    left = ChannelText("zh", (seg("您好 请问 有什么 可以 帮您", 0.0, 2.0),), language_probability=0.91, model="base")
    right = ChannelText("zh", (seg("好的", 2.5, 3.0),), model="base")
    engine = ScriptedTranscriber(left, right)
    transcript = transcribe_audio(stereo(), engine)
    assert [language for _, language in engine.calls] == [None, "zh"]
    assert transcript.language == "zh"
    channels = transcript.metadata()["channels"]
    assert [(c["language"], c["language_probability"], c["model"]) for c in channels] == [
        ("zh", 0.91, "base"), ("zh", None, "base")]


@pytest.mark.parametrize("first", [
    ChannelText("ja", (seg("hai", 0.0, 1.0),), language_probability=0.31),  # not confident
    ChannelText("en", (), language_probability=0.97),  # confident, but the channel said nothing
    ChannelText("en", (seg("hello", 0.0, 1.0),)),  # the language was given, not detected
])
def test_an_unsure_or_silent_detection_leaves_the_other_channel_to_detect_its_own(first):
    engine = ScriptedTranscriber(first, RIGHT)
    transcribe_audio(stereo(), engine)
    assert [language for _, language in engine.calls] == [None, None]


def test_a_language_given_in_the_options_reaches_every_channel_unchanged():
    engine = ScriptedTranscriber(ChannelText("en", (seg("hello", 0.0, 1.0),), language_probability=0.99), RIGHT)
    transcribe_audio(stereo(), engine, PipelineOptions(language="zh"))
    assert [language for _, language in engine.calls] == ["zh", "zh"]


@pytest.mark.parametrize("external_id, agent, field", [("", "ann", "external_id"), ("c1", "", "agent")])
def test_to_conversation_refuses_an_empty_id_or_agent(external_id, agent, field):
    with pytest.raises(ValueError, match=f"^{field}:"):
        to_conversation(transcript(), external_id, agent)
