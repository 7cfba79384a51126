"""Two reviewers saving the same review at the same moment, through a real HTTP server: exactly one
save wins, the other is told (409, their decisions kept on the form), and nothing is silently lost."""
from __future__ import annotations

import html
import http.client
import re
import threading
import urllib.parse
from http.cookies import SimpleCookie

import pytest
from werkzeug.serving import make_server

from qa_app.extensions import db
from qa_app.models import AuditEntry, Evaluation
from tests.conftest import PASSWORD
from tests.databases import every_connection_waits_briefly, writer_holding
from tests.sampling_seed import seed_week

PAIRS = 20  # conversations, each saved by both reviewers at once
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
BASED_ON = re.compile(r'name="based_on" value="(\d+)"')


class Browser:
    """One reviewer's browser: its own connection and cookies, CSRF tokens read from each form."""

    def __init__(self, port: int):
        self.port, self.cookies = port, SimpleCookie()

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header in response.msg.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        text = html.unescape(response.read().decode("utf-8"))
        conn.close()
        return response.status, text

    def login(self, login: str) -> None:
        _, page = self.request("GET", "/login")
        status, _ = self.request("POST", "/login", {"login": login, "password": PASSWORD,
                                                    "csrf_token": CSRF.search(page).group(1)})
        assert status == 302, f"{login} could not log in"

    def open_review(self, conversation_id: int) -> dict:
        """The review form's hidden fields, as the page gave them."""
        status, page = self.request("GET", f"/review/{conversation_id}")
        assert status == 200
        return {"csrf_token": CSRF.search(page).group(1), "based_on": BASED_ON.search(page).group(1)}


@pytest.fixture
def server(app, instance_dir, make_user, fake_sentiment):
    """The product's own WSGI app with CSRF on, served by a threaded werkzeug server on a free
    loopback port, on the test's instance; yields the port."""
    from qa_app import create_app
    for login in ("a1", "a2"):
        make_user(login, "agent")
    make_user("r1", "reviewer")
    make_user("r2", "reviewer")
    served = create_app({"TESTING": True}, instance_path=str(instance_dir))
    httpd = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()
    thread.join(timeout=10)
    with served.app_context():
        db.engine.dispose()


def _race(browsers: list[Browser], forms: list[dict], conversation_id: int) -> list[tuple[int, str]]:
    """Both browsers post their form at the same instant; their (status, page) in browser order."""
    barrier = threading.Barrier(len(browsers))
    outcomes: list = [None] * len(browsers)

    def post(i: int) -> None:
        barrier.wait()
        outcomes[i] = browsers[i].request("POST", f"/review/{conversation_id}", forms[i])

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(browsers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_of_two_simultaneous_saves_of_a_review_exactly_one_wins_and_the_other_is_told(server):
    conversation_ids = list(seed_week(per_agent=PAIRS // 2).values())
    browsers = [Browser(server), Browser(server)]
    for browser, login in zip(browsers, ("r1", "r2")):
        browser.login(login)
    winners = {}
    for n, conversation_id in enumerate(conversation_ids):
        forms = []
        for browser, login in zip(browsers, ("r1", "r2")):
            forms.append(browser.open_review(conversation_id) | {
                "result__greeting": "agree", "comment__greeting": f"{login} on pair {n}"})
        outcomes = _race(browsers, forms, conversation_id)
        statuses = sorted(status for status, _ in outcomes)
        assert statuses == [302, 409], f"pair {n}: {statuses}"
        loser = next(i for i, (status, _) in enumerate(outcomes) if status == 409)
        page = outcomes[loser][1]
        assert "saved a review of this conversation" in page, f"pair {n}"
        assert f"{('r1', 'r2')[loser]} on pair {n}" in page, f"pair {n}: the loser's comment is not kept"
        winners[conversation_id] = ("r1", "r2")[1 - loser]
    db.session.expire_all()
    for n, conversation_id in enumerate(conversation_ids):
        rows = db.session.scalars(db.select(Evaluation).where(Evaluation.conversation_id == conversation_id)).all()
        finals = [e for e in rows if e.is_final]
        humans = [e for e in rows if e.kind == "human"]
        assert len(finals) == 1 and len(humans) == 1, f"pair {n}: {len(finals)} final, {len(humans)} human"
        assert finals[0].reviewer.login == winners[conversation_id]
        assert any(c.comment == f"{winners[conversation_id]} on pair {n}" for c in finals[0].criteria)
        reviews = db.session.scalars(db.select(AuditEntry).where(
            AuditEntry.action == "review", AuditEntry.entity_id == conversation_id)).all()
        assert len(reviews) == 1 and reviews[0].after["evaluation"] == finals[0].id


def test_a_review_saved_while_another_writer_holds_the_database_is_refused_with_the_decisions_kept(
        app, client, make_user, fake_sentiment):
    """A long write elsewhere (a scoring run) holds the write lock past the busy timeout: the
    reviewer gets 409 and the form with what they typed, not a bare 500, and nothing is stored."""
    from qa_app.services import conversations
    for login in ("a1", "a2"):
        make_user(login, "agent")
    make_user("r1", "reviewer")
    conversation_id = seed_week(per_agent=1)["a1-0"]
    based_on = conversations.final_evaluation(conversation_id).id
    every_connection_waits_briefly()
    assert client.post("/login", data={"login": "r1", "password": PASSWORD}).status_code == 302
    count = lambda: db.session.scalar(db.select(db.func.count()).select_from(Evaluation))  # noqa: E731
    before = count()
    form = {"based_on": str(based_on), "result__greeting": "fail", "comment__greeting": "no greeting at all"}
    with writer_holding("evaluation"):
        refused = client.post(f"/review/{conversation_id}", data=form)
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 409 and "The database was busy and your review was not saved" in page
    assert "no greeting at all" in page and re.search(r'<option value="fail" selected>', page)
    db.session.expire_all()
    assert count() == before
    assert client.post(f"/review/{conversation_id}", data=form).status_code == 302
    db.session.expire_all()
    assert conversations.final_evaluation(conversation_id).reviewer.login == "r1"
