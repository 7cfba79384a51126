"""Who may use which page (role sets shared by the routes) and the navigation bar built from them."""
from __future__ import annotations

from qa_app.permissions import roles_with
from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

# role sets of the routes, read from the one permission table (qa_app/permissions.py)
ADMIN = roles_with("administer")
REVIEWERS = roles_with("review")
TRANSCRIPT_READERS = roles_with("read_transcripts")  # HR sees reports, never transcripts
REPORT_READERS = roles_with("read_reports")
TRAINING_READERS = roles_with("read_training")
QUIZ_TAKERS = roles_with("take_quizzes")
REMINDERS = roles_with("remind_training")
ASSIGNERS = roles_with("assign_training")
AUTHORS = roles_with("author_courses")
COACHES = roles_with("coach")
COACHING_READERS = roles_with("read_coaching")
AUDIT_READERS = roles_with("read_audit")

# (endpoint, label, label for agents, other endpoints of the same section); a link shows
# when the user's role may open its endpoint.
_LINKS = (
    ("home.index", _l("Home"), None, ()),
    ("dashboards.qa", _l("QA overview"), None, ("dashboards.qa_json",)),
    ("dashboards.me", _l("My scores"), None, ()),
    ("review.queue", _l("Review queue"), None, ("review.review",)),
    ("calibration.index", _l("Calibration"), None,
     ("calibration.new", "calibration.session", "calibration.trend")),
    ("conversations.index", _l("Conversations"), _l("My conversations"), ("conversations.detail",)),
    ("disputes.index", _l("Disputes"), None, ("disputes.detail", "disputes.stats")),
    ("conversations.upload", _l("Upload"), None, ()),
    ("surveys.index", _l("Surveys"), _l("My surveys"), ("surveys.upload",)),
    ("training.index", _l("Training overview"), _l("My training"), ("training.course", "training.quiz", "training.attempt")),
    ("coaching.index", _l("Coaching"), _l("My coaching"), ("coaching.detail", "coaching.new")),
    ("courses.index", _l("Courses"), None, ("courses.preview", "courses.edit", "courses.new")),
    ("training.effectiveness_report", _l("Course effectiveness"), None,
     ("training.effectiveness_csv", "training.effectiveness_xlsx")),
    ("reports.appraisal", _l("Appraisal report"), None, ("reports.appraisal_csv", "reports.appraisal_xlsx")),
    ("appraisals.index", _l("Appraisals"), _l("My appraisals"), ("appraisals.detail",)),
    ("trust.index", _l("Trusted automation"), None, ()),
    ("admin.users_list", _l("Users"), None, ("admin.add_user", "admin.user_edit", "admin.user_update",
                                              "admin.user_deactivate", "admin.user_reactivate",
                                              "admin.user_reset_password")),
    ("admin.scorecards_list", _l("Scorecards"), None,
     ("admin.scorecard_version", "admin.scorecard_new_version", "admin.scorecard_activate",
      "admin.scorecard_preview", "admin.scorecard_form_editor")),
    ("admin.rules", _l("Rules"), None, ("admin.rules_version", "admin.rules_edit")),
    ("admin.settings_view", _l("Settings"), None, ()),
    ("admin.jobs_list", _l("Jobs"), None, ()),
    ("admin.audit_log", _l("Audit log"), None, ()),
    ("erasure.index", _l("Erasure"), None, ()),
)


def nav_links() -> list[dict]:
    """[{endpoint, label, active}] for the current user's role; empty when nobody is logged in."""
    if not getattr(current_user, "is_authenticated", False):
        return []
    views = current_app.view_functions
    links = []
    for endpoint, label, agent_label, section in _LINKS:
        view = views.get(endpoint)
        if view is None or current_user.role not in getattr(view, "allowed_roles", ()):
            continue
        shown = agent_label if agent_label and current_user.role == "agent" else label
        active = request.endpoint == endpoint or request.endpoint in section
        links.append({"endpoint": endpoint, "label": str(shown), "active": active})
    return links
