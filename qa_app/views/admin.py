"""Administration (admins only): users, scorecard versions, training rules, jobs; the audit log (admins and leads)."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from qa_app.forms import CsrfForm, UserForm
from qa_app.services import (ServiceError, audit, jobs, pagination, preview, rule_runs, scorecards, signin,
                             training_rules, users)
from qa_app.views.navigation import ADMIN, AUDIT_READERS
from qa_app.views.security import roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _users_page(form: UserForm, status: int = 200, **extra):
    found = users.page_users(*pagination.page_args(request.args))
    return render_template("admin/users.html", users=found.items, found=found, form=form, locks=signin.locks(),
                           unlock_form=CsrfForm(), **extra), status


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


class ScorecardForm(FlaskForm):
    definition = TextAreaField(_l("Definition (YAML)"), validators=[DataRequired()])


class PreviewForm(FlaskForm):
    """Preview is read-only, so it is a GET form without a CSRF token."""

    class Meta:
        csrf = False

    n = IntegerField(_l("Conversations"), default=50, validators=[NumberRange(1, preview.MAX_LAST)])


@bp.route("/scorecards")
@roles_required(*ADMIN)
def scorecards_list():
    versions = scorecards.all_versions()
    by_name: dict[str, list] = {}
    for v in versions:
        by_name.setdefault(v.name, []).append(v)
    return render_template("admin/scorecards.html", by_name=by_name, counts=scorecards.evaluation_counts(),
                           yaml_of=scorecards.definition_yaml)


@bp.route("/scorecards/<int:version_id>")
@roles_required(*ADMIN)
def scorecard_version(version_id: int):
    row = scorecards.get_version(version_id)
    form = PreviewForm(request.args)
    result = None
    if "n" in request.args and form.validate():
        result = preview.preview(scorecards.scorecard_of(row), form.n.data, version=row.version)
    return render_template("admin/scorecard_version.html", row=row, yaml_text=scorecards.definition_yaml(row),
                           active=scorecards.active_version(row.name), form=form, preview=result,
                           activate_form=CsrfForm(), evaluations=scorecards.evaluation_counts().get(row.id, 0))


@bp.route("/scorecards/<name>/new", methods=["GET", "POST"])
@roles_required(*ADMIN)
def scorecard_new_version(name: str):
    current = scorecards.find_version(name)
    form = ScorecardForm()
    if request.method == "GET":
        form.definition.data = scorecards.definition_yaml(current)
        return render_template("admin/scorecard_edit.html", name=name, current=current, form=form, errors=[])
    errors = [] if form.validate_on_submit() else [f"{k}: {' '.join(v)}" for k, v in form.errors.items()]
    if not errors:
        try:
            row = scorecards.create_version(form.definition.data, actor=current_user, expected_name=name)
        except scorecards.InvalidScorecard as exc:
            errors = exc.errors
        else:
            flash(_("Saved as draft version %(version)s. Preview it, then activate it.", version=row.version),
                  "success")
            return redirect(url_for("admin.scorecard_version", version_id=row.id))
    return render_template("admin/scorecard_edit.html", name=name, current=current, form=form,
                           errors=errors), 400


@bp.route("/scorecards/<int:version_id>/activate", methods=["POST"])
@roles_required(*ADMIN)
def scorecard_activate(version_id: int):
    row = scorecards.get_version(version_id)  # the CSRF token is checked app-wide (CSRFProtect)
    try:
        scorecards.activate(row.name, row.version, actor=current_user)
    except scorecards.InvalidScorecard as exc:
        flash(_("Not activated, the definition is invalid: %(errors)s", errors="; ".join(exc.errors)), "error")
    else:
        flash(_("%(name)s version %(version)s is now active.", name=row.name, version=row.version), "success")
    return redirect(url_for("admin.scorecard_version", version_id=row.id))


class RulesForm(FlaskForm):
    """The rule file being edited, the version it started from, and why it changes."""

    definition = TextAreaField(_l("Rules (YAML)"), validators=[DataRequired()])
    note = StringField(_l("Why the rules change"), validators=[Optional(), Length(max=300)])
    base_version = HiddenField()


@bp.route("/rules")
@roles_required(*ADMIN)
def rules():
    row = training_rules.current()
    return render_template("admin/rules.html", row=row, rules=training_rules.rules_of(row),
                           versions=training_rules.versions())


@bp.route("/rules/<int:version>")
@roles_required(*ADMIN)
def rules_version(version: int):
    row = training_rules.get_version(version)
    return render_template("admin/rules_version.html", row=row, rules=training_rules.rules_of(row),
                           yaml_text=training_rules.export_yaml(version), current=training_rules.current())


@bp.route("/rules/export")
@roles_required(*ADMIN)
def rules_export():
    version = request.args.get("version", type=int)
    text = training_rules.export_yaml(version)
    name = f"training-rules-v{version}.yaml" if version else "training-rules.yaml"
    return Response(text, mimetype="application/yaml", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/rules/edit", methods=["GET", "POST"])
@roles_required(*ADMIN)
def rules_edit():
    """Edit the rules as one YAML file: Dry run shows what they would assign; Save stores the next version."""
    form, current = RulesForm(), training_rules.current()
    if request.method == "GET":
        start = request.args.get("from", type=int)
        form.definition.data = training_rules.export_yaml(start)
        form.base_version.data = str(current.version) if current else ""
        return render_template("admin/rules_edit.html", form=form, current=current, errors=[], dry=None, start=start)
    errors = [] if form.validate_on_submit() else [f"{k}: {' '.join(v)}" for k, v in form.errors.items()]
    dry = None
    if not errors:
        try:
            if request.form.get("action") == "dry_run":
                dry = rule_runs.dry_run(training_rules.check(form.definition.data, "rules.yaml"))
            else:
                row = training_rules.save(form.definition.data, actor=current_user, note=form.note.data or "",
                                          base_version=_int_or_none(form.base_version.data))
                flash(_("The rules are saved as version %(version)s and are in force.", version=row.version), "success")
                return redirect(url_for("admin.rules"))
        except training_rules.InvalidRules as exc:
            errors = exc.errors
        except training_rules.StaleRules as exc:
            errors = [str(exc)]
    return render_template("admin/rules_edit.html", form=form, current=current, errors=errors, dry=dry,
                           start=None), (400 if errors else 200)


def _int_or_none(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


@bp.route("/jobs")
@roles_required(*ADMIN)
def jobs_list():
    kind, status = _arg("kind"), _arg("status")
    found = jobs.page(pagination.request_args(request.args), kind, status)
    return render_template("admin/jobs.html", jobs=found.items, found=found, kind=kind or "", status=status or "")


@bp.route("/audit")
@roles_required(*AUDIT_READERS)
def audit_log():
    entity, action = _arg("entity"), _arg("action")
    found = audit.page(pagination.request_args(request.args), entity, action, viewer=current_user)
    return render_template("admin/audit.html", entries=found.items, found=found, entity=entity or "",
                           action=action or "")


def _arg(name: str) -> str | None:
    return (request.args.get(name) or "").strip() or None
