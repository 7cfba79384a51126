"""The Content-Security-Policy allows scripts only from the app's own files (script-src 'self'): no
template may carry an inline script, an event-handler attribute or a javascript: link, which the
browser would refuse to run (a silently dead button). JSON data blocks are allowed: never run."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def _problems(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    where = path.relative_to(ROOT)
    # a JSON data block (type="application/json") is data the browser never runs, so it is allowed
    found = [f"{where}: inline <script>" for attrs, body in SCRIPT_TAG.findall(text)
             if 'type="application/json"' not in attrs and ("src=" not in attrs or body.strip())]
    found += [f"{where}: event-handler attribute {m.group(0)[-20:]!r}" for m in HANDLER.finditer(text)]
    found += [f"{where}: javascript: URL" for _ in JS_URL.finditer(text)]
    return found


def test_no_template_has_an_inline_script_or_an_event_handler_attribute():
    templates = sorted((ROOT / "templates").rglob("*.html"))
    assert len(templates) > 50
    problems = [p for t in templates for p in _problems(t)]
    assert problems == [], "move the code into qa_app/static/*.js:\n" + "\n".join(problems)


def test_the_check_catches_each_kind_of_inline_code(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text('<script>alert(1)</script><button onclick="go()">x</button><a href="javascript:go()">y</a>'
                   '<script src="/static/a.js"></script><script type="application/json">{"a": 1}</script>', encoding="utf-8")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = _problems(bad)
    finally:
        ROOT = saved
    assert len(found) == 3 and "inline <script>" in found[0]
