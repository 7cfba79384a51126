"""The JSON API's OpenAPI 3.1 document, built from the code on each request so it cannot drift.

- paths and methods come from the app's URL map (apispec's Flask plugin, MIT, marshmallow-code);
- who may call an operation comes from its `token_required` roles (`view.allowed_roles`);
- what each answer may carry comes from the view's own `@documented(...)` declaration, every
  error answer naming the stable `code`s it may hold;
- the conversation record's rules come from transcripts (channels, speakers, languages, reserved
  keys) and its limits from this instance's settings (QADESK_MAX_TURNS ...).

Only views marked with `documented` are in the document. This module knows nothing of the
views themselves (they import it), so it takes the default error codes as an argument.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable, Mapping, Optional, Union

from apispec import APISpec
from apispec_webframeworks.flask import FlaskPlugin
from flask import Flask

from transcripts.limits import Limits
from transcripts.model import CHANNELS
from transcripts.records import RESERVED_KEYS, TURN_SPEAKERS

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1"
BEARER = "bearer"
#: an answer: a component schema name (a success body) or the error `code`s it may carry
Answer = Union[str, tuple[str, ...]]


@dataclass(frozen=True)
class Operation:
    """One documented operation: a summary, the component schema of its JSON body (None: no
    body) and its answers by status. 500 (internal_error) is added to every operation, 401 and
    403 to every operation that needs a token."""

    summary: str
    body: Optional[str] = None
    answers: Mapping[int, Answer] = field(default_factory=dict)


def documented(summary: str, body: Optional[str] = None, answers: Optional[Mapping[int, Answer]] = None):
    """Mark a view for the OpenAPI document (its docstring becomes the description)."""
    def mark(view: Callable) -> Callable:
        view.openapi = Operation(summary, body, dict(answers or {}))
        return view
    return mark


def document(app: Flask, default_codes: Mapping[int, str], limits: Limits) -> dict:
    """The OpenAPI 3.1 document of every `documented` view of `app`, as a JSON-ready dict."""
    spec = APISpec(title="QA Desk API", version=API_VERSION, openapi_version=OPENAPI_VERSION,
                   plugins=[FlaskPlugin()], info={"description": _INTRO})
    spec.components.security_scheme(BEARER, {"type": "http", "scheme": "bearer",
                                             "description": "an API token: qadesk token create LOGIN"})
    for name, schema in schemas(limits).items():
        spec.components.schema(name, schema)
    for endpoint in sorted(app.view_functions):
        view = app.view_functions[endpoint]
        operation: Optional[Operation] = getattr(view, "openapi", None)
        if operation is None:
            continue
        methods = sorted({m for rule in app.url_map.iter_rules(endpoint) for m in rule.methods}
                         - {"HEAD", "OPTIONS"})
        spec.path(view=view, app=app,
                  operations={m.lower(): _operation(view, operation, default_codes) for m in methods})
    return spec.to_dict()


_INTRO = ("Token-authenticated JSON API of QA Desk. Every answer is JSON, errors too: "
          '{"error": an English message, "code": a stable snake_case name to branch on}. '
          "See docs/api.md.")


def _operation(view: Callable, operation: Operation, default_codes: Mapping[int, str]) -> dict:
    roles = getattr(view, "allowed_roles", None)
    answers = dict(operation.answers)
    answers.setdefault(500, ("internal_error",))
    description = inspect.cleandoc(view.__doc__ or "")
    doc: dict = {"operationId": view.__name__, "summary": operation.summary}
    if roles:
        answers.setdefault(401, (default_codes[401],))
        answers.setdefault(403, (default_codes[403],))
        doc["security"] = [{BEARER: []}]
        description += f"\n\nRoles that may call it: {', '.join(roles)}."
    doc["description"] = description
    if operation.body:
        doc["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(operation.body)}}}
    doc["responses"] = {str(status): _response(status, answer) for status, answer in sorted(answers.items())}
    return doc


def _response(status: int, answer: Answer) -> dict:
    if isinstance(answer, str):
        return {"description": answer, "content": {"application/json": {"schema": _ref(answer)}}}
    schema = {"allOf": [_ref("Error"), {"properties": {"code": {"enum": list(answer)}}}]}
    return {"description": "error: " + ", ".join(answer), "content": {"application/json": {"schema": schema}}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def schemas(limits: Limits) -> dict[str, dict]:
    """The component schemas (JSON Schema 2020-12): the canonical conversation record as
    transcripts.records validates it, within `limits`, and the API's answers."""
    return {
        "Turn": _turn(limits),
        "Conversation": _conversation(limits),
        "ConversationBatch": {
            "type": "object", "required": ["conversations"],
            "properties": {"conversations": {"type": "array", "items": _ref("Conversation")},
                           "create_agents": {"type": "boolean", "default": False,
                                             "description": "create unknown agents named by the items"}}},
        "IngestRequest": {"description": "one conversation, an array of them, or a batch",
                          "anyOf": [_ref("Conversation"), {"type": "array", "items": _ref("Conversation")},
                                    _ref("ConversationBatch")]},
        "IngestResult": _ingest_result(),
        "IngestResults": {"type": "object", "required": ["results"],
                          "properties": {"results": {"type": "array", "items": _ref("IngestResult")}}},
        "Error": {"type": "object", "required": ["error", "code"],
                  "properties": {"error": {"type": "string"},
                                 "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                                 "retry_after": {"type": "integer", "description": "seconds (503 database_busy)"}}},
        "OpenAPI": {"type": "object", "required": ["openapi", "info", "paths"],
                    "description": "this document"},
    }


def _text(max_chars: int, *, required: bool = False) -> dict:
    if required:
        return {"type": "string", "minLength": 1, "maxLength": max_chars, "pattern": r"\S"}
    return {"type": ["string", "null"], "maxLength": max_chars}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def _timestamp(limits: Limits) -> dict:
    return {"type": "string", "format": "date-time",
            "description": f"ISO-8601, in the years {limits.min_year}-{limits.max_year}; no zone means UTC"}


def _turn(limits: Limits) -> dict:
    seconds = {"type": "number", "minimum": 0}
    return {
        "type": "object", "required": ["speaker", "text"],
        "anyOf": [{"required": ["at"]}, {"required": ["start", "end"]}],
        "properties": {
            "speaker": {"enum": list(TURN_SPEAKERS)},
            "text": {"type": "string", "maxLength": limits.max_turn_chars},
            "at": _timestamp(limits),
            "start": seconds, "end": seconds | {"description": "seconds from the call's start, >= start"},
        },
    }


def _conversation(limits: Limits) -> dict:
    return {
        "type": "object", "required": ["id", "agent", "turns"],
        "description": "a canonical conversation (docs/formats.md); other keys are kept as metadata",
        "propertyNames": {"not": {"enum": sorted(RESERVED_KEYS)}},
        "properties": {
            "id": _text(limits.max_id_chars, required=True),
            "agent": _text(limits.max_id_chars, required=True) | {"description": "an agent's login"},
            "channel": _nullable({"enum": list(CHANNELS)}),
            "started_at": _nullable(_timestamp(limits)),
            "language": _nullable({"type": "string", "pattern": "^([Ee][Nn]|[Zz][Hh])([-_][A-Za-z0-9]+)*$"}),
            "queue": _text(limits.max_id_chars),
            "customer": _text(limits.max_id_chars),
            "csat": _nullable({"type": "integer", "minimum": 1, "maximum": 5}),
            "turns": {"type": "array", "minItems": 1, "maxItems": limits.max_turns, "items": _ref("Turn")},
        },
    }


def _ingest_result() -> dict:
    return {
        "type": "object", "required": ["index", "id", "status"],
        "properties": {
            "index": {"type": "integer", "minimum": 0},
            "id": {"type": ["string", "null"], "description": "the item's id as sent, when a string"},
            "status": {"enum": ["ingested", "duplicate", "conflict", "error"]},
            "conversation": {"type": "integer", "description": "the stored conversation's number"},
            "error": {"type": "string"},
            "code": {"enum": ["invalid_record", "conflict"]},
        },
        "oneOf": [
            {"properties": {"status": {"const": "ingested"}}, "required": ["conversation"]},
            {"properties": {"status": {"const": "duplicate"}}},
            {"properties": {"status": {"enum": ["conflict", "error"]}}, "required": ["error", "code"]},
        ],
    }
