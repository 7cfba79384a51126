"""Human review: the reviewer's weekly queue of picks, unreviewed automatic evaluations, and the review form."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_app.forms import REVIEW_CHOICES, CsrfForm, review_decisions, review_field
from qa_app.services import (NotFound, ServiceError, conversations, pagination, review as reviews, review_sheet,
                             sampling)
from qa_app.views.conversations import evidence_turns, audio_url
from qa_app.views.navigation import REVIEWERS
from qa_app.views.security import roles_required

bp = Blueprint("review", __name__, url_prefix="/review")


# Template globals (not context): the shared macros, imported without context, list criteria too.
bp.add_app_template_global(review_sheet.criteria_info, "criteria_info")
bp.add_app_template_global(review_sheet.criterion_names, "criterion_names")


@bp.route("/")
@roles_required(*REVIEWERS)
def queue():
    weeks = sampling.weeks_of(current_user)
    week = (request.args.get("week") or "").strip() or (weeks[0] if weeks else sampling.current_week())
    reason = (request.args.get("reason") or "").strip() or None
    status = (request.args.get("status") or "").strip() or None
    error = None
    try:
        picks = sampling.reviewer_picks(current_user, week, reason, status)
    except ServiceError as exc:  # a bad filter in the address: say so, show the unfiltered default week
        error, week, reason, status = str(exc), (weeks[0] if weeks else sampling.current_week()), None, None
        picks = sampling.reviewer_picks(current_user, week)
    done, total = sampling.progress(current_user, week)
    others = reviews.review_queue_page(current_user, *pagination.page_args(request.args))
    return render_template("review/queue.html", picks=picks, week=week, weeks=weeks, reason=reason or "",
                           status=status or "", reasons=sampling.PICK_REASONS, statuses=sampling.STATUSES,
                           done=done, total=total, error=error, next_id=reviews.next_to_review(current_user, others),
                           others=others), 400 if error else 200


def _based_on() -> int | None:
    """The id of the evaluation the form was opened on (None when the form did not send one)."""
    raw = (request.form.get("based_on") or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        abort(400, _("The form is damaged; reload the page."))
    return int(raw)


def _conflict_message(exc) -> str:
    if exc.at is None:
        return _("%(who)s saved a review of this conversation after you opened it; reload to see it",
                 who=exc.by)
    return _("%(who)s saved a review of this conversation at %(time)s after you opened it; reload to see it",
             who=exc.by, time=exc.at.strftime("%H:%M"))


def _after_saving(conversation_id: int) -> str:
    """Where a saved review goes: with "save and next", the next conversation to review (the queue
    when none is left); else the conversation's own page."""
    if request.form.get("then") != "next":
        return url_for("conversations.detail", conversation_id=conversation_id)
    upcoming = reviews.next_to_review(current_user)
    if upcoming is None:
        flash(_("Nothing else is waiting for your review."), "info")
        return url_for("review.queue")
    return url_for("review.review", conversation_id=upcoming)


@bp.route("/<int:conversation_id>", methods=["GET", "POST"])
@roles_required(*REVIEWERS)
def review(conversation_id: int):
    conv = conversations.get_visible(current_user, conversation_id)
    base = conversations.final_evaluation(conv.id)
    if base is None:
        abort(404, _("This conversation has not been scored yet."))
    form, error, status = CsrfForm(), None, 200
    if form.validate_on_submit():
        decisions = review_decisions(request.form, {c.criterion_id: c.result for c in base.criteria})
        try:
            ev = reviews.submit_review(current_user, conv.id, decisions, based_on_id=_based_on(),
                                       comment=request.form.get("overall_comment") or "")
        except NotFound:
            raise
        except reviews.Busy:  # the typed decisions stay on the form below
            error, status = _("The database was busy and your review was not saved. Your decisions are "
                              "kept below; save again in a moment."), 409
        except reviews.Conflict as exc:
            error, status = _conflict_message(exc), 409
        except ServiceError as exc:  # shown above the form; the reviewer's entries are kept
            error, status = str(exc), 400
        else:
            flash(_("Review saved. Final score: %(score).1f", score=ev.score), "success")
            return redirect(_after_saving(conv.id))
    elif form.errors:
        error, status = _("The form expired; please submit it again."), 400
    return render_template("review/review.html", conv=conv, base=base, form=form, error=error,
                           entered=request.form, choices=REVIEW_CHOICES, field=review_field,
                           based_on=request.form.get("based_on") or base.id,
                           evidence_turns=evidence_turns(base), audio_url=audio_url(conv),
                           progress=_week_progress()), status


def _week_progress() -> tuple[int, int] | None:
    """(done, total) of the reviewer's picks in their latest week of picks, None without picks."""
    weeks = sampling.weeks_of(current_user)
    return sampling.progress(current_user, weeks[0]) if weeks else None
