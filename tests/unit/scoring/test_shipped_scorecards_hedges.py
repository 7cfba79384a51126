"""Through the real scorecards: a return-policy element named only in a hedged sentence ("运费的话
看情况", "there's a time limit but we'll see") is not explained, and the explanation says which hedge
set it aside; the same element said plainly, or a hedge about something else in another sentence,
still counts. A call silence over 10 seconds is dead air unless the agent announced a hold."""
from datetime import datetime, timedelta, timezone

import pytest

from scoring.catalog import shipped_scorecards
from scoring.engine import evaluate, select_scorecard
from tests.unit.scoring.scoring_testkit import DictSentiment
from tests.unit.scoring.test_shipped_scorecards_cover import assert_result, scored
from transcripts.model import Conversation, Turn

ZH_TERMS = "可以退货：商品不影响二次销售，签收后7天内在订单页面申请退货，"
EN_TERMS = "You can return it unworn with the tags on: request a return under My Orders, "
HEDGES = [
    ("zh-chat", [("c", "我想退货"), ("a", ZH_TERMS + "运费的话看情况哈，具体以审核为准。")], "fail", "看情况"),
    ("zh-call", [("c", "能换个尺码吗"), ("a", ZH_TERMS + "运费具体以审核结果为准。")], "fail", "具体以审核结果为准"),
    ("zh-chat", [("c", "我想退货"), ("a", ZH_TERMS + "退货运费由我们承担。")], "pass", None),
    ("zh-chat", [("c", "我想退货"), ("a", ZH_TERMS + "退货运费由我们承担。退款时间看银行情况哈。")], "pass", None),
    ("en-chat", [("c", "I'd like to return my boots."),
                 ("a", EN_TERMS + "return shipping is free. There's a return window but we'll see.")], "fail", "we'll see"),
    ("en-call", [("c", "Can I return this lamp?"),
                 ("a", EN_TERMS + "within 30 days. Return postage depends on the reason.")], "fail", "depends on the"),
    ("en-chat", [("c", "I'd like to return my boots."),
                 ("a", EN_TERMS + "within 30 days of delivery, and return shipping is free.")], "pass", None),
]


@pytest.mark.parametrize("kind, turns, expected, hedge", HEDGES)
def test_a_return_policy_element_said_only_with_a_hedge_is_not_explained(kind, turns, expected, hedge):
    assert_result(kind, turns, "return_policy", expected)
    _, results, _ = scored(kind, turns)
    if hedge:
        assert f'only vaguely ("{hedge}"' in results["return_policy"].explanation


def call(*lines: tuple[str, str, float, float], language: str = "en") -> Conversation:
    turns = tuple(Turn(speaker, text, start=start, end=end) for speaker, text, start, end in lines)
    return Conversation("c1", "agent-1", turns, channel="call", language=language, queue="returns",
                        started_at=datetime(2026, 11, 2, 9, tzinfo=timezone.utc) + timedelta())


@pytest.mark.parametrize("language, agent_before, gap, expected", [
    ("en", "Let me see what I can find.", 12.0, "fail"),
    ("en", "Let me see what I can find.", 8.0, "pass"),
    ("en", "Please hold for a moment while I check.", 25.0, "pass"),
    ("zh", "嗯，我看一下。", 12.0, "fail"),
    ("zh", "请您稍等，我帮您查询一下。", 25.0, "pass"),
])
def test_a_silence_over_ten_seconds_on_a_call_is_dead_air_unless_a_hold_was_announced(language, agent_before, gap,
                                                                                     expected):
    conversation = call(("agent", "Hello, thanks for calling." if language == "en" else "您好，很高兴为您服务。", 0.0, 3.0),
                        ("customer", "My parcel is late." if language == "en" else "我的包裹还没到。", 3.5, 6.0),
                        ("agent", agent_before, 6.5, 9.0),
                        ("agent", "It is at the depot." if language == "en" else "包裹在转运中心。", 9.0 + gap, 12.0 + gap),
                        language=language)
    result = evaluate(conversation, select_scorecard(conversation, shipped_scorecards()), DictSentiment())
    dead_air = {r.criterion_id: r for r in result.criteria}["dead_air"]
    assert dead_air.result == expected, dead_air.explanation
