"""Course authoring for leads and admins: the list of courses, a preview with the quiz's answers,
and each course as one YAML file to edit, import (a new course) or export (docs/courses.md)."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, TextAreaField

from qa_app.services import ServiceError, course_authoring, course_files, course_store
from qa_app.views.navigation import AUTHORS
from qa_app.views.security import roles_required

bp = Blueprint("courses", __name__, url_prefix="/courses")

# What a new course starts from: every required field, one module and a two-question quiz.
STARTER = """code: new-course-en
title: "New course"
language: en
summary: >-
  One paragraph shown above the first module.
topics: [greeting]
pass_mark: 80
modules:
  - title: "First module"
    body: |
      Markdown: **bold**, lists, tables, links.
quiz:
  shuffle: true
  questions:
    - id: q1
      prompt: "A single-choice question?"
      options: ["Right", "Wrong"]
      answer: 0
      explanation: "Why the right answer is right."
    - id: q2
      type: true_false
      prompt: "A true-or-false statement."
      answer: true
"""


class CourseForm(FlaskForm):
    definition = TextAreaField(_l("Course file (YAML)"))
    upload = FileField(_l("Or upload a course file"))
    base_version = HiddenField()  # the version the edit started from (a save over a newer one is refused)

    def validate_base_version(self, field) -> None:
        field.data = int(field.data) if str(field.data or "").isdigit() else None


@bp.route("/")
@roles_required(*AUTHORS)
def index():
    return render_template("courses/list.html", courses=course_authoring.summaries())


@bp.route("/<code>/preview")
@roles_required(*AUTHORS)
def preview(code: str):
    """The course as agents read it, with every question of its pool and the right answers."""
    row = course_authoring.find(code)
    return render_template("courses/preview.html", row=row, course=course_store.course_of(row),
                           summary=course_authoring.summary(row))


@bp.route("/<code>/export")
@roles_required(*AUTHORS)
def export(code: str):
    text = course_authoring.export_yaml(code)
    return Response(text, mimetype="application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{code}.yaml"'})


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new():
    form = CourseForm()
    if request.method == "GET":
        form.definition.data = STARTER
    return _save(form, _("New course"), url_for("courses.new"), code=None)


@bp.route("/<code>/edit", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit(code: str):
    form = CourseForm()
    row = course_authoring.find(code)  # 404 for an unknown course, before anything is read
    if request.method == "GET":
        form.definition.data, form.base_version.data = course_authoring.export_yaml(code), row.version
    return _save(form, _("Edit %(code)s", code=code), url_for("courses.edit", code=code), code=code)


def _save(form: CourseForm, heading: str, action: str, code):
    """Show the form (GET), or validate and store what was posted: the course page on success, the
    form again with the problems and the text as typed (400) otherwise."""
    page = dict(form=form, heading=heading, action=action, is_new=code is None)
    if request.method == "GET":
        return render_template("courses/edit.html", errors=[], **page)
    errors = [] if form.validate_on_submit() else [" ".join(map(str, v)) for v in form.errors.values()]
    text, source, problem = _posted_text(form, code)
    if not errors and problem:
        errors = [problem]
    if not errors:
        try:
            done = course_authoring.import_course(text, source, actor=current_user, code=code, new_only=code is None,
                                                  base_version=form.base_version.data if code else None)
        except course_authoring.InvalidCourse as exc:
            errors = exc.errors
        else:
            flash(_("Saved %(code)s as version %(version)d.", code=done.code, version=done.version), "success")
            return redirect(url_for("courses.preview", code=done.code))
    form.definition.data = text
    return render_template("courses/edit.html", errors=errors, **page), 400


def _posted_text(form: CourseForm, code) -> tuple[str, str, str]:
    """(the course text, the name errors give it, the problem that stops it being read or "").
    An uploaded file wins over the text area."""
    upload = form.upload.data
    if upload is not None and getattr(upload, "filename", ""):
        name = upload.filename
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            return form.definition.data or "", name, _("%(file)s: not a UTF-8 text file.", file=name)
    else:
        name, text = f"{code or 'new-course'}.yaml", form.definition.data or ""
    return text, name, "" if text.strip() else _("%(file)s: the course file is empty.", file=name)


class CourseFileForm(FlaskForm):
    upload = FileField(_l("File"))


@bp.route("/files", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def files():
    """The files stored with the courses; upload one (images, forms, price lists) to use in Markdown."""
    form = CourseFileForm()
    if request.method == "POST":
        if not form.validate_on_submit() or not form.upload.data:
            flash(_("Choose a file to upload."), "error")
        else:
            upload = form.upload.data
            try:
                stored = course_files.store(current_user, upload.filename or "", upload.read(),
                                            replace=request.form.get("replace") == "yes")
            except ServiceError as exc:
                flash(_("Not stored: %(error)s", error=str(exc)), "error")
            else:
                flash(_("Stored %(name)s. Use it in a module as ![description](%(name)s) or [title](%(name)s).",
                        name=stored.name), "success")
        return redirect(url_for("courses.files"))
    return render_template("courses/files.html", files=course_files.list_files(), form=form)


@bp.route("/files/<name>/delete", methods=["POST"])
@roles_required(*AUTHORS)
def delete_file(name: str):
    if not CourseFileForm().validate_on_submit():
        flash(_("The form expired; please submit it again."), "error")
    else:
        course_files.delete(current_user, name)
        flash(_("Deleted %(name)s.", name=name), "success")
    return redirect(url_for("courses.files"))
