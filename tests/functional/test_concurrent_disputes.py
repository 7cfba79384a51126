"""An agent's double submit of a dispute, through a real HTTP server: both requests leave at the same
instant, exactly one dispute is opened, and the second submitter is told so (never a 500)."""
from __future__ import annotations

import http.client
import re
import threading
import urllib.parse

from qa_app.extensions import db
from qa_app.models import AuditEntry, Dispute
from qa_app.services import conversations
# the served app (agent a1 among its users) is the concurrent-review test's fixture
from tests.functional.test_concurrent_reviews import CSRF, Browser, server  # noqa: F401
from tests.sampling_seed import seed_week

TRIES = 15  # the double submit opened two disputes in 14 of 15 tries before the unique index


def _twin(browser: "Tab", port: int) -> "Tab":
    """A second tab of the same browser: the same session cookie, its own connection."""
    other = Tab(port)
    other.cookies.load("; ".join(f"{k}={m.value}" for k, m in browser.cookies.items()))
    return other


def _double_submit(tabs: list["Tab"], path: str, form: dict) -> list[tuple[int, str]]:
    barrier = threading.Barrier(len(tabs))
    outcomes: list = [None] * len(tabs)

    def post(i: int) -> None:
        barrier.wait()
        outcomes[i] = tabs[i].request_raw("POST", path, form)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(tabs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


class Tab(Browser):
    """Browser plus the redirect target of a POST (the dispute page, or back to the conversation)."""

    def request_raw(self, method: str, path: str, form: dict) -> tuple[int, str]:
        """(status, Location) of a form POST, the redirect not followed."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={m.value}" for k, m in self.cookies.items()),
                   "Content-Type": "application/x-www-form-urlencoded"}
        conn.request(method, path, body=urllib.parse.urlencode(form), headers=headers)
        response = conn.getresponse()
        for header in response.msg.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        response.read()
        conn.close()
        return response.status, response.getheader("Location") or ""


def test_a_double_submitted_dispute_opens_one_dispute_and_the_second_tab_is_told(server):
    ids = list(seed_week(agents=("a1",), per_agent=TRIES).values())
    first = Tab(server)
    first.login("a1")
    tabs = [first, _twin(first, server)]
    for n, conversation_id in enumerate(ids):
        evaluation_id = conversations.final_evaluation(conversation_id).id
        status, page = first.request("GET", f"/conversations/{conversation_id}")
        assert status == 200 and f'action="/disputes/open/{evaluation_id}"' in page, f"try {n}"
        form = {"csrf_token": CSRF.search(page).group(1), "comment": f"not fair, try {n}"}
        outcomes = _double_submit(tabs, f"/disputes/open/{evaluation_id}", form)
        assert [s for s, _ in outcomes] == [302, 302], f"try {n}: {outcomes}"
        places = sorted(re.sub(r"/\d+$", "/N", location) for _, location in outcomes)
        assert places == ["/conversations/N", "/disputes/N"], f"try {n}: {outcomes}"
        loser = next(tab for tab, (_, where) in zip(tabs, outcomes) if where.startswith("/conversations/"))
        _, told = loser.request("GET", f"/conversations/{conversation_id}")
        assert "The dispute was not opened: this evaluation already has an open dispute" in told, f"try {n}"
    db.session.expire_all()
    for n, conversation_id in enumerate(ids):
        opened = db.session.scalars(db.select(Dispute).where(Dispute.conversation_id == conversation_id)).all()
        assert [d.comment for d in opened] == [f"not fair, try {n}"], f"try {n}"
        audited = db.session.scalars(db.select(AuditEntry).where(
            AuditEntry.action == "dispute_open", AuditEntry.entity_id == opened[0].id)).all()
        assert len(audited) == 1, f"try {n}"
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "dispute_open")) == TRIES
