"""JSON API v1: token-authenticated (Authorization: Bearer qd_...), no cookies, so no CSRF."""
from __future__ import annotations

from functools import wraps
from typing import Optional

from flask import Blueprint, g, jsonify, request

from qa_app.permissions import roles_with
from qa_app.extensions import csrf
from qa_app.services import ingest, tokens, transcription

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
INGEST_ROLES = roles_with("ingest")


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
    """Ingest one canonical conversation object, an array of them, or {"conversations": [...],
    "create_agents": true}; answers per item and scores what was stored, in one commit.

    200: every item stored or a duplicate; 409: every item a conflict (its id is stored with
    other content); 207: a mix; 400: not JSON; 503: the database refused, nothing stored."""
    body = request.get_json(silent=True)
    if body is None:
        return jsonify(error="the body must be JSON: one conversation object or an array of them"), 400
    items, create_agents = _request_items(body)
    if items is None:
        return jsonify(error="conversations: must be an array of conversation objects"), 400
    if not isinstance(create_agents, bool):
        return jsonify(error="create_agents: must be true or false"), 400
    options = ingest.IngestOptions(create_agents=create_agents, uploader_id=g.api_user.id,
                                   redaction=transcription.redaction_config())
    try:
        results = ingest.ingest_api_items(items, options)
    except ingest.StoreFailed as exc:
        return jsonify(error=str(exc)), 503
    return jsonify(results=results), _status(results)


def _request_items(body) -> tuple[Optional[list], object]:
    """(the conversation items, create_agents) of a request body."""
    if isinstance(body, dict) and "conversations" in body and "turns" not in body:
        items = body["conversations"]
        return (items if isinstance(items, list) else None), body.get("create_agents", False)
    return (body if isinstance(body, list) else [body]), False


def _status(results: list[dict]) -> int:
    statuses = {r["status"] for r in results}
    if statuses <= {"ingested", "duplicate"}:
        return 200
    return 409 if statuses == {"conflict"} else 207
