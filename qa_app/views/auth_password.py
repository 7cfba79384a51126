"""Choosing one's own password, and the gate that sends a user whose password someone else chose
(an admin's reset, the generated first admin password) to that page before anything else.

While the user's `must_change_password` is set, every page redirects to the change page (the
page they asked for comes back after), JSON routes and API tokens of that user answer 403 with
code "password_change_required"; logging out, the language switch, the favicon and static files
stay open. The change itself is users.change_own_password (audited, other sessions end)."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo

from qa_app.password_policy import MIN_LENGTH
from qa_app.services import ServiceError, tokens, users
from qa_app.views.auth_base import bp, safe_next
from qa_app.views.security import ANY_ROLE, roles_required

# reachable while a password change is due: the change page itself and what it needs
OPEN_DURING_CHANGE = frozenset({"auth.change_password", "auth.logout", "auth.login", "auth.favicon",
                                "static", "home.set_language"})
CHANGE_REQUIRED = "password_change_required"


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("new", message=_l("The two new passwords differ."))])


@bp.before_app_request
def password_gate():
    """Hold a user who must change their password at the change page (see the module's doc)."""
    if request.endpoint in OPEN_DURING_CHANGE:
        return None
    user = _bearer_owner() if request.path.startswith("/api/") else (
        current_user if current_user.is_authenticated else None)
    if user is None or not user.must_change_password:
        return None
    if request.path.startswith("/api/"):  # API callers get English, as every API message (docs/api.md)
        return jsonify(error="password change required: an administrator reset this user's password; "
                             "sign in on the web and choose a new one before using the API",
                       code=CHANGE_REQUIRED), 403
    if _wants_json():
        return jsonify(error=_("Choose a new password first: an administrator reset yours."),
                       code=CHANGE_REQUIRED), 403
    asked = (request.full_path if request.query_string else request.path) if request.method == "GET" else None
    return redirect(url_for("auth.change_password", next=asked if asked != "/" else None))


def _bearer_owner():
    scheme, _space, credential = request.headers.get("Authorization", "").strip().partition(" ")
    return tokens.owner(credential.strip()) if scheme.lower() == "bearer" else None


def _wants_json() -> bool:
    return request.path.endswith(".json") or request.is_json or request.accept_mimetypes.best == "application/json"


@bp.route("/password", methods=["GET", "POST"])
@roles_required(*ANY_ROLE)
def change_password():
    """Replace one's password (the current one, the new one twice); the other sessions end, this
    one stays signed in and goes on to the page that was asked for."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            user = users.change_own_password(current_user, form.current.data, form.new.data)
        except ServiceError as exc:
            return _page(form, 400, error=str(exc))
        login_user(user)  # the new session version: this browser stays signed in, the others end
        flash(_("Your new password is saved; your other sessions have ended."), "success")
        return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
    return _page(form, 400 if form.errors else 200)


def _page(form: PasswordChangeForm, status: int, error: str | None = None):
    return render_template("auth/change_password.html", form=form, error=error,
                           forced=current_user.must_change_password, min_length=MIN_LENGTH), status
