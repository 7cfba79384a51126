"""Pure steps from engine segments to turns: hallucination guard, pause splitting, channel merging."""
import pytest

from transcripts.audio.engine import Segment, Word
from transcripts.audio.segments import is_hallucination, merge_channels, split_at_pauses
from transcripts.model import Turn


def words(*spec):
    """Words from (text, start, end) triples; texts carry Whisper's leading space."""
    return tuple(Word(start, end, f" {text}") for text, start, end in spec)


@pytest.mark.parametrize("no_speech, logprob, dropped", [
    (0.9, -1.5, True),     # silence decoded with low confidence: Whisper's hallucination signature
    (0.61, -1.01, True),   # just past both thresholds
    (0.6, -1.5, False),    # no-speech probability not above the threshold
    (0.9, -1.0, False),    # log probability not below the threshold
    (0.9, -0.2, False),    # quiet but confidently decoded speech is kept
    (0.1, -2.0, False),    # hard-to-decode speech is kept
])
def test_a_segment_is_a_hallucination_only_when_both_thresholds_are_crossed(no_speech, logprob, dropped):
    segment = Segment(0, 1, "thank you", avg_logprob=logprob, no_speech_prob=no_speech)
    assert is_hallucination(segment, 0.6, -1.0) is dropped


def test_a_segment_spanning_a_long_pause_splits_into_two_turns_with_word_times():
    segment = Segment(0.1, 14.6, " sorry about that what did you order let me check",
                      words=words(("sorry", 0.1, 0.5), ("about", 0.5, 0.8), ("that.", 0.8, 1.2),
                                  ("let", 12.4, 12.6), ("me", 12.6, 12.8), ("check", 12.8, 14.6)))
    assert split_at_pauses(segment, "agent", 0.8) == [
        Turn("agent", "sorry about that.", start=0.1, end=1.2),
        Turn("agent", "let me check", start=12.4, end=14.6),
    ]


@pytest.mark.parametrize("gap, pieces", [(0.8, 1), (0.81, 2), (0.0, 1), (5.0, 2)])
def test_only_a_pause_longer_than_the_threshold_splits_a_segment(gap, pieces):
    segment = Segment(0, 2 + gap, "a b", words=words(("a", 0, 1), ("b", 1 + gap, 2 + gap)))
    assert len(split_at_pauses(segment, "customer", 0.8)) == pieces


def test_a_segment_without_word_timestamps_stays_one_turn_with_its_own_times():
    assert split_at_pauses(Segment(3.0, 9.5, "  hello there "), "customer", 0.8) == [
        Turn("customer", "hello there", start=3.0, end=9.5)]


@pytest.mark.parametrize("segment", [
    Segment(0, 1, "   "),
    Segment(0, 1, " ", words=words(("", 0, 0.5))),
], ids=["blank text", "blank words"])
def test_a_segment_without_any_text_gives_no_turn(segment):
    assert split_at_pauses(segment, "agent", 0.8) == []


def test_channels_merge_by_start_time_so_speakers_alternate_in_spoken_order():
    agent = [Turn("agent", "hello", start=0.0, end=2.0), Turn("agent", "let me check", start=6.0, end=8.0)]
    customer = [Turn("customer", "my parcel", start=2.5, end=5.0), Turn("customer", "ok", start=8.5, end=9.0)]
    merged = merge_channels([agent, customer], 0.8)
    assert [t.text for t in merged] == ["hello", "my parcel", "let me check", "ok"]


def test_consecutive_turns_of_one_speaker_join_when_the_gap_is_short_and_stay_apart_when_long():
    agent = [Turn("agent", "one", start=0, end=1), Turn("agent", "two", start=1.5, end=2),
             Turn("agent", "three", start=5, end=6)]
    assert merge_channels([agent, []], 0.8) == (
        Turn("agent", "one two", start=0, end=2), Turn("agent", "three", start=5, end=6))


def test_a_turn_of_the_other_speaker_in_between_prevents_joining():
    agent = [Turn("agent", "one", start=0, end=1), Turn("agent", "two", start=1.6, end=2)]
    customer = [Turn("customer", "mm", start=1.1, end=1.5)]
    assert [t.speaker for t in merge_channels([agent, customer], 0.8)] == ["agent", "customer", "agent"]


def test_overlapping_speech_is_ordered_by_start_and_equal_starts_keep_channel_order():
    agent = [Turn("agent", "a", start=1.0, end=4.0)]
    customer = [Turn("customer", "c", start=1.0, end=2.0), Turn("customer", "d", start=0.5, end=3.0)]
    merged = merge_channels([agent, customer], 0.8)
    assert [t.text for t in merged] == ["d", "a", "c"]


def test_merging_no_channels_or_empty_channels_gives_no_turns():
    assert merge_channels([], 0.8) == ()
    assert merge_channels([[], []], 0.8) == ()
