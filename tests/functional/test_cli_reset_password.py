"""`qadesk user reset-password LOGIN [--generate] [--json]`: the admin's way back in from the shell.
A typed password is kept, a generated one is printed once and the web sign-in then holds the user at
"choose a new password"; the password rule applies, the reset is audited and ends the user's
sessions, an unknown login is one line and exit 1. Users created with a generated password must
change it too. Real `python -m qa_app` processes or the click entry point, real SQLite, real requests."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from qa_app.extensions import db
from qa_app.models import AuditEntry, User
from tests.conftest import PASSWORD, ROOT

TYPED = "back-in-through-the-shell-3"


@pytest.fixture
def typed_cli(instance_dir):
    """`qadesk --instance <test instance> ...` through the click entry point, `typed` on its stdin."""
    from click.testing import CliRunner
    from qa_app.cli import main

    def run(*args: str, typed: str):
        return CliRunner().invoke(main, ["--instance", str(instance_dir), *args], input=typed, catch_exceptions=False)
    return run


def _stored(login: str) -> User:
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.login == login))


def _resets() -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "reset_password")))


def qadesk(instance, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa_app", "--instance", str(instance), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_a_generated_password_is_printed_once_and_the_web_sign_in_then_forces_a_change(app, instance_dir, client, auth):
    done = qadesk(instance_dir, "user", "reset-password", "admin", "--generate", "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["login"] == "admin" and doc["must_change_password"] is True and len(doc["password"]) >= 12
    assert auth.login("admin", PASSWORD).status_code == 200  # the old password no longer works
    assert auth.login("admin", doc["password"]).status_code == 302
    held = client.get("/admin/users")
    assert held.status_code == 302 and held.headers["Location"].startswith("/password")
    chosen = "admins-own-choice-after-reset"
    changed = client.post("/password", data={"current": doc["password"], "new": chosen, "confirm": chosen})
    assert changed.status_code == 302 and client.get("/admin/users").status_code == 200
    assert _stored("admin").must_change_password is False
    entry = _resets()[-1]
    assert entry.user_id is None and entry.after == {"login": "admin", "generated": True, "forced": True}
    assert doc["password"] not in json.dumps(entry.after)


def test_a_password_typed_at_the_prompt_is_kept_and_ends_the_users_sessions(typed_cli, client, auth):
    assert auth.login("admin", PASSWORD).status_code == 302
    before = _stored("admin").session_version
    result = typed_cli("user", "reset-password", "admin", typed=f"{TYPED}\n{TYPED}\n")
    assert result.exit_code == 0 and "New password for admin saved" in result.output
    assert TYPED not in result.output  # the hidden prompt does not echo it
    admin = _stored("admin")
    assert admin.session_version > before and admin.check_password(TYPED) and not admin.must_change_password
    assert client.get("/admin/users").status_code == 302  # the session open before the reset has ended
    assert auth.login("admin", TYPED).status_code == 302 and client.get("/admin/users").status_code == 200
    assert _resets()[-1].after == {"login": "admin", "generated": False, "forced": False}


def test_a_typed_password_that_breaks_the_rule_is_refused_naming_the_field(app, typed_cli):
    result = typed_cli("user", "reset-password", "admin", typed="short-pass\nshort-pass\n")
    assert result.exit_code == 1 and "password: must be at least 12 characters" in result.output
    assert _stored("admin").check_password(PASSWORD) and _resets() == []


def test_an_unknown_login_is_one_line_and_exit_1_before_any_prompt(instance_dir):
    done = qadesk(instance_dir, "user", "reset-password", "nobody", "--generate")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().splitlines() == ["Error: no user with login 'nobody'"]
    typed = subprocess.run([sys.executable, "-m", "qa_app", "--instance", str(instance_dir), "user",
                            "reset-password", "nobody"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                           input=f"{TYPED}\n{TYPED}\n")
    assert typed.returncode == 1 and "New password" not in typed.stdout + typed.stderr


def test_a_user_created_with_a_generated_password_must_change_it_one_given_need_not(cli, client, auth):
    generated = json.loads(cli("user", "add", "rita", "--role", "reviewer", "--json").stdout)["password"]
    cli("user", "add", "sam", "--role", "agent", "--password", PASSWORD)
    assert _stored("rita").must_change_password is True and _stored("sam").must_change_password is False
    auth.login("rita", generated)
    assert client.get("/review/").headers["Location"].startswith("/password")
    auth.logout()
    auth.login("sam", PASSWORD)
    assert client.get("/").status_code == 200
