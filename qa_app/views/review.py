"""Human review: the queue of automatically scored conversations and the per-criterion review form."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_app.forms import REVIEW_CHOICES, CsrfForm, review_decisions, review_field
from qa_app.services import NotFound, ServiceError, conversations, review as reviews
from qa_app.views.conversations import evidence_turns, audio_url
from qa_app.views.navigation import REVIEWERS
from qa_app.views.security import roles_required

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.route("/")
@roles_required(*REVIEWERS)
def queue():
    return render_template("review/queue.html", rows=reviews.review_queue(current_user))


@bp.route("/<int:conversation_id>", methods=["GET", "POST"])
@roles_required(*REVIEWERS)
def review(conversation_id: int):
    conv = conversations.get_visible(current_user, conversation_id)
    base = conversations.final_evaluation(conv.id)
    if base is None:
        abort(404, _("This conversation has not been scored yet."))
    form, error = CsrfForm(), None
    if form.validate_on_submit():
        decisions = review_decisions(request.form, {c.criterion_id: c.result for c in base.criteria})
        try:
            ev = reviews.submit_review(current_user, conv.id, decisions)
        except NotFound:
            raise
        except ServiceError as exc:  # shown above the form; the reviewer's entries are kept
            error = str(exc)
        else:
            flash(_("Review saved. Final score: %(score).1f", score=ev.score), "success")
            return redirect(url_for("conversations.detail", conversation_id=conv.id))
    elif form.errors:
        error = _("The form expired; please submit it again.")
    status = 400 if error else 200
    return render_template("review/review.html", conv=conv, base=base, form=form, error=error,
                           entered=request.form, choices=REVIEW_CHOICES, field=review_field,
                           evidence_turns=evidence_turns(base), audio_url=audio_url(conv)), status
