"""data_handling, escalation_offered, the sentiment checks and first_response_within, table-driven."""
from datetime import datetime, timedelta, timezone

import pytest

from scoring_testkit import DictSentiment, check, conv

T0 = datetime(2025, 3, 1, 9, 0, 0)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def assert_outcome(outcome, result, score, explanation, evidence_turns):
    assert (outcome.result, outcome.score) == (result, score)
    assert explanation in outcome.explanation
    assert [e.turn for e in outcome.evidence] == evidence_turns


DATA = {
    "items": ["card number", "cvv", "password", "卡号", "密码", "验证码"],
    "requests": ["what is your", "tell me", "please provide", "告诉我", "提供"],
    "exceptions": ["never", "do not", "last four digits", "不要", "后四位"],
}

DATA_CASES = [
    ("asking for the cvv fails", conv(("a", "Please provide the CVV on the back.")),
     "fail", 0.0, 'the agent asked for "cvv" in turn 1', [0]),
    ("asking for a password in chinese fails", conv(("a", "请告诉我您的支付密码"), ("a", "好的")),
     "fail", 0.0, 'the agent asked for "密码" in turn 1', [0]),
    ("a warning never to share a password passes", conv(("a", "Never tell me your password.")),
     "pass", 1.0, "no request for sensitive data in 1 agent turn", []),
    ("asking for the last four digits passes", conv(("a", "Please provide the last four digits of the card number.")),
     "pass", 1.0, "no request for sensitive data", []),
    ("mentioning a password without asking passes", conv(("a", "You can reset your password in the app.")),
     "pass", 1.0, "no request for sensitive data", []),
    ("a customer offering a card number is not the agent's fault", conv(("c", "tell me if you need my card number")),
     "na", None, "no agent turn with text", []),
    ("several requests are all evidence", conv(("a", "What is your password?"), ("a", "ok"), ("a", "请提供验证码")),
     "fail", 0.0, 'the agent asked for "password" in turn 1 and 1 more turn', [0, 2]),
]


@pytest.mark.parametrize("case, conversation, result, score, explanation, turns", DATA_CASES,
                         ids=[c[0] for c in DATA_CASES])
def test_data_handling(case, conversation, result, score, explanation, turns):
    assert_outcome(check(conversation, "data_handling", **DATA), result, score, explanation, turns)


ESCALATE = {"requests": ["manager", "supervisor", "找你们领导"], "offers": ["escalate", "transfer you", "升级"]}

ESCALATION_CASES = [
    ("no request is not applicable", conv(("c", "where is it"), ("a", "here")), {},
     "na", None, "the customer did not ask for escalation", []),
    ("an offer after the request passes",
     conv(("c", "Get me a manager."), ("a", "One moment"), ("a", "I will transfer you now.")), {},
     "pass", 1.0, 'escalation "transfer you" offered in turn 3', [0, 2]),
    ("no offer fails with the request as evidence",
     conv(("c", "I want your supervisor"), ("a", "That is not possible")), {},
     "fail", 0.0, 'the customer asked ("supervisor", turn 1) but no escalation was offered in any later agent turn',
     [0]),
    ("an offer too late fails when a window is set",
     conv(("c", "找你们领导"), ("a", "请稍等"), ("a", "我帮您升级处理")), {"within_agent_turns": 1},
     "fail", 0.0, "in the next 1 agent turn", [0]),
    ("an offer before the request does not count",
     conv(("a", "I can escalate if needed"), ("c", "manager now"), ("a", "no")), {},
     "fail", 0.0, "no escalation was offered", [1]),
    ("a request after the last agent turn is not applicable",
     conv(("a", "bye"), ("c", "manager!")), {},
     "na", None, "after the last agent turn", []),
]


@pytest.mark.parametrize("case, conversation, extra, result, score, explanation, turns", ESCALATION_CASES,
                         ids=[c[0] for c in ESCALATION_CASES])
def test_escalation_offered(case, conversation, extra, result, score, explanation, turns):
    assert_outcome(check(conversation, "escalation_offered", **ESCALATE, **extra), result, score, explanation, turns)


END_CASES = [
    ("a positive last customer turn passes", conv(("c", "bad"), ("a", "sorry"), ("c", "great")),
     {"bad": -0.9, "great": 0.8}, "pass", 1.0, "customer sentiment at the end is 0.80 (minimum -0.05)", [2]),
    ("a negative last customer turn fails", conv(("c", "ok"), ("a", "bye"), ("c", "awful")),
     {"awful": -0.6}, "fail", 0.0, "customer sentiment at the end is -0.60 (minimum -0.05)", [2]),
    ("exactly the minimum passes", conv(("c", "meh")), {"meh": -0.05}, "pass", 1.0, "-0.05", [0]),
    ("the last customer turn with text is used", conv(("c", "lovely"), ("c", "")), {"lovely": 0.5},
     "pass", 1.0, "0.50", [0]),
    ("no customer turn is not applicable", conv(("a", "hello")), {}, "na", None, "no customer turn with text", []),
    ("only empty customer turns is not applicable", conv(("c", " "), ("a", "hi")), {}, "na", None,
     "no customer turn with text", []),
]


@pytest.mark.parametrize("case, conversation, polarity, result, score, explanation, turns", END_CASES,
                         ids=[c[0] for c in END_CASES])
def test_customer_sentiment_end(case, conversation, polarity, result, score, explanation, turns):
    outcome = check(conversation, "customer_sentiment_end", DictSentiment(polarity), min=-0.05)
    assert_outcome(outcome, result, score, explanation, turns)


def test_customer_sentiment_end_asks_the_analyzer_only_for_the_last_few_customer_turns():
    sentiment = DictSentiment()
    turns = [("c", f"customer {k}") if k % 2 == 0 else ("a", f"agent {k}") for k in range(12)]
    check(conv(*turns), "customer_sentiment_end", sentiment, language="zh", min=0.0)
    assert sentiment.calls == [([f"customer {k}" for k in (4, 6, 8, 10)], "zh")]


def test_customer_sentiment_end_reads_a_no_to_anything_else_as_not_negative():
    conversation = conv(("c", "where is my parcel"), ("a", "Fixed. Anything else I can help with?"), ("c", "no"))
    outcome = check(conversation, "customer_sentiment_end", DictSentiment({"no": -0.4, "where is my parcel": 0.0}),
                    min=-0.05)
    assert_outcome(outcome, "pass", 1.0, "neutral, bare decline last turn", [2])


TREND_CASES = [
    ("improving sentiment passes", ["bad", "good"], {"bad": -0.5, "good": 0.5}, {},
     "pass", 1.0, "customer sentiment went from -0.50 to 0.50", [0, 1]),
    ("worsening sentiment fails", ["good", "bad"], {"bad": -0.5, "good": 0.5}, {},
     "fail", 0.0, "customer sentiment went from 0.50 to -0.50", [0, 1]),
    ("a small drop within the tolerance passes", ["a", "b"], {"a": 0.2, "b": 0.1}, {"tolerance": 0.15},
     "pass", 1.0, "from 0.20 to 0.10", [0, 1]),
    ("several turns at each end are averaged", ["a", "b", "c", "d"], {"a": -1, "b": 0, "c": 0.5, "d": -0.4},
     {"turns": 2}, "pass", 1.0, "from -0.50 to 0.05", [0, 3]),
    ("the ends never overlap", ["a", "b", "c"], {"a": 0.1, "b": 0.9, "c": 0.2}, {"turns": 5},
     "pass", 1.0, "from 0.10 to 0.20", [0, 2]),
    ("one customer turn is not applicable", ["a"], {}, {}, "na", None, "fewer than two customer turns", []),
]


@pytest.mark.parametrize("case, texts, polarity, extra, result, score, explanation, turns", TREND_CASES,
                         ids=[c[0] for c in TREND_CASES])
def test_sentiment_not_worse(case, texts, polarity, extra, result, score, explanation, turns):
    conversation = conv(*[("c", t) for t in texts], ("a", "ok"))
    outcome = check(conversation, "sentiment_not_worse", DictSentiment(polarity), **extra)
    assert_outcome(outcome, result, score, explanation, turns)


TONE_CASES = [
    ("a neutral agent passes", conv(("a", "hello"), ("c", "x"), ("a", "bye")), {"hello": 0.1},
     "pass", 1.0, "no agent turn below -0.30 in 2 agent turns", []),
    ("a negative agent turn fails with the worst named", conv(("a", "ugh"), ("a", "awful"), ("a", "fine")),
     {"ugh": -0.4, "awful": -0.9}, "fail", 0.0, "agent sentiment -0.90 in turn 2 and 1 more turn (minimum -0.30)",
     [0, 1]),
    ("customer negativity does not count", conv(("c", "awful"), ("a", "fine")), {"awful": -0.9},
     "pass", 1.0, "no agent turn below", []),
    ("no agent turn is not applicable", conv(("c", "hi")), {}, "na", None, "no agent turn with text", []),
]


@pytest.mark.parametrize("case, conversation, polarity, result, score, explanation, turns", TONE_CASES,
                         ids=[c[0] for c in TONE_CASES])
def test_agent_never_negative(case, conversation, polarity, result, score, explanation, turns):
    outcome = check(conversation, "agent_never_negative", DictSentiment(polarity), min=-0.3)
    assert_outcome(outcome, result, score, explanation, turns)


UTC = timezone.utc
RESPONSE_CASES = [
    ("a quick reply passes", conv(("c", "hi", at(0)), ("a", "hello", at(20))),
     "pass", 1.0, "first response after 20 s (limit 30 s)", [0, 1]),
    ("a slow reply fails", conv(("c", "hi", at(0)), ("c", "??", at(10)), ("a", "hello", at(95.5))),
     "fail", 0.0, "first response after 95.5 s (limit 30 s)", [0, 2]),
    ("exactly the limit passes", conv(("c", "hi", at(0)), ("a", "hello", at(30))), "pass", 1.0, "after 30 s", [0, 1]),
    ("a proactive agent greeting is not the reply", conv(("a", "Welcome", at(0)), ("c", "hi", at(5)),
                                                         ("a", "hello", at(50))),
     "fail", 0.0, "after 45 s", [1, 2]),
    ("no timestamps is not applicable", conv(("c", "hi"), ("a", "hello")), "na", None, "no timestamps", []),
    ("mixed time zones are not applicable",
     conv(("c", "hi", at(0)), ("a", "hello", at(5).replace(tzinfo=UTC))), "na", None, "mix time zones", []),
    ("a reply stamped before the question is not applicable",
     conv(("c", "hi", at(10)), ("a", "hello", at(0))), "na", None, "timestamped before", []),
    ("no customer turn is not applicable", conv(("a", "hello", at(0))), "na", None, "no customer turn", []),
    ("no agent turn is not applicable", conv(("c", "hello", at(0))), "na", None, "no agent turn", []),
    ("an unanswered first message fails", conv(("a", "hello", at(0)), ("c", "hi", at(1))),
     "fail", 0.0, "no agent reply after the customer's first message (turn 2)", [1]),
]


@pytest.mark.parametrize("case, conversation, result, score, explanation, turns", RESPONSE_CASES,
                         ids=[c[0] for c in RESPONSE_CASES])
def test_first_response_within(case, conversation, result, score, explanation, turns):
    assert_outcome(check(conversation, "first_response_within", seconds=30), result, score, explanation, turns)
