"""Decoding wav, mp3, m4a, ogg and flac with PyAV, and a clear AudioError for every kind of bad file."""
from __future__ import annotations

import pickle
import wave
from pathlib import Path

import numpy as np
import pytest

from transcripts.audio import AudioError, load_audio

RATE = 16000
FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "audio"
# (file name, PyAV codec, encoder sample rate): every container the pipeline promises to read
FORMATS = [("tone.wav", "pcm_s16le", 16000), ("tone.flac", "flac", 16000), ("tone.mp3", "libmp3lame", 16000),
           ("tone.m4a", "aac", 16000), ("tone.ogg", "libopus", 48000)]


def write_tone(path: Path, codec: str, rate: int, channels: int = 2, seconds: float = 2.0) -> Path:
    """A tone file: loud 440 Hz on the left (or only) channel, quiet on the right channel."""
    import av

    t = np.arange(int(seconds * rate)) / rate
    left = 0.5 * np.sin(2 * np.pi * 440 * t)
    signal = np.stack([left, 0.05 * np.sin(2 * np.pi * 660 * t)][:channels])
    layout = "stereo" if channels == 2 else "mono"
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        frame = av.AudioFrame.from_ndarray((signal.T.reshape(1, -1) * 32767).astype(np.int16),
                                           format="s16", layout=layout)
        frame.sample_rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return path


@pytest.mark.parametrize("name, codec, rate", FORMATS)
def test_each_supported_format_decodes_to_two_16_khz_channels_with_left_and_right_kept_apart(
        tmp_path, name, codec, rate):
    audio = load_audio(write_tone(tmp_path / name, codec, rate))
    assert len(audio.channels) == 2 and audio.sample_rate == RATE and not audio.mono
    assert audio.duration == pytest.approx(2.0, abs=0.15)
    left, right = (float(np.sqrt(np.mean(channel ** 2))) for channel in audio.channels)
    assert left > 5 * right > 0


def test_a_mono_file_decodes_to_one_channel(tmp_path):
    audio = load_audio(write_tone(tmp_path / "mono.flac", "flac", RATE, channels=1))
    assert audio.mono and len(audio.channels) == 1 and audio.channels[0].dtype == np.float32


def test_the_committed_fixtures_are_a_stereo_and_a_mono_call_under_one_megabyte_together():
    stereo, mono = load_audio(FIXTURES / "call_stereo.ogg"), load_audio(FIXTURES / "call_mono.ogg")
    assert len(stereo.channels) == 2 and mono.mono
    assert 15 <= stereo.duration <= 26
    assert sum(f.stat().st_size for f in FIXTURES.iterdir()) <= 1_000_000


def test_a_six_channel_file_is_refused_as_an_unsupported_layout(tmp_path):
    import av

    path = tmp_path / "surround.wav"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("pcm_s16le", rate=RATE, layout="5.1")
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 6 * RATE), dtype=np.int16), format="s16", layout="5.1")
        frame.sample_rate = RATE
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    with pytest.raises(AudioError, match="has 6 audio channels"):
        load_audio(path)


def cut_in_half(path: Path) -> Path:
    data = path.read_bytes()
    cut = path.with_name("cut_" + path.name)
    cut.write_bytes(data[: len(data) // 2])
    return cut


@pytest.mark.parametrize("name, codec, rate, reason", [
    ("tone.wav", "pcm_s16le", 16000, "is truncated: its WAV header declares"),
    ("tone.ogg", "libopus", 48000, "is truncated: the last Ogg page is cut off"),
    ("tone.flac", "flac", 16000, "is truncated: its header declares 2.00 s"),
    ("tone.mp3", "libmp3lame", 16000, "is truncated: its header declares 2.00 s"),
    ("tone.m4a", "aac", 16000, "not a readable audio file"),  # the index (moov) is at the end
])
def test_a_file_cut_in_half_is_an_audio_error_naming_the_file(tmp_path, name, codec, rate, reason):
    cut = cut_in_half(write_tone(tmp_path / name, codec, rate))
    with pytest.raises(AudioError) as raised:
        load_audio(cut)
    assert raised.value.source == str(cut) and str(raised.value).startswith(f"{cut}: {reason}")


def test_an_ogg_file_cut_exactly_at_a_page_boundary_is_truncated(tmp_path):
    data = (FIXTURES / "call_stereo.ogg").read_bytes()
    last_page = data.rfind(b"OggS")
    path = tmp_path / "cut.ogg"
    path.write_bytes(data[:last_page])
    with pytest.raises(AudioError, match="ends without its end-of-stream page"):
        load_audio(path)


def test_a_wav_file_that_ends_inside_its_header_is_truncated(tmp_path):
    path = tmp_path / "header.wav"
    path.write_bytes(write_tone(tmp_path / "t.wav", "pcm_s16le", RATE).read_bytes()[:30])
    with pytest.raises(AudioError, match="truncated"):
        load_audio(path)


@pytest.mark.parametrize("content, reason", [
    (bytes(range(256)) * 40, "not a readable audio file"),
    (b"this is a text file, not a recording\n" * 30, "not a readable audio file"),
    (b"", "file is empty"),
], ids=["random bytes", "text", "empty"])
def test_a_file_that_is_not_audio_is_an_audio_error(tmp_path, content, reason):
    path = tmp_path / "call.mp3"
    path.write_bytes(content)
    with pytest.raises(AudioError, match=f"^{path}: {reason}"):
        load_audio(path)


def test_a_wav_file_with_a_header_but_no_samples_has_no_audio_samples(tmp_path):
    path = tmp_path / "silent.wav"
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(2)
        writer.setsampwidth(2)
        writer.setframerate(RATE)
        writer.writeframes(b"")
    with pytest.raises(AudioError, match="contains no audio samples"):
        load_audio(path)


def test_a_missing_file_or_a_directory_is_an_audio_error(tmp_path):
    with pytest.raises(AudioError, match="missing.wav: file not found"):
        load_audio(tmp_path / "missing.wav")
    with pytest.raises(AudioError, match="is a directory"):
        load_audio(tmp_path)


def test_a_video_file_without_sound_has_no_audio_stream(tmp_path):
    import av

    path = tmp_path / "silent.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=5)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), dtype=np.uint8), format="rgb24")
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    with pytest.raises(AudioError, match="contains no audio stream"):
        load_audio(path)


def test_an_audio_error_pickles_with_its_source_and_reason():
    error = pickle.loads(pickle.dumps(AudioError("a.wav", "file is empty")))
    assert (error.source, error.reason, str(error)) == ("a.wav", "file is empty", "a.wav: file is empty")
