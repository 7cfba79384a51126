"""JSON API v1: token-authenticated (Authorization: Bearer qd_...), no cookies, so no CSRF."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, g, jsonify, request

from qa_app.extensions import csrf
from qa_app.services import ingest, scoring, tokens

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
INGEST_ROLES = ("admin", "reviewer", "lead")


def token_required(*roles: str):
    """401 without a valid token, 403 when the token's user lacks the role."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            user = tokens.authenticate(header[7:].strip()) if header.startswith("Bearer ") else None
            if user is None:
                return jsonify(error="a valid API token is required (Authorization: Bearer <token>)"), 401
            if user.role not in roles:
                return jsonify(error=f"role {user.role} may not use this endpoint"), 403
            g.api_user = user
            return view(*args, **kwargs)
        wrapper.allowed_roles = roles
        return wrapper
    return decorate


@bp.post("/conversations")
@token_required(*INGEST_ROLES)
def post_conversations():
    """Ingest one canonical conversation object or an array; answers per item, then scores them."""
    body = request.get_json(silent=True)
    if body is None:
        return jsonify(error="the body must be JSON: one conversation object or an array of them"), 400
    items = body if isinstance(body, list) else [body]
    results = ingest.ingest_api_items(items)
    stored = [r["conversation"] for r in results if r["status"] == "ingested"]
    if stored:
        scoring.score_pending(conversation_ids=stored)
    status = 200 if all(r["status"] != "error" for r in results) else 207
    return jsonify(results=results), status
