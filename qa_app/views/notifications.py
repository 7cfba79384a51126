"""The bell: a user's own notifications (every role), marking them read."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from qa_app.forms import CsrfForm
from qa_app.permissions import roles_with
from qa_app.services import notifications, pagination
from qa_app.views.security import roles_required

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
EVERYONE = roles_with("use_app")


@bp.route("/")
@roles_required(*EVERYONE)
def index():
    found = notifications.page_for_user(current_user, *pagination.page_args(request.args))
    return render_template("notifications/index.html", rows=found.items, found=found,
                           unread=notifications.unread_count(current_user), form=CsrfForm())


@bp.route("/read", methods=["POST"])
@roles_required(*EVERYONE)
def mark_read():
    """Mark one notification (form field `id`) or all of them read; only the user's own."""
    form = CsrfForm()
    if form.validate_on_submit():
        chosen = request.form.get("id", type=int)
        notifications.mark_read(current_user, None if chosen is None else [chosen])
    return redirect(url_for("notifications.index"))


@bp.app_context_processor
def bell() -> dict:
    """`unread_notifications()` for the top bar (one count query, only when a page shows the bar)."""
    def unread_notifications() -> int:
        if not getattr(current_user, "is_authenticated", False):
            return 0
        return notifications.unread_count(current_user)
    return {"unread_notifications": unread_notifications}
