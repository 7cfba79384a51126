"""response_times_within and ticket_time_limits, table-driven; response times agree with chat_metrics."""
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.checks.timing import response_times
from scoring_testkit import check, conv
from transcripts.metrics import chat_metrics
from transcripts.model import Conversation, Turn

T0 = datetime(2025, 3, 1, 9, 0, 0)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


RESPONSES = [
    ("every response on time passes",
     conv(("c", "hi", at(0)), ("a", "hello", at(20)), ("c", "parcel?", at(30)), ("a", "checking", at(80))),
     "pass", 1.0, "all 2 agent responses within 60 s (slowest 50 s)", []),
    ("one slow response of two gives half the score",
     conv(("c", "hi", at(0)), ("a", "hello", at(20)), ("c", "parcel?", at(30)), ("a", "checking", at(130))),
     "fail", 0.5, "1 of 2 agent responses within 60 s; slowest 100 s (turn 4 answering turn 3)", [3]),
    ("the wait runs from the first unanswered customer message",
     conv(("c", "hi", at(0)), ("c", "hello?", at(50)), ("a", "yes", at(70))),
     "fail", 0.0, "slowest 70 s (turn 3 answering turn 1)", [2]),
    ("agent messages without a customer message waiting do not count",
     conv(("a", "welcome", at(0)), ("c", "hi", at(500)), ("a", "hello", at(510)), ("a", "more", at(900))),
     "pass", 1.0, "all 1 agent response within 60 s", []),
    ("a customer message nobody answers is not a response",
     conv(("c", "hi", at(0)), ("a", "hello", at(5)), ("c", "thanks bye", at(10))),
     "pass", 1.0, "all 1 agent response", []),
    ("turns are ordered by their times",
     conv(("a", "hello", at(10)), ("c", "hi", at(0))), "pass", 1.0, "slowest 10 s", []),
    ("no timestamps is not applicable", conv(("c", "hi"), ("a", "hello")),
     "na", None, "no timestamps (response times need chat times)", []),
    ("no agent response is not applicable", conv(("c", "hi", at(0)), ("c", "hello?", at(9))),
     "na", None, "no agent response to a customer message", []),
    ("mixed time zones are not applicable",
     conv(("c", "hi", at(0)), ("a", "hello", datetime(2025, 3, 1, 9, 0, 5, tzinfo=timezone.utc))),
     "na", None, "timestamps mix time zones and local times", []),
    ("no turns at all is not applicable", conv(), "na", None, "no timestamps", []),
]


@pytest.mark.parametrize("case, conversation, result, score, explanation, turns", RESPONSES,
                         ids=[c[0] for c in RESPONSES])
def test_response_times_within(case, conversation, result, score, explanation, turns):
    outcome = check(conversation, "response_times_within", seconds=60)
    assert (outcome.result, outcome.score) == (result, score)
    assert explanation in outcome.explanation
    assert [e.turn for e in outcome.evidence] == turns


@given(st.lists(st.tuples(st.sampled_from(["agent", "customer", "bot"]),
                          st.one_of(st.none(), st.integers(0, 3600))), max_size=12))
def test_response_times_are_the_ones_chat_metrics_reports(items):
    turns = tuple(Turn(speaker, "x", at=None if s is None else at(s)) for speaker, s in items)
    mine = [round(seconds, 3) for _, _, seconds in response_times(Conversation("h", "a", turns))]
    assert mine == chat_metrics(turns)["response_times"]["times"]


def ticketed(ticket, **metadata) -> Conversation:
    return Conversation("t1", "agent-1", (Turn("customer", "hi"),), metadata={"ticket": ticket, **metadata})


OPEN = "2025-03-01T09:00:00"


def hours(h: float) -> str:
    return (datetime.fromisoformat(OPEN) + timedelta(hours=h)).isoformat()


TICKETS = [
    ("every stage on time passes",
     {"opened_at": OPEN, "accepted_at": hours(2), "first_handled_at": hours(30), "closed_at": hours(70),
      "type": "complaint"}, {},
     "pass", 1.0, "accepted_at after 2 h (limit 24 h); first_handled_at after 30 h (limit 48 h); "
                  "closed_at after 70 h (limit 72 h)"),
    ("a late closure costs a third",
     {"opened_at": OPEN, "accepted_at": hours(2), "first_handled_at": hours(30), "closed_at": hours(80)}, {},
     "fail", 0.6667, "late: closed_at after 80 h (limit 72 h)"),
    ("a missing stage fails once a later time is past its deadline",
     {"opened_at": OPEN, "closed_at": hours(30)}, {},
     "fail", 0.5, "late: no accepted_at although 24 h have passed"),
    ("a missing stage is not judged while its deadline may still be met",
     {"opened_at": OPEN, "accepted_at": hours(3)}, {}, "pass", 1.0, "accepted_at after 3 h (limit 24 h)"),
    ("limits are configurable and only the listed stages count",
     {"opened_at": OPEN, "accepted_at": hours(5), "closed_at": hours(200)}, {"limits": {"accepted_at": 4}},
     "fail", 0.0, "late: accepted_at after 5 h (limit 4 h)"),
    ("types choose the tickets (case-insensitive)",
     {"opened_at": OPEN, "accepted_at": hours(2), "type": "Complaint"}, {"types": ["complaint", "投诉"]},
     "pass", 1.0, "accepted_at after 2 h"),
    ("another type is not applicable",
     {"opened_at": OPEN, "accepted_at": hours(2), "type": "enquiry"}, {"types": ["complaint"]},
     "na", None, "the ticket type 'enquiry' is not one of complaint"),
    ("datetime values work as well as text",
     {"opened_at": datetime(2025, 3, 1, 9), "accepted_at": datetime(2025, 3, 2, 10)}, {},
     "fail", 0.0, "accepted_at after 25 h (limit 24 h)"),
    ("time zones are respected",
     {"opened_at": "2025-03-01T09:00:00+08:00", "accepted_at": "2025-03-01T01:30:00Z"}, {},
     "pass", 1.0, "accepted_at after 0.5 h"),
    ("no opened_at is not applicable", {"accepted_at": hours(1)}, {}, "na", None, "metadata.ticket has no opened_at"),
    ("no stage time yet is not applicable", {"opened_at": OPEN}, {},
     "na", None, "metadata.ticket has none of accepted_at, first_handled_at, closed_at yet"),
    ("a time that is not a time is not applicable", {"opened_at": OPEN, "closed_at": "soon"}, {},
     "na", None, "metadata.ticket.closed_at is not a date and time ('soon')"),
    ("a number is not a time either", {"opened_at": 1740819600}, {},
     "na", None, "metadata.ticket.opened_at is not a date and time (1740819600)"),
    ("mixed time zones are not applicable", {"opened_at": OPEN, "closed_at": "2025-03-02T09:00:00+00:00"}, {},
     "na", None, "metadata.ticket mixes times with and without a time zone"),
    ("a stage before opening is not applicable", {"opened_at": OPEN, "accepted_at": hours(-1)}, {},
     "na", None, "metadata.ticket.accepted_at is before opened_at"),
    ("a ticket that is not a mapping is not applicable", "T-1", {}, "na", None, "metadata.ticket is not a mapping"),
    ("another metadata key can hold the ticket", None, {"metadata_key": "case"},
     "pass", 1.0, "accepted_at after 1 h"),
]


@pytest.mark.parametrize("case, ticket, params, result, score, explanation", TICKETS, ids=[c[0] for c in TICKETS])
def test_ticket_time_limits(case, ticket, params, result, score, explanation):
    extra = {"case": {"opened_at": OPEN, "accepted_at": hours(1)}} if ticket is None else {}
    outcome = check(ticketed(ticket, **extra), "ticket_time_limits", **params)
    assert (outcome.result, outcome.score) == (result, score)
    assert explanation in outcome.explanation
    assert all(e.turn is None for e in outcome.evidence)


def test_a_ticket_check_shows_the_ticket_times_as_evidence():
    outcome = check(ticketed({"opened_at": OPEN, "accepted_at": hours(2)}), "ticket_time_limits")
    assert [e.text for e in outcome.evidence] == [f"metadata.ticket.opened_at: {OPEN}",
                                                  f"metadata.ticket.accepted_at: {hours(2)}"]


def test_no_ticket_in_the_metadata_is_not_applicable():
    outcome = check(conv(("c", "hi")), "ticket_time_limits")
    assert (outcome.result, outcome.explanation) == ("na", "no ticket in the conversation's metadata (ticket)")
