"""The customer's end mood is read from the last customer turns in their dialogue (scoring.mood)."""
import pytest

from scoring.scorecard import load_scorecard_yaml
from scoring.engine import evaluate
from scoring.mood import customer_mood
from scoring.sentiment import DefaultSentiment, MappingSentiment
from transcripts.model import Conversation, Turn


def chat(*turns, language="en"):
    speakers = {"a": "agent", "c": "customer"}
    return Conversation("mood-1", "agent.a", tuple(Turn(speakers[s], t) for s, t in turns), language=language)


def mood_of(conversation, values):
    polarity = {i: values[t.text] for i, t in conversation.customer_turns() if t.text in values}
    return customer_mood(conversation, polarity)


# Polarities are what a lexicon might give; the dialogue decides the end label.
CASES = [
    ("a no that answers anything else is not negative",
     [("c", "where is it"), ("a", "Delivered today. Anything else I can help with?"), ("c", "nope")],
     {"where is it": 0.0, "nope": -0.4}, "neutral"),
    ("a warm decline is positive", [("a", "Is there anything else?"), ("c", "nope, all good")],
     {"nope, all good": -0.18}, "positive"),
    ("no thanks is a polite formula, neutral", [("a", "Anything else today?"), ("c", "No thanks")],
     {"No thanks": 0.3}, "neutral"),
    ("没有了 after 还有其他问题吗 is not negative", [("a", "请问还有其他问题吗？"), ("c", "没有了")],
     {"没有了": -0.3}, "neutral"),
    ("不用了谢谢 declines politely", [("a", "还有什么可以帮您的吗"), ("c", "不用了，谢谢")],
     {"不用了，谢谢": -0.1}, "neutral"),
    ("the same no without the agent's offer keeps its polarity", [("a", "Did it arrive?"), ("c", "nope")],
     {"nope": -0.4}, "negative"),
    ("exasperation a lexicon misses is negative", [("a", "It may take a week."), ("c", "I've had it with this.")],
     {"I've had it with this.": 0.0}, "negative"),
    ("算了 is resignation", [("a", "只能等快递了"), ("c", "算了吧")], {"算了吧": 0.1}, "negative"),
    ("worry about the outcome is negative", [("a", "It ships today."), ("c", "Hopefully it arrives this time")],
     {"Hopefully it arrives this time": 0.4}, "negative"),
    ("thanks after a resolution is positive", [("a", "Refund issued."), ("c", "thank you")],
     {"thank you": 0.1}, "positive"),
    ("sarcastic thanks is not", [("a", "Nothing more I can do."), ("c", "Thanks for nothing.")],
     {"Thanks for nothing.": 0.3}, "negative"),
    ("a bare closing word keeps the feeling before it",
     [("c", "Perfect, thank you so much!"), ("a", "You're welcome"), ("c", "bye")],
     {"Perfect, thank you so much!": 0.8, "bye": 0.0}, "positive"),
    ("a flat acknowledgement alone is neutral", [("a", "Your new order is 5512."), ("c", "ok")],
     {"ok": -0.3}, "neutral"),
]


@pytest.mark.parametrize("case, turns, values, label", CASES, ids=[c[0] for c in CASES])
def test_the_end_mood_reads_the_last_customer_turns_in_their_dialogue(case, turns, values, label):
    assert mood_of(chat(*turns), values).label == label


def test_start_end_and_lowest_are_kept_with_the_turns_the_end_rests_on():
    conversation = chat(("c", "awful"), ("a", "sorry"), ("c", "better"), ("a", "ok?"), ("c", "great thanks"))
    mood = mood_of(conversation, {"awful": -0.8, "better": 0.2, "great thanks": 0.7})
    assert (mood.start, mood.end, mood.lowest, mood.end_turns) == (-0.8, 0.7, -0.8, (4,))
    assert mood.as_meta() == {"start": -0.8, "end": 0.7, "min": -0.8, "label": "positive", "end_turns": [4],
                              "why": "thanks last turn"}


def test_no_scored_customer_turn_has_no_mood():
    assert customer_mood(chat(("a", "hello")), {}) is None


# The shipped scorecards do not grade the customer's mood (it is the customer's, not the agent's); an
# organisation that wants it adds the check with the shipped threshold, as here.
END_CARD = load_scorecard_yaml("""
name: mood-at-end
title: Mood at the end
language: en
sections:
  - id: closing
    title: Closing
    criteria:
      - {id: customer_sentiment_end, title: The customer is not negative at the end, weight: 8,
         check: {type: customer_sentiment_end, min: -0.05}}
""")


def test_the_check_and_the_stored_summary_agree_through_a_scorecard():
    conversation = chat(("c", "My parcel never came."), ("a", "I'm sorry, I have sent a replacement today."),
                        ("a", "Is there anything else I can help you with?"), ("c", "nope, all good"))
    result = evaluate(conversation, END_CARD, DefaultSentiment())
    mood = customer_mood(conversation, result.turn_sentiment)
    criterion = next(r for r in result.criteria if r.criterion_id == "customer_sentiment_end")
    assert criterion.result == "pass" and mood.label == "positive"
    assert f"{mood.end:.2f}" in criterion.explanation and "positive" in criterion.explanation


@pytest.mark.parametrize("text", ["I've had it with this.", "Forget it, I'm done with you people."])
def test_exasperation_fails_the_end_check_even_when_the_lexicon_reads_it_neutral(text):
    conversation = chat(("c", "Where is my order?"), ("a", "It is delayed another week."), ("c", text))
    result = evaluate(conversation, END_CARD, MappingSentiment({}, default=0.0))
    criterion = next(r for r in result.criteria if r.criterion_id == "customer_sentiment_end")
    assert criterion.result == "fail" and "exasperated" in criterion.explanation


def test_the_mood_asked_for_twice_is_read_once_and_new_polarities_read_afresh():
    conversation = chat(("c", "where is it"), ("a", "Delivered today."), ("c", "great, thanks"))
    first = customer_mood(conversation, {0: -0.5, 2: 0.1})
    assert customer_mood(conversation, {0: -0.5, 2: 0.1}) is first
    other = customer_mood(conversation, {0: -0.5, 2: -0.9})
    assert other is not first and other.end == -0.9 and other.lowest == -0.9
    assert customer_mood(conversation, {}) is None


def test_a_bare_last_reply_after_a_neutral_turn_is_read_alone():
    conversation = chat(("c", "where is it"), ("a", "Delivered today."), ("c", "ok"))
    mood = customer_mood(conversation, {0: 0.05, 2: 0.05})
    assert (mood.end_turns, mood.why) == ((2,), "flat last turn")
