"""Speech-to-text figures: pipeline overhead, stereo vs mono cost, WER on jfk.wav, and the real-time
factor of each bundled model.

Targets (issue #3), on the committed stereo call tests/fixtures/audio/call_stereo.ogg:
  whole pipeline <= 1.10 x calling faster-whisper directly on each channel (same options);
  stereo, each channel with VAD <= 1.25 x transcribing the mono mix of the same call;
  WER of ../shared/data/audio/jfk.wav against jfk.txt <= 5 % (case and punctuation normalised;
  skipped with a message when ../shared/data is absent).
Real-time factor (issue #9: processing seconds per second of audio, lower is faster) of tiny.en
and the multilingual base on the same audio with the language set, and of the default for calls
of unknown language (base detects, then the model for the detected language transcribes).
Prints figures and ratios, asserts nothing. Uses WHISPER_COMPUTE_TYPE and WHISPER_THREADS from the
environment (default float32, all cores); the overhead figures run the model WHISPER_MODEL names
(default tiny.en) with the language WHISPER_LANGUAGE names (default en), so no detection is in them.
Run: .venv/bin/python bench/transcribe.py [--runs 5] [--rtf-only]
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # run as a script, this folder would come first; the repository root must

from transcripts.audio import FasterWhisperTranscriber, PipelineOptions, WhisperSettings, load_audio, transcribe_call
from transcripts.audio.engine import whisper_options

STEREO = ROOT / "tests" / "fixtures" / "audio" / "call_stereo.ogg"
MONO = ROOT / "tests" / "fixtures" / "audio" / "call_mono.ogg"
JFK = ROOT.parent / "shared" / "data" / "audio"


def timed(works: dict, runs: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds of each work over `runs` rounds, after one warm-up round.

    The works take turns within each round, so a burst of load from other processes hits all of
    them alike; CPU time is shown too because wall time swings on a shared machine.
    """
    samples = {name: ([], []) for name in works}
    for round_number in range(runs + 1):
        for name, work in works.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            work()
            if round_number:
                samples[name][0].append(time.perf_counter() - start)
                samples[name][1].append(time.process_time() - start_cpu)
    return {name: (statistics.median(wall), statistics.median(cpu)) for name, (wall, cpu) in samples.items()}


def show(label: str, figures: tuple[float, float]) -> None:
    print(f"{label:<32} wall {figures[0]:.3f} s   cpu {figures[1]:.3f} s")


def ratio(label: str, measured: tuple[float, float], base: tuple[float, float], target: float) -> None:
    print(f"  {label}: wall {measured[0] / base[0]:.2f}, cpu {measured[1] / base[1]:.2f} (target <= {target:.2f})")


def direct_per_channel(model, language) -> None:
    """What the pipeline replaces: decode both channels, run faster-whisper on each, read every segment."""
    from faster_whisper import decode_audio

    for channel in decode_audio(str(STEREO), split_stereo=True):
        segments, _ = model.transcribe(channel, **whisper_options(language))
        list(segments)


def normalise(text: str) -> list[str]:
    return re.sub(r"[^\w\s']", " ", text.lower()).replace("'", "").split()


def word_error_rate(reference: list[str], hypothesis: list[str]) -> float:
    """(substitutions + deletions + insertions) / reference words, by word-level edit distance."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, start=1):
        current = [i]
        for j, hyp in enumerate(hypothesis, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1] / max(1, len(reference))


def wer_jfk(transcriber) -> None:
    wav, txt = JFK / "jfk.wav", JFK / "jfk.txt"
    if not (wav.is_file() and txt.is_file()):
        print(f"WER: skipped, {wav} or {txt} is absent (shared evaluation data is not on this machine)")
        return
    transcript = transcribe_call(wav, transcriber)
    hypothesis = " ".join(t.text for t in transcript.turns)
    rate = word_error_rate(normalise(txt.read_text(encoding="utf-8")), normalise(hypothesis))
    print(f"WER jfk.wav: {rate:.1%} (target <= 5 %)\n  heard: {hypothesis}")


def real_time_factors(settings: WhisperSettings, runs: int) -> None:
    """Median seconds of processing per second of audio, per model, on every audio file at hand."""
    files = [STEREO, MONO] + ([JFK / "jfk.wav"] if (JFK / "jfk.wav").is_file() else [])
    engines = {"tiny.en, language en": (WhisperSettings(**{**vars(settings), "model": "tiny.en"}), "en"),
               "base, language en": (WhisperSettings(**{**vars(settings), "model": "base"}), "en"),
               "base, language zh": (WhisperSettings(**{**vars(settings), "model": "base"}), "zh"),
               "default, language unknown": (WhisperSettings(**{**vars(settings), "model": ""}), None)}
    transcribers = {name: (FasterWhisperTranscriber(engine), language) for name, (engine, language) in engines.items()}
    for transcriber, language in transcribers.values():  # model loading and assembly are not timed
        transcriber.load(language), transcriber.load("en")
    print(f"\nreal-time factor (processing s / audio s; median of {runs} runs; lower is faster)")
    for path in files:
        seconds = load_audio(path).duration
        works = {name: (lambda t=t, lang=lang: transcribe_call(path, t, PipelineOptions(language=lang)))
                 for name, (t, lang) in transcribers.items()}
        figures = timed(works, runs)
        cells = "   ".join(f"{name} {wall / seconds:.3f} (cpu {cpu / seconds:.3f})"
                           for name, (wall, cpu) in figures.items())
        print(f"  {path.name} ({seconds:.1f} s): {cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rtf-only", action="store_true", help="only the real-time factor of each model")
    args = parser.parse_args()
    settings = WhisperSettings.from_mapping({"WHISPER_MODEL": "tiny.en", "WHISPER_LANGUAGE": "en", **os.environ})
    print(f"{settings.compute_type}, {settings.threads} threads, median of {args.runs} runs")
    if not args.rtf_only:
        overheads(settings, args.runs)
    real_time_factors(settings, args.runs)


def overheads(settings: WhisperSettings, runs: int) -> None:
    transcriber = FasterWhisperTranscriber(settings)
    model = transcriber.load()
    print(f"model {settings.model}, language {settings.language or 'detected'}")
    figures = timed({"stereo": lambda: transcribe_call(STEREO, transcriber),
                     "direct": lambda: direct_per_channel(model, settings.language),
                     "mono": lambda: transcribe_call(MONO, transcriber)}, runs)
    stereo, direct, mono = figures["stereo"], figures["direct"], figures["mono"]
    show("pipeline, stereo call", stereo)
    show("faster-whisper on each channel", direct)
    ratio("pipeline / direct", stereo, direct, 1.10)
    show("pipeline, mono mix of the call", mono)
    ratio("stereo / mono mix", stereo, mono, 1.25)
    wer_jfk(transcriber)


if __name__ == "__main__":
    main()
