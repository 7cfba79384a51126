"""The erasure page (an admin erasing one customer's data on request, CSRF on): a preview that
erases nothing, a refusal without the confirmation box, the erasure with the admin named in its
audit entry and the customer's id never stored there, a clear error for an unknown customer, and
nobody but admins may open it."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import AuditEntry, Turn
from qa_app.services import ingest
from tests.functional.test_web_coaching import login
from tests.pages import text_of, token


def _record(external_id: str, customer: str) -> dict:
    start = clock.now().replace(microsecond=0) - timedelta(days=1)
    return {"id": external_id, "agent": "amy.agent", "language": "en", "customer": customer,
            "started_at": start.isoformat(), "turns": [
                {"speaker": "customer", "text": "My jacket came torn, order 4471.", "at": start.isoformat()},
                {"speaker": "agent", "text": "Sorry about that, a refund is on its way.",
                 "at": (start + timedelta(seconds=20)).isoformat()}]}


@pytest.fixture
def stored(app, make_user, fake_sentiment):
    """Two conversations of customer cust-42 and one of cust-7; an admin and a lead; CSRF on."""
    make_user("amy.agent", "agent", team="returns")
    make_user("root.admin", "admin")
    make_user("lee.lead", "lead", covers=["returns"])
    ingest.ingest_dicts([_record("e-1", "cust-42"), _record("e-2", "cust-42"), _record("e-3", "cust-7")], "seed")
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True


def texts(external_id: str) -> list[str]:
    db.session.expire_all()
    from qa_app.models import Conversation
    conv = db.session.scalar(db.select(Conversation).where(Conversation.external_id == external_id))
    return [t.text for t in db.session.scalars(db.select(Turn).where(Turn.conversation_id == conv.id))]


def post(browser, page: str, **fields):
    return browser.post("/admin/erasure/", data={"csrf_token": token(page), **fields})


def test_a_preview_lists_what_would_be_erased_and_erases_nothing(client, stored):
    admin = login(client, "root.admin")
    response = post(admin, text_of(admin.get("/admin/erasure/")), customer="cust-42", action="preview")
    page = text_of(response)
    assert response.status_code == 200 and "What would be erased" in page
    assert "e-1, e-2" in page and 'class="turns">4<' in page
    assert texts("e-1")[0].startswith("My jacket")


def test_erasing_without_the_confirmation_box_erases_nothing_and_says_why(client, stored):
    admin = login(client, "root.admin")
    response = post(admin, text_of(admin.get("/admin/erasure/")), customer="cust-42", action="erase")
    assert response.status_code == 400 and "Tick the box to confirm" in text_of(response)
    assert texts("e-1")[0].startswith("My jacket")


def test_a_confirmed_erasure_erases_that_customer_only_and_audits_it_under_the_admin(client, stored):
    admin = login(client, "root.admin")
    preview = text_of(post(admin, text_of(admin.get("/admin/erasure/")), customer="cust-42", action="preview"))
    response = post(admin, preview, customer="cust-42", action="erase", confirm="y")
    page = text_of(response)
    assert response.status_code == 200 and "Erased" in page and "e-1, e-2" in page
    assert texts("e-1") == ["[erased]", "[erased]"] and texts("e-2") == ["[erased]", "[erased]"]
    assert texts("e-3")[0].startswith("My jacket")
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "erase_customer"))
    assert entry.user.login == "root.admin" and "cust-42" not in json.dumps(entry.after)
    again = post(admin, text_of(admin.get("/admin/erasure/")), customer="cust-42", action="preview")
    assert again.status_code == 404 and "nothing to erase" in text_of(again)


def test_the_page_is_in_chinese_for_a_chinese_admin(client, stored):
    admin = login(client, "root.admin")
    admin.post("/language", data={"locale": "zh", "csrf_token": token(text_of(admin.get("/")))})
    page = text_of(post(admin, text_of(admin.get("/admin/erasure/")), customer="nobody", action="preview"))
    assert "删除" in page and "nothing to erase" not in page


@pytest.mark.parametrize("who", ["lee.lead", "amy.agent"])
def test_nobody_but_an_admin_may_erase(client, stored, who):
    browser = login(client, who)
    assert browser.get("/admin/erasure/").status_code == 403
    page = text_of(browser.get("/"))
    response = browser.post("/admin/erasure/", data={"csrf_token": token(page), "customer": "cust-42",
                                                     "action": "erase", "confirm": "y"})
    assert response.status_code == 403 and texts("e-1")[0].startswith("My jacket")
