"""Browser sessions: which user a session cookie stands for, when it ends, and its cookie flags.

- The cookie holds "<user id>.<session version>"; the user loader refuses a cookie whose version
  is not the user's current one, so raising the version (logout, new password, deactivation)
  ends every session of that user, copies of the cookie included. Inactive users are refused.
- A session ends QADESK_SESSION_IDLE_MINUTES after its last request and QADESK_SESSION_MAX_HOURS
  after its login, whatever its activity (times from qa_app.clock, kept in the signed cookie).
- The cookie is HttpOnly and SameSite=Lax always, Secure per QADESK_SESSION_COOKIE_SECURE (auto:
  when the request came over HTTPS). With QADESK_PROXY_HOPS, the client address and the scheme
  are read from that many trusted proxies' X-Forwarded-For / X-Forwarded-Proto.
"""
from __future__ import annotations

from flask import Flask, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import logout_user

from qa_app import clock
from qa_app.settings import settings

SIGNED_IN_AT, SEEN_AT = "signed_in_at", "seen_at"
SEEN_RESOLUTION = 60  # seconds: the last-seen time is rewritten at most once a minute


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions with the Secure flag decided per request."""

    def get_cookie_secure(self, app: Flask) -> bool:
        mode = settings(app).session_cookie_secure
        return request.is_secure if mode == "auto" else mode == "true"


def install(app: Flask) -> None:
    """Attach the session rules to `app` (called once by create_app)."""
    app.session_interface = SessionInterface()
    hops = settings(app).proxy_hops
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.before_request(_end_expired_session)


def load_user(user_id: str):
    """The user a session cookie names, or None (anonymous) when its version is not current."""
    from qa_app.extensions import db
    from qa_app.models import User
    ident, _, version = (user_id or "").partition(".")
    if not ident.isdecimal() or not version.isdecimal():
        return None  # a cookie from before session versions, or forged
    user = db.session.get(User, int(ident))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def started() -> None:
    """Mark the session as just logged in (called right after login_user)."""
    stamp = int(clock.now().timestamp())
    session[SIGNED_IN_AT] = session[SEEN_AT] = stamp


def _end_expired_session() -> None:
    if "_user_id" not in session:
        return
    chosen = settings()
    stamp = int(clock.now().timestamp())
    signed_in, seen = session.get(SIGNED_IN_AT, 0), session.get(SEEN_AT, 0)
    if stamp - seen > chosen.session_idle_minutes * 60 or stamp - signed_in > chosen.session_max_hours * 3600:
        logout_user()
        session.clear()
        return
    if stamp - seen >= SEEN_RESOLUTION:
        session[SEEN_AT] = stamp


__all__ = ["SessionInterface", "install", "load_user", "started"]
