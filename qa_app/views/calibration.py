"""Calibration sessions: list, create, answer blind, close, results and calibrated answers, alignment trend."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Mapping, Optional

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_app.permissions import roles_with
from qa_app.forms import CsrfForm
from qa_app.services import NotFound, ServiceError, calibration_results, calibration_sessions as sessions
from qa_app.services.evaluations import Conflict
from qa_app.views.navigation import REVIEWERS
from qa_app.views.security import roles_required

bp = Blueprint("calibration", __name__, url_prefix="/calibration")
LEADS = roles_with("manage_calibration")


def answer_field(criterion_id: str) -> str:
    """The form field name of one criterion's pass/fail/na answer."""
    return f"answer__{criterion_id}"


def read_answers(formdata: Mapping[str, str], criteria) -> dict[str, str]:
    """{criterion id: chosen value} of the answer form; an empty choice stays empty for the service to report."""
    return {c.id: (formdata.get(answer_field(c.id)) or "").strip() for c in criteria}


def parse_deadline(text: str) -> Optional[datetime]:
    """A date-time entered as YYYY-MM-DDTHH:MM (or with a space), read as UTC; None when unreadable."""
    try:
        value = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


@bp.route("/")
@roles_required(*REVIEWERS)
def index():
    rows = sessions.list_sessions(current_user)
    answered = {s.id: sessions.answered_items(current_user, s) for s in rows}
    statuses = {s.id: sessions.status_of(s) for s in rows}
    return render_template("calibration/list.html", sessions=rows, answered=answered, statuses=statuses,
                           can_create=current_user.role in LEADS)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*LEADS)
def new():
    form, error = CsrfForm(), None
    if form.validate_on_submit():
        try:
            session = _create_from(request.form)
        except ServiceError as exc:  # NotFound too: an unknown conversation or login is bad input here
            error = str(exc)
        else:
            flash(_("Calibration session created."), "success")
            return redirect(url_for("calibration.session", session_id=session.id))
    elif form.errors:
        error = _("The form expired; please submit it again.")
    return render_template("calibration/new.html", form=form, error=error, entered=request.form,
                           candidates=sessions.recent_candidates(current_user),
                           raters=sessions.eligible_raters()), 400 if error else 200


def _create_from(formdata) -> object:
    deadline = parse_deadline(formdata.get("deadline", ""))
    if deadline is None:
        raise ServiceError(_("Enter the deadline as a date and time."))
    external = [e for e in re.split(r"[\s,]+", formdata.get("external_ids", "")) if e]
    ids = [int(v) for v in formdata.getlist("conversation") if v.isdigit()]
    ids += sessions.conversation_ids_for(current_user, external)
    return sessions.create_session(current_user, formdata.get("name", ""), ids, formdata.getlist("rater"),
                                      deadline, formdata.get("benchmark") or None)


@bp.route("/<int:session_id>")
@roles_required(*REVIEWERS)
def session(session_id: int):
    return _render_session(session_id)


def _render_session(session_id: int, error: Optional[str] = None, entered=None, status: int = 200):
    page = calibration_results.session_page(current_user, session_id)
    return render_template("calibration/session.html", page=page, form=CsrfForm(), error=error,
                           entered=entered or {}, field=answer_field), status


@bp.route("/<int:session_id>/answer/<int:conversation_id>", methods=["POST"])
@roles_required(*REVIEWERS)
def answer(session_id: int, conversation_id: int):
    criteria = sessions.item_criteria(current_user, session_id, conversation_id)  # 404 first for outsiders
    form = CsrfForm()
    if not form.validate_on_submit():
        return _render_session(session_id, _("The form expired; please submit it again."), status=400)
    try:
        sessions.submit_answers(current_user, session_id, conversation_id, read_answers(request.form, criteria))
    except NotFound:
        raise
    except ServiceError as exc:
        return _render_session(session_id, str(exc), request.form, 400)
    flash(_("Your answers are saved."), "success")
    return redirect(url_for("calibration.session", session_id=session_id, _anchor=f"item-{conversation_id}"))


@bp.route("/<int:session_id>/close", methods=["POST"])
@roles_required(*LEADS)
def close(session_id: int):
    row = sessions.get_visible(current_user, session_id)  # 404 first for outsiders
    if not sessions.may_close(current_user, row):
        abort(403)
    if not CsrfForm().validate_on_submit():
        flash(_("The form expired; please submit it again."), "error")
        return redirect(url_for("calibration.session", session_id=session_id))
    try:
        sessions.close_session(current_user, session_id)
    except NotFound:
        raise
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Session closed; the results are below."), "success")
    return redirect(url_for("calibration.session", session_id=session_id))


@bp.route("/<int:session_id>/calibrate/<int:conversation_id>", methods=["POST"])
@roles_required(*LEADS)
def calibrate(session_id: int, conversation_id: int):
    criteria = sessions.item_criteria(current_user, session_id, conversation_id)  # 404 first for outsiders
    if not CsrfForm().validate_on_submit():
        return _render_session(session_id, _("The form expired; please submit it again."), status=400)
    try:
        ev = sessions.set_calibrated(current_user, session_id, conversation_id, read_answers(request.form, criteria))
    except NotFound:
        raise
    except ServiceError as exc:  # Conflict (another final evaluation meanwhile) answers 409
        return _render_session(session_id, str(exc), request.form, 409 if isinstance(exc, Conflict) else 400)
    flash(_("Calibrated answer saved as the final evaluation. Final score: %(score).1f", score=ev.score),
          "success")
    return redirect(url_for("calibration.session", session_id=session_id, _anchor=f"item-{conversation_id}"))


@bp.route("/trend")
@roles_required(*REVIEWERS)
def trend():
    login = (request.args.get("reviewer") or "").strip() or current_user.login
    reviewer, points = calibration_results.trend_for(current_user, login)
    raters = sessions.eligible_raters() if current_user.role in LEADS else []
    return render_template("calibration/trend.html", reviewer=reviewer, points=points, raters=raters,
                           spec=trend_chart(points))


def trend_chart(points) -> dict:
    """The Chart.js spec (static/charts.js) of a reviewer's alignment (0..1, left axis) and leniency
    (points, right axis) over closed sessions, oldest first; gaps where they were the benchmark.
    Each point opens its session."""
    return {"kind": "line", "labels": [f"{p.date:%Y-%m-%d} {p.name}" for p in points],
            "datasets": [{"label": _("Alignment"), "data": [p.alignment for p in points]},
                         {"label": _("Leniency (points)"), "data": [p.leniency for p in points],
                          "yAxisID": "right"}],
            "links": [url_for("calibration.session", session_id=p.session_id) for p in points]}
