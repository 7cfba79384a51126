"""The admin's user screens: add (role defaults to agent), edit, deactivate and reactivate, reset a
password (sessions end), filter the list; every change audited, read back through a fresh session."""
from __future__ import annotations

import html
import re

import pytest

from qa_app.extensions import db
from qa_app.models import AuditEntry, User
from tests.conftest import PASSWORD


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def stored(login: str) -> User:
    """The user as the next request would read them (the test's session is rolled back after each request)."""
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.login == login))


def audited(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


@pytest.fixture
def admin(client, auth):
    assert auth.login("admin", PASSWORD).status_code == 302
    return client


def _details(**changes) -> dict:
    data = {"name": "Rita Reviewer", "role": "reviewer", "team": "", "covers": "north, south", "email": ""}
    data.update(changes)
    return data


def test_the_role_list_of_a_new_user_starts_at_agent_not_admin(admin):
    page = text_of(admin.get("/admin/users"))
    select = re.search(r'<select[^>]*name="role"[^>]*>(.*?)</select>', page.split('id="add-user"')[1], re.S).group(1)
    assert re.search(r'<option selected value="agent">|<option value="agent" selected>', select)
    assert re.findall(r'value="(\w+)"', select) == ["agent", "reviewer", "lead", "hr", "admin"]


def test_the_user_table_comes_before_the_add_card_in_its_own_scrolling_box(admin):
    page = text_of(admin.get("/admin/users"))
    assert page.index('class="table-wrap"') < page.index("</table>") < page.index('id="add-user"')
    assert 'class="grid detail"' not in page  # the table no longer shares a row with the form


def test_an_admin_edits_name_role_team_and_coverage_and_the_change_is_audited(admin, make_user):
    make_user("rita", "agent", team="north")
    response = admin.post("/admin/users/rita/edit", data=_details(email="rita@example.com"))
    assert response.status_code == 302 and response.location.endswith("/admin/users/rita/edit")
    user = stored("rita")
    assert (user.name, user.role, user.team, user.email) == ("Rita Reviewer", "reviewer", None, "rita@example.com")
    assert sorted(t.name for t in user.covers) == ["north", "south"]
    entry = audited("update")[-1]
    assert entry.entity_id == user.id and entry.before["role"] == "agent" and entry.after["role"] == "reviewer"
    assert entry.before["team"] == "north" and entry.after["covers"] == ["north", "south"]
    page = text_of(admin.get("/admin/users/rita/edit"))
    assert "rita is saved." in page and '<option value="south"></option>' in page  # known teams suggested


def test_a_role_change_ends_the_users_sessions(client, auth, make_user):
    make_user("rita", "agent", team="north")
    assert auth.login("rita", PASSWORD).status_code == 302
    before = stored("rita").session_version
    auth.logout()
    auth.login("admin", PASSWORD)
    client.post("/admin/users/rita/edit", data=_details())
    assert stored("rita").session_version > before


@pytest.mark.parametrize("changes, message", [
    ({"role": "boss"}, "Not a valid choice"),
    ({"email": "not-an-address"}, "email: 'not-an-address' is not an e-mail address"),
])
def test_a_bad_edit_is_refused_naming_the_field_and_stores_nothing(admin, make_user, changes, message):
    make_user("rita", "agent", team="north")
    response = admin.post("/admin/users/rita/edit", data=_details(**changes))
    assert response.status_code == 400 and message in text_of(response)
    user = stored("rita")
    assert user.role == "agent" and user.team.name == "north" and audited("update") == []


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(admin):
    response = admin.post("/admin/users/admin/edit", data=_details(role="agent"))
    assert response.status_code == 400 and "admin is the last active administrator" in text_of(response)
    response = admin.post("/admin/users/admin/deactivate")
    assert response.status_code == 400 and "You cannot deactivate your own account." in text_of(response)
    assert stored("admin").role == "admin" and stored("admin").active


def test_a_deactivated_user_cannot_log_in_until_reactivated(client, auth, make_user):
    make_user("rita", "agent")
    auth.login("admin", PASSWORD)
    assert client.post("/admin/users/rita/deactivate").status_code == 302
    assert stored("rita").active is False
    assert "deactivated" in text_of(client.get("/admin/users?state=inactive"))
    assert "rita" not in text_of(client.get("/admin/users?state=active"))
    auth.logout()
    assert auth.login("rita", PASSWORD).status_code != 302
    auth.login("admin", PASSWORD)
    assert client.post("/admin/users/rita/reactivate").status_code == 302
    assert stored("rita").active is True
    assert [e.after["login"] for e in audited("deactivate")] == ["rita"]
    assert [e.after["login"] for e in audited("reactivate")] == ["rita"]
    auth.logout()
    assert auth.login("rita", PASSWORD).status_code == 302


def test_a_reset_password_is_shown_once_works_and_ends_the_old_sessions(app, make_user, auth, client):
    make_user("rita", "agent")
    rita = app.test_client()  # rita's own browser, logged in before the reset
    rita.post("/login", data={"login": "rita", "password": PASSWORD})
    assert rita.get("/").status_code == 200
    auth.login("admin", PASSWORD)
    page = text_of(client.post("/admin/users/rita/password", data={"password": ""}))
    temporary = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    assert "their sessions have ended" in page
    assert temporary not in text_of(client.get("/admin/users/rita/edit"))
    assert rita.get("/").status_code == 302  # the old session is over
    assert rita.post("/login", data={"login": "rita", "password": PASSWORD}).status_code != 302
    assert rita.post("/login", data={"login": "rita", "password": temporary}).status_code == 302
    entry = audited("reset_password")[-1]
    assert entry.after == {"login": "rita", "generated": True, "forced": True} and temporary not in str(entry.after)


def test_a_temporary_password_must_meet_the_password_rule(admin, make_user):
    make_user("rita", "agent")
    response = admin.post("/admin/users/rita/password", data={"password": "short"})
    assert response.status_code == 400 and "password: must be at least 12 characters" in text_of(response)
    assert stored("rita").check_password(PASSWORD) and audited("reset_password") == []


def test_the_list_filters_by_role_and_team(admin, make_user):
    make_user("ann", "agent", team="north")
    make_user("bob", "agent", team="south")
    make_user("lee", "lead", covers=["north"])
    page = text_of(admin.get("/admin/users?team=north"))
    assert "/admin/users/ann/edit" in page and "/admin/users/lee/edit" in page and "/admin/users/bob/edit" not in page
    page = text_of(admin.get("/admin/users?role=lead"))
    assert "/admin/users/lee/edit" in page and "/admin/users/ann/edit" not in page


def test_the_edit_page_of_an_unknown_user_is_404(admin):
    assert admin.get("/admin/users/nobody/edit").status_code == 404
    assert admin.post("/admin/users/nobody/deactivate").status_code == 404


@pytest.mark.parametrize("url", ["/admin/users/rita/edit", "/admin/users/rita/deactivate",
                                 "/admin/users/rita/reactivate", "/admin/users/rita/password"])
def test_only_admins_change_users(client, auth, make_user, url):
    make_user("rita", "agent")
    make_user("lead1", "lead")
    auth.login("lead1", PASSWORD)
    assert client.post(url, data=_details(role="admin")).status_code == 403
    assert stored("rita").role == "agent" and stored("rita").active
