"""An agent who says "one moment" / 请您稍等 and never comes back abandons the customer: the shipped
scorecards' not_abandoned criterion (check type not_abandoned) brings such a conversation under 50
without failing the evaluation, in English and Chinese, on chats and calls; a final "thanks, bye"
needs no answer."""
import pytest

from scoring.catalog import shipped_scorecard
from scoring.checks import get_check
from tests.unit.scoring.scoring_testkit import check, conv
from tests.unit.scoring.test_shipped_scorecards_cover import assert_result, scored

LEFT_EN = [("c", "Hi, my blender arrived with a cracked jug, order 55120."), ("a", "Hello! One moment please."),
           ("c", "Hello? Are you still there?"), ("c", "I've been waiting ten minutes, this is ridiculous.")]
LEFT_ZH = [("c", "你好，我买的台灯到了但是不亮，订单 2026110512345"), ("a", "您好，请您稍等"),
           ("c", "在吗？"), ("c", "人呢，等了半天了，算了")]
ANSWERED_EN = [("c", "Where is my parcel?"), ("a", "Hello! It arrives tomorrow. Anything else?"),
               ("c", "No, that's all, thanks. Bye!")]
ANSWERED_ZH = [("c", "我的快递到哪了"), ("a", "您好亲，明天送达，还有其他可以帮您的吗？"), ("c", "没有了，谢谢亲")]

ABANDONMENT = [
    ("en-chat", LEFT_EN, "fail"),
    ("en-call", LEFT_EN, "fail"),
    ("zh-chat", LEFT_ZH, "fail"),
    ("zh-call", LEFT_ZH, "fail"),
    # One question the agent never answered is enough; so are two statements.
    ("en-chat", LEFT_EN[:2] + [("c", "ok so when will the replacement ship")], "fail"),
    ("en-chat", LEFT_EN[:2] + [("c", "My postcode is AB1 2CD."), ("c", "I paid by card.")], "fail"),
    ("zh-chat", LEFT_ZH[:2] + [("c", "订单号是 2026110512345"), ("c", "我是用支付宝付的")], "fail"),
    # A final thanks or goodbye needs no answer; neither does a conversation the agent ended.
    ("en-chat", ANSWERED_EN, "na"),
    ("en-call", ANSWERED_EN, "na"),
    ("zh-chat", ANSWERED_ZH, "na"),
    ("zh-call", ANSWERED_ZH, "na"),
    ("en-chat", ANSWERED_EN[:2], "na"),
    ("zh-chat", ANSWERED_ZH[:2] + [("c", "好的呢")], "na"),
    ("en-chat", ANSWERED_EN[:2] + [("c", "Thanks!"), ("c", "Have a nice day")], "na"),
    # One unanswered statement that neither asks nor complains is not an abandonment.
    ("en-chat", LEFT_EN[:2] + [("c", "My postcode is AB1 2CD.")], "na"),
]


@pytest.mark.parametrize("kind, turns, expected", ABANDONMENT)
def test_a_conversation_ending_with_customer_turns_nobody_answered_abandons_the_customer(kind, turns, expected):
    assert_result(kind, turns, "not_abandoned", expected)


@pytest.mark.parametrize("kind, turns", [("en-chat", LEFT_EN), ("zh-chat", LEFT_ZH), ("en-call", LEFT_EN)])
def test_an_abandoned_conversation_scores_under_50_without_failing_the_evaluation(kind, turns):
    _, results, result = scored(kind, turns)
    assert result.score < 50 and not result.auto_fail
    assert "never answered" in results["not_abandoned"].explanation
    assert [e.turn for e in results["not_abandoned"].evidence] == [2, 3]


@pytest.mark.parametrize("kind, turns", [("en-chat", ANSWERED_EN), ("zh-chat", ANSWERED_ZH)])
def test_a_conversation_that_needs_no_answer_keeps_its_score(kind, turns):
    _, results, result = scored(kind, turns)
    assert results["not_abandoned"].result == "na"
    assert "needs no answer" in results["not_abandoned"].explanation


@pytest.mark.parametrize("name", ["general-en", "ecommerce-chat-en", "ecommerce-aftersales-zh"])
def test_every_shipped_scorecard_weighs_abandonment_heavily_but_not_as_an_auto_fail(name):
    criteria = {c.id: c for _, c in shipped_scorecard(name).criteria()}
    assert criteria["not_abandoned"].check.type == "not_abandoned"
    assert not criteria["not_abandoned"].critical
    assert criteria["not_abandoned"].weight > max(c.weight for i, c in criteria.items() if i != "not_abandoned")


def test_a_customer_who_never_got_any_answer_was_abandoned():
    outcome = check(conv(("c", "hello? anyone there"), language="en"), "not_abandoned")
    assert outcome.result == "fail"
    assert "no agent turn at all" in outcome.explanation


def test_a_customer_who_is_not_angry_and_only_says_so_is_no_complaint():
    turns = [("c", "Where is my refund?"), ("a", "Hello, let me look."), ("c", "I'm not angry, just asking")]
    assert check(conv(*turns, language="en"), "not_abandoned").result == "na"


def test_the_thresholds_and_nudges_can_be_set():
    turns = [("c", "Where is my refund?"), ("a", "Hello, let me look."), ("c", "yo"), ("c", "My order is 55120")]
    assert check(conv(*turns, language="en"), "not_abandoned", max_unanswered_turns=3).result == "na"
    assert check(conv(*turns, language="en"), "not_abandoned", nudges=["yo"]).result == "fail"
    assert check(conv(*turns[:3], language="en"), "not_abandoned", nudges=["yo"]).result == "fail"
    assert check(conv(*turns[:3], language="en"), "not_abandoned").result == "na"


@pytest.mark.parametrize("params, path", [({"min_unanswered": 0}, "min_unanswered"),
                                          ({"max_unanswered_turns": "two"}, "max_unanswered_turns"),
                                          ({"nudges": []}, "nudges"), ({"nudge": ["hi"]}, "nudge")])
def test_bad_parameters_are_named(params, path):
    problems = get_check("not_abandoned").validate(params)
    assert problems and problems[0][0].startswith(path), problems
