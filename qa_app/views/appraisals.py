"""Appraisals: the list of a period (HR all, a lead their teams, an agent their own) and an appraisal's
page with every KPI and its evidence, the agent's self-assessment, the lead's comments and proposed
rating, HR's finalise and reopen, and the agent's acknowledgement or contest (docs/appraisals.md)."""
from __future__ import annotations

from datetime import timedelta
from typing import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_app import clock
from qa_app.forms import CsrfForm
from qa_app.permissions import can, roles_with
from qa_app.services import NotFound, ServiceError, appraisal_evidence, appraisal_workflow as flow, appraisals
from qa_app.views.security import roles_required
from training import periods

bp = Blueprint("appraisals", __name__, url_prefix="/appraisals")
READERS = roles_with("read_appraisals")
DRAFTERS = roles_with("draft_appraisals")


def default_period() -> str:
    """The last complete quarter (appraisals are mostly quarterly)."""
    start_of_quarter = periods.period_of(clock.now(), "quarter").start
    return periods.period_of(start_of_quarter - timedelta(days=1), "quarter").label


@bp.route("/")
@roles_required(*READERS)
def index():
    period = (request.args.get("period") or "").strip() or default_period()
    state = (request.args.get("state") or "").strip() or None
    try:
        rows = appraisals.listing(current_user, period, state)
    except ServiceError as exc:
        return render_template("appraisals/list.html", rows=[], period=period, state=state or "", error=str(exc),
                               form=CsrfForm(), may_draft=False, states=appraisals.STATES), 400
    return render_template("appraisals/list.html", rows=rows, period=appraisals.parse_period(period).label,
                           state=state or "", error=None, form=CsrfForm(), states=appraisals.STATES,
                           may_draft=can(current_user, "draft_appraisals"))


@bp.route("/draft", methods=["POST"])
@roles_required(*DRAFTERS)
def draft():
    period = (request.form.get("period") or "").strip()
    try:
        summary = appraisals.draft_period(period, current_user)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("appraisals.index"))
    flash(_("%(period)s drafted: %(created)d new, %(updated)d updated, %(kept)d finalised kept.",
            period=summary.period, created=summary.created, updated=summary.updated, kept=summary.kept_final),
          "success")
    return redirect(url_for("appraisals.index", period=summary.period))


@bp.route("/<int:appraisal_id>")
@roles_required(*READERS)
def detail(appraisal_id: int):
    row = appraisals.get_for(current_user, appraisal_id)
    changes = appraisals.changed_since_final(row)
    pairs = [tuple(e) for k in row.snapshot.get("kpis", []) for e in k["evidence"]]
    pairs += [e for c in changes for e in c.evidence_added + c.evidence_removed]
    return render_template("appraisals/detail.html", a=row, kpis=row.snapshot.get("kpis", []), changes=changes,
                           evidence=appraisal_evidence.resolve(current_user, pairs), bands=appraisals.bands_of(row),
                           form=CsrfForm(), is_agent=current_user.id == row.agent_id,
                           may_propose=can(current_user, "propose_appraisals"),
                           may_finalise=can(current_user, "finalise_appraisals"))


def _step(appraisal_id: int, action: Callable, done: str):
    """Run one workflow step with the form's fields; flash its outcome; back to the appraisal."""
    try:
        action()
    except NotFound:
        raise
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash(done, "success")
    return redirect(url_for("appraisals.detail", appraisal_id=appraisal_id))


@bp.route("/<int:appraisal_id>/self-assessment", methods=["POST"])
@roles_required(*roles_with("self_assess"))
def self_assess(appraisal_id: int):
    return _step(appraisal_id, lambda: flow.self_assess(current_user, appraisal_id, request.form.get("text")),
                 _("Your self-assessment is saved."))


@bp.route("/<int:appraisal_id>/proposal", methods=["POST"])
@roles_required(*roles_with("propose_appraisals"))
def propose(appraisal_id: int):
    return _step(appraisal_id, lambda: flow.propose(current_user, appraisal_id, request.form.get("comment"),
                                                    request.form.get("rating")),
                 _("Your comments and proposed rating are saved; the appraisal is in review."))


@bp.route("/<int:appraisal_id>/finalise", methods=["POST"])
@roles_required(*roles_with("finalise_appraisals"))
def finalise(appraisal_id: int):
    return _step(appraisal_id, lambda: flow.finalise(current_user, appraisal_id, request.form.get("rating")),
                 _("The appraisal is final. The agent has been told."))


@bp.route("/<int:appraisal_id>/reopen", methods=["POST"])
@roles_required(*roles_with("finalise_appraisals"))
def reopen(appraisal_id: int):
    return _step(appraisal_id, lambda: flow.reopen(current_user, appraisal_id, request.form.get("reason")),
                 _("The appraisal is reopened for review."))


@bp.route("/<int:appraisal_id>/acknowledge", methods=["POST"])
@roles_required(*roles_with("self_assess"))
def acknowledge(appraisal_id: int):
    return _step(appraisal_id, lambda: flow.acknowledge(current_user, appraisal_id, request.form.get("comment")),
                 _("Acknowledged."))


@bp.route("/<int:appraisal_id>/contest", methods=["POST"])
@roles_required(*roles_with("self_assess"))
def contest(appraisal_id: int):
    return _step(appraisal_id, lambda: flow.contest(current_user, appraisal_id, request.form.get("reason")),
                 _("Your objection is recorded; HR will look at it."))
