"""Course Markdown (markdown-it-py, then nh3): what becomes HTML, and that nothing in a course can run script."""
from __future__ import annotations

import re

import pytest

from qa_app.views.markdown import COURSE_FILES, image_source, render_markdown


def flat(html) -> str:
    """The HTML without the newlines markdown-it puts between block tags."""
    return re.sub(r">\n+<", "><", str(html))


@pytest.mark.parametrize("source, html", [
    ("## Why", "<h3>Why</h3>"),
    ("# Title #", "<h2>Title</h2>"),
    ("第一行\n第二行", "<p>第一行第二行</p>"),
    ("a **bold** and *soft* `code`", "<p>a <strong>bold</strong> and <em>soft</em> <code>code</code></p>"),
    ("2*3*4 and a * b", "<p>2<em>3</em>4 and a * b</p>"),
    ("- a\n  still a\n- b", "<ul><li>a\nstill a</li><li>b</li></ul>"),
    ("1. x\n2. y", "<ol><li>x</li><li>y</li></ol>"),
    ("3. x\n4. y", '<ol start="3"><li>x</li><li>y</li></ol>'),
    ("intro\n\n- item", "<p>intro</p><ul><li>item</li></ul>"),
    ("| A | B |\n|---|:--:|\n| 1 | **2** |",
     "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td><strong>2</strong></td></tr>"
     "</tbody></table>"),
    ("```python\nif a < b:\n    pass\n```", "<pre><code>if a &lt; b:\n    pass\n</code></pre>"),
    ("    indented code", "<pre><code>indented code\n</code></pre>"),
    ("> quoted", "<blockquote><p>quoted</p></blockquote>"),
    ("[the policy](https://example.com/returns)",
     '<p><a href="https://example.com/returns" rel="noopener noreferrer">the policy</a></p>'),
    ("[write to us](mailto:help@example.com)",
     '<p><a href="mailto:help@example.com" rel="noopener noreferrer">write to us</a></p>'),
    ("[next page](/training/)", '<p><a href="/training/" rel="noopener noreferrer">next page</a></p>'),
    ("![flow](refund-flow.png)", f'<p><img src="{COURSE_FILES}refund-flow.png" alt="flow"></p>'),
    (f"![flow]({COURSE_FILES}a/b.png)", f'<p><img src="{COURSE_FILES}a/b.png" alt="flow"></p>'),
    ("", ""),
    (None, ""),
])
def test_the_supported_syntax_becomes_html(source, html):
    assert flat(render_markdown(source)) == html


XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '**<img src=x onerror="alert(1)">**',
    '<a href="javascript:alert(1)">x</a>',
    "[link](javascript:alert(1))",
    "[link](JaVaScRiPt:alert(1))",
    "[link](java\tscript:alert(1))",
    "[link](vbscript:msgbox(1))",
    "[link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](x.png" onerror="alert(1))',
    '[x](https://ok.example "title" onmouseover="alert(1)")',
    "<iframe src=https://evil.example></iframe>",
    "<svg onload=alert(1)>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<!-- <script>alert(1)</script> -->",
    "<form action=https://evil.example><input name=password></form>",
    "| <script>alert(1)</script> | y |\n|---|---|\n| [a](javascript:alert(1)) | b |",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]


@pytest.mark.parametrize("payload", XSS)
def test_no_payload_leaves_a_tag_an_event_handler_or_a_script_url(payload):
    html = str(render_markdown(payload)).lower()
    assert not re.search(r"<(script|iframe|svg|style|form|input|div|object|embed)\b", html)
    assert not re.search(r"<[^>]*\son\w+\s*=", html)  # an event handler attribute inside a tag
    assert not re.search(r"<[^>]*\s(href|src)\s*=\s*\"?\s*(javascript|vbscript|data):", html)


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    '<b onclick="alert(1)">x</b>',
])
def test_raw_html_is_shown_as_text(source):
    assert "&lt;" in str(render_markdown(source))


@pytest.mark.parametrize("src, kept", [
    ("diagram.png", COURSE_FILES + "diagram.png"),
    ("./img/diagram.png", COURSE_FILES + "img/diagram.png"),
    (COURSE_FILES + "12/photo.jpg", COURSE_FILES + "12/photo.jpg"),
    ("https://tracker.example/pixel.gif", None),
    ("//tracker.example/pixel.gif", None),
    ("/admin/users", None),
    ("/logout", None),
    ("../secret.png", None),
    (COURSE_FILES + "../admin", None),
    (COURSE_FILES + "%2e%2e/admin", None),
    ("data:image/png;base64,AAAA", None),
    ("C:\\pictures\\x.png", None),
])
def test_images_load_only_from_the_instances_course_files(src, kept):
    assert image_source(src) == kept


def test_an_outside_image_keeps_its_alt_text_but_loses_its_address():
    assert flat(render_markdown("![a receipt](https://tracker.example/x.png)")) == '<p><img alt="a receipt"></p>'


def test_every_link_opens_without_giving_the_page_away():
    html = str(render_markdown("[a](https://a.example) and <https://b.example>"))
    assert html.count('rel="noopener noreferrer"') == 2


def test_every_shipped_course_module_renders_with_no_raw_markup():
    from training.catalog import load_courses
    for course in load_courses():
        for module in course.modules:
            out = str(render_markdown(module.body_markdown))
            assert "<p>" in out, (course.code, module.title)
            assert "**" not in out and "\n## " not in out and "|---" not in out, (course.code, module.title)


@pytest.mark.parametrize(
    "href, expected",
    [("returns-form.pdf", "/training/files/returns-form.pdf"), ("./prices.xlsx", "/training/files/prices.xlsx"),
     ("guide.html", "guide.html"), ("a/b.pdf", "a/b.pdf"), ("https://example.org/x.pdf", "https://example.org/x.pdf"),
     ("../x.pdf", "../x.pdf")],
)
def test_a_link_to_a_course_file_by_name_points_at_the_course_files(href, expected):
    from qa_app.views.markdown import link_target
    assert link_target(href) == expected
