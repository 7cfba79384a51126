"""Training: an agent's own assignments or everyone's (overview), the course page and its quiz."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from qa_app.forms import CsrfForm, quiz_answers, quiz_field
from qa_app.services import NotFound, ServiceError, training
from qa_app.views.navigation import QUIZ_TAKERS, TRAINING_READERS, TRANSCRIPT_READERS
from qa_app.views.security import roles_required

bp = Blueprint("training", __name__, url_prefix="/training")

STATUSES = ("assigned", "overdue", "completed", "cancelled")


@bp.route("/")
@roles_required(*TRAINING_READERS)
def index():
    own = current_user.role == "agent"
    agent = None if own else (request.args.get("agent") or "").strip() or None
    status = (request.args.get("status") or "").strip() or None
    rows = training.visible_assignments(current_user, agent_login=agent, status=status)
    return render_template("training/list.html", rows=rows, own=own, agent=agent or "",
                           status=status or "", statuses=STATUSES)


def _course_page(assignment, status: int = 200, **extra):
    may_answer = assignment.agent_id == current_user.id and assignment.status in training.OPEN
    return render_template(
        "training/course.html", a=assignment, course=assignment.course,
        questions=assignment.course.quiz, may_answer=may_answer, field=quiz_field,
        form=extra.pop("form", None) or CsrfForm(),
        show_conversation=current_user.role in TRANSCRIPT_READERS, **extra), status


@bp.route("/<int:assignment_id>")
@roles_required(*TRAINING_READERS)
def course(assignment_id: int):
    return _course_page(training.get_assignment_for(current_user, assignment_id))


@bp.route("/<int:assignment_id>/quiz", methods=["POST"])
@roles_required(*QUIZ_TAKERS)
def quiz(assignment_id: int):
    a = training.get_assignment_for(current_user, assignment_id)
    form = CsrfForm()
    if not form.validate_on_submit():
        return _course_page(a, 400, form=form, error=_("The form expired; please submit it again."))
    answers = quiz_answers(request.form, [q["id"] for q in a.course.quiz])
    try:
        attempt, result = training.submit_quiz(current_user, a.id, answers)
    except NotFound:
        raise
    except ServiceError as exc:
        return _course_page(a, 400, form=form, error=str(exc), entered=request.form)
    return render_template("training/result.html", a=a, course=a.course, attempt=attempt,
                           result=result, answers=answers)
