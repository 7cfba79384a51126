"""Administration: training rules as one versioned YAML file, with a dry run before saving."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from qa_app.services import rule_runs, training_rules
from qa_app.views.admin_base import arg, bp
from qa_app.views.navigation import ADMIN
from qa_app.views.security import roles_required


class RulesForm(FlaskForm):
    """The rule file being edited, the version it started from, and why it changes."""

    definition = TextAreaField(_l("Rules (YAML)"), validators=[DataRequired()])
    note = StringField(_l("Why the rules change"), validators=[Optional(), Length(max=300)])
    base_version = HiddenField()


@bp.route("/rules")
@roles_required(*ADMIN)
def rules():
    """The rules in force as a table, filtered by language, course and state (?language=, ?course=,
    ?state=active|inactive), with their versions."""
    row = training_rules.current()
    every = training_rules.rules_of(row)
    chosen = {"language": arg("language"), "course": arg("course"), "state": arg("state")}
    shown = [r for r in every
             if (not chosen["language"] or (r.language or "any") == chosen["language"])
             and (not chosen["course"] or r.course_code == chosen["course"])
             and (chosen["state"] not in ("active", "inactive") or r.active == (chosen["state"] == "active"))]
    return render_template("admin/rules.html", row=row, rules=shown, total=len(every), chosen=chosen,
                           languages=sorted({r.language or "any" for r in every}),
                           courses=sorted({r.course_code for r in every}), versions=training_rules.versions())


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
