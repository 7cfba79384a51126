"""Imported once by the scoring workers' forkserver (scoring_pool._context): what every worker
would otherwise build for itself on its first conversations, whatever the scorecards (the intent
rules' regexes and the shipped sentiment models, about half a second), is built here before the
workers are forked, so they inherit it. Phrase matchers are left to each worker: they depend on
the instance's scorecards, and compiling those of every shipped one took three times longer than
a worker spends compiling the few it meets; scoring one made-up conversation per active scorecard
and channel here cost 0.63 CPU-s and saved each worker's first chunk only 0.25 (of its 0.5 extra:
the rest is the phrases its conversations meet). Importing this module elsewhere only costs that time."""
from __future__ import annotations

from scoring.intents.models import default_intent_model
from scoring.sentiment import DefaultSentiment


def warm_up() -> None:
    """Read one English and one Chinese text with the default intent model and sentiment analyser
    (both keep what they compile in module-level caches)."""
    intents, sentiment = default_intent_model(), DefaultSentiment()
    for text, language in (("thank you for waiting", "en"), ("感谢您的耐心等待", "zh")):
        intents.intents([text], language)
        sentiment.polarity([text], language)


warm_up()
