"""redact: cards, phones, e-mails, Chinese IDs and spoken cards become placeholders; references stay."""
from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import FrozenInstanceError

import phonenumbers
import pytest
from hypothesis import given, settings, strategies as st
from phonenumbers.phonemetadata import PhoneMetadata
from stdnum import luhn

from transcripts import phones, pii, secret_values
from transcripts.model import Conversation, Turn
from transcripts.pii import DEFAULT, KINDS, RedactionConfig, RedactionResult, redact, redact_conversation

NO_COUNTS = dict.fromkeys(KINDS, 0)


def only(kind: str, n: int = 1) -> dict[str, int]:
    return {**NO_COUNTS, kind: n}


CARDS = [
    ("我的卡号是 4111 1111 1111 1111", "我的卡号是 [CARD]"),
    ("card 4111-1111-1111-1111 please", "card [CARD] please"),
    ("4111111111111111", "[CARD]"),
    ("Mastercard 5500 0000 0000 0004.", "Mastercard [CARD]."),
    ("Mastercard 2-series 2221 0000 0000 0009", "Mastercard 2-series [CARD]"),
    ("Amex 3782 822463 10005 ok", "Amex [CARD] ok"),
    ("Discover 6011 1111 1111 1117", "Discover [CARD]"),
    ("银联 6212345678901234569 谢谢", "银联 [CARD] 谢谢"),  # 19 digits
    ("JCB 3530111333300000", "JCB [CARD]"),
    ("Diners 3056 930902 5904", "Diners [CARD]"),  # 14 digits
    ("Mir 2200 1234 5678 9019", "Mir [CARD]"),
    ("Visa 4222222222222 (13 digits)", "Visa [CARD] (13 digits)"),
    ("卡号:４１１１ １１１１ １１１１ １１１１。", "卡号:[CARD]。"),  # full-width digits and space
    ("ref 2026 4111 1111 1111 1111", "ref 2026 [CARD]"),  # the card is found after a leading group
    ("4111 1111 1111 1111 2026", "[CARD] 2026"),  # and before a trailing one
    ("two cards: 4111111111111111, 5500000000000004", "two cards: [CARD], [CARD]"),
]


@pytest.mark.parametrize("text, expected", CARDS)
def test_a_luhn_valid_card_number_becomes_a_card_placeholder(text, expected):
    result = redact(text)
    assert result.text == expected
    assert result.counts == only("CARD", expected.count("[CARD]"))


NOT_CARDS = [
    "card 4111 1111 1111 1112",  # Luhn-invalid
    "4111111111111112",
    "5500 0000 0000 0005",
    "4111 1111 1111",  # 12 digits: too short
    "4111111111111111111112",  # 22 digits, Luhn-valid, too long; no card is cut out of a longer number
    "SF4111111111111111",  # glued to letters: a tracking number
    "1234567812345670",  # Luhn-valid but no card network issues numbers starting with 1
    "75123456789012345671",  # Luhn-valid 20 digits
    "订单号 2026110258830",  # Luhn-valid order number that starts with a date
    "订单 2026110212345678909 已发货",  # 19-digit date-based order number, Luhn-valid
    "订单号 20261102-58831 已发货",
]


@pytest.mark.parametrize("text", NOT_CARDS)
def test_numbers_that_are_not_card_numbers_stay(text):
    assert redact(text) == RedactionResult(text, NO_COUNTS)


PHONES = [
    ("我的手机号是13812345678谢谢", "我的手机号是[PHONE]谢谢"),
    ("call 138-1234-5678", "call [PHONE]"),
    ("mobile +86 138 1234 5678.", "mobile [PHONE]."),
    ("+8613812345678", "[PHONE]"),
    ("0086 13812345678", "[PHONE]"),
    ("座机 010-12345678 或 0755-86013388", "座机 [PHONE] 或 [PHONE]"),
    ("UK office +44 20 7946 0958", "UK office [PHONE]"),
    ("London 020 7946 0958", "London [PHONE]"),
    ("mobile 07911 123456", "mobile [PHONE]"),
    ("call (415) 555-2671 today", "call [PHONE] today"),
    ("call +1 415-555-2671", "call [PHONE]"),
    ("my number is 4155552671", "my number is [PHONE]"),
    ("手机１３８１２３４５６７８", "手机[PHONE]"),  # full-width digits
    ("French number +33 1 42 68 53 00", "French number [PHONE]"),  # any country code is recognised
]


@pytest.mark.parametrize("text, expected", PHONES)
def test_a_phone_number_becomes_a_phone_placeholder(text, expected):
    result = redact(text)
    assert result.text == expected
    assert result.counts == only("PHONE", expected.count("[PHONE]"))


NOT_PHONES = [
    "订单号 20261102-58831 已发货",
    "order number 2026110258",  # a valid US number shape, but named as an order
    "订单号：2026110258",
    "快递单号 4155552671",
    "SF1234567890123",  # SF Express tracking number
    "YT8812345678901",  # YTO tracking number
    "JD0012345678901",
    "顺丰 SF1234567890123 圆通 YT8812345678901",
    "on 2026-11-02 at 14:30",
    "2026/11/02 14:30:05",
    "2026年11月2日",
    "¥1,299.00 退款 and $45.99 refund, RMB 3999",
    "12345678",
    "qty 2 x 3 pcs, 5 stars",
]


@pytest.mark.parametrize("text", NOT_PHONES)
def test_order_numbers_tracking_numbers_dates_and_amounts_stay(text):
    assert redact(text) == RedactionResult(text, NO_COUNTS)


EMAILS = [
    ("mail a.b+tag@example.com now", "mail [EMAIL] now"),
    ("王芳的邮箱wangfang@163.com谢谢", "王芳的邮箱[EMAIL]谢谢"),
    ("contact: first_last@mail.example.co.uk.", "contact: [EMAIL]."),
    ("13812345678@163.com", "[EMAIL]"),  # one e-mail, not a phone number inside one
    ("ＡＢＣ＠ｑｑ．ｃｏｍ", "[EMAIL]"),  # full-width
]


@pytest.mark.parametrize("text, expected", EMAILS)
def test_an_email_address_becomes_an_email_placeholder(text, expected):
    result = redact(text)
    assert result.text == expected
    assert result.counts == only("EMAIL")


@pytest.mark.parametrize("text", ["@username on weibo", "user@localhost", "a @ b", "price@5"])
def test_text_that_is_not_a_full_email_address_stays(text):
    assert redact(text) == RedactionResult(text, NO_COUNTS)


IDS = [
    ("身份证号 360426199101010071", "身份证号 [ID]"),
    ("ID 11010519491231002X.", "ID [ID]."),
    ("id 11010519491231002x", "id [ID]"),  # lower-case check character
    ("身份证 110105 19491231 002X", "身份证 [ID]"),  # grouped 6-8-4
    ("３６０４２６１９９１０１０１００７１", "[ID]"),  # full-width
]


@pytest.mark.parametrize("text, expected", IDS)
def test_a_valid_chinese_resident_id_becomes_an_id_placeholder(text, expected):
    result = redact(text)
    assert result.text == expected
    assert result.counts == only("ID")


@pytest.mark.parametrize("text", [
    "身份证号 360426199101010072",  # wrong check digit
    "身份证号 360426199113010079",  # right check digit, but month 13
    "身份证号 990426199101010079",  # right check digit, but no such region
    "身份证号 36042619910101007",  # 17 digits
])
def test_an_invalid_resident_id_stays(text):
    assert redact(text) == RedactionResult(text, NO_COUNTS)


SPOKEN = [
    ("my card is four one double one, one one one one, one one one one, one one one one thanks",
     "my card is [CARD] thanks", "CARD"),
    ("Four One One One One One One One One One One One One One One One", "[CARD]", "CARD"),
    ("five five oh oh, oh oh oh oh, oh oh oh oh, oh oh oh four", "[CARD]", "CARD"),
    ("six zero one one triple one one one one one one one one one seven", "[CARD]", "CARD"),
    ("oh, four one one one one one one one one one one one one one one one", "oh, [CARD]", "CARD"),
    ("four one one one 1111 1111 1111 ok", "[CARD] ok", "CARD"),  # words and digits mixed
    ("我的卡号是四一一一一一一一一一一一一一一一", "我的卡号是[CARD]", "CARD"),
    ("卡号是四幺幺幺，幺幺幺幺，幺幺幺幺，幺幺幺幺。", "卡号是[CARD]。", "CARD"),
    ("卡号六二一两三四五六七八九零一二三四五六九", "卡号[CARD]", "CARD"),  # 两 = 2, 19 digits
    ("五五〇〇〇〇〇〇〇〇〇〇〇〇〇四", "[CARD]", "CARD"),
    ("身份证三六零四二六一九九一零一零一零零七一", "身份证[ID]", "ID"),
]


@pytest.mark.parametrize("text, expected, kind", SPOKEN)
def test_a_card_or_id_number_read_out_as_words_is_replaced_whole(text, expected, kind):
    result = redact(text)
    assert result.text == expected
    assert result.counts == only(kind)


@pytest.mark.parametrize("text", [
    "four one one one one one one one one one one one one one one two",  # Luhn-invalid
    "四一一一一一一一一一一一一一一二",
    "one two three four",
    "一五一十地说清楚，第一二三条",
    "I have two parcels, one arrived at four o'clock, the other one is late",
    "someone phoned at nine",
])
def test_spoken_digits_that_do_not_form_a_card_stay(text):
    assert redact(text) == RedactionResult(text, NO_COUNTS)


def test_counts_are_kept_per_type():
    text = ("客户王芳, 电话 13812345678, 邮箱 wf@163.com, 身份证 360426199101010071, "
            "卡 4111 1111 1111 1111 和 5500-0000-0000-0004, 备用 +44 20 7946 0958, 订单号 20261102-58831")
    result = redact(text)
    assert dict(result.counts) == {**NO_COUNTS, "CARD": 2, "PHONE": 2, "EMAIL": 1, "ID": 1}
    assert result.total == 6
    assert result.text == ("客户王芳, 电话 [PHONE], 邮箱 [EMAIL], 身份证 [ID], "
                           "卡 [CARD] 和 [CARD], 备用 [PHONE], 订单号 20261102-58831")


def test_text_without_pii_comes_back_unchanged_with_every_count_zero():
    text = "您好，请问有什么可以帮您？ Hello, how can I help? ｆｕｌｌ－ｗｉｄｔｈ，标点。"
    assert redact(text) == RedactionResult(text, NO_COUNTS)
    assert redact("") == RedactionResult("", NO_COUNTS)


MIXED = "卡 4111 1111 1111 1111, 电话 13812345678, 邮箱 wf@163.com, 身份证 360426199101010071, 口述 四一一一一一一一一一一一一一一一"


@pytest.mark.parametrize("switch, stays", [
    ("cards", ["4111 1111 1111 1111", "四一一一一一一一一一一一一一一一"]),
    ("phones", ["13812345678"]),
    ("emails", ["wf@163.com"]),
    ("ids", ["360426199101010071"]),
    ("spoken_digits", ["四一一一一一一一一一一一一一一一"]),
])
def test_each_type_can_be_switched_off_and_the_others_still_apply(switch, stays):
    result = redact(MIXED, RedactionConfig(**{switch: False}))
    for original in stays:
        assert original in result.text
    expected_total = 5 - len(stays)
    assert result.total == expected_total
    assert result.text.count("[") == expected_total


def test_with_everything_off_nothing_changes():
    off = RedactionConfig(cards=False, phones=False, emails=False, ids=False, spoken_digits=False)
    assert redact(MIXED, off) == RedactionResult(MIXED, NO_COUNTS)


def test_phone_regions_decide_which_national_formats_are_recognised():
    cn_only = RedactionConfig(phone_regions=("CN",))
    # Without the US, a bare 10-digit number is a Chinese landline missing its leading 0: kept.
    assert redact("call (415) 555-2671", cn_only).text == "call (415) 555-2671"
    assert redact("call 2026110258", cn_only).text == "call 2026110258"
    assert redact("call 2026110258", RedactionConfig(phone_regions=("US",))).text == "call [PHONE]"
    assert redact("call +1 (415) 555-2671", cn_only).text == "call [PHONE]"
    assert redact("07911 123456", RedactionConfig(phone_regions=("CN",))).text == "07911 123456"
    assert redact("07911 123456", RedactionConfig(phone_regions=("GB",))).text == "[PHONE]"
    no_regions = RedactionConfig(phone_regions=())
    assert redact("13812345678 or +86 138 1234 5678", no_regions).text == "13812345678 or [PHONE]"


def test_a_phone_revealed_by_removing_another_is_found_in_the_same_call():
    # The phone matcher reads context: here the second number hides the first until it is removed.
    result = redact("2012000000 0(2012000000")
    assert result.text == "[PHONE] 0[PHONE]"
    assert result.counts == only("PHONE", 2)


POSITIVES = [text for text, _ in CARDS + PHONES + EMAILS + IDS] + [text for text, _, _ in SPOKEN] + [MIXED]


@pytest.mark.parametrize("text", POSITIVES)
def test_redacting_twice_gives_the_same_text(text):
    once = redact(text)
    twice = redact(once.text)
    assert twice.text == once.text
    assert twice.total == 0


@pytest.mark.parametrize("text, original", [
    ("我的卡号是 4111 1111 1111 1111", "4111111111111111"),
    ("card 4111-1111-1111-1111", "4111111111111111"),
    ("call 138-1234-5678", "13812345678"),
    ("mobile +86 138 1234 5678", "13812345678"),
    ("身份证 110105 19491231 002X", "11010519491231002X"),
    ("my card is four one double one, one one one one, one one one one, one one one one", "1111"),
])
def test_the_original_digits_never_appear_in_the_result(text, original):
    result = redact(text)
    digits = re.sub(r"[^0-9X]", "", result.text)
    assert original not in digits
    assert not re.search(r"[0-9]", result.text)
    assert "one" not in result.text.replace("my card is", "")


def test_the_result_is_frozen_and_its_counts_are_read_only():
    result = redact("4111111111111111")
    with pytest.raises(FrozenInstanceError):
        result.text = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.counts["CARD"] = 0  # type: ignore[index]


def _conversation(*texts: str) -> Conversation:
    turns = tuple(Turn(speaker="customer" if i % 2 else "agent", text=t) for i, t in enumerate(texts))
    return Conversation(external_id="c-1", agent="a.li", turns=turns, channel="call", customer="wf@163.com")


def test_a_conversation_is_redacted_turn_by_turn_with_counts_summed():
    conversation = _conversation("您好，请问有什么可以帮您？", "卡号 4111 1111 1111 1111，电话 13812345678",
                                 "请再说一遍", "four one one one one one one one one one one one one one one one")
    redacted, counts = redact_conversation(conversation, DEFAULT)
    assert [t.text for t in redacted.turns] == ["您好，请问有什么可以帮您？", "卡号 [CARD]，电话 [PHONE]",
                                                "请再说一遍", "[CARD]"]
    assert dict(counts) == {**NO_COUNTS, "CARD": 2, "PHONE": 1}
    assert [t.speaker for t in redacted.turns] == [t.speaker for t in conversation.turns]
    assert (redacted.external_id, redacted.agent, redacted.channel) == ("c-1", "a.li", "call")
    assert conversation.turns[1].text == "卡号 4111 1111 1111 1111，电话 13812345678"  # the input is untouched
    assert redacted.turns[0] is conversation.turns[0]  # unchanged turns are reused


def test_only_turn_text_is_redacted_not_the_customer_field():
    redacted, counts = redact_conversation(_conversation("hi"))
    assert redacted.customer == "wf@163.com"
    assert dict(counts) == NO_COUNTS


def test_a_conversation_without_turns_has_zero_counts():
    redacted, counts = redact_conversation(_conversation())
    assert redacted.turns == ()
    assert dict(counts) == NO_COUNTS


@pytest.mark.parametrize("kwargs, message", [
    ({"phone_regions": ("CN", "XX")}, "phone_regions[1]: unknown region code 'XX'"),
    ({"phone_regions": "CN"}, "phone_regions: must be a list of region codes"),
    ({"phone_regions": None}, "phone_regions: must be a list of region codes"),
    ({"cards": "yes"}, "cards: must be true or false"),
    ({"spoken_digits": 1}, "spoken_digits: must be true or false"),
    ({"card_context": "on"}, "card_context: must be true or false"),
])
def test_a_bad_config_value_is_refused_naming_the_field(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        RedactionConfig(**kwargs)


def test_a_config_is_built_from_settings_and_unknown_settings_are_refused():
    config = RedactionConfig.from_mapping({"phones": False, "phone_regions": ["CN"]})
    assert config == RedactionConfig(phones=False, phone_regions=("CN",))
    assert RedactionConfig.from_mapping({"card_context": False}) == RedactionConfig(card_context=False)
    assert RedactionConfig.from_mapping({}) == DEFAULT
    with pytest.raises(ValueError, match=r"^card: unknown redaction setting"):
        RedactionConfig.from_mapping({"card": False})


def test_settings_that_are_not_a_mapping_are_refused():
    with pytest.raises(ValueError, match=r"^redaction settings: must be a mapping, got list$"):
        RedactionConfig.from_mapping(["cards"])  # type: ignore[arg-type]


def test_a_turn_whose_text_is_not_a_string_is_refused_naming_the_turn():
    conversation = _conversation("hi", "there")
    broken = Conversation(external_id="c-1", agent="a.li",
                          turns=(conversation.turns[0], Turn(speaker="customer", text=None)))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^turns\[1\]\.text: must be a string, got NoneType$"):
        redact_conversation(broken)


def test_a_config_of_the_wrong_type_is_refused():
    with pytest.raises(TypeError, match=r"^config: must be a RedactionConfig, got dict$"):
        redact("hi", {"cards": False})  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [None, 4111111111111111, b"4111111111111111"])
def test_text_that_is_not_a_string_is_refused_without_echoing_it(bad):
    with pytest.raises(TypeError, match=r"^text: must be a string, got (NoneType|int|bytes)$"):
        redact(bad)  # type: ignore[arg-type]


# --- properties ----------------------------------------------------------------------------

def _luhn_valid_16_digit_runs(text: str) -> set[str]:
    return {run for run in re.findall(r"[0-9]+", text) if len(run) == 16 and luhn.is_valid(run)}


PIECES = st.sampled_from(["4111", "1111", "5500", "0004", " ", "-", "(", "four", "one", "oh", "double",
                          "一", "四", "幺", "两", "@", ".", "com", "+86", "138", "[CARD]", "，", "X", "\u3000",
                          "１", "SF"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(PIECES | st.text("0123456789 -", max_size=4) | st.text(max_size=3))
                 .map("".join)))
def test_arbitrary_text_never_raises_never_grows_a_card_run_and_is_stable(text):
    result = redact(text)
    assert _luhn_valid_16_digit_runs(result.text) <= _luhn_valid_16_digit_runs(text)
    assert redact(result.text).text == result.text
    assert set(result.counts) == set(KINDS)


@st.composite
def embedded_cards(draw):
    prefix = draw(st.sampled_from(["4", "51", "55", "62", "6011", "37"]))
    body = draw(st.text("0123456789", min_size=15 - len(prefix), max_size=15 - len(prefix)))
    number = prefix + body + luhn.calc_check_digit(prefix + body)
    separators = draw(st.lists(st.sampled_from(["", " ", "-"]), min_size=len(number) - 1,
                               max_size=len(number) - 1))
    written = number[0] + "".join(sep + digit for sep, digit in zip(separators, number[1:]))
    filler = st.text(st.sampled_from("我的卡号是，。 :!?\n"), max_size=8)
    return draw(filler) + written + draw(filler), number


@settings(max_examples=200, deadline=None)
@given(embedded_cards())
def test_a_generated_card_in_any_grouping_is_always_redacted(case):
    text, number = case
    result = redact(text)
    assert number not in re.sub(r"[^0-9]", "", result.text)
    assert result.counts["CARD"] == 1


# --- the fast paths against the matcher-based reference --------------------------------------

def _reference_normalise(text: str) -> str:
    """The character-by-character normalisation the translate table replaced."""
    out = []
    for char in text:
        digit = unicodedata.decimal(char, None)
        folded = str(digit) if digit is not None else unicodedata.normalize("NFKC", char)
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


def _reference_redact(text: str, config: RedactionConfig = DEFAULT) -> tuple[str, dict[str, int]]:
    """Redaction as it was before the fast paths: every finder on every text, the matcher per region."""
    finders = []
    if config.emails:
        finders.append(pii._find_emails)
    if config.ids:
        finders.append(pii._find_ids)
    if config.cards and config.card_context:
        finders.append(lambda t: pii._find_card_context(t, config.spoken_digits))
    if config.cards:
        finders.append(pii._find_cards)
    if config.spoken_digits and (config.cards or config.ids):
        finders.append(lambda t: pii._find_spoken(t, config.cards, config.ids))
    if config.phones:
        finders.append(lambda t: phones.find_phones_with_matcher(t, config.phone_regions))
    if config.secrets:
        finders.append(lambda t: secret_values.find_secrets(t, config.spoken_digits))
    original, normalised, found = text, _reference_normalise(text), []
    for _ in range(len(text) + 1):
        found_this_round = len(found)
        for finder in finders:
            spans = finder(normalised)
            original, normalised = pii._replace(original, spans), pii._replace(normalised, spans)
            found.extend(spans)
        if len(found) == found_this_round:
            break
    return original, dict(pii._counts(found))


REGION_CHOICES = [("CN", "US", "GB"), ("CN",), ("US",), ("GB",), (), ("GB", "GG", "JE"), ("DE", "NF", "SM"),
                  ("AR", "BR", "JP")]
PHONE_PIECES = st.sampled_from([
    "1", "86", "44", "0", "00", "011", "+", "+86 ", "+44 ", "+1 ", "0086", "138", "139", "1795", "12593",
    "010-", "020 ", "0755-", "(415) ", "555-", "2671", "7946", "0958", "07911 ", "123456", "2026", "-11-02",
    " 14:30", "/", "/ x", " x", "ext. ", "#", "(", ")", "（", "）", ".", " - ", "—", "~", " ", "  ", "\u3000",
    "order ", "order number ", "tracking no. ", "ref: ", "订单", "单号：", "运单号是", "快递", "SF", "YT", "JD",
    "a", "é", "¥", "$", "%", "电话", "call ", "my number is ", "，", "。", "\n", "１", "٣",
    # whole numbers, valid somewhere, bare or behind a prefix
    "13812345678", "17951234567", "4155552671", "14155552671", "2079460958", "7911123456", "712345",
    "8613812345678", "442079460958", "2026110258", "2012000000", "3023456789", "30123456", "1800555123"])
DIGIT_RUNS = st.integers(min_value=1, max_value=20).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n))
DIGIT_HEAVY = st.lists(PHONE_PIECES | DIGIT_RUNS, max_size=12).map("".join)


@settings(max_examples=600, deadline=None)
@given(DIGIT_HEAVY, st.sampled_from(REGION_CHOICES))
def test_the_fast_phone_finder_finds_exactly_what_the_matcher_finds(text, regions):
    assert phones.find_phones(text, regions) == phones.find_phones_with_matcher(text, regions)


# Numbers valid in one of the regions above, bare or behind a trunk prefix, country code or IDD.
PREFIXED_NUMBERS = st.tuples(
    st.sampled_from(["", "", "1", "0", "86", "44", "00", "0086", "0044", "011", "0111", "49", "0049"]),
    st.sampled_from(["13812345678", "17951234567", "1012345678", "2012345678", "4155552671", "2079460958",
                     "7911123456", "712345", "1481712345", "30123456", "91123456789", "1800555123", "2026110258"]),
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["1", "0", "86", "44", "2", "9", "00", "011"]) | DIGIT_RUNS, min_size=1, max_size=3)
       .map("".join) | PREFIXED_NUMBERS,
       st.sampled_from(["", "order ", "订单", "call ", "SF", "¥", "单号：", "my number is "]),
       st.sampled_from(["", ".", "号", "a", "%", " ok"]),
       st.sampled_from(REGION_CHOICES))
def test_a_bare_digit_run_is_judged_as_the_matcher_judges_it(digits, before, after, regions):
    text = before + digits + after
    assert phones.find_phones(text, regions) == phones.find_phones_with_matcher(text, regions)


REDACT_PIECES = PIECES | PHONE_PIECES | st.sampled_from([
    "wf@163.com", "a.b@example.co.uk", "@", "＠", "360426199101010071", "11010519491231002X", "4111 1111 1111 1111",
    "5500-0000-0000-0004", "13812345678", "double ", "triple ", "Four ", "ONE ", "fıve ", "sİx ", "o ", "nine, ",
    "三", "零", "〇", "两", "，", "four one one one ", "one one one one ", "１３８１２３４５６７８",
    "card number ", "Credit Card ", "卡号", "信用卡", "453914880343647", "6222 0202 0000 1234 56", "ending in ",
    "card no", "六二二二零二零二零零零零一二三四五六"])


@settings(max_examples=500, deadline=None)
@given(st.lists(REDACT_PIECES | DIGIT_RUNS, max_size=14).map("".join),
       st.sampled_from([DEFAULT, RedactionConfig(phone_regions=("CN",)), RedactionConfig(cards=False),
                        RedactionConfig(ids=False, phone_regions=("GB", "GG")), RedactionConfig(emails=False),
                        RedactionConfig(spoken_digits=False), RedactionConfig(card_context=False)]))
def test_redaction_gives_exactly_what_the_matcher_based_reference_gives(text, config):
    result = redact(text, config)
    assert (result.text, dict(result.counts)) == _reference_redact(text, config)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalising_with_the_table_gives_what_normalising_character_by_character_gives(text):
    assert pii._normalise(text) == _reference_normalise(text)


@pytest.mark.parametrize("text", [
    "My order 4821937465 has not arrived yet.", "let me check the tracking number SF493827164512.",
    "您好，很高兴为您服务", "我的订单4821937465还没到", "order 18005551234", "订单 8613812345678",
    "order number 01234567890", "单号 00441234567890", "call 2026110258",
    "fıve fıve oh oh, oh oh oh oh, oh oh oh oh, oh oh oh four",
    "SİX zero one one triple one one one one one one one one one seven", "2026年11月2日 14:30 送达",
])
def test_e_commerce_lines_are_redacted_exactly_as_the_reference_redacts_them(text):
    result = redact(text)
    assert (result.text, dict(result.counts)) == _reference_redact(text)


def test_a_dotless_i_still_spells_a_spoken_digit():
    # IGNORECASE reads "ı" as "i"; the cheap pre-check must too, or this card would be missed.
    result = redact("fıve fıve oh oh, oh oh oh oh, oh oh oh oh, oh oh oh four")
    assert result.text == "[CARD]"


def _metadata_for(country_code: int, region: str):
    return PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)


def _transform_added_digits(metadata) -> int:
    return sum(map(str.isdigit, re.sub(r"[\\$]\d", "", metadata.national_prefix_transform_rule or "")))


def test_no_valid_number_with_a_country_code_has_fewer_digits_than_the_phone_finder_skips():
    fewest = min(
        len(str(code)) + min(min(_metadata_for(code, r).general_desc.possible_length or (1,)) for r in regions)
        - _transform_added_digits(_metadata_for(code, regions[0]))
        for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items())
    assert phones._FEWEST_INTERNATIONAL_DIGITS <= fewest


@pytest.mark.parametrize("regions, fewest", [
    (("CN", "US", "GB"), 6), (("GG",), 3), (("DE",), 4), ((), 6), (("NF",), 5),
])
def test_the_fewest_digits_a_phone_can_have_depends_on_the_regions(regions, fewest):
    assert phones._fewest_phone_digits(regions) == fewest


def test_the_digit_bound_allows_for_a_prefix_transform_that_adds_digits():
    # Guernsey reads the six digits "712345" as the valid ten-digit 1481 712345.
    assert phonenumbers.is_valid_number(phonenumbers.parse("712345", "GG"))
    assert phones._fewest_phone_digits(("GG",)) <= 6


@pytest.mark.parametrize("finder", ["_find_emails", "_find_ids", "_find_card_context", "_find_cards", "_find_spoken",
                                    "_find_phones", "_find_secrets"])
@pytest.mark.parametrize("text", ["您好，很高兴为您服务", "Hello, thank you for contacting us, how can I help?",
                                  "I have two parcels, one arrived at four o'clock, the other one is late", ""])
def test_a_turn_without_digits_or_at_sign_is_not_searched(monkeypatch, finder, text):
    def refuse(*args):
        raise AssertionError(f"{finder} ran")

    monkeypatch.setattr(pii, finder, refuse)
    assert redact(text) == RedactionResult(text, NO_COUNTS)


@pytest.mark.parametrize("finder, text, searched", [
    ("_find_ids", "我的订单4821937465还没到", False),  # 10 digits: an ID needs 17
    ("_find_ids", "My order 4821937465 and SF493827164512", True),
    ("_find_cards", "我的订单4821937465还没到", False),  # a card needs 13
    ("_find_cards", "card 4111 1111 1111 1111", True),
    ("_find_emails", "订单 4111111111111111 已付款", False),
    ("_find_emails", "a@b", True),
    ("_find_spoken", "four one one", False),  # three spoken digits cannot make a card
    ("_find_spoken", "trıple one, triple one", False),  # at most 6
    ("_find_spoken", "four one one one 1111 1111 1111", True),
    ("_find_card_context", "我的订单4821937465还没到", False),
    ("_find_card_context", "order number 2026110258831234", False),  # 16 digits, but no card keyword
    ("_find_card_context", "card number 45391488034", False),  # 11 digits: fewer than a card after a keyword
    ("_find_card_context", "card number 453914880343", True),
    ("_find_card_context", "卡号 四五三九一四八八零三四", False),  # 11 spoken digits
    ("_find_card_context", "卡号 四五三九一四八八零三四三", True),
    ("_find_card_context", "CARD NUMBER 4539 1488 0343", True),
    ("_find_phones", "four one one", False),
    ("_find_phones", "call 12", True),
])
def test_a_finder_is_skipped_only_when_the_text_cannot_hold_its_kind(monkeypatch, finder, text, searched):
    calls = []
    original = getattr(pii, finder)
    monkeypatch.setattr(pii, finder, lambda *args: calls.append(args) or original(*args))
    redact(text)
    assert bool(calls) == searched


def test_an_eighteen_digit_run_whose_region_names_no_county_is_not_an_id():
    # python-stdnum raised KeyError on such region codes (411111 names a prefecture, not a county).
    assert redact("4111 1111 1111 111112593四") == RedactionResult("4111 1111 1111 111112593四", NO_COUNTS)


@pytest.mark.parametrize("regions", REGION_CHOICES)
def test_every_combination_of_context_prefix_and_number_is_judged_as_the_matcher_judges_it(regions):
    befores = ["", "order ", "订单", "call ", "SF", "单号："]
    prefixes = ["", "1", "0", "86", "44", "00", "0086", "0044", "011", "0111", "49", "0049", "+", "+86 "]
    numbers = ["13812345678", "17951234567", "1012345678", "2012345678", "4155552671", "2079460958",
               "7911123456", "712345", "1481712345", "30123456", "91123456789", "1800555123", "2026110258",
               "4821937465"]
    for before, prefix, number, after in itertools.product(befores, prefixes, numbers, ["", "号", "a", " ok"]):
        text = before + prefix + number + after
        assert phones.find_phones(text, regions) == phones.find_phones_with_matcher(text, regions), text


def test_a_text_with_more_candidates_than_the_matcher_tries_is_left_to_the_matcher():
    # The matcher gives up after 65535 failed candidates and so misses the phone at the end; the fast
    # path must not find more than the matcher does.
    text = "1 ab " * 66000 + " call 13812345678"
    assert phones._find_phone_runs(text, ("CN",)) is None
    assert phones.find_phones(text, ("CN",)) == phones.find_phones_with_matcher(text, ("CN",))
