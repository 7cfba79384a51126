"""redact, card context: 12 to 19 digits right after a card keyword are a card whatever their checksum."""
from __future__ import annotations

import re

import pytest
from stdnum import luhn

from transcripts.pii import KINDS, RedactionConfig, RedactionResult, redact

NO_COUNTS = dict.fromkeys(KINDS, 0)
REAL_TRANSCRIPT = "Hello, my card number is 453914880343647, and you can email me at nadadample.com."
# 6222 0202 0000 1234 56 read out: no run of its digits passes the checksum.
SPOKEN = "my card number is six two two two, zero two zero two, zero zero zero zero, one two three four, five six"

MANGLED_CARDS = [
    # Whisper dropped the second-last 6 of 4539148803436467: 15 digits, checksum wrong.
    (REAL_TRANSCRIPT, "Hello, my card number is [CARD], and you can email me at nadadample.com."),
    ("卡号是6222 0202 0000 1234 56", "卡号是[CARD]"),
    (SPOKEN, "my card number is [CARD]"),
    ("card number is four five three nine one four eight eight zero three four three six four seven",
     "card number is [CARD]"),  # the first 14 digits pass the checksum; the whole number is taken
    ("卡号是四五三九，一四八八，零三四三，六四七。", "卡号是[CARD]。"),  # spoken groups with pauses
    ("credit card 4539 1488 0343 64467", "credit card [CARD]"),  # a digit repeated: 17 digits
    ("debit card no. 4539-1488-0343-647", "debit card no. [CARD]"),
    ("Card No: 4539 1488 0343 647 expiry 08/27", "Card No: [CARD] expiry 08/27"),
    ("card # 453914880343647", "card # [CARD]"),
    ("CARD NUMBER 453914880343647", "CARD NUMBER [CARD]"),
    ("the long number on the card is 453914880343", "the long number on the card is [CARD]"),  # 12 digits
    ("bank card 4539148803436 4", "bank card [CARD]"),
    ("信用卡 453914880343647", "信用卡 [CARD]"),
    ("银行卡号：6222020200001234567", "银行卡号：[CARD]"),  # 19 digits
    ("储蓄卡 6222 0202 0000 1234 5", "储蓄卡 [CARD]"),
    ("借记卡卡号 6222020200001234", "借记卡卡号 [CARD]"),
    ("卡号：６２２２０２０２００００１２３４５６", "卡号：[CARD]"),  # full-width digits
    ("credit card refund 453914880343647", "credit card refund [CARD]"),  # "refund" is not "ref"
    # The checksum alone would take the Luhn-valid first 14 digits and leave "seven".
    ("my card number is four one one one one one one one one one one one one one one one seven",
     "my card number is [CARD]"),
]


@pytest.mark.parametrize("text, expected", MANGLED_CARDS)
def test_digits_after_a_card_keyword_become_a_card_placeholder_even_when_the_checksum_fails(text, expected):
    result = redact(text)
    assert result.text == expected
    assert result.counts == {**NO_COUNTS, "CARD": 1}


def test_the_real_transcripts_number_fails_the_checksum_and_the_real_card_passes_it():
    assert not luhn.is_valid("453914880343647") and luhn.is_valid("4539148803436467")
    assert not luhn.is_valid("622202020000123456")


NOT_CARDS = [
    "order number 2026110258831234",  # no card keyword
    "card ending in 1234",  # four digits are not a card number
    "my gift card balance is 50",
    "card 4111 1111 1111 1112",  # "card" alone is not a keyword
    "the card was declined, order 2026110258831234",  # the order word is nearer
    "credit card order number 2026110258831234",
    "I paid by credit card last week but the parcel never came, the tracking number is 7712345678901234",
    "credit card was charged twice and nobody has answered my emails since, 7712345678901234",  # too far
    "信用卡订单 2026110258831234",
    "卡号我稍后发您，快递单号是 7712345678901234",
    "银行卡的运单 7712345678901234",
    "card number 4539 1488 034",  # 11 digits
    "card number 45391488034364671234",  # 20 digits
    "card number SF4539148803436",  # glued to letters: a tracking number
    "discard number 453914880343647",  # "card" inside a word
    "card no六二二二零二零二零零零零一二三四五六",  # "no" glued to the number is not the word "no"
]


@pytest.mark.parametrize("text", NOT_CARDS)
def test_numbers_without_a_nearer_card_keyword_or_of_another_length_stay(text):
    assert redact(text) == RedactionResult(text, NO_COUNTS)


@pytest.mark.parametrize("text, expected, counts", [
    ("card number 4539 1488 0343 647, 138 1234 5678", "card number [CARD], [PHONE]", {"CARD": 1, "PHONE": 1}),
    ("银行卡绑定的手机号是 +86 138 1234 5678", "银行卡绑定的手机号是 [PHONE]", {"PHONE": 1}),  # the phone word is nearer
    # Only the number right after the keyword: another number between them is not the card.
    ("card number 453914880343647 and 622202020000123456", "card number [CARD] and 622202020000123456",
     {"CARD": 1}),
    ("卡号 4111 1111 1111 1111 和 622202020000123456", "卡号 [CARD] 和 622202020000123456", {"CARD": 1}),
    ("身份证 360426199101010071 卡号 453914880343647", "身份证 [ID] 卡号 [CARD]", {"ID": 1, "CARD": 1}),
    # The CVV is not part of the card: it has its own placeholder.
    ("card number 453914880343647 CVV 123", "card number [CARD] CVV [CVV]", {"CARD": 1, "CVV": 1}),
])
def test_a_card_beside_other_numbers_takes_only_its_own_digits(text, expected, counts):
    result = redact(text)
    assert result.text == expected
    assert result.counts == {**NO_COUNTS, **counts}


@pytest.mark.parametrize("gap, redacted", [(1, True), (40, True), (41, False)])
def test_the_keyword_must_end_at_most_forty_characters_before_the_number(gap, redacted):
    text = "card number" + "_" * (gap - 1) + " 453914880343647"
    assert (redact(text).text == text.replace("453914880343647", "[CARD]")) is redacted
    assert redact(text).total == int(redacted)


@pytest.mark.parametrize("config, stays", [
    (RedactionConfig(card_context=False), [REAL_TRANSCRIPT, SPOKEN]),
    (RedactionConfig(cards=False), [REAL_TRANSCRIPT, SPOKEN]),  # card context needs cards on
    (RedactionConfig(spoken_digits=False), [SPOKEN]),
])
def test_card_context_follows_its_switch_and_those_of_cards_and_spoken_digits(config, stays):
    for text in stays:
        assert redact(text, config) == RedactionResult(text, NO_COUNTS)
    for text in {REAL_TRANSCRIPT, SPOKEN} - set(stays):
        assert redact(text, config).counts["CARD"] == 1


@pytest.mark.parametrize("text", [text for text, _ in MANGLED_CARDS])
def test_redacting_a_mangled_card_twice_gives_the_same_text(text):
    once = redact(text)
    assert redact(once.text) == RedactionResult(once.text, NO_COUNTS)


@pytest.mark.parametrize("text, digits", [
    (REAL_TRANSCRIPT, "453914880343647"), ("卡号是6222 0202 0000 1234 56", "622202020000123456"),
    ("credit card 4539 1488 0343 64467", "45391488034364467"),
])
def test_no_digit_of_a_mangled_card_is_left_in_the_result(text, digits):
    result = redact(text)
    assert not re.search(r"[0-9]", result.text)
    assert digits not in result.text
