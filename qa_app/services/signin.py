"""Signing in with login throttling: failed logins are counted per login name and per client
address in the database (shared by every web process, kept across restarts, no server needed);
reaching a limit locks that login or address for QADESK_LOGIN_LOCKOUT_MINUTES, or until an admin
unlocks it. Lockouts and unlocks are audited.

A locked login or address is refused before any password is checked, so a flood of guesses costs
the server a look-up, not a password hash each.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy.exc import IntegrityError

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import LoginThrottle, User
from qa_app.services import NotFound, audit, users
from qa_app.settings import settings

LOGIN, ADDRESS = "login", "address"


@dataclass(frozen=True)
class SignIn:
    """What a login attempt gave: the user (None when refused) and, when a lock refused it or
    this attempt caused one, the time the lock ends."""

    user: Optional[User]
    locked_until: Optional[datetime] = None


def _login_key(login: str) -> str:
    return (login or "").strip().lower()[:80]


def attempt(login: str, password: str, address: str, now: Optional[datetime] = None) -> SignIn:
    """Check `login`/`password` from client `address`, counting a failure against both; commits."""
    now = clock.or_now(now)
    keys = {LOGIN: _login_key(login), ADDRESS: (address or "unknown")[:80]}
    held = [row.locked_until for row in _rows(keys) if _locked(row, now)]
    if held:
        return SignIn(None, max(held))
    user = users.authenticate(login, password)
    if user is not None:
        _clear(LOGIN, keys[LOGIN])
        db.session.commit()
        return SignIn(user)
    try:
        until = _count_failure(keys, now)
        db.session.commit()
    except IntegrityError:  # another request created the same counter first: count again on it
        db.session.rollback()
        until = _count_failure(keys, now)
        db.session.commit()
    return SignIn(None, until)


def _rows(keys: dict[str, str]) -> list[LoginThrottle]:
    return list(db.session.scalars(db.select(LoginThrottle).where(db.or_(
        *[(LoginThrottle.kind == kind) & (LoginThrottle.key == key) for kind, key in keys.items()]))))


def _locked(row: LoginThrottle, now: datetime) -> bool:
    return row.locked_until is not None and row.locked_until > now


def _count_failure(keys: dict[str, str], now: datetime) -> Optional[datetime]:
    """Add one failure to each counter; the lock's end when this failure reached a limit."""
    chosen = settings()
    window = timedelta(minutes=chosen.login_window_minutes)
    limits = {LOGIN: chosen.login_max_failures, ADDRESS: chosen.login_address_max_failures}
    found = {row.kind: row for row in _rows(keys)}
    until = None
    for kind, key in keys.items():
        row = found.get(kind) or LoginThrottle(kind=kind, key=key, failures=0, window_start=now)
        if row.window_start + window <= now:  # an old window (or an expired lock) starts afresh
            row.failures, row.window_start, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= limits[kind]:
            row.locked_until = until = now + timedelta(minutes=chosen.login_lockout_minutes)
            _audit_lock(kind, key, row.failures, row.locked_until)
            row.failures, row.window_start = 0, row.locked_until  # counting starts afresh when it ends
        db.session.add(row)
        db.session.flush()
    return until


def _audit_lock(kind: str, key: str, failures: int, until: datetime) -> None:
    user = users.find_user(key) if kind == LOGIN else None
    audit.record(None, "lock", kind, user.id if user else None,
                 after={kind: key, "failures": failures, "until": until.isoformat()})


def _clear(kind: str, key: str) -> int:
    return db.session.execute(db.delete(LoginThrottle).where(
        LoginThrottle.kind == kind, LoginThrottle.key == key)).rowcount


def unlock_login(login: str, actor: Optional[User] = None, now: Optional[datetime] = None) -> bool:
    """Lift the lock on `login` (and forget its failures); True when it was locked. Audited.
    NotFound when no user has that login."""
    user = users.get_user((login or "").strip())
    was_locked = _is_locked(LOGIN, _login_key(user.login), clock.or_now(now))
    _clear(LOGIN, _login_key(user.login))
    audit.record(actor, "unlock", "user", user.id, after={"login": user.login, "was_locked": was_locked})
    db.session.commit()
    return was_locked


def unlock_address(address: str, actor: Optional[User] = None, now: Optional[datetime] = None) -> bool:
    """Lift the lock on a client address; True when it was locked, NotFound when it has no counter."""
    row = db.session.scalar(db.select(LoginThrottle).where(
        LoginThrottle.kind == ADDRESS, LoginThrottle.key == (address or "").strip()))
    if row is None:
        raise NotFound(f"address: no failed logins from {address!r}")
    was_locked = _locked(row, clock.or_now(now))
    db.session.delete(row)
    audit.record(actor, "unlock", ADDRESS, None, after={"address": row.key, "was_locked": was_locked})
    db.session.commit()
    return was_locked


def _is_locked(kind: str, key: str, now: datetime) -> bool:
    row = db.session.scalar(db.select(LoginThrottle).where(LoginThrottle.kind == kind, LoginThrottle.key == key))
    return row is not None and _locked(row, now)


def locks(now: Optional[datetime] = None) -> dict[str, dict[str, datetime]]:
    """The locks in force: {"login": {login: until}, "address": {address: until}}."""
    now = clock.or_now(now)
    rows = db.session.scalars(db.select(LoginThrottle).where(LoginThrottle.locked_until > now))
    found: dict[str, dict[str, datetime]] = {LOGIN: {}, ADDRESS: {}}
    for row in rows:
        found[row.kind][row.key] = row.locked_until
    return found
