"""The one permission table: which role may do what. Views, services and tests read it here.

Routes say which capability they need (`views.security.roles_required(*roles_with(...))`), services
check `can(user, ...)`, and tests/functional/test_web_access.py walks every route against this
table. Coverage (which teams a reviewer or lead sees) is a second check on every object, in
services.conversations; this table only says which roles are concerned.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping, Union

from training.disputes import RESOLVER_ROLES

ROLES = ("admin", "reviewer", "lead", "agent", "hr")

_TABLE: dict[str, tuple[str, ...]] = {
    "use_app": ROLES,                                        # home page, language, own account
    "read_transcripts": ("agent", "reviewer", "lead", "admin"),  # HR sees reports, never transcripts
    "ingest": ("admin", "reviewer", "lead"),                 # upload page and the API
    "review": ("reviewer", "lead", "admin"),                 # review queue, reviews, trust page
    "rate_calibration": ("reviewer", "lead"),                # answer blind calibration items
    "manage_calibration": ("lead", "admin"),                 # create, close, set calibrated answers
    "read_reports": ("hr", "lead", "admin"),
    "read_qa_dashboard": ("admin", "reviewer", "lead", "hr"),  # QA overview; leads and reviewers: their teams
    "read_own_dashboard": ("agent",),                        # an agent's trend against their team's median
    "read_training": ("agent", "reviewer", "lead", "admin", "hr"),
    "remind_training": ("lead", "admin"),                    # remind an agent of an open course
    "assign_training": ("lead", "admin"),                    # assign a course by hand (an agent or a team)
    "author_courses": ("lead", "admin"),                     # write, import and export courses
    "pin_exemplars": ("reviewer", "lead", "admin"),          # pin reviewed conversations to course modules
    "coach": ("lead", "admin"),                              # record coaching sessions with agents they see
    "read_coaching": ("agent", "reviewer", "lead", "hr", "admin"),  # agents: their own sessions only
    "take_quizzes": ("agent",),
    "acknowledge": ("agent",),                               # the conversation's or coaching session's own agent
    "dispute": ("agent",),                                   # open a dispute on one's own evaluation
    "resolve_assigned_disputes": RESOLVER_ROLES,             # when the dispute is assigned to them
    "resolve_any_dispute": ("lead", "admin"),                # any dispute they can see
    "read_dispute_stats": ("lead", "admin"),
    "import_surveys": ("admin", "reviewer", "hr"),           # CSAT/NPS survey files (upload page, CLI is the shell's)
    "read_surveys": ROLES,                                   # the survey list, scoped like conversations
    "sees_all_surveys": ("admin", "hr"),                     # HR reads ratings and comments, never transcripts
    "read_appraisals": ("agent", "lead", "hr", "admin"),      # agents their own, leads their teams
    "draft_appraisals": ("hr", "admin"),                     # draft a period's appraisals now
    "propose_appraisals": ("lead",),                         # the lead's comments and proposed rating
    "finalise_appraisals": ("hr",),                          # finalise and reopen (HR signs)
    "self_assess": ("agent",),                               # self-assessment, acknowledge, contest: own only
    "read_audit": ("admin", "lead"),
    "administer": ("admin",),                                # users, scorecards, rules, jobs
    "erase_customer_data": ("admin",),                       # a customer's erasure request (page; CLI is the shell's)
    "sees_covered_teams": ("reviewer", "lead"),              # visibility limited to covered teams
    "sees_everything": ("admin",),
    "own_data_only": ("agent",),
}
CAPABILITIES: Mapping[str, tuple[str, ...]] = MappingProxyType(_TABLE)


def roles_with(capability: str) -> tuple[str, ...]:
    """The roles that hold `capability`, in ROLES order; KeyError for an unknown capability."""
    allowed = CAPABILITIES[capability]
    return tuple(r for r in ROLES if r in allowed)


def can(user_or_role: Union[str, object], capability: str) -> bool:
    """Whether a user (anything with `.role`) or a role name holds `capability`."""
    role = user_or_role if isinstance(user_or_role, str) else getattr(user_or_role, "role", None)
    return role in CAPABILITIES[capability]
