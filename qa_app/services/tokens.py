"""API tokens: create (shown once), authenticate by hash, revoke."""
from __future__ import annotations

import hashlib
import secrets
from typing import Optional

from flask_babel import gettext as _

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import ApiToken, User
from qa_app.services import NotFound, audit, users

PREFIX = "qd_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(login: str, name: str = "", actor: Optional[User] = None) -> tuple[ApiToken, str]:
    """A new token for the user; returns (row, token). Only the token's hash is stored."""
    user = users.get_user(login)
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, token_hash=_hash(token), prefix=token[:10])
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "create", "api_token", row.id, after={"user": login, "name": name, "prefix": row.prefix})
    db.session.commit()
    return row, token


def _live(token: str) -> Optional[ApiToken]:
    """The unrevoked token row of an active user, else None."""
    if not token or not token.startswith(PREFIX):
        return None
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == _hash(token),
                                                      ApiToken.revoked.is_(False)))
    return row if row is not None and row.user.active else None


def authenticate(token: str) -> Optional[User]:
    """The active user owning this unrevoked token, else None; records when it was last used."""
    row = _live(token)
    if row is None:
        return None
    row.last_used_at = clock.now()
    db.session.commit()
    return row.user


def owner(token: str) -> Optional[User]:
    """Who authenticate() would answer for `token`, without recording a use (for checks made
    before the endpoint's own authentication)."""
    row = _live(token)
    return row.user if row is not None else None


def revoke(token_id: int, actor: Optional[User] = None) -> None:
    row = db.session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(_("no such token"))
    row.revoked = True
    audit.record(actor, "revoke", "api_token", row.id)
    db.session.commit()


def list_tokens() -> list[ApiToken]:
    return list(db.session.scalars(db.select(ApiToken).order_by(ApiToken.created_at.desc())))
