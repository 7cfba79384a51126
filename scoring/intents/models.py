"""The intent models by name, built lazily: which one the scorecards use and how to get the others."""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, Mapping

from scoring.intents.base import IntentModel


def _rules() -> IntentModel:
    from scoring.intents.rules import RuleIntents

    return RuleIntents()


def _linear() -> IntentModel:
    from scoring.intents.linear import LinearIntents

    return LinearIntents()


#: Approaches by name; DEFAULT is the one the check types use unless another model is passed in.
MODELS: Mapping[str, Callable[[], IntentModel]] = {"rules": _rules, "linear": _linear}
DEFAULT = "rules"


@lru_cache(maxsize=None)
def intent_model(name: str = DEFAULT) -> IntentModel:
    """The shared instance of the model called `name` (built on first use); KeyError names the known ones."""
    if name not in MODELS:
        raise KeyError(f"unknown intent model {name!r} (known: {', '.join(sorted(MODELS))})")
    return MODELS[name]()


def default_intent_model() -> IntentModel:
    """The model the shipped scorecards' intent checks use."""
    return intent_model(DEFAULT)
