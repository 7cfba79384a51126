"""Administration of scorecards: versions, a form editor and a YAML editor (both save a validated
draft), a preview of a draft against sample conversations, and activation only after a preview and
an explicit confirmation (checked by the service, not only by the page)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, NumberRange

from qa_app.forms import CsrfForm
from qa_app.services import preview, scorecards
from qa_app.views import scorecard_form
from qa_app.views.admin_base import bp
from qa_app.views.navigation import ADMIN
from qa_app.views.security import roles_required

class ScorecardForm(FlaskForm):
    definition = TextAreaField(_l("Definition (YAML)"), validators=[DataRequired()])


class PreviewForm(FlaskForm):
    """How many sample conversations to score; posted with a CSRF token, since the preview is noted."""

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


def _version_page(row, form: PreviewForm, result=None, status: int = 200):
    return render_template("admin/scorecard_version.html", row=row, yaml_text=scorecards.definition_yaml(row),
                           active=scorecards.active_version(row.name), form=form, preview=result,
                           activate_form=CsrfForm(), evaluations=scorecards.evaluation_counts().get(row.id, 0)), status


@bp.route("/scorecards/<int:version_id>")
@roles_required(*ADMIN)
def scorecard_version(version_id: int):
    return _version_page(scorecards.get_version(version_id), PreviewForm(formdata=None))


@bp.route("/scorecards/<int:version_id>/preview", methods=["POST"])
@roles_required(*ADMIN)
def scorecard_preview(version_id: int):
    """Score sample conversations with the draft and the active version (nothing stored but the
    note that this version was previewed, which activation requires)."""
    row = scorecards.get_version(version_id)
    form = PreviewForm()
    if not form.validate_on_submit():
        return _version_page(row, form, status=400)
    try:
        result = preview.preview(scorecards.scorecard_of(row), form.n.data, version=row.version)
    except scorecards.InvalidScorecard as exc:
        flash(_("Not previewed, the definition is invalid: %(errors)s", errors="; ".join(exc.errors)), "error")
        return redirect(url_for("admin.scorecard_version", version_id=row.id))
    scorecards.record_preview(row, current_user, {"conversations": result["n"], "changed": result["changed"]})
    return _version_page(row, form, result)


@bp.route("/scorecards/<int:version_id>/activate", methods=["POST"])
@roles_required(*ADMIN)
def scorecard_activate(version_id: int):
    row = scorecards.get_version(version_id)  # the CSRF token is checked app-wide (CSRFProtect)
    try:
        scorecards.activate_previewed(row.id, current_user, confirmed=request.form.get("confirm") == "yes")
    except scorecards.InvalidScorecard as exc:
        flash(_("Not activated, the definition is invalid: %(errors)s", errors="; ".join(exc.errors)), "error")
    except scorecards.NotPreviewed as exc:
        flash(_("Not activated: %(reason)s", reason=str(exc)), "error")
    else:
        flash(_("%(name)s version %(version)s is now active.", name=row.name, version=row.version), "success")
    return redirect(url_for("admin.scorecard_version", version_id=row.id))


@bp.route("/scorecards/<name>/new", methods=["GET", "POST"])
@roles_required(*ADMIN)
def scorecard_new_version(name: str):
    """The YAML editor: the whole definition as one text."""
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
            return _saved(row)
    return render_template("admin/scorecard_edit.html", name=name, current=current, form=form,
                           errors=errors), 400


def _saved(row):
    flash(_("Saved as draft version %(version)s. Preview it, then activate it.", version=row.version), "success")
    return redirect(url_for("admin.scorecard_version", version_id=row.id))


@bp.route("/scorecards/<name>/edit", methods=["GET", "POST"])
@roles_required(*ADMIN)
def scorecard_form_editor(name: str):
    """The form editor: sections, criteria, weights and checks as fields; rows are added and removed
    by buttons that post the form (no script needed); Save validates like the YAML editor."""
    start = scorecards.find_version(name, request.args.get("from", type=int))
    csrf = CsrfForm()
    if request.method == "GET":
        return _form_page(name, start, scorecard_form.from_definition(start.definition), csrf)
    if not csrf.validate_on_submit():
        abort(400)
    card = scorecard_form.from_post(name, request.form)
    action = request.form.get("action", "save")
    if action != "save":
        scorecard_form.apply(card, action)
        return _form_page(name, start, card, csrf)
    data, problems = scorecard_form.to_data(card)
    try:
        if problems:
            raise scorecards.InvalidScorecard(problems + scorecards.data_errors(data))
        row = scorecards.create_version_from_data(data, actor=current_user, expected_name=name)
    except scorecards.InvalidScorecard as exc:
        return _form_page(name, start, card, csrf, exc.errors, 400)
    return _saved(row)


def _form_page(name, start, card, csrf, errors=(), status: int = 200):
    by_field, general = scorecard_form.place(list(errors))
    return render_template("admin/scorecard_form.html", name=name, start=start, card=card, csrf=csrf,
                           errors=by_field, general=general, all_errors=list(errors), channels=scorecards.CHANNELS,
                           check_types=scorecards.check_type_names()), status
