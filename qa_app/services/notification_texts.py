"""What each kind of notification says, in the reader's language: a subject line, a body and a link.

Notifications store their kind and plain parameters (course title, due date, agent login...);
the words are made when shown or mailed, under the reader's locale, so the bell and the e-mail
always speak the user's language and a catalogue fix reaches old notifications too (an assignment's
stored English reason is read back through qa_app.explanations).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, Optional

from flask_babel import force_locale, format_date, gettext as _

from qa_app import explanations
from qa_app.models.base import as_utc


@dataclass(frozen=True)
class Text:
    subject: str
    body: str
    link: Optional[str]  # a path in the app ("/training/12"), or None


def _due(params: dict, key: str = "due_at") -> str:
    raw = params.get(key)
    return format_date(as_utc(datetime.fromisoformat(raw)), "medium") if raw else "?"


def _assigned(p: dict) -> tuple[str, str]:
    return (_("New training: %(course)s", course=p["course"]),
            _('You have been assigned the course "%(course)s". It is due on %(due)s.', course=p["course"],
              due=_due(p)) + (f"\n{explanations.translate(p['reason'], _)}" if p.get("reason") else ""))


def _due_soon(p: dict) -> tuple[str, str]:
    return (_("Training due on %(due)s: %(course)s", course=p["course"], due=_due(p)),
            _('Your course "%(course)s" is due on %(due)s. Please finish its modules and pass its quiz by then.',
              course=p["course"], due=_due(p)))


def _due_today(p: dict) -> tuple[str, str]:
    return (_("Training due today: %(course)s", course=p["course"]),
            _('Your course "%(course)s" is due today (%(due)s).', course=p["course"], due=_due(p)))


def _overdue(p: dict) -> tuple[str, str]:
    return (_("Training overdue: %(course)s", course=p["course"]),
            _('Your course "%(course)s" was due on %(due)s and is still open. Please complete it as soon as '
              'you can; your team lead is told when it stays open.', course=p["course"], due=_due(p)))


def _escalated(p: dict) -> tuple[str, str]:
    return (_("Overdue training: %(agent)s, %(course)s", agent=p["agent"], course=p["course"]),
            _('%(agent)s has not completed the course "%(course)s", due on %(due)s.', agent=p["agent"],
              course=p["course"], due=_due(p)))


def _reminder(p: dict) -> tuple[str, str]:
    return (_("Reminder from %(sender)s: %(course)s", sender=p["sender"], course=p["course"]),
            _('%(sender)s reminds you of the course "%(course)s", due on %(due)s.', sender=p["sender"],
              course=p["course"], due=_due(p)))


def _day(params: dict, key: str) -> str:
    raw = params.get(key)
    return format_date(date.fromisoformat(raw), "medium") if raw else "?"


def _coaching_new(p: dict) -> tuple[str, str]:
    return (_("Coaching session with %(coach)s", coach=p["coach"]),
            _("%(coach)s recorded your coaching session of %(day)s. Please read it, acknowledge it and add a "
              "comment if you wish.", coach=p["coach"], day=_day(p, "held_on")))


def _coaching_acknowledged(p: dict) -> tuple[str, str]:
    return (_("%(agent)s acknowledged their coaching session", agent=p["agent"]),
            _("%(agent)s acknowledged the coaching session of %(day)s.", agent=p["agent"], day=_day(p, "held_on"))
            + (f"\n{p['comment']}" if p.get("comment") else ""))


def _follow_up_due_soon(p: dict) -> tuple[str, str]:
    return (_("Coaching follow-up due on %(day)s", day=_day(p, "due_on")),
            _('The action "%(action)s" agreed in coaching is due on %(day)s.', action=p["action"],
              day=_day(p, "due_on")))


def _follow_up_due_today(p: dict) -> tuple[str, str]:
    return (_("Coaching follow-up due today"),
            _('The action "%(action)s" agreed in coaching is due today.', action=p["action"]))


def _follow_up_overdue(p: dict) -> tuple[str, str]:
    return (_("Coaching follow-up overdue"),
            _('The action "%(action)s" agreed in coaching was due on %(day)s and is still open.',
              action=p["action"], day=_day(p, "due_on")))


def _follow_up_escalated(p: dict) -> tuple[str, str]:
    return (_("Overdue coaching follow-up: %(agent)s", agent=p["agent"]),
            _('%(agent)s has not done "%(action)s", agreed in coaching and due on %(day)s.', agent=p["agent"],
              action=p["action"], day=_day(p, "due_on")))


def _appraisal_final(p: dict) -> tuple[str, str]:
    return (_("Your appraisal for %(period)s is final", period=p["period"]),
            _("HR finalised your appraisal for %(period)s with the rating %(rating)s. Please read it and "
              "acknowledge it; you may add a comment or contest it.", period=p["period"], rating=p["rating"]))


def _calibration_invited(p: dict) -> tuple[str, str]:
    return (_("Calibration session: %(name)s", name=p["name"]),
            _('%(lead)s invited you to score %(items)s conversations blind in the calibration session "%(name)s" '
              "by %(deadline)s.", lead=p["lead"], items=p["items"], name=p["name"], deadline=_due(p, "deadline")))


def _dispute_opened(p: dict) -> tuple[str, str]:
    return (_("New dispute from %(agent)s", agent=p["agent"]),
            _("%(agent)s disputes the evaluation of conversation %(conversation)s. Please decide it.",
              agent=p["agent"], conversation=p["conversation"]))


def _dispute_outcome(outcome: str) -> str:
    return {"accepted": _("accepted"), "partly_accepted": _("partly accepted"),
            "rejected": _("rejected")}.get(outcome, outcome)


def _dispute_answered(p: dict) -> tuple[str, str]:
    return (_("Your dispute was %(outcome)s", outcome=_dispute_outcome(p["outcome"])),
            _("%(resolver)s decided your dispute on conversation %(conversation)s: %(outcome)s.",
              resolver=p.get("resolver") or "?", conversation=p["conversation"],
              outcome=_dispute_outcome(p["outcome"])) + (f"\n{p['reason']}" if p.get("reason") else ""))


def _appraisal_self_assessed(p: dict) -> tuple[str, str]:
    return (_("%(agent)s wrote their self-assessment for %(period)s", agent=p["agent"], period=p["period"]),
            _("%(agent)s's appraisal for %(period)s has their self-assessment. Please add your comments and "
              "propose a rating.", agent=p["agent"], period=p["period"]))


def _appraisal_proposed(p: dict) -> tuple[str, str]:
    return (_("Appraisal ready to sign: %(agent)s, %(period)s", agent=p["agent"], period=p["period"]),
            _("The lead proposed the rating %(rating)s for %(agent)s's appraisal of %(period)s. It is in review, "
              "waiting for HR to finalise it.", rating=p["rating"] or "—", agent=p["agent"], period=p["period"]))


def _appraisal_contested(p: dict) -> tuple[str, str]:
    return (_("%(agent)s contests their appraisal for %(period)s", agent=p["agent"], period=p["period"]),
            _("%(agent)s contests the finalised appraisal of %(period)s. Read the reason and reopen it if it "
              "needs another look.", agent=p["agent"], period=p["period"]))


KINDS: dict[str, Callable[[dict], tuple[str, str]]] = {
    "assigned": _assigned, "due_soon": _due_soon, "due_today": _due_today, "overdue": _overdue,
    "escalated": _escalated, "reminder": _reminder,
    "coaching_new": _coaching_new, "coaching_acknowledged": _coaching_acknowledged,
    "follow_up_due_soon": _follow_up_due_soon, "follow_up_due_today": _follow_up_due_today,
    "follow_up_overdue": _follow_up_overdue, "follow_up_escalated": _follow_up_escalated,
    "appraisal_final": _appraisal_final,
    "calibration_invited": _calibration_invited, "dispute_opened": _dispute_opened,
    "dispute_answered": _dispute_answered, "appraisal_self_assessed": _appraisal_self_assessed,
    "appraisal_proposed": _appraisal_proposed, "appraisal_contested": _appraisal_contested,
}

#: the page a notification opens, by the first of these parameters it holds
LINKS = (("assignment_id", "/training/{}"), ("session_id", "/coaching/{}"), ("appraisal_id", "/appraisals/{}"),
         ("dispute_id", "/disputes/{}"), ("calibration_id", "/calibration/{}"))


def text_of(kind: str, params: dict, locale: str) -> Text:
    """The words of a notification in `locale` ("en", "zh")."""
    with force_locale(locale):
        subject, body = KINDS[kind](params)
    link = next((path.format(params[key]) for key, path in LINKS if params.get(key)), None)
    return Text(subject, body, link)
