"""Users, roles and teams."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from qa_app import permissions
from qa_app.extensions import db
from qa_app.models.base import utcnow

ROLES = permissions.ROLES

# Which teams a reviewer or lead covers (agents belong to exactly one team instead).
team_coverage = Table(
    "team_coverage",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
)


class Team(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    language: Mapped[Optional[str]] = mapped_column(String(8))
    # IANA zone the team works in (reports' weekdays and shifts are local); None: UTC
    timezone: Mapped[Optional[str]] = mapped_column(String(64))


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[Optional[int]] = mapped_column(ForeignKey("team.id"))
    password_hash: Mapped[Optional[str]] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[Optional[str]] = mapped_column(String(8))
    email: Mapped[Optional[str]] = mapped_column(String(254))  # for notification copies; None: in the app only
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of every session cookie's user id: raising it (logout, new password, deactivation) ends
    # every session the user has, on every device, copied cookies included.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set when someone else chose the password (an admin's reset, the generated first admin
    # password): the user must choose their own before any other page or API call answers.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default="0")

    team: Mapped[Optional[Team]] = relationship()
    covers: Mapped[list[Team]] = relationship(secondary=team_coverage)

    def get_id(self) -> str:
        """The session's user id: "<id>.<session_version>" (read back by the user loader)."""
        return f"{self.id}.{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def covered_team_ids(self) -> set[int]:
        """Teams whose conversations this user may see (agents: none; they see their own)."""
        ids = {t.id for t in self.covers}
        if permissions.can(self.role, "sees_covered_teams") and self.team_id:
            ids.add(self.team_id)
        return ids


class LoginThrottle(db.Model):
    """Failed logins counted for one login name or one client address (`kind` "login" or "address").

    Login names are counted whether or not a user has them, so a lockout says nothing about which
    users exist. `locked_until` is set when the count reaches its limit within the window."""

    __table_args__ = (UniqueConstraint("kind", "key", name="uq_login_throttle_kind_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(80))
    failures: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[datetime] = mapped_column()
    locked_until: Mapped[Optional[datetime]] = mapped_column()
