"""The team lead's day in a real Chromium on the demo: a blind calibration session created from the home,
two reviewers invited (the bell tells them) who answer without seeing each other's answers, the lead
closing it to reveal everyone's answers and the agreement; then coaching booked for an agent from the
home. What the pages show is compared with the rows read back through a fresh database connection.
Screenshots: test-artifacts/lead-*.png."""
from __future__ import annotations

from datetime import timedelta

import pytest

from qa_app import clock
from qa_app.demo import DEMO_PASSWORD
from tests.functional.test_browser_loop import ARTIFACTS, CHROMIUM, _logout, _qadesk, _serving, page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SESSION = "Browser blind check"
RATERS = ("qa.chen", "qa.taylor")


@pytest.fixture(scope="module")
def lead_demo(tmp_path_factory, copy_demo):
    """A copy of the demo (built once per run) served for this module's tests: (url, instance)."""
    from pathlib import Path
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it): browser test skipped")
    instance = copy_demo(tmp_path_factory.mktemp("lead-browser") / "demo")
    with _serving(instance) as url:
        yield url, instance


def _as(page, url: str, login: str) -> None:
    page.goto(url + "login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/login" not in page.url, page.inner_text("body")[:300]


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _fresh(instance, read):
    """`read()`'s answer from a new app and database connection on the instance (not the server's)."""
    from qa_app import create_app
    from qa_app.extensions import db
    app = create_app({"TESTING": True}, instance_path=str(instance))
    with app.app_context():
        try:
            return read(db)
        finally:
            db.session.remove()
            db.engine.dispose()


def _stored_session(instance) -> dict:
    """The session as stored: status, raters, and each human rater's answers per conversation."""
    from qa_app.models import CalibrationSession

    def read(db):
        s = db.session.scalar(db.select(CalibrationSession).where(CalibrationSession.name == SESSION))
        return {"id": s.id, "status": s.status, "raters": sorted(r.login for r in s.raters),
                "answers": {(i.conversation.external_id, a.rater.login): dict(a.answers)
                            for i in s.items for a in i.answers if not a.is_auto}}
    return _fresh(instance, read)


def _create_session(page, url: str) -> list[str]:
    """From the lead's home: a session on two London conversations with the two reviewers; their ids."""
    page.click("#calibration a[href='/calibration/new']")
    page.fill("input[name=name]", SESSION)
    deadline = clock.now() + timedelta(days=5)  # the server reads the same clock (faked or not)
    page.fill("input[name=deadline]", deadline.strftime("%Y-%m-%dT%H:%M"))
    for login in RATERS:
        page.check(f"input[name=rater][value='{login}']")
    rows = page.locator("table.list tbody tr").filter(has=page.locator("td:text-is('david.smith')"))
    picked = []
    for i in range(2):
        picked.append(rows.nth(i).locator("label").inner_text().strip())
        rows.nth(i).locator("input[name=conversation]").check()
    with page.expect_navigation():
        page.click("button:has-text('Create session')")
    assert "Calibration session created." in page.inner_text("body")
    return picked


def _answer_everything(page, choose) -> dict:
    """Answer every criterion of every conversation of the open session page; {(ext id, criterion): value}."""
    chosen = {}
    for k in range(page.locator("form.answer-form").count()):
        form = page.locator("form.answer-form").nth(k)
        external = page.locator("section.card[id^=item-]").nth(k).locator("h2").inner_text().split()[-1]
        selects = form.locator("select")
        for j in range(selects.count()):
            criterion = selects.nth(j).get_attribute("name").removeprefix("answer__")
            value = choose(k, j)
            selects.nth(j).select_option(value)
            chosen[(external, criterion)] = value
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "Your answers are saved." in page.inner_text("body")
    return chosen


def _open_from_the_bell(page, url: str) -> None:
    page.click("a.bell")
    link = page.locator(f"a:has-text('{SESSION}')").first
    with page.expect_navigation():
        link.click()
    assert page.locator("h1").inner_text() == f"Calibration: {SESSION}"


def test_a_lead_runs_a_blind_calibration_session_and_reveals_the_agreement(lead_demo, page):  # noqa: F811
    url, instance = lead_demo
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": 1280, "height": 900})
    _as(page, url, "lead.liu")
    picked = _create_session(page, url)
    progress = page.locator("#progress tbody").inner_text()
    assert all(f"{login}\t0 / 2" in progress for login in RATERS), progress
    session_url = page.url
    _logout(page)

    _as(page, url, "qa.chen")  # the bell has the invitation; passes everywhere but one criterion
    _open_from_the_bell(page, url)
    chen = _answer_everything(page, lambda k, j: "fail" if (k, j) == (0, 0) else "pass")
    _logout(page)

    _as(page, url, "qa.taylor")  # blind: nothing of qa.chen's shows, every answer is still to choose
    _open_from_the_bell(page, url)
    body = page.inner_text("body")
    assert "qa.chen" not in body and page.locator("#results, table.answers, #progress").count() == 0
    selects = page.locator("form.answer-form select")
    assert selects.count() == len(chen)
    assert all(selects.nth(i).input_value() == "" for i in range(selects.count()))
    _shot(page, "lead-calibration-blind-rater-en")
    taylor = _answer_everything(page, lambda k, j: "pass")
    _logout(page)

    stored = _stored_session(instance)  # both answered, nothing revealed yet
    assert stored["status"] == "open" and stored["raters"] == sorted(RATERS)
    for rater, chosen in (("qa.chen", chen), ("qa.taylor", taylor)):
        for (external, criterion), value in chosen.items():
            assert stored["answers"][(external, rater)][criterion] == value
    assert sorted({e for e, _c in chen}) == sorted(picked)

    _as(page, url, "lead.liu")  # the lead sees who answered, not what, until closing
    page.goto(session_url)
    progress = page.locator("#progress tbody").inner_text()
    assert all(f"{login}\t2 / 2" in progress for login in RATERS), progress
    assert page.locator("table.answers, #results").count() == 0
    with page.expect_navigation():
        page.click("#progress button:has-text('Close the session now')")
    assert "Session closed; the results are below." in page.inner_text("body")
    assert _stored_session(instance)["status"] == "closed"
    _check_the_revealed_answers(page, chen, taylor)
    _shot(page, "lead-calibration-results-en")
    assert errors == []


def _check_the_revealed_answers(page, chen: dict, taylor: dict) -> None:
    """Each conversation's answers table shows both reviewers' stored answers; the agreement table
    gives the one criterion they split on less than full agreement, and full agreement elsewhere."""
    shown_raters = page.locator("#results .hint").first.inner_text()
    assert "qa.chen" in shown_raters and "qa.taylor" in shown_raters
    split = next(c for (e, c), v in chen.items() if v != taylor[(e, c)])
    for section in page.locator("section.card[id^=item-]").all():
        external = section.locator("h2").inner_text().split()[-1]
        table = section.locator("table.answers")
        headers = [h.strip() for h in table.locator("thead th").all_text_contents()]
        rows = table.locator("tbody tr[data-criterion]").all()
        assert rows, external  # every criterion has its row: none shown would check nothing
        for row in rows:
            criterion = row.get_attribute("data-criterion")
            cells = row.locator("td").all_text_contents()
            for rater, chosen in (("qa.chen", chen), ("qa.taylor", taylor)):
                shown = cells[headers.index(rater)].strip().lower()
                assert shown == chosen[(external, criterion)], (external, criterion, rater, shown)
    agreement = page.locator("#results table.stats").first
    split_row = agreement.locator(f"tbody tr[data-criterion='{split}']")
    assert float(split_row.locator("td").nth(3).inner_text()) < 1.0


def test_a_lead_books_coaching_for_an_agent_from_the_home(lead_demo, page):  # noqa: F811
    from qa_app.models import CoachingSession
    url, instance = lead_demo
    page.set_viewport_size({"width": 1280, "height": 900})
    _as(page, url, "lead.liu")
    page.click("button[name=locale][value=zh]")  # the lead works in Chinese
    page.wait_for_load_state()
    row = page.locator("#team-agents tbody tr").filter(has=page.locator("a:text-is('Priya Patel')"))
    with page.expect_navigation():
        row.locator("a:has-text('安排辅导')").click()
    assert "agent=priya.patel" in page.url and page.locator("h1").inner_text() == "记录辅导"
    page.fill("#notes", "Closing: offer more help before ending the chat.")
    first = page.locator("fieldset input[name=evaluations]").first
    evaluation = int(first.get_attribute("value"))
    first.check()
    due = clock.today() + timedelta(days=14)
    page.fill("input[name=action_text_1]", "Ask 'anything else?' in every chat")
    page.fill("input[name=action_due_1]", due.isoformat())
    with page.expect_navigation():
        page.click("button.primary[type=submit]")
    body = page.inner_text("body")
    assert "priya.patel" in body and "Ask 'anything else?' in every chat" in body and due.isoformat() in body
    _shot(page, "lead-coaching-booked-zh")

    def read(db):
        s = db.session.scalars(db.select(CoachingSession).order_by(CoachingSession.id.desc())).first()
        return (s.agent.login, s.coach.login, s.notes, [link.evaluation_id for link in s.links],
                [(a.text, a.due_on, a.owner.login) for a in s.actions])
    assert _fresh(instance, read) == ("priya.patel", "lead.liu", "Closing: offer more help before ending the chat.",
                                      [evaluation], [("Ask 'anything else?' in every chat", due, "priya.patel")])
    page.click("button[name=locale][value=en]")
    page.wait_for_load_state()
