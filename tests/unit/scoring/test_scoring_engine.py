"""evaluate(): the formula through the engine, batched sentiment; select_scorecard(): the specificity rule."""
import math

import pytest

from scoring.engine import evaluate, select_scorecard
from scoring.scorecard import parse_scorecard
from scoring_testkit import DictSentiment, conv


def criterion(cid, weight, check, critical=False):
    return {"id": cid, "title": cid, "weight": weight, "critical": critical, "check": check}


CARD = parse_scorecard({
    "name": "engine-test", "title": "Engine test", "language": "en",
    "sections": [
        {"id": "opening", "title": "Opening", "criteria": [
            criterion("greeting", 10, {"type": "phrases_present", "phrases": ["hello"],
                                       "within_first_agent_turns": 2}),
        ]},
        {"id": "handling", "title": "Handling", "criteria": [
            criterion("empathy", 20, {"type": "phrases_present", "phrases": ["sorry"],
                                      "when_customer_upset": {"markers": ["angry"], "sentiment_below": -0.3}}),
            criterion("options", 10, {"type": "phrases_present", "mode": "all", "phrases": ["refund", "replace"]}),
        ]},
        {"id": "compliance", "title": "Compliance", "criteria": [
            criterion("forbidden_phrases", 30, {"type": "phrases_absent", "phrases": ["calm down"]}, critical=True),
        ]},
        {"id": "closing", "title": "Closing", "criteria": [
            criterion("customer_sentiment_end", 30, {"type": "customer_sentiment_end", "min": -0.05}),
        ]},
    ],
}, version=7)


def by_id(result):
    return {c.criterion_id: c for c in result.criteria}


def test_a_critical_failure_scores_zero_and_says_why():
    conversation = conv(("c", "where is it"), ("a", "Hello, calm down."), ("c", "thanks"))
    result = evaluate(conversation, CARD, DictSentiment({"thanks": 0.6}))
    assert (result.score, result.auto_fail) == (0.0, True)
    assert result.fail_reasons == ('forbidden_phrases: forbidden phrase "calm down" in turn 2',)
    assert by_id(result)["greeting"].result == "pass"  # the other criteria are still reported


def test_not_applicable_criteria_are_left_out_of_the_weighted_score():
    conversation = conv(("c", "where is it"), ("a", "Hello, a refund or replace?"), ("c", "fine"))
    result = evaluate(conversation, CARD, DictSentiment({"fine": -0.5}))
    assert by_id(result)["empathy"].result == "na"
    # greeting 10x1 + options 10x1 + forbidden 30x1 + sentiment 30x0 over weight 80 (empathy's 20 left out)
    assert (result.score, result.auto_fail, result.fail_reasons) == (62.5, False, ())
    assert result.section_scores == {"opening": 100.0, "handling": 100.0, "compliance": 100.0, "closing": 0.0}


def test_partial_credit_counts_with_its_weight():
    conversation = conv(("c", "I am angry"), ("a", "Hello, sorry! A refund?"), ("c", "ok"))
    result = evaluate(conversation, CARD, DictSentiment({"ok": 0.1}))
    assert by_id(result)["options"].score == 0.5
    assert result.score == 95.0  # (10 + 20 + 5 + 30 + 30) / 100


def test_the_result_names_the_scorecard_version_and_carries_weights_and_evidence():
    result = evaluate(conv(("a", "hello")), CARD, DictSentiment())
    greeting = by_id(result)["greeting"]
    assert (result.scorecard, result.version) == ("engine-test", 7)
    assert (greeting.section_id, greeting.weight, greeting.critical, greeting.evidence[0].text) == (
        "opening", 10.0, False, "hello")
    assert by_id(result)["forbidden_phrases"].critical is True


def test_an_empty_conversation_has_nothing_applicable_and_scores_100_by_the_formula():
    result = evaluate(conv(), CARD, DictSentiment())
    assert {c.result for c in result.criteria} == {"na"}
    assert (result.score, result.auto_fail) == (100.0, False)


def test_the_analyzer_is_called_once_with_every_needed_text_in_the_conversation_language():
    sentiment = DictSentiment()
    conversation = conv(("c", "first"), ("a", "hello"), ("c", "second"), ("c", "third"), language="en-GB")
    evaluate(conversation, CARD, sentiment)
    # empathy needs every customer turn (no marker found); customer_sentiment_end needs the last one
    assert sentiment.calls == [(["first", "second", "third"], "en-GB")]


def test_every_customer_turn_is_scored_in_one_call_and_returned_by_turn():
    sentiment = DictSentiment()
    result = evaluate(conv(("c", "fine"), ("a", "hello"), ("c", "I am angry"), ("c", "bye")), CARD, sentiment)
    assert sentiment.calls == [(["fine", "I am angry", "bye"], "en")]  # the agent turn is not needed
    assert set(result.turn_sentiment) == {0, 2, 3}


def test_the_scorecard_language_is_used_when_the_conversation_has_none():
    sentiment = DictSentiment()
    evaluate(conv(("c", "hi")), CARD, sentiment)
    assert sentiment.calls[0][1] == "en"


def test_the_analyzer_is_not_called_when_no_check_needs_sentiment():
    sentiment = DictSentiment()
    evaluate(conv(("a", "hello")), CARD, sentiment)
    assert sentiment.calls == []


class Broken:
    def __init__(self, values):
        self.values = values

    def polarity(self, texts, language):
        return self.values


@pytest.mark.parametrize("values, message", [
    ([], "the sentiment analyzer returned 0 values for 1 texts"),
    ([0.1, 0.2], "the sentiment analyzer returned 2 values for 1 texts"),
    ([math.nan], "the sentiment analyzer returned NaN"),
])
def test_a_misbehaving_analyzer_is_a_clear_error(values, message):
    with pytest.raises(ValueError, match=message):
        evaluate(conv(("c", "hi")), CARD, Broken(values))


def test_a_missing_analyzer_is_an_error_only_when_sentiment_is_needed():
    assert evaluate(conv(("a", "hello")), CARD, None).score == 80.0  # only "options" (weight 10) failed
    with pytest.raises(ValueError, match="needs a sentiment analyzer"):
        evaluate(conv(("c", "hi")), CARD, None)


def test_out_of_range_polarities_are_clipped():
    result = evaluate(conv(("c", "hi")), CARD, Broken([-7.0]))
    assert "sentiment at the end is -1.00" in by_id(result)["customer_sentiment_end"].explanation


def card(name, language="en", channels=(), queues=(), version=1):
    return parse_scorecard({"name": name, "title": name, "language": language, "channels": list(channels),
                            "queues": list(queues), "sections": [{"id": "s", "title": "s", "criteria": [
                                criterion("c", 1, {"type": "phrases_absent", "phrases": ["x"]})]}]}, version)


EN, ZH = card("general-en"), card("aftersales-zh", "zh")
EN_CHAT, EN_RETURNS = card("chat-en", channels=["chat"]), card("returns-en", queues=["Returns"])
EN_CALL_RETURNS = card("call-returns-en", channels=["call"], queues=["returns"])
ZH_TW = card("tw-zh", "zh-TW")
ALL = [EN, ZH, EN_CHAT, EN_RETURNS, EN_CALL_RETURNS, ZH_TW]

SELECT = [
    ("the language decides first", conv(("c", "x"), language="zh"), ALL, ZH),
    ("a regional tag fits the base language card", conv(("c", "x"), language="zh-CN"), ALL, ZH),
    ("a longer language tag is more specific", conv(("c", "x"), language="zh_TW"), ALL, ZH_TW),
    ("a channel match beats a language-only card", conv(("c", "x"), language="en"), ALL, EN_CHAT),
    ("a queue match beats a channel match", conv(("c", "x"), language="en", queue="returns"), ALL, EN_RETURNS),
    ("queue and channel together beat a queue alone",
     conv(("c", "x"), language="en", queue="RETURNS", channel="call"), ALL, EN_CALL_RETURNS),
    ("a card for another channel does not fit", conv(("c", "x"), language="en", channel="email"),
     [EN_CHAT, EN], EN),
    ("the language is guessed from the text when missing", conv(("c", "我的快递还没到")), [EN, ZH], ZH),
    ("an unknown language fits every card", conv(("c", "123")), [ZH, EN], ZH),
    ("ties go to the alphabetically first name", conv(("c", "x"), language="en"),
     [card("b-en"), card("a-en")], card("a-en")),
    ("then to the highest version", conv(("c", "x"), language="en"),
     [card("a-en", version=1), card("a-en", version=3)], card("a-en", version=3)),
    ("nothing fits", conv(("c", "x"), language="fr"), ALL, None),
    ("no scorecards", conv(("c", "x")), [], None),
]


@pytest.mark.parametrize("case, conversation, scorecards, expected", SELECT, ids=[s[0] for s in SELECT])
def test_select_scorecard(case, conversation, scorecards, expected):
    assert select_scorecard(conversation, scorecards) == expected
