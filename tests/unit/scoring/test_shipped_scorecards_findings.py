"""An agent who says what has been done resolves the customer's order problem, in the words agents
use ("your replacement has been booked", "I've corrected it", "I'll reissue it"), through the real
English scorecards; a bare statement or a vague hope does not; and with no order problem (a
question answered) the criterion does not apply."""
import pytest

from tests.unit.scoring.test_shipped_scorecards_cover import assert_result


@pytest.mark.parametrize("kind", ["en-chat", "en-call"])
@pytest.mark.parametrize("agent_says, expected", [
    ("Your replacement has been booked for Thursday.", "pass"),
    ("The refund is now processed, it shows in 3 days.", "pass"),
    ("The collection was arranged for tomorrow morning.", "pass"),
    ("The refund policy is on our website.", "fail"),
    ("Hopefully it turns up soon.", "fail"),
    ("I've corrected the address and the courier has it now.", "pass"),
    ("I'll reissue the label straight away.", "pass"),
    ("I've checked and it is broken, yes.", "fail"),  # looking is not resolving
])
def test_saying_what_has_been_done_offers_a_resolution(kind, agent_says, expected):
    turns = [("c", "Hi, the kettle from my order arrived broken."), ("a", agent_says), ("c", "ok")]
    assert_result(kind, turns, "resolution", expected)


@pytest.mark.parametrize("kind", ["en-chat", "en-call", "zh-chat", "zh-call"])
@pytest.mark.parametrize("customer_says", ["Can I get a VAT invoice for my last order?", "在吗",
                                           "我的订单开发票在哪里申请？"])
def test_resolution_does_not_apply_when_the_customer_has_no_order_problem(kind, customer_says):
    turns = [("c", customer_says), ("a", "Sure, it is under My Orders. 在订单详情页就可以申请。"), ("c", "ok")]
    assert_result(kind, turns, "resolution", "na")
