"""Security headers, set on every response (pages, static files, the API, errors) from here only.

The Content-Security-Policy allows scripts only from the app's own files (no inline script, no
eval), styles from its own files plus inline style attributes (templates and chart libraries set
them; they cannot run code), images from the app and data: URLs, and no framing at all. A
response that set its own policy (e.g. course files, which are sandboxed) keeps it. HSTS is sent
only on HTTPS requests, so a plain-HTTP trial install is not locked out of itself.
"""
from __future__ import annotations

from flask import Flask, Response, request

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "media-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000"


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def install(app: Flask) -> None:
    app.after_request(add_headers)
