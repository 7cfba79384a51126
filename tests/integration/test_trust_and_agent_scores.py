"""Trusted automation on stored reviews: the trusted flag follows the settings, and agent scores count
human scores where reviewed and only trusted automatic criteria elsewhere."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone
from typing import Optional

import pytest

from qa_app.services import conversations, ingest, reports, review, scoring, trust
from training.certainty import mean_interval
from training.periods import parse_period

START = datetime(2026, 11, 3, 9, tzinfo=timezone.utc)
HAPPY, ANGRY = "Thank you, great", "This is ridiculous"
# The tests' own scorecard (its queue makes it the one chosen), so edits to the shipped ones do not move them.
CARD = """
name: trust-lab
title: Trust lab
language: en
channels: [chat]
queues: [trustlab]
sections:
  - id: main
    title: Main
    criteria:
      - {id: greeting, title: Greets the customer, weight: 10, check: {type: phrases_present, speaker: agent, phrases: [hello]}}
      - {id: first_response, title: Answers within 30 seconds, weight: 10,
         check: {type: first_response_within, seconds: 30}}
      - {id: customer_sentiment_end, title: The customer is not negative at the end, weight: 20,
         check: {type: customer_sentiment_end, min: -0.05}}
"""


def record(external_id: str, wait: Optional[int], last: str, agent: str = "ann") -> dict:
    """A chat: the agent answers after `wait` seconds (never answers when None)."""
    lines = [("customer", "Hi, where is my parcel?", 0), ("agent", "Hello, thank you for contacting us.", wait),
             ("customer", last, (wait or 0) + 30),
             ("agent", "Is there anything else I can help with? Have a nice day.", (wait or 0) + 60)]
    turns = [{"speaker": s, "text": t, "at": (START + timedelta(seconds=o)).isoformat()}
             for s, t, o in lines if wait is not None or s == "customer"]
    return {"id": external_id, "agent": agent, "language": "en", "channel": "chat", "queue": "trustlab",
            "started_at": START.isoformat(), "turns": turns}


@pytest.fixture
def people(app, make_user, fake_sentiment):
    from qa_app.services import scorecards
    scorecards.create_version(CARD, activate=True)
    return make_user("ann", "agent"), make_user("rev", "reviewer")


def seed(*records: dict) -> dict[str, int]:
    summary = ingest.ingest_text("\n".join(json.dumps(r) for r in records), "seed.ndjson")
    scoring.score_pending(conversation_ids=summary.conversation_ids)
    return {r["id"]: conversations.by_external_id(r["id"]).id for r in records}


# Four reviewed chats covering fast/slow replies and happy/angry customers (automatic results:
# first_response pass/pass/fail/fail; customer_sentiment_end pass/fail/pass/fail; greeting always pass).
REVIEWED = [record("r1", 10, HAPPY), record("r2", 10, ANGRY), record("r3", 90, HAPPY), record("r4", 90, ANGRY)]
DISAGREE_ON_SENTIMENT = {"r1": {"customer_sentiment_end": {"result": "fail", "comment": "still unhappy"}},
                         "r2": {"customer_sentiment_end": {"result": "pass", "comment": "calm in the end"}}}


def review_all(reviewer, ids: dict[str, int], decisions: dict[str, dict]) -> dict[str, float]:
    return {name: review.submit_review(reviewer, ids[name], decisions.get(name, {})).score
            for name in ("r1", "r2", "r3", "r4")}


def criterion(version: trust.VersionTrust, criterion_id: str) -> trust.CriterionTrust:
    return next(c for c in version.criteria if c.criterion_id == criterion_id)


def chat_card() -> trust.VersionTrust:
    return next(v for v in trust.overview() if v.name == "trust-lab")


def test_the_trusted_flag_flips_at_the_review_and_kappa_settings(app, people):
    _, rev = people
    ids = seed(*REVIEWED)
    review_all(rev, ids, {"r3": {"first_response": {"result": "pass", "comment": "90 s is fine on returns"}}})
    app.config.update(QADESK_TRUST_MIN_REVIEWS=4, QADESK_TRUST_MIN_KAPPA=0.5)
    first = criterion(chat_card(), "first_response")
    # (pass, pass) x2, (fail, pass), (fail, fail): p_o = 3/4, p_e = 1/2 * 3/4 + 1/2 * 1/4 = 1/2, kappa 1/2
    assert (first.stats.n, first.stats.accuracy, first.stats.kappa) == (4, 0.75, pytest.approx(0.5))
    assert first.stats.confusion == ((2, 0, 0), (1, 1, 0), (0, 0, 0))
    assert first.trust.trusted and first.trust.reason == "kappa 0.50 over 4 reviews ≥ 0.5 over 4"
    greeting = criterion(chat_card(), "greeting")  # every answer is pass on both sides
    assert greeting.trust.code == "kappa_undefined" and not greeting.trust.trusted
    app.config.update(QADESK_TRUST_MIN_KAPPA=0.51)
    assert criterion(chat_card(), "first_response").trust.reason == "kappa 0.50 < 0.51"
    app.config.update(QADESK_TRUST_MIN_KAPPA=0.5, QADESK_TRUST_MIN_REVIEWS=5)
    assert criterion(chat_card(), "first_response").trust.reason == "only 4 reviews, needs 5"


def test_by_default_thirty_reviews_are_needed(app, people):
    _, rev = people
    review_all(rev, seed(*REVIEWED), {})
    assert criterion(chat_card(), "first_response").trust.reason == "only 4 reviews, needs 30"


def test_a_rescore_pairs_the_latest_automatic_result_and_unreviewed_chats_are_not_paired(app, people):
    _, rev = people
    ids = seed(*REVIEWED, record("u1", 10, HAPPY))
    review_all(rev, ids, {})
    scoring.score_pending(rescore_all=True)
    first = criterion(chat_card(), "first_response")
    assert first.stats.n == 4 and first.stats.kappa == 1.0
    assert set(trust.paired_results(chat_card().version_id)["first_response"]) == {ids[n] for n in ("r1", "r2", "r3", "r4")}


def test_the_sentiment_and_timing_thresholds_get_suggestions_from_the_reviews(app, people):
    _, rev = people
    ids = seed(*REVIEWED)
    review_all(rev, ids, {"r3": {"first_response": {"result": "pass", "comment": "90 s is fine"}},
                          "r4": {"first_response": {"result": "pass", "comment": "90 s is fine"}}})
    card = chat_card()
    timing = criterion(card, "first_response").suggestion
    assert (timing.direction, timing.current.threshold, timing.current.accuracy) == ("at_most", 30.0, 0.5)
    assert (timing.suggested.threshold, timing.suggested.accuracy) == (90.0, 1.0)
    assert timing.improves  # 30 s gives kappa 0; 90 s agrees on every item (kappa undefined: nothing varies)
    sentiment = criterion(card, "customer_sentiment_end").suggestion
    assert (sentiment.current.threshold, sentiment.current.kappa, sentiment.improves) == (-0.05, 1.0, False)
    assert criterion(card, "greeting").suggestion is None


def test_an_agent_score_counts_reviews_and_only_trusted_criteria_of_unreviewed_chats(app, people):
    ann, rev = people
    ids = seed(*REVIEWED, record("u-fast", 10, HAPPY), record("u-slow", 90, ANGRY), record("u-unanswered", None, HAPPY))
    human = review_all(rev, ids, DISAGREE_ON_SENTIMENT)
    app.config.update(QADESK_TRUST_MIN_REVIEWS=4)
    version = chat_card().version_id
    # first_response agrees on every review; customer_sentiment_end has kappa 0 now; greeting never varies.
    assert trust.trusted_criteria([version]) == {version: frozenset({"first_response"})}
    counted = trust.counted_scores(parse_period("2026-11"))[ann.id]
    # u-fast: first_response pass -> 100; u-slow: fail -> 0; u-unanswered: first_response N/A -> left out
    assert sorted(r.score for r in counted) == sorted([*human.values(), 100.0, 0.0])
    [score] = trust.agent_scores("2026-11")
    expected = mean_interval([*human.values(), 100.0, 0.0])
    assert (score.agent, score.n, score.mean) == ("ann", 6, round(expected.mean, 1))
    assert score.ci_low == round(max(0.0, expected.low), 1) and score.ci_high == round(min(100.0, expected.high), 1)
    assert score.reviews_needed > 0


def test_without_trusted_criteria_only_reviewed_chats_count(app, people):
    ann, rev = people
    ids = seed(*REVIEWED, record("u-fast", 10, HAPPY))
    human = review_all(rev, ids, {})
    counted = trust.counted_scores(parse_period("2026-11"))[ann.id]  # 30 reviews needed by default
    assert sorted(r.score for r in counted) == sorted(human.values())
    assert trust.counted_scores(parse_period("2026-12")) == {}


def test_a_failed_trusted_critical_criterion_scores_zero():
    from qa_app.models import CriterionScore, Evaluation
    ev = Evaluation(criteria=[
        CriterionScore(position=0, criterion_id="forbidden_phrases", section_id="c", result="fail", score=0.0,
                       weight=15, critical=True),
        CriterionScore(position=1, criterion_id="closing", section_id="x", result="pass", score=1.0, weight=10)])
    assert trust.trusted_score(ev, frozenset({"forbidden_phrases", "closing"})) == (0.0, True)
    assert trust.trusted_score(ev, frozenset({"closing"})) == (100.0, False)
    assert trust.trusted_score(ev, frozenset()) is None


def test_appraisal_rows_and_csv_carry_the_agent_score_interval(app, people):
    ann, rev = people
    ids = seed(*REVIEWED, record("u-fast", 10, HAPPY), record("u-slow", 90, ANGRY))
    human = review_all(rev, ids, DISAGREE_ON_SENTIMENT)
    app.config.update(QADESK_TRUST_MIN_REVIEWS=4)
    report = reports.appraisal_report("2026-11")
    [row] = [r for r in report.rows if r.agent == "ann"]
    expected = mean_interval([*human.values(), 100.0, 0.0])
    assert (row.evaluations, row.qa_n, row.qa_score) == (6, 6, round(expected.mean, 1))
    assert (row.qa_ci_low, row.qa_ci_high) == (round(max(0, expected.low), 1), round(min(100, expected.high), 1))
    assert row.reviews_needed >= 1
    from qa_app import exports
    text = "".join(exports.csv_chunks(reports.appraisal_table(report), bom=False))
    rows = list(csv.DictReader(io.StringIO(text)))
    line = next(r for r in rows if r["agent"] == "ann")
    assert (line["qa_n"], line["qa_ci_low"], line["reviews_needed"]) == ("6", str(row.qa_ci_low), str(row.reviews_needed))
    assert report.as_dict()["rows"][0]["qa_ci_high"] == row.qa_ci_high


def test_a_bad_period_for_agent_scores_is_a_service_error(app):
    from qa_app.services import ServiceError
    with pytest.raises(ServiceError, match="month 13"):
        trust.agent_scores("2026-13")
