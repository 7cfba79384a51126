"""Every appraisal KPI and the weighted rating against examples worked out by hand."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from training import kpis
from training.appraisal_templates import parse_template
from training.kpis import (ActionFact, AgentFacts, AssignmentFact, AttemptFact, ChatFact, ComplaintCase, DisputeFact,
                           EvaluationFact, RatingFact, ScoreFact)

T0 = datetime(2026, 10, 5, 9, 0, tzinfo=timezone.utc)


def template(*kpi_specs, bands=None):
    return parse_template({"code": "t", "title": "T", "kpis": list(kpi_specs),
                           "bands": bands or [{"name": "Exceeds", "at_least": 4}, {"name": "Meets", "at_least": 3},
                                              {"name": "Below", "at_least": 0}]})


def spec(kind, weight=10, target=50, min_n=1, scale=None):
    key = "at_most" if kind in ("critical_failures", "disputes_upheld") else "at_least"
    steps = scale or ([(5, 0), (3, 10), (1, 100)] if key == "at_most" else [(5, 90), (3, 50), (1, -100)])
    return {"kind": kind, "weight": weight, "target": target, "min_n": min_n,
            "scale": [{"rating": r, key: b} for r, b in steps]}


def result(kind, facts, **kw):
    return kpis.appraise(template(spec(kind, **kw)), facts).kpis[0]


def test_qa_score_is_the_mean_of_counted_scores_with_a_95_percent_interval_clipped_to_100():
    # 80, 90, 100: mean 90, sd 10, t(0.975, 2) = 4.3027, half-width 4.3027 * 10 / sqrt(3) = 24.84
    facts = AgentFacts(scores=(ScoreFact(1, 80), ScoreFact(2, 90), ScoreFact(3, 100)))
    k = result("qa_score", facts, scale=[(5, 95), (4, 90), (3, 85), (1, 0)])
    assert (k.value, k.n, k.rating, k.status) == (90.0, 3, 4, "rated")
    assert k.details == {"ci_low": 65.2, "ci_high": 100.0}
    assert k.evidence == (("evaluation", 1), ("evaluation", 2), ("evaluation", 3))


def test_critical_failures_are_the_share_of_final_evaluations_that_failed_a_critical_criterion():
    # 1 of 8 failed: 12.5 %; the scale 0 -> 5, <= 10 -> 3, <= 100 -> 1 gives 1
    facts = AgentFacts(evaluations=tuple(EvaluationFact(i, i == 4) for i in range(1, 9)))
    k = result("critical_failures", facts)
    assert (k.value, k.n, k.rating, k.details["count"]) == (12.5, 8, 1, 1)
    assert k.evidence == (("evaluation", 4),)


def test_csat_is_the_share_of_four_and_five_answers_with_their_mean():
    # 5, 4, 3, 5, 2, 4, 5: 5 of 7 satisfied = 71.4 %; mean 28 / 7 = 4.0
    values = (5, 4, 3, 5, 2, 4, 5)
    facts = AgentFacts(csat=tuple(RatingFact(v, ("conversation", i)) for i, v in enumerate(values, 1)))
    k = result("csat", facts)
    assert (k.value, k.n, k.rating, k.details["mean"]) == (71.4, 7, 3, 4.0)
    assert len(k.evidence) == 7


def test_nps_is_promoters_less_detractors_in_percent():
    # 10, 9, 9, 8, 7, 6, 3, 10: promoters 4, detractors 2, of 8: (4 - 2) / 8 = +25.0
    facts = AgentFacts(nps=tuple(RatingFact(v) for v in (10, 9, 9, 8, 7, 6, 3, 10)))
    k = result("nps", facts)
    assert (k.value, k.n, k.details) == (25.0, 8, {"promoters": 4, "detractors": 2})
    assert k.evidence == ()  # answers without a known conversation carry no link


def test_first_response_counts_chats_answered_within_30_seconds_and_an_unanswered_chat_misses():
    # 12 s and 30 s meet it, 31 s and never do not: 2 of 4 = 50 %
    facts = AgentFacts(chats=(ChatFact(1, 12.0), ChatFact(2, 30.0), ChatFact(3, 31.0), ChatFact(4, None)))
    k = result("first_response", facts)
    assert (k.value, k.n, k.rating, k.details["missed"]) == (50.0, 4, 3, 2)


def test_a_complaint_case_meets_its_limits_only_when_received_in_24_handled_in_48_and_closed_in_72_hours():
    h = lambda n: T0 + timedelta(hours=n)  # noqa: E731
    cases = (ComplaintCase(1, T0, h(2), h(30), h(70)),      # all within
             ComplaintCase(2, T0, h(25), h(30), h(70)),     # receipt after 24 h
             ComplaintCase(3, T0, h(1), h(49), h(70)),      # first handling after 48 h
             ComplaintCase(4, T0, h(1), h(2), h(73)),       # closed after 72 h
             ComplaintCase(5, T0, None, h(2), h(3)))        # receipt never recorded
    k = result("complaint_time_limits", AgentFacts(complaints=cases))
    assert (k.value, k.n, k.details["missed"]) == (20.0, 5, 4)


def test_without_recorded_complaint_cases_the_kpi_reports_too_little_data():
    k = result("complaint_time_limits", AgentFacts(), min_n=5)
    assert (k.value, k.n, k.rating, k.status) == (None, 0, None, "too_little_data")


def test_training_on_time_counts_assignments_completed_by_their_due_time():
    # on time, a minute late, never: 1 of 3 = 33.3 %
    facts = AgentFacts(assignments=(AssignmentFact(1, T0, T0 - timedelta(days=1)),
                                    AssignmentFact(2, T0, T0 + timedelta(minutes=1)), AssignmentFact(3, T0, None)))
    k = result("training_on_time", facts)
    assert (k.value, k.n, k.details["late"]) == (33.3, 3, 2)


def test_quiz_average_is_the_mean_of_graded_attempts():
    k = result("quiz_average", AgentFacts(attempts=(AttemptFact(1, 70.0), AttemptFact(2, 85.0), AttemptFact(3, 100.0))))
    assert (k.value, k.n, k.evidence) == (85.0, 3, (("attempt", 1), ("attempt", 2), ("attempt", 3)))


def test_disputes_upheld_are_the_share_of_resolved_disputes_rejected():
    # rejected, accepted, partly accepted, rejected: 2 of 4 = 50 %, above 10 so rating 1
    facts = AgentFacts(disputes=(DisputeFact(1, "rejected"), DisputeFact(2, "accepted"),
                                 DisputeFact(3, "partly_accepted"), DisputeFact(4, "rejected")))
    k = result("disputes_upheld", facts)
    assert (k.value, k.n, k.rating, k.details["rejected"]) == (50.0, 4, 1, 2)


def test_coaching_actions_are_the_share_of_due_actions_done():
    k = result("coaching_actions", AgentFacts(actions=(ActionFact(1, True), ActionFact(2, True), ActionFact(3, False))))
    assert (k.value, k.n, k.rating, k.details["open"]) == (66.7, 3, 3, 1)


def test_a_kpi_with_n_below_its_minimum_says_too_little_data_and_gives_no_rating():
    k = result("csat", AgentFacts(csat=(RatingFact(5), RatingFact(5))), min_n=3)
    assert (k.value, k.n, k.rating, k.status) == (100.0, 2, None, "too_little_data")


def test_a_value_below_every_step_rates_the_lowest_rating_of_the_scale():
    k = result("qa_score", AgentFacts(scores=(ScoreFact(1, 40),)), scale=[(5, 95), (3, 85), (2, 75)])
    assert k.rating == 2


def test_the_overall_rating_is_the_weighted_mean_of_the_rated_kpis_with_weights_renormalised():
    # qa 30 x 4, csat 15 x 3 rated; nps (weight 5) too little data and left out:
    # (30 * 4 + 15 * 3) / (30 + 15) = 165 / 45 = 3.67 -> Meets
    t = template(spec("qa_score", 30, scale=[(5, 95), (4, 90), (3, 85), (1, 0)]), spec("csat", 15),
                 spec("nps", 5, min_n=10))
    facts = AgentFacts(scores=(ScoreFact(1, 90),), csat=(RatingFact(4), RatingFact(3)), nps=(RatingFact(10),))
    r = kpis.appraise(t, facts)
    assert [k.rating for k in r.kpis] == [4, 3, None]
    assert (r.overall, r.band, r.rated_weight, r.total_weight) == (3.67, "Meets", 45, 50)


def test_with_no_rated_kpi_there_is_no_overall_rating_and_no_band():
    r = kpis.appraise(template(spec("qa_score", min_n=5)), AgentFacts())
    assert (r.overall, r.band, r.rated_weight) == (None, None, 0)


@pytest.mark.parametrize("overall, band", [(4.0, "Exceeds"), (3.99, "Meets"), (3.0, "Meets"), (1.0, "Below")])
def test_bands_cut_the_overall_rating_at_their_cut_offs(overall, band):
    t = template(spec("qa_score"))
    assert kpis.band_of(t.bands, overall) == band
