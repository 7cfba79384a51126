"""Reading pages as a browser would: the text of a response and the CSRF token of its form."""
from __future__ import annotations

import html
import re


def text_of(response) -> str:
    """The response body as text, HTML entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def token(page: str) -> str:
    """The CSRF token of the first form on `page`."""
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
