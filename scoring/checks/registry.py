"""Check types by name: the built-ins plus plugins from the "qadesk.checks" entry-point group (loaded lazily)."""
from __future__ import annotations

from functools import lru_cache
from importlib import metadata
from typing import Mapping

from scoring.checks.abandonment import NOT_ABANDONED
from scoring.checks.base import CheckType
from scoring.checks.calls import DEAD_AIR, HOLD_ETIQUETTE, OVERTALK, TALK_RATIO
from scoring.checks.compliance import DATA_HANDLING, ESCALATION_OFFERED, STEPS_COVERED
from scoring.checks.feelings import AGENT_NEVER_NEGATIVE, CUSTOMER_SENTIMENT_END, SENTIMENT_NOT_WORSE
from scoring.checks.intents import INTENT_ABSENT, INTENT_PRESENT
from scoring.checks.phrases import ORDERED_STEPS, PHRASES_ABSENT, PHRASES_PRESENT
from scoring.checks.timing import FIRST_RESPONSE_WITHIN, RESPONSE_TIMES_WITHIN, TICKET_TIME_LIMITS

ENTRY_POINT_GROUP = "qadesk.checks"

BUILTIN_CHECKS: Mapping[str, CheckType] = {
    c.name: c
    for c in (
        PHRASES_PRESENT,
        PHRASES_ABSENT,
        CUSTOMER_SENTIMENT_END,
        ORDERED_STEPS,
        DATA_HANDLING,
        ESCALATION_OFFERED,
        STEPS_COVERED,
        SENTIMENT_NOT_WORSE,
        AGENT_NEVER_NEGATIVE,
        FIRST_RESPONSE_WITHIN,
        RESPONSE_TIMES_WITHIN,
        DEAD_AIR,
        HOLD_ETIQUETTE,
        OVERTALK,
        TALK_RATIO,
        TICKET_TIME_LIMITS,
        INTENT_PRESENT,
        INTENT_ABSENT,
        NOT_ABANDONED,
    )
}


class UnknownCheckType(KeyError):
    """No built-in or plugin check type has this name; `str()` explains, naming plugin load failures."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown check type"


def _as_check_type(name: str, loaded: object) -> CheckType:
    """A plugin may expose a CheckType or a bare run function (then it accepts any parameters)."""
    if isinstance(loaded, CheckType):
        return loaded if loaded.name == name else CheckType(name, loaded.run, loaded.validate,
                                                            loaded.sentiment_turns, loaded.description)
    if callable(loaded):
        return CheckType(name, loaded)
    raise TypeError(f"entry point {name!r} is neither a CheckType nor a function")


@lru_cache(maxsize=1)
def _plugins() -> tuple[dict[str, CheckType], dict[str, str]]:
    """(plugins by name, load errors by name). Built-in names cannot be replaced by a plugin."""
    found: dict[str, CheckType] = {}
    errors: dict[str, str] = {}
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry.name in BUILTIN_CHECKS:
            errors[entry.name] = f"plugin {entry.value} cannot replace the built-in check"
            continue
        try:
            found[entry.name] = _as_check_type(entry.name, entry.load())
        except Exception as exc:  # a broken plugin must not break the built-in checks
            errors[entry.name] = f"plugin {entry.value} failed to load: {type(exc).__name__}: {exc}"
    return found, errors


def reload_plugins() -> None:
    """Forget loaded plugins so the next lookup scans the entry points again (after installing one)."""
    _plugins.cache_clear()


def get_check(name: str) -> CheckType:
    """The check type called `name`; plugins are only scanned for names that are not built in."""
    if name in BUILTIN_CHECKS:
        return BUILTIN_CHECKS[name]
    plugins, errors = _plugins()
    if name in plugins:
        return plugins[name]
    if name in errors:
        raise UnknownCheckType(f"unknown check type {name!r}: {errors[name]}")
    known = ", ".join(sorted(check_types()))
    raise UnknownCheckType(f"unknown check type {name!r} (known: {known})")


def check_types() -> dict[str, CheckType]:
    """Every available check type by name: built-ins, then plugins."""
    plugins, _ = _plugins()
    return {**BUILTIN_CHECKS, **plugins}
