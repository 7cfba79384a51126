"""The admin's read-only pages: effective settings with secrets masked, and jobs and the audit log as
readable tables (details as definition lists, not raw JSON) with their filters."""
from __future__ import annotations

import pytest

from qa_app.extensions import db
from qa_app.models import Job
from qa_app.services import jobs
from tests.conftest import PASSWORD
from tests.pages import text_of


@pytest.fixture
def admin(client, auth):
    assert auth.login("admin", PASSWORD).status_code == 302
    return client


def test_the_settings_page_lists_every_setting_with_its_source_and_masks_secrets(instance_dir, monkeypatch):
    from qa_app import create_app
    monkeypatch.setenv("QADESK_SMTP_PASSWORD", "hunter2-mail-secret")
    monkeypatch.setenv("QADESK_DISPUTE_DAYS", "9")
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False}, instance_path=str(instance_dir))
    with app.app_context():
        client = app.test_client()
        client.post("/login", data={"login": "admin", "password": PASSWORD})
        page = text_of(client.get("/admin/settings"))
        db.session.remove()
        db.engine.dispose()
    assert "hunter2-mail-secret" not in page
    row = page.split("<code>QADESK_SMTP_PASSWORD</code>", 1)[1].split("</tr>", 1)[0]
    assert '<span class="masked">********</span>' in row and "environment" in row
    row = page.split("<code>QADESK_DISPUTE_DAYS</code>", 1)[1].split("</tr>", 1)[0]
    assert "<code>9</code>" in row and "environment" in row
    assert "<code>QADESK_SCORING_WORKERS</code>" in page and "default" in page


def test_a_jobs_result_is_shown_as_a_definition_list_and_the_status_filter_is_a_list(admin):
    job, _ = jobs.enqueue("probe", "probe-1")
    jobs.finish(job.id, lambda payload: {"scored": 3, "skipped": [1, 2]})
    jobs.enqueue("probe", "probe-2")
    page = text_of(admin.get("/admin/jobs?status=done"))
    assert "<dt>scored</dt><dd>3</dd><dt>skipped</dt><dd>1, 2</dd>" in page
    assert "probe-1" in page and "probe-2" not in page
    assert '<option value="done" selected>' in page and '{"scored"' not in page
    assert '<option value="probe">probe</option>' in page  # the stored kinds, as a list
    assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == 2


def test_the_audit_log_shows_before_and_after_as_definition_lists_and_filters_by_action(admin, make_user):
    make_user("rita", "agent", team="north")
    admin.post("/admin/users/rita/edit", data={"name": "Rita", "role": "reviewer", "team": "", "covers": "north",
                                               "email": ""})
    page = text_of(admin.get("/admin/audit?action=update"))
    row = page.split("<code>update</code>", 1)[1].split("</tr>", 1)[0]
    assert "<dt>role</dt><dd>agent</dd>" in row and "<dt>role</dt><dd>reviewer</dd>" in row
    assert "<dt>covers</dt><dd>north</dd>" in row and "<dt>team</dt><dd>—</dd>" in row
    assert "<code>create</code>" not in page


def test_only_admins_read_the_settings(client, auth, make_user):
    make_user("lead1", "lead")
    auth.login("lead1", PASSWORD)
    assert client.get("/admin/settings").status_code == 403


def test_the_audit_log_filters_by_who_and_offers_the_stored_actions_as_a_list(admin, make_user):
    make_user("rita", "agent")  # made by no user: a "system" entry
    admin.post("/admin/users/rita/deactivate")  # made by the admin
    page = text_of(admin.get("/admin/audit?who=admin"))
    assert "<code>deactivate</code>" in page and "<code>create</code>" not in page
    page = text_of(admin.get("/admin/audit?who=system&entity=user"))
    assert "<code>create</code>" in page and "<code>deactivate</code>" not in page
    assert '<option value="deactivate">deactivate</option>' in page
    assert '<option value="user" selected>user</option>' in page


def test_the_rules_table_filters_by_language_and_course(admin):
    page = text_of(admin.get("/admin/rules?language=zh&course=compliance-zh"))
    assert "<code>compliance-zh</code>" in page and "<code>compliance-en</code>" not in page
    assert "<code>basics-zh</code>" not in page and "2 of 16 rules" in page


def test_a_rules_name_column_is_not_called_a_persons_name_in_chinese(client, auth):
    auth.login("admin", PASSWORD)
    client.post("/language", data={"locale": "zh"})
    page = text_of(client.get("/admin/rules"))
    assert "<th>规则名称</th>" in page and "<th>姓名</th>" not in page
