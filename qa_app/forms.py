"""Web forms (Flask-WTF, so every POST carries a CSRF token) and the readers of per-row form fields."""
from __future__ import annotations

from typing import Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FileField, HiddenField, IntegerField, MultipleFileField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional as Blank

from qa_app.models import ROLES

AGREE = "agree"
REVIEW_CHOICES = (AGREE, "pass", "fail", "na")


class CsrfForm(FlaskForm):
    """A form with no fields of its own: buttons, and pages whose fields are one per row."""


class LanguageForm(FlaskForm):
    locale = HiddenField(validators=[DataRequired()])
    next = HiddenField()


class UploadForm(FlaskForm):
    files = MultipleFileField(_l("Conversation files (.json, .ndjson, .jsonl, .csv, .txt, .vtt, .srt) "
                                 "or call recordings (.wav, .mp3, .m4a, .ogg, .flac)"))
    agent = StringField(_l("Agent login (for text, subtitle and audio files, which do not name one)"),
                        validators=[Blank(), Length(max=80)])
    channel = SelectField(_l("Channel"), choices=[("", _l("as in the file")), ("chat", _l("chat")), ("call", _l("call")),
                                                  ("email", _l("e-mail")), ("social", _l("social media"))],
                          validators=[Blank()])
    create_agents = BooleanField(_l("Create agents whose login is not known yet (otherwise such "
                                    "records are refused, so a typo does not create an agent)"))

    def chosen_files(self) -> list:
        """The uploaded files that have a name (browsers send one empty part when none is chosen)."""
        return [f for f in (self.files.data or []) if getattr(f, "filename", "")]


class SurveyUploadForm(FlaskForm):
    """One survey CSV (docs/surveys.md): CSAT and NPS answers to match to conversations."""

    file = FileField(_l("Survey file (.csv, UTF-8)"))

    def chosen_file(self):
        """The uploaded file, or None when none was chosen."""
        data = self.file.data
        return data if getattr(data, "filename", "") else None


class ErasureForm(FlaskForm):
    """One customer's erasure request: first a preview (what would be erased), then the erasure."""

    customer = StringField(_l("Customer id"), validators=[DataRequired(), Length(max=200)])
    confirm = BooleanField(_l("I have checked the list above: erase this customer's data"))


# Role names as people read them; the least privileged first, so a slip of the hand never makes an admin.
ROLE_LABELS = {"agent": _l("Agent"), "reviewer": _l("Reviewer"), "lead": _l("Team lead"), "hr": _l("HR"),
               "admin": _l("Administrator")}
ROLE_CHOICES = [(role, label) for role, label in ROLE_LABELS.items() if role in ROLES]


class UserDetailsForm(FlaskForm):
    """What an admin may change of a user: name, role (default: agent), team, coverage, e-mail."""

    name = StringField(_l("Name"), validators=[Blank(), Length(max=120)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="agent", validators=[DataRequired()])
    team = StringField(_l("Team"), validators=[Blank(), Length(max=80)])
    covers = StringField(_l("Covers teams (comma-separated, reviewers and leads)"),
                         validators=[Blank(), Length(max=500)])
    email = StringField(_l("E-mail (optional: copies of notifications)"), validators=[Blank(), Length(max=254)])

    def covered_teams(self) -> list[str]:
        return [t.strip() for t in (self.covers.data or "").split(",") if t.strip()]


class UserForm(UserDetailsForm):
    """A new user: the details plus a login and a first password."""

    login = StringField(_l("Login"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password (empty: generate one)"), validators=[Blank()])


class PasswordResetForm(FlaskForm):
    """An admin gives a user a temporary password (empty: a generated one, shown once)."""

    password = PasswordField(_l("Temporary password (empty: generate one)"), validators=[Blank()])


class AssignForm(FlaskForm):
    """A lead's assignment of a course by hand: to one agent (login) or to a whole team."""

    agent = StringField(_l("Agent (login)"), validators=[Blank(), Length(max=80)])
    team = StringField(_l("or team"), validators=[Blank(), Length(max=80)])
    course = SelectField(_l("Course"), validators=[DataRequired()])
    due_days = IntegerField(_l("Due in (days)"), validators=[Blank(), NumberRange(1, 365)])
    reason = StringField(_l("Reason (shown to the agent)"), validators=[Blank(), Length(max=300)])


class OnboardForm(FlaskForm):
    """A lead enrols a new agent on an onboarding path (its courses unlock one after the other)."""

    agent = StringField(_l("Agent (login)"), validators=[DataRequired(), Length(max=80)])
    path = SelectField(_l("Onboarding path"), validators=[DataRequired()])


def review_field(criterion_id: str, part: str) -> str:
    """The form field name of one criterion's `part` ("result" or "comment") on the review page."""
    return f"{part}__{criterion_id}"


def review_decisions(formdata: Mapping[str, str], base: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Decisions for services.review.submit_review from the review form.

    `base` maps each criterion id to its current result. "agree" (or no choice) keeps that
    result; any other choice is passed on as is, so the service judges it (an unknown value is
    its error to report). Every criterion is included so its comment is kept.
    """
    decisions = {}
    for criterion_id, current in base.items():
        choice = (formdata.get(review_field(criterion_id, "result")) or AGREE).strip()
        comment = formdata.get(review_field(criterion_id, "comment")) or ""
        decisions[criterion_id] = {"result": current if choice == AGREE else choice, "comment": comment}
    return decisions
