"""Coaching: the sessions a user may see, recording one (leads and admins), and a session's page,
where the agent acknowledges and comments and the owners mark agreed actions done."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_app import clock
from qa_app.forms import CsrfForm
from qa_app.permissions import can, roles_with
from qa_app.services import NotFound, ServiceError, coaching
from qa_app.views.navigation import COACHES, COACHING_READERS
from qa_app.views.security import roles_required
from training.coaching import OWNERS, ActionDraft, SessionDraft

bp = Blueprint("coaching", __name__, url_prefix="/coaching")

ACTION_ROWS = 3  # empty rows for agreed actions on the form; a row left blank is no action


@bp.route("/")
@roles_required(*COACHING_READERS)
def index():
    agent = None if current_user.role == "agent" else (request.args.get("agent") or "").strip() or None
    sessions = coaching.visible_sessions(current_user, agent_login=agent)
    return render_template("coaching/list.html", sessions=sessions, agent=agent or "",
                           may_coach=current_user.role in COACHES, state_of=coaching.state_of)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*COACHES)
def new():
    """Choose the agent (GET ?agent=), then the session: notes, linked evaluations, agreed actions."""
    agents = coaching.coachable_agents(current_user)
    login = (request.values.get("agent") or "").strip()
    agent = next((a for a in agents if a.login == login), None)
    if request.method == "GET" or agent is None:
        status = 200 if request.method == "GET" else 400
        return _form(agents, agent, errors=[] if status == 200 else [_("Choose an agent you coach.")]), status
    try:  # the CSRF token is checked app-wide (CSRFProtect)
        session = coaching.record_session(current_user, agent.login, _draft(), coaching.parse_links(
            request.form.getlist("evaluations")))
    except ServiceError as exc:
        return _form(agents, agent, errors=[str(exc)]), 400
    flash(_("Coaching session recorded. %(agent)s has been told.", agent=agent.login), "success")
    return redirect(url_for("coaching.detail", session_id=session.id))


def _form(agents, agent, errors):
    return render_template("coaching/new.html", agents=agents, agent=agent, errors=errors, form=CsrfForm(),
                           evaluations=coaching.recent_evaluations(agent) if agent else [],
                           rows=range(1, ACTION_ROWS + 1), owners=OWNERS, today=clock.today(),
                           values=request.form if request.method == "POST" else {},
                           chosen=set(request.form.getlist("evaluations")))


def _draft() -> SessionDraft:
    """The session as posted; ServiceError naming the field for a date that is not one."""
    held_on = _date(request.form.get("held_on"), "held_on") or clock.today()
    actions = []
    for n in range(1, ACTION_ROWS + 1):
        text, due = (request.form.get(f"action_text_{n}") or "").strip(), request.form.get(f"action_due_{n}")
        if not text and not (due or "").strip():
            continue
        where = f"actions[{len(actions)}].due_on"
        actions.append(ActionDraft(text, request.form.get(f"action_owner_{n}") or "agent",
                                   _date(due, where) or _missing(where)))
    return SessionDraft(held_on, request.form.get("notes") or "", tuple(actions))


def _date(value, field: str):
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ServiceError(f"{field}: {text!r} is not a date (YYYY-MM-DD)") from None


def _missing(field: str):
    raise ServiceError(f"{field}: give the follow-up date")


@bp.route("/<int:session_id>")
@roles_required(*COACHING_READERS)
def detail(session_id: int):
    s = coaching.get_for(current_user, session_id)
    return render_template("coaching/detail.html", s=s, form=CsrfForm(), state_of=coaching.state_of,
                           is_agent=current_user.id == s.agent_id, links=can(current_user, "read_transcripts"),
                           may_mark=lambda a: current_user.id in (a.owner_id, s.coach_id) or current_user.role in COACHES)


@bp.route("/<int:session_id>/acknowledge", methods=["POST"])
@roles_required(*roles_with("acknowledge"))  # only the coached agent: anyone else is refused, not redirected
def acknowledge(session_id: int):
    try:
        coaching.acknowledge(current_user, session_id, request.form.get("comment"))
    except NotFound:
        raise
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Acknowledged. Your coach has been told."), "success")
    return redirect(url_for("coaching.detail", session_id=session_id))


@bp.route("/actions/<int:action_id>/done", methods=["POST"])
@roles_required(*COACHING_READERS)
def action_done(action_id: int):
    try:
        action = coaching.mark_done(current_user, action_id)
    except NotFound:
        raise
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("coaching.index"))
    flash(_("Marked as done."), "success")
    return redirect(url_for("coaching.detail", session_id=action.session_id))
