"""Service layer: load rows, call the pure core, write rows, commit once. Views and CLI call only these."""


class ServiceError(Exception):
    """A user-facing failure (bad input, unknown id, not allowed); the message is safe to show.

    Services write it with flask_babel's gettext (`_("no team %(team)r", team=team)`), so it is in
    the language of the web request being answered, and English on the command line, in jobs and
    for the JSON API; messages passed on from the pure core stay English (docs/translations.md)."""


class NotFound(ServiceError):
    """The thing does not exist, or the user may not see it (both answer 404)."""


def database_busy(exc: BaseException) -> bool:
    """Whether a database error says another writer held a lock past the wait allowed: SQLite's
    "database is locked" / "database is busy" (busy timeout) or PostgreSQL's lock timeout (SQLSTATE
    55P03). The one test of it, for services and views."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) == "55P03":
        return True
    message = str(orig).lower()
    return "database is locked" in message or "database is busy" in message
