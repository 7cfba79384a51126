"""Administration (admins only): users, settings, jobs; the audit log (admins and leads). Scorecards
and training rules are in admin_scorecards and admin_rules, on the same blueprint."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_app import settings as instance_settings
from qa_app.forms import ROLE_LABELS, CsrfForm, PasswordResetForm, UserDetailsForm, UserForm
from qa_app.services import ServiceError, audit, jobs, pagination, signin, users
from qa_app.views import admin_rules, admin_scorecards  # noqa: F401  (they add their routes to bp)
from qa_app.views.admin_base import arg, bp
from qa_app.views.navigation import ADMIN, AUDIT_READERS
from qa_app.views.security import roles_required

JOB_STATUSES = ("queued", "running", "done", "failed")


def _users_page(form: UserForm, status: int = 200, **extra):
    filters = {"role": arg("role"), "team": arg("team"), "state": arg("state")}
    found = users.page_users(*pagination.page_args(request.args), **filters)
    return render_template("admin/users.html", users=found.items, found=found, form=form, locks=signin.locks(),
                           unlock_form=CsrfForm(), filters=filters, roles=ROLE_LABELS,
                           teams=users.list_teams(), **extra), status


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
            covers=form.covered_teams(), actor=current_user, email=form.email.data)
    except ServiceError as exc:
        return _users_page(form, 400, error=str(exc))
    # Shown once on this response, never put in the session cookie or a redirect.
    generated = None if form.password.data else password
    return _users_page(UserForm(formdata=None), created=user, generated=generated)


def _unlock(lift, done: str):
    """Run `lift()` (a signin.unlock_* call) for a CSRF-checked form, then back to the users page."""
    if not CsrfForm().validate_on_submit():
        return redirect(url_for("admin.users_list"))
    try:
        lift()
    except ServiceError as exc:
        return _users_page(UserForm(formdata=None), 404, error=str(exc))
    flash(done, "success")
    return redirect(url_for("admin.users_list"))


@bp.route("/users/<login>/unlock", methods=["POST"])
@roles_required(*ADMIN)
def unlock_user(login: str):
    """Lift a login's lockout after too many failed logins (audited)."""
    return _unlock(lambda: signin.unlock_login(login, actor=current_user),
                   _("%(login)s can log in again.", login=login))


@bp.route("/users/unlock-address", methods=["POST"])
@roles_required(*ADMIN)
def unlock_address():
    """Lift a client address's lockout (audited)."""
    address = request.form.get("address", "")
    return _unlock(lambda: signin.unlock_address(address, actor=current_user),
                   _("Logins from %(address)s are allowed again.", address=address))


def _edit_page(user, form: UserDetailsForm | None = None, status: int = 200, **extra):
    if form is None:
        form = UserDetailsForm(formdata=None, obj=None, data={
            "name": user.name, "role": user.role, "team": user.team.name if user.team else "",
            "covers": ", ".join(t.name for t in user.covers), "email": user.email or ""})
    return render_template("admin/user_edit.html", user=user, form=form, reset_form=PasswordResetForm(formdata=None),
                           status_form=CsrfForm(), roles=ROLE_LABELS, teams=users.list_teams(), **extra), status


@bp.route("/users/<login>/edit")
@roles_required(*ADMIN)
def user_edit(login: str):
    """One user: their details, their state (deactivate / reactivate) and a password reset."""
    return _edit_page(users.get_user(login))


@bp.route("/users/<login>/edit", methods=["POST"])
@roles_required(*ADMIN)
def user_update(login: str):
    user = users.get_user(login)
    form = UserDetailsForm()
    if not form.validate_on_submit():
        return _edit_page(user, form, 400)
    try:
        users.update_user(login, name=form.name.data or "", role=form.role.data, team=form.team.data,
                          covers=form.covered_teams(), email=form.email.data, actor=current_user)
    except ServiceError as exc:
        return _edit_page(user, form, 400, error=str(exc))
    flash(_("%(login)s is saved.", login=login), "success")
    return redirect(url_for("admin.user_edit", login=login))


@bp.route("/users/<login>/deactivate", methods=["POST"])
@roles_required(*ADMIN)
def user_deactivate(login: str):
    """The user can no longer log in and their sessions end (audited); their data stays."""
    return _set_state(login, users.deactivate, _("%(login)s is deactivated: they can no longer log in.", login=login))


@bp.route("/users/<login>/reactivate", methods=["POST"])
@roles_required(*ADMIN)
def user_reactivate(login: str):
    return _set_state(login, users.reactivate, _("%(login)s is active again and can log in.", login=login))


def _set_state(login: str, change, done: str):
    user = users.get_user(login)
    if not CsrfForm().validate_on_submit():
        return _edit_page(user, status=400, error=_("The form expired; try again."))
    try:
        change(login, actor=current_user)
    except ServiceError as exc:
        return _edit_page(user, status=400, error=str(exc))
    flash(done, "success")
    return redirect(url_for("admin.user_edit", login=login))


@bp.route("/users/<login>/password", methods=["POST"])
@roles_required(*ADMIN)
def user_reset_password(login: str):
    """A temporary password (the admin's, or generated and shown once on this response only); the
    user's sessions end."""
    user = users.get_user(login)
    form = PasswordResetForm()
    if not form.validate_on_submit():
        return _edit_page(user, status=400, error=_("The form expired; try again."))
    try:
        password = users.reset_password(login, form.password.data or None, actor=current_user)
    except ServiceError as exc:
        return _edit_page(user, status=400, error=str(exc))
    return _edit_page(users.get_user(login), reset=True, generated=None if form.password.data else password)


@bp.route("/settings")
@roles_required(*ADMIN)
def settings_view():
    """The instance's effective settings and where each comes from, secrets masked (as `qadesk
    config show`); read-only: settings change in qadesk.toml or the environment."""
    rows = instance_settings.describe(instance_settings.settings())
    return render_template("admin/settings.html", rows=rows)


@bp.route("/jobs")
@roles_required(*ADMIN)
def jobs_list():
    kind, status = arg("kind"), arg("status")
    found = jobs.page(pagination.request_args(request.args), kind, status)
    return render_template("admin/jobs.html", jobs=found.items, found=found, kind=kind or "", status=status or "",
                           statuses=JOB_STATUSES, kinds=jobs.kinds())


@bp.route("/audit")
@roles_required(*AUDIT_READERS)
def audit_log():
    entity, action, login = arg("entity"), arg("action"), arg("who")
    found = audit.page(pagination.request_args(request.args), entity, action, login, viewer=current_user)
    return render_template("admin/audit.html", entries=found.items, found=found, entity=entity or "",
                           action=action or "", who=login or "", choices=audit.filter_values(current_user))
