"""The engineered intent rules: paraphrases in both languages, and no critical intent from negated or reported words."""
import importlib.util

import pytest

from scoring.intents import INTENTS, default_intent_model, intent_model
from scoring.intents.rules import RULE_SETS, expand
from scoring.text import normalise

HAS_SPEECH = importlib.util.find_spec("scoring.speech") is not None


def read(text, language="en"):
    return default_intent_model().intents([normalise(text)], language)[0]


@pytest.mark.parametrize("text, intent", [
    ("Hiya!", "greeting"), ("哈喽~", "greeting"), ("在的亲~", "greeting"), ("Good evening, Sam here from Brite", "greeting"),
    ("还有其他可以帮您的吗？", "closing"), ("Anything else today?", "closing"), ("您对这个处理结果还满意吗", "closing"),
    ("I'll email you on Monday with the update", "closing"), ("明天下午给您回电", "closing"),
    ("That must be so stressful for you", "empathy"), ("让您久等了，真的很抱歉", "empathy"),
    ("Managers don't talk to customers", "escalation_refusal"), ("You can file it yourself on the order page", "escalation_refusal"),
    ("My team leader Priya will call you back within the hour", "escalation_offer"), ("我帮您转接主管", "escalation_offer"),
    ("Can I speak to someone above you?", "escalation_request"), ("我要投诉你们", "escalation_request"),
    ("That's not our problem, ask the courier", "dismissal"), ("这个不归我们管，您自己找快递去", "dismissal"),
    ("It's not rocket science, is it?", "sarcasm"), ("Are you deaf?", "abuse"),
])
def test_a_paraphrase_expresses_its_intent(text, intent):
    language = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"
    found = read(text, language)
    assert intent in found, found
    assert 0.5 <= found[intent].confidence <= 1.0
    assert found[intent].matched in normalise(text)


@pytest.mark.skipif(not HAS_SPEECH, reason="scoring.speech (negation and reported speech) is not in this tree")
@pytest.mark.parametrize("text, language", [
    ("I am not saying it's your fault", "en"),
    ("the courier said it was your problem, I've complained about him", "en"),
    ("I can't guarantee Friday", "en"),
    ("快递员说这是你自己的问题，我已经投诉他了", "zh"),
    ("这不是您自己的问题", "zh"),
    ("我不能保证一定退款", "zh"),
])
def test_no_critical_intent_comes_from_negated_or_reported_words(text, language):
    found = read(text, language)
    assert not {"blame", "abuse", "promise", "review_for_reward"} & set(found), found


def test_every_intent_has_rules_in_both_languages_and_every_slot_is_known():
    for family, (slots, rules) in RULE_SETS.items():
        assert set(rules) == set(INTENTS), family
        for intent, listed in rules.items():
            for confidence, pattern in listed:
                assert 0 < confidence <= 1
                assert "<" not in expand(pattern, slots).replace("(?<", ""), (family, intent, pattern)


def test_reading_the_same_text_twice_gives_the_same_hits_and_an_unknown_model_is_named():
    assert read("Hello!") is read("Hello!")
    with pytest.raises(KeyError, match="unknown intent model 'nope'"):
        intent_model("nope")
