"""Dispute rules: the window, who resolves, outcome checks and resolution statistics."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from training.disputes import (DisputeRuleError, ResolvedDispute, ResolverCandidate as C, check_outcome,
                               choose_resolver, dispute_stats, within_window)

UTC = timezone.utc
EVALUATED = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("now, days, expected", [
    (EVALUATED, 7, True),
    (EVALUATED + timedelta(days=7), 7, True),
    (EVALUATED + timedelta(days=7, seconds=1), 7, False),
    (EVALUATED + timedelta(days=30), 7, False),
    (EVALUATED + timedelta(hours=1), 0, False),
    (EVALUATED, 0, True),
    (datetime(2026, 11, 12, 9, 0), 7, True),  # a naive value is read as UTC
])
def test_a_dispute_is_allowed_up_to_the_last_day_of_the_window(now, days, expected):
    assert within_window(EVALUATED, now, days) is expected


@pytest.mark.parametrize("days", [-1, 1.5, "7", None, True])
def test_the_window_must_be_a_whole_number_of_days(days):
    with pytest.raises(DisputeRuleError, match="whole number of days"):
        within_window(EVALUATED, EVALUATED, days)


@pytest.mark.parametrize("candidates, excluded, expected", [
    ([], set(), None),
    ([C(1, "reviewer", "team")], set(), 1),
    ([C(1, "reviewer", "team"), C(2, "lead", "team")], set(), 2),  # a lead before a reviewer
    ([C(1, "reviewer", "team"), C(2, "lead", "all")], set(), 2),  # any lead who sees the agent
    ([C(2, "lead", "all"), C(3, "lead", "team", open_load=9)], set(), 3),  # team coverage before load
    ([C(2, "lead", "team", 3), C(3, "lead", "team", 1)], set(), 3),  # the least loaded
    ([C(3, "lead", "team", 1), C(2, "lead", "team", 1)], set(), 2),  # a tie: the lowest id
    ([C(2, "lead", "team"), C(5, "reviewer", "team")], {2}, 5),  # never the original reviewer
    ([C(2, "lead", "none"), C(5, "reviewer", "all")], set(), 5),  # nobody who cannot see it
    ([C(2, "lead", "none"), C(5, "reviewer", "team")], {5}, None),
    ([C(4, "reviewer", "all", 0), C(5, "reviewer", "team", 2)], set(), 5),
])
def test_a_dispute_goes_to_a_covering_lead_else_a_reviewer_least_loaded_first(candidates, excluded, expected):
    assert choose_resolver(candidates, excluded) == expected


@pytest.mark.parametrize("candidate, message", [
    (C(1, "admin", "team"), "role must be lead or reviewer"),
    (C(1, "agent", "team"), "role must be lead or reviewer"),
    (C(1, "lead", "some"), "coverage must be team, all or none"),
])
def test_candidates_with_an_unknown_role_or_coverage_are_refused(candidate, message):
    with pytest.raises(DisputeRuleError, match=message):
        choose_resolver([candidate], set())


@pytest.mark.parametrize("outcome, changed, disputed, expected", [
    ("accept", {"greeting"}, [], "accepted"),
    ("partly_accept", {"greeting"}, ["greeting", "closing"], "partly_accepted"),
    ("reject", set(), ["greeting"], "rejected"),
    ("reject", set(), [], "rejected"),
])
def test_an_outcome_gives_its_status(outcome, changed, disputed, expected):
    assert check_outcome(outcome, "checked the call", changed, disputed) == expected


@pytest.mark.parametrize("outcome, reason, changed, disputed, message", [
    ("approve", "x", set(), [], "outcome must be accept, partly_accept or reject"),
    ("accept", "  ", {"greeting"}, [], "a reason is required"),
    ("reject", "", set(), [], "a reason is required"),
    ("reject", "x", {"greeting"}, [], "a rejected dispute keeps the evaluation; changed: greeting"),
    ("accept", "x", set(), [], "needs at least one changed criterion"),
    ("partly_accept", "x", set(), ["greeting"], "needs at least one changed criterion"),
    ("accept", "x", {"closing", "empathy"}, ["empathy"], "criteria not disputed cannot change: closing"),
])
def test_outcomes_that_do_not_fit_the_changes_are_refused(outcome, reason, changed, disputed, message):
    with pytest.raises(DisputeRuleError, match=message):
        check_outcome(outcome, reason, changed, disputed)


def _d(status, hours=None, resolver=None):
    resolved = EVALUATED + timedelta(hours=hours) if hours is not None else None
    return ResolvedDispute(status=status, created_at=EVALUATED, resolved_at=resolved, resolver=resolver)


def test_statistics_count_volume_and_outcomes_and_take_the_median_time_per_resolver():
    stats = dispute_stats([_d("open"), _d("accepted", 2, "lee"), _d("rejected", 10, "lee"),
                           _d("rejected", 30, "lee"), _d("partly_accepted", 5, "ann"), _d("accepted", 7, "ann")])
    assert (stats.volume, stats.open) == (6, 1)
    assert stats.outcomes == {"accepted": 2, "partly_accepted": 1, "rejected": 2}
    assert stats.median_hours == 7
    assert [(r.resolver, r.resolved, r.median_hours) for r in stats.resolvers] == [("ann", 2, 6.0), ("lee", 3, 10)]
    assert stats.resolvers[1].outcomes == {"accepted": 1, "partly_accepted": 0, "rejected": 2}


def test_statistics_of_no_disputes_are_zero_with_no_median():
    stats = dispute_stats([])
    assert (stats.volume, stats.open, stats.median_hours, stats.resolvers) == (0, 0, None, ())
    assert set(stats.outcomes.values()) == {0}


@pytest.mark.parametrize("dispute, message", [
    (ResolvedDispute("closed", EVALUATED), "status must be one of"),
    (ResolvedDispute("accepted", EVALUATED, resolver="lee"), "a resolved dispute needs resolved_at and"),
    (ResolvedDispute("rejected", EVALUATED, resolved_at=EVALUATED), "a resolved dispute needs resolved_at and"),
])
def test_statistics_refuse_a_dispute_with_an_unknown_status_or_no_resolution(dispute, message):
    with pytest.raises(DisputeRuleError, match=f"dispute 0: {message}"):
        dispute_stats([dispute])
