"""The course-body Markdown subset: what it turns into HTML, and that nothing else becomes markup."""
from __future__ import annotations

import pytest

from qa_app.views.markdown import render_markdown


@pytest.mark.parametrize("source, html", [
    ("## Why", "<h3>Why</h3>"),
    ("# Title #", "<h2>Title</h2>"),
    ("one\ntwo", "<p>one two</p>"),
    ("第一行\n第二行", "<p>第一行第二行</p>"),
    ("a **bold** and *soft* `code`", "<p>a <strong>bold</strong> and <em>soft</em> <code>code</code></p>"),
    ("2*3*4 and a * b", "<p>2*3*4 and a * b</p>"),
    ("- a\n  still a\n- b", "<ul><li>a still a</li><li>b</li></ul>"),
    ("1. x\n2) y", "<ol><li>x</li><li>y</li></ol>"),
    ("intro\n- item", "<p>intro</p>\n<ul><li>item</li></ul>"),
    ("| A | B |\n|---|:--:|\n| 1 | **2** |",
     "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td><strong>2</strong></td></tr></tbody></table>"),
    ("| not | a table |", "<p>| not | a table |</p>"),
    ("", ""),
    (None, ""),
])
def test_the_supported_syntax_becomes_html(source, html):
    assert render_markdown(source) == html


@pytest.mark.parametrize("source, html", [
    ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
    ('**<img src=x onerror="alert(1)">**', "<p><strong>&lt;img src=x onerror=&#34;alert(1)&#34;&gt;</strong></p>"),
    ("[link](javascript:alert(1))", "<p>[link](javascript:alert(1))</p>"),
    ("## <b>head</b>", "<h3>&lt;b&gt;head&lt;/b&gt;</h3>"),
    ("| <i>x</i> | y |\n|---|---|\n| & | ' |",
     "<table><thead><tr><th>&lt;i&gt;x&lt;/i&gt;</th><th>y</th></tr></thead>"
     "<tbody><tr><td>&amp;</td><td>&#39;</td></tr></tbody></table>"),
])
def test_everything_else_is_escaped_not_interpreted(source, html):
    assert render_markdown(source) == html


def test_every_shipped_course_body_renders_with_headings_and_no_raw_markup():
    from training.catalog import load_courses
    for course in load_courses():
        out = str(render_markdown(course.body_markdown))
        assert "<h3>" in out, course.code
        assert "**" not in out and "\n## " not in out and "|---" not in out, course.code
