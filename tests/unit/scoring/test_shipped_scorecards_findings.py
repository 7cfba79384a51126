"""An agent who says what they found in the order verifies it, and one who says what has been done
resolves it, in the words agents use ("I can see your parcel was …", "your replacement has been
booked"), through the real English scorecards; a bare question or a vague promise does neither."""
import pytest

from tests.unit.scoring.test_shipped_scorecards_cover import assert_result


@pytest.mark.parametrize("kind", ["en-chat", "en-call"])
@pytest.mark.parametrize("agent_says, expected", [
    ("I can now see your parcel was left with a neighbour on Tuesday.", "pass"),
    ("I could see the payment was taken twice, sorry about that.", "pass"),
    ("Your tracking shows it reached the depot this morning.", "pass"),
    ("I can see why that would be annoying.", "fail"),  # a feeling, not the order
    ("Sure, what seems to be the problem?", "fail"),
])
def test_saying_what_was_found_in_the_order_verifies_it(kind, agent_says, expected):
    turns = [("c", "Hi, my order never came."), ("a", agent_says), ("c", "ok")]
    assert_result(kind, turns, "order_verification", expected)


@pytest.mark.parametrize("kind", ["en-chat", "en-call"])
@pytest.mark.parametrize("agent_says, expected", [
    ("Your replacement has been booked for Thursday.", "pass"),
    ("The refund is now processed, it shows in 3 days.", "pass"),
    ("The collection was arranged for tomorrow morning.", "pass"),
    ("The refund policy is on our website.", "fail"),
    ("Hopefully it turns up soon.", "fail"),
])
def test_saying_what_has_been_done_offers_a_resolution(kind, agent_says, expected):
    turns = [("c", "Hi, the kettle arrived broken."), ("a", agent_says), ("c", "ok")]
    assert_result(kind, turns, "resolution", expected)
