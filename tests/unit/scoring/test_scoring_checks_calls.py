"""dead_air, hold_etiquette, overtalk and talk_ratio, table-driven; silences agree with call_metrics."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.checks.base import CheckContext
from scoring.checks.calls import metrics_of, silences
from scoring_testkit import check, conv
from transcripts.metrics import call_metrics
from transcripts.model import Conversation, Turn

SPEAKER = {"a": "agent", "c": "customer", "b": "bot"}


def call(*turns: tuple) -> Conversation:
    """call(("a", "hello", 0, 2), ("c", "hi", 2.5, 3)): speaker, text, start and end seconds."""
    built = tuple(Turn(SPEAKER[s], text, start=start, end=end) for s, text, start, end in turns)
    return Conversation("call-1", "agent-1", built, channel="call")


DEAD_AIR = [
    ("short pauses pass", call(("a", "hello", 0, 2), ("c", "hi", 3, 4), ("a", "ok", 6, 7)),
     "pass", "no unannounced silence over 5 s", []),
    ("a long silence fails with the turns around it",
     call(("a", "hello", 0, 2), ("c", "my order", 3, 5), ("a", "right", 17, 18)),
     "fail", "12 s of silence after turn 2 with no hold announced (limit 5 s)", [1, 2]),
    ("a hold announced just before excuses the silence",
     call(("c", "my order", 0, 2), ("a", "Please hold while I check", 2, 4), ("a", "thanks for holding", 40, 42)),
     "pass", "no unannounced silence over 5 s (1 announced hold excused)", []),
    ("a chinese hold announcement counts too",
     call(("c", "我的订单", 0, 2), ("a", "好的请稍等", 2, 4), ("c", "嗯", 4, 5), ("a", "让您久等了", 40, 42)),
     "pass", "1 announced hold excused", []),
    ("a hold announced earlier in the call does not excuse a later silence",
     call(("a", "one moment", 0, 2), ("a", "found it", 10, 12), ("c", "and?", 13, 14), ("a", "so", 30, 31)),
     "fail", "16 s of silence after turn 3 with no hold announced (limit 5 s) (1 announced hold excused)", [2, 3]),
    ("overlapping speech is not silence",
     call(("a", "long explanation", 0, 20), ("c", "mm", 5, 6), ("a", "so", 21, 22)), "pass", "no unannounced", []),
    ("several silences are all evidence",
     call(("a", "a", 0, 1), ("c", "b", 10, 11), ("a", "c", 30, 31)),
     "fail", "19 s of silence after turn 2 with no hold announced and 1 more silence", [0, 1, 2]),
    ("a chat without start and end is not applicable", conv(("a", "hello"), ("c", "hi")),
     "na", "no turn has start and end times (not a timed call)", []),
    ("a turn that ends before it starts is not applicable", call(("a", "hello", 5, 2)),
     "na", "unusable turn times: turn 1 starts at 5 and ends at 2", []),
]


@pytest.mark.parametrize("case, conversation, result, explanation, turns", DEAD_AIR, ids=[c[0] for c in DEAD_AIR])
def test_dead_air(case, conversation, result, explanation, turns):
    outcome = check(conversation, "dead_air", seconds=5)
    assert outcome.result == result
    assert explanation in outcome.explanation
    assert [e.turn for e in outcome.evidence] == turns


def test_dead_air_hold_phrases_are_configurable():
    conversation = call(("a", "let me look into it", 0, 2), ("a", "found it", 30, 31))
    assert check(conversation, "dead_air", seconds=5).result == "fail"
    assert check(conversation, "dead_air", seconds=5, hold_phrases=["let me look"]).result == "pass"


SPANS = st.lists(st.tuples(st.sampled_from("acb"), st.floats(0, 100), st.floats(0, 30)), max_size=10)


@given(SPANS, st.floats(0, 10))
def test_silences_are_the_ones_call_metrics_counts(spans, threshold):
    conversation = call(*[(s, "x", start, start + length) for s, start, length in spans])
    found = silences(conversation, threshold)
    summary = call_metrics(conversation.turns, threshold)["silence"]
    assert len(found) == summary["count"]
    longest = max((length for _, length, _, _ in found), default=0.0)
    assert math.isclose(round(longest, 3), summary["longest"], abs_tol=1e-9)


HOLDS = [
    ("thanks on return passes", conv(("a", "One moment please."), ("a", "Thank you for waiting, found it.")),
     "pass", 1.0, "the customer was thanked after 1 hold", [0, 1]),
    ("no thanks on return fails", conv(("a", "请稍等"), ("c", "好"), ("a", "查到了")),
     "fail", 0.0, "no thanks for waiting in turn 3 after the hold in turn 1", [0, 2]),
    ("chinese thanks pass", conv(("a", "请稍等"), ("a", "让您久等了，查到了")), "pass", 1.0, "1 hold", [0, 1]),
    ("announcing the hold again keeps waiting for the return",
     conv(("a", "please hold"), ("a", "please hold a little longer"), ("a", "thanks for holding")),
     "pass", 1.0, "after 1 hold", [0, 2]),
    ("thanks then a new hold starts a second hold",
     conv(("a", "please hold"), ("a", "thanks for waiting, please hold a bit longer"), ("a", "done")),
     "fail", 0.5, "no thanks for waiting in turn 3 after the hold in turn 2", [0, 1, 2]),
    ("a hold phrase before the thanks in the return belongs to the return",
     conv(("a", "please hold"), ("a", "sorry that took a moment, thanks for waiting"), ("a", "anything else?")),
     "pass", 1.0, "after 1 hold", [0, 1]),
    ("no hold is not applicable", conv(("a", "hello"), ("c", "hi")), "na", None, "the agent announced no hold", []),
    ("a hold in the last agent turn is not applicable", conv(("a", "hello"), ("a", "one moment")),
     "na", None, "the hold in turn 2 has no later agent turn", []),
    ("no turns is not applicable", conv(), "na", None, "the agent announced no hold", []),
]


@pytest.mark.parametrize("case, conversation, result, score, explanation, turns", HOLDS, ids=[c[0] for c in HOLDS])
def test_hold_etiquette(case, conversation, result, score, explanation, turns):
    outcome = check(conversation, "hold_etiquette")
    assert (outcome.result, outcome.score) == (result, score)
    assert explanation in outcome.explanation
    assert [e.turn for e in outcome.evidence] == turns


def test_hold_etiquette_phrases_are_configurable():
    conversation = conv(("a", "hang tight"), ("a", "cheers for hanging on"))
    assert check(conversation, "hold_etiquette").result == "na"
    outcome = check(conversation, "hold_etiquette", hold_phrases=["hang tight"], thanks_phrases=["cheers for"])
    assert outcome.result == "pass"


OVERTALK = [
    ("little overtalk passes", {"max_seconds": 3, "max_count": 2},
     call(("a", "hello there", 0, 4), ("c", "hi", 3, 5), ("a", "ok", 6, 7)), "pass", "overtalk 1 s, 1 time", []),
    ("too much overtalk fails with the overlapping turns",
     {"max_seconds": 3}, call(("a", "long", 0, 10), ("c", "but", 4, 9), ("a", "ok", 12, 13)),
     "fail", "overtalk 5 s, 1 time (limit 3 s)", [0, 1]),
    ("too many interruptions fail", {"max_count": 1},
     call(("a", "x", 0, 4), ("c", "y", 3, 5), ("a", "z", 6, 9), ("c", "w", 8, 10)),
     "fail", "overtalk 2 s, 2 times (limit 1 time)", [0, 1, 2, 3]),
    ("both limits can fail at once", {"max_seconds": 0, "max_count": 0},
     call(("a", "x", 0, 4), ("c", "y", 3, 5)), "fail", "(limit 0 s, limit 0 times)", [0, 1]),
    ("a bot talking over the customer is not agent overtalk", {"max_seconds": 0},
     call(("b", "ivr", 0, 4), ("c", "y", 3, 5), ("a", "hello", 6, 7)), "pass", "overtalk 0 s, 0 times", []),
    ("only one speaker is not applicable", {"max_seconds": 1}, call(("a", "x", 0, 4)),
     "na", "overtalk needs timed agent and customer turns", []),
    ("a chat is not applicable", {"max_seconds": 1}, conv(("a", "x")), "na", "not a timed call", []),
    ("inconsistent times are not applicable", {"max_seconds": 1}, call(("a", "x", 4, 1), ("c", "y", 0, 1)),
     "na", "unusable turn times: turns[0]", []),
]


@pytest.mark.parametrize("case, params, conversation, result, explanation, turns", OVERTALK,
                         ids=[c[0] for c in OVERTALK])
def test_overtalk(case, params, conversation, result, explanation, turns):
    outcome = check(conversation, "overtalk", **params)
    assert outcome.result == result
    assert explanation in outcome.explanation
    assert [e.turn for e in outcome.evidence] == turns


RATIO = [
    ("a balanced call passes", {"min": 0.3, "max": 0.7}, call(("a", "x", 0, 5), ("c", "y", 5, 10)),
     "pass", "the agent talked 50% of the time (allowed 30% to 70%)"),
    ("an agent who talks too much fails", {"max": 0.7}, call(("a", "x", 0, 9), ("c", "y", 9, 10)),
     "fail", "the agent talked 90% of the time (allowed 0% to 70%)"),
    ("an agent who hardly talks fails", {"min": 0.3}, call(("a", "x", 0, 1), ("c", "y", 1, 10)),
     "fail", "the agent talked 10% of the time (allowed 30% to 100%)"),
    ("only bot speech is not applicable", {"min": 0.3}, call(("b", "x", 0, 1)),
     "na", "no timed agent or customer speech"),
    ("a chat is not applicable", {"min": 0.3}, conv(("a", "x")),
     "na", "no turn has start and end times (not a timed call)"),
]


@pytest.mark.parametrize("case, params, conversation, result, explanation", RATIO, ids=[c[0] for c in RATIO])
def test_talk_ratio(case, params, conversation, result, explanation):
    outcome = check(conversation, "talk_ratio", **params)
    assert (outcome.result, outcome.explanation) == (result, explanation)


def test_call_metrics_are_computed_once_per_context():
    conversation = call(("a", "x", 0, 5), ("c", "y", 4, 10))
    context = CheckContext(("x", "y"))
    first = metrics_of(conversation, context)
    assert metrics_of(conversation, context) is first
    assert first == call_metrics(conversation.turns)


def test_a_failed_metrics_computation_is_remembered_as_a_value_error():
    conversation = call(("a", "x", 5, 1))
    context = CheckContext(("x",))
    for _ in range(2):
        with pytest.raises(ValueError, match="turns\\[0\\]"):
            metrics_of(conversation, context)
