"""Accessibility in a real Chromium on the demo (issue #14, "Look"): axe-core's WCAG 2 A/AA rules on
every demo role's home and key pages, in English and in Chinese, with no violation of impact serious
or critical; and the keyboard: from the top of each role's home, Tab reaches every link, button and
field of the main content in document order, each showing a visible focus ring.

axe-core is vendored for the tests only (tests/vendor/axe-core/README.md) and evaluated in the page
through the DevTools protocol, which the page's Content-Security-Policy does not govern: the pages
are checked exactly as served, CSP included. Every violation found (any impact) is written to
test-artifacts/accessibility/axe.json for a person to read."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

# the page fixture (a real Chromium that fails the test on any CSP refusal) and the demo's helpers
from tests.functional.test_browser_loop import (ARTIFACTS, PASSWORD, _login_as, _open_assignment, _qadesk,  # noqa: F401
                                                _serving, page, CHROMIUM)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DEMO_PASSWORD = "qadesk-demo-2026"
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")

#: login -> the pages checked in each language: a path, or (path, pattern): the first link on that
#: page whose href matches (so the test follows the demo's own data, not fixed ids)
PAGES = {
    "qa.taylor": ["", "review/", ("review/", r"^/review/\d+$"), "conversations/",
                  ("conversations/", r"^/conversations/\d+$"), "calibration/", ("calibration/", r"^/calibration/\d+$")],
    "david.smith": ["", "training/", ("", r"^/conversations/\d+"), "dashboards/me", "disputes/"],
    "emma.jones": [],  # her course and quiz pages: see _agent_course_pages
    "lead.liu": ["", "calibration/", ("calibration/", r"^/calibration/\d+$"), "calibration/trend", "coaching/",
                 "training/"],
    "hr.zhao": ["", "reports/appraisal", "appraisals/", ("appraisals/", r"^/appraisals/\d+$"), "dashboards/qa"],
    "admin": ["", "admin/users", "admin/users/emma.jones/edit", "admin/scorecards", "admin/scorecards/general-en/edit",
              "admin/rules", "admin/settings", "admin/jobs", "admin/audit"],
}
HOMES = ("david.smith", "qa.taylor", "lead.liu", "hr.zhao", "admin")  # one home per role, for the keyboard

RUN_AXE = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
                                 targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""

# Marks the main content's keyboard stops in document order (one per radio group, as Tab does) and
# returns how many; the focus walk below compares what Tab reaches with these marks.
MARK_STOPS = """() => {
  const wanted = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
  const seen = new Set();
  const stops = [...document.querySelector('main').querySelectorAll(wanted)].filter(e => {
    if (e.disabled || e.tabIndex < 0 || !e.getClientRects().length || getComputedStyle(e).visibility === 'hidden') return false;
    if (e.type !== 'radio') return true;
    const group = e.form ? e.form.elements[e.name] : document.getElementsByName(e.name);
    const stop = [...group].find(r => r.checked) || group[0] || e;
    if (stop !== e || seen.has(e.name)) return false;
    seen.add(e.name);
    return true;
  });
  stops.forEach((e, i) => { e.dataset.tabStop = String(i); });
  return stops.length;
}"""

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  return {stop: e.dataset.tabStop ?? null, inMain: !!e.closest('main'),
          what: e.tagName.toLowerCase() + ' ' + (e.getAttribute('aria-label') || e.innerText || e.name || '').trim().slice(0, 40),
          ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'};
}"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory, copy_demo):
    """A copy of the demo instance (built once per run) served on a free port: (URL, instance),
    shared by this file's two tests, which only read it but for the one quiz the first test starts."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it): browser test skipped")
    instance = copy_demo(tmp_path_factory.mktemp("a11y") / "demo")
    with _serving(instance) as url:
        yield url, instance


def _follow(page, url: str, target) -> str:
    """Open `target` (a path, or (path, pattern): the first matching link there); the path opened."""
    if isinstance(target, str):
        page.goto(url + target)
        return "/" + target
    where, pattern = target
    page.goto(url + where)
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = next((h for h in hrefs if re.search(pattern, h)), None)
    assert found, f"no link matching {pattern} on /{where}: the demo should have one"
    page.goto(url + found.lstrip("/"))
    return found


def _agent_course_pages(page, url: str, assignment: int):
    """An agent's course page, then its quiz page: the modules read and the quiz started once."""
    page.goto(f"{url}training/{assignment}")
    yield f"/training/{assignment}"
    page.goto(f"{url}training/{assignment}/quiz")
    if "/quiz" not in page.url:  # no open attempt yet: read each module, then start the quiz
        page.goto(f"{url}training/{assignment}")
        for _ in range(30):
            if not page.locator("form.module-done button[type=submit]").count():
                break
            page.click("form.module-done button[type=submit]")
            page.wait_for_load_state()
        page.click("form.quiz-start button[type=submit]")
        page.wait_for_url("**/quiz")
    yield f"/training/{assignment}/quiz"


def _axe(page, where: str, found: list) -> None:
    """Run axe on the page as it stands; every violation goes to `found` with where it was."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    for v in page.evaluate(RUN_AXE, TAGS):
        found.append({"page": where, **v})


def _language(page, url: str, language: str) -> None:
    page.goto(url)
    page.click(f"button[name=locale][value={language}]")
    page.wait_for_load_state()


def _pages(page, url: str, login: str, assignment: int):
    """Open each of the login's pages in turn (PAGES); yields the path opened."""
    if login == "emma.jones":
        yield from _agent_course_pages(page, url, assignment)
    for target in PAGES[login]:
        yield _follow(page, url, target)


def _check_role(page, url: str, login: str, assignment: int, found: list) -> None:
    for language in ("en", "zh"):
        _language(page, url, language)
        for where in _pages(page, url, login, assignment):
            assert page.get_attribute("html", "lang") == language, (where, language)
            _axe(page, f"{login} [{language}] {where}", found)
    _language(page, url, "en")  # the user's choice is stored: leave the demo as it was
    page.click("form[action='/logout'] button")
    page.wait_for_url("**/login**")


def _report(found: list) -> str:
    lines = [f"{v['page']}: {v['id']} ({v['impact']}, {v['nodes']} element(s)) {v['help']}; first: {v['targets']}"
             for v in found if v["impact"] in BLOCKING]
    return "\n".join(["axe-core found serious or critical violations:", *lines])


def _keep(found: list) -> None:
    folder = ARTIFACTS / "accessibility"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "axe.json").write_text(json.dumps(found, indent=1, ensure_ascii=False), encoding="utf-8")


def test_every_role_s_pages_have_no_serious_axe_violations_in_english_and_chinese(demo, page):  # noqa: F811
    url, instance = demo
    found: list = []
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url + "login")
    _axe(page, "anonymous [en] /login", found)
    assignment = _open_assignment(instance, "emma.jones", "compliance-en")
    for login in PAGES:
        _login_as(page, url, login, PASSWORD if login == "admin" else DEMO_PASSWORD)
        _check_role(page, url, login, assignment, found)
    _keep(found)
    assert not [v for v in found if v["impact"] in BLOCKING], _report(found)


def _tab_through(page, stops: int) -> tuple[list, list]:
    """Press Tab from the top of the page until focus leaves the main content: (the main content's
    marked stops in the order reached, the elements reached without a visible focus ring)."""
    reached, unringed, was_in_main = [], [], False
    for _ in range(stops + 60):  # the top bar's stops, then the main content's
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if now is None or (was_in_main and not now["inMain"]):
            break
        was_in_main = was_in_main or now["inMain"]
        if now["stop"] is not None:
            reached.append(int(now["stop"]))
        if not now["ring"]:
            unringed.append(now["what"])
    return reached, unringed


def test_each_role_s_home_works_from_the_keyboard_with_a_visible_focus_ring(demo, page):  # noqa: F811
    url, _instance = demo
    page.set_viewport_size({"width": 1280, "height": 900})
    for login in HOMES:
        _login_as(page, url, login, PASSWORD if login == "admin" else DEMO_PASSWORD)
        page.goto(url)
        stops = page.evaluate(MARK_STOPS)
        assert stops > 0, login
        reached, unringed = _tab_through(page, stops)
        assert reached == list(range(stops)), (login, "Tab missed or reordered stops", reached, stops)
        assert unringed == [], (login, "focused without a visible focus indicator", unringed)
        page.click("form[action='/logout'] button")
        page.wait_for_url("**/login**")
