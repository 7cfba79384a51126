"""Property tests: any conversation through every shipped scorecard (and every check type) never raises."""
from datetime import datetime, timedelta, timezone

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
# Call offsets, including ones call_metrics rejects (negative, end before start, NaN, infinity).
SECONDS = st.one_of(st.none(), st.floats(0, 120), st.floats(allow_nan=True, allow_infinity=True))
TURNS = st.builds(Turn, speaker=st.sampled_from(SPEAKERS), text=TEXTS, at=TIMES, start=SECONDS, end=SECONDS)
# Well-formed call turns too, so the call checks get past their N/A for inconsistent times.
CALL_TURNS = st.builds(
    lambda speaker, text, start, length: Turn(speaker, text, start=start, end=start + length),
    st.sampled_from(SPEAKERS), TEXTS, st.floats(0, 120), st.floats(0, 30))
TICKET_VALUES = st.one_of(
    TIMES, st.text(max_size=25), st.integers(), st.lists(st.integers(), max_size=2),
    st.sampled_from(["2025-03-01T09:00:00", "2025-03-02T10:00:00+08:00", "2025-03-05", "complaint", "投诉", ""]),
)
TICKETS = st.dictionaries(
    st.sampled_from(["opened_at", "accepted_at", "first_handled_at", "closed_at", "type"]), TICKET_VALUES)
OPENED = datetime(2025, 3, 1, 9)
STAGE = st.one_of(st.none(), st.floats(0, 200).map(lambda h: (OPENED + timedelta(hours=h)).isoformat()))
WELL_FORMED_TICKETS = st.fixed_dictionaries(
    {"opened_at": st.just(OPENED.isoformat()), "accepted_at": STAGE, "first_handled_at": STAGE, "closed_at": STAGE,
     "type": st.sampled_from(["complaint", "投诉", "enquiry"])})
METADATA = st.one_of(st.just({}), st.fixed_dictionaries(
    {"ticket": st.one_of(TICKETS, TICKET_VALUES, WELL_FORMED_TICKETS)}))
CONVERSATIONS = st.builds(
    Conversation,
    external_id=st.just("h1"),
    agent=st.just("agent-1"),
    turns=st.one_of(st.lists(TURNS, max_size=14), st.lists(CALL_TURNS, max_size=14)).map(tuple),
    channel=st.sampled_from(CHANNELS),
    language=st.sampled_from([None, "", "en", "zh", "zh-CN", "fr", "EN_gb"]),
    queue=st.sampled_from([None, "", "returns"]),
    metadata=METADATA,
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
        {"id": "after", "title": "t", "weight": 1, "check": {
            "type": "phrases_present", "mode": "all", "phrases": ["sorry", "抱歉"], "similarity": 0.8,
            "when_customer_mentions": ["refund", "退款", "ridiculous"],
            "after_customer": {"markers": ["投诉", "ridiculous"], "sentiment_below": -0.2, "within_agent_turns": 2}}},
        {"id": "groups", "title": "t", "weight": 1, "check": {
            "type": "phrases_absent", "groups": ["profanity", "blaming", "prohibited_promises"], "similarity": 0.9,
            "when_customer_mentions": ["hello", "您好"]}},
        {"id": "mentioned_steps", "title": "t", "weight": 1, "check": {
            "type": "ordered_steps", "when_customer_mentions": ["物流"], "steps": [{"name": "a", "phrases": ["照片"]}]}},
        {"id": "responses", "title": "t", "weight": 1, "check": {"type": "response_times_within", "seconds": 60}},
        {"id": "dead_air", "title": "t", "weight": 1, "check": {"type": "dead_air", "seconds": 5}},
        {"id": "hold", "title": "t", "weight": 1, "check": {
            "type": "hold_etiquette", "hold_phrases": ["hello", "抱歉"], "thanks_phrases": ["sorry", "您好"]}},
        {"id": "overtalk", "title": "t", "weight": 1, "check": {"type": "overtalk", "max_seconds": 3, "max_count": 1}},
        {"id": "ratio", "title": "t", "weight": 1, "check": {"type": "talk_ratio", "min": 0.3, "max": 0.7}},
        {"id": "ticket", "title": "t", "weight": 1, "check": {
            "type": "ticket_time_limits", "types": ["complaint", "投诉"],
            "limits": {"accepted_at": 24, "closed_at": 72}}},
        {"id": "ticket_default", "title": "t", "weight": 1, "check": {"type": "ticket_time_limits"}},
        {"id": "covered", "title": "t", "weight": 1, "check": {
            "type": "steps_covered", "in_order": True, "when_order_problem": True, "when_channel": ["chat"],
            "steps": [{"name": "a", "phrases": ["订单"]}, {"name": "b", "phrases": ["物流"], "regexes": [r"\d+天"]}],
            "confirm": {"agent": ["可以吗"], "customer_regexes": ["^好"], "refusals": ["不行"]}}},
        {"id": "returns", "title": "t", "weight": 1, "check": {
            "type": "steps_covered", "when_return_in_play": {"markers": ["return", "退货"], "unless": ["已寄回"]},
            "when_escalation_requested": True, "steps": [{"name": "a", "phrases": ["label", "运费"]}]}},
        {"id": "intent", "title": "t", "weight": 1, "check": {
            "type": "intent_present", "intent": "escalation_offer", "when_customer_intent": "escalation_request",
            "fails_with": ["escalation_refusal"], "within_last_agent_turns": 3, "min_confidence": 0.4}},
        {"id": "intent_upset", "title": "t", "weight": 1, "check": {
            "type": "intent_present", "intent": "empathy", "when_customer_upset": {"sentiment_below": -0.2}}},
        {"id": "intent_absent", "title": "t", "weight": 1, "critical": True, "check": {
            "type": "intent_absent", "intents": ["blame", "abuse", "promise", "review_for_reward"]}},
        {"id": "intent_absent_fallback", "title": "t", "weight": 1, "check": {
            "type": "intent_absent", "intents": ["dismissal"], "phrases": ["calm down"], "groups": ["profanity"]}},
        {"id": "not_abandoned", "title": "t", "weight": 1, "check": {
            "type": "not_abandoned", "min_unanswered": 1, "max_unanswered_turns": 2, "nudges": ["hello", "在吗"]}},
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
