"""The one declared table of who may use which route: every rule of the app's URL map has an entry
(tests/functional/test_route_matrix.py fails for a rule without one), read against the people of
tests/functional/access_world.py.

Each entry gives the URL (placeholders filled from the world's objects, all of agent A / team London)
and, per method, the status each world role gets. Statuses come from the one permission table
(qa_app/permissions.py): a role without the capability gets 403; a role with it that may not see the
object (another agent, a lead of another team) gets 404, which says nothing about whether it exists;
a stranger is sent to the login page (302). `allowed()` and `bound()` build the usual rows; a
dictionary of exceptions says where a route differs, and why.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

from qa_app.permissions import can

# world role -> the product role it has (tests/functional/access_world.py says who they are)
ROLE_OF = {"agent": "agent", "other_agent": "agent", "reviewer": "reviewer", "lead": "lead",
           "other_lead": "lead", "hr": "hr", "admin": "admin"}
LOGIN = 302  # anonymous: to the login page
# who does not see A's objects though their role may hold the capability
STRANGERS = ("other_agent", "other_lead")
Expect = Mapping[str, int]


def allowed(capability: str, **exceptions: int) -> Expect:
    """200 for the roles holding `capability`, 403 for the others, `exceptions` per world role."""
    row = {who: (200 if can(role, capability) else 403) for who, role in ROLE_OF.items()}
    return {"anonymous": LOGIN, **row, **exceptions}


def bound(capability: str, ok: int = 200, hidden: tuple[str, ...] = STRANGERS, **exceptions: int) -> Expect:
    """An object of A's: `ok` for holders who see it, 404 for holders in `hidden`, 403 for the rest."""
    row = allowed(capability)
    row = {who: (404 if who in hidden and status == 200 else status) for who, status in row.items()}
    return {**row, **{who: ok for who, status in row.items() if status == 200}, **exceptions}


def public(status: int = 200) -> Expect:
    return {who: status for who in ("anonymous", *ROLE_OF)}


@dataclass(frozen=True)
class Route:
    """One rule: its URL with placeholders, the expected status per world role for GET and POST
    (None: the rule has no such method), and the form a POST sends."""

    url: str
    get: Optional[Expect] = None
    post: Optional[Expect] = None
    form: dict = field(default_factory=dict)


ROUTES: dict[str, Route] = {
    # --- public
    "auth.login": Route("/login", get={**public(200), **{w: 302 for w in ROLE_OF}}, post=None),
    "auth.logout": Route("/logout", post=None),  # logs out: its CSRF test is in test_web_access.py
    "verify.form": Route("/verify/", get=public()),
    "verify.check": Route("/verify/{code}", get=public()),
    "static": Route("/static/qadesk.css", get=public()),
    "auth.favicon": Route("/favicon.ico", get=public()),
    # --- everyone's pages
    "home.index": Route("/", get=allowed("use_app")),
    "home.set_language": Route("/language", post=None),  # everyone's own preference
    # one's own password (tests/functional/test_forced_password_change.py)
    "auth.change_password": Route("/password", get=allowed("use_app"), post=allowed("use_app")),
    "notifications.index": Route("/notifications/", get=allowed("use_app")),
    "notifications.mark_read": Route("/notifications/read", post=None),  # one's own notifications only
    # --- conversations
    "conversations.index": Route("/conversations/", get=allowed("read_transcripts")),
    "conversations.detail": Route("/conversations/{conv}", get=bound("read_transcripts")),
    "conversations.audio": Route("/conversations/{audio_conv}/audio", get=bound("read_transcripts")),
    "conversations.acknowledge": Route("/conversations/{conv}/acknowledge", form={"evaluation_id": "{evaluation}"},
                                       post=bound("acknowledge", ok=302)),
    "conversations.pin_exemplar": Route("/conversations/{conv}/exemplars", post=bound("pin_exemplars", ok=302),
                                        form={"module": "x:1", "kind": "good", "note": "n"}),
    "conversations.unpin_exemplar": Route("/conversations/exemplars/{exemplar}/delete",
                                          post=allowed("pin_exemplars", other_lead=404)),
    "conversations.upload": Route("/conversations/upload", get=allowed("ingest"), post=allowed("ingest")),
    "api.post_conversations": Route("/api/v1/conversations", post=None),  # bearer tokens: tests/functional/test_api.py
    # the API's description is public (docs/api.md): it says how to call the API, nothing of the data
    "api.openapi_json": Route("/api/v1/openapi.json", get=public()),
    "api.docs": Route("/api/v1/docs", get=public()),
    "api.docs_asset": Route("/api/v1/docs/swagger-ui.css", get=public()),
    # --- review, calibration, trust
    "review.queue": Route("/review/", get=allowed("review")),
    "review.review": Route("/review/{conv}", get=bound("review"), post=bound("review")),
    "trust.index": Route("/trust/", get=allowed("review")),
    "calibration.index": Route("/calibration/", get=allowed("review")),
    "calibration.new": Route("/calibration/new", get=allowed("manage_calibration"),
                             post=allowed("manage_calibration")),
    "calibration.trend": Route("/calibration/trend", get=allowed("review")),
    # the session of A's conversation: its raters (the London reviewer and lead) and the admin
    "calibration.session": Route("/calibration/{calibration}", get=bound("review")),
    "calibration.answer": Route("/calibration/{calibration}/answer/{conv}", post=bound("review", ok=302)),
    "calibration.calibrate": Route("/calibration/{calibration}/calibrate/{conv}",
                                   post=bound("manage_calibration", ok=302)),
    "calibration.close": Route("/calibration/{calibration}/close", post=bound("manage_calibration", ok=302)),
    # --- disputes (A's dispute, assigned to a demo reviewer: the London reviewer sees only those
    # assigned to them; only its resolvers may POST, its agent gets 403)
    "disputes.index": Route("/disputes/", get=allowed("read_transcripts")),
    "disputes.detail": Route("/disputes/{dispute}", get=bound("read_transcripts", reviewer=404),
                             post=bound("read_transcripts", agent=403, reviewer=404)),
    "disputes.open_dispute": Route("/disputes/open/{evaluation}", post=bound("read_transcripts", ok=302),
                                   form={"comment": "x"}),
    "disputes.stats": Route("/disputes/stats", get=allowed("read_dispute_stats")),
    # --- training (A's assignment; HR reads every agent's training, never a transcript; the quiz
    # page sends its agent back to the course until an attempt is started)
    "training.index": Route("/training/", get=allowed("read_training")),
    "training.course": Route("/training/{assignment}", get=bound("read_training")),
    "training.attempt": Route("/training/{assignment}/attempts/{attempt}", get=bound("read_training")),
    "training.module_read": Route("/training/{assignment}/modules/{module}/read", post=bound("take_quizzes")),
    "training.quiz": Route("/training/{assignment}/quiz", get=bound("take_quizzes", ok=302), post=bound("take_quizzes")),
    "training.quiz_start": Route("/training/{assignment}/quiz/start", post=bound("take_quizzes")),
    "training.remind": Route("/training/{assignment}/remind", post=bound("remind_training", ok=302)),
    "training.assign": Route("/training/assign", post=allowed("assign_training")),
    "training.onboard": Route("/training/onboard", post=allowed("assign_training")),
    "training.certificate": Route("/training/certificates/{certificate}", get=bound("read_training")),
    "training.course_file": Route("/training/files/{file}", get=allowed("read_training")),
    "training.effectiveness_report": Route("/training/effectiveness", get=allowed("read_reports")),
    "training.effectiveness_csv": Route("/training/effectiveness.csv", get=allowed("read_reports")),
    "training.effectiveness_xlsx": Route("/training/effectiveness.xlsx", get=allowed("read_reports")),
    # --- course authoring
    "courses.index": Route("/courses/", get=allowed("author_courses")),
    "courses.new": Route("/courses/new", get=allowed("author_courses"), post=allowed("author_courses")),
    "courses.edit": Route("/courses/{course}/edit", get=allowed("author_courses"), post=allowed("author_courses")),
    "courses.export": Route("/courses/{course}/export", get=allowed("author_courses")),
    "courses.preview": Route("/courses/{course}/preview", get=allowed("author_courses")),
    "courses.files": Route("/courses/files", get=allowed("author_courses"), post=allowed("author_courses")),
    "courses.delete_file": Route("/courses/files/{file}/delete", post=allowed("author_courses")),
    # --- coaching (A's session with the demo lead)
    "coaching.index": Route("/coaching/", get=allowed("read_coaching")),
    "coaching.new": Route("/coaching/new", get=allowed("coach"), post=allowed("coach")),
    "coaching.detail": Route("/coaching/{coaching}", get=bound("read_coaching")),
    "coaching.acknowledge": Route("/coaching/{coaching}/acknowledge", post=bound("acknowledge", ok=302)),
    "coaching.action_done": Route("/coaching/actions/{action}/done", post=bound("read_coaching", ok=302)),
    # --- dashboards and reports (leads and reviewers: their teams' figures; HR and admins: all)
    "dashboards.qa": Route("/dashboards/qa", get=allowed("read_qa_dashboard")),
    "dashboards.qa_json": Route("/dashboards/qa.json", get=allowed("read_qa_dashboard")),
    "dashboards.me": Route("/dashboards/me", get=allowed("read_own_dashboard")),
    "reports.appraisal": Route("/reports/appraisal", get=allowed("read_reports")),
    "reports.appraisal_csv": Route("/reports/appraisal.csv", get=allowed("read_reports")),
    "reports.appraisal_xlsx": Route("/reports/appraisal.xlsx", get=allowed("read_reports")),
    # --- appraisals (A's)
    "appraisals.index": Route("/appraisals/", get=allowed("read_appraisals")),
    "appraisals.detail": Route("/appraisals/{appraisal}", get=bound("read_appraisals")),
    "appraisals.draft": Route("/appraisals/draft", post=allowed("draft_appraisals")),
    "appraisals.acknowledge": Route("/appraisals/{appraisal}/acknowledge", post=bound("self_assess", ok=302)),
    "appraisals.contest": Route("/appraisals/{appraisal}/contest", post=bound("self_assess", ok=302)),
    "appraisals.self_assess": Route("/appraisals/{appraisal}/self-assessment", post=bound("self_assess", ok=302)),
    "appraisals.propose": Route("/appraisals/{appraisal}/proposal", post=bound("propose_appraisals", ok=302)),
    "appraisals.finalise": Route("/appraisals/{appraisal}/finalise", post=bound("finalise_appraisals", ok=302)),
    "appraisals.reopen": Route("/appraisals/{appraisal}/reopen", post=bound("finalise_appraisals", ok=302)),
    # --- surveys
    "surveys.index": Route("/surveys/", get=allowed("read_surveys")),
    "surveys.upload": Route("/surveys/import", get=allowed("import_surveys"), post=allowed("import_surveys")),
    # --- administration
    "admin.audit_log": Route("/admin/audit", get=allowed("read_audit")),
    "admin.jobs_list": Route("/admin/jobs", get=allowed("administer")),
    "admin.rules": Route("/admin/rules", get=allowed("administer")),
    "admin.rules_version": Route("/admin/rules/{rules_version}", get=allowed("administer")),
    "admin.rules_edit": Route("/admin/rules/edit", get=allowed("administer"), post=allowed("administer")),
    "admin.rules_export": Route("/admin/rules/export", get=allowed("administer")),
    "admin.scorecards_list": Route("/admin/scorecards", get=allowed("administer")),
    "admin.scorecard_version": Route("/admin/scorecards/{scorecard}", get=allowed("administer")),
    "admin.scorecard_activate": Route("/admin/scorecards/{scorecard}/activate", post=allowed("administer")),
    "admin.scorecard_new_version": Route("/admin/scorecards/{card}/new", get=allowed("administer"),
                                         post=allowed("administer")),
    "admin.users_list": Route("/admin/users", get=allowed("administer")),
    "admin.add_user": Route("/admin/users", post=allowed("administer"), form={"login": "x9", "role": "admin"}),
    "admin.unlock_user": Route("/admin/users/{login}/unlock", post=allowed("administer")),
    "admin.unlock_address": Route("/admin/users/unlock-address", post=allowed("administer"),
                                  form={"address": "127.0.0.1"}),
    "admin.user_edit": Route("/admin/users/{login}/edit", get=allowed("administer")),
    "admin.user_update": Route("/admin/users/{login}/edit", post=allowed("administer"),
                               form={"name": "x", "role": "admin"}),
    "admin.user_deactivate": Route("/admin/users/{login}/deactivate", post=allowed("administer")),
    "admin.user_reactivate": Route("/admin/users/{login}/reactivate", post=allowed("administer")),
    "admin.user_reset_password": Route("/admin/users/{login}/password", post=allowed("administer")),
    "admin.scorecard_form_editor": Route("/admin/scorecards/{card}/edit", get=allowed("administer"),
                                         post=allowed("administer")),
    "admin.scorecard_preview": Route("/admin/scorecards/{scorecard}/preview", post=allowed("administer")),
    "admin.settings_view": Route("/admin/settings", get=allowed("administer")),
    "erasure.index": Route("/admin/erasure/", get=allowed("erase_customer_data"), post=allowed("erase_customer_data"),
                           form={"customer": "x", "action": "erase", "confirm": "y"}),
}
