"""A write the database could not take in time (SQLite's write lock held past the busy timeout):
HTTP 503 with the app's layout, what the person typed kept in a form that sends it again, and
a Retry-After; JSON for the API. Other database errors stay internal errors."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError

from qa_app.extensions import db
from qa_app.services import database_busy as is_busy

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


def _entered() -> tuple[list[tuple[str, str]], bool]:
    """The submitted form fields to send again, and whether some (passwords, tokens) were left out."""
    kept, dropped = [], False
    for name, value in request.form.items(multi=True):
        if any(word in name.lower() for word in NOT_KEPT):
            dropped = dropped or name != "csrf_token"
            continue
        kept.append((name, value))
    return kept, dropped
