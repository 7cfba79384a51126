"""Signing in over real requests: lockouts and their lifting (page and CLI), sessions that end on
logout, password change, deactivation and timeouts (tested with a copied real cookie), the
session cookie's flags, and the security headers on every response."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from qa_app.extensions import db
from qa_app.headers import CSP
from qa_app.models import AuditEntry
from tests.conftest import IsolatedClient, PASSWORD
from tests.pages import text_of

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def login(client, who: str, password: str = PASSWORD):
    return client.post("/login", data={"login": who, "password": password})


def cookie_of(client) -> str:
    return client.get_cookie("session").value


def client_with(app, cookie: str):
    """A second browser holding a copy of another's session cookie."""
    app.test_client_class = IsolatedClient
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def test_after_five_wrong_passwords_the_right_one_is_refused_until_an_admin_unlocks_on_the_users_page(
        app, client, make_user):
    make_user("rev", "reviewer")
    answers = [login(client, "rev", "wrong-password-x") for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 4 + [429]
    refused = login(client, "rev")
    assert refused.status_code == 429 and "Too many failed logins" in text_of(refused)
    assert client.get("/").status_code == 302  # still not logged in
    admin = client_with(app, "")
    login(admin, "admin")
    page = text_of(admin.get("/admin/users"))
    assert re.search(r"rev.*until \d{4}-\d\d-\d\d \d\d:\d\d UTC.*Unlock", page, re.S)
    assert admin.post("/admin/users/rev/unlock").status_code == 302
    assert "rev can log in again." in text_of(admin.get("/admin/users"))
    assert login(client, "rev").status_code == 302
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"lock", "unlock"} <= actions


def test_an_address_failing_across_many_logins_is_locked_and_the_cli_lifts_it(app, client, make_user, cli):
    make_user("rev", "reviewer")
    app.config.update(QADESK_LOGIN_ADDRESS_MAX_FAILURES=3)
    for who in ("a", "b", "c"):
        login(client, who, "wrong-password-x")
    assert login(client, "rev").status_code == 429
    elsewhere = client_with(app, "")
    assert elsewhere.post("/login", data={"login": "rev", "password": PASSWORD},
                          environ_base={"REMOTE_ADDR": "192.0.2.99"}).status_code == 302
    result = cli("user", "unlock", "--address", "127.0.0.1")
    assert result.exit_code == 0 and "Unlocked 127.0.0.1" in result.output
    assert login(client, "rev").status_code == 302


def test_the_cli_unlocks_a_login_and_refuses_an_unknown_one(app, client, make_user, cli):
    make_user("rev", "reviewer")
    for _ in range(5):
        login(client, "rev", "wrong-password-x")
    assert cli("user", "unlock", "rev").output.strip() == "Unlocked rev"
    assert login(client, "rev").status_code == 302
    unknown = cli("user", "unlock", "nobody")
    assert unknown.exit_code == 1 and "no user with login 'nobody'" in unknown.output


def test_a_cookie_copied_before_logout_no_longer_works(app, client, make_user):
    make_user("rev", "reviewer")
    login(client, "rev")
    copied = cookie_of(client)
    assert client_with(app, copied).get("/").status_code == 200
    client.post("/logout")
    assert client_with(app, copied).get("/").status_code == 302


def test_a_password_change_ends_every_session_of_the_user(app, client, make_user):
    from qa_app.services import users
    make_user("rev", "reviewer")
    login(client, "rev")
    copied = cookie_of(client)
    users.set_password("rev", "a-brand-new-passphrase")
    assert client_with(app, copied).get("/").status_code == 302
    assert client.get("/").status_code == 302
    assert login(client, "rev", "a-brand-new-passphrase").status_code == 302


def test_deactivating_a_user_ends_their_sessions_and_refuses_their_login(app, client, make_user, cli):
    make_user("rev", "reviewer")
    login(client, "rev")
    copied = cookie_of(client)
    assert cli("user", "deactivate", "rev").exit_code == 0
    assert client_with(app, copied).get("/").status_code == 302
    assert login(client, "rev").status_code == 200  # "Wrong login or password."


def test_a_session_ends_after_the_idle_timeout_and_after_the_absolute_one(app, client, make_user, frozen_clock):
    make_user("rev", "reviewer")
    login(client, "rev")
    frozen_clock.shift(timedelta(minutes=59))
    assert client.get("/").status_code == 200
    frozen_clock.shift(timedelta(minutes=61))
    assert client.get("/").status_code == 302
    login(client, "rev")
    for _ in range(13):  # 11 h 55 min of activity
        frozen_clock.shift(timedelta(minutes=55))
        assert client.get("/").status_code == 200
    frozen_clock.shift(timedelta(minutes=55))  # 12 h 50 min after logging in, though active
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("setting, https, secure", [
    ("auto", False, False), ("auto", True, True), ("true", False, True), ("false", True, False)])
def test_the_session_cookie_is_httponly_lax_and_secure_as_the_setting_says(app, client, make_user, setting,
                                                                           https, secure):
    app.config["QADESK_SESSION_COOKIE_SECURE"] = setting
    make_user("rev", "reviewer")
    base = "https://localhost" if https else "http://localhost"
    answer = client.post("/login", data={"login": "rev", "password": PASSWORD}, base_url=base)
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("; Secure" in cookie) is secure


def test_behind_a_trusted_proxy_that_says_https_the_cookie_is_secure_and_hsts_is_sent(instance_dir):
    from qa_app import create_app
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "QADESK_PROXY_HOPS": 1},
                     instance_path=str(instance_dir))
    client = app.test_client()
    answer = client.post("/login", data={"login": "admin", "password": PASSWORD},
                         headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"})
    assert "; Secure" in answer.headers["Set-Cookie"]
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


def test_every_response_carries_the_security_headers_pages_and_static_files_alike(client, auth):
    auth.login()
    for path in ("/", "/login", "/static/qadesk.js", "/no-such-page"):
        headers = client.get(path).headers
        assert headers["Content-Security-Policy"] == CSP, path
        assert (headers["X-Frame-Options"], headers["X-Content-Type-Options"]) == ("DENY", "nosniff")
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP: no HSTS
    assert "Strict-Transport-Security" in client.get("/login", base_url="https://localhost").headers


def test_the_policy_allows_no_inline_script_and_no_framing():
    policy = dict(part.split(" ", 1) for part in CSP.split("; "))
    assert policy["script-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


def test_no_template_has_an_inline_script_or_event_handler():
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        # a JSON data block (type="application/json") is data, never run, so the policy allows it
        assert not re.search(r"<script(?![^>]*\b(src=|type=\"application/json\"))", source), path
        assert not re.search(r"\son[a-z]+\s*=", source), path
        assert "javascript:" not in source, path


def test_a_locked_address_is_listed_on_the_users_page_and_its_unlock_button_lifts_it(app, client, make_user):
    make_user("rev", "reviewer")
    app.config.update(QADESK_LOGIN_ADDRESS_MAX_FAILURES=2)
    far = {"REMOTE_ADDR": "192.0.2.44"}
    for who in ("a", "b"):
        client.post("/login", data={"login": who, "password": "wrong-password-x"}, environ_base=far)
    admin = client_with(app, "")
    login(admin, "admin")
    assert "192.0.2.44" in text_of(admin.get("/admin/users"))
    assert admin.post("/admin/users/unlock-address", data={"address": "192.0.2.44"}).status_code == 302
    assert "Logins from 192.0.2.44 are allowed again." in text_of(admin.get("/admin/users"))
    assert client.post("/login", data={"login": "rev", "password": PASSWORD}, environ_base=far).status_code == 302
    assert admin.post("/admin/users/nobody/unlock").status_code == 404
