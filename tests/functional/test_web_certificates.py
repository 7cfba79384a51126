"""Certificates as people meet them: the agent finds theirs under My training and prints it, the
team's lead and HR may open it, another agent may not, and anyone (logged in or not) checks a code
at /verify/CODE, which says valid, expired or unknown."""
from datetime import timedelta

import pytest

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Certificate
from qa_app.services import training
from tests.integration.test_certificates import take_quiz


@pytest.fixture
def issued(app, make_user):
    agent = make_user("amy.agent", "agent", team="returns")
    make_user("bob.agent", "agent", team="returns")
    make_user("lee.lead", "lead", team="returns")
    make_user("hana.hr", "hr")
    now = clock.now()
    a = training.assign_course(None, "amy.agent", "compliance-en", due_days=14, now=now - timedelta(hours=2))
    take_quiz(agent, a, right=True, at=now - timedelta(hours=1))
    return db.session.scalar(db.select(Certificate))


def test_the_agent_finds_prints_and_others_may_or_may_not_open_the_certificate(client, auth, issued):
    auth.login("amy.agent")
    mine = client.get("/training/").get_data(as_text=True)
    assert f'href="/training/certificates/{issued.id}"' in mine and "Certificates" in mine
    page = client.get(f"/training/certificates/{issued.id}").get_data(as_text=True)
    assert "Certificate of completion" in page and issued.code in page and "/verify/" + issued.code in page
    assert "data-print" in page  # the print button (its listener is in qadesk.js: no inline script)
    auth.logout()
    for login, status in (("lee.lead", 200), ("hana.hr", 200), ("bob.agent", 404)):
        auth.login(login)
        assert client.get(f"/training/certificates/{issued.id}").status_code == status, login
        auth.logout()


def test_anyone_verifies_a_code_without_logging_in(client, issued):
    page = client.get(f"/verify/{issued.code}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "This certificate is valid." in text and "amy.agent" in text
    assert "Data protection" in text or issued.course.title in text
    typed = client.get("/verify/", query_string={"code": issued.code.lower().replace("-", "")})
    assert typed.status_code == 302 and typed.headers["Location"].endswith(f"/verify/{issued.code}")


def test_an_unknown_or_malformed_code_is_a_plain_not_found(client, issued):
    for code in ("0000-0000-0000", "not-a-code"):
        page = client.get(f"/verify/{code}")
        assert page.status_code == 404 and "No certificate has the code" in page.get_data(as_text=True), code
    secret = (client.application.instance_path + "/secret_key")
    traversal = client.get("/verify/%2e%2e%2fsecret_key")
    assert traversal.status_code == 404 and open(secret).read().strip() not in traversal.get_data(as_text=True)


def test_an_expired_certificate_says_so(client, issued):
    issued.expires_at = clock.now() - timedelta(days=1)
    db.session.commit()
    assert "This certificate has expired." in client.get(f"/verify/{issued.code}").get_data(as_text=True)
