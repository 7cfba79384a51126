"""Preconditions (scoring.checks.preconditions): pure gates that make any criterion N/A with a reason,
validated as part of the scorecard, and the partial-credit curve of the timing checks."""
import pytest

from scoring.checks import CheckContext
from scoring.checks.preconditions import PRECONDITIONS, check_gates, split, validate
from scoring.checks.timing import late_credit
from scoring.engine import run_check
from scoring.scorecard import CheckSpec, ScorecardError, freeze, parse_scorecard
from scoring.text import normalise
from scoring_testkit import conv


def gate(key, value, *turns, channel="chat"):
    conversation = conv(*turns, channel=channel)
    context = CheckContext(tuple(normalise(t.text) for t in conversation.turns))
    return PRECONDITIONS[key].test(conversation, value, context)


@pytest.mark.parametrize("turns, applies", [
    ([("c", "I'd like to return these boots")], True),
    ([("c", "Can I exchange it for a bigger size?")], True),
    ([("a", "Here is your return label")], True),
    ([("c", "I already returned it, where is my refund?")], False),
    ([("c", "It broke"), ("a", "No need to return it, here is a refund")], False),
    ([("c", "Where is my parcel?")], False),
    ([("c", "我想退货")], True),
    ([("c", "能换个尺码吗")], True),
    ([("c", "退货已经寄回去了，退款呢"), ("a", "仓库已收到")], False),
    ([("c", "碎了"), ("a", "不用寄回，给您仅退款")], False),
])
def test_a_return_is_in_play_only_when_one_is_arranged_or_explained(turns, applies):
    assert gate("when_return_in_play", True, *turns).applies is applies


@pytest.mark.parametrize("turns, applies", [
    ([("c", "订单 2026100188451273 的快递还没到")], True),
    ([("c", "我买的加湿器漏水")], True),
    ([("c", "我买的杯子碎了"), ("a", "订单号 A123456 查到了")], True),
    ([("c", "订单 2026100188451273 要开发票")], False),
    ([("c", "订单 2026100188451273 扣了两次款，要退款")], False),
    ([("c", "还没发货，订单 2026100188451273 想改地址")], False),
    ([("c", "预售的定金能退吗 订单 2026100188451273")], False),
    ([("c", "快递什么时候上班")], False),  # no specific order
    ([("c", "my order 12345678 arrived broken")], True),
    ([("c", "I was charged twice for order 12345678")], False),
])
def test_an_order_problem_needs_an_after_sales_issue_with_a_specific_order(turns, applies):
    assert gate("when_order_problem", True, *turns).applies is applies


def test_a_scorecard_can_replace_the_shipped_phrases():
    value = {"markers": ["parcel"], "unless": ["invoice"], "requires": ["parcel"]}
    assert gate("when_order_problem", value, ("c", "where is my parcel")).applies
    assert not gate("when_order_problem", value, ("c", "parcel invoice please")).applies


@pytest.mark.parametrize("text, applies", [("I want your manager", True), ("我要投诉你们", True),
                                           ("叫店长来", True), ("thanks for the help", False)])
def test_an_escalation_is_requested_when_the_customer_asks_for_a_manager_or_to_complain(text, applies):
    assert gate("when_escalation_requested", True, ("c", text)).applies is applies


def test_the_channel_gate_names_the_channel_it_wants():
    found = gate("when_channel", ["chat"], ("c", "hi"), channel="call")
    assert (found.applies, found.reason) == (False, "only for chat (this is a call)")


def test_the_reason_names_the_turn_and_the_phrase_that_decided():
    found = gate("when_return_in_play", True, ("c", "hi"), ("a", "We received your return today"))
    assert found.reason == 'return or exchange in play: no ("we received your return" in turn 2)'


def test_split_keeps_the_check_parameters_and_the_gates_in_order():
    own, gates = split({"phrases": ["x"], "when_channel": ["chat"], "when_return_in_play": True})
    assert own == {"phrases": ["x"]}
    assert [k for k, _ in gates] == ["when_channel", "when_return_in_play"]


def test_the_first_gate_that_does_not_hold_decides_and_all_that_hold_are_named():
    conversation = conv(("c", "I want to return it"), channel="call")
    context = CheckContext(tuple(normalise(t.text) for t in conversation.turns))
    assert check_gates(conversation, (("when_return_in_play", True), ("when_channel", ["chat"])), context) == (
        "only for chat (this is a call)", "")
    reason, applied = check_gates(conversation, (("when_return_in_play", True),), context)
    assert reason is None and applied.startswith("return or exchange in play")


@pytest.mark.parametrize("key, value, problem", [
    ("when_return_in_play", "yes", ("when_return_in_play", "must be true (the shipped phrases) or a mapping of phrase lists")),
    ("when_return_in_play", {"marker": ["x"]}, ("when_return_in_play.marker", "unknown parameter (expected one of: "
                                                 "markers, unless, requires, requires_regexes)")),
    ("when_channel", ["fax"], ("when_channel[0]", "must be one of chat, call, email, social")),
    ("when_escalation_requested", {}, ("when_escalation_requested.markers", "is required")),
])
def test_a_bad_precondition_is_reported_with_its_path(key, value, problem):
    assert problem in validate(((key, value),))


def test_a_scorecard_with_a_bad_precondition_names_the_field_path():
    data = {"name": "x", "title": "X", "language": "en", "sections": [{"id": "s", "title": "S", "criteria": [
        {"id": "c", "title": "C", "weight": 1, "check": {"type": "customer_sentiment_end", "when_channel": []}}]}]}
    with pytest.raises(ScorecardError, match=r"sections\[0\]\.criteria\[0\]\.check\.when_channel"):
        parse_scorecard(data)


def test_any_check_type_accepts_a_precondition_and_is_na_with_its_reason():
    spec = CheckSpec("data_handling", freeze({"items": ["cvv"], "requests": ["tell me"], "when_channel": ["call"]}))
    outcome = run_check(conv(("c", "hi"), ("a", "tell me the cvv")), spec)
    assert (outcome.result, outcome.explanation) == ("na", "only for call (this is a chat)")


def test_a_check_that_applies_says_what_made_it_apply():
    spec = CheckSpec("phrases_present", freeze({"phrases": ["label"], "when_return_in_play": True}))
    outcome = run_check(conv(("c", "I want to return it"), ("a", "Here is the label")), spec)
    assert outcome.result == "pass"
    assert outcome.explanation.endswith('(return or exchange in play: "to return" in turn 1)')


@pytest.mark.parametrize("waited, until, credit", [
    (30, 3, 1.0), (20, 3, 1.0), (33, 3, 0.95), (45, 3, 0.75), (60, 3, 0.5), (90, 3, 0.0), (200, 3, 0.0),
    (45, 2, 0.5), (31, None, 0.0),
])
def test_late_credit_falls_in_a_straight_line_from_the_limit_to_until_times_the_limit(waited, until, credit):
    assert late_credit(waited, 30, until) == credit
