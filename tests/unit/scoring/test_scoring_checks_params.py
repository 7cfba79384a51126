"""Every new check parameter rejects bad values with a field path; good values validate cleanly."""
import pytest

from scoring.checks import get_check
from scoring.scorecard import ScorecardError, parse_scorecard

P = {"phrases": ["sorry"]}

BAD = [
    # phrases_present / phrases_absent: similarity, when_customer_mentions, after_customer, groups
    ("phrases_present", {**P, "similarity": 0.3}, ("similarity", "must be between 0.5 and 1")),
    ("phrases_present", {**P, "similarity": "high"}, ("similarity", "must be a number")),
    ("phrases_present", {**P, "similarity": True}, ("similarity", "must be a number")),
    ("phrases_present", {**P, "when_customer_mentions": []},
     ("when_customer_mentions", "must be a non-empty list of phrases")),
    ("phrases_present", {**P, "when_customer_mentions": ["refund", 3]},
     ("when_customer_mentions[1]", "must be a string (quote numbers and yes/no in YAML)")),
    ("phrases_present", {**P, "when_customer_mentions": "refund"},
     ("when_customer_mentions", "must be a non-empty list of phrases")),
    ("phrases_present", {**P, "after_customer": {}},
     ("after_customer", "needs at least one of: markers, sentiment_below")),
    ("phrases_present", {**P, "after_customer": ["angry"]}, ("after_customer", "must be a mapping")),
    ("phrases_present", {**P, "after_customer": {"markers": ["angry"], "within_agent_turns": 0}},
     ("after_customer.within_agent_turns", "must be a positive integer")),
    ("phrases_present", {**P, "after_customer": {"sentiment_below": -2}},
     ("after_customer.sentiment_below", "must be between -1 and 1")),
    ("phrases_present", {**P, "after_customer": {"markers": ["!!"]}},
     ("after_customer.markers[0]", "has no letters or digits")),
    ("phrases_present", {**P, "after_customer": {"markers": ["x"], "within": 2}},
     ("after_customer.within", "unknown parameter (expected one of: markers, sentiment_below, within_agent_turns)")),
    ("phrases_present", {**P, "after_customer": {"markers": ["x"]}, "when_customer_upset": {"markers": ["x"]}},
     ("after_customer", "cannot be used together with when_customer_upset")),
    ("phrases_present", {**P, "after_customer": {"markers": ["x"]}, "within_first_agent_turns": 2},
     ("after_customer", "cannot be used together with within_first_agent_turns")),
    ("phrases_present", {**P, "after_customer": {"markers": ["x"]}, "speaker": "customer"},
     ("speaker", "must be agent when after_customer is given")),
    ("phrases_absent", {"groups": ["rudeness"]},
     ("groups[0]", "must be one of profanity, blaming, prohibited_promises")),
    ("phrases_absent", {"groups": ["blaming", "blaming"]}, ("groups[1]", "blaming is listed twice")),
    ("phrases_absent", {"groups": []},
     ("groups", "must be a non-empty list of: profanity, blaming, prohibited_promises")),
    ("phrases_absent", {}, ("", "needs phrases, groups or both")),
    ("phrases_absent", {"groups": ["blaming"], "similarity": 2}, ("similarity", "must be between 0.5 and 1")),
    ("ordered_steps", {"steps": [{"name": "a", "phrases": ["x"]}], "when_customer_mentions": [""]},
     ("when_customer_mentions[0]", "has no letters or digits")),
    # timing
    ("response_times_within", {}, ("seconds", "is required")),
    ("response_times_within", {"seconds": 0}, ("seconds", "must be a positive number")),
    ("response_times_within", {"seconds": 30, "max": 1},
     ("max", "unknown parameter (expected one of: seconds, partial_credit_until)")),
    ("ticket_time_limits", {"limits": {"accepted_at": 0}}, ("limits.accepted_at", "must be a positive number")),
    ("ticket_time_limits", {"limits": {}}, ("limits", "must be a non-empty mapping")),
    ("ticket_time_limits", {"limits": [24, 48]}, ("limits", "must be a non-empty mapping")),
    ("ticket_time_limits", {"limits": {"opened_at": 5}}, ("limits.opened_at", "is the start: it cannot have a limit")),
    ("ticket_time_limits", {"types": "complaint"}, ("types", "must be a non-empty list of strings")),
    ("ticket_time_limits", {"types": ["complaint", ""]}, ("types[1]", "must be a non-empty string")),
    ("ticket_time_limits", {"metadata_key": ""}, ("metadata_key", "must be a non-empty string")),
    # calls
    ("dead_air", {}, ("seconds", "is required")),
    ("dead_air", {"seconds": -1}, ("seconds", "must be a positive number")),
    ("dead_air", {"seconds": 5, "hold_phrases": "hold"}, ("hold_phrases", "must be a non-empty list of phrases")),
    ("hold_etiquette", {"thanks_phrases": []}, ("thanks_phrases", "must be a non-empty list of phrases")),
    ("hold_etiquette", {"hold_phrases": [1]},
     ("hold_phrases[0]", "must be a string (quote numbers and yes/no in YAML)")),
    ("overtalk", {}, ("", "needs max_seconds, max_count or both")),
    ("overtalk", {"max_seconds": -0.5}, ("max_seconds", "must be at least 0")),
    ("overtalk", {"max_count": 1.5}, ("max_count", "must be a whole number, 0 or more")),
    ("overtalk", {"max_count": -1}, ("max_count", "must be a whole number, 0 or more")),
    ("talk_ratio", {}, ("", "needs min, max or both")),
    ("talk_ratio", {"min": 1.5}, ("min", "must be between 0 and 1")),
    ("talk_ratio", {"min": 0.8, "max": 0.2}, ("min", "must not be above max")),
]


@pytest.mark.parametrize("kind, params, problem", BAD, ids=[f"{k}-{p[0] or 'whole'}-{p[1]}" for k, _, p in BAD])
def test_a_bad_parameter_is_reported_with_its_path(kind, params, problem):
    assert problem in get_check(kind).validate(params)


GOOD = [
    ("phrases_present", {**P, "similarity": 1}),
    ("phrases_present", {**P, "similarity": 0.85, "when_customer_mentions": ["refund"],
                         "after_customer": {"sentiment_below": -0.3, "within_agent_turns": 2}, "mode": "all"}),
    ("phrases_absent", {"groups": ["profanity", "blaming", "prohibited_promises"], "phrases": ["x"]}),
    ("response_times_within", {"seconds": 45.5}),
    ("ticket_time_limits", {}),
    ("ticket_time_limits", {"limits": {"closed_at": 72}, "types": ["投诉"], "metadata_key": "case"}),
    ("dead_air", {"seconds": 8, "hold_phrases": ["请稍等"]}),
    ("hold_etiquette", {}),
    ("overtalk", {"max_seconds": 0}),
    ("overtalk", {"max_count": 0}),
    ("talk_ratio", {"min": 0.5, "max": 0.5}),
]


@pytest.mark.parametrize("kind, params", GOOD, ids=[f"{k}-{i}" for i, (k, _) in enumerate(GOOD)])
def test_good_parameters_validate(kind, params):
    assert get_check(kind).validate(params) == []


def test_a_scorecard_names_the_full_path_of_a_nested_bad_parameter():
    card = {"name": "x", "title": "X", "language": "en", "sections": [{"id": "s", "title": "S", "criteria": [
        {"id": "c", "title": "C", "weight": 1, "check": {
            "type": "phrases_present", "phrases": ["sorry"],
            "after_customer": {"markers": ["x"], "within_agent_turns": 0}}},
        {"id": "d", "title": "D", "weight": 1, "check": {
            "type": "ticket_time_limits", "limits": {"closed_at": "3 days"}}},
    ]}]}
    with pytest.raises(ScorecardError) as caught:
        parse_scorecard(card)
    assert caught.value.errors == [
        "sections[0].criteria[0].check.after_customer.within_agent_turns: must be a positive integer",
        "sections[0].criteria[1].check.limits.closed_at: must be a number",
    ]
