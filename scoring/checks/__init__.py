"""Checks: pure functions (conversation, params, context) -> CheckOutcome, found by name in a registry."""
from scoring.checks.base import CheckContext, CheckOutcome, CheckType, Problems
from scoring.checks.registry import (
    BUILTIN_CHECKS,
    ENTRY_POINT_GROUP,
    UnknownCheckType,
    check_types,
    get_check,
    reload_plugins,
)

__all__ = [
    "BUILTIN_CHECKS",
    "ENTRY_POINT_GROUP",
    "CheckContext",
    "CheckOutcome",
    "CheckType",
    "Problems",
    "UnknownCheckType",
    "check_types",
    "get_check",
    "reload_plugins",
]
