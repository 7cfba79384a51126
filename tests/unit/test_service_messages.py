"""Every translated service message names exactly the values it is given: a placeholder without its
value (a KeyError) or a value without a placeholder (dropped) would only show on the rare path that
raises it, so the source is read instead."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import qa_app.services

SERVICES = Path(qa_app.services.__file__).resolve().parent
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def translated_calls():
    for path in sorted(SERVICES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
                yield f"{path.name}:{node.lineno}", node


def test_services_translate_their_messages():
    assert sum(1 for _ in translated_calls()) > 100


def test_every_translated_service_message_is_a_literal_with_one_value_per_placeholder():
    wrong = []
    for where, call in translated_calls():
        literal = call.args[0].value if call.args and isinstance(call.args[0], ast.Constant) else None
        given = {k.arg for k in call.keywords}
        if not isinstance(literal, str) or set(PLACEHOLDER.findall(literal)) != given:
            wrong.append(where)
        elif not given and "%" in literal:  # without values gettext does no formatting: "%%" would show
            wrong.append(where)
    assert wrong == []
