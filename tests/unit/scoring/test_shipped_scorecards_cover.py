"""The shipped scorecards cover what QA teams check (issue #9, part 1), in English and Chinese, on chats
and calls: each failure kind of the issue is a row (conversation, criterion, expected result) scored
through the real scorecard that the product picks for the conversation."""
from datetime import datetime, timedelta, timezone

import pytest

from scoring.catalog import shipped_scorecard, shipped_scorecards
from scoring.engine import evaluate, select_scorecard
from tests.unit.scoring.scoring_testkit import DictSentiment, conv

CANONICAL = {"greeting", "first_response", "response_times", "empathy", "forbidden_phrases", "abuse_blame",
             "prohibited_promises", "data_handling", "escalation", "resolution", "return_policy", "closing",
             "not_abandoned", "dead_air"}
# Not graded: the customer's mood at the end is the customer's, not the agent's (it stays stored and
# shown); order verification and thanks after a hold are not what reviewers mark a conversation down for.
NOT_GRADED = {"customer_sentiment_end", "order_verification", "hold_etiquette"}
KINDS = {"en-chat": dict(language="en", channel="chat", queue="returns"),
         "en-call": dict(language="en", channel="call", queue="returns"),
         "zh-chat": dict(language="zh", channel="chat", queue="returns"),
         "zh-call": dict(language="zh", channel="call", queue="returns")}


def scored(kind: str, turns: list[tuple]):
    conversation = conv(*turns, **KINDS[kind])
    scorecard = select_scorecard(conversation, shipped_scorecards())
    result = evaluate(conversation, scorecard, DictSentiment())
    return scorecard, {r.criterion_id: r for r in result.criteria}, result


def assert_result(kind, turns, criterion, expected):
    scorecard, results, _ = scored(kind, turns)
    got = results[criterion]
    assert got.result == expected, f"{scorecard.name}.{criterion}: {got.result} ({got.explanation})"


@pytest.mark.parametrize("name", ["general-en", "ecommerce-chat-en", "ecommerce-aftersales-zh"])
def test_every_shipped_scorecard_has_every_criterion_qa_teams_check(name):
    ids = {c.id for _, c in shipped_scorecard(name).criteria()}
    assert CANONICAL <= ids and not NOT_GRADED & ids
    assert ("sancha_sanhe" in ids) == name.endswith("zh")


@pytest.mark.parametrize("kind, expected", [("en-chat", "ecommerce-chat-en"), ("en-call", "general-en"),
                                            ("zh-chat", "ecommerce-aftersales-zh"),
                                            ("zh-call", "ecommerce-aftersales-zh")])
def test_each_kind_of_conversation_gets_a_scorecard_that_covers_it(kind, expected):
    scorecard, _, _ = scored(kind, [("c", "hi"), ("a", "hello")])
    assert scorecard.name == expected


@pytest.mark.parametrize("name", ["general-en", "ecommerce-chat-en", "ecommerce-aftersales-zh"])
def test_abuse_and_prohibited_promises_and_data_requests_fail_the_whole_evaluation(name):
    criteria = {c.id: c for _, c in shipped_scorecard(name).criteria()}
    assert all(criteria[i].critical for i in ("abuse_blame", "prohibited_promises", "data_handling"))
    # Dismissal and swearing at the system fail professional language without failing the evaluation.
    assert not criteria["forbidden_phrases"].critical


GREETINGS = [
    ("en-chat", "Hiya! Let me look at that for you.", "pass"),
    ("en-call", "Thanks for calling, you're through to Sam.", "pass"),
    ("zh-chat", "在的亲~ 请问有什么可以帮您", "pass"),
    ("zh-call", "哈喽，这边是售后", "pass"),
    ("en-chat", "Order number?", "fail"),
    ("zh-chat", "订单号发一下", "fail"),
]


@pytest.mark.parametrize("kind, first_agent_turn, expected", GREETINGS)
def test_informal_greetings_count_and_a_business_only_first_turn_does_not(kind, first_agent_turn, expected):
    turns = [("c", "my parcel"), ("a", first_agent_turn), ("a", "hello, how can I help? 您好")]
    assert_result(kind, turns, "greeting", expected)


CLOSINGS = [
    ("zh-chat", "已经为您处理好了，还有其他可以帮您的吗？", "pass"),
    ("zh-call", "有问题随时联系我们，明天给您回访", "pass"),
    ("en-call", "Is there anything else I can help with?", "pass"),
    ("en-chat", "I'll email you on Monday with the tracking.", "pass"),
    ("en-chat", "Bye now", "fail"),
    ("en-chat", "Done, refund processed.", "fail"),
    ("zh-chat", "那就这样，再见", "fail"),
]


@pytest.mark.parametrize("kind, last_agent_turn, expected", CLOSINGS)
def test_a_closing_asks_for_more_checks_satisfaction_or_arranges_a_follow_up(kind, last_agent_turn, expected):
    turns = [("c", "hi"), ("a", "hello"), ("c", "ok"), ("a", "ok"), ("c", "thanks"), ("a", last_agent_turn)]
    assert_result(kind, turns, "closing", expected)


PROMISES = [
    ("en-chat", "Please rate us 5 stars and I'll refund you today.", "fail"),
    ("en-call", "I promise it'll be there Friday, one hundred percent.", "fail"),
    ("en-chat", "Leave a good review and we'll send you a voucher.", "fail"),
    ("zh-chat", "我向您保证一定全额退款", "fail"),
    ("zh-call", "给我们五星好评，返您5元红包", "fail"),
    ("zh-chat", "好评返利哦", "fail"),  # a ready phrase group of the product
    ("en-chat", "The refund usually arrives within 5 working days.", "pass"),
    ("zh-chat", "退款一般3到5个工作日到账", "pass"),
]


@pytest.mark.parametrize("kind, agent_turn, expected", PROMISES)
def test_guaranteed_outcomes_and_review_for_refund_are_prohibited_promises(kind, agent_turn, expected):
    turns = [("c", "where is my refund"), ("a", "hello"), ("a", agent_turn)]
    assert_result(kind, turns, "prohibited_promises", expected)
    if expected == "fail":
        assert scored(kind, turns)[2].auto_fail


DATA = [
    ("en-call", "Can you read me the full card number and the CVV?", "fail"),
    ("en-call", "What's your account password?", "fail"),
    ("en-chat", "Please send me the verification code we texted you.", "fail"),
    ("zh-chat", "麻烦发一下您的卡号和安全码", "fail"),
    ("zh-call", "请您告诉我账户密码", "fail"),
    ("zh-chat", "把短信验证码报给我", "fail"),
    ("en-call", "Could you confirm the last four digits of the card?", "pass"),
    ("en-chat", "Please never share your password or CVV with anyone, including us.", "pass"),
    ("zh-chat", "请提供银行卡后四位核对一下", "pass"),
    ("zh-call", "验证码千万不要告诉任何人，包括客服", "pass"),
]


@pytest.mark.parametrize("kind, agent_turn, expected", DATA)
def test_asking_for_card_data_or_codes_fails_on_calls_and_in_chinese_too(kind, agent_turn, expected):
    turns = [("c", "I was charged wrongly"), ("a", "hello"), ("a", agent_turn)]
    assert_result(kind, turns, "data_handling", expected)
    assert scored(kind, turns)[2].auto_fail is (expected == "fail")


LANGUAGE = [
    ("en-chat", "That's the courier's problem, take it up with the courier.", "forbidden_phrases", "fail"),
    ("en-chat", "This damn system is slow today.", "forbidden_phrases", "fail"),
    ("en-chat", "This damn system is slow today.", "abuse_blame", "pass"),
    ("en-call", "It's your fault, you should have read the size chart.", "abuse_blame", "fail"),
    ("en-call", "you idiot", "forbidden_phrases", "fail"),
    ("zh-chat", "那是工厂的事，跟我们没关系", "forbidden_phrases", "fail"),
    ("zh-chat", "那是工厂的事，跟我们没关系", "abuse_blame", "pass"),
    ("zh-call", "谁让您不早点买呢", "abuse_blame", "fail"),
    ("zh-chat", "您可真会挑时间", "abuse_blame", "fail"),
    ("en-chat", "Let me fix this for you right away.", "forbidden_phrases", "pass"),
    ("zh-chat", "我马上为您处理", "forbidden_phrases", "pass"),
]


@pytest.mark.parametrize("kind, agent_turn, criterion, expected", LANGUAGE)
def test_professional_language_fails_on_blame_sarcasm_dismissal_and_swearing(kind, agent_turn, criterion, expected):
    assert_result(kind, [("c", "my order is late"), ("a", "hello"), ("a", agent_turn)], criterion, expected)


@pytest.mark.parametrize("name", ["general-en", "ecommerce-chat-en", "ecommerce-aftersales-zh"])
def test_every_abuse_phrase_also_fails_professional_language(name):
    criteria = {c.id: c for _, c in shipped_scorecard(name).criteria()}
    kind = "zh-chat" if name.endswith("zh") else ("en-call" if name == "general-en" else "en-chat")
    for phrase in criteria["abuse_blame"].check.params["phrases"]:
        _, results, _ = scored(kind, [("c", "hi"), ("a", "hello"), ("a", phrase)])
        assert results["forbidden_phrases"].result == "fail", phrase


MANAGER_EN = [("c", "My parcel is lost."), ("a", "Hello, sorry to hear that."), ("c", "I want to speak to a manager."),
              ("a", "I can check the tracking."), ("c", "Get me your supervisor now!"), ("a", "The tracking says lost.")]
MANAGER_ZH = [("c", "我的快递丢了"), ("a", "您好"), ("c", "我要投诉你们，叫你们主管来"), ("a", "我先帮您查一下物流"),
              ("c", "我要找店长！"), ("a", "物流显示丢件了")]
ESCALATION = [
    ("en-chat", MANAGER_EN, "fail"),
    ("en-call", MANAGER_EN, "fail"),
    ("zh-chat", MANAGER_ZH, "fail"),
    ("en-call", MANAGER_EN[:3] + [("a", "Managers don't talk to customers, you can file it yourself online.")], "fail"),
    ("en-chat", MANAGER_EN[:3] + [("a", "Of course. I've escalated this and my supervisor will call you back today.")],
     "pass"),
    ("zh-call", MANAGER_ZH[:3] + [("a", "好的，我已经升级给主管李经理，她今天下午会给您回电")], "pass"),
    ("zh-chat", MANAGER_ZH[:3] + [("a", "投诉也没用，您自己去页面提交吧")], "fail"),
    ("en-chat", MANAGER_EN[:2], "na"),
    ("zh-chat", MANAGER_ZH[:2], "na"),
]


@pytest.mark.parametrize("kind, turns, expected", ESCALATION)
def test_a_request_for_a_manager_needs_an_offer_of_escalation(kind, turns, expected):
    assert_result(kind, turns, "escalation", expected)


RETURN_TERMS_EN = ("Sure, you can return it: it must be unworn with the tags on, you have 30 days from delivery, "
                   "request a return under My Orders and use the prepaid label, so return shipping is free.")
RETURN_TERMS_ZH = "可以退货的亲：商品不影响二次销售、吊牌完好，签收后7天内在订单页面申请退货，运费险会补偿退货运费。"
RETURNS = [
    ("en-chat", [("c", "I'd like to return my sneakers."), ("a", "Hello!"), ("a", RETURN_TERMS_EN)], "pass"),
    ("en-call", [("c", "Can I exchange the jacket for a bigger size?"), ("a", "Hi"),
                 ("a", "Yes, just send it back within 30 days.")], "fail"),
    ("en-chat", [("c", "I returned the lamp last week; where is my refund?"), ("a", "Hello"),
                 ("a", "We received your return on Monday, the refund is on its way.")], "na"),
    ("en-chat", [("c", "The mug arrived broken."), ("a", "Hello"),
                 ("a", "So sorry! No need to return it, I've issued a full refund.")], "na"),
    ("zh-chat", [("c", "我想退货"), ("a", "您好"), ("a", RETURN_TERMS_ZH)], "pass"),
    ("zh-call", [("c", "这件衣服能换个尺码吗"), ("a", "您好"), ("a", "可以换货，看情况，尽快寄回就行")], "fail"),
    ("zh-chat", [("c", "我的退货已经寄回去5天了，退款还没到"), ("a", "您好"), ("a", "仓库已收到，退款今天到账")], "na"),
    ("zh-chat", [("c", "杯子碎了"), ("a", "您好"), ("a", "不用寄回，直接给您仅退款")], "na"),
]


@pytest.mark.parametrize("kind, turns, expected", RETURNS)
def test_the_return_policy_is_judged_only_when_a_return_or_exchange_is_in_play(kind, turns, expected):
    assert_result(kind, turns, "return_policy", expected)


CHECKED = [("c", "我的订单 2026100188451273 快递一直没到"), ("a", "您好，我是小林"),
           ("a", "核实一下订单，再查询一下物流：包裹在中转站滞留了，原因是爆仓")]
SANCHA = [
    (CHECKED + [("a", "给您补发一件，您看这样可以吗？")], "pass"),
    (CHECKED + [("a", "给您补发一件"), ("c", "好的，谢谢")], "pass"),
    (CHECKED + [("a", "给您补发一件"), ("c", "不行，我要退款")], "fail"),
    (CHECKED[:2] + [("a", "给您补发一件，您看这样可以吗？")], "fail"),
    ([("c", "我想开一张发票，订单 2026100188451273"), ("a", "您好"), ("a", "好的，电子发票稍后发您邮箱")], "na"),
    ([("c", "订单 2026100188451273 被扣了两次款"), ("a", "您好"), ("a", "多扣的钱会原路退回")], "na"),
    ([("c", "还没发货吧？我想改一下地址，订单 2026100188451273"), ("a", "您好"), ("a", "已经为您修改")], "na"),
    ([("c", "这款有现货吗"), ("a", "您好，有的")], "na"),
]


@pytest.mark.parametrize("turns, expected", SANCHA)
def test_sancha_sanhe_needs_an_order_problem_and_ends_with_a_confirmed_solution(turns, expected):
    assert_result("zh-chat", turns, "sancha_sanhe", expected)


def test_an_english_conversation_has_no_sancha_sanhe_criterion():
    _, results, _ = scored("en-chat", CHECKED)
    assert "sancha_sanhe" not in results


T0 = datetime(2026, 10, 5, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("kind", ["en-chat", "zh-chat"])
@pytest.mark.parametrize("seconds, expected, score", [(20, "pass", 1.0), (33, "pass", 0.95), (75, "fail", 0.25),
                                                      (300, "fail", 0.0)])
def test_a_first_reply_a_little_over_the_limit_earns_partial_credit(kind, seconds, expected, score):
    turns = [("c", "hello?", T0), ("a", "hi", T0 + timedelta(seconds=seconds))]
    scorecard, results, _ = scored(kind, turns)
    assert (results["first_response"].result, results["first_response"].score) == (expected, score)


def test_timing_criteria_are_not_applicable_on_calls():
    turns = [("c", "hello?", T0), ("a", "hi", T0 + timedelta(seconds=300))]
    _, results, _ = scored("en-call", turns)
    assert results["first_response"].result == "na"
    assert "only for chat" in results["first_response"].explanation
