"""Administration (admins only): users, scorecard versions, training rules, jobs and the audit log."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from qa_app.forms import UserForm
from qa_app.services import ServiceError, audit, jobs, scorecards, training, users
from qa_app.views.navigation import ADMIN
from qa_app.views.security import roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _users_page(form: UserForm, status: int = 200, **extra):
    return render_template("admin/users.html", users=users.list_users(), form=form, **extra), status


@bp.route("/users")
@roles_required(*ADMIN)
def users_list():
    return _users_page(UserForm(formdata=None))


@bp.route("/users", methods=["POST"])
@roles_required(*ADMIN)
def add_user():
    form = UserForm()
    if not form.validate_on_submit():
        return _users_page(form, 400)
    try:
        user, password = users.add_user(
            form.login.data, form.role.data, team=(form.team.data or "").strip() or None,
            password=form.password.data or None, name=(form.name.data or "").strip(),
            covers=form.covered_teams(), actor=current_user)
    except ServiceError as exc:
        return _users_page(form, 400, error=str(exc))
    # Shown once on this response, never put in the session cookie or a redirect.
    generated = None if form.password.data else password
    return _users_page(UserForm(formdata=None), created=user, generated=generated)


@bp.route("/scorecards")
@roles_required(*ADMIN)
def scorecards_list():
    return render_template("admin/scorecards.html", versions=scorecards.all_versions())


@bp.route("/rules")
@roles_required(*ADMIN)
def rules():
    return render_template("admin/rules.html", rules=training.list_rules())


@bp.route("/jobs")
@roles_required(*ADMIN)
def jobs_list():
    return render_template("admin/jobs.html", jobs=jobs.recent())


@bp.route("/audit")
@roles_required(*ADMIN)
def audit_log():
    return render_template("admin/audit.html", entries=audit.recent())
