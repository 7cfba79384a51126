"""Notifications as users meet them: e-mail through a real SMTP server (aiosmtpd on a loopback port)
in each reader's language, a server that is down (the copy waits and goes once it is back), the bell
with its unread count, and a lead's one-click reminder from the training overview."""
from __future__ import annotations

import email
import re
import socket
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from qa_app import jobs as job_table
from qa_app.extensions import db
from qa_app.models import Notification, User
from qa_app.services import notifications, reminders, training


class Inbox:
    """An SMTP handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    """A real SMTP server on a free loopback port, and the instance set to send through it."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(QADESK_SMTP_HOST="127.0.0.1", QADESK_SMTP_PORT=port, QADESK_SMTP_SENDER="qa@example.org",
                      QADESK_BASE_URL="https://qa.example.org")
    yield inbox
    controller.stop()


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def with_email(user: User, address: str) -> User:
    user.email = address
    db.session.commit()
    return user


@pytest.fixture
def people(make_user):
    amy = with_email(make_user("amy.agent", "agent", team="returns"), "amy@example.org")
    wang = with_email(make_user("wang.agent", "agent", team="售后"), "wang@example.org")
    wang.locale = "zh"
    lee = with_email(make_user("lee.lead", "lead", team="returns"), "lee@example.org")
    db.session.commit()
    return amy, wang, lee


def test_a_new_assignment_and_its_reminders_are_mailed_in_each_readers_language(app, smtp, people):
    a = training.assign_course(None, "amy.agent", "empathy-en", due_days=10, reason="coaching")
    training.assign_course(None, "wang.agent", "aftersales-zh", due_days=10, reason="辅导")
    job_table.tick(app, "test-holder")  # the scheduler's beat delivers pending copies
    by_to = {m["To"].split("<")[-1].rstrip(">"): m for m in smtp.messages}
    assert subject(by_to["amy@example.org"]) == "New training: " + a.course.title
    assert "It is due on" in by_to["amy@example.org"].get_payload(decode=True).decode()
    assert f"https://qa.example.org/training/{a.id}" in by_to["amy@example.org"].get_payload(decode=True).decode()
    assert subject(by_to["wang@example.org"]).startswith("新的培训：")
    reminders.send_due(a.due_at + timedelta(days=1))  # overdue: Amy hears, her lead too
    notifications.deliver_pending()
    subjects = sorted(subject(m) for m in smtp.messages[2:])
    assert any(s.startswith("Training overdue") for s in subjects)
    assert any(s.startswith("Overdue training: amy.agent") for s in subjects)
    notifications.deliver_pending()  # nothing is sent twice
    assert len(smtp.messages) == 2 + len(subjects)


def test_a_copy_that_cannot_be_sent_waits_with_the_reason_and_goes_once_the_server_is_back(app, people):
    port = free_port()  # nothing listens here yet
    app.config.update(QADESK_SMTP_HOST="127.0.0.1", QADESK_SMTP_PORT=port)
    training.assign_course(None, "amy.agent", "empathy-en", due_days=10)
    assert notifications.deliver_pending() == {"sent": 0, "failed": 1}
    db.session.expire_all()
    failed = db.session.scalar(db.select(Notification))
    assert failed.email == "failed" and f"cannot reach the SMTP server 127.0.0.1:{port}" in failed.email_error
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert notifications.deliver_pending() == {"sent": 1, "failed": 0}
        assert notifications.deliver_pending() == {"sent": 0, "failed": 0}
    finally:
        controller.stop()
    assert len(inbox.messages) == 1


def test_without_smtp_settings_notifications_stay_in_the_app(app, people):
    training.assign_course(None, "amy.agent", "empathy-en", due_days=10)
    db.session.expire_all()
    assert db.session.scalar(db.select(Notification.email)) == "none"


def unread_badge(page: str) -> str | None:
    found = re.search(r'<a class="bell[^"]*" href="/notifications/"[^>]*>.*?<span class="count"[^>]*>(\d+)</span>', page, re.S)
    return found.group(1) if found else None


def test_the_bell_counts_unread_notifications_and_marking_them_read_clears_it(app, client, auth, people):
    training.assign_course(None, "amy.agent", "empathy-en", due_days=10)
    auth.login("amy.agent")
    home = client.get("/").get_data(as_text=True)
    assert unread_badge(home) == "1"
    page = client.get("/notifications/").get_data(as_text=True)
    assert "New training:" in page and "It is due on" in page
    assert client.post("/notifications/read").status_code == 302
    assert unread_badge(client.get("/").get_data(as_text=True)) is None


def test_a_user_sees_and_marks_only_their_own_notifications(app, client, auth, people):
    training.assign_course(None, "wang.agent", "aftersales-zh", due_days=10)
    theirs = db.session.scalar(db.select(Notification.id))
    auth.login("amy.agent")
    assert "新的培训" not in client.get("/notifications/").get_data(as_text=True)
    client.post("/notifications/read", data={"id": theirs})
    db.session.expire_all()
    assert db.session.get(Notification, theirs).read_at is None


def test_a_lead_reminds_a_late_agent_with_one_click_and_the_agent_sees_it(app, client, auth, people):
    a = training.assign_course(None, "amy.agent", "empathy-en", due_days=10)
    auth.login("lee.lead")
    overview = client.get("/training/").get_data(as_text=True)
    assert f'action="/training/{a.id}/remind"' in overview
    response = client.post(f"/training/{a.id}/remind", follow_redirects=True)
    assert "Reminder sent to amy.agent" in response.get_data(as_text=True)
    again = client.post(f"/training/{a.id}/remind", follow_redirects=True)
    assert "already reminded of this course today" in again.get_data(as_text=True)
    auth.logout()
    auth.login("amy.agent")
    assert "Reminder from lee.lead" in client.get("/notifications/").get_data(as_text=True)
    assert client.post(f"/training/{a.id}/remind").status_code == 403  # agents do not remind


def test_the_overview_groups_late_agents_by_team_with_a_remind_button_each(app, client, auth, people, make_user):
    from datetime import timedelta
    from qa_app import clock
    make_user("ann.solo", "agent")
    late = [training.assign_course(None, login, code, due_days=1, now=clock.now() - timedelta(days=5))
            for login, code in (("amy.agent", "empathy-en"), ("wang.agent", "aftersales-zh"), ("ann.solo", "qa-basics-en"))]
    training.assign_course(None, "amy.agent", "compliance-en", due_days=10)  # not late
    training.mark_overdue()
    auth.login("admin")
    page = client.get("/training/").get_data(as_text=True)
    section = page[page.index("Late, by team"):page.index("</section>", page.index("Late, by team"))]
    assert section.index("returns") < section.index("售后") < section.index("No team")
    assert section.count("1 overdue") == 3 and "compliance" not in section.lower()
    assert all(f'action="/training/{a.id}/remind"' in section for a in late)
