"""intent_present and intent_absent: windows, preconditions, explanations naming intent, text and confidence."""
import pytest

from scoring.checks import get_check
from scoring.checks.intents import use_intent_model
from scoring.engine import prepare_context
from scoring.intents import IntentHit
from scoring.scorecard import CheckSpec, freeze
from scoring_testkit import DictSentiment, check, conv


def test_an_informal_greeting_in_the_first_agent_turn_passes_with_intent_text_and_confidence():
    outcome = check(conv(("c", "hey my parcel is late"), ("a", "Hiya! Let me look.")), "intent_present",
                    intent="greeting", within_first_agent_turns=1)
    assert outcome.result == "pass"
    assert outcome.explanation == 'greeting intent (0.95) in turn 2: "hiya"'
    assert [e.turn for e in outcome.evidence] == [1]


def test_a_greeting_that_comes_only_in_the_second_agent_turn_fails_the_first_turn_window():
    outcome = check(conv(("a", "Order number?"), ("c", "123"), ("a", "Hello, thanks!")), "intent_present",
                    intent="greeting", within_first_agent_turns=1)
    assert outcome.result == "fail"
    assert "no greeting intent in the first agent turn" in outcome.explanation


@pytest.mark.parametrize("text", ["在的亲~", "哈喽，请问有什么可以帮您", "Hello there!"])
def test_chinese_informal_greetings_count(text):
    outcome = check(conv(("c", "在吗"), ("a", text)), "intent_present", intent="greeting",
                    within_first_agent_turns=1, language="zh")
    assert outcome.result == "pass"


def test_a_closing_question_in_chinese_in_the_last_two_agent_turns_passes():
    outcome = check(conv(("a", "您好"), ("c", "好的"), ("a", "还有其他可以帮您的吗？"), ("a", "祝您生活愉快")),
                    "intent_present", intent="closing", within_last_agent_turns=2, language="zh")
    assert outcome.result == "pass"
    assert "closing intent" in outcome.explanation and "turn 3" in outcome.explanation


def test_bye_now_is_no_closing_at_the_default_confidence():
    outcome = check(conv(("a", "Done, refund processed."), ("a", "Bye now")), "intent_present",
                    intent="closing", within_last_agent_turns=2)
    assert outcome.result == "fail"


def test_escalation_is_na_when_the_customer_never_asks():
    outcome = check(conv(("c", "where is my parcel"), ("a", "It arrives tomorrow.")), "intent_present",
                    intent="escalation_offer", when_customer_intent="escalation_request")
    assert outcome.result == "na"


def test_an_ignored_request_for_a_manager_fails_and_a_transfer_passes():
    ignored = conv(("c", "I want to speak to your manager"), ("a", "The refund takes 5 days."))
    offered = conv(("c", "Get me your supervisor now"), ("a", "Of course, let me transfer you to my supervisor."))
    params = dict(intent="escalation_offer", when_customer_intent="escalation_request")
    failed, passed = check(ignored, "intent_present", **params), check(offered, "intent_present", **params)
    assert failed.result == "fail" and [e.turn for e in failed.evidence] == [0]
    assert passed.result == "pass" and [e.turn for e in passed.evidence] == [0, 1]
    assert "escalation offer intent" in passed.explanation


def test_a_refusal_after_the_customer_asks_for_the_store_manager_fails_with_the_refusal_as_evidence():
    c = conv(("c", "叫你们店长出来"), ("a", "店长不接待顾客的"), language="zh")
    outcome = check(c, "intent_present", intent="escalation_offer", when_customer_intent="escalation_request",
                    fails_with=["escalation_refusal"], language="zh")
    assert outcome.result == "fail"
    assert "escalation refusal intent" in outcome.explanation
    assert [e.turn for e in outcome.evidence] == [0, 1]


def test_empathy_is_na_until_the_customer_is_upset_and_passes_on_a_paraphrase():
    calm = conv(("c", "What is the return address?"), ("a", "It is on the label."))
    upset = conv(("c", "This is ridiculous, I'm so angry"), ("a", "That must be incredibly frustrating for you."))
    params = dict(intent="empathy", when_customer_upset={"markers": ["ridiculous", "angry"]})
    assert check(calm, "intent_present", **params).result == "na"
    assert check(upset, "intent_present", **params).result == "pass"


def test_empathy_precondition_can_read_sentiment():
    c = conv(("c", "meh"), ("a", "So sorry to hear that."))
    outcome = check(c, "intent_present", DictSentiment({"meh": -0.8}), intent="empathy",
                    when_customer_upset={"sentiment_below": -0.3})
    assert outcome.result == "pass"


@pytest.mark.parametrize("text, language, intent", [
    ("Please rate us 5 stars and I'll refund you today", "en", "review_for_reward"),
    ("给个五星好评就给您返5元红包", "zh", "review_for_reward"),
    ("I promise it'll be there Friday, one hundred percent", "en", "promise"),
    ("我向您保证一定全额退款", "zh", "promise"),
    ("you'll definitely get a full refund no matter what", "en", "promise"),
    ("It's your own fault for not reading the description", "en", "blame"),
    ("是你自己没仔细看详情页", "zh", "blame"),
    ("Are you stupid? Read the page.", "en", "abuse"),
])
def test_a_critical_intent_in_the_agents_own_words_fails_intent_absent(text, language, intent):
    outcome = check(conv(("c", "hi"), ("a", text), language=language), "intent_absent",
                    intents=["blame", "abuse", "promise", "review_for_reward"], language=language)
    assert outcome.result == "fail" and outcome.score == 0.0
    assert f"{intent.replace('_', ' ')} intent (" in outcome.explanation and "turn 2" in outcome.explanation
    assert [e.turn for e in outcome.evidence] == [1]


@pytest.mark.parametrize("text", [
    "Hi, I'm sorry the parcel is late, I'll check with the courier.",
    "您好，非常理解您的心情，我马上为您核实订单。",
    "A refund of £100 has been issued.",
    "您的问题我已经记录，退款100元已到账。",
])
def test_ordinary_service_turns_pass_intent_absent(text):
    outcome = check(conv(("a", text)), "intent_absent",
                    intents=["blame", "abuse", "sarcasm", "dismissal", "promise", "review_for_reward"])
    assert outcome.result == "pass", outcome.explanation


def test_customer_rudeness_does_not_count_against_the_agent():
    c = conv(("c", "you idiots, it's your fault"), ("a", "I'm sorry, let me help."))
    assert check(c, "intent_absent", intents=["abuse", "blame"]).result == "pass"


def test_every_offending_turn_is_evidence():
    c = conv(("a", "That's not our problem."), ("c", "what?"), ("a", "Deal with it."))
    outcome = check(c, "intent_absent", intents=["dismissal"])
    assert [e.turn for e in outcome.evidence] == [0, 2]
    assert "and 1 more turn" in outcome.explanation


class FixedModel:
    """An intent model that finds one intent in every non-empty text, to show the model is pluggable."""

    name = "fixed"

    def __init__(self):
        self.calls = 0

    def intents(self, texts, language, wanted=None):
        self.calls += 1
        return [{"closing": IntentHit("closing", 0.7, 0, len(t), t, "fixed")} if t else {} for t in texts]


def test_the_checks_read_the_model_put_in_the_context_once_per_conversation():
    c = conv(("a", "first words"), ("a", "last words"))
    spec = CheckSpec("intent_present", freeze({"intent": "closing", "within_last_agent_turns": 1}))
    model = FixedModel()
    context = use_intent_model(prepare_context(c, [spec], None, "en"), model)
    run = get_check("intent_present").run
    first, again = run(c, spec.params, context), run(c, spec.params, context)
    assert first.result == again.result == "pass"
    assert first.explanation == 'closing intent (0.70) in turn 2: "last words"'
    assert model.calls == 1


@pytest.mark.parametrize("kind, params, path", [
    ("intent_present", {}, "intent"),
    ("intent_present", {"intent": "greting"}, "intent"),
    ("intent_present", {"intent": "closing", "min_confidence": 1.5}, "min_confidence"),
    ("intent_present", {"intent": "closing", "within_first_agent_turns": 1, "within_last_agent_turns": 1},
     "within_last_agent_turns"),
    ("intent_present", {"intent": "empathy", "when_customer_intent": "greeting"}, "when_customer_intent"),
    ("intent_present", {"intent": "closing", "model": "gpt"}, "model"),
    ("intent_absent", {"intents": []}, "intents"),
    ("intent_absent", {"intents": ["blame"], "speaker": "bot"}, "speaker"),
])
def test_bad_intent_parameters_are_named(kind, params, path):
    problems = get_check(kind).validate(params)
    assert path in [p for p, _ in problems], problems


def test_evaluate_passes_the_given_intent_model_to_the_intent_criteria():
    from scoring.engine import evaluate
    from scoring.scorecard import parse_scorecard

    card = parse_scorecard({"name": "c", "title": "C", "language": "en", "sections": [{"id": "s", "title": "S",
                            "criteria": [{"id": "closing", "title": "Closing", "weight": 1,
                                          "check": {"type": "intent_present", "intent": "closing"}}]}]})
    c = conv(("a", "Refund issued."))
    assert evaluate(c, card, DictSentiment()).criteria[0].result == "fail"
    found = evaluate(c, card, DictSentiment(), FixedModel()).criteria[0]
    assert found.result == "pass" and found.explanation == 'closing intent (0.70) in turn 1: "refund issued"'


@pytest.mark.parametrize("customer, result", [
    ("Hi, could you check where my parcel is?", "na"),
    ("I've had it with this, third time I'm asking!", "pass"),
    ("有点不放心，钱会不会退不回来", "pass"),
])
def test_empathy_after_an_upset_customer_reads_the_upset_intent(customer, result):
    c = conv(("c", customer), ("a", "I'm so sorry about this, let me sort it out now."))
    outcome = check(c, "intent_present", intent="empathy", when_customer_intent="upset")
    assert outcome.result == result, outcome.explanation
    if result == "pass":
        assert "after upset intent (" in outcome.explanation and [e.turn for e in outcome.evidence] == [0, 1]
