"""The semantic layer: which intents (greeting, empathy, blame, promise, closing...) a turn expresses,
with a confidence and the matched span; approaches sit behind one interface, IntentModel."""
from scoring.intents.base import (
    AGENT_INTENTS,
    CUSTOMER_INTENTS,
    INTENTS,
    OWN_WORDS_ONLY,
    IntentHit,
    IntentModel,
    own_words,
)
from scoring.intents.models import MODELS, default_intent_model, intent_model

__all__ = [
    "AGENT_INTENTS", "CUSTOMER_INTENTS", "INTENTS", "MODELS", "OWN_WORDS_ONLY", "IntentHit", "IntentModel",
    "default_intent_model", "intent_model", "own_words",
]
