"""The shipped scorecards read professional language and abuse or blame by meaning (the semantic
layer's intents in the agent's own words), with their phrase lists as the fallback (issue #9, part 2)."""
import pytest

from scoring.catalog import shipped_scorecard
from tests.unit.scoring.test_shipped_scorecards_cover import assert_result, scored

# Per criterion and expected result: (kind of conversation, agent turn).
MEANING = {
    # Paraphrased blame and mockery that no listed phrase catches fail the evaluation.
    ("abuse_blame", "fail"): [("en-chat", "Honestly, that bit is on you, the address you typed was wrong."),
                              ("en-call", "Well done, genius, you ordered the wrong size again."),
                              ("zh-chat", "这都不会吗，页面上写得清清楚楚")],
    # Negated, quoted or reported blame is not the agent's own words; a brush-off is no abuse.
    ("abuse_blame", "pass"): [("en-chat", "I am not saying it's your fault at all."),
                              ("en-call", "The driver said it was your problem; I've complained about him."),
                              ("zh-chat", "快递员说这是你自己的问题，我已经投诉他了"),
                              ("en-chat", "Not our department, you'll have to chase the courier about that.")],
    # A brush-off without a listed phrase fails professional language, but not the evaluation.
    ("forbidden_phrases", "fail"): [("en-chat", "Not our department, you'll have to chase the courier about that.")],
    # "he'll" reads "hell" once apostrophes are dropped: it is no swearing.
    ("forbidden_phrases", "pass"): [("en-call", "He'll call you back within two business days."),
                                    ("zh-call", "我马上为您联系快递，今天给您回复")],
}
ROWS = [(kind, turn, criterion, expected) for (criterion, expected), rows in MEANING.items() for kind, turn in rows]


@pytest.mark.parametrize("kind, agent_turn, criterion, expected", ROWS)
def test_blame_mockery_and_brush_offs_are_read_by_meaning_in_the_agents_own_words(kind, agent_turn, criterion,
                                                                                    expected):
    assert_result(kind, [("c", "my order is wrong"), ("a", "hello"), ("a", agent_turn)], criterion, expected)


@pytest.mark.parametrize("kind", ["en-chat", "en-call", "zh-chat"])
def test_paraphrased_blame_fails_the_whole_evaluation(kind):
    turn = "这都不会吗，页面上写得清清楚楚" if kind.startswith("zh") else "Honestly, that bit is on you."
    _, results, result = scored(kind, [("c", "my order is wrong"), ("a", "hello"), ("a", turn)])
    assert result.auto_fail and result.score == 0
    assert "intent" in results["abuse_blame"].explanation


@pytest.mark.parametrize("name", ["general-en", "ecommerce-chat-en", "ecommerce-aftersales-zh"])
def test_language_criteria_read_intents_and_keep_their_phrase_lists_as_the_fallback(name):
    criteria = {c.id: c for _, c in shipped_scorecard(name).criteria()}
    for cid, intents in (("abuse_blame", {"blame", "abuse", "sarcasm"}),
                         ("forbidden_phrases", {"blame", "abuse", "sarcasm", "dismissal", "profanity"})):
        check = criteria[cid].check
        assert check.type == "intent_absent" and set(check.params["intents"]) == intents
        assert check.params["phrases"]
