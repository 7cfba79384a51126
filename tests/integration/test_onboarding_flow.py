"""Onboarding: the first course at the start, the next on each pass, the path completed at the end."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from qa_app.extensions import db
from qa_app.models import Assignment, AuditEntry, Course, Onboarding
from qa_app.services import NotFound, ServiceError, onboarding, training, users

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
PATH = "new-agent-en"


@pytest.fixture
def people(make_user):
    make_user("lena", "lead", covers=("team-a",))
    make_user("ann", "agent", team="team-a")
    make_user("bob", "agent", team="team-b")
    return users.get_user("lena")


def open_courses(login: str) -> list[str]:
    db.session.expire_all()
    return [a.course.code for a in training.visible_assignments(users.get_user("admin"), login)
            if a.status in training.OPEN]


def pass_course(login: str, code: str) -> None:
    """What a passed quiz does to the assignment (services.coursework.submit_quiz), then the next step."""
    a = next(a for a in training.visible_assignments(users.get_user("admin"), login)
             if a.course.code == code and a.status in training.OPEN)
    a.status, a.completed_at = "completed", NOW
    onboarding.advance(a, NOW)
    db.session.commit()


def test_each_pass_unlocks_the_next_course_until_the_path_is_complete(people):
    onboarding.start(people, "ann", PATH, NOW)
    path = onboarding.path_of(PATH)
    assert open_courses("ann") == [path.courses[0]]
    for i, code in enumerate(path.courses):
        pass_course("ann", code)
        assert open_courses("ann") == list(path.courses[i + 1:i + 2])
    enrolment = db.session.scalar(db.select(Onboarding))
    assert enrolment.completed_at is not None
    [progress] = onboarding.progress_of(users.get_user("ann"))
    assert progress.passed == len(path.courses)
    actions = set(db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.entity == "onboarding")))
    assert actions == {"start", "complete"}


def test_a_step_whose_course_is_already_open_takes_that_assignment_over(people):
    training.assign_course(people, "ann", "etiquette-en", reason="a rule", now=NOW)
    onboarding.start(people, "ann", PATH, NOW)
    pass_course("ann", "qa-basics-en")
    etiquette = db.session.scalars(db.select(Assignment).join(Course).where(Course.code == "etiquette-en")).all()
    assert len(etiquette) == 1 and etiquette[0].onboarding_id is not None


def test_an_agent_is_enrolled_on_a_path_once(people):
    onboarding.start(people, "ann", PATH, NOW)
    with pytest.raises(ServiceError, match="already on the onboarding path new-agent-en"):
        onboarding.start(people, "ann", PATH, NOW)


def test_a_lead_cannot_enrol_an_agent_of_a_team_they_do_not_cover_nor_an_unknown_path(people):
    with pytest.raises(NotFound):
        onboarding.start(people, "bob", PATH, NOW)
    with pytest.raises(NotFound, match="no onboarding path 'nope'"):
        onboarding.start(people, "ann", "nope", NOW)
    assert open_courses("bob") == [] and open_courses("ann") == []


def test_only_leads_and_admins_start_onboarding(people, make_user):
    reviewer = make_user("rita", "reviewer")
    with pytest.raises(ServiceError, match="only leads and admins"):
        onboarding.start(reviewer, "ann", PATH, NOW)


def test_other_agents_do_not_see_an_agents_onboarding(people):
    onboarding.start(people, "ann", PATH, NOW)
    assert onboarding.progress_of(users.get_user("bob")) == []
    assert [p.enrolment.agent.login for p in onboarding.progress_of(people)] == ["ann"]
