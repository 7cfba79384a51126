"""The password rule, in one place: at least MIN_LENGTH characters, not the login, and not one of
the 20,000 most common passwords (the list shipped in qa_app/data, see COMMON-PASSWORDS.md).

Pure (no Flask, no database): the services, the settings check of QADESK_ADMIN_PASSWORD and the
forms all ask `problem()`, so every place a password is set applies the same rule."""
from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path
from typing import Optional

from flask_babel import gettext as _

MIN_LENGTH = 12
LIST_FILE = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list, lowercased (read once per process)."""
    with gzip.open(LIST_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def problem(password: str, login: str = "") -> Optional[str]:
    """Why `password` is refused ("" passwords included), or None when it is allowed.

    The answer never repeats the password. Case does not rescue a common password
    ("Password1234" is "password1234")."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return _("must be at least %(min)d characters (this one has %(n)d)", min=MIN_LENGTH, n=len(password))
    lowered = password.lower()
    if login and lowered == login.strip().lower():
        return _("must not be the login")
    if lowered in common_passwords() or lowered.strip() in common_passwords():
        return _("is one of the most common passwords; choose another")
    return None
