"""after_customer, when_customer_mentions and the ready-made forbidden-phrase groups, table-driven."""
import pytest

from scoring.checks.phrase_groups import HOLD_PHRASES, HOLD_THANKS, PHRASE_GROUPS, group_phrases
from scoring.text import normalise
from scoring_testkit import DictSentiment, check, conv

SORRY = {"phrases": ["sorry", "抱歉"], "label": "apology"}
MARKERS = {"markers": ["ridiculous", "投诉"]}

AFTER = [
    ("an apology in the next agent turn passes",
     conv(("c", "This is ridiculous"), ("a", "I'm so sorry")), MARKERS,
     "pass", 1.0, "apology within 1 agent turn after 1 customer turn that needed it", [0, 1]),
    ("an apology only two agent turns later fails with the default window",
     conv(("c", "ridiculous!"), ("a", "Let me check"), ("a", "Sorry about that")), MARKERS,
     "fail", 0.0, "no apology within 1 agent turn after the customer's turn 1 (\"ridiculous\"); 0 of 1 answered",
     [0]),
    ("a wider window accepts the later apology",
     conv(("c", "ridiculous!"), ("a", "Let me check"), ("a", "Sorry about that")),
     {**MARKERS, "within_agent_turns": 2}, "pass", 1.0, "within 2 agent turns after 1 customer turn", [0, 2]),
    ("every triggering customer turn needs its own answer: score is the share answered",
     conv(("c", "ridiculous"), ("a", "sorry"), ("c", "ok"), ("c", "我要投诉"), ("a", "好的")), MARKERS,
     "fail", 0.5, "no apology within 1 agent turn after the customer's turn 4 (\"投诉\"); 1 of 2 answered", [0, 1, 3]),
    ("triggers with no agent turn between them are answered once",
     conv(("c", "ridiculous"), ("c", "投诉!"), ("a", "抱歉")), MARKERS,
     "pass", 1.0, "after 1 customer turn that needed it", [0, 2]),
    ("an apology before the trigger does not count",
     conv(("a", "sorry for the wait"), ("c", "ridiculous"), ("a", "ok")), MARKERS,
     "fail", 0.0, "0 of 1 answered", [1]),
    ("no trigger is not applicable",
     conv(("c", "where is my parcel"), ("a", "here")), MARKERS,
     "na", None, "no customer turn matched the markers or was negative enough", []),
    ("a trigger after the last agent turn is not applicable",
     conv(("a", "hello"), ("c", "ridiculous")), MARKERS,
     "na", None, "the customer's turn 2 (\"ridiculous\") came after the last agent turn", []),
    ("no customer turn is not applicable", conv(("a", "hello")), MARKERS, "na", None, "no customer turn", []),
    ("a negative customer turn triggers through sentiment",
     conv(("c", "I waited all week"), ("a", "ok")), {"sentiment_below": -0.3},
     "fail", 0.0, "after the customer's turn 1 (sentiment -0.60)", [0]),
    ("a mildly negative turn above the limit does not trigger",
     conv(("c", "meh"), ("a", "ok")), {"sentiment_below": -0.3},
     "na", None, "no customer turn matched", []),
]

SENTIMENT = DictSentiment({"I waited all week": -0.6, "meh": -0.1})


@pytest.mark.parametrize("case, conversation, after, result, score, explanation, turns", AFTER,
                         ids=[c[0] for c in AFTER])
def test_after_customer(case, conversation, after, result, score, explanation, turns):
    outcome = check(conversation, "phrases_present", SENTIMENT, after_customer=after, **SORRY)
    assert (outcome.result, outcome.score) == (result, score)
    assert explanation in outcome.explanation
    assert [e.turn for e in outcome.evidence] == turns


def test_after_customer_with_mode_all_needs_every_phrase_in_the_window():
    conversation = conv(("c", "ridiculous"), ("a", "sorry"), ("a", "I will refund you"))
    params = {"phrases": ["sorry", "refund"], "mode": "all", "after_customer": {**MARKERS, "within_agent_turns": 2}}
    assert check(conversation, "phrases_present", **params).result == "pass"
    narrow = {**params, "after_customer": MARKERS}
    assert check(conversation, "phrases_present", **narrow).result == "fail"


def test_after_customer_asks_sentiment_only_when_it_uses_it():
    conversation = conv(("c", "ridiculous"), ("a", "sorry"))
    markers_only = DictSentiment()
    check(conversation, "phrases_present", markers_only, after_customer=MARKERS, **SORRY)
    assert markers_only.calls == []
    with_sentiment = DictSentiment()
    check(conversation, "phrases_present", with_sentiment, after_customer={"sentiment_below": -0.3}, **SORRY)
    assert with_sentiment.calls == [(["ridiculous"], "en")]


RETURNS = {"phrases": ["30 days", "30天"], "label": "return policy", "when_customer_mentions": ["return", "退货"]}

MENTIONS = [
    ("no mention makes the check not applicable",
     "phrases_present", RETURNS, conv(("c", "where is my parcel"), ("a", "on its way")),
     "na", None, 'the customer did not mention "return", "退货"'),
    ("a mention makes the check apply and is named",
     "phrases_present", RETURNS, conv(("c", "Can I return it?"), ("a", "Yes, within 30 days.")),
     "pass", 1.0, 'return policy "30 days" in turn 2 (customer mentioned "return" in turn 1)'),
    ("a mention with a missing policy fails",
     "phrases_present", RETURNS, conv(("c", "我想退货"), ("a", "好的")),
     "fail", 0.0, 'no return policy in any agent turn (customer mentioned "退货" in turn 1)'),
    ("the agent mentioning it does not count",
     "phrases_present", RETURNS, conv(("a", "returns take 30 days"), ("c", "ok")),
     "na", None, "the customer did not mention"),
    ("phrases_absent can be limited to conversations about refunds",
     "phrases_absent", {"phrases": ["guaranteed"], "when_customer_mentions": ["refund"]},
     conv(("c", "refund please"), ("a", "It is guaranteed")),
     "fail", 0.0, 'forbidden phrase "guaranteed" in turn 2 (customer mentioned "refund" in turn 1)'),
    ("ordered_steps can be limited too",
     "ordered_steps", {"steps": [{"name": "order", "phrases": ["order number"]}], "when_customer_mentions": ["物流"]},
     conv(("c", "hi"), ("a", "hello")), "na", None, 'the customer did not mention "物流"'),
    ("the precondition comes before every other reason to be not applicable",
     "phrases_present", {**RETURNS, "when_customer_upset": MARKERS}, conv(("c", "return it"), ("a", "ok")),
     "na", None, 'the customer was not upset (customer mentioned "return" in turn 1)'),
]


@pytest.mark.parametrize("case, kind, params, conversation, result, score, explanation", MENTIONS,
                         ids=[c[0] for c in MENTIONS])
def test_when_customer_mentions(case, kind, params, conversation, result, score, explanation):
    outcome = check(conversation, kind, **params)
    assert (outcome.result, outcome.score) == (result, score)
    assert explanation in outcome.explanation


GROUPS = [
    ("profanity in english fails", ["profanity"], "Shut up and listen", "fail",
     'forbidden phrase "shut up" (profanity) in turn 1'),
    ("blaming in chinese fails", ["blaming"], "这是你自己的问题", "fail", 'forbidden phrase "你自己的问题" (blaming)'),
    ("blaming in english fails", ["blaming"], "Well, it's your fault.", "fail", '"it\'s your fault" (blaming)'),
    ("a prohibited promise fails", ["prohibited_promises"], "给个好评返现5元", "fail", '"好评返现" (prohibited promises)'),
    ("a review-for-refund offer fails", ["prohibited_promises"], "Leave a five-star review for a refund!", "fail",
     '"five-star review for a refund"'),
    ("an ordinary status update passes", ["blaming"], "You should have received an email.",
     "pass", "no forbidden phrase"),
    ("operating instructions are not profanity", ["profanity"], "请按照这个步骤操作，放进滚筒", "pass", ""),
    ("groups combine with own phrases", ["profanity"], "calm down", "fail", '"calm down" in turn 1'),
]


@pytest.mark.parametrize("case, groups, text, result, explanation", GROUPS, ids=[c[0] for c in GROUPS])
def test_phrases_absent_groups(case, groups, text, result, explanation):
    outcome = check(conv(("a", text)), "phrases_absent", groups=groups, phrases=["calm down"])
    assert outcome.result == result
    assert explanation in outcome.explanation


def test_groups_alone_are_enough():
    assert check(conv(("a", "I guarantee it")), "phrases_absent", groups=["prohibited_promises"]).result == "fail"


@pytest.mark.parametrize("name", sorted(PHRASE_GROUPS))
def test_every_group_has_english_and_chinese_phrases_that_normalise_to_something(name):
    assert set(PHRASE_GROUPS[name]) == {"en", "zh"}
    assert all(PHRASE_GROUPS[name][language] for language in ("en", "zh"))
    assert all(normalise(phrase) for phrase in group_phrases(name))


@pytest.mark.parametrize("phrases", [HOLD_PHRASES, HOLD_THANKS, *[group_phrases(n) for n in PHRASE_GROUPS]])
def test_ready_made_lists_have_no_duplicates_after_normalisation(phrases):
    normalised = [normalise(p) for p in phrases]
    assert len(normalised) == len(set(normalised))


def test_an_unknown_group_is_a_key_error():
    with pytest.raises(KeyError):
        group_phrases("rudeness")
