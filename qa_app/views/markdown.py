"""Course Markdown to safe HTML: markdown-it-py renders CommonMark with tables, nh3 sanitises the result.

Two layers, so a mistake in one does not open the page to script:

1. markdown-it-py runs with raw HTML off: ``<script>`` or ``<b onclick=…>`` in a course text is
   shown as text, and its link validator already refuses ``javascript:``, ``vbscript:``,
   ``file:`` and most ``data:`` URLs.
2. nh3 (the Ammonia sanitiser) then keeps only the tags and attributes listed here, only the
   URL schemes http, https and mailto (or relative URLs), and gives every link
   ``rel="noopener noreferrer"``.

Images may come only from the instance itself: a ``src`` under COURSE_FILES (the course-file
URL) or a plain relative path, which is read as a file under COURSE_FILES. Anything else (an
outside address, ``//host/x``, ``/admin/…``, ``../``) loses its ``src``, so a course cannot make
an agent's browser call another site or a page of this one.

Headings move down one level (``#`` becomes ``<h2>``) because the page title is the only ``<h1>``.
Chinese lines wrapped mid-sentence are joined without a stray space.
"""
from __future__ import annotations

import re
from typing import Optional
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from training.course_files import KINDS, extension

COURSE_FILES = "/training/files/"  # where the instance serves the files stored with its courses

_TAGS = {"h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "strong", "em", "s", "code", "pre", "blockquote",
         "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a", "img"}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
_SCHEMES = {"http", "https", "mailto"}
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_RELATIVE_FILE = re.compile(r"^(?![a-zA-Z][a-zA-Z0-9+.-]*:)(?!/)(?!.*\\)[^?#\s]+$")  # no scheme, no leading /


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("heading_open", _heading)
    md.add_render_rule("heading_close", _heading)
    md.add_render_rule("softbreak", _softbreak)
    return md


def _heading(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    level = min(int(token.tag[1]) + 1, 6)
    return f"<h{level}>" if token.nesting == 1 else f"</h{level}>\n"


def _softbreak(self, tokens, idx, options, env) -> str:
    """A line break inside a paragraph: nothing between two CJK characters, else a newline."""
    before = tokens[idx - 1].content if idx > 0 else ""
    after = tokens[idx + 1].content if idx + 1 < len(tokens) else ""
    if before and after and _CJK.match(before[-1]) and _CJK.match(after[0]):
        return ""
    return "\n"


def image_source(src: str) -> Optional[str]:
    """The URL an image may load from, or None when it points outside the instance's course files.

    ``COURSE_FILES…`` is kept; a relative path without ``..`` becomes ``COURSE_FILES + path``.
    """
    src = src.strip()
    if ".." in unquote(src):  # browsers read %2e%2e as .. too
        return None
    if src.startswith(COURSE_FILES):
        return src
    if _RELATIVE_FILE.match(src):
        return COURSE_FILES + src.removeprefix("./")
    return None


def link_target(href: str) -> str:
    """A link's URL: a plain relative file name with a course-file extension (``returns-form.pdf``)
    becomes ``COURSE_FILES + name``; anything else is kept for nh3 to check."""
    name = href.strip().removeprefix("./")
    if _RELATIVE_FILE.match(name) and "/" not in name and ".." not in unquote(name) and \
            extension(name) in KINDS:
        return COURSE_FILES + name
    return href


def _attribute(tag: str, attribute: str, value: str) -> Optional[str]:
    if tag == "img" and attribute == "src":
        return image_source(value)
    if tag == "a" and attribute == "href":
        return link_target(value)
    return value


_MD = _parser()


def render_markdown(text: str | None) -> Markup:
    """Sanitised HTML for a course text; safe to insert into a page as is."""
    html = _MD.render(text or "").strip()
    clean = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_SCHEMES,
                      link_rel="noopener noreferrer", strip_comments=True, attribute_filter=_attribute)
    return Markup(clean)
