"""Certificate expiry, state over time, renewal timing and verification codes, as tables."""
from datetime import datetime, timedelta, timezone

import pytest

from training.certificates import add_months, expiry, format_code, normalise_code, renewal_due, state

UTC = timezone.utc


def at(year, month, day, hour=9):
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.mark.parametrize("issued, months, expected", [
    (at(2026, 1, 15), 12, at(2027, 1, 15)),
    (at(2026, 1, 31), 1, at(2026, 2, 28)),   # the 31st becomes the last day of a shorter month
    (at(2027, 12, 31), 2, at(2028, 2, 29)),  # a leap year
    (at(2026, 11, 30), 3, at(2027, 2, 28)),
])
def test_a_certificate_expires_whole_calendar_months_after_issue(issued, months, expected):
    assert add_months(issued, months) == expected == expiry(issued, months)


def test_a_certificate_of_a_course_without_validity_never_expires():
    assert expiry(at(2026, 1, 1), None) is None
    assert state(None, at(2099, 1, 1), 30) == "valid"


@pytest.mark.parametrize("months", [0, -1, 1.5, True, "12"])
def test_the_validity_must_be_whole_months(months):
    with pytest.raises(ValueError, match="months"):
        add_months(at(2026, 1, 1), months)


EXPIRES = at(2027, 1, 15)


@pytest.mark.parametrize("now, expected", [
    (at(2026, 12, 15, 8), "valid"),      # 31 days before
    (at(2026, 12, 16, 9), "expiring"),   # 30 days before: the renewal window opens
    (EXPIRES - timedelta(seconds=1), "expiring"),
    (EXPIRES, "expired"),
    (at(2028, 1, 1), "expired"),
])
def test_a_certificate_is_valid_then_expiring_then_expired(now, expected):
    assert state(EXPIRES, now, renew_days=30) == expected
    assert renewal_due(EXPIRES, now, 30) is (expected != "valid")


def test_a_revoked_certificate_is_revoked_whatever_the_date():
    assert state(EXPIRES, at(2026, 6, 1), 30, revoked=True) == "revoked"


def test_verification_codes_are_three_groups_of_unambiguous_characters():
    code = format_code(bytes(range(8)))
    assert len(code) == 14 and code.count("-") == 2
    assert not set(code.replace("-", "")) & set("ILOU")
    assert format_code(bytes(range(8))) == code and format_code(bytes(range(1, 9))) != code


@pytest.mark.parametrize("typed, expected", [
    ("7k2m-9xq4-b3ht", "7K2M-9XQ4-B3HT"),
    (" 7K2M 9XQ4 B3HT ", "7K2M-9XQ4-B3HT"),
    ("7K2M9XQ4B3HT", "7K2M-9XQ4-B3HT"),
    ("7K2M-9XQ4-B3HO", "7K2M-9XQ4-B3H0"),  # O read as zero
    ("7K2M-9XQ4", ""), ("7K2M-9XQ4-B3HU", ""), ("", ""), ("../../etc/passwd", ""),
])
def test_a_typed_code_is_read_forgivingly_or_not_at_all(typed, expected):
    assert normalise_code(typed) == expected
