"""The auth blueprint and what its pages share (auth: log in and out; auth_password: one's own password)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths, so the login page cannot be used as an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None
