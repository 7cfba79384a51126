"""Disputes: agents contest an evaluation from the conversation page; resolvers decide; leads see statistics."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_app.permissions import roles_with
from qa_app.forms import REVIEW_CHOICES, CsrfForm, review_decisions, review_field
from qa_app.services import NotFound, ServiceError, conversations, disputes, pagination, review
from qa_app.services.evaluations import Conflict
from qa_app.views.conversations import audio_url, evidence_turns
from qa_app.views.navigation import TRANSCRIPT_READERS
from qa_app.views.security import roles_required

bp = Blueprint("disputes", __name__, url_prefix="/disputes")

STATS_READERS = roles_with("read_dispute_stats")
STATUSES = ("open", "accepted", "partly_accepted", "rejected")
OUTCOMES = ("accept", "partly_accept", "reject")


@bp.app_context_processor
def _panel_helper() -> dict:
    return {"dispute_panel": dispute_panel}


def dispute_panel(conv, final) -> dict:
    """What the conversation page shows its own agent: their disputes of it and, when allowed, the form."""
    if not getattr(current_user, "is_authenticated", False) or conv.agent_id != current_user.id:
        return {"show": False}
    return {"show": True, "final": final, "form": CsrfForm(),
            "disputes": disputes.list_disputes(current_user, conversation_id=conv.id),
            "can_open": final is not None and disputes.refusal(current_user, final) is None,
            "days": disputes.window_days()}


@bp.route("/")
@roles_required(*TRANSCRIPT_READERS)
def index():
    status = request.args.get("status") or ""
    if status not in STATUSES:
        status = ""
    found = disputes.page_disputes(current_user, status or None, *pagination.page_args(request.args))
    return render_template("disputes/list.html", rows=found.items, found=found,
                           status=status, statuses=STATUSES, show_stats=current_user.role in STATS_READERS)


@bp.route("/open/<int:evaluation_id>", methods=["POST"])
@roles_required(*TRANSCRIPT_READERS)
def open_dispute(evaluation_id: int):
    """The agent's dispute form posts here; errors go back to the conversation page."""
    form = CsrfForm()
    if not form.validate_on_submit():
        abort(400, _("The form expired; please submit it again."))
    try:
        dispute = disputes.open_dispute(current_user, evaluation_id, request.form.get("comment") or "",
                                        request.form.getlist("criteria"))
    except NotFound:
        raise
    except ServiceError as exc:  # the agent may see the evaluation, so its conversation is safe to name
        flash(_("The dispute was not opened: %(reason)s", reason=str(exc)), "error")
        conv_id = review.get_evaluation(evaluation_id).conversation_id
        return redirect(url_for("conversations.detail", conversation_id=conv_id))
    flash(_("Dispute opened."), "success")
    return redirect(url_for("disputes.detail", dispute_id=dispute.id))


@bp.route("/<int:dispute_id>", methods=["GET", "POST"])
@roles_required(*TRANSCRIPT_READERS)
def detail(dispute_id: int):
    dispute = disputes.get_dispute(current_user, dispute_id)
    can_resolve = dispute.status == "open" and disputes.may_resolve(current_user, dispute)
    base = dispute.evaluation
    form, error, status = CsrfForm(), None, 400
    if request.method == "POST":
        if not can_resolve:
            abort(403)
        if form.validate_on_submit():
            decisions = review_decisions(request.form, {c.criterion_id: c.result for c in base.criteria})
            try:
                disputes.resolve_dispute(current_user, dispute.id, request.form.get("outcome") or "",
                                         request.form.get("reason") or "", decisions)
            except NotFound:
                raise
            except ServiceError as exc:  # shown above the form; the resolver's entries are kept
                error, status = str(exc), (409 if isinstance(exc, Conflict) else 400)
            else:
                flash(_("Dispute resolved."), "success")
                return redirect(url_for("disputes.detail", dispute_id=dispute.id))
        else:
            error = _("The form expired; please submit it again.")
    conv = dispute.conversation
    return render_template("disputes/detail.html", dispute=dispute, conv=conv, base=base,
                           current=conversations.final_evaluation(conv.id), can_resolve=can_resolve,
                           form=form, error=error, entered=request.form, choices=REVIEW_CHOICES,
                           outcomes=OUTCOMES, field=review_field, evidence_turns=evidence_turns(base),
                           audio_url=audio_url(conv)), status if error else 200


@bp.route("/stats")
@roles_required(*STATS_READERS)
def stats():
    period = (request.args.get("period") or "").strip()
    try:
        label, numbers = disputes.stats(period or None, viewer=current_user)
    except ServiceError as exc:
        return render_template("disputes/stats.html", period=period, label=None, stats=None, error=str(exc)), 400
    return render_template("disputes/stats.html", period=period, label=label, stats=numbers, error=None)
