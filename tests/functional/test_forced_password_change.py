"""After an admin resets a password (and for a first admin whose password was generated), the user's
next sign-in is held at "choose a new password": every page redirects there, JSON routes and the
user's API tokens answer 403 with the reason, until they choose a new one that differs from the
temporary one and meets the password rule. Real requests, real database, audited."""
from __future__ import annotations

import re

from qa_app.extensions import db
from qa_app.models import AuditEntry, User
from qa_app.services import tokens
from tests.conftest import PASSWORD
from tests.pages import text_of

TEMPORARY = "temporary-pass-77"
CHOSEN = "rita-own-passphrase-9"


def _reset_by_admin(app, make_user, admin_login: str = "admin"):
    """rita (a reviewer) exists, an admin resets her password to TEMPORARY through the edit screen."""
    make_user("rita", "reviewer", team="London")
    admin = app.test_client()
    admin.post("/login", data={"login": admin_login, "password": PASSWORD})
    done = admin.post("/admin/users/rita/password", data={"password": TEMPORARY})
    assert done.status_code == 200 and "next sign-in" in text_of(done)


def _stored(login: str) -> User:
    return db.session.scalar(db.select(User).where(User.login == login))


def test_a_reset_user_is_sent_to_the_change_page_from_every_page(app, client, auth, make_user):
    _reset_by_admin(app, make_user)
    assert _stored("rita").must_change_password is True
    assert auth.login("rita", TEMPORARY).status_code == 302
    for url in ("/", "/review/", "/conversations/?page=2", "/notifications/", "/admin/users"):
        answer = client.get(url)
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/password"), url
    assert client.get("/conversations/?page=2").headers["Location"] == "/password?next=/conversations/?page%3D2"
    page = client.get("/password")
    assert page.status_code == 200 and "no other page opens until you do" in text_of(page)
    posted = client.post("/notifications/read", data={})
    assert posted.status_code == 302 and posted.headers["Location"] == "/password"


def test_json_routes_and_the_users_api_tokens_answer_403_with_the_reason(app, client, auth, make_user):
    _reset_by_admin(app, make_user)
    _row, token = tokens.create_token("rita")
    auth.login("rita", TEMPORARY)
    answer = client.get("/dashboards/qa.json")
    assert answer.status_code == 403 and answer.json["code"] == "password_change_required"
    assert "administrator reset yours" in answer.json["error"]
    api = app.test_client().post("/api/v1/conversations", json=[], headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 403 and api.json["code"] == "password_change_required"
    assert "reset this user's password" in api.json["error"]
    client.post("/password", data={"current": TEMPORARY, "new": CHOSEN, "confirm": CHOSEN})
    again = app.test_client().post("/api/v1/conversations", json=[], headers={"Authorization": f"Bearer {token}"})
    assert again.status_code != 403  # the token works again once the password is the user's own


def test_the_new_password_must_be_the_users_own_and_meet_the_rule(app, client, auth, make_user):
    _reset_by_admin(app, make_user)
    auth.login("rita", TEMPORARY)
    cases = [({"current": "not-the-password-1", "new": CHOSEN, "confirm": CHOSEN}, "current password: it is not your password"),
             ({"current": TEMPORARY, "new": TEMPORARY, "confirm": TEMPORARY}, "must differ from your current password"),
             ({"current": TEMPORARY, "new": "short", "confirm": "short"}, "password: must be at least 12 characters"),
             ({"current": TEMPORARY, "new": "rita", "confirm": "rita"}, "password: must be at least 12 characters"),
             ({"current": TEMPORARY, "new": "password1234", "confirm": "password1234"}, "most common passwords"),
             ({"current": TEMPORARY, "new": CHOSEN, "confirm": CHOSEN + "x"}, "The two new passwords differ.")]
    for form, reason in cases:
        answer = client.post("/password", data=form)
        assert answer.status_code == 400 and reason in text_of(answer), reason
    assert _stored("rita").must_change_password is True and _stored("rita").check_password(TEMPORARY)
    assert client.get("/").status_code == 302


def test_the_change_works_ends_other_sessions_and_the_temporary_password_no_longer_does(app, client, auth, make_user):
    _reset_by_admin(app, make_user)
    auth.login("rita", TEMPORARY)
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"login": "rita", "password": TEMPORARY})
    done = client.post("/password?next=/review/", data={"current": TEMPORARY, "new": CHOSEN, "confirm": CHOSEN})
    assert done.status_code == 302 and done.headers["Location"] == "/review/"
    landed = client.get("/review/")  # this browser stays signed in
    assert landed.status_code == 200 and "Your new password is saved" in text_of(landed)
    assert elsewhere.get("/").headers["Location"].startswith("/login")  # the other session ended
    rita = _stored("rita")
    assert rita.must_change_password is False and rita.check_password(CHOSEN)
    fresh = app.test_client()
    assert fresh.post("/login", data={"login": "rita", "password": TEMPORARY}).status_code == 200
    assert fresh.post("/login", data={"login": "rita", "password": CHOSEN}).status_code == 302
    assert fresh.get("/").status_code == 200
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "change_password")).one()
    assert entry.entity_id == rita.id and entry.user_id == rita.id
    assert entry.after == {"login": "rita", "forced": True}  # never either password


def test_logging_out_stays_possible_and_the_change_page_speaks_chinese(app, client, auth, make_user):
    _reset_by_admin(app, make_user)
    auth.login("rita", TEMPORARY)
    assert client.post("/language", data={"locale": "zh", "next": "/password"}).status_code == 302
    page = text_of(client.get("/password"))
    assert "选择新密码" in page and "Choose a new password" not in page
    assert client.post("/logout").status_code == 302
    assert client.get("/password").headers["Location"].startswith("/login")


def test_a_user_without_a_reset_may_change_their_password_voluntarily(app, client, auth, make_user):
    make_user("rev", "reviewer")
    auth.login("rev")
    assert client.get("/").status_code == 200
    page = client.get("/password")
    assert page.status_code == 200 and "no other page opens" not in text_of(page)
    assert client.post("/password", data={"current": PASSWORD, "new": CHOSEN, "confirm": CHOSEN}).status_code == 302
    assert _stored("rev").check_password(CHOSEN)


def test_the_change_form_needs_its_csrf_token(instance_dir):
    from qa_app import create_app
    protected = create_app({"TESTING": True}, instance_path=str(instance_dir))
    client = protected.test_client()
    try:
        login_page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', login_page).group(1)
        client.post("/login", data={"login": "admin", "password": PASSWORD, "csrf_token": token})
        refused = client.post("/password", data={"current": PASSWORD, "new": CHOSEN, "confirm": CHOSEN})
        assert refused.status_code == 400
        page = client.get("/password").get_data(as_text=True)
        assert 'name="csrf_token"' in page
    finally:
        with protected.app_context():
            db.engine.dispose()


def test_a_first_admin_with_a_generated_password_must_change_it_one_given_by_the_operator_not(empty_instance):
    from qa_app import create_app
    from qa_app.services import instance
    fresh = create_app({"TESTING": True}, instance_path=str(empty_instance))
    with fresh.app_context():
        result = instance.init_instance()
        admin = db.session.scalar(db.select(User).where(User.login == "admin"))
        assert result.admin_password and admin.must_change_password is True
        db.session.remove()
        db.engine.dispose()


def test_an_admin_whose_password_the_operator_gave_is_not_held(client, auth):
    assert auth.login("admin", PASSWORD).status_code == 302
    assert client.get("/").status_code == 200 and _stored("admin").must_change_password is False
