"""Training: an agent's own assignments or everyone's (overview), the course's modules, its quiz and past attempts."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_datetime, gettext as _
from flask_login import current_user

from qa_app.forms import AssignForm, CsrfForm, OnboardForm
from qa_app.services import (NotFound, ServiceError, certificates, course_store, coursework, effectiveness,
                             course_files, exemplars, onboarding, pagination, reminders, training)
from qa_app.settings import settings as instance_settings
from qa_app.views import charts, quiz_form
from qa_app.views.downloads import table_download
from qa_app.views.navigation import (ASSIGNERS, AUTHORS, QUIZ_TAKERS, REMINDERS, REPORT_READERS, TRAINING_READERS,
                                    TRANSCRIPT_READERS)
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
    shown = certificates.visible_to(current_user)
    if agent:
        shown = [c for c in shown if c.agent.login == agent]
    before_after = effectiveness.pairs_of(rows) if own or agent else []
    found = training.page_assignments(current_user, agent, status, *pagination.page_args(request.args))
    return render_template("training/list.html", rows=found.items, found=found, own=own, agent=agent or "", status=status or "",
                           before_after=before_after, config_k=instance_settings().effectiveness_evaluations,
                           statuses=STATUSES, progress=coursework.module_progress, form=CsrfForm(),
                           may_remind=current_user.role in REMINDERS, certificates=shown,
                           assign_form=_assign_form() if current_user.role in ASSIGNERS else None,
                           onboard_form=_onboard_form() if current_user.role in ASSIGNERS else None,
                           onboardings=onboarding.progress_of(current_user, agent),
                           late=[] if own else training.late_by_team(rows),
                           statuses_chart=None if own else charts.assignment_statuses(rows),
                           certificate_state=certificates.state_of)


@bp.route("/effectiveness")
@roles_required(*REPORT_READERS)
def effectiveness_report():
    """Per course: did the agents' triggering criteria and scores move after they completed it."""
    config = instance_settings()
    figures = effectiveness.course_effects(viewer=current_user)
    return render_template("training/effectiveness.html", figures=figures, spec=charts.course_effects(figures),
                           k=config.effectiveness_evaluations, min_n=config.effectiveness_min_agents)


@bp.route("/effectiveness.csv")
@roles_required(*REPORT_READERS)
def effectiveness_csv():
    """The courses table of the report (CSV holds one table; the XLSX adds each agent's before and after)."""
    return table_download(effectiveness.export_tables(effectiveness.course_effects(viewer=current_user))[:1], "csv",
                          "course-effectiveness")


@bp.route("/effectiveness.xlsx")
@roles_required(*REPORT_READERS)
def effectiveness_xlsx():
    return table_download(effectiveness.export_tables(effectiveness.course_effects(viewer=current_user)), "xlsx", "course-effectiveness")


@bp.route("/assign", methods=["POST"])
@roles_required(*ASSIGNERS)
def assign():
    """A lead's assignment by hand from the overview: one agent, or every active agent of a team."""
    form = _assign_form()
    agent, team = (form.agent.data or "").strip() or None, (form.team.data or "").strip() or None
    if not form.validate_on_submit():
        flash(_("The assignment was not made: %(errors)s", errors="; ".join(
            f"{form[name].label.text}: {', '.join(map(str, errs))}" for name, errs in form.errors.items())), "error")
    elif (agent is None) == (team is None):
        flash(_("Give either an agent or a team."), "error")
    else:
        try:
            done = training.assign_by_hand(current_user, form.course.data, agent_login=agent, team=team,
                                           due_days=form.due_days.data, reason=(form.reason.data or "").strip())
            flash(_("Assigned to %(n)d agent(s).", n=len(done.assigned)) + (" " + _(
                "Skipped: %(who)s.", who=", ".join(f"{login} ({_skip_reason(why)})" for login, why in done.skipped))
                if done.skipped else ""), "success" if done.assigned else "warning")
        except NotFound:
            flash(_("No agent or team of that name that you cover."), "error")
        except ServiceError as exc:
            flash(_("The assignment was not made: %(errors)s", errors=str(exc)), "error")
    return redirect(url_for("training.index"))


@bp.route("/onboard", methods=["POST"])
@roles_required(*ASSIGNERS)
def onboard():
    """A lead enrols an agent on an onboarding path from the overview; its first course is assigned."""
    form = _onboard_form()
    if not form.validate_on_submit():
        flash(_("Onboarding was not started: %(errors)s", errors="; ".join(
            f"{form[name].label.text}: {', '.join(map(str, errs))}" for name, errs in form.errors.items())), "error")
        return redirect(url_for("training.index"))
    login = form.agent.data.strip()
    try:
        enrolment = onboarding.start(current_user, login, form.path.data)
    except NotFound:
        flash(_("No agent of that name that you cover."), "error")
    except ServiceError as exc:
        flash(_("Onboarding was not started: %(errors)s", errors=str(exc)), "error")
    else:
        flash(_("%(agent)s is on %(path)s; the first course is assigned.", agent=login, path=enrolment.title),
              "success")
    return redirect(url_for("training.index", agent=login))


def _onboard_form():
    form = OnboardForm()
    form.path.choices = [(p.code, p.title) for p in onboarding.available_paths()]
    return form


def _skip_reason(why: str) -> str:
    return _("already open") if why == "already open" else _("deactivated")


def _assign_form():
    form = AssignForm()
    form.course.choices = [(c.code, f"{c.title} ({c.language})") for c in training.list_courses()]
    return form


@bp.route("/files/<name>")
@roles_required(*(set(TRAINING_READERS) | set(AUTHORS)))
def course_file(name: str):
    """A file stored with the courses: images shown in place, documents downloaded."""
    path = course_files.path_of(name)
    mimetype, inline = course_files.kind_of(name)
    response = send_file(path, mimetype=mimetype, as_attachment=not inline, download_name=name, max_age=300)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/certificates/<int:certificate_id>")
@roles_required(*TRAINING_READERS)
def certificate(certificate_id: int):
    """The printable certificate, for whoever may see the agent's training."""
    c = certificates.get_for(current_user, certificate_id)
    base = instance_settings().base_url
    verify_url = f"{base}{url_for('verify.check', code=c.code)}" if base else \
        url_for("verify.check", code=c.code, _external=True)
    return render_template("training/certificate.html", c=c, state=certificates.state_of(c), verify_url=verify_url)


def _shown_module(assignment, progress):
    """The module asked for with ?module=N when it may be read (read already, or the next one), else the next."""
    modules = assignment.course.modules
    reachable = progress.next or len(modules)
    wanted = request.args.get("module", type=int)
    position = wanted if wanted and 1 <= wanted <= reachable else (progress.next or 1)
    return modules[position - 1] if modules else None


def _course_page(assignment, status: int = 200, **extra):
    progress = coursework.module_progress(assignment)
    full = course_store.course_quiz(assignment.course)
    module = _shown_module(assignment, progress)
    return render_template(
        "training/course.html", a=assignment, course=assignment.course, progress=progress,
        module=module, examples=exemplars.of_module(module.id) if module else [], quiz=full, open_attempt=course_store.open_attempt(assignment),
        attempts_left=coursework.attempts_left(assignment),
        may_answer=assignment.agent_id == current_user.id and assignment.status in training.OPEN,
        form=extra.pop("form", None) or CsrfForm(), show_conversation=current_user.role in TRANSCRIPT_READERS,
        **extra), status


@bp.route("/<int:assignment_id>")
@roles_required(*TRAINING_READERS)
def course(assignment_id: int):
    return _course_page(training.get_assignment_for(current_user, assignment_id))


@bp.route("/<int:assignment_id>/modules/<int:position>/read", methods=["POST"])
@roles_required(*QUIZ_TAKERS)
def module_read(assignment_id: int, position: int):
    a = training.get_assignment_for(current_user, assignment_id)
    form = CsrfForm()
    if not form.validate_on_submit():
        return _course_page(a, 400, form=form, error=_("The form expired; please submit it again."))
    try:
        following = coursework.read_module(current_user, a.id, position)
    except NotFound:
        raise
    except ServiceError as exc:
        return _course_page(a, 400, form=form, error=str(exc))
    if following is None:
        return redirect(url_for("training.course", assignment_id=a.id, module=position, _anchor="quiz"))
    return redirect(url_for("training.course", assignment_id=a.id, module=following))


@bp.route("/<int:assignment_id>/remind", methods=["POST"])
@roles_required(*REMINDERS)
def remind(assignment_id: int):
    """A lead's one-click reminder from the overview (the agent's bell, and e-mail when set up)."""
    a = training.get_assignment_for(current_user, assignment_id)
    if not CsrfForm().validate_on_submit():
        flash(_("The form expired; please submit it again."), "error")
    else:
        try:
            reminders.remind(current_user, a)
            flash(_("Reminder sent to %(agent)s.", agent=a.agent.login), "success")
        except reminders.AlreadyReminded:
            flash(_("%(agent)s was already reminded of this course today.", agent=a.agent.login), "warning")
        except reminders.NothingToRemind:
            flash(_("This course is no longer open: there is nothing to remind of."), "error")
    return redirect(request.referrer if _own_page(request.referrer) else url_for("training.index"))


def _own_page(target) -> bool:
    from urllib.parse import urlsplit
    parts = urlsplit(target or "")
    return bool(target) and parts.netloc in ("", request.host) and parts.path.startswith("/training")


def _refusal(exc: ServiceError) -> str:
    """The message for a refused quiz action, in the user's language where it is one of ours."""
    if isinstance(exc, coursework.LateSubmission):
        return _("Too late: the time limit ended at %(time)s. This attempt is recorded as late and was not graded.",
                 time=format_datetime(exc.deadline, "short"))
    if isinstance(exc, coursework.NoAttemptsLeft):
        return _("No attempts left: this quiz allows %(n)d.", n=exc.allowed)
    if isinstance(exc, coursework.StartFirst):
        return _("Start the quiz first: its questions are drawn when an attempt starts.")
    return str(exc)


@bp.route("/<int:assignment_id>/quiz/start", methods=["POST"])
@roles_required(*QUIZ_TAKERS)
def quiz_start(assignment_id: int):
    a = training.get_assignment_for(current_user, assignment_id)
    form = CsrfForm()
    if not form.validate_on_submit():
        return _course_page(a, 400, form=form, error=_("The form expired; please submit it again."))
    try:
        coursework.start_quiz(current_user, a.id)
    except NotFound:
        raise
    except ServiceError as exc:
        return _course_page(a, 400, form=form, error=_refusal(exc))
    return redirect(url_for("training.quiz", assignment_id=a.id))


def _quiz_page(a, attempt, status: int = 200, **extra):
    asked = course_store.attempt_quiz(attempt, a.course)
    return render_template("training/quiz.html", a=a, course=a.course, attempt=attempt, asked=asked,
                           pairs=list(zip(asked.quiz.questions, asked.asked)), field=quiz_form.field, form=extra.pop("form", None) or CsrfForm(), **extra), status


@bp.route("/<int:assignment_id>/quiz", methods=["GET", "POST"])
@roles_required(*QUIZ_TAKERS)
def quiz(assignment_id: int):
    a = training.get_assignment_for(current_user, assignment_id)
    attempt = course_store.open_attempt(a)
    if request.method == "GET":
        if attempt is None or a.agent_id != current_user.id:
            return redirect(url_for("training.course", assignment_id=a.id, _anchor="quiz"))
        return _quiz_page(a, attempt)
    form = CsrfForm()
    if not form.validate_on_submit():
        return _course_page(a, 400, form=form, error=_("The form expired; please submit it again."))
    questions = (course_store.attempt_quiz(attempt, a.course) if attempt else
                 course_store.AttemptQuiz(course_store.course_quiz(a.course), ())).quiz.questions
    try:
        attempt, result = coursework.submit_quiz(current_user, a.id, quiz_form.responses(request.form, questions))
    except NotFound:
        raise
    except coursework.LateSubmission as exc:
        return _course_page(a, 400, form=form, error=_refusal(exc))
    except ServiceError as exc:
        if attempt is None:
            return _course_page(a, 400, form=form, error=_refusal(exc))
        return _quiz_page(a, attempt, 400, form=form, error=_refusal(exc), entered=request.form)
    feedback = coursework.attempt_feedback(current_user, a.id, attempt.id)[1]
    return render_template("training/result.html", a=a, course=a.course, attempt=attempt, result=result,
                           feedback=feedback, just_taken=True)


@bp.route("/<int:assignment_id>/attempts/<int:attempt_id>")
@roles_required(*TRAINING_READERS)
def attempt(assignment_id: int, attempt_id: int):
    a = training.get_assignment_for(current_user, assignment_id)
    attempt, feedback = coursework.attempt_feedback(current_user, a.id, attempt_id)
    return render_template("training/result.html", a=a, course=a.course, attempt=attempt, result=None,
                           feedback=feedback, just_taken=False)
