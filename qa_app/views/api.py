"""JSON API v1: token-authenticated (Authorization: Bearer qd_..., the scheme in any case), no
cookies, so no CSRF. Every answer under /api/ is JSON, errors too: {"error": text, "code": a
stable snake_case name clients may branch on} (see json_error and docs/formats.md, JSON API)."""
from __future__ import annotations

from functools import wraps
from typing import Optional

import swagger_ui_bundle
from flask import Blueprint, abort, current_app, g, jsonify, render_template, request, send_from_directory
from werkzeug.exceptions import HTTPException, InternalServerError

from qa_app import openapi

from qa_app.permissions import roles_with
from qa_app.extensions import csrf
from transcripts.limits import json_depth
from qa_app.services import ingest, tokens, transcription
from qa_app.settings import settings as instance_settings

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
INGEST_ROLES = roles_with("ingest")
BODY_DEPTH_MARGIN = 3  # levels an API body adds above a record's extra fields: [ {item} field
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 413: "payload_too_large", 500: "internal_error"}


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, message: str, code: Optional[str] = None):
    """The API's error answer: {"error", "code"} with `status`; `code` defaults to CODES'."""
    return jsonify(error=message, code=code or CODES.get(status, f"http_{status}")), status


def http_error(exc: HTTPException):
    """An HTTP error (unknown route, wrong method, body too large ...) of an /api/ request as JSON."""
    if exc.code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        return json_error(413, f"the request body is larger than the {limit:,} bytes accepted "
                               "(QADESK_MAX_REQUEST_BYTES); send fewer conversations per request")
    body, status = json_error(exc.code or 500, exc.description or exc.name)
    allowed = getattr(exc, "valid_methods", None)  # a 405 must name the methods allowed (RFC 9110)
    return (body, status, {"Allow": ", ".join(allowed)}) if allowed else (body, status)


@bp.app_errorhandler(InternalServerError)
def internal_error(exc: InternalServerError):
    """A server error: JSON under /api/ (the cause stays in the log), Flask's own page elsewhere."""
    if not is_api_request():
        return exc
    return json_error(500, "internal server error; nothing of this request was stored")


def token_required(*roles: str):
    """401 without a valid token, 403 when the token's user lacks the role."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            scheme, _space, credential = request.headers.get("Authorization", "").strip().partition(" ")
            user = tokens.authenticate(credential.strip()) if scheme.lower() == "bearer" else None
            if user is None:
                return json_error(401, "a valid API token is required (Authorization: Bearer <token>)")
            if user.role not in roles:
                return json_error(403, f"role {user.role} may not use this endpoint")
            g.api_user = user
            return view(*args, **kwargs)
        wrapper.allowed_roles = roles
        return wrapper
    return decorate


@bp.post("/conversations")
@openapi.documented("Ingest conversations", body="IngestRequest", answers={
    200: "IngestResults", 207: "IngestResults", 409: "IngestResults",
    400: ("invalid_json", "too_deep", "invalid_body", "bad_request"), 413: ("payload_too_large",),
    503: ("store_failed", "database_busy")})
@token_required(*INGEST_ROLES)
def post_conversations():
    """Ingest one canonical conversation object, an array of them, or {"conversations": [...],
    "create_agents": true}; answers per item and scores what was stored, in one commit.

    200: every item stored or a duplicate; 409: every item a conflict (its id is stored with
    other content); 207: a mix (an item over a limit is an "error" item naming its field);
    400: not JSON, or nested deeper than any record may be; 413: larger than
    QADESK_MAX_REQUEST_BYTES; 503: the database refused, nothing stored."""
    body, problem = _json_body()
    if problem:
        return problem
    items, create_agents = _request_items(body)
    if items is None:
        return json_error(400, "conversations: must be an array of conversation objects", "invalid_body")
    if not isinstance(create_agents, bool):
        return json_error(400, "create_agents: must be true or false", "invalid_body")
    options = ingest.IngestOptions(create_agents=create_agents, uploader_id=g.api_user.id,
                                   redaction=transcription.redaction_config())
    try:
        results = ingest.ingest_api_items(items, options)
    except ingest.StoreFailed as exc:
        return json_error(503, str(exc), "store_failed")
    return jsonify(results=results), _status(results)


def _json_body():
    """(the decoded body, None) or (None, the 400 answer): not JSON, or nested so deep that no
    record within the depth limit could be in it (the decoder's own recursion limit included)."""
    not_json = "the body must be JSON: one conversation object or an array of them"
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        body = RecursionError
    allowed = instance_settings().max_json_depth + BODY_DEPTH_MARGIN
    if body is RecursionError or (body is not None and json_depth(body) > allowed):
        return None, json_error(400, f"the body is nested more than {allowed} levels deep "
                                     "(QADESK_MAX_JSON_DEPTH); nothing was stored", "too_deep")
    if body is None:
        return None, json_error(400, not_json, "invalid_json")
    return body, None


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


# Swagger UI's files (the swagger-ui-bundle-v2 package), served by the app itself: no CDN
DOCS_ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"})


@bp.get("/openapi.json")
@openapi.documented("This OpenAPI document", answers={200: "OpenAPI"})
def openapi_json():
    """The OpenAPI 3.1 document of this API, generated from the code and this instance's limits.
    Public, like docs/api.md: it describes the API, not the instance's data."""
    return jsonify(openapi.document(current_app, CODES, instance_settings().limits()))


@bp.get("/docs")
def docs():
    """The API's documentation page (Swagger UI rendering openapi.json); public."""
    return render_template("api/docs.html")


@bp.get("/docs/<name>")
def docs_asset(name: str):
    if name not in DOCS_ASSETS:
        abort(404)
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, name, max_age=86400)
