"""Every page a demo role reaches, in Chinese, holds no English string of the interface: each role
signs in through the login form, chooses 中文 with the language switch, and walks every link as the
crawl of test_crawl_roles does (its crawler). On each page every text node and the attributes people
read (title, aria-label, placeholder, alt, a button's value), and the labels and legends of the
charts (the page's JSON data element that static/charts.js draws), are compared with the catalogue's
English texts (those whose Chinese differs) and with the scorer's explanation templates; user data
(conversation turns, quoted text, names, comments, code and identifiers) is left out.
"""
from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo

import qa_app
from qa_app import explanations
from tests.functional.test_crawl_roles import ROLES, _get, crawl, demo_url, log_in  # noqa: F401

pytestmark = [pytest.mark.slow]
MO = Path(qa_app.__file__).resolve().parent / "translations" / "zh" / "LC_MESSAGES" / "messages.mo"
#: Elements whose content is user data or machine text, never an interface string.
DATA_TAGS = {"script", "style", "textarea", "pre", "code", "blockquote", "kbd", "samp"}
#: Classes of elements whose content is user data: conversation turns, names, comments, identifiers.
DATA_CLASSES = {"turn", "turns", "turn-text", "text", "comment", "mono", "evidence", "reason", "why", "who",
                "login", "name", "params", "quote",
                "course-body", "summary",  # a course's own text, written by its author (the demo's are English)
                "kv"}  # a stored record's fields (audit details, a job's result), shown as recorded
#: Classes of interface parts inside user data (the role beside a name, the label before a text).
UI_CLASSES = {"role", "label"}
#: Texts that are user data although the catalogue has the same English, and where they stand.
DATA_TEXTS = {
    ("Administrator", None): "the display name `qadesk init` gives the first admin",
    ("admin", None): "the first admin's login",
    ("logistics", "<td>"): "a queue of the demo conversations (queues are named by the operator)",
    ("logistics", "<option>"): "the same queue in a filter",
    ("logistics", "<dd>"): "the same queue in a conversation's details (reached when the crawl's dates pick it)",
    ("logistics", "<a>"): "the same queue as the first cell of a QA overview row (a link to its conversations)",
    ("logistics", "<chart by_queue label>"): "the same queue as a bar of the QA overview's chart by queue",
    **{(criterion, "<td title>"): "a criterion id, the tooltip of its translated title on the lead's home"
       for criterion in ("greeting", "empathy", "closing")},
}
#: Pages another change owns, with what is left English on them (reported, not failed).
OPEN_PAGES: dict[str, str] = {}
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


class Catalogue:
    """The English texts a Chinese page must not show: the msgids whose Chinese differs (those with
    placeholders as patterns, indexed by their first word), and the explanation templates."""

    def __init__(self) -> None:
        with MO.open("rb") as f:
            entries = [(m.id, m.string) for m in read_mo(f) if isinstance(m.id, str) and m.id]
        self.exact, self.patterns = set(), {}
        for english, chinese in entries:
            if not chinese or chinese == english or not re.search(r"[A-Za-z]{2}", english):
                continue
            if "%" not in english:
                self.exact.add(_squeezed(english))
                continue
            parts = _PLACEHOLDER.split(english.replace("%%", "%"))
            # Indexed by the first word; one word and a value ("Conversation %(id)s") would match any text.
            if parts[0].split() and len(re.findall(r"[A-Za-z]{2,}", "".join(parts))) >= 2:
                pattern = ".+?".join(re.escape(_squeezed(p)) if p.strip() else "" for p in parts)
                self.patterns.setdefault(parts[0].split()[0], []).append(re.compile(pattern))
        explanations.use_catalogue(m for m, _ in entries)

    def english(self, text: str) -> str | None:
        """Why `text` is an untranslated interface string (which msgid or template), else None."""
        text = _squeezed(text)
        if not re.search(r"[A-Za-z]{2}", text):
            return None
        if text in self.exact:
            return "catalogue"
        for pattern in self.patterns.get(text.split()[0], ()):
            if pattern.fullmatch(text):
                return f"catalogue /{pattern.pattern}/"
        reading = explanations.read(text)
        if reading is not None and reading.unexplained == 0 and _worded(reading.template.text):
            return f"explanation {reading.template.text!r}"
        return None


def _worded(template: str) -> bool:
    """Whether a template has words of its own (not '"{phrase}"', which any quotation matches)."""
    literal = explanations.core.FIELD.sub(" ", template)
    return explanations.core.fields_of(template) != () and re.search(r"[A-Za-z]{3}", literal) is not None


def _squeezed(text: str) -> str:
    return " ".join(text.split())


class _Texts(HTMLParser):
    """(where, text) of every text node and read attribute outside user data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, inside user data)

    def _data(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        inside = self._data() or tag in DATA_TAGS or bool(classes & DATA_CLASSES) or "lang" in attrs and tag != "html"
        inside = inside and not (classes & UI_CLASSES and tag not in DATA_TAGS)
        if not inside:
            for name in READ_ATTRIBUTES:
                if attrs.get(name):
                    self.found.append((f"<{tag} {name}>", attrs[name]))
            if attrs.get("value") and (tag == "button" or attrs.get("type") in ("submit", "button", "reset")):
                self.found.append((f"<{tag} value>", attrs["value"]))
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "wbr", "col", "area", "base"):
            self._stack.append((tag, inside))

    def handle_endtag(self, tag):
        for k in range(len(self._stack) - 1, -1, -1):
            if self._stack[k][0] == tag:
                del self._stack[k:]
                break

    def handle_data(self, data):
        if data.strip() and not self._data():
            tag = self._stack[-1][0] if self._stack else "?"
            self.found.append((f"<{tag}>", data))


_CHART_DATA = re.compile(r'<script type="application/json" id="chart-data">(.*?)</script>', re.S)


def chart_texts(page: str) -> list[tuple[str, str]]:
    """(where, text) of what charts.js draws from the page's JSON data element: each chart's x labels
    and its datasets' labels (the legend). A <script> is skipped by _Texts, so read it here."""
    found = []
    for source in _CHART_DATA.findall(page):
        for chart, spec in json.loads(source).items():
            found += [(f"<chart {chart} label>", str(v)) for v in spec.get("labels") or () if isinstance(v, str)]
            found += [(f"<chart {chart} dataset>", d["label"]) for d in spec.get("datasets") or ()
                      if isinstance(d.get("label"), str)]
    return found


def choose_chinese(base: str, opener) -> None:
    """Post the language switch of the home page (with its CSRF token), as the user would click 中文."""
    _status, _headers, body = _get(opener, base)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', body.decode()).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "locale": "zh", "next": "/"}).encode()
    try:
        opener.open(urllib.request.Request(base + "language", data=form), timeout=60)
    except urllib.error.HTTPError as exc:
        assert exc.code in (302, 303), exc.code


def test_no_page_a_demo_role_reaches_in_chinese_shows_an_english_interface_string(demo_url, capsys):
    catalogue, found, left_open, pages = Catalogue(), {}, {}, {}

    def look(url: str, body: bytes) -> None:
        page = body.decode("utf-8", "replace")
        assert '<html lang="zh">' in page, f"{url} is not in Chinese"
        parser = _Texts()
        parser.feed(page)
        for where, text in parser.found + chart_texts(page):
            why = catalogue.english(text)
            text, path = _squeezed(text), urllib.parse.urlsplit(url).path
            if why is None or (text, None) in DATA_TEXTS or (text, where) in DATA_TEXTS:
                continue
            (left_open if path in OPEN_PAGES else found).setdefault((text, where, why), path)

    for role, (login, password) in ROLES.items():
        started = time.monotonic()
        opener = log_in(demo_url, login, password)
        choose_chinese(demo_url, opener)
        pages[role] = crawl(demo_url, role, login, password, opener=opener, on_page=look).visited
        with capsys.disabled():
            print(f"\nChinese sweep as {role}: {pages[role]} pages in {time.monotonic() - started:.1f} s")
    with capsys.disabled():
        for (text, where, _why), path in sorted(left_open.items()):
            print(f"left English on {path} ({OPEN_PAGES[path]}): {text!r} in {where}")
    assert all(n >= 10 for n in pages.values()), pages
    report = [f"{text!r} in {where} ({why}) on {path}" for (text, where, why), path in sorted(found.items())]
    assert report == [], f"{len(report)} English strings on Chinese pages:\n" + "\n".join(report)
