"""The home page of each role, the language switch, and the helpers every page's templates use."""
from __future__ import annotations

import json
from datetime import date, datetime
from urllib.parse import urlsplit

import yaml
from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_babel import get_locale, gettext as _, lazy_gettext as _l, refresh
from flask_login import current_user
from markupsafe import Markup

from qa_app.forms import AssignForm, LanguageForm
from qa_app.models.base import as_utc
from qa_app.permissions import can
from qa_app.services import (NotFound, ServiceError, coaching, dashboard, homes, preferences, review, review_sheet,
                             training)
from qa_app.views import api
from qa_app.views.markdown import render_markdown
from qa_app.views.navigation import COACHES, REVIEWERS, nav_links
from qa_app.views.security import ANY_ROLE, roles_required

bp = Blueprint("home", __name__)


@bp.route("/")
@roles_required(*ANY_ROLE)
def index():
    role = current_user.role
    context = {}
    if role == "agent":
        context["home"] = homes.agent_home(current_user)
    if role in REVIEWERS:
        context["waiting"] = review.waiting_count(current_user)
        context["reviews"] = review.reviewed_by(current_user, limit=10)
        context["calibration"] = homes.open_calibration(current_user)
        context["may_calibrate"] = can(current_user, "manage_calibration")
    if role == "lead":
        context["team"] = homes.lead_home(current_user)
        context["assign_form"] = AssignForm()
        context["courses"] = training.list_courses()
    if role == "hr":
        context["periods"] = homes.appraisal_periods()
        context["report_period"] = homes.last_complete_month()
    if role == "admin":
        context["counts"] = dashboard.counts()
    if role in ("agent",) + COACHES:
        context["follow_ups"] = coaching.follow_ups(current_user)
    return render_template("home/index.html", **context)


@bp.route("/language", methods=["POST"])
@roles_required(*ANY_ROLE)
def set_language():
    form = LanguageForm()
    if not form.validate_on_submit():
        return render_template("errors/error.html", code=400,
                               message=_("Choose a language from the list.")), 400
    try:
        preferences.set_locale(current_user, form.locale.data, current_app.config["LANGUAGES"])
    except ServiceError as exc:
        return render_template("errors/error.html", code=400, message=str(exc)), 400
    refresh()  # drop the locale Flask-Babel cached for this context, so the change shows at once
    return redirect(_same_site(form.next.data) or url_for("home.index"))


def _same_site(target: str | None) -> str | None:
    """Only a relative path on this site, so the switch cannot send the user elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    ok = not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")
    return target if ok else None


# ------------------------------------------------------------------ shared by every template

LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
ROLE_NAMES = {"agent": _l("agent"), "reviewer": _l("reviewer"), "lead": _l("team lead"), "hr": _l("HR"),
              "admin": _l("admin")}


def role_label(role: str) -> str:
    """A role's name in the reader's language (the stored value when it is not a known role)."""
    return str(ROLE_NAMES.get(role, role))


@bp.app_context_processor
def layout_context() -> dict:
    return {"nav_links": nav_links, "language_names": LANGUAGE_NAMES, "current_locale": get_locale,
            "role_label": role_label}


@bp.app_template_filter("when")
def format_when(value: datetime | None) -> str:
    """UTC date and time to the minute, or a dash."""
    return as_utc(value).strftime("%Y-%m-%d %H:%M") if value else "—"


@bp.app_template_filter("day")
def format_day(value: datetime | date | None) -> str:
    """A moment's UTC date, or a plain date, as YYYY-MM-DD."""
    if value is None:
        return "—"
    return as_utc(value).strftime("%Y-%m-%d") if isinstance(value, datetime) else value.isoformat()


@bp.app_template_filter("catalogued")
def catalogued(title: str | None) -> str:
    """A stored text the catalogue holds in the reader's language (a shipped scorecard's title, an
    appraisal template's label: services.review_sheet.translated), else the text as stored."""
    return review_sheet.translated(title or "")


@bp.app_template_filter("score")
def format_score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


@bp.app_template_filter("markdown")
def markdown_filter(text: str | None) -> Markup:
    return render_markdown(text)


@bp.app_template_filter("as_json")
def as_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


@bp.app_template_filter("as_yaml")
def as_yaml(value) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, default_flow_style=False)


@bp.app_errorhandler(NotFound)
def service_not_found(exc: NotFound):
    if api.is_api_request():
        return api.json_error(404, str(exc))
    return render_template("errors/error.html", code=404, message=str(exc)), 404


@bp.app_errorhandler(ServiceError)
def service_error(exc: ServiceError):
    if api.is_api_request():
        return api.json_error(400, str(exc))
    return render_template("errors/error.html", code=400, message=str(exc)), 400


@bp.app_errorhandler(400)
@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
@bp.app_errorhandler(413)
def http_error(exc):
    if api.is_api_request():
        return api.http_error(exc)
    message = exc.description
    if exc.code == 413:
        message = _("The upload is larger than %(size)s MB, the most this server accepts in one request "
                    "(QADESK_MAX_REQUEST_BYTES). Nothing was stored: upload fewer or smaller files, or "
                    "give large files to qadesk ingest.",
                    size=f"{current_app.config['MAX_CONTENT_LENGTH'] / 1024 / 1024:g}")
    return render_template("errors/error.html", code=exc.code, message=message), exc.code
