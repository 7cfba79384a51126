"""A user's own preferences (for now the interface language)."""
from __future__ import annotations

from typing import Sequence

from flask_babel import gettext as _

from qa_app.extensions import db
from qa_app.models import User
from qa_app.services import ServiceError


def set_locale(user: User, locale: str, allowed: Sequence[str]) -> None:
    """Store `locale` as the user's interface language; ServiceError unless it is one of `allowed`."""
    if locale not in allowed:
        raise ServiceError(_("language: must be one of %(allowed)s, not %(locale)r", allowed=", ".join(allowed),
                             locale=locale))
    user.locale = locale
    db.session.commit()
