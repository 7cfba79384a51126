"""Customer surveys: the recent answers a user may see, and the upload page for survey files."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from qa_app.forms import SurveyUploadForm
from qa_app.permissions import can, roles_with
from qa_app.services import ServiceError, pagination, surveys
from qa_app.views.conversations import base_name
from qa_app.views.security import roles_required
from scoring.surveys import KINDS

bp = Blueprint("surveys", __name__, url_prefix="/surveys")


@bp.route("/")
@roles_required(*roles_with("read_surveys"))
def index():
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else ""
    found = surveys.page_recent(current_user, kind or None, *pagination.page_args(request.args))
    return render_template("surveys/list.html", rows=found.items, found=found, kind=kind, kinds=list(KINDS),
                           links=can(current_user, "read_transcripts"),
                           may_import=can(current_user, "import_surveys"))


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*roles_with("import_surveys"))
def upload():
    """Upload one survey CSV; the page shows the same report as `qadesk surveys import`."""
    form = SurveyUploadForm()
    if not form.validate_on_submit():
        return _page(form), (400 if form.errors else 200)
    chosen = form.chosen_file()
    if chosen is None:
        form.file.errors = [_("Choose a survey file.")]
        return _page(form), 400
    try:
        report = surveys.import_text(chosen.read(), base_name(chosen.filename), actor=current_user)
    except surveys.StoreFailed as exc:
        form.file.errors = [_("Nothing was stored: %(reason)s", reason=str(exc))]
        return _page(form), 503
    except ServiceError as exc:
        form.file.errors = [str(exc)]
        return _page(form), 400
    return _page(SurveyUploadForm(formdata=None), report=report)


def _page(form, **shown):
    return render_template("surveys/import.html", form=form, **shown)
