"""The favicon: linked from every page's layout, /favicon.ico and /favicon.svg answer the SVG in
qa_app/static with a week's cache header, to anyone (the login page shows it too)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "qa_app" / "static"


@pytest.mark.parametrize("url", ["/favicon.ico", "/favicon.svg"])
def test_the_favicon_is_served_with_a_cache_header_without_login(client, url):
    answer = client.get(url)
    assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
    assert answer.get_data() == (STATIC / "favicon.svg").read_bytes()
    assert answer.cache_control.max_age == 7 * 24 * 3600 and answer.cache_control.public


def test_the_layout_links_it(client):
    page = client.get("/login").get_data(as_text=True)
    assert re.search(r'<link rel="icon" type="image/svg\+xml" href="/favicon\.(ico|svg)">', page)
