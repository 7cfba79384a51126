"""A write the database could not take in time (SQLite's write lock held past the busy timeout):
HTTP 503 with the app's layout, what the person typed kept in a form that sends it again, and
a Retry-After; JSON for the API. Other database errors stay internal errors.

An internal error (an unexpected exception, a bug): HTTP 500 with the app's layout, a reference id
that is also in the log beside the traceback, and what the person submitted shown back (escaped;
passwords and tokens never) so that they can copy it and retry; the API keeps its JSON answer."""
from __future__ import annotations

import logging
import secrets

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import InternalServerError

from qa_app.extensions import db
from qa_app.services import database_busy as is_busy
from qa_app.views import api

bp = Blueprint("errors", __name__)
log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
NOT_KEPT = ("csrf_token", "password", "secret", "token")  # never echoed back into a page


@bp.app_errorhandler(OperationalError)
def database_busy(exc: OperationalError):
    if not is_busy(exc):
        return current_app.handle_exception(exc)
    db.session.rollback()
    log.warning("%s %s: database busy, answered 503", request.method, request.path)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    message = _("The database is busy with a long job and could not save this. Nothing was saved; "
                "try again in a few seconds.")
    if request.path.startswith("/api/"):
        return jsonify(error=message, code="database_busy", retry_after=RETRY_AFTER_SECONDS), 503, headers
    kept, dropped = _entered()
    typed = [(name, value) for name, value in kept if any(ch.isalpha() for ch in value)]
    return render_template("errors/busy.html", message=message, kept=kept, typed=typed, dropped=dropped,
                           resend=request.method == "POST", files=bool(request.files)), 503, headers


@bp.app_errorhandler(InternalServerError)
def internal_error(exc: InternalServerError):
    """Every unhandled exception lands here (Flask wraps it); the cause goes to the log only."""
    reference = secrets.token_hex(4)
    cause = exc.original_exception or exc
    log.error("%s %s: internal error, reference %s", request.method, request.path, reference,
              exc_info=(type(cause), cause, cause.__traceback__))
    db.session.rollback()
    if api.is_api_request():
        return api.internal_error(exc)
    kept, dropped = _entered()
    return render_template("errors/server_error.html", reference=reference, kept=kept, dropped=dropped,
                           posted=request.method == "POST", files=bool(request.files)), 500


def _entered() -> tuple[list[tuple[str, str]], bool]:
    """The submitted form fields to send again, and whether some (passwords, tokens) were left out."""
    kept, dropped = [], False
    for name, value in request.form.items(multi=True):
        if any(word in name.lower() for word in NOT_KEPT):
            dropped = dropped or name != "csrf_token"
            continue
        kept.append((name, value))
    return kept, dropped
