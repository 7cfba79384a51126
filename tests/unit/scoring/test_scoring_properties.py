"""Property tests: any conversation through every shipped scorecard (and every check type) never raises."""
from datetime import timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.catalog import shipped_scorecards
from scoring.checks import BUILTIN_CHECKS
from scoring.engine import evaluate, select_scorecard
from scoring.scorecard import parse_scorecard
from scoring.text import normalise
from transcripts.model import CHANNELS, SPEAKERS, Conversation, Turn

PHRASES = ["hello", "sorry", "calm down", "您好", "抱歉", "投诉", "爱买不买", "订单号", "物流", "照片",
           "manager", "password", "anything else", "再见", "ridiculous"]
TEXTS = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=20),
    st.sampled_from(["", " ", "\n", "😀🎉", "ＨＥＬＬＯ！", "'''", "_", "\u200b", "e\u0301"] + PHRASES),
    st.lists(st.sampled_from(PHRASES + [" ", "，", "!"]), max_size=6).map("".join),
)
TIMES = st.one_of(st.none(), st.datetimes(timezones=st.sampled_from([None, timezone.utc])))
TURNS = st.builds(Turn, speaker=st.sampled_from(SPEAKERS), text=TEXTS, at=TIMES)
CONVERSATIONS = st.builds(
    Conversation,
    external_id=st.just("h1"),
    agent=st.just("agent-1"),
    turns=st.lists(TURNS, max_size=14).map(tuple),
    channel=st.sampled_from(CHANNELS),
    language=st.sampled_from([None, "", "en", "zh", "zh-CN", "fr", "EN_gb"]),
    queue=st.sampled_from([None, "", "returns"]),
)


class DrawnSentiment:
    """Polarity drawn by Hypothesis (any value in -1..1), cycled over the texts asked for."""

    def __init__(self, values):
        self.values = values

    def polarity(self, texts, language):
        return [self.values[i % len(self.values)] for i in range(len(texts))]


POLARITIES = st.lists(st.floats(-1.0, 1.0), min_size=1, max_size=5).map(DrawnSentiment)

EVERY_CHECK = parse_scorecard({
    "name": "every-check", "title": "Every check", "language": "zh",
    "sections": [{"id": "all", "title": "All", "criteria": [
        {"id": "present_all", "title": "t", "weight": 1, "check": {
            "type": "phrases_present", "mode": "all", "phrases": ["hello", "您好"], "regexes": [r"\d+"],
            "within_last_agent_turns": 3, "when_customer_upset": {"markers": ["投诉"], "sentiment_below": 0.0}}},
        {"id": "absent", "title": "t", "weight": 2, "critical": True, "check": {
            "type": "phrases_absent", "speaker": "any", "phrases": ["calm down", "爱买不买"]}},
        {"id": "end", "title": "t", "weight": 1, "check": {"type": "customer_sentiment_end", "min": 0.0}},
        {"id": "steps", "title": "t", "weight": 1, "check": {"type": "ordered_steps", "steps": [
            {"name": "a", "phrases": ["订单号"]}, {"name": "b", "phrases": ["物流"], "regexes": ["h.l+o"]}]}},
        {"id": "data", "title": "t", "weight": 1, "check": {
            "type": "data_handling", "items": ["password"], "requests": ["tell me"], "exceptions": ["never"]}},
        {"id": "escalation", "title": "t", "weight": 1, "check": {
            "type": "escalation_offered", "requests": ["manager"], "offers": ["escalate"], "within_agent_turns": 2}},
        {"id": "trend", "title": "t", "weight": 1, "check": {"type": "sentiment_not_worse", "turns": 2}},
        {"id": "tone", "title": "t", "weight": 1, "check": {"type": "agent_never_negative", "min": -0.5}},
        {"id": "speed", "title": "t", "weight": 1, "check": {"type": "first_response_within", "seconds": 30}},
    ]}],
})
SCORECARDS = shipped_scorecards() + [EVERY_CHECK]


def test_the_every_check_scorecard_really_uses_every_built_in_check():
    assert {c.check.type for _, c in EVERY_CHECK.criteria()} == set(BUILTIN_CHECKS)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conversation=CONVERSATIONS, sentiment=POLARITIES)
def test_any_conversation_gets_a_score_between_0_and_100_from_every_scorecard(conversation, sentiment):
    for scorecard in SCORECARDS:
        result = evaluate(conversation, scorecard, sentiment)
        assert 0.0 <= result.score <= 100.0
        assert len(result.criteria) == len(scorecard.criteria())
        assert result.auto_fail == any(c.critical and c.result == "fail" for c in result.criteria)
        for criterion in result.criteria:
            assert criterion.explanation  # every verdict says why, N/A included
            assert all(e.turn is None or 0 <= e.turn < len(conversation.turns) for e in criterion.evidence)


@settings(max_examples=200, deadline=None)
@given(conversation=CONVERSATIONS)
def test_selecting_a_scorecard_never_fails(conversation):
    chosen = select_scorecard(conversation, SCORECARDS)
    assert chosen is None or chosen in SCORECARDS


@given(st.text(max_size=80))
def test_normalising_is_idempotent_and_leaves_no_double_spaces(text):
    once = normalise(text)
    assert normalise(once) == once
    assert "  " not in once and once == once.strip()
