"""redact, secrets: passwords, PINs, CVVs and one-time codes a customer typed or said become placeholders."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts import pii, secret_values
from transcripts.model import Conversation, Turn
from transcripts.pii import (
    DEFAULT,
    KINDS,
    RedactionConfig,
    RedactionResult,
    redact,
    redact_conversation,
)

NO_COUNTS = dict.fromkeys(KINDS, 0)

SECRETS = [
    # English chats
    ("my password is hunter2", "my password is [PASSWORD]", "PASSWORD"),
    ("Password: Sunshine2024", "Password: [PASSWORD]", "PASSWORD"),
    ("the password for my account is Tr0ub4dor&3, can you check?",
     "the password for my account is [PASSWORD], can you check?", "PASSWORD"),
    ("my password is 'sunshine'", "my password is '[PASSWORD]'", "PASSWORD"),  # quoted: taken as typed
    ("pwd: 123456", "pwd: [PASSWORD]", "PASSWORD"),
    ("my pin is 4821", "my pin is [PIN]", "PIN"),
    ("My PIN's 4821.", "My PIN's [PIN].", "PIN"),
    ("PIN number 004821", "PIN number [PIN]", "PIN"),
    ("CVV 123", "CVV [CVV]", "CVV"),
    ("the cvc is 4567", "the cvc is [CVV]", "CVV"),
    ("security code: 321", "security code: [CVV]", "CVV"),
    ("the 3 digit code on the back is 987", "the 3 digit code on the back is [CVV]", "CVV"),
    ("the code is 482913", "the code is [OTP]", "OTP"),
    ("the verification code I got is 482 913", "the verification code I got is [OTP]", "OTP"),
    ("OTP = 55123", "OTP = [OTP]", "OTP"),
    ("one-time password: 771204", "one-time password: [OTP]", "OTP"),
    ("the SMS code you sent me is 4821, it expires in 5 minutes",
     "the SMS code you sent me is [OTP], it expires in 5 minutes", "OTP"),
    ("verification code is A7X9K2", "verification code is [OTP]", "OTP"),
    # Chinese chats
    ("密码是abc123456", "密码是[PASSWORD]", "PASSWORD"),
    ("我的登录密码：sunshine", "我的登录密码：[PASSWORD]", "PASSWORD"),  # after a Chinese keyword any token
    ("支付密码是123456", "支付密码是[PIN]", "PIN"),
    ("银行卡密码 654321", "银行卡密码 [PIN]", "PIN"),
    ("安全码是 123", "安全码是 [CVV]", "CVV"),
    ("信用卡验证码 456", "信用卡验证码 [CVV]", "CVV"),
    ("卡背面的三位数是789", "卡背面的三位数是[CVV]", "CVV"),
    ("验证码：482913", "验证码：[OTP]", "OTP"),
    ("短信验证码482913，麻烦快点", "短信验证码[OTP]，麻烦快点", "OTP"),
    ("动态码就是 7788", "动态码就是 [OTP]", "OTP"),
    ("动态密码 123456", "动态密码 [OTP]", "OTP"),
    ("验证码：４８２９１３", "验证码：[OTP]", "OTP"),  # full-width digits
]


SPOKEN = [  # in transcribed calls
    ("my pin is one two three four", "my pin is [PIN]", "PIN"),
    ("the code you sent me is four eight two, nine one three", "the code you sent me is [OTP]", "OTP"),
    ("CVV is seven oh seven", "CVV is [CVV]", "CVV"),
    ("password is double five six seven eight", "password is [PASSWORD]", "PASSWORD"),
    ("验证码是四八二九一三", "验证码是[OTP]", "OTP"),
    ("支付密码是幺二三四五六", "支付密码是[PIN]", "PIN"),
    ("安全码是七零七", "安全码是[CVV]", "CVV"),
]


@pytest.mark.parametrize("text, expected, kind", SECRETS + SPOKEN)
def test_a_secret_typed_or_read_out_right_after_the_word_that_names_it_becomes_its_placeholder(text, expected, kind):
    assert redact(text) == RedactionResult(expected, {**NO_COUNTS, kind: 1})


def test_spoken_secrets_follow_the_spoken_digits_switch():
    text = "my pin is one two three four"
    assert redact(text, RedactionConfig(spoken_digits=False)) == RedactionResult(text, NO_COUNTS)
    assert redact("my pin is 1234", RedactionConfig(spoken_digits=False)).text == "my pin is [PIN]"


NOT_SECRETS = [
    "I forgot my password",
    "my password is wrong",
    "my password is wrong!",
    "and my password is what?",
    "the password is not working, can you reset it?",
    "I changed my password 3 times",
    "password must be 8 to 16 characters",
    "密码忘记了，怎么重置？",
    "密码是我的生日",
    "密码错误",
    "密码是多少？",
    "the last four digits are 1234",
    "the last 4 digits of my card are 1234",
    "卡号后四位是1234",
    "the code on the parcel label is 4821",
    "the code on the box says 20261102",
    "discount code 4821",
    "the promo code is SAVE20",
    "the code is SAVE20",
    "the code expires in 10 minutes",
    "验证码5分钟内有效",
    "验证码60秒后可以重发",
    "验证码已发送到您的手机，请查收",
    "取件码 4821",
    "取件验证码 4821",
    "my order number is 20261102 and the tracking number SF1234567890",
    "订单号 20261102，快递单号 YT8812345678901",
    "the CVV is on the back",
    "please enter your pin",
    "I paid ¥4821 with my pin",
    "the pin cost $12.99",
    "shipping to 4821 Main St",
    "my password is e-mail",
    "the code is 2026-11-02",
    "password reset on 2026/11/02",
    "the verification code is valid for 5 minutes",
    "we will never ask for your password",
    "请不要向任何人提供支付密码或短信验证码",
]


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_words_about_secrets_without_one_and_other_numbers_stay(text):
    assert redact(text) == RedactionResult(text, NO_COUNTS)


@pytest.mark.parametrize("text, expected, counts", [
    ("card number 4111 1111 1111 1111, cvv 123, pin 4821",
     "card number [CARD], cvv [CVV], pin [PIN]", {"CARD": 1, "CVV": 1, "PIN": 1}),
    ("卡号 4111111111111111 安全码 123 支付密码 654321", "卡号 [CARD] 安全码 [CVV] 支付密码 [PIN]",
     {"CARD": 1, "CVV": 1, "PIN": 1}),
    ("my password is 13812345678", "my password is [PHONE]", {"PHONE": 1}),  # a phone keeps its placeholder
    ("订单号 20261102-58831，验证码 482913", "订单号 20261102-58831，验证码 [OTP]", {"OTP": 1}),
    ("the code is 4821 20 minutes left", "the code is [OTP] 20 minutes left", {"OTP": 1}),
])
def test_a_secret_beside_other_numbers_takes_only_its_own_value(text, expected, counts):
    result = redact(text)
    assert result.text == expected
    assert result.counts == {**NO_COUNTS, **counts}


def test_secrets_can_be_switched_off_and_the_other_kinds_still_apply():
    text = "card 4111 1111 1111 1111, cvv 123, 验证码 482913"
    assert redact(text, RedactionConfig(secrets=False)).text == "card [CARD], cvv 123, 验证码 482913"
    assert redact(text).total == 3


def test_a_bad_secrets_switch_is_refused_naming_the_field():
    with pytest.raises(ValueError, match=r"^secrets: must be true or false"):
        RedactionConfig(secrets="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^secret_answers: must be true or false"):
        RedactionConfig.from_mapping({"secret_answers": 1})


@pytest.mark.parametrize("text", [text for text, _, _ in SECRETS + SPOKEN])
def test_redacting_a_secret_twice_gives_the_same_text(text):
    once = redact(text)
    assert redact(once.text) == RedactionResult(once.text, NO_COUNTS)


@pytest.mark.parametrize("text", ["Hello, thank you for contacting us, how can I help?",
                                  "The courier scanned it yesterday in the depot.", "好的谢谢", ""])
def test_a_turn_without_any_word_that_names_a_secret_is_not_searched(monkeypatch, text):
    def refuse(*args):
        raise AssertionError("_find_secrets ran")

    monkeypatch.setattr(pii, "_find_secrets", refuse)
    assert redact(text) == RedactionResult(text, NO_COUNTS)


SECRET_PIECES = st.sampled_from([
    "password", "password is ", "pin ", "PIN: ", "cvv ", "CVV2 ", "security code ", "the code is ", "OTP ",
    "密码", "密码是", "支付密码", "验证码", "验证码：", "安全码是", "取件", "is ", "'", "\"", "“", "(", "[OTP]",
    "[PIN]", "1234", "482913", "4 8 2", "one ", "two ", "四", "八", "幺", "abc", "Abc1!", "-", ".", ":", "，",
    " ", "minutes", "分钟", "¥", "2026-11-02", "4111 1111 1111 1111", "13812345678", "x@y.com", "ı", "İ"])


@settings(max_examples=400, deadline=None)
@given(st.lists(SECRET_PIECES | st.text(max_size=3), max_size=12).map("".join))
def test_any_mix_of_secret_words_and_values_never_raises_and_is_stable(text):
    result = redact(text)
    assert redact(result.text).text == result.text
    assert set(result.counts) == set(KINDS)
    assert result.text.count("[") - text.count("[") == result.total


# --- a reply right after the agent asks ---------------------------------------------------

def _chat(*turns: tuple[str, str]) -> Conversation:
    return Conversation(external_id="c-1", agent="a.li", turns=tuple(Turn(speaker=s, text=t) for s, t in turns))


ANSWERS = [
    ("What's the code?", "482913", "[OTP]", "OTP"),
    ("Could you read that code back to me, please?", "ok, it's 4821 thanks", "ok, it's [OTP] thanks", "OTP"),
    ("Can you tell me the verification code we just sent?", "four eight two nine one three.", "[OTP].", "OTP"),
    ("And your PIN, please?", "4821", "[PIN]", "PIN"),
    ("Please confirm the CVV on the back of the card.", "123", "[CVV]", "CVV"),
    ("What's the password you use for your account?", "Hunter2!", "[PASSWORD]", "PASSWORD"),
    ("麻烦您把收到的6位验证码发给我", "482913", "[OTP]", "OTP"),
    ("请问您的支付密码是多少？", "好的，123456", "好的，[PIN]", "PIN"),
    ("请报一下卡背面的三位安全码", "七零七", "[CVV]", "CVV"),
    ("验证码收到了吗？念一下给我", "嗯 四八二九一三 谢谢", "嗯 [OTP] 谢谢", "OTP"),
]


@pytest.mark.parametrize("question, reply, expected, kind", ANSWERS)
def test_a_bare_value_right_after_the_agent_asks_for_a_secret_is_redacted_as_that_secret(
        question, reply, expected, kind):
    redacted, counts = redact_conversation(_chat(("agent", question), ("customer", reply)))
    assert [t.text for t in redacted.turns] == [question, expected]
    assert dict(counts) == {**NO_COUNTS, kind: 1}


def test_the_reply_may_come_after_another_customer_turn_but_not_after_the_next_agent_turn():
    redacted, counts = redact_conversation(_chat(
        ("agent", "What's the code we texted you?"), ("customer", "hold on"), ("customer", "482913"),
        ("agent", "Thanks. And your order number?"), ("customer", "20261102")))
    assert [t.text for t in redacted.turns][1:] == ["hold on", "[OTP]", "Thanks. And your order number?", "20261102"]
    assert counts["OTP"] == 1


NOT_ANSWERS = [
    ("What's your order number?", "20261102"),
    ("What's the code on the parcel label?", "4821"),
    ("Could you give me the tracking number?", "482913"),
    ("We will never ask for your password or the codes we text you. What's your order number?", "20261102"),
    ("Please don't share your PIN with anyone. How much was the order?", "4821"),
    ("请不要向任何人提供支付密码或短信验证码。请问订单号是多少？", "20261102"),
    ("What's the code?", "I don't have it yet, it says 5 minutes"),
    ("What's the code?", "the one ending 1234? no wait"),
    ("Could you tell me the verification code? Sorry, I mean the order number?", "20261102"),
    ("What's the password?", "sunshine"),  # an ordinary word is not taken for a password
]


@pytest.mark.parametrize("question, reply", NOT_ANSWERS)
def test_a_reply_to_another_question_or_to_a_warning_or_that_is_more_than_a_value_stays(question, reply):
    redacted, counts = redact_conversation(_chat(("agent", question), ("customer", reply)))
    assert redacted.turns[1].text == reply
    assert dict(counts) == NO_COUNTS


def test_the_agents_own_turn_is_not_taken_for_an_answer():
    redacted, _ = redact_conversation(_chat(("customer", "What's the code?"), ("agent", "482913")))
    assert redacted.turns[1].text == "482913"


def test_replies_after_a_question_follow_the_secret_answers_and_secrets_switches():
    chat = _chat(("agent", "What's the code?"), ("customer", "482913"))
    for config in (RedactionConfig(secret_answers=False), RedactionConfig(secrets=False)):
        redacted, counts = redact_conversation(chat, config)
        assert redacted.turns[1].text == "482913" and dict(counts) == NO_COUNTS
    assert redact_conversation(chat, DEFAULT)[0].turns[1].text == "[OTP]"


def test_a_redacted_conversation_redacted_again_is_unchanged():
    chat = _chat(*[("agent", q) if i % 2 == 0 else ("customer", r)
                   for q, r, _, _ in ANSWERS for i in range(2)])
    once, counts = redact_conversation(chat)
    twice, again = redact_conversation(once)
    assert [t.text for t in twice.turns] == [t.text for t in once.turns]
    assert sum(counts.values()) == len(ANSWERS) and sum(again.values()) == 0
    assert not any(re.search(r"[0-9]{3}", t.text) for t in once.turns if t.speaker == "customer")


KEYWORD_PIECES = SECRET_PIECES | st.sampled_from([
    "one-time passcode", "one time pin", "the six-digit code", "that code", "my code", "code on the back",
    "three-digit security code on the back of the card", "number on the back of your credit card",
    "card verification value", "verify code", "log-in code", "2FA code", "pass word", "passwd", "pwd", "PWD",
    "信用卡片的验证码", "卡校验码", "背面那3位数字", "动态密码", "一次性密码", "短信码", "取货验证码", "快递短信验证码",
    "交易密码", "pin码", "口令", "shipping", "payback", "x", "_", "é", "3", "\u2e80", "İ", "ı", "K", "ǅ"])


@settings(max_examples=500, deadline=None)
@given(st.lists(KEYWORD_PIECES | st.text(max_size=3), max_size=10).map("".join))
def test_keywords_found_near_anchors_are_exactly_those_a_full_search_finds(text):
    found = [(m.start(), m.end(), m.lastgroup) for m in secret_values.keywords(text)]
    assert found == [(m.start(), m.end(), m.lastgroup) for m in secret_values._KEYWORD.finditer(text)]
