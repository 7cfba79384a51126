"""Speech to text for call recordings: per-channel Whisper transcription merged into timed turns.

Typical use (the caller keeps one transcriber per process; the model loads on first use):

    settings = WhisperSettings.from_mapping(os.environ)
    transcriber = FasterWhisperTranscriber(settings)
    transcript = transcribe_call("call.ogg", transcriber, PipelineOptions(stereo_map=("agent", "customer")))
    conversation = to_conversation(transcript, external_id="call-1", agent="ann")
"""
from transcripts.audio.decode import DecodedAudio, load_audio
from transcripts.audio.engine import ChannelText, FasterWhisperTranscriber, Segment, Transcriber, Word
from transcripts.audio.errors import AudioError, ModelUnavailable
from transcripts.audio.pipeline import PipelineOptions, transcribe_audio, transcribe_call
from transcripts.audio.result import ChannelStats, Transcript, to_conversation
from transcripts.audio.settings import WhisperSettings, bundled_model_dir, resolve_model

__all__ = [
    "AudioError", "ChannelStats", "ChannelText", "DecodedAudio", "FasterWhisperTranscriber",
    "ModelUnavailable", "PipelineOptions", "Segment", "Transcriber", "Transcript", "WhisperSettings",
    "Word", "bundled_model_dir", "load_audio", "resolve_model", "to_conversation", "transcribe_audio",
    "transcribe_call",
]
