"""The one permission table (qa_app/permissions.py), pinned as a specification: who may do what."""
from __future__ import annotations

import pytest

from qa_app.permissions import CAPABILITIES, ROLES, can, roles_with

# (capability, the roles that hold it): a change to who may do what must change this table too
SPEC = [
    ("use_app", {"admin", "reviewer", "lead", "agent", "hr"}),
    ("erase_customer_data", {"admin"}),
    ("read_transcripts", {"agent", "reviewer", "lead", "admin"}),
    ("ingest", {"admin", "reviewer", "lead"}),
    ("review", {"reviewer", "lead", "admin"}),
    ("read_qa_dashboard", {"admin", "reviewer", "lead", "hr"}),
    ("read_own_dashboard", {"agent"}),
    ("rate_calibration", {"reviewer", "lead"}),
    ("manage_calibration", {"lead", "admin"}),
    ("read_reports", {"hr", "lead", "admin"}),
    ("read_training", {"agent", "reviewer", "lead", "admin", "hr"}),
    ("remind_training", {"lead", "admin"}),
    ("assign_training", {"lead", "admin"}),
    ("author_courses", {"lead", "admin"}),
    ("pin_exemplars", {"reviewer", "lead", "admin"}),
    ("coach", {"lead", "admin"}),
    ("read_coaching", {"agent", "reviewer", "lead", "hr", "admin"}),
    ("take_quizzes", {"agent"}),
    ("acknowledge", {"agent"}),
    ("dispute", {"agent"}),
    ("resolve_assigned_disputes", {"lead", "reviewer"}),
    ("resolve_any_dispute", {"lead", "admin"}),
    ("read_dispute_stats", {"lead", "admin"}),
    ("import_surveys", {"admin", "reviewer", "hr"}),
    ("read_surveys", {"admin", "reviewer", "lead", "agent", "hr"}),
    ("sees_all_surveys", {"admin", "hr"}),
    ("read_appraisals", {"agent", "lead", "hr", "admin"}),
    ("draft_appraisals", {"hr", "admin"}),
    ("propose_appraisals", {"lead"}),
    ("finalise_appraisals", {"hr"}),
    ("self_assess", {"agent"}),
    ("read_audit", {"admin", "lead"}),
    ("administer", {"admin"}),
    ("sees_covered_teams", {"reviewer", "lead"}),
    ("sees_everything", {"admin"}),
    ("own_data_only", {"agent"}),
]


@pytest.mark.parametrize("capability, roles", SPEC, ids=[c for c, _ in SPEC])
def test_each_capability_is_held_by_exactly_its_roles(capability, roles):
    assert set(roles_with(capability)) == roles
    assert {r for r in ROLES if can(r, capability)} == roles


def test_the_specification_names_every_capability_in_the_table():
    assert {c for c, _ in SPEC} == set(CAPABILITIES)


@pytest.mark.parametrize("capability", ["read_transcripts", "review", "ingest", "administer"])
def test_hr_never_reads_transcripts_reviews_ingests_or_administers(capability):
    assert not can("hr", capability)


def test_agents_only_ever_see_their_own_data_and_never_review():
    assert can("agent", "own_data_only") and not can("agent", "review")
    assert not can("agent", "sees_covered_teams") and not can("agent", "sees_everything")


def test_a_user_object_is_judged_by_its_role_and_an_unknown_capability_is_an_error():
    class Someone:
        role = "lead"
    assert can(Someone(), "manage_calibration") and not can(Someone(), "administer")
    assert not can(None, "use_app")
    with pytest.raises(KeyError):
        roles_with("fly")
