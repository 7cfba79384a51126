"""Call metrics from start/end seconds and chat metrics from `at` times, table-driven."""
from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone

import pytest

from transcripts.metrics import call_metrics, chat_metrics, conversation_metrics
from transcripts.model import Conversation, Turn


def call(*spans):
    """Turns from (speaker letter, start, end): a = agent, c = customer, u = unknown."""
    names = {"a": "agent", "c": "customer", "u": "unknown"}
    return [Turn(names[s], "words", start=start, end=end) for s, start, end in spans]


T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def chat(*items):
    """Turns from (speaker letter, seconds after T0)."""
    names = {"a": "agent", "c": "customer", "b": "bot"}
    return [Turn(names[s], "text", at=T0 + timedelta(seconds=sec)) for s, sec in items]


CALLS = {
    # name: (turns, talk_time, agent ratio, silence (count, longest, total), overtalk (count, total), gaps)
    "empty": ([], {}, None, (0, 0.0, 0.0), (0, 0.0), []),
    "single speaker": (call(("a", 0, 5), ("a", 10, 12)), {"agent": 7.0}, 1.0, (1, 5.0, 5.0), (0, 0.0), []),
    "customer only": (call(("c", 0, 4)), {"customer": 4.0}, 0.0, (0, 0.0, 0.0), (0, 0.0), []),
    "alternating with gaps": (call(("a", 0, 4), ("c", 5, 9), ("a", 13, 16), ("c", 16.5, 18), ("a", 18.2, 20)),
                              {"agent": 8.8, "customer": 5.5}, 0.615, (1, 4.0, 4.0), (0, 0.0), [4.0, 0.2]),
    "overlapping": (call(("a", 0, 5), ("c", 4, 8), ("a", 7.5, 10)),
                    {"agent": 7.5, "customer": 4.0}, 0.652, (0, 0.0, 0.0), (2, 1.5), [0.0]),
    "unsorted input": (call(("a", 7.5, 10), ("c", 4, 8), ("a", 0, 5)),
                       {"agent": 7.5, "customer": 4.0}, 0.652, (0, 0.0, 0.0), (2, 1.5), [0.0]),
    "backchannel inside agent speech": (call(("a", 0, 10), ("c", 3, 3.5), ("a", 11, 12)),
                                        {"agent": 11.0, "customer": 0.5}, 0.957, (0, 0.0, 0.0), (1, 0.5), []),
    "several customer turns then one reply": (call(("c", 0, 2), ("c", 6, 7), ("a", 9, 10)),
                                              {"agent": 1.0, "customer": 3.0}, 0.25, (1, 4.0, 4.0), (0, 0.0), [2.0]),
    "silence exactly at the threshold is not counted": (call(("c", 0, 1), ("a", 4, 5)), {"agent": 1.0, "customer": 1.0},
                                                        0.5, (0, 0.0, 0.0), (0, 0.0), [3.0]),
    "mono unknown speakers": (call(("u", 0, 2), ("u", 8, 9)), {"unknown": 3.0}, None, (1, 6.0, 6.0), (0, 0.0), []),
    "overlapping turns of one speaker are not overtalk": (call(("a", 0, 5), ("a", 2, 6), ("c", 20, 21)),
                                                          {"agent": 9.0, "customer": 1.0}, 0.9, (1, 14.0, 14.0),
                                                          (0, 0.0), []),
}


@pytest.mark.parametrize("turns, talk, ratio, silence, overtalk, gaps", CALLS.values(), ids=CALLS.keys())
def test_call_metrics(turns, talk, ratio, silence, overtalk, gaps):
    metrics = call_metrics(turns, silence_threshold=3.0)
    assert metrics["talk_time"] == talk
    assert metrics["agent_talk_ratio"] == ratio
    s = metrics["silence"]
    assert (s["count"], s["longest"], s["total"]) == silence
    assert (metrics["overtalk"]["count"], metrics["overtalk"]["total"]) == overtalk
    assert metrics["response_gaps"]["gaps"] == gaps
    assert metrics["response_gaps"]["count"] == len(gaps)
    assert metrics["response_gaps"]["max"] == (max(gaps) if gaps else None)
    assert metrics["response_gaps"]["mean"] == (round(sum(gaps) / len(gaps), 3) if gaps else None)


def test_a_lower_silence_threshold_counts_more_silences():
    turns = call(("a", 0, 1), ("c", 2.5, 3), ("a", 8, 9))
    assert [call_metrics(turns, threshold)["silence"]["count"] for threshold in (0.0, 1.0, 2.0, 6.0)] == [2, 2, 1, 0]


def test_untimed_turns_of_a_call_are_counted_and_otherwise_ignored():
    turns = call(("a", 0, 2)) + [Turn("customer", "no times"), Turn("agent", "half", start=3.0)]
    metrics = call_metrics(turns)
    assert (metrics["timed_turns"], metrics["untimed_turns"]) == (1, 2)
    assert metrics["talk_time"] == {"agent": 2.0}


@pytest.mark.parametrize("start, end", [(5.0, 4.0), (-1.0, 2.0), (math.nan, 1.0), (0.0, math.inf)])
def test_a_turn_that_is_not_a_time_span_is_refused_naming_it(start, end):
    turns = call(("a", 0, 1)) + [Turn("customer", "x", start=start, end=end)]
    with pytest.raises(ValueError, match=r"^turns\[1\]: "):
        call_metrics(turns)


def test_a_negative_silence_threshold_is_refused():
    with pytest.raises(ValueError, match="^silence_threshold:"):
        call_metrics([], silence_threshold=-1)


CHATS = {
    # name: (turns, first response time, response times, unanswered)
    "empty": ([], None, [], False),
    "customer only": (chat(("c", 0), ("c", 30)), None, [], True),
    "agent only": (chat(("a", 0), ("a", 10)), None, [], False),
    "simple exchange": (chat(("c", 0), ("a", 40), ("c", 60), ("a", 75)), 40.0, [40.0, 15.0], False),
    "agent greets first": (chat(("a", 0), ("c", 5), ("a", 65)), 60.0, [60.0], False),
    "waits from the first unanswered message": (chat(("c", 0), ("c", 20), ("c", 50), ("a", 90)), 90.0, [90.0], False),
    "bot messages do not answer": (chat(("c", 0), ("b", 1), ("a", 120)), 120.0, [120.0], False),
    "last customer message unanswered": (chat(("c", 0), ("a", 10), ("c", 20)), 10.0, [10.0], True),
    "unsorted input": (chat(("a", 75), ("c", 60), ("a", 40), ("c", 0)), 40.0, [40.0, 15.0], False),
    "sub-second precision": ([Turn("customer", "x", at=T0), Turn("agent", "y", at=T0 + timedelta(milliseconds=1500))],
                             1.5, [1.5], False),
}


@pytest.mark.parametrize("turns, first, times, unanswered", CHATS.values(), ids=CHATS.keys())
def test_chat_metrics(turns, first, times, unanswered):
    metrics = chat_metrics(turns)
    assert metrics["first_response_time"] == first
    assert metrics["response_times"]["times"] == times
    assert metrics["response_times"]["count"] == len(times)
    assert metrics["response_times"]["max"] == (max(times) if times else None)
    assert metrics["unanswered"] is unanswered


def test_chat_turns_without_times_are_counted_and_otherwise_ignored():
    metrics = chat_metrics(chat(("c", 0)) + [Turn("agent", "no time")] + chat(("a", 30)))
    assert (metrics["timed_turns"], metrics["untimed_turns"], metrics["first_response_time"]) == (2, 1, 30.0)


def test_mixing_times_with_and_without_a_time_zone_is_refused_naming_the_turn():
    turns = chat(("c", 0)) + [Turn("agent", "naive", at=datetime(2026, 11, 2, 9, 1))]
    with pytest.raises(ValueError, match=r"^turns\[1\]\.at: .*turns\[0\]\.at"):
        chat_metrics(turns)


def test_times_in_different_time_zones_compare_by_instant():
    later = (T0 + timedelta(seconds=30)).astimezone(timezone(timedelta(hours=8)))
    turns = [Turn("customer", "x", at=T0), Turn("agent", "y", at=later)]
    assert chat_metrics(turns)["first_response_time"] == 30.0


def conversation(turns, channel):
    return Conversation("c-1", "ann", tuple(turns), channel=channel)


@pytest.mark.parametrize("turns, channel, kind", [
    (call(("a", 0, 1), ("c", 2, 3)), "call", "call"),
    (call(("a", 0, 1), ("c", 2, 3)), "chat", "call"),      # timings decide, whatever the label
    (chat(("c", 0), ("a", 5)), "chat", "chat"),
    (chat(("c", 0), ("a", 5)), "call", "chat"),           # an imported call log with message times only
    ([Turn("agent", "hi")], "call", "call"),               # a call without timings still reports call fields
    ([Turn("agent", "hi")], "email", "none"),
    ([], "chat", "none"),
])
def test_conversation_metrics_chooses_call_or_chat_by_data_then_channel(turns, channel, kind):
    metrics = conversation_metrics(conversation(turns, channel))
    assert metrics["kind"] == kind
    assert json.loads(json.dumps(metrics)) == metrics  # JSON-safe, round-trips unchanged


def test_conversation_metrics_passes_the_silence_threshold_on():
    turns = call(("a", 0, 1), ("c", 3, 4))
    assert conversation_metrics(conversation(turns, "call"), silence_threshold=1.5)["silence"]["count"] == 1
    assert conversation_metrics(conversation(turns, "call"))["silence"]["count"] == 0
