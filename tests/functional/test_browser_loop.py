"""The whole QA loop in a real Chromium against `qadesk serve`: upload, review, training, appraisal."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "browser-pass-1"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _qadesk(instance: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QADESK_ADMIN_PASSWORD=PASSWORD)
    cmd = [sys.executable, "-m", "qa_app", "--instance", str(instance), *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, timeout=300)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen) -> None:
    for _ in range(150):
        if proc.poll() is not None:
            raise RuntimeError(f"qadesk serve exited: {proc.stderr.read()}")
        try:
            urllib.request.urlopen(url + "login", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("qadesk serve did not answer within 30 s")


@contextmanager
def _serving(instance: Path):
    """`qadesk serve` (waitress + the scheduler) on the instance, on a free loopback port; its URL."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "qa_app", "--instance", str(instance), "serve",
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def server(tmp_path):
    """A real instance served by `qadesk serve` (waitress + the scheduler) on a free loopback port."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it): browser test skipped")
    instance = tmp_path / "instance"
    _qadesk(instance, "init")
    _qadesk(instance, "user", "add", "qa.rev", "--role", "reviewer", "--password", PASSWORD)
    _qadesk(instance, "user", "add", "sam.new", "--role", "agent", "--password", PASSWORD)
    _qadesk(instance, "user", "add", "hr.person", "--role", "hr", "--password", PASSWORD)
    with _serving(instance) as url:
        yield url


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        page.set_default_timeout(20_000)
        refused = []  # what the Content-Security-Policy blocked: nothing the app ships may be
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        yield page
        browser.close()
        assert refused == []


def _login(page, url: str, login: str) -> None:
    _login_as(page, url, login, PASSWORD)


def _login_as(page, url: str, login: str, password: str) -> None:
    page.goto(url + "login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, page.content()[:500]


def _logout(page) -> None:
    page.click("form[action='/logout'] button")
    page.wait_for_url("**/login**")


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _on_page(page, q) -> bool:
    """Whether the quiz page asks question `q` (an ordering question has one field per item)."""
    from training.quiz import Ordering
    name = f"answer__{q.id}__0" if isinstance(q, Ordering) else f"answer__{q.id}"
    return page.locator(f"[name='{name}']").count() > 0


def _answer(page, q) -> None:
    """Answer `q` rightly with the controls a person would use: radios, boxes, a text field, places."""
    from training.quiz import MultipleChoice, Ordering, ShortAnswer, TrueFalse
    name = f"answer__{q.id}"
    if isinstance(q, Ordering):  # items are written in the right order; each gets its place
        for i in range(len(q.items)):
            page.select_option(f"select[name='{name}__{i}']", str(i + 1))
    elif isinstance(q, MultipleChoice):
        for i in q.answers:
            page.check(f"input[name='{name}'][value='{i}']")
    elif isinstance(q, TrueFalse):
        page.check(f"input[name='{name}'][value='{'true' if q.answer else 'false'}']")
    elif isinstance(q, ShortAnswer):
        page.fill(f"input[name='{name}']", q.accepted[0])
    else:
        page.check(f"input[name='{name}'][value='{q.answer}']")


def test_a_reviewer_an_agent_and_hr_walk_the_whole_loop_in_a_browser(server, page):
    from training.catalog import load_courses

    _login(page, server, "qa.rev")
    page.goto(server + "conversations/upload")
    page.set_input_files("input[type=file]", str(FIXTURES / "new_agent.ndjson"))
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_load_state()
    assert "2" in page.inner_text("body")

    page.goto(server + "review/")
    page.click("tr:has-text('t-bad-1') a[href*='/review/']")
    page.wait_for_load_state()
    assert "not my problem" in page.inner_text("body").lower()
    page.select_option("select[name=result__greeting]", "pass")
    page.click("form.review-form button[type=submit]")
    page.wait_for_load_state()
    assert "comment" in page.inner_text("body").lower()  # refused: an override needs a comment
    page.select_option("select[name=result__greeting]", "pass")
    page.fill("textarea[name=comment__greeting]", "greeted in the pre-chat form")
    page.click("form.review-form button[type=submit]")
    page.wait_for_load_state()
    _shot(page, "review-saved")
    _logout(page)

    _login(page, server, "sam.new")
    page.goto(server + "training/")
    page.click("a:has-text('compliance')")
    page.wait_for_load_state()
    page.click("form.quiz-start button[type=submit]")  # the attempt's questions are drawn on the server
    page.wait_for_load_state()
    course = next(c for c in load_courses() if c.code == "compliance-en")
    drawn = [q for q in course.quiz.questions if _on_page(page, q)]
    assert len(drawn) == course.quiz.draw  # the server drew 10 of the pool's 15
    for q in drawn:
        _answer(page, q)
    page.click("form.quiz button[type=submit]")
    page.wait_for_load_state()
    _shot(page, "quiz-passed")
    assert "100" in page.inner_text("body")
    page.goto(server + "training/")
    assert "completed" in page.inner_text("body").lower()
    _logout(page)

    _login(page, server, "hr.person")
    page.goto(server + "reports/appraisal?period=2026-11")
    _shot(page, "appraisal")
    assert "sam.new" in page.inner_text("body")
    with page.expect_download() as download:
        page.click("a[href*='appraisal.csv']")
    assert "sam.new" in Path(download.value.path()).read_text(encoding="utf-8")


@pytest.fixture
def demo_server(tmp_path, copy_demo):
    """A copy of the demo instance (`qadesk init` + `qadesk demo`, built once per run) served on a free loopback port."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it): browser test skipped")
    instance = copy_demo(tmp_path / "demo")
    with _serving(instance) as url:
        yield url, instance


def _open_assignment(instance: Path, agent: str, course: str) -> int:
    """The agent's open assignment of the course, assigned by hand first when the demo left none."""
    import json
    def open_ones():
        docs = json.loads(_qadesk(instance, "training", "list", "--agent", agent, "--json").stdout)
        return [d["id"] for d in docs if d["course"] == course and d["status"] in ("assigned", "overdue")]
    if not open_ones():
        _qadesk(instance, "training", "assign", "--agent", agent, "--course", course)
    return open_ones()[0]


def test_a_demo_agent_reads_every_module_passes_the_quiz_and_gets_a_certificate_anyone_can_verify(demo_server, page):
    from training.catalog import load_courses
    url, instance = demo_server
    course = next(c for c in load_courses() if c.code == "compliance-en")
    assignment = _open_assignment(instance, "emma.jones", "compliance-en")
    _login_as(page, url, "emma.jones", "qadesk-demo-2026")
    page.goto(f"{url}training/{assignment}")
    for position, module in enumerate(course.modules, start=1):  # each "read" leads to the next module
        assert f"Module {position}: {module.title}" in page.inner_text("article.course-body")
        page.click("form.module-done button[type=submit]")
        page.wait_for_load_state()
    assert f"{len(course.modules)} of {len(course.modules)}" in page.inner_text(".module-progress")
    page.click("form.quiz-start button[type=submit]")
    page.wait_for_load_state()
    drawn = [q for q in course.quiz.questions if _on_page(page, q)]
    assert len(drawn) == course.quiz.draw
    for q in drawn:
        _answer(page, q)
    page.click("form.quiz button[type=submit]")
    page.wait_for_load_state()
    assert "100" in page.inner_text("body")
    page.goto(url + "training/")
    page.click(f"table.certificates a:has-text('{course.title}')")
    page.wait_for_load_state()
    _shot(page, "certificate")
    code = page.inner_text(".certificate-code code").strip()
    _logout(page)
    page.goto(f"{url}verify/{code}")  # anyone, not logged in
    assert "This certificate is valid." in page.inner_text("body")
    assert "emma.jones" in page.inner_text("body") or "Emma" in page.inner_text("body")
