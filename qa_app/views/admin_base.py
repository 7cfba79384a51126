"""The administration blueprint, shared by the modules that add its routes (admin, admin_scorecards,
admin_rules), so they need not import one another."""
from __future__ import annotations

from flask import Blueprint, request

bp = Blueprint("admin", __name__, url_prefix="/admin")


def arg(name: str) -> str | None:
    """A query argument stripped, None when absent or blank (a list filter left empty)."""
    return (request.args.get(name) or "").strip() or None
