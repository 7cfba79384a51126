"""Log in and out."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from qa_app import sessions
from qa_app.services import signin, users
from qa_app.views import auth_password  # noqa: F401  (adds the password change page and its gate to bp)
from qa_app.views.auth_base import bp, safe_next


class LoginForm(FlaskForm):
    login = StringField("login", validators=[DataRequired()])
    password = PasswordField("password", validators=[DataRequired()])


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200 if not form.errors else 400
    if form.validate_on_submit():
        result = signin.attempt(form.login.data, form.password.data, request.remote_addr or "")
        if result.user is not None:
            login_user(result.user)
            sessions.started()
            return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
        if result.locked_until is not None:
            # Said the same way for every login, known or not, so it tells nobody which exist.
            flash(_("Too many failed logins: try again after %(time)s UTC, or ask an admin to unlock.",
                    time=result.locked_until.strftime("%H:%M")), "error")
            status = 429
        else:
            flash(_("Wrong login or password."), "error")
    return render_template("auth/login.html", form=form), (400 if form.errors else status)


@bp.route("/logout", methods=["POST"])
def logout():
    """End the session here and every other session of the user (copied cookies included)."""
    if current_user.is_authenticated:
        users.end_sessions(current_user)
    logout_user()
    return redirect(url_for("auth.login"))


FAVICON_MAX_AGE = 7 * 24 * 3600  # a week: browsers ask for the icon on every page otherwise


@bp.route("/favicon.ico")
@bp.route("/favicon.svg")
def favicon():
    """The app's icon (qa_app/static/favicon.svg), public like the login page that shows it, cached a
    week; /favicon.ico answers it too, for browsers that ask there whatever the page links."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml",
                               max_age=FAVICON_MAX_AGE)
