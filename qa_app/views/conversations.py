"""Conversations: the list a user may see, one transcript with its evaluations, and the upload form."""
from __future__ import annotations

from pathlib import PurePosixPath

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from qa_app.forms import CsrfForm, UploadForm
from qa_app import workers
from qa_app.services import (NotFound, ServiceError, conversations, dashboard, exemplars, ingest, pagination, review,
                             surveys, transcription)
from qa_app.views.navigation import REVIEWERS, TRANSCRIPT_READERS
from qa_app.permissions import can, roles_with
from qa_app.views.security import roles_required
from transcripts.model import CHANNELS

bp = Blueprint("conversations", __name__, url_prefix="/conversations")


@bp.route("/")
@roles_required(*TRANSCRIPT_READERS)
def index():
    """The conversations the user may see, with the filters the dashboards link here with."""
    active = {k: v.strip() for k in conversations.LIST_FIELDS if (v := request.args.get(k)) and v.strip()}
    req = pagination.request_args(request.args)
    try:
        found = conversations.page_visible(current_user, conversations.parse_list_filters(request.args), req)
    except ServiceError as exc:
        flash(_("Not filtered: %(error)s", error=str(exc)), "error")
        found, status = pagination.empty(req.per_page), 400
    else:
        status = 200
    finals = dashboard.final_evaluations(c.id for c in found.items)
    return render_template("conversations/list.html", rows=found.items, found=found, finals=finals, active=active,
                           channels=CHANNELS, channel_names=CHANNEL_NAMES, review_states=conversations.REVIEW_STATES,
                           review_state_names=REVIEW_STATE_NAMES,
                           extra={k: v for k, v in active.items() if k not in SHOWN_FILTERS}), status


SHOWN_FILTERS = ("agent", "language", "q", "period", "review", "channel")  # the form's own fields
CHANNEL_NAMES = {"chat": _l("chat"), "call": _l("call"), "email": _l("e-mail"), "social": _l("social media")}


@bp.app_template_filter("channel_name")
def channel_name(code: str | None) -> str:
    """A conversation channel ("chat") as the reader's language names it; an unknown one as stored."""
    return str(CHANNEL_NAMES.get(code, code)) if code else ""


REVIEW_STATE_NAMES = {"unscored": _l("not scored yet"), "waiting": _l("waiting for review"),
                      "reviewed": _l("reviewed")}


@bp.route("/<int:conversation_id>")
@roles_required(*TRANSCRIPT_READERS)
def detail(conversation_id: int):
    conv = conversations.get_visible(current_user, conversation_id)
    evaluations = conversations.evaluations_of(conv.id)
    final = next((e for e in evaluations if e.is_final), None)
    pins = can(current_user, "pin_exemplars")
    return render_template("conversations/detail.html", conv=conv, evaluations=evaluations,
                           final=final, evidence_turns=evidence_turns(final), audio_url=audio_url(conv),
                           ack_form=CsrfForm(), may_pin=pins, survey_answers=surveys.of_conversation(conv.id), pin_targets=exemplars.targets() if pins else [],
                           pinned=exemplars.of_conversation(conv.id) if pins else [])


@bp.route("/<int:conversation_id>/exemplars", methods=["POST"])
@roles_required(*roles_with("pin_exemplars"))
def pin_exemplar(conversation_id: int):
    """Pin the (reviewed) conversation to a course module as a good or bad example with a note."""
    form = CsrfForm()
    if not form.validate_on_submit():
        abort(400, _("The form expired; please submit it again."))
    try:
        exemplars.pin(current_user, conversation_id, request.form.get("target", ""),
                      request.form.get("kind", ""), request.form.get("note", ""))
    except NotFound:
        raise
    except ServiceError as exc:
        flash(_("Not pinned: %(error)s", error=str(exc)), "error")
    else:
        flash(_("Pinned as an example; agents read it in the course."), "success")
    return redirect(url_for("conversations.detail", conversation_id=conversation_id, _anchor="examples"))


@bp.route("/exemplars/<int:exemplar_id>/delete", methods=["POST"])
@roles_required(*roles_with("pin_exemplars"))
def unpin_exemplar(exemplar_id: int):
    form = CsrfForm()
    if not form.validate_on_submit():
        abort(400, _("The form expired; please submit it again."))
    back = request.form.get("conversation_id", type=int)
    exemplars.unpin(current_user, exemplar_id)
    flash(_("The example is removed from the course."), "success")
    return redirect(url_for("conversations.detail", conversation_id=back) if back else url_for("conversations.index"))


@bp.route("/<int:conversation_id>/acknowledge", methods=["POST"])
@roles_required(*roles_with("acknowledge"))
def acknowledge(conversation_id: int):
    """The conversation's agent acknowledges the final evaluation the page showed them."""
    raw = (request.form.get("evaluation_id") or "").strip()
    if not raw.isdigit():
        abort(400, _("The form is damaged; reload the page."))
    try:
        review.acknowledge(current_user, conversation_id, int(raw))
    except NotFound:
        raise
    except ServiceError:
        flash(_("This evaluation is no longer the final one; here is the current one."), "error")
    else:
        flash(_("Evaluation acknowledged."), "success")
    return redirect(url_for("conversations.detail", conversation_id=conversation_id))


def audio_url(conv) -> str | None:
    """The playback URL of a call whose recording is still kept, else None."""
    if transcription.audio_path_for(conv) is None:
        return None
    return url_for("conversations.audio", conversation_id=conv.id)


@bp.route("/<int:conversation_id>/audio")
@roles_required(*TRANSCRIPT_READERS)
def audio(conversation_id: int):
    """The call recording, for those who may see the conversation (404 otherwise or once purged)."""
    conv = conversations.get_visible(current_user, conversation_id)
    path = transcription.audio_path_for(conv)
    if path is None:
        abort(404)
    return send_file(path, conditional=True)


def base_name(filename: str) -> str:
    """The file's own name: browsers may send a full path (and Windows separators)."""
    return PurePosixPath(filename.replace("\\", "/")).name or filename


def evidence_turns(evaluation) -> dict[int, list[str]]:
    """Turn index -> ids of the criteria whose evidence points at that turn (for highlighting)."""
    marked: dict[int, list[str]] = {}
    for c in (evaluation.criteria if evaluation else ()):
        for e in c.evidence or ():
            if isinstance(e.get("turn"), int):
                marked.setdefault(e["turn"], []).append(c.criterion_id)
    return marked


@bp.route("/upload", methods=["GET", "POST"])
@roles_required(*REVIEWERS)
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(form), (400 if form.errors else 200)
    files = form.chosen_files()
    if not files:
        form.files.errors = [_("Choose at least one file.")]
        return _upload_page(form), 400
    options = ingest.IngestOptions(agent=(form.agent.data or "").strip() or None,
                                   channel=form.channel.data or None,
                                   stereo_map=transcription.default_stereo_map(),
                                   redaction=transcription.redaction_config(),
                                   create_agents=bool(form.create_agents.data), uploader_id=current_user.id)
    # The raw bytes go to the parser so a line that is not UTF-8 is reported on its own line.
    try:
        done = ingest.ingest_uploads([(base_name(f.filename), f.read()) for f in files], options)
    except ingest.StoreFailed as exc:
        form.files.errors = [_("Nothing was stored: %(reason)s", reason=str(exc))]
        return _upload_page(form), 503
    if done.job_ids:
        workers.submit_transcriptions(current_app._get_current_object(), done.job_ids)
    return _upload_page(UploadForm(formdata=None), results=done.files, scored=done.scored, errors=done.errors)


def _upload_page(form, **shown):
    return render_template("conversations/upload.html", form=form, jobs=transcription.recent_jobs(), **shown)
