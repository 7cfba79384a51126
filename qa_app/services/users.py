"""Users and teams: creation, look-up and authentication."""
from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Iterable, Optional

from flask_babel import gettext as _

from qa_app.extensions import db
from qa_app.models import ROLES, Team, User
from qa_app.password_policy import problem as password_problem
from qa_app.services import NotFound, ServiceError
from qa_app.services import audit, pagination, rollups


def ensure_team(name: str, language: Optional[str] = None) -> Team:
    """The team of that name, created when missing (no commit)."""
    team = db.session.scalar(db.select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name, language=language)
        db.session.add(team)
        db.session.flush()
    return team


def get_team(name: str) -> Team:
    team = db.session.scalar(db.select(Team).where(Team.name == name))
    if team is None:
        raise NotFound(f"no team named {name!r}")
    return team


def set_team_timezone(name: str, zone: str, actor: Optional[User] = None) -> Team:
    """Set the IANA time zone a team works in ("UTC" clears it); audited; ServiceError for an unknown zone."""
    from scoring.local_time import UnknownZone, zone as parse_zone
    team = get_team(name)
    try:
        parse_zone(zone)
    except UnknownZone as exc:
        raise ServiceError(str(exc)) from exc
    before, team.timezone = team.timezone, None if zone == "UTC" else zone
    if before != team.timezone:  # local weekdays and shifts of the dashboards' rollup move with the zone
        rollups.mark_agents(db.session.scalars(db.select(User.id).where(User.team_id == team.id)))
    audit.record(actor, "team.timezone", "team", team.id, {"timezone": before}, {"timezone": team.timezone})
    db.session.commit()
    return team


def find_user(login: str) -> Optional[User]:
    return db.session.scalar(db.select(User).where(User.login == login))


def get_user(login: str) -> User:
    user = find_user(login)
    if user is None:
        raise NotFound(_("no user with login %(login)r", login=login))
    return user


def add_user(login: str, role: str, *, team: Optional[str] = None, password: Optional[str] = None,
             name: str = "", covers: Iterable[str] = (), actor: Optional[User] = None,
             commit: bool = True, email: Optional[str] = None, temporary: bool = False) -> tuple[User, str]:
    """Create a user; returns (user, password), generating a password when none is given. `email`
    (optional) receives copies of the user's notifications when SMTP is configured. A generated
    password, or any with `temporary`, must be replaced at the user's first sign-in
    (change_own_password): it was shown to whoever created the user."""
    login = (login or "").strip()
    if not login:
        raise ServiceError(_("login: required"))
    if role not in ROLES:
        raise ServiceError(_("role: must be one of %(roles)s, not %(role)r", roles=", ".join(ROLES), role=role))
    if find_user(login):
        raise ServiceError(_("login %(login)r already exists", login=login))
    temporary = temporary or not password
    password = password or secrets.token_urlsafe(12)
    check_password_rule(password, login)
    user = User(login=login, role=role, name=name or login, email=checked_email(email),
                must_change_password=temporary)
    user.set_password(password)
    if team:
        user.team = ensure_team(team)
    user.covers = [ensure_team(t) for t in covers]
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "create", "user", user.id, after={"login": login, "role": role, "team": team})
    if commit:
        db.session.commit()
    return user, password


def checked_email(email: Optional[str]) -> Optional[str]:
    """The address stripped (None when empty); ServiceError naming the field when it is not one."""
    from email.utils import parseaddr
    chosen = (email or "").strip()
    if not chosen:
        return None
    local, _at, domain = parseaddr(chosen)[1].rpartition("@")
    if parseaddr(chosen)[1] != chosen or not local or "." not in domain or len(chosen) > 254:
        raise ServiceError(_("email: %(email)r is not an e-mail address", email=chosen))
    return chosen


def ensure_agent(login: str) -> User:
    """The agent with that login, created (role agent, no password) when unknown. No commit."""
    user = find_user(login)
    if user is None:
        user = User(login=login, role="agent", name=login)
        db.session.add(user)
        db.session.flush()
        audit.record(None, "create", "user", user.id, after={"login": login, "role": "agent",
                                                             "via": "ingest"})
    return user


def check_password_rule(password: str, login: str = "") -> None:
    """ServiceError naming the field when `password` breaks the rule (qa_app.password_policy)."""
    reason = password_problem(password, login)
    if reason:
        raise ServiceError(_("password: %(reason)s", reason=reason))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash of a random password, made once per process, with the same method as the users'."""
    from werkzeug.security import generate_password_hash
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(login: str, password: str) -> Optional[User]:
    """The active user whose password matches, else None.

    Unknown logins, users without a password and inactive users get the same answer after the
    same work: one password hash is checked in every case, so the time taken does not tell
    which logins exist."""
    from werkzeug.security import check_password_hash
    user = find_user((login or "").strip())
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash()
    matches = check_password_hash(stored, password or "")
    if user is None or not user.password_hash or not user.active or not matches:
        return None
    return user


def set_password(login: str, password: str, actor: Optional[User] = None) -> None:
    """Give the user a new password (the rule applies) and end every session they have."""
    user = get_user(login)
    check_password_rule(password, user.login)
    user.set_password(password)
    user.session_version += 1
    audit.record(actor, "set_password", "user", user.id)
    db.session.commit()


def end_sessions(user: User) -> None:
    """End every session of `user` (logout ends them on every device, copied cookies included)."""
    db.session.execute(db.update(User).where(User.id == user.id)
                       .values(session_version=User.session_version + 1))
    db.session.commit()


def deactivate(login: str, actor: Optional[User] = None) -> User:
    """The user can no longer log in, and their open sessions end; their data stays. The last
    active admin, and an admin themself, cannot be deactivated (ServiceError)."""
    user = get_user(login)
    if user.active:
        if actor is not None and actor.id == user.id:
            raise ServiceError(_("You cannot deactivate your own account."))
        _keep_an_admin(user)
        user.active = False
        user.session_version += 1
        audit.record(actor, "deactivate", "user", user.id, after={"login": user.login})
        db.session.commit()
    return user


def reactivate(login: str, actor: Optional[User] = None) -> User:
    """A deactivated user can log in again (with their old password); audited."""
    user = get_user(login)
    if not user.active:
        user.active = True
        audit.record(actor, "reactivate", "user", user.id, after={"login": user.login})
        db.session.commit()
    return user


def _keep_an_admin(user: User) -> None:
    """ServiceError when `user` is the last active admin (so the instance keeps one)."""
    if user.role != "admin" or not user.active:
        return
    others = db.session.scalar(db.select(db.func.count(User.id)).where(
        User.role == "admin", User.active.is_(True), User.id != user.id))
    if not others:
        raise ServiceError(_("%(login)s is the last active administrator; make another one first.", login=user.login))


def details(user: User) -> dict:
    """What update_user changes, as plain data (the audit entry's before and after)."""
    return {"name": user.name, "role": user.role, "team": user.team.name if user.team else None,
            "covers": sorted(t.name for t in user.covers), "email": user.email}


def update_user(login: str, *, name: str, role: str, team: Optional[str], covers: Iterable[str],
                email: Optional[str], actor: Optional[User] = None) -> User:
    """Change a user's display name, role, team, covered teams and e-mail (teams are created when
    new); audited with before and after. A role change ends the user's sessions, so they log in
    with the new role's rights. ServiceError naming the field for a bad value; nothing stored then."""
    user = get_user(login)
    if role not in ROLES:
        raise ServiceError(_("role: must be one of %(roles)s, not %(role)r", roles=", ".join(ROLES), role=role))
    if role != user.role:
        _keep_an_admin(user)
    before = details(user)
    user.email = checked_email(email)
    user.name = (name or "").strip() or user.login
    old_team, user.team = user.team, ensure_team(team.strip()) if team and team.strip() else None
    if old_team is not user.team and (getattr(old_team, "timezone", None) != getattr(user.team, "timezone", None)):
        rollups.mark_agents([user.id])  # the rollup's local weekdays and shifts follow the team's zone
    user.covers = [ensure_team(t) for t in dict.fromkeys(covers)]
    if role != user.role:
        user.role = role
        user.session_version += 1
    after = details(user)
    if after != before:
        audit.record(actor, "update", "user", user.id, before=before, after=after)
    db.session.commit()
    return user


def reset_password(login: str, password: Optional[str] = None, actor: Optional[User] = None,
                   temporary: bool = True) -> str:
    """Give the user a new password (generated when none is given; the password rule applies either
    way) and end every session they have; audited without the password. Returns it.

    With `temporary` (always for a generated one) they must choose their own at their next sign-in:
    whoever reset it knows it. The admin page always resets so; `qadesk user reset-password` keeps a
    password typed at its prompt (the operator's own way back in)."""
    user = get_user(login)
    chosen = password or secrets.token_urlsafe(12)
    check_password_rule(chosen, user.login)
    user.set_password(chosen)
    user.session_version += 1
    user.must_change_password = temporary or not password
    audit.record(actor, "reset_password", "user", user.id, after={"login": user.login, "generated": not password,
                                                                 "forced": user.must_change_password})
    db.session.commit()
    return chosen


def change_own_password(user: User, current: str, new: str) -> User:
    """The signed-in `user` replaces their password: `current` must be their password now, `new`
    must differ from it and meet the password rule. Clears a forced change (reset_password), ends
    every session they have (the caller signs this one in again) and is audited without either
    password. ServiceError naming the field otherwise; nothing stored then."""
    user = db.session.get(User, user.id)
    if not user.check_password(current or ""):
        raise ServiceError(_("current password: it is not your password"))
    if new == current:
        raise ServiceError(_("new password: must differ from your current password"))
    check_password_rule(new, user.login)
    user.set_password(new)
    user.session_version += 1
    was_forced, user.must_change_password = user.must_change_password, False
    audit.record(user, "change_password", "user", user.id, after={"login": user.login, "forced": was_forced})
    db.session.commit()
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(db.select(User).order_by(User.role, User.login)))


def page_users(page: int = 1, per_page: int = pagination.PER_PAGE, role: Optional[str] = None,
               team: Optional[str] = None, state: Optional[str] = None) -> pagination.Page:
    """One page of list_users' order (by role, then login) with the true number of users matching
    the filters: `role`, `team` (by name, members or covered) and `state` ("active"/"inactive")."""
    query = pagination.where_given(db.select(User), (User.role, role))
    if team:
        covered = db.select(Team.id).where(Team.name == team).scalar_subquery()
        query = query.where((User.team_id == covered) | User.covers.any(Team.name == team))
    if state in ("active", "inactive"):
        query = query.where(User.active.is_(state == "active"))
    return pagination.paginate(query.order_by(User.role, User.login, User.id), page, per_page)


def list_teams() -> list[Team]:
    return list(db.session.scalars(db.select(Team).order_by(Team.name)))
