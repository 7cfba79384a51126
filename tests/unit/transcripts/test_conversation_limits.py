"""transcripts.limits: each limit on one conversation, and the field its error names."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from transcripts import limits
from transcripts.model import Conversation, Turn
from transcripts.errors import RecordInvalid
from transcripts.records import conversation_from_dict

SMALL = limits.Limits(max_turns=3, max_turn_chars=10, max_id_chars=5, max_depth=2, min_year=1990, max_year=2100)
AT = datetime(2026, 11, 5, 10, tzinfo=timezone.utc)


def conv(**changes) -> Conversation:
    fields = {"external_id": "c-1", "agent": "ann", "turns": (Turn("customer", "hi", AT), Turn("agent", "hello", AT))}
    fields.update(changes)
    return Conversation(**fields)


def nested(levels: int) -> object:
    value: object = "leaf"
    for _ in range(levels):
        value = [value]
    return value


LIMITS = [  # (what is wrong, the conversation, the field path the error names, words of the reason)
    ("too many turns", conv(turns=(Turn("agent", "x", AT),) * 4), "turns", "at most 3"),
    ("a turn too long", conv(turns=(Turn("agent", "x" * 11, AT),)), "turns[0].text", "at most 10"),
    ("an id too long", conv(external_id="c-123456"), "id", "at most 5"),
    ("an agent login too long", conv(agent="annabel"), "agent", "at most 5"),
    ("a queue too long", conv(queue="returns"), "queue", "at most 5"),
    ("a customer too long", conv(customer="cust-99"), "customer", "at most 5"),
    ("a start in the year 9999", conv(started_at=datetime(9999, 12, 31, 23, 59, 59,
                                                          tzinfo=timezone(-timedelta(hours=14)))),
     "started_at", "1990-2100"),
    ("a turn time before 1990", conv(turns=(Turn("agent", "x", datetime(1970, 1, 1, tzinfo=timezone.utc)),)),
     "turns[0].at", "1990-2100"),
    ("extra fields nested too deep", conv(metadata={"crm": nested(3)}), "record", "at most 2"),
]


@pytest.mark.parametrize("what, record, path, reason", LIMITS, ids=[row[0] for row in LIMITS])
def test_a_conversation_over_a_limit_is_refused_naming_the_field(what, record, path, reason):
    problem = limits.check(record, SMALL)
    assert problem is not None and problem.path == path and reason in problem.reason


FITS = [
    ("exactly the limits", conv(external_id="c-123", turns=(Turn("agent", "x" * 10, AT),) * 3,
                                metadata={"crm": nested(2)})),
    ("the first and last accepted years", conv(started_at=datetime(1990, 1, 1, tzinfo=timezone.utc),
                                               turns=(Turn("agent", "x", datetime(2100, 12, 31, 23, 59)),))),
    ("times given as call offsets", conv(turns=(Turn("agent", "x", None, 0.0, 3.5),))),
]


@pytest.mark.parametrize("what, record", FITS, ids=[row[0] for row in FITS])
def test_a_conversation_within_the_limits_passes(what, record):
    assert limits.check(record, SMALL) is None


def test_the_default_limits_accept_an_ordinary_record_and_refuse_the_year_9999():
    record = {"id": "x", "agent": "ann", "turns": [{"speaker": "agent", "text": "hi", "at": "9999-06-01T10:00Z"}]}
    problem = limits.check(conversation_from_dict(record))
    assert str(problem).startswith("turns[0].at: 9999-06-01T10:00:00+00:00 is outside the accepted years")
    assert limits.check(conv()) is None


@pytest.mark.parametrize("stamp", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00+01:00"])
def test_a_timestamp_that_cannot_be_moved_to_utc_is_refused_when_the_record_is_read(stamp):
    record = {"id": "x", "agent": "ann", "started_at": stamp, "turns": [{"speaker": "agent", "text": "hi"}]}
    with pytest.raises(RecordInvalid, match=r"^started_at: .* outside the years a timestamp can be stored in"):
        conversation_from_dict(record, require_timing=False)


@pytest.mark.parametrize("value, depth", [("x", 0), ([], 1), ({"a": [1, {"b": None}]}, 3), (nested(5000), 5000)])
def test_json_depth_counts_levels_of_arrays_and_objects_at_any_depth(value, depth):
    assert limits.json_depth(value) == depth
