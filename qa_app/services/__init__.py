"""Service layer: load rows, call the pure core, write rows, commit once. Views and CLI call only these."""


class ServiceError(Exception):
    """A user-facing failure (bad input, unknown id, not allowed); the message is safe to show."""


class NotFound(ServiceError):
    """The thing does not exist, or the user may not see it (both answer 404)."""
