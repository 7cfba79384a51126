"""Every link as every demo role, against the demo served by `qadesk serve`: each role logs in through
the real login form (with its CSRF token), then follows every same-origin `<a href>` breadth-first
from its home. No page may answer 5xx, nor 4xx unless INTENDED says why; a link that leads to a
refusal is a bug in the template that shows it, not in the crawl.

URLs are de-duplicated by pattern (numbers in the path and query values do not count), so the
crawl sees every kind of page once and ends in a couple of minutes. Downloads (anything that
is not HTML) are checked for their status but not parsed; GET links never log out or destroy
anything (logout and every change are POST forms), so nothing is skipped for that reason.
"""
from __future__ import annotations

import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar

import pytest

from tests.functional.test_browser_loop import PASSWORD, _serving

pytestmark = [pytest.mark.slow]
DEMO_PASSWORD = "qadesk-demo-2026"
#: one demo login per role (the admin's password is the one `_qadesk` sets before `qadesk init`)
ROLES = {"agent": ("david.smith", DEMO_PASSWORD), "reviewer": ("qa.chen", DEMO_PASSWORD),
         "lead": ("lead.liu", DEMO_PASSWORD), "hr": ("hr.zhao", DEMO_PASSWORD), "admin": ("admin", PASSWORD)}
#: (role, path pattern) -> why its 4xx is intended. Empty: no page links to what its reader may not open.
INTENDED: dict[tuple[str, str], str] = {}
PER_PATTERN = 1  # pages visited per URL pattern (/conversations/12 and /conversations/40 are one kind of page)
MAX_PAGES = 400  # per role; far above what the demo needs, so a runaway crawl fails instead of hanging


class _Links(HTMLParser):
    """The hrefs of a page's <a> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            self.hrefs.append(href)


def pattern(url: str) -> str:
    """A URL's pattern: path with every run of digits as N, then the sorted query keys."""
    parts = urllib.parse.urlsplit(url)
    keys = sorted({k for k, _v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


@dataclass
class Crawl:
    """What one role's crawl saw: pages visited, (status, url, linked from) of every failure, bad titles."""

    role: str
    visited: int = 0
    failures: list[tuple[int, str, str]] = field(default_factory=list)
    bad_titles: list[tuple[str, str]] = field(default_factory=list)
    downloads: int = 0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are seen, not followed: a redirect to the login page would hide a lost session."""

    def redirect_request(self, *args, **kwargs):
        return None


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect())


def _get(opener, url: str) -> tuple[int, dict, bytes]:
    try:
        with opener.open(url, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:  # 3xx (not followed), 4xx and 5xx
        return exc.code, dict(exc.headers), exc.read()


def log_in(base: str, login: str, password: str) -> urllib.request.OpenerDirector:
    """A cookie-keeping client logged in through the login form, as a browser would post it."""
    opener = _opener()
    status, _headers, body = _get(opener, base + "login")
    assert status == 200, status
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', body.decode()).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "login": login, "password": password}).encode()
    try:
        opener.open(urllib.request.Request(base + "login", data=form), timeout=60)
        raise AssertionError(f"{login}: the login form did not redirect (refused?)")
    except urllib.error.HTTPError as exc:
        assert exc.code in (302, 303) and "/login" not in exc.headers["Location"], (login, exc.code)
    return opener


def _links(base: str, page_url: str, body: bytes, parser: _Links) -> list[str]:
    parser.feed(body.decode("utf-8", "replace"))
    found = []
    for href in parser.hrefs:
        url, _fragment = urllib.parse.urldefrag(urllib.parse.urljoin(page_url, href))
        if url.startswith(base):
            found.append(url)
    return found


def crawl(base: str, role: str, login: str, password: str, opener=None, on_page=None) -> Crawl:
    """Breadth-first from the home over same-origin links, PER_PATTERN pages per URL pattern; with
    `opener`, as that signed-in client; `on_page(url, body)` is called with every HTML page."""
    opener, seen, result = opener or log_in(base, login, password), Counter(), Crawl(role)
    queue, queued = deque([(base, "(start)")]), {base}
    while queue:
        url, origin = queue.popleft()
        if seen[pattern(url)] >= PER_PATTERN:
            continue
        seen[pattern(url)] += 1
        result.visited += 1
        assert result.visited <= MAX_PAGES, f"{role}: more than {MAX_PAGES} pages; is a link generating URLs?"
        status, headers, body = _get(opener, url)
        if status in (301, 302, 303, 307, 308):
            location = urllib.parse.urljoin(url, headers.get("Location", ""))
            if "/login" in urllib.parse.urlsplit(location).path:
                result.failures.append((status, url + " -> " + location, origin))
            elif location.startswith(base) and location not in queued:
                queued.add(location)
                queue.append((location, url))
            continue
        if status >= 400:
            if (role, pattern(url)) not in INTENDED:
                result.failures.append((status, url, origin))
            continue
        if not headers.get("Content-Type", "").startswith("text/html"):
            result.downloads += 1  # a CSV, an XLSX, a recording, a stylesheet: checked, not parsed
            continue
        if on_page is not None:
            on_page(url, body)
        parser = _Links()
        for link in _links(base, url, body, parser):
            if link not in queued:
                queued.add(link)
                queue.append((link, url))
        title = re.search(rb"<title>(.*?)</title>", body, re.S)  # as the browser reads it: raw text
        if title is None or b"<" in title.group(1) or not title.group(1).strip():
            result.bad_titles.append((url, title.group(1)[:120].decode() if title else "(none)"))
    return result


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory, copy_demo):
    """A copy of the demo instance (built once per run) served by `qadesk serve` on a free port."""
    instance = copy_demo(tmp_path_factory.mktemp("crawl") / "demo")
    with _serving(instance) as url:
        yield url


def test_every_link_every_demo_role_sees_opens_without_an_error(demo_url, capsys):
    """One test over the five roles, so that the demo is built once even when xdist spreads tests."""
    problems = []
    for role, (login, password) in ROLES.items():
        started = time.monotonic()
        result = crawl(demo_url, role, login, password)
        with capsys.disabled():
            print(f"\ncrawl as {role} ({login}): {result.visited} pages ({result.downloads} downloads)"
                  f" in {time.monotonic() - started:.1f} s")
        problems += [f"{role}: {s} {u}  (linked from {o})" for s, u, o in result.failures]
        problems += [f"{role}: markup or nothing in the title of {u}: {t!r}" for u, t in result.bad_titles]
        if result.visited < 10:  # the home links somewhere: a crawl that saw nothing proves nothing
            problems.append(f"{role}: only {result.visited} pages")
    assert problems == [], "\n".join(problems)
