"""Weekly sampling rules: quotas, stratified random share, risk reasons, weighted reviewers, no self-review."""
from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest

from scoring.sampling import (Candidate, Reviewer, SamplingError, SamplingSettings, parse_week, pick_week,
                              proportional_allocation, risk_reasons, week_of)

SAFE = dict(auto_score=90.0, end_sentiment=0.2, longest_silence=5.0, csat=5)


def cand(cid: int, agent: str = "a1", channel: str = "chat", queue: str | None = "returns", team=None, **kw):
    values = {**SAFE, **kw}
    return Candidate(conversation_id=cid, agent=agent, team=team, channel=channel, queue=queue, **values)


def pick(candidates, reviewers=(Reviewer("r1"),), seed=1, **settings):
    return pick_week(candidates, list(reviewers), SamplingSettings(**settings), random.Random(seed))


@pytest.mark.parametrize("overrides, expected", [
    ({}, ()),
    ({"auto_fail": True}, ("critical_failure",)),
    ({"auto_score": 69.9}, ("low_score",)),
    ({"auto_score": 70.0}, ()),
    ({"end_sentiment": -0.31}, ("negative_end_sentiment",)),
    ({"end_sentiment": -0.3}, ()),
    ({"longest_silence": 30.5}, ("long_silence",)),
    ({"longest_silence": 30.0}, ()),
    ({"csat": 2}, ("low_csat",)),
    ({"csat": 3}, ()),
    ({"end_sentiment": None, "longest_silence": None, "csat": None}, ()),
    ({"auto_fail": True, "auto_score": 0.0, "csat": 1, "longest_silence": 61, "end_sentiment": -0.9},
     ("critical_failure", "low_score", "negative_end_sentiment", "low_csat", "long_silence")),
])
def test_each_risk_reason_applies_exactly_beyond_its_threshold(overrides, expected):
    assert risk_reasons(cand(1, **overrides), SamplingSettings()) == expected


@pytest.mark.parametrize("n_candidates, quota, share, n_random, n_risk", [
    (20, 5, 0.5, 3, 2),   # 2.5 random rounds half up
    (20, 4, 0.5, 2, 2),
    (20, 5, 0.0, 0, 5),
    (20, 5, 1.0, 5, 0),
    (3, 5, 0.5, 2, 1),    # fewer candidates than the quota: all of them
    (0, 5, 0.5, 0, 0),
    (20, 0, 0.5, 0, 0),
])
def test_each_agent_gets_the_quota_split_into_random_and_risk_picks(n_candidates, quota, share, n_random, n_risk):
    pool = [cand(i, auto_score=50.0) for i in range(n_candidates)]
    picks = pick(pool, quota_per_agent=quota, random_share=share)
    assert Counter(p.random for p in picks) == Counter({True: n_random, False: n_risk}) - Counter()
    assert len({p.conversation_id for p in picks}) == len(picks)


def test_the_quota_applies_to_every_agent_separately():
    pool = [cand(i, agent=f"a{i % 3}") for i in range(30)]
    assert Counter(p.agent for p in pick(pool)) == {"a0": 5, "a1": 5, "a2": 5}


def test_when_too_few_conversations_are_risky_random_picks_fill_the_quota():
    pool = [cand(i) for i in range(10)] + [cand(99, auto_fail=True)]
    picks = pick(pool, random_share=0.0)
    assert len(picks) == 5
    assert [p.conversation_id for p in picks if not p.random] in ([99], [])
    assert sum(p.random for p in picks) == 5 - sum(not p.random for p in picks)


@pytest.mark.parametrize("sizes, n, expected", [
    ({"chat/returns": 12, "call/refunds": 8}, 10, {"chat/returns": 6, "call/refunds": 4}),
    ({"chat/returns": 6, "call/refunds": 3, "email/-": 1}, 4, {"chat/returns": 2, "call/refunds": 1,
                                                                 "email/-": 1}),
    ({"chat/returns": 1, "call/refunds": 1}, 2, {"chat/returns": 1, "call/refunds": 1}),
    ({"chat/returns": 7}, 3, {"chat/returns": 3}),
])
def test_random_draws_are_allocated_to_strata_in_proportion_to_their_size(sizes, n, expected):
    assert proportional_allocation(sizes, n, random.Random(3)) == expected


def test_a_tie_between_strata_gives_the_extra_draw_to_each_side_for_some_seed():
    winners = {max(a := proportional_allocation({"x": 1, "y": 1}, 1, random.Random(s)), key=a.get)
               for s in range(20)}
    assert winners == {"x", "y"}


def test_random_picks_follow_the_channel_and_queue_mix_of_the_agents_conversations():
    pool = ([cand(i, channel="chat", queue="returns") for i in range(12)]
            + [cand(100 + i, channel="call", queue="refunds") for i in range(8)])
    picks = pick(pool, quota_per_agent=10, random_share=1.0)
    assert Counter(p.stratum for p in picks) == {"chat/returns": 6, "call/refunds": 4}
    assert all(p.reasons == ("random",) for p in picks)


def test_risk_picks_are_the_riskiest_and_record_every_reason():
    pool = [cand(1, auto_score=60.0), cand(2, auto_fail=True, auto_score=0.0, csat=1),
            cand(3, csat=2), cand(4, longest_silence=45.0), cand(5)]
    picks = pick(pool, quota_per_agent=2, random_share=0.0)
    assert [(p.conversation_id, p.reasons) for p in picks] == [
        (2, ("critical_failure", "low_score", "low_csat")), (1, ("low_score",))]


def test_conversations_already_reviewed_by_a_human_are_never_picked():
    pool = [cand(1, reviewed_by_human=True, auto_fail=True), cand(2)]
    assert [p.conversation_id for p in pick(pool)] == [2]


def test_the_same_seed_gives_the_same_picks_and_another_seed_may_not():
    pool = [cand(i, channel=("chat", "call")[i % 2]) for i in range(40)]
    reviewers = [Reviewer("r1"), Reviewer("r2")]
    assert pick(pool, reviewers, seed=7) == pick(pool, reviewers, seed=7)
    assert any(pick(pool, reviewers, seed=s) != pick(pool, reviewers, seed=7) for s in range(5))


def test_nobody_is_assigned_their_own_conversations():
    pool = [cand(i, agent=("r1", "r2")[i % 2]) for i in range(20)]
    picks = pick(pool, [Reviewer("r1"), Reviewer("r2")])
    assert picks and all(p.reviewer != p.agent for p in picks)


@pytest.mark.parametrize("weights, expected", [
    ((1, 1), {"r1": 10, "r2": 10}),
    ((3, 1), {"r1": 15, "r2": 5}),
    ((1, 0), {"r1": 20}),
])
def test_work_is_spread_across_reviewers_by_weight(weights, expected):
    pool = [cand(i, agent=f"a{i % 4}") for i in range(40)]
    reviewers = [Reviewer("r1", weights[0]), Reviewer("r2", weights[1])]
    assert Counter(p.reviewer for p in pick(pool, reviewers)) == expected


def test_reviewers_only_get_conversations_of_teams_they_cover():
    pool = [cand(i, agent="a1", team="north") for i in range(5)] + [cand(10 + i, agent="a2", team="south")
                                                                     for i in range(5)]
    reviewers = [Reviewer("rn", teams=frozenset({"north"})), Reviewer("rs", teams=frozenset({"south"}))]
    assert {(p.agent, p.reviewer) for p in pick(pool, reviewers)} == {("a1", "rn"), ("a2", "rs")}


@pytest.mark.parametrize("reviewers, message", [
    ([], "there are no reviewers"),
    ([Reviewer("r1", 0)], "there are no reviewers"),
    ([Reviewer("a1")], "conversation 1 of a1: no reviewer may review it"),
    ([Reviewer("r1", teams=frozenset({"south"}))], "conversation 1 of a1: no reviewer"),
])
def test_picks_without_a_possible_reviewer_are_a_clear_error(reviewers, message):
    with pytest.raises(SamplingError, match=message):
        pick([cand(1, team="north")], reviewers)


def test_no_candidates_need_no_reviewers():
    assert pick([], []) == []


@pytest.mark.parametrize("settings, message", [
    ({"quota_per_agent": -1}, "quota_per_agent"),
    ({"quota_per_agent": 2.5}, "quota_per_agent"),
    ({"random_share": 1.5}, "random_share"),
    ({"random_share": -0.1}, "random_share"),
])
def test_bad_settings_are_refused_naming_the_setting(settings, message):
    with pytest.raises(SamplingError, match=message):
        SamplingSettings(**settings)


@pytest.mark.parametrize("weight", [-1, float("nan"), "2"])
def test_a_bad_reviewer_weight_is_refused(weight):
    with pytest.raises(SamplingError, match="reviewer r1: weight"):
        Reviewer("r1", weight)


def test_a_conversation_given_twice_is_refused():
    with pytest.raises(SamplingError, match="conversation 1 is a candidate more than once"):
        pick([cand(1), cand(1)])


@pytest.mark.parametrize("week, monday", [
    ("2026-W47", date(2026, 11, 16)),
    ("2026-W01", date(2025, 12, 29)),
    ("2020-W53", date(2020, 12, 28)),
    ("2026-W53", date(2026, 12, 28)),
])
def test_an_iso_week_spans_monday_to_the_next_monday(week, monday):
    start, end = parse_week(week)
    assert start == monday and (end - start).days == 7 and week_of(start) == week


@pytest.mark.parametrize("week, message", [
    ("2026-47", "must look like 2026-W47"),
    ("2026-W7", "must look like 2026-W47"),
    ("last week", "must look like 2026-W47"),
    ("2025-W53", "year 2025 has no week 53"),
    ("2026-W00", "year 2026 has no week 00"),
])
def test_a_malformed_week_is_refused(week, message):
    with pytest.raises(SamplingError, match=message):
        parse_week(week)
