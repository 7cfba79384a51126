"""phrases_present, phrases_absent and ordered_steps, table-driven: (conversation, params) -> outcome."""
import pytest

from scoring_testkit import DictSentiment, check, conv

GREET = {"phrases": ["hello", "hi", "good morning"], "label": "greeting", "within_first_agent_turns": 2}
UPSET = {"markers": ["ridiculous", "投诉"], "sentiment_below": -0.3}
EMPATHY = {"phrases": ["sorry", "抱歉"], "label": "empathy phrase", "when_customer_upset": UPSET}

PRESENT = [
    ("greeting in the first agent turn passes",
     conv(("c", "where is my parcel"), ("a", "Hello! Let me look.")), GREET,
     "pass", 1.0, 'greeting "hello" in turn 2', [1]),
    ("greeting only in the third agent turn fails",
     conv(("a", "One moment."), ("a", "Checking."), ("a", "hi")), GREET,
     "fail", 0.0, "no greeting in the first 2 agent turns", []),
    ("empty agent turns do not use up the window",
     conv(("a", ""), ("a", "   "), ("a", "Good morning")), {**GREET, "within_first_agent_turns": 1},
     "pass", 1.0, 'greeting "good morning" in turn 3', [2]),
    ("customer and bot turns are not agent turns",
     conv(("c", "hello"), ("b", "hello"), ("a", "Sure.")), GREET,
     "fail", 0.0, "no greeting in the first 2 agent turns", []),
    ("full-width agent text still matches",
     conv(("a", "ＨＥＬＬＯ，ｗｅｌｃｏｍｅ")), GREET, "pass", 1.0, 'greeting "hello" in turn 1', [0]),
    ("a word that merely contains the phrase does not match",
     conv(("a", "This is Mike.")), GREET, "fail", 0.0, "no greeting in the first 2 agent turns", []),
    ("chinese greeting inside running text matches",
     conv(("a", "嗯您好，请问有什么可以帮您")), {"phrases": ["您好"], "within_first_agent_turns": 2},
     "pass", 1.0, 'required phrase "您好" in turn 1', [0]),
    ("no agent turn is not applicable",
     conv(("c", "hello?")), GREET, "na", None, "no agent turn with text", []),
    ("only empty agent turns is not applicable",
     conv(("a", ""), ("a", "🙂")), GREET, "na", None, "no agent turn with text", []),
    ("no turns at all is not applicable", conv(), GREET, "na", None, "no agent turn with text", []),
    ("closing in the last two agent turns passes",
     conv(("a", "anything else?"), ("a", "ok"), ("a", "Bye")),
     {"phrases": ["anything else", "bye"], "label": "closing", "within_last_agent_turns": 2},
     "pass", 1.0, 'closing "bye" in turn 3', [2]),
    ("closing before the last two agent turns fails",
     conv(("a", "anything else?"), ("a", "ok"), ("a", "done")),
     {"phrases": ["anything else"], "label": "closing", "within_last_agent_turns": 2},
     "fail", 0.0, "no closing in the last 2 agent turns", []),
    ("mode all gives partial credit and names what is missing",
     conv(("a", "I can offer a refund"), ("a", "ok")),
     {"phrases": ["refund", "replacement"], "mode": "all", "label": "option"},
     "fail", 0.5, 'option missing in any agent turn: "replacement"', [0]),
    ("mode all passes when every phrase occurs across turns",
     conv(("a", "refund"), ("a", "or a replacement")),
     {"phrases": ["refund", "replacement"], "mode": "all"},
     "pass", 1.0, "every required phrase found in any agent turn", [0, 1]),
    ("the customer can be the speaker",
     conv(("a", "anything else?"), ("c", "No thanks")), {"phrases": ["thanks"], "speaker": "customer"},
     "pass", 1.0, 'required phrase "thanks" in turn 2', [1]),
    ("regexes count as phrases",
     conv(("a", "Your order no. 12345 shipped")), {"phrases": ["tracking"], "regexes": [r"order no \d{5}"]},
     "pass", 1.0, r'required phrase "order no \d{5}" in turn 1', [0]),
]

UPSET_CASES = [
    ("calm customer makes empathy not applicable",
     conv(("c", "Where is it?"), ("a", "Here.")), {}, "na", None, "the customer was not upset", []),
    ("no customer turn makes empathy not applicable",
     conv(("a", "Hello")), {}, "na", None, "no customer turn", []),
    ("upset marker and an apology afterwards passes",
     conv(("c", "This is ridiculous!"), ("a", "I am so sorry.")), {},
     "pass", 1.0, 'empathy phrase "sorry" in turn 2', [1]),
    ("upset marker and no apology fails",
     conv(("c", "This is ridiculous!"), ("a", "Order number?")), {},
     "fail", 0.0, 'no empathy phrase in the agent turns after the customer was upset ("ridiculous", turn 1)', []),
    ("negative sentiment without a marker also counts as upset",
     conv(("c", "It broke after a day."), ("a", "Order number?")), {"It broke after a day.": -0.8},
     "fail", 0.0, "after the customer was upset (sentiment -0.80, turn 1)", []),
    ("sentiment just at the limit is not upset",
     conv(("c", "meh"), ("a", "ok")), {"meh": -0.3}, "na", None, "the customer was not upset", []),
    ("an apology before the customer got upset does not count",
     conv(("a", "Sorry for the wait."), ("c", "我要投诉"), ("a", "请提供订单号")), {},
     "fail", 0.0, '("投诉", turn 2)', []),
    ("upset only after the last agent turn is not applicable",
     conv(("a", "Anything else?"), ("c", "Ridiculous.")), {},
     "na", None, 'the customer was upset ("ridiculous") only after the last agent turn', []),
    ("chinese upset marker and chinese apology pass",
     conv(("c", "我要投诉你们！"), ("a", "非常抱歉给您带来不便")), {},
     "pass", 1.0, 'empathy phrase "抱歉" in turn 2', [1]),
    # The polarity is read in its dialogue (scoring.mood): a lexicon's "nope" is not a customer's mood.
    ("a no that answers anything else is not upset however negative the lexicon reads it",
     conv(("c", "Where is it?"), ("a", "Delivered today. Anything else?"), ("c", "nope, thanks!"), ("a", "Bye!")),
     {"nope, thanks!": -0.5}, "na", None, "the customer was not upset", []),
    ("a bare no that answers nothing is read as the lexicon reads it",
     conv(("c", "Is it here yet?"), ("a", "Delivered today."), ("c", "nope."), ("a", "Bye!")),
     {"nope.": -0.5}, "fail", 0.0, "(sentiment -0.50, turn 3)", []),
    ("exasperation the lexicon reads neutral is upset",
     conv(("c", "I've had it with this."), ("a", "Order number?")), {"I've had it with this.": 0.0},
     "fail", 0.0, "exasperated, turn 1)", []),
    ("worry counts as upset",
     conv(("c", "Hopefully it comes this time..."), ("a", "Order number?")), {},
     "fail", 0.0, "worried, turn 1)", []),
]


def test_an_upset_customer_after_the_agent_window_is_not_applicable():
    conversation = conv(("a", "hello"), ("c", "ridiculous"), ("a", "order number?"))
    params = {**EMPATHY, "within_first_agent_turns": 1}
    outcome = check(conversation, "phrases_present", **params)
    assert (outcome.result, outcome.explanation) == (
        "na", 'the customer was upset ("ridiculous") after the first agent turn')


def assert_outcome(outcome, result, score, explanation, evidence_turns):
    assert (outcome.result, outcome.score) == (result, score)
    assert explanation in outcome.explanation
    assert [e.turn for e in outcome.evidence] == evidence_turns


@pytest.mark.parametrize("case, conversation, params, result, score, explanation, turns", PRESENT,
                         ids=[c[0] for c in PRESENT])
def test_phrases_present(case, conversation, params, result, score, explanation, turns):
    assert_outcome(check(conversation, "phrases_present", **params), result, score, explanation, turns)


@pytest.mark.parametrize("case, conversation, polarity, result, score, explanation, turns", UPSET_CASES,
                         ids=[c[0] for c in UPSET_CASES])
def test_phrases_present_when_the_customer_is_upset(case, conversation, polarity, result, score, explanation,
                                                    turns):
    outcome = check(conversation, "phrases_present", DictSentiment(polarity), **EMPATHY)
    assert_outcome(outcome, result, score, explanation, turns)


FORBID = {"phrases": ["calm down", "不关我的事", "it's your fault"]}

ABSENT = [
    ("clean agent turns pass", conv(("a", "Hello"), ("c", "calm down"), ("a", "Bye")), FORBID,
     "pass", 1.0, "no forbidden phrase in 2 agent turns", []),
    ("a forbidden phrase fails with the offending turn as evidence",
     conv(("c", "where is it"), ("a", "Calm down, sir.")), FORBID,
     "fail", 0.0, 'forbidden phrase "calm down" in turn 2', [1]),
    ("every offending turn is evidence",
     conv(("a", "Its your fault."), ("a", "ok"), ("a", "这不关我的事")), FORBID,
     "fail", 0.0, 'forbidden phrase "it\'s your fault" in turn 1 and 1 more turn', [0, 2]),
    ("the speaker can be the customer",
     conv(("c", "calm down!")), {**FORBID, "speaker": "customer"},
     "fail", 0.0, 'forbidden phrase "calm down" in turn 1', [0]),
    ("speaker any covers agent and customer",
     conv(("c", "ok"), ("a", "fine")), {**FORBID, "speaker": "any"},
     "pass", 1.0, "no forbidden phrase in 2 any turns", []),
    ("no agent turn is not applicable", conv(("c", "calm down")), FORBID,
     "na", None, "no agent turn with text", []),
]


@pytest.mark.parametrize("case, conversation, params, result, score, explanation, turns", ABSENT,
                         ids=[c[0] for c in ABSENT])
def test_phrases_absent(case, conversation, params, result, score, explanation, turns):
    assert_outcome(check(conversation, "phrases_absent", **params), result, score, explanation, turns)


STEPS = {"steps": [
    {"name": "order", "phrases": ["订单号", "order number"]},
    {"name": "logistics", "phrases": ["物流", "tracking"]},
    {"name": "problem", "phrases": ["照片", "photo"]},
]}

ORDERED = [
    ("all steps in order pass",
     conv(("a", "请提供订单号"), ("c", "123"), ("a", "我查一下物流"), ("a", "麻烦拍个照片")), STEPS,
     "pass", 1.0, "all steps in order: order (turn 1), logistics (turn 3), problem (turn 4)", [0, 2, 3]),
    ("steps inside one turn in order pass",
     conv(("a", "Order number please; I'll check tracking, then send a photo.")), STEPS,
     "pass", 1.0, "all steps in order", [0]),
    ("steps inside one turn in the wrong order lose credit",
     conv(("a", "Send a photo, then your order number and I'll check tracking.")), STEPS,
     "fail", 0.6667, 'missing or out of order: "problem"', [0]),
    ("a step out of order loses credit",
     conv(("a", "我查一下物流"), ("a", "请提供订单号"), ("a", "请发照片")), STEPS,
     "fail", 0.6667, 'missing or out of order: "logistics"', [1, 2]),
    ("a missing step loses credit",
     conv(("a", "order number?"), ("a", "thanks")), STEPS,
     "fail", 0.3333, 'missing or out of order: "logistics", "problem"', [0]),
    ("steps said by the customer do not count",
     conv(("c", "订单号 物流 照片"), ("a", "好的")), STEPS,
     "fail", 0.0, '"order", "logistics", "problem"', []),
    ("no agent turn is not applicable", conv(("c", "hi")), STEPS, "na", None, "no agent turn with text", []),
]


@pytest.mark.parametrize("case, conversation, params, result, score, explanation, turns", ORDERED,
                         ids=[c[0] for c in ORDERED])
def test_ordered_steps(case, conversation, params, result, score, explanation, turns):
    assert_outcome(check(conversation, "ordered_steps", **params), result, score, explanation, turns)
