"""Login throttling in the service: counters per login name and per client address in the
database, lockouts that end on their own or when an admin lifts them, both audited; and the same
work (one password hash check) whether or not the login exists."""
from __future__ import annotations

from datetime import timedelta

import pytest
import werkzeug.security

from qa_app.extensions import db
from qa_app.models import AuditEntry
from qa_app.services import NotFound, signin, users
from tests.conftest import FROZEN_AT, PASSWORD

HERE, THERE = "192.0.2.10", "198.51.100.7"


def fail_times(login: str, n: int, address: str = HERE, now=FROZEN_AT):
    return [signin.attempt(login, "wrong-password", address, now=now) for _ in range(n)]


def test_five_wrong_passwords_lock_the_login_and_then_the_right_one_is_refused(app, make_user):
    make_user("rev", "reviewer")
    results = fail_times("rev", 5)
    assert [r.locked_until for r in results[:4]] == [None] * 4
    assert results[4].locked_until == FROZEN_AT + timedelta(minutes=15)
    refused = signin.attempt("rev", PASSWORD, HERE, now=FROZEN_AT + timedelta(minutes=14))
    assert refused.user is None and refused.locked_until == FROZEN_AT + timedelta(minutes=15)


def test_the_lock_ends_by_itself_and_counting_starts_afresh(app, make_user):
    make_user("rev", "reviewer")
    fail_times("rev", 5)
    later = FROZEN_AT + timedelta(minutes=15)
    assert signin.attempt("rev", "wrong-password", HERE, now=later).locked_until is None
    assert signin.attempt("rev", PASSWORD, HERE, now=later).user.login == "rev"


def test_failures_outside_the_window_are_forgotten(app, make_user):
    make_user("rev", "reviewer")
    fail_times("rev", 4)
    fail_times("rev", 4, now=FROZEN_AT + timedelta(minutes=16))
    assert signin.attempt("rev", PASSWORD, HERE, now=FROZEN_AT + timedelta(minutes=17)).user is not None


def test_a_success_forgets_the_logins_earlier_failures(app, make_user):
    make_user("rev", "reviewer")
    fail_times("rev", 4)
    assert signin.attempt("rev", PASSWORD, HERE, now=FROZEN_AT).user is not None
    assert fail_times("rev", 4)[-1].locked_until is None


def test_an_admin_unlock_lets_the_right_password_in_at_once_and_both_are_audited(app, make_user):
    make_user("rev", "reviewer")
    fail_times("rev", 5, now=None)
    assert signin.unlock_login("rev", actor=users.get_user("admin")) is True
    assert signin.attempt("rev", PASSWORD, HERE).user.login == "rev"
    rows = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action.in_(["lock", "unlock"]))
                              .order_by(AuditEntry.id)).all()
    assert [(r.action, r.entity, r.after["login"]) for r in rows] == [("lock", "login", "rev"), ("unlock", "user", "rev")]
    assert rows[0].entity_id == rows[1].entity_id == users.get_user("rev").id
    assert rows[1].user_id == users.get_user("admin").id and rows[0].after["failures"] == 5


def test_an_unknown_login_is_locked_like_a_known_one_so_a_lock_reveals_nothing(app):
    assert fail_times("nobody", 5)[-1].locked_until == FROZEN_AT + timedelta(minutes=15)
    with pytest.raises(NotFound):
        signin.unlock_login("nobody")


def test_one_address_failing_across_many_logins_is_locked_for_every_login(app, make_user):
    make_user("rev", "reviewer")
    for i in range(20):
        signin.attempt(f"guess{i}", "wrong-password", THERE, now=FROZEN_AT)
    assert signin.attempt("rev", PASSWORD, THERE, now=FROZEN_AT).user is None
    assert signin.attempt("rev", PASSWORD, HERE, now=FROZEN_AT).user is not None  # others still log in
    assert set(signin.locks(now=FROZEN_AT)["address"]) == {THERE}
    assert signin.unlock_address(THERE, now=FROZEN_AT) is True
    assert signin.attempt("rev", PASSWORD, THERE, now=FROZEN_AT).user is not None


def test_the_limits_are_settings(app, make_user):
    make_user("rev", "reviewer")
    app.config.update(QADESK_LOGIN_MAX_FAILURES=2, QADESK_LOGIN_LOCKOUT_MINUTES=60)
    assert fail_times("rev", 2)[-1].locked_until == FROZEN_AT + timedelta(minutes=60)


@pytest.fixture
def hash_checks(monkeypatch):
    """Counts password hash checks (werkzeug's, the library the users' hashes come from)."""
    seen = []
    real = werkzeug.security.check_password_hash

    def counting(stored, password):
        seen.append(stored.split("$")[0])
        return real(stored, password)
    monkeypatch.setattr(werkzeug.security, "check_password_hash", counting)
    return seen


@pytest.mark.parametrize("login", ["nobody", "noPassword", "gone", "rev"])
def test_a_wrong_login_costs_one_hash_check_of_the_same_method_whether_or_not_the_user_exists(
        app, make_user, hash_checks, login):
    make_user("rev", "reviewer")
    make_user("gone", "agent")
    users.deactivate("gone")
    users.ensure_agent("noPassword")
    db.session.commit()
    method = users.get_user("rev").password_hash.split("$")[0]
    assert users.authenticate(login, "wrong-password") is None
    assert hash_checks == [method]


def test_a_locked_login_is_refused_without_checking_a_password(app, make_user, hash_checks):
    make_user("rev", "reviewer")
    fail_times("rev", 5)
    hash_checks.clear()
    assert signin.attempt("rev", PASSWORD, HERE, now=FROZEN_AT).user is None
    assert hash_checks == []
