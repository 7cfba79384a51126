"""Issue #9, the phrase layer: normalised, tolerant and speaker-aware matching, through the shipped
scorecards (as the app loads them) and through the phrase checks themselves."""
import pytest

from scoring.catalog import shipped_scorecard
from scoring.engine import evaluate
from scoring_testkit import DictSentiment, check, conv

EN_CARDS = ["general-en", "ecommerce-chat-en"]


def _evaluate(name, *turns, language=None):
    return evaluate(conv(*turns, language=language), shipped_scorecard(name), DictSentiment())


def _critical_failures(result):
    return [c.criterion_id for c in result.criteria if c.critical and c.result == "fail"]


def _by_id(result):
    return {c.criterion_id: c for c in result.criteria}


ORDER_PROBLEM = ("c", "我的订单还没到，怎么回事？")


def test_sancha_sanhe_reads_check_the_order_with_a_bit_inserted_as_it_reads_the_plain_words():
    plain = _by_id(_evaluate("ecommerce-aftersales-zh", ORDER_PROBLEM, ("a", "您好，我帮您核实订单，查询物流。")))
    padded = _by_id(_evaluate("ecommerce-aftersales-zh", ORDER_PROBLEM, ("a", "您好，我帮您核实一下订单，再查询一下物流。")))
    assert (padded["sancha_sanhe"].result, padded["sancha_sanhe"].score) == (
        plain["sancha_sanhe"].result, plain["sancha_sanhe"].score)


@pytest.mark.parametrize("text", ["核实一下订单，再查询一下物流", "核实了订单，查询了您的物流"])
def test_order_and_logistics_steps_are_found_with_particles_between_their_characters(text):
    steps = [{"name": "order", "phrases": ["核实订单"]}, {"name": "logistics", "phrases": ["查询物流"]}]
    outcome = check(conv(("c", "快递还没到"), ("a", text)), "ordered_steps", steps=steps)
    assert outcome.result == "pass", outcome.explanation


def test_a_phrase_with_other_words_between_its_characters_is_still_not_found():
    steps = [{"name": "order", "phrases": ["核实订单"]}]
    assert check(conv(("a", "核实地址和订单")), "ordered_steps", steps=steps).result == "fail"


@pytest.mark.parametrize(
    "reported, own",
    [("快递员说这是你自己的问题，我已经投诉他了。", "这是你自己的问题。"),
     ("上一个客服说是你自己的问题，我替他向您道歉。", "这是你自己的问题。"),
     ("这不是你自己的问题，是我们的失误。", "这是你自己的问题。")],
)
def test_a_reported_or_negated_blame_in_chinese_is_no_auto_fail_where_the_agents_own_blame_is(reported, own):
    turns = (ORDER_PROBLEM, ("a", "您好，很高兴为您服务。"))
    assert _critical_failures(_evaluate("ecommerce-aftersales-zh", *turns, ("a", own))) != []
    result = _evaluate("ecommerce-aftersales-zh", *turns, ("a", reported))
    assert (_critical_failures(result), result.auto_fail) == ([], False)


@pytest.mark.parametrize("name", EN_CARDS)
@pytest.mark.parametrize(
    "reported, own",
    [("I am not saying it's your fault.", "It's your fault."),
     ("The courier wrote \"it's your fault\" on the box, and I have reported him.", "It's your fault."),
     ("The driver said it's your fault; I'm sorry he said that.", "It's your fault.")],
)
def test_a_negated_or_reported_blame_in_english_is_no_auto_fail_where_the_agents_own_blame_is(name, reported, own):
    turns = (("c", "My parcel never arrived."), ("a", "Hello, thanks for contacting us."))
    assert _critical_failures(_evaluate(name, *turns, ("a", own))) != []
    result = _evaluate(name, *turns, ("a", reported))
    assert (_critical_failures(result), result.auto_fail) == ([], False)


@pytest.mark.parametrize("name", EN_CARDS)
@pytest.mark.parametrize("greeting", ["Hiiii there!", "Hellooo, how can I help?", "Goooood morning!"])
def test_a_greeting_with_repeated_letters_greets_as_the_plain_word_does(name, greeting):
    plain = _by_id(_evaluate(name, ("c", "hi"), ("a", "Hi there!")))["greeting"]
    stretched = _by_id(_evaluate(name, ("c", "hi"), ("a", greeting)))["greeting"]
    assert plain.result == "pass"
    assert stretched.result == "pass", stretched.explanation


@pytest.mark.parametrize(
    "text, result",
    [("I apologise for the delay.", "pass"),
     ("I won't apologise for the courier.", "fail"),
     ("I'm not sorry, those are the rules.", "fail"),
     ("I can't apologise enough for this.", "pass"),  # an intensifier, not a refusal
     ("Not only am I sorry, I'll refund you.", "pass")],  # "not only" adds
)
def test_a_negated_apology_is_no_apology(text, result):
    outcome = check(conv(("c", "This is unacceptable"), ("a", text)), "phrases_present",
                    phrases=["sorry", "apologise"], when_customer_upset={"markers": ["unacceptable"]})
    assert outcome.result == result, outcome.explanation


def test_a_phrase_passed_over_is_named_in_the_explanation():
    outcome = check(conv(("a", "I'm not sorry.")), "phrases_present", phrases=["sorry"], label="apology")
    assert outcome.explanation == "no apology in any agent turn (ignored: \"sorry\" in turn 1: negated by 'am not')"


def test_an_own_phrase_later_in_the_same_turn_still_counts_after_a_negated_one():
    outcome = check(conv(("a", "Not my fault, I'm not sorry. But truly, sorry for the wait.")),
                    "phrases_present", phrases=["sorry"])
    assert outcome.result == "pass"


def test_mode_all_counts_a_phrase_only_where_it_is_the_agents_own():
    outcome = check(conv(("a", "I won't apologise. My name is Ann.")), "phrases_present",
                    phrases=["apologise", "my name is"], mode="all")
    assert (outcome.result, outcome.score) == ("fail", 0.5)


def test_a_quoted_forbidden_phrase_passes_and_says_what_was_ignored():
    outcome = check(conv(("a", 'The courier wrote "calm down" on the note, I am sorry.')), "phrases_absent",
                    phrases=["calm down"])
    assert outcome.result == "pass"
    assert outcome.explanation.endswith("(ignored: \"calm down\" in turn 1: quoted)")


def test_the_agents_own_forbidden_phrase_next_to_a_reported_one_still_fails():
    outcome = check(conv(("a", "The driver said calm down. Honestly, calm down.")), "phrases_absent",
                    phrases=["calm down"])
    assert outcome.result == "fail"


def test_an_answer_after_a_customer_turn_counts_only_the_agents_own_words():
    after = {"markers": ["refund"], "within_agent_turns": 1}
    turns = (("c", "I want a refund"), ("a", "I won't apologise, the policy is clear."))
    assert check(conv(*turns), "phrases_present", phrases=["apologise"], after_customer=after).result == "fail"


DATA = {"items": ["password", "cvv", "密码"], "requests": ["tell me", "give me", "provide", "告诉我"],
        "exceptions": ["last four digits"]}


@pytest.mark.parametrize(
    "text, result",
    [("Please tell me your password.", "fail"),
     ("Do not tell me your password.", "pass"),
     ("We will never ask you to give me your CVV.", "pass"),
     ("The scam text said give me your password, please ignore it.", "pass"),
     ("请告诉我您的密码", "fail"),
     ("请不要告诉我您的密码", "pass")],
)
def test_data_handling_ignores_negated_and_reported_requests(text, result):
    assert check(conv(("a", text)), "data_handling", **DATA).result == result
