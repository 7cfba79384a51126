"""The shipped scorecards: they load, carry the shared criterion ids, and react to the shared vocabulary."""
import pytest

from scoring.catalog import shipped_scorecard, shipped_scorecard_texts, shipped_scorecards
from scoring.engine import evaluate
from scoring.scorecard import load_scorecard_yaml
from scoring_testkit import DictSentiment, conv

SHARED_IDS = {"greeting": "opening", "empathy": "handling", "forbidden_phrases": "compliance",
              "closing": "closing", "abuse_blame": "compliance",
              "prohibited_promises": "compliance", "data_handling": "compliance", "escalation": "handling",
              "resolution": "handling", "return_policy": "handling"}
CRITICAL = {"abuse_blame", "prohibited_promises", "data_handling"}

# The vocabulary both the scorecards and the demo data use (copied from the team's phrase list).
VOCABULARY = {
    "general-en": {
        "greeting": ["hello", "hi", "good morning", "good afternoon", "good evening", "thank you for contacting",
                     "thanks for reaching out", "welcome to", "my name is"],
        "empathy": ["sorry", "apologize", "apologise", "I understand", "I can see why", "that must be frustrating",
                    "I completely understand"],
        "upset": ["angry", "upset", "frustrated", "unacceptable", "terrible", "ridiculous", "worst",
                  "disappointed", "complaint", "still hasn't arrived"],
        "forbidden_phrases": ["not my problem", "not my job", "calm down", "it's your fault", "that's your fault",
                              "you should have read", "I can't help you", "stupid"],
        "abuse_blame": ["it's your fault", "that's your fault", "you should have read", "you idiot"],
        "closing": ["anything else", "is there anything else", "glad I could help", "does that help",
                    "I'll follow up"],
    },
    "ecommerce-aftersales-zh": {
        "greeting": ["您好", "你好", "欢迎", "很高兴为您服务", "请问有什么可以帮", "我是客服"],
        "empathy": ["抱歉", "对不起", "理解您的心情", "非常理解", "给您带来不便", "实在不好意思", "让您久等了"],
        "upset": ["投诉", "生气", "太差", "失望", "怎么回事", "气死", "差评", "无法接受", "太慢", "还没到"],
        "forbidden_phrases": ["不是我的问题", "不关我的事", "你自己看", "你自己的问题", "爱买不买", "我也没办法",
                              "听不懂吗"],
        "abuse_blame": ["你自己的问题", "听不懂吗", "白痴"],
        "closing": ["还有什么可以帮", "还有其他问题", "满意", "回访"],
    },
}


def results(conversation, name, polarity=None):
    result = evaluate(conversation, shipped_scorecard(name), DictSentiment(polarity or {}))
    return {c.criterion_id: c for c in result.criteria}, result


def test_the_three_shipped_scorecards_load():
    assert [s.name for s in shipped_scorecards()] == ["ecommerce-aftersales-zh", "ecommerce-chat-en", "general-en"]
    assert {s.name: s.language for s in shipped_scorecards()} == {
        "ecommerce-aftersales-zh": "zh", "ecommerce-chat-en": "en", "general-en": "en"}


def test_the_shipped_yaml_texts_are_keyed_by_scorecard_name():
    for name, text in shipped_scorecard_texts().items():
        assert load_scorecard_yaml(text).name == name


@pytest.mark.parametrize("name", sorted(VOCABULARY))
def test_the_shared_criterion_ids_sit_in_their_sections_and_only_abuse_promises_and_data_are_critical(name):
    found = {c.id: (s.id, c.critical) for s, c in shipped_scorecard(name).criteria()}
    for cid, section in SHARED_IDS.items():
        assert found[cid] == (section, cid in CRITICAL)


def test_the_chinese_scorecard_adds_the_sancha_sanhe_steps():
    found = {c.id: (s.id, c.check.type) for s, c in shipped_scorecard("ecommerce-aftersales-zh").criteria()}
    assert found["sancha_sanhe"] == ("handling", "steps_covered")


def test_an_unknown_shipped_scorecard_names_the_available_ones():
    with pytest.raises(KeyError, match="available: ecommerce-aftersales-zh, ecommerce-chat-en, general-en"):
        shipped_scorecard("nope")


def vocabulary_cases(criterion):
    return [(name, phrase) for name, words in VOCABULARY.items() for phrase in words[criterion]]


@pytest.mark.parametrize("name, phrase", vocabulary_cases("greeting"))
def test_every_greeting_phrase_passes_the_greeting(name, phrase):
    found, _ = results(conv(("c", "..."), ("a", f"{phrase.upper()}!")), name)
    assert found["greeting"].result == "pass"


@pytest.mark.parametrize("name, phrase", vocabulary_cases("closing"))
def test_every_closing_phrase_passes_the_closing(name, phrase):
    found, _ = results(conv(("a", "..."), ("a", f"{phrase}?")), name)
    assert found["closing"].result == "pass"


@pytest.mark.parametrize("name, phrase", vocabulary_cases("forbidden_phrases"))
def test_every_forbidden_phrase_fails_professional_language(name, phrase):
    found, _ = results(conv(("c", "..."), ("a", f"Well, {phrase}.")), name)
    assert found["forbidden_phrases"].result == "fail"


@pytest.mark.parametrize("name, phrase", vocabulary_cases("abuse_blame"))
def test_every_phrase_aimed_at_the_customer_fails_the_whole_evaluation(name, phrase):
    found, result = results(conv(("c", "..."), ("a", f"Well, {phrase}.")), name)
    assert (found["abuse_blame"].result, result.score, result.auto_fail) == ("fail", 0.0, True)


@pytest.mark.parametrize("name, phrase", vocabulary_cases("upset"))
def test_every_upset_marker_makes_empathy_required(name, phrase):
    found, _ = results(conv(("c", f"{phrase}!"), ("a", "ok")), name)
    assert found["empathy"].result == "fail"


@pytest.mark.parametrize("name, phrase", vocabulary_cases("empathy"))
def test_every_empathy_phrase_satisfies_an_upset_customer(name, phrase):
    marker = VOCABULARY[name]["upset"][0]
    found, _ = results(conv(("c", marker), ("a", f"{phrase}.")), name)
    assert found["empathy"].result == "pass"


def test_a_negative_english_customer_turn_without_a_marker_also_requires_empathy():
    found, _ = results(conv(("c", "It broke."), ("a", "ok")), "general-en", {"It broke.": -0.6})
    assert found["empathy"].result == "fail"


def test_chinese_upset_is_decided_by_markers_alone():
    found, _ = results(conv(("c", "请问什么时候发货"), ("a", "明天")), "ecommerce-aftersales-zh",
                       {"请问什么时候发货": -0.8})
    assert found["empathy"].result == "na"


GOOD_ZH = conv(
    ("c", "我的快递怎么回事，还没到！"),
    ("a", "您好，很抱歉让您久等了。麻烦提供一下订单号"),
    ("c", "1234567890"),
    ("a", "好的，我查一下物流：包裹显示破损退回，麻烦您确认一下问题，如有照片可以发给我"),
    ("c", "好的谢谢"),
    ("a", "已为您补发。请问还有其他问题吗？祝您生活愉快"),
    language="zh-CN",
)


def test_a_good_chinese_after_sales_conversation_scores_full_marks():
    found, result = results(GOOD_ZH, "ecommerce-aftersales-zh", {"好的谢谢": 0.4})
    assert {cid: c.result for cid, c in found.items()} == {
        "greeting": "pass", "first_response": "na", "response_times": "na", "empathy": "pass", "resolution": "pass",
        "sancha_sanhe": "pass", "return_policy": "na", "escalation": "na", "forbidden_phrases": "pass",
        "abuse_blame": "pass", "prohibited_promises": "pass", "data_handling": "pass", "closing": "pass",
        "not_abandoned": "na", "dead_air": "na"}
    assert result.score == 100.0


def test_a_dismissive_english_conversation_fails_professional_language_without_an_auto_fail():
    rude = conv(("c", "My parcel still hasn't arrived, this is unacceptable"),
                ("a", "That's the courier's problem, take it up with the courier."), ("c", "Terrible service."))
    found, result = results(rude, "general-en", {"Terrible service.": -0.7})
    assert result.score < 50 and not result.auto_fail
    assert {cid: c.result for cid, c in found.items()} == {
        "greeting": "fail", "first_response": "na", "response_times": "na", "empathy": "fail", "resolution": "na",
        "return_policy": "na", "escalation": "na", "forbidden_phrases": "fail",
        "abuse_blame": "pass", "prohibited_promises": "pass", "data_handling": "pass", "closing": "fail",
        "not_abandoned": "fail", "dead_air": "na"}  # a chat
    # without times; the closing "Terrible service." is a complaint nobody answered; no specific order is
    # named, so resolving an order problem does not apply


def test_a_blaming_english_conversation_fails_on_its_critical_criterion():
    rude = conv(("c", "The shoes don't fit."), ("a", "Hello. That's your fault, you should have read the chart."))
    found, result = results(rude, "general-en")
    assert (found["abuse_blame"].result, result.score, result.auto_fail) == ("fail", 0.0, True)
