"""Role checks for views: every route states which roles may use it."""
from __future__ import annotations

from qa_app.permissions import roles_with
from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def roles_required(*roles: str):
    """Decorator: the user must be logged in and hold one of `roles` (403 otherwise)."""
    def decorate(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        wrapper.allowed_roles = roles  # read by the test that checks every route has a role check
        return wrapper
    return decorate


ANY_ROLE = roles_with("use_app")
