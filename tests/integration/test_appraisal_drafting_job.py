"""The monthly drafting job, on a frozen clock: it drafts the month (and quarter, and year) just
closed once, and catches up on the months a stopped scheduler missed."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import time_machine

from qa_app import jobs as job_table
from qa_app.extensions import db
from qa_app.models import Appraisal
from qa_app.services import ServiceError, jobs


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def tick(moment: datetime) -> list[str]:
    with time_machine.travel(moment, tick=False):
        return [key for key in job_table.run_due(moment) if key.startswith("appraisal_drafts:")]


def periods_drafted() -> list[str]:
    return sorted(set(db.session.scalars(db.select(Appraisal.period))))


def drafted_by(key: str) -> list[str]:
    return next(j for j in jobs.recent(500) if j.key == key).result["periods"]


def test_the_first_tick_of_a_month_drafts_the_month_just_closed_once(app, make_user):
    make_user("ann", "agent", team="London")
    assert tick(at(2026, 11, 1, 0, 5)) == ["appraisal_drafts:2026-10"]
    assert drafted_by("appraisal_drafts:2026-10") == ["2026-10"]
    assert tick(at(2026, 11, 1, 1, 0)) == [] and tick(at(2026, 11, 30, 23, 0)) == []
    assert periods_drafted() == ["2026-10"]


def test_the_month_that_ends_a_quarter_or_a_year_drafts_those_too(app, make_user):
    make_user("ann", "agent", team="London")
    tick(at(2026, 12, 1, 0, 5))
    assert tick(at(2027, 1, 1, 0, 5)) == ["appraisal_drafts:2026-12"]
    assert drafted_by("appraisal_drafts:2026-12") == ["2026-12", "2026-Q4", "2026"]
    assert db.session.scalar(db.select(db.func.count(Appraisal.id)).where(Appraisal.period == "2026-Q4")) == 1


def test_after_missed_months_the_next_run_catches_up_on_every_period_closed_meanwhile(app, make_user):
    make_user("ann", "agent", team="London")
    tick(at(2027, 1, 1, 0, 5))  # drafts 2026-12, 2026-Q4, 2026
    assert tick(at(2027, 4, 2, 9, 0)) == ["appraisal_drafts:2027-03"]  # the scheduler was down Feb and Mar
    assert drafted_by("appraisal_drafts:2027-03") == ["2027-01", "2027-02", "2027-03", "2027-Q1"]
    assert periods_drafted() == ["2026", "2026-12", "2026-Q4", "2027-01", "2027-02", "2027-03", "2027-Q1"]


def test_a_second_run_of_the_same_period_never_touches_a_finalised_appraisal(app, make_user):
    from qa_app.services import appraisal_workflow, appraisals
    make_user("ann", "agent", team="London")
    hr = make_user("hr1", "hr")
    tick(at(2026, 11, 1, 0, 5))
    row = db.session.scalar(db.select(Appraisal))
    with pytest.raises(ServiceError, match="final_rating: give one of Exceeds, Meets, Below"):
        appraisal_workflow.finalise(hr, row.id, now=at(2026, 11, 3))  # no data, so no band to default to
    appraisal_workflow.finalise(hr, row.id, "Meets", now=at(2026, 11, 3))
    assert appraisals.draft_period("2026-10", now=at(2026, 11, 4)).kept_final == 1
    assert db.session.get(Appraisal, row.id).state == "final"
